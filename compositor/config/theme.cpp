#include "build-config.h"
#include "config/config.hpp"
#include "config/toml_reader.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace bulkhead {
namespace {

using toml_reader::join;
using toml_reader::Reader;

constexpr std::array<const char *, 8> label_names = {
	"red", "orange", "yellow", "green", "gray", "blue", "purple", "black"};

// Text that stays readable on `background`: black or white, whichever has the
// higher contrast ratio (black on light colours such as yellow, green and
// orange, white on dark ones).
Colour contrasting_text(const Colour &background)
{
	const Colour black{0, 0, 0, 1}, white{1, 1, 1, 1};
	return background.contrast_ratio(black) > background.contrast_ratio(white) ? black : white;
}

struct Variant {
	std::optional<Colour> text;
	std::optional<Colour> toward;
	float amount = 0;
};

Variant read_variant(const Reader &r, const toml::table &root, const char *name, bool mixable)
{
	Variant v;
	const toml::node *node = root.get(name);
	if (!node)
		return v;
	const toml::table &t = r.table(*node, name);
	if (mixable)
		r.only_keys(t, name, {"text", "mix_toward", "mix"});
	else
		r.only_keys(t, name, {"text"});
	if (const auto *n = t.get("text"))
		v.text = r.colour(*n, join(name, "text"));
	if (mixable) {
		if (const auto *n = t.get("mix_toward"))
			v.toward = r.colour(*n, join(name, "mix_toward"));
		const toml::node *mix = t.get("mix");
		if (mix)
			v.amount = static_cast<float>(r.number(*mix, join(name, "mix"), 0.0, 1.0));
		// One without the other is a half-written theme, not a silent no-op.
		if (mix && !v.toward)
			r.fail(*mix, join(name, "mix_toward"), "missing; 'mix' says how far to mix toward it");
		if (v.toward && !mix)
			r.fail(*t.get("mix_toward"), join(name, "mix"), "missing; how far (0..1) to mix toward 'mix_toward'");
	}
	return v;
}

LabelStyle make_style(const Colour &colour, const Variant &focused, const Variant &unfocused)
{
	LabelStyle style;
	style.focused.border = colour;
	style.focused.title_background = colour;
	style.focused.title_text = focused.text.value_or(contrasting_text(colour));
	const Colour dim = unfocused.toward ? colour.mixed_with(*unfocused.toward, unfocused.amount) : colour;
	style.unfocused.border = dim;
	style.unfocused.title_background = dim;
	// Unfocused titles are quieter but keep their contrast direction.
	style.unfocused.title_text = unfocused.text.value_or(contrasting_text(dim).mixed_with(dim, 0.3f));
	return style;
}

// The theme file's text; nullopt when there is no such file.
std::optional<std::string> read_theme_file(const std::filesystem::path &path)
{
	namespace fs = std::filesystem;
	std::error_code ec;
	const fs::file_status status = fs::status(path, ec);
	if (!fs::exists(status))
		return std::nullopt;
	if (fs::is_directory(status))
		throw ConfigError(path, 0, "", "is a directory, not a theme file");
	std::ifstream in(path, std::ios::binary);
	if (!in)
		throw ConfigError(path, 0, "", "cannot read the theme file");
	std::ostringstream text;
	text << in.rdbuf();
	return text.str();
}

} // namespace

const LabelStyle *Theme::label(const std::string &name) const
{
	auto it = labels.find(name);
	return it == labels.end() ? nullptr : &it->second;
}

