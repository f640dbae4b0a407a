#include "domains/domain.hpp"

#include "desktop/view.hpp"
#include "domains/disposables.hpp"
#include "domains/registry.hpp"
#include "domains/vm_backend.hpp"
#include "process.hpp"
#include "server.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bulkhead {
namespace {

constexpr int max_restarts = 5;
constexpr int restart_delay_ms = 1000;
constexpr int ready_fd_number = 3;   // in the agent
constexpr int wayland_fd_number = 3; // in the daemon

std::string describe_status(int status)
{
	if (WIFEXITED(status))
		return "exited with status " + std::to_string(WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
	return "stopped";
}

} // namespace

Domain::Domain(Server &server, DomainConfig config, bool disposable)
	: server_(server), config_(std::move(config)), disposable_(disposable)
{
}

void Domain::set_manager(wl_resource *resource)
{
	manager_ = resource;
	manager_destroy_.connect_resource_destroy(resource, [this](void *) {
		manager_ = nullptr;
		manager_destroy_.disconnect();
	});
}

void Domain::handle_gui_lost(const std::string &why)
{
	if (disposable_)
		server_.disposables().handle_domain_failed(*this, why); // may delete this
	else
		schedule_restart(why);
}

Domain::~Domain()
{
	if (restart_timer_)
		wl_event_source_remove(restart_timer_);
	if (ready_source_)
		wl_event_source_remove(ready_source_);
	if (ready_fd_ >= 0)
		close(ready_fd_);
	client_destroy_.disconnect();
	manager_destroy_.disconnect();
	// A disposable keeps nothing: its processes get no chance to write more.
	const int signal = disposable_ ? SIGKILL : SIGTERM;
	for (pid_t pid : app_pids_)
		::kill(-pid, signal);
	if (daemon_pid_ > 0)
		::kill(-daemon_pid_, signal);
	if (agent_pid_ > 0)
		::kill(-agent_pid_, signal);
}

std::string Domain::runtime_dir_of(const std::string &name)
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	return std::string(base ? base : "/tmp") + "/bulkhead-domains/" + name;
}

void Domain::start()
{
	const std::string dir = runtime_dir();
	mkdir(dir.substr(0, dir.rfind('/')).c_str(), 0700);
	if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
		wlr_log_errno(WLR_ERROR, "domain %s: cannot create %s", name().c_str(), dir.c_str());
		return;
	}
	if (config_.backend != "local") { // the agent runs elsewhere: in a VM, or started by someone else
		if (daemon_pid_ <= 0)
			start_daemon();
		return;
	}
	if (agent_pid_ <= 0)
		start_agent();
	else if (agent_ready_ && daemon_pid_ <= 0)
		start_daemon();
}

void Domain::start_agent()
{
	const std::string dir = runtime_dir();
	for (const char *stale : {"/wayland-0", "/wayland-0.lock", "/gui.sock"})
		unlink((dir + stale).c_str());

	int pipe_fds[2];
	if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
		wlr_log_errno(WLR_ERROR, "domain %s: pipe", name().c_str());
		return;
	}
	ProcessSpec spec;
	spec.argv = {helper_path("bulkhead-agent"), "--domain", name(), "--wayland-socket",
		dir + "/wayland-0", "--transport", "local:" + dir + "/gui.sock", "--ready-fd",
		std::to_string(ready_fd_number), "--files-dir", dir + "/files", "--control-socket", dir + "/agent.sock",
		"--open-command", config_.open_command};
	spec.unset_env = {"WAYLAND_DISPLAY", "WAYLAND_SOCKET", "DISPLAY"};
	spec.fds = {{pipe_fds[1], ready_fd_number}};
	agent_pid_ = server_.spawn_child(spec);
	close(pipe_fds[1]);
	if (agent_pid_ <= 0) {
		close(pipe_fds[0]);
		wlr_log_errno(WLR_ERROR, "domain %s: cannot start bulkhead-agent", name().c_str());
		return;
	}
	agent_ready_ = false;
	ready_fd_ = pipe_fds[0];
	ready_source_ = wl_event_loop_add_fd(server_.event_loop(), ready_fd_, WL_EVENT_READABLE,
		&Domain::handle_ready_fd, this);
	wlr_log(WLR_INFO, "domain %s: agent started (pid %d)", name().c_str(), agent_pid_);
}

