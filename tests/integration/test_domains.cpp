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

// The red domain runs a terminal that records what is typed into it; with
// `others`, also a weston client, and a blue domain runs a terminal.
std::string domains_config(const std::string &typed_file, bool others = true)
{
	return base_config(R"(
[[domain]]
name = "untrusted"
label = "red"
autostart = ["foot --config=/dev/null --title=guest-term sh -c 'stty -echo; cat > )" + typed_file + R"('")" +
		(others ? R"(, "weston-simple-shm"]

[[domain]]
name = "work"
label = "blue"
autostart = ["foot --config=/dev/null --title=work-term sh -c 'sleep 600'"]
)" : "]\n"));
}

// A point of `target` inside none of `others`.
std::optional<std::pair<int, int>> uncovered_point(const Rect &target, const std::vector<Rect> &others)
{
	for (int y = target.y + target.height - 5; y > target.y; y -= 10)
		for (int x = target.x + target.width - 5; x > target.x; x -= 10) {
			bool covered = false;
			for (const Rect &o : others)
				covered = covered || (x >= o.x && y >= o.y && x < o.x + o.width && y < o.y + o.height);
			if (!covered)
				return std::pair{x, y};
		}
	return std::nullopt;
}

// Of a window's border pixels that no other window overlaps, the fraction in `colour`.
double uncovered_border_match(const Image &shot, const WindowInfo &w, const std::vector<Rect> &others, const Rgba &colour)
{
	int total = 0, match = 0;
	for (const Rect &strip : border_strips(w.outer, theme().border_width))
		for (int y = strip.y; y < strip.y + strip.height; ++y)
			for (int x = strip.x; x < strip.x + strip.width; ++x) {
				bool covered = false;
				for (const Rect &o : others)
					covered = covered || (x >= o.x && y >= o.y && x < o.x + o.width && y < o.y + o.height);
				if (covered || x < 0 || y < 0 || x >= shot.width() || y >= shot.height())
					continue;
				++total;
				match += shot.at(x, y).near(colour, 2);
			}
	REQUIRE(total > 100);
	return static_cast<double>(match) / total;
}

} // namespace

TEST_CASE("two domains at once, each framed in its label colour with its name", "[domains]")
{
	const std::string typed = std::string(std::getenv("BULKHEAD_TEST_OUTPUT") ? std::getenv("BULKHEAD_TEST_OUTPUT") : "/tmp") + "/typed-1.txt";
	Compositor c(domains_config(typed));
	auto work = wait_for_window(c, "work-term", 20s);
	auto guest = wait_for_window(c, "guest-term", 20s);
	auto shm = wait_for_window(c, "simple-shm", 20s);
	REQUIRE(work);
	REQUIRE(guest);
	REQUIRE(shm);
	CHECK(work->domain == "work");
	CHECK(guest->domain == "untrusted");
	CHECK(shm->domain == "untrusted");
	REQUIRE(c.wait_for_log("view title id=" + std::to_string(shm->id) + " text=\"\\[untrusted\\] simple-shm\""));
	REQUIRE(c.wait_for_log("view title id=" + std::to_string(guest->id) + " text=\"\\[untrusted\\] guest-term\""));

	// Click the guest terminal where no other window is: it takes focus, its frame turns full red.
	auto spot = uncovered_point(guest->content, {work->outer, shm->outer});
	REQUIRE(spot);
	c.inject({"click", point(spot->first), point(spot->second)});
	REQUIRE(c.wait_for_log("view focus id=" + std::to_string(guest->id)));
	c.inject({"move", "1270", "710"});
	Image shot;
	REQUIRE(wait_until([&] {
		shot = c.screenshot();
		return shot.fraction(border_strips(guest->outer, theme().border_width)[1], rgba(label("red").focused.border), 2) > 0.99;
	}));
	check_frame(shot, *guest, label("red").focused);
	CHECK(label("red").focused.border.to_string() == "#cc0000");
	// The other windows are unfocused, each in its own domain's colour: the
	// work terminal blue, the weston client red.
	CHECK(uncovered_border_match(shot, *work, {guest->outer, shm->outer}, rgba(label("blue").unfocused.border)) > 0.99);
	CHECK(uncovered_border_match(shot, *shm, {guest->outer, work->outer}, rgba(label("red").unfocused.border)) > 0.99);
	// The guest's title bar shows "[untrusted] guest-term", drawn by the compositor.
	auto mismatch = compare_reference(shot.crop(title_crop(*guest, 220)), "domain-untrusted-title", 24, 30);
	INFO(mismatch.value_or(""));
	CHECK_FALSE(mismatch);
}

