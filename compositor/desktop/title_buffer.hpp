#pragma once
// Title text rendered by the compositor with Pango into a CPU buffer the scene
// graph can show. VM-supplied text only ever reaches this as plain text, never
// as Pango markup.
#include "config/colour.hpp"
#include "wlr.hpp"

#include <string>

namespace bulkhead {

// A new buffer (the caller drops it with wlr_buffer_drop) of width x height
// logical pixels times `scale`, transparent, with `text` drawn in `font`,
// vertically centred (and horizontally with `centred`), ellipsized at the end so the start (the trusted "[name]"
// prefix) always shows. nullptr when width or height is not positive.
wlr_buffer *render_title(const std::string &text, const std::string &font, const Colour &colour,
	int width, int height, float scale, bool centred = false);

} // namespace bulkhead
