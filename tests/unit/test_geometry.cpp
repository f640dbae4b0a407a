#include "desktop/geometry.hpp"

#include <catch2/catch.hpp>

using namespace bulkhead;

TEST_CASE("frame metrics put the title above the content inside the border", "[geometry]")
{
	const FrameMetrics m{4, 24};
	const Rect content{100, 200, 640, 480};
	CHECK(m.outer(content) == Rect{96, 172, 648, 512});
	CHECK(m.title_bar(content) == Rect{100, 176, 640, 24});
	CHECK(m.content_origin({96, 172}) == Point{100, 200});
}

TEST_CASE("rectangles: containment and intersection", "[geometry]")
{
	const Rect r{10, 10, 20, 20};
	CHECK(r.contains({10, 10}));
	CHECK(r.contains({29, 29}));
	CHECK_FALSE(r.contains({30, 10}));
	CHECK_FALSE(r.contains({9, 15}));
	CHECK_FALSE(Rect{0, 0, 0, 5}.contains({0, 0}));
	CHECK(r.intersection({20, 20, 100, 100}) == Rect{20, 20, 10, 10});
	CHECK(r.intersection({30, 30, 5, 5}).empty());
}

TEST_CASE("resizing keeps the opposite edge fixed", "[geometry]")
{
	const Rect start{100, 100, 400, 300};
	const SizeLimits none;
	CHECK(resize_rect(start, EdgeRight | EdgeBottom, 50, 20, none) == Rect{100, 100, 450, 320});
	CHECK(resize_rect(start, EdgeLeft, 50, 0, none) == Rect{150, 100, 350, 300});
	CHECK(resize_rect(start, EdgeTop, 0, -40, none) == Rect{100, 60, 400, 340});
	CHECK(resize_rect(start, EdgeLeft | EdgeTop, -10, -10, none) == Rect{90, 90, 410, 310});
	// Edges not dragged do not move, whatever the pointer does.
	CHECK(resize_rect(start, EdgeRight, 30, 999, none) == Rect{100, 100, 430, 300});
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
	// Shrinking from the left stops at the minimum with the right edge in place.
	CHECK(resize_rect(start, EdgeLeft, 1000, 0, limits) == Rect{200, 0, 200, 300});
	CHECK(resize_rect(start, EdgeRight, -1000, 0, SizeLimits{}) == Rect{0, 0, 1, 300});
}

TEST_CASE("the resize edges follow the thirds of the window", "[geometry]")
{
	const Rect r{0, 0, 300, 300};
	CHECK(edges_for_point(r, {10, 10}) == (EdgeLeft | EdgeTop));
	CHECK(edges_for_point(r, {290, 290}) == (EdgeRight | EdgeBottom));
	CHECK(edges_for_point(r, {150, 10}) == EdgeTop);
	CHECK(edges_for_point(r, {10, 150}) == EdgeLeft);
	CHECK(edges_for_point(r, {150, 150}) == (EdgeRight | EdgeBottom));
}

TEST_CASE("a frame cannot hide its title off screen", "[geometry]")
{
	const Rect area{0, 0, 1280, 720};
	const int title = 28, keep = 64;
	// Above the top: pulled down so the title shows.
	CHECK(clamp_frame_position({100, -50, 400, 300}, area, title, keep) == Point{100, 0});
	// Below the bottom: the title bar stays fully visible.
	CHECK(clamp_frame_position({100, 2000, 400, 300}, area, title, keep) == Point{100, 720 - title});
	// Far left or right: at least `keep` pixels stay on the output.
	CHECK(clamp_frame_position({-1000, 10, 400, 300}, area, title, keep) == Point{-400 + keep, 10});
	CHECK(clamp_frame_position({5000, 10, 400, 300}, area, title, keep) == Point{1280 - keep, 10});
	// On screen: unchanged.
	CHECK(clamp_frame_position({300, 200, 400, 300}, area, title, keep) == Point{300, 200});
	// On a second output to the right.
	CHECK(clamp_frame_position({1000, -5, 400, 300}, {1280, 0, 1920, 1080}, title, keep) == Point{1000, 0});
}

TEST_CASE("new windows cascade and wrap inside the output", "[geometry]")
{
	const Rect area{0, 0, 1280, 720};
	const Rect size{0, 0, 700, 500};
	CHECK(cascade_position(area, size, 0) == Point{40, 40});
	CHECK(cascade_position(area, size, 1) == Point{72, 72});
	// (720 - 500 - 40) / 32 = 5 steps fit, so the 7th window starts over.
	CHECK(cascade_position(area, size, 5) == Point{200, 200});
	CHECK(cascade_position(area, size, 6) == Point{40, 40});
	// Bigger than the area: always the start.
	CHECK(cascade_position(area, {0, 0, 2000, 2000}, 3) == Point{40, 40});
	CHECK(cascade_position({1280, 0, 1920, 1080}, size, 0) == Point{1320, 40});
}
