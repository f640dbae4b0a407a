// The foundation, end to end: the real compositor headless, real clients (foot,
// a weston demo client, grim), input through the test-only injection protocol.
#include "common.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <fstream>

using namespace harness;

namespace {

// A frame exactly at `outer`: its border strips are in `border` and the lines
// of pixels just outside them are the desktop (the title bar may have the
// border's colour, so the strips alone do not pin the position down).
bool frame_exactly_at(const Image &shot, const Rect &outer, const Rgba &border)
{
	const Rgba desktop = rgba(theme().background);
	for (const Rect &strip : border_strips(outer, theme().border_width))
		if (shot.fraction(strip, border, 2) <= 0.99)
			return false;
	for (const Rect &outside : border_strips({outer.x - 1, outer.y - 1, outer.width + 2, outer.height + 2}, 1))
		if (shot.fraction(outside, desktop, 2) <= 0.99)
			return false;
	return true;
}

} // namespace


TEST_CASE("a foot window is framed in the dom0 colour with its title", "[foundation]")
{
	Compositor c(base_config());
	// Ready means exactly one line on stdout.
	CHECK(c.stdout_text() == "WAYLAND_DISPLAY=" + c.socket() + "\n");
	Client term(c, foot("hello"));
	auto w = wait_for_window(c, "hello");
	REQUIRE(w);
	CHECK(w->domain == "dom0");
	CHECK(w->outer.width == w->content.width + 2 * theme().border_width);
	CHECK(w->outer.height == w->content.height + 2 * theme().border_width + theme().title_height);
	REQUIRE(c.wait_for_log("view focus id=" + std::to_string(w->id)));

	Image shot;
	c.inject({"move", "1270", "710"}); // the pointer's image would cover frame pixels
	// foot draws asynchronously after mapping; wait until the content is not background.
	REQUIRE(wait_until([&] {
		shot = c.screenshot();
		return shot.fraction(w->content, rgba(theme().background), 2) < 0.5;
	}));
	check_frame(shot, *w, theme().dom0.focused);
	// Where the log says, to the pixel.
	CHECK(frame_exactly_at(shot, w->outer, rgba(theme().dom0.focused.border)));
	// The title text, pixel for pixel: "[dom0] hello" in the theme's font.
	auto mismatch = compare_reference(shot.crop(title_crop(*w, 200)), "foot-title-focused", 24, 30);
	INFO(mismatch.value_or(""));
	CHECK_FALSE(mismatch);
	// Outside the frame is the desktop.
	CHECK(shot.fraction({w->outer.x + w->outer.width + 10, w->outer.y, 100, 100}, rgba(theme().background), 2) == 1.0);
}

TEST_CASE("clicking a window focuses it and changes both frames", "[foundation]")
{
	Compositor c(base_config());
	Client one_client(c, foot("one"));
	const auto one = focused_window(c, "one");
	Client two_client(c, foot("two"));
	auto two = wait_for_window(c, "two");
	REQUIRE(two);

	// A client the user did not launch through the compositor opens without focus.
	Image shot = c.screenshot();
	const Rect one_left{one->outer.x, one->outer.y, theme().border_width, one->outer.height};
	const Rect two_right{two->outer.x + two->outer.width - theme().border_width, two->outer.y,
		theme().border_width, two->outer.height};
	CHECK(shot.fraction(one_left, rgba(theme().dom0.focused.border), 2) > 0.99);
	CHECK(shot.fraction(two_right, rgba(theme().dom0.unfocused.border), 2) > 0.99);

	// Click the part of "two" that "one" does not cover.
	const std::size_t mark = c.log_size();
	c.inject({"click", point(two->content.x + two->content.width - 5), point(two->content.y + two->content.height - 5)});
	REQUIRE(c.wait_for_log("view focus id=" + std::to_string(two->id), 5s, mark));
	c.inject({"move", "1270", "710"}); // the pointer's image would cover frame pixels
	REQUIRE(wait_until([&] {
		shot = c.screenshot();
		return shot.fraction(one_left, rgba(theme().dom0.unfocused.border), 2) > 0.99;
	}));
	check_frame(shot, *two, theme().dom0.focused);
	auto mismatch = compare_reference(shot.crop(title_crop(*two, 200)), "foot-title-two-focused", 24, 30);
	INFO(mismatch.value_or(""));
	CHECK_FALSE(mismatch);
	mismatch = compare_reference(shot.crop({one->outer.x, one->outer.y, 120, theme().title_height + 8}),
		"foot-title-one-unfocused", 24, 30);
	INFO(mismatch.value_or(""));
	CHECK_FALSE(mismatch);
}

