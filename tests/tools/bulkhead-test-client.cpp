// bulkhead-test-client: a small real Wayland client for the trusted-path
// tests, doing what the stock clients cannot be told to do.
//
//   bulkhead-test-client activate real|none|forged
//       Two windows, "act-a" then "act-b". On the first button press in act-a
//       it asks for an xdg-activation token (with that press's serial, with no
//       serial, or with a serial it was never given) and asks to activate act-b.
//   bulkhead-test-client confine FILE
//       One window, "confine". On the first button press it asks to confine the
//       pointer to it; it appends "enter", "leave", "confined", "unconfined"
//       lines to FILE as they happen.
#include "pointer-constraints-unstable-v1-client-protocol.h"
#include "xdg-activation-v1-client-protocol.h"
#include "xdg-shell-client-protocol.h"

#include <wayland-client.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace {

wl_compositor *compositor = nullptr;
wl_shm *shm = nullptr;
xdg_wm_base *wm_base = nullptr;
wl_seat *seat = nullptr;
wl_pointer *pointer = nullptr;
xdg_activation_v1 *activation = nullptr;
zwp_pointer_constraints_v1 *constraints = nullptr;

std::string mode, variant, log_path;
bool acted = false;

struct Window {
	wl_surface *surface = nullptr;
	xdg_surface *xdg = nullptr;
	xdg_toplevel *toplevel = nullptr;
	uint32_t colour = 0;
	bool drawn = false;
};
Window windows[2];

void note(const char *line)
{
	if (FILE *f = std::fopen(log_path.c_str(), "a")) {
		std::fprintf(f, "%s\n", line);
		std::fclose(f);
	}
}

