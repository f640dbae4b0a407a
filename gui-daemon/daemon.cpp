#include "daemon.hpp"

#include "bulkhead-domain-v1-client-protocol.h"
#include "wire/sealed_memfd.hpp"
#include "viewporter-client-protocol.h"
#include "xdg-activation-v1-client-protocol.h"
#include "xdg-decoration-unstable-v1-client-protocol.h"
#include "xdg-shell-client-protocol.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/input-event-codes.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace bulkhead::daemon {
namespace {

using Clock = std::chrono::steady_clock;

Daemon *daemon_of(void *data)
{
	return static_cast<Daemon *>(data);
}

// Listener tables: thin trampolines into Daemon.
void registry_global(void *data, wl_registry *registry, uint32_t name, const char *interface, uint32_t version)
{
	daemon_of(data)->handle_global(registry, name, interface, version);
}
void registry_global_remove(void *, wl_registry *, uint32_t) {}
const wl_registry_listener registry_listener = {registry_global, registry_global_remove};

void wm_base_ping(void *, xdg_wm_base *base, uint32_t serial)
{
	xdg_wm_base_pong(base, serial);
}
const xdg_wm_base_listener wm_base_listener = {wm_base_ping};

void xdg_surface_configure(void *data, xdg_surface *, uint32_t serial)
{
	auto *w = static_cast<Window *>(data);
	w->daemon->handle_xdg_configure(w, serial);
}
const xdg_surface_listener surface_listener = {xdg_surface_configure};

void toplevel_configure(void *data, xdg_toplevel *, int32_t width, int32_t height, wl_array *states)
{
	auto *w = static_cast<Window *>(data);
	w->daemon->handle_toplevel_configure(w, width, height, states);
}
void toplevel_close(void *data, xdg_toplevel *)
{
	auto *w = static_cast<Window *>(data);
	w->daemon->handle_toplevel_close(w);
}
// Bound at version 2: the later events never arrive.
const xdg_toplevel_listener toplevel_listener = {toplevel_configure, toplevel_close, nullptr, nullptr};

void popup_configure(void *, xdg_popup *, int32_t, int32_t, int32_t, int32_t) {}
void popup_done(void *data, xdg_popup *)
{
	auto *w = static_cast<Window *>(data);
	w->daemon->handle_popup_done(w);
}
void popup_repositioned(void *, xdg_popup *, uint32_t) {}
const xdg_popup_listener popup_listener = {popup_configure, popup_done, popup_repositioned};

// A token asked for one window (by id: the window may be gone when it arrives).
struct TokenRequest {
	Daemon *daemon;
	uint32_t window;
};
void token_done(void *data, xdg_activation_token_v1 *token, const char *name)
{
	auto *request = static_cast<TokenRequest *>(data);
	request->daemon->handle_activation_token(request->window, name);
	xdg_activation_token_v1_destroy(token);
	delete request;
}
const xdg_activation_token_v1_listener token_listener = {token_done};

void frame_done(void *data, wl_callback *callback, uint32_t time)
{
	auto *w = static_cast<Window *>(data);
	wl_callback_destroy(callback);
	w->frame = nullptr;
	w->daemon->handle_frame_done(w, time);
}
const wl_callback_listener frame_listener = {frame_done};

void buffer_release(void *data, wl_buffer *buffer)
{
	auto *record = static_cast<BufferRecord *>(data);
	record->daemon->handle_buffer_release(buffer, record);
}
const wl_buffer_listener buffer_listener = {buffer_release};

void seat_capabilities(void *data, wl_seat *, uint32_t caps)
{
	daemon_of(data)->handle_seat_capabilities(caps);
}
void seat_name(void *, wl_seat *, const char *) {}
const wl_seat_listener seat_listener = {seat_capabilities, seat_name};

void keyboard_keymap(void *data, wl_keyboard *, uint32_t format, int32_t fd, uint32_t size)
{
	daemon_of(data)->handle_keymap(format, fd, size);
}
void keyboard_enter(void *data, wl_keyboard *, uint32_t, wl_surface *surface, wl_array *)
{
	daemon_of(data)->handle_keyboard_enter(surface);
}
void keyboard_leave(void *data, wl_keyboard *, uint32_t, wl_surface *surface)
{
	daemon_of(data)->handle_keyboard_leave(surface);
}
void keyboard_key(void *data, wl_keyboard *, uint32_t, uint32_t time, uint32_t key, uint32_t state)
{
	daemon_of(data)->handle_key(time, key, state);
}
void keyboard_modifiers(void *data, wl_keyboard *, uint32_t, uint32_t dep, uint32_t lat, uint32_t lock, uint32_t group)
{
	daemon_of(data)->handle_modifiers(dep, lat, lock, group);
}
void keyboard_repeat(void *, wl_keyboard *, int32_t, int32_t) {}
const wl_keyboard_listener keyboard_listener = {keyboard_keymap, keyboard_enter, keyboard_leave, keyboard_key,
	keyboard_modifiers, keyboard_repeat};

void pointer_enter(void *data, wl_pointer *, uint32_t serial, wl_surface *surface, wl_fixed_t x, wl_fixed_t y)
{
	daemon_of(data)->handle_pointer_enter(serial, surface, x, y);
}
void pointer_leave(void *data, wl_pointer *, uint32_t, wl_surface *surface)
{
	daemon_of(data)->handle_pointer_leave(surface);
}
void pointer_motion(void *data, wl_pointer *, uint32_t time, wl_fixed_t x, wl_fixed_t y)
{
	daemon_of(data)->handle_pointer_motion(time, x, y);
}
void pointer_button(void *data, wl_pointer *, uint32_t, uint32_t time, uint32_t button, uint32_t state)
{
	daemon_of(data)->handle_pointer_button(time, button, state);
}
void pointer_axis(void *data, wl_pointer *, uint32_t time, uint32_t axis, wl_fixed_t value)
{
	daemon_of(data)->handle_pointer_axis(time, axis, value);
}
void pointer_frame(void *, wl_pointer *) {}
void pointer_axis_source(void *, wl_pointer *, uint32_t) {}
void pointer_axis_stop(void *, wl_pointer *, uint32_t, uint32_t) {}
void pointer_axis_discrete(void *, wl_pointer *, uint32_t, int32_t) {}
const wl_pointer_listener pointer_listener = {pointer_enter, pointer_leave, pointer_motion, pointer_button,
	pointer_axis, pointer_frame, pointer_axis_source, pointer_axis_stop, pointer_axis_discrete, nullptr};

void output_geometry(void *, wl_output *, int32_t, int32_t, int32_t, int32_t, int32_t, const char *, const char *, int32_t) {}
void output_mode(void *data, wl_output *, uint32_t flags, int32_t width, int32_t height, int32_t)
{
	if (flags & WL_OUTPUT_MODE_CURRENT)
		daemon_of(data)->handle_output_mode(width, height);
}
void output_done(void *, wl_output *) {}
void output_scale(void *data, wl_output *, int32_t factor)
{
	daemon_of(data)->handle_output_scale(factor);
}
const wl_output_listener output_listener = {output_geometry, output_mode, output_done, output_scale, nullptr, nullptr};

void domain_event(void *data, bulkhead_domain_manager_v1 *, const char *name, const char *label)
{
	daemon_of(data)->handle_domain(name, label);
}
void domain_clipboard_request(void *data, bulkhead_domain_manager_v1 *, uint32_t serial)
{
	daemon_of(data)->handle_clipboard_request(serial);
}
void domain_clipboard_paste(void *data, bulkhead_domain_manager_v1 *, int32_t fd, uint32_t size)
{
	daemon_of(data)->handle_clipboard_paste(fd, size);
}
void domain_launch(void *data, bulkhead_domain_manager_v1 *, uint32_t request, const char *command)
{
	daemon_of(data)->relay().handle_launch(request, command);
}
void domain_send_file(void *data, bulkhead_domain_manager_v1 *, uint32_t request, uint32_t flags, int32_t fd,
	const char *name)
{
	daemon_of(data)->relay().handle_send_file(request, flags, fd, name);
}
void domain_open_result(void *data, bulkhead_domain_manager_v1 *, uint32_t request, uint32_t status, const char *text)
{
	daemon_of(data)->relay().handle_open_result(request, status, text);
}
const bulkhead_domain_manager_v1_listener domain_listener = {domain_event, domain_clipboard_request,
	domain_clipboard_paste, domain_launch, domain_send_file, domain_open_result};

} // namespace

