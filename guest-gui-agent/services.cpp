#include "services.hpp"

#include "host_link.hpp"
#include "process.hpp"
#include "transport.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bulkhead::agent {
namespace {

constexpr std::size_t max_request_line = 512;

std::string describe_status(int status)
{
	if (WIFEXITED(status))
		return "exit status " + std::to_string(WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		return std::string("signal ") + strsignal(WTERMSIG(status));
	return "status " + std::to_string(status);
}

// A path in dir for name that does not exist yet: "name", then "name (2)", ...
std::string free_path(const std::string &dir, const std::string &name)
{
	std::string path = dir + "/" + name;
	for (int i = 2; access(path.c_str(), F_OK) == 0; ++i)
		path = dir + "/" + name + " (" + std::to_string(i) + ")";
	return path;
}

} // namespace

Services::Services(wl_event_loop *loop, ServiceOptions options) : loop_(loop), options_(std::move(options))
{
	std::error_code ec;
	std::filesystem::create_directories(options_.files_dir, ec);
	if (ec)
		wlr_log(WLR_ERROR, "cannot create %s: %s", options_.files_dir.c_str(), ec.message().c_str());
	sigchld_ = wl_event_loop_add_signal(loop_, SIGCHLD, &Services::handle_sigchld, this);
	if (!options_.control_socket.empty()) {
		std::string error;
		listen_fd_ = listen_unix(options_.control_socket, &error);
		if (listen_fd_ < 0)
			wlr_log(WLR_ERROR, "no open-in-disposable requests: %s", error.c_str());
		else
			accept_source_ = wl_event_loop_add_fd(loop_, listen_fd_, WL_EVENT_READABLE, &Services::handle_accept, this);
	}
}

Services::~Services()
{
	drop_incoming();
	for (auto &[fd, source] : clients_) {
		wl_event_source_remove(source);
		close(fd);
	}
	for (auto &[id, r] : requests_) {
		if (r.source)
			wl_event_source_remove(r.source);
		close(r.client);
		close(r.file);
	}
	if (accept_source_)
		wl_event_source_remove(accept_source_);
	if (listen_fd_ >= 0) {
		close(listen_fd_);
		unlink(options_.control_socket.c_str());
	}
	if (sigchld_)
		wl_event_source_remove(sigchld_);
	for (const auto &[pid, app] : apps_)
		kill(-pid, SIGTERM);
}

void Services::set_link(HostLink *link)
{
	link_ = link;
	opens_sent_ = 0;
	drop_incoming();
	while (!requests_.empty()) {
		reply(requests_.begin()->second, "failed the host connection was lost");
		close_request(requests_.begin()->first);
	}
}

pid_t Services::run(const std::string &command, const std::string &argument)
{
	const std::filesystem::path socket(options_.wayland_socket);
	ProcessSpec spec;
	// The argument travels as $1, never through the shell's parser.
	spec.argv = {"/bin/sh", "-c", argument.empty() ? command : command + " \"$1\"", "sh"};
	if (!argument.empty())
		spec.argv.push_back(argument);
	spec.env = {{"XDG_RUNTIME_DIR", socket.parent_path().string()}, {"WAYLAND_DISPLAY", socket.filename().string()}};
	if (!options_.control_socket.empty())
		spec.env.emplace_back("BULKHEAD_AGENT_SOCKET", options_.control_socket);
	spec.unset_env = {"WAYLAND_SOCKET", "DISPLAY"};
	return spawn_process(spec);
}

void Services::launch(uint32_t request, uint32_t flags, const std::string &command, const std::string &file)
{
	const pid_t pid = run(command, file);
	if (pid < 0) {
		wlr_log_errno(WLR_ERROR, "request %u: cannot start '%s'", request, command.c_str());
		if (link_)
			link_->send_message(wire::AppExited{request, 127});
		return;
	}
	wlr_log(WLR_INFO, "request %u: started '%s'%s%s (pid %d)", request, command.c_str(), file.empty() ? "" : " for ",
		file.c_str(), pid);
	apps_[pid] = {request, flags, file};
}

void Services::handle_launch(const wire::Launch &m)
{
	launch(m.request, 0, m.command, "");
}

int Services::handle_sigchld(int, void *data)
{
	auto *self = static_cast<Services *>(data);
	int status = 0;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		self->handle_app_exit(pid, status);
	return 0;
}

void Services::handle_app_exit(pid_t pid, int status)
{
	auto it = apps_.find(pid);
	if (it == apps_.end())
		return;
	const App app = it->second;
	apps_.erase(it);
	wlr_log(WLR_INFO, "request %u: the app exited (%s)", app.request, describe_status(status).c_str());
	if (!link_)
		return;
	if ((app.flags & wire::file_return) && !send_file_back(app))
		return;
	link_->send_message(wire::AppExited{app.request, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)});
}

