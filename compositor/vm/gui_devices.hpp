#pragma once
// The two devices through which a domain's windows reach the compositor: a
// virtio-serial channel (control messages; the host end is a unix socket libvirt
// binds) and an ivshmem-plain region (pixels; libvirt's /dev/shm/NAME).
#include <pugixml.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

namespace bulkhead::vm {

inline constexpr const char *gui_channel_name = "org.bulkhead.gui.0";
inline constexpr const char *shm_prefix = "bulkhead-";

struct GuiDevices {
	std::filesystem::path socket; // host end of the channel
	std::string shm_name;         // libvirt's <shmem name>, i.e. /dev/shm/<shm_name>
	uint32_t shm_mib = 64;

	std::filesystem::path shm_path(const std::filesystem::path &shm_dir = "/dev/shm") const
	{
		return shm_dir / shm_name;
	}
	bool operator==(const GuiDevices &) const = default;
};

// Throws XmlError unless name is safe to use in file names and socket paths:
// 1..64 of [A-Za-z0-9_.-], not starting with '.' or '-'.
void check_domain_name(const std::string &name);

// The devices of domain `name`: socket runtime_dir/NAME.gui.sock, shm bulkhead-NAME.
// Throws XmlError for an unsafe name or a socket path too long for a unix socket.
GuiDevices gui_devices_for(const std::string &name, const std::filesystem::path &runtime_dir, uint32_t shm_mib);

// Adds the channel and shmem to a <domain>, replacing any of ours already there
// (a channel with our target name, a shmem named bulkhead-*).
void add_gui_devices(pugi::xml_node domain, const GuiDevices &devices);
// Ours, read back from a <domain>'s XML; shm_mib 0 / empty fields when absent.
GuiDevices find_gui_devices(const pugi::xml_node &domain);

} // namespace bulkhead::vm
