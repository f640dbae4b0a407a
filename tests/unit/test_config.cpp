#include "config/config.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace bulkhead;

namespace {

// Config files in tests name their theme by path, so they do not depend on
// what is installed.
std::string theme_line()
{
	const char *dir = std::getenv("BULKHEAD_THEMES");
	REQUIRE(dir);
	return std::string("theme = \"") + dir + "/default.toml\"\n";
}

Config parse(const std::string &body)
{
	return parse_config(theme_line() + body, "/cfg/config.toml");
}

std::string error_of(const std::string &body)
{
	try {
		parse(body);
	} catch (const ConfigError &e) {
		return e.what();
	}
	return "(no error)";
}

const Keybinding *find(const Config &cfg, const std::string &combo)
{
	std::string error;
	auto wanted = parse_key_combo(combo, &error);
	REQUIRE(wanted);
	for (const auto &b : cfg.bindings)
		if (b.modifiers == wanted->modifiers && b.keysym == wanted->keysym)
			return &b;
	return nullptr;
}

constexpr uint32_t shift = 1, ctrl = 4, alt = 8, logo = 64;

} // namespace

TEST_CASE("an empty config gives the defaults", "[config]")
{
	const Config cfg = parse("");
	CHECK(cfg.terminal == "foot");
	CHECK(cfg.keyboard.layout == "us");
	CHECK(cfg.outputs.empty());
	CHECK(cfg.domains.empty());
	REQUIRE(find(cfg, "Super+Return"));
	CHECK(find(cfg, "Super+Return")->action == Action::Terminal);
	CHECK(find(cfg, "Super+Shift+q")->action == Action::Close);
	CHECK(find(cfg, "Super+Shift+e")->action == Action::Exit);
	CHECK(cfg.theme.labels.size() == 8);
}

TEST_CASE("a full config is read", "[config]")
{
	const Config cfg = parse(R"(
terminal = "foot -e sh"
autostart = ["foot", "weston-simple-shm"]

[keyboard]
layout = "de"
variant = "nodeadkeys"
repeat_rate = 30

[[output]]
name = "HEADLESS-1"
mode = "1280x720@59.94"
position = "0,0"
scale = 2

[[output]]
name = "DP-2"
mode = "1920x1080"
enabled = false

[bindings]
"Super+D" = "exec fuzzel --list"
"Super+Shift+E" = "none"
"Ctrl+Alt+T" = "terminal"

[[domain]]
name = "work"
label = "blue"
autostart = ["foot"]

[[domain]]
name = "untrusted"
shared_memory_mib = 64
)");
	CHECK(cfg.terminal == "foot -e sh");
	CHECK(cfg.autostart == std::vector<std::string>{"foot", "weston-simple-shm"});
	CHECK(cfg.keyboard.layout == "de");
	CHECK(cfg.keyboard.variant == "nodeadkeys");
	CHECK(cfg.keyboard.repeat_rate == 30);
	REQUIRE(cfg.outputs.size() == 2);
	CHECK(cfg.outputs[0].width == 1280);
	CHECK(cfg.outputs[0].height == 720);
	CHECK(cfg.outputs[0].refresh_mhz == 59940);
	CHECK(cfg.outputs[0].x == 0);
	CHECK(cfg.outputs[0].scale == 2.0);
	CHECK_FALSE(cfg.outputs[1].refresh_mhz);
	CHECK_FALSE(cfg.outputs[1].x);
	CHECK_FALSE(cfg.outputs[1].enabled);

	REQUIRE(find(cfg, "Super+d"));
	CHECK(find(cfg, "Super+d")->action == Action::Spawn);
	CHECK(find(cfg, "Super+d")->command == "fuzzel --list");
	CHECK_FALSE(find(cfg, "Super+Shift+e")); // removed with "none"
	CHECK(find(cfg, "Control+Mod1+t")->action == Action::Terminal);
	CHECK(find(cfg, "Super+Return")); // defaults stay

	REQUIRE(cfg.domains.size() == 2);
	CHECK(cfg.domains[0].name == "work");
	CHECK(cfg.domains[0].label == "blue");
	CHECK(cfg.domains[0].backend == "local");
	CHECK(cfg.domains[0].autostart == std::vector<std::string>{"foot"});
	CHECK(cfg.domains[1].label == "red"); // the default for a VM nobody labelled
	CHECK(cfg.domains[1].shared_memory_mib == 64);
}

TEST_CASE("key combinations", "[config]")
{
	std::string error;
	auto b = parse_key_combo("Super+Shift+Q", &error);
	REQUIRE(b);
	CHECK(b->modifiers == (logo | shift));
	CHECK(b->keysym == 'q');
	CHECK(parse_key_combo("ctrl+alt+Delete", &error)->modifiers == (ctrl | alt));
	CHECK(parse_key_combo("Mod4+F1", &error)->keysym == 0xffbe);
	CHECK(parse_key_combo("return", &error)->keysym == 0xff0d); // case-insensitive fallback

	CHECK_FALSE(parse_key_combo("Hyper+Q", &error));
	CHECK_THAT(error, Catch::Contains("unknown modifier 'Hyper'"));
	CHECK_FALSE(parse_key_combo("Super+NoSuchKey", &error));
	CHECK_THAT(error, Catch::Contains("unknown key 'NoSuchKey'"));
	CHECK_FALSE(parse_key_combo("Super+", &error));
	CHECK_FALSE(parse_key_combo("", &error));
}