Daemon::Daemon(Options options)
	: options_(std::move(options)), decoder_(wire::Limits{}), session_(wire::Limits{}, options_.region_size),
	  relay_(session_, [this](const std::vector<uint8_t> &bytes) { send(bytes); })
{
}

Daemon::~Daemon()
{
	windows_.clear();
	if (guest_fd_ >= 0)
		close(guest_fd_);
	if (region_fd_ >= 0)
		close(region_fd_);
	if (display_)
		wl_display_disconnect(display_);
}

void Daemon::end(const std::string &why)
{
	if (!running_)
		return;
	std::fprintf(stderr, "bulkhead-gui-daemon: domain %s: ending the GUI connection: %s\n", options_.domain.c_str(),
		why.c_str());
	running_ = false;
	status_ = 1;
}

void Daemon::handle_global(wl_registry *registry, uint32_t name, const char *interface, uint32_t version)
{
	const std::string i = interface;
	globals_seen_ += " " + i;
	if (i == wl_compositor_interface.name)
		compositor_ = static_cast<wl_compositor *>(wl_registry_bind(registry, name, &wl_compositor_interface, std::min(version, 4u)));
	else if (i == wl_shm_interface.name)
		shm_ = static_cast<wl_shm *>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
	else if (i == xdg_wm_base_interface.name) {
		wm_base_ = static_cast<xdg_wm_base *>(wl_registry_bind(registry, name, &xdg_wm_base_interface, std::min(version, 2u)));
		xdg_wm_base_add_listener(wm_base_, &wm_base_listener, this);
	} else if (i == wl_seat_interface.name && !seat_) {
		seat_ = static_cast<wl_seat *>(wl_registry_bind(registry, name, &wl_seat_interface, std::min(version, 5u)));
		wl_seat_add_listener(seat_, &seat_listener, this);
	} else if (i == wl_output_interface.name && !output_) {
		output_ = static_cast<wl_output *>(wl_registry_bind(registry, name, &wl_output_interface, std::min(version, 2u)));
		wl_output_add_listener(output_, &output_listener, this);
	} else if (i == zxdg_decoration_manager_v1_interface.name)
		decorations_ = static_cast<zxdg_decoration_manager_v1 *>(
			wl_registry_bind(registry, name, &zxdg_decoration_manager_v1_interface, 1));
	else if (i == wp_viewporter_interface.name)
		viewporter_ = static_cast<wp_viewporter *>(wl_registry_bind(registry, name, &wp_viewporter_interface, 1));
	else if (i == xdg_activation_v1_interface.name)
		activation_ = static_cast<xdg_activation_v1 *>(wl_registry_bind(registry, name, &xdg_activation_v1_interface, 1));
	else if (i == bulkhead_domain_manager_v1_interface.name) {
		domain_manager_ = static_cast<bulkhead_domain_manager_v1 *>(
			wl_registry_bind(registry, name, &bulkhead_domain_manager_v1_interface, std::min(version, 4u)));
		bulkhead_domain_manager_v1_add_listener(domain_manager_, &domain_listener, this);
		if (version >= 3)
			relay_.set_manager(domain_manager_);
	}
}

