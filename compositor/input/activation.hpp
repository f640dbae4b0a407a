#pragma once
// xdg-activation: a window takes focus from an activation request only with a
// token that carries the serial of a real key or button press the compositor
// sent to a client of the window's own domain. Anything else marks the window
// urgent. VM windows never take focus this way: a daemon forwards its guest's
// demands-attention as an activation request, which only marks it urgent.
#include "listener.hpp"
#include "wlr.hpp"

#include <cstdint>
#include <deque>
#include <string>

namespace bulkhead {

class Server;

class Activation {
public:
	explicit Activation(Server &server);
	~Activation();
	Activation(const Activation &) = delete;
	Activation &operator=(const Activation &) = delete;

	// Called right after a key or button press went to `client`.
	void note_input(wl_client *client);

private:
	void handle_request_activate(void *data);
	std::string domain_name(wl_client *client) const;

	struct Press {
		uint32_t serial;
		std::string domain; // of the client the press went to
	};
	Server &server_;
	wlr_xdg_activation_v1 *activation_;
	std::deque<Press> presses_; // the newest few
	Listener request_activate_;
};

} // namespace bulkhead
