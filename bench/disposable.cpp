// Disposable timings through VmManager and libvirt's embedded QEMU driver
// under TCG: how long a create call blocks the event loop, until libvirt
// started the domain, until the guest speaks on its GUI channel; destroy until
// stopped, without and with this process reaping QEMU as a child subreaper
// (VM-NOTES: a slow-reaping PID 1 is what makes destroy slow).
// Usage: bulkhead-bench-disposable TEMPLATE.xml WORKDIR [ROUNDS]
#include "vm/event_loop.hpp"
#include "vm/manager.hpp"
#include "vm/reaper.hpp"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <wayland-server-core.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace bulkhead::vm;
using Clock = std::chrono::steady_clock;

namespace {

wl_event_loop *loop;

struct Listener : VmListener {
	std::vector<VmInfo> started;
	int stopped = 0;
	void vm_started(const VmInfo &vm) override { started.push_back(vm); }
	void vm_stopped(const VmInfo &, bool) override { ++stopped; }
};

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

bool dispatch_until(const std::function<bool()> &done)
{
	for (int i = 0; i < 1200 && !done(); ++i)
		wl_event_loop_dispatch(loop, 100);
	return done();
}

// Waits for the guest's line on the channel, as a gui-daemon would.
bool wait_for_guest(const std::filesystem::path &socket_path)
{
	const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	sockaddr_un addr{};
	addr.sun_family = AF_UNIX;
	std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path.c_str());
	if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0)
		return false;
	std::string got;
	const bool ok = dispatch_until([&] {
		char buf[128];
		for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
			got.append(buf, static_cast<std::size_t>(n));
		return got.find("marker-written") != std::string::npos;
	});
	close(fd);
	return ok;
}

int handle_sigchld(int, void *)
{
	reap_exited_qemu();
	return 0;
}

double median(std::vector<double> v)
{
	std::sort(v.begin(), v.end());
	return v.empty() ? 0 : v[v.size() / 2];
}

void print(const char *what, const std::vector<double> &v)
{
	std::printf("disposable %s: median %.0f ms over %zu\n", what, median(v), v.size());
}

} // namespace

int main(int argc, char **argv)
{
	if (argc < 3) {
		std::fprintf(stderr, "usage: %s TEMPLATE.xml WORKDIR [ROUNDS]\n", argv[0]);
		return 2;
	}
	const std::filesystem::path work = argv[2];
	const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
	std::ifstream in(argv[1]);
	std::stringstream xml;
	xml << in.rdbuf();

	loop = wl_event_loop_create();
	EventLoopBridge::attach(loop);
	Connection conn("qemu:///embed?root=" + (work / "libvirt").string());
	virDomainPtr t = virDomainDefineXML(conn.get(), xml.str().c_str());
	if (!t) {
		std::fprintf(stderr, "define: %s\n", virGetLastErrorMessage());
		return 1;
	}
	virDomainFree(t);
	Listener listener;
	VmManagerConfig config{work / "run", work / "overlays", "/dev/shm", 16, 0, [](const std::string &) {}};
	std::filesystem::create_directories(config.runtime_dir);
	VmManager manager(conn, config, listener);

	std::vector<double> call, create, boot, destroy[2];
	for (int mode = 0; mode < 2; ++mode) {
		if (mode == 1) {
			become_child_subreaper();
			sigset_t set;
			sigemptyset(&set);
			sigaddset(&set, SIGCHLD);
			sigprocmask(SIG_BLOCK, &set, nullptr);
			wl_event_loop_add_signal(loop, SIGCHLD, handle_sigchld, nullptr);
		}
		for (int i = 0; i < rounds; ++i) {
			const std::size_t seen = listener.started.size();
			std::optional<std::string> error;
			const auto t0 = Clock::now();
			const std::string name = manager.create_disposable("boot-dvm", [&](const std::string &e) { error = e; });
			call.push_back(ms_since(t0));
			if (!dispatch_until([&] { return error.has_value(); }) || !error->empty()) {
				std::fprintf(stderr, "create: %s\n", error ? error->c_str() : "no answer");
				return 1;
			}
			create.push_back(ms_since(t0));
			if (!dispatch_until([&] { return listener.started.size() > seen; }) ||
				!wait_for_guest(listener.started.back().gui.socket)) {
				std::fprintf(stderr, "guest did not come up\n");
				return 1;
			}
			boot.push_back(ms_since(t0));
			const int stopped = listener.stopped;
			const auto t1 = Clock::now();
			manager.destroy_disposable(name);
			dispatch_until([&] { return listener.stopped > stopped; });
			destroy[mode].push_back(ms_since(t1));
		}
	}
	print("create, loop blocked (overlay + XML)", call);
	print("create until libvirt started it", create);
	print("create until the guest spoke on its GUI channel", boot);
	print("destroy until stopped", destroy[0]);
	print("destroy until stopped, loop reaping QEMU as subreaper", destroy[1]);
	return 0;
}