void Daemon::handle_domain(const char *name, const char *label)
{
	// Informational: the compositor decided this when it created the connection.
	if (options_.domain != name)
		std::fprintf(stderr, "bulkhead-gui-daemon: started as '%s', the compositor says '%s'\n",
			options_.domain.c_str(), name);
	std::fprintf(stderr, "bulkhead-gui-daemon: domain %s (label %s) connected to the compositor\n", name, label);
}

bool Daemon::connect_wayland()
{
	display_ = wl_display_connect(nullptr); // WAYLAND_SOCKET, pre-connected by the compositor
	if (!display_) {
		std::fprintf(stderr, "bulkhead-gui-daemon: cannot connect to the compositor\n");
		return false;
	}
	registry_ = wl_display_get_registry(display_);
	wl_registry_add_listener(registry_, &registry_listener, this);
	wl_display_roundtrip(display_);
	wl_display_roundtrip(display_);
	std::fprintf(stderr, "bulkhead-gui-daemon: domain %s: the compositor offers:%s\n", options_.domain.c_str(),
		globals_seen_.c_str());
	if (!compositor_ || !shm_ || !wm_base_ || !seat_) {
		std::fprintf(stderr, "bulkhead-gui-daemon: the compositor lacks wl_compositor, wl_shm, xdg_wm_base or wl_seat\n");
		return false;
	}
	return true;
}

bool Daemon::create_region()
{
	if (options_.vm()) {
		// QEMU's ivshmem backing file: the guest sees the same pages as its BAR2.
		// libvirt listens on the channel's socket before QEMU runs, so the file
		// may not exist (or not have its size) yet: wait for it a while.
		struct stat st {};
		for (int attempt = 0; attempt < 100; ++attempt) {
			if (region_fd_ < 0)
				region_fd_ = open(options_.region_file.c_str(), O_RDWR | O_CLOEXEC);
			if (region_fd_ >= 0 && fstat(region_fd_, &st) == 0 &&
				static_cast<uint64_t>(st.st_size) == options_.region_size)
				break;
			usleep(100 * 1000);
		}
		if (region_fd_ < 0) {
			std::fprintf(stderr, "bulkhead-gui-daemon: domain %s: cannot open the region %s: %s\n",
				options_.domain.c_str(), options_.region_file.c_str(), std::strerror(errno));
			return false;
		}
		if (static_cast<uint64_t>(st.st_size) != options_.region_size) {
			std::fprintf(stderr, "bulkhead-gui-daemon: domain %s: the region %s is %lld bytes, configured %llu\n",
				options_.domain.c_str(), options_.region_file.c_str(), static_cast<long long>(st.st_size),
				static_cast<unsigned long long>(options_.region_size));
			return false;
		}
	} else {
		region_fd_ = memfd_create("bulkhead-region", MFD_CLOEXEC | MFD_ALLOW_SEALING);
		if (region_fd_ < 0 || ftruncate(region_fd_, static_cast<off_t>(options_.region_size)) != 0) {
			std::fprintf(stderr, "bulkhead-gui-daemon: cannot create the %llu-byte region: %s\n",
				static_cast<unsigned long long>(options_.region_size), std::strerror(errno));
			return false;
		}
		// Neither side may resize it: a shrunk pool would fault the compositor.
		fcntl(region_fd_, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	}
	pool_ = wl_shm_create_pool(shm_, region_fd_, static_cast<int32_t>(options_.region_size));
	return true;
}

bool Daemon::connect_guest()
{
	const std::string path = options_.transport.substr(options_.transport.find(':') + 1);
	sockaddr_un addr{};
	addr.sun_family = AF_UNIX;
	if (path.size() >= sizeof addr.sun_path)
		return false;
	std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
	// The agent (or QEMU) may still be starting: retry for a while.
	for (int attempt = 0; attempt < 100; ++attempt) {
		guest_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (connect(guest_fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0)
			return true;
		close(guest_fd_);
		guest_fd_ = -1;
		usleep(100 * 1000);
	}
	std::fprintf(stderr, "bulkhead-gui-daemon: domain %s: cannot connect to the agent's channel at %s\n",
		options_.domain.c_str(), path.c_str());
	return false;
}

void Daemon::send(const std::vector<uint8_t> &bytes, int fd)
{
	if (guest_fd_ < 0 || !running_)
		return;
	if (fd >= 0) {
		// The welcome carries the region's descriptor; it is the first message,
		// so nothing is queued before it.
		iovec iov{const_cast<uint8_t *>(bytes.data()), bytes.size()};
		msghdr msg{};
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
		msg.msg_control = control;
		msg.msg_controllen = sizeof control;
		cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
		const ssize_t n = sendmsg(guest_fd_, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			end("cannot send the welcome: " + std::string(std::strerror(errno)));
			return;
		}
		out_.insert(out_.end(), bytes.begin() + n, bytes.end());
	} else {
		out_.insert(out_.end(), bytes.begin(), bytes.end());
	}
	flush();
}

void Daemon::flush()
{
	// Never blocks: a guest that stops reading only fills its own queue, and
	// past the limit loses its connection.
	while (out_start_ < out_.size()) {
		const ssize_t n = ::send(guest_fd_, out_.data() + out_start_, out_.size() - out_start_, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			end("cannot write to the agent: " + std::string(std::strerror(errno)));
			return;
		}
		out_start_ += static_cast<std::size_t>(n);
	}
	if (out_start_ == out_.size()) {
		out_.clear();
		out_start_ = 0;
	} else if (out_.size() - out_start_ > max_queued_bytes) {
		end("the agent stopped reading (" + std::to_string(out_.size() - out_start_) + " bytes queued)");
	} else if (out_start_ > (1u << 20)) {
		out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_start_));
		out_start_ = 0;
	}
}

