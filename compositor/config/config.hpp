#pragma once
// The user's configuration (config.toml) and the theme it selects.
// Parsing never throws anything but ConfigError, whose what() names the file,
// the line and the key, so the compositor can print it and exit 2.
#include "config/colour.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bulkhead {

class ConfigError : public std::runtime_error {
public:
	// Message format: "FILE:LINE: key 'KEY': WHAT" (line and key omitted when unknown).
	ConfigError(std::filesystem::path file, int line, std::string key, std::string what);
	const std::filesystem::path &file() const { return file_; }
	int line() const { return line_; }
	const std::string &key() const { return key_; }
	const std::string &detail() const { return detail_; }

private:
	std::filesystem::path file_;
	int line_;
	std::string key_;
	std::string detail_;
};

// The colours of one window frame in one state.
struct FrameColours {
	Colour border;
	Colour title_background;
	Colour title_text;
};

struct LabelStyle {
	FrameColours focused;
	FrameColours unfocused;
};

struct Theme {
	std::string name;
	int border_width = 4;   // pixels, 1..64
	int title_height = 24;  // pixels, 8..128
	int urgent_width = 6;   // pixels, 1..64: extra border of a window that asked for attention
	std::string font = "DejaVu Sans Bold 10"; // a Pango font description
	Colour background;      // desktop background
	LabelStyle dom0;        // native host windows
	std::map<std::string, LabelStyle> labels; // red, orange, ... black

	// The style for a label name; nullptr when the theme does not define it.
	const LabelStyle *label(const std::string &name) const;
};

struct KeyboardConfig {
	std::string rules, model, layout = "us", variant, options;
	int repeat_rate = 25;   // per second
	int repeat_delay = 600; // ms
};

struct OutputConfig {
	std::string name;               // connector name, e.g. "HEADLESS-1", "DP-1"
	std::optional<int> width, height;
	std::optional<int> refresh_mhz; // from "WxH@Hz"
	std::optional<int> x, y;        // layout position; auto placement when unset
	double scale = 1.0;
	bool enabled = true;
};

// Modifier bits of Keybinding::modifiers: the same values as wlroots' enum
// wlr_keyboard_modifier (WLR_MODIFIER_SHIFT ... WLR_MODIFIER_MOD5), defined here
// because <wlr/types/wlr_keyboard.h> is not valid C++. Keep them in step.
enum Modifier : uint32_t {
	ModShift = 1,
	ModCaps = 2,
	ModCtrl = 4,
	ModAlt = 8,   // Mod1
	ModMod2 = 16, // Num Lock
	ModMod3 = 32,
	ModLogo = 64, // Super, Mod4
	ModMod5 = 128,
};

enum class Action { Spawn, Terminal, Close, Exit, DisposableBrowser, ReleasePointer, ClipboardCopy, ClipboardPaste, KillDomain };

struct Keybinding {
	uint32_t modifiers = 0; // WLR_MODIFIER_* bit mask (same values as wlroots)
	uint32_t keysym = 0;    // xkb keysym, lower-cased for letters
	Action action = Action::Spawn;
	std::string command;    // for Action::Spawn, run through /bin/sh -c
	std::string text;       // the binding as written, for logs
};

// A domain: a VM (or, on the local backend, a group of local processes with no
// VM isolation) whose windows the compositor frames in its label colour.
struct DomainConfig {
	std::string name;                   // 1..32 of [a-z0-9-], starts with a letter; never "dom0"
	std::string label = "red";          // a label colour of the theme
	// "local": the compositor starts the agent and the apps as local processes.
	// "external": an agent started elsewhere listens on gui_socket; the
	// compositor starts only the gui-daemon (more backends with libvirt).
	std::string backend = "local";
	std::string gui_socket;             // external: the agent's socket path
	// external: a VM's ivshmem backing file (/dev/shm/NAME); when set,
	// gui_socket is QEMU's host socket of the VM's virtio-serial channel.
	std::string shared_memory_file;
	std::vector<std::string> autostart; // local: programs started inside the domain
	int shared_memory_mib = 256;        // size of the domain's shared pixel region, 16..1024
	int clipboard_max_kib = 64;         // largest copy from or paste into it, 1..4096 (the wire's limit)
	// "app": started with the compositor. "disposable-template": never started
	// itself; disposables (dispN) are made from it on demand.
	std::string role = "app";
	std::string open_command = "xdg-open"; // local: the guest's file handler, run as COMMAND FILE
	bool allow_fullscreen = false;      // its windows may go full screen (a label strip stays)
};

// Disposable VMs: which template, what the browser shortcut runs, the pool of
// preloaded ones, and which domains may ask to open a file in one.
struct DisposablesConfig {
	std::string template_name;          // a disposable-template domain; default: the first one
	std::string browser = "firefox-esr";
	int preload = 0;                    // disposables kept started and unused, 0..8
	bool open_from_set = false;         // open_from given: only those; else every app domain
	std::vector<std::string> open_from;
};

struct Config {
	std::filesystem::path path;   // empty when built-in defaults are used
	Theme theme;
	std::string terminal = "foot";
	KeyboardConfig keyboard;
	std::vector<OutputConfig> outputs;
	std::vector<Keybinding> bindings;   // defaults merged with the user's, and the clipboard keys
	uint32_t xray_keysym = 0xff14;      // held to reveal every VM window's domain (default Scroll_Lock)
	std::vector<std::string> autostart; // host commands run once at start-up
	std::vector<DomainConfig> domains;
	DisposablesConfig disposables;
	// libvirt's URI; unset: qemu:///embed?root=$XDG_STATE_HOME/bulkhead/libvirt
	// (libvirt's QEMU driver in this process); "": no VMs, local domains only.
	std::optional<std::string> libvirt_uri;

	// The template disposables are made from; nullptr when there is none.
	const DomainConfig *disposable_template() const;
};

// Where the config lives: $XDG_CONFIG_HOME/bulkhead/config.toml, else
// $HOME/.config/bulkhead/config.toml.
std::filesystem::path default_config_path();

// Loads a config file. A missing file at the default path gives the defaults;
// a missing file named explicitly is an error.
Config load_config(const std::filesystem::path &path, bool explicitly_named);
Config parse_config(const std::string &text, const std::filesystem::path &path_for_errors);

// Finds and parses a theme by name ("default") or path (contains '/' or ends in .toml).
// A relative path is taken from config_dir. A name NAME is NAME.toml in, in order:
// config_dir/themes, $XDG_CONFIG_HOME/bulkhead/themes (else ~/.config/bulkhead/themes),
// each $XDG_DATA_DIRS entry + /bulkhead/themes (default /usr/local/share:/usr/share),
// BULKHEAD_DATADIR/themes, then the source tree's themes/ (BULKHEAD_SOURCE_THEMES).
Theme load_theme(const std::string &name_or_path, const std::filesystem::path &config_dir);
// The files load_theme tries, in order (without duplicates).
std::vector<std::filesystem::path> theme_search_path(const std::string &name_or_path,
	const std::filesystem::path &config_dir);
Theme parse_theme(const std::string &text, const std::filesystem::path &path_for_errors);

// "Super+Shift+q" -> modifiers + keysym; nullopt with a reason in *error.
std::optional<Keybinding> parse_key_combo(const std::string &text, std::string *error);

} // namespace bulkhead
