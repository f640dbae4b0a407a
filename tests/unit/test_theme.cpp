#include "build-config.h"
#include "config/config.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace bulkhead;
using namespace bulkhead::test;

namespace {

std::string default_theme_text()
{
	return read_text(themes_dir() / "default.toml");
}

Theme default_theme()
{
	return parse_theme(default_theme_text(), themes_dir() / "default.toml");
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
	INFO("'" << from << "' must be in the theme");
	REQUIRE(pos != std::string::npos);
	return text.replace(pos, from.size(), to);
}

const char *const label_names[] = {"red", "orange", "yellow", "green", "gray", "blue", "purple", "black"};

const Colour black{0, 0, 0, 1}, white{1, 1, 1, 1};

} // namespace

TEST_CASE("the shipped default theme has the project's label colours", "[theme]")
{
	const Theme theme = default_theme();
	const std::pair<const char *, const char *> expected[] = {{"red", "#cc0000"}, {"orange", "#f57900"},
		{"yellow", "#edd400"}, {"green", "#73d216"}, {"gray", "#555555"}, {"blue", "#3465a4"},
		{"purple", "#75507b"}, {"black", "#000000"}};
	CHECK(theme.name == "default");
	CHECK(theme.labels.size() == 8);
	for (const auto &[name, colour] : expected) {
		INFO(name);
		const LabelStyle *style = theme.label(name);
		REQUIRE(style);
		CHECK(style->focused.border.to_string() == colour);
		CHECK(style->focused.title_background.to_string() == colour);
		// Unfocused frames are visibly different from focused ones.
		CHECK(style->unfocused.border != style->focused.border);
		CHECK(style->unfocused.title_background == style->unfocused.border);
	}
	CHECK(theme.background.to_string() == "#1d1f21");
	CHECK(theme.border_width == 4);
	CHECK(theme.title_height == 24);
	CHECK(theme.urgent_width == 6);
	CHECK(theme.font == "DejaVu Sans Bold 10");
	CHECK(theme.dom0.focused.border.to_string() == "#2e3436");
	CHECK_FALSE(theme.label("pink"));
	CHECK_FALSE(theme.label("dom0"));
	CHECK_FALSE(theme.label("Red"));
}

TEST_CASE("host windows are told apart from the gray label", "[theme]")
{
	const Theme theme = default_theme();
	const Colour &dom0 = theme.dom0.focused.border, &gray = theme.label("gray")->focused.border;
	// At least 0x20 apart in some channel, and darker.
	const float apart = std::max({std::abs(dom0.r - gray.r), std::abs(dom0.g - gray.g), std::abs(dom0.b - gray.b)});
	CHECK(apart >= 0x20 / 255.0f);
	CHECK(dom0.luminance() < gray.luminance());
	CHECK(theme.dom0.unfocused.border != theme.label("gray")->unfocused.border);
}

TEST_CASE("title text contrasts with its frame", "[theme]")
{
	const Theme theme = default_theme();
	CHECK(theme.label("yellow")->focused.title_text == black);
	CHECK(theme.label("green")->focused.title_text == black);
	CHECK(theme.label("orange")->focused.title_text == black); // 7.6:1 against 2.8:1 for white
	CHECK(theme.label("red")->focused.title_text == white);
	CHECK(theme.label("blue")->focused.title_text == white);
	CHECK(theme.label("gray")->focused.title_text == white);
	CHECK(theme.label("purple")->focused.title_text == white);
	CHECK(theme.label("black")->focused.title_text == white);
	CHECK(theme.dom0.focused.title_text == white);
	for (const char *name : label_names) {
		INFO(name);
		const LabelStyle &s = *theme.label(name);
		// Focused titles meet WCAG AA for text; unfocused ones, softened, still 3:1.
		CHECK(s.focused.title_text.contrast_ratio(s.focused.title_background) >= 4.5f);
		CHECK(s.unfocused.title_text.contrast_ratio(s.unfocused.title_background) >= 3.0f);
		// Softened, but in the same direction as the contrast colour.
		CHECK(s.unfocused.title_text != black);
		CHECK(s.unfocused.title_text != white);
	}
}

