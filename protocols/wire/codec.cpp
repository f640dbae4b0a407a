// Framing (Decoder), encoders and names. The checks live in validate.cpp.
#include "wire/codec.hpp"
#include "wire/layout.hpp"

#include <algorithm>

namespace bulkhead::wire {

using detail::Writer;

const char *type_name(uint16_t type)
{
	switch (static_cast<Type>(type)) {
	case Type::Hello: return "hello";
	case Type::CreateWindow: return "create-window";
	case Type::DestroyWindow: return "destroy-window";
	case Type::Map: return "map";
	case Type::Unmap: return "unmap";
	case Type::SetTitle: return "set-title";
	case Type::SetAppId: return "set-app-id";
	case Type::SizeHints: return "size-hints";
	case Type::Attach: return "attach";
	case Type::SetCursor: return "set-cursor";
	case Type::ClipboardData: return "clipboard-data";
	case Type::Pong: return "pong";
	case Type::AckConfigure: return "ack-configure";
	case Type::OpenFileBegin: return "open-file-begin";
	case Type::OpenFileChunk: return "open-file-chunk";
	case Type::OpenFileEnd: return "open-file-end";
	case Type::SetFullscreen: return "set-fullscreen";
	case Type::DemandsAttention: return "demands-attention";
	case Type::Welcome: return "welcome";
	case Type::BufferRelease: return "buffer-release";
	case Type::FrameDone: return "frame-done";
	case Type::Configure: return "configure";
	case Type::Close: return "close";
	case Type::Keymap: return "keymap";
	case Type::KeyboardEnter: return "keyboard-enter";
	case Type::KeyboardLeave: return "keyboard-leave";
	case Type::Key: return "key";
	case Type::Modifiers: return "modifiers";
	case Type::PointerEnter: return "pointer-enter";
	case Type::PointerLeave: return "pointer-leave";
	case Type::PointerMotion: return "pointer-motion";
	case Type::PointerButton: return "pointer-button";
	case Type::PointerAxis: return "pointer-axis";
	case Type::ClipboardRequest: return "clipboard-request";
	case Type::ClipboardSet: return "clipboard-set";
	case Type::Ping: return "ping";
	case Type::Output: return "output";
	case Type::AppExited: return "app-exited";
	case Type::ReturnFileBegin: return "return-file-begin";
	case Type::Launch: return "launch";
	case Type::FileBegin: return "file-begin";
	case Type::FileChunk: return "file-chunk";
	case Type::FileEnd: return "file-end";
	case Type::OpenResult: return "open-result";
	}
	return "unknown";
}

const char *rule_name(Rule rule)
{
	switch (rule) {
	case Rule::MessageTooLarge: return "message-too-large";
	case Rule::BadHeader: return "bad-header";
	case Rule::UnknownType: return "unknown-type";
	case Rule::WrongDirection: return "wrong-direction";
	case Rule::BadLength: return "bad-length";
	case Rule::BeforeHandshake: return "before-handshake";
	case Rule::DuplicateHandshake: return "duplicate-handshake";
	case Rule::VersionMismatch: return "version-mismatch";
	case Rule::BadWindowId: return "bad-window-id";
	case Rule::WindowExists: return "window-exists";
	case Rule::NoSuchWindow: return "no-such-window";
	case Rule::TooManyWindows: return "too-many-windows";
	case Rule::BadParent: return "bad-parent";
	case Rule::PopupTooDeep: return "popup-too-deep";
	case Rule::PopupOffset: return "popup-offset";
	case Rule::BadSize: return "bad-size";
	case Rule::BadFormat: return "bad-format";
	case Rule::BadStride: return "bad-stride";
	case Rule::Misaligned: return "misaligned";
	case Rule::BufferOutsideRegion: return "buffer-outside-region";
	case Rule::TooManyRects: return "too-many-rects";
	case Rule::RectOutsideBuffer: return "rect-outside-buffer";
	case Rule::StringTooLong: return "string-too-long";
	case Rule::UnknownCursor: return "unknown-cursor";
	case Rule::Unrequested: return "unrequested";
	case Rule::BadFileName: return "bad-file-name";
	case Rule::FileTooLarge: return "file-too-large";
	case Rule::RegionMismatch: return "region-mismatch";
	case Rule::BadValue: return "bad-value";
	}
	return "unknown-rule";
}

void Decoder::feed(const uint8_t *data, std::size_t size)
{
	if (error_)
		return;
	// Drop consumed bytes before growing, so the buffer stays near one message.
	if (start_ == buffer_.size()) {
		buffer_.clear();
		start_ = 0;
	} else if (start_ > 65536) {
		buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
		start_ = 0;
	}
	buffer_.insert(buffer_.end(), data, data + size);
}

std::optional<Result<UntrustedMessage>> Decoder::next()
{
	if (error_)
		return Result<UntrustedMessage>(*error_);
	if (buffered() < header_size)
		return std::nullopt;
	const uint8_t *h = buffer_.data() + start_;
	const auto untrusted_type = static_cast<uint16_t>(detail::load_le(h, 2));
	const auto untrusted_flags = static_cast<uint16_t>(detail::load_le(h + 2, 2));
	const auto untrusted_window = static_cast<uint32_t>(detail::load_le(h + 4, 4));
	const auto untrusted_length = static_cast<uint32_t>(detail::load_le(h + 8, 4));
	if (untrusted_flags != 0) {
		error_ = WireError{Rule::BadHeader, std::string(type_name(untrusted_type)) + " (type " +
			std::to_string(untrusted_type) + ") has reserved header flags " + std::to_string(untrusted_flags) +
			", not 0"};
		return Result<UntrustedMessage>(*error_);
	}
	const bool clipboard = untrusted_type == static_cast<uint16_t>(Type::ClipboardData) ||
		untrusted_type == static_cast<uint16_t>(Type::ClipboardSet);
	const uint32_t max = clipboard ? max_clipboard_payload_ : max_payload_;
	if (untrusted_length > max) {
		error_ = WireError{Rule::MessageTooLarge, std::string(type_name(untrusted_type)) + " (type " +
			std::to_string(untrusted_type) + ") claims " + std::to_string(untrusted_length) +
			" payload bytes; the limit is " + std::to_string(max)};
		return Result<UntrustedMessage>(*error_);
	}
	// untrusted_length <= max < 2^32: no overflow in size_t.
	if (buffered() - header_size < untrusted_length)
		return std::nullopt;
	UntrustedMessage m;
	m.type_ = untrusted_type;
	m.window_ = untrusted_window;
	m.payload_.assign(h + header_size, h + header_size + untrusted_length);
	start_ += header_size + untrusted_length;
	return Result<UntrustedMessage>(std::move(m));
}

const char *cursor_name(uint32_t shape)
{
	static const char *const names[cursor_count] = {
		"default", "text", "pointer", "move", "wait", "progress", "crosshair", "not-allowed", "grab",
		"grabbing", "n-resize", "s-resize", "e-resize", "w-resize", "ne-resize", "nw-resize", "se-resize",
		"sw-resize", "ew-resize", "ns-resize", "none",
	};
	return shape < cursor_count ? names[shape] : nullptr;
}

void encode(std::vector<uint8_t> &out, const Hello &m) { Writer(out, Type::Hello, 0).u16(m.major).u16(m.minor).u64(m.region_size); }
void encode(std::vector<uint8_t> &out, const CreateWindow &m) { Writer(out, Type::CreateWindow, m.window).u32(m.parent).i32(m.x).i32(m.y); }
void encode(std::vector<uint8_t> &out, const DestroyWindow &m) { Writer(out, Type::DestroyWindow, m.window); }
void encode(std::vector<uint8_t> &out, const Map &m) { Writer(out, Type::Map, m.window); }
void encode(std::vector<uint8_t> &out, const Unmap &m) { Writer(out, Type::Unmap, m.window); }
void encode(std::vector<uint8_t> &out, const SetTitle &m) { Writer(out, Type::SetTitle, m.window).bytes(m.title); }
void encode(std::vector<uint8_t> &out, const SetAppId &m) { Writer(out, Type::SetAppId, m.window).bytes(m.app_id); }
void encode(std::vector<uint8_t> &out, const SizeHints &m)
{
	Writer(out, Type::SizeHints, m.window).u32(m.min_width).u32(m.min_height).u32(m.max_width).u32(m.max_height);
}
void encode(std::vector<uint8_t> &out, const Attach &m)
{
	Writer w(out, Type::Attach, m.window);
	w.u64(m.offset).u32(m.width).u32(m.height).u32(m.stride).u32(m.format).u32(static_cast<uint32_t>(m.damage.size()));
	for (const Rect &d : m.damage)
		w.i32(d.x).i32(d.y).i32(d.width).i32(d.height);
}
void encode(std::vector<uint8_t> &out, const SetCursor &m) { Writer(out, Type::SetCursor, m.window).u32(m.shape); }
void encode(std::vector<uint8_t> &out, const ClipboardData &m) { Writer(out, Type::ClipboardData, 0).u32(m.serial).bytes(m.data); }
void encode(std::vector<uint8_t> &out, const Pong &m) { Writer(out, Type::Pong, 0).u32(m.serial); }
void encode(std::vector<uint8_t> &out, const AckConfigure &m) { Writer(out, Type::AckConfigure, m.window).u32(m.serial); }
void encode(std::vector<uint8_t> &out, const OpenFileBegin &m) { Writer(out, Type::OpenFileBegin, 0).u64(m.size).bytes(m.name); }
void encode(std::vector<uint8_t> &out, const OpenFileChunk &m) { Writer(out, Type::OpenFileChunk, 0).bytes(m.data); }
void encode(std::vector<uint8_t> &out, const OpenFileEnd &) { Writer(out, Type::OpenFileEnd, 0); }
void encode(std::vector<uint8_t> &out, const SetFullscreen &m) { Writer(out, Type::SetFullscreen, m.window).u32(m.fullscreen); }
void encode(std::vector<uint8_t> &out, const DemandsAttention &m) { Writer(out, Type::DemandsAttention, m.window); }
void encode(std::vector<uint8_t> &out, const Welcome &m)
{
	Writer(out, Type::Welcome, 0).u16(m.major).u16(m.minor).u64(m.region_size).i32(m.output_width).i32(m.output_height).u32(m.scale);
}
void encode(std::vector<uint8_t> &out, const BufferRelease &m) { Writer(out, Type::BufferRelease, m.window).u64(m.offset); }
void encode(std::vector<uint8_t> &out, const FrameDone &m) { Writer(out, Type::FrameDone, m.window).u32(m.time_msec); }
void encode(std::vector<uint8_t> &out, const Configure &m)
{
	Writer(out, Type::Configure, m.window).i32(m.width).i32(m.height).u32(m.flags).u32(m.serial);
}
void encode(std::vector<uint8_t> &out, const Close &m) { Writer(out, Type::Close, m.window); }
void encode(std::vector<uint8_t> &out, const Keymap &m) { Writer(out, Type::Keymap, 0).bytes(m.text); }
void encode(std::vector<uint8_t> &out, const KeyboardEnter &m) { Writer(out, Type::KeyboardEnter, m.window); }
void encode(std::vector<uint8_t> &out, const KeyboardLeave &m) { Writer(out, Type::KeyboardLeave, m.window); }
void encode(std::vector<uint8_t> &out, const Key &m) { Writer(out, Type::Key, 0).u32(m.time_msec).u32(m.key).u32(m.state); }
void encode(std::vector<uint8_t> &out, const Modifiers &m)
{
	Writer(out, Type::Modifiers, 0).u32(m.depressed).u32(m.latched).u32(m.locked).u32(m.group);
}
void encode(std::vector<uint8_t> &out, const PointerEnter &m) { Writer(out, Type::PointerEnter, m.window).i32(m.x).i32(m.y); }
void encode(std::vector<uint8_t> &out, const PointerLeave &m) { Writer(out, Type::PointerLeave, m.window); }
void encode(std::vector<uint8_t> &out, const PointerMotion &m) { Writer(out, Type::PointerMotion, 0).u32(m.time_msec).i32(m.x).i32(m.y); }
void encode(std::vector<uint8_t> &out, const PointerButton &m)
{
	Writer(out, Type::PointerButton, 0).u32(m.time_msec).u32(m.button).u32(m.state);
}
void encode(std::vector<uint8_t> &out, const PointerAxis &m)
{
	Writer(out, Type::PointerAxis, 0).u32(m.time_msec).u32(m.axis).i32(m.value).i32(m.discrete);
}
void encode(std::vector<uint8_t> &out, const ClipboardRequest &m) { Writer(out, Type::ClipboardRequest, 0).u32(m.serial); }
void encode(std::vector<uint8_t> &out, const ClipboardSet &m) { Writer(out, Type::ClipboardSet, 0).bytes(m.data); }
void encode(std::vector<uint8_t> &out, const Ping &m) { Writer(out, Type::Ping, 0).u32(m.serial); }
void encode(std::vector<uint8_t> &out, const Output &m) { Writer(out, Type::Output, 0).i32(m.width).i32(m.height).u32(m.scale); }

void encode(std::vector<uint8_t> &out, const AppExited &m) { Writer(out, Type::AppExited, 0).u32(m.request).i32(m.status); }
void encode(std::vector<uint8_t> &out, const ReturnFileBegin &m) { Writer(out, Type::ReturnFileBegin, 0).u32(m.request).u64(m.size); }
void encode(std::vector<uint8_t> &out, const Launch &m) { Writer(out, Type::Launch, 0).u32(m.request).bytes(m.command); }
void encode(std::vector<uint8_t> &out, const FileBegin &m)
{
	Writer(out, Type::FileBegin, 0).u32(m.request).u32(m.flags).u64(m.size).bytes(m.name);
}
void encode(std::vector<uint8_t> &out, const FileChunk &m) { Writer(out, Type::FileChunk, 0).bytes(m.data); }
void encode(std::vector<uint8_t> &out, const FileEnd &) { Writer(out, Type::FileEnd, 0); }
void encode(std::vector<uint8_t> &out, const OpenResult &m)
{
	Writer(out, Type::OpenResult, 0).u32(m.request).u32(m.status).bytes(m.text);
}

void encode_raw(std::vector<uint8_t> &out, uint16_t type, uint32_t window, const std::vector<uint8_t> &payload,
	uint16_t flags)
{
	Writer(out, static_cast<Type>(type), window, flags).bytes(payload.data(), payload.size());
}

} // namespace bulkhead::wire
