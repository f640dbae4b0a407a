// The gui-daemon against a guest agent played by the test: honest messages show
// a window; each broken rule ends that domain's GUI connection with a log line
// naming the domain and the rule, and the compositor carries on.
#include "common.hpp"
#include "fake_agent.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <functional>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace harness;
namespace wire = bulkhead::wire;

namespace {

constexpr uint64_t region_size = 16ull << 20;

// The daemon as a plain client of the compositor (WAYLAND_DISPLAY), so its
// windows are framed as dom0: what is under test here is its checking.
std::unique_ptr<Client> start_daemon(const Compositor &c, const std::string &socket)
{
	return std::make_unique<Client>(c, std::vector<std::string>{env_or("BULKHEAD_DAEMON", "bulkhead-gui-daemon"),
		"--domain", "evil", "--transport", "local:" + socket, "--region-size", std::to_string(region_size),
		"--ping-timeout-ms", "1500"});
}

// Sends `attack` after an honest start and expects the daemon to end the
// connection naming the rule; the compositor stays up.
void expect_rule(const std::string &rule, const std::function<void(FakeAgent &)> &attack, bool handshake = true)
{
	Compositor c(base_config());
	FakeAgent agent(c.runtime_dir() + "/fake-agent.sock");
	auto daemon = start_daemon(c, agent.path());
	agent.accept_daemon();
	if (handshake) {
		agent.handshake();
		agent.show_window(0xffcc0000);
		REQUIRE(wait_for_window(c, "fake"));
	}
	attack(agent);
	auto status = daemon->wait_exit(10s);
	REQUIRE(status);
	CHECK(*status == 1);
	const std::string log = read_text(c.runtime_dir() + "/client.log");
	INFO(log);
	CHECK_THAT(log, Catch::Contains("domain evil: ending the GUI connection: " + rule));
	CHECK(c.running());
	if (handshake)
		CHECK(c.wait_for_log("view unmap id=", 5s));
}

} // namespace

TEST_CASE("an honest agent's buffer is shown without a copy and released after use", "[daemon]")
{
	Compositor c(base_config());
	FakeAgent agent(c.runtime_dir() + "/fake-agent.sock");
	auto daemon = start_daemon(c, agent.path());
	agent.accept_daemon();
	agent.handshake();
	agent.show_window(0xff00aa55);
	auto w = wait_for_window(c, "fake");
	REQUIRE(w);
	CHECK(w->content.width == 64);
	CHECK(w->content.height == 48);
	Image shot;
	REQUIRE(wait_until([&] {
		shot = c.screenshot();
		return shot.fraction(w->content, Rgba::hex("#00aa55"), 0) == 1.0;
	}));
}

TEST_CASE("VM transport: the region is the VM's shared-memory file, and no descriptor goes to QEMU's socket", "[daemon]")
{
	Compositor c(base_config());
	// The test plays QEMU: it listens on the channel's socket and holds the
	// ivshmem file, which the daemon may open only once it has its full size.
	FakeAgent agent(c.runtime_dir() + "/qemu-channel.sock");
	const std::string region_file = c.runtime_dir() + "/ivshmem";
	std::ofstream(region_file).close();
	Client daemon(c, {env_or("BULKHEAD_DAEMON", "bulkhead-gui-daemon"), "--domain", "vm", "--transport",
		"vm:" + agent.path(), "--region-file", region_file, "--region-size", std::to_string(region_size)});
	agent.accept_daemon();
	REQUIRE(truncate(region_file.c_str(), region_size) == 0);
	agent.handshake(region_file);
	agent.show_window(0xff3366cc, 1, 64, 48, "vm-window");
	auto w = wait_for_window(c, "vm-window");
	REQUIRE(w);
	Image shot;
	CHECK(wait_until([&] {
		shot = c.screenshot();
		return shot.fraction(w->content, Rgba::hex("#3366cc"), 0) == 1.0;
	}));
}

TEST_CASE("the VM transport's options are checked", "[daemon]")
{
	const std::string daemon = env_or("BULKHEAD_DAEMON", "bulkhead-gui-daemon");
	RunResult r = run({daemon, "--domain", "vm", "--transport", "vm:/nonexistent/sock"});
	CHECK(r.status == 2);
	CHECK_THAT(r.output, Catch::Contains("--region-file goes with, and only with, --transport vm:PATH"));
	r = run({daemon, "--domain", "vm", "--transport", "local:/x", "--region-file", "/dev/shm/x"});
	CHECK(r.status == 2);
	r = run({daemon, "--domain", "vm", "--transport", "vsock:3"});
	CHECK(r.status == 2);
	CHECK_THAT(r.output, Catch::Contains("unknown transport 'vsock:3' (use local:PATH or vm:PATH)"));
}

TEST_CASE("guest rule violations end that domain's GUI connection", "[daemon]")
{
	SECTION("a buffer past the region's end")
	{
		expect_rule("rule buffer-outside-region", [](FakeAgent &a) {
			wire::Attach at;
			at.window = 1;
			at.offset = region_size - 64 * 4 * 10;
			at.width = 64;
			at.height = 48;
			at.stride = 256;
			a.send_message(at);
		});
	}
	SECTION("a length that lies")
	{
		expect_rule("rule message-too-large", [](FakeAgent &a) {
			std::vector<uint8_t> bytes;
			wire::encode_raw(bytes, 6, 1, {});
			bytes[11] = 0x40; // 1 GiB of title follows, supposedly
			a.send(bytes);
		});
	}
	SECTION("an unknown message type")
	{
		expect_rule("rule unknown-type", [](FakeAgent &a) {
			std::vector<uint8_t> bytes;
			wire::encode_raw(bytes, 777, 1, {});
			a.send(bytes);
		});
	}
	SECTION("a window never created")
	{
		expect_rule("rule no-such-window", [](FakeAgent &a) { a.send_message(wire::Map{99}); });
	}
	SECTION("damage outside the buffer")
	{
		expect_rule("rule rect-outside-buffer", [](FakeAgent &a) {
			wire::Attach at;
			at.window = 1;
			at.width = 64;
			at.height = 48;
			at.stride = 256;
			at.damage = {{60, 0, 10, 10}};
			a.send_message(at);
		});
	}
	SECTION("a cursor not in the list")
	{
		expect_rule("rule unknown-cursor", [](FakeAgent &a) { a.send_message(wire::SetCursor{1, 1000}); });
	}
	SECTION("a message before the handshake")
	{
		expect_rule("rule before-handshake", [](FakeAgent &a) { a.send_message(wire::CreateWindow{1, 0, 0, 0}); }, false);
	}
	SECTION("silence: pings unanswered")
	{
		expect_rule("the agent did not answer a ping", [](FakeAgent &) {});
	}
}

TEST_CASE("a guest window larger than the output is cut to the output's size", "[daemon]")
{
	Compositor c(base_config());
	FakeAgent agent(c.runtime_dir() + "/fake-agent.sock");
	auto daemon = start_daemon(c, agent.path());
	agent.accept_daemon();
	agent.handshake();
	agent.show_window(0xff3366ff, 1, 2000, 1000, "huge");
	auto w = wait_for_window(c, "huge");
	REQUIRE(w);
	CHECK(w->content.width == 1280);
	CHECK(w->content.height == 720);
}