TEST_CASE("Super+Shift+Q closes the focused window", "[foundation]")
{
	Compositor c(base_config());
	Client term(c, foot("doomed"));
	const auto w = focused_window(c, "doomed");
	c.inject({"key", "Super+Shift+q"});
	REQUIRE(c.wait_for_log("view unmap id=" + std::to_string(w->id)));
	CHECK(term.wait_exit(10s));
	Image shot = c.screenshot();
	CHECK(shot.fraction(w->outer, rgba(theme().background), 2) == 1.0);
}

TEST_CASE("a weston demo client is framed and shows its pixels", "[foundation]")
{
	Compositor c(base_config());
	Client shm(c, {"weston-simple-shm"});
	auto w = wait_for_window(c, "simple-shm");
	REQUIRE(w);
	Image shot;
	REQUIRE(wait_until([&] {
		shot = c.screenshot();
		return shot.fraction(w->content, rgba(theme().background), 2) < 0.5;
	}));
	check_frame(shot, *w, theme().dom0.focused);
	// The close binding works on it as on foot.
	c.inject({"key", "Super+Shift+q"});
	CHECK(shm.wait_exit(10s));
}

TEST_CASE("Super+drag moves a window and Super+right-drag resizes it", "[foundation]")
{
	Compositor c(base_config());
	Client term(c, foot("mover"));
	const auto w = focused_window(c, "mover");

	const int x = w->content.x + 100, y = w->content.y + 100;
	c.inject({"drag", point(x), point(y), point(x + 200), point(y + 50), "left", "--mods", "Super"});
	Image shot;
	const Rect moved{w->outer.x + 200, w->outer.y + 50, w->outer.width, w->outer.height};
	c.inject({"move", "1270", "710"}); // the pointer's image would cover frame pixels
	// Moved by exactly the distance dragged.
	const bool at_new_place = wait_until([&] {
		shot = c.screenshot();
		return frame_exactly_at(shot, moved, rgba(theme().dom0.focused.border));
	});
	if (!at_new_place)
		shot.save_png(env_or("BULKHEAD_TEST_OUTPUT", ".") + "/moved-actual.png");
	INFO("expected the frame at " << moved.x << "," << moved.y << " (screenshot: moved-actual.png)");
	REQUIRE(at_new_place);
	// Where it was is desktop again.
	CHECK(shot.fraction({w->outer.x, w->outer.y, 150, 40}, rgba(theme().background), 2) == 1.0);

	// Grab near the bottom-right corner and pull: foot gets and takes the new size.
	const std::size_t mark = c.log_size();
	const int cx = moved.x + moved.width - 20, cy = moved.y + moved.height - 20;
	c.inject({"drag", point(cx), point(cy), point(cx + 120), point(cy + 80), "right", "--mods", "Super"});
	// foot sizes to whole cells, so it ends close to, not exactly at, the request.
	const std::regex resize_line("view resize id=" + std::to_string(w->id) +
		" outer=(-?\\d+),(-?\\d+),(\\d+),(\\d+) content=-?\\d+,-?\\d+,(\\d+),(\\d+)");
	int width = 0, height = 0;
	Rect outer{};
	const bool grew = wait_until([&] {
		const std::string log = c.log_text().substr(mark);
		for (std::sregex_iterator it(log.begin(), log.end(), resize_line), end; it != end; ++it) {
			outer = {std::stoi((*it)[1]), std::stoi((*it)[2]), std::stoi((*it)[3]), std::stoi((*it)[4])};
			width = std::stoi((*it)[5]);
			height = std::stoi((*it)[6]);
		}
		return width > w->content.width + 100 && height > w->content.height + 60;
	});
	INFO("last size " << width << "x" << height << " from " << w->content.width << "x" << w->content.height);
	REQUIRE(grew);
	CHECK(width <= w->content.width + 120);
	CHECK(height <= w->content.height + 80);
	// The frame on screen has the new size: the top-left stays, the right and bottom borders moved out.
	CHECK(outer.x == moved.x);
	CHECK(outer.y == moved.y);
	c.inject({"move", "1270", "710"});
	CHECK(wait_until([&] {
		shot = c.screenshot();
		return frame_exactly_at(shot, outer, rgba(theme().dom0.focused.border));
	}));
}

