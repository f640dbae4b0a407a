#include <fstream>
#include <sstream>
#include "common.hpp"

#include <catch2/catch.hpp>

#include <cctype>

namespace harness {

std::string themes_dir()
{
	return env_or("BULKHEAD_THEMES", "themes");
}

std::string base_config(const std::string &extra, const std::string &libvirt_uri)
{
	return "theme = \"" + themes_dir() + "/default.toml\"\nlibvirt_uri = \"" + libvirt_uri + "\"\n" + extra +
		"\n[[output]]\nname = \"HEADLESS-1\"\nmode = \"1280x720\"\n";
}

const bulkhead::Theme &theme()
{
	static const bulkhead::Theme t = bulkhead::load_theme(themes_dir() + "/default.toml", "");
	return t;
}

Rgba rgba(const bulkhead::Colour &c)
{
	return Rgba::hex(c.to_string());
}

std::vector<std::string> foot(const std::string &title)
{
	return {"foot", "--config=/dev/null", "--app-id=test", "--title=" + title, "sh", "-c", "sleep 600"};
}

// The four border strips of a frame.
std::vector<Rect> border_strips(const Rect &outer, int b)
{
	return {{outer.x, outer.y, outer.width, b}, {outer.x, outer.y + outer.height - b, outer.width, b},
		{outer.x, outer.y, b, outer.height}, {outer.x + outer.width - b, outer.y, b, outer.height}};
}

void check_frame(const Image &shot, const WindowInfo &w, const bulkhead::FrameColours &colours)
{
	const int b = theme().border_width;
	for (const Rect &strip : border_strips(w.outer, b))
		CHECK(shot.fraction(strip, rgba(colours.border), 2) > 0.99);
	const Rect title{w.content.x, w.content.y - theme().title_height, w.content.width, theme().title_height};
	// Mostly background, with text in it.
	CHECK(shot.fraction(title, rgba(colours.title_background), 2) > 0.7);
	CHECK(shot.count_not(title, rgba(colours.title_background), 2) > 100);
}

Rect title_crop(const WindowInfo &w, int width)
{
	return {w.content.x, w.content.y - theme().title_height, width, theme().title_height};
}

// Waits for a window to map and take focus (as the only or the first window does).
std::optional<WindowInfo> focused_window(const Compositor &c, const std::string &title)
{
	auto w = wait_for_window(c, title);
	REQUIRE(w);
	REQUIRE(c.wait_for_log("view focus id=" + std::to_string(w->id)));
	return w;
}

std::string point(int v)
{
	return std::to_string(v);
}

void focus(const Compositor &c, const WindowInfo &w)
{
	// Bottom left: new windows cascade down and right, so no later one covers it.
	c.inject({"click", point(w.content.x + 8), point(w.content.y + w.content.height - 8)});
	c.inject({"move", "1270", "710"});
	const std::string wanted = "view focus id=" + std::to_string(w.id);
	REQUIRE(wait_until([&] {
		const std::string log = c.log_text();
		const auto last = log.rfind("view focus id=");
		return last != std::string::npos && log.compare(last, wanted.size(), wanted) == 0 &&
			!std::isdigit(static_cast<unsigned char>(log[last + wanted.size()]));
	}));
}

const bulkhead::LabelStyle &label(const char *name)
{
	const bulkhead::LabelStyle *s = theme().label(name);
	REQUIRE(s);
	return *s;
}

pid_t pid_of(const Compositor &c, const std::string &pattern)
{
	auto m = c.wait_for_log(pattern + " \\(pid (\\d+)\\)");
	REQUIRE(m);
	return std::stoi((*m)[1]);
}


std::string output_dir()
{
	return env_or("BULKHEAD_TEST_OUTPUT", "/tmp");
}

std::string read_file(const std::string &path)
{
	std::ifstream in(path);
	std::ostringstream s;
	s << in.rdbuf();
	return s.str();
}

} // namespace harness
