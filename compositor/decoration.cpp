#include "decoration.hpp"

#include "server.hpp"

namespace bulkhead {

Decoration::Decoration(Server &server, wlr_xdg_toplevel_decoration_v1 *decoration)
	: server_(server), decoration_(decoration)
{
	request_mode_.connect(&decoration_->events.request_mode, [this](void *) { handle_request_mode(); });
	destroy_.connect(&decoration_->events.destroy, [this](void *) { handle_destroy(); });
	handle_request_mode();
}

void Decoration::handle_request_mode()
{
	// Before the surface's first commit wlroots queues the mode for the initial configure.
	wlr_xdg_toplevel_decoration_v1_set_mode(decoration_, WLR_XDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
}

void Decoration::handle_destroy()
{
	server_.decorations().remove_if([this](const auto &d) { return d.get() == this; });
}

} // namespace bulkhead
