#include "desktop/geometry.hpp"

#include <catch2/catch.hpp>

using namespace bulkhead;

namespace Catch {
template <> struct StringMaker<Point> {
	static std::string convert(const Point &p) { return "(" + std::to_string(p.x) + ", " + std::to_string(p.y) + ")"; }
};
template <> struct StringMaker<Rect> {
	static std::string convert(const Rect &r)
	{
		return "{" + std::to_string(r.x) + ", " + std::to_string(r.y) + ", " + std::to_string(r.width) + "x" +
			std::to_string(r.height) + "}";
	}
};
} // namespace Catch

TEST_CASE("frame metrics put the title above the content inside the border", "[geometry]")
{
	const FrameMetrics m{4, 24};
	const Rect content{100, 200, 640, 480};
	CHECK(m.outer(content) == Rect{96, 172, 648, 512});
	CHECK(m.title_bar(content) == Rect{100, 176, 640, 24});
	CHECK(m.content_origin({96, 172}) == Point{100, 200});

	const FrameMetrics thin{1, 30};
	CHECK(thin.outer({0, 0, 10, 10}) == Rect{-1, -31, 12, 42});
	CHECK(thin.title_bar({0, 0, 10, 10}) == Rect{0, -30, 10, 30});
	CHECK(thin.content_origin({-1, -31}) == Point{0, 0});

	const FrameMetrics none{0, 0};
	CHECK(none.outer(content) == content);
	CHECK(none.content_origin({5, 6}) == Point{5, 6});

	CHECK(FrameMetrics{}.outer({0, 0, 100, 100}) == Rect{-4, -28, 108, 132}); // defaults 4 and 24
}

TEST_CASE("subtracting rectangles leaves disjoint pieces of the right area", "[geometry]")
{
	const Rect a{0, 0, 100, 50};
	CHECK(subtract(a, {200, 200, 5, 5}) == std::vector<Rect>{a});
	CHECK(subtract(a, {-10, -10, 200, 200}).empty());
	CHECK(subtract(Rect{}, {0, 0, 1, 1}).empty());
	// A hole in the middle: above, below, left, right.
	CHECK(subtract(a, {10, 10, 20, 20}) ==
		std::vector<Rect>{{0, 0, 100, 10}, {0, 30, 100, 20}, {0, 10, 10, 20}, {30, 10, 70, 20}});
	// A frame: outer minus content is the title strip plus three borders.
	const Rect outer{100, 100, 208, 132}, content{104, 128, 200, 100};
	const auto frame = subtract(outer, content);
	int area = 0;
	for (const Rect &r : frame) {
		area += r.width * r.height;
		CHECK(r.intersection(content).empty());
	}
	CHECK(area == 208 * 132 - 200 * 100);
	CHECK(frame.front() == Rect{100, 100, 208, 28});
}

TEST_CASE("frame metrics agree with each other", "[geometry]")
{
	for (const FrameMetrics m : {FrameMetrics{4, 24}, FrameMetrics{2, 20}, FrameMetrics{64, 128}, FrameMetrics{1, 8}}) {
		for (const Rect c : {Rect{0, 0, 1, 1}, Rect{-300, 50, 640, 480}, Rect{1280, 720, 1920, 1080}}) {
			INFO("border " << m.border << " title " << m.title << " content " << c.x << "," << c.y);
			const Rect o = m.outer(c);
			CHECK(m.content_origin({o.x, o.y}) == Point{c.x, c.y});
			// The title bar and the content lie inside the frame, the title right above the content.
			CHECK(o.intersection(m.title_bar(c)) == m.title_bar(c));
			CHECK(o.intersection(c) == c);
			CHECK(m.title_bar(c).y + m.title_bar(c).height == c.y);
			CHECK(m.title_bar(c).intersection(c).empty());
			// Border on every side.
			CHECK(o.x + m.border == c.x);
			CHECK(o.x + o.width - m.border == c.x + c.width);
			CHECK(o.y + o.height - m.border == c.y + c.height);
			CHECK(o.y + m.border == m.title_bar(c).y);
		}
	}
}

