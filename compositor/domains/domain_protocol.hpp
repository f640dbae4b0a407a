#pragma once
// The bulkhead_domain_manager_v1 global, for gui-daemon clients only.
#include "wlr.hpp"

namespace bulkhead {

class Server;

class DomainProtocol {
public:
	explicit DomainProtocol(Server &server);
	~DomainProtocol();

private:
	static void bind(wl_client *client, void *data, uint32_t version, uint32_t id);

	Server &server_;
	wl_global *global_;
};

// The xcursor name for a bulkhead_domain_manager_v1.cursor_shape value;
// nullptr when the value is not in the list.
const char *cursor_shape_name(uint32_t shape);

} // namespace bulkhead
