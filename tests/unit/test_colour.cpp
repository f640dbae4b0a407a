#include "config/colour.hpp"

#include <catch2/catch.hpp>

using bulkhead::Colour;

TEST_CASE("colours parse from #rrggbb and #rrggbbaa", "[colour]")
{
	auto red = Colour::parse("#cc0000");
	REQUIRE(red);
	CHECK(red->r == Approx(0xcc / 255.0));
	CHECK(red->g == 0);
	CHECK(red->b == 0);
	CHECK(red->a == 1);

	auto translucent = Colour::parse("#3465A480");
	REQUIRE(translucent);
	CHECK(translucent->b == Approx(0xa4 / 255.0));
	CHECK(translucent->a == Approx(0x80 / 255.0));
}

TEST_CASE("malformed colours are refused", "[colour]")
{
	for (const char *bad : {"", "#", "cc0000", "#cc000", "#cc00000", "#cc0000000", "#gg0000", "#cc 000",
		     "red", "#-c0000", "##cc000"})
		CHECK_FALSE(Colour::parse(bad));
}

TEST_CASE("colours print back as they were written", "[colour]")
{
	for (const char *text : {"#cc0000", "#f57900", "#edd400", "#000000", "#ffffff", "#12345678"})
		CHECK(Colour::parse(text)->to_string() == text);
}

TEST_CASE("mixing and luminance", "[colour]")
{
	const Colour black = *Colour::parse("#000000");
	const Colour white = *Colour::parse("#ffffff");
	CHECK(black.mixed_with(white, 0.5f).r == Approx(0.5f));
	CHECK(black.mixed_with(white, 0.0f) == black);
	CHECK(black.mixed_with(white, 1.0f) == white);
	CHECK(black.mixed_with(white, 7.0f) == white); // clamped
	CHECK(white.luminance() == Approx(1.0f));
	CHECK(black.luminance() == Approx(0.0f));
	CHECK(Colour::parse("#edd400")->luminance() > Colour::parse("#3465a4")->luminance());
}
