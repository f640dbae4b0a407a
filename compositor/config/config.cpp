#include "config/config.hpp"

#include "config/toml_reader.hpp"
#include "vm/names.hpp"

#include <xkbcommon/xkbcommon.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

namespace bulkhead {
namespace {

using toml_reader::join;
using toml_reader::Reader;

std::string message(const std::filesystem::path &file, int line, const std::string &key, const std::string &what)
{
	std::string m = file.empty() ? std::string("(built-in defaults)") : file.string();
	if (line > 0)
		m += ":" + std::to_string(line);
	m += ": ";
	if (!key.empty())
		m += "key '" + key + "': ";
	return m + what;
}

std::string lower(std::string s)
{
	for (char &c : s)
		c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
	return s;
}

std::string trim(const std::string &s)
{
	const auto b = s.find_first_not_of(" \t");
	const auto e = s.find_last_not_of(" \t");
	return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<Keybinding> default_bindings()
{
	std::vector<Keybinding> out;
	for (const auto &[combo, action] : {std::pair{"Super+Return", Action::Terminal},
		     std::pair{"Super+Shift+Q", Action::Close}, std::pair{"Super+Shift+E", Action::Exit},
		     std::pair{"Super+Shift+B", Action::DisposableBrowser},
		     std::pair{"Super+Escape", Action::ReleasePointer},
		     std::pair{"Super+Shift+K", Action::KillDomain},
		     std::pair{"Ctrl+Shift+C", Action::ClipboardCopy}, std::pair{"Ctrl+Shift+V", Action::ClipboardPaste}}) {
		std::string error;
		Keybinding b = *parse_key_combo(combo, &error);
		b.action = action;
		out.push_back(b);
	}
	return out;
}

bool keymap_compiles(xkb_context *context, const KeyboardConfig &kb)
{
	auto or_null = [](const std::string &s) { return s.empty() ? nullptr : s.c_str(); };
	const xkb_rule_names names = {or_null(kb.rules), or_null(kb.model), or_null(kb.layout),
		or_null(kb.variant), or_null(kb.options)};
	xkb_keymap *keymap = xkb_keymap_new_from_names(context, &names, XKB_KEYMAP_COMPILE_NO_FLAGS);
	xkb_keymap_unref(keymap);
	return keymap != nullptr;
}

// A misspelt layout or variant must not leave the user with a keyboard that
// silently does something else: compile the keymap the compositor will compile.
// Blames the first setting (in xkb's order) that makes compilation fail. Unknown
// options are only warnings to xkb and pass.
void check_keymap(const Reader &r, const toml::table &t, const KeyboardConfig &kb)
{
	if (!t.get("rules") && !t.get("model") && !t.get("layout") && !t.get("variant") && !t.get("options"))
		return;
	xkb_context *context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	if (!context)
		return;
	xkb_context_set_log_level(context, XKB_LOG_LEVEL_CRITICAL);
	struct Guard {
		xkb_context *c;
		~Guard() { xkb_context_unref(c); }
	} guard{context};
	if (keymap_compiles(context, kb) || !keymap_compiles(context, KeyboardConfig{}))
		return; // fine, or no xkb data here at all: nothing to blame the config for
	KeyboardConfig partial;
	partial.layout.clear();
	for (auto &[key, field, value] : {std::tuple{"rules", &partial.rules, &kb.rules},
		     std::tuple{"model", &partial.model, &kb.model}, std::tuple{"layout", &partial.layout, &kb.layout},
		     std::tuple{"variant", &partial.variant, &kb.variant},
		     std::tuple{"options", &partial.options, &kb.options}}) {
		*field = *value;
		if (keymap_compiles(context, partial))
			continue;
		const toml::node *n = t.get(key);
		const std::string what = "xkb cannot compile a keymap with " + std::string(key) + " '" + *value +
			"' (rules '" + kb.rules + "', model '" + kb.model + "', layout '" + kb.layout +
			"', variant '" + kb.variant + "'); see xkeyboard-config(7)";
		if (n)
			r.fail(*n, join("keyboard", key), what);
		r.fail(t, "keyboard", what);
	}
	r.fail(t, "keyboard", "xkb cannot compile a keymap from these settings; see xkeyboard-config(7)");
}

void read_keyboard(const Reader &r, const toml::table &t, KeyboardConfig &kb)
{
	r.only_keys(t, "keyboard", {"rules", "model", "layout", "variant", "options", "repeat_rate", "repeat_delay"});
	for (auto &[key, field] : {std::pair{"rules", &kb.rules}, std::pair{"model", &kb.model},
		     std::pair{"layout", &kb.layout}, std::pair{"variant", &kb.variant},
		     std::pair{"options", &kb.options}})
		if (const auto *n = t.get(key))
			*field = r.string(*n, join("keyboard", key));
	if (const auto *n = t.get("repeat_rate"))
		kb.repeat_rate = static_cast<int>(r.integer(*n, "keyboard.repeat_rate", 0, 1000));
	if (const auto *n = t.get("repeat_delay"))
		kb.repeat_delay = static_cast<int>(r.integer(*n, "keyboard.repeat_delay", 0, 10000));
	check_keymap(r, t, kb);
}

// Reads an unsigned decimal number of at most `max` at text[*i]; digits only.
std::optional<int> read_uint(const std::string &text, std::size_t *i, int max)
{
	const std::size_t begin = *i;
	long long v = 0;
	while (*i < text.size() && std::isdigit(static_cast<unsigned char>(text[*i]))) {
		v = v * 10 + (text[*i] - '0');
		if (v > max)
			return std::nullopt;
		++*i;
	}
	if (*i == begin)
		return std::nullopt;
	return static_cast<int>(v);
}

struct Mode {
	int width = 0, height = 0, refresh_mhz = 0;
};

// "1280x720", "1920x1080@60", "1280x720@59.94" (up to three decimals).
std::optional<Mode> parse_mode(const std::string &text)
{
	Mode m;
	std::size_t i = 0;
	const auto w = read_uint(text, &i, 16384);
	if (!w || i >= text.size() || text[i++] != 'x')
		return std::nullopt;
	const auto h = read_uint(text, &i, 16384);
	if (!h || *w < 1 || *h < 1)
		return std::nullopt;
	m.width = *w;
	m.height = *h;
	if (i == text.size())
		return m;
	if (text[i++] != '@')
		return std::nullopt;
	const auto hz = read_uint(text, &i, 1000);
	if (!hz)
		return std::nullopt;
	int mhz = *hz * 1000;
	if (i < text.size() && text[i] == '.') {
		++i;
		const std::size_t begin = i;
		int scale = 100;
		while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && i - begin < 3) {
			mhz += (text[i] - '0') * scale;
			scale /= 10;
			++i;
		}
		if (i == begin)
			return std::nullopt;
	}
	if (i != text.size() || mhz <= 0 || mhz > 1000 * 1000)
		return std::nullopt;
	m.refresh_mhz = mhz;
	return m;
}

// "X,Y" with optional minus signs and spaces around the comma.
std::optional<std::pair<int, int>> parse_position(const std::string &text)
{
	constexpr int limit = 100000;
	std::size_t i = 0;
	auto coordinate = [&]() -> std::optional<int> {
		const bool negative = i < text.size() && text[i] == '-';
		if (negative)
			++i;
		const auto v = read_uint(text, &i, limit);
		if (!v)
			return std::nullopt;
		return negative ? -*v : *v;
	};
	auto spaces = [&] {
		while (i < text.size() && text[i] == ' ')
			++i;
	};
	spaces();
	const auto x = coordinate();
	spaces();
	if (!x || i >= text.size() || text[i++] != ',')
		return std::nullopt;
	spaces();
	const auto y = coordinate();
	spaces();
	if (!y || i != text.size())
		return std::nullopt;
	return std::pair{*x, *y};
}

OutputConfig read_output(const Reader &r, const toml::table &t, const std::string &path)
{
	r.only_keys(t, path, {"name", "mode", "position", "scale", "enabled"});
	OutputConfig out;
	const toml::node *name = t.get("name");
	if (!name)
		r.fail(t, join(path, "name"), "missing; every [[output]] names its connector, e.g. \"DP-1\"");
	out.name = r.string(*name, join(path, "name"));
	if (trim(out.name).empty())
		r.fail(*name, join(path, "name"), "must not be empty; name the connector, e.g. \"DP-1\"");
	if (const auto *n = t.get("mode")) {
		const std::string mode = r.string(*n, join(path, "mode"));
		const auto parsed = parse_mode(mode);
		if (!parsed)
			r.fail(*n, join(path, "mode"), "'" + mode +
				"' is not a mode (write WIDTHxHEIGHT or WIDTHxHEIGHT@HZ, e.g. 1920x1080@60 or 1280x720@59.94; "
				"sizes 1..16384, refresh up to 1000 Hz)");
		out.width = parsed->width;
		out.height = parsed->height;
		if (parsed->refresh_mhz > 0)
			out.refresh_mhz = parsed->refresh_mhz;
	}
	if (const auto *n = t.get("position")) {
		const std::string pos = r.string(*n, join(path, "position"));
		const auto parsed = parse_position(pos);
		if (!parsed)
			r.fail(*n, join(path, "position"), "'" + pos +
				"' is not a position (write X,Y, e.g. 1920,0; each within -100000..100000)");
		out.x = parsed->first;
		out.y = parsed->second;
	}
	if (const auto *n = t.get("scale"))
		out.scale = r.number(*n, join(path, "scale"), 0.5, 4.0);
	if (const auto *n = t.get("enabled"))
		out.enabled = r.boolean(*n, join(path, "enabled"));
	return out;
}

void read_bindings(const Reader &r, const toml::table &t, std::vector<Keybinding> &bindings)
{
	// The user's own combos, to catch one combo written twice ("Super+q", "super+Q").
	std::vector<Keybinding> seen;
	for (auto &&[key, node] : t) {
		const std::string path = join("bindings", key.str());
		std::string error;
		auto parsed = parse_key_combo(std::string(key.str()), &error);
		if (!parsed)
			r.fail_line(static_cast<int>(key.source().begin.line), path, error);
		Keybinding b = *parsed;
		for (const Keybinding &o : seen)
			if (o.modifiers == b.modifiers && o.keysym == b.keysym)
				r.fail_line(static_cast<int>(key.source().begin.line), path,
					"the same key combination as \"" + o.text + "\" above; bind each combination once");
		seen.push_back(b);
		for (const Keybinding &o : bindings)
			if (o.modifiers == b.modifiers && o.keysym == b.keysym &&
				(o.action == Action::ClipboardCopy || o.action == Action::ClipboardPaste))
				r.fail_line(static_cast<int>(key.source().begin.line), path, std::string("already the ") +
					(o.action == Action::ClipboardCopy ? "clipboard_copy_key" : "clipboard_paste_key") +
					"; choose another combination, or move that key");
		const std::string action = trim(r.string(node, path));
		bool remove = false;
		if (action == "terminal")
			b.action = Action::Terminal;
		else if (action == "close")
			b.action = Action::Close;
		else if (action == "exit")
			b.action = Action::Exit;
		else if (action == "disposable-browser")
			b.action = Action::DisposableBrowser;
		else if (action == "release-pointer")
			b.action = Action::ReleasePointer;
		else if (action == "kill-domain")
			b.action = Action::KillDomain;
		else if (action == "none")
			remove = true;
		else if (action.rfind("exec ", 0) == 0 && !trim(action.substr(5)).empty()) {
			b.action = Action::Spawn;
			b.command = trim(action.substr(5));
		} else
			r.fail(node, path, "unknown action '" + action +
				"' (use terminal, close, exit, disposable-browser, release-pointer, kill-domain, none or \"exec COMMAND\")");
		std::erase_if(bindings, [&](const Keybinding &o) { return o.modifiers == b.modifiers && o.keysym == b.keysym; });
		if (!remove)
			bindings.push_back(b);
	}
}

// clipboard_copy_key and clipboard_paste_key replace the default gesture keys.
void read_clipboard_keys(const Reader &r, const toml::table &root, std::vector<Keybinding> &bindings)
{
	std::vector<std::pair<const toml::node *, Keybinding>> keys;
	for (const auto &[key, action] : {std::pair{"clipboard_copy_key", Action::ClipboardCopy},
		     std::pair{"clipboard_paste_key", Action::ClipboardPaste}}) {
		const toml::node *n = root.get(key);
		if (!n)
			continue;
		std::string error;
		auto combo = parse_key_combo(r.string(*n, key), &error);
		if (!combo)
			r.fail(*n, key, error);
		if (!(combo->modifiers & (ModCtrl | ModAlt | ModLogo)))
			r.fail(*n, key, "needs Ctrl, Alt or Super, or typing that key would copy or paste");
		combo->action = action;
		std::erase_if(bindings, [&](const Keybinding &o) { return o.action == action; });
		keys.emplace_back(n, *combo);
	}
	for (const auto &[node, combo] : keys) {
		for (const Keybinding &o : bindings)
			if (o.modifiers == combo.modifiers && o.keysym == combo.keysym)
				r.fail(*node, combo.action == Action::ClipboardCopy ? "clipboard_copy_key" : "clipboard_paste_key",
					"the same combination as the binding \"" + o.text + "\"; bind each combination once");
		bindings.push_back(combo);
	}
}

// An array of shell commands, none of them blank.
std::vector<std::string> read_commands(const Reader &r, const toml::node &node, const std::string &key)
{
	std::vector<std::string> commands = r.strings(node, key);
	const auto *array = node.as_array();
	for (std::size_t i = 0; i < commands.size(); ++i)
		if (trim(commands[i]).empty())
			r.fail(*array->get(i), key + "[" + std::to_string(i + 1) + "]", "must be a command, not blank");
	return commands;
}

bool valid_domain_name(const std::string &name)
{
	if (name.empty() || name.size() > 32 || !std::islower(static_cast<unsigned char>(name[0])))
		return false;
	for (char c : name)
		if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-'))
			return false;
	return true;
}

DomainConfig read_domain(const Reader &r, const toml::table &t, const std::string &path, const Theme &theme)
{
	r.only_keys(t, path, {"name", "label", "backend", "gui_socket", "autostart", "shared_memory_mib", "role",
		"open_command", "allow_fullscreen", "clipboard_max_kib", "shared_memory_file"});
	DomainConfig d;
	const toml::node *name = t.get("name");
	if (!name)
		r.fail(t, join(path, "name"), "missing; every [[domain]] has a name");
	d.name = r.string(*name, join(path, "name"));
	if (!valid_domain_name(d.name) || d.name == "dom0")
		r.fail(*name, join(path, "name"), "'" + d.name +
			"' is not a domain name (1-32 of a-z, 0-9 and '-', starting with a letter; not dom0)");
	if (const auto *n = t.get("label")) {
		d.label = r.string(*n, join(path, "label"));
		if (!theme.label(d.label))
			r.fail(*n, join(path, "label"), "'" + d.label +
				"' is not a label (red, orange, yellow, green, gray, blue, purple or black)");
	}
	if (const auto *n = t.get("backend")) {
		d.backend = r.string(*n, join(path, "backend"));
		if (d.backend != "local" && d.backend != "external")
			r.fail(*n, join(path, "backend"), "unknown backend '" + d.backend + "' (known: local, external)");
	}
	if (const auto *n = t.get("autostart")) {
		if (d.backend != "local")
			r.fail(*n, join(path, "autostart"), "only a local domain starts apps; an external agent starts its own");
		d.autostart = read_commands(r, *n, join(path, "autostart"));
	}
	// An external domain's absolute path; anything else is an error naming why.
	auto external_path = [&](const toml::node &n, const std::string &key, const std::string &only) {
		if (d.backend != "external")
			r.fail(n, join(path, key), only);
		std::string value = r.string(n, join(path, key));
		if (value.empty() || value[0] != '/')
			r.fail(n, join(path, key), "must be an absolute path");
		return value;
	};
	if (const auto *n = t.get("gui_socket")) {
		d.gui_socket = external_path(*n, "gui_socket", "only an external domain names its agent's socket");
	} else if (d.backend == "external") {
		r.fail(t, join(path, "gui_socket"), "missing; an external domain names its agent's socket");
	}
	if (const auto *n = t.get("shared_memory_mib"))
		d.shared_memory_mib = static_cast<int>(r.integer(*n, join(path, "shared_memory_mib"), 16, 1024));
	if (const auto *n = t.get("role")) {
		d.role = r.string(*n, join(path, "role"));
		if (d.role != "app" && d.role != "disposable-template")
			r.fail(*n, join(path, "role"), "unknown role '" + d.role + "' (known: app, disposable-template)");
		if (d.role == "disposable-template" && d.backend != "local")
			r.fail(*n, join(path, "role"), "a disposable template needs the local backend here");
		if (d.role == "disposable-template" && !d.autostart.empty())
			r.fail(*n, join(path, "role"), "a disposable template starts no apps itself; each disposable runs one");
	}
	if (vm::is_disposable_name(d.name))
		r.fail(*name, join(path, "name"), "'" + d.name + "' is kept for disposables (dispN)");
	if (const auto *n = t.get("open_command")) {
		if (d.role != "disposable-template")
			r.fail(*n, join(path, "open_command"), "only a disposable template opens files");
		d.open_command = trim(r.string(*n, join(path, "open_command")));
		if (d.open_command.empty())
			r.fail(*n, join(path, "open_command"), "must be a command, e.g. \"xdg-open\"");
	}
	if (const auto *n = t.get("allow_fullscreen"))
		d.allow_fullscreen = r.boolean(*n, join(path, "allow_fullscreen"));
	if (const auto *n = t.get("clipboard_max_kib"))
		d.clipboard_max_kib = static_cast<int>(r.integer(*n, join(path, "clipboard_max_kib"), 1, 4096));
	if (const auto *n = t.get("shared_memory_file"))
		d.shared_memory_file = external_path(*n, "shared_memory_file",
			"only an external domain (a VM) names its shared memory file");
	return d;
}

void read_disposables(const Reader &r, const toml::table &t, Config &cfg)
{
	r.only_keys(t, "disposables", {"template", "browser", "preload", "open_from"});
	DisposablesConfig &d = cfg.disposables;
	if (const auto *n = t.get("template")) {
		d.template_name = r.string(*n, "disposables.template");
		const auto it = std::find_if(cfg.domains.begin(), cfg.domains.end(),
			[&](const DomainConfig &c) { return c.name == d.template_name; });
		// Not a [[domain]]: a disposable template libvirt knows, unless libvirt is off.
		const bool libvirt_off = cfg.libvirt_uri && cfg.libvirt_uri->empty();
		if (it != cfg.domains.end() ? it->role != "disposable-template" : libvirt_off)
			r.fail(*n, "disposables.template", "'" + d.template_name +
				"' is not a [[domain]] with role = \"disposable-template\"" +
				(libvirt_off ? " (and libvirt is off)" : ""));
	}
	if (const auto *n = t.get("browser")) {
		d.browser = trim(r.string(*n, "disposables.browser"));
		if (d.browser.empty())
			r.fail(*n, "disposables.browser", "must be a command, e.g. \"firefox-esr\"");
	}
	if (const auto *n = t.get("preload"))
		d.preload = static_cast<int>(r.integer(*n, "disposables.preload", 0, 8));
	if (const auto *n = t.get("open_from")) {
		d.open_from_set = true;
		d.open_from = r.strings(*n, "disposables.open_from");
		// Names of app domains: [[domain]]s of role app, or VMs libvirt runs.
		for (std::size_t i = 0; i < d.open_from.size(); ++i)
			if (!valid_domain_name(d.open_from[i]) ||
				std::any_of(cfg.domains.begin(), cfg.domains.end(),
					[&](const DomainConfig &c) { return c.name == d.open_from[i] && c.role != "app"; }))
				r.fail(*n->as_array()->get(i), "disposables.open_from[" + std::to_string(i + 1) + "]",
					"'" + d.open_from[i] + "' is not the name of an app domain");
	}
}

} // namespace

ConfigError::ConfigError(std::filesystem::path file, int line, std::string key, std::string what)
	: std::runtime_error(message(file, line, key, what)), file_(std::move(file)), line_(line),
	  key_(std::move(key)), detail_(std::move(what))
{
}

std::filesystem::path default_config_path()
{
	if (const char *xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg == '/')
		return std::filesystem::path(xdg) / "bulkhead" / "config.toml";
	const char *home = std::getenv("HOME");
	return std::filesystem::path(home && *home ? home : "/") / ".config" / "bulkhead" / "config.toml";
}

std::optional<Keybinding> parse_key_combo(const std::string &text, std::string *error)
{
	Keybinding b;
	b.text = text;
	// Split at every '+', keeping empty parts ("Super+" has an empty key).
	std::vector<std::string> parts;
	for (std::size_t begin = 0;;) {
		const std::size_t plus = text.find('+', begin);
		parts.push_back(trim(text.substr(begin, plus == std::string::npos ? std::string::npos : plus - begin)));
		if (plus == std::string::npos)
			break;
		begin = plus + 1;
	}
	if (std::any_of(parts.begin(), parts.end(), [](const std::string &p) { return p.empty(); })) {
		*error = "'" + text + "' is not a key combination (write e.g. Super+Shift+Q; the + key is called plus)";
		return std::nullopt;
	}
	for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
		const std::string m = lower(parts[i]);
		if (m == "super" || m == "logo" || m == "mod4")
			b.modifiers |= ModLogo;
		else if (m == "shift")
			b.modifiers |= ModShift;
		else if (m == "ctrl" || m == "control")
			b.modifiers |= ModCtrl;
		else if (m == "alt" || m == "mod1")
			b.modifiers |= ModAlt;
		else {
			*error = "unknown modifier '" + parts[i] + "' (use Super, Shift, Ctrl or Alt)";
			return std::nullopt;
		}
	}
	xkb_keysym_t sym = xkb_keysym_from_name(parts.back().c_str(), XKB_KEYSYM_NO_FLAGS);
	if (sym == XKB_KEY_NoSymbol)
		sym = xkb_keysym_from_name(parts.back().c_str(), XKB_KEYSYM_CASE_INSENSITIVE);
	if (sym == XKB_KEY_NoSymbol) {
		*error = "unknown key '" + parts.back() + "' (use an xkb keysym name such as Return, q, F1)";
		return std::nullopt;
	}
	b.keysym = xkb_keysym_to_lower(sym);
	return b;
}