TEST_CASE("typing on the host reaches the guest app; closing from the host closes it", "[domains]")
{
	const std::string typed = std::string(std::getenv("BULKHEAD_TEST_OUTPUT") ? std::getenv("BULKHEAD_TEST_OUTPUT") : "/tmp") + "/typed-2.txt";
	unlink(typed.c_str());
	Compositor c(domains_config(typed, false));
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
	Compositor c(domains_config("/dev/null", false));
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
	auto work = wait_for_window(c, "work-term", 20s);
	auto shm = wait_for_window(c, "simple-shm", 20s);
	REQUIRE(work);
	REQUIRE(shm);
	const pid_t agent = pid_of(c, "domain work: agent started");
	const std::size_t mark = c.log_size();
	REQUIRE(kill(agent, SIGKILL) == 0);
	REQUIRE(c.wait_for_log("domain work: agent was killed by signal", 10s, mark));
	REQUIRE(c.wait_for_log("view unmap id=" + std::to_string(work->id), 10s, mark));
	CHECK_FALSE(c.wait_for_log("view unmap id=" + std::to_string(shm->id) + "\\b", 500ms, mark));
	CHECK(c.running());

	// The other domain keeps updating: its animation still moves.
	c.inject({"move", "1270", "710"});
	const Image a = c.screenshot();
	CHECK(wait_until([&] {
		const Image b = c.screenshot();
		return count_different(a, b, shm->content, 0) > 100;
	}));
	// The killed domain restarts its GUI path and its app shows again.
	CHECK(c.wait_for_log("view map id=\\d+ domain=work title=\"work-term\"", 20s, mark));
}

TEST_CASE("only gui-daemons see the domain protocol, and they see nothing that reaches other domains", "[domains]")
{
	Compositor c(domains_config("/dev/null"));
	auto offers = c.wait_for_log("domain untrusted: the compositor offers:([^\n]*)", 20s);
	REQUIRE(offers);
	const std::string seen = (*offers)[1] + " ";
	CHECK_THAT(seen, Catch::Contains(" bulkhead_domain_manager_v1 ") && Catch::Contains(" xdg_wm_base ") &&
		Catch::Contains(" xdg_activation_v1 ") &&
		Catch::Contains(" wl_shm "));
	for (const char *hidden : {"zwlr_screencopy_manager_v1", "wl_data_device_manager", "zwp_primary_selection_device_manager_v1",
		     "bulkhead_test_manager_v1", "zxdg_output_manager_v1 zxdg_output_manager_v1",
		     "zwp_pointer_constraints_v1"})
		CHECK_THAT(seen, !Catch::Contains(std::string(" ") + hidden + " "));

	// A host client sees the desktop's globals but not the domain protocol.
	auto r = run({env_or("BULKHEAD_INJECT", "bulkhead-inject"), "globals"}, c.client_env());
	REQUIRE(r.status == 0);
	CHECK_THAT(r.output, Catch::Contains("zwlr_screencopy_manager_v1\n"));
	CHECK_THAT(r.output, Catch::Contains("zwp_pointer_constraints_v1\n") && Catch::Contains("xdg_activation_v1\n"));
	CHECK_THAT(r.output, !Catch::Contains("bulkhead_domain_manager_v1"));
}

