#pragma once
// zwp_pointer_constraints_v1 for host clients: a lock or confinement is active
// only while its window has keyboard focus and the pointer is inside it, and
// the release binding (default Super+Escape) ends it until the user clicks
// that window again. VM daemons never see the global (domains/registry.cpp).
#include "listener.hpp"
#include "wlr.hpp"

#include <list>
#include <memory>

namespace bulkhead {

class Seat;

class PointerConstraints {
public:
	explicit PointerConstraints(Seat &seat);
	~PointerConstraints();
	PointerConstraints(const PointerConstraints &) = delete;
	PointerConstraints &operator=(const PointerConstraints &) = delete;

	// Re-evaluates which constraint may be active (focus or pointer moved).
	void update();
	// Pointer motion by (dx, dy) from the cursor's position: the allowed
	// motion, changed in place; false when the pointer may not move at all.
	bool constrain(double &dx, double &dy) const;
	// The user's release binding.
	void release();
	// A click on a window lets its constraint apply again.
	void handle_click(wlr_surface *surface);

private:
	struct Entry {
		wlr_pointer_constraint_v1 *constraint;
		Listener destroy;
	};
	void activate(wlr_pointer_constraint_v1 *constraint);
	void handle_new_constraint(wlr_pointer_constraint_v1 *constraint);

	Seat &seat_;
	wlr_pointer_constraints_v1 *manager_;
	wlr_pointer_constraint_v1 *active_ = nullptr;
	wlr_surface *released_surface_ = nullptr; // released by the user until its next click
	std::list<std::unique_ptr<Entry>> entries_;
	Listener new_constraint_;
};

} // namespace bulkhead
