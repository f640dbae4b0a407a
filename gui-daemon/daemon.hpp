#pragma once
// bulkhead-gui-daemon: one process per domain, the only host process that reads
// what a guest sends. Every message passes wire::GuestSession::accept() before
// anything is done with it; a violation ends this domain's GUI connection.
//
// It is a Wayland client of the compositor on a socket the compositor created
// for this domain (WAYLAND_SOCKET), so it cannot choose which domain it speaks
// for. Pixels are never copied here: one wl_shm pool spans the whole shared
// region and each attach becomes a wl_buffer at the guest's offset in it.
#include "app_relay.hpp"
#include "wire/codec.hpp"

#include <wayland-client.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct xdg_wm_base;
struct xdg_surface;
struct xdg_toplevel;
struct xdg_activation_v1;
struct xdg_popup;
struct zxdg_decoration_manager_v1;
struct bulkhead_domain_manager_v1;
struct wp_viewporter;
struct wp_viewport;

namespace bulkhead::daemon {

struct Options {
	std::string domain;
	std::string transport; // local:PATH (the agent's socket) or vm:PATH (QEMU's socket of the channel)
	uint64_t region_size = 256ull << 20;
	// VM transport: the ivshmem backing file (/dev/shm/NAME), region_size bytes.
	std::string region_file;
	std::chrono::milliseconds ping_interval{2000};
	std::chrono::milliseconds ping_timeout{10000};
	// Silent this long after a ping (two missed intervals): the compositor is
	// told the guest is not responding, until it answers again.
	std::chrono::milliseconds unresponsive_after{4000};
	std::chrono::milliseconds hello_timeout{10000}; // a VM's first hello waits for its boot
	bool vm() const { return transport.rfind("vm:", 0) == 0; }
};

class Daemon;

// The host side of one guest window.
struct Window {
	Daemon *daemon = nullptr;
	uint32_t id = 0;
	uint32_t parent = 0;
	int32_t popup_x = 0, popup_y = 0;
	wl_surface *surface = nullptr;
	wp_viewport *viewport = nullptr; // crops content larger than the output
	bool cropped = false;
	xdg_surface *xdg = nullptr;
	xdg_toplevel *toplevel = nullptr;
	xdg_popup *popup = nullptr;
	bool configured = false;     // the compositor's initial configure arrived
	uint32_t pending_serial = 0; // configure to ack with the next commit
	bool ack_pending = false;
	bool mapped = false;
	bool wants_fullscreen = false; // the guest's last request, forwarded only when it changes
	bool asked_attention = false;  // forwarded once until the user focuses the window
	std::string title, app_id;
	std::optional<wire::Attach> pending_attach; // waiting for the initial configure
	wl_callback *frame = nullptr;
	uint32_t width = 0, height = 0;
};

// A wl_buffer the compositor may still read: released back to the guest when
// the compositor is done with it.
struct BufferRecord {
	Daemon *daemon;
	uint32_t window;
	uint64_t offset;
};

class Daemon {
public:
	explicit Daemon(Options options);
	~Daemon();

	// Runs until the guest or the compositor goes away, or the guest breaks a
	// rule. Returns the exit status: 0 for a clean end, 1 otherwise.
	int run();