bool Services::send_file_back(const App &app)
{
	const int fd = open(app.file.c_str(), O_RDONLY | O_CLOEXEC);
	struct stat st{};
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
		static_cast<uint64_t>(st.st_size) > wire::limit::file_bytes) {
		wlr_log(WLR_ERROR, "request %u: cannot send %s back", app.request, app.file.c_str());
		if (fd >= 0)
			close(fd);
		return true; // the exit is still reported; the host keeps the original
	}
	link_->send_message(wire::ReturnFileBegin{app.request, static_cast<uint64_t>(st.st_size)});
	uint64_t left = static_cast<uint64_t>(st.st_size);
	std::string chunk(wire::limit::file_chunk_bytes, '\0');
	while (left > 0 && link_ && !link_->closed()) {
		const ssize_t n = read(fd, chunk.data(), std::min<uint64_t>(chunk.size(), left));
		if (n <= 0)
			break;
		link_->send_message(wire::OpenFileChunk{chunk.substr(0, static_cast<std::size_t>(n))});
		left -= static_cast<uint64_t>(n);
	}
	close(fd);
	if (left != 0) {
		// The file shrank under us: the host sees a short file and ends the
		// connection rather than take half of it.
		wlr_log(WLR_ERROR, "request %u: %s changed while it was sent back", app.request, app.file.c_str());
		return false;
	}
	link_->send_message(wire::OpenFileEnd{});
	wlr_log(WLR_INFO, "request %u: sent %s back (%lld bytes)", app.request, app.file.c_str(),
		static_cast<long long>(st.st_size));
	return true;
}

void Services::drop_incoming()
{
	if (!incoming_)
		return;
	if (incoming_->fd >= 0)
		close(incoming_->fd);
	unlink(incoming_->path.c_str());
	incoming_.reset();
}

