#pragma once
// Framing, encoding and checking of the agent<->daemon wire protocol
// (protocols/gui-wire.md).
//
// Bytes from the peer become an UntrustedMessage: its header fields and payload
// are private and reachable only through the checks in validate.cpp:
//   - GuestSession::accept() on the daemon, for everything a guest sends;
//   - HostSession::accept() / parse_host_message() in the agent, for what the
//     host sends.
// Each parses and checks every field against the limits and the session's
// state and returns either a checked message (messages.hpp) or the rule that
// was broken, with a reason naming the message, the window and the values.
// The codec assumes nothing of the transport: it sees a byte stream in chunks
// of any size.
#include "wire/messages.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
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
	RegionMismatch, // hello names a region size other than the host's
	BadValue,       // an enumerated field (state, axis, flags, scale) out of range
};

const char *rule_name(Rule rule);

struct WireError {
	Rule rule;
	std::string reason; // names the message, the window and the values
};

// A checked value or the rule it broke (C++20 has no std::expected).
// value() on an error, or error() on a value, throws std::bad_variant_access.
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
	const T *operator->() const { return &value(); }

private:
	std::variant<T, WireError> v_;
};

// One framed message as the peer sent it. Nothing but the checks can read it.
class UntrustedMessage {
public:
	// Only for logs: nothing may act on these before the check.
	uint16_t untrusted_type() const { return type_; }
	uint32_t untrusted_window() const { return window_; }
	std::size_t untrusted_size() const { return payload_.size(); }

private:
	friend class Decoder;
	friend class GuestSession;
	friend class HostSession;
	friend Result<HostMessage> parse_host_message(const UntrustedMessage &, const Limits &);
	uint16_t type_ = 0;
	uint32_t window_ = 0;
	std::vector<uint8_t> payload_;
};

// Cuts a byte stream into messages. Accepts chunks of any size (a partial
// header, many messages at once). The header is checked as soon as its 12
// bytes are in: reserved flags 0 and the peer's length within max_payload,
// before any payload is awaited, so a lying length costs nothing. The two
// clipboard types alone may be longer, up to 4 + max_clipboard_bytes, when the
// decoder is made from Limits. Feed what
// the transport read, then call next() until it returns nullopt; the buffer
// then holds less than one message.
class Decoder {
public:
	explicit Decoder(uint32_t max_payload) : max_payload_(max_payload), max_clipboard_payload_(max_payload) {}
	explicit Decoder(const Limits &limits)
		: max_payload_(limits.max_payload),
		  max_clipboard_payload_(std::max(limits.max_payload, 4 + limits.max_clipboard_bytes)) {}
	void feed(const uint8_t *data, std::size_t size);
	// The next whole message, nullopt when more bytes are needed, or an error
	// after which the stream is unusable (every later call returns it again).
	std::optional<Result<UntrustedMessage>> next();
	std::size_t buffered() const { return buffer_.size() - start_; }
	bool failed() const { return error_.has_value(); }

private:
	uint32_t max_payload_;
	uint32_t max_clipboard_payload_;
	std::vector<uint8_t> buffer_;
	std::size_t start_ = 0;
	std::optional<WireError> error_;
};

// The daemon's record of one guest connection: handshake, live windows,
// outstanding requests. accept() is the single check every guest message passes.
class GuestSession {
public:
	GuestSession(Limits limits, uint64_t region_size) : limits_(limits), region_size_(region_size) {}

	Result<GuestMessage> accept(const UntrustedMessage &untrusted);

