#include "qemu_vm.hpp"

#include "harness.hpp"

#include <catch2/catch.hpp>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace harness {
namespace {

std::string read_all(const std::string &path)
{
	std::ifstream in(path);
	std::ostringstream s;
	s << in.rdbuf();
	return s.str();
}

std::string libvirt_error()
{
	const virError *e = virGetLastError();
	return e && e->message ? e->message : "unknown libvirt error";
}

// QEMU outlives the libvirt code that forked it (daemonized), and so do
// libvirt's capability probes. Left to PID 1, which reaps slowly here, every
// one of them stalls libvirt while it waits for the process to vanish (a
// destroy takes seconds, a cold capability probe over a minute). As their
// subreaper this process collects them at once; the harness's own children
// (the compositor, grim, ...) are left to the harness.
void start_qemu_reaper()
{
	static std::once_flag once;
	std::call_once(once, [] {
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		std::thread([] {
			const pid_t self = getpid();
			for (;;) {
				siginfo_t info{};
				// Sleeps until some child has ended, without collecting it.
				if (waitid(P_ALL, 0, &info, WEXITED | WNOWAIT) != 0) {
					std::this_thread::sleep_for(std::chrono::milliseconds(errno == ECHILD ? 50 : 10));
					continue;
				}
				bool reaped = false;
				for (const auto &entry : std::filesystem::directory_iterator("/proc")) {
					// /proc/PID/stat: "pid (comm) state ppid ..."
					const std::string stat = read_all(entry.path() / "stat");
					const auto close = stat.rfind(')');
					if (close == std::string::npos || stat.find("(qemu-system") == std::string::npos)
						continue;
					std::istringstream rest(stat.substr(close + 2));
					char state = 0;
					pid_t ppid = 0, pgrp = 0, session = 0;
					rest >> state >> ppid >> pgrp >> session;
					// Only daemonized QEMU (its own session); libvirt waits for
					// the QEMU it runs directly (capability probes) itself.
					if (state == 'Z' && ppid == self && session != getsid(0)) {
						waitpid(std::stoi(entry.path().filename().string()), nullptr, 0);
						reaped = true;
					}
				}
				if (!reaped) // a harness child: the harness collects it
					std::this_thread::sleep_for(std::chrono::milliseconds(10));
			}
		}).detach();
	});
}

} // namespace

GuestImage GuestImage::from_env()
{
	const std::string dir = env_or("BULKHEAD_GUEST_IMAGE", "");
	REQUIRE_FALSE(dir.empty());
	const std::string abs = std::filesystem::absolute(dir); // the overlay names its base by this path
	GuestImage image{abs + "/vmlinux", abs + "/initramfs.cpio.gz", abs + "/base.qcow2"};
	for (const std::string &f : {image.vmlinux, image.initramfs, image.base_disk})
		REQUIRE(std::filesystem::exists(f));
	return image;
}

void prepare_libvirt_root(const std::string &root)
{
	std::filesystem::create_directories(root + "/etc");
	// libvirt probes QEMU's capabilities once per cache (a second or more):
	// every test VM shares one cache in the build directory.
	const std::string cache = env_or("BULKHEAD_TEST_OUTPUT", "/tmp") + "/libvirt-cache";
	std::filesystem::create_directories(cache);
	std::filesystem::create_directory_symlink(cache, root + "/cache");
	std::ofstream(root + "/etc/qemu.conf") << "stdio_handler = \"file\"\nsecurity_driver = \"none\"\n"
						  "user = \"root\"\ngroup = \"root\"\ndynamic_ownership = 0\n"
						  "cgroup_controllers = [ ]\n";
}