	// Wayland event handlers (called from C listener trampolines).
	void handle_global(wl_registry *registry, uint32_t name, const char *interface, uint32_t version);
	void handle_xdg_configure(Window *w, uint32_t serial);
	void handle_toplevel_configure(Window *w, int32_t width, int32_t height, wl_array *states);
	void handle_toplevel_close(Window *w);
	void handle_popup_done(Window *w);
	void handle_activation_token(uint32_t window, const char *token);
	void handle_frame_done(Window *w, uint32_t time);
	void handle_buffer_release(wl_buffer *buffer, BufferRecord *record);
	void handle_keymap(uint32_t format, int fd, uint32_t size);
	void handle_keyboard_enter(wl_surface *surface);
	void handle_keyboard_leave(wl_surface *surface);
	void handle_key(uint32_t time, uint32_t key, uint32_t state);
	void handle_modifiers(uint32_t depressed, uint32_t latched, uint32_t locked, uint32_t group);
	void handle_pointer_enter(uint32_t serial, wl_surface *surface, wl_fixed_t x, wl_fixed_t y);
	void handle_pointer_leave(wl_surface *surface);
	void handle_pointer_motion(uint32_t time, wl_fixed_t x, wl_fixed_t y);
	void handle_pointer_button(uint32_t time, uint32_t button, uint32_t state);
	void handle_pointer_axis(uint32_t time, uint32_t axis, wl_fixed_t value);
	void handle_seat_capabilities(uint32_t caps);
	void handle_output_mode(int32_t width, int32_t height);
	void handle_output_scale(int32_t scale);
	void handle_domain(const char *name, const char *label);
	AppRelay &relay() { return relay_; }
	void handle_clipboard_request(uint32_t serial);
	void handle_clipboard_paste(int fd, uint32_t size);

	wl_pointer *pointer = nullptr;
	wl_keyboard *keyboard = nullptr;

private:
	bool connect_wayland();
	bool connect_guest();
	bool create_region();
	bool pump_guest();
	void handle_guest(const wire::GuestMessage &message);
	void create_window(const wire::CreateWindow &m);
	void create_popup_role(Window &w);
	void destroy_window(uint32_t id);
	void attach(Window &w, const wire::Attach &a);
	void unmap(Window &w);
	void send(const std::vector<uint8_t> &bytes, int fd = -1);
	void flush();
	template <typename M> void send_message(const M &m)
	{
		std::vector<uint8_t> out;
		wire::encode(out, m);
		send(out);
	}
	void end(const std::string &why);
	void report_silence(bool silent);
	void answer_clipboard(const wire::ClipboardData &m);
	void answer_compositor_clipboard(uint32_t serial, const std::string &data);
	Window *window_for(wl_surface *surface);
	void ask_attention(Window &w);

	Options options_;
	wl_display *display_ = nullptr;
	wl_registry *registry_ = nullptr;
	wl_compositor *compositor_ = nullptr;
	wl_shm *shm_ = nullptr;
	wl_seat *seat_ = nullptr;
	wl_output *output_ = nullptr;
	xdg_wm_base *wm_base_ = nullptr;
	zxdg_decoration_manager_v1 *decorations_ = nullptr;
	bulkhead_domain_manager_v1 *domain_manager_ = nullptr;
	wp_viewporter *viewporter_ = nullptr;
	xdg_activation_v1 *activation_ = nullptr;
	wl_shm_pool *pool_ = nullptr;

	int guest_fd_ = -1;
	std::vector<uint8_t> out_; // to the agent, not yet written
	std::size_t out_start_ = 0;
	static constexpr std::size_t max_queued_bytes = 8u << 20;
	int region_fd_ = -1;
	wire::Decoder decoder_;
	wire::GuestSession session_;
	AppRelay relay_;
	std::map<uint32_t, std::unique_ptr<Window>> windows_;
	int32_t output_width_ = 1920, output_height_ = 1080, output_scale_ = 1;
	std::string keymap_;
	std::string globals_seen_;
	uint32_t keyboard_window_ = 0, pointer_window_ = 0, pointer_serial_ = 0;
	uint32_t ping_serial_ = 0;
	uint32_t clipboard_serial_ = 0;
	std::map<uint32_t, uint32_t> clipboard_requests_; // our serial to the guest -> the compositor's
	std::optional<std::chrono::steady_clock::time_point> ping_sent_;
	std::chrono::steady_clock::time_point last_ping_{};
	bool guest_silent_ = false; // told the compositor the guest is not responding
	bool running_ = true;
	int status_ = 0;
};

} // namespace bulkhead::daemon