TEST_CASE("unfocused variants mix toward the theme's colour", "[theme]")
{
	const Theme theme = default_theme();
	// Halfway from each label colour to #202020.
	CHECK(theme.label("red")->unfocused.border.to_string() == "#761010");
	const Colour &yellow = theme.label("yellow")->unfocused.border;
	CHECK(yellow.r == Approx((0xed + 0x20) / 2.0 / 255.0));
	CHECK(yellow.g == Approx((0xd4 + 0x20) / 2.0 / 255.0));
	CHECK(yellow.b == Approx(0x20 / 2.0 / 255.0));
	CHECK(theme.label("black")->unfocused.border.to_string() == "#101010");
	CHECK(theme.dom0.unfocused.border.to_string() == "#272a2b");
}

TEST_CASE("a theme without mixing leaves unfocused frames in the label colour", "[theme]")
{
	std::string text = replace(default_theme_text(), "mix_toward = \"#202020\"\n", "");
	text = replace(text, "mix = 0.5\n", "");
	const Theme theme = parse_theme(text, "t.toml");
	CHECK(theme.label("blue")->unfocused.border.to_string() == "#3465a4");
	CHECK(theme.name == "default");
	// With mix = 0 the same, and with mix = 1 all the target colour.
	CHECK(parse_theme(replace(default_theme_text(), "mix = 0.5", "mix = 0"), "t.toml")
			.label("blue")->unfocused.border.to_string() == "#3465a4");
	CHECK(parse_theme(replace(default_theme_text(), "mix = 0.5", "mix = 1"), "t.toml")
			.label("blue")->unfocused.border.to_string() == "#202020");
}

TEST_CASE("themes can set text colours explicitly", "[theme]")
{
	std::string text = replace(default_theme_text(), "[focused]\n", "[focused]\ntext = \"#ff00ff\"\n");
	text = replace(text, "[unfocused]\n", "[unfocused]\ntext = \"#00ff0080\"\n");
	const Theme theme = parse_theme(text, "t.toml");
	CHECK(theme.label("yellow")->focused.title_text.to_string() == "#ff00ff");
	CHECK(theme.label("blue")->focused.title_text.to_string() == "#ff00ff");
	CHECK(theme.dom0.focused.title_text.to_string() == "#ff00ff");
	CHECK(theme.label("blue")->unfocused.title_text.to_string() == "#00ff0080");
}

TEST_CASE("the sample custom theme is read in full", "[theme]")
{
	const auto path = data_dir() / "config" / "themes" / "custom.toml";
	const Theme theme = load_theme(path.string(), "");
	CHECK(theme.name == "Custom");
	CHECK(theme.background.to_string() == "#102030");
	CHECK(theme.border_width == 2);
	CHECK(theme.title_height == 20);
	CHECK(theme.font == "Sans 9");
	CHECK(theme.dom0.focused.border.to_string() == "#404040");
	CHECK(theme.label("red")->focused.border.to_string() == "#ff000080");
	CHECK(theme.label("red")->focused.title_text.to_string() == "#fafafa");
	// A quarter of the way to white.
	CHECK(theme.label("blue")->unfocused.border.to_string() == "#4040ff");
	CHECK(theme.label("black")->unfocused.border.to_string() == "#4c4c4c");
	// The unfocused yellow is light: dark text, softened toward the frame.
	const FrameColours &yellow = theme.label("yellow")->unfocused;
	CHECK(yellow.title_text.luminance() < 0.2f);
	CHECK(yellow.title_text.contrast_ratio(yellow.title_background) >= 4.5f);
}

TEST_CASE("every theme shipped in themes/ is valid", "[theme]")
{
	const auto files = toml_files(themes_dir());
	REQUIRE_FALSE(files.empty());
	for (const auto &file : files) {
		INFO(file);
		const Theme theme = load_theme(file.string(), "");
		CHECK(theme.labels.size() == 8);
		CHECK(theme.name == file.stem().string());
	}
}

