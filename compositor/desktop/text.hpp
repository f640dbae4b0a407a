#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace bulkhead {

// Makes a window title safe to show next to the trusted "[domain]" prefix:
// invalid UTF-8 becomes U+FFFD, control characters (C0, C1, DEL) become spaces,
// bidirectional overrides/isolates/marks and zero-width characters are removed
// (they could reorder or hide text), runs of spaces collapse, and the result is
// cut to `max_codepoints`.
std::string sanitize_title(std::string_view untrusted_title, std::size_t max_codepoints = 256);

} // namespace bulkhead
