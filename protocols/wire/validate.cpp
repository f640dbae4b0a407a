// The one place where wire input is checked (protocols/gui-wire.md, "Rules").
//
// Every function here reads an UntrustedMessage's private fields into
// untrusted_ values, checks them against the limits and the session's state,
// and returns either a checked copy or a WireError naming the rule. Nothing
// else in the project reads an UntrustedMessage.
#include "wire/codec.hpp"
#include "wire/layout.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace bulkhead::wire {

using detail::Reader;

namespace {

WireError error(Rule rule, std::string reason)
{
	return {rule, std::move(reason)};
}

std::string win(uint32_t id)
{
	return "window " + std::to_string(id);
}

std::string hex(uint64_t v)
{
	char buf[24];
	std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
	return buf;
}

std::string named(uint16_t type)
{
	return std::string(type_name(type)) + " (type " + std::to_string(type) + ")";
}

// ---- UTF-8 ---------------------------------------------------------------

constexpr char32_t replacement_character = 0xfffd;

// Decodes the code point at s[i] and advances i past it. A byte that does not
// start a valid, shortest-form sequence of a scalar value yields U+FFFD and
// advances one byte, so the next byte is looked at afresh.
char32_t next_code_point(std::string_view s, std::size_t &i)
{
	const auto lead = static_cast<unsigned char>(s[i]);
	if (lead < 0x80) {
		++i;
		return lead;
	}
	std::size_t trailing;
	char32_t cp, smallest;
	if ((lead & 0xe0) == 0xc0) {
		trailing = 1, cp = lead & 0x1f, smallest = 0x80;
	} else if ((lead & 0xf0) == 0xe0) {
		trailing = 2, cp = lead & 0x0f, smallest = 0x800;
	} else if ((lead & 0xf8) == 0xf0) {
		trailing = 3, cp = lead & 0x07, smallest = 0x10000;
	} else { // a continuation byte, or 0xf8..0xff
		++i;
		return replacement_character;
	}
	if (s.size() - i - 1 < trailing) { // truncated at the end
		++i;
		return replacement_character;
	}
	for (std::size_t k = 1; k <= trailing; ++k) {
		const auto b = static_cast<unsigned char>(s[i + k]);
		if ((b & 0xc0) != 0x80) {
			++i;
			return replacement_character;
		}
		cp = (cp << 6) | (b & 0x3f);
	}
	if (cp < smallest /* overlong */ || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) /* surrogate */) {
		++i;
		return replacement_character;
	}
	i += trailing + 1;
	return cp;
}

std::size_t utf8_length(char32_t cp)
{
	return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

void append_utf8(std::string &out, char32_t cp)
{
	switch (utf8_length(cp)) {
	case 1:
		out += static_cast<char>(cp);
		break;
	case 2:
		out += static_cast<char>(0xc0 | (cp >> 6));
		out += static_cast<char>(0x80 | (cp & 0x3f));
		break;
	case 3:
		out += static_cast<char>(0xe0 | (cp >> 12));
		out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
		out += static_cast<char>(0x80 | (cp & 0x3f));
		break;
	default:
		out += static_cast<char>(0xf0 | (cp >> 18));
		out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
		out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
		out += static_cast<char>(0x80 | (cp & 0x3f));
	}
}

// C0, DEL, C1, line and paragraph separators: shown as one space.
bool is_control(char32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 || cp == 0x2029;
}

// Characters that reorder or hide text: removed.
bool is_hidden_formatting(char32_t cp)
{
	return (cp >= 0x200b && cp <= 0x200f) || // zero-width space, joiners, LRM, RLM
		(cp >= 0x202a && cp <= 0x202e) ||    // embeddings and overrides
		(cp >= 0x2060 && cp <= 0x2064) ||    // word joiner, invisible operators
		(cp >= 0x2066 && cp <= 0x2069) ||    // isolates
		cp == 0x061c || cp == 0x180e || cp == 0xfeff;
}

// ---- guest checks ----------------------------------------------------------

// Same-major peers agree on the layout of every type; the length must fit it.
std::optional<WireError> check_length(uint16_t type, std::size_t length)
{
	const std::size_t fixed = *detail::fixed_size(type);
	if (length < fixed || (!detail::variable_length(type) && length != fixed))
		return error(Rule::BadLength, named(type) + " has " + std::to_string(length) + " payload bytes; it needs " +
			(detail::variable_length(type) ? "at least " : "") + std::to_string(fixed));
	return std::nullopt;
}

std::optional<WireError> check_output(const char *what, int32_t width, int32_t height, uint32_t scale,
	const Limits &limits)
{
	if (width < 0 || height < 0 || static_cast<uint32_t>(width) > limits.max_output_dimension ||
		static_cast<uint32_t>(height) > limits.max_output_dimension)
		return error(Rule::BadSize, std::string(what) + ": output " + std::to_string(width) + "x" +
			std::to_string(height) + " is outside 0x0.." + std::to_string(limits.max_output_dimension) + "x" +
			std::to_string(limits.max_output_dimension));
	if (scale < 1 || scale > limits.max_output_scale)
		return error(Rule::BadValue, std::string(what) + ": output scale " + std::to_string(scale) +
			" is outside 1.." + std::to_string(limits.max_output_scale));
	return std::nullopt;
}

std::optional<WireError> check_state(const char *what, uint32_t state)
{
	if (state != state_released && state != state_pressed)
		return error(Rule::BadValue, std::string(what) + ": state " + std::to_string(state) +
			" is neither released (0) nor pressed (1)");
	return std::nullopt;
}

} // namespace

