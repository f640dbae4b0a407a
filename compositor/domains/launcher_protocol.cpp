#include "domains/launcher_protocol.hpp"

#include "bulkhead-launcher-v1-protocol.h"
#include "domains/disposables.hpp"
#include "domains/registry.hpp"
#include "server.hpp"
#include "wire/codec.hpp"
#include "wire/sealed_memfd.hpp"

#include <cerrno>
#include <cstring>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bulkhead {
namespace {

Server *server_from(wl_resource *resource)
{
	return static_cast<Server *>(wl_resource_get_user_data(resource));
}

void handle_destroy(wl_client *, wl_resource *resource)
{
	wl_resource_destroy(resource);
}

const struct bulkhead_launch_v1_interface launch_impl = {
	.destroy = handle_destroy,
};

void handle_launch_destroyed(wl_resource *resource)
{
	if (Server *server = server_from(resource))
		server->disposables().forget_launch(resource);
}

void handle_open_in_disposable(wl_client *client, wl_resource *resource, uint32_t id, int32_t fd, const char *name)
{
	Server *server = server_from(resource);
	wl_resource *launch = wl_resource_create(client, &bulkhead_launch_v1_interface, 1, id);
	if (!launch) {
		close(fd);
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(launch, &launch_impl, server, handle_launch_destroyed);
	std::string error;
	const int copy = copy_to_sealed_memfd(fd, wire::limit::file_bytes, &error);
	close(fd);
	auto clean = wire::clean_file_name(name, wire::limit::file_name_bytes);
	if (!clean)
		error = "the name is not usable as a file name";
	if (copy < 0 || !clean) {
		wlr_log(WLR_ERROR, "bulkhead-open: cannot open '%s': %s", name, error.c_str());
		bulkhead_launch_v1_send_failed(launch, error.c_str());
		if (copy >= 0)
			close(copy);
		return;
	}
	wlr_log(WLR_INFO, "bulkhead-open: opening '%s' in a new disposable", clean->c_str());
	server->disposables().open_file(copy, *clean, OpenOrigin{launch, "", 0});
}

const struct bulkhead_launcher_v1_interface launcher_impl = {
	.destroy = handle_destroy,
	.open_in_disposable = handle_open_in_disposable,
};

} // namespace

int copy_to_sealed_memfd(int fd, uint64_t max_bytes, std::string *error)
{
	struct stat st{};
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*error = "not a regular file";
		return -1;
	}
	if (static_cast<uint64_t>(st.st_size) > max_bytes) {
		*error = "larger than " + std::to_string(max_bytes >> 20) + " MiB";
		return -1;
	}
	const int copy = memfd_create("bulkhead-open", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (copy < 0) {
		*error = std::string("memfd: ") + std::strerror(errno);
		return -1;
	}
	char buf[65536];
	uint64_t total = 0;
	for (off_t off = 0;;) {
		const ssize_t n = pread(fd, buf, sizeof buf, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (total += static_cast<uint64_t>(n)) > max_bytes || write(copy, buf, static_cast<std::size_t>(n)) != n) {
			if (n == 0)
				break;
			*error = n < 0 ? std::string("cannot read it: ") + std::strerror(errno) : "it grew past the limit or memory is short";
			close(copy);
			return -1;
		}
		off += n;
	}
	if (!wire::seal_memfd(copy)) {
		*error = std::string("cannot seal the copy: ") + std::strerror(errno);
		close(copy);
		return -1;
	}
	return copy;
}

LauncherProtocol::LauncherProtocol(Server &server)
	: global_(wl_global_create(server.display(), &bulkhead_launcher_v1_interface, 1, &server, &LauncherProtocol::bind))
{
}

LauncherProtocol::~LauncherProtocol()
{
	wl_global_destroy(global_);
}

void LauncherProtocol::bind(wl_client *client, void *data, uint32_t version, uint32_t id)
{
	auto *server = static_cast<Server *>(data);
	wl_resource *resource = wl_resource_create(client, &bulkhead_launcher_v1_interface, static_cast<int>(version), id);
	if (!resource) {
		wl_client_post_no_memory(client);
		return;
	}
	if (server->domains().domain_of(client)) {
		// The global filter hides it from domains; guessing its name gets nothing.
		wl_resource_post_error(resource, WL_DISPLAY_ERROR_INVALID_OBJECT, "only host programs may launch");
		return;
	}
	wl_resource_set_implementation(resource, &launcher_impl, server, nullptr);
}

} // namespace bulkhead
