// bulkhead-inject: drives the compositor's test-only input injection protocol
// (bulkhead_test_manager_v1) from integration tests.
//
//   bulkhead-inject move X Y
//   bulkhead-inject click X Y [left|right|middle]
//   bulkhead-inject press|release left|right|middle
//   bulkhead-inject key COMBO...        e.g. key Super+Shift+q, key h i Return
//   bulkhead-inject keydown|keyup KEY   holds or lets go of one key (e.g. Scroll_Lock)
//   bulkhead-inject type TEXT           printable ASCII through the us layout
//   bulkhead-inject drag X1 Y1 X2 Y2 [left|right] [--mods Super+Shift]
//   bulkhead-inject globals             lists the globals a host client sees
#include "bulkhead-test-v1-client-protocol.h"

#include <linux/input-event-codes.h>
#include <wayland-client.h>
#include <xkbcommon/xkbcommon.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct UsageError : std::runtime_error {
	using std::runtime_error::runtime_error;
};

bulkhead_test_manager_v1 *manager = nullptr;
std::string globals;

void handle_global(void *, wl_registry *registry, uint32_t name, const char *interface, uint32_t)
{
	globals += std::string(interface) + "\n";
	if (std::strcmp(interface, bulkhead_test_manager_v1_interface.name) == 0)
		manager = static_cast<bulkhead_test_manager_v1 *>(
			wl_registry_bind(registry, name, &bulkhead_test_manager_v1_interface, 1));
}

void handle_global_remove(void *, wl_registry *, uint32_t) {}

const wl_registry_listener registry_listener = {handle_global, handle_global_remove};

uint32_t button_code(const std::string &name)
{
	if (name == "left")
		return BTN_LEFT;
	if (name == "right")
		return BTN_RIGHT;
	if (name == "middle")
		return BTN_MIDDLE;
	throw UsageError("unknown button '" + name + "' (left, right or middle)");
}

double number(const std::string &text)
{
	char *end = nullptr;
	const double v = std::strtod(text.c_str(), &end);
	if (text.empty() || *end)
		throw UsageError("'" + text + "' is not a number");
	return v;
}

// Keysym to (evdev keycode, needs shift) through a us keymap.
class Keymap {
public:
	Keymap()
	{
		context_ = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
		const xkb_rule_names names = {nullptr, nullptr, "us", nullptr, nullptr};
		keymap_ = xkb_keymap_new_from_names(context_, &names, XKB_KEYMAP_COMPILE_NO_FLAGS);
		if (!keymap_)
			throw std::runtime_error("cannot compile a us keymap");
		for (xkb_keycode_t kc = xkb_keymap_min_keycode(keymap_); kc <= xkb_keymap_max_keycode(keymap_); ++kc) {
			for (xkb_level_index_t level = 0; level < 2; ++level) {
				const xkb_keysym_t *syms = nullptr;
				const int n = xkb_keymap_key_get_syms_by_level(keymap_, kc, 0, level, &syms);
				for (int i = 0; i < n; ++i)
					if (!codes_.count(syms[i]))
						codes_[syms[i]] = {kc - 8, level == 1};
			}
		}
	}
	~Keymap()
	{
		xkb_keymap_unref(keymap_);
		xkb_context_unref(context_);
	}

	std::pair<uint32_t, bool> lookup(xkb_keysym_t sym) const
	{
		auto it = codes_.find(sym);
		if (it == codes_.end())
			throw UsageError("no key for that keysym in the us layout");
		return it->second;
	}

private:
	xkb_context *context_;
	xkb_keymap *keymap_;
	std::map<xkb_keysym_t, std::pair<uint32_t, bool>> codes_;
};

uint32_t modifier_code(std::string name)
{
	for (char &c : name)
		c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
	if (name == "super" || name == "logo" || name == "mod4")
		return KEY_LEFTMETA;
	if (name == "shift")
		return KEY_LEFTSHIFT;
	if (name == "ctrl" || name == "control")
		return KEY_LEFTCTRL;
	if (name == "alt" || name == "mod1")
		return KEY_LEFTALT;
	throw UsageError("unknown modifier '" + name + "'");
}

std::vector<std::string> split_plus(const std::string &combo)
{
	std::vector<std::string> parts;
	std::stringstream ss(combo);
	for (std::string p; std::getline(ss, p, '+');)
		parts.push_back(p);
	if (parts.empty() || parts.back().empty())
		throw UsageError("'" + combo + "' is not a key combination");
	return parts;
}

void key(uint32_t code, bool down)
{
	bulkhead_test_manager_v1_key(manager, code, down ? WL_KEYBOARD_KEY_STATE_PRESSED : WL_KEYBOARD_KEY_STATE_RELEASED);
}

void combo(const Keymap &keymap, const std::string &text)
{
	const auto parts = split_plus(text);
	std::vector<uint32_t> mods;
	for (std::size_t i = 0; i + 1 < parts.size(); ++i)
		mods.push_back(modifier_code(parts[i]));
	const xkb_keysym_t sym = xkb_keysym_from_name(parts.back().c_str(), XKB_KEYSYM_NO_FLAGS);
	if (sym == XKB_KEY_NoSymbol)
		throw UsageError("unknown key '" + parts.back() + "'");
	const auto [code, shifted] = keymap.lookup(sym);
	if (shifted)
		mods.push_back(KEY_LEFTSHIFT);
	for (uint32_t m : mods)
		key(m, true);
	key(code, true);
	key(code, false);
	for (auto it = mods.rbegin(); it != mods.rend(); ++it)
		key(*it, false);
}

