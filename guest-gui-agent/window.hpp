#pragma once
// One guest window (an xdg toplevel or popup) as the host sees it: its pixels
// go into buffers in the shared region, only the damaged rectangles copied.
#include "listener.hpp"
#include "wlr.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bulkhead::agent {

class Agent;

struct RegionBuffer {
	uint64_t offset = 0;
	uint32_t width = 0, height = 0, stride = 0;
	bool busy = false;       // attached to the host and not yet released
	pixman_region32_t stale; // what changed since this buffer was last written
};

class Window {
public:
	// parent is nullptr for a toplevel.
	Window(Agent &agent, uint32_t id, wlr_xdg_surface *surface, Window *parent);
	~Window();
	Window(const Window &) = delete;
	Window &operator=(const Window &) = delete;

	uint32_t id() const { return id_; }
	wlr_xdg_surface *xdg() const { return xdg_; }
	wlr_surface *surface() const { return xdg_->surface; }
	bool mapped() const { return mapped_; }
	bool is_popup() const { return parent_ != nullptr; }
	// The window geometry in surface coordinates: host positions are relative to its origin.
	wlr_box geometry() const;

	// Tells a (new) host about this window: create, title, hints and, when
	// mapped, a full frame and map.
	void announce();
	// Forgets every region buffer (the region they were in is gone).
	void reset_buffers();

	// From the host.
	void handle_buffer_release(uint64_t offset);
	void handle_frame_done();
	void handle_configure(int32_t width, int32_t height, bool activated, bool maximized, bool fullscreen,
		bool resizing);
	void handle_close();

private:
	void handle_map();
	void handle_unmap();
	void handle_commit();
	void handle_destroy();
	void handle_new_popup(wlr_xdg_popup *popup);
	void send_title();
	void send_create();
	void send_size_hints();
	// Copies the client's current buffer into a free region buffer and attaches
	// it; false when no buffer was free (retried on the next release).
	bool push_frame(const pixman_region32_t *damage);
	RegionBuffer *free_buffer(uint32_t width, uint32_t height);
	void drop_buffers_not_sized(uint32_t width, uint32_t height);

	Agent &agent_;
	uint32_t id_;
	wlr_xdg_surface *xdg_;
	Window *parent_;
	bool mapped_ = false;
	bool frame_pending_ = false;   // an attach awaits the host's frame done
	bool needs_push_ = false;      // a frame was dropped for want of a free buffer
	// Commits without new pixels still wait for a frame callback; the host sends
	// none for them, so a timer at display rate answers instead.
	wl_event_source *idle_frame_timer_ = nullptr;
	static int handle_idle_frame(void *data);
	std::vector<std::unique_ptr<RegionBuffer>> buffers_;
	pixman_region32_t unsent_damage_; // client damage the host has not been told of
	int geometry_x_ = 0, geometry_y_ = 0; // where the window starts in the client's buffer
	uint32_t last_min_w_ = 0, last_min_h_ = 0, last_max_w_ = 0, last_max_h_ = 0;
	Listener map_, unmap_, commit_, destroy_, new_popup_, set_title_, set_app_id_, request_fullscreen_;
};

} // namespace bulkhead::agent