TEST_CASE("rectangles: containment and intersection", "[geometry]")
{
	const Rect r{10, 10, 20, 20};
	CHECK(r.contains({10, 10}));
	CHECK(r.contains({29, 29}));
	CHECK_FALSE(r.contains({30, 10}));
	CHECK_FALSE(r.contains({10, 30}));
	CHECK_FALSE(r.contains({9, 15}));
	CHECK_FALSE(r.contains({15, 9}));
	CHECK_FALSE(Rect{0, 0, 0, 5}.contains({0, 0}));
	CHECK_FALSE(Rect{0, 0, -5, -5}.contains({-1, -1}));
	CHECK(Rect{-10, -10, 5, 5}.contains({-6, -6}));

	CHECK(Rect{0, 0, 0, 5}.empty());
	CHECK(Rect{0, 0, 5, -1}.empty());
	CHECK_FALSE(Rect{0, 0, 1, 1}.empty());

	CHECK(r.intersection({20, 20, 100, 100}) == Rect{20, 20, 10, 10});
	CHECK(Rect{20, 20, 100, 100}.intersection(r) == Rect{20, 20, 10, 10});
	CHECK(r.intersection({15, 15, 5, 5}) == Rect{15, 15, 5, 5});
	CHECK(r.intersection(r) == r);
	CHECK(Rect{-10, -10, 20, 20}.intersection({0, 0, 100, 100}) == Rect{0, 0, 10, 10});
	// Disjoint or only touching: the empty Rect{}.
	CHECK(r.intersection({30, 30, 5, 5}) == Rect{});
	CHECK(r.intersection({30, 10, 5, 5}) == Rect{});
	CHECK(r.intersection({10, 0, 20, 10}) == Rect{});
	CHECK(r.intersection({500, 500, 5, 5}) == Rect{});
}

TEST_CASE("resizing keeps the opposite edge fixed", "[geometry]")
{
	const Rect start{100, 100, 400, 300};
	const SizeLimits none;
	CHECK(resize_rect(start, EdgeRight | EdgeBottom, 50, 20, none) == Rect{100, 100, 450, 320});
	CHECK(resize_rect(start, EdgeLeft, 50, 0, none) == Rect{150, 100, 350, 300});
	CHECK(resize_rect(start, EdgeLeft, -50, 0, none) == Rect{50, 100, 450, 300});
	CHECK(resize_rect(start, EdgeTop, 0, -40, none) == Rect{100, 60, 400, 340});
	CHECK(resize_rect(start, EdgeTop, 0, 40, none) == Rect{100, 140, 400, 260});
	CHECK(resize_rect(start, EdgeLeft | EdgeTop, -10, -10, none) == Rect{90, 90, 410, 310});
	CHECK(resize_rect(start, EdgeTop | EdgeRight, 20, 30, none) == Rect{100, 130, 420, 270});
	CHECK(resize_rect(start, EdgeBottom | EdgeLeft, -20, -30, none) == Rect{80, 100, 420, 270});
	// Edges not dragged do not move, whatever the pointer does.
	CHECK(resize_rect(start, EdgeRight, 30, 999, none) == Rect{100, 100, 430, 300});
	CHECK(resize_rect(start, EdgeBottom, 999, -50, none) == Rect{100, 100, 400, 250});
	CHECK(resize_rect(start, EdgeNone, 123, 456, none) == start);
}

