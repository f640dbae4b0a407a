#include "transport.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace bulkhead::agent {

int listen_unix(const std::string &path, std::string *error)
{
	sockaddr_un addr{};
	addr.sun_family = AF_UNIX;
	if (path.size() >= sizeof addr.sun_path) {
		*error = "socket path too long: " + path;
		return -1;
	}
	std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
	const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		*error = std::string("socket: ") + strerror(errno);
		return -1;
	}
	unlink(path.c_str());
	if (bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || listen(fd, 1) != 0) {
		*error = "cannot listen on " + path + ": " + strerror(errno);
		close(fd);
		return -1;
	}
	return fd;
}

ssize_t read_with_fd(int socket, void *buf, std::size_t len, int *fd)
{
	iovec iov{buf, len};
	alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
	msghdr msg{};
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control;
	msg.msg_controllen = sizeof control;
	const ssize_t n = recvmsg(socket, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return n;
	for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (std::size_t i = 0; i < count; ++i) {
			int received;
			std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*fd < 0)
				*fd = received;
			else
				close(received);
		}
	}
	return n;
}

bool write_all(int fd, const void *buf, std::size_t len)
{
	const auto *p = static_cast<const char *>(buf);
	while (len > 0) {
		const ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				// A port whose host side left polls POLLHUP: give up, do not spin.
				pollfd pfd{fd, POLLOUT, 0};
				if (poll(&pfd, 1, 5000) <= 0 || (pfd.revents & (POLLHUP | POLLERR)))
					return false;
				continue;
			}
			return false;
		}
		p += n;
		len -= static_cast<std::size_t>(n);
	}
	return true;
}

} // namespace bulkhead::agent
