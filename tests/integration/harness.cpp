#include "harness.hpp"

#include <catch2/catch.hpp>
#include <png.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace harness {
namespace {

std::string read_all(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	std::ostringstream s;
	s << in.rdbuf();
	return s.str();
}

int decode_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

// fork + exec in a new process group with extra environment and stdout/stderr
// sent to `output` (a path, or empty to inherit).
pid_t start(const std::vector<std::string> &argv, const Env &env, const std::string &stdout_path,
	const std::string &stderr_path)
{
	std::vector<char *> args;
	for (const auto &a : argv)
		args.push_back(const_cast<char *>(a.c_str()));
	args.push_back(nullptr);
	const pid_t pid = fork();
	if (pid != 0)
		return pid;
	setpgid(0, 0);
	for (const auto &[k, v] : env)
		setenv(k.c_str(), v.c_str(), 1);
	if (!stdout_path.empty()) {
		const int fd = open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(fd, 1);
		close(fd);
	}
	if (!stderr_path.empty()) {
		const int fd = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(fd, 2);
		close(fd);
	}
	const int devnull = open("/dev/null", O_RDONLY);
	dup2(devnull, 0);
	close(devnull);
	execvp(args[0], args.data());
	std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
	_exit(127);
}

std::optional<int> wait_pid(pid_t pid, std::chrono::milliseconds timeout)
{
	int status = 0;
	std::optional<int> result;
	wait_until([&] {
		const pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			result = decode_status(status);
		return r != 0;
	}, timeout);
	return result;
}

// Reaps pid if it has exited, keeping its status.
bool still_running(pid_t pid, std::optional<int> &status)
{
	if (status)
		return false;
	int raw = 0;
	if (waitpid(pid, &raw, WNOHANG) != pid)
		return true;
	status = decode_status(raw);
	return false;
}

// SIGTERM the group, SIGKILL after a grace period, and reap.
void stop_group(pid_t pid)
{
	kill(-pid, SIGTERM);
	if (!wait_pid(pid, 3s)) {
		kill(-pid, SIGKILL);
		waitpid(pid, nullptr, 0);
	}
	kill(-pid, SIGKILL); // anything left in the group
}

} // namespace

std::string env_or(const char *name, const std::string &fallback)
{
	const char *v = std::getenv(name);
	return v && *v ? v : fallback;
}

Rgba Rgba::hex(const std::string &text)
{
	REQUIRE(text.size() == 7);
	const auto byte = [&](int i) { return static_cast<uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)); };
	return {byte(1), byte(3), byte(5), 255};
}

bool Rgba::near(const Rgba &o, int t) const
{
	return std::abs(r - o.r) <= t && std::abs(g - o.g) <= t && std::abs(b - o.b) <= t;
}

std::string Rgba::str() const
{
	char buf[8];
	std::snprintf(buf, sizeof buf, "#%02x%02x%02x", r, g, b);
	return buf;
}

Image Image::load_png(const std::string &path)
{
	png_image png{};
	png.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&png, path.c_str()))
		return {};
	png.format = PNG_FORMAT_RGBA;
	Image img(static_cast<int>(png.width), static_cast<int>(png.height));
	if (!png_image_finish_read(&png, nullptr, img.pixels_.data(), 0, nullptr))
		return {};
	return img;
}

void Image::save_png(const std::string &path) const
{
	png_image png{};
	png.version = PNG_IMAGE_VERSION;
	png.width = static_cast<png_uint_32>(width_);
	png.height = static_cast<png_uint_32>(height_);
	png.format = PNG_FORMAT_RGBA;
	if (!png_image_write_to_file(&png, path.c_str(), 0, pixels_.data(), 0, nullptr))
		FAIL("cannot write " << path);
}

Image Image::crop(const Rect &r) const
{
	Image out(r.width, r.height);
	for (int y = 0; y < r.height; ++y)
		for (int x = 0; x < r.width; ++x) {
			const int sx = r.x + x, sy = r.y + y;
			if (sx >= 0 && sy >= 0 && sx < width_ && sy < height_)
				out.at(x, y) = at(sx, sy);
		}
	return out;
}

int Image::count_not(const Rect &r, const Rgba &colour, int tolerance) const
{
	int bad = 0;
	for (int y = r.y; y < r.y + r.height; ++y)
		for (int x = r.x; x < r.x + r.width; ++x)
			if (x < 0 || y < 0 || x >= width_ || y >= height_ || !at(x, y).near(colour, tolerance))
				++bad;
	return bad;
}

double Image::fraction(const Rect &r, const Rgba &colour, int tolerance) const
{
	const int total = r.width * r.height;
	return total <= 0 ? 0.0 : 1.0 - static_cast<double>(count_not(r, colour, tolerance)) / total;
}

