#include "domains/domain_protocol.hpp"

#include "bulkhead-domain-v1-protocol.h"
#include "domains/disposables.hpp"
#include "clipboard/clipboard.hpp"
#include "domains/domain.hpp"
#include "domains/registry.hpp"
#include "input/seat.hpp"
#include "server.hpp"

#include "wire/codec.hpp"
#include "wire/sealed_memfd.hpp"

#include <array>
#include <unistd.h>

namespace bulkhead {
namespace {

constexpr std::array<const char *, 21> shape_names = {
	"left_ptr", "xterm", "hand2", "fleur", "watch", "left_ptr_watch", "crosshair", "crossed_circle",
	"hand1", "grabbing", "top_side", "bottom_side", "right_side", "left_side", "top_right_corner",
	"top_left_corner", "bottom_right_corner", "bottom_left_corner", "sb_h_double_arrow",
	"sb_v_double_arrow", "",
};

Server *server_from(wl_resource *resource)
{
	return static_cast<Server *>(wl_resource_get_user_data(resource));
}

void handle_destroy(wl_client *, wl_resource *resource)
{
	wl_resource_destroy(resource);
}

void handle_set_cursor_shape(wl_client *client, wl_resource *resource, uint32_t serial, uint32_t shape)
{
	const char *name = cursor_shape_name(shape);
	if (!name) {
		wl_resource_post_error(resource, BULKHEAD_DOMAIN_MANAGER_V1_ERROR_INVALID_SHAPE,
			"cursor shape %u is not in the list", shape);
		return;
	}
	server_from(resource)->seat().set_client_cursor_shape(client, serial, name);
}

Domain *domain_of(wl_resource *resource)
{
	return server_from(resource)->domains().domain_of(wl_resource_get_client(resource));
}

void handle_app_exited(wl_client *, wl_resource *resource, uint32_t request, int32_t status)
{
	if (Domain *domain = domain_of(resource))
		server_from(resource)->disposables().handle_app_exited(*domain, request, status);
}

void handle_open_in_disposable(wl_client *, wl_resource *resource, uint32_t request, int32_t fd, const char *name)
{
	// The daemon checked and cleaned the guest's name; clean it again here so
	// a faulty daemon cannot hand the compositor a path.
	auto clean = wire::clean_file_name(name, wire::limit::file_name_bytes);
	Domain *domain = domain_of(resource);
	if (!domain || !clean || !wire::is_sealed_memfd(fd)) {
		wlr_log(WLR_ERROR, "a gui-daemon asked to open a file that is not a sealed memfd with a clean name");
		close(fd);
		return;
	}
	server_from(resource)->disposables().handle_open_request(*domain, request, fd, *clean);
}

void handle_returned_file(wl_client *, wl_resource *resource, uint32_t request, int32_t fd)
{
	Domain *domain = domain_of(resource);
	if (domain && wire::is_sealed_memfd(fd))
		server_from(resource)->disposables().handle_returned_file(*domain, request, fd);
	else
		close(fd);
}

void handle_clipboard_data(wl_client *client, wl_resource *resource, uint32_t serial, int32_t fd, uint32_t size)
{
	std::string error;
	if (!server_from(resource)->clipboard().handle_domain_data(client, serial, fd, size, &error))
		wl_resource_post_error(resource, BULKHEAD_DOMAIN_MANAGER_V1_ERROR_INVALID_CLIPBOARD, "%s", error.c_str());
	close(fd);
}

void handle_guest_unresponsive(wl_client *, wl_resource *resource, uint32_t silent_ms)
{
	if (Domain *domain = domain_of(resource))
		domain->set_responsive(false, "no answer to a ping for " + std::to_string(silent_ms) + " ms");
}

void handle_guest_responsive(wl_client *, wl_resource *resource)
{
	if (Domain *domain = domain_of(resource))
		domain->set_responsive(true, "");
}

void handle_guest_ready(wl_client *, wl_resource *resource)
{
	if (Domain *domain = domain_of(resource))
		server_from(resource)->disposables().handle_domain_ready(*domain);
}

const struct bulkhead_domain_manager_v1_interface manager_impl = {
	.destroy = handle_destroy,
	.set_cursor_shape = handle_set_cursor_shape,
	.clipboard_data = handle_clipboard_data,
	.app_exited = handle_app_exited,
	.open_in_disposable = handle_open_in_disposable,
	.returned_file = handle_returned_file,
	.guest_unresponsive = handle_guest_unresponsive,
	.guest_responsive = handle_guest_responsive,
	.guest_ready = handle_guest_ready,
};

} // namespace

const char *cursor_shape_name(uint32_t shape)
{
	return shape < shape_names.size() ? shape_names[shape] : nullptr;
}

DomainProtocol::DomainProtocol(Server &server)
	: server_(server),
	  global_(wl_global_create(server.display(), &bulkhead_domain_manager_v1_interface, 4, this,
		  &DomainProtocol::bind))
{
}

DomainProtocol::~DomainProtocol()
{
	wl_global_destroy(global_);
}

void DomainProtocol::bind(wl_client *client, void *data, uint32_t version, uint32_t id)
{
	auto *self = static_cast<DomainProtocol *>(data);
	Server *server = &self->server_;
	Domain *domain = server->domains().domain_of(client);
	wl_resource *resource = wl_resource_create(client, &bulkhead_domain_manager_v1_interface,
		static_cast<int>(version), id);
	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	if (!domain) {
		// The global filter hides it from host clients; binding by guessing the
		// name still gets nothing.
		wl_resource_post_error(resource, WL_DISPLAY_ERROR_INVALID_OBJECT, "not a domain connection");
		return;
	}
	wl_resource_set_implementation(resource, &manager_impl, server, &DomainProtocol::handle_resource_destroy);
	self->resources_.emplace(client, resource);
	bulkhead_domain_manager_v1_send_domain(resource, domain->name().c_str(), domain->label().c_str());
	if (version >= 3)
		domain->set_manager(resource);
}

void DomainProtocol::handle_resource_destroy(wl_resource *resource)
{
	auto &resources = server_from(resource)->domains().protocol().resources_;
	std::erase_if(resources, [resource](const auto &r) { return r.second == resource; });
}

wl_resource *DomainProtocol::clipboard_resource(wl_client *client) const
{
	auto [begin, end] = resources_.equal_range(client);
	for (auto it = begin; it != end; ++it)
		if (wl_resource_get_version(it->second) >= BULKHEAD_DOMAIN_MANAGER_V1_CLIPBOARD_REQUEST_SINCE_VERSION)
			return it->second;
	return nullptr;
}

bool DomainProtocol::request_clipboard(wl_client *client, uint32_t serial)
{
	wl_resource *resource = clipboard_resource(client);
	if (resource)
		bulkhead_domain_manager_v1_send_clipboard_request(resource, serial);
	return resource != nullptr;
}

bool DomainProtocol::paste_clipboard(wl_client *client, const std::string &data)
{
	wl_resource *resource = clipboard_resource(client);
	if (!resource)
		return false;
	const int fd = wire::sealed_memfd("bulkhead-paste", data);
	if (fd < 0) {
		wlr_log_errno(WLR_ERROR, "cannot pass a paste to a domain");
		return false;
	}
	bulkhead_domain_manager_v1_send_clipboard_paste(resource, fd, static_cast<uint32_t>(data.size()));
	close(fd); // libwayland sent its own duplicate
	return true;
}

} // namespace bulkhead
