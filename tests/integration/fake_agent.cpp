#include "fake_agent.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace wire = bulkhead::wire;

namespace harness {

std::string read_text(const std::string &path)
{
	std::ifstream in(path);
	std::ostringstream s;
	s << in.rdbuf();
	return s.str();
}

FakeAgent::FakeAgent(std::string socket_path) : path_(std::move(socket_path))
{
	listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sockaddr_un addr{};
	addr.sun_family = AF_UNIX;
	REQUIRE(path_.size() < sizeof addr.sun_path);
	std::strcpy(addr.sun_path, path_.c_str());
	unlink(path_.c_str());
	REQUIRE(bind(listen_fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
	REQUIRE(listen(listen_fd_, 1) == 0);
}

FakeAgent::~FakeAgent()
{
	if (region_)
		munmap(region_, region_size_);
	if (fd_ >= 0)
		close(fd_);
	close(listen_fd_);
	unlink(path_.c_str());
}

void FakeAgent::accept_daemon()
{
	pollfd p{listen_fd_, POLLIN, 0};
	REQUIRE(poll(&p, 1, 10000) == 1);
	fd_ = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
	REQUIRE(fd_ >= 0);
}

void FakeAgent::send(const std::vector<uint8_t> &bytes)
{
	std::size_t done = 0;
	while (done < bytes.size()) {
		const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
		if (n <= 0)
			return; // the daemon hung up: that is what some attacks expect
		done += static_cast<std::size_t>(n);
	}
}

void FakeAgent::handshake(const std::string &region_file)
{
	wire::Hello hello;
	struct stat st {};
	if (!region_file.empty()) {
		REQUIRE(stat(region_file.c_str(), &st) == 0);
		hello.region_size = static_cast<uint64_t>(st.st_size);
	}
	send_message(hello);
	uint8_t buf[4096];
	iovec iov{buf, sizeof buf};
	alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
	msghdr msg{};
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control;
	msg.msg_controllen = sizeof control;
	pollfd p{fd_, POLLIN, 0};
	REQUIRE(poll(&p, 1, 10000) == 1);
	const ssize_t n = recvmsg(fd_, &msg, 0);
	REQUIRE(n >= static_cast<ssize_t>(wire::header_size + 24));
	CHECK(buf[0] == static_cast<uint8_t>(wire::Type::Welcome));
	for (int i = 0; i < 8; ++i)
		region_size_ |= static_cast<uint64_t>(buf[wire::header_size + 4 + i]) << (8 * i);
	cmsghdr *c = CMSG_FIRSTHDR(&msg);
	int region_fd;
	if (region_file.empty()) {
		REQUIRE(c);
		std::memcpy(&region_fd, CMSG_DATA(c), sizeof(int));
	} else {
		CHECK_FALSE(c); // a VM has its region as a device: nothing for QEMU's socket
		CHECK(region_size_ == hello.region_size);
		region_fd = open(region_file.c_str(), O_RDWR | O_CLOEXEC);
		REQUIRE(region_fd >= 0);
	}
	void *mapped = mmap(nullptr, region_size_, PROT_READ | PROT_WRITE, MAP_SHARED, region_fd, 0);
	REQUIRE(mapped != MAP_FAILED);
	region_ = static_cast<uint32_t *>(mapped);
	// The memfd cannot be shrunk under the compositor.
	if (region_file.empty())
		CHECK(ftruncate(region_fd, 0) != 0);
	close(region_fd);
}

void FakeAgent::show_window(uint32_t argb, uint32_t id, uint32_t w, uint32_t h, const std::string &title)
{
	send_message(wire::CreateWindow{id, 0, 0, 0});
	send_message(wire::SetTitle{id, title});
	for (uint32_t i = 0; i < w * h; ++i)
		region_[i] = argb;
	wire::Attach a;
	a.window = id;
	a.width = w;
	a.height = h;
	a.stride = w * 4;
	a.damage = {{0, 0, static_cast<int32_t>(w), static_cast<int32_t>(h)}};
	send_message(a);
	send_message(wire::Map{id});
}

void FakeAgent::show_popup(uint32_t argb, uint32_t id, uint32_t parent, int32_t x, int32_t y, uint32_t w, uint32_t h)
{
	constexpr uint64_t offset = 1 << 20;
	send_message(wire::CreateWindow{id, parent, x, y});
	for (uint32_t i = 0; i < w * h; ++i)
		region_[offset / 4 + i] = argb;
	wire::Attach a;
	a.window = id;
	a.offset = offset;
	a.width = w;
	a.height = h;
	a.stride = w * 4;
	send_message(a);
	send_message(wire::Map{id});
}

uint32_t FakeAgent::wait_for_clipboard_request()
{
	std::vector<uint8_t> header;
	wire::encode(header, wire::ClipboardRequest{0});
	return wait_for_serial(header);
}

uint32_t FakeAgent::wait_for_ping()
{
	std::vector<uint8_t> header;
	wire::encode(header, wire::Ping{0});
	return wait_for_serial(header);
}

uint32_t FakeAgent::wait_for_serial(std::vector<uint8_t> header)
{
	// The handshake read a whole buffer, so the stream may be mid-message
	// here: look for the message's fixed header rather than decoding.
	header.resize(wire::header_size);
	for (int waited = 0; waited < 10000; waited += 100) {
		const auto at = std::search(received_.begin(), received_.end(), header.begin(), header.end());
		if (at != received_.end() && received_.end() - at >= static_cast<std::ptrdiff_t>(wire::header_size + 4)) {
			const uint8_t *serial = &*(at + wire::header_size);
			const uint32_t value = serial[0] | serial[1] << 8 | serial[2] << 16 | static_cast<uint32_t>(serial[3]) << 24;
			received_.erase(received_.begin(), at + wire::header_size + 4);
			return value;
		}
		pollfd p{fd_, POLLIN, 0};
		if (poll(&p, 1, 100) == 1) {
			uint8_t buf[65536];
			const ssize_t n = recv(fd_, buf, sizeof buf, 0);
			if (n <= 0)
				return 0;
			received_.insert(received_.end(), buf, buf + n);
		}
	}
	return 0;
}

} // namespace harness
