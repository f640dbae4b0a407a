#include "config/config.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace bulkhead;
using namespace bulkhead::test;

// From wlr_modifiers.c, compiled as C against <wlr/types/wlr_keyboard.h>.
extern "C" const unsigned bulkhead_test_wlr_modifiers[8];

namespace {

// Config files in tests name their theme by path, so they do not depend on
// what is installed.
std::string theme_line()
{
	return "theme = \"" + themes_dir().string() + "/default.toml\"\n";
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

OutputConfig output_with(const std::string &key_value)
{
	const Config cfg = parse("[[output]]\nname = \"X\"\n" + key_value + "\n");
	REQUIRE(cfg.outputs.size() == 1);
	return cfg.outputs[0];
}

constexpr uint32_t shift = 1, ctrl = 4, alt = 8, logo = 64;

} // namespace

TEST_CASE("modifier bits have wlroots' values", "[config][keys]")
{
	const uint32_t ours[8] = {ModShift, ModCaps, ModCtrl, ModAlt, ModMod2, ModMod3, ModLogo, ModMod5};
	for (int i = 0; i < 8; ++i) {
		INFO("bit " << i);
		CHECK(ours[i] == bulkhead_test_wlr_modifiers[i]);
		CHECK(ours[i] == 1u << i);
	}
}

TEST_CASE("an empty config gives the defaults", "[config]")
{
	const Config cfg = parse("");
	CHECK(cfg.path == "/cfg/config.toml");
	CHECK(cfg.terminal == "foot");
	CHECK(cfg.autostart.empty());
	CHECK(cfg.keyboard.layout == "us");
	CHECK(cfg.keyboard.variant.empty());
	CHECK(cfg.keyboard.repeat_rate == 25);
	CHECK(cfg.keyboard.repeat_delay == 600);
	CHECK(cfg.outputs.empty());
	CHECK(cfg.domains.empty());
	CHECK(cfg.bindings.size() == 8);
	REQUIRE(find(cfg, "Super+Return"));
	CHECK(find(cfg, "Super+Return")->action == Action::Terminal);
	REQUIRE(find(cfg, "Super+Escape"));
	CHECK(find(cfg, "Super+Escape")->action == Action::ReleasePointer);
	REQUIRE(find(cfg, "Ctrl+Shift+c"));
	CHECK(find(cfg, "Ctrl+Shift+c")->action == Action::ClipboardCopy);
	REQUIRE(find(cfg, "Ctrl+Shift+v"));
	CHECK(find(cfg, "Ctrl+Shift+v")->action == Action::ClipboardPaste);
	REQUIRE(find(cfg, "Super+Shift+q"));
	CHECK(find(cfg, "Super+Shift+q")->action == Action::Close);
	REQUIRE(find(cfg, "Super+Shift+e"));
	CHECK(find(cfg, "Super+Shift+e")->action == Action::Exit);
	REQUIRE(find(cfg, "Super+Shift+b"));
	CHECK(find(cfg, "Super+Shift+b")->action == Action::DisposableBrowser);
	REQUIRE(find(cfg, "Super+Shift+k"));
	CHECK(find(cfg, "Super+Shift+k")->action == Action::KillDomain);
	CHECK_FALSE(find(cfg, "Super+d")); // only an example in the docs
	CHECK(cfg.theme.labels.size() == 8);
}

TEST_CASE("a missing default config file gives the defaults and the default theme", "[config]")
{
	EnvGuard env;
	const TempDir dir;
	env.set("XDG_CONFIG_HOME", dir.path().string());
	env.set("XDG_DATA_DIRS", (dir.path() / "nothing").string());
	const Config cfg = load_config(dir.path() / "bulkhead" / "config.toml", false);
	CHECK(cfg.path.empty());
	CHECK(cfg.terminal == "foot");
	CHECK(cfg.bindings.size() == 8);
	CHECK(cfg.theme.label("red")->focused.border.to_string() == "#cc0000");
}

TEST_CASE("a config file named explicitly must exist and be a file", "[config]")
{
	const TempDir dir;
	try {
		load_config(dir.path() / "nope.toml", true);
		FAIL("expected an error");
	} catch (const ConfigError &e) {
		CHECK(std::string(e.what()) == (dir.path() / "nope.toml").string() + ": cannot read the file");
	}
	CHECK_THROWS_WITH(load_config(dir.path(), true), Catch::EndsWith(": is a directory, not a config file"));
	CHECK_THROWS_WITH(load_config(dir.path(), false), Catch::EndsWith(": is a directory, not a config file"));
}

TEST_CASE("the sample config with every setting is read", "[config]")
{
	const Config cfg = load_config(data_dir() / "config" / "full.toml", true);
	CHECK(cfg.path == data_dir() / "config" / "full.toml");
	// "custom" is found in themes/ beside the config.
	CHECK(cfg.theme.name == "Custom");
	CHECK(cfg.theme.border_width == 2);
	CHECK(cfg.terminal == "foot --server");
	CHECK(cfg.autostart == std::vector<std::string>{"foot", "mako"});
	CHECK(cfg.xray_keysym == 0xff13); // Pause

	CHECK(cfg.keyboard.rules == "evdev");
	CHECK(cfg.keyboard.model == "pc105");
	CHECK(cfg.keyboard.layout == "de");
	CHECK(cfg.keyboard.variant == "nodeadkeys");
	CHECK(cfg.keyboard.options == "ctrl:nocaps");
	CHECK(cfg.keyboard.repeat_rate == 40);
	CHECK(cfg.keyboard.repeat_delay == 250);

	REQUIRE(cfg.outputs.size() == 3);
	CHECK(cfg.outputs[0].name == "HEADLESS-1");
	CHECK(cfg.outputs[0].width == 1280);
	CHECK(cfg.outputs[0].height == 720);
	CHECK(cfg.outputs[0].refresh_mhz == 59940);
	CHECK(cfg.outputs[0].x == 0);
	CHECK(cfg.outputs[0].y == 0);
	CHECK(cfg.outputs[0].scale == 1.5);
	CHECK(cfg.outputs[0].enabled);
	CHECK(cfg.outputs[1].name == "DP-2");
	CHECK(cfg.outputs[1].width == 2560);
	CHECK_FALSE(cfg.outputs[1].refresh_mhz);
	CHECK(cfg.outputs[1].x == -2560);
	CHECK(cfg.outputs[1].y == 100);
	CHECK_FALSE(cfg.outputs[1].enabled);
	CHECK(cfg.outputs[2].name == "HDMI-A-1");
	CHECK_FALSE(cfg.outputs[2].width);
	CHECK_FALSE(cfg.outputs[2].height);
	CHECK_FALSE(cfg.outputs[2].x);
	CHECK(cfg.outputs[2].scale == 2.0);

	CHECK(cfg.bindings.size() == 10);
	CHECK_FALSE(find(cfg, "Ctrl+Shift+c")); // moved by clipboard_copy_key
	REQUIRE(find(cfg, "Super+c"));
	CHECK(find(cfg, "Super+c")->action == Action::ClipboardCopy);
	REQUIRE(find(cfg, "Super+v"));
	CHECK(find(cfg, "Super+v")->action == Action::ClipboardPaste);
	REQUIRE(find(cfg, "Super+Return"));
	CHECK(find(cfg, "Super+Return")->action == Action::Spawn);
	CHECK(find(cfg, "Super+Return")->command == "foot --title main");
	CHECK_FALSE(find(cfg, "Super+Shift+E"));
	REQUIRE(find(cfg, "Super+Shift+Q")); // an untouched default stays
	CHECK(find(cfg, "Super+Shift+Q")->action == Action::Close);
	REQUIRE(find(cfg, "Super+d"));
	CHECK(find(cfg, "Super+d")->command == "fuzzel");
	CHECK(find(cfg, "Super+d")->text == "Super+D");
	REQUIRE(find(cfg, "Control+Alt+Delete"));
	CHECK(find(cfg, "Control+Alt+Delete")->action == Action::Exit);
	REQUIRE(find(cfg, "Super+Alt+Ctrl+Shift+F12"));
	CHECK(find(cfg, "Super+Alt+Ctrl+Shift+F12")->modifiers == (logo | alt | ctrl | shift));

	REQUIRE(cfg.domains.size() == 2);
	CHECK(cfg.domains[0].name == "work");
	CHECK(cfg.domains[0].label == "blue");
	CHECK(cfg.domains[0].backend == "local");
	CHECK(cfg.domains[0].autostart == std::vector<std::string>{"foot"});
	CHECK(cfg.domains[0].shared_memory_mib == 128);
	CHECK(cfg.domains[0].allow_fullscreen);
	CHECK(cfg.domains[0].clipboard_max_kib == 2048);
	CHECK(cfg.domains[1].name == "vault");
	CHECK_FALSE(cfg.domains[1].allow_fullscreen);
	CHECK(cfg.domains[1].label == "black");
	CHECK(cfg.domains[1].backend == "external");
	CHECK(cfg.domains[1].gui_socket == "/run/bulkhead/vault.sock");
	CHECK(cfg.domains[1].shared_memory_mib == 256);
	CHECK(cfg.domains[1].clipboard_max_kib == 64);
}

TEST_CASE("the minimal sample config is all defaults", "[config]")
{
	const Config cfg = load_config(data_dir() / "config" / "minimal.toml", true);
	CHECK(cfg.theme.name == "default");
	CHECK(cfg.terminal == "foot");
	CHECK(cfg.bindings.size() == 8);
	CHECK(cfg.outputs.empty());
}

TEST_CASE("every bad sample config fails with its expected message", "[config][bad-files]")
{
	const auto files = toml_files(data_dir() / "bad-config");
	REQUIRE(files.size() >= 30);
	for (const auto &file : files) {
		const Expectation expected = expectation_of(file);
		DYNAMIC_SECTION(file.filename().string())
		{
			std::string actual = "(no error)";
			try {
				load_config(file, true);
			} catch (const ConfigError &e) {
				actual = e.what();
				// The parts agree with the message.
				CHECK(e.file() == file);
				CHECK(e.line() > 0);
			}
			CHECK_THAT(actual, expected.matcher());
		}
	}
}

TEST_CASE("key combinations", "[config][keys]")
{
	std::string error;
	auto b = parse_key_combo("Super+Shift+Q", &error);
	REQUIRE(b);
	CHECK(b->modifiers == (logo | shift));
	CHECK(b->keysym == 'q'); // stored lower-case, as the compositor compares
	CHECK(b->text == "Super+Shift+Q");
	CHECK(parse_key_combo("ctrl+alt+Delete", &error)->modifiers == (ctrl | alt));
	CHECK(parse_key_combo("Control+Mod1+x", &error)->modifiers == (ctrl | alt));
	CHECK(parse_key_combo("Logo+x", &error)->modifiers == logo);
	CHECK(parse_key_combo("MOD4+x", &error)->modifiers == logo);
	CHECK(parse_key_combo("sHiFt+x", &error)->modifiers == shift);
	CHECK(parse_key_combo("Super + Shift + Return", &error)->modifiers == (logo | shift));
	CHECK(parse_key_combo("Mod4+F1", &error)->keysym == 0xffbe);
	CHECK(parse_key_combo("Super+f1", &error)->keysym == 0xffbe);     // case-insensitive fallback
	CHECK(parse_key_combo("return", &error)->keysym == 0xff0d);       // ditto
	CHECK(parse_key_combo("Super+space", &error)->keysym == 0x20);
	CHECK(parse_key_combo("Super+1", &error)->keysym == '1');
	CHECK(parse_key_combo("Super+XF86AudioRaiseVolume", &error)->keysym == 0x1008ff13);
	CHECK(parse_key_combo("Print", &error)->modifiers == 0);

	CHECK_FALSE(parse_key_combo("Hyper+Q", &error));
	CHECK(error == "unknown modifier 'Hyper' (use Super, Shift, Ctrl or Alt)");
	CHECK_FALSE(parse_key_combo("Return+Q", &error)); // a key is not a modifier
	CHECK(error == "unknown modifier 'Return' (use Super, Shift, Ctrl or Alt)");
	CHECK_FALSE(parse_key_combo("Super+NoSuchKey", &error));
	CHECK(error == "unknown key 'NoSuchKey' (use an xkb keysym name such as Return, q, F1)");
	CHECK_FALSE(parse_key_combo("Super+", &error));
	CHECK(error == "'Super+' is not a key combination (write e.g. Super+Shift+Q; the + key is called plus)");
	CHECK_FALSE(parse_key_combo("", &error));
	CHECK_FALSE(parse_key_combo("Super++", &error));
	CHECK_FALSE(parse_key_combo("Super", &error)); // a modifier alone is no key
}

TEST_CASE("user bindings override defaults with the same combination", "[config][keys]")
{
	// Written differently from the default "Super+Shift+Q", the same combination.
	const Config cfg = parse("[bindings]\n\"shift+logo+q\" = \"exec kill-it\"\n\"Super+Return\" = \"none\"\n"
				 "\"Alt+x\" = \"none\"\n\"Super+Shift+E\" = \" exit \"\n\"Super+Escape\" = \"none\"\n"
				 "\"Super+F12\" = \"release-pointer\"\n\"Super+Shift+K\" = \"none\"\n\"Super+Delete\" = \"kill-domain\"\n");
	CHECK(cfg.bindings.size() == 7); // with Super+Shift+B and the two clipboard keys
	REQUIRE(find(cfg, "Super+F12"));
	CHECK(find(cfg, "Super+F12")->action == Action::ReleasePointer);
	CHECK_FALSE(find(cfg, "Super+Shift+K"));
	REQUIRE(find(cfg, "Super+Delete"));
	CHECK(find(cfg, "Super+Delete")->action == Action::KillDomain);
	REQUIRE(find(cfg, "Super+Shift+Q"));
	CHECK(find(cfg, "Super+Shift+Q")->action == Action::Spawn);
	CHECK(find(cfg, "Super+Shift+Q")->command == "kill-it");
	CHECK_FALSE(find(cfg, "Super+Return"));
	CHECK_FALSE(find(cfg, "Alt+x")); // "none" on an unbound combination is harmless
	CHECK(find(cfg, "Super+Shift+E")->action == Action::Exit);
	CHECK(parse("[bindings]\n\"Super+Q\" = \"exec  sh -c 'a && b'  \"").bindings.back().command ==
		"sh -c 'a && b'");
}

TEST_CASE("output modes, refresh rates and positions", "[config]")
{
	CHECK(output_with("mode = \"1920x1080@60\"").refresh_mhz == 60000);
	CHECK(output_with("mode = \"1280x720@59.94\"").refresh_mhz == 59940);
	CHECK(output_with("mode = \"2560x1440@143.856\"").refresh_mhz == 143856);
	CHECK(output_with("mode = \"800x600@75.5\"").refresh_mhz == 75500);
	CHECK(output_with("mode = \"1x1\"").width == 1);
	CHECK(output_with("mode = \"16384x16384\"").height == 16384);
	for (const char *bad : {"x720", "1280x", "1280x720@", "1280x720@60.", "1280x720@59.9401", " 1280x720",
		     "+1280x720", "1280x+720", "1280x720@-60", "1280X720", "1280x720@0", "1280x720@1001",
		     "1280x720@0x3c", "0x720", "1280x0", "16385x720", "99999999999x720", "1280x720 ", ""}) {
		INFO(bad);
		CHECK_THAT(error_of("[[output]]\nname = \"X\"\nmode = \"" + std::string(bad) + "\""),
			Catch::StartsWith("/cfg/config.toml:4: key 'output[1].mode': '" + std::string(bad) + "' is not a mode"));
	}

	CHECK(output_with("position = \"1920,0\"").x == 1920);
	CHECK(output_with("position = \"-1920, -1080\"").y == -1080);
	CHECK(output_with("position = \" 5 , 6 \"").x == 5);
	CHECK(output_with("position = \"100000,0\"").x == 100000);
	for (const char *bad : {"1,2,3", "a,b", "1", "", "100001,0", "--1,0", "1;2", "1.5,2", "0x10,0", "1,"}) {
		INFO(bad);
		CHECK_THAT(error_of("[[output]]\nname = \"X\"\nposition = \"" + std::string(bad) + "\""),
			Catch::StartsWith("/cfg/config.toml:4: key 'output[1].position': '" + std::string(bad) +
				"' is not a position"));
	}

	CHECK(output_with("scale = 0.5").scale == 0.5);
	CHECK(output_with("scale = 4").scale == 4.0);
	CHECK_THAT(error_of("[[output]]\nname = \"X\"\nscale = 4.01"), Catch::Contains("key 'output[1].scale'"));
	CHECK_THAT(error_of("[[output]]\nname = \"X\"\nscale = nan"), Catch::Contains("key 'output[1].scale'"));
	CHECK_THAT(error_of("[[output]]\nname = \"X\"\nscale = \"2\""),
		Catch::Contains("key 'output[1].scale': must be a number"));
}

TEST_CASE("the keyboard settings are checked against xkb", "[config]")
{
	CHECK(parse("[keyboard]\nlayout = \"us,de\"\noptions = \"grp:alt_shift_toggle\"").keyboard.layout == "us,de");
	CHECK(parse("[keyboard]\nlayout = \"fr\"\nvariant = \"azerty\"").keyboard.variant == "azerty");
	CHECK_THAT(error_of("[keyboard]\nrules = \"evdevv\""),
		Catch::StartsWith("/cfg/config.toml:3: key 'keyboard.rules': xkb cannot compile a keymap with rules 'evdevv'"));
	CHECK(parse("[keyboard]\nrepeat_rate = 0\nrepeat_delay = 10000").keyboard.repeat_delay == 10000);
	CHECK_THAT(error_of("[keyboard]\nrepeat_delay = 10001"), Catch::Contains("between 0 and 10000, not 10001"));
}

TEST_CASE("bad configs name the file, the line and the key", "[config]")
{
	// The theme line is line 1 of every test file.
	CHECK(error_of("terminl = \"foot\"") ==
		"/cfg/config.toml:2: key 'terminl': unknown key (known keys here: theme, terminal, autostart, "
		"keyboard, output, bindings, domain, xray_key, disposables, clipboard_copy_key, clipboard_paste_key, libvirt_uri)");
	CHECK_THAT(error_of("xray_key = \"Super+x\""), Catch::Contains("key 'xray_key': must be a single key"));
	CHECK_THAT(error_of("xray_key = \"Nope\""), Catch::Contains("key 'xray_key': unknown key 'Nope'"));
	CHECK(parse("xray_key = \"Pause\"").xray_keysym == 0xff13);
	CHECK(parse("").xray_keysym == 0xff14); // Scroll_Lock
	CHECK(error_of("\n\n[keyboard]\nlayot = \"us\"") ==
		"/cfg/config.toml:5: key 'keyboard.layot': unknown key (known keys here: rules, model, layout, variant, "
		"options, repeat_rate, repeat_delay)");
	CHECK(error_of("terminal = 5") == "/cfg/config.toml:2: key 'terminal': must be a string");
	CHECK_THAT(error_of("[[output]]\nmode = \"800x600\""), Catch::Contains("key 'output[1].name'"));
	CHECK(error_of("[[output]]\nname = \"A\"\n[[output]]\nname = \"A\"") ==
		"/cfg/config.toml:5: key 'output[2].name': output 'A' is configured twice");
	CHECK(error_of("[bindings]\n\"Super+Q\" = \"explode\"") ==
		"/cfg/config.toml:3: key 'bindings.\"Super+Q\"': unknown action 'explode' (use terminal, close, exit, "
		"disposable-browser, release-pointer, kill-domain, none or \"exec COMMAND\")");
	CHECK_THAT(error_of("[bindings]\n\"Super+Q\" = \"Terminal\""), Catch::Contains("unknown action 'Terminal'"));
	CHECK_THAT(error_of("[bindings]\n\"Super+Q\" = \"kill-domain now\""), Catch::Contains("unknown action 'kill-domain now'"));
	CHECK_THAT(error_of("[bindings]\n\"Super+Q\" = \"execfoot\""), Catch::Contains("unknown action 'execfoot'"));
	CHECK_THAT(error_of("bindings = []"), Catch::Contains("key 'bindings': must be a table"));
	CHECK_THAT(error_of("[bindings.\"Super+Q\"]\nx = 1"), Catch::Contains("key 'bindings.\"Super+Q\"': must be a string"));
	CHECK_THAT(error_of("autostart = [\"foot\", 3]"), Catch::Contains(":2: key 'autostart[2]': must be a string"));
	CHECK_THAT(error_of("autostart = [[\"foot\"]]"), Catch::Contains("key 'autostart[1]': must be a string"));
	CHECK_THAT(error_of("theme2 = 1\nterminal = [\n"), Catch::Contains("not valid TOML"));
	CHECK_THAT(error_of("output = 1"), Catch::Contains("key 'output': must be written as [[output]] tables"));
	CHECK_THAT(error_of("output = [1, 2]"), Catch::Contains("key 'output': must be written as [[output]] tables"));
	CHECK_THAT(error_of("terminal = \"a\"\nterminal = \"b\""),
		Catch::StartsWith("/cfg/config.toml:3: not valid TOML: ")); // TOML forbids redefinition
}

TEST_CASE("TOML syntax errors carry tomlplusplus's line", "[config]")
{
	try {
		parse_config("terminal = \"foot\"\n\n\nautostart = [\"a\" \"b\"]\n", "/cfg/c.toml");
		FAIL("expected an error");
	} catch (const ConfigError &e) {
		CHECK(e.line() == 4);
		CHECK(e.key().empty());
		CHECK_THAT(e.what(), Catch::StartsWith("/cfg/c.toml:4: not valid TOML: "));
	}
}

TEST_CASE("domains are checked", "[config]")
{
	CHECK_THAT(error_of("[[domain]]\nname = \"Work\""),
		Catch::Contains(":3: key 'domain[1].name'") && Catch::Contains("not a domain name"));
	CHECK_THAT(error_of("[[domain]]\nname = \"dom0\""), Catch::Contains("not a domain name"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\nlabel = \"pink\""),
		Catch::Contains(":4: key 'domain[1].label'") && Catch::Contains("not a label"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\nbackend = \"xen\""), Catch::Contains("unknown backend 'xen'"));
	CHECK(error_of("[[domain]]\nname = \"a\"\n[[domain]]\nname = \"a\"") ==
		"/cfg/config.toml:5: key 'domain[2].name': domain 'a' is defined twice");
	CHECK_THAT(error_of("[[domain]]\nlabel = \"red\""), Catch::Contains("domain[1].name"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\nshared_memory_mib = 8"), Catch::Contains("shared_memory_mib"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\ncolour = \"red\""), Catch::Contains("unknown key"));
	CHECK_THAT(error_of("domain = 3"), Catch::Contains("[[domain]] tables"));
	CHECK(error_of("[[domain]]\nname = \"a\"\nallow_fullscreen = \"yes\"") ==
		"/cfg/config.toml:4: key 'domain[1].allow_fullscreen': must be true or false");
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\nbackend = \"external\""), Catch::Contains("domain[1].gui_socket") &&
		Catch::Contains("missing"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\nbackend = \"external\"\ngui_socket = \"rel/x\""),
		Catch::Contains("absolute"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\nbackend = \"external\"\ngui_socket = \"/x\"\nautostart = []"),
		Catch::Contains(":6: key 'domain[1].autostart'"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\ngui_socket = \"/x\""), Catch::Contains("only an external domain"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\nautostart = [\"\"]"),
		Catch::Contains(":4: key 'domain[1].autostart[1]': must be a command, not blank"));
	const Config ext = parse("[[domain]]\nname = \"vm\"\nbackend = \"external\"\ngui_socket = \"/run/vm/gui.sock\"");
	CHECK(ext.domains.at(0).gui_socket == "/run/vm/gui.sock");
	CHECK(ext.domains.at(0).shared_memory_file.empty());
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\nshared_memory_file = \"/dev/shm/a\""),
		Catch::Contains("domain[1].shared_memory_file") && Catch::Contains("only an external domain"));
	CHECK_THAT(error_of("[[domain]]\nname = \"a\"\nbackend = \"external\"\ngui_socket = \"/x\"\n"
			    "shared_memory_file = \"shm\""),
		Catch::Contains(":6: key 'domain[1].shared_memory_file': must be an absolute path"));
	const Config vm = parse("[[domain]]\nname = \"vm\"\nbackend = \"external\"\ngui_socket = \"/run/vm/gui.sock\"\n"
				"shared_memory_file = \"/dev/shm/bulkhead-vm\"");
	CHECK(vm.domains.at(0).shared_memory_file == "/dev/shm/bulkhead-vm");
}

