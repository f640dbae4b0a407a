#pragma once
// Test builds only: the bulkhead_test_manager_v1 global, which injects keyboard
// and pointer events through input devices of its own, so tests drive the same
// code paths as real hardware.
#include "wlr.hpp"

namespace bulkhead {

class Server;

class TestHooks {
public:
	explicit TestHooks(Server &server);
	~TestHooks();

	void key(uint32_t keycode, uint32_t state);
	void pointer_motion(double lx, double ly);
	void pointer_button(uint32_t button, uint32_t state);

private:
	static void bind(wl_client *client, void *data, uint32_t version, uint32_t id);

	Server &server_;
	wl_global *global_ = nullptr;
	wlr_input_device keyboard_device_{};
	wlr_keyboard keyboard_{};
	wlr_input_device pointer_device_{};
	wlr_pointer pointer_{};
};

} // namespace bulkhead
