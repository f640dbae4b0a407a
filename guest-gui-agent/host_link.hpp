#pragma once
// One connection to the host's gui-daemon: the handshake, then host messages
// in and window messages out.
#include "wire/codec.hpp"
#include "wlr.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bulkhead::agent {

class Agent;
struct RegionBuffer;

class HostLink {
public:
	// Takes ownership of fd. region_path is the ivshmem BAR file in a VM (fd is
	// then the virtio-serial port, region_size the BAR's size, announced in the
	// hello); on the local transport it is empty and the region arrives with the
	// welcome. on_closed runs when the connection fails or ends.
	HostLink(Agent &agent, int fd, std::string region_path, uint64_t region_size = 0,
		std::function<void()> on_closed = {});
	~HostLink();
	HostLink(const HostLink &) = delete;
	HostLink &operator=(const HostLink &) = delete;

	bool closed() const { return fd_ < 0; }
	// Drops the connection (the daemon reconnects and starts over).
	void fail(const std::string &why);

	template <typename M> void send_message(const M &m)
	{
		std::vector<uint8_t> out;
		wire::encode(out, m);
		send(out);
	}

	void send_create_window(uint32_t id, uint32_t parent, int32_t x, int32_t y);
	void send_destroy_window(uint32_t id);
	void send_map(uint32_t id);
	void send_unmap(uint32_t id);
	void send_title(uint32_t id, const std::string &title);
	void send_app_id(uint32_t id, const std::string &app_id);
	void send_fullscreen(uint32_t id, bool fullscreen);
	void send_demands_attention(uint32_t id);
	void send_size_hints(uint32_t id, uint32_t min_w, uint32_t min_h, uint32_t max_w, uint32_t max_h);
	void send_attach(uint32_t id, const RegionBuffer &buffer, uint32_t format, const std::vector<pixman_box32_t> &damage);
	void send_clipboard_data(uint32_t serial, const std::string &data);

private:
	static int handle_readable(int fd, uint32_t mask, void *data);
	void handle_message(const wire::HostMessage &message);
	void handle_welcome(const wire::Welcome &welcome);
	void send(const std::vector<uint8_t> &bytes);

	Agent &agent_;
	int fd_;
	std::string region_path_;
	uint64_t region_size_;
	std::function<void()> on_closed_;
	int pending_region_fd_ = -1;
	bool welcomed_ = false;
	uint16_t host_minor_ = 0; // set-fullscreen needs 1.1
	wire::Limits limits_;
	wire::Decoder decoder_;
	wl_event_source *source_ = nullptr;
};

} // namespace bulkhead::agent