QemuVm::QemuVm(const GuestImage &image, const std::string &apps, int region_mib) : region_mib_(region_mib)
{
	char dir[] = "/tmp/bulkhead-qemu-XXXXXX"; // short: unix socket paths are limited
	REQUIRE(mkdtemp(dir));
	root_ = dir;
	name_ = "bulkhead-test-" + std::to_string(getpid());
	gui_socket_ = root_ + "/gui.sock";
	region_file_ = "/dev/shm/" + name_;
	serial_log_ = root_ + "/serial.log";
	overlay_ = root_ + "/disk.qcow2";
	prepare_libvirt_root(root_);
	base_disk_ = image.base_disk;
	xml_ = "<domain type='qemu'><name>" + name_ + "</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>"
		"<os><type arch='x86_64' machine='q35'>hvm</type><kernel>" + image.vmlinux + "</kernel><initrd>" +
		image.initramfs + "</initrd><cmdline>console=ttyS0 quiet panic=-1 bulkhead.domain=vm bulkhead.apps=" + apps +
		"</cmdline></os><on_poweroff>destroy</on_poweroff><on_crash>destroy</on_crash><devices>"
		"<emulator>/usr/bin/qemu-system-x86_64</emulator>"
		"<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='" + overlay_ +
		"'/><target dev='vda' bus='virtio'/></disk>"
		"<controller type='usb' model='none'/>"
		"<serial type='file'><source path='" + serial_log_ + "'/><target port='0'/></serial>"
		"<channel type='unix'><source mode='bind' path='" + gui_socket_ + "'/>"
		"<target type='virtio' name='org.bulkhead.gui.0'/></channel>"
		"<shmem name='" + name_ + "'><model type='ivshmem-plain'/><size unit='M'>" + std::to_string(region_mib_) +
		"</size></shmem><memballoon model='none'/></devices></domain>";
}

void QemuVm::start()
{
	// The guest writes to its own overlay; the base stays as built.
	const RunResult overlay = run({"qemu-img", "create", "-q", "-f", "qcow2", "-b", base_disk_, "-F", "qcow2", overlay_});
	INFO(overlay.output);
	REQUIRE(overlay.status == 0);
	start_qemu_reaper();
	static const bool registered = virEventRegisterDefaultImpl() == 0;
	REQUIRE(registered);
	// libvirt's QEMU driver watches its monitor from the event loop.
	events_ = std::thread([this] {
		while (!__atomic_load_n(&stop_events_, __ATOMIC_ACQUIRE))
			virEventRunDefaultImpl();
	});
	conn_ = virConnectOpen(("qemu:///embed?root=" + root_).c_str());
	INFO(libvirt_error());
	REQUIRE(conn_);
	domain_ = virDomainCreateXML(conn_, xml_.c_str(), 0);
	INFO(libvirt_error());
	REQUIRE(domain_);
	const std::string pid_text = read_all(root_ + "/run/qemu/" + name_ + ".pid");
	INFO("pid file: " << pid_text);
	REQUIRE_FALSE(pid_text.empty());
	qemu_pid_ = std::stoi(pid_text);
	qemu_pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, qemu_pid_, 0));
	REQUIRE(qemu_pidfd_ >= 0);
}

std::string QemuVm::serial() const
{
	return read_all(serial_log_);
}

bool QemuVm::wait_serial(const std::string &text, std::chrono::milliseconds timeout) const
{
	return wait_until([&] { return serial().find(text) != std::string::npos; }, timeout);
}

void QemuVm::destroy()
{
	if (domain_) {
		virDomainDestroy(domain_);
		virDomainFree(domain_);
		domain_ = nullptr;
	}
}

QemuVm::~QemuVm()
{
	destroy();
	if (conn_)
		virConnectClose(conn_);
	if (events_.joinable()) {
		__atomic_store_n(&stop_events_, true, __ATOMIC_RELEASE);
		// A timer wakes the loop so it sees the flag.
		virEventAddTimeout(0, [](int timer, void *) { virEventRemoveTimeout(timer); }, nullptr, nullptr);
		events_.join();
	}
	if (qemu_pidfd_ >= 0) {
		// Normally gone already (destroy ended it); the pidfd never reaches
		// another process that reused the pid.
		syscall(SYS_pidfd_send_signal, qemu_pidfd_, SIGKILL, nullptr, 0);
		close(qemu_pidfd_);
	}
	// libvirt leaves the ivshmem file behind.
	unlink(region_file_.c_str());
	std::error_code ignored;
	std::filesystem::remove_all(root_, ignored);
}

} // namespace harness
