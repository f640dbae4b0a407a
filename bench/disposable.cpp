// Disposable timings through libvirt's embedded QEMU driver under TCG:
// create (overlay + domain start), click-to-guest (until the guest reports on
// its GUI channel), and destroy: called on the event loop's thread as
// VmManager does, and on a worker thread while the loop thread, a child
// subreaper, reaps the exited QEMU (VM-NOTES: a slow-reaping PID 1 is what
// makes destroy slow). Usage: bulkhead-bench-disposable TEMPLATE.xml WORKDIR [ROUNDS]
#include "vm/event_loop.hpp"
#include "vm/manager.hpp"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <wayland-server-core.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
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

// Reaps exited QEMU processes re-parented to us, and nothing else: libvirt
// waits for its own children itself.
int handle_sigchld(int, void *)
{
	siginfo_t info;
	while (true) {
		info.si_pid = 0;
		if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0 || info.si_pid == 0)
			return 0;
		std::ifstream comm("/proc/" + std::to_string(info.si_pid) + "/comm");
		std::string name;
		std::getline(comm, name);
		if (name.rfind("qemu-system", 0) != 0)
			return 0; // someone else's child: leave it to its waiter
		waitpid(info.si_pid, nullptr, 0);
	}
}

double median(std::vector<double> v)
{
	std::sort(v.begin(), v.end());
	return v.empty() ? 0 : v[v.size() / 2];
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
	VmManagerConfig config{work / "run", "/dev/shm/bulkhead-bench-overlays", "/dev/shm", 16, 0, [](const std::string &) {}};
	std::filesystem::create_directories(config.runtime_dir);
	VmManager manager(conn, config, listener);

	std::vector<double> create, boot, destroy_loop, destroy_worker;
	for (int mode = 0; mode < 2; ++mode) {
		if (mode == 1) {
			prctl(PR_SET_CHILD_SUBREAPER, 1);
			sigset_t set;
			sigemptyset(&set);
			sigaddset(&set, SIGCHLD);
			sigprocmask(SIG_BLOCK, &set, nullptr);
			wl_event_loop_add_signal(loop, SIGCHLD, handle_sigchld, nullptr);
		}
		for (int i = 0; i < rounds; ++i) {
			const auto t0 = Clock::now();
			const std::size_t seen = listener.started.size();
			bool up = false;
			const std::string name = manager.create_disposable("boot-dvm", [&](const std::string &e) { up = e.empty(); });
			if (!dispatch_until([&] { return up; }))
				return 1;
			create.push_back(ms_since(t0));
			if (!dispatch_until([&] { return listener.started.size() > seen; }) ||
				!wait_for_guest(listener.started.back().gui.socket)) {
				std::fprintf(stderr, "guest did not come up\n");
				return 1;
			}
			boot.push_back(ms_since(t0));
			const auto t1 = Clock::now();
			if (mode == 0) {
				const int stopped = listener.stopped;
				manager.destroy_disposable(name);
				dispatch_until([&] { return listener.stopped > stopped; });
				destroy_loop.push_back(ms_since(t1));
			} else {
				bool done = false;
				virDomainPtr d = virDomainLookupByName(conn.get(), name.c_str());
				std::thread worker([&] {
					virDomainDestroyFlags(d, 0);
					EventLoopBridge::post([&] { done = true; });
				});
				dispatch_until([&] { return done; });
				worker.join();
				destroy_worker.push_back(ms_since(t1));
				virDomainFree(d); // its stopped event made the manager remove its files
			}
		}
	}
	std::printf("disposable create (overlay + start): median %.0f ms over %zu\n", median(create), create.size());
	std::printf("disposable create to guest on GUI channel: median %.0f ms over %zu\n", median(boot), boot.size());
	std::printf("disposable destroy on the loop thread: median %.0f ms over %zu\n", median(destroy_loop), destroy_loop.size());
	std::printf("disposable destroy on a worker, loop as subreaper: median %.0f ms over %zu\n", median(destroy_worker),
		destroy_worker.size());
	return 0;
}
