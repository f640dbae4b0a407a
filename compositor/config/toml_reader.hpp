#pragma once
// Strict reading of TOML tables: every value is type-checked, unknown keys are
// errors, and each error names the file, the line and the key path.
#include "config/config.hpp"

#include <toml++/toml.h>

#include <initializer_list>
#include <string>
#include <string_view>

namespace bulkhead::toml_reader {

class Reader {
public:
	explicit Reader(std::filesystem::path file) : file_(std::move(file)) {}

	[[noreturn]] void fail(const toml::node &node, const std::string &key, const std::string &what) const;
	[[noreturn]] void fail_line(int line, const std::string &key, const std::string &what) const;

	// Every key of `table` must be in `allowed`.
	void only_keys(const toml::table &table, const std::string &prefix,
		std::initializer_list<std::string_view> allowed) const;

	std::string string(const toml::node &node, const std::string &key) const;
	int64_t integer(const toml::node &node, const std::string &key, int64_t min, int64_t max) const;
	double number(const toml::node &node, const std::string &key, double min, double max) const;
	bool boolean(const toml::node &node, const std::string &key) const;
	Colour colour(const toml::node &node, const std::string &key) const;
	const toml::table &table(const toml::node &node, const std::string &key) const;
	std::vector<std::string> strings(const toml::node &node, const std::string &key) const;

	const std::filesystem::path &file() const { return file_; }

private:
	std::filesystem::path file_;
};

// Parses text, turning TOML syntax errors into ConfigError.
toml::table parse(const std::string &text, const std::filesystem::path &file);

std::string join(const std::string &prefix, std::string_view key);

} // namespace bulkhead::toml_reader
