#include "test_hooks.hpp"

#include "bulkhead-test-v1-protocol.h"
#include "compat.hpp"
#include "input/seat.hpp"
#include "server.hpp"

namespace bulkhead {
namespace {

uint32_t now_msec()
{
	return static_cast<uint32_t>(monotonic_ms());
}

// The devices are members of TestHooks, not heap objects wlroots may free.
void destroy_device_noop(wlr_input_device *) {}
void destroy_keyboard_noop(wlr_keyboard *) {}
void destroy_pointer_noop(wlr_pointer *) {}

const wlr_input_device_impl device_impl = {.destroy = destroy_device_noop};
const wlr_keyboard_impl keyboard_impl = {.destroy = destroy_keyboard_noop, .led_update = nullptr};
const wlr_pointer_impl pointer_impl = {.destroy = destroy_pointer_noop};

TestHooks *hooks_from(wl_resource *resource)
{
	return static_cast<TestHooks *>(wl_resource_get_user_data(resource));
}

void handle_destroy(wl_client *, wl_resource *resource)
{
	wl_resource_destroy(resource);
}

void handle_pointer_motion(wl_client *, wl_resource *resource, wl_fixed_t x, wl_fixed_t y)
{
	hooks_from(resource)->pointer_motion(wl_fixed_to_double(x), wl_fixed_to_double(y));
}

void handle_pointer_button(wl_client *, wl_resource *resource, uint32_t button, uint32_t state)
{
	hooks_from(resource)->pointer_button(button, state);
}

void handle_key(wl_client *, wl_resource *resource, uint32_t key, uint32_t state)
{
	hooks_from(resource)->key(key, state);
}

const struct bulkhead_test_manager_v1_interface manager_impl = {
	.destroy = handle_destroy,
	.pointer_motion = handle_pointer_motion,
	.pointer_button = handle_pointer_button,
	.key = handle_key,
};

} // namespace

TestHooks::TestHooks(Server &server) : server_(server)
{
	wlr_log(WLR_INFO, "test build: input injection (bulkhead_test_manager_v1) is enabled");
	wlr_input_device_init(&keyboard_device_, WLR_INPUT_DEVICE_KEYBOARD, &device_impl,
		"bulkhead-test-keyboard", 0, 0);
	wlr_keyboard_init(&keyboard_, &keyboard_impl);
	keyboard_device_.keyboard = &keyboard_;
	wlr_input_device_init(&pointer_device_, WLR_INPUT_DEVICE_POINTER, &device_impl,
		"bulkhead-test-pointer", 0, 0);
	wlr_pointer_init(&pointer_, &pointer_impl);
	pointer_device_.pointer = &pointer_;
	server_.seat().add_input_device(&keyboard_device_);
	server_.seat().add_input_device(&pointer_device_);

	global_ = wl_global_create(server_.display(), &bulkhead_test_manager_v1_interface, 1, this, &TestHooks::bind);
}

TestHooks::~TestHooks()
{
	if (global_)
		wl_global_destroy(global_);
	wlr_input_device_destroy(&keyboard_device_);
	wlr_input_device_destroy(&pointer_device_);
}

void TestHooks::bind(wl_client *client, void *data, uint32_t version, uint32_t id)
{
	wl_resource *resource = wl_resource_create(client, &bulkhead_test_manager_v1_interface,
		static_cast<int>(version), id);
	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(resource, &manager_impl, data, nullptr);
}

void TestHooks::key(uint32_t keycode, uint32_t state)
{
	wlr_event_keyboard_key event{};
	event.time_msec = now_msec();
	event.keycode = keycode;
	event.update_state = true;
	event.state = state ? WL_KEYBOARD_KEY_STATE_PRESSED : WL_KEYBOARD_KEY_STATE_RELEASED;
	wlr_keyboard_notify_key(&keyboard_, &event);
}

void TestHooks::pointer_motion(double lx, double ly)
{
	// Absolute events are in 0..1 over the whole layout.
	const wlr_box extents = compat::output_layout_box(server_.output_layout(), nullptr);
	if (extents.width <= 0 || extents.height <= 0)
		return;
	wlr_event_pointer_motion_absolute event{};
	event.device = &pointer_device_;
	event.time_msec = now_msec();
	event.x = (lx - extents.x) / extents.width;
	event.y = (ly - extents.y) / extents.height;
	wl_signal_emit(&pointer_.events.motion_absolute, &event);
	wl_signal_emit(&pointer_.events.frame, &pointer_);
}

void TestHooks::pointer_button(uint32_t button, uint32_t state)
{
	wlr_event_pointer_button event{};
	event.device = &pointer_device_;
	event.time_msec = now_msec();
	event.button = button;
	event.state = state ? WLR_BUTTON_PRESSED : WLR_BUTTON_RELEASED;
	wl_signal_emit(&pointer_.events.button, &event);
	wl_signal_emit(&pointer_.events.frame, &pointer_);
}

} // namespace bulkhead
