#include "vm/gui_devices.hpp"

#include "vm/xml.hpp"

#include <cctype>
#include <sys/un.h>

namespace bulkhead::vm {
namespace {

bool is_ours(const pugi::xml_node &device)
{
	const std::string_view kind = device.name();
	if (kind == "channel")
		return std::string_view(device.child("target").attribute("name").value()) == gui_channel_name;
	if (kind == "shmem")
		return std::string_view(device.attribute("name").value()).starts_with(shm_prefix);
	return false;
}

// <size unit='U'>N</size> in MiB; 0 when missing or not whole MiB.
uint32_t size_mib(const pugi::xml_node &size)
{
	const std::string unit = size.attribute("unit").as_string("M");
	const unsigned long long n = size.text().as_ullong();
	if (unit == "M" || unit == "MiB")
		return static_cast<uint32_t>(n);
	if (unit == "G" || unit == "GiB")
		return static_cast<uint32_t>(n * 1024);
	if (unit == "k" || unit == "KiB")
		return static_cast<uint32_t>(n / 1024);
	if (unit == "b" || unit == "bytes")
		return static_cast<uint32_t>(n >> 20);
	return 0;
}

} // namespace

void check_domain_name(const std::string &name)
{
	bool ok = !name.empty() && name.size() <= 64 && name[0] != '.' && name[0] != '-';
	for (char c : name)
		ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-');
	if (!ok)
		throw XmlError("domain name '" + name +
			"' is not usable by Bulkhead (1-64 of A-Z a-z 0-9 _ . -, not starting with . or -)");
}

GuiDevices gui_devices_for(const std::string &name, const std::filesystem::path &runtime_dir, uint32_t shm_mib)
{
	check_domain_name(name);
	GuiDevices d{runtime_dir / (name + ".gui.sock"), shm_prefix + name, shm_mib};
	if (d.socket.native().size() >= sizeof(sockaddr_un{}.sun_path))
		throw XmlError("GUI socket path too long for a unix socket: " + d.socket.string());
	return d;
}

void add_gui_devices(pugi::xml_node domain, const GuiDevices &devices)
{
	pugi::xml_node list = child_or_append(domain, "devices");
	for (pugi::xml_node dev = list.first_child(); dev;) {
		const pugi::xml_node next = dev.next_sibling();
		if (is_ours(dev))
			list.remove_child(dev);
		dev = next;
	}
	pugi::xml_node channel = list.append_child("channel");
	channel.append_attribute("type") = "unix";
	pugi::xml_node source = channel.append_child("source");
	source.append_attribute("mode") = "bind";
	source.append_attribute("path") = devices.socket.c_str();
	pugi::xml_node target = channel.append_child("target");
	target.append_attribute("type") = "virtio";
	target.append_attribute("name") = gui_channel_name;

	pugi::xml_node shmem = list.append_child("shmem");
	shmem.append_attribute("name") = devices.shm_name.c_str();
	shmem.append_child("model").append_attribute("type") = "ivshmem-plain";
	pugi::xml_node size = shmem.append_child("size");
	size.append_attribute("unit") = "M";
	size.text() = devices.shm_mib;
}

GuiDevices find_gui_devices(const pugi::xml_node &domain)
{
	GuiDevices found{{}, {}, 0};
	for (const pugi::xml_node &dev : domain.child("devices").children()) {
		if (!is_ours(dev))
			continue;
		if (std::string_view(dev.name()) == "channel") {
			found.socket = dev.child("source").attribute("path").value();
		} else {
			found.shm_name = dev.attribute("name").value();
			found.shm_mib = size_mib(dev.child("size"));
		}
	}
	return found;
}

} // namespace bulkhead::vm