TEST_CASE("Super+Return runs the configured terminal, which gets focus", "[foundation]")
{
	Compositor c(base_config("terminal = \"foot --config=/dev/null --title=spawned sh -c 'sleep 600'\""));
	Client first(c, foot("first"));
	const auto w1 = focused_window(c, "first");
	c.inject({"key", "Super+Return"});
	auto w2 = wait_for_window(c, "spawned");
	REQUIRE(w2);
	// The user asked for it, so unlike a client that just appears, it is focused.
	REQUIRE(c.wait_for_log("view focus id=" + std::to_string(w2->id)));
}

TEST_CASE("a bad config exits with code 2 and names the file, the line and the key", "[foundation]")
{
	SECTION("an unknown key")
	{
		Compositor c("theme = \"" + themes_dir() + "/default.toml\"\nterminal = \"foot\"\ntermnial = \"x\"\n", false);
		REQUIRE(c.wait_exit(10s) == 2);
		const std::string log = c.log_text();
		CHECK_THAT(log, Catch::Contains(c.config_path() + ":3: key 'termnial': unknown key"));
		CHECK_FALSE(c.wait_for_log("WAYLAND_DISPLAY", 100ms));
	}
	SECTION("a bad colour in the theme it names")
	{
		std::ifstream in(themes_dir() + "/default.toml");
		std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
		text.replace(text.find("\"#f57900\""), 9, "\"#f5790\"");
		int line = 1;
		for (char ch : text.substr(0, text.find("#f5790")))
			line += ch == '\n';
		char dir[] = "/tmp/bulkhead-theme-XXXXXX";
		REQUIRE(mkdtemp(dir));
		const std::string path = std::string(dir) + "/bad.toml";
		std::ofstream(path) << text;
		Compositor c("theme = \"" + path + "\"\n", false);
		REQUIRE(c.wait_exit(10s) == 2);
		CHECK_THAT(c.log_text(), Catch::Contains(path + ":" + std::to_string(line) + ": key 'labels.orange'") &&
			Catch::Contains("not a colour"));
		std::filesystem::remove_all(dir);
	}
	SECTION("a bad command line")
	{
		auto r = run({env_or("BULKHEAD_BIN", "bulkhead"), "--no-such-option"});
		CHECK(r.status == 2);
	}
}

