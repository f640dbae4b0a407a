// bulkhead-pattern-client: a tiny Wayland client for the VM tests. It draws a
// known pattern (four quadrants of fixed colours) at whatever size it is
// configured to, and prints every configure it drew and every key it received,
// so a test outside the guest can compare pixels and follow input.
#include "xdg-shell-client-protocol.h"

#include <wayland-client.h>
#include <xkbcommon/xkbcommon.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace {

// Quadrant colours (XRGB8888): top-left, top-right, bottom-left, bottom-right.
constexpr uint32_t colours[4] = {0xffd02020, 0xff20a040, 0xff2040d0, 0xfff0f0f0};

struct Client {
	wl_display *display = nullptr;
	wl_compositor *compositor = nullptr;
	wl_shm *shm = nullptr;
	wl_seat *seat = nullptr;
	xdg_wm_base *wm_base = nullptr;
	wl_surface *surface = nullptr;
	xdg_surface *xdg = nullptr;
	xdg_toplevel *toplevel = nullptr;
	wl_keyboard *keyboard = nullptr;
	xkb_context *xkb = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
	xkb_keymap *keymap = nullptr;
	xkb_state *state = nullptr;
	int width = 320, height = 240;
	int pending_width = 0, pending_height = 0;
	bool running = true;
};

void draw(Client &c)
{
	const int stride = c.width * 4, size = stride * c.height;
	const int fd = memfd_create("pattern", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, size) != 0) {
		std::perror("pattern-client: buffer");
		std::exit(1);
	}
	auto *pixels = static_cast<uint32_t *>(mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	for (int y = 0; y < c.height; ++y)
		for (int x = 0; x < c.width; ++x)
			pixels[y * c.width + x] = colours[(y >= c.height / 2) * 2 + (x >= c.width / 2)];
	munmap(pixels, size);
	wl_shm_pool *pool = wl_shm_create_pool(c.shm, fd, size);
	wl_buffer *buffer = wl_shm_pool_create_buffer(pool, 0, c.width, c.height, stride, WL_SHM_FORMAT_XRGB8888);
	wl_shm_pool_destroy(pool);
	close(fd);
	static const wl_buffer_listener release = {[](void *, wl_buffer *b) { wl_buffer_destroy(b); }};
	wl_buffer_add_listener(buffer, &release, nullptr);
	wl_surface_attach(c.surface, buffer, 0, 0);
	wl_surface_damage_buffer(c.surface, 0, 0, c.width, c.height);
	wl_surface_commit(c.surface);
	std::printf("pattern-client: drew %dx%d\n", c.width, c.height);
}

void handle_keymap(void *data, wl_keyboard *, uint32_t format, int fd, uint32_t size)
{
	auto &c = *static_cast<Client *>(data);
	void *text = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (format != WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1 || text == MAP_FAILED)
		return;
	xkb_state_unref(c.state);
	xkb_keymap_unref(c.keymap);
	c.keymap = xkb_keymap_new_from_string(c.xkb, static_cast<const char *>(text), XKB_KEYMAP_FORMAT_TEXT_V1,
		XKB_KEYMAP_COMPILE_NO_FLAGS);
	munmap(text, size);
	c.state = c.keymap ? xkb_state_new(c.keymap) : nullptr;
}

void handle_key(void *data, wl_keyboard *, uint32_t, uint32_t, uint32_t key, uint32_t pressed)
{
	auto &c = *static_cast<Client *>(data);
	char text[16] = "";
	if (c.state)
		xkb_state_key_get_utf8(c.state, key + 8, text, sizeof text);
	std::printf("pattern-client: key %u %s '%s'\n", key, pressed ? "pressed" : "released", text);
}

void handle_modifiers(void *data, wl_keyboard *, uint32_t, uint32_t dep, uint32_t lat, uint32_t lock, uint32_t group)
{
	auto &c = *static_cast<Client *>(data);
	if (c.state)
		xkb_state_update_mask(c.state, dep, lat, lock, 0, 0, group);
}

