#pragma once
// The guest agent's headless Wayland compositor. It is built on wlroots (headless
// backend, pixman renderer that never renders) rather than bare
// libwayland-server: wlroots' xdg-shell, subsurface, seat and data-device
// implementations are the ones desktop compositors rely on, so guest apps meet
// a conformant server, and with the pixman renderer a committed wl_shm buffer
// stays mapped until the next commit, so its pixels are copied straight from
// client memory into the shared region, once.
#include "clipboard/selection.hpp"
#include "listener.hpp"
#include "region.hpp"
#include "region_allocator.hpp"
#include "window.hpp"
#include "wlr.hpp"

#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bulkhead::agent {

class HostLink;
class Services;

class Agent {
public:
	explicit Agent(std::string domain);
	~Agent();
	Agent(const Agent &) = delete;
	Agent &operator=(const Agent &) = delete;

	// Listens for guest apps on an absolute socket path.
	void listen(const std::string &socket_path);
	void run() { wl_display_run(display_); }
	void terminate() { wl_display_terminate(display_); }

	wl_display *display() const { return display_; }
	wl_event_loop *event_loop() const { return loop_; }
	const std::string &domain() const { return domain_; }

	// The link to the host: windows are announced to it; without one, windows
	// wait and are replayed when a daemon connects.
	void attach_link(HostLink *link);
	void detach_link();

	// Apps, files and open requests; owned by main, outlives every link.
	void set_services(Services *services) { services_ = services; }
	Services &services() { return *services_; }

	// Set once per connection from the host's welcome.
	bool set_region(std::unique_ptr<SharedRegion> region);
	bool has_region() const { return region_ && region_->mapped(); }
	SharedRegion &region() { return *region_; }
	RegionAllocator &allocator() { return *allocator_; }
	void set_output(int32_t width, int32_t height, int32_t scale);
	void set_keymap(const std::string &keymap_text);

	// Messages to the host, from windows.
	void send_create_window(uint32_t id, uint32_t parent, int32_t x, int32_t y);
	void send_destroy_window(uint32_t id);
	void send_map(uint32_t id);
	void send_unmap(uint32_t id);
	void send_title(uint32_t id, const std::string &title);
	void send_app_id(uint32_t id, const std::string &app_id);
	void send_fullscreen(uint32_t id, bool fullscreen);
	void send_demands_attention(uint32_t id);
	void send_size_hints(uint32_t id, uint32_t min_w, uint32_t min_h, uint32_t max_w, uint32_t max_h);
	void send_attach(uint32_t id, const RegionBuffer &buffer, uint32_t format,
		const std::vector<pixman_box32_t> &damage);

	// Input and window management from the host.
	Window *window(uint32_t id);
	void keyboard_enter(uint32_t id);
	void keyboard_leave(uint32_t id);
	void keyboard_key(uint32_t time_msec, uint32_t key, bool pressed);
	void keyboard_modifiers(uint32_t depressed, uint32_t latched, uint32_t locked, uint32_t group);
	void pointer_enter(uint32_t id, double x, double y);
	void pointer_leave(uint32_t id);
	void pointer_motion(uint32_t time_msec, double x, double y);
	void pointer_button(uint32_t time_msec, uint32_t button, bool pressed);
	void pointer_axis(uint32_t time_msec, bool horizontal, double value, int32_t discrete);

	// The secure clipboard: the host asks for the guest's selection (answered
	// with clipboard-data, empty when there is no text or it is over the wire
	// limit) or sets it (the agent then owns the guest's selection).
	void clipboard_request(uint32_t serial);
	void clipboard_set(const std::string &data);

	void add_popup(wlr_xdg_surface *surface, Window *parent);
	void remove_window(Window *window);

private:
	void handle_new_xdg_surface(wlr_xdg_surface *surface);
	void handle_new_decoration(wlr_xdg_toplevel_decoration_v1 *decoration);
	void replay_windows();
	void handle_request_set_selection(void *data);

	std::string domain_;
	wl_display *display_;
	wl_event_loop *loop_;
	wlr_backend *backend_;
	wlr_renderer *renderer_;
	wlr_allocator *allocator_wlr_;
	wlr_compositor *compositor_;
	wlr_xdg_shell *xdg_shell_;
	wlr_seat *seat_;
	wlr_output *output_ = nullptr;
	wlr_xdg_decoration_manager_v1 *decoration_manager_;
	wlr_xdg_activation_v1 *activation_;
	wlr_input_device keyboard_device_{};
	wlr_keyboard keyboard_{};

	std::unique_ptr<SharedRegion> region_;
	std::unique_ptr<RegionAllocator> allocator_;
	HostLink *link_ = nullptr;
	Services *services_ = nullptr;
	std::list<std::unique_ptr<Window>> windows_;
	uint32_t next_window_id_ = 1;
	Window *pointer_window_ = nullptr;

	std::map<uint32_t, std::unique_ptr<SelectionReader>> clipboard_reads_; // by the host's serial

	Listener new_xdg_surface_, new_decoration_, new_output_, request_set_selection_,
		request_activate_;
	std::list<std::unique_ptr<Listener>> decoration_listeners_;
};

} // namespace bulkhead::agent