TEST_CASE("holding the X-ray key shows every VM window's domain over its content", "[domains]")
{
	Compositor c(domains_config("/dev/null", false));
	Client host(c, foot("host-term"));
	auto host_window = wait_for_window(c, "host-term");
	auto guest = wait_for_window(c, "guest-term", 20s);
	REQUIRE(host_window);
	REQUIRE(guest);
	c.inject({"move", "1270", "710"});
	// Where neither window overlaps the other.
	auto spot = uncovered_point(guest->content, {host_window->outer});
	REQUIRE(spot);
	Image before;
	REQUIRE(wait_until([&] {
		before = c.screenshot();
		return before.fraction(guest->content, rgba(theme().background), 2) < 0.1;
	}));
	const Rgba plain = before.at(spot->first, spot->second);

	c.inject({"keydown", "Scroll_Lock"});
	REQUIRE(c.wait_for_log("x-ray on"));
	Image xray;
	REQUIRE(wait_until([&] {
		xray = c.screenshot();
		return !xray.at(spot->first, spot->second).near(plain, 8);
	}));
	// The guest's content is tinted toward its label colour, red.
	const Rgba tinted = xray.at(spot->first, spot->second);
	CHECK(tinted.r > plain.r + 60);
	CHECK(tinted.g <= plain.g + 5);
	// The host window is not.
	CHECK(xray.fraction(host_window->content, before.at(host_window->content.x + 5, host_window->content.y + host_window->content.height - 5), 2) > 0.5);
	// The domain's name is drawn large across the middle of the guest's content.
	const Rect band{guest->content.x, guest->content.y + guest->content.height / 2 - 40, guest->content.width, 80};
	CHECK(xray.count_not(band, tinted, 8) > 500);

	c.inject({"keyup", "Scroll_Lock"});
	REQUIRE(c.wait_for_log("x-ray off"));
	CHECK(wait_until([&] { return c.screenshot().at(spot->first, spot->second).near(plain, 8); }));
}

TEST_CASE("a client with its own shadow shows only its window geometry inside the frame", "[domains]")
{
	// weston-terminal draws client-side decorations with a wide transparent
	// shadow around its window geometry; only the window itself crosses over.
	Compositor c(base_config(R"(
[[domain]]
name = "untrusted"
label = "orange"
autostart = ["weston-terminal"]
)"));
	auto w = wait_for_window(c, "Wayland Terminal", 20s);
	REQUIRE(w);
	c.inject({"move", "1270", "710"});
	Image shot;
	const Rect left_edge{w->content.x, w->content.y, 3, w->content.height};
	const Rect top_edge{w->content.x, w->content.y, w->content.width, 3};
	REQUIRE(wait_until([&] {
		shot = c.screenshot();
		return shot.fraction(w->content, rgba(theme().background), 6) < 0.05;
	}));
	// No desktop shows through a shadow margin at the content's edges (the
	// rounded corners of its own decoration let a few pixels through).
	CHECK(shot.fraction(left_edge, rgba(theme().background), 6) < 0.02);
	CHECK(shot.fraction(top_edge, rgba(theme().background), 6) < 0.02);
}

TEST_CASE("a guest popup menu appears at the pointer, through agent and daemon", "[domains]")
{
	Compositor c(base_config(R"(
[[domain]]
name = "untrusted"
label = "orange"
autostart = ["weston-terminal"]
)"));
	auto w = wait_for_window(c, "Wayland Terminal", 20s);
	REQUIRE(w);
	const int x = w->content.x + w->content.width / 3, y = w->content.y + w->content.height / 2;
	// The menu will open below and right of the pointer, over the black terminal.
	const Rect menu_area{x + 20, y + 10, 120, 40};
	c.inject({"click", point(x), point(y)});
	c.inject({"move", "1270", "710"});
	Image before;
	REQUIRE(wait_until([&] {
		before = c.screenshot();
		return before.fraction(menu_area, Rgba{0, 0, 0, 255}, 8) > 0.95;
	}));
	c.inject({"click", point(x), point(y), "right"});
	Image after;
	CHECK(wait_until([&] {
		after = c.screenshot();
		return after.fraction(menu_area, Rgba{0, 0, 0, 255}, 8) < 0.5;
	}));
	// A popup is part of its window, not a window of its own.
	CHECK_FALSE(c.wait_for_log("view map id=" + std::to_string(w->id + 1), 200ms));
}