TEST_CASE("bad configs name the file, the line and the key", "[config]")
{
	// The theme line is line 1 of every test file.
	CHECK(error_of("terminl = \"foot\"") ==
		"/cfg/config.toml:2: key 'terminl': unknown key (known keys here: theme, terminal, autostart, "
		"keyboard, output, bindings, domain, xray_key)");
	CHECK_THAT(error_of("xray_key = \"Super+x\""), Catch::Contains("key 'xray_key': must be a single key"));
	CHECK_THAT(error_of("xray_key = \"Nope\""), Catch::Contains("key 'xray_key': unknown key 'Nope'"));
	CHECK(parse("xray_key = \"Pause\"").xray_keysym == 0xff13);
	CHECK(parse("").xray_keysym == 0xff14); // Scroll_Lock
	CHECK_THAT(error_of("\n\n[keyboard]\nlayot = \"us\""), Catch::Contains("config.toml:5: key 'keyboard.layot'"));
	CHECK_THAT(error_of("terminal = 5"), Catch::Contains(":2: key 'terminal': must be a string"));
	CHECK_THAT(error_of("[[output]]\nname = \"X\"\nmode = \"1280by720\""),
		Catch::Contains(":4: key 'output[1].mode'") && Catch::Contains("not a mode"));
	CHECK_THAT(error_of("[[output]]\nname = \"X\"\nmode = \"0x720\""), Catch::Contains("output[1].mode"));
	CHECK_THAT(error_of("[[output]]\nname = \"X\"\nscale = 9"),
		Catch::Contains(":4: key 'output[1].scale'") && Catch::Contains("between"));
	CHECK_THAT(error_of("[[output]]\nmode = \"800x600\""), Catch::Contains("key 'output[1].name'"));
	CHECK_THAT(error_of("[[output]]\nname = \"A\"\n[[output]]\nname = \"A\""), Catch::Contains("configured twice"));
	CHECK_THAT(error_of("[[output]]\nname = \"X\"\nposition = \"1,2,3\""), Catch::Contains("output[1].position"));
	CHECK_THAT(error_of("[bindings]\n\"Super+Q\" = \"explode\""),
		Catch::Contains(":3: key 'bindings.\"Super+Q\"'") && Catch::Contains("unknown action 'explode'"));
	CHECK_THAT(error_of("[bindings]\n\"Super+Foo\" = \"close\""), Catch::Contains("unknown key 'Foo'"));
	CHECK_THAT(error_of("[bindings]\n\"Super+Q\" = \"exec \""), Catch::Contains("unknown action"));
	CHECK_THAT(error_of("autostart = \"foot\""), Catch::Contains("key 'autostart': must be an array"));
	CHECK_THAT(error_of("autostart = [\"foot\", 3]"), Catch::Contains("key 'autostart[2]'"));
	CHECK_THAT(error_of("theme2 = 1\nterminal = [\n"), Catch::Contains("not valid TOML"));
	CHECK_THAT(error_of("[keyboard]\nrepeat_rate = -1"), Catch::Contains("keyboard.repeat_rate"));
}

TEST_CASE("domains are checked", "[config]")
{
	CHECK_THAT(error_of("[[domain]]\nname = \"Work\""),
		Catch::Contains(":3: key 'domain[1].name'") && Catch::Contains("not a domain name"));
	CHECK_THAT(error_of("[[domain]]\nname = \"dom0\""), Catch::Contains("not a domain name"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\nlabel = \"pink\""),
		Catch::Contains(":4: key 'domain[1].label'") && Catch::Contains("not a label"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\nbackend = \"xen\""), Catch::Contains("unknown backend 'xen'"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\n[[domain]]\nname = \"a\""), Catch::Contains("defined twice"));
	CHECK_THAT(error_of("[[domain]]\nlabel = \"red\""), Catch::Contains("domain[1].name"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\nshared_memory_mib = 8"), Catch::Contains("shared_memory_mib"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\ncolour = \"red\""), Catch::Contains("unknown key"));
	CHECK_THAT(error_of("domain = 3"), Catch::Contains("[[domain]] tables"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\nbackend = \"external\""), Catch::Contains("domain[1].gui_socket") &&
		Catch::Contains("missing"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\nbackend = \"external\"\ngui_socket = \"rel/x\""),
		Catch::Contains("absolute"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\nbackend = \"external\"\ngui_socket = \"/x\"\nautostart = []"),
		Catch::Contains(":6: key 'domain[1].autostart'"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\ngui_socket = \"/x\""), Catch::Contains("only an external domain"));
	const Config ext = parse("[[domain]]\nname = \"vm\"\nbackend = \"external\"\ngui_socket = \"/run/vm/gui.sock\"");
	CHECK(ext.domains.at(0).gui_socket == "/run/vm/gui.sock");
}

TEST_CASE("a theme that cannot be found is the config's error", "[config]")
{
	try {
		parse_config("\n\ntheme = \"missing-theme\"\n", "/cfg/config.toml");
		FAIL("expected an error");
	} catch (const ConfigError &e) {
		CHECK_THAT(e.what(), Catch::StartsWith("/cfg/config.toml:3: key 'theme'") &&
			Catch::Contains("missing-theme"));
	}
}

TEST_CASE("config files: a missing default file is fine, a missing named one is not", "[config]")
{
	CHECK(load_config("/nonexistent/bulkhead/config.toml", false).terminal == "foot");
	CHECK_THROWS_AS(load_config("/nonexistent/bulkhead/config.toml", true), ConfigError);
}

TEST_CASE("the default config path follows XDG", "[config]")
{
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	CHECK(default_config_path() == "/xdg/bulkhead/config.toml");
	setenv("XDG_CONFIG_HOME", "relative", 1); // must be absolute to count
	setenv("HOME", "/home/u", 1);
	CHECK(default_config_path() == "/home/u/.config/bulkhead/config.toml");
	unsetenv("XDG_CONFIG_HOME");
	CHECK(default_config_path() == "/home/u/.config/bulkhead/config.toml");
}
