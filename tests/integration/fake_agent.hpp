#pragma once
// A guest agent played by a test: it listens where a gui-daemon connects and
// speaks the wire protocol by hand, honestly or not.
#include "wire/codec.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace harness {

class FakeAgent {
public:
	explicit FakeAgent(std::string socket_path);
	~FakeAgent();
	FakeAgent(const FakeAgent &) = delete;
	FakeAgent &operator=(const FakeAgent &) = delete;

	const std::string &path() const { return path_; }
	// Waits for the daemon to connect (fails the test after 10 s).
	void accept_daemon();

	void send(const std::vector<uint8_t> &bytes);
	template <typename M> void send_message(const M &m)
	{
		std::vector<uint8_t> out;
		bulkhead::wire::encode(out, m);
		send(out);
	}

	// Says hello and takes the welcome with the region. With region_file (the
	// VM transport: the test plays QEMU's end of the channel), the hello names
	// that file's size, the welcome carries no descriptor and the file is mapped.
	void handshake(const std::string &region_file = "");
	uint64_t region_size() const { return region_size_; }
	uint32_t *region() const { return region_; }
	// A toplevel window `id` of w x h in one colour at offset 0, titled, mapped.
	void show_window(uint32_t argb, uint32_t id = 1, uint32_t w = 64, uint32_t h = 48, const std::string &title = "fake");
	// A popup `id` of `parent` at (x, y) from it, w x h in one colour, its
	// pixels at 1 MiB into the region (clear of show_window's), mapped.
	void show_popup(uint32_t argb, uint32_t id, uint32_t parent, int32_t x, int32_t y, uint32_t w, uint32_t h);
	// Reads what the daemon sends until a clipboard-request arrives (10 s at
	// most); its serial, or 0 when none came.
	uint32_t wait_for_clipboard_request();
	// The same for the daemon's next ping: answer it with wire::Pong{serial}.
	uint32_t wait_for_ping();

private:
	uint32_t wait_for_serial(std::vector<uint8_t> header);

	std::string path_;
	int listen_fd_ = -1, fd_ = -1;
	uint32_t *region_ = nullptr;
	uint64_t region_size_ = 0;
	std::vector<uint8_t> received_;
};

std::string read_text(const std::string &path);

} // namespace harness
