#pragma once
// The bulkhead_launcher_v1 global, for host clients only (bulkhead-open).
#include "wlr.hpp"

#include <string>

namespace bulkhead {

class Server;

class LauncherProtocol {
public:
	explicit LauncherProtocol(Server &server);
	~LauncherProtocol();
	LauncherProtocol(const LauncherProtocol &) = delete;
	LauncherProtocol &operator=(const LauncherProtocol &) = delete;

private:
	static void bind(wl_client *client, void *data, uint32_t version, uint32_t id);

	wl_global *global_;
};

// A sealed memfd holding a copy of the regular file fd (read from its start),
// or -1 with the reason in *error. The copy cannot change after this returns,
// whatever the owner of the original does.
int copy_to_sealed_memfd(int fd, uint64_t max_bytes, std::string *error);

} // namespace bulkhead