void Services::handle_file_begin(const wire::FileBegin &m)
{
	if (incoming_) {
		wlr_log(WLR_ERROR, "file-begin while %s is incomplete; dropping it", incoming_->path.c_str());
		drop_incoming();
	}
	auto in = std::make_unique<Incoming>();
	in->request = m.request;
	in->flags = m.flags;
	in->size = m.size;
	// A returned file is staged beside the others and copied into the
	// original only when whole.
	in->path = free_path(options_.files_dir, (m.flags & wire::file_returned) ? "." + m.name + ".returned" : m.name);
	in->fd = open(in->path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (in->fd < 0)
		wlr_log_errno(WLR_ERROR, "cannot create %s", in->path.c_str());
	incoming_ = std::move(in);
}

void Services::handle_file_chunk(const wire::FileChunk &m)
{
	if (!incoming_ || incoming_->fd < 0)
		return;
	if (m.data.size() > incoming_->size - incoming_->received ||
		!write_all(incoming_->fd, m.data.data(), m.data.size())) {
		wlr_log(WLR_ERROR, "cannot write %s (past its size, or the disk is full)", incoming_->path.c_str());
		drop_incoming();
		return;
	}
	incoming_->received += m.data.size();
}

void Services::handle_file_end()
{
	if (!incoming_)
		return;
	std::unique_ptr<Incoming> in = std::move(incoming_);
	if (in->fd < 0 || in->received != in->size) {
		wlr_log(WLR_ERROR, "%s is incomplete (%llu of %llu bytes)", in->path.c_str(),
			static_cast<unsigned long long>(in->received), static_cast<unsigned long long>(in->size));
		incoming_ = std::move(in);
		drop_incoming();
		return;
	}
	close(in->fd);
	in->fd = -1;
	wlr_log(WLR_INFO, "request %u: received %s (%llu bytes)", in->request, in->path.c_str(),
		static_cast<unsigned long long>(in->size));
	if (in->flags & wire::file_returned) {
		finish_returned(*in);
		unlink(in->path.c_str());
	} else if (in->flags & wire::file_open) {
		launch(in->request, in->flags, options_.open_command, in->path);
	}
}

void Services::finish_returned(const Incoming &in)
{
	auto it = requests_.find(in.request);
	if (it == requests_.end())
		return;
	GuestRequest &r = it->second;
	const int src = open(in.path.c_str(), O_RDONLY | O_CLOEXEC);
	bool ok = src >= 0 && ftruncate(r.file, 0) == 0 && lseek(r.file, 0, SEEK_SET) == 0;
	char buf[65536];
	ssize_t n;
	while (ok && (n = read(src, buf, sizeof buf)) > 0)
		ok = write_all(r.file, buf, static_cast<std::size_t>(n));
	if (src >= 0)
		close(src);
	reply(r, ok ? "returned the edited file replaced the original" : "failed cannot write the edited file back");
}

int Services::handle_accept(int fd, uint32_t, void *data)
{
	static_cast<Services *>(data)->accept_client();
	return 0;
}

void Services::accept_client()
{
	const int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
	if (client < 0)
		return;
	clients_[client] = wl_event_loop_add_fd(loop_, client, WL_EVENT_READABLE, &Services::handle_client_readable, this);
}

int Services::handle_client_readable(int fd, uint32_t, void *data)
{
	static_cast<Services *>(data)->handle_client(fd);
	return 0;
}

void Services::handle_client(int fd)
{
	auto pending = clients_.find(fd);
	if (pending == clients_.end()) {
		// A client whose request is with the host: only its hang-up matters.
		char byte;
		if (read(fd, &byte, 1) <= 0)
			for (auto &[id, r] : requests_)
				if (r.client == fd) {
					wl_event_source_remove(r.source);
					r.source = nullptr;
				}
		return;
	}
	wl_event_source_remove(pending->second);
	clients_.erase(pending);

	// One request per connection: "open NAME\n" with the file's descriptor.
	char line[max_request_line];
	int file = -1;
	const ssize_t n = read_with_fd(fd, line, sizeof line - 1, &file);
	GuestRequest r{fd, file, nullptr};
	auto refuse = [&](const std::string &why) {
		reply(r, "failed " + why);
		close(fd);
		if (file >= 0)
			close(file);
	};
	if (n <= 0 || file < 0 || std::strncmp(line, "open ", 5) != 0 || line[n - 1] != '\n')
		return refuse("expected 'open NAME' and the file's descriptor");
	const std::string name(line + 5, static_cast<std::size_t>(n) - 6);
	struct stat st{};
	if (fstat(file, &st) != 0 || !S_ISREG(st.st_mode))
		return refuse("not a regular file");
	if (static_cast<uint64_t>(st.st_size) > wire::limit::file_bytes)
		return refuse("the file is larger than " + std::to_string(wire::limit::file_bytes >> 20) + " MiB");
	if (!link_ || link_->closed())
		return refuse("not connected to the host");

	link_->send_message(wire::OpenFileBegin{static_cast<uint64_t>(st.st_size), name});
	std::string chunk(wire::limit::file_chunk_bytes, '\0');
	uint64_t left = static_cast<uint64_t>(st.st_size);
	off_t offset = 0;
	while (left > 0) {
		const ssize_t got = pread(file, chunk.data(), std::min<uint64_t>(chunk.size(), left), offset);
		if (got <= 0)
			break;
		link_->send_message(wire::OpenFileChunk{chunk.substr(0, static_cast<std::size_t>(got))});
		left -= static_cast<uint64_t>(got);
		offset += got;
	}
	if (left != 0) {
		// The host would wait for the rest forever: a new connection starts clean.
		link_->fail("the file shrank while it was sent");
		return refuse("the file changed while it was sent");
	}
	link_->send_message(wire::OpenFileEnd{});
	const uint32_t id = ++opens_sent_;
	r.source = wl_event_loop_add_fd(loop_, fd, WL_EVENT_READABLE, &Services::handle_client_readable, this);
	requests_[id] = r;
	wlr_log(WLR_INFO, "open request %u: sent '%s' (%lld bytes) to the host", id, name.c_str(),
		static_cast<long long>(st.st_size));
}

void Services::reply(GuestRequest &r, const std::string &line)
{
	const std::string text = line + "\n";
	if (!write_all(r.client, text.data(), text.size()))
		wlr_log(WLR_DEBUG, "the requesting program is gone");
}

void Services::close_request(uint32_t id)
{
	auto it = requests_.find(id);
	if (it == requests_.end())
		return;
	if (it->second.source)
		wl_event_source_remove(it->second.source);
	close(it->second.client);
	close(it->second.file);
	requests_.erase(it);
}

void Services::handle_open_result(const wire::OpenResult &m)
{
	auto it = requests_.find(m.request);
	if (it == requests_.end())
		return;
	const auto status = static_cast<wire::OpenStatus>(m.status);
	const char *word = status == wire::OpenStatus::Started ? "started"
		: status == wire::OpenStatus::Refused            ? "refused"
		: status == wire::OpenStatus::Finished           ? "finished"
								 : "failed";
	reply(it->second, std::string(word) + " " + m.text);
	if (status != wire::OpenStatus::Started)
		close_request(m.request);
}

} // namespace bulkhead::agent