TEST_CASE("the harness's PNG round trip and reference comparison", "[harness]")
{
	char dir[] = "/tmp/bulkhead-harness-XXXXXX";
	REQUIRE(mkdtemp(dir));
	const std::string d = dir;
	Image img(40, 30);
	for (int y = 0; y < 30; ++y)
		for (int x = 0; x < 40; ++x)
			img.at(x, y) = {static_cast<uint8_t>(x * 6), static_cast<uint8_t>(y * 8), 77, 255};
	img.save_png(d + "/ref.png");
	const Image back = Image::load_png(d + "/ref.png");
	REQUIRE(back.width() == 40);
	REQUIRE(back.height() == 30);
	CHECK(count_different(img, back, {0, 0, 40, 30}, 0) == 0);
	CHECK(back.pixel(5, 7).r == 30);
	CHECK(back.pixel(5, 7).g == 56);

	// A bigger image whose region at (10,20) is the reference.
	Image screen(100, 100);
	for (int y = 0; y < 30; ++y)
		for (int x = 0; x < 40; ++x)
			screen.at(10 + x, 20 + y) = img.at(x, y);
	CHECK_FALSE(compare(screen, d + "/ref.png", {10, 20, 40, 30}, 0, 0));

	// Within tolerance, and a few bad pixels allowed.
	screen.at(10, 20).r += 3;
	CHECK_FALSE(compare(screen, d + "/ref.png", {10, 20, 40, 30}, 3, 0));
	for (int i = 0; i < 5; ++i)
		screen.at(20 + i, 30).g ^= 0x80;
	CHECK_FALSE(compare(screen, d + "/ref.png", {10, 20, 40, 30}, 3, 5));

	// One too many: both images are written and named.
	const std::string old_output = env_or("BULKHEAD_TEST_OUTPUT", "");
	setenv("BULKHEAD_TEST_OUTPUT", dir, 1);
	screen.at(45, 45).b ^= 0x80;
	auto failure = compare(screen, d + "/ref.png", {10, 20, 40, 30}, 3, 5);
	REQUIRE(failure);
	CHECK_THAT(*failure, Catch::Contains("6 pixels differ") && Catch::Contains(d + "/ref-actual.png") &&
			Catch::Contains(d + "/ref-diff.png"));
	const Image diff = Image::load_png(d + "/ref-diff.png");
	REQUIRE(diff.width() == 40);
	CHECK(diff.pixel(35, 25).r == 255);
	CHECK(diff.pixel(35, 25).g == 0);
	CHECK(diff.pixel(0, 0).r == 0);
	CHECK(count_different(Image::load_png(d + "/ref-actual.png"), screen.crop({10, 20, 40, 30}), {0, 0, 40, 30}, 0) == 0);

	// A size mismatch or a missing reference fails with a clear message.
	failure = compare(screen, d + "/ref.png", {10, 20, 41, 30}, 3, 5);
	REQUIRE(failure);
	CHECK_THAT(*failure, Catch::Contains("41x30") && Catch::Contains("40x30"));
	failure = compare(screen, d + "/missing.png", {0, 0, 10, 10}, 3, 5);
	REQUIRE(failure);
	CHECK_THAT(*failure, Catch::Contains("no reference image"));
	if (old_output.empty())
		unsetenv("BULKHEAD_TEST_OUTPUT");
	else
		setenv("BULKHEAD_TEST_OUTPUT", old_output.c_str(), 1);

	CHECK(expect_rect_colour(screen, {0, 0, 10, 10}, {0, 0, 0, 255}, 0) == 1.0);
	CHECK(count_pixels_not(screen, {0, 0, 10, 10}, {0, 0, 0, 255}, 0) == 0);
	CHECK(count_pixels_not(screen, {10, 20, 2, 2}, {0, 0, 0, 255}, 0) == 4);
	std::filesystem::remove_all(dir);
}

TEST_CASE("Super+Shift+E exits the compositor cleanly", "[foundation]")
{
	Compositor c(base_config());
	c.inject({"key", "Super+Shift+e"});
	const auto status = c.wait_exit(10s);
	REQUIRE(status);
	CHECK(*status == 0);
}

TEST_CASE("it runs nested inside another Wayland compositor", "[foundation]")
{
	Compositor outer(base_config());
	// No WLR_BACKENDS: wlroots picks the Wayland backend because WAYLAND_DISPLAY is set.
	Client inner(outer, {env_or("BULKHEAD_BIN", "bulkhead"), "--config", outer.config_path(), "--socket", "wayland-nested"},
		{{"WLR_RENDERER", "pixman"}, {"WLR_LIBINPUT_NO_DEVICES", "1"}});
	// The nested compositor's output is a window on the outer one.
	auto w = outer.wait_for_log("view map id=\\d+ domain=dom0 title=\"([^\"]*)\"", 15s);
	REQUIRE(w);
	CHECK_THAT((*w)[1], Catch::Contains("WL-1"));
	CHECK(inner.running());
}