TEST_CASE("a theme that cannot be found is the config's error", "[config]")
{
	try {
		parse_config("\n\ntheme = \"missing-theme\"\n", "/cfg/config.toml");
		FAIL("expected an error");
	} catch (const ConfigError &e) {
		CHECK_THAT(e.what(), Catch::StartsWith("/cfg/config.toml:3: key 'theme': theme 'missing-theme' not found; "
						       "looked in:\n  /cfg/themes/missing-theme.toml\n"));
		CHECK(e.file() == "/cfg/config.toml");
		CHECK(e.line() == 3);
		CHECK(e.key() == "theme");
	}
}

TEST_CASE("an error inside the theme names the theme file", "[config]")
{
	const std::string bad = (data_dir() / "bad-theme" / "bad-colour.toml").string();
	try {
		parse_config("theme = \"" + bad + "\"\n", "/cfg/config.toml");
		FAIL("expected an error");
	} catch (const ConfigError &e) {
		CHECK(e.file() == bad);
		CHECK(e.key() == "labels.red");
		CHECK_THAT(e.what(), Catch::StartsWith(bad + ":"));
	}
	// A relative theme path is taken from the config's folder.
	CHECK_THROWS_WITH(parse_config("theme = \"../bad-theme/bad-colour.toml\"\n", data_dir() / "config" / "c.toml"),
		Catch::Contains("bad-theme/bad-colour.toml:") && Catch::Contains("key 'labels.red'"));
}

