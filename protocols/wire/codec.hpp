#pragma once
// Framing, encoding and the one place where guest input is checked.
//
// Bytes from a guest become an UntrustedMessage: its header fields and payload
// are private and reachable only through GuestSession::accept(), which parses
// and checks every field against the limits and the session's state and
// returns either a checked GuestMessage or the rule that was broken.
#include "wire/messages.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace bulkhead::wire {

enum class Rule {
	MessageTooLarge,
	BadHeader,
	UnknownType,
	WrongDirection,
	BadLength,
	BeforeHandshake,
	DuplicateHandshake,
	VersionMismatch,
	BadWindowId,
	WindowExists,
	NoSuchWindow,
	TooManyWindows,
	BadParent,
	PopupTooDeep,
	PopupOffset,
	BadSize,
	BadFormat,
	BadStride,
	Misaligned,
	BufferOutsideRegion,
	TooManyRects,
	RectOutsideBuffer,
	StringTooLong,
	UnknownCursor,
	Unrequested,
	BadFileName,
	FileTooLarge,
};

const char *rule_name(Rule rule);

struct WireError {
	Rule rule;
	std::string reason; // names the message, the window and the values
};

template <typename T>
class Result {
public:
	Result(T value) : v_(std::move(value)) {}
	Result(WireError error) : v_(std::move(error)) {}
	bool ok() const { return v_.index() == 0; }
	explicit operator bool() const { return ok(); }
	const T &value() const { return std::get<0>(v_); }
	T &value() { return std::get<0>(v_); }
	const WireError &error() const { return std::get<1>(v_); }

private:
	std::variant<T, WireError> v_;
};

class UntrustedMessage {
public:
	// Only for logs: nothing may act on these before the check.
	uint16_t untrusted_type() const { return type_; }
	std::size_t untrusted_size() const { return payload_.size(); }

private:
	friend class Decoder;
	friend class GuestSession;
	friend Result<HostMessage> parse_host_message(const UntrustedMessage &, const Limits &);
	uint16_t type_ = 0;
	uint32_t window_ = 0;
	std::vector<uint8_t> payload_;
};

// Cuts a byte stream into messages. The peer's length field is checked against
// the limit before any payload is buffered, so a lying length costs nothing.
class Decoder {
public:
	explicit Decoder(uint32_t max_payload) : max_payload_(max_payload) {}
	void feed(const uint8_t *data, std::size_t size);
	// The next whole message, nullopt when more bytes are needed, or an error
	// after which the stream is unusable.
	std::optional<Result<UntrustedMessage>> next();
	std::size_t buffered() const { return buffer_.size() - start_; }

private:
	uint32_t max_payload_;
	std::vector<uint8_t> buffer_;
	std::size_t start_ = 0;
	bool failed_ = false;
};

// The daemon's record of one guest connection: handshake, live windows,
// outstanding requests. accept() is the single check every guest message passes.
class GuestSession {
public:
	GuestSession(Limits limits, uint64_t region_size) : limits_(limits), region_size_(region_size) {}

	Result<GuestMessage> accept(const UntrustedMessage &untrusted);

	bool handshake_done() const { return handshake_done_; }
	uint16_t negotiated_minor() const { return minor_; }
	bool has_window(uint32_t id) const { return windows_.count(id) != 0; }
	std::size_t window_count() const { return windows_.size(); }
	// Popups are destroyed with their parent; these ids go with it.
	std::vector<uint32_t> descendants(uint32_t id) const;
	void expect_clipboard(uint32_t serial) { clipboard_serials_.insert(serial); }
	const Limits &limits() const { return limits_; }

private:
	struct WindowRecord {
		uint32_t parent;
		uint32_t depth;
	};
	Result<GuestMessage> check(const UntrustedMessage &m);
	void forget(uint32_t id);

	Limits limits_;
	uint64_t region_size_;
	bool handshake_done_ = false;
	uint16_t minor_ = 0;
	std::map<uint32_t, WindowRecord> windows_;
	std::set<uint32_t> clipboard_serials_;
	bool file_open_ = false;
	uint64_t file_expected_ = 0, file_received_ = 0;
};

// The agent's check of what the host sends (the host is trusted, but a bug
// there must not corrupt the guest either).
Result<HostMessage> parse_host_message(const UntrustedMessage &untrusted, const Limits &limits);

// Encoders append one whole message (header and payload) to `out`.
void encode(std::vector<uint8_t> &out, const Hello &m);
void encode(std::vector<uint8_t> &out, const CreateWindow &m);
void encode(std::vector<uint8_t> &out, const DestroyWindow &m);
void encode(std::vector<uint8_t> &out, const Map &m);
void encode(std::vector<uint8_t> &out, const Unmap &m);
void encode(std::vector<uint8_t> &out, const SetTitle &m);
void encode(std::vector<uint8_t> &out, const SetAppId &m);
void encode(std::vector<uint8_t> &out, const SizeHints &m);
void encode(std::vector<uint8_t> &out, const Attach &m);
void encode(std::vector<uint8_t> &out, const SetCursor &m);
void encode(std::vector<uint8_t> &out, const ClipboardData &m);
void encode(std::vector<uint8_t> &out, const Pong &m);
void encode(std::vector<uint8_t> &out, const AckConfigure &m);
void encode(std::vector<uint8_t> &out, const OpenFileBegin &m);
void encode(std::vector<uint8_t> &out, const OpenFileChunk &m);
void encode(std::vector<uint8_t> &out, const OpenFileEnd &m);
void encode(std::vector<uint8_t> &out, const Welcome &m);
void encode(std::vector<uint8_t> &out, const BufferRelease &m);
void encode(std::vector<uint8_t> &out, const FrameDone &m);
void encode(std::vector<uint8_t> &out, const Configure &m);
void encode(std::vector<uint8_t> &out, const Close &m);
void encode(std::vector<uint8_t> &out, const Keymap &m);
void encode(std::vector<uint8_t> &out, const KeyboardEnter &m);
void encode(std::vector<uint8_t> &out, const KeyboardLeave &m);
void encode(std::vector<uint8_t> &out, const Key &m);
void encode(std::vector<uint8_t> &out, const Modifiers &m);
void encode(std::vector<uint8_t> &out, const PointerEnter &m);
void encode(std::vector<uint8_t> &out, const PointerLeave &m);
void encode(std::vector<uint8_t> &out, const PointerMotion &m);
void encode(std::vector<uint8_t> &out, const PointerButton &m);
void encode(std::vector<uint8_t> &out, const PointerAxis &m);
void encode(std::vector<uint8_t> &out, const ClipboardRequest &m);
void encode(std::vector<uint8_t> &out, const ClipboardSet &m);
void encode(std::vector<uint8_t> &out, const Ping &m);
void encode(std::vector<uint8_t> &out, const Output &m);

// A raw message, for tests that must send what no encoder would.
void encode_raw(std::vector<uint8_t> &out, uint16_t type, uint32_t window, const std::vector<uint8_t> &payload,
	uint16_t flags = 0);

} // namespace bulkhead::wire
