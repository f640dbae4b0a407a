#pragma once
// The seat: keyboards, the pointer, focus and interactive move/resize.
// Focus changes only on the user's input (a click, a binding) or when a window
// the user just launched maps; a client never takes focus by itself.
#include "config/config.hpp"
#include "desktop/geometry.hpp"
#include "listener.hpp"
#include "wlr.hpp"

#include <list>
#include <memory>
#include <set>

namespace bulkhead {

class Server;
class View;
class Keyboard;
class Activation;
class FullscreenEscape;
class PointerConstraints;

class Seat {
public:
	explicit Seat(Server &server);
	~Seat();

	wlr_seat *wlr() const { return seat_; }
	wlr_cursor *cursor() const { return cursor_; }
	Server &server() { return server_; }

	// Every input device, real or injected by tests, arrives here.
	void add_input_device(wlr_input_device *device);
	void remove_keyboard(Keyboard *keyboard);

	void focus_view(View *view);
	View *focused_view() const { return focused_; }

	void handle_view_mapped(View *view);
	void handle_view_unmapped(View *view);
	void handle_view_destroyed(View *view);

	// xdg_toplevel move/resize requests, honoured only during a real button press.
	void begin_client_move(View *view, uint32_t serial);
	void begin_client_resize(View *view, uint32_t serial, uint32_t edges);

	// A named cursor for a client that has pointer focus (serial of its enter).
	void set_client_cursor_shape(wl_client *client, uint32_t serial, const char *name);

	// Keys the compositor owns; true when the key was consumed.
	bool handle_binding(uint32_t modifiers, uint32_t raw_keysym);

	Activation &activation() { return *activation_; }
	FullscreenEscape &fullscreen_escape() { return *fullscreen_escape_; }

private:
	enum class Mode { Passthrough, Move, Resize };

	void begin_move(View *view);
	void begin_resize(View *view, uint32_t edges);
	void end_grab();
	void update_capabilities();
	void process_motion(uint32_t time_msec);
	void handle_cursor_motion(void *data);
	void handle_cursor_motion_absolute(void *data);
	void handle_cursor_button(void *data);
	void handle_cursor_axis(void *data);
	void handle_cursor_frame();
	void handle_request_set_cursor(void *data);
	void handle_request_set_selection(void *data);
	void handle_request_set_primary_selection(void *data);
	void run_action(const Keybinding &binding);

	Server &server_;
	wlr_seat *seat_;
	wlr_cursor *cursor_;
	wlr_xcursor_manager *xcursor_manager_;
	std::list<std::unique_ptr<Keyboard>> keyboards_;
	std::list<std::unique_ptr<Listener>> pointer_destroy_listeners_;
	int pointers_ = 0;
	View *focused_ = nullptr;
	std::unique_ptr<Activation> activation_;
	std::unique_ptr<FullscreenEscape> fullscreen_escape_;
	std::unique_ptr<PointerConstraints> constraints_;

	Mode mode_ = Mode::Passthrough;
	View *grab_view_ = nullptr;
	double grab_x_ = 0, grab_y_ = 0; // cursor position at grab start
	Rect grab_geometry_{};           // outer (move) or content (resize) at grab start
	uint32_t grab_edges_ = EdgeNone;
	uint32_t grab_button_ = 0;

	Listener cursor_motion_, cursor_motion_absolute_, cursor_button_, cursor_axis_, cursor_frame_;
	Listener request_set_cursor_, request_set_selection_, request_set_primary_selection_;
};

} // namespace bulkhead