bool span_inside_region(uint64_t offset, uint64_t stride, uint64_t height, uint64_t region_size)
{
	if (offset > region_size)
		return false;
	if (stride != 0 && height > UINT64_MAX / stride) // stride x height does not fit 64 bits
		return false;
	return stride * height <= region_size - offset;
}

std::string clean_text(std::string_view untrusted, std::size_t max_bytes)
{
	std::string out;
	out.reserve(std::min(untrusted.size(), max_bytes));
	for (std::size_t i = 0; i < untrusted.size();) {
		char32_t cp = next_code_point(untrusted, i);
		if (is_hidden_formatting(cp))
			continue;
		if (is_control(cp))
			cp = ' ';
		if (cp == ' ' && (out.empty() || out.back() == ' '))
			continue; // collapse runs, trim the start
		if (out.size() + utf8_length(cp) > max_bytes)
			break;
		append_utf8(out, cp);
	}
	while (!out.empty() && out.back() == ' ')
		out.pop_back();
	return out;
}

std::optional<std::string> clean_file_name(std::string_view untrusted, std::size_t max_bytes)
{
	if (untrusted.empty() || untrusted.size() > max_bytes)
		return std::nullopt;
	std::string name = clean_text(untrusted, max_bytes);
	for (char &c : name)
		if (c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>' ||
			c == '|' || c == '$' || c == '`')
			c = '_';
	const auto first = name.find_first_not_of(".- ");
	if (first == std::string::npos)
		return std::nullopt;
	return name.substr(first);
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
		windows_[c->window] = {c->parent, c->parent ? windows_.at(c->parent).depth + 1 : 0};
	else if (const auto *d = std::get_if<DestroyWindow>(&r.value()))
		forget(d->window);
	else if (const auto *h = std::get_if<Hello>(&r.value())) {
		handshake_done_ = true;
		minor_ = h->minor;
	} else if (const auto *cd = std::get_if<ClipboardData>(&r.value()))
		clipboard_serials_.erase(cd->serial);
	else if (const auto *b = std::get_if<OpenFileBegin>(&r.value())) {
		file_open_ = true;
		file_expected_ = b->size;
		file_received_ = 0;
		file_return_request_ = 0;
	} else if (const auto *rb = std::get_if<ReturnFileBegin>(&r.value())) {
		returns_.erase(rb->request);
		file_open_ = true;
		file_expected_ = rb->size;
		file_received_ = 0;
		file_return_request_ = rb->request;
	} else if (const auto *ch = std::get_if<OpenFileChunk>(&r.value()))
		file_received_ += ch->data.size();
	else if (std::holds_alternative<OpenFileEnd>(r.value())) {
		file_open_ = false;
		file_return_request_ = 0;
	} else if (const auto *x = std::get_if<AppExited>(&r.value()))
		apps_.erase(x->request);
	return r;
}

void GuestSession::expect_app(uint32_t request, bool may_return)
{
	apps_.insert(request);
	if (may_return)
		returns_.insert(request);
}

