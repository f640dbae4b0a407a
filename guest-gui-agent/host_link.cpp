#include "host_link.hpp"

#include "agent.hpp"
#include "services.hpp"
#include "transport.hpp"

#include <cerrno>
#include <unistd.h>

namespace bulkhead::agent {

HostLink::HostLink(Agent &agent, int fd, std::string region_path, uint64_t region_size,
	std::function<void()> on_closed)
	: agent_(agent), fd_(fd), region_path_(std::move(region_path)), region_size_(region_size),
	  on_closed_(std::move(on_closed)), decoder_(limits_)
{
	source_ = wl_event_loop_add_fd(agent_.event_loop(), fd_, WL_EVENT_READABLE, &HostLink::handle_readable, this);
	std::vector<uint8_t> out;
	wire::Hello hello;
	hello.region_size = region_size_;
	wire::encode(out, hello);
	send(out);
}

HostLink::~HostLink()
{
	if (welcomed_)
		agent_.detach_link();
	if (source_)
		wl_event_source_remove(source_);
	if (pending_region_fd_ >= 0)
		close(pending_region_fd_);
	if (fd_ >= 0)
		close(fd_);
}

void HostLink::fail(const std::string &why)
{
	wlr_log(WLR_ERROR, "host connection: %s; waiting for a new one", why.c_str());
	if (welcomed_)
		agent_.detach_link();
	welcomed_ = false;
	if (source_)
		wl_event_source_remove(source_);
	source_ = nullptr;
	close(fd_);
	fd_ = -1;
	if (on_closed_)
		on_closed_();
}

int HostLink::handle_readable(int fd, uint32_t mask, void *data)
{
	auto *self = static_cast<HostLink *>(data);
	uint8_t buf[65536];
	int received_fd = -1;
	// Only a socket carries descriptors; a virtio-serial port is a plain file.
	const ssize_t n = self->region_path_.empty() ? read_with_fd(fd, buf, sizeof buf, &received_fd)
						      : read(fd, buf, sizeof buf);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (received_fd >= 0) {
		// Only the welcome carries a descriptor; anything else is dropped.
		if (self->welcomed_ || self->pending_region_fd_ >= 0)
			close(received_fd);
		else
			self->pending_region_fd_ = received_fd;
	}
	if (n <= 0) {
		self->fail(n == 0 ? "the daemon closed it" : "read failed");
		return 0;
	}
	self->decoder_.feed(buf, static_cast<std::size_t>(n));
	while (self->fd_ >= 0) {
		auto next = self->decoder_.next();
		if (!next)
			break;
		if (!next->ok()) {
			self->fail(std::string("bad stream: ") + next->error().reason);
			break;
		}
		auto message = wire::parse_host_message(next->value(), self->limits_);
		if (!message.ok()) {
			self->fail(std::string("bad message (") + wire::rule_name(message.error().rule) + "): " +
				message.error().reason);
			break;
		}
		self->handle_message(message.value());
	}
	return 0;
}

void HostLink::handle_welcome(const wire::Welcome &welcome)
{
	if (welcomed_) {
		fail("a second welcome");
		return;
	}
	if (region_size_ != 0 && welcome.region_size != region_size_) {
		fail("the host's region is " + std::to_string(welcome.region_size) + " bytes, the device's " +
			std::to_string(region_size_));
		return;
	}
	auto region = std::make_unique<SharedRegion>();
	std::string error;
	bool mapped;
	if (!region_path_.empty()) {
		mapped = region->map_path(region_path_, welcome.region_size, &error);
	} else if (pending_region_fd_ >= 0) {
		mapped = region->map_fd(pending_region_fd_, welcome.region_size, &error);
		close(pending_region_fd_);
		pending_region_fd_ = -1;
	} else {
		mapped = false;
		error = "the welcome came without the region's descriptor";
	}
	if (!mapped) {
		fail("cannot map the shared region: " + error);
		return;
	}
	welcomed_ = true;
	host_minor_ = welcome.minor;
	wlr_log(WLR_INFO, "host connected: protocol %u.%u, region %llu MiB, output %dx%d@%u", welcome.major,
		welcome.minor, static_cast<unsigned long long>(welcome.region_size >> 20), welcome.output_width,
		welcome.output_height, welcome.scale);
	agent_.set_region(std::move(region));
	agent_.set_output(welcome.output_width, welcome.output_height, static_cast<int32_t>(welcome.scale));
	agent_.attach_link(this);
}

void HostLink::handle_message(const wire::HostMessage &message)
{
	using namespace wire;
	if (!welcomed_ && !std::holds_alternative<Welcome>(message)) {
		fail("a message before the welcome");
		return;
	}
	std::visit([this](const auto &m) {
		using T = std::decay_t<decltype(m)>;
		auto window = [&](uint32_t id) { return agent_.window(id); };
		if constexpr (std::is_same_v<T, Welcome>) {
			handle_welcome(m);
		} else if constexpr (std::is_same_v<T, BufferRelease>) {
			if (Window *w = window(m.window))
				w->handle_buffer_release(m.offset);
		} else if constexpr (std::is_same_v<T, FrameDone>) {
			if (Window *w = window(m.window))
				w->handle_frame_done();
		} else if constexpr (std::is_same_v<T, Configure>) {
			if (Window *w = window(m.window))
				w->handle_configure(m.width, m.height, m.flags & configure_activated, m.flags & configure_maximized,
					m.flags & configure_fullscreen, m.flags & configure_resizing);
		} else if constexpr (std::is_same_v<T, Close>) {
			if (Window *w = window(m.window))
				w->handle_close();
		} else if constexpr (std::is_same_v<T, Keymap>) {
			agent_.set_keymap(m.text);
		} else if constexpr (std::is_same_v<T, KeyboardEnter>) {
			agent_.keyboard_enter(m.window);
		} else if constexpr (std::is_same_v<T, KeyboardLeave>) {
			agent_.keyboard_leave(m.window);
		} else if constexpr (std::is_same_v<T, Key>) {
			agent_.keyboard_key(m.time_msec, m.key, m.state != 0);
		} else if constexpr (std::is_same_v<T, Modifiers>) {
			agent_.keyboard_modifiers(m.depressed, m.latched, m.locked, m.group);
		} else if constexpr (std::is_same_v<T, PointerEnter>) {
			agent_.pointer_enter(m.window, m.x / 256.0, m.y / 256.0);
		} else if constexpr (std::is_same_v<T, PointerLeave>) {
			agent_.pointer_leave(m.window);
		} else if constexpr (std::is_same_v<T, PointerMotion>) {
			agent_.pointer_motion(m.time_msec, m.x / 256.0, m.y / 256.0);
		} else if constexpr (std::is_same_v<T, PointerButton>) {
			agent_.pointer_button(m.time_msec, m.button, m.state != 0);
		} else if constexpr (std::is_same_v<T, PointerAxis>) {
			agent_.pointer_axis(m.time_msec, m.axis != 0, m.value / 256.0, m.discrete);
		} else if constexpr (std::is_same_v<T, Ping>) {
			std::vector<uint8_t> out;
			encode(out, Pong{m.serial});
			send(out);
		} else if constexpr (std::is_same_v<T, Output>) {
			agent_.set_output(m.width, m.height, static_cast<int32_t>(m.scale));
		} else if constexpr (std::is_same_v<T, ClipboardRequest>) {
			agent_.clipboard_request(m.serial);
		} else if constexpr (std::is_same_v<T, ClipboardSet>) {
			agent_.clipboard_set(m.data);
		} else if constexpr (std::is_same_v<T, Launch>) {
			agent_.services().handle_launch(m);
		} else if constexpr (std::is_same_v<T, FileBegin>) {
			agent_.services().handle_file_begin(m);
		} else if constexpr (std::is_same_v<T, FileChunk>) {
			agent_.services().handle_file_chunk(m);
		} else if constexpr (std::is_same_v<T, FileEnd>) {
			agent_.services().handle_file_end();
		} else if constexpr (std::is_same_v<T, OpenResult>) {
			agent_.services().handle_open_result(m);
		}
	}, message);
}

void HostLink::send(const std::vector<uint8_t> &bytes)
{
	if (fd_ >= 0 && !write_all(fd_, bytes.data(), bytes.size()))
		fail("write failed");
}

void HostLink::send_clipboard_data(uint32_t serial, const std::string &data)
{
	std::vector<uint8_t> out;
	wire::encode(out, wire::ClipboardData{serial, data});
	send(out);
}

void HostLink::send_create_window(uint32_t id, uint32_t parent, int32_t x, int32_t y)
{
	std::vector<uint8_t> out;
	wire::encode(out, wire::CreateWindow{id, parent, x, y});
	send(out);
}

void HostLink::send_destroy_window(uint32_t id)
{
	std::vector<uint8_t> out;
	wire::encode(out, wire::DestroyWindow{id});
	send(out);
}

void HostLink::send_map(uint32_t id)
{
	std::vector<uint8_t> out;
	wire::encode(out, wire::Map{id});
	send(out);
}

void HostLink::send_unmap(uint32_t id)
{
	std::vector<uint8_t> out;
	wire::encode(out, wire::Unmap{id});
	send(out);
}

void HostLink::send_title(uint32_t id, const std::string &title)
{
	std::vector<uint8_t> out;
	wire::encode(out, wire::SetTitle{id, title.substr(0, limits_.max_title_bytes)});
	send(out);
}

void HostLink::send_app_id(uint32_t id, const std::string &app_id)
{
	std::vector<uint8_t> out;
	wire::encode(out, wire::SetAppId{id, app_id.substr(0, limits_.max_app_id_bytes)});
	send(out);
}

void HostLink::send_fullscreen(uint32_t id, bool fullscreen)
{
	if (host_minor_ < 1)
		return; // a 1.0 host knows no set-fullscreen; the app stays windowed
	std::vector<uint8_t> out;
	wire::encode(out, wire::SetFullscreen{id, fullscreen ? 1u : 0u});
	send(out);
}

void HostLink::send_demands_attention(uint32_t id)
{
	if (host_minor_ < 1)
		return; // a 1.0 host knows no demands-attention
	std::vector<uint8_t> out;
	wire::encode(out, wire::DemandsAttention{id});
	send(out);
}

void HostLink::send_size_hints(uint32_t id, uint32_t min_w, uint32_t min_h, uint32_t max_w, uint32_t max_h)
{
	std::vector<uint8_t> out;
	wire::encode(out, wire::SizeHints{id, min_w, min_h, max_w, max_h});
	send(out);
}

void HostLink::send_attach(uint32_t id, const RegionBuffer &buffer, uint32_t format,
	const std::vector<pixman_box32_t> &damage)
{
	wire::Attach a;
	a.window = id;
	a.offset = buffer.offset;
	a.width = buffer.width;
	a.height = buffer.height;
	a.stride = buffer.stride;
	a.format = format;
	if (damage.size() > limits_.max_damage_rects) {
		// Too many pieces: one box around them all.
		pixman_box32_t box = damage[0];
		for (const auto &d : damage) {
			box.x1 = std::min(box.x1, d.x1);
			box.y1 = std::min(box.y1, d.y1);
			box.x2 = std::max(box.x2, d.x2);
			box.y2 = std::max(box.y2, d.y2);
		}
		a.damage.push_back({box.x1, box.y1, box.x2 - box.x1, box.y2 - box.y1});
	} else {
		for (const auto &d : damage)
			a.damage.push_back({d.x1, d.y1, d.x2 - d.x1, d.y2 - d.y1});
	}
	std::vector<uint8_t> out;
	wire::encode(out, a);
	send(out);
}

} // namespace bulkhead::agent
