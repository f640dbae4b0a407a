#include "wire/codec.hpp"

#include "desktop/text.hpp"

#include <algorithm>
#include <cstring>

namespace bulkhead::wire {
namespace {

// Little-endian writers and a bounds-checked reader.
class Writer {
public:
	Writer(std::vector<uint8_t> &out, Type type, uint32_t window) : out_(out), start_(out.size())
	{
		u16(static_cast<uint16_t>(type));
		u16(0); // flags, reserved
		u32(window);
		u32(0); // length, patched in the destructor
	}
	~Writer()
	{
		const auto length = static_cast<uint32_t>(out_.size() - start_ - header_size);
		for (int i = 0; i < 4; ++i)
			out_[start_ + 8 + i] = static_cast<uint8_t>(length >> (8 * i));
	}
	Writer &u16(uint16_t v) { return put(v, 2); }
	Writer &u32(uint32_t v) { return put(v, 4); }
	Writer &i32(int32_t v) { return put(static_cast<uint32_t>(v), 4); }
	Writer &u64(uint64_t v) { return put(v, 8); }
	Writer &bytes(const std::string &s)
	{
		out_.insert(out_.end(), s.begin(), s.end());
		return *this;
	}

private:
	Writer &put(uint64_t v, int n)
	{
		for (int i = 0; i < n; ++i)
			out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
		return *this;
	}
	std::vector<uint8_t> &out_;
	std::size_t start_;
};

class Reader {
public:
	explicit Reader(const std::vector<uint8_t> &data) : data_(data) {}
	bool has(std::size_t n) const { return data_.size() - pos_ >= n; }
	std::size_t remaining() const { return data_.size() - pos_; }
	uint16_t u16() { return static_cast<uint16_t>(get(2)); }
	uint32_t u32() { return static_cast<uint32_t>(get(4)); }
	int32_t i32() { return static_cast<int32_t>(get(4)); }
	uint64_t u64() { return get(8); }
	std::string rest()
	{
		std::string s(data_.begin() + static_cast<std::ptrdiff_t>(pos_), data_.end());
		pos_ = data_.size();
		return s;
	}

private:
	uint64_t get(int n)
	{
		uint64_t v = 0;
		for (int i = 0; i < n; ++i)
			v |= static_cast<uint64_t>(data_[pos_ + i]) << (8 * i);
		pos_ += n;
		return v;
	}
	const std::vector<uint8_t> &data_;
	std::size_t pos_ = 0;
};

WireError error(Rule rule, std::string reason)
{
	return {rule, std::move(reason)};
}

std::string win(uint32_t id)
{
	return "window " + std::to_string(id);
}

// Payload sizes of the fixed part of each message.
std::optional<std::size_t> fixed_size(Type t)
{
	switch (t) {
	case Type::Hello: return 4;
	case Type::CreateWindow: return 12;
	case Type::DestroyWindow: case Type::Map: case Type::Unmap: case Type::OpenFileEnd: return 0;
	case Type::SetTitle: case Type::SetAppId: case Type::OpenFileChunk: return 0;
	case Type::SizeHints: return 16;
	case Type::Attach: return 28;
	case Type::SetCursor: case Type::Pong: case Type::AckConfigure: return 4;
	case Type::ClipboardData: return 4;
	case Type::OpenFileBegin: return 8;
	case Type::Welcome: return 24;
	case Type::BufferRelease: return 8;
	case Type::FrameDone: return 4;
	case Type::Configure: return 16;
	case Type::Close: case Type::KeyboardEnter: case Type::KeyboardLeave: case Type::PointerLeave: return 0;
	case Type::Keymap: case Type::ClipboardSet: return 0;
	case Type::Key: return 12;
	case Type::Modifiers: return 16;
	case Type::PointerEnter: return 8;
	case Type::PointerMotion: return 12;
	case Type::PointerButton: return 12;
	case Type::PointerAxis: return 16;
	case Type::ClipboardRequest: case Type::Ping: return 4;
	case Type::Output: return 12;
	}
	return std::nullopt;
}

bool variable_length(Type t)
{
	switch (t) {
	case Type::SetTitle: case Type::SetAppId: case Type::OpenFileChunk: case Type::ClipboardData:
	case Type::OpenFileBegin: case Type::Attach: case Type::Keymap: case Type::ClipboardSet:
		return true;
	default:
		return false;
	}
}

bool from_guest(uint16_t type)
{
	return type >= 1 && type < 64;
}

// A file name the guest may use for a file it is sent: no path, no hidden
// files, nothing a shell or a file manager could misread.
std::optional<std::string> clean_file_name(const std::string &untrusted_name, uint32_t max_bytes)
{
	if (untrusted_name.empty() || untrusted_name.size() > max_bytes)
		return std::nullopt;
	std::string name = sanitize_title(untrusted_name, max_bytes);
	for (char &c : name)
		if (c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>' || c == '|')
			c = '_';
	while (!name.empty() && (name.front() == '.' || name.front() == '-' || name.front() == ' '))
		name.erase(name.begin());
	if (name.empty())
		return std::nullopt;
	return name;
}

} // namespace

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
	}
	return "unknown-rule";
}

