// VM windows on the desktop, on the local backend: guest apps run against the
// guest agent, the gui-daemon shows them through the compositor, framed in the
// domain's label colour with its [name].
#include "common.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace harness;

namespace {

std::string domains_config(const std::string &typed_file)
{
	return base_config(R"(
[[domain]]
name = "untrusted"
label = "red"
autostart = ["foot --config=/dev/null --title=guest-term sh -c 'stty -echo; cat > )" + typed_file + R"('"]

[[domain]]
name = "work"
label = "blue"
autostart = ["weston-simple-shm"]
)");
}

std::string read_file(const std::string &path)
{
	std::ifstream in(path);
	std::ostringstream s;
	s << in.rdbuf();
	return s.str();
}

const bulkhead::LabelStyle &label(const char *name)
{
	const bulkhead::LabelStyle *s = theme().label(name);
	REQUIRE(s);
	return *s;
}

pid_t pid_of(const Compositor &c, const std::string &pattern)
{
	auto m = c.wait_for_log(pattern + " \\(pid (\\d+)\\)");
	REQUIRE(m);
	return std::stoi((*m)[1]);
}

} // namespace

TEST_CASE("two domains at once, each framed in its label colour with its name", "[domains]")
{
	const std::string typed = std::string(std::getenv("BULKHEAD_TEST_OUTPUT") ? std::getenv("BULKHEAD_TEST_OUTPUT") : "/tmp") + "/typed-1.txt";
	Compositor c(domains_config(typed));
	auto work = wait_for_window(c, "simple-shm", 20s);
	auto guest = wait_for_window(c, "guest-term", 20s);
	REQUIRE(work);
	REQUIRE(guest);
	CHECK(work->domain == "work");
	CHECK(guest->domain == "untrusted");
	REQUIRE(c.wait_for_log("view title id=" + std::to_string(guest->id) + " text=\"\\[untrusted\\] guest-term\""));

	// Click the guest terminal: it takes focus, its frame turns full red.
	c.inject({"click", point(guest->content.x + guest->content.width - 20), point(guest->content.y + guest->content.height - 20)});
	REQUIRE(c.wait_for_log("view focus id=" + std::to_string(guest->id)));
	c.inject({"move", "1270", "710"});
	Image shot;
	REQUIRE(wait_until([&] {
		shot = c.screenshot();
		return shot.fraction(border_strips(guest->outer, theme().border_width)[1], rgba(label("red").focused.border), 2) > 0.99;
	}));
	check_frame(shot, *guest, label("red").focused);
	CHECK(label("red").focused.border.to_string() == "#cc0000");
	// The work window lost focus and shows it; its left border is not covered.
	CHECK(shot.fraction(border_strips(work->outer, theme().border_width)[2], rgba(label("blue").unfocused.border), 2) > 0.99);
	// The guest's title bar shows "[untrusted] guest-term", drawn by the compositor.
	auto mismatch = compare_reference(shot.crop(title_crop(*guest, 220)), "domain-untrusted-title", 24, 30);
	INFO(mismatch.value_or(""));
	CHECK_FALSE(mismatch);
}

TEST_CASE("typing on the host reaches the guest app; closing from the host closes it", "[domains]")
{
	const std::string typed = std::string(std::getenv("BULKHEAD_TEST_OUTPUT") ? std::getenv("BULKHEAD_TEST_OUTPUT") : "/tmp") + "/typed-2.txt";
	unlink(typed.c_str());
	Compositor c(domains_config(typed));
	auto guest = wait_for_window(c, "guest-term", 20s);
	REQUIRE(guest);
	c.inject({"click", point(guest->content.x + guest->content.width - 20), point(guest->content.y + guest->content.height - 20)});
	REQUIRE(c.wait_for_log("view focus id=" + std::to_string(guest->id)));
	c.inject({"type", "Hello, VM 42!"});
	c.inject({"key", "Return"});
	CHECK(wait_until([&] { return read_file(typed) == "Hello, VM 42!\n"; }));
	INFO("typed: " << read_file(typed));
	// Compositor shortcuts never reach the guest: Super+Shift+Q closes the
	// window (the guest's foot exits) and nothing was typed.
	c.inject({"key", "Super+Shift+q"});
	REQUIRE(c.wait_for_log("view unmap id=" + std::to_string(guest->id)));
	REQUIRE(c.wait_for_log("domain untrusted: app \\(pid \\d+\\) exited"));
	CHECK(read_file(typed) == "Hello, VM 42!\n");
}

TEST_CASE("resizing from the host reaches the guest and its new content shows", "[domains]")
{
	Compositor c(domains_config("/dev/null"));
	auto guest = wait_for_window(c, "guest-term", 20s);
	REQUIRE(guest);
	c.inject({"move", "1270", "710"});
	Image before;
	REQUIRE(wait_until([&] {
		before = c.screenshot();
		return before.fraction(guest->content, rgba(theme().background), 2) < 0.1;
	}));
	const Rgba terminal_bg = before.at(guest->content.x + guest->content.width / 2, guest->content.y + guest->content.height - 10);
	const std::size_t mark = c.log_size();
	const int x = guest->content.x + guest->content.width - 10, y = guest->content.y + guest->content.height - 10;
	c.inject({"drag", point(x), point(y), point(x + 150), point(y + 80), "right", "--mods", "Super"});
	auto resized = c.wait_for_log("view resize id=" + std::to_string(guest->id) +
		" outer=\\S+ content=-?\\d+,-?\\d+,(8[4-9]\\d|9\\d\\d),(5[6-9]\\d|6\\d\\d)", 15s, mark);
	REQUIRE(resized);
	const int width = std::stoi((*resized)[1]), height = std::stoi((*resized)[2]);
	c.inject({"move", "1270", "710"});
	// The guest drew the area that was desktop before: its pixels came through.
	const Rect grown{guest->content.x + guest->content.width + 10, guest->content.y + guest->content.height + 10,
		width - guest->content.width - 20, height - guest->content.height - 20};
	Image after;
	CHECK(wait_until([&] {
		after = c.screenshot();
		return after.fraction(grown, terminal_bg, 8) > 0.95;
	}));
}

TEST_CASE("killing a domain's agent removes only that domain's windows, and it comes back", "[domains]")
{
	Compositor c(domains_config("/dev/null"));
	auto work = wait_for_window(c, "simple-shm", 20s);
	auto guest = wait_for_window(c, "guest-term", 20s);
	REQUIRE(work);
	REQUIRE(guest);
	const pid_t agent = pid_of(c, "domain untrusted: agent started");
	const std::size_t mark = c.log_size();
	REQUIRE(kill(agent, SIGKILL) == 0);
	REQUIRE(c.wait_for_log("domain untrusted: agent was killed by signal", 10s, mark));
	REQUIRE(c.wait_for_log("view unmap id=" + std::to_string(guest->id), 10s, mark));
	CHECK_FALSE(c.wait_for_log("view unmap id=" + std::to_string(work->id) + "\\b", 500ms, mark));
	CHECK(c.running());

	// The other domain keeps updating: its animation still moves.
	c.inject({"move", "1270", "710"});
	const Image a = c.screenshot();
	CHECK(wait_until([&] {
		const Image b = c.screenshot();
		return count_different(a, b, work->content, 0) > 100;
	}));
	// The killed domain restarts its GUI path and its app shows again.
	CHECK(c.wait_for_log("view map id=\\d+ domain=untrusted title=\"guest-term\"", 20s, mark));
}
