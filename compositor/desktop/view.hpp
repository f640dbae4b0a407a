#pragma once
// A toplevel window: an xdg_toplevel, its trusted frame and its place in the
// scene and the stacking order.
#include "desktop/frame.hpp"
#include "desktop/geometry.hpp"
#include "listener.hpp"
#include "wlr.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace bulkhead {

class Server;

class View {
public:
	View(Server &server, wlr_xdg_toplevel *toplevel);
	~View();
	View(const View &) = delete;
	View &operator=(const View &) = delete;

	uint32_t id() const { return id_; }
	const std::string &domain() const { return domain_; }
	bool mapped() const { return mapped_; }
	wlr_xdg_toplevel *toplevel() const { return toplevel_; }
	wlr_surface *surface() const { return toplevel_->base->surface; }
	wl_client *client() const;

	// Rectangles in layout coordinates.
	Rect content() const { return {x_ + frame_->metrics().border, y_ + frame_->metrics().border + frame_->metrics().title, width_, height_}; }
	Rect outer() const { return frame_->metrics().outer(content()); }
	Rect title_bar() const { return frame_->metrics().title_bar(content()); }
	SizeLimits size_limits() const;

	// Moves the frame's outer top-left corner, kept so the title stays visible.
	void move_to(int outer_x, int outer_y);
	// Asks the client for a new content size; takes effect on its commit.
	void request_size(int width, int height);
	void set_focused(bool focused);
	bool focused() const { return focused_; }
	void raise();
	void set_xray(bool on);
	bool is_vm() const { return domain_ != "dom0"; }
	// Full screen, if the domain may (host windows always may); leaving is always allowed.
	void set_fullscreen(bool on);
	bool fullscreen() const { return fullscreen_; }
	// Asked for attention without the right to take focus; cleared by focus.
	void set_urgent(bool on);
	bool urgent() const { return frame_->urgent(); }
	// Its domain stopped answering: greyed frame, "(not responding)" after [name].
	void set_not_responding(bool on);
	void stack_below(View *other);
	void close();

	// While the user resizes from the top or left, the opposite edges stay put.
	void begin_resize(uint32_t edges);
	void end_resize();

	std::string describe() const; // "id=N domain=D title=\"...\"" for logs

private:
	void handle_map();
	void handle_unmap();
	void handle_commit();
	void handle_destroy();
	void handle_request_move(void *data);
	void handle_request_resize(void *data);
	void handle_request_maximize();
	void handle_request_fullscreen();
	void handle_set_title();
	void update_title();
	void place_initially();
	bool may_fullscreen() const;
	void fill_output();

	Server &server_;
	wlr_xdg_toplevel *toplevel_;
	uint32_t id_;
	std::string domain_ = "dom0";
	wlr_scene_tree *tree_;        // at the outer top-left corner
	wlr_scene_tree *content_tree_; // the client's surfaces and popups
	std::unique_ptr<Frame> frame_;
	int x_ = 0, y_ = 0;           // outer top-left, layout coordinates
	int width_ = 0, height_ = 0;  // content (xdg geometry) size
	bool mapped_ = false;
	bool focused_ = false;
	bool placed_ = false;
	uint32_t resize_edges_ = EdgeNone;
	int resize_anchor_x_ = 0, resize_anchor_y_ = 0; // fixed right/bottom content edge
	Rect saved_geometry_{};       // before maximize
	bool maximized_ = false;
	bool fullscreen_ = false;
	Rect windowed_geometry_{};    // outer x, y and content size before full screen
	int64_t last_refusal_log_ = -1000000; // ms; refusals are logged once a second at most
	int refusals_unlogged_ = 0;

	Listener map_, unmap_, commit_, destroy_;
	Listener request_move_, request_resize_, request_maximize_, request_fullscreen_, set_title_;
};

} // namespace bulkhead
