#pragma once
// A domain's GUI connection on the host. On the local backend the "VM" is a
// group of local processes: the guest agent, the domain's apps (connected to the
// agent) and the gui-daemon. The daemon's Wayland client is created by the
// compositor on one end of a socketpair before the daemon starts
// (WAYLAND_SOCKET), so which domain a connection belongs to is known from the
// moment it exists and never depends on anything the daemon or the VM says.
#include "config/config.hpp"
#include "listener.hpp"
#include "wlr.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace bulkhead {

class Server;

class Domain {
public:
	// A disposable is never restarted: when its GUI path dies, it is destroyed.
	Domain(Server &server, DomainConfig config, bool disposable = false);
	~Domain();
	Domain(const Domain &) = delete;
	Domain &operator=(const Domain &) = delete;

	const std::string &name() const { return config_.name; }
	const std::string &label() const { return config_.label; }
	const DomainConfig &config() const { return config_; }
	wl_client *client() const { return client_; }
	bool disposable() const { return disposable_; }
	std::string runtime_dir() const { return runtime_dir_of(name()); }
	static std::string runtime_dir_of(const std::string &name);

	// The daemon's bulkhead_domain_manager_v1, once bound at version 2 or later:
	// how the compositor launches apps and sends files into the domain.
	wl_resource *manager() const { return manager_; }
	void set_manager(wl_resource *resource);

	// Starts whatever is not running: the agent, then (once it listens) the
	// domain's apps and the gui-daemon.
	void start();
	// True when pid was one of this domain's processes.
	bool handle_child_exit(pid_t pid, int status);

	// The daemon's word that the guest stopped answering pings, or answers
	// again: its windows are greyed, a notice tells the user.
	void set_responsive(bool responsive, const std::string &why);
	bool responsive() const { return responsive_; }
	// The user's kill: the whole domain at once, never restarted (a disposable
	// is destroyed). Removes its windows.
	void kill(const std::string &why);

private:
	void start_agent();
	void handle_agent_ready();
	void start_apps();
	void start_daemon();
	void schedule_restart(const std::string &why);
	static int handle_ready_fd(int fd, uint32_t mask, void *data);
	static int handle_restart_timer(void *data);
	void handle_gui_lost(const std::string &why);

	Server &server_;
	DomainConfig config_;
	bool disposable_;
	wl_client *client_ = nullptr;
	wl_resource *manager_ = nullptr;
	Listener manager_destroy_;
	pid_t agent_pid_ = -1;
	pid_t daemon_pid_ = -1;
	bool agent_ready_ = false;
	std::vector<pid_t> app_pids_;
	int restarts_ = 0;
	bool responsive_ = true;
	int ready_fd_ = -1;
	wl_event_source *ready_source_ = nullptr;
	wl_event_source *restart_timer_ = nullptr;
	Listener client_destroy_;
};

} // namespace bulkhead