int count_different(const Image &a, const Image &b, const Rect &r, int tolerance)
{
	int n = 0;
	for (int y = std::max(0, r.y); y < std::min({r.y + r.height, a.height(), b.height()}); ++y)
		for (int x = std::max(0, r.x); x < std::min({r.x + r.width, a.width(), b.width()}); ++x)
			n += !a.at(x, y).near(b.at(x, y), tolerance);
	return n;
}

std::optional<std::string> compare(const Image &full, const std::string &reference_path, const Rect &region,
	int tolerance, int max_bad)
{
	const Image actual = full.crop(region);
	if (env_or("BULKHEAD_UPDATE_REFERENCES", "") == "1") {
		actual.save_png(reference_path);
		return std::nullopt;
	}
	std::string name = std::filesystem::path(reference_path).filename().string();
	if (name.size() > 4 && name.substr(name.size() - 4) == ".png")
		name.resize(name.size() - 4);
	const std::string out = env_or("BULKHEAD_TEST_OUTPUT", ".");
	const std::string actual_path = out + "/" + name + "-actual.png", diff_path = out + "/" + name + "-diff.png";
	const Image reference = Image::load_png(reference_path);
	if (reference.empty()) {
		actual.save_png(actual_path);
		return "no reference image " + reference_path + " (actual written to " + actual_path +
			"; create it with BULKHEAD_UPDATE_REFERENCES=1 and look at it)";
	}
	if (reference.width() != actual.width() || reference.height() != actual.height()) {
		actual.save_png(actual_path);
		return "size " + std::to_string(actual.width()) + "x" + std::to_string(actual.height()) +
			" differs from the reference's " + std::to_string(reference.width()) + "x" +
			std::to_string(reference.height()) + " (" + reference_path + "); actual written to " + actual_path;
	}
	Image diff(actual.width(), actual.height());
	int bad = 0;
	for (int y = 0; y < actual.height(); ++y)
		for (int x = 0; x < actual.width(); ++x) {
			const bool same = actual.at(x, y).near(reference.at(x, y), tolerance);
			bad += !same;
			// Differences in red over a faded copy of the reference.
			const Rgba &p = reference.at(x, y);
			diff.at(x, y) = same ? Rgba{static_cast<uint8_t>(p.r / 4), static_cast<uint8_t>(p.g / 4),
						       static_cast<uint8_t>(p.b / 4), 255}
					     : Rgba{255, 0, 0, 255};
		}
	if (bad <= max_bad)
		return std::nullopt;
	actual.save_png(actual_path);
	diff.save_png(diff_path);
	return std::to_string(bad) + " pixels differ from " + reference_path + " by more than " +
		std::to_string(tolerance) + " per channel (at most " + std::to_string(max_bad) + " may); see " +
		actual_path + " and " + diff_path;
}

std::optional<std::string> compare_reference(const Image &actual, const std::string &name, int tolerance, int max_bad)
{
	return compare(actual, env_or("BULKHEAD_REFERENCE_DIR", "tests/reference") + "/" + name + ".png",
		{0, 0, actual.width(), actual.height()}, tolerance, max_bad);
}

RunResult run(const std::vector<std::string> &argv, const Env &env, std::chrono::milliseconds timeout)
{
	char path[] = "/tmp/bulkhead-run-XXXXXX";
	const int fd = mkstemp(path);
	close(fd);
	const pid_t pid = start(argv, env, path, path);
	RunResult result;
	auto status = wait_pid(pid, timeout);
	if (!status) {
		kill(-pid, SIGKILL);
		waitpid(pid, nullptr, 0);
		result.status = -1;
	} else {
		result.status = *status;
	}
	result.output = read_all(path);
	unlink(path);
	return result;
}

Client::Client(const Compositor &compositor, const std::vector<std::string> &argv, const Env &env)
{
	Env all = compositor.client_env();
	all.insert(all.end(), env.begin(), env.end());
	pid_ = start(argv, all, compositor.runtime_dir() + "/client.log", compositor.runtime_dir() + "/client.log");
}

Client::~Client()
{
	if (!status_)
		stop_group(pid_);
}

bool Client::running()
{
	return still_running(pid_, status_);
}

std::optional<int> Client::wait_exit(std::chrono::milliseconds timeout)
{
	if (!status_)
		status_ = wait_pid(pid_, timeout);
	return status_;
}

