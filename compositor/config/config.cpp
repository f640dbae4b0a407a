#include "config/config.hpp"

#include "config/toml_reader.hpp"

#include <xkbcommon/xkbcommon.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace bulkhead {
namespace {

using toml_reader::join;
using toml_reader::Reader;

// The same values as wlroots' WLR_MODIFIER_*, whose header is C-only.
constexpr uint32_t mod_shift = 1, mod_ctrl = 4, mod_alt = 8, mod_logo = 64;

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
		     std::pair{"Super+Shift+Q", Action::Close}, std::pair{"Super+Shift+E", Action::Exit}}) {
		std::string error;
		Keybinding b = *parse_key_combo(combo, &error);
		b.action = action;
		out.push_back(b);
	}
	return out;
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
}

OutputConfig read_output(const Reader &r, const toml::table &t, const std::string &path)
{
	r.only_keys(t, path, {"name", "mode", "position", "scale", "enabled"});
	OutputConfig out;
	const toml::node *name = t.get("name");
	if (!name)
		r.fail(t, join(path, "name"), "missing; every [[output]] names its connector, e.g. \"DP-1\"");
	out.name = r.string(*name, join(path, "name"));
	if (const auto *n = t.get("mode")) {
		const std::string mode = r.string(*n, join(path, "mode"));
		int w = 0, h = 0, used = 0;
		double hz = 0;
		bool ok = std::sscanf(mode.c_str(), "%dx%d%n", &w, &h, &used) == 2;
		if (ok && mode[static_cast<std::size_t>(used)] == '@') {
			int used_hz = 0;
			ok = std::sscanf(mode.c_str() + used + 1, "%lf%n", &hz, &used_hz) == 1 &&
				static_cast<std::size_t>(used + 1 + used_hz) == mode.size() && hz > 0 && hz <= 1000;
		} else {
			ok = ok && static_cast<std::size_t>(used) == mode.size();
		}
		if (!ok || w < 1 || h < 1 || w > 16384 || h > 16384)
			r.fail(*n, join(path, "mode"), "'" + mode + "' is not a mode (write WIDTHxHEIGHT or WIDTHxHEIGHT@HZ, e.g. 1920x1080@60)");
		out.width = w;
		out.height = h;
		if (hz > 0)
			out.refresh_mhz = static_cast<int>(hz * 1000 + 0.5);
	}
	if (const auto *n = t.get("position")) {
		const std::string pos = r.string(*n, join(path, "position"));
		int x = 0, y = 0, used = 0;
		if (std::sscanf(pos.c_str(), "%d,%d%n", &x, &y, &used) != 2 || static_cast<std::size_t>(used) != pos.size())
			r.fail(*n, join(path, "position"), "'" + pos + "' is not a position (write X,Y, e.g. 1920,0)");
		out.x = x;
		out.y = y;
	}
	if (const auto *n = t.get("scale"))
		out.scale = r.number(*n, join(path, "scale"), 0.5, 4.0);
	if (const auto *n = t.get("enabled"))
		out.enabled = r.boolean(*n, join(path, "enabled"));
	return out;
}

void read_bindings(const Reader &r, const toml::table &t, std::vector<Keybinding> &bindings)
{
	for (auto &&[key, node] : t) {
		const std::string path = join("bindings", key.str());
		std::string error;
		auto parsed = parse_key_combo(std::string(key.str()), &error);
		if (!parsed)
			r.fail_line(static_cast<int>(key.source().begin.line), path, error);
		Keybinding b = *parsed;
		const std::string action = trim(r.string(node, path));
		bool remove = false;
		if (action == "terminal")
			b.action = Action::Terminal;
		else if (action == "close")
			b.action = Action::Close;
		else if (action == "exit")
			b.action = Action::Exit;
		else if (action == "none")
			remove = true;
		else if (action.rfind("exec ", 0) == 0 && !trim(action.substr(5)).empty()) {
			b.action = Action::Spawn;
			b.command = trim(action.substr(5));
		} else
			r.fail(node, path, "unknown action '" + action +
				"' (use terminal, close, exit, none or \"exec COMMAND\")");
		std::erase_if(bindings, [&](const Keybinding &o) { return o.modifiers == b.modifiers && o.keysym == b.keysym; });
		if (!remove)
			bindings.push_back(b);
	}
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
	r.only_keys(t, path, {"name", "label", "backend", "gui_socket", "autostart", "shared_memory_mib"});
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
		d.autostart = r.strings(*n, join(path, "autostart"));
	}
	if (const auto *n = t.get("gui_socket")) {
		if (d.backend != "external")
			r.fail(*n, join(path, "gui_socket"), "only an external domain names its agent's socket");
		d.gui_socket = r.string(*n, join(path, "gui_socket"));
		if (d.gui_socket.empty() || d.gui_socket[0] != '/')
			r.fail(*n, join(path, "gui_socket"), "must be an absolute path");
	} else if (d.backend == "external") {
		r.fail(t, join(path, "gui_socket"), "missing; an external domain names its agent's socket");
	}
	if (const auto *n = t.get("shared_memory_mib"))
		d.shared_memory_mib = static_cast<int>(r.integer(*n, join(path, "shared_memory_mib"), 16, 1024));
	return d;
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
	std::vector<std::string> parts;
	std::stringstream ss(text);
	for (std::string part; std::getline(ss, part, '+');)
		parts.push_back(trim(part));
	if (parts.empty() || parts.back().empty()) {
		*error = "'" + text + "' is not a key combination (write e.g. Super+Shift+Q)";
		return std::nullopt;
	}
	for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
		const std::string m = lower(parts[i]);
		if (m == "super" || m == "logo" || m == "mod4")
			b.modifiers |= mod_logo;
		else if (m == "shift")
			b.modifiers |= mod_shift;
		else if (m == "ctrl" || m == "control")
			b.modifiers |= mod_ctrl;
		else if (m == "alt" || m == "mod1")
			b.modifiers |= mod_alt;
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
	r.only_keys(root, "", {"theme", "terminal", "autostart", "keyboard", "output", "bindings", "domain", "xray_key"});

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
		cfg.autostart = r.strings(*n, "autostart");
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
				r.fail(*array->get(i), join(path, "name"), "output '" + out.name + "' is configured twice");
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
				r.fail(*array->get(i), join(path, "name"), "domain '" + d.name + "' is defined twice");
			cfg.domains.push_back(d);
		}
	}
	return cfg;
}

Config load_config(const std::filesystem::path &path, bool explicitly_named)
{
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
