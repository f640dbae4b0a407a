#include "app_relay.hpp"

#include "bulkhead-domain-v1-client-protocol.h"
#include "wire/sealed_memfd.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bulkhead::daemon {
namespace {

// Files stream only while the agent keeps up: at most this much waits.
constexpr std::size_t queued_limit = 1u << 20;

bool write_all(int fd, const char *p, std::size_t n)
{
	while (n > 0) {
		const ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= static_cast<std::size_t>(w);
	}
	return true;
}

} // namespace

AppRelay::AppRelay(wire::GuestSession &session, Send send) : session_(session), send_(std::move(send)) {}

AppRelay::~AppRelay()
{
	for (Outgoing &o : outgoing_)
		if (o.fd >= 0)
			close(o.fd);
	if (incoming_fd_ >= 0)
		close(incoming_fd_);
}

void AppRelay::handle_launch(uint32_t request, const char *command)
{
	Outgoing o;
	wire::encode(o.message, wire::Launch{request, command});
	o.request = request;
	o.launch = true;
	outgoing_.push_back(std::move(o));
}

void AppRelay::handle_send_file(uint32_t request, uint32_t flags, int fd, const char *name)
{
	struct stat st{};
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) > wire::limit::file_bytes) {
		std::fprintf(stderr, "bulkhead-gui-daemon: request %u: the compositor sent an unusable file\n", request);
		close(fd);
		return;
	}
	Outgoing o;
	o.request = request;
	o.flags = flags;
	o.fd = fd;
	o.name = name;
	o.size = static_cast<uint64_t>(st.st_size);
	outgoing_.push_back(std::move(o));
}

void AppRelay::handle_open_result(uint32_t request, uint32_t status, const char *text)
{
	Outgoing o;
	wire::encode(o.message, wire::OpenResult{request, status, wire::clean_text(text, wire::limit::result_text_bytes)});
	outgoing_.push_back(std::move(o));
}

void AppRelay::pump(std::size_t queued_bytes)
{
	if (!session_.handshake_done() || session_.negotiated_minor() < 1)
		return;
	while (!outgoing_.empty() && queued_bytes < queued_limit) {
		Outgoing &o = outgoing_.front();
		if (!o.message.empty()) {
			if (o.launch)
				session_.expect_app(o.request, false);
			send_(o.message);
			queued_bytes += o.message.size();
			outgoing_.pop_front();
			continue;
		}
		if (!o.begun) {
			if (o.flags & wire::file_open)
				session_.expect_app(o.request, o.flags & wire::file_return);
			std::vector<uint8_t> m;
			wire::encode(m, wire::FileBegin{o.request, o.flags, o.size, o.name});
			send_(m);
			o.begun = true;
		}
		if (o.sent < o.size) {
			std::string chunk(std::min<uint64_t>(wire::limit::file_chunk_bytes, o.size - o.sent), '\0');
			const ssize_t n = pread(o.fd, chunk.data(), chunk.size(), static_cast<off_t>(o.sent));
			if (n <= 0) {
				// The compositor's sealed copy cannot shrink; a read error ends it.
				std::fprintf(stderr, "bulkhead-gui-daemon: request %u: cannot read the file: %s\n", o.request,
					std::strerror(errno));
				chunk.clear();
				o.size = o.sent; // the agent discards the short file
			}
			chunk.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
			if (!chunk.empty()) {
				std::vector<uint8_t> m;
				wire::encode(m, wire::FileChunk{chunk});
				send_(m);
				queued_bytes += m.size();
				o.sent += chunk.size();
			}
			continue;
		}
		std::vector<uint8_t> m;
		wire::encode(m, wire::FileEnd{});
		send_(m);
		close(o.fd);
		outgoing_.pop_front();
	}
}

bool AppRelay::begin_incoming(const std::string &what, std::string *why)
{
	incoming_fd_ = memfd_create("bulkhead-file", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (incoming_fd_ < 0) {
		*why = what + ": cannot create a memfd: " + std::strerror(errno);
		return false;
	}
	return true;
}

bool AppRelay::handle_open_begin(const wire::OpenFileBegin &m, std::string *why)
{
	incoming_return_ = 0;
	incoming_name_ = m.name;
	return begin_incoming("open-file " + m.name, why);
}

bool AppRelay::handle_return_begin(const wire::ReturnFileBegin &m, std::string *why)
{
	incoming_return_ = m.request;
	incoming_name_.clear();
	return begin_incoming("return-file for request " + std::to_string(m.request), why);
}

bool AppRelay::handle_chunk(const wire::OpenFileChunk &m, std::string *why)
{
	if (incoming_fd_ >= 0 && !write_all(incoming_fd_, m.data.data(), m.data.size())) {
		*why = std::string("cannot store the guest's file: ") + std::strerror(errno);
		return false;
	}
	return true;
}

void AppRelay::handle_end()
{
	if (incoming_fd_ < 0)
		return;
	// Open requests are numbered in the guest's order, forwarded or not.
	const uint32_t request = incoming_return_ ? 0 : ++open_requests_;
	// The compositor reads exactly these bytes: nobody can change them now.
	if (!wire::seal_memfd(incoming_fd_)) {
		std::fprintf(stderr, "bulkhead-gui-daemon: cannot seal the guest's file: %s\n", std::strerror(errno));
		if (request) {
			std::vector<uint8_t> m;
			wire::encode(m, wire::OpenResult{request, static_cast<uint32_t>(wire::OpenStatus::Failed),
				"the host could not keep the file"});
			send_(m);
		}
	} else if (manager_) {
		if (incoming_return_)
			bulkhead_domain_manager_v1_returned_file(manager_, incoming_return_, incoming_fd_);
		else
			bulkhead_domain_manager_v1_open_in_disposable(manager_, request, incoming_fd_, incoming_name_.c_str());
	}
	close(incoming_fd_);
	incoming_fd_ = -1;
}

void AppRelay::handle_app_exited(const wire::AppExited &m)
{
	if (manager_)
		bulkhead_domain_manager_v1_app_exited(manager_, m.request, m.status);
}

} // namespace bulkhead::daemon