void type_text(const Keymap &keymap, const std::string &text)
{
	for (unsigned char c : text) {
		if (c < 0x20 || c > 0x7e)
			throw UsageError("type takes printable ASCII; use key for the rest");
		const auto [code, shifted] = keymap.lookup(xkb_utf32_to_keysym(c));
		if (shifted)
			key(KEY_LEFTSHIFT, true);
		key(code, true);
		key(code, false);
		if (shifted)
			key(KEY_LEFTSHIFT, false);
	}
}

void motion(double x, double y)
{
	bulkhead_test_manager_v1_pointer_motion(manager, wl_fixed_from_double(x), wl_fixed_from_double(y));
}

void button(uint32_t code, bool down)
{
	bulkhead_test_manager_v1_pointer_button(manager, code,
		down ? WL_POINTER_BUTTON_STATE_PRESSED : WL_POINTER_BUTTON_STATE_RELEASED);
}

void run(wl_display *display, const std::vector<std::string> &args)
{
	const std::string &verb = args.at(0);
	auto need = [&](std::size_t n) {
		if (args.size() < n)
			throw UsageError("'" + verb + "' needs more arguments");
	};
	if (verb == "move") {
		need(3);
		motion(number(args[1]), number(args[2]));
	} else if (verb == "click") {
		need(3);
		motion(number(args[1]), number(args[2]));
		const uint32_t b = button_code(args.size() > 3 ? args[3] : "left");
		button(b, true);
		button(b, false);
	} else if (verb == "press" || verb == "release") {
		need(2);
		button(button_code(args[1]), verb == "press");
	} else if (verb == "key") {
		need(2);
		const Keymap keymap;
		for (std::size_t i = 1; i < args.size(); ++i) {
			combo(keymap, args[i]);
			wl_display_roundtrip(display); // one key at a time, as a person types
		}
	} else if (verb == "keydown" || verb == "keyup") {
		need(2);
		const Keymap keymap;
		const xkb_keysym_t sym = xkb_keysym_from_name(args[1].c_str(), XKB_KEYSYM_NO_FLAGS);
		if (sym == XKB_KEY_NoSymbol)
			throw UsageError("unknown key '" + args[1] + "'");
		key(keymap.lookup(sym).first, verb == "keydown");
	} else if (verb == "type") {
		need(2);
		const Keymap keymap;
		type_text(keymap, args[1]);
	} else if (verb == "drag") {
		need(5);
		std::string which = "left";
		std::vector<uint32_t> mods;
		for (std::size_t i = 5; i < args.size(); ++i) {
			if (args[i] == "--mods" && i + 1 < args.size()) {
				for (const auto &m : split_plus(args[++i] + "+x"))
					if (m != "x")
						mods.push_back(modifier_code(m));
			} else {
				which = args[i];
			}
		}
		const double x1 = number(args[1]), y1 = number(args[2]), x2 = number(args[3]), y2 = number(args[4]);
		const uint32_t b = button_code(which);
		for (uint32_t m : mods)
			key(m, true);
		motion(x1, y1);
		button(b, true);
		constexpr int steps = 10;
		for (int i = 1; i <= steps; ++i) {
			motion(x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps);
			wl_display_roundtrip(display);
		}
		button(b, false);
		for (auto it = mods.rbegin(); it != mods.rend(); ++it)
			key(*it, false);
	} else {
		throw UsageError("unknown command '" + verb + "'");
	}
}

} // namespace

int main(int argc, char **argv)
{
	const std::vector<std::string> args(argv + 1, argv + argc);
	if (args.empty()) {
		std::fprintf(stderr, "usage: bulkhead-inject move|click|press|release|key|type|drag ...\n");
		return 2;
	}
	wl_display *display = wl_display_connect(nullptr);
	if (!display) {
		std::fprintf(stderr, "bulkhead-inject: cannot connect to the Wayland display\n");
		return 1;
	}
	wl_registry *registry = wl_display_get_registry(display);
	wl_registry_add_listener(registry, &registry_listener, nullptr);
	wl_display_roundtrip(display);
	if (args[0] == "globals") {
		std::fputs(globals.c_str(), stdout);
		wl_display_disconnect(display);
		return 0;
	}
	if (!manager) {
		std::fprintf(stderr, "bulkhead-inject: the compositor offers no bulkhead_test_manager_v1 "
				     "(not a test build?)\n");
		wl_display_disconnect(display);
		return 2;
	}
	int status = 0;
	try {
		run(display, args);
	} catch (const UsageError &e) {
		std::fprintf(stderr, "bulkhead-inject: %s\n", e.what());
		status = 2;
	} catch (const std::exception &e) {
		std::fprintf(stderr, "bulkhead-inject: %s\n", e.what());
		status = 1;
	}
	// Everything sent has been processed once the round trip returns.
	wl_display_roundtrip(display);
	bulkhead_test_manager_v1_destroy(manager);
	wl_registry_destroy(registry);
	wl_display_disconnect(display);
	return status;
}