Compositor::Compositor(const std::string &config_toml, bool wait_ready, const Env &env)
{
	char dir[] = "/tmp/bulkhead-test-XXXXXX";
	REQUIRE(mkdtemp(dir));
	runtime_dir_ = dir;
	chmod(dir, 0700);
	config_path_ = runtime_dir_ + "/config.toml";
	std::ofstream(config_path_) << config_toml;

	Env all = {{"XDG_RUNTIME_DIR", runtime_dir_}, {"WLR_BACKENDS", "headless"}, {"WLR_RENDERER", "pixman"},
		{"WLR_LIBINPUT_NO_DEVICES", "1"}, {"LC_ALL", "C.UTF-8"}, {"XDG_CONFIG_HOME", runtime_dir_ + "/xdg"}};
	all.insert(all.end(), env.begin(), env.end());
	unsetenv("WAYLAND_DISPLAY");
	unsetenv("DISPLAY");
	pid_ = start({env_or("BULKHEAD_BIN", "bulkhead"), "--config", config_path_, "--socket", socket_}, all,
		runtime_dir_ + "/stdout", runtime_dir_ + "/bulkhead.log");
	if (!wait_ready)
		return;
	const bool ready = wait_until([&] {
		return stdout_text().find("WAYLAND_DISPLAY=" + socket_ + "\n") != std::string::npos || !running();
	}, 15s);
	if (!ready || !running()) {
		// FAIL throws out of the constructor, so the destructor will not run:
		// clean up here, keeping the log for the message.
		const std::string log = log_text();
		const bool exited = !running();
		if (!status_)
			stop_group(pid_);
		std::error_code ec;
		std::filesystem::remove_all(runtime_dir_, ec);
		if (exited)
			FAIL("the compositor exited (status " << status_.value_or(-1) << ") before it was ready; its stderr:\n"
							      << log);
		FAIL("the compositor printed no WAYLAND_DISPLAY line within 15 s; its stderr:\n" << log);
	}
}

Compositor::~Compositor()
{
	if (!status_)
		stop_group(pid_);
	// Domain processes run in sessions of their own; they end when their
	// connections close, so give them a moment before the directory goes.
	std::error_code ec;
	std::filesystem::remove_all(runtime_dir_, ec);
}

Env Compositor::client_env() const
{
	return {{"XDG_RUNTIME_DIR", runtime_dir_}, {"WAYLAND_DISPLAY", socket_}, {"LC_ALL", "C.UTF-8"}};
}

std::string Compositor::log_text() const
{
	return read_all(runtime_dir_ + "/bulkhead.log");
}

std::string Compositor::stdout_text() const
{
	return read_all(runtime_dir_ + "/stdout");
}

std::optional<std::vector<std::string>> Compositor::wait_for_log(const std::string &regex,
	std::chrono::milliseconds timeout, std::size_t from) const
{
	const std::regex re(regex);
	std::optional<std::vector<std::string>> found;
	wait_until([&] {
		const std::string text = log_text();
		if (from > text.size())
			return false;
		std::smatch m;
		if (!std::regex_search(text.cbegin() + static_cast<std::ptrdiff_t>(from), text.cend(), m, re))
			return false;
		found.emplace(m.begin(), m.end());
		return true;
	}, timeout);
	return found;
}

std::optional<int> Compositor::wait_exit(std::chrono::milliseconds timeout)
{
	if (!status_)
		status_ = wait_pid(pid_, timeout);
	return status_;
}

bool Compositor::running()
{
	return still_running(pid_, status_);
}

Image Compositor::screenshot() const
{
	const std::string path = runtime_dir_ + "/screenshot.png";
	unlink(path.c_str());
	const RunResult r = run({"grim", "-t", "png", path}, client_env());
	if (r.status != 0)
		FAIL("grim failed (" << r.status << "): " << r.output);
	Image img = Image::load_png(path);
	REQUIRE_FALSE(img.empty());
	return img;
}

void Compositor::inject(const std::vector<std::string> &args) const
{
	std::vector<std::string> argv{env_or("BULKHEAD_INJECT", "bulkhead-inject")};
	argv.insert(argv.end(), args.begin(), args.end());
	const RunResult r = run(argv, client_env());
	if (r.status != 0)
		FAIL("bulkhead-inject failed (" << r.status << "): " << r.output);
}

std::optional<WindowInfo> wait_for_window(const Compositor &c, const std::string &title,
	std::chrono::milliseconds timeout)
{
	std::string escaped;
	for (char ch : title) {
		if (std::strchr("\\^$.|?*+()[]{}", ch))
			escaped += '\\';
		escaped += ch;
	}
	auto m = c.wait_for_log("view map id=(\\d+) domain=(\\S+) title=\"" + escaped +
			"\" outer=(-?\\d+),(-?\\d+),(\\d+),(\\d+) content=(-?\\d+),(-?\\d+),(\\d+),(\\d+)",
		timeout);
	if (!m)
		return std::nullopt;
	WindowInfo w;
	const auto &g = *m;
	w.id = std::stoi(g[1]);
	w.domain = g[2];
	w.title = title;
	w.outer = {std::stoi(g[3]), std::stoi(g[4]), std::stoi(g[5]), std::stoi(g[6])};
	w.content = {std::stoi(g[7]), std::stoi(g[8]), std::stoi(g[9]), std::stoi(g[10])};
	return w;
}

} // namespace harness
