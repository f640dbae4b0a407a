#include "input/fullscreen_escape.hpp"

#include "desktop/view.hpp"
#include "input/seat.hpp"
#include "server.hpp"

namespace bulkhead {
namespace {
constexpr int hold_ms = 1000;
}

FullscreenEscape::FullscreenEscape(Seat &seat)
	: seat_(seat), timer_(wl_event_loop_add_timer(seat.server().event_loop(), &FullscreenEscape::handle_timer, this))
{
}

FullscreenEscape::~FullscreenEscape()
{
	wl_event_source_remove(timer_);
}

bool FullscreenEscape::handle_key(uint32_t keycode, uint32_t keysym, bool pressed)
{
	if (pressed) {
		View *view = seat_.focused_view();
		if (keysym == XKB_KEY_Escape && view && view->fullscreen() && !held_) {
			held_ = true;
			fired_ = false;
			keycode_ = keycode;
			wl_event_source_timer_update(timer_, hold_ms);
		}
		return false;
	}
	if (!held_ || keycode != keycode_)
		return false;
	held_ = false;
	wl_event_source_timer_update(timer_, 0);
	return fired_;
}

int FullscreenEscape::handle_timer(void *data)
{
	auto *self = static_cast<FullscreenEscape *>(data);
	View *view = self->seat_.focused_view();
	if (!self->held_ || !view || !view->fullscreen())
		return 0;
	self->fired_ = true;
	// The client had the press; it gets the release now, so nothing repeats.
	wlr_seat_keyboard_notify_key(self->seat_.wlr(), static_cast<uint32_t>(monotonic_ms()), self->keycode_,
		WL_KEYBOARD_KEY_STATE_RELEASED);
	wlr_log(WLR_INFO, "Escape held: view id=%u leaves full screen", view->id());
	view->set_fullscreen(false);
	return 0;
}

} // namespace bulkhead