int Domain::handle_ready_fd(int fd, uint32_t mask, void *data)
{
	auto *self = static_cast<Domain *>(data);
	char buf[16];
	const ssize_t n = read(fd, buf, sizeof buf);
	wl_event_source_remove(self->ready_source_);
	self->ready_source_ = nullptr;
	close(self->ready_fd_);
	self->ready_fd_ = -1;
	// The agent writes one line when both its sockets listen; EOF without it
	// means it died, which the SIGCHLD path reports.
	if (n > 0)
		self->handle_agent_ready();
	return 0;
}

void Domain::handle_agent_ready()
{
	agent_ready_ = true;
	wlr_log(WLR_INFO, "domain %s: agent ready", name().c_str());
	start_apps();
	start_daemon();
}

void Domain::start_apps()
{
	const std::string dir = runtime_dir();
	for (const std::string &command : config_.autostart) {
		ProcessSpec spec = shell_command(command);
		spec.env = {{"XDG_RUNTIME_DIR", dir}, {"WAYLAND_DISPLAY", "wayland-0"},
			{"BULKHEAD_AGENT_SOCKET", dir + "/agent.sock"}};
		spec.unset_env = {"WAYLAND_SOCKET", "DISPLAY"};
		const pid_t pid = server_.spawn_child(spec);
		if (pid > 0) {
			app_pids_.push_back(pid);
			wlr_log(WLR_INFO, "domain %s: started '%s' (pid %d)", name().c_str(), command.c_str(), pid);
		}
	}
}

void Domain::start_daemon()
{
	int fds[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
		wlr_log_errno(WLR_ERROR, "domain %s: socketpair", name().c_str());
		return;
	}
	client_ = wl_client_create(server_.display(), fds[0]);
	if (!client_) {
		close(fds[0]);
		close(fds[1]);
		wlr_log(WLR_ERROR, "domain %s: cannot create the Wayland client", name().c_str());
		return;
	}
	server_.domains().register_client(client_, this);
	client_destroy_.connect_client_destroy(client_, [this](void *) {
		wlr_log(WLR_INFO, "domain %s: GUI connection closed; its windows are gone", name().c_str());
		server_.domains().unregister_client(client_);
		client_ = nullptr;
		responsive_ = true; // a new connection starts afresh
	});

	ProcessSpec spec;
	const std::string socket = config_.backend != "local" ? config_.gui_socket : runtime_dir() + "/gui.sock";
	// A VM: gui_socket is QEMU's end of its channel, the region its ivshmem file.
	const bool vm = !config_.shared_memory_file.empty();
	spec.argv = {helper_path("bulkhead-gui-daemon"), "--domain", name(), "--transport",
		(vm ? "vm:" : "local:") + socket, "--region-size",
		std::to_string(static_cast<uint64_t>(config_.shared_memory_mib) << 20)};
	if (vm)
		spec.argv.insert(spec.argv.end(), {"--region-file", config_.shared_memory_file});
	spec.env = {{"WAYLAND_SOCKET", std::to_string(wayland_fd_number)}};
	spec.unset_env = {"WAYLAND_DISPLAY", "DISPLAY"};
	spec.fds = {{fds[1], wayland_fd_number}};
	daemon_pid_ = server_.spawn_child(spec);
	close(fds[1]);
	if (daemon_pid_ <= 0) {
		wlr_log_errno(WLR_ERROR, "domain %s: cannot start bulkhead-gui-daemon", name().c_str());
		wl_client_destroy(client_);
		return;
	}
	wlr_log(WLR_INFO, "domain %s: gui-daemon started (pid %d)", name().c_str(), daemon_pid_);
}