TEST_CASE("resizing respects size limits and never collapses", "[geometry]")
{
	const Rect start{0, 0, 400, 300};
	SizeLimits limits;
	limits.min_width = 200;
	limits.min_height = 100;
	limits.max_width = 500;
	limits.max_height = 350;
	CHECK(resize_rect(start, EdgeRight | EdgeBottom, -1000, -1000, limits) == Rect{0, 0, 200, 100});
	CHECK(resize_rect(start, EdgeRight | EdgeBottom, 1000, 1000, limits) == Rect{0, 0, 500, 350});
	CHECK(resize_rect(start, EdgeRight | EdgeBottom, 50, 25, limits) == Rect{0, 0, 450, 325}); // within limits
	// Clamped from the left or the top, the right or bottom edge stays in place.
	CHECK(resize_rect(start, EdgeLeft, 1000, 0, limits) == Rect{200, 0, 200, 300});
	CHECK(resize_rect(start, EdgeLeft, -1000, 0, limits) == Rect{-100, 0, 500, 300});
	CHECK(resize_rect(start, EdgeTop, 0, 1000, limits) == Rect{0, 200, 400, 100});
	CHECK(resize_rect(start, EdgeTop, 0, -1000, limits) == Rect{0, -50, 400, 350});
	CHECK(resize_rect(start, EdgeTop | EdgeLeft, 1000, 1000, limits) == Rect{200, 200, 200, 100});

	// Without limits: at least 1x1, and no maximum (0 = unlimited).
	CHECK(resize_rect(start, EdgeRight, -1000, 0, SizeLimits{}) == Rect{0, 0, 1, 300});
	CHECK(resize_rect(start, EdgeLeft, 1000, 0, SizeLimits{}) == Rect{399, 0, 1, 300});
	CHECK(resize_rect(start, EdgeTop, 0, 1000, SizeLimits{}) == Rect{0, 299, 400, 1});
	CHECK(resize_rect(start, EdgeRight | EdgeBottom, 10000, 10000, SizeLimits{}) == Rect{0, 0, 10400, 10300});
	// A nonsensical minimum of 0 or less still keeps one pixel.
	CHECK(resize_rect(start, EdgeBottom, 0, -1000, SizeLimits{0, -5, 0, 0}) == Rect{0, 0, 400, 1});
	// Only a maximum on one axis.
	CHECK(resize_rect(start, EdgeRight | EdgeBottom, 1000, 1000, SizeLimits{1, 1, 0, 320}) ==
		Rect{0, 0, 1400, 320});
}

TEST_CASE("the resize edges follow the thirds of the window", "[geometry]")
{
	const Rect r{0, 0, 300, 300};
	CHECK(edges_for_point(r, {10, 10}) == (EdgeLeft | EdgeTop));
	CHECK(edges_for_point(r, {290, 290}) == (EdgeRight | EdgeBottom));
	CHECK(edges_for_point(r, {0, 299}) == (EdgeLeft | EdgeBottom));
	CHECK(edges_for_point(r, {299, 0}) == (EdgeRight | EdgeTop));
	CHECK(edges_for_point(r, {150, 10}) == EdgeTop);
	CHECK(edges_for_point(r, {150, 299}) == EdgeBottom);
	CHECK(edges_for_point(r, {10, 150}) == EdgeLeft);
	CHECK(edges_for_point(r, {290, 150}) == EdgeRight);
	// The borders between thirds.
	CHECK(edges_for_point(r, {99, 150}) == EdgeLeft);
	CHECK(edges_for_point(r, {200, 150}) == EdgeRight);
	CHECK(edges_for_point(r, {150, 99}) == EdgeTop);
	CHECK(edges_for_point(r, {150, 200}) == EdgeBottom);
	// The middle resizes from the bottom-right corner.
	CHECK(edges_for_point(r, {150, 150}) == (EdgeRight | EdgeBottom));
	CHECK(edges_for_point(r, {100, 100}) == (EdgeRight | EdgeBottom));
	CHECK(edges_for_point(r, {199, 199}) == (EdgeRight | EdgeBottom));

	// Relative to the rectangle, not the screen.
	const Rect off{1000, 500, 90, 60};
	CHECK(edges_for_point(off, {1029, 519}) == (EdgeLeft | EdgeTop));
	CHECK(edges_for_point(off, {1060, 540}) == (EdgeRight | EdgeBottom));
	CHECK(edges_for_point(off, {1045, 505}) == EdgeTop);
	// A degenerate rectangle does not divide by zero.
	CHECK(edges_for_point(Rect{}, {0, 0}) == (EdgeRight | EdgeBottom));
}

