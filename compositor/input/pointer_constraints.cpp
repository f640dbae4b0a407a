#include "input/pointer_constraints.hpp"

#include "desktop/view.hpp"
#include "input/seat.hpp"
#include "server.hpp"

#include <cmath>

namespace bulkhead {

PointerConstraints::PointerConstraints(Seat &seat)
	: seat_(seat), manager_(wlr_pointer_constraints_v1_create(seat.server().display()))
{
	new_constraint_.connect(&manager_->events.new_constraint,
		[this](void *d) { handle_new_constraint(static_cast<wlr_pointer_constraint_v1 *>(d)); });
}

PointerConstraints::~PointerConstraints()
{
	new_constraint_.disconnect();
	entries_.clear();
}

void PointerConstraints::handle_new_constraint(wlr_pointer_constraint_v1 *constraint)
{
	auto entry = std::make_unique<Entry>();
	Entry *raw = entry.get();
	entry->constraint = constraint;
	entry->destroy.connect(&constraint->events.destroy, [this, raw](void *) {
		if (active_ == raw->constraint)
			active_ = nullptr;
		entries_.remove_if([raw](const auto &e) { return e.get() == raw; });
	});
	entries_.push_back(std::move(entry));
	update();
}

void PointerConstraints::activate(wlr_pointer_constraint_v1 *constraint)
{
	if (constraint == active_)
		return;
	if (active_) {
		wlr_pointer_constraint_v1_send_deactivated(active_);
		wlr_log(WLR_INFO, "pointer constraint released");
	}
	active_ = constraint;
	if (active_) {
		wlr_pointer_constraint_v1_send_activated(active_);
		wlr_log(WLR_INFO, "pointer constraint active (%s)",
			active_->type == WLR_POINTER_CONSTRAINT_V1_LOCKED ? "locked" : "confined");
	}
}

void PointerConstraints::update()
{
	// Only the focused window's own surface, with the pointer over it.
	View *focused = seat_.focused_view();
	wlr_surface *pointer_surface = seat_.wlr()->pointer_state.focused_surface;
	wlr_pointer_constraint_v1 *wanted = nullptr;
	if (focused && pointer_surface == focused->surface() && focused->surface() != released_surface_)
		wanted = wlr_pointer_constraints_v1_constraint_for_surface(manager_, focused->surface(), seat_.wlr());
	activate(wanted);
}

bool PointerConstraints::constrain(double &dx, double &dy) const
{
	if (!active_)
		return true;
	if (active_->type == WLR_POINTER_CONSTRAINT_V1_LOCKED)
		return false;
	// Confined: the new position must stay inside the region (surface coordinates).
	View *view = seat_.focused_view();
	if (!view)
		return true;
	const Rect c = view->content();
	wlr_box geometry{};
	wlr_xdg_surface_get_geometry(view->toplevel()->base, &geometry);
	const double ox = c.x - geometry.x, oy = c.y - geometry.y; // surface origin in the layout
	const double nx = seat_.cursor()->x + dx - ox, ny = seat_.cursor()->y + dy - oy;
	if (pixman_region32_contains_point(&active_->region, static_cast<int>(std::floor(nx)),
		    static_cast<int>(std::floor(ny)), nullptr))
		return true;
	// Slide along the region's bounding box, else stay.
	const pixman_box32_t *e = pixman_region32_extents(&active_->region);
	const double cx = std::clamp(nx, static_cast<double>(e->x1), e->x2 - 1.0);
	const double cy = std::clamp(ny, static_cast<double>(e->y1), e->y2 - 1.0);
	if (!pixman_region32_contains_point(&active_->region, static_cast<int>(cx), static_cast<int>(cy), nullptr))
		return false;
	dx = cx + ox - seat_.cursor()->x;
	dy = cy + oy - seat_.cursor()->y;
	return true;
}

void PointerConstraints::release()
{
	if (!active_)
		return;
	released_surface_ = active_->surface;
	activate(nullptr);
}

void PointerConstraints::handle_click(wlr_surface *surface)
{
	if (surface == released_surface_)
		released_surface_ = nullptr;
	update();
}

} // namespace bulkhead
