// End to end: a real QEMU disposable through libvirt's embedded QEMU driver
// under TCG, booted from an overlay over a base disk this test makes. The guest
// writes a marker to its disk, says so on the GUI channel and powers off when
// told; the overlay must have taken the write and be gone afterwards, the base
// unchanged.
#include "vm/manager.hpp"
#include "vm_support.hpp"

#include <cerrno>
#include <sys/socket.h>
#include <sys/un.h>

using namespace bulkhead::vm;
using bulkhead::test::read_text;
using bulkhead::test::Recorder;
using Catch::Matchers::Contains;

namespace {

// Dispatches until done(); QEMU under TCG needs seconds, so up to 90 s of
// rounds (a bound on a hang, not a timing requirement).
void dispatch_long(const std::function<bool()> &done)
{
	for (int i = 0; i < 900 && !done(); ++i)
		wl_event_loop_dispatch(bulkhead::test::vm_loop(), 100);
	REQUIRE(done());
}

// The host end of the guest's GUI channel, read from the event loop.
struct Channel {
	int fd = -1;
	std::string received;
	wl_event_source *source = nullptr;

	explicit Channel(const std::filesystem::path &path)
	{
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		sockaddr_un addr{};
		addr.sun_family = AF_UNIX;
		std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
		REQUIRE(connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
		source = wl_event_loop_add_fd(bulkhead::test::vm_loop(), fd, WL_EVENT_READABLE, handle_readable, this);
	}
	~Channel()
	{
		if (source)
			wl_event_source_remove(source);
		close(fd);
	}
	static int handle_readable(int fd, uint32_t, void *data)
	{
		auto *channel = static_cast<Channel *>(data);
		char buf[256];
		const ssize_t n = read(fd, buf, sizeof buf);
		if (n > 0) {
			channel->received.append(buf, static_cast<std::size_t>(n));
		} else if (n == 0 || errno != EINTR) { // QEMU closed its end
			wl_event_source_remove(channel->source);
			channel->source = nullptr;
		}
		return 0;
	}
};

} // namespace

TEST_CASE("disposable boot: a QEMU disposable writes to its overlay only and leaves nothing", "[boot]")
{
	const std::filesystem::path image = bulkhead::test::env_dir("BULKHEAD_BOOT_IMAGE");
	const std::filesystem::path script = bulkhead::test::env_dir("BULKHEAD_BOOT_SCRIPT");
	REQUIRE(bulkhead::test::run("'" + script.string() + "' '" + image.string() + "'") == 0);

	bulkhead::test::TempDir tmp;
	const auto base = tmp.path() / "base.qcow2";
	REQUIRE(bulkhead::test::run("qemu-img create -q -f qcow2 '" + base.string() + "' 64M") == 0);
	const std::string base_before = read_text(base);

	bulkhead::test::vm_loop();
	Connection conn("qemu:///embed?root=" + (tmp.path() / "libvirt").string());
	CHECK_THAT(read_text(tmp.path() / "libvirt" / "etc" / "qemu.conf"), Contains("stdio_handler = \"file\""));
	bulkhead::test::define(conn, bulkhead::test::boot_template_xml(base, image, tmp.path() / "console.log"));

	Recorder listener;
	VmManagerConfig config{tmp.path() / "run", tmp.path() / "overlays", "/dev/shm", 4, 0, log_to_stderr};
	std::filesystem::create_directories(config.runtime_dir);
	VmManager manager(conn, config, listener);
	std::optional<std::string> error;
	const std::string name = manager.create_disposable("boot-dvm", [&](const std::string &e) { error = e; });
	const auto overlay = config.overlay_dir / (name + ".qcow2");
	REQUIRE(std::filesystem::exists(overlay));
	const auto fresh_size = std::filesystem::file_size(overlay);

	dispatch_long([&] { return error && !listener.started.empty(); });
	CHECK(*error == "");
	const VmInfo vm = listener.started[0];
	CHECK(vm.name == name);
	CHECK(vm.metadata.label == Label::Purple);
	CHECK(std::filesystem::exists(vm.shm));
	{
		Channel channel(vm.gui.socket);
		dispatch_long([&] { return channel.received.find("marker-written\n") != std::string::npos; });
		INFO("console: " << read_text(tmp.path() / "console.log"));
		CHECK(std::filesystem::file_size(overlay) > fresh_size);
		CHECK_THAT(read_text(overlay), Contains("bulkhead-boot-test-marker"));
		REQUIRE(write(channel.fd, "poweroff\n", 9) == 9); // stopping by itself: the manager cleans up
		dispatch_long([&] { return !listener.stopped.empty(); });
	}
	CHECK(listener.stopped[0].first.name == name);
	CHECK_FALSE(listener.stopped[0].second);
	CHECK_FALSE(std::filesystem::exists(overlay));
	CHECK_FALSE(std::filesystem::exists(vm.shm));
	CHECK_FALSE(conn.find(name));
	CHECK(read_text(base) == base_before);
	CHECK_THAT(read_text(base), !Contains("bulkhead-boot-test-marker"));
}