TEST_CASE("a frame cannot hide its title off screen", "[geometry]")
{
	const Rect area{0, 0, 1280, 720};
	// The compositor passes border + title: the title bar's bottom below the frame's top.
	const int title = 28, keep = 64;
	// Above the top: pulled down so the title shows.
	CHECK(clamp_frame_position({100, -50, 400, 300}, area, title, keep) == Point{100, 0});
	CHECK(clamp_frame_position({100, -1, 400, 300}, area, title, keep) == Point{100, 0});
	// Below the bottom: the title bar stays fully visible.
	CHECK(clamp_frame_position({100, 2000, 400, 300}, area, title, keep) == Point{100, 720 - title});
	CHECK(clamp_frame_position({100, 692, 400, 300}, area, title, keep) == Point{100, 692});
	CHECK(clamp_frame_position({100, 693, 400, 300}, area, title, keep) == Point{100, 692});
	// Far left or right: at least `keep` pixels stay on the output.
	CHECK(clamp_frame_position({-1000, 10, 400, 300}, area, title, keep) == Point{-400 + keep, 10});
	CHECK(clamp_frame_position({-336, 10, 400, 300}, area, title, keep) == Point{-336, 10});
	CHECK(clamp_frame_position({-337, 10, 400, 300}, area, title, keep) == Point{-336, 10});
	CHECK(clamp_frame_position({5000, 10, 400, 300}, area, title, keep) == Point{1280 - keep, 10});
	CHECK(clamp_frame_position({1216, 10, 400, 300}, area, title, keep) == Point{1216, 10});
	// Both at once.
	CHECK(clamp_frame_position({-5000, -5000, 400, 300}, area, title, keep) == Point{-336, 0});
	CHECK(clamp_frame_position({5000, 5000, 400, 300}, area, title, keep) == Point{1216, 692});
	// On screen, or hanging off the bottom below the title: unchanged.
	CHECK(clamp_frame_position({300, 200, 400, 300}, area, title, keep) == Point{300, 200});
	CHECK(clamp_frame_position({300, 600, 400, 300}, area, title, keep) == Point{300, 600});
	// A frame narrower than `keep` stays wholly on screen horizontally.
	CHECK(clamp_frame_position({-10, 10, 30, 50}, area, title, keep) == Point{0, 10});
	CHECK(clamp_frame_position({2000, 10, 30, 50}, area, title, keep) == Point{1250, 10});
	// On a second output to the right.
	const Rect right{1280, 0, 1920, 1080};
	CHECK(clamp_frame_position({1000, -5, 400, 300}, right, title, keep) == Point{1000, 0});
	CHECK(clamp_frame_position({500, 100, 400, 300}, right, title, keep) == Point{944, 100});
	CHECK(clamp_frame_position({4000, 2000, 400, 300}, right, title, keep) == Point{3136, 1052});
	// Below a 30 px panel.
	const Rect below_panel{0, 30, 1280, 690};
	CHECK(clamp_frame_position({10, 0, 400, 300}, below_panel, title, keep) == Point{10, 30});
	CHECK(clamp_frame_position({10, 1000, 400, 300}, below_panel, title, keep) == Point{10, 692});
	// An output too short for the title: the top of the title wins.
	const Rect tiny{0, 0, 1280, 20};
	CHECK(clamp_frame_position({100, 500, 400, 300}, tiny, title, keep) == Point{100, 0});
	CHECK(clamp_frame_position({100, -100, 400, 300}, tiny, title, keep) == Point{100, 0});
}