Config parse_config(const std::string &text, const std::filesystem::path &path_for_errors)
{
	const Reader r(path_for_errors);
	const toml::table root = toml_reader::parse(text, path_for_errors);
	r.only_keys(root, "", {"theme", "terminal", "autostart", "keyboard", "output", "bindings", "domain", "xray_key",
		"disposables", "clipboard_copy_key", "clipboard_paste_key", "libvirt_uri"});

	Config cfg;
	cfg.path = path_for_errors;
	cfg.bindings = default_bindings();
	std::string theme_name = "default";
	const toml::node *theme_node = root.get("theme");
	if (theme_node)
		theme_name = r.string(*theme_node, "theme");
	try {
		cfg.theme = load_theme(theme_name, path_for_errors.parent_path());
	} catch (const ConfigError &e) {
		if (!e.file().empty())
			throw; // the theme file itself is bad: that error names it
		throw ConfigError(path_for_errors, theme_node ? static_cast<int>(theme_node->source().begin.line) : 0,
			"theme", e.detail());
	}

	if (const auto *n = root.get("terminal")) {
		cfg.terminal = r.string(*n, "terminal");
		if (trim(cfg.terminal).empty())
			r.fail(*n, "terminal", "must be a command, e.g. \"foot\"");
	}
	if (const auto *n = root.get("autostart"))
		cfg.autostart = read_commands(r, *n, "autostart");
	if (const auto *n = root.get("keyboard"))
		read_keyboard(r, r.table(*n, "keyboard"), cfg.keyboard);
	if (const auto *n = root.get("output")) {
		const auto *array = n->as_array();
		if (!array || !array->is_array_of_tables())
			r.fail(*n, "output", "must be written as [[output]] tables");
		std::set<std::string> names;
		for (std::size_t i = 0; i < array->size(); ++i) {
			const std::string path = "output[" + std::to_string(i + 1) + "]";
			OutputConfig out = read_output(r, *array->get(i)->as_table(), path);
			if (!names.insert(out.name).second)
				r.fail(*array->get(i)->as_table()->get("name"), join(path, "name"),
					"output '" + out.name + "' is configured twice");
			cfg.outputs.push_back(out);
		}
	}
	if (const auto *n = root.get("xray_key")) {
		const std::string name = r.string(*n, "xray_key");
		std::string error;
		auto combo = parse_key_combo(name, &error);
		if (!combo || combo->modifiers)
			r.fail(*n, "xray_key", combo ? "must be a single key without modifiers" : error);
		cfg.xray_keysym = combo->keysym;
	}
	read_clipboard_keys(r, root, cfg.bindings);
	if (const auto *n = root.get("bindings"))
		read_bindings(r, r.table(*n, "bindings"), cfg.bindings);
	if (const auto *n = root.get("domain")) {
		const auto *array = n->as_array();
		if (!array || !array->is_array_of_tables())
			r.fail(*n, "domain", "must be written as [[domain]] tables");
		std::set<std::string> names;
		for (std::size_t i = 0; i < array->size(); ++i) {
			const std::string path = "domain[" + std::to_string(i + 1) + "]";
			DomainConfig d = read_domain(r, *array->get(i)->as_table(), path, cfg.theme);
			if (!names.insert(d.name).second)
				r.fail(*array->get(i)->as_table()->get("name"), join(path, "name"),
					"domain '" + d.name + "' is defined twice");
			cfg.domains.push_back(d);
		}
	}
	if (const auto *n = root.get("libvirt_uri")) {
		cfg.libvirt_uri = trim(r.string(*n, "libvirt_uri"));
		if (!cfg.libvirt_uri->empty() && cfg.libvirt_uri->find(":/") == std::string::npos)
			r.fail(*n, "libvirt_uri", "'" + *cfg.libvirt_uri +
				"' is not a libvirt URI (e.g. qemu:///system), or \"\" for no VMs");
	}
	if (const auto *n = root.get("disposables"))
		read_disposables(r, r.table(*n, "disposables"), cfg);
	return cfg;
}

const DomainConfig *Config::disposable_template() const
{
	for (const DomainConfig &d : domains)
		if (d.role == "disposable-template" && (disposables.template_name.empty() || d.name == disposables.template_name))
			return &d;
	return nullptr;
}

Config load_config(const std::filesystem::path &path, bool explicitly_named)
{
	std::error_code ec;
	if (std::filesystem::is_directory(path, ec))
		throw ConfigError(path, 0, "", "is a directory, not a config file");
	std::ifstream in(path, std::ios::binary);
	if (!in) {
		if (explicitly_named)
			throw ConfigError(path, 0, "", "cannot read the file");
		// No config yet: the defaults, with the default theme.
		Config cfg;
		cfg.bindings = default_bindings();
		cfg.theme = load_theme("default", path.parent_path());
		return cfg;
	}
	std::ostringstream text;
	text << in.rdbuf();
	return parse_config(text.str(), path);
}

} // namespace bulkhead
