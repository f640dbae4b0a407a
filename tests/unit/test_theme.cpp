#include "config/config.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace bulkhead;

namespace {

std::string themes_dir()
{
	const char *dir = std::getenv("BULKHEAD_THEMES");
	REQUIRE(dir);
	return dir;
}

std::string default_theme_text()
{
	std::ifstream in(themes_dir() + "/default.toml");
	std::ostringstream s;
	s << in.rdbuf();
	return s.str();
}

std::string error_of(const std::string &text)
{
	try {
		parse_theme(text, "/t/bad.toml");
	} catch (const ConfigError &e) {
		return e.what();
	}
	return "(no error)";
}

std::string replace(std::string text, const std::string &from, const std::string &to)
{
	const auto pos = text.find(from);
	REQUIRE(pos != std::string::npos);
	return text.replace(pos, from.size(), to);
}

} // namespace

TEST_CASE("the shipped default theme has the project's label colours", "[theme]")
{
	const Theme theme = parse_theme(default_theme_text(), themes_dir() + "/default.toml");
	const std::pair<const char *, const char *> expected[] = {{"red", "#cc0000"}, {"orange", "#f57900"},
		{"yellow", "#edd400"}, {"green", "#73d216"}, {"gray", "#555555"}, {"blue", "#3465a4"},
		{"purple", "#75507b"}, {"black", "#000000"}};
	CHECK(theme.labels.size() == 8);
	for (const auto &[name, colour] : expected) {
		const LabelStyle *style = theme.label(name);
		REQUIRE(style);
		CHECK(style->focused.border.to_string() == colour);
		CHECK(style->focused.title_background.to_string() == colour);
		// Unfocused frames are visibly different from focused ones.
		CHECK(style->unfocused.border != style->focused.border);
	}
	CHECK(theme.border_width == 4);
	CHECK(theme.title_height == 24);
	CHECK(theme.font == "DejaVu Sans Bold 10");
	CHECK(theme.dom0.focused.border.to_string() == "#2e3436");
	CHECK(theme.dom0.focused.border != theme.label("gray")->focused.border);
	CHECK_FALSE(theme.label("pink"));
}

TEST_CASE("title text contrasts with its frame", "[theme]")
{
	const Theme theme = parse_theme(default_theme_text(), "default.toml");
	CHECK(theme.label("yellow")->focused.title_text.to_string() == "#000000");
	CHECK(theme.label("blue")->focused.title_text.to_string() == "#ffffff");
	CHECK(theme.label("red")->focused.title_text.to_string() == "#ffffff");
}

TEST_CASE("unfocused variants mix toward the theme's colour", "[theme]")
{
	const Theme theme = parse_theme(default_theme_text(), "default.toml");
	// #cc0000 halfway to #202020.
	CHECK(theme.label("red")->unfocused.border.to_string() == "#761010");
}

TEST_CASE("themes can set text colours explicitly", "[theme]")
{
	const std::string text = replace(default_theme_text(), "[focused]\n", "[focused]\ntext = \"#ff00ff\"\n");
	const Theme theme = parse_theme(text, "t.toml");
	CHECK(theme.label("yellow")->focused.title_text.to_string() == "#ff00ff");
}

TEST_CASE("bad themes give file, line and key", "[theme]")
{
	const std::string base = default_theme_text();
	CHECK_THAT(error_of(replace(base, "red = \"#cc0000\"", "red = \"#cc00\"")),
		Catch::Contains("/t/bad.toml:") && Catch::Contains("key 'labels.red'") &&
			Catch::Contains("not a colour"));
	CHECK_THAT(error_of(replace(base, "purple = \"#75507b\"\n", "")),
		Catch::Contains("key 'labels.purple'") && Catch::Contains("all eight labels"));
	CHECK_THAT(error_of(replace(base, "border_width = 4", "border_width = 0")),
		Catch::Contains("key 'frame.border_width'") && Catch::Contains("between 1 and 64"));
	CHECK_THAT(error_of(replace(base, "border_width = 4", "border_widht = 4")),
		Catch::Contains("key 'frame.border_widht'") && Catch::Contains("unknown key"));
	CHECK_THAT(error_of(replace(base, "mix = 0.5", "mix = 1.5")), Catch::Contains("key 'unfocused.mix'"));
	CHECK_THAT(error_of(replace(base, "[labels]", "[labels]\npink = \"#ff00ff\"")),
		Catch::Contains("key 'labels.pink'"));
	CHECK_THAT(error_of(replace(base, "dom0 = \"#2e3436\"", "")), Catch::Contains("key 'dom0'"));
	CHECK_THAT(error_of("background = \"#000000\"\n[labels\n"), Catch::Contains("bad.toml:2:") &&
		Catch::Contains("not valid TOML"));
}

TEST_CASE("the line number points at the offending value", "[theme]")
{
	const std::string base = default_theme_text();
	std::string text = replace(base, "green = \"#73d216\"", "green = 5");
	int line = 1;
	for (char c : text.substr(0, text.find("green = 5")))
		line += c == '\n';
	CHECK_THAT(error_of(text), Catch::Contains("bad.toml:" + std::to_string(line) + ": key 'labels.green'"));
}

TEST_CASE("themes are found by name or path, and a missing one says where it looked", "[theme]")
{
	CHECK(load_theme("default", "").labels.size() == 8);
	CHECK(load_theme(themes_dir() + "/default.toml", "").name == "default");
	try {
		load_theme("no-such-theme", "/nonexistent");
		FAIL("expected an error");
	} catch (const ConfigError &e) {
		CHECK_THAT(e.what(), Catch::Contains("no-such-theme") && Catch::Contains("/nonexistent/themes/no-such-theme.toml"));
	}
}
