// The gui-daemon against a guest agent played by the test: honest messages show
// a window; each broken rule ends that domain's GUI connection with a log line
// naming the domain and the rule, and the compositor carries on.
#include "common.hpp"
#include "wire/codec.hpp"

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

// A guest agent under the test's control, speaking the wire protocol by hand.
class FakeAgent {
public:
	explicit FakeAgent(const Compositor &c) : compositor_(c)
	{
		path_ = c.runtime_dir() + "/fake-agent.sock";
		listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		sockaddr_un addr{};
		addr.sun_family = AF_UNIX;
		std::strcpy(addr.sun_path, path_.c_str());
		REQUIRE(bind(listen_fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
		REQUIRE(listen(listen_fd_, 1) == 0);
		// The daemon runs as a plain client here (WAYLAND_DISPLAY), so its
		// windows are framed as dom0: what is under test is its checking.
		daemon_ = std::make_unique<Client>(c, std::vector<std::string>{env_or("BULKHEAD_DAEMON", "bulkhead-gui-daemon"),
			"--domain", "evil", "--transport", "local:" + path_, "--region-size", std::to_string(region_size),
			"--ping-timeout-ms", "1500"});
		pollfd p{listen_fd_, POLLIN, 0};
		REQUIRE(poll(&p, 1, 10000) == 1);
		fd_ = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
		REQUIRE(fd_ >= 0);
	}
	~FakeAgent()
	{
		if (region_)
			munmap(region_, region_size);
		close(fd_);
		close(listen_fd_);
	}

	void send(const std::vector<uint8_t> &bytes) { (void)!write(fd_, bytes.data(), bytes.size()); }
	template <typename M> void send_message(const M &m)
	{
		std::vector<uint8_t> out;
		wire::encode(out, m);
		send(out);
	}

	// Says hello and takes the welcome with the region.
	void handshake()
	{
		send_message(wire::Hello{});
		uint8_t buf[4096];
		iovec iov{buf, sizeof buf};
		alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
		msghdr msg{};
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = control;
		msg.msg_controllen = sizeof control;
		pollfd p{fd_, POLLIN, 0};
		REQUIRE(poll(&p, 1, 10000) == 1);
		const ssize_t n = recvmsg(fd_, &msg, 0);
		REQUIRE(n >= static_cast<ssize_t>(wire::header_size + 24));
		CHECK(buf[0] == static_cast<uint8_t>(wire::Type::Welcome));
		cmsghdr *c = CMSG_FIRSTHDR(&msg);
		REQUIRE(c);
		int region_fd;
		std::memcpy(&region_fd, CMSG_DATA(c), sizeof(int));
		void *p_region = mmap(nullptr, region_size, PROT_READ | PROT_WRITE, MAP_SHARED, region_fd, 0);
		REQUIRE(p_region != MAP_FAILED);
		region_ = static_cast<uint32_t *>(p_region);
		close(region_fd);
		// The region cannot be shrunk under the compositor.
		CHECK(ftruncate(region_fd, 0) != 0);
	}

	// A toplevel window 1 of w x h in one colour, mapped.
	void show_window(uint32_t argb, uint32_t w = 64, uint32_t h = 48)
	{
		send_message(wire::CreateWindow{1, 0, 0, 0});
		send_message(wire::SetTitle{1, "fake"});
		for (uint32_t i = 0; i < w * h; ++i)
			region_[i] = argb;
		wire::Attach a;
		a.window = 1;
		a.width = w;
		a.height = h;
		a.stride = w * 4;
		a.damage = {{0, 0, static_cast<int32_t>(w), static_cast<int32_t>(h)}};
		send_message(a);
		send_message(wire::Map{1});
	}

	std::string daemon_log() const
	{
		std::ifstream in(compositor_.runtime_dir() + "/client.log");
		std::ostringstream s;
		s << in.rdbuf();
		return s.str();
	}
	Client &daemon() { return *daemon_; }

private:
	const Compositor &compositor_;
	std::string path_;
	int listen_fd_ = -1, fd_ = -1;
	uint32_t *region_ = nullptr;
	std::unique_ptr<Client> daemon_;
};

// Sends `attack` after an honest start and expects the daemon to end the
// connection naming the rule; the compositor stays up.
void expect_rule(const std::string &rule, const std::function<void(FakeAgent &)> &attack, bool handshake = true)
{
	Compositor c(base_config());
	FakeAgent agent(c);
	if (handshake) {
		agent.handshake();
		agent.show_window(0xffcc0000);
		REQUIRE(wait_for_window(c, "fake"));
	}
	attack(agent);
	auto status = agent.daemon().wait_exit(10s);
	REQUIRE(status);
	CHECK(*status == 1);
	INFO(agent.daemon_log());
	CHECK_THAT(agent.daemon_log(), Catch::Contains("domain evil: ending the GUI connection: " + rule));
	CHECK(c.running());
	if (handshake)
		CHECK(c.wait_for_log("view unmap id=", 5s));
}

} // namespace

TEST_CASE("an honest agent's buffer is shown without a copy and released after use", "[daemon]")
{
	Compositor c(base_config());
	FakeAgent agent(c);
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
