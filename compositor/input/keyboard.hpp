#pragma once
#include "config/config.hpp"
#include "listener.hpp"
#include "wlr.hpp"

#include <set>

namespace bulkhead {

class Seat;

// One keyboard device: its keymap comes from the config; key presses go to the
// compositor's bindings first and only then to the focused client.
class Keyboard {
public:
	Keyboard(Seat &seat, wlr_input_device *device);

	wlr_keyboard *wlr() const { return keyboard_; }

private:
	void handle_key(void *data);
	void handle_modifiers();
	void handle_destroy();

	Seat &seat_;
	wlr_input_device *device_;
	wlr_keyboard *keyboard_;
	// Keys whose press triggered a binding: their release is swallowed too, so
	// clients never see half of a compositor shortcut.
	std::set<uint32_t> consumed_keys_;
	Listener key_, modifiers_, destroy_;
};

// Compiles the configured keymap; nullptr (after logging why) when it fails.
xkb_keymap *compile_keymap(const KeyboardConfig &config);

} // namespace bulkhead