Window *Daemon::window_for(wl_surface *surface)
{
	if (!surface)
		return nullptr;
	for (auto &[id, w] : windows_)
		if (w->surface == surface)
			return w.get();
	return nullptr;
}

bool Daemon::pump_guest()
{
	uint8_t buf[65536];
	const ssize_t n = read(guest_fd_, buf, sizeof buf);
	if (n == 0) {
		std::fprintf(stderr, "bulkhead-gui-daemon: domain %s: the agent closed the connection\n", options_.domain.c_str());
		running_ = false;
		return false;
	}
	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	decoder_.feed(buf, static_cast<std::size_t>(n));
	while (running_) {
		auto next = decoder_.next();
		if (!next)
			break;
		if (!next->ok()) {
			end(std::string("rule ") + wire::rule_name(next->error().rule) + ": " + next->error().reason);
			return false;
		}
		auto checked = session_.accept(next->value());
		if (!checked.ok()) {
			end(std::string("rule ") + wire::rule_name(checked.error().rule) + ": " + checked.error().reason);
			return false;
		}
		handle_guest(checked.value());
	}
	return running_;
}

void Daemon::handle_guest(const wire::GuestMessage &message)
{
	using namespace wire;
	std::visit([this](const auto &m) {
		using T = std::decay_t<decltype(m)>;
		if constexpr (std::is_same_v<T, Hello>) {
			Welcome welcome;
			welcome.minor = m.minor;
			welcome.region_size = options_.region_size;
			welcome.output_width = output_width_;
			welcome.output_height = output_height_;
			welcome.scale = static_cast<uint32_t>(output_scale_);
			std::vector<uint8_t> out;
			encode(out, welcome);
			// Local transport: the region travels with the welcome, once; a VM
			// has it as a device already.
			send(out, options_.vm() ? -1 : region_fd_);
			if (!keymap_.empty())
				send_message(Keymap{keymap_});
			if (domain_manager_ && bulkhead_domain_manager_v1_get_version(domain_manager_) >=
					BULKHEAD_DOMAIN_MANAGER_V1_GUEST_READY_SINCE_VERSION)
				bulkhead_domain_manager_v1_guest_ready(domain_manager_);
		} else if constexpr (std::is_same_v<T, CreateWindow>) {
			create_window(m);
		} else if constexpr (std::is_same_v<T, DestroyWindow>) {
			destroy_window(m.window);
		} else if constexpr (std::is_same_v<T, Map>) {
			windows_.at(m.window)->mapped = true;
		} else if constexpr (std::is_same_v<T, Unmap>) {
			unmap(*windows_.at(m.window));
		} else if constexpr (std::is_same_v<T, SetTitle>) {
			Window &w = *windows_.at(m.window);
			w.title = m.title;
			if (w.toplevel)
				xdg_toplevel_set_title(w.toplevel, m.title.c_str());
		} else if constexpr (std::is_same_v<T, SetAppId>) {
			Window &w = *windows_.at(m.window);
			w.app_id = m.app_id;
			if (w.toplevel)
				xdg_toplevel_set_app_id(w.toplevel, m.app_id.c_str());
		} else if constexpr (std::is_same_v<T, SizeHints>) {
			Window &w = *windows_.at(m.window);
			if (w.toplevel) {
				xdg_toplevel_set_min_size(w.toplevel, static_cast<int32_t>(m.min_width), static_cast<int32_t>(m.min_height));
				xdg_toplevel_set_max_size(w.toplevel, static_cast<int32_t>(m.max_width), static_cast<int32_t>(m.max_height));
			}
		} else if constexpr (std::is_same_v<T, Attach>) {
			attach(*windows_.at(m.window), m);
		} else if constexpr (std::is_same_v<T, SetCursor>) {
			if (domain_manager_ && pointer_window_ == m.window)
				bulkhead_domain_manager_v1_set_cursor_shape(domain_manager_, pointer_serial_, m.shape);
		} else if constexpr (std::is_same_v<T, SetFullscreen>) {
			// The compositor decides (per-domain permission); repeats are dropped
			// here so a flood costs the compositor nothing.
			Window &w = *windows_.at(m.window);
			if (w.toplevel && w.wants_fullscreen != (m.fullscreen == 1)) {
				w.wants_fullscreen = m.fullscreen == 1;
				if (w.wants_fullscreen)
					xdg_toplevel_set_fullscreen(w.toplevel, nullptr);
				else
					xdg_toplevel_unset_fullscreen(w.toplevel);
			}
		} else if constexpr (std::is_same_v<T, DemandsAttention>) {
			ask_attention(*windows_.at(m.window));
		} else if constexpr (std::is_same_v<T, ClipboardData>) {
			answer_clipboard(m);
		} else if constexpr (std::is_same_v<T, Pong>) {
			if (m.serial == ping_serial_) {
				ping_sent_.reset();
				report_silence(false);
			}
		} else if constexpr (std::is_same_v<T, OpenFileBegin>) {
			std::string why;
			if (!relay_.handle_open_begin(m, &why))
				end(why);
		} else if constexpr (std::is_same_v<T, ReturnFileBegin>) {
			std::string why;
			if (!relay_.handle_return_begin(m, &why))
				end(why);
		} else if constexpr (std::is_same_v<T, OpenFileChunk>) {
			std::string why;
			if (!relay_.handle_chunk(m, &why))
				end(why);
		} else if constexpr (std::is_same_v<T, OpenFileEnd>) {
			relay_.handle_end();
		} else if constexpr (std::is_same_v<T, AppExited>) {
			relay_.handle_app_exited(m);
		} else {
			// Acks are implicit (the next attach acks the host's configure);
			// Acks are implicit (the next attach acks the host's configure).
		}
	}, message);
}