Theme parse_theme(const std::string &text, const std::filesystem::path &path_for_errors)
{
	const Reader r(path_for_errors);
	const toml::table root = toml_reader::parse(text, path_for_errors);
	r.only_keys(root, "", {"name", "background", "dom0", "frame", "focused", "unfocused", "labels"});

	Theme theme;
	theme.name = path_for_errors.stem().string();
	if (const auto *n = root.get("name"))
		theme.name = r.string(*n, "name");

	auto required = [&](const toml::table &t, const char *key, const std::string &path) -> const toml::node & {
		if (const auto *n = t.get(key))
			return *n;
		r.fail_line(1, path, "missing; a theme must define it");
	};

	theme.background = r.colour(required(root, "background", "background"), "background");
	if (const auto *n = root.get("frame")) {
		const toml::table &frame = r.table(*n, "frame");
		r.only_keys(frame, "frame", {"border_width", "title_height", "urgent_width", "font"});
		if (const auto *v = frame.get("border_width"))
			theme.border_width = static_cast<int>(r.integer(*v, "frame.border_width", 1, 64));
		if (const auto *v = frame.get("title_height"))
			theme.title_height = static_cast<int>(r.integer(*v, "frame.title_height", 8, 128));
		if (const auto *v = frame.get("urgent_width"))
			theme.urgent_width = static_cast<int>(r.integer(*v, "frame.urgent_width", 1, 64));
		if (const auto *v = frame.get("font")) {
			theme.font = r.string(*v, "frame.font");
			if (theme.font.empty())
				r.fail(*v, "frame.font", "must name a font, e.g. \"DejaVu Sans Bold 10\"");
		}
	}

	const Variant focused = read_variant(r, root, "focused", false);
	const Variant unfocused = read_variant(r, root, "unfocused", true);

	theme.dom0 = make_style(r.colour(required(root, "dom0", "dom0"), "dom0"), focused, unfocused);

	const toml::table &labels = r.table(required(root, "labels", "labels"), "labels");
	r.only_keys(labels, "labels", {"red", "orange", "yellow", "green", "gray", "blue", "purple", "black"});
	for (const char *name : label_names) {
		const toml::node *n = labels.get(name);
		if (!n)
			r.fail(labels, join("labels", name), "missing; a theme must define all eight labels");
		theme.labels[name] = make_style(r.colour(*n, join("labels", name)), focused, unfocused);
	}
	return theme;
}

std::vector<std::filesystem::path> theme_search_path(const std::string &name_or_path,
	const std::filesystem::path &config_dir)
{
	namespace fs = std::filesystem;
	std::vector<fs::path> candidates;
	auto add = [&](const fs::path &p) {
		const fs::path normal = p.lexically_normal();
		if (std::find(candidates.begin(), candidates.end(), normal) == candidates.end())
			candidates.push_back(normal);
	};
	if (name_or_path.empty())
		return candidates;
	const bool is_path = name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".toml");
	if (is_path) {
		fs::path p(name_or_path);
		add(p.is_relative() && !config_dir.empty() ? config_dir / p : p);
		return candidates;
	}
	const std::string file = name_or_path + ".toml";
	if (!config_dir.empty())
		add(config_dir / "themes" / file);
	add(default_config_path().parent_path() / "themes" / file);
	const char *data_dirs = std::getenv("XDG_DATA_DIRS");
	std::string dirs = data_dirs && *data_dirs ? data_dirs : "/usr/local/share:/usr/share";
	std::stringstream ss(dirs);
	for (std::string dir; std::getline(ss, dir, ':');)
		if (!dir.empty() && dir[0] == '/') // relative entries are invalid (XDG)
			add(fs::path(dir) / "bulkhead" / "themes" / file);
	add(fs::path(BULKHEAD_DATADIR) / "themes" / file);
	add(fs::path(BULKHEAD_SOURCE_THEMES) / file);
	return candidates;
}

Theme load_theme(const std::string &name_or_path, const std::filesystem::path &config_dir)
{
	if (name_or_path.empty())
		throw ConfigError({}, 0, "theme", "must name a theme (e.g. \"default\") or a theme file");
	const auto candidates = theme_search_path(name_or_path, config_dir);
	for (const auto &candidate : candidates)
		if (auto text = read_theme_file(candidate))
			return parse_theme(*text, candidate);
	std::string looked;
	for (const auto &c : candidates)
		looked += "\n  " + c.string();
	throw ConfigError({}, 0, "theme", "theme '" + name_or_path + "' not found; looked in:" + looked);
}

} // namespace bulkhead
