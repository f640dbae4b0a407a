#include "virtio_port.hpp"

#include "agent.hpp"
#include "host_link.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace bulkhead::agent {
namespace {

std::string first_line(const std::string &path)
{
	std::ifstream in(path);
	std::string line;
	std::getline(in, line);
	return line;
}

// Entries of a directory, without . and ..
std::vector<std::string> entries(const std::string &dir)
{
	std::vector<std::string> names;
	if (DIR *d = opendir(dir.c_str())) {
		while (dirent *e = readdir(d))
			if (e->d_name[0] != '.')
				names.emplace_back(e->d_name);
		closedir(d);
	}
	return names;
}

} // namespace

bool find_virtio_devices(const std::string &port_name, VirtioDevices *out, std::string *error)
{
	out->port.clear();
	for (const std::string &port : entries("/sys/class/virtio-ports"))
		if (first_line("/sys/class/virtio-ports/" + port + "/name") == port_name)
			out->port = "/dev/" + port;
	if (out->port.empty()) {
		*error = "no virtio-serial port named " + port_name + " in /sys/class/virtio-ports";
		return false;
	}
	out->region.clear();
	for (const std::string &dev : entries("/sys/bus/pci/devices")) {
		const std::string base = "/sys/bus/pci/devices/" + dev;
		if (first_line(base + "/vendor") == "0x1af4" && first_line(base + "/device") == "0x1110") {
			out->region = base + "/resource2";
			break;
		}
	}
	struct stat st {};
	if (out->region.empty() || stat(out->region.c_str(), &st) != 0 || st.st_size <= 0) {
		*error = "no ivshmem-plain device (PCI 1af4:1110) with a BAR2";
		return false;
	}
	out->region_size = static_cast<uint64_t>(st.st_size); // sysfs gives the BAR's size
	return true;
}

VirtioHost::VirtioHost(Agent &agent, VirtioDevices devices) : agent_(agent), devices_(std::move(devices))
{
	fd_ = open(devices_.port.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd_ < 0)
		throw std::runtime_error("cannot open " + devices_.port + ": " + strerror(errno));
	fcntl(fd_, F_SETOWN, getpid());
	sigio_ = wl_event_loop_add_signal(agent_.event_loop(), SIGIO, &VirtioHost::handle_sigio, this);
	wlr_log(WLR_INFO, "host channel %s, region %s (%llu MiB)", devices_.port.c_str(), devices_.region.c_str(),
		static_cast<unsigned long long>(devices_.region_size >> 20));
	check_host();
}

VirtioHost::~VirtioHost()
{
	link_.reset();
	if (sigio_)
		wl_event_source_remove(sigio_);
	close(fd_);
}

void VirtioHost::set_async(bool on)
{
	const int flags = fcntl(fd_, F_GETFL);
	fcntl(fd_, F_SETFL, on ? flags | O_ASYNC : flags & ~O_ASYNC);
}

int VirtioHost::handle_sigio(int, void *data)
{
	static_cast<VirtioHost *>(data)->check_host();
	return 0;
}

void VirtioHost::check_host()
{
	if (link_ && !link_->closed())
		return;
	// Armed before looking, so a connection made in between still signals.
	set_async(true);
	pollfd pfd{fd_, POLLIN, 0};
	if (poll(&pfd, 1, 0) < 0 || (pfd.revents & POLLHUP))
		return; // nobody on the host side yet: SIGIO tells when someone is
	set_async(false);
	// Whatever a previous daemon sent and nobody read belongs to its session.
	char scrap[4096];
	while (read(fd_, scrap, sizeof scrap) > 0) {
	}
	link_.reset();
	const int session_fd = dup(fd_); // the session closes its copy; the port stays open
	if (session_fd < 0) {
		wlr_log_errno(WLR_ERROR, "dup");
		return;
	}
	wlr_log(WLR_INFO, "host side of %s connected: starting a session", devices_.port.c_str());
	link_ = std::make_unique<HostLink>(agent_, session_fd, devices_.region, devices_.region_size, [this] {
		// Called from the link's own handler: look again once it has returned.
		wl_event_loop_add_idle(agent_.event_loop(), [](void *data) {
			static_cast<VirtioHost *>(data)->check_host();
		}, this);
	});
}

} // namespace bulkhead::agent
