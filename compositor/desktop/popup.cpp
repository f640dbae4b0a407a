#include "desktop/popup.hpp"

#include "compat.hpp"
#include "desktop/view.hpp"
#include "server.hpp"

namespace bulkhead {

Popup::Popup(Server &server, wlr_xdg_popup *popup, wlr_scene_tree *parent_tree)
	: server_(server), popup_(popup), tree_(compat::scene_xdg_surface_create(parent_tree, popup->base))
{
	// Popups of this popup find their parent's scene tree here.
	popup->base->data = tree_;
	commit_.connect(compat::xdg_commit_signal(popup->base), [this](void *) { handle_commit(); });
	destroy_.connect(&popup->base->events.destroy, [this](void *) { handle_destroy(); });

	// Keep it on the output its window is on.
	if (View *root = root_view()) {
		const Rect content = root->content();
		wlr_box area = server_.usable_area_at(content.x, content.y);
		area.x -= content.x;
		area.y -= content.y;
		wlr_xdg_popup_unconstrain_from_box(popup_, &area);
	}
}

View *Popup::root_view() const
{
	wlr_xdg_surface *root = popup_->base;
	while (root && root->role == WLR_XDG_SURFACE_ROLE_POPUP)
		root = wlr_xdg_surface_from_wlr_surface(root->popup->parent);
	if (!root)
		return nullptr;
	for (const auto &view : server_.views())
		if (view->toplevel()->base == root)
			return view.get();
	return nullptr;
}

Rect Popup::placed() const
{
	int lx = 0, ly = 0;
	wlr_scene_node_coords(compat::node(tree_), &lx, &ly);
	const wlr_surface *s = popup_->base->surface;
	return {lx, ly, s->current.width, s->current.height};
}

bool Popup::covers_foreign_frame(const View &root, const Rect &r) const
{
	// Windows stacked above the popup's own window hide it anyway; below it,
	// a frame of another domain may only be covered where the window itself
	// already covers it.
	const Rect own = root.outer();
	bool below = false;
	for (const auto &view : server_.views()) {
		if (view.get() == &root) {
			below = true;
			continue;
		}
		if (!below || !view->mapped() || view->domain() == root.domain())
			continue;
		const Rect outer = view->outer(), content = view->content();
		for (const Rect &strip : subtract(outer, content))
			if (!subtract(strip.intersection(r), own).empty())
				return true;
	}
	return false;
}

void Popup::handle_commit()
{
	if (!popup_->base->mapped)
		return;
	View *root = root_view();
	if (!root || !root->is_vm())
		return; // host popups are trusted
	const Rect r = placed();
	const bool bad = covers_foreign_frame(*root, r);
	wlr_scene_node_set_enabled(compat::node(tree_), !bad);
	if (!bad)
		return;
	const Rect content = root->content();
	if (!moved_inside_ && r.width <= content.width && r.height <= content.height) {
		// Its window's own area is always allowed: slide or flip it in there.
		moved_inside_ = true;
		wlr_box inside{0, 0, content.width, content.height};
		wlr_xdg_popup_unconstrain_from_box(popup_, &inside);
		wlr_log(WLR_INFO, "popup of view id=%u moved inside its window: it covered another domain's frame",
			root->id());
		return;
	}
	wlr_log(WLR_INFO, "popup of view id=%u dismissed: %dx%d at %d,%d covers another domain's frame", root->id(),
		r.width, r.height, r.x, r.y);
	// The role goes now (popup_done to the client); the xdg_surface stays until
	// the client destroys it, and nothing here may touch the freed popup.
	commit_.disconnect();
	wlr_xdg_popup_destroy(popup_->base);
}

void Popup::handle_destroy()
{
	server_.remove_popup(this); // deletes this
}

} // namespace bulkhead