TEST_CASE("every bad sample theme fails with its expected message", "[theme][bad-files]")
{
	const auto files = toml_files(data_dir() / "bad-theme");
	REQUIRE(files.size() >= 20);
	for (const auto &file : files) {
		const Expectation expected = expectation_of(file);
		DYNAMIC_SECTION(file.filename().string())
		{
			std::string actual = "(no error)";
			try {
				load_theme(file.string(), "");
			} catch (const ConfigError &e) {
				actual = e.what();
				CHECK(e.file() == file);
				CHECK(e.line() > 0);
				CHECK_FALSE((e.key().empty() && e.detail().rfind("not valid TOML", 0) != 0));
			}
			CHECK_THAT(actual, expected.matcher());
		}
	}
}

TEST_CASE("bad themes give file, line and key", "[theme]")
{
	const std::string base = default_theme_text();
	CHECK_THAT(error_of(replace(base, "red = \"#cc0000\"", "red = \"#cc00\"")),
		Catch::Contains("/t/bad.toml:") && Catch::Contains("key 'labels.red'") &&
			Catch::Contains("not a colour"));
	CHECK_THAT(error_of(replace(base, "purple = \"#75507b\"\n", "")),
		Catch::Contains("key 'labels.purple'") && Catch::Contains("all eight labels"));
	CHECK_THAT(error_of(replace(base, "urgent_width = 6", "urgent_width = 65")),
		Catch::Contains("key 'frame.urgent_width'") && Catch::Contains("not 65"));
	CHECK_THAT(error_of(replace(base, "border_width = 4", "border_width = 0")),
		Catch::Contains("key 'frame.border_width'") && Catch::Contains("between 1 and 64"));
	CHECK_THAT(error_of(replace(base, "border_width = 4", "border_width = 65")), Catch::Contains("not 65"));
	CHECK(parse_theme(replace(base, "border_width = 4", "border_width = 64"), "t.toml").border_width == 64);
	CHECK(parse_theme(replace(base, "title_height = 24", "title_height = 8"), "t.toml").title_height == 8);
	CHECK_THAT(error_of(replace(base, "border_width = 4", "border_widht = 4")),
		Catch::Contains("key 'frame.border_widht'") && Catch::Contains("unknown key"));
	CHECK_THAT(error_of(replace(base, "mix = 0.5", "mix = 1.5")), Catch::Contains("key 'unfocused.mix'"));
	CHECK_THAT(error_of(replace(base, "mix = 0.5", "mix = -0.1")), Catch::Contains("key 'unfocused.mix'"));
	CHECK_THAT(error_of(replace(base, "\n[labels]\n", "\n[labels]\npink = \"#ff00ff\"\n")),
		Catch::Contains("key 'labels.pink'"));
	CHECK_THAT(error_of(replace(base, "dom0 = \"#2e3436\"", "")), Catch::Contains("key 'dom0'"));
	CHECK(error_of("background = \"#000000\"\ndom0 = \"#000000\"\nframe = 4\n") ==
		"/t/bad.toml:3: key 'frame': must be a table");
	CHECK_THAT(error_of(replace(base, "name = \"default\"", "name = 1")), Catch::Contains("key 'name': must be a string"));
	CHECK_THAT(error_of("background = \"#000000\"\n[labels\n"), Catch::Contains("bad.toml:2:") &&
		Catch::Contains("not valid TOML"));
	CHECK(error_of("") == "/t/bad.toml:1: key 'background': missing; a theme must define it");
}

TEST_CASE("the line number points at the offending value", "[theme]")
{
	const std::string base = default_theme_text();
	std::string text = replace(base, "green = \"#73d216\"", "green = 5");
	int line = 1;
	for (char c : text.substr(0, text.find("green = 5")))
		line += c == '\n';
	REQUIRE(line > 20);
	CHECK(error_of(text) == "/t/bad.toml:" + std::to_string(line) + ": key 'labels.green': must be a string");
}

TEST_CASE("themes are found by path", "[theme]")
{
	CHECK(load_theme((themes_dir() / "default.toml").string(), "").name == "default");
	// Relative paths start at the config's folder; a name ending in .toml is a path.
	CHECK(load_theme("themes/custom.toml", data_dir() / "config").name == "Custom");
	CHECK(load_theme("custom.toml", data_dir() / "config" / "themes").name == "Custom");
	CHECK(theme_search_path("a/b.toml", "/cfg") == std::vector<std::filesystem::path>{"/cfg/a/b.toml"});
	CHECK(theme_search_path("/abs/x.toml", "/cfg") == std::vector<std::filesystem::path>{"/abs/x.toml"});
	CHECK_THROWS_WITH(load_theme("nowhere/x.toml", "/nonexistent"),
		"(built-in defaults): key 'theme': theme 'nowhere/x.toml' not found; looked in:\n"
		"  /nonexistent/nowhere/x.toml");
	CHECK_THROWS_WITH(load_theme(data_dir().string(), ""), Catch::EndsWith(": is a directory, not a theme file"));
	CHECK_THROWS_WITH(load_theme("", "/cfg"), Catch::Contains("must name a theme"));
}