Result<GuestMessage> GuestSession::check(const UntrustedMessage &m)
{
	const uint16_t untrusted_type = m.type_;
	const uint32_t untrusted_window = m.window_;
	const std::size_t length = m.payload_.size();
	const std::string name = named(untrusted_type);

	// 1. The type: known, and sent in this direction.
	if (!detail::fixed_size(untrusted_type))
		return error(Rule::UnknownType, "message type " + std::to_string(untrusted_type) + " is unknown");
	if (!detail::guest_range(untrusted_type))
		return error(Rule::WrongDirection, name + " is a host-to-guest message");
	const Type type = static_cast<Type>(untrusted_type);

	// 2. The version, before the length: the first four bytes of hello are the
	//    same in every version, so another major is named as such.
	if (type == Type::Hello && !handshake_done_ && length >= 4) {
		Reader v(m.payload_);
		const uint16_t untrusted_major = v.u16(), untrusted_minor = v.u16();
		if (untrusted_major != version_major)
			return error(Rule::VersionMismatch, "the guest speaks version " + std::to_string(untrusted_major) +
				"." + std::to_string(untrusted_minor) + "; this host speaks " + std::to_string(version_major) +
				".x");
	}

	// 3. The length against the type's layout; then the handshake.
	if (auto e = check_length(untrusted_type, length))
		return *e;
	if (type != Type::Hello && !handshake_done_)
		return error(Rule::BeforeHandshake, name + " before hello");

	// 4. The window id: 0 when the message is not about a window; otherwise a
	//    live window (or, for create-window, a new non-zero id).
	if (!detail::about_window(untrusted_type)) {
		if (untrusted_window != 0)
			return error(Rule::BadWindowId, name + " carries " + win(untrusted_window) + "; it must carry 0");
	} else if (type != Type::CreateWindow && !windows_.count(untrusted_window)) {
		return error(Rule::NoSuchWindow, name + " for " + win(untrusted_window) + ", which does not exist");
	}

	// 5. The payload; the types new in 1.1 only from a guest that negotiated it.
	if (untrusted_type >= static_cast<uint16_t>(Type::SetFullscreen) && minor_ < 1)
		return error(Rule::UnknownType, name + " from a guest that negotiated version 1." + std::to_string(minor_) +
			"; it is new in 1.1");
	Reader r(m.payload_);
	switch (type) {
	case Type::Hello: {
		if (handshake_done_)
			return error(Rule::DuplicateHandshake, "a second hello");
		Hello h;
		h.major = r.u16();
		const uint16_t untrusted_minor = r.u16();
		const uint64_t untrusted_region = r.u64();
		if (untrusted_region != 0 && untrusted_region != region_size_)
			return error(Rule::RegionMismatch, "hello: the guest sees a shared region of " +
				std::to_string(untrusted_region) + " bytes; the host's is " + std::to_string(region_size_));
		h.minor = std::min(untrusted_minor, version_minor); // negotiated down
		h.region_size = untrusted_region;
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
			return error(Rule::TooManyWindows, "create-window " + win(c.window) + " beyond the limit of " +
				std::to_string(limits_.max_windows) + " windows");
		if (c.parent) {
			const auto parent = windows_.find(c.parent);
			if (parent == windows_.end())
				return error(Rule::BadParent, "create-window " + win(c.window) + " with parent " +
					std::to_string(c.parent) + ", which does not exist");
			if (parent->second.depth + 1 > limits_.max_popup_depth)
				return error(Rule::PopupTooDeep, "popup " + win(c.window) + " nests deeper than " +
					std::to_string(limits_.max_popup_depth));
			const int64_t max = limits_.max_popup_offset;
			if (c.x > max || c.x < -max || c.y > max || c.y < -max)
				return error(Rule::PopupOffset, "popup " + win(c.window) + " at " + std::to_string(c.x) + "," +
					std::to_string(c.y) + " from its parent; the limit is +-" + std::to_string(max));
		} else if (c.x != 0 || c.y != 0) {
			return error(Rule::PopupOffset, "toplevel " + win(c.window) + " at " + std::to_string(c.x) + "," +
				std::to_string(c.y) + "; the host places toplevels");
		}
		return GuestMessage(c);
	}
	case Type::DestroyWindow:
		return GuestMessage(DestroyWindow{untrusted_window});
	case Type::Map:
		return GuestMessage(Map{untrusted_window});
	case Type::Unmap:
		return GuestMessage(Unmap{untrusted_window});
	case Type::SetTitle:
	case Type::SetAppId: {
		const uint32_t max = type == Type::SetTitle ? limits_.max_title_bytes : limits_.max_app_id_bytes;
		if (length > max)
			return error(Rule::StringTooLong, name + " for " + win(untrusted_window) + ": " +
				std::to_string(length) + " bytes; the limit is " + std::to_string(max));
		const std::string untrusted_text = r.rest();
		std::string clean = clean_text(untrusted_text, max);
		if (type == Type::SetTitle)
			return GuestMessage(SetTitle{untrusted_window, std::move(clean)});
		return GuestMessage(SetAppId{untrusted_window, std::move(clean)});
	}
	case Type::SizeHints: {
		SizeHints h{untrusted_window, r.u32(), r.u32(), r.u32(), r.u32()};
		if (h.min_width > limits_.max_window_width || h.max_width > limits_.max_window_width ||
			h.min_height > limits_.max_window_height || h.max_height > limits_.max_window_height ||
			(h.max_width && h.min_width > h.max_width) || (h.max_height && h.min_height > h.max_height))
			return error(Rule::BadSize, "size-hints for " + win(untrusted_window) + ": min " +
				std::to_string(h.min_width) + "x" + std::to_string(h.min_height) + ", max " +
				std::to_string(h.max_width) + "x" + std::to_string(h.max_height) + " (limit " +
				std::to_string(limits_.max_window_width) + "x" + std::to_string(limits_.max_window_height) +
				", min <= max)");
		return GuestMessage(h);
	}
	case Type::Attach: {
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
		const std::size_t rect_bytes = std::size_t{untrusted_count} * detail::damage_rect_size;
		if (r.remaining() != rect_bytes)
			return error(Rule::BadLength, what + std::to_string(untrusted_count) + " damage rectangles need " +
				std::to_string(rect_bytes) + " bytes, not " + std::to_string(r.remaining()));
		if (a.width == 0 || a.height == 0 || a.width > limits_.max_window_width ||
			a.height > limits_.max_window_height)
			return error(Rule::BadSize, what + std::to_string(a.width) + "x" + std::to_string(a.height) +
				" is outside 1x1.." + std::to_string(limits_.max_window_width) + "x" +
				std::to_string(limits_.max_window_height));
		if (a.format != format_argb8888 && a.format != format_xrgb8888)
			return error(Rule::BadFormat, what + "pixel format " + hex(a.format) +
				" is not ARGB8888 or XRGB8888");
		const uint64_t row = uint64_t{a.width} * 4;
		if (a.stride < row || a.stride % 4 != 0 || a.stride - row > limits_.max_stride_padding)
			return error(Rule::BadStride, what + "stride " + std::to_string(a.stride) + " for width " +
				std::to_string(a.width) + " (needs >= " + std::to_string(row) + ", a multiple of 4, at most " +
				std::to_string(limits_.max_stride_padding) + " bytes of padding)");
		if (a.offset % 4 != 0)
			return error(Rule::Misaligned, what + "offset " + hex(a.offset) + " is not 4-byte aligned");
		if (!span_inside_region(a.offset, a.stride, a.height, region_size_))
			return error(Rule::BufferOutsideRegion, what + "offset " + hex(a.offset) + " + stride*height " +
				std::to_string(a.stride) + "*" + std::to_string(a.height) + " = " +
				std::to_string(uint64_t{a.stride} * a.height) + " bytes passes the region's end at " +
				std::to_string(region_size_));
		a.damage.reserve(untrusted_count);
		for (uint32_t i = 0; i < untrusted_count; ++i) {
			const Rect d{r.i32(), r.i32(), r.i32(), r.i32()};
			const int64_t x2 = int64_t{d.x} + d.width, y2 = int64_t{d.y} + d.height;
			if (d.x < 0 || d.y < 0 || d.width <= 0 || d.height <= 0 || x2 > a.width || y2 > a.height)
				return error(Rule::RectOutsideBuffer, what + "damage " + std::to_string(i) + " at " +
					std::to_string(d.x) + "," + std::to_string(d.y) + " " + std::to_string(d.width) + "x" +
					std::to_string(d.height) + " is empty or not inside the " + std::to_string(a.width) + "x" +
					std::to_string(a.height) + " buffer");
			a.damage.push_back(d);
		}
		return GuestMessage(std::move(a));
	}
	case Type::SetCursor: {
		const uint32_t shape = r.u32();
		if (!cursor_name(shape))
			return error(Rule::UnknownCursor, "set-cursor for " + win(untrusted_window) + ": shape " +
				std::to_string(shape) + " is not in the list of " + std::to_string(cursor_count));
		return GuestMessage(SetCursor{untrusted_window, shape});
	}
	case Type::ClipboardData: {
		const uint32_t serial = r.u32();
		if (!clipboard_serials_.count(serial))
			return error(Rule::Unrequested, "clipboard-data with serial " + std::to_string(serial) +
				", which the host did not ask for");
		if (r.remaining() > limits_.max_clipboard_bytes)
			return error(Rule::StringTooLong, "clipboard-data of " + std::to_string(r.remaining()) +
				" bytes; the limit is " + std::to_string(limits_.max_clipboard_bytes));
		return GuestMessage(ClipboardData{serial, r.rest()});
	}
	case Type::Pong:
		return GuestMessage(Pong{r.u32()});
	case Type::AckConfigure:
		return GuestMessage(AckConfigure{untrusted_window, r.u32()});
	case Type::OpenFileBegin: {
		if (file_open_)
			return error(Rule::Unrequested, "open-file-begin while a file is open");
		const uint64_t size = r.u64();
		if (size > limits_.max_file_bytes)
			return error(Rule::FileTooLarge, "open-file-begin of " + std::to_string(size) +
				" bytes; the limit is " + std::to_string(limits_.max_file_bytes));
		const std::string untrusted_name = r.rest();
		auto clean = clean_file_name(untrusted_name, limits_.max_file_name_bytes);
		if (!clean)
			return error(Rule::BadFileName, "open-file-begin: a file name of " +
				std::to_string(untrusted_name.size()) + " bytes that is empty, over " +
				std::to_string(limits_.max_file_name_bytes) + " bytes or nothing but dots, dashes and spaces");
		return GuestMessage(OpenFileBegin{size, std::move(*clean)});
	}
	case Type::OpenFileChunk: {
		if (!file_open_)
			return error(Rule::Unrequested, "open-file-chunk without open-file-begin");
		if (length > limits_.max_file_chunk_bytes)
			return error(Rule::FileTooLarge, "open-file-chunk of " + std::to_string(length) +
				" bytes; the limit is " + std::to_string(limits_.max_file_chunk_bytes));
		if (length > file_expected_ - file_received_)
			return error(Rule::FileTooLarge, "open-file-chunk of " + std::to_string(length) + " bytes after " +
				std::to_string(file_received_) + " passes the announced " + std::to_string(file_expected_));
		return GuestMessage(OpenFileChunk{r.rest()});
	}
	case Type::OpenFileEnd:
		if (!file_open_ || file_received_ != file_expected_)
			return error(Rule::Unrequested, "open-file-end without a whole file (" +
				std::to_string(file_received_) + " of " + std::to_string(file_expected_) + " bytes)");
		return GuestMessage(OpenFileEnd{});
	case Type::AppExited: {
		const AppExited x{r.u32(), r.i32()};
		if (!apps_.count(x.request))
			return error(Rule::Unrequested, "app-exited for request " + std::to_string(x.request) +
				", which the host did not launch or already saw exit");
		return GuestMessage(x);
	}
	case Type::ReturnFileBegin: {
		const ReturnFileBegin b{r.u32(), r.u64()};
		if (file_open_)
			return error(Rule::Unrequested, "return-file-begin while a file is open");
		if (!returns_.count(b.request))
			return error(Rule::Unrequested, "return-file-begin for request " + std::to_string(b.request) +
				", whose file the host did not ask back or already got");
		if (b.size > limits_.max_file_bytes)
			return error(Rule::FileTooLarge, "return-file-begin of " + std::to_string(b.size) +
				" bytes; the limit is " + std::to_string(limits_.max_file_bytes));
		return GuestMessage(b);
	}
	case Type::SetFullscreen:
	case Type::DemandsAttention: {
		// About toplevels only.
		if (windows_.at(untrusted_window).parent)
			return error(Rule::BadWindowId, name + " for " + win(untrusted_window) + ", which is a popup");
		if (type == Type::DemandsAttention)
			return GuestMessage(DemandsAttention{untrusted_window});
		const uint32_t fullscreen = r.u32();
		if (fullscreen > 1)
			return error(Rule::BadValue, "set-fullscreen for " + win(untrusted_window) + " with value " +
				std::to_string(fullscreen) + "; it is 0 or 1");
		return GuestMessage(SetFullscreen{untrusted_window, fullscreen});
	}
	default:
		break;
	}
	return error(Rule::UnknownType, "message type " + std::to_string(untrusted_type) + " is unknown");
}

