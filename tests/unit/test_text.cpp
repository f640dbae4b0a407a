#include "wire/codec.hpp"

#include <catch2/catch.hpp>

namespace {
// Titles as the compositor cleans them: the wire's limit of 1024 bytes.
std::string sanitize_title(std::string_view text, std::size_t max_bytes = bulkhead::wire::limit::title_bytes)
{
	return bulkhead::wire::clean_text(text, max_bytes);
}
} // namespace

TEST_CASE("plain titles pass unchanged", "[text]")
{
	CHECK(sanitize_title("hello") == "hello");
	CHECK(sanitize_title("Grüße – 日本語") == "Grüße – 日本語");
}

TEST_CASE("control characters become single spaces and ends are trimmed", "[text]")
{
	CHECK(sanitize_title("a\nb") == "a b");
	CHECK(sanitize_title("a\t\r\n\x1b[31mb") == "a [31mb");
	CHECK(sanitize_title("  x  ") == "x");
	CHECK(sanitize_title("a\x7f" "b") == "a b");
	CHECK(sanitize_title("a\xc2\x85" "b") == "a b"); // NEL, a C1 control
}

TEST_CASE("bidi overrides, isolates and zero-width characters are removed", "[text]")
{
	CHECK(sanitize_title("abc\u202Egnp.exe") == "abcgnp.exe");
	CHECK(sanitize_title("x\u2066y\u2069z") == "xyz");
	CHECK(sanitize_title("a\u200Bb\u200Fc\uFEFF") == "abc");
}

TEST_CASE("invalid UTF-8 becomes U+FFFD", "[text]")
{
	CHECK(sanitize_title("a\xff" "b") == "a\uFFFD" "b");
	CHECK(sanitize_title("\xc0\xaf") == "\uFFFD\uFFFD"); // overlong '/'
	CHECK(sanitize_title("\xed\xa0\x80") == "\uFFFD\uFFFD\uFFFD"); // surrogate
	CHECK(sanitize_title("\xe2\x82") == "\uFFFD\uFFFD"); // truncated
}

TEST_CASE("titles are cut to the byte limit on a character boundary", "[text]")
{
	CHECK(sanitize_title(std::string(1000, 'a'), 10) == std::string(10, 'a'));
	CHECK(sanitize_title("ääää", 5) == "ää"); // "ä" is 2 bytes: no half character
	CHECK(sanitize_title(std::string(1 << 20, 'x')).size() == 1024);
}
