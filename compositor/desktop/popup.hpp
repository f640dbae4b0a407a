#pragma once
// A popup (menu, tooltip) in its parent's scene subtree. A VM's popup stays on
// its output and never covers another domain's frame beyond what its own
// window already covers: it is moved inside its window, or else dismissed.
#include "desktop/geometry.hpp"
#include "listener.hpp"
#include "wlr.hpp"

namespace bulkhead {

class Server;
class View;

class Popup {
public:
	Popup(Server &server, wlr_xdg_popup *popup, wlr_scene_tree *parent_tree);
	Popup(const Popup &) = delete;
	Popup &operator=(const Popup &) = delete;

private:
	void handle_commit();
	void handle_destroy();
	View *root_view() const;
	// The popup's surface in layout coordinates.
	Rect placed() const;
	bool covers_foreign_frame(const View &root, const Rect &r) const;

	Server &server_;
	wlr_xdg_popup *popup_;
	wlr_scene_tree *tree_;
	bool moved_inside_ = false; // already re-placed inside its window once
	Listener commit_, destroy_;
};

} // namespace bulkhead