TEST_CASE("the default config path follows XDG", "[config]")
{
	EnvGuard env;
	env.set("XDG_CONFIG_HOME", "/xdg");
	CHECK(default_config_path() == "/xdg/bulkhead/config.toml");
	env.set("XDG_CONFIG_HOME", "relative"); // must be absolute to count
	env.set("HOME", "/home/u");
	CHECK(default_config_path() == "/home/u/.config/bulkhead/config.toml");
	env.set("XDG_CONFIG_HOME", "");
	CHECK(default_config_path() == "/home/u/.config/bulkhead/config.toml");
	env.unset("XDG_CONFIG_HOME");
	CHECK(default_config_path() == "/home/u/.config/bulkhead/config.toml");
}

TEST_CASE("disposables: templates, the browser, the pool and the open policy", "[config][disposables]")
{
	const Config none = parse("");
	CHECK_FALSE(none.disposable_template());
	CHECK(none.disposables.browser == "firefox-esr");
	CHECK(none.disposables.preload == 0);

	const Config cfg = parse(R"(
[[domain]]
name = "work"
label = "blue"

[[domain]]
name = "dvm-a"
role = "disposable-template"
open_command = "evince"

[[domain]]
name = "dvm-b"
label = "orange"
role = "disposable-template"

[disposables]
template = "dvm-b"
browser = "chromium --incognito"
preload = 2
open_from = ["work"]

[bindings]
"Super+W" = "disposable-browser"
)");
	REQUIRE(cfg.disposable_template());
	CHECK(cfg.disposable_template()->name == "dvm-b");
	CHECK(cfg.disposable_template()->label == "orange");
	CHECK(cfg.domains[1].open_command == "evince");
	CHECK(cfg.domains[2].open_command == "xdg-open");
	CHECK(cfg.disposables.browser == "chromium --incognito");
	CHECK(cfg.disposables.preload == 2);
	CHECK(cfg.disposables.open_from_set);
	CHECK(cfg.disposables.open_from == std::vector<std::string>{"work"});
	REQUIRE(find(cfg, "Super+w"));
	CHECK(find(cfg, "Super+w")->action == Action::DisposableBrowser);

	// Without a template named, the first one is used.
	const Config first = parse("[[domain]]\nname = \"a\"\nrole = \"disposable-template\"\n"
				   "[[domain]]\nname = \"b\"\nrole = \"disposable-template\"\n");
	REQUIRE(first.disposable_template());
	CHECK(first.disposable_template()->name == "a");
}