TEST_CASE("themes are found by name along the XDG search path", "[theme]")
{
	EnvGuard env;
	const TempDir tmp;
	const auto cfg = tmp.path() / "cfgdir", xdg_config = tmp.path() / "xdgconfig";
	const auto data1 = tmp.path() / "data1", data2 = tmp.path() / "data2";
	env.set("XDG_CONFIG_HOME", xdg_config.string());
	env.set("XDG_DATA_DIRS", data1.string() + "::relative:" + data2.string());

	const std::vector<std::filesystem::path> expected = {
		cfg / "themes" / "t.toml",
		xdg_config / "bulkhead" / "themes" / "t.toml",
		data1 / "bulkhead" / "themes" / "t.toml",
		data2 / "bulkhead" / "themes" / "t.toml",
		std::filesystem::path(BULKHEAD_DATADIR) / "themes" / "t.toml",
		std::filesystem::path(BULKHEAD_SOURCE_THEMES) / "t.toml",
	};
	CHECK(theme_search_path("t", cfg) == expected);

	// Each location, from the last to the first, takes over once it has the theme.
	const std::string base = default_theme_text();
	auto with_name = [&](const std::string &name) { return replace(base, "name = \"default\"", "name = \"" + name + "\""); };
	write_text(data2 / "bulkhead" / "themes" / "t.toml", with_name("data2"));
	CHECK(load_theme("t", cfg).name == "data2");
	write_text(data1 / "bulkhead" / "themes" / "t.toml", with_name("data1"));
	CHECK(load_theme("t", cfg).name == "data1");
	write_text(xdg_config / "bulkhead" / "themes" / "t.toml", with_name("xdg-config"));
	CHECK(load_theme("t", cfg).name == "xdg-config");
	write_text(cfg / "themes" / "t.toml", with_name("beside-config"));
	CHECK(load_theme("t", cfg).name == "beside-config");

	// The default theme is always there: the source tree's, at the latest.
	CHECK(load_theme("default", cfg).labels.size() == 8);

	// XDG's own defaults when the variables are unset.
	env.unset("XDG_DATA_DIRS");
	env.unset("XDG_CONFIG_HOME");
	env.set("HOME", "/home/u");
	const auto defaults = theme_search_path("t", "");
	REQUIRE(defaults.size() >= 4);
	CHECK(defaults[0] == "/home/u/.config/bulkhead/themes/t.toml");
	CHECK(defaults[1] == "/usr/local/share/bulkhead/themes/t.toml");
	CHECK(defaults[2] == "/usr/share/bulkhead/themes/t.toml");
}

TEST_CASE("a missing theme says where it looked", "[theme]")
{
	EnvGuard env;
	env.set("XDG_CONFIG_HOME", "/xdg");
	env.set("XDG_DATA_DIRS", "/d1:/d2");
	try {
		load_theme("no-such-theme", "/nonexistent");
		FAIL("expected an error");
	} catch (const ConfigError &e) {
		CHECK(e.file().empty());
		CHECK(e.key() == "theme");
		CHECK_THAT(e.what(), Catch::StartsWith("(built-in defaults): key 'theme': theme 'no-such-theme' not found; looked in:\n"
						       "  /nonexistent/themes/no-such-theme.toml\n"
						       "  /xdg/bulkhead/themes/no-such-theme.toml\n"
						       "  /d1/bulkhead/themes/no-such-theme.toml\n"
						       "  /d2/bulkhead/themes/no-such-theme.toml\n"));
		CHECK_THAT(e.what(), Catch::EndsWith("\n  " + (std::filesystem::path(BULKHEAD_SOURCE_THEMES) / "no-such-theme.toml").string()));
	}
}