void Daemon::handle_clipboard_request(uint32_t serial)
{
	if (!session_.handshake_done()) {
		answer_compositor_clipboard(serial, "");
		return;
	}
	// The guest answers our serial; the session lets exactly one answer through.
	const uint32_t guest_serial = ++clipboard_serial_;
	clipboard_requests_[guest_serial] = serial;
	session_.expect_clipboard(guest_serial);
	send_message(wire::ClipboardRequest{guest_serial});
}

void Daemon::answer_clipboard(const wire::ClipboardData &m)
{
	auto it = clipboard_requests_.find(m.serial);
	if (it == clipboard_requests_.end())
		return;
	const uint32_t serial = it->second;
	clipboard_requests_.erase(it);
	answer_compositor_clipboard(serial, m.data);
}

void Daemon::answer_compositor_clipboard(uint32_t serial, const std::string &data)
{
	const int fd = wire::sealed_memfd("bulkhead-clipboard", data);
	if (fd < 0) {
		std::fprintf(stderr, "bulkhead-gui-daemon: domain %s: cannot pass the clipboard: %s\n",
			options_.domain.c_str(), std::strerror(errno));
		return;
	}
	bulkhead_domain_manager_v1_clipboard_data(domain_manager_, serial, fd, static_cast<uint32_t>(data.size()));
	close(fd);
}

void Daemon::handle_clipboard_paste(int fd, uint32_t size)
{
	std::string why;
	auto data = wire::read_sealed_memfd(fd, size, session_.limits().max_clipboard_bytes, &why);
	close(fd);
	if (!data)
		std::fprintf(stderr, "bulkhead-gui-daemon: domain %s: paste not forwarded: %s\n", options_.domain.c_str(),
			why.c_str());
	else if (session_.handshake_done())
		send_message(wire::ClipboardSet{std::move(*data)});
}