bool Domain::handle_child_exit(pid_t pid, int status)
{
	if (pid == daemon_pid_) {
		daemon_pid_ = -1;
		wlr_log(WLR_ERROR, "domain %s: gui-daemon %s", name().c_str(), describe_status(status).c_str());
		if (client_)
			wl_client_destroy(client_); // removes its windows at once
		handle_gui_lost("gui-daemon " + describe_status(status));
		return true;
	}
	if (pid == agent_pid_) {
		agent_pid_ = -1;
		agent_ready_ = false;
		wlr_log(WLR_ERROR, "domain %s: agent %s; its apps lost their display", name().c_str(),
			describe_status(status).c_str());
		// The daemon's stream ends with the agent; restart the whole GUI path.
		if (daemon_pid_ > 0)
			::kill(-daemon_pid_, SIGTERM);
		daemon_pid_ = -1; // its exit is expected now, not a reason to restart again
		for (pid_t app : app_pids_)
			::kill(-app, SIGTERM);
		app_pids_.clear();
		if (client_)
			wl_client_destroy(client_);
		handle_gui_lost("agent " + describe_status(status));
		return true;
	}
	auto it = std::find(app_pids_.begin(), app_pids_.end(), pid);
	if (it == app_pids_.end())
		return false;
	app_pids_.erase(it);
	wlr_log(WLR_INFO, "domain %s: app (pid %d) %s", name().c_str(), pid, describe_status(status).c_str());
	return true;
}

void Domain::set_responsive(bool responsive, const std::string &why)
{
	if (responsive == responsive_)
		return;
	responsive_ = responsive;
	wlr_log(responsive ? WLR_INFO : WLR_ERROR, "domain %s: %s", name().c_str(),
		(responsive ? "responding again" : "not responding: " + why).c_str());
	std::string text = name() + (responsive ? " is responding again" : " is not responding");
	for (const Keybinding &binding : server_.config().bindings)
		if (!responsive && binding.action == Action::KillDomain) {
			text += " (" + binding.text + " kills it)";
			break;
		}
	server_.notify(text, label());
	for (const auto &view : server_.views())
		if (client_ && view->client() == client_)
			view->set_not_responding(!responsive);
}

void Domain::kill(const std::string &why)
{
	wlr_log(WLR_ERROR, "domain %s: killed (%s); not restarting it", name().c_str(), why.c_str());
	if (restart_timer_) {
		wl_event_source_remove(restart_timer_);
		restart_timer_ = nullptr;
	}
	// An external domain has only its daemon here.
	std::vector<pid_t> groups = app_pids_;
	groups.insert(groups.end(), {agent_pid_, daemon_pid_});
	for (pid_t pid : groups)
		if (pid > 0)
			::kill(-pid, SIGKILL);
	// Their exits are no reason to restart: forget them.
	app_pids_.clear();
	agent_pid_ = daemon_pid_ = -1;
	agent_ready_ = false;
	if (client_)
		wl_client_destroy(client_); // removes its windows at once
	server_.notify(name() + " killed", label());
	if (disposable_)
		server_.disposables().handle_domain_failed(*this, "killed: " + why); // destroys it, VM and all
	else if (config_.backend == "libvirt" && server_.vms())
		server_.vms()->kill(name()); // its stop then removes this domain
}

void Domain::schedule_restart(const std::string &why)
{
	if (restart_timer_)
		return;
	if (++restarts_ > max_restarts) {
		wlr_log(WLR_ERROR, "domain %s: %s; not restarting after %d restarts", name().c_str(),
			why.c_str(), max_restarts);
		return;
	}
	wlr_log(WLR_INFO, "domain %s: restarting its GUI connection in %d ms (%s)", name().c_str(),
		restart_delay_ms, why.c_str());
	restart_timer_ = wl_event_loop_add_timer(server_.event_loop(), &Domain::handle_restart_timer, this);
	wl_event_source_timer_update(restart_timer_, restart_delay_ms);
}

int Domain::handle_restart_timer(void *data)
{
	auto *self = static_cast<Domain *>(data);
	wl_event_source_remove(self->restart_timer_);
	self->restart_timer_ = nullptr;
	self->start();
	return 0;
}

} // namespace bulkhead
