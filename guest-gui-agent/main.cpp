// bulkhead-agent: the guest side of Bulkhead's GUI path. Runs inside a VM (or,
// on the local backend, as a local process), serves the domain's apps as their
// Wayland compositor and forwards their windows to the host.
#include "agent.hpp"
#include "host_link.hpp"
#include "services.hpp"
#include "transport.hpp"
#include "virtio_port.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace {

struct Listener {
	bulkhead::agent::Agent *agent;
	std::unique_ptr<bulkhead::agent::HostLink> link;
};

int handle_connection(int fd, uint32_t, void *data)
{
	auto *l = static_cast<Listener *>(data);
	const int conn = accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
	if (conn < 0)
		return 0;
	// One daemon at a time: a new connection replaces the old one (the daemon
	// was restarted), and the windows are announced to it afresh.
	l->link.reset();
	wlr_log(WLR_INFO, "gui-daemon connected");
	l->link = std::make_unique<bulkhead::agent::HostLink>(*l->agent, conn, "");
	return 0;
}

// The port and the device appear once their drivers have probed them, which
// can trail the module loading by a moment: look for a while.
bulkhead::agent::VirtioDevices find_devices(const std::string &port_name)
{
	bulkhead::agent::VirtioDevices devices;
	std::string error;
	for (int attempt = 0; attempt < 100; ++attempt) {
		if (bulkhead::agent::find_virtio_devices(port_name, &devices, &error))
			return devices;
		std::this_thread::sleep_for(std::chrono::milliseconds(100));
	}
	throw std::runtime_error(error);
}

int handle_signal(int, void *data)
{
	static_cast<bulkhead::agent::Agent *>(data)->terminate();
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	CLI::App app{"bulkhead-agent: the guest's Wayland compositor that forwards windows to the Bulkhead host"};
	std::string domain = "guest", wayland_socket, transport;
	int ready_fd = -1;
	bool debug = false;
	bulkhead::agent::ServiceOptions services;
	services.open_command = "xdg-open";
	services.files_dir = "/tmp/bulkhead-files";
	app.add_option("--domain", domain, "Domain name, for logs");
	app.add_option("--wayland-socket", wayland_socket, "Absolute path of the Wayland socket for guest apps")->required();
	app.add_option("--transport", transport, "local:PATH (listen for the daemon on a unix socket) or virtio:PORTNAME (a VM's virtio-serial port)")->required();
	app.add_option("--ready-fd", ready_fd, "Write one line to this descriptor once both sockets listen");
	app.add_option("--files-dir", services.files_dir, "Where files sent by the host are written");
	app.add_option("--open-command", services.open_command, "The guest's file handler, run as: COMMAND FILE");
	app.add_option("--control-socket", services.control_socket,
		"Unix socket where bulkhead-open-in-disposable asks to open a file in a disposable");
	app.add_flag("-d,--debug", debug, "Verbose logging");
	try {
		app.parse(argc, argv);
	} catch (const CLI::ParseError &e) {
		return app.exit(e) == 0 ? 0 : 2;
	}
	const bool virtio = transport.rfind("virtio:", 0) == 0;
	if (transport.rfind("local:", 0) != 0 && !virtio) {
		std::fprintf(stderr, "bulkhead-agent: unknown transport '%s' (use local:PATH or virtio:PORTNAME)\n",
			transport.c_str());
		return 2;
	}
	if (virtio && transport.size() == 7)
		transport += "org.bulkhead.gui.0";
	wlr_log_init(debug ? WLR_DEBUG : WLR_INFO, nullptr);
	signal(SIGPIPE, SIG_IGN); // a guest app that stops reading a paste must not kill the agent

	try {
		bulkhead::agent::Agent agent(domain);
		agent.listen(wayland_socket);
		services.wayland_socket = wayland_socket;
		bulkhead::agent::Services service(agent.event_loop(), services);
		agent.set_services(&service);
		std::unique_ptr<bulkhead::agent::VirtioHost> host;
		int listen_fd = -1;
		Listener listener{&agent, nullptr};
		wl_event_source *accept_source = nullptr;
		if (virtio) {
			host = std::make_unique<bulkhead::agent::VirtioHost>(agent, find_devices(transport.substr(7)));
		} else {
			std::string error;
			listen_fd = bulkhead::agent::listen_unix(transport.substr(6), &error);
			if (listen_fd < 0)
				throw std::runtime_error(error);
			accept_source = wl_event_loop_add_fd(agent.event_loop(), listen_fd, WL_EVENT_READABLE,
				handle_connection, &listener);
		}
		wl_event_source *term = wl_event_loop_add_signal(agent.event_loop(), SIGTERM, handle_signal, &agent);
		wl_event_source *intr = wl_event_loop_add_signal(agent.event_loop(), SIGINT, handle_signal, &agent);
		if (ready_fd >= 0) {
			const char line[] = "ready\n";
			if (write(ready_fd, line, sizeof line - 1) < 0)
				wlr_log_errno(WLR_ERROR, "cannot report readiness");
			close(ready_fd);
		}
		wlr_log(WLR_INFO, "domain %s: apps connect to %s", domain.c_str(), wayland_socket.c_str());
		agent.run();
		listener.link.reset();
		host.reset();
		agent.set_services(nullptr);
		if (accept_source)
			wl_event_source_remove(accept_source);
		wl_event_source_remove(term);
		wl_event_source_remove(intr);
		if (listen_fd >= 0)
			close(listen_fd);
	} catch (const std::exception &e) {
		std::fprintf(stderr, "bulkhead-agent: %s\n", e.what());
		return 1;
	}
	return 0;
}
