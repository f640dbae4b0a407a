// wlroots' modifier bits, read from its own (C-only) header, so the C++ tests
// can check that config.hpp's Modifier values match them.
#include <wlr/types/wlr_keyboard.h>

const unsigned bulkhead_test_wlr_modifiers[8] = {
	WLR_MODIFIER_SHIFT, WLR_MODIFIER_CAPS, WLR_MODIFIER_CTRL, WLR_MODIFIER_ALT,
	WLR_MODIFIER_MOD2, WLR_MODIFIER_MOD3, WLR_MODIFIER_LOGO, WLR_MODIFIER_MOD5,
};
