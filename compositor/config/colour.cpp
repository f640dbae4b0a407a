#include "config/colour.hpp"

#include <cmath>
#include <cstdio>

namespace bulkhead {
namespace {

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

float linear(float c)
{
	return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f);
}

int to_byte(float v)
{
	return static_cast<int>(std::lround(std::fmin(1.0f, std::fmax(0.0f, v)) * 255.0f));
}

} // namespace

std::optional<Colour> Colour::parse(std::string_view text)
{
	if ((text.size() != 7 && text.size() != 9) || text[0] != '#')
		return std::nullopt;
	float channels[4] = {0, 0, 0, 1};
	for (std::size_t i = 1, c = 0; i < text.size(); i += 2, ++c) {
		const int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
		if (hi < 0 || lo < 0)
			return std::nullopt;
		channels[c] = static_cast<float>(hi * 16 + lo) / 255.0f;
	}
	return Colour{channels[0], channels[1], channels[2], channels[3]};
}

std::string Colour::to_string() const
{
	char buf[10];
	if (a < 1.0f)
		std::snprintf(buf, sizeof buf, "#%02x%02x%02x%02x", to_byte(r), to_byte(g), to_byte(b), to_byte(a));
	else
		std::snprintf(buf, sizeof buf, "#%02x%02x%02x", to_byte(r), to_byte(g), to_byte(b));
	return buf;
}

Colour Colour::mixed_with(const Colour &other, float amount) const
{
	const float t = std::fmin(1.0f, std::fmax(0.0f, amount));
	return {r + (other.r - r) * t, g + (other.g - g) * t, b + (other.b - b) * t, a + (other.a - a) * t};
}

float Colour::luminance() const
{
	return 0.2126f * linear(r) + 0.7152f * linear(g) + 0.0722f * linear(b);
}

float Colour::contrast_ratio(const Colour &other) const
{
	const float l1 = luminance(), l2 = other.luminance();
	return (std::fmax(l1, l2) + 0.05f) / (std::fmin(l1, l2) + 0.05f);
}

} // namespace bulkhead
