// The trusted-path rules with real clients and screenshots: a fake [dom0]
// title, full screen refused or shown with its label strip (and left by
// holding Escape), popups kept off another domain's frame, activation only
// with a token from real input (else an urgent frame), pointer confinement
// only for the focused window and released by the compositor's key.
#include "common.hpp"
#include "fake_agent.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace harness;
namespace wire = bulkhead::wire;

namespace {

std::string slurp(const std::string &path)
{
	std::ifstream in(path);
	std::ostringstream s;
	s << in.rdbuf();
	return s.str();
}

std::string test_client()
{
	return env_or("BULKHEAD_TEST_CLIENT", "bulkhead-test-client");
}

// A domain running one foot, full screen from the start (foot -F), whose
// input is recorded in `typed`.
std::string fullscreen_config(bool allow, const std::string &typed)
{
	return base_config(std::string(R"(
[[domain]]
name = "video"
label = "green"
)") + (allow ? "allow_fullscreen = true\n" : "") +
		"autostart = [\"foot --config=/dev/null -F --title=fs-term sh -c 'stty -echo; cat > " + typed + "'\"]\n");
}

} // namespace

TEST_CASE("a title faking [dom0] is shown after the domain's real [name]", "[trusted]")
{
	Compositor c(base_config(R"(
[[domain]]
name = "work"
label = "blue"
autostart = ["foot --config=/dev/null --title='[dom0] root shell' sh -c 'sleep 600'"]
)"));
	auto w = wait_for_window(c, "[dom0] root shell", 20s);
	REQUIRE(w);
	REQUIRE(c.wait_for_log("view title id=" + std::to_string(w->id) + " text=\"\\[work\\] \\[dom0\\] root shell\""));
	c.inject({"move", "1270", "710"});
	Image shot;
	REQUIRE(wait_until([&] {
		shot = c.screenshot();
		return shot.fraction(border_strips(w->outer, theme().border_width)[1], rgba(label("blue").unfocused.border), 2) > 0.99;
	}));
	check_frame(shot, *w, label("blue").unfocused);
	auto mismatch = compare_reference(shot.crop(title_crop(*w, 260)), "trusted-fake-dom0-title", 24, 30);
	INFO(mismatch.value_or(""));
	CHECK_FALSE(mismatch);
}

TEST_CASE("full screen is refused for a domain without allow_fullscreen", "[trusted][fullscreen]")
{
	Compositor c(fullscreen_config(false, "/dev/null"));
	auto w = wait_for_window(c, "fs-term", 20s);
	REQUIRE(w);
	REQUIRE(c.wait_for_log("view fullscreen refused id=" + std::to_string(w->id) + " domain=video"));
	CHECK_FALSE(c.wait_for_log("view fullscreen on", 1s));
	// The user is told, in the domain's colours.
	REQUIRE(c.wait_for_log("notice \\[green\\]: video may not cover the screen: full screen refused"));
	// An ordinary framed window, smaller than the output (once the notice is gone).
	CHECK(w->outer.width < 1280);
	c.inject({"move", "1270", "710"});
	Image shot;
	REQUIRE(wait_until([&] {
		shot = c.screenshot();
		for (const Rect &strip : border_strips(w->outer, theme().border_width))
			if (shot.fraction(strip, rgba(label("green").unfocused.border), 2) <= 0.99)
				return false;
		return true;
	}));
	check_frame(shot, *w, label("green").unfocused);
	CHECK(shot.fraction({1200, 650, 60, 50}, rgba(theme().background), 2) > 0.99);
}

TEST_CASE("full screen where allowed keeps the label strip; Escape held one second leaves it", "[trusted][fullscreen]")
{
	const std::string typed = output_dir() + "/fullscreen-typed.txt";
	unlink(typed.c_str());
	Compositor c(fullscreen_config(true, typed));
	auto on = c.wait_for_log("view fullscreen on id=(\\d+)", 20s);
	REQUIRE(on);
	const std::string id = (*on)[1];
	REQUIRE(c.wait_for_log("view map id=" + id + " domain=video"));
	// The whole output: the strip, then the app.
	REQUIRE(c.wait_for_log("view resize id=" + id + " outer=0,0,1280,720 content=0," +
		std::to_string(theme().title_height) + ",1280,"));

	// The strip: the title bar across the top in the label's colours, with the
	// [name]; the app fills everything below it.
	const Rect strip{0, 0, 1280, theme().title_height};
	const Rect below{0, theme().title_height, 1280, 720 - theme().title_height};
	c.inject({"click", "640", "400"}); // a VM window takes focus only from the user
	REQUIRE(c.wait_for_log("view focus id=" + id));
	c.inject({"move", "1279", "719"});
	Image shot;
	REQUIRE(wait_until([&] {
		shot = c.screenshot();
		return shot.fraction(strip, rgba(label("green").focused.title_background), 2) > 0.7 &&
			shot.fraction(below, rgba(theme().background), 2) < 0.01;
	}));
	CHECK(shot.count_not(strip, rgba(label("green").focused.title_background), 2) > 100); // the name
	auto mismatch = compare_reference(shot.crop({0, 0, 200, theme().title_height}), "trusted-fullscreen-strip", 24, 30);
	INFO(mismatch.value_or(""));
	CHECK_FALSE(mismatch);

	// A short Escape reaches the app and changes nothing.
	std::size_t mark = c.log_size();
	c.inject({"key", "Escape"});
	c.inject({"key", "Return"}); // the terminal hands a line to cat
	CHECK(wait_until([&] { return slurp(typed).find('\x1b') != std::string::npos; }));
	CHECK_FALSE(c.wait_for_log("leaves full screen", 1500ms, mark));

	// Held for a second, it ends full screen whatever the app wants.
	c.inject({"keydown", "Escape"});
	REQUIRE(c.wait_for_log("Escape held: view id=" + id + " leaves full screen", 5s, mark));
	c.inject({"keyup", "Escape"});
	REQUIRE(c.wait_for_log("view fullscreen off id=" + id, 5s, mark));
	// Never windowed before, it gets the size it picks for itself.
	auto resized = c.wait_for_log("view resize id=" + id + " outer=\\S+ content=\\d+,\\d+,(\\d+),(\\d+)", 10s, mark);
	REQUIRE(resized);
	CHECK(std::stoi((*resized)[1]) > 200);
	CHECK(std::stoi((*resized)[2]) > 100);
	CHECK(std::stoi((*resized)[1]) < 1280);
	// Framed again, with the desktop around it.
	CHECK(wait_until([&] { return c.screenshot().fraction({1200, 650, 60, 50}, rgba(theme().background), 2) > 0.99; }));
}

TEST_CASE("a VM popup never covers another domain's frame beyond its own window", "[trusted][popup]")
{
	char dir[] = "/tmp/bulkhead-popup-XXXXXX";
	REQUIRE(mkdtemp(dir));
	const std::string socket = std::string(dir) + "/gui.sock";
	FakeAgent agent(socket);
	Compositor c(base_config(R"(
[[domain]]
name = "evil"
label = "red"
backend = "external"
gui_socket = ")" + socket + R"("

[[domain]]
name = "honest"
label = "blue"
autostart = ["foot --config=/dev/null --title=honest-term sh -c 'sleep 600'"]
)"));
	auto honest = wait_for_window(c, "honest-term", 20s);
	REQUIRE(honest);
	agent.accept_daemon();
	agent.handshake();
	agent.show_window(0xffcc3300, 1, 64, 48);
	auto evil = wait_for_window(c, "fake", 10s);
	REQUIRE(evil);
	const int title_x = honest->content.x + 20 - evil->content.x;
	const int title_y = honest->content.y - theme().title_height - evil->content.y;

	// A menu-sized popup over the honest title: moved inside its own window.
	agent.show_popup(0xff00ff00, 2, 1, title_x, title_y, 40, 30);
	REQUIRE(c.wait_for_log("popup of view id=" + std::to_string(evil->id) + " moved inside its window"));
	// A popup larger than its window: dismissed, and the guest is told.
	agent.send_message(wire::DestroyWindow{2});
	agent.show_popup(0xff00ff00, 3, 1, title_x, title_y, 400, 300);
	REQUIRE(c.wait_for_log("popup of view id=" + std::to_string(evil->id) + " dismissed: 400x300"));

	c.inject({"move", "1270", "710"});
	Image shot;
	REQUIRE(wait_until([&] {
		shot = c.screenshot();
		return shot.fraction(border_strips(honest->outer, theme().border_width)[0], rgba(label("blue").unfocused.border), 2) > 0.99;
	}));
	check_frame(shot, *honest, label("blue").unfocused);
	// No popup green anywhere on the honest window.
	CHECK(shot.fraction(honest->outer, Rgba{0, 255, 0}, 8) == 0.0);
	std::filesystem::remove_all(dir);
}

TEST_CASE("activation: honoured with a token from a real click, otherwise the window turns urgent", "[trusted][activation]")
{
	for (const std::string variant : {"real", "none", "forged"}) {
		DYNAMIC_SECTION("token " << variant) {
			Compositor c(base_config());
			Client client(c, {test_client(), "activate", variant});
			auto a = focused_window(c, "act-a");
			auto b = wait_for_window(c, "act-b");
			REQUIRE(b);
			const std::size_t mark = c.log_size();
			// The click goes to act-a; its serial is the only one that counts.
			c.inject({"click", point(a->content.x + 10), point(a->content.y + 10)});
			if (variant == "real") {
				REQUIRE(c.wait_for_log("activation granted id=" + std::to_string(b->id), 10s, mark));
				REQUIRE(c.wait_for_log("view focus id=" + std::to_string(b->id), 10s, mark));
				continue;
			}
			if (variant == "forged") {
				// wlroots refuses to issue a token for a serial the client never
				// had, so there is nothing to activate with: no focus, no urgency.
				CHECK_FALSE(c.wait_for_log("view focus id=" + std::to_string(b->id), 2s, mark));
				CHECK_FALSE(c.log_text().find("activation granted") != std::string::npos);
				continue;
			}
			REQUIRE(c.wait_for_log("activation refused id=" + std::to_string(b->id) + "[^\n]*marked urgent", 10s, mark));
			REQUIRE(c.wait_for_log("view urgent on id=" + std::to_string(b->id), 10s, mark));
			CHECK_FALSE(c.wait_for_log("view focus id=" + std::to_string(b->id), 500ms, mark));
			// The urgent frame: a band of urgent_width along the content's edges in
			// the label colour, edged with a line in the title text's colour.
			c.inject({"move", "1270", "710"});
			const int u = theme().urgent_width;
			const Rect left{b->content.x, b->content.y, u, b->content.height};
			const Rect top{b->content.x, b->content.y, b->content.width, u};
			const Rect edge{b->content.x + u, b->content.y + u + 2, 2, b->content.height - 2 * u - 4};
			Image shot;
			REQUIRE(wait_until([&] {
				shot = c.screenshot();
				return shot.fraction(left, rgba(theme().dom0.focused.border), 2) > 0.99;
			}));
			CHECK(shot.fraction(top, rgba(theme().dom0.focused.border), 2) > 0.99);
			CHECK(shot.fraction(edge, rgba(theme().dom0.focused.title_text), 2) > 0.99);
			auto mismatch = compare_reference(shot.crop({b->outer.x, b->outer.y, 120, 60}), "trusted-urgent-frame", 8, 20);
			INFO(mismatch.value_or(""));
			CHECK_FALSE(mismatch);
			// The user's click on it focuses it and ends the urgency.
			c.inject({"click", point(b->content.x + 20), point(b->content.y + 20)});
			REQUIRE(c.wait_for_log("view urgent off id=" + std::to_string(b->id), 10s, mark));
		}
	}
}

TEST_CASE("pointer confinement: only for the focused window, released by Super+Escape", "[trusted][pointer]")
{
	const std::string events = output_dir() + "/confine-events.txt";
	unlink(events.c_str());
	Compositor c(base_config());
	Client client(c, {test_client(), "confine", events});
	auto w = focused_window(c, "confine");
	c.inject({"click", point(w->content.x + 30), point(w->content.y + 30)});
	REQUIRE(c.wait_for_log("pointer constraint active \\(confined\\)"));
	REQUIRE(wait_until([&] { return slurp(events).find("confined\n") != std::string::npos; }));
	// Moving far away leaves the pointer in the window.
	c.inject({"move", "1270", "710"});
	c.inject({"move", "5", "5"});
	c.inject({"click", point(w->content.x + 30), point(w->content.y + 30)});
	CHECK_FALSE(wait_until([&] { return slurp(events).find("leave") != std::string::npos; }, 1s));

	// The compositor's key lets it go; the window is told.
	c.inject({"key", "Super+Escape"});
	REQUIRE(c.wait_for_log("pointer constraint released"));
	REQUIRE(wait_until([&] { return slurp(events).find("unconfined\n") != std::string::npos; }));
	c.inject({"move", "1270", "710"});
	CHECK(wait_until([&] { return slurp(events).find("leave") != std::string::npos; }));
	INFO(slurp(events));
}

TEST_CASE("dragging a VM window off the bottom keeps its whole title bar on screen", "[trusted][move]")
{
	Compositor c(base_config(R"(
[[domain]]
name = "work"
label = "blue"
autostart = ["foot --config=/dev/null --title=drag-term sh -c 'sleep 600'"]
)"));
	auto w = wait_for_window(c, "drag-term", 20s);
	REQUIRE(w);
	// Grab the title bar and pull it to the screen's last row.
	const int grab_x = w->content.x + w->content.width / 2, grab_y = w->content.y - theme().title_height / 2;
	c.inject({"drag", point(grab_x), point(grab_y), point(grab_x), "719"});
	c.inject({"move", "1270", "5"});
	const int b = theme().border_width, t = theme().title_height;
	const Rect title{w->content.x, 720 - t, w->content.width, t};
	Image shot;
	REQUIRE(wait_until([&] {
		shot = c.screenshot();
		return shot.fraction(title, rgba(label("blue").focused.title_background), 2) > 0.7;
	}));
	CHECK(shot.count_not(title, rgba(label("blue").focused.title_background), 2) > 100); // [work] drag-term
	// The frame's top border sits just above it, and the content is below the screen.
	CHECK(shot.fraction({w->outer.x, 720 - t - b, w->outer.width, b}, rgba(label("blue").focused.border), 2) > 0.99);
}

TEST_CASE("a VM's activation request, even after a real click, only marks its window urgent", "[trusted][activation]")
{
	Compositor c(base_config(R"(
[[domain]]
name = "chat"
label = "purple"
autostart = [")" + test_client() + R"( activate real"]
)"));
	auto a = wait_for_window(c, "act-a", 20s);
	auto b = wait_for_window(c, "act-b", 20s);
	REQUIRE(a);
	REQUIRE(b);
	// The guest app gets a valid token from its agent for this click...
	c.inject({"click", point(a->content.x + 10), point(a->content.y + 10)});
	REQUIRE(c.wait_for_log("view focus id=" + std::to_string(a->id)));
	const std::size_t mark = c.log_size();
	// ...but on the host it is only a demand for attention.
	REQUIRE(c.wait_for_log("activation refused id=" + std::to_string(b->id) +
		" domain=chat[^\n]*a VM window never takes focus by itself; marked urgent", 10s));
	REQUIRE(c.wait_for_log("view urgent on id=" + std::to_string(b->id), 10s));
	CHECK_FALSE(c.wait_for_log("view focus id=" + std::to_string(b->id), 1s, mark));
	c.inject({"move", "1270", "710"});
	CHECK(wait_until([&] {
		return c.screenshot().fraction({b->content.x, b->content.y, theme().urgent_width, b->content.height},
			       rgba(label("purple").focused.border), 2) > 0.99;
	}));
}
