#pragma once
// libvirt's event loop running inside the compositor's wl_event_loop.
//
// Why virEventRegisterImpl over wl_event_loop rather than libvirt's default
// implementation on its own thread: lifecycle callbacks then run on the
// compositor's thread, between its other events, so they may touch compositor
// state directly; there is no second poll loop to wake and no hand-off queue for
// every event. libvirt calls the implementation from its own threads too (the
// QEMU driver's monitor threads queue events through a timeout), so the
// registered functions only record changes under a mutex; the wl_event_loop
// sources are created, changed and removed on the loop's thread, which other
// threads wake through an eventfd. Free callbacks ("ff") never run inside the
// remove call that released them (libvirt may hold locks there): they run from
// the loop on its next wake-up. libvirt accepts one implementation per process,
// registered before the first connection opens: attach() registers it on its
// first call.
#include <functional>

struct wl_event_loop;

namespace bulkhead::vm {

class EventLoopBridge {
public:
	// Registers the implementation with libvirt (first call only) and runs its
	// sources from loop. Call on the thread that dispatches loop, before opening
	// a connection. Throws std::logic_error when another loop is attached.
	static void attach(wl_event_loop *loop);
	// Takes every source off the attached loop (call before destroying it);
	// libvirt's handles and timeouts stay registered for the next attach().
	static void detach();
	// Runs fn on the loop's thread during a later dispatch. Any thread, once
	// attach() has run.
	static void post(std::function<void()> fn);
};

} // namespace bulkhead::vm
