#pragma once
// Server-side decorations for every window: whatever mode a client asks for
// through xdg-decoration, the answer is "server", because the only frame a user
// can trust is the one the compositor draws.
#include "listener.hpp"
#include "wlr.hpp"

namespace bulkhead {

class Server;

class Decoration {
public:
	Decoration(Server &server, wlr_xdg_toplevel_decoration_v1 *decoration);

private:
	void handle_request_mode();
	void handle_destroy();

	Server &server_;
	wlr_xdg_toplevel_decoration_v1 *decoration_;
	Listener request_mode_, destroy_;
};

} // namespace bulkhead