void Daemon::create_window(const wire::CreateWindow &m)
{
	auto w = std::make_unique<Window>();
	w->daemon = this;
	w->id = m.window;
	w->parent = m.parent;
	w->popup_x = m.x;
	w->popup_y = m.y;
	w->surface = wl_compositor_create_surface(compositor_);
	if (viewporter_)
		w->viewport = wp_viewporter_get_viewport(viewporter_, w->surface);
	if (!m.parent) {
		w->xdg = xdg_wm_base_get_xdg_surface(wm_base_, w->surface);
		xdg_surface_add_listener(w->xdg, &surface_listener, w.get());
		w->toplevel = xdg_surface_get_toplevel(w->xdg);
		xdg_toplevel_add_listener(w->toplevel, &toplevel_listener, w.get());
		if (decorations_) {
			auto *deco = zxdg_decoration_manager_v1_get_toplevel_decoration(decorations_, w->toplevel);
			zxdg_toplevel_decoration_v1_set_mode(deco, ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
		}
		wl_surface_commit(w->surface); // the initial commit asks for a configure
	}
	// A popup's role needs its size, so it is created with its first buffer.
	windows_[m.window] = std::move(w);
}

void Daemon::create_popup_role(Window &w)
{
	auto parent = windows_.find(w.parent);
	if (parent == windows_.end() || !parent->second->xdg)
		return; // its parent has no role yet; the next attach tries again
	xdg_positioner *positioner = xdg_wm_base_create_positioner(wm_base_);
	xdg_positioner_set_size(positioner, static_cast<int32_t>(w.width), static_cast<int32_t>(w.height));
	xdg_positioner_set_anchor_rect(positioner, w.popup_x, w.popup_y, 1, 1);
	xdg_positioner_set_anchor(positioner, XDG_POSITIONER_ANCHOR_TOP_LEFT);
	xdg_positioner_set_gravity(positioner, XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT);
	xdg_positioner_set_constraint_adjustment(positioner, XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X |
		XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_Y | XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_X |
		XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_Y);
	w.xdg = xdg_wm_base_get_xdg_surface(wm_base_, w.surface);
	xdg_surface_add_listener(w.xdg, &surface_listener, &w);
	w.popup = xdg_surface_get_popup(w.xdg, parent->second->xdg, positioner);
	xdg_popup_add_listener(w.popup, &popup_listener, &w);
	xdg_positioner_destroy(positioner);
	wl_surface_commit(w.surface);
}

void Daemon::destroy_window(uint32_t id)
{
	// The session forgot the popups with their parent; so do we, children first.
	std::vector<uint32_t> doomed;
	for (auto &[wid, w] : windows_) {
		uint32_t p = wid;
		while (p && p != id) {
			auto it = windows_.find(p);
			p = it == windows_.end() ? 0 : it->second->parent;
		}
		if (p == id)
			doomed.push_back(wid);
	}
	std::sort(doomed.begin(), doomed.end(), [this](uint32_t a, uint32_t b) {
		auto depth = [this](uint32_t x) {
			int d = 0;
			for (auto it = windows_.find(x); it != windows_.end() && it->second->parent; it = windows_.find(it->second->parent))
				++d;
			return d;
		};
		return depth(a) > depth(b);
	});
	for (uint32_t wid : doomed) {
		auto it = windows_.find(wid);
		Window &w = *it->second;
		if (keyboard_window_ == wid)
			keyboard_window_ = 0;
		if (pointer_window_ == wid)
			pointer_window_ = 0;
		if (w.frame)
			wl_callback_destroy(w.frame);
		if (w.viewport)
			wp_viewport_destroy(w.viewport);
		if (w.popup)
			xdg_popup_destroy(w.popup);
		if (w.toplevel)
			xdg_toplevel_destroy(w.toplevel);
		if (w.xdg)
			xdg_surface_destroy(w.xdg);
		wl_surface_destroy(w.surface);
		windows_.erase(it);
	}
}

void Daemon::unmap(Window &w)
{
	w.mapped = false;
	wl_surface_attach(w.surface, nullptr, 0, 0);
	wl_surface_commit(w.surface);
	w.configured = false;
	if (w.toplevel)
		wl_surface_commit(w.surface); // start over: a fresh initial commit
}

void Daemon::attach(Window &w, const wire::Attach &a)
{
	w.width = a.width;
	w.height = a.height;
	if (w.parent && !w.xdg)
		create_popup_role(w);
	if (!w.configured) {
		// Until the compositor's first configure only the newest frame matters;
		// the older one goes straight back to the guest.
		if (w.pending_attach)
			send_message(wire::BufferRelease{w.id, w.pending_attach->offset});
		w.pending_attach = a;
		return;
	}
	if (w.ack_pending) {
		xdg_surface_ack_configure(w.xdg, w.pending_serial);
		w.ack_pending = false;
	}
	wl_buffer *buffer = wl_shm_pool_create_buffer(pool_, static_cast<int32_t>(a.offset), static_cast<int32_t>(a.width),
		static_cast<int32_t>(a.height), static_cast<int32_t>(a.stride),
		a.format == wire::format_xrgb8888 ? WL_SHM_FORMAT_XRGB8888 : WL_SHM_FORMAT_ARGB8888);
	wl_buffer_add_listener(buffer, &buffer_listener, new BufferRecord{this, w.id, a.offset});
	wl_surface_attach(w.surface, buffer, 0, 0);
	// A guest window never shows larger than the output: whatever lies beyond is
	// cut off, so no VM can cover the whole screen with one window.
	const int32_t shown_w = std::min<int32_t>(static_cast<int32_t>(a.width), output_width_);
	const int32_t shown_h = std::min<int32_t>(static_cast<int32_t>(a.height), output_height_);
	const bool crop = shown_w < static_cast<int32_t>(a.width) || shown_h < static_cast<int32_t>(a.height);
	if (w.viewport && (crop || w.cropped)) {
		if (crop) {
			wp_viewport_set_source(w.viewport, 0, 0, wl_fixed_from_int(shown_w), wl_fixed_from_int(shown_h));
			wp_viewport_set_destination(w.viewport, shown_w, shown_h);
		} else {
			wp_viewport_set_source(w.viewport, wl_fixed_from_int(-1), wl_fixed_from_int(-1), wl_fixed_from_int(-1),
				wl_fixed_from_int(-1));
			wp_viewport_set_destination(w.viewport, -1, -1);
		}
		w.cropped = crop;
	}
	if (a.damage.empty())
		wl_surface_damage_buffer(w.surface, 0, 0, INT32_MAX, INT32_MAX);
	for (const auto &d : a.damage)
		wl_surface_damage_buffer(w.surface, d.x, d.y, d.width, d.height);
	if (!w.frame) {
		w.frame = wl_surface_frame(w.surface);
		wl_callback_add_listener(w.frame, &frame_listener, &w);
	}
	wl_surface_commit(w.surface);
}

void Daemon::handle_xdg_configure(Window *w, uint32_t serial)
{
	w->pending_serial = serial;
	w->ack_pending = true;
	if (!w->configured) {
		w->configured = true;
		if (w->pending_attach) {
			wire::Attach a = std::move(*w->pending_attach);
			w->pending_attach.reset();
			attach(*w, a);
		} else {
			xdg_surface_ack_configure(w->xdg, serial);
			w->ack_pending = false;
		}
	}
}

void Daemon::handle_toplevel_configure(Window *w, int32_t width, int32_t height, wl_array *states)
{
	wire::Configure c;
	c.window = w->id;
	c.width = std::max(0, width);
	c.height = std::max(0, height);
	const auto *s = static_cast<const uint32_t *>(states->data);
	for (std::size_t i = 0; i < states->size / sizeof(uint32_t); ++i) {
		switch (s[i]) {
		case XDG_TOPLEVEL_STATE_ACTIVATED: c.flags |= wire::configure_activated; break;
		case XDG_TOPLEVEL_STATE_MAXIMIZED: c.flags |= wire::configure_maximized; break;
		case XDG_TOPLEVEL_STATE_FULLSCREEN: c.flags |= wire::configure_fullscreen; break;
		case XDG_TOPLEVEL_STATE_RESIZING: c.flags |= wire::configure_resizing; break;
		default: break;
		}
	}
	// Refused, or ended by the user (Escape held): the app may ask again.
	w->wants_fullscreen = (c.flags & wire::configure_fullscreen) != 0;
	send_message(c);
}

void Daemon::handle_toplevel_close(Window *w)
{
	send_message(wire::Close{w->id});
}

void Daemon::handle_popup_done(Window *w)
{
	send_message(wire::Close{w->id});
}

void Daemon::handle_frame_done(Window *w, uint32_t time)
{
	send_message(wire::FrameDone{w->id, time});
}

void Daemon::handle_buffer_release(wl_buffer *buffer, BufferRecord *record)
{
	if (windows_.count(record->window))
		send_message(wire::BufferRelease{record->window, record->offset});
	wl_buffer_destroy(buffer);
	delete record;
}

void Daemon::handle_seat_capabilities(uint32_t caps)
{
	if ((caps & WL_SEAT_CAPABILITY_POINTER) && !pointer) {
		pointer = wl_seat_get_pointer(seat_);
		wl_pointer_add_listener(pointer, &pointer_listener, this);
	}
	if ((caps & WL_SEAT_CAPABILITY_KEYBOARD) && !keyboard) {
		keyboard = wl_seat_get_keyboard(seat_);
		wl_keyboard_add_listener(keyboard, &keyboard_listener, this);
	}
}

void Daemon::handle_keymap(uint32_t format, int fd, uint32_t size)
{
	const uint32_t max = session_.limits().max_keymap_bytes;
	if (format == WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1 && size > 0 && size <= max) {
		void *map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map != MAP_FAILED) {
			keymap_.assign(static_cast<const char *>(map), strnlen(static_cast<const char *>(map), size));
			munmap(map, size);
			if (session_.handshake_done())
				send_message(wire::Keymap{keymap_});
		}
	} else {
		std::fprintf(stderr, "bulkhead-gui-daemon: keymap of %u bytes not forwarded (limit %u)\n", size, max);
	}
	close(fd);
}

