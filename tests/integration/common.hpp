#pragma once
// Helpers shared by the integration tests: the theme the compositor uses, the
// usual config, frame checks.
#include "config/config.hpp"
#include "harness.hpp"

#include <optional>
#include <sys/types.h>
#include <string>
#include <vector>

namespace harness {

std::string themes_dir();
// One 1280x720 output, the source tree's default theme, plus `extra` lines;
// no libvirt unless a URI is given.
std::string base_config(const std::string &extra = "", const std::string &libvirt_uri = "");
const bulkhead::Theme &theme();
Rgba rgba(const bulkhead::Colour &c);
// A foot command with a fixed title that keeps running.
std::vector<std::string> foot(const std::string &title);
std::vector<Rect> border_strips(const Rect &outer, int b);
// Border strips in the border colour, a title bar in the title colour with text in it.
void check_frame(const Image &shot, const WindowInfo &w, const bulkhead::FrameColours &colours);
Rect title_crop(const WindowInfo &w, int width);
// Waits for a window to map and take focus (as the only or the first window does).
std::optional<WindowInfo> focused_window(const Compositor &c, const std::string &title);
std::string point(int v);
// Where tests write what they leave behind ($BULKHEAD_TEST_OUTPUT, else /tmp).
std::string output_dir();
// A whole file, empty when it cannot be read.
std::string read_file(const std::string &path);
// Clicks a window's content near its bottom left corner (new windows cascade
// down and right, so no later one covers it) and waits until it has focus.
void focus(const Compositor &c, const WindowInfo &w);
// A label of the default theme (fails the test when it has none of that name).
const bulkhead::LabelStyle &label(const char *name);
// The pid in the first log line matching "PATTERN (pid N)".
pid_t pid_of(const Compositor &c, const std::string &pattern);
// The notice's place on the 1280x720 output (desktop/notice.hpp).
inline const Rect notice_rect{(1280 - 560) / 2, 48, 560, 40};

} // namespace harness
