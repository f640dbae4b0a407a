#pragma once
// The bulkhead_domain_manager_v1 global, for gui-daemon clients only.
#include "wlr.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace bulkhead {

class Server;

class DomainProtocol {
public:
	explicit DomainProtocol(Server &server);
	~DomainProtocol();

	// The secure clipboard's requests to a gui-daemon client (version 2); false
	// when that client has no such binding.
	bool request_clipboard(wl_client *client, uint32_t serial);
	bool paste_clipboard(wl_client *client, const std::string &data);

private:
	static void bind(wl_client *client, void *data, uint32_t version, uint32_t id);
	static void handle_resource_destroy(wl_resource *resource);
	wl_resource *clipboard_resource(wl_client *client) const;

	Server &server_;
	wl_global *global_;
	std::multimap<wl_client *, wl_resource *> resources_;
};

// The xcursor name for a bulkhead_domain_manager_v1.cursor_shape value;
// nullptr when the value is not in the list.
const char *cursor_shape_name(uint32_t shape);

} // namespace bulkhead
