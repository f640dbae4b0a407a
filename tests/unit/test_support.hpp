#pragma once
// Helpers shared by the config and theme unit tests: where the test data is,
// the expectations written into bad sample files, temporary directories and
// environment variables restored after a test.
#include "config/colour.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace Catch {
template <> struct StringMaker<bulkhead::Colour> {
	static std::string convert(const bulkhead::Colour &c) { return c.to_string(); }
};
} // namespace Catch

namespace bulkhead::test {

inline std::filesystem::path env_dir(const char *name)
{
	const char *dir = std::getenv(name);
	INFO(name << " must be set (meson test sets it)");
	REQUIRE(dir);
	return dir;
}

// tests/data and themes/ in the source tree.
inline std::filesystem::path data_dir() { return env_dir("BULKHEAD_TEST_DATA"); }
inline std::filesystem::path themes_dir() { return env_dir("BULKHEAD_THEMES"); }

inline std::string read_text(const std::filesystem::path &path)
{
	std::ifstream in(path, std::ios::binary);
	INFO("reading " << path);
	REQUIRE(in);
	std::ostringstream s;
	s << in.rdbuf();
	return s.str();
}

inline void write_text(const std::filesystem::path &path, const std::string &text)
{
	std::filesystem::create_directories(path.parent_path());
	std::ofstream out(path, std::ios::binary);
	out << text;
	REQUIRE(out);
}

// The *.toml files in a directory, sorted.
inline std::vector<std::filesystem::path> toml_files(const std::filesystem::path &dir)
{
	std::vector<std::filesystem::path> files;
	for (const auto &entry : std::filesystem::directory_iterator(dir))
		if (entry.is_regular_file() && entry.path().extension() == ".toml")
			files.push_back(entry.path());
	std::sort(files.begin(), files.end());
	return files;
}

// A bad sample file's first line: "# expect: MESSAGE", where FILE stands for the
// file's own path and a trailing "..." makes MESSAGE a prefix.
class Expectation : public Catch::MatcherBase<std::string> {
public:
	explicit Expectation(std::string message, bool prefix) : message_(std::move(message)), prefix_(prefix) {}
	bool match(const std::string &actual) const override
	{
		return prefix_ ? actual.rfind(message_, 0) == 0 : actual == message_;
	}
	std::string describe() const override
	{
		return (prefix_ ? "starts with \"" : "equals \"") + message_ + "\"";
	}
	const Expectation &matcher() const { return *this; }

private:
	std::string message_;
	bool prefix_;
};

inline Expectation expectation_of(const std::filesystem::path &file)
{
	const std::string text = read_text(file);
	const std::string marker = "# expect: ";
	INFO(file << " must start with '" << marker << "'");
	REQUIRE(text.rfind(marker, 0) == 0);
	std::string message = text.substr(marker.size(), text.find('\n') - marker.size());
	const bool prefix = message.size() > 3 && message.ends_with("...");
	if (prefix)
		message.resize(message.size() - 3);
	for (std::size_t pos; (pos = message.find("FILE")) != std::string::npos;)
		message.replace(pos, 4, file.string());
	return Expectation(message, prefix);
}

// A fresh directory, removed with everything in it at the end of the scope.
class TempDir {
public:
	TempDir()
	{
		std::string pattern = (std::filesystem::temp_directory_path() / "bulkhead-unit-XXXXXX").string();
		REQUIRE(mkdtemp(pattern.data()));
		path_ = pattern;
	}
	~TempDir()
	{
		std::error_code ec;
		std::filesystem::remove_all(path_, ec);
	}
	TempDir(const TempDir &) = delete;
	TempDir &operator=(const TempDir &) = delete;
	const std::filesystem::path &path() const { return path_; }

private:
	std::filesystem::path path_;
};

// Sets environment variables for one test and restores them afterwards.
class EnvGuard {
public:
	EnvGuard() = default;
	EnvGuard(const EnvGuard &) = delete;
	EnvGuard &operator=(const EnvGuard &) = delete;
	~EnvGuard()
	{
		for (const auto &[name, value] : saved_) {
			if (value)
				setenv(name.c_str(), value->c_str(), 1);
			else
				unsetenv(name.c_str());
		}
	}
	void set(const std::string &name, const std::string &value)
	{
		save(name);
		setenv(name.c_str(), value.c_str(), 1);
	}
	void unset(const std::string &name)
	{
		save(name);
		unsetenv(name.c_str());
	}

private:
	void save(const std::string &name)
	{
		if (saved_.count(name))
			return;
		const char *v = std::getenv(name.c_str());
		saved_[name] = v ? std::optional<std::string>(v) : std::nullopt;
	}
	std::map<std::string, std::optional<std::string>> saved_;
};

} // namespace bulkhead::test