Result<HostMessage> parse_host_message(const UntrustedMessage &m, const Limits &limits)
{
	const uint16_t untrusted_type = m.type_;
	const uint32_t w = m.window_;
	const std::size_t length = m.payload_.size();
	const std::string name = named(untrusted_type);
	if (!detail::fixed_size(untrusted_type))
		return error(Rule::UnknownType, "message type " + std::to_string(untrusted_type) + " is unknown");
	if (detail::guest_range(untrusted_type))
		return error(Rule::WrongDirection, name + " is a guest-to-host message");
	if (auto e = check_length(untrusted_type, length))
		return *e;
	if (detail::about_window(untrusted_type) ? w == 0 : w != 0)
		return error(Rule::BadWindowId, name + " carries " + win(w) + "; it must carry " +
			(detail::about_window(untrusted_type) ? "a window" : "0"));
	Reader r(m.payload_);
	switch (static_cast<Type>(untrusted_type)) {
	case Type::Welcome: {
		Welcome x;
		x.major = r.u16();
		x.minor = r.u16();
		x.region_size = r.u64();
		x.output_width = r.i32();
		x.output_height = r.i32();
		x.scale = r.u32();
		if (x.major != version_major || x.minor > version_minor)
			return error(Rule::VersionMismatch, "welcome: the host chose version " + std::to_string(x.major) +
				"." + std::to_string(x.minor) + "; this agent speaks up to " + std::to_string(version_major) + "." +
				std::to_string(version_minor));
		if (x.region_size == 0)
			return error(Rule::BadSize, "welcome: a shared region of 0 bytes");
		if (auto e = check_output("welcome", x.output_width, x.output_height, x.scale, limits))
			return *e;
		return HostMessage(x);
	}
	case Type::BufferRelease: return HostMessage(BufferRelease{w, r.u64()});
	case Type::FrameDone: return HostMessage(FrameDone{w, r.u32()});
	case Type::Configure: {
		Configure c{w, r.i32(), r.i32(), r.u32(), r.u32()};
		if (c.width < 0 || c.height < 0 || static_cast<uint32_t>(c.width) > limits.max_window_width ||
			static_cast<uint32_t>(c.height) > limits.max_window_height)
			return error(Rule::BadSize, "configure " + win(w) + " to " + std::to_string(c.width) + "x" +
				std::to_string(c.height) + "; the limit is " + std::to_string(limits.max_window_width) + "x" +
				std::to_string(limits.max_window_height));
		if (c.flags & ~configure_known_flags)
			return error(Rule::BadValue, "configure " + win(w) + " with unknown flags " + hex(c.flags));
		return HostMessage(c);
	}
	case Type::Close: return HostMessage(Close{w});
	case Type::Keymap:
		if (length > limits.max_keymap_bytes)
			return error(Rule::StringTooLong, "keymap of " + std::to_string(length) + " bytes; the limit is " +
				std::to_string(limits.max_keymap_bytes));
		return HostMessage(Keymap{r.rest()});
	case Type::KeyboardEnter: return HostMessage(KeyboardEnter{w});
	case Type::KeyboardLeave: return HostMessage(KeyboardLeave{w});
	case Type::Key: {
		Key k{r.u32(), r.u32(), r.u32()};
		if (auto e = check_state("key", k.state))
			return *e;
		return HostMessage(k);
	}
	case Type::Modifiers: return HostMessage(Modifiers{r.u32(), r.u32(), r.u32(), r.u32()});
	case Type::PointerEnter: return HostMessage(PointerEnter{w, r.i32(), r.i32()});
	case Type::PointerLeave: return HostMessage(PointerLeave{w});
	case Type::PointerMotion: return HostMessage(PointerMotion{r.u32(), r.i32(), r.i32()});
	case Type::PointerButton: {
		PointerButton b{r.u32(), r.u32(), r.u32()};
		if (auto e = check_state("pointer-button", b.state))
			return *e;
		return HostMessage(b);
	}
	case Type::PointerAxis: {
		PointerAxis a{r.u32(), r.u32(), r.i32(), r.i32()};
		if (a.axis != axis_vertical && a.axis != axis_horizontal)
			return error(Rule::BadValue, "pointer-axis: axis " + std::to_string(a.axis) +
				" is neither vertical (0) nor horizontal (1)");
		return HostMessage(a);
	}
	case Type::ClipboardRequest: return HostMessage(ClipboardRequest{r.u32()});
	case Type::ClipboardSet:
		if (length > limits.max_clipboard_bytes)
			return error(Rule::StringTooLong, "clipboard-set of " + std::to_string(length) +
				" bytes; the limit is " + std::to_string(limits.max_clipboard_bytes));
		return HostMessage(ClipboardSet{r.rest()});
	case Type::Ping: return HostMessage(Ping{r.u32()});
	case Type::Launch: {
		const uint32_t request = r.u32();
		if (length - 4 > limits.max_command_bytes || length == 4)
			return error(Rule::StringTooLong, "launch of a command of " + std::to_string(length - 4) +
				" bytes; it must have 1.." + std::to_string(limits.max_command_bytes));
		return HostMessage(Launch{request, r.rest()});
	}
	case Type::FileBegin: {
		FileBegin b{r.u32(), r.u32(), r.u64(), r.rest()};
		if (b.flags & ~file_known_flags)
			return error(Rule::BadValue, "file-begin with unknown flags " + hex(b.flags));
		if (b.size > limits.max_file_bytes)
			return error(Rule::FileTooLarge, "file-begin of " + std::to_string(b.size) + " bytes; the limit is " +
				std::to_string(limits.max_file_bytes));
		auto clean = clean_file_name(b.name, limits.max_file_name_bytes);
		if (!clean || *clean != b.name)
			return error(Rule::BadFileName, "file-begin: the name is not a clean file name");
		return HostMessage(std::move(b));
	}
	case Type::FileChunk:
		if (length > limits.max_file_chunk_bytes)
			return error(Rule::FileTooLarge, "file-chunk of " + std::to_string(length) + " bytes; the limit is " +
				std::to_string(limits.max_file_chunk_bytes));
		return HostMessage(FileChunk{r.rest()});
	case Type::FileEnd: return HostMessage(FileEnd{});
	case Type::OpenResult: {
		OpenResult o{r.u32(), r.u32(), r.rest()};
		if (o.status >= open_status_count)
			return error(Rule::BadValue, "open-result with status " + std::to_string(o.status));
		if (o.text.size() > limit::result_text_bytes)
			return error(Rule::StringTooLong, "open-result text of " + std::to_string(o.text.size()) + " bytes");
		return HostMessage(std::move(o));
	}
	case Type::Output: {
		Output o{r.i32(), r.i32(), r.u32()};
		if (auto e = check_output("output", o.width, o.height, o.scale, limits))
			return *e;
		return HostMessage(o);
	}
	default: break;
	}
	return error(Rule::UnknownType, "message type " + std::to_string(untrusted_type) + " is unknown");
}

