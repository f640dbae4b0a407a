#include "domains/registry.hpp"

#include "domains/domain.hpp"
#include "domains/domain_protocol.hpp"
#include "server.hpp"

#include <cstring>
#include <string_view>

namespace bulkhead {
namespace {

// What a gui-daemon may bind: enough to show windows and take input. Not the
// clipboard (crossing domains only through the secure gestures), not
// screencopy (one VM must never read another's pixels), nothing that could
// inject input or manage other windows, and not pointer constraints (a VM
// must never hold the pointer). xdg-activation only because the daemon
// forwards a guest's demands-attention with it; the compositor never gives a
// VM window focus that way, it only marks the window urgent.
constexpr std::string_view domain_globals[] = {
	"wl_compositor",
	"wl_subcompositor",
	"wl_shm",
	"wl_seat",
	"wl_output",
	"xdg_wm_base",
	"zxdg_decoration_manager_v1",
	"zxdg_output_manager_v1",
	"wp_viewporter",
	"wp_presentation",
	"xdg_activation_v1",
	"bulkhead_domain_manager_v1",
};

} // namespace

DomainRegistry::DomainRegistry(Server &server) : server_(server)
{
	wl_display_set_global_filter(server_.display(), &DomainRegistry::global_filter, this);
	protocol_ = std::make_unique<DomainProtocol>(server_);
}

DomainRegistry::~DomainRegistry()
{
	domains_.clear();
}

void DomainRegistry::start(const std::vector<DomainConfig> &domains)
{
	for (const DomainConfig &config : domains) {
		if (config.role != "app")
			continue; // templates are never started themselves
		domains_.push_back(std::make_unique<Domain>(server_, config));
		domains_.back()->start();
	}
}

void DomainRegistry::register_client(wl_client *client, Domain *domain)
{
	clients_[client] = domain;
}

void DomainRegistry::unregister_client(wl_client *client)
{
	clients_.erase(client);
}

const Domain *DomainRegistry::domain_of(const wl_client *client) const
{
	auto it = clients_.find(client);
	return it == clients_.end() ? nullptr : it->second;
}

Domain *DomainRegistry::domain_of(const wl_client *client)
{
	auto it = clients_.find(client);
	return it == clients_.end() ? nullptr : it->second;
}

Domain *DomainRegistry::find(const std::string &name)
{
	for (const auto &domain : domains_)
		if (domain->name() == name)
			return domain.get();
	return nullptr;
}

std::set<std::string> DomainRegistry::names() const
{
	std::set<std::string> out;
	for (const auto &domain : domains_)
		out.insert(domain->name());
	return out;
}

Domain &DomainRegistry::add(DomainConfig config, bool disposable)
{
	domains_.push_back(std::make_unique<Domain>(server_, std::move(config), disposable));
	domains_.back()->start();
	return *domains_.back();
}

void DomainRegistry::remove(Domain *domain)
{
	if (domain->client()) {
		wl_client *client = domain->client();
		wl_client_destroy(client); // its windows go first, while the domain is still known
	}
	domains_.remove_if([domain](const auto &d) { return d.get() == domain; });
}

bool DomainRegistry::handle_child_exit(pid_t pid, int status)
{
	for (const auto &domain : domains_)
		if (domain->handle_child_exit(pid, status))
			return true;
	return false;
}

bool DomainRegistry::global_filter(const wl_client *client, const wl_global *global, void *data)
{
	const auto *self = static_cast<const DomainRegistry *>(data);
	const std::string_view name = wl_global_get_interface(global)->name;
	if (!self->domain_of(client))
		return name != "bulkhead_domain_manager_v1";
	for (std::string_view allowed : domain_globals)
		if (name == allowed)
			return true;
	return false;
}

} // namespace bulkhead
