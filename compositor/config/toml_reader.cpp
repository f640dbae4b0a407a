#include "config/toml_reader.hpp"

#include <cctype>
#include <cmath>

namespace bulkhead::toml_reader {

std::string join(const std::string &prefix, std::string_view key)
{
	// Keys that are not bare TOML keys (bindings like "Super+Return") are quoted.
	bool bare = !key.empty();
	for (char c : key)
		if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
			bare = false;
	const std::string k = bare ? std::string(key) : "\"" + std::string(key) + "\"";
	return prefix.empty() ? k : prefix + "." + k;
}

void Reader::fail(const toml::node &node, const std::string &key, const std::string &what) const
{
	fail_line(static_cast<int>(node.source().begin.line), key, what);
}

void Reader::fail_line(int line, const std::string &key, const std::string &what) const
{
	throw ConfigError(file_, line, key, what);
}

void Reader::only_keys(const toml::table &table, const std::string &prefix,
	std::initializer_list<std::string_view> allowed) const
{
	for (auto &&[key, value] : table) {
		bool known = false;
		for (std::string_view a : allowed)
			known = known || key.str() == a;
		if (known)
			continue;
		std::string list;
		for (std::string_view a : allowed)
			list += (list.empty() ? "" : ", ") + std::string(a);
		fail_line(static_cast<int>(key.source().begin.line), join(prefix, key.str()),
			"unknown key (known keys here: " + list + ")");
	}
}

std::string Reader::string(const toml::node &node, const std::string &key) const
{
	if (const auto *s = node.as_string())
		return s->get();
	fail(node, key, "must be a string");
}

int64_t Reader::integer(const toml::node &node, const std::string &key, int64_t min, int64_t max) const
{
	const auto *i = node.as_integer();
	if (!i)
		fail(node, key, "must be an integer");
	if (i->get() < min || i->get() > max)
		fail(node, key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
			", not " + std::to_string(i->get()));
	return i->get();
}

double Reader::number(const toml::node &node, const std::string &key, double min, double max) const
{
	double v;
	if (const auto *f = node.as_floating_point())
		v = f->get();
	else if (const auto *i = node.as_integer())
		v = static_cast<double>(i->get());
	else
		fail(node, key, "must be a number");
	if (!std::isfinite(v) || v < min || v > max)
		fail(node, key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
	return v;
}

bool Reader::boolean(const toml::node &node, const std::string &key) const
{
	if (const auto *b = node.as_boolean())
		return b->get();
	fail(node, key, "must be true or false");
}

Colour Reader::colour(const toml::node &node, const std::string &key) const
{
	const std::string text = string(node, key);
	if (auto c = Colour::parse(text))
		return *c;
	fail(node, key, "'" + text + "' is not a colour (write #rrggbb or #rrggbbaa)");
}

const toml::table &Reader::table(const toml::node &node, const std::string &key) const
{
	if (const auto *t = node.as_table())
		return *t;
	fail(node, key, "must be a table");
}

std::vector<std::string> Reader::strings(const toml::node &node, const std::string &key) const
{
	const auto *array = node.as_array();
	if (!array)
		fail(node, key, "must be an array of strings");
	std::vector<std::string> out;
	for (std::size_t i = 0; i < array->size(); ++i)
		out.push_back(string(*array->get(i), key + "[" + std::to_string(i + 1) + "]"));
	return out;
}

toml::table parse(const std::string &text, const std::filesystem::path &file)
{
	try {
		return toml::parse(text, file.string());
	} catch (const toml::parse_error &e) {
		throw ConfigError(file, static_cast<int>(e.source().begin.line), "",
			"not valid TOML: " + std::string(e.description()));
	}
}

} // namespace bulkhead::toml_reader
