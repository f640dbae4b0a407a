#include "input/seat.hpp"

#include "clipboard/clipboard.hpp"

#include "compat.hpp"
#include "desktop/view.hpp"
#include "input/activation.hpp"
#include "input/fullscreen_escape.hpp"
#include "input/keyboard.hpp"
#include "domains/disposables.hpp"
#include "domains/domain.hpp"
#include "input/pointer_constraints.hpp"
#include "server.hpp"

#include <algorithm>
#include <cmath>

namespace bulkhead {

// The config's modifier bits are wlroots' own (config.hpp cannot include its C header).
static_assert(ModShift == WLR_MODIFIER_SHIFT && ModCaps == WLR_MODIFIER_CAPS && ModCtrl == WLR_MODIFIER_CTRL &&
	ModAlt == WLR_MODIFIER_ALT && ModMod2 == WLR_MODIFIER_MOD2 && ModLogo == WLR_MODIFIER_LOGO);

Seat::Seat(Server &server)
	: server_(server), seat_(wlr_seat_create(server.display(), "seat0")), cursor_(wlr_cursor_create()),
	  xcursor_manager_(wlr_xcursor_manager_create(nullptr, 24))
{
	activation_ = std::make_unique<Activation>(server_);
	fullscreen_escape_ = std::make_unique<FullscreenEscape>(*this);
	constraints_ = std::make_unique<PointerConstraints>(*this);
	wlr_cursor_attach_output_layout(cursor_, server_.output_layout());
	wlr_xcursor_manager_load(xcursor_manager_, 1);

	cursor_motion_.connect(&cursor_->events.motion, [this](void *d) { handle_cursor_motion(d); });
	cursor_motion_absolute_.connect(&cursor_->events.motion_absolute,
		[this](void *d) { handle_cursor_motion_absolute(d); });
	cursor_button_.connect(&cursor_->events.button, [this](void *d) { handle_cursor_button(d); });
	cursor_axis_.connect(&cursor_->events.axis, [this](void *d) { handle_cursor_axis(d); });
	cursor_frame_.connect(&cursor_->events.frame, [this](void *) { handle_cursor_frame(); });
	request_set_cursor_.connect(&seat_->events.request_set_cursor,
		[this](void *d) { handle_request_set_cursor(d); });
	request_set_selection_.connect(&seat_->events.request_set_selection,
		[this](void *d) { handle_request_set_selection(d); });
	request_set_primary_selection_.connect(&seat_->events.request_set_primary_selection,
		[this](void *d) { handle_request_set_primary_selection(d); });
}

Seat::~Seat()
{
	keyboards_.clear();
	pointer_destroy_listeners_.clear();
	constraints_.reset();
	fullscreen_escape_.reset();
	activation_.reset();
	// Leave the cursor's signals before the cursor goes.
	for (Listener *l : {&cursor_motion_, &cursor_motion_absolute_, &cursor_button_, &cursor_axis_, &cursor_frame_})
		l->disconnect();
	wlr_xcursor_manager_destroy(xcursor_manager_);
	wlr_cursor_destroy(cursor_);
}

void Seat::add_input_device(wlr_input_device *device)
{
	switch (device->type) {
	case WLR_INPUT_DEVICE_KEYBOARD:
		keyboards_.push_back(std::make_unique<Keyboard>(*this, device));
		break;
	case WLR_INPUT_DEVICE_POINTER: {
		wlr_cursor_attach_input_device(cursor_, device);
		++pointers_;
		auto listener = std::make_unique<Listener>();
		Listener *raw = listener.get();
		listener->connect(&device->events.destroy, [this, raw](void *) {
			--pointers_;
			update_capabilities();
			pointer_destroy_listeners_.remove_if([raw](const auto &l) { return l.get() == raw; });
		});
		pointer_destroy_listeners_.push_back(std::move(listener));
		break;
	}
	default:
		break;
	}
	wlr_log(WLR_INFO, "input device added: %s", device->name ? device->name : "(unnamed)");
	update_capabilities();
}

void Seat::remove_keyboard(Keyboard *keyboard)
{
	keyboards_.remove_if([keyboard](const auto &k) { return k.get() == keyboard; });
	update_capabilities();
}

void Seat::update_capabilities()
{
	uint32_t caps = 0;
	if (pointers_ > 0)
		caps |= WL_SEAT_CAPABILITY_POINTER;
	if (!keyboards_.empty())
		caps |= WL_SEAT_CAPABILITY_KEYBOARD;
	wlr_seat_set_capabilities(seat_, caps);
}

void Seat::focus_view(View *view)
{
	if (view == focused_) {
		if (view)
			view->raise();
		return;
	}
	if (focused_)
		focused_->set_focused(false);
	focused_ = view;
	if (!view) {
		wlr_seat_keyboard_notify_clear_focus(seat_);
		constraints_->update();
		return;
	}
	view->raise();
	view->set_focused(true);
	if (wlr_keyboard *kb = wlr_seat_get_keyboard(seat_))
		wlr_seat_keyboard_notify_enter(seat_, view->surface(), kb->keycodes, kb->num_keycodes,
			&kb->modifiers);
	else
		wlr_seat_keyboard_notify_enter(seat_, view->surface(), nullptr, 0, nullptr);
	constraints_->update();
	wlr_log(WLR_INFO, "view focus id=%u", view->id());
}

void Seat::handle_view_mapped(View *view)
{
	// A window never takes focus by itself. A host window gets it when nothing
	// has focus or the user just launched its program; a VM window only ever
	// by the user's click. Unfocused windows open below the focused one.
	pid_t pid = 0;
	wl_client_get_credentials(view->client(), &pid, nullptr, nullptr);
	const bool host = !server_.domains().domain_of(view->client());
	if (host && (!focused_ || server_.take_user_launch(pid)))
		focus_view(view);
	else if (focused_)
		view->stack_below(focused_);
}

void Seat::handle_view_unmapped(View *view)
{
	if (grab_view_ == view)
		end_grab();
	if (focused_ != view)
		return;
	focused_->set_focused(false);
	focused_ = nullptr;
	wlr_seat_keyboard_notify_clear_focus(seat_);
	constraints_->update();
	// Focus passes to the next window down, as the user would expect after a close.
	for (const auto &other : server_.views())
		if (other.get() != view && other->mapped()) {
			focus_view(other.get());
			break;
		}
}

void Seat::handle_view_destroyed(View *view)
{
	if (grab_view_ == view)
		end_grab();
	if (focused_ == view) {
		focused_ = nullptr;
		constraints_->update();
	}
}

void Seat::begin_move(View *view)
{
	mode_ = Mode::Move;
	grab_view_ = view;
	grab_x_ = cursor_->x;
	grab_y_ = cursor_->y;
	grab_geometry_ = view->outer();
}

void Seat::begin_resize(View *view, uint32_t edges)
{
	mode_ = Mode::Resize;
	grab_view_ = view;
	grab_x_ = cursor_->x;
	grab_y_ = cursor_->y;
	grab_geometry_ = view->content();
	grab_edges_ = edges;
	view->begin_resize(edges);
}

void Seat::end_grab()
{
	if (mode_ == Mode::Resize && grab_view_)
		grab_view_->end_resize();
	mode_ = Mode::Passthrough;
	grab_view_ = nullptr;
	grab_button_ = 0;
}

void Seat::begin_client_move(View *view, uint32_t serial)
{
	if (mode_ != Mode::Passthrough || !wlr_seat_validate_pointer_grab_serial(seat_, view->surface(), serial))
		return;
	begin_move(view);
}

void Seat::begin_client_resize(View *view, uint32_t serial, uint32_t edges)
{
	if (mode_ != Mode::Passthrough || !wlr_seat_validate_pointer_grab_serial(seat_, view->surface(), serial))
		return;
	begin_resize(view, edges);
}

void Seat::process_motion(uint32_t time_msec)
{
	if (mode_ == Mode::Move && grab_view_) {
		// Rounded, not truncated: the cursor's position is fractional.
		grab_view_->move_to(grab_geometry_.x + static_cast<int>(std::lround(cursor_->x - grab_x_)),
			grab_geometry_.y + static_cast<int>(std::lround(cursor_->y - grab_y_)));
		return;
	}
	if (mode_ == Mode::Resize && grab_view_) {
		const Rect r = resize_rect(grab_geometry_, grab_edges_, static_cast<int>(std::lround(cursor_->x - grab_x_)),
			static_cast<int>(std::lround(cursor_->y - grab_y_)), grab_view_->size_limits());
		grab_view_->request_size(r.width, r.height);
		return;
	}

	wlr_surface *surface = nullptr;
	double sx = 0, sy = 0;
	View *view = server_.view_at(cursor_->x, cursor_->y, &surface, &sx, &sy);
	if (!view || !surface)
		wlr_xcursor_manager_set_cursor_image(xcursor_manager_, "left_ptr", cursor_);
	if (surface) {
		wlr_seat_pointer_notify_enter(seat_, surface, sx, sy);
		wlr_seat_pointer_notify_motion(seat_, time_msec, sx, sy);
	} else {
		wlr_seat_pointer_clear_focus(seat_);
	}
	constraints_->update();
}

void Seat::handle_cursor_motion(void *data)
{
	auto *event = static_cast<compat::PointerMotionEvent *>(data);
	double dx = event->delta_x, dy = event->delta_y;
	if (mode_ == Mode::Passthrough && !constraints_->constrain(dx, dy))
		return;
	wlr_cursor_move(cursor_, event->device, dx, dy);
	process_motion(event->time_msec);
}

void Seat::handle_cursor_motion_absolute(void *data)
{
	auto *event = static_cast<compat::PointerMotionAbsoluteEvent *>(data);
	double lx = 0, ly = 0;
	wlr_cursor_absolute_to_layout_coords(cursor_, event->device, event->x, event->y, &lx, &ly);
	double dx = lx - cursor_->x, dy = ly - cursor_->y;
	if (mode_ == Mode::Passthrough && !constraints_->constrain(dx, dy))
		return;
	wlr_cursor_move(cursor_, event->device, dx, dy);
	process_motion(event->time_msec);
}

void Seat::handle_cursor_button(void *data)
{
	auto *event = static_cast<compat::PointerButtonEvent *>(data);

	if (event->state == WLR_BUTTON_RELEASED) {
		if (mode_ != Mode::Passthrough) {
			// The press that started a compositor grab was never sent to the
			// client, so neither is its release.
			const bool compositor_grab = grab_button_ != 0;
			if (!compositor_grab || event->button == grab_button_) {
				end_grab();
				process_motion(event->time_msec);
			}
			if (compositor_grab)
				return;
		}
		wlr_seat_pointer_notify_button(seat_, event->time_msec, event->button, event->state);
		return;
	}

	wlr_surface *surface = nullptr;
	double sx = 0, sy = 0;
	View *view = server_.view_at(cursor_->x, cursor_->y, &surface, &sx, &sy);
	if (view)
		focus_view(view); // click to focus: the only way a pointer moves focus
	else if (mode_ == Mode::Passthrough)
		focus_view(nullptr);
	constraints_->handle_click(surface);

	wlr_keyboard *kb = wlr_seat_get_keyboard(seat_);
	const bool super = kb && (wlr_keyboard_get_modifiers(kb) & WLR_MODIFIER_LOGO);
	if (view && mode_ == Mode::Passthrough) {
		if (super && event->button == BTN_LEFT) {
			begin_move(view);
			grab_button_ = event->button;
			return;
		}
		if (super && event->button == BTN_RIGHT) {
			begin_resize(view, edges_for_point(view->content(),
				{static_cast<int>(cursor_->x), static_cast<int>(cursor_->y)}));
			grab_button_ = event->button;
			return;
		}
		if (!surface && event->button == BTN_LEFT && view->title_bar().contains(
				{static_cast<int>(cursor_->x), static_cast<int>(cursor_->y)})) {
			begin_move(view); // dragging the title bar moves the window
			grab_button_ = event->button;
			return;
		}
	}
	wlr_seat_pointer_notify_button(seat_, event->time_msec, event->button, event->state);
	activation_->note_input(seat_->pointer_state.focused_client ? seat_->pointer_state.focused_client->client : nullptr);
}

void Seat::handle_cursor_axis(void *data)
{
	auto *event = static_cast<compat::PointerAxisEvent *>(data);
	wlr_seat_pointer_notify_axis(seat_, event->time_msec, event->orientation, event->delta,
		event->delta_discrete, event->source);
}

void Seat::handle_cursor_frame()
{
	wlr_seat_pointer_notify_frame(seat_);
}

void Seat::handle_request_set_cursor(void *data)
{
	auto *event = static_cast<wlr_seat_pointer_request_set_cursor_event *>(data);
	// Only the client under the pointer may set its image.
	if (event->seat_client == seat_->pointer_state.focused_client)
		wlr_cursor_set_surface(cursor_, event->surface, event->hotspot_x, event->hotspot_y);
}

void Seat::set_client_cursor_shape(wl_client *client, uint32_t serial, const char *name)
{
	wlr_seat_client *focused = seat_->pointer_state.focused_client;
	if (!focused || focused->client != client || mode_ != Mode::Passthrough)
		return;
	if (!wlr_seat_client_validate_event_serial(focused, serial))
		return;
	if (*name)
		wlr_xcursor_manager_set_cursor_image(xcursor_manager_, name, cursor_);
	else
		wlr_cursor_set_image(cursor_, nullptr, 0, 0, 0, 0, 0, 0);
}

void Seat::handle_request_set_selection(void *data)
{
	auto *event = static_cast<wlr_seat_request_set_selection_event *>(data);
	wlr_seat_set_selection(seat_, event->source, event->serial);
}

void Seat::handle_request_set_primary_selection(void *data)
{
	auto *event = static_cast<wlr_seat_request_set_primary_selection_event *>(data);
	wlr_seat_set_primary_selection(seat_, event->source, event->serial);
}

bool Seat::handle_binding(uint32_t modifiers, uint32_t raw_keysym)
{
	// Lock modifiers never change what a shortcut means.
	modifiers &= ~(WLR_MODIFIER_CAPS | WLR_MODIFIER_MOD2);
	const uint32_t sym = xkb_keysym_to_lower(raw_keysym);

	if (sym >= XKB_KEY_XF86Switch_VT_1 && sym <= XKB_KEY_XF86Switch_VT_12) {
		if (wlr_session *session = wlr_backend_get_session(server_.backend()))
			wlr_session_change_vt(session, sym - XKB_KEY_XF86Switch_VT_1 + 1);
		return true;
	}
	if (server_.disposables().handle_prompt_key(modifiers, sym))
		return true;
	for (const Keybinding &binding : server_.config().bindings) {
		if (binding.modifiers == modifiers && binding.keysym == sym) {
			run_action(binding);
			return true;
		}
	}
	return false;
}

void Seat::run_action(const Keybinding &binding)
{
	wlr_log(WLR_INFO, "binding %s", binding.text.c_str());
	switch (binding.action) {
	case Action::Terminal:
		server_.spawn(server_.config().terminal);
		break;
	case Action::Spawn:
		server_.spawn(binding.command);
		break;
	case Action::Close:
		if (focused_)
			focused_->close();
		break;
	case Action::Exit:
		server_.terminate();
		break;
	case Action::DisposableBrowser:
		server_.disposables().open_browser();
		break;
	case Action::ReleasePointer:
		constraints_->release();
		break;
	case Action::ClipboardCopy:
		server_.clipboard().copy(focused_);
		break;
	case Action::ClipboardPaste:
		server_.clipboard().paste(focused_);
		break;
	case Action::KillDomain:
		if (Domain *domain = focused_ ? server_.domains().domain_of(focused_->client()) : nullptr)
			domain->kill("the user pressed " + binding.text);
		else
			wlr_log(WLR_INFO, "kill-domain: the focused window is not a VM's; nothing killed");
		break;
	}
}

} // namespace bulkhead
