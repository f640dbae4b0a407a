#pragma once
// The compositor's own record of which Wayland client belongs to which domain,
// and what each kind of client may see. Anything not in this record is a host
// (dom0) client.
#include "config/config.hpp"
#include "wlr.hpp"

#include <list>
#include <map>
#include <memory>
#include <set>
#include <sys/types.h>

namespace bulkhead {

class Domain;
class DomainProtocol;
class Server;

class DomainRegistry {
public:
	explicit DomainRegistry(Server &server);
	~DomainRegistry();

	void start(const std::vector<DomainConfig> &domains);
	void register_client(wl_client *client, Domain *domain);
	void unregister_client(wl_client *client);
	// nullptr for host clients.
	const Domain *domain_of(const wl_client *client) const;
	Domain *domain_of(const wl_client *client);
	Domain *find(const std::string &name);
	std::set<std::string> names() const;

	// Disposables come and go while the compositor runs.
	Domain &add(DomainConfig config, bool disposable);
	void remove(Domain *domain);
	bool handle_child_exit(pid_t pid, int status);
	DomainProtocol &protocol() { return *protocol_; }

private:
	static bool global_filter(const wl_client *client, const wl_global *global, void *data);

	Server &server_;
	std::unique_ptr<DomainProtocol> protocol_;
	std::list<std::unique_ptr<Domain>> domains_;
	std::map<const wl_client *, Domain *> clients_;
};

} // namespace bulkhead
