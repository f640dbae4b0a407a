#include "desktop/text.hpp"

#include <algorithm>
#include <cstdint>

namespace bulkhead {
namespace {

// Decodes one UTF-8 sequence at s[i]; returns the code point and advances i, or
// returns -1 (and advances one byte) on any malformed, overlong or surrogate form.
int32_t decode(std::string_view s, std::size_t &i)
{
	const auto b0 = static_cast<unsigned char>(s[i]);
	int len;
	int32_t cp;
	if (b0 < 0x80) {
		++i;
		return b0;
	} else if ((b0 & 0xe0) == 0xc0) {
		len = 2;
		cp = b0 & 0x1f;
	} else if ((b0 & 0xf0) == 0xe0) {
		len = 3;
		cp = b0 & 0x0f;
	} else if ((b0 & 0xf8) == 0xf0) {
		len = 4;
		cp = b0 & 0x07;
	} else {
		++i;
		return -1;
	}
	if (i + len > s.size()) {
		++i;
		return -1;
	}
	for (int k = 1; k < len; ++k) {
		const auto b = static_cast<unsigned char>(s[i + k]);
		if ((b & 0xc0) != 0x80) {
			++i;
			return -1;
		}
		cp = (cp << 6) | (b & 0x3f);
	}
	static const int32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min_for_len[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		++i;
		return -1;
	}
	i += len;
	return cp;
}

void encode(std::string &out, int32_t cp)
{
	if (cp < 0x80) {
		out += static_cast<char>(cp);
	} else if (cp < 0x800) {
		out += static_cast<char>(0xc0 | (cp >> 6));
		out += static_cast<char>(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		out += static_cast<char>(0xe0 | (cp >> 12));
		out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
		out += static_cast<char>(0x80 | (cp & 0x3f));
	} else {
		out += static_cast<char>(0xf0 | (cp >> 18));
		out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
		out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
		out += static_cast<char>(0x80 | (cp & 0x3f));
	}
}

bool is_control(int32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029;
}

bool is_invisible_formatting(int32_t cp)
{
	return (cp >= 0x200b && cp <= 0x200f) || // zero-width chars, LRM, RLM
		(cp >= 0x202a && cp <= 0x202e) ||    // embeddings and overrides
		(cp >= 0x2066 && cp <= 0x2069) ||    // isolates
		cp == 0x061c || cp == 0xfeff || cp == 0x2060;
}

} // namespace

std::string sanitize_title(std::string_view untrusted_title, std::size_t max_codepoints)
{
	std::string out;
	out.reserve(std::min<std::size_t>(untrusted_title.size(), max_codepoints * 4));
	std::size_t count = 0;
	bool last_space = true; // also trims leading spaces
	for (std::size_t i = 0; i < untrusted_title.size() && count < max_codepoints;) {
		int32_t cp = decode(untrusted_title, i);
		if (cp < 0)
			cp = 0xfffd;
		if (is_invisible_formatting(cp))
			continue;
		if (is_control(cp) || cp == ' ') {
			if (last_space)
				continue;
			cp = ' ';
			last_space = true;
		} else {
			last_space = false;
		}
		encode(out, cp);
		++count;
	}
	while (!out.empty() && out.back() == ' ')
		out.pop_back();
	return out;
}

} // namespace bulkhead