void Decoder::feed(const uint8_t *data, std::size_t size)
{
	if (failed_)
		return;
	// Drop consumed bytes before growing, so the buffer stays near one message.
	if (start_ > 0 && start_ == buffer_.size()) {
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
	if (failed_)
		return Result<UntrustedMessage>(error(Rule::BadHeader, "the stream already failed"));
	if (buffered() < header_size)
		return std::nullopt;
	const uint8_t *h = buffer_.data() + start_;
	const uint16_t untrusted_type = static_cast<uint16_t>(h[0] | h[1] << 8);
	const uint16_t untrusted_flags = static_cast<uint16_t>(h[2] | h[3] << 8);
	uint32_t untrusted_window = 0, untrusted_length = 0;
	for (int i = 0; i < 4; ++i) {
		untrusted_window |= static_cast<uint32_t>(h[4 + i]) << (8 * i);
		untrusted_length |= static_cast<uint32_t>(h[8 + i]) << (8 * i);
	}
	if (untrusted_flags != 0) {
		failed_ = true;
		return Result<UntrustedMessage>(error(Rule::BadHeader, "reserved header flags are " + std::to_string(untrusted_flags) + ", not 0"));
	}
	if (untrusted_length > max_payload_) {
		failed_ = true;
		return Result<UntrustedMessage>(error(Rule::MessageTooLarge, std::string(type_name(untrusted_type)) +
			" claims " + std::to_string(untrusted_length) + " payload bytes; the limit is " +
			std::to_string(max_payload_)));
	}
	if (buffered() < header_size + untrusted_length)
		return std::nullopt;
	UntrustedMessage m;
	m.type_ = untrusted_type;
	m.window_ = untrusted_window;
	m.payload_.assign(h + header_size, h + header_size + untrusted_length);
	start_ += header_size + untrusted_length;
	return Result<UntrustedMessage>(std::move(m));
}

std::vector<uint32_t> GuestSession::descendants(uint32_t id) const
{
	std::vector<uint32_t> out;
	for (const auto &[child, record] : windows_)
		if (record.parent == id) {
			out.push_back(child);
			for (uint32_t d : descendants(child))
				out.push_back(d);
		}
	return out;
}

void GuestSession::forget(uint32_t id)
{
	for (uint32_t d : descendants(id))
		windows_.erase(d);
	windows_.erase(id);
}

Result<GuestMessage> GuestSession::accept(const UntrustedMessage &untrusted)
{
	Result<GuestMessage> r = check(untrusted);
	if (!r)
		return r;
	// Only a checked message changes the session.
	if (const auto *c = std::get_if<CreateWindow>(&r.value()))
		windows_[c->window] = {c->parent, c->parent ? windows_[c->parent].depth + 1 : 0};
	else if (const auto *d = std::get_if<DestroyWindow>(&r.value()))
		forget(d->window);
	else if (std::holds_alternative<Hello>(r.value()))
		handshake_done_ = true;
	else if (const auto *cd = std::get_if<ClipboardData>(&r.value()))
		clipboard_serials_.erase(cd->serial);
	else if (const auto *b = std::get_if<OpenFileBegin>(&r.value())) {
		file_open_ = true;
		file_expected_ = b->size;
		file_received_ = 0;
	} else if (const auto *ch = std::get_if<OpenFileChunk>(&r.value()))
		file_received_ += ch->data.size();
	else if (std::holds_alternative<OpenFileEnd>(r.value()))
		file_open_ = false;
	return r;
}

Result<GuestMessage> GuestSession::check(const UntrustedMessage &m)
{
	const uint16_t untrusted_type = m.type_;
	const char *name = type_name(untrusted_type);
	if (!from_guest(untrusted_type)) {
		if (fixed_size(static_cast<Type>(untrusted_type)))
			return error(Rule::WrongDirection, std::string(name) + " is a host-to-guest message");
		return error(Rule::UnknownType, "message type " + std::to_string(untrusted_type) + " is unknown");
	}
	const auto fixed = fixed_size(static_cast<Type>(untrusted_type));
	if (!fixed)
		return error(Rule::UnknownType, "message type " + std::to_string(untrusted_type) + " is unknown");
	const Type type = static_cast<Type>(untrusted_type);
	const std::size_t length = m.payload_.size();
	if (length < *fixed || (!variable_length(type) && length != *fixed))
		return error(Rule::BadLength, std::string(name) + " has " + std::to_string(length) +
			" payload bytes; it needs " + (variable_length(type) ? "at least " : "") + std::to_string(*fixed));

	if (type != Type::Hello && !handshake_done_)
		return error(Rule::BeforeHandshake, std::string(name) + " before hello");

	Reader r(m.payload_);
	const uint32_t untrusted_window = m.window_;
	// Messages about an existing window.
	auto existing = [&]() -> std::optional<WireError> {
		if (!windows_.count(untrusted_window))
			return error(Rule::NoSuchWindow, std::string(name) + " for " + win(untrusted_window) +
				", which does not exist");
		return std::nullopt;
	};

	switch (type) {
	case Type::Hello: {
		if (handshake_done_)
			return error(Rule::DuplicateHandshake, "a second hello");
		Hello h;
		h.major = r.u16();
		h.minor = r.u16();
		if (h.major != version_major)
			return error(Rule::VersionMismatch, "guest speaks version " + std::to_string(h.major) + "." +
				std::to_string(h.minor) + "; this host speaks " + std::to_string(version_major) + ".x");
		minor_ = std::min(h.minor, version_minor);
		h.minor = minor_;
		return GuestMessage(h);
	}
	case Type::CreateWindow: {
		CreateWindow c;
		c.window = untrusted_window;
		c.parent = r.u32();
		c.x = r.i32();
		c.y = r.i32();
		if (c.window == 0)
			return error(Rule::BadWindowId, "create-window with window id 0");
		if (windows_.count(c.window))
			return error(Rule::WindowExists, "create-window for " + win(c.window) + ", which exists");
		if (windows_.size() >= limits_.max_windows)
			return error(Rule::TooManyWindows, "create-window beyond the limit of " +
				std::to_string(limits_.max_windows) + " windows");
		if (c.parent) {
			auto parent = windows_.find(c.parent);
			if (parent == windows_.end())
				return error(Rule::BadParent, "create-window " + win(c.window) + " with parent " +
					std::to_string(c.parent) + ", which does not exist");
			if (parent->second.depth + 1 > limits_.max_popup_depth)
				return error(Rule::PopupTooDeep, "popup " + win(c.window) + " nests deeper than " +
					std::to_string(limits_.max_popup_depth));
			if (c.x > limits_.max_popup_offset || c.x < -limits_.max_popup_offset ||
				c.y > limits_.max_popup_offset || c.y < -limits_.max_popup_offset)
				return error(Rule::PopupOffset, "popup " + win(c.window) + " at " + std::to_string(c.x) + "," +
					std::to_string(c.y) + " from its parent");
		} else if (c.x != 0 || c.y != 0) {
			return error(Rule::PopupOffset, "toplevel " + win(c.window) + " with a position; the host places toplevels");
		}
		return GuestMessage(c);
	}
	case Type::DestroyWindow:
		if (auto e = existing())
			return *e;
		return GuestMessage(DestroyWindow{untrusted_window});
	case Type::Map:
		if (auto e = existing())
			return *e;
		return GuestMessage(Map{untrusted_window});
	case Type::Unmap:
		if (auto e = existing())
			return *e;
		return GuestMessage(Unmap{untrusted_window});
	case Type::SetTitle:
	case Type::SetAppId: {
		if (auto e = existing())
			return *e;
		const uint32_t max = type == Type::SetTitle ? limits_.max_title_bytes : limits_.max_app_id_bytes;
		if (length > max)
			return error(Rule::StringTooLong, std::string(name) + " for " + win(untrusted_window) + ": " +
				std::to_string(length) + " bytes; the limit is " + std::to_string(max));
		const std::string untrusted_text = r.rest();
		std::string clean = sanitize_title(untrusted_text, max);
		if (type == Type::SetTitle)
			return GuestMessage(SetTitle{untrusted_window, std::move(clean)});
		return GuestMessage(SetAppId{untrusted_window, std::move(clean)});
	}
	case Type::SizeHints: {
		if (auto e = existing())
			return *e;
		SizeHints h{untrusted_window, r.u32(), r.u32(), r.u32(), r.u32()};
		if (h.min_width > limits_.max_window_width || h.max_width > limits_.max_window_width ||
			h.min_height > limits_.max_window_height || h.max_height > limits_.max_window_height ||
			(h.max_width && h.min_width > h.max_width) || (h.max_height && h.min_height > h.max_height))
			return error(Rule::BadSize, "size-hints for " + win(untrusted_window) + ": min " +
				std::to_string(h.min_width) + "x" + std::to_string(h.min_height) + ", max " +
				std::to_string(h.max_width) + "x" + std::to_string(h.max_height));
		return GuestMessage(h);
	}
	case Type::Attach: {
		if (auto e = existing())
			return *e;
		Attach a;
		a.window = untrusted_window;
		a.offset = r.u64();
		a.width = r.u32();
		a.height = r.u32();
		a.stride = r.u32();
		a.format = r.u32();
		const uint32_t untrusted_count = r.u32();
		const std::string what = "attach " + win(untrusted_window) + ": ";
		if (untrusted_count > limits_.max_damage_rects)
			return error(Rule::TooManyRects, what + std::to_string(untrusted_count) +
				" damage rectangles; the limit is " + std::to_string(limits_.max_damage_rects));
		if (r.remaining() != static_cast<std::size_t>(untrusted_count) * 16)
			return error(Rule::BadLength, what + std::to_string(untrusted_count) + " damage rectangles need " +
				std::to_string(untrusted_count * 16) + " bytes, not " + std::to_string(r.remaining()));
		if (a.width == 0 || a.height == 0 || a.width > limits_.max_window_width ||
			a.height > limits_.max_window_height)
			return error(Rule::BadSize, what + std::to_string(a.width) + "x" + std::to_string(a.height) +
				" is outside 1x1.." + std::to_string(limits_.max_window_width) + "x" +
				std::to_string(limits_.max_window_height));
		if (a.format != format_argb8888 && a.format != format_xrgb8888)
			return error(Rule::BadFormat, what + "pixel format " + std::to_string(a.format) +
				" is not ARGB8888 or XRGB8888");
		const uint64_t row = static_cast<uint64_t>(a.width) * 4;
		if (a.stride < row || a.stride % 4 != 0 || a.stride > row + 4096)
			return error(Rule::BadStride, what + "stride " + std::to_string(a.stride) + " for width " +
				std::to_string(a.width));
		if (a.offset % 4 != 0)
			return error(Rule::Misaligned, what + "offset " + std::to_string(a.offset) + " is not 4-byte aligned");
		// Overflow-safe: each term is checked against the region before adding.
		const uint64_t bytes = static_cast<uint64_t>(a.stride) * a.height; // < 2^45
		if (a.offset > region_size_ || bytes > region_size_ - a.offset)
			return error(Rule::BufferOutsideRegion, what + "offset " + std::to_string(a.offset) + " + " +
				std::to_string(a.stride) + " x " + std::to_string(a.height) + " bytes passes the region's end at " +
				std::to_string(region_size_));
		for (uint32_t i = 0; i < untrusted_count; ++i) {
			Rect d{r.i32(), r.i32(), r.i32(), r.i32()};
			const int64_t x2 = static_cast<int64_t>(d.x) + d.width, y2 = static_cast<int64_t>(d.y) + d.height;
			if (d.x < 0 || d.y < 0 || d.width <= 0 || d.height <= 0 || x2 > a.width || y2 > a.height)
				return error(Rule::RectOutsideBuffer, what + "damage " + std::to_string(d.x) + "," +
					std::to_string(d.y) + " " + std::to_string(d.width) + "x" + std::to_string(d.height) +
					" is not inside the " + std::to_string(a.width) + "x" + std::to_string(a.height) + " buffer");
			a.damage.push_back(d);
		}
		return GuestMessage(std::move(a));
	}
	case Type::SetCursor: {
		if (auto e = existing())
			return *e;
		const uint32_t shape = r.u32();
		if (shape >= cursor_count)
			return error(Rule::UnknownCursor, "set-cursor " + std::to_string(shape) + " is not in the cursor list");
		return GuestMessage(SetCursor{untrusted_window, shape});
	}
	case Type::ClipboardData: {
		const uint32_t serial = r.u32();
		if (!clipboard_serials_.count(serial))
			return error(Rule::Unrequested, "clipboard-data with serial " + std::to_string(serial) +
				", which the host never asked for");
		if (r.remaining() > limits_.max_clipboard_bytes)
			return error(Rule::StringTooLong, "clipboard-data of " + std::to_string(r.remaining()) +
				" bytes; the limit is " + std::to_string(limits_.max_clipboard_bytes));
		return GuestMessage(ClipboardData{serial, r.rest()});
	}
	case Type::Pong:
		return GuestMessage(Pong{r.u32()});
	case Type::AckConfigure: {
		if (auto e = existing())
			return *e;
		return GuestMessage(AckConfigure{untrusted_window, r.u32()});
	}
	case Type::OpenFileBegin: {
		if (file_open_)
			return error(Rule::Unrequested, "open-file-begin while a file is open");
		const uint64_t size = r.u64();
		if (size > limits_.max_file_bytes)
			return error(Rule::FileTooLarge, "open-file-begin of " + std::to_string(size) + " bytes; the limit is " +
				std::to_string(limits_.max_file_bytes));
		auto clean = clean_file_name(r.rest(), limits_.max_file_name_bytes);
		if (!clean)
			return error(Rule::BadFileName, "open-file-begin with an empty, too long or unusable file name");
		return GuestMessage(OpenFileBegin{size, *clean});
	}
	case Type::OpenFileChunk: {
		if (!file_open_)
			return error(Rule::Unrequested, "open-file-chunk without open-file-begin");
		if (file_received_ + length > file_expected_)
			return error(Rule::FileTooLarge, "open-file-chunk beyond the announced " +
				std::to_string(file_expected_) + " bytes");
		return GuestMessage(OpenFileChunk{r.rest()});
	}
	case Type::OpenFileEnd:
		if (!file_open_ || file_received_ != file_expected_)
			return error(Rule::Unrequested, "open-file-end without a whole file");
		return GuestMessage(OpenFileEnd{});
	default:
		break;
	}
	return error(Rule::UnknownType, "message type " + std::to_string(untrusted_type) + " is unknown");
}

Result<HostMessage> parse_host_message(const UntrustedMessage &m, const Limits &limits)
{
	const uint16_t t = m.type_;
	const auto fixed = fixed_size(static_cast<Type>(t));
	if (from_guest(t) || !fixed)
		return error(Rule::UnknownType, "host message type " + std::to_string(t) + " is unknown here");
	const Type type = static_cast<Type>(t);
	const std::size_t length = m.payload_.size();
	if (length < *fixed || (!variable_length(type) && length != *fixed))
		return error(Rule::BadLength, std::string(type_name(t)) + " has " + std::to_string(length) + " payload bytes");
	Reader r(m.payload_);
	const uint32_t w = m.window_;
	switch (type) {
	case Type::Welcome: {
		Welcome x;
		x.major = r.u16();
		x.minor = r.u16();
		x.region_size = r.u64();
		x.output_width = r.i32();
		x.output_height = r.i32();
		x.scale = r.u32();
		if (x.major != version_major)
			return error(Rule::VersionMismatch, "host speaks version " + std::to_string(x.major));
		return HostMessage(x);
	}
	case Type::BufferRelease: return HostMessage(BufferRelease{w, r.u64()});
	case Type::FrameDone: return HostMessage(FrameDone{w, r.u32()});
	case Type::Configure: {
		Configure c{w, r.i32(), r.i32(), r.u32(), r.u32()};
		if (c.width < 0 || c.height < 0 || static_cast<uint32_t>(c.width) > limits.max_window_width ||
			static_cast<uint32_t>(c.height) > limits.max_window_height)
			return error(Rule::BadSize, "configure to " + std::to_string(c.width) + "x" + std::to_string(c.height));
		return HostMessage(c);
	}
	case Type::Close: return HostMessage(Close{w});
	case Type::Keymap:
		if (length > limits.max_keymap_bytes)
			return error(Rule::StringTooLong, "keymap of " + std::to_string(length) + " bytes");
		return HostMessage(Keymap{r.rest()});
	case Type::KeyboardEnter: return HostMessage(KeyboardEnter{w});
	case Type::KeyboardLeave: return HostMessage(KeyboardLeave{w});
	case Type::Key: return HostMessage(Key{r.u32(), r.u32(), r.u32()});
	case Type::Modifiers: return HostMessage(Modifiers{r.u32(), r.u32(), r.u32(), r.u32()});
	case Type::PointerEnter: return HostMessage(PointerEnter{w, r.i32(), r.i32()});
	case Type::PointerLeave: return HostMessage(PointerLeave{w});
	case Type::PointerMotion: return HostMessage(PointerMotion{r.u32(), r.i32(), r.i32()});
	case Type::PointerButton: return HostMessage(PointerButton{r.u32(), r.u32(), r.u32()});
	case Type::PointerAxis: return HostMessage(PointerAxis{r.u32(), r.u32(), r.i32(), r.i32()});
	case Type::ClipboardRequest: return HostMessage(ClipboardRequest{r.u32()});
	case Type::ClipboardSet:
		if (length > limits.max_clipboard_bytes)
			return error(Rule::StringTooLong, "clipboard-set of " + std::to_string(length) + " bytes");
		return HostMessage(ClipboardSet{r.rest()});
	case Type::Ping: return HostMessage(Ping{r.u32()});
	case Type::Output: return HostMessage(Output{r.i32(), r.i32(), r.u32()});
	default: break;
	}
	return error(Rule::UnknownType, "host message type " + std::to_string(t) + " is unknown here");
}

void encode(std::vector<uint8_t> &out, const Hello &m) { Writer(out, Type::Hello, 0).u16(m.major).u16(m.minor); }
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

void encode_raw(std::vector<uint8_t> &out, uint16_t type, uint32_t window, const std::vector<uint8_t> &payload,
	uint16_t flags)
{
	for (uint64_t v : {static_cast<uint64_t>(type), static_cast<uint64_t>(flags)})
		for (int i = 0; i < 2; ++i)
			out.push_back(static_cast<uint8_t>(v >> (8 * i)));
	for (uint64_t v : {static_cast<uint64_t>(window), static_cast<uint64_t>(payload.size())})
		for (int i = 0; i < 4; ++i)
			out.push_back(static_cast<uint8_t>(v >> (8 * i)));
	out.insert(out.end(), payload.begin(), payload.end());
}

} // namespace bulkhead::wire