void draw(Window &w)
{
	constexpr int width = 240, height = 160, stride = width * 4;
	const int fd = memfd_create("bulkhead-test-client", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, stride * height) != 0)
		return;
	auto *pixels = static_cast<uint32_t *>(mmap(nullptr, stride * height, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	for (int i = 0; i < width * height; ++i)
		pixels[i] = w.colour;
	munmap(pixels, stride * height);
	wl_shm_pool *pool = wl_shm_create_pool(shm, fd, stride * height);
	wl_buffer *buffer = wl_shm_pool_create_buffer(pool, 0, width, height, stride, WL_SHM_FORMAT_XRGB8888);
	wl_shm_pool_destroy(pool);
	close(fd);
	wl_surface_attach(w.surface, buffer, 0, 0);
	wl_surface_damage_buffer(w.surface, 0, 0, width, height);
	wl_surface_commit(w.surface);
	w.drawn = true;
}

void surface_configure(void *data, xdg_surface *xdg, uint32_t serial)
{
	auto *w = static_cast<Window *>(data);
	xdg_surface_ack_configure(xdg, serial);
	if (!w->drawn)
		draw(*w);
	else
		wl_surface_commit(w->surface);
}
const xdg_surface_listener surface_listener = {surface_configure};

void toplevel_configure(void *, xdg_toplevel *, int32_t, int32_t, wl_array *) {}
void toplevel_close(void *, xdg_toplevel *) {}
const xdg_toplevel_listener toplevel_listener = {toplevel_configure, toplevel_close};

void token_done(void *, xdg_activation_token_v1 *token, const char *name)
{
	xdg_activation_v1_activate(activation, name, windows[1].surface);
	xdg_activation_token_v1_destroy(token);
}
const xdg_activation_token_v1_listener token_listener = {token_done};

void confined(void *, zwp_confined_pointer_v1 *) { note("confined"); }
void unconfined(void *, zwp_confined_pointer_v1 *) { note("unconfined"); }
const zwp_confined_pointer_v1_listener confined_listener = {confined, unconfined};

void pointer_enter(void *, wl_pointer *, uint32_t, wl_surface *, wl_fixed_t, wl_fixed_t) { note("enter"); }
void pointer_leave(void *, wl_pointer *, uint32_t, wl_surface *) { note("leave"); }
void pointer_motion(void *, wl_pointer *, uint32_t, wl_fixed_t, wl_fixed_t) {}
void pointer_button(void *, wl_pointer *, uint32_t serial, uint32_t, uint32_t, uint32_t state)
{
	if (state != WL_POINTER_BUTTON_STATE_PRESSED || acted)
		return;
	acted = true;
	if (mode == "confine") {
		auto *c = zwp_pointer_constraints_v1_confine_pointer(constraints, windows[0].surface, pointer, nullptr,
			ZWP_POINTER_CONSTRAINTS_V1_LIFETIME_PERSISTENT);
		zwp_confined_pointer_v1_add_listener(c, &confined_listener, nullptr);
		return;
	}
	xdg_activation_token_v1 *token = xdg_activation_v1_get_activation_token(activation);
	xdg_activation_token_v1_add_listener(token, &token_listener, nullptr);
	xdg_activation_token_v1_set_surface(token, windows[0].surface);
	if (variant == "real")
		xdg_activation_token_v1_set_serial(token, serial, seat);
	else if (variant == "forged")
		xdg_activation_token_v1_set_serial(token, serial + 1000, seat);
	xdg_activation_token_v1_commit(token);
}
void pointer_axis(void *, wl_pointer *, uint32_t, uint32_t, wl_fixed_t) {}
const wl_pointer_listener pointer_listener = {pointer_enter, pointer_leave, pointer_motion, pointer_button, pointer_axis};

void ping(void *, xdg_wm_base *base, uint32_t serial) { xdg_wm_base_pong(base, serial); }
const xdg_wm_base_listener wm_base_listener = {ping};

void handle_global(void *, wl_registry *registry, uint32_t name, const char *interface, uint32_t)
{
	auto bind = [&](const wl_interface *i, uint32_t version) { return wl_registry_bind(registry, name, i, version); };
	if (std::strcmp(interface, wl_compositor_interface.name) == 0)
		compositor = static_cast<wl_compositor *>(bind(&wl_compositor_interface, 4));
	else if (std::strcmp(interface, wl_shm_interface.name) == 0)
		shm = static_cast<wl_shm *>(bind(&wl_shm_interface, 1));
	else if (std::strcmp(interface, xdg_wm_base_interface.name) == 0)
		wm_base = static_cast<xdg_wm_base *>(bind(&xdg_wm_base_interface, 1));
	else if (std::strcmp(interface, wl_seat_interface.name) == 0)
		seat = static_cast<wl_seat *>(bind(&wl_seat_interface, 1));
	else if (std::strcmp(interface, xdg_activation_v1_interface.name) == 0)
		activation = static_cast<xdg_activation_v1 *>(bind(&xdg_activation_v1_interface, 1));
	else if (std::strcmp(interface, zwp_pointer_constraints_v1_interface.name) == 0)
		constraints = static_cast<zwp_pointer_constraints_v1 *>(bind(&zwp_pointer_constraints_v1_interface, 1));
}
void handle_global_remove(void *, wl_registry *, uint32_t) {}
const wl_registry_listener registry_listener = {handle_global, handle_global_remove};

void open_window(Window &w, const char *title, uint32_t colour)
{
	w.colour = colour;
	w.surface = wl_compositor_create_surface(compositor);
	w.xdg = xdg_wm_base_get_xdg_surface(wm_base, w.surface);
	xdg_surface_add_listener(w.xdg, &surface_listener, &w);
	w.toplevel = xdg_surface_get_toplevel(w.xdg);
	xdg_toplevel_add_listener(w.toplevel, &toplevel_listener, &w);
	xdg_toplevel_set_title(w.toplevel, title);
	wl_surface_commit(w.surface);
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 3 || (std::strcmp(argv[1], "activate") != 0 && std::strcmp(argv[1], "confine") != 0)) {
		std::fprintf(stderr, "usage: bulkhead-test-client activate real|none|forged\n"
				     "       bulkhead-test-client confine FILE\n");
		return 2;
	}
	mode = argv[1];
	(mode == "confine" ? log_path : variant) = argv[2];
	wl_display *display = wl_display_connect(nullptr);
	if (!display) {
		std::fprintf(stderr, "bulkhead-test-client: cannot connect to the Wayland display\n");
		return 1;
	}
	wl_registry *registry = wl_display_get_registry(display);
	wl_registry_add_listener(registry, &registry_listener, nullptr);
	wl_display_roundtrip(display);
	const bool needed = mode == "confine" ? constraints != nullptr : activation != nullptr;
	if (!compositor || !shm || !wm_base || !seat || !needed) {
		std::fprintf(stderr, "bulkhead-test-client: the compositor lacks a global this mode needs\n");
		return 1;
	}
	xdg_wm_base_add_listener(wm_base, &wm_base_listener, nullptr);
	pointer = wl_seat_get_pointer(seat);
	wl_pointer_add_listener(pointer, &pointer_listener, nullptr);
	if (mode == "confine") {
		open_window(windows[0], "confine", 0xff3465a4);
	} else {
		open_window(windows[0], "act-a", 0xff4e9a06);
		wl_display_roundtrip(display);
		wl_display_roundtrip(display);
		open_window(windows[1], "act-b", 0xffc4a000);
	}
	while (wl_display_dispatch(display) != -1) {
	}
	return 0;
}
