#include "region_allocator.hpp"

#include <catch2/catch.hpp>

using bulkhead::agent::RegionAllocator;

TEST_CASE("allocations are aligned, first fit, and never overlap", "[allocator]")
{
	RegionAllocator a(1 << 20);
	auto x = a.allocate(100);
	auto y = a.allocate(5000);
	auto z = a.allocate(4096);
	REQUIRE(x);
	REQUIRE(y);
	REQUIRE(z);
	CHECK(*x == 0);
	CHECK(*y == 4096);
	CHECK(*z == 4096 + 8192);
	CHECK(a.bytes_in_use() == 4096 + 8192 + 4096);
	CHECK(a.allocations() == 3);
}

TEST_CASE("the region's end is a hard limit", "[allocator]")
{
	RegionAllocator a(64 * 1024);
	CHECK(a.allocate(64 * 1024));
	CHECK_FALSE(a.allocate(1));
	RegionAllocator b(64 * 1024);
	CHECK_FALSE(b.allocate(64 * 1024 + 1));
	CHECK_FALSE(b.allocate(0));
	// A size that is not a page multiple rounds the region down.
	RegionAllocator c(10000);
	CHECK(c.region_size() == 8192);
	CHECK_FALSE(c.allocate(8193));
}

TEST_CASE("released spans merge with their neighbours", "[allocator]")
{
	RegionAllocator a(4 * 4096);
	auto p0 = *a.allocate(4096);
	auto p1 = *a.allocate(4096);
	auto p2 = *a.allocate(4096);
	auto p3 = *a.allocate(4096);
	CHECK_FALSE(a.allocate(4096));
	CHECK(a.release(p1));
	CHECK(a.release(p2));
	// The two middle pages merged: an 8 KiB buffer fits where they were.
	auto merged = a.allocate(8192);
	REQUIRE(merged);
	CHECK(*merged == p1);
	CHECK(a.release(*merged));
	CHECK(a.release(p0));
	CHECK(a.release(p3));
	CHECK(a.bytes_in_use() == 0);
	CHECK(a.allocate(4 * 4096) == uint64_t{0});
}

TEST_CASE("releasing what was never allocated changes nothing", "[allocator]")
{
	RegionAllocator a(8192);
	auto p = *a.allocate(4096);
	CHECK_FALSE(a.release(p + 4));
	CHECK_FALSE(a.release(4096));
	CHECK(a.release(p));
	CHECK_FALSE(a.release(p)); // twice
	CHECK(a.bytes_in_use() == 0);
}
