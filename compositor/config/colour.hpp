#pragma once
// Colours as the renderer wants them: straight (not premultiplied) RGBA in 0..1.
#include <optional>
#include <string>
#include <string_view>

namespace bulkhead {

struct Colour {
	float r = 0, g = 0, b = 0, a = 1;

	// Accepts "#rrggbb" and "#rrggbbaa" (case-insensitive); nullopt otherwise.
	static std::optional<Colour> parse(std::string_view text);

	std::string to_string() const; // "#rrggbb" or "#rrggbbaa" when a < 1
	Colour mixed_with(const Colour &other, float amount) const; // amount 0 = this, 1 = other
	float luminance() const; // relative luminance (sRGB, WCAG formula)
	// WCAG contrast ratio with another (opaque) colour: 1 (none) .. 21 (black on white).
	float contrast_ratio(const Colour &other) const;
	bool operator==(const Colour &) const = default;
};

} // namespace bulkhead
