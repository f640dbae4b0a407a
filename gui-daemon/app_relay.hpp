#pragma once
// The daemon's part in disposables: it carries the compositor's launch and
// send_file events to the guest as wire messages, streaming files in bounded
// chunks no faster than the agent reads them, and carries the guest's checked
// app-exited, open-file and return-file messages back to the compositor, each
// file as a sealed memfd of exactly the bytes the checks let through.
#include "wire/codec.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

struct bulkhead_domain_manager_v1;

namespace bulkhead::daemon {

class AppRelay {
public:
	using Send = std::function<void(const std::vector<uint8_t> &)>;
	AppRelay(wire::GuestSession &session, Send send);
	~AppRelay();
	AppRelay(const AppRelay &) = delete;
	AppRelay &operator=(const AppRelay &) = delete;

	void set_manager(bulkhead_domain_manager_v1 *manager) { manager_ = manager; }

	// From the compositor. Held until the guest's handshake is done.
	void handle_launch(uint32_t request, const char *command);
	void handle_send_file(uint32_t request, uint32_t flags, int fd, const char *name);
	void handle_open_result(uint32_t request, uint32_t status, const char *text);

	// Sends what is due while fewer than queued_limit bytes wait for the agent.
	void pump(std::size_t queued_bytes);
	bool streaming() const { return !outgoing_.empty() && session_.handshake_done(); }

	// From the guest, after GuestSession::accept. False when the connection must
	// end (the reason in *why).
	bool handle_open_begin(const wire::OpenFileBegin &m, std::string *why);
	bool handle_return_begin(const wire::ReturnFileBegin &m, std::string *why);
	bool handle_chunk(const wire::OpenFileChunk &m, std::string *why);
	void handle_end();
	void handle_app_exited(const wire::AppExited &m);

private:
	struct Outgoing {
		std::vector<uint8_t> message; // a launch or open-result, or empty for a file
		uint32_t request = 0, flags = 0;
		int fd = -1;
		std::string name;
		uint64_t size = 0, sent = 0;
		bool begun = false;
		bool launch = false;
	};
	bool begin_incoming(const std::string &what, std::string *why);

	wire::GuestSession &session_;
	Send send_;
	bulkhead_domain_manager_v1 *manager_ = nullptr;
	std::deque<Outgoing> outgoing_;
	int incoming_fd_ = -1;
	uint32_t incoming_return_ = 0; // the request of a returned file, 0 for an open request
	std::string incoming_name_;
	uint32_t open_requests_ = 0;
};

} // namespace bulkhead::daemon
