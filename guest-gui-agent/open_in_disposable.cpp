// bulkhead-open-in-disposable FILE: inside a VM, asks the host to open a copy
// of FILE in a new disposable VM instead of here. It waits until the
// disposable closes; an edited copy then replaces FILE (Qubes' behaviour).
#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	CLI::App app{"bulkhead-open-in-disposable: open a file in a new disposable VM instead of this one"};
	std::string path;
	std::string socket_path = "/run/bulkhead/agent.sock";
	if (const char *env = getenv("BULKHEAD_AGENT_SOCKET"))
		socket_path = env;
	app.add_option("FILE", path, "The file to open")->required();
	app.add_option("--socket", socket_path, "The guest agent's control socket ($BULKHEAD_AGENT_SOCKET)");
	try {
		app.parse(argc, argv);
	} catch (const CLI::ParseError &e) {
		return app.exit(e) == 0 ? 0 : 2;
	}
	// Read-write when allowed, so an edited copy can come back into it.
	int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		std::fprintf(stderr, "bulkhead-open-in-disposable: cannot open %s: %s\n", path.c_str(), std::strerror(errno));
		return 2;
	}
	const int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sockaddr_un addr{};
	addr.sun_family = AF_UNIX;
	if (socket_path.size() >= sizeof addr.sun_path) {
		std::fprintf(stderr, "bulkhead-open-in-disposable: socket path too long\n");
		return 2;
	}
	std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
	if (connect(s, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
		std::fprintf(stderr, "bulkhead-open-in-disposable: cannot reach the guest agent at %s: %s\n",
			socket_path.c_str(), std::strerror(errno));
		return 1;
	}
	const std::string line = "open " + std::filesystem::path(path).filename().string() + "\n";
	iovec iov{const_cast<char *>(line.data()), line.size()};
	msghdr msg{};
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
	msg.msg_control = control;
	msg.msg_controllen = sizeof control;
	cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(s, &msg, MSG_NOSIGNAL) < 0) {
		std::fprintf(stderr, "bulkhead-open-in-disposable: cannot send the request: %s\n", std::strerror(errno));
		return 1;
	}
	// The agent answers one line per step: started, returned, then finished
	// (or refused / failed).
	std::string pending;
	char buf[512];
	ssize_t n;
	int status = 1;
	while ((n = read(s, buf, sizeof buf)) > 0) {
		pending.append(buf, static_cast<std::size_t>(n));
		std::size_t eol;
		while ((eol = pending.find('\n')) != std::string::npos) {
			const std::string answer = pending.substr(0, eol);
			pending.erase(0, eol + 1);
			std::printf("bulkhead-open-in-disposable: %s\n", answer.c_str());
			std::fflush(stdout);
			if (answer.rfind("finished", 0) == 0)
				status = 0;
		}
	}
	return status;
}
