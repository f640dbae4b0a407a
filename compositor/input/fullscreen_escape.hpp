#pragma once
// Escape held for one second always takes the focused window out of full
// screen (qubes-issues #6785): no client can keep the user from leaving. A
// short press reaches the client as usual; a held one reaches it too, until
// the second is up, when the client sees the key released.
#include "wlr.hpp"

#include <cstdint>

namespace bulkhead {

class Seat;

class FullscreenEscape {
public:
	explicit FullscreenEscape(Seat &seat);
	~FullscreenEscape();
	FullscreenEscape(const FullscreenEscape &) = delete;
	FullscreenEscape &operator=(const FullscreenEscape &) = delete;

	// Every key event (evdev keycode, level-0 keysym). True when the event must
	// not reach the client: the release of an Escape that already ended full screen.
	bool handle_key(uint32_t keycode, uint32_t keysym, bool pressed);

private:
	static int handle_timer(void *data);

	Seat &seat_;
	wl_event_source *timer_;
	uint32_t keycode_ = 0;
	bool held_ = false;  // an Escape press is being timed
	bool fired_ = false; // the second passed; its release is ours
};

} // namespace bulkhead
