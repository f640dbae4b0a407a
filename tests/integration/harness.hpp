#pragma once
// Integration test harness: the real compositor, headless, in a private
// XDG_RUNTIME_DIR; real clients; screenshots through wlr-screencopy (grim);
// pixel comparison against reference PNGs with a tolerance, Weston-style, with
// the actual and a diff image written on failure.
#include <chrono>
#include <ctime>
#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace harness {

using namespace std::chrono_literals;
using Env = std::vector<std::pair<std::string, std::string>>;

struct Rect {
	int x = 0, y = 0, width = 0, height = 0;
};

struct Rgba {
	uint8_t r = 0, g = 0, b = 0, a = 255;
	static Rgba hex(const std::string &text); // "#rrggbb"
	bool near(const Rgba &o, int tolerance) const;
	std::string str() const;
};

class Image {
public:
	Image() = default;
	Image(int width, int height) : width_(width), height_(height), pixels_(static_cast<std::size_t>(width) * height) {}
	static Image load_png(const std::string &path);
	void save_png(const std::string &path) const;

	int width() const { return width_; }
	int height() const { return height_; }
	bool empty() const { return pixels_.empty(); }
	Rgba &at(int x, int y) { return pixels_[static_cast<std::size_t>(y) * width_ + x]; }
	const Rgba &at(int x, int y) const { return pixels_[static_cast<std::size_t>(y) * width_ + x]; }
	Rgba pixel(int x, int y) const { return at(x, y); }
	Image crop(const Rect &r) const;

	// Fraction (0..1) of the pixels in r within tolerance of colour.
	double fraction(const Rect &r, const Rgba &colour, int tolerance) const;
	// How many pixels in r are NOT within tolerance of colour.
	int count_not(const Rect &r, const Rgba &colour, int tolerance) const;

private:
	int width_ = 0, height_ = 0;
	std::vector<Rgba> pixels_;
};

// Pixels in r that differ by more than tolerance between two images of one size.
int count_different(const Image &a, const Image &b, const Rect &r, int tolerance);

// Compares `actual` with tests/reference/<name>.png: a pixel matches when each
// channel is within `tolerance`; at most `max_bad` pixels may differ. On
// failure writes <name>-actual.png and <name>-diff.png to $BULKHEAD_TEST_OUTPUT
// and returns a message naming them; on success returns nullopt. With
// BULKHEAD_UPDATE_REFERENCES=1 it (re)writes the reference instead.
std::optional<std::string> compare_reference(const Image &actual, const std::string &name, int tolerance, int max_bad);
// The same with an explicit reference path and the region of `actual` to
// compare (the reference has the region's size); the output files are named
// after the reference's file name without ".png".
std::optional<std::string> compare(const Image &actual, const std::string &reference_png_path, const Rect &region,
	int tolerance, int max_bad);

// Fraction (0..1) of the pixels in rect within tolerance of colour.
inline double expect_rect_colour(const Image &img, const Rect &rect, const Rgba &colour, int tolerance)
{
	return img.fraction(rect, colour, tolerance);
}
// How many pixels in rect are not within tolerance of colour (e.g. title text).
inline int count_pixels_not(const Image &img, const Rect &rect, const Rgba &colour, int tolerance)
{
	return img.count_not(rect, colour, tolerance);
}

struct RunResult {
	int status = -1; // exit status, or 128 + signal
	std::string output; // stdout and stderr
};

// Runs a program to completion (killed after timeout).
RunResult run(const std::vector<std::string> &argv, const Env &env = {}, std::chrono::milliseconds timeout = 20s);

class Compositor;

class Client {
public:
	Client(const Compositor &compositor, const std::vector<std::string> &argv, const Env &env = {});
	~Client();
	Client(const Client &) = delete;
	Client &operator=(const Client &) = delete;

	pid_t pid() const { return pid_; }
	bool running();
	// Exit status, or nullopt when it did not exit in time.
	std::optional<int> wait_exit(std::chrono::milliseconds timeout);

private:
	pid_t pid_ = -1;
	std::optional<int> status_;
};

class Compositor {
public:
	// Starts `bulkhead --config <config_toml written to a file> --socket NAME`.
	// With wait_ready, waits for the WAYLAND_DISPLAY line (failing the test with the log if it never comes).
	explicit Compositor(const std::string &config_toml, bool wait_ready = true, const Env &env = {});
	~Compositor();
	Compositor(const Compositor &) = delete;
	Compositor &operator=(const Compositor &) = delete;

	const std::string &runtime_dir() const { return runtime_dir_; }
	const std::string &socket() const { return socket_; }
	const std::string &config_path() const { return config_path_; }
	Env client_env() const;

	std::string log_text() const;
	std::string stdout_text() const;
	// Waits until the log matches (searching after `from`, a log offset);
	// returns the match and its groups.
	std::optional<std::vector<std::string>> wait_for_log(const std::string &regex, std::chrono::milliseconds timeout = 10s,
		std::size_t from = 0) const;
	std::size_t log_size() const { return log_text().size(); }
	std::optional<int> wait_exit(std::chrono::milliseconds timeout);
	bool running();

	Image screenshot() const;
	// Runs bulkhead-inject with these arguments; fails the test when it fails.
	void inject(const std::vector<std::string> &args) const;

private:
	std::string runtime_dir_;
	std::string socket_ = "wayland-bulkhead-test";
	std::string config_path_;
	pid_t pid_ = -1;
	std::optional<int> status_;
};

// Polls `pred` until it is true or the timeout passes.
template <typename Pred>
bool wait_until(Pred pred, std::chrono::milliseconds timeout = 10s)
{
	const auto end = std::chrono::steady_clock::now() + timeout;
	while (true) {
		if (pred())
			return true;
		if (std::chrono::steady_clock::now() > end)
			return false;
		struct timespec ts{0, 50 * 1000 * 1000};
		nanosleep(&ts, nullptr);
	}
}

std::string env_or(const char *name, const std::string &fallback);

// A window as the compositor logged it on map.
struct WindowInfo {
	int id = 0;
	std::string domain, title;
	Rect outer, content;
};
std::optional<WindowInfo> wait_for_window(const Compositor &c, const std::string &title,
	std::chrono::milliseconds timeout = 15s);

} // namespace harness
