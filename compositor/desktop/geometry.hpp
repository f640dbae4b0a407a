#pragma once
// Pure geometry of frames, interactive moves/resizes and placement, kept free of
// wlroots so it can be unit tested.
#include <cstdint>
#include <vector>

namespace bulkhead {

struct Point {
	int x = 0, y = 0;
	bool operator==(const Point &) const = default;
};

struct Rect {
	int x = 0, y = 0, width = 0, height = 0;
	bool empty() const { return width <= 0 || height <= 0; }
	bool contains(Point p) const;
	Rect intersection(const Rect &other) const; // empty Rect{} when disjoint
	bool operator==(const Rect &) const = default;
};

// a minus b: up to four disjoint rectangles (none when b covers a). The frame
// of a window is subtract(outer, content).
std::vector<Rect> subtract(const Rect &a, const Rect &b);

// Edges as in xdg_toplevel.resize_edge: bit mask of these.
enum Edge : uint32_t { EdgeNone = 0, EdgeTop = 1, EdgeBottom = 2, EdgeLeft = 4, EdgeRight = 8 };

// The decorations around a content rectangle: a title bar above the content and a
// border of equal width on all four sides of (title + content).
struct FrameMetrics {
	int border = 4;
	int title = 24;

	Rect outer(const Rect &content) const;         // whole frame incl. border
	Rect title_bar(const Rect &content) const;      // the title strip (inside the border)
	Point content_origin(Point outer_origin) const; // content position for a frame at outer_origin
};

struct SizeLimits {
	int min_width = 1, min_height = 1;
	int max_width = 0, max_height = 0; // 0 = unlimited
};

// The content rectangle while resizing from `start` by a pointer delta (dx, dy)
// on `edges`: the opposite edges stay fixed and the size is clamped to limits
// (and at least 1x1).
Rect resize_rect(const Rect &start, uint32_t edges, int dx, int dy, const SizeLimits &limits);

// The nearest edge mask for a point inside a rectangle, for Super+right-drag:
// which third (horizontally and vertically) the point falls in.
uint32_t edges_for_point(const Rect &rect, Point p);

// Clamps a frame's outer position so that its whole title bar stays on an output
// (`area`) vertically and at least `keep` pixels of it stay visible horizontally:
// a window can never hide its own title above or beside the screen.
Point clamp_frame_position(const Rect &outer, const Rect &area, int title_height, int keep);

// Cascading placement for new windows: where the n-th window's frame goes on `area`.
Point cascade_position(const Rect &area, const Rect &outer_size, int index);

// Where a new window's frame goes: the first spot on a 32-pixel grid (rows from
// the top left, starting 40 pixels in) where it fits inside `area` and overlaps
// none of `others`, so every title stays readable; when there is none, the
// cascade position for the `index`-th window.
Point place_window(const Rect &area, const Rect &outer_size, const std::vector<Rect> &others, int index);

} // namespace bulkhead
