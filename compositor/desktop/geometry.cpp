#include "desktop/geometry.hpp"

#include <algorithm>

namespace bulkhead {

bool Rect::contains(Point p) const
{
	return !empty() && p.x >= x && p.y >= y && p.x < x + width && p.y < y + height;
}

Rect Rect::intersection(const Rect &o) const
{
	const int x1 = std::max(x, o.x), y1 = std::max(y, o.y);
	const int x2 = std::min(x + width, o.x + o.width), y2 = std::min(y + height, o.y + o.height);
	if (x2 <= x1 || y2 <= y1)
		return {};
	return {x1, y1, x2 - x1, y2 - y1};
}

std::vector<Rect> subtract(const Rect &a, const Rect &b)
{
	const Rect cut = a.intersection(b);
	if (a.empty())
		return {};
	if (cut.empty())
		return {a};
	std::vector<Rect> out;
	const Rect pieces[] = {
		{a.x, a.y, a.width, cut.y - a.y},                                  // above
		{a.x, cut.y + cut.height, a.width, a.y + a.height - cut.y - cut.height}, // below
		{a.x, cut.y, cut.x - a.x, cut.height},                             // left
		{cut.x + cut.width, cut.y, a.x + a.width - cut.x - cut.width, cut.height}, // right
	};
	for (const Rect &p : pieces)
		if (!p.empty())
			out.push_back(p);
	return out;
}

Rect FrameMetrics::outer(const Rect &content) const
{
	return {content.x - border, content.y - title - border, content.width + 2 * border,
		content.height + title + 2 * border};
}

Rect FrameMetrics::title_bar(const Rect &content) const
{
	return {content.x, content.y - title, content.width, title};
}

Point FrameMetrics::content_origin(Point outer_origin) const
{
	return {outer_origin.x + border, outer_origin.y + border + title};
}

Rect resize_rect(const Rect &start, uint32_t edges, int dx, int dy, const SizeLimits &limits)
{
	auto clamp = [](int v, int lo, int hi) { return std::max(std::max(lo, 1), hi > 0 ? std::min(v, hi) : v); };
	Rect r = start;
	if (edges & EdgeLeft)
		r.width = clamp(start.width - dx, limits.min_width, limits.max_width);
	else if (edges & EdgeRight)
		r.width = clamp(start.width + dx, limits.min_width, limits.max_width);
	if (edges & EdgeTop)
		r.height = clamp(start.height - dy, limits.min_height, limits.max_height);
	else if (edges & EdgeBottom)
		r.height = clamp(start.height + dy, limits.min_height, limits.max_height);
	// The edge opposite the dragged one stays where it was.
	if (edges & EdgeLeft)
		r.x = start.x + start.width - r.width;
	if (edges & EdgeTop)
		r.y = start.y + start.height - r.height;
	return r;
}

uint32_t edges_for_point(const Rect &rect, Point p)
{
	uint32_t edges = EdgeNone;
	if (rect.width > 0) {
		const int third = (p.x - rect.x) * 3 / rect.width;
		if (third <= 0)
			edges |= EdgeLeft;
		else if (third >= 2)
			edges |= EdgeRight;
	}
	if (rect.height > 0) {
		const int third = (p.y - rect.y) * 3 / rect.height;
		if (third <= 0)
			edges |= EdgeTop;
		else if (third >= 2)
			edges |= EdgeBottom;
	}
	// The middle third resizes from the bottom-right corner.
	return edges == EdgeNone ? (EdgeRight | EdgeBottom) : edges;
}

Point clamp_frame_position(const Rect &outer, const Rect &area, int title_height, int keep)
{
	// `title_height` is how far the title bar reaches below the frame's top
	// (the compositor passes border + title).
	Point p{outer.x, outer.y};
	// At least `keep` pixels of the frame stay on the output horizontally...
	const int visible = std::max(0, std::min(keep, outer.width));
	p.x = std::min(p.x, area.x + area.width - visible);
	p.x = std::max(p.x, area.x - outer.width + visible);
	// ...and the title bar wholly vertically. On an output too short for it,
	// the top wins: a title is never pushed above the screen.
	p.y = std::min(p.y, area.y + area.height - title_height);
	p.y = std::max(p.y, area.y);
	return p;
}

Point cascade_position(const Rect &area, const Rect &outer_size, int index)
{
	constexpr int start = 40, step = 32;
	// How many steps fit before the frame would leave the area; wrap after that.
	const int room_x = (area.width - outer_size.width - start) / step;
	const int room_y = (area.height - outer_size.height - start) / step;
	const int fits = std::max(1, std::min(room_x, room_y) + 1);
	const int i = std::max(0, index) % fits;
	return {area.x + start + i * step, area.y + start + i * step};
}

} // namespace bulkhead

namespace bulkhead {

Point place_window(const Rect &area, const Rect &outer_size, const std::vector<Rect> &others, int index)
{
	constexpr int start = 40, step = 32;
	for (int y = area.y + start; y + outer_size.height <= area.y + area.height; y += step)
		for (int x = area.x + start; x + outer_size.width <= area.x + area.width; x += step) {
			const Rect candidate{x, y, outer_size.width, outer_size.height};
			bool free = true;
			for (const Rect &o : others)
				free = free && candidate.intersection(o).empty();
			if (free)
				return {x, y};
		}
	return cascade_position(area, outer_size, index);
}

} // namespace bulkhead
