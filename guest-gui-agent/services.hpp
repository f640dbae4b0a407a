#pragma once
// What the agent does for the host besides windows: it runs the apps the host
// launches (a disposable's browser or file handler) and reports their exit,
// receives files the host sends (and sends edited ones back), and carries
// guest programs' requests to open a file in a disposable
// (bulkhead-open-in-disposable) to the host over its control socket.
//
// The host is trusted here: it decides which command runs. Guest programs on
// the control socket are as trusted as the guest itself.
#include "wire/messages.hpp"
#include "wlr.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <sys/types.h>

namespace bulkhead::agent {

class HostLink;

struct ServiceOptions {
	std::string files_dir;      // where files from the host are written
	std::string open_command;   // the guest's handler, run as: open_command FILE
	std::string control_socket; // where bulkhead-open-in-disposable connects; empty: none
	std::string wayland_socket; // absolute path apps connect to
};

class Services {
public:
	Services(wl_event_loop *loop, ServiceOptions options);
	~Services();
	Services(const Services &) = delete;
	Services &operator=(const Services &) = delete;

	// A new host connection (or none): guest open requests still waiting for
	// the old one are told it is gone, and request numbers start over.
	void set_link(HostLink *link);

	void handle_launch(const wire::Launch &m);
	void handle_file_begin(const wire::FileBegin &m);
	void handle_file_chunk(const wire::FileChunk &m);
	void handle_file_end();
	void handle_open_result(const wire::OpenResult &m);

private:
	struct App {
		uint32_t request;
		uint32_t flags; // wire::file_* when it was started for a file
		std::string file;
	};
	struct Incoming {
		uint32_t request, flags;
		uint64_t size, received = 0;
		std::string path;
		int fd = -1;
	};
	struct GuestRequest {
		int client = -1;  // the bulkhead-open-in-disposable connection
		int file = -1;    // the file it opened (read-write when it could)
		wl_event_source *source = nullptr;
	};

	pid_t run(const std::string &command, const std::string &argument);
	void launch(uint32_t request, uint32_t flags, const std::string &command, const std::string &file);
	void handle_app_exit(pid_t pid, int status);
	bool send_file_back(const App &app);
	void finish_returned(const Incoming &in);
	void drop_incoming();
	void accept_client();
	void handle_client(int fd);
	void reply(GuestRequest &r, const std::string &line);
	void close_request(uint32_t id);
	static int handle_sigchld(int signal, void *data);
	static int handle_accept(int fd, uint32_t mask, void *data);
	static int handle_client_readable(int fd, uint32_t mask, void *data);

	wl_event_loop *loop_;
	ServiceOptions options_;
	HostLink *link_ = nullptr;
	std::map<pid_t, App> apps_;
	std::unique_ptr<Incoming> incoming_;
	int listen_fd_ = -1;
	wl_event_source *accept_source_ = nullptr, *sigchld_ = nullptr;
	std::map<int, wl_event_source *> clients_;    // connected, request not read yet
	std::map<uint32_t, GuestRequest> requests_;   // sent to the host, by request number
	uint32_t opens_sent_ = 0;                     // on this link
};

} // namespace bulkhead::agent
