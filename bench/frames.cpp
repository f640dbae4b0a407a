// bulkhead-bench-frames: a Wayland client that redraws a full-screen window
// with full damage as fast as frame callbacks allow, and reports frames per
// second, commit -> frame callback latency and, where the compositor offers
// wp_presentation, commit -> presented latency.
//
//   bulkhead-bench-frames [--seconds N] [--width W] [--height H] [--out FILE] [--label TEXT]
#include "presentation-time-client-protocol.h"
#include "xdg-shell-client-protocol.h"

#include <wayland-client.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace {

double now_ms()
{
	timespec ts{};
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct Buffer {
	wl_buffer *buffer = nullptr;
	uint32_t *pixels = nullptr;
	bool busy = false;
};

struct App {
	wl_compositor *compositor = nullptr;
	wl_shm *shm = nullptr;
	xdg_wm_base *wm_base = nullptr;
	wp_presentation *presentation = nullptr;
	wl_surface *surface = nullptr;
	bool configured = false;
	bool frame_due = true;
	double commit_time = 0;
	std::vector<double> callback_latency, present_latency;
	int frames = 0;
	Buffer buffers[2];
};

void global(void *data, wl_registry *r, uint32_t name, const char *iface, uint32_t version)
{
	auto *app = static_cast<App *>(data);
	if (!std::strcmp(iface, wl_compositor_interface.name))
		app->compositor = static_cast<wl_compositor *>(wl_registry_bind(r, name, &wl_compositor_interface, 4));
	else if (!std::strcmp(iface, wl_shm_interface.name))
		app->shm = static_cast<wl_shm *>(wl_registry_bind(r, name, &wl_shm_interface, 1));
	else if (!std::strcmp(iface, xdg_wm_base_interface.name))
		app->wm_base = static_cast<xdg_wm_base *>(wl_registry_bind(r, name, &xdg_wm_base_interface, 1));
	else if (!std::strcmp(iface, wp_presentation_interface.name))
		app->presentation = static_cast<wp_presentation *>(wl_registry_bind(r, name, &wp_presentation_interface, 1));
}
void global_remove(void *, wl_registry *, uint32_t) {}
const wl_registry_listener registry_listener = {global, global_remove};

void ping(void *, xdg_wm_base *b, uint32_t serial) { xdg_wm_base_pong(b, serial); }
const xdg_wm_base_listener wm_listener = {ping};

void surface_configure(void *data, xdg_surface *s, uint32_t serial)
{
	xdg_surface_ack_configure(s, serial);
	static_cast<App *>(data)->configured = true;
}
const xdg_surface_listener surface_listener = {surface_configure};

void release(void *data, wl_buffer *) { static_cast<Buffer *>(data)->busy = false; }
const wl_buffer_listener buffer_listener = {release};

void frame_done(void *data, wl_callback *cb, uint32_t)
{
	auto *app = static_cast<App *>(data);
	wl_callback_destroy(cb);
	app->callback_latency.push_back(now_ms() - app->commit_time);
	app->frame_due = true;
}
const wl_callback_listener frame_listener = {frame_done};

struct Feedback {
	App *app;
	double commit_time;
};
void fb_sync_output(void *, struct wp_presentation_feedback *, wl_output *) {}
void fb_presented(void *data, struct wp_presentation_feedback *f, uint32_t sec_hi, uint32_t sec_lo, uint32_t nsec, uint32_t,
	uint32_t, uint32_t, uint32_t)
{
	auto *fb = static_cast<Feedback *>(data);
	const double t = ((static_cast<uint64_t>(sec_hi) << 32) | sec_lo) * 1e3 + nsec / 1e6;
	fb->app->present_latency.push_back(t - fb->commit_time);
	wp_presentation_feedback_destroy(f);
	delete fb;
}
int discarded = 0;
void fb_discarded(void *data, struct wp_presentation_feedback *f)
{
	++discarded;
	wp_presentation_feedback_destroy(f);
	delete static_cast<Feedback *>(data);
}
const wp_presentation_feedback_listener feedback_listener = {fb_sync_output, fb_presented, fb_discarded};

double median(std::vector<double> v)
{
	if (v.empty())
		return 0;
	std::sort(v.begin(), v.end());
	return v[v.size() / 2];
}

double percentile(std::vector<double> v, double p)
{
	if (v.empty())
		return 0;
	std::sort(v.begin(), v.end());
	return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

} // namespace

int main(int argc, char **argv)
{
	int width = 1920, height = 1080;
	double seconds = 5;
	std::string out, label = "direct";
	for (int i = 1; i + 1 < argc; i += 2) {
		const std::string a = argv[i];
		if (a == "--seconds")
			seconds = std::atof(argv[i + 1]);
		else if (a == "--width")
			width = std::atoi(argv[i + 1]);
		else if (a == "--height")
			height = std::atoi(argv[i + 1]);
		else if (a == "--out")
			out = argv[i + 1];
		else if (a == "--label")
			label = argv[i + 1];
	}
	wl_display *display = wl_display_connect(nullptr);
	if (!display) {
		std::fprintf(stderr, "bench: no Wayland display\n");
		return 1;
	}
	App app;
	wl_registry_add_listener(wl_display_get_registry(display), &registry_listener, &app);
	wl_display_roundtrip(display);
	if (!app.compositor || !app.shm || !app.wm_base) {
		std::fprintf(stderr, "bench: missing globals\n");
		return 1;
	}
	xdg_wm_base_add_listener(app.wm_base, &wm_listener, &app);

	const int stride = width * 4;
	const std::size_t size = static_cast<std::size_t>(stride) * height;
	const int fd = memfd_create("bench", MFD_CLOEXEC);
	if (ftruncate(fd, static_cast<off_t>(size * 2)) != 0)
		return 1;
	auto *data = static_cast<uint8_t *>(mmap(nullptr, size * 2, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	wl_shm_pool *pool = wl_shm_create_pool(app.shm, fd, static_cast<int32_t>(size * 2));
	for (int i = 0; i < 2; ++i) {
		app.buffers[i].buffer = wl_shm_pool_create_buffer(pool, static_cast<int32_t>(size * i), width, height, stride,
			WL_SHM_FORMAT_XRGB8888);
		app.buffers[i].pixels = reinterpret_cast<uint32_t *>(data + size * i);
		wl_buffer_add_listener(app.buffers[i].buffer, &buffer_listener, &app.buffers[i]);
	}

	app.surface = wl_compositor_create_surface(app.compositor);
	xdg_surface *xs = xdg_wm_base_get_xdg_surface(app.wm_base, app.surface);
	xdg_surface_add_listener(xs, &surface_listener, &app);
	xdg_toplevel *top = xdg_surface_get_toplevel(xs);
	xdg_toplevel_set_title(top, "bench");
	wl_surface_commit(app.surface);
	while (!app.configured && wl_display_dispatch(display) >= 0) {
	}

	const double start = now_ms();
	double measured_from = 0;
	int warmup = 10;
	while (wl_display_dispatch_pending(display) >= 0) {
		if (app.frame_due) {
			Buffer *b = !app.buffers[0].busy ? &app.buffers[0] : !app.buffers[1].busy ? &app.buffers[1] : nullptr;
			if (b) {
				// A full-damage frame: every pixel changes.
				const uint32_t colour = 0xff000000u | (static_cast<uint32_t>(app.frames) * 0x010305u);
				std::fill(b->pixels, b->pixels + width * height, colour);
				wl_surface_attach(app.surface, b->buffer, 0, 0);
				wl_surface_damage_buffer(app.surface, 0, 0, width, height);
				wl_callback_add_listener(wl_surface_frame(app.surface), &frame_listener, &app);
				if (app.presentation)
					wp_presentation_feedback_add_listener(wp_presentation_feedback(app.presentation, app.surface),
						&feedback_listener, new Feedback{&app, now_ms()});
				app.commit_time = now_ms();
				wl_surface_commit(app.surface);
				b->busy = true;
				app.frame_due = false;
				if (warmup > 0 && --warmup == 0) {
					measured_from = now_ms();
					app.frames = 0;
					app.callback_latency.clear();
					app.present_latency.clear();
				} else {
					++app.frames;
				}
			}
		}
		if (measured_from > 0 && now_ms() - measured_from > seconds * 1000)
			break;
		if (now_ms() - start > (seconds + 30) * 1000)
			break;
		wl_display_flush(display);
		if (wl_display_dispatch(display) < 0)
			break;
	}
	const double elapsed = (now_ms() - measured_from) / 1000.0;
	char line[512];
	std::snprintf(line, sizeof line,
		"%-18s %dx%d  %7.1f frames/s  commit->frame-callback median %6.2f ms p95 %6.2f ms  commit->presented %s\n",
		label.c_str(), width, height, app.frames / elapsed, median(app.callback_latency),
		percentile(app.callback_latency, 0.95),
		!app.presentation ? "n/a (no wp_presentation)" : app.present_latency.empty() ? "n/a (all discarded)" :
			(std::to_string(median(app.present_latency)).substr(0, 6) + " ms median").c_str());
	std::fputs(line, stdout);
	if (!out.empty()) {
		FILE *f = std::fopen(out.c_str(), "w");
		if (f) {
			std::fputs(line, f);
			std::fclose(f);
		}
	}
	wl_display_disconnect(display);
	return 0;
}
