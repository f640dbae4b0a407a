#include "input/keyboard.hpp"

#include "compat.hpp"
#include "config/config.hpp"
#include "input/activation.hpp"
#include "input/fullscreen_escape.hpp"
#include "input/seat.hpp"
#include "server.hpp"

namespace bulkhead {

xkb_keymap *compile_keymap(const KeyboardConfig &config)
{
	xkb_context *context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	if (!context)
		return nullptr;
	auto or_null = [](const std::string &s) { return s.empty() ? nullptr : s.c_str(); };
	const xkb_rule_names names = {
		.rules = or_null(config.rules),
		.model = or_null(config.model),
		.layout = or_null(config.layout),
		.variant = or_null(config.variant),
		.options = or_null(config.options),
	};
	xkb_keymap *keymap = xkb_keymap_new_from_names(context, &names, XKB_KEYMAP_COMPILE_NO_FLAGS);
	xkb_context_unref(context);
	return keymap;
}

Keyboard::Keyboard(Seat &seat, wlr_input_device *device)
	: seat_(seat), device_(device), keyboard_(compat::keyboard_from_device(device))
{
	const KeyboardConfig &config = seat_.server().config().keyboard;
	xkb_keymap *keymap = compile_keymap(config);
	if (keymap) {
		wlr_keyboard_set_keymap(keyboard_, keymap);
		xkb_keymap_unref(keymap);
	} else {
		wlr_log(WLR_ERROR, "keyboard %s: cannot compile the configured keymap", device_->name);
	}
	wlr_keyboard_set_repeat_info(keyboard_, config.repeat_rate, config.repeat_delay);

	key_.connect(&keyboard_->events.key, [this](void *d) { handle_key(d); });
	modifiers_.connect(&keyboard_->events.modifiers, [this](void *) { handle_modifiers(); });
	destroy_.connect(&device_->events.destroy, [this](void *) { handle_destroy(); });
	wlr_seat_set_keyboard(seat_.wlr(), device_);
}

void Keyboard::handle_key(void *data)
{
	auto *event = static_cast<compat::KeyboardKeyEvent *>(data);
	const uint32_t keycode = event->keycode + 8; // evdev to xkb

	// Bindings match the unshifted keysym of the first level, so Super+Shift+q
	// is written with the letter, not with 'Q'.
	const xkb_keysym_t *syms = nullptr;
	const xkb_layout_index_t layout = xkb_state_key_get_layout(keyboard_->xkb_state, keycode);
	const int n = xkb_keymap_key_get_syms_by_level(keyboard_->keymap, keycode, layout, 0, &syms);
	const bool pressed = event->state == WL_KEYBOARD_KEY_STATE_PRESSED;

	// The X-ray key works while held; neither its press nor its release reaches a client.
	for (int i = 0; i < n; ++i)
		if (syms[i] == seat_.server().config().xray_keysym) {
			seat_.server().set_xray(pressed);
			return;
		}

	if (pressed) {
		const uint32_t modifiers = wlr_keyboard_get_modifiers(keyboard_);
		for (int i = 0; i < n; ++i) {
			if (seat_.handle_binding(modifiers, syms[i])) {
				consumed_keys_.insert(event->keycode);
				return;
			}
		}
	} else if (consumed_keys_.erase(event->keycode)) {
		return;
	}
	if (seat_.fullscreen_escape().handle_key(event->keycode, n > 0 ? syms[0] : XKB_KEY_NoSymbol, pressed))
		return;

	wlr_seat_set_keyboard(seat_.wlr(), device_);
	wlr_seat_keyboard_notify_key(seat_.wlr(), event->time_msec, event->keycode, event->state);
	if (pressed) {
		wlr_seat_client *focused = seat_.wlr()->keyboard_state.focused_client;
		seat_.activation().note_input(focused ? focused->client : nullptr);
	}
}

void Keyboard::handle_modifiers()
{
	wlr_seat_set_keyboard(seat_.wlr(), device_);
	wlr_seat_keyboard_notify_modifiers(seat_.wlr(), &keyboard_->modifiers);
}

void Keyboard::handle_destroy()
{
	seat_.remove_keyboard(this); // deletes this
}

} // namespace bulkhead
