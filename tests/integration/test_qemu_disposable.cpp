// A disposable VM end to end, real everything: the compositor's libvirt
// connection (qemu:///embed under TCG) makes disp1 from a disposable template
// over the guest image's base disk, the browser shortcut launches the guest's
// app in it, its window shows framed red with [disp1], and closing it destroys
// the VM with its overlay and shared memory while the base disk stays as it was.
#include "common.hpp"
#include "qemu_vm.hpp"

#include <catch2/catch.hpp>
#include <libvirt/libvirt.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace harness;

namespace {

std::string file_bytes(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	std::ostringstream s;
	s << in.rdbuf();
	return s.str();
}

// Defines the disposable template "dvm" in a fresh embedded libvirt root: the
// guest image's kernel and initramfs, its base disk named in Bulkhead's
// metadata. The connection closes again: the compositor opens the root next.
void define_template(const std::string &root, const GuestImage &image)
{
	prepare_libvirt_root(root);
	const std::string xml =
		"<domain type='qemu'><name>dvm</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>"
		"<metadata><bulkhead:vm xmlns:bulkhead='https://bulkhead.invalid/xmlns/domain/1'>"
		"<bulkhead:label>red</bulkhead:label><bulkhead:role>disposable-template</bulkhead:role>"
		"<bulkhead:base-disk>" + image.base_disk + "</bulkhead:base-disk></bulkhead:vm></metadata>"
		"<os><type arch='x86_64' machine='q35'>hvm</type><kernel>" + image.vmlinux + "</kernel><initrd>" +
		image.initramfs + "</initrd><cmdline>console=ttyS0 quiet panic=-1</cmdline></os>"
		"<on_poweroff>destroy</on_poweroff><on_crash>destroy</on_crash><devices>"
		"<emulator>/usr/bin/qemu-system-x86_64</emulator>"
		"<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='" + image.base_disk +
		"'/><target dev='vda' bus='virtio'/><readonly/></disk>"
		"<controller type='usb' model='none'/><memballoon model='none'/></devices></domain>";
	// In a child process: the embedded driver keeps the root locked for as long
	// as the process that opened it lives.
	const pid_t child = fork();
	if (child == 0) {
		if (virEventRegisterDefaultImpl() != 0)
			_exit(1);
		virConnectPtr conn = virConnectOpen(("qemu:///embed?root=" + root).c_str());
		virDomainPtr domain = conn ? virDomainDefineXML(conn, xml.c_str()) : nullptr;
		_exit(domain ? 0 : 2);
	}
	int status = -1;
	REQUIRE(waitpid(child, &status, 0) == child);
	REQUIRE(WIFEXITED(status));
	REQUIRE(WEXITSTATUS(status) == 0);
}

} // namespace

TEST_CASE("qemu: a disposable VM from a template shows its app framed [disp1] and is destroyed with its overlay when "
	  "the window closes",
	"[qemu][disposable]")
{
	const GuestImage image = GuestImage::from_env();
	char dir[] = "/tmp/bulkhead-dvm-XXXXXX"; // short: unix socket paths are limited
	REQUIRE(mkdtemp(dir));
	const std::string root = dir;
	define_template(root, image);
	const std::string base_before = file_bytes(image.base_disk);
	REQUIRE(base_before.size() > 0);

	Compositor c(base_config("[disposables]\ntemplate = \"dvm\"\n"
				 "browser = \"bulkhead-pattern-client disposable-browser\"\n",
		"qemu:///embed?root=" + root));
	struct Logs {
		const Compositor &c;
		~Logs() { std::ofstream(env_or("BULKHEAD_TEST_OUTPUT", "/tmp") + "/qemu-disposable.log") << c.log_text(); }
	} logs{c};
	REQUIRE(c.wait_for_log("libvirt: connected to qemu:///embed"));
	c.inject({"key", "Super+Shift+b"});
	REQUIRE(c.wait_for_log("placeholder disp1: shown"));
	REQUIRE(c.wait_for_log("libvirt: disp1 started \\(disposable, label red\\)", 60s));

	// While it runs: its overlay and its shared memory exist.
	const std::string overlay_dir = c.runtime_dir() + "/bulkhead/disposables";
	auto overlays = [&] {
		std::size_t n = 0;
		std::error_code ec;
		for (const auto &e : std::filesystem::directory_iterator(overlay_dir, ec)) {
			(void)e;
			++n;
		}
		return n;
	};
	CHECK(overlays() == 1);
	CHECK(std::filesystem::exists("/dev/shm/bulkhead-disp1"));

	auto w = wait_for_window(c, "disposable-browser", 90s);
	INFO("compositor log:\n" << c.log_text());
	REQUIRE(w);
	CHECK(w->domain == "disp1");
	REQUIRE(c.wait_for_log("view title id=" + std::to_string(w->id) + " text=\"\\[disp1\\] disposable-browser\""));
	const Image shot = c.screenshot();
	CHECK(shot.fraction(border_strips(w->outer, theme().border_width)[0], rgba(theme().label("red")->unfocused.border), 2) >
		0.99);

	// Closing the window ends the app, and the disposable with it.
	c.inject({"click", point(w->content.x + w->content.width / 2), point(w->content.y + w->content.height / 2)});
	REQUIRE(c.wait_for_log("view focus id=" + std::to_string(w->id)));
	c.inject({"key", "Super+Shift+q"});
	REQUIRE(c.wait_for_log("disposable disp1: destroying it: its app exited", 30s));
	REQUIRE(c.wait_for_log("libvirt: disp1 stopped", 30s));
	CHECK(wait_until([&] { return overlays() == 0 && !std::filesystem::exists("/dev/shm/bulkhead-disp1"); }, 15s));
	CHECK(c.running());
	// Nothing it wrote reached the base disk.
	CHECK(file_bytes(image.base_disk) == base_before);
	std::error_code ec;
	std::filesystem::remove_all(root, ec);
}

// bench/run-disposable-window.sh: the browser shortcut to the disposable's
// first window, cold (libvirt creates and boots it) and preloaded (a paused
// disposable from the pool is resumed). Prints figures; asserts only that the
// window came.
TEST_CASE("qemu: disposable start to first window, cold and preloaded", "[.bench]")
{
	const GuestImage image = GuestImage::from_env();
	for (const int preload : {0, 1}) {
		char dir[] = "/tmp/bulkhead-dvm-XXXXXX";
		REQUIRE(mkdtemp(dir));
		const std::string root = dir;
		define_template(root, image);
		Compositor c(base_config("[disposables]\ntemplate = \"dvm\"\npreload = " + std::to_string(preload) +
					 "\nbrowser = \"bulkhead-pattern-client bench-browser\"\n",
			"qemu:///embed?root=" + root));
		REQUIRE(c.wait_for_log("libvirt: connected to qemu:///embed"));
		if (preload)
			REQUIRE(c.wait_for_log("disposable disp1: ready", 90s));
		const auto start = std::chrono::steady_clock::now();
		c.inject({"key", "Super+Shift+b"});
		REQUIRE(wait_for_window(c, "bench-browser", 90s));
		const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
		std::printf("disposable start -> first window (%s): %lld ms\n", preload ? "preloaded" : "cold",
			static_cast<long long>(ms.count()));
		std::fflush(stdout);
		std::error_code ec;
		std::filesystem::remove_all(root, ec);
	}
}