Result<HostMessage> HostSession::accept(const UntrustedMessage &untrusted)
{
	Result<HostMessage> r = parse_host_message(untrusted, limits_);
	if (!r)
		return r;
	if (const auto *welcome = std::get_if<Welcome>(&r.value())) {
		if (handshake_done_)
			return error(Rule::DuplicateHandshake, "a second welcome");
		if (region_size_seen_ != 0 && welcome->region_size != region_size_seen_)
			return error(Rule::RegionMismatch, "welcome: the host's shared region has " +
				std::to_string(welcome->region_size) + " bytes; this agent sees " +
				std::to_string(region_size_seen_));
		handshake_done_ = true;
		minor_ = welcome->minor;
		region_size_ = welcome->region_size;
		return r;
	}
	if (!handshake_done_)
		return error(Rule::BeforeHandshake, named(untrusted.type_) + " before welcome");
	if (const auto *release = std::get_if<BufferRelease>(&r.value())) {
		if (release->offset % 4 != 0)
			return error(Rule::Misaligned, "buffer-release " + win(release->window) + ": offset " +
				hex(release->offset) + " is not 4-byte aligned");
		if (release->offset >= region_size_)
			return error(Rule::BufferOutsideRegion, "buffer-release " + win(release->window) + ": offset " +
				hex(release->offset) + " is past the region's end at " + std::to_string(region_size_));
	}
	return r;
}

} // namespace bulkhead::wire
