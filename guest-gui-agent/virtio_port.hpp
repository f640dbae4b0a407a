#pragma once
// The agent's end of the VM transport: a virtio-serial port and the ivshmem BAR.
//
// The port is opened once and kept open for the agent's life: the guest driver
// drops host data that arrives while no process has it open. virtio-serial has
// no accept(); what it does have is the host side's connection state (QEMU
// tells the guest when a process connects to or leaves the channel's host
// socket): while nobody is connected the port polls POLLHUP and reads return 0,
// and each change raises SIGIO on a port in O_ASYNC mode. So each time the
// host side becomes connected, a new session starts: bytes left over from the
// previous daemon are discarded and a fresh hello is sent (gui-wire.md,
// Transport).
#include <cstdint>
#include <memory>
#include <string>

struct wl_event_source;

namespace bulkhead::agent {

class Agent;
class HostLink;

struct VirtioDevices {
	std::string port;        // /dev/vportNpM
	std::string region;      // /sys/bus/pci/devices/<bdf>/resource2
	uint64_t region_size = 0; // the BAR's size
};

// Finds the port named port_name (in /sys/class/virtio-ports/*/name) and the
// ivshmem-plain device (PCI 1af4:1110). False with *error when one is missing.
bool find_virtio_devices(const std::string &port_name, VirtioDevices *out, std::string *error);

class VirtioHost {
public:
	// Opens the port; throws std::runtime_error when it cannot.
	VirtioHost(Agent &agent, VirtioDevices devices);
	~VirtioHost();
	VirtioHost(const VirtioHost &) = delete;
	VirtioHost &operator=(const VirtioHost &) = delete;

private:
	static int handle_sigio(int signal, void *data);
	// Starts a session when the host side is connected and none is running.
	void check_host();
	void set_async(bool on);

	Agent &agent_;
	VirtioDevices devices_;
	int fd_ = -1;
	std::unique_ptr<HostLink> link_;
	wl_event_source *sigio_ = nullptr;
};

} // namespace bulkhead::agent