TEST_CASE("new windows cascade and wrap inside the output", "[geometry]")
{
	const Rect area{0, 0, 1280, 720};
	const Rect size{0, 0, 700, 500};
	CHECK(cascade_position(area, size, 0) == Point{40, 40});
	CHECK(cascade_position(area, size, 1) == Point{72, 72});
	CHECK(cascade_position(area, size, 2) == Point{104, 104});
	// (720 - 500 - 40) / 32 = 5 more steps fit, so the 7th window starts over.
	CHECK(cascade_position(area, size, 5) == Point{200, 200});
	CHECK(cascade_position(area, size, 6) == Point{40, 40});
	CHECK(cascade_position(area, size, 7) == Point{72, 72});
	// A wide frame wraps on the width instead.
	CHECK(cascade_position(area, {0, 0, 1200, 100}, 1) == Point{72, 72});
	CHECK(cascade_position(area, {0, 0, 1200, 100}, 2) == Point{40, 40});
	// Bigger than the area: always the start.
	CHECK(cascade_position(area, {0, 0, 2000, 2000}, 3) == Point{40, 40});
	CHECK(cascade_position(area, size, -1) == Point{40, 40});
	// Relative to the output's area.
	CHECK(cascade_position({1280, 0, 1920, 1080}, size, 0) == Point{1320, 40});
	CHECK(cascade_position({1280, 30, 1920, 1050}, size, 1) == Point{1352, 102});
}

TEST_CASE("cascaded frames that fit stay inside the area", "[geometry]")
{
	for (const Rect area : {Rect{0, 0, 1280, 720}, Rect{1920, 200, 800, 600}, Rect{-640, -480, 640, 480}}) {
		for (const Rect size : {Rect{0, 0, 100, 100}, Rect{0, 0, 500, 300}, Rect{0, 0, 700, 400}}) {
			if (size.width + 40 > area.width || size.height + 40 > area.height)
				continue;
			int wraps = 0;
			for (int i = 0; i < 60; ++i) {
				INFO("area " << area.x << "," << area.y << " size " << size.width << "x" << size.height << " i " << i);
				const Point p = cascade_position(area, size, i);
				CHECK(p.x >= area.x + 40);
				CHECK(p.y >= area.y + 40);
				CHECK(p.x + size.width <= area.x + area.width);
				CHECK(p.y + size.height <= area.y + area.height);
				CHECK(p.x - area.x == p.y - area.y); // on the diagonal
				if (p == Point{area.x + 40, area.y + 40})
					++wraps;
				else {
					const Point previous = cascade_position(area, size, i - 1);
					CHECK(p == Point{previous.x + 32, previous.y + 32});
				}
			}
			CHECK(wraps >= 2);
		}
	}
}

TEST_CASE("new windows go where they overlap no other window, else cascade", "[geometry]")
{
	const Rect area{0, 0, 1280, 720};
	const Rect small{0, 0, 300, 200};
	CHECK(place_window(area, small, {}, 0) == Point{40, 40});
	// Beside the first window, on the grid.
	const std::vector<Rect> one{{40, 40, 300, 200}};
	const Point p = place_window(area, small, one, 1);
	CHECK(Rect{p.x, p.y, 300, 200}.intersection(one[0]).empty());
	CHECK(p == Point{360, 40});
	// Nothing fits beside a window filling the output: the cascade.
	const std::vector<Rect> full{{0, 0, 1280, 720}};
	CHECK(place_window(area, small, full, 1) == cascade_position(area, small, 1));
	// A frame larger than the area never gets a free spot.
	CHECK(place_window(area, {0, 0, 2000, 100}, {}, 0) == cascade_position(area, {0, 0, 2000, 100}, 0));
	// Windows on another output do not count against this one.
	CHECK(place_window({1280, 0, 1280, 720}, small, one, 1) == Point{1320, 40});
}
