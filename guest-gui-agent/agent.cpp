#include "agent.hpp"

#include "compat.hpp"
#include "host_link.hpp"
#include "services.hpp"

#include <algorithm>
#include <stdexcept>

namespace bulkhead::agent {
namespace {

void keyboard_destroy_noop(wlr_keyboard *) {}
void device_destroy_noop(wlr_input_device *) {}
const wlr_keyboard_impl keyboard_impl = {.destroy = keyboard_destroy_noop, .led_update = nullptr};
const wlr_input_device_impl device_impl = {.destroy = device_destroy_noop};

} // namespace

Agent::Agent(std::string domain) : domain_(std::move(domain))
{
	display_ = wl_display_create();
	loop_ = wl_display_get_event_loop(display_);
	// No screen and no input devices in the guest: everything comes from the host.
	backend_ = wlr_headless_backend_create(display_);
	renderer_ = backend_ ? wlr_renderer_autocreate(backend_) : nullptr;
	if (!renderer_)
		throw std::runtime_error("cannot create the headless backend and pixman renderer");
	wlr_renderer_init_wl_display(renderer_, display_);
	allocator_wlr_ = wlr_allocator_autocreate(backend_, renderer_);

	compositor_ = wlr_compositor_create(display_, renderer_);
	wlr_data_device_manager_create(display_);
	// Clipboard tools (wl-copy, wl-paste, clipboard managers) work without a
	// focused window this way; the guest is one domain, so all its apps share it.
	wlr_data_control_manager_v1_create(display_);
	xdg_shell_ = wlr_xdg_shell_create(display_);
	seat_ = wlr_seat_create(display_, "seat0");
	request_set_selection_.connect(&seat_->events.request_set_selection,
		[this](void *d) { handle_request_set_selection(d); });
	decoration_manager_ = wlr_xdg_decoration_manager_v1_create(display_);
	wlr_server_decoration_manager *kde = wlr_server_decoration_manager_create(display_);
	wlr_server_decoration_manager_set_default_mode(kde, WLR_SERVER_DECORATION_MANAGER_MODE_SERVER);
	activation_ = wlr_xdg_activation_v1_create(display_);

	wlr_input_device_init(&keyboard_device_, WLR_INPUT_DEVICE_KEYBOARD, &device_impl, "host-keyboard", 0, 0);
	wlr_keyboard_init(&keyboard_, &keyboard_impl);
	keyboard_device_.keyboard = &keyboard_;
	wlr_seat_set_capabilities(seat_, WL_SEAT_CAPABILITY_KEYBOARD | WL_SEAT_CAPABILITY_POINTER);

	new_output_.connect(&backend_->events.new_output, [this](void *d) {
		auto *output = static_cast<wlr_output *>(d);
		wlr_output_init_render(output, allocator_wlr_, renderer_);
		output_ = output;
	});
	new_xdg_surface_.connect(&xdg_shell_->events.new_surface,
		[this](void *d) { handle_new_xdg_surface(static_cast<wlr_xdg_surface *>(d)); });
	// Whatever token the app holds, the host only marks the window urgent: the
	// guest's own input events prove nothing to the host.
	request_activate_.connect(&activation_->events.request_activate, [this](void *d) {
		auto *event = static_cast<wlr_xdg_activation_v1_request_activate_event *>(d);
		for (auto &w : windows_)
			if (!w->is_popup() && w->surface() == event->surface)
				send_demands_attention(w->id());
	});
	new_decoration_.connect(&decoration_manager_->events.new_toplevel_decoration,
		[this](void *d) { handle_new_decoration(static_cast<wlr_xdg_toplevel_decoration_v1 *>(d)); });

	// The guest's one output; its real size and scale come with the host's welcome.
	wlr_headless_add_output(backend_, 1920, 1080);
	if (!wlr_backend_start(backend_))
		throw std::runtime_error("cannot start the headless backend");
	set_output(1920, 1080, 1);
}

Agent::~Agent()
{
	link_ = nullptr;
	request_activate_.disconnect(); // the activation global goes with the display
	clipboard_reads_.clear();
	wl_display_destroy_clients(display_);
	windows_.clear();
	decoration_listeners_.clear();
	wlr_input_device_destroy(&keyboard_device_);
	wlr_backend_destroy(backend_);
	wl_display_destroy(display_);
}

void Agent::listen(const std::string &socket_path)
{
	// libwayland resolves absolute names as paths (1.20+): the socket lives in
	// the domain's own directory, not in a runtime dir shared with the host.
	if (wl_display_add_socket(display_, socket_path.c_str()) != 0)
		throw std::runtime_error("cannot listen on " + socket_path);
}

void Agent::set_output(int32_t width, int32_t height, int32_t scale)
{
	if (!output_)
		return;
	wlr_output_enable(output_, true);
	wlr_output_set_custom_mode(output_, width, height, 60000);
	wlr_output_set_scale(output_, static_cast<float>(scale));
	wlr_output_commit(output_);
}

void Agent::set_keymap(const std::string &keymap_text)
{
	xkb_context *context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	xkb_keymap *keymap = xkb_keymap_new_from_string(context, keymap_text.c_str(), XKB_KEYMAP_FORMAT_TEXT_V1,
		XKB_KEYMAP_COMPILE_NO_FLAGS);
	xkb_context_unref(context);
	if (!keymap) {
		wlr_log(WLR_ERROR, "the host's keymap does not compile; keeping the previous one");
		return;
	}
	wlr_keyboard_set_keymap(&keyboard_, keymap);
	xkb_keymap_unref(keymap);
	wlr_seat_set_keyboard(seat_, &keyboard_device_);
}

bool Agent::set_region(std::unique_ptr<SharedRegion> region)
{
	// Buffers of a previous connection point into a region that is gone.
	for (auto &w : windows_)
		w->reset_buffers();
	region_ = std::move(region);
	allocator_ = std::make_unique<RegionAllocator>(region_->size());
	return true;
}

void Agent::attach_link(HostLink *link)
{
	link_ = link;
	if (services_)
		services_->set_link(link);
	replay_windows();
}

void Agent::detach_link()
{
	link_ = nullptr;
	if (services_)
		services_->set_link(nullptr);
	pointer_window_ = nullptr;
	wlr_seat_pointer_clear_focus(seat_);
	wlr_seat_keyboard_clear_focus(seat_);
}

void Agent::replay_windows()
{
	// Parents were created before their popups, so list order is a valid order.
	for (auto &w : windows_)
		w->announce();
}

void Agent::handle_new_xdg_surface(wlr_xdg_surface *surface)
{
	if (surface->role == WLR_XDG_SURFACE_ROLE_TOPLEVEL)
		windows_.push_back(std::make_unique<Window>(*this, next_window_id_++, surface, nullptr));
	// Popups arrive through their parent's new_popup event.
}

void Agent::add_popup(wlr_xdg_surface *surface, Window *parent)
{
	windows_.push_back(std::make_unique<Window>(*this, next_window_id_++, surface, parent));
}

void Agent::remove_window(Window *window)
{
	if (pointer_window_ == window)
		pointer_window_ = nullptr;
	windows_.remove_if([window](const auto &w) { return w.get() == window; });
}

Window *Agent::window(uint32_t id)
{
	for (auto &w : windows_)
		if (w->id() == id)
			return w.get();
	return nullptr;
}

void Agent::handle_new_decoration(wlr_xdg_toplevel_decoration_v1 *decoration)
{
	// The host draws the only frame that counts; clients draw none.
	auto listener = std::make_unique<Listener>();
	Listener *raw = listener.get();
	listener->connect(&decoration->events.destroy, [this, raw](void *) {
		decoration_listeners_.remove_if([raw](const auto &l) { return l.get() == raw; });
	});
	decoration_listeners_.push_back(std::move(listener));
	wlr_xdg_toplevel_decoration_v1_set_mode(decoration, WLR_XDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
}

void Agent::handle_request_set_selection(void *data)
{
	auto *event = static_cast<wlr_seat_request_set_selection_event *>(data);
	wlr_seat_set_selection(seat_, event->source, event->serial);
}

void Agent::clipboard_request(uint32_t serial)
{
	clipboard_reads_[serial] = std::make_unique<SelectionReader>(loop_, seat_->selection_source,
		wire::limit::clipboard_bytes, [this, serial](SelectionReader::Status status, std::string data) {
			if (status == SelectionReader::Status::TooLarge)
				wlr_log(WLR_INFO, "the selection is over %u bytes; the host gets none of it",
					wire::limit::clipboard_bytes);
			if (link_)
				link_->send_clipboard_data(serial, data);
			clipboard_reads_.erase(serial); // destroys the reader: nothing may follow
		});
}

void Agent::clipboard_set(const std::string &data)
{
	wlr_seat_set_selection(seat_, create_text_source(loop_, data), wl_display_next_serial(display_));
	wlr_log(WLR_INFO, "the host pasted %zu bytes into the selection", data.size());
}

#define FORWARD(call) \
	do { \
		if (link_) \
			link_->call; \
	} while (0)

void Agent::send_create_window(uint32_t id, uint32_t parent, int32_t x, int32_t y)
{
	FORWARD(send_create_window(id, parent, x, y));
}
void Agent::send_destroy_window(uint32_t id) { FORWARD(send_destroy_window(id)); }
void Agent::send_map(uint32_t id) { FORWARD(send_map(id)); }
void Agent::send_unmap(uint32_t id) { FORWARD(send_unmap(id)); }
void Agent::send_title(uint32_t id, const std::string &title) { FORWARD(send_title(id, title)); }
void Agent::send_app_id(uint32_t id, const std::string &app_id) { FORWARD(send_app_id(id, app_id)); }
void Agent::send_fullscreen(uint32_t id, bool fullscreen) { FORWARD(send_fullscreen(id, fullscreen)); }
void Agent::send_demands_attention(uint32_t id) { FORWARD(send_demands_attention(id)); }
void Agent::send_size_hints(uint32_t id, uint32_t min_w, uint32_t min_h, uint32_t max_w, uint32_t max_h)
{
	FORWARD(send_size_hints(id, min_w, min_h, max_w, max_h));
}
void Agent::send_attach(uint32_t id, const RegionBuffer &buffer, uint32_t format,
	const std::vector<pixman_box32_t> &damage)
{
	FORWARD(send_attach(id, buffer, format, damage));
}

#undef FORWARD

void Agent::keyboard_enter(uint32_t id)
{
	Window *w = window(id);
	if (!w || !w->mapped())
		return;
	wlr_seat_set_keyboard(seat_, &keyboard_device_);
	wlr_seat_keyboard_notify_enter(seat_, w->surface(), keyboard_.keycodes, keyboard_.num_keycodes,
		&keyboard_.modifiers);
}

void Agent::keyboard_leave(uint32_t id)
{
	Window *w = window(id);
	if (w && seat_->keyboard_state.focused_surface == w->surface())
		wlr_seat_keyboard_notify_clear_focus(seat_);
}

void Agent::keyboard_key(uint32_t time_msec, uint32_t key, bool pressed)
{
	wlr_event_keyboard_key event{};
	event.time_msec = time_msec;
	event.keycode = key;
	event.update_state = true;
	event.state = pressed ? WL_KEYBOARD_KEY_STATE_PRESSED : WL_KEYBOARD_KEY_STATE_RELEASED;
	// Keeps the keyboard's own xkb state (and so its modifiers) in step.
	wlr_keyboard_notify_key(&keyboard_, &event);
	wlr_seat_set_keyboard(seat_, &keyboard_device_);
	wlr_seat_keyboard_notify_key(seat_, time_msec, key, event.state);
}

void Agent::keyboard_modifiers(uint32_t depressed, uint32_t latched, uint32_t locked, uint32_t group)
{
	wlr_keyboard_notify_modifiers(&keyboard_, depressed, latched, locked, group);
	wlr_seat_set_keyboard(seat_, &keyboard_device_);
	wlr_seat_keyboard_notify_modifiers(seat_, &keyboard_.modifiers);
}

void Agent::pointer_enter(uint32_t id, double x, double y)
{
	Window *w = window(id);
	if (!w || !w->mapped())
		return;
	pointer_window_ = w;
	// Host coordinates start at the window geometry, surface ones at the buffer.
	x += w->geometry().x;
	y += w->geometry().y;
	double sx = 0, sy = 0;
	wlr_surface *surface = wlr_xdg_surface_surface_at(w->xdg(), x, y, &sx, &sy);
	if (!surface) {
		surface = w->surface();
		sx = x;
		sy = y;
	}
	wlr_seat_pointer_notify_enter(seat_, surface, sx, sy);
}

void Agent::pointer_leave(uint32_t id)
{
	if (pointer_window_ && pointer_window_->id() == id) {
		pointer_window_ = nullptr;
		wlr_seat_pointer_clear_focus(seat_);
	}
}

void Agent::pointer_motion(uint32_t time_msec, double x, double y)
{
	if (!pointer_window_)
		return;
	x += pointer_window_->geometry().x;
	y += pointer_window_->geometry().y;
	double sx = 0, sy = 0;
	wlr_surface *surface = wlr_xdg_surface_surface_at(pointer_window_->xdg(), x, y, &sx, &sy);
	if (surface) {
		wlr_seat_pointer_notify_enter(seat_, surface, sx, sy);
		wlr_seat_pointer_notify_motion(seat_, time_msec, sx, sy);
	}
	wlr_seat_pointer_notify_frame(seat_);
}

void Agent::pointer_button(uint32_t time_msec, uint32_t button, bool pressed)
{
	wlr_seat_pointer_notify_button(seat_, time_msec, button,
		pressed ? WLR_BUTTON_PRESSED : WLR_BUTTON_RELEASED);
	wlr_seat_pointer_notify_frame(seat_);
}

void Agent::pointer_axis(uint32_t time_msec, bool horizontal, double value, int32_t discrete)
{
	wlr_seat_pointer_notify_axis(seat_, time_msec,
		horizontal ? WLR_AXIS_ORIENTATION_HORIZONTAL : WLR_AXIS_ORIENTATION_VERTICAL, value, discrete,
		WLR_AXIS_SOURCE_WHEEL);
	wlr_seat_pointer_notify_frame(seat_);
}

} // namespace bulkhead::agent
