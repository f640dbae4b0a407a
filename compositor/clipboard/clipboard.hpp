#pragma once
// The global clipboard (issue 4, rule 4). Plain Wayland selection never
// crosses domains: every domain, and the host, keeps its own. Only the user's
// gestures move text: copy takes the focused window's domain clipboard into
// the global one; paste gives it to the focused window's domain and empties
// the global one. Each is logged and told on screen.
#include "clipboard/policy.hpp"
#include "clipboard/selection.hpp"
#include "listener.hpp"
#include "wlr.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace bulkhead {

class Server;
class View;

class Clipboard {
public:
	explicit Clipboard(Server &server);
	~Clipboard();
	Clipboard(const Clipboard &) = delete;
	Clipboard &operator=(const Clipboard &) = delete;

	void copy(View *focused);
	void paste(View *focused);

	// A gui-daemon's answer to a clipboard_request: `size` bytes in the sealed
	// memfd fd. False (with *error) when the client was not asked that serial
	// or the descriptor is not a sealed memfd of at most the wire's limit:
	// the caller ends that client.
	bool handle_domain_data(wl_client *client, uint32_t serial, int fd, uint32_t size, std::string *error);

	bool holds_data() const { return global_.has_value(); }

private:
	struct PendingCopy {
		uint32_t serial = 0;
		wl_client *client = nullptr;
		std::string domain, label;
		std::size_t limit = 0;
	};
	void finish_copy(const std::string &domain, const std::string &label, std::size_t limit,
		SelectionReader::Status status, std::string data);
	void record(clipboard::Event event, const std::string &label);
	// A window's domain ("dom0" for the host), its label and its clipboard limit.
	struct Party {
		std::string domain, label;
		std::size_t limit;
	};
	Party party_of(View *view) const;
	void cancel_copy();
	static int handle_timeout(void *data);

	Server &server_;
	std::optional<clipboard::Entry> global_;
	std::optional<PendingCopy> pending_;     // a domain's answer we wait for
	std::unique_ptr<SelectionReader> host_read_; // the host's own selection being read
	uint32_t next_serial_ = 0;
	wl_event_source *timeout_ = nullptr;
	Listener pending_client_destroy_; // a daemon that goes away never answers
};

} // namespace bulkhead