const wl_keyboard_listener keyboard_listener = {
	handle_keymap,
	[](void *, wl_keyboard *, uint32_t, wl_surface *, wl_array *) { std::printf("pattern-client: focused\n"); },
	[](void *, wl_keyboard *, uint32_t, wl_surface *) {},
	handle_key,
	handle_modifiers,
	[](void *, wl_keyboard *, int32_t, int32_t) {},
};

const wl_seat_listener seat_listener = {
	[](void *data, wl_seat *seat, uint32_t caps) {
		auto &c = *static_cast<Client *>(data);
		if ((caps & WL_SEAT_CAPABILITY_KEYBOARD) && !c.keyboard) {
			c.keyboard = wl_seat_get_keyboard(seat);
			wl_keyboard_add_listener(c.keyboard, &keyboard_listener, &c);
		}
	},
	[](void *, wl_seat *, const char *) {},
};

const xdg_wm_base_listener wm_base_listener = {[](void *, xdg_wm_base *b, uint32_t serial) { xdg_wm_base_pong(b, serial); }};

const xdg_toplevel_listener toplevel_listener = {
	[](void *data, xdg_toplevel *, int32_t w, int32_t h, wl_array *) {
		auto &c = *static_cast<Client *>(data);
		c.pending_width = w;
		c.pending_height = h;
	},
	[](void *data, xdg_toplevel *) { static_cast<Client *>(data)->running = false; },
	nullptr,
	nullptr,
};

const xdg_surface_listener surface_listener = {[](void *data, xdg_surface *xdg, uint32_t serial) {
	auto &c = *static_cast<Client *>(data);
	xdg_surface_ack_configure(xdg, serial);
	if (c.pending_width > 0 && c.pending_height > 0) {
		c.width = c.pending_width;
		c.height = c.pending_height;
	}
	draw(c);
}};

void handle_global(void *data, wl_registry *registry, uint32_t name, const char *interface, uint32_t version)
{
	auto &c = *static_cast<Client *>(data);
	const std::string i = interface;
	if (i == wl_compositor_interface.name)
		c.compositor = static_cast<wl_compositor *>(wl_registry_bind(registry, name, &wl_compositor_interface, 4));
	else if (i == wl_shm_interface.name)
		c.shm = static_cast<wl_shm *>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
	else if (i == xdg_wm_base_interface.name) {
		c.wm_base = static_cast<xdg_wm_base *>(wl_registry_bind(registry, name, &xdg_wm_base_interface, 1));
		xdg_wm_base_add_listener(c.wm_base, &wm_base_listener, &c);
	} else if (i == wl_seat_interface.name && !c.seat) {
		c.seat = static_cast<wl_seat *>(wl_registry_bind(registry, name, &wl_seat_interface, std::min(version, 5u)));
		wl_seat_add_listener(c.seat, &seat_listener, &c);
	}
}

const wl_registry_listener registry_listener = {handle_global, [](void *, wl_registry *, uint32_t) {}};

} // namespace

int main(int argc, char **argv)
{
	setvbuf(stdout, nullptr, _IOLBF, 0);
	const char *title = argc > 1 ? argv[1] : "pattern";
	Client c;
	c.display = wl_display_connect(nullptr);
	if (!c.display) {
		std::fprintf(stderr, "pattern-client: cannot connect to the Wayland display\n");
		return 1;
	}
	wl_registry *registry = wl_display_get_registry(c.display);
	wl_registry_add_listener(registry, &registry_listener, &c);
	wl_display_roundtrip(c.display);
	if (!c.compositor || !c.shm || !c.wm_base) {
		std::fprintf(stderr, "pattern-client: the compositor lacks wl_compositor, wl_shm or xdg_wm_base\n");
		return 1;
	}
	c.surface = wl_compositor_create_surface(c.compositor);
	c.xdg = xdg_wm_base_get_xdg_surface(c.wm_base, c.surface);
	xdg_surface_add_listener(c.xdg, &surface_listener, &c);
	c.toplevel = xdg_surface_get_toplevel(c.xdg);
	xdg_toplevel_add_listener(c.toplevel, &toplevel_listener, &c);
	xdg_toplevel_set_title(c.toplevel, title);
	wl_surface_commit(c.surface);
	while (c.running && wl_display_dispatch(c.display) >= 0) {
	}
	std::printf("pattern-client: closed\n");
	return 0;
}
