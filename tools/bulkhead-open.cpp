// bulkhead-open FILE: opens a copy of FILE in a new disposable VM. A host file
// manager runs it for untrusted files (share/applications/bulkhead-open.desktop).
#include "bulkhead-launcher-v1-client-protocol.h"

#include <CLI/CLI.hpp>
#include <wayland-client.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace {

struct State {
	bulkhead_launcher_v1 *launcher = nullptr;
	bool done = false;
	int status = 1;
};

void global(void *data, wl_registry *registry, uint32_t name, const char *interface, uint32_t)
{
	if (std::strcmp(interface, bulkhead_launcher_v1_interface.name) == 0)
		static_cast<State *>(data)->launcher = static_cast<bulkhead_launcher_v1 *>(
			wl_registry_bind(registry, name, &bulkhead_launcher_v1_interface, 1));
}
void global_remove(void *, wl_registry *, uint32_t) {}
const wl_registry_listener registry_listener = {global, global_remove};

void started(void *data, bulkhead_launch_v1 *, const char *domain)
{
	std::printf("bulkhead-open: opening in %s\n", domain);
	auto *state = static_cast<State *>(data);
	state->done = true;
	state->status = 0;
}
void failed(void *data, bulkhead_launch_v1 *, const char *reason)
{
	std::fprintf(stderr, "bulkhead-open: %s\n", reason);
	static_cast<State *>(data)->done = true;
}
const bulkhead_launch_v1_listener launch_listener = {started, failed};

} // namespace

int main(int argc, char **argv)
{
	CLI::App app{"bulkhead-open: open a copy of a file in a new disposable VM"};
	std::string path;
	app.add_option("FILE", path, "The file to open")->required();
	try {
		app.parse(argc, argv);
	} catch (const CLI::ParseError &e) {
		return app.exit(e) == 0 ? 0 : 2;
	}
	const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		std::fprintf(stderr, "bulkhead-open: cannot open %s: %s\n", path.c_str(), std::strerror(errno));
		return 2;
	}
	wl_display *display = wl_display_connect(nullptr);
	if (!display) {
		std::fprintf(stderr, "bulkhead-open: cannot reach the Bulkhead compositor (WAYLAND_DISPLAY)\n");
		return 1;
	}
	State state;
	wl_registry *registry = wl_display_get_registry(display);
	wl_registry_add_listener(registry, &registry_listener, &state);
	wl_display_roundtrip(display);
	if (!state.launcher) {
		std::fprintf(stderr, "bulkhead-open: this compositor does not start disposables (not Bulkhead, or not a "
				     "host program)\n");
		return 1;
	}
	const std::string name = std::filesystem::path(path).filename().string();
	bulkhead_launch_v1 *launch = bulkhead_launcher_v1_open_in_disposable(state.launcher, fd, name.c_str());
	close(fd);
	bulkhead_launch_v1_add_listener(launch, &launch_listener, &state);
	while (!state.done && wl_display_dispatch(display) >= 0) {
	}
	if (!state.done)
		std::fprintf(stderr, "bulkhead-open: lost the compositor\n");
	bulkhead_launch_v1_destroy(launch);
	bulkhead_launcher_v1_destroy(state.launcher);
	wl_display_disconnect(display);
	return state.status;
}
