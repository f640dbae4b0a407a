#pragma once
// RAII wrapper for wl_listener: connects to one signal at a time, disconnects on
// destruction or reconnection, and never lets an exception escape into
// libwayland's C dispatch (it would unwind through C frames).
#include "wlr.hpp"

#include <exception>
#include <functional>
#include <utility>

namespace bulkhead {

class Listener {
public:
	using Callback = std::function<void(void *data)>;

	Listener() { wl_list_init(&holder_.listener.link); holder_.listener.notify = &Listener::trampoline; holder_.self = this; }
	explicit Listener(Callback cb) : Listener() { callback_ = std::move(cb); }
	Listener(const Listener &) = delete;
	Listener &operator=(const Listener &) = delete;
	~Listener() { disconnect(); }

	void set_callback(Callback cb) { callback_ = std::move(cb); }

	// Connects to `signal`, leaving any previous signal first.
	void connect(wl_signal *signal)
	{
		disconnect();
		wl_signal_add(signal, &holder_.listener);
	}
	void connect(wl_signal *signal, Callback cb)
	{
		callback_ = std::move(cb);
		connect(signal);
	}

	// A client's destroy "signal" is only reachable through this call.
	void connect_client_destroy(wl_client *client, Callback cb)
	{
		disconnect();
		callback_ = std::move(cb);
		wl_client_add_destroy_listener(client, &holder_.listener);
	}

	// Likewise a resource's.
	void connect_resource_destroy(wl_resource *resource, Callback cb)
	{
		disconnect();
		callback_ = std::move(cb);
		wl_resource_add_destroy_listener(resource, &holder_.listener);
	}

	void disconnect()
	{
		wl_list_remove(&holder_.listener.link);
		wl_list_init(&holder_.listener.link);
	}

	bool connected() const { return !wl_list_empty(&holder_.listener.link); }

private:
	struct Holder {
		wl_listener listener;
		Listener *self;
	};

	static void trampoline(wl_listener *listener, void *data);

	Holder holder_{};
	Callback callback_;
};

} // namespace bulkhead