void Daemon::ask_attention(Window &w)
{
	// A token with no input serial: the compositor never activates with it, it
	// only marks the window urgent. Once per window until the user focuses it,
	// so a flood costs the compositor nothing.
	if (!activation_ || !w.toplevel || w.asked_attention)
		return;
	w.asked_attention = true;
	xdg_activation_token_v1 *token = xdg_activation_v1_get_activation_token(activation_);
	xdg_activation_token_v1_add_listener(token, &token_listener, new TokenRequest{this, w.id});
	xdg_activation_token_v1_set_surface(token, w.surface);
	xdg_activation_token_v1_commit(token);
}

void Daemon::handle_activation_token(uint32_t window, const char *token)
{
	auto it = windows_.find(window);
	if (it != windows_.end() && activation_)
		xdg_activation_v1_activate(activation_, token, it->second->surface);
}

void Daemon::handle_keyboard_enter(wl_surface *surface)
{
	if (Window *w = window_for(surface)) {
		w->asked_attention = false;
		keyboard_window_ = w->id;
		send_message(wire::KeyboardEnter{w->id});
	}
}

void Daemon::handle_keyboard_leave(wl_surface *surface)
{
	if (Window *w = window_for(surface))
		send_message(wire::KeyboardLeave{w->id});
	keyboard_window_ = 0;
}

void Daemon::handle_key(uint32_t time, uint32_t key, uint32_t state)
{
	if (keyboard_window_)
		send_message(wire::Key{time, key, state});
}

void Daemon::handle_modifiers(uint32_t depressed, uint32_t latched, uint32_t locked, uint32_t group)
{
	send_message(wire::Modifiers{depressed, latched, locked, group});
}