	bool handshake_done() const { return handshake_done_; }
	uint16_t negotiated_minor() const { return minor_; }
	uint64_t region_size() const { return region_size_; }
	bool has_window(uint32_t id) const { return windows_.count(id) != 0; }
	std::size_t window_count() const { return windows_.size(); }
	// Popups are destroyed with their parent; these ids go with it.
	std::vector<uint32_t> descendants(uint32_t id) const;
	void expect_clipboard(uint32_t serial) { clipboard_serials_.insert(serial); }
	// The host launched an app for `request` (app-exited may follow once) and,
	// with may_return, the guest may send the edited file back once.
	void expect_app(uint32_t request, bool may_return);
	// The file being received ends a return-file-begin (not an open-file-begin).
	bool receiving_return() const { return file_open_ && file_return_request_ != 0; }
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
	uint32_t file_return_request_ = 0; // non-zero while a return-file is open
	std::set<uint32_t> apps_, returns_;
};

// The agent's check of what the host sends (the host is trusted, but a bug
// there must not corrupt the guest either): lengths, window ids present or 0 as
// the type says, sizes and enumerated values in range. Stateless.
Result<HostMessage> parse_host_message(const UntrustedMessage &untrusted, const Limits &limits);

// The agent's record of its connection to the host: parse_host_message() plus
// the handshake (welcome first and once, same major, a minor no higher than
// ours, the region size the agent sees if it knows it) and buffer releases
// inside the region.
class HostSession {
public:
	explicit HostSession(Limits limits = {}, uint64_t region_size_seen = 0)
		: limits_(limits), region_size_seen_(region_size_seen) {}

	Result<HostMessage> accept(const UntrustedMessage &untrusted);

	bool handshake_done() const { return handshake_done_; }
	uint16_t negotiated_minor() const { return minor_; }
	uint64_t region_size() const { return region_size_; }

private:
	Limits limits_;
	uint64_t region_size_seen_;
	bool handshake_done_ = false;
	uint16_t minor_ = 0;
	uint64_t region_size_ = 0;
};

// The checks' building blocks, exposed for tests.

// Whether [offset, offset + stride x height) lies inside a region of
// region_size bytes. Exact for any inputs: no sum or product can wrap.
bool span_inside_region(uint64_t offset, uint64_t stride, uint64_t height, uint64_t region_size);

// The cleaned copy of an untrusted string: invalid UTF-8 (bad bytes, overlong
// forms, surrogates, truncated sequences, code points past U+10FFFF) becomes
// U+FFFD, C0/C1 controls, DEL and line/paragraph separators become a space,
// bidirectional overrides, isolates, marks and zero-width characters are
// removed, runs of spaces collapse, ends are trimmed, and the result is cut at
// a character boundary to at most max_bytes.
std::string clean_text(std::string_view untrusted, std::size_t max_bytes);

// A file name safe to create in a fixed directory: clean_text(), then no path
// separators or shell/file-manager specials, no leading dot, dash or space.
// nullopt when nothing usable is left, or the input is empty or too long.
std::optional<std::string> clean_file_name(std::string_view untrusted, std::size_t max_bytes);

// The fixed cursor list by name ("default", "text", "ew-resize", ...), as in
// the CSS / cursor-shape-v1 names; nullptr for a value outside the list.
const char *cursor_name(uint32_t shape);

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
void encode(std::vector<uint8_t> &out, const SetFullscreen &m);
void encode(std::vector<uint8_t> &out, const DemandsAttention &m);
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
void encode(std::vector<uint8_t> &out, const AppExited &m);
void encode(std::vector<uint8_t> &out, const ReturnFileBegin &m);
void encode(std::vector<uint8_t> &out, const Launch &m);
void encode(std::vector<uint8_t> &out, const FileBegin &m);
void encode(std::vector<uint8_t> &out, const FileChunk &m);
void encode(std::vector<uint8_t> &out, const FileEnd &m);
void encode(std::vector<uint8_t> &out, const OpenResult &m);

// The same, as a new byte vector.
template <typename M>
std::vector<uint8_t> to_bytes(const M &m)
{
	std::vector<uint8_t> out;
	encode(out, m);
	return out;
}

// A raw message, for tests that must send what no encoder would.
void encode_raw(std::vector<uint8_t> &out, uint16_t type, uint32_t window, const std::vector<uint8_t> &payload,
	uint16_t flags = 0);

} // namespace bulkhead::wire
