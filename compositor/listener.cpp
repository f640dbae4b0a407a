#include "listener.hpp"

namespace bulkhead {

void Listener::trampoline(wl_listener *listener, void *data)
{
	// `listener` is the first member of the standard-layout Holder.
	auto *holder = reinterpret_cast<Holder *>(listener);
	try {
		// A handler may destroy its own Listener (destroy handlers erase their
		// owner), so run a copy of the callback.
		Callback callback = holder->self->callback_;
		if (callback)
			callback(data);
	} catch (const std::exception &e) {
		wlr_log(WLR_ERROR, "unhandled exception in event handler: %s", e.what());
	} catch (...) {
		wlr_log(WLR_ERROR, "unhandled unknown exception in event handler");
	}
}

} // namespace bulkhead
