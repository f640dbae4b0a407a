#include "config/colour.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

#include <string>

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
	CHECK(translucent->r == Approx(0x34 / 255.0));
	CHECK(translucent->g == Approx(0x65 / 255.0));
	CHECK(translucent->b == Approx(0xa4 / 255.0));
	CHECK(translucent->a == Approx(0x80 / 255.0));

	CHECK(*Colour::parse("#FFFFFF") == Colour{1, 1, 1, 1});
	CHECK(*Colour::parse("#aBcDeF") == *Colour::parse("#ABCDEF"));
	CHECK(*Colour::parse("#00000000") == Colour{0, 0, 0, 0});
	CHECK(*Colour::parse("#123456ff") == *Colour::parse("#123456")); // opaque either way
}

TEST_CASE("malformed colours are refused", "[colour]")
{
	for (const char *bad : {"", "#", "cc0000", "#cc000", "#cc00000", "#cc0000000", "#gg0000", "#cc 000",
		     "red", "#-c0000", "##cc000", " #cc0000", "#cc0000 ", "#fff", "#ffff", "0xcc0000", "#cc00zz",
		     "#cc0000g0", "rgb(1,2,3)", "#\xc3\xa9\xc3\xa9\xc3\xa9"})
	{
		INFO('"' << bad << '"');
		CHECK_FALSE(Colour::parse(bad));
	}
	// An embedded NUL is not the end of the text.
	CHECK_FALSE(Colour::parse(std::string_view("#cc0000\0", 8)));
	CHECK_FALSE(Colour::parse(std::string("#cc\0" "000", 7)));
}

TEST_CASE("colours print back as they were written", "[colour]")
{
	for (const char *text : {"#cc0000", "#f57900", "#edd400", "#000000", "#ffffff", "#12345678", "#00000000",
		     "#0a0b0c"})
		CHECK(Colour::parse(text)->to_string() == text);
	CHECK(Colour::parse("#ABCDEF")->to_string() == "#abcdef");
	CHECK(Colour::parse("#abcdefFF")->to_string() == "#abcdef");
	// Out-of-range channels print clamped; values round to the nearest byte.
	CHECK((Colour{1.5f, -1.0f, 0.5f, 1}).to_string() == "#ff0080");
	CHECK((Colour{1.4f / 255, 1.4f / 255, 1.6f / 255, 1}).to_string() == "#010102");
}

TEST_CASE("mixing", "[colour]")
{
	const Colour black = *Colour::parse("#000000");
	const Colour white = *Colour::parse("#ffffff");
	CHECK(black.mixed_with(white, 0.5f).r == Approx(0.5f));
	CHECK(black.mixed_with(white, 0.25f).to_string() == "#404040");
	CHECK(white.mixed_with(black, 0.25f).to_string() == "#bfbfbf");
	CHECK(black.mixed_with(white, 0.0f) == black);
	CHECK(black.mixed_with(white, 1.0f) == white);
	CHECK(black.mixed_with(white, 7.0f) == white);  // clamped
	CHECK(black.mixed_with(white, -1.0f) == black); // clamped
	CHECK(Colour::parse("#cc0000")->mixed_with(*Colour::parse("#202020"), 0.5f).to_string() == "#761010");
	// Alpha mixes too.
	CHECK(Colour::parse("#ff000000")->mixed_with(*Colour::parse("#ff0000"), 0.5f).a == Approx(0.5f));
}

TEST_CASE("luminance and contrast follow WCAG", "[colour]")
{
	const Colour black = *Colour::parse("#000000");
	const Colour white = *Colour::parse("#ffffff");
	CHECK(white.luminance() == Approx(1.0f));
	CHECK(black.luminance() == Approx(0.0f));
	// Mid gray #777777 is 0.184 (the sRGB curve, not 0.47).
	CHECK(Colour::parse("#777777")->luminance() == Approx(0.1845).epsilon(0.01));
	// Green weighs most, blue least.
	CHECK(Colour::parse("#00ff00")->luminance() == Approx(0.7152f));
	CHECK(Colour::parse("#ff0000")->luminance() == Approx(0.2126f));
	CHECK(Colour::parse("#0000ff")->luminance() == Approx(0.0722f));
	CHECK(Colour::parse("#edd400")->luminance() > Colour::parse("#3465a4")->luminance());

	CHECK(black.contrast_ratio(white) == Approx(21.0f));
	CHECK(white.contrast_ratio(black) == Approx(21.0f));
	CHECK(white.contrast_ratio(white) == Approx(1.0f));
	// Tango orange reads better with black text than with white.
	const Colour orange = *Colour::parse("#f57900");
	CHECK(orange.contrast_ratio(black) == Approx(7.6f).epsilon(0.02));
	CHECK(orange.contrast_ratio(white) == Approx(2.76f).epsilon(0.02));
	CHECK(Colour::parse("#767676")->contrast_ratio(white) == Approx(4.54f).epsilon(0.01));
}
