#pragma once
// A wlroots seat's clipboard selection as plain text: owning it with bytes of
// our own, and reading whatever a client offers, without ever blocking the
// event loop. Shared by the compositor (the host's own clipboard) and the guest
// agent (the guest's).
#include "wlr.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace bulkhead {

// The text type a source offers, best first (UTF-8, then plain); nullptr when
// it offers no text.
const char *selection_text_mime_type(wlr_data_source *source);

// A source serving `data` as text; each reader is fed from the event loop.
// Set it with wlr_seat_set_selection, which then owns it.
wlr_data_source *create_text_source(wl_event_loop *loop, std::string data);

// Reads a source's text into memory, at most max_bytes. Destroying the reader
// cancels it; otherwise `done` runs exactly once, from the event loop.
class SelectionReader {
public:
	enum class Status { Ok, NoText, TooLarge, Failed };
	using Done = std::function<void(Status status, std::string data)>;

	SelectionReader(wl_event_loop *loop, wlr_data_source *source, std::size_t max_bytes, Done done,
		std::chrono::milliseconds timeout = std::chrono::seconds(2));
	~SelectionReader();
	SelectionReader(const SelectionReader &) = delete;
	SelectionReader &operator=(const SelectionReader &) = delete;

private:
	static int handle_readable(int fd, uint32_t mask, void *data);
	static int handle_timeout(void *data);
	void finish(Status status);
	void stop();

	std::size_t max_bytes_;
	Done done_;
	std::string data_;
	int fd_ = -1;
	wl_event_source *fd_source_ = nullptr;
	wl_event_source *timer_ = nullptr;
	wl_event_source *idle_ = nullptr; // reports NoText from the loop, not from the constructor
};

} // namespace bulkhead