void Daemon::handle_pointer_enter(uint32_t serial, wl_surface *surface, wl_fixed_t x, wl_fixed_t y)
{
	pointer_serial_ = serial;
	if (Window *w = window_for(surface)) {
		pointer_window_ = w->id;
		send_message(wire::PointerEnter{w->id, x, y});
	}
}

void Daemon::handle_pointer_leave(wl_surface *surface)
{
	if (Window *w = window_for(surface))
		send_message(wire::PointerLeave{w->id});
	pointer_window_ = 0;
}

void Daemon::handle_pointer_motion(uint32_t time, wl_fixed_t x, wl_fixed_t y)
{
	if (pointer_window_)
		send_message(wire::PointerMotion{time, x, y});
}

void Daemon::handle_pointer_button(uint32_t time, uint32_t button, uint32_t state)
{
	if (pointer_window_)
		send_message(wire::PointerButton{time, button, state});
}

void Daemon::handle_pointer_axis(uint32_t time, uint32_t axis, wl_fixed_t value)
{
	if (pointer_window_)
		send_message(wire::PointerAxis{time, axis, value, 0});
}

void Daemon::handle_output_mode(int32_t width, int32_t height)
{
	output_width_ = width;
	output_height_ = height;
	if (session_.handshake_done())
		send_message(wire::Output{output_width_, output_height_, static_cast<uint32_t>(output_scale_)});
}

void Daemon::handle_output_scale(int32_t scale)
{
	output_scale_ = std::max(1, scale);
}

void Daemon::report_silence(bool silent)
{
	if (silent == guest_silent_)
		return;
	guest_silent_ = silent;
	const auto ms = static_cast<uint32_t>(options_.unresponsive_after.count());
	std::fprintf(stderr, "bulkhead-gui-daemon: domain %s: %s\n", options_.domain.c_str(),
		silent ? ("the agent has not answered a ping for " + std::to_string(ms) + " ms").c_str()
		       : "the agent answers pings again");
	if (!domain_manager_ || bulkhead_domain_manager_v1_get_version(domain_manager_) <
			BULKHEAD_DOMAIN_MANAGER_V1_GUEST_UNRESPONSIVE_SINCE_VERSION)
		return;
	if (silent)
		bulkhead_domain_manager_v1_guest_unresponsive(domain_manager_, ms);
	else
		bulkhead_domain_manager_v1_guest_responsive(domain_manager_);
}

int Daemon::run()
{
	// The guest first: a VM's region file exists once QEMU runs.
	if (!connect_wayland() || !connect_guest() || !create_region())
		return 1;
	std::fprintf(stderr, "bulkhead-gui-daemon: domain %s: connected to the agent\n", options_.domain.c_str());
	last_ping_ = Clock::now();
	while (running_) {
		while (wl_display_prepare_read(display_) != 0)
			wl_display_dispatch_pending(display_);
		if (wl_display_flush(display_) < 0 && errno != EAGAIN) {
			wl_display_cancel_read(display_);
			std::fprintf(stderr, "bulkhead-gui-daemon: domain %s: the compositor closed the connection\n",
				options_.domain.c_str());
			status_ = 1;
			break;
		}
		const short guest_events = POLLIN | (out_start_ < out_.size() ? POLLOUT : 0);
		// While a file streams, come back soon to send its next chunks.
		const int timeout = relay_.streaming() && out_start_ == out_.size() ? 0 : static_cast<int>(options_.ping_interval.count());
		pollfd fds[2] = {{wl_display_get_fd(display_), POLLIN, 0}, {guest_fd_, guest_events, 0}};
		const int ready = poll(fds, 2, timeout);
		if (ready < 0 && errno != EINTR) {
			wl_display_cancel_read(display_);
			break;
		}
		if (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) {
			if (wl_display_read_events(display_) < 0) {
				std::fprintf(stderr, "bulkhead-gui-daemon: domain %s: lost the compositor\n", options_.domain.c_str());
				status_ = 1;
				break;
			}
		} else {
			wl_display_cancel_read(display_);
		}
		wl_display_dispatch_pending(display_);
		if (fds[1].revents & POLLOUT)
			flush();
		relay_.pump(out_.size() - out_start_);
		if (fds[1].revents & (POLLIN | POLLERR | POLLHUP))
			pump_guest();

		// Liveness: a guest that stops answering pings is shown as not
		// responding, then loses its GUI connection.
		const auto now = Clock::now();
		if (ping_sent_ && now - *ping_sent_ > options_.ping_timeout) {
			end("the agent did not answer a ping for " + std::to_string(options_.ping_timeout.count()) + " ms");
		} else if (ping_sent_ && now - *ping_sent_ >= options_.unresponsive_after) {
			report_silence(true);
		} else if (!ping_sent_ && now - last_ping_ >= options_.ping_interval && session_.handshake_done()) {
			send_message(wire::Ping{++ping_serial_});
			ping_sent_ = now;
			last_ping_ = now;
		} else if (!session_.handshake_done() && now - last_ping_ > options_.hello_timeout) {
			end("no hello within " + std::to_string(options_.hello_timeout.count()) + " ms");
		}
	}
	return status_;
}

} // namespace bulkhead::daemon
