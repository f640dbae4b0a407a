#include "wire/codec.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <set>

using namespace bulkhead::wire;

namespace {

constexpr uint64_t region = 64ull << 20;

std::vector<UntrustedMessage> decode_all(const std::vector<uint8_t> &bytes, std::size_t chunk = SIZE_MAX)
{
	Decoder d(Limits{});
	std::vector<UntrustedMessage> out;
	for (std::size_t i = 0; i < bytes.size(); i += chunk) {
		d.feed(bytes.data() + i, std::min(chunk, bytes.size() - i));
		while (auto m = d.next()) {
			REQUIRE(m->ok());
			out.push_back(m->value());
		}
	}
	REQUIRE(d.buffered() == 0);
	return out;
}

UntrustedMessage one(const std::vector<uint8_t> &bytes)
{
	auto all = decode_all(bytes);
	REQUIRE(all.size() == 1);
	return all[0];
}

template <typename M>
UntrustedMessage encoded(const M &m)
{
	std::vector<uint8_t> bytes;
	encode(bytes, m);
	return one(bytes);
}

// A session past the handshake, with window 1 (a toplevel).
GuestSession ready_session(Limits limits = {})
{
	GuestSession s(limits, region);
	REQUIRE(s.accept(encoded(Hello{})).ok());
	REQUIRE(s.accept(encoded(CreateWindow{1, 0, 0, 0})).ok());
	return s;
}

Rule rule_of(GuestSession &s, const UntrustedMessage &m)
{
	auto r = s.accept(m);
	REQUIRE_FALSE(r.ok());
	INFO(r.error().reason);
	return r.error().rule;
}

Attach good_attach()
{
	Attach a;
	a.window = 1;
	a.offset = 4096;
	a.width = 100;
	a.height = 50;
	a.stride = 400;
	a.damage = {{0, 0, 100, 50}};
	return a;
}

} // namespace

TEST_CASE("the header is 12 little-endian bytes", "[wire]")
{
	std::vector<uint8_t> bytes;
	encode(bytes, CreateWindow{0x01020304, 7, -1, 2});
	REQUIRE(bytes.size() == header_size + 12);
	CHECK(bytes[0] == 2); // type
	CHECK(bytes[1] == 0);
	CHECK(bytes[2] == 0); // flags
	CHECK(bytes[4] == 0x04); // window id, little-endian
	CHECK(bytes[7] == 0x01);
	CHECK(bytes[8] == 12); // payload length
	CHECK(bytes[16] == 0xff); // x = -1
}

TEST_CASE("every guest message round-trips through the session", "[wire]")
{
	GuestSession s = ready_session();
	auto title = s.accept(encoded(SetTitle{1, "Inbox – Mail"}));
	REQUIRE(title.ok());
	CHECK(std::get<SetTitle>(title.value()).title == "Inbox – Mail");
	CHECK(std::get<SetAppId>(s.accept(encoded(SetAppId{1, "org.mail"})).value()).app_id == "org.mail");
	auto hints = s.accept(encoded(SizeHints{1, 10, 20, 300, 400}));
	REQUIRE(hints.ok());
	CHECK(std::get<SizeHints>(hints.value()).max_height == 400);
	auto attach = s.accept(encoded(good_attach()));
	REQUIRE(attach.ok());
	const Attach &a = std::get<Attach>(attach.value());
	CHECK(a.offset == 4096);
	CHECK(a.stride == 400);
	CHECK(a.damage == std::vector<Rect>{{0, 0, 100, 50}});
	CHECK(std::get<SetCursor>(s.accept(encoded(SetCursor{1, 1})).value()).shape == 1);
	CHECK(std::get<Pong>(s.accept(encoded(Pong{42})).value()).serial == 42);
	CHECK(std::get<AckConfigure>(s.accept(encoded(AckConfigure{1, 9})).value()).serial == 9);
	CHECK(s.accept(encoded(Map{1})).ok());
	CHECK(s.accept(encoded(Unmap{1})).ok());
	s.expect_clipboard(5);
	CHECK(std::get<ClipboardData>(s.accept(encoded(ClipboardData{5, "text"})).value()).data == "text");
	CHECK(s.accept(encoded(OpenFileBegin{3, "report.pdf"})).ok());
	CHECK(s.accept(encoded(OpenFileChunk{"abc"})).ok());
	CHECK(s.accept(encoded(OpenFileEnd{})).ok());
	auto popup = s.accept(encoded(CreateWindow{2, 1, 10, -20}));
	REQUIRE(popup.ok());
	CHECK(std::get<CreateWindow>(popup.value()).y == -20);
	CHECK(s.accept(encoded(DestroyWindow{1})).ok());
	// The popup went with its parent.
	CHECK_FALSE(s.has_window(2));
	CHECK(s.window_count() == 0);
}

TEST_CASE("every host message round-trips", "[wire]")
{
	const Limits l;
	auto parse = [&](const auto &m) {
		auto r = parse_host_message(encoded(m), l);
		INFO((r.ok() ? "" : r.error().reason));
		REQUIRE(r.ok());
		return r.value();
	};
	const Welcome w = std::get<Welcome>(parse(Welcome{1, 0, region, 1280, 720, 2}));
	CHECK(w.region_size == region);
	CHECK(w.output_height == 720);
	CHECK(w.scale == 2);
	CHECK(std::get<BufferRelease>(parse(BufferRelease{3, 1ull << 40})).offset == 1ull << 40);
	CHECK(std::get<FrameDone>(parse(FrameDone{3, 77})).window == 3);
	const Configure c = std::get<Configure>(parse(Configure{3, 640, 480, configure_activated, 12}));
	CHECK(c.width == 640);
	CHECK(c.flags == configure_activated);
	CHECK(std::get<Close>(parse(Close{4})).window == 4);
	CHECK(std::get<Keymap>(parse(Keymap{"xkb_keymap {}"})).text == "xkb_keymap {}");
	CHECK(std::get<KeyboardEnter>(parse(KeyboardEnter{2})).window == 2);
	CHECK(std::get<KeyboardLeave>(parse(KeyboardLeave{2})).window == 2);
	CHECK(std::get<Key>(parse(Key{1, 30, 1})).key == 30);
	CHECK(std::get<Modifiers>(parse(Modifiers{1, 2, 3, 4})).group == 4);
	CHECK(std::get<PointerEnter>(parse(PointerEnter{2, 256, -512})).y == -512);
	CHECK(std::get<PointerLeave>(parse(PointerLeave{2})).window == 2);
	CHECK(std::get<PointerMotion>(parse(PointerMotion{5, 100, 200})).x == 100);
	CHECK(std::get<PointerButton>(parse(PointerButton{5, 0x110, 1})).button == 0x110);
	CHECK(std::get<PointerAxis>(parse(PointerAxis{5, 0, -2560, -1})).discrete == -1);
	CHECK(std::get<ClipboardRequest>(parse(ClipboardRequest{8})).serial == 8);
	CHECK(std::get<ClipboardSet>(parse(ClipboardSet{"paste"})).data == "paste");
	CHECK(std::get<Ping>(parse(Ping{9})).serial == 9);
	CHECK(std::get<Output>(parse(Output{1920, 1080, 1})).width == 1920);
}

TEST_CASE("the decoder handles any chunking", "[wire]")
{
	std::vector<uint8_t> bytes;
	encode(bytes, Hello{});
	encode(bytes, CreateWindow{1, 0, 0, 0});
	encode(bytes, SetTitle{1, "a title"});
	encode(bytes, good_attach());
	for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{12}, std::size_t{13}, bytes.size()}) {
		auto all = decode_all(bytes, chunk);
		REQUIRE(all.size() == 4);
		GuestSession s(Limits{}, region);
		for (const auto &m : all)
			CHECK(s.accept(m).ok());
	}
}

TEST_CASE("a lying length is refused before any payload is buffered", "[wire]")
{
	Decoder d(Limits{});
	std::vector<uint8_t> bytes;
	encode_raw(bytes, 6, 1, {});
	bytes[8] = 0xff;
	bytes[9] = 0xff;
	bytes[10] = 0xff;
	bytes[11] = 0x7f;
	d.feed(bytes.data(), bytes.size());
	auto m = d.next();
	REQUIRE(m);
	REQUIRE_FALSE(m->ok());
	CHECK(m->error().rule == Rule::MessageTooLarge);
	// The stream stays failed.
	REQUIRE(d.next());
	CHECK_FALSE(d.next()->ok());
}

TEST_CASE("the payload limit: at the limit is fine, one more byte is not", "[wire]")
{
	const uint32_t max = Limits{}.max_payload;
	for (uint32_t size : {max, max + 1}) {
		Decoder d(max);
		std::vector<uint8_t> bytes;
		encode_raw(bytes, 6, 1, std::vector<uint8_t>(size, 'a'));
		d.feed(bytes.data(), bytes.size());
		auto m = d.next();
		REQUIRE(m);
		CHECK(m->ok() == (size == max));
	}
}

TEST_CASE("reserved flags must be zero", "[wire]")
{
	Decoder d(1024);
	std::vector<uint8_t> bytes;
	encode_raw(bytes, 4, 1, {}, 1);
	d.feed(bytes.data(), bytes.size());
	CHECK(d.next()->error().rule == Rule::BadHeader);
}

TEST_CASE("half a message is not a message", "[wire]")
{
	std::vector<uint8_t> bytes;
	encode(bytes, SetTitle{1, "hello"});
	Decoder d(1024);
	d.feed(bytes.data(), bytes.size() - 1);
	CHECK_FALSE(d.next());
	d.feed(bytes.data() + bytes.size() - 1, 1);
	CHECK(d.next()->ok());
}

TEST_CASE("the handshake comes first, once, with the same major version", "[wire]")
{
	GuestSession s(Limits{}, region);
	CHECK(rule_of(s, encoded(CreateWindow{1, 0, 0, 0})) == Rule::BeforeHandshake);
	CHECK(rule_of(s, encoded(Hello{2, 0})) == Rule::VersionMismatch);
	auto ok = s.accept(encoded(Hello{1, 7}));
	REQUIRE(ok.ok());
	CHECK(std::get<Hello>(ok.value()).minor == version_minor); // negotiated down
	CHECK(s.negotiated_minor() == version_minor);
	CHECK(rule_of(s, encoded(Hello{})) == Rule::DuplicateHandshake);
}

TEST_CASE("types: unknown, host-only, and lengths that do not fit", "[wire]")
{
	GuestSession s = ready_session();
	std::vector<uint8_t> bytes;
	encode_raw(bytes, 63, 1, {});
	CHECK(rule_of(s, one(bytes)) == Rule::UnknownType);
	bytes.clear();
	encode_raw(bytes, 999, 1, {});
	CHECK(rule_of(s, one(bytes)) == Rule::UnknownType);
	CHECK(rule_of(s, encoded(Configure{1, 10, 10, 0, 0})) == Rule::WrongDirection);
	bytes.clear();
	encode_raw(bytes, static_cast<uint16_t>(Type::Map), 1, {1}); // map has no payload
	CHECK(rule_of(s, one(bytes)) == Rule::BadLength);
	bytes.clear();
	encode_raw(bytes, static_cast<uint16_t>(Type::CreateWindow), 2, {0, 0, 0}); // too short
	CHECK(rule_of(s, one(bytes)) == Rule::BadLength);
	bytes.clear();
	encode_raw(bytes, static_cast<uint16_t>(Type::Attach), 1, std::vector<uint8_t>(27));
	CHECK(rule_of(s, one(bytes)) == Rule::BadLength);
}

TEST_CASE("window ids: never created, destroyed, duplicate, zero", "[wire]")
{
	GuestSession s = ready_session();
	CHECK(rule_of(s, encoded(Map{9})) == Rule::NoSuchWindow);
	CHECK(rule_of(s, encoded(SetTitle{9, "x"})) == Rule::NoSuchWindow);
	CHECK(rule_of(s, encoded(CreateWindow{1, 0, 0, 0})) == Rule::WindowExists);
	CHECK(rule_of(s, encoded(CreateWindow{0, 0, 0, 0})) == Rule::BadWindowId);
	CHECK(s.accept(encoded(DestroyWindow{1})).ok());
	CHECK(rule_of(s, encoded(DestroyWindow{1})) == Rule::NoSuchWindow);
	CHECK(rule_of(s, encoded(good_attach())) == Rule::NoSuchWindow);
}

TEST_CASE("the window limit: the last one fits, one more does not", "[wire]")
{
	Limits l;
	l.max_windows = 5;
	GuestSession s = ready_session(l);
	for (uint32_t id = 2; id <= 5; ++id)
		CHECK(s.accept(encoded(CreateWindow{id, 0, 0, 0})).ok());
	CHECK(rule_of(s, encoded(CreateWindow{6, 0, 0, 0})) == Rule::TooManyWindows);
}

TEST_CASE("popups: existing parent, bounded depth and offset; toplevels have no position", "[wire]")
{
	Limits l;
	l.max_popup_depth = 3;
	GuestSession s = ready_session(l);
	CHECK(rule_of(s, encoded(CreateWindow{2, 77, 0, 0})) == Rule::BadParent);
	CHECK(s.accept(encoded(CreateWindow{2, 1, 5, 5})).ok());
	CHECK(s.accept(encoded(CreateWindow{3, 2, 5, 5})).ok());
	CHECK(s.accept(encoded(CreateWindow{4, 3, 5, 5})).ok());
	CHECK(rule_of(s, encoded(CreateWindow{5, 4, 5, 5})) == Rule::PopupTooDeep);
	CHECK(rule_of(s, encoded(CreateWindow{6, 1, 16385, 0})) == Rule::PopupOffset);
	CHECK(s.accept(encoded(CreateWindow{6, 1, -16384, 16384})).ok());
	CHECK(rule_of(s, encoded(CreateWindow{7, 0, 100, 100})) == Rule::PopupOffset);
}

TEST_CASE("attach: sizes at and over the limits", "[wire]")
{
	GuestSession s(Limits{}, 1ull << 40); // a region big enough for the largest window
	REQUIRE(s.accept(encoded(Hello{})).ok());
	REQUIRE(s.accept(encoded(CreateWindow{1, 0, 0, 0})).ok());
	Attach a = good_attach();
	a.damage.clear();
	a.width = 16384;
	a.height = 6144;
	a.stride = 16384 * 4;
	CHECK(s.accept(encoded(a)).ok());
	a.width = 16385;
	a.stride = 16385 * 4;
	CHECK(rule_of(s, encoded(a)) == Rule::BadSize);
	a.width = 16384;
	a.stride = 16384 * 4;
	a.height = 6145;
	CHECK(rule_of(s, encoded(a)) == Rule::BadSize);
	a.height = 0;
	CHECK(rule_of(s, encoded(a)) == Rule::BadSize);
}

TEST_CASE("attach: the buffer must lie inside the region", "[wire]")
{
	GuestSession s = ready_session();
	Attach a = good_attach();
	a.damage.clear();
	// Ends exactly at the region's end: fine.
	a.offset = region - static_cast<uint64_t>(a.stride) * a.height;
	CHECK(s.accept(encoded(a)).ok());
	// One row... one word further: refused.
	a.offset += 4;
	CHECK(rule_of(s, encoded(a)) == Rule::BufferOutsideRegion);
	// Offsets that would overflow when added.
	a.offset = UINT64_MAX - 3;
	CHECK(rule_of(s, encoded(a)) == Rule::BufferOutsideRegion);
	a.offset = region;
	CHECK(rule_of(s, encoded(a)) == Rule::BufferOutsideRegion);
	a.offset = 2;
	CHECK(rule_of(s, encoded(a)) == Rule::Misaligned);
}

TEST_CASE("attach: stride and format", "[wire]")
{
	GuestSession s = ready_session();
	Attach a = good_attach();
	a.stride = 399;
	CHECK(rule_of(s, encoded(a)) == Rule::BadStride);
	a.stride = 396;
	CHECK(rule_of(s, encoded(a)) == Rule::BadStride);
	a.stride = 0xfffffffc; // stride x height would pass the region, and more
	CHECK(rule_of(s, encoded(a)) == Rule::BadStride);
	a.stride = 400;
	a.format = 0x34324241; // ABGR8888
	CHECK(rule_of(s, encoded(a)) == Rule::BadFormat);
	a.format = format_xrgb8888;
	CHECK(s.accept(encoded(a)).ok());
}

TEST_CASE("attach: damage inside the buffer, counted honestly, within the limit", "[wire]")
{
	GuestSession s = ready_session();
	Attach a = good_attach();
	a.damage = {{90, 40, 10, 10}};
	CHECK(s.accept(encoded(a)).ok());
	for (const Rect bad : {Rect{91, 40, 10, 10}, Rect{-1, 0, 5, 5}, Rect{0, 0, 0, 5}, Rect{0, 0, 5, -5},
		     Rect{INT32_MAX, 0, INT32_MAX, 1}}) {
		a.damage = {bad};
		CHECK(rule_of(s, encoded(a)) == Rule::RectOutsideBuffer);
	}
	a.damage.assign(64, Rect{0, 0, 1, 1});
	CHECK(s.accept(encoded(a)).ok());
	a.damage.assign(65, Rect{0, 0, 1, 1});
	CHECK(rule_of(s, encoded(a)) == Rule::TooManyRects);
	// A count that does not match the bytes that follow.
	a.damage = {{0, 0, 1, 1}};
	std::vector<uint8_t> bytes;
	encode(bytes, a);
	bytes[header_size + 24] = 2;
	CHECK(rule_of(s, one(bytes)) == Rule::BadLength);
}

TEST_CASE("strings: limits, UTF-8 and control characters", "[wire]")
{
	GuestSession s = ready_session();
	CHECK(s.accept(encoded(SetTitle{1, std::string(1024, 'a')})).ok());
	CHECK(rule_of(s, encoded(SetTitle{1, std::string(1025, 'a')})) == Rule::StringTooLong);
	CHECK(rule_of(s, encoded(SetAppId{1, std::string(257, 'a')})) == Rule::StringTooLong);
	auto t = s.accept(encoded(SetTitle{1, "a\x1b[2Jb\xff\xfe"}));
	REQUIRE(t.ok());
	CHECK(std::get<SetTitle>(t.value()).title == "a [2Jb\uFFFD\uFFFD");
	t = s.accept(encoded(SetTitle{1, "\xc0\xaf" "etc\u202Epasswd"}));
	REQUIRE(t.ok());
	CHECK(std::get<SetTitle>(t.value()).title == "\uFFFD\uFFFD" "etcpasswd");
	t = s.accept(encoded(SetTitle{1, "[dom0] root shell"}));
	REQUIRE(t.ok()); // kept as text: the host puts the real [name] before it
	CHECK(std::get<SetTitle>(t.value()).title == "[dom0] root shell");
}

TEST_CASE("cursors come from the fixed list", "[wire]")
{
	GuestSession s = ready_session();
	CHECK(s.accept(encoded(SetCursor{1, cursor_count - 1})).ok());
	CHECK(rule_of(s, encoded(SetCursor{1, cursor_count})) == Rule::UnknownCursor);
	CHECK(rule_of(s, encoded(SetCursor{1, UINT32_MAX})) == Rule::UnknownCursor);
}

TEST_CASE("set-fullscreen: toplevels only, 0 or 1, and only from a 1.1 guest", "[wire]")
{
	GuestSession s = ready_session();
	REQUIRE(s.accept(encoded(CreateWindow{2, 1, 5, 5})).ok());
	auto on = s.accept(encoded(SetFullscreen{1, 1}));
	REQUIRE(on.ok());
	CHECK(std::get<SetFullscreen>(on.value()).fullscreen == 1);
	CHECK(s.accept(encoded(SetFullscreen{1, 0})).ok());
	CHECK(rule_of(s, encoded(SetFullscreen{1, 2})) == Rule::BadValue);
	GuestSession big = ready_session();
	CHECK(rule_of(big, encoded(SetFullscreen{1, UINT32_MAX})) == Rule::BadValue);
	GuestSession popup = ready_session();
	REQUIRE(popup.accept(encoded(CreateWindow{2, 1, 5, 5})).ok());
	CHECK(rule_of(popup, encoded(SetFullscreen{2, 1})) == Rule::BadWindowId);
	GuestSession none = ready_session();
	CHECK(rule_of(none, encoded(SetFullscreen{7, 1})) == Rule::NoSuchWindow);
	GuestSession zero = ready_session();
	CHECK(rule_of(zero, encoded(SetFullscreen{0, 1})) == Rule::NoSuchWindow);

	GuestSession old(Limits{}, region);
	REQUIRE(old.accept(encoded(Hello{1, 0})).ok());
	REQUIRE(old.accept(encoded(CreateWindow{1, 0, 0, 0})).ok());
	CHECK(rule_of(old, encoded(SetFullscreen{1, 1})) == Rule::UnknownType);
}

TEST_CASE("demands-attention: toplevels only, and only from a 1.1 guest", "[wire]")
{
	GuestSession s = ready_session();
	auto ok = s.accept(encoded(DemandsAttention{1}));
	REQUIRE(ok.ok());
	CHECK(std::get<DemandsAttention>(ok.value()).window == 1);
	REQUIRE(s.accept(encoded(CreateWindow{2, 1, 5, 5})).ok());
	CHECK(rule_of(s, encoded(DemandsAttention{2})) == Rule::BadWindowId);
	GuestSession none = ready_session();
	CHECK(rule_of(none, encoded(DemandsAttention{5})) == Rule::NoSuchWindow);
	GuestSession old(Limits{}, region);
	REQUIRE(old.accept(encoded(Hello{1, 0})).ok());
	REQUIRE(old.accept(encoded(CreateWindow{1, 0, 0, 0})).ok());
	CHECK(rule_of(old, encoded(DemandsAttention{1})) == Rule::UnknownType);
}

TEST_CASE("clipboard data only when asked, once, within the limit", "[wire]")
{
	GuestSession s = ready_session();
	CHECK(rule_of(s, encoded(ClipboardData{1, "x"})) == Rule::Unrequested);
	s.expect_clipboard(1);
	CHECK(s.accept(encoded(ClipboardData{1, std::string(limit::clipboard_bytes, 'x')})).ok());
	CHECK(rule_of(s, encoded(ClipboardData{1, "again"})) == Rule::Unrequested);
	// One byte over the session's limit (the decoder alone stops the wire's).
	Limits small;
	small.max_clipboard_bytes = 1024;
	GuestSession t = ready_session(small);
	t.expect_clipboard(2);
	CHECK(rule_of(t, encoded(ClipboardData{2, std::string(1025, 'x')})) == Rule::StringTooLong);
}

TEST_CASE("size hints are bounded and consistent", "[wire]")
{
	GuestSession s = ready_session();
	CHECK(s.accept(encoded(SizeHints{1, 0, 0, 0, 0})).ok());
	CHECK(rule_of(s, encoded(SizeHints{1, 500, 0, 400, 0})) == Rule::BadSize);
	CHECK(rule_of(s, encoded(SizeHints{1, 0, 0, 16385, 0})) == Rule::BadSize);
}

TEST_CASE("files: sane names, announced sizes", "[wire]")
{
	GuestSession s = ready_session();
	auto b = s.accept(encoded(OpenFileBegin{2, "../../etc/pass\nwd"}));
	REQUIRE(b.ok());
	CHECK(std::get<OpenFileBegin>(b.value()).name == "_.._etc_pass wd");
	CHECK(rule_of(s, encoded(OpenFileBegin{2, "x"})) == Rule::Unrequested); // one at a time
	CHECK(rule_of(s, encoded(OpenFileChunk{"abc"})) == Rule::FileTooLarge);
	CHECK(rule_of(s, encoded(OpenFileEnd{})) == Rule::Unrequested);
	CHECK(s.accept(encoded(OpenFileChunk{"ab"})).ok());
	CHECK(s.accept(encoded(OpenFileEnd{})).ok());
	GuestSession t = ready_session();
	CHECK(rule_of(t, encoded(OpenFileBegin{1, "..."})) == Rule::BadFileName);
	CHECK(rule_of(t, encoded(OpenFileBegin{1ull << 40, "big"})) == Rule::FileTooLarge);
	CHECK(rule_of(t, encoded(OpenFileChunk{"x"})) == Rule::Unrequested);
}

TEST_CASE("the agent checks what the host sends too", "[wire]")
{
	const Limits l;
	std::vector<uint8_t> bytes;
	encode(bytes, Configure{1, -5, 10, 0, 0});
	CHECK_FALSE(parse_host_message(one(bytes), l).ok());
	bytes.clear();
	encode(bytes, Welcome{2, 0, region, 0, 0, 1});
	CHECK(parse_host_message(one(bytes), l).error().rule == Rule::VersionMismatch);
	bytes.clear();
	encode(bytes, Hello{});
	CHECK(parse_host_message(one(bytes), l).error().rule == Rule::WrongDirection);
	bytes.clear();
	encode_raw(bytes, static_cast<uint16_t>(Type::Key), 0, {1, 2, 3});
	CHECK(parse_host_message(one(bytes), l).error().rule == Rule::BadLength);
}

// ---------------------------------------------------------------------------
// Framing in depth.

namespace {

std::vector<uint8_t> raw(uint16_t type, uint32_t window, std::vector<uint8_t> payload, uint16_t flags = 0)
{
	std::vector<uint8_t> bytes;
	encode_raw(bytes, type, window, payload, flags);
	return bytes;
}

uint16_t t(Type type)
{
	return static_cast<uint16_t>(type);
}

// One of every guest message, in an order a session accepts.
std::vector<uint8_t> every_guest_message()
{
	std::vector<uint8_t> b;
	encode(b, Hello{1, 0, region});
	encode(b, CreateWindow{1, 0, 0, 0});
	encode(b, CreateWindow{2, 1, -3, 40});
	encode(b, Map{1});
	encode(b, SetTitle{1, "Mail"});
	encode(b, SetAppId{1, "org.mail"});
	encode(b, SizeHints{1, 1, 2, 300, 400});
	encode(b, good_attach());
	encode(b, SetCursor{1, static_cast<uint32_t>(Cursor::ResizeSE)});
	encode(b, ClipboardData{77, "copied"});
	encode(b, Pong{5});
	encode(b, AckConfigure{1, 6});
	encode(b, OpenFileBegin{4, "a.txt"});
	encode(b, OpenFileChunk{"abcd"});
	encode(b, OpenFileEnd{});
	encode(b, Unmap{1});
	encode(b, DestroyWindow{2});
	return b;
}

std::vector<uint8_t> every_host_message()
{
	std::vector<uint8_t> b;
	encode(b, Welcome{1, 0, region, 1920, 1080, 2});
	encode(b, Keymap{"xkb_keymap { };"});
	encode(b, Output{2560, 1440, 1});
	encode(b, Configure{1, 800, 600, configure_activated | configure_resizing, 3});
	encode(b, BufferRelease{1, 8192});
	encode(b, FrameDone{1, 1000});
	encode(b, Close{1});
	encode(b, KeyboardEnter{1});
	encode(b, Key{10, 30, state_pressed});
	encode(b, Modifiers{1, 0, 2, 0});
	encode(b, KeyboardLeave{1});
	encode(b, PointerEnter{1, 10 << 8, 20 << 8});
	encode(b, PointerMotion{11, 11 << 8, -5 << 8});
	encode(b, PointerButton{12, 0x110, state_released});
	encode(b, PointerAxis{13, axis_horizontal, 15 << 8, 1});
	encode(b, PointerLeave{1});
	encode(b, ClipboardRequest{77});
	encode(b, ClipboardSet{"pasted"});
	encode(b, Ping{5});
	return b;
}

std::vector<UntrustedMessage> chunked(const std::vector<uint8_t> &bytes, std::size_t chunk)
{
	Decoder d(Limits{});
	std::vector<UntrustedMessage> out;
	for (std::size_t i = 0; i < bytes.size(); i += chunk) {
		d.feed(bytes.data() + i, std::min(chunk, bytes.size() - i));
		while (auto m = d.next()) {
			REQUIRE(m->ok());
			out.push_back(m->value());
		}
	}
	CHECK(d.buffered() == 0);
	return out;
}

} // namespace

TEST_CASE("every guest message: byte by byte, in one chunk, in odd chunks, all accepted", "[wire][decoder]")
{
	const auto bytes = every_guest_message();
	for (std::size_t chunk : {std::size_t{1}, std::size_t{5}, std::size_t{11}, std::size_t{64}, bytes.size()}) {
		INFO("chunk " << chunk);
		const auto all = chunked(bytes, chunk);
		REQUIRE(all.size() == 17);
		GuestSession s(Limits{}, region);
		s.expect_clipboard(77);
		std::vector<uint16_t> types;
		for (const auto &m : all) {
			auto r = s.accept(m);
			INFO(type_name(m.untrusted_type()) << ": " << (r.ok() ? "" : r.error().reason));
			CHECK(r.ok());
			types.push_back(m.untrusted_type());
		}
		CHECK(types == std::vector<uint16_t>{1, 2, 2, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 5, 3});
		CHECK(s.window_count() == 1);
		CHECK(s.has_window(1));
		CHECK_FALSE(s.has_window(2));
	}
}

TEST_CASE("every host message: byte by byte and in one chunk, all accepted by the agent's session", "[wire][decoder]")
{
	const auto bytes = every_host_message();
	for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, bytes.size()}) {
		const auto all = chunked(bytes, chunk);
		REQUIRE(all.size() == 19);
		HostSession s(Limits{}, region);
		for (const auto &m : all) {
			auto r = s.accept(m);
			INFO(type_name(m.untrusted_type()) << ": " << (r.ok() ? "" : r.error().reason));
			CHECK(r.ok());
		}
		CHECK(s.handshake_done());
		CHECK(s.region_size() == region);
	}
}

TEST_CASE("hello carries the version and the region size the agent sees", "[wire]")
{
	const auto bytes = to_bytes(Hello{1, 3, 0x1122334455667788ull});
	REQUIRE(bytes.size() == header_size + 12);
	CHECK(bytes[0] == 1);
	CHECK(bytes[8] == 12);
	CHECK(bytes[header_size + 2] == 3); // minor
	CHECK(bytes[header_size + 4] == 0x88); // region size, little-endian
	CHECK(bytes[header_size + 11] == 0x11);
}

TEST_CASE("the decoder waits for a whole header and a whole payload", "[wire][decoder]")
{
	const auto bytes = to_bytes(SetTitle{1, "title"});
	Decoder d(Limits{});
	d.feed(bytes.data(), header_size - 1);
	CHECK_FALSE(d.next());
	d.feed(bytes.data() + header_size - 1, 1);
	CHECK_FALSE(d.next()); // header whole, payload missing
	CHECK(d.buffered() == header_size);
	d.feed(bytes.data() + header_size, bytes.size() - header_size);
	auto m = d.next();
	REQUIRE(m);
	REQUIRE(m->ok());
	CHECK(m->value().untrusted_type() == t(Type::SetTitle));
	CHECK(m->value().untrusted_window() == 1);
	CHECK(m->value().untrusted_size() == 5);
	CHECK_FALSE(d.next());
}

TEST_CASE("an oversized length fails on the header alone, and the failure sticks", "[wire][decoder]")
{
	Limits l;
	l.max_payload = 100;
	Decoder d(l);
	auto bytes = raw(t(Type::SetTitle), 1, {});
	bytes[8] = 101; // claims 101 bytes; none follow
	d.feed(bytes.data(), bytes.size());
	auto m = d.next();
	REQUIRE(m);
	REQUIRE_FALSE(m->ok());
	CHECK(m->error().rule == Rule::MessageTooLarge);
	CHECK(m->error().reason.find("101") != std::string::npos);
	CHECK(d.failed());
	// Valid bytes afterwards do not revive the stream.
	const auto good = to_bytes(Pong{1});
	d.feed(good.data(), good.size());
	auto again = d.next();
	REQUIRE(again);
	REQUIRE_FALSE(again->ok());
	CHECK(again->error().rule == Rule::MessageTooLarge);
}

TEST_CASE("a length just over the limit fails; the largest length passes", "[wire][decoder]")
{
	Decoder over(Limits{});
	auto bytes = raw(t(Type::Keymap), 0, {});
	const uint32_t big = limit::payload_bytes + 1;
	for (int i = 0; i < 4; ++i)
		bytes[8 + i] = static_cast<uint8_t>(big >> (8 * i));
	over.feed(bytes.data(), bytes.size());
	CHECK(over.next()->error().rule == Rule::MessageTooLarge);
	CHECK(limit::message_bytes == header_size + limit::payload_bytes);
	const auto full = raw(t(Type::Keymap), 0, std::vector<uint8_t>(limit::payload_bytes, 'k'));
	CHECK(chunked(full, 4096).size() == 1);
}

TEST_CASE("only the clipboard types may pass the payload limit, up to the clipboard limit", "[wire][decoder]")
{
	auto with_length = [](Type type, uint32_t length) {
		auto bytes = raw(t(type), 0, {});
		for (int i = 0; i < 4; ++i)
			bytes[8 + i] = static_cast<uint8_t>(length >> (8 * i));
		return bytes;
	};
	auto fails = [](const std::vector<uint8_t> &bytes) {
		Decoder d(Limits{});
		d.feed(bytes.data(), bytes.size());
		auto r = d.next();
		return r && !r->ok() && r->error().rule == Rule::MessageTooLarge;
	};
	CHECK(fails(with_length(Type::Keymap, limit::payload_bytes + 1)));
	CHECK_FALSE(fails(with_length(Type::ClipboardData, limit::clipboard_payload_bytes)));
	CHECK(fails(with_length(Type::ClipboardData, limit::clipboard_payload_bytes + 1)));
	CHECK_FALSE(fails(with_length(Type::ClipboardSet, limit::clipboard_payload_bytes)));
	CHECK(fails(with_length(Type::ClipboardSet, limit::clipboard_payload_bytes + 1)));
	// A decoder made from a bare payload limit allows nothing more.
	Decoder small(1024);
	const auto bytes = with_length(Type::ClipboardData, 1025);
	small.feed(bytes.data(), bytes.size());
	CHECK(small.next()->error().rule == Rule::MessageTooLarge);
}

TEST_CASE("unknown types and wrong directions, both ways", "[wire]")
{
	GuestSession s = ready_session();
	CHECK(rule_of(s, one(raw(0, 0, {}))) == Rule::UnknownType);
	CHECK(rule_of(s, one(raw(19, 0, {}))) == Rule::UnknownType);
	CHECK(rule_of(s, one(raw(40, 0, {}))) == Rule::UnknownType);
	CHECK(rule_of(s, one(raw(120, 0, {}))) == Rule::UnknownType);
	CHECK(rule_of(s, one(raw(0xffff, 0, {}))) == Rule::UnknownType);
	CHECK(rule_of(s, one(to_bytes(Ping{1}))) == Rule::WrongDirection);
	CHECK(rule_of(s, one(to_bytes(Welcome{1, 0, region, 1, 1, 1}))) == Rule::WrongDirection);
	const Limits l;
	CHECK(parse_host_message(one(raw(120, 0, {})), l).error().rule == Rule::UnknownType);
	CHECK(parse_host_message(one(to_bytes(Pong{1})), l).error().rule == Rule::WrongDirection);
}

TEST_CASE("every fixed part one byte short, and every fixed-size message one byte long", "[wire]")
{
	struct Case {
		Type type;
		uint32_t window;     // a live window, a new one for create, or 0
		std::size_t fixed;   // payload bytes of the fixed part
		bool variable;       // more may follow
	};
	const Case cases[] = {
		{Type::CreateWindow, 9, 12, false}, {Type::DestroyWindow, 1, 0, false}, {Type::Map, 1, 0, false},
		{Type::Unmap, 1, 0, false}, {Type::SetTitle, 1, 0, true}, {Type::SetAppId, 1, 0, true},
		{Type::SizeHints, 1, 16, false}, {Type::Attach, 1, 28, true}, {Type::SetCursor, 1, 4, false},
		{Type::ClipboardData, 0, 4, true}, {Type::Pong, 0, 4, false}, {Type::AckConfigure, 1, 4, false},
		{Type::OpenFileBegin, 0, 8, true}, {Type::OpenFileChunk, 0, 0, true}, {Type::OpenFileEnd, 0, 0, false},
		{Type::SetFullscreen, 1, 4, false}, {Type::DemandsAttention, 1, 0, false},
	};
	int checked = 0;
	for (const Case &c : cases) {
		INFO("type " << type_name(t(c.type)));
		GuestSession s = ready_session();
		if (c.fixed > 0) {
			CHECK(rule_of(s, one(raw(t(c.type), c.window, std::vector<uint8_t>(c.fixed - 1)))) == Rule::BadLength);
			++checked;
		}
		if (!c.variable) {
			CHECK(rule_of(s, one(raw(t(c.type), c.window, std::vector<uint8_t>(c.fixed + 1)))) == Rule::BadLength);
			++checked;
		}
	}
	CHECK(checked == 20);
	// Hello: 11 bytes of a 1.x hello are too few.
	GuestSession fresh(Limits{}, region);
	std::vector<uint8_t> hello(11, 0);
	hello[0] = 1;
	CHECK(rule_of(fresh, one(raw(1, 0, hello))) == Rule::BadLength);
	hello.resize(13, 0);
	CHECK(rule_of(fresh, one(raw(1, 0, hello))) == Rule::BadLength);
}

TEST_CASE("a damage count that disagrees with the length, either way", "[wire]")
{
	GuestSession s = ready_session();
	Attach a = good_attach();
	a.damage = {{0, 0, 1, 1}, {1, 1, 1, 1}};
	auto bytes = to_bytes(a);
	bytes[header_size + 24] = 1; // says 1, carries 2
	CHECK(rule_of(s, one(bytes)) == Rule::BadLength);
	bytes[header_size + 24] = 3; // says 3, carries 2
	CHECK(rule_of(s, one(bytes)) == Rule::BadLength);
	bytes[header_size + 24] = 0xff; // more than the limit, checked before the bytes
	CHECK(rule_of(s, one(bytes)) == Rule::TooManyRects);
	bytes[header_size + 24] = 2;
	CHECK(s.accept(one(bytes)).ok());
}

TEST_CASE("nothing but hello before the handshake", "[wire][handshake]")
{
	const std::vector<std::vector<uint8_t>> before = {
		to_bytes(CreateWindow{1, 0, 0, 0}), to_bytes(Map{1}), to_bytes(SetTitle{1, "x"}), to_bytes(good_attach()),
		to_bytes(Pong{0}), to_bytes(ClipboardData{0, ""}), to_bytes(OpenFileBegin{1, "f"}), to_bytes(OpenFileEnd{}),
	};
	for (const auto &bytes : before) {
		GuestSession s(Limits{}, region);
		CHECK(rule_of(s, one(bytes)) == Rule::BeforeHandshake);
		CHECK_FALSE(s.handshake_done());
	}
}

TEST_CASE("versions: major must match, even in a hello of another layout; minor goes down", "[wire][handshake]")
{
	GuestSession s(Limits{}, region);
	CHECK(rule_of(s, one(raw(1, 0, {2, 0, 0, 0}))) == Rule::VersionMismatch); // a 2.x hello, shorter
	CHECK(rule_of(s, one(raw(1, 0, {0, 0, 5, 0}))) == Rule::VersionMismatch); // 0.5
	REQUIRE(s.accept(one(to_bytes(Hello{1, 0}))).ok());
	CHECK(rule_of(s, one(to_bytes(Hello{1, 0}))) == Rule::DuplicateHandshake);
	CHECK(rule_of(s, one(to_bytes(Hello{2, 0}))) == Rule::DuplicateHandshake);
	GuestSession u(Limits{}, region);
	CHECK(rule_of(u, one(raw(1, 0, {1, 0, 0, 0}))) == Rule::BadLength); // 1.x hello is 12 bytes
	auto hi = u.accept(one(to_bytes(Hello{1, 0xffff})));
	REQUIRE(hi.ok());
	CHECK(std::get<Hello>(hi.value()).minor == version_minor);
	CHECK(u.negotiated_minor() == version_minor);
}

TEST_CASE("hello: a region size other than the host's is refused; 0 means not known yet", "[wire][handshake]")
{
	GuestSession a(Limits{}, region);
	auto r = a.accept(one(to_bytes(Hello{1, 0, region + 4096})));
	REQUIRE_FALSE(r.ok());
	CHECK(r.error().rule == Rule::RegionMismatch);
	CHECK_FALSE(a.handshake_done());
	CHECK(a.accept(one(to_bytes(Hello{1, 0, region}))).ok());
	GuestSession b(Limits{}, region);
	CHECK(b.accept(one(to_bytes(Hello{1, 0, 0}))).ok());
}

TEST_CASE("window ids: messages not about a window carry 0", "[wire]")
{
	GuestSession s = ready_session();
	s.expect_clipboard(1);
	CHECK(rule_of(s, one(raw(t(Type::Pong), 1, {0, 0, 0, 0}))) == Rule::BadWindowId);
	CHECK(rule_of(s, one(raw(t(Type::ClipboardData), 3, {1, 0, 0, 0}))) == Rule::BadWindowId);
	CHECK(rule_of(s, one(raw(t(Type::OpenFileEnd), 1, {}))) == Rule::BadWindowId);
	const Limits l;
	CHECK(parse_host_message(one(raw(t(Type::Ping), 4, {0, 0, 0, 0})), l).error().rule == Rule::BadWindowId);
	CHECK(parse_host_message(one(to_bytes(Configure{0, 1, 1, 0, 0})), l).error().rule == Rule::BadWindowId);
	CHECK(parse_host_message(one(to_bytes(FrameDone{0, 1})), l).error().rule == Rule::BadWindowId);
}

TEST_CASE("a refused message leaves the session as it was", "[wire]")
{
	Limits l;
	l.max_windows = 2;
	GuestSession s = ready_session(l);
	CHECK(rule_of(s, encoded(CreateWindow{5, 0, 3, 3})) == Rule::PopupOffset);
	CHECK_FALSE(s.has_window(5));
	CHECK(s.window_count() == 1);
	CHECK(s.accept(encoded(CreateWindow{5, 0, 0, 0})).ok());
	CHECK(rule_of(s, encoded(CreateWindow{6, 0, 0, 0})) == Rule::TooManyWindows);
	// Destroying frees the slot; the id may then be used again.
	CHECK(s.accept(encoded(DestroyWindow{5})).ok());
	CHECK(s.accept(encoded(CreateWindow{6, 0, 0, 0})).ok());
	CHECK(s.accept(encoded(DestroyWindow{6})).ok());
	CHECK(s.accept(encoded(CreateWindow{5, 0, 0, 0})).ok());
}

TEST_CASE("the default window limit: 512 windows, not 513", "[wire][limits]")
{
	GuestSession s(Limits{}, region);
	REQUIRE(s.accept(encoded(Hello{})).ok());
	for (uint32_t id = 1; id <= limit::windows; ++id)
		REQUIRE(s.accept(encoded(CreateWindow{id, 0, 0, 0})).ok());
	CHECK(s.window_count() == 512);
	CHECK(rule_of(s, encoded(CreateWindow{limit::windows + 1, 0, 0, 0})) == Rule::TooManyWindows);
}

TEST_CASE("the default popup limits: 16 deep and +-16384, not more", "[wire][limits]")
{
	GuestSession s = ready_session();
	for (uint32_t id = 2; id <= 17; ++id)
		REQUIRE(s.accept(encoded(CreateWindow{id, id - 1, 1, 1})).ok());
	CHECK(rule_of(s, encoded(CreateWindow{18, 17, 1, 1})) == Rule::PopupTooDeep);
	CHECK(s.accept(encoded(CreateWindow{30, 1, 16384, -16384})).ok());
	CHECK(rule_of(s, encoded(CreateWindow{31, 1, -16385, 0})) == Rule::PopupOffset);
	CHECK(rule_of(s, encoded(CreateWindow{31, 1, 0, INT32_MIN})) == Rule::PopupOffset);
	// Destroying the toplevel takes the whole chain.
	CHECK(s.accept(encoded(DestroyWindow{1})).ok());
	CHECK(s.window_count() == 0);
}

TEST_CASE("overflow-safe region arithmetic", "[wire][region]")
{
	CHECK(span_inside_region(0, 400, 50, 20000));
	CHECK_FALSE(span_inside_region(1, 400, 50, 20000));
	CHECK(span_inside_region(20000, 0, 0, 20000));
	CHECK_FALSE(span_inside_region(20001, 0, 0, 20000));
	// offset + size wraps to a small number: a naive sum would pass.
	CHECK_FALSE(span_inside_region(UINT64_MAX - 3, 4, 1, UINT64_MAX));
	CHECK_FALSE(span_inside_region(UINT64_MAX, 1, 1, 100));
	// stride x height wraps past 2^64: a naive product would pass.
	CHECK_FALSE(span_inside_region(0, 1ull << 33, 1ull << 31, UINT64_MAX)); // exactly 2^64
	CHECK_FALSE(span_inside_region(0, 1ull << 40, 1ull << 40, UINT64_MAX));
	CHECK(span_inside_region(0, 1ull << 32, (1ull << 32) - 1, UINT64_MAX));
}

TEST_CASE("attach: an offset near 2^64 in a huge region is refused, not wrapped", "[wire][region]")
{
	GuestSession s(Limits{}, UINT64_MAX);
	REQUIRE(s.accept(encoded(Hello{})).ok());
	REQUIRE(s.accept(encoded(CreateWindow{1, 0, 0, 0})).ok());
	Attach a = good_attach();
	a.damage.clear();
	a.width = 1;
	a.height = 1;
	a.stride = 4;
	a.offset = UINT64_MAX - 3; // + 4 bytes = 2^64, which wraps to 0
	const auto r = s.accept(encoded(a));
	REQUIRE_FALSE(r.ok());
	CHECK(r.error().rule == Rule::BufferOutsideRegion);
	a.offset = UINT64_MAX - 7; // ends at 2^64 - 4, inside
	CHECK(s.accept(encoded(a)).ok());
}

TEST_CASE("attach: a buffer one byte past the region's end", "[wire][region]")
{
	// 100x50 at stride 400 is 20000 bytes; at offset 4 it ends at 20004.
	Attach a = good_attach();
	a.damage.clear();
	a.offset = 4;
	for (uint64_t size : {uint64_t{20004}, uint64_t{20003}}) {
		GuestSession s(Limits{}, size);
		REQUIRE(s.accept(encoded(Hello{})).ok());
		REQUIRE(s.accept(encoded(CreateWindow{1, 0, 0, 0})).ok());
		auto r = s.accept(encoded(a));
		CHECK(r.ok() == (size == 20004));
		if (!r.ok()) {
			CHECK(r.error().rule == Rule::BufferOutsideRegion);
			CHECK(r.error().reason.find("window 1") != std::string::npos);
			CHECK(r.error().reason.find("20003") != std::string::npos);
		}
	}
}

TEST_CASE("attach: stride padding at and over its limit", "[wire][limits]")
{
	GuestSession s = ready_session();
	Attach a = good_attach();
	a.stride = 400 + limit::stride_padding;
	CHECK(s.accept(encoded(a)).ok());
	a.stride += 4;
	CHECK(rule_of(s, encoded(a)) == Rule::BadStride);
}

TEST_CASE("attach: damage at the buffer's edges", "[wire]")
{
	GuestSession s = ready_session();
	Attach a = good_attach();
	a.damage = {{0, 0, 100, 50}, {99, 49, 1, 1}, {0, 49, 100, 1}};
	auto r = s.accept(encoded(a));
	REQUIRE(r.ok());
	CHECK(std::get<Attach>(r.value()).damage.size() == 3);
	for (const Rect bad : {Rect{100, 0, 1, 1}, Rect{0, 50, 1, 1}, Rect{0, 0, 101, 1}, Rect{0, 0, 1, 51},
		     Rect{1, 1, INT32_MAX, 1}, Rect{0, INT32_MIN, 1, 1}}) {
		a.damage = {{0, 0, 1, 1}, bad}; // the bad one second: every rectangle is checked
		CHECK(rule_of(s, encoded(a)) == Rule::RectOutsideBuffer);
	}
	a.damage.clear(); // no damage is allowed (nothing new to show)
	CHECK(s.accept(encoded(a)).ok());
}

TEST_CASE("strings: more invalid UTF-8, kept characters, cut at a character boundary", "[wire][text]")
{
	CHECK(clean_text("\xe0\x80\xaf", 64) == "\uFFFD\uFFFD\uFFFD");           // overlong, 3 bytes
	CHECK(clean_text("\xf0\x80\x80\xaf", 64) == "\uFFFD\uFFFD\uFFFD\uFFFD"); // overlong, 4 bytes
	CHECK(clean_text("\xed\xa0\x80", 64) == "\uFFFD\uFFFD\uFFFD");           // a surrogate
	CHECK(clean_text("\xf4\x90\x80\x80", 64) == "\uFFFD\uFFFD\uFFFD\uFFFD"); // past U+10FFFF
	CHECK(clean_text("ab\xe2\x82", 64) == "ab\uFFFD\uFFFD");                // truncated
	CHECK(clean_text("\x80x", 64) == "\uFFFDx");                             // a lone continuation
	CHECK(clean_text("Grüße 日本 😀", 64) == "Grüße 日本 😀");
	CHECK(clean_text("a\x7f" "b\xc2\x85" "c", 64) == "a b c"); // DEL, NEL
	CHECK(clean_text(std::string("a\0b", 3), 64) == "a b");
	CHECK(clean_text("a\t\t\n b", 64) == "a b");
	CHECK(clean_text("  x  ", 64) == "x");
	CHECK(clean_text("x\u200By\u2066z\u2069\uFEFF", 64) == "xyz");
	CHECK(clean_text("a\u2028b", 64) == "a b");
	CHECK(clean_text("ääää", 5) == "ää"); // 2-byte characters: a third would need 6
	CHECK(clean_text("abc", 0).empty());
}

TEST_CASE("a title of invalid bytes stays within the title limit after cleaning", "[wire][text]")
{
	GuestSession s = ready_session();
	auto r = s.accept(encoded(SetTitle{1, std::string(limit::title_bytes, '\xff')}));
	REQUIRE(r.ok());
	const std::string &title = std::get<SetTitle>(r.value()).title;
	CHECK(title.size() <= limit::title_bytes);
	CHECK(title.size() == 1023); // 341 x U+FFFD
	CHECK(title.substr(0, 3) == "\uFFFD");
}

TEST_CASE("app ids at the limit; control characters and overrides removed", "[wire][limits]")
{
	GuestSession s = ready_session();
	CHECK(s.accept(encoded(SetAppId{1, std::string(limit::app_id_bytes, 'a')})).ok());
	auto r = s.accept(encoded(SetAppId{1, "org.\x1b\u202Eevil\n"}));
	REQUIRE(r.ok());
	CHECK(std::get<SetAppId>(r.value()).app_id == "org. evil");
}

TEST_CASE("cursor names come from the fixed list", "[wire]")
{
	CHECK(std::string(cursor_name(0)) == "default");
	CHECK(std::string(cursor_name(static_cast<uint32_t>(Cursor::Text))) == "text");
	CHECK(std::string(cursor_name(static_cast<uint32_t>(Cursor::ResizeEW))) == "ew-resize");
	CHECK(std::string(cursor_name(static_cast<uint32_t>(Cursor::Hidden))) == "none");
	CHECK(cursor_name(cursor_count) == nullptr);
	GuestSession s = ready_session();
	CHECK(s.accept(encoded(SetCursor{1, 0})).ok());
	CHECK(rule_of(s, encoded(SetCursor{1, 0x80000000u})) == Rule::UnknownCursor);
}

TEST_CASE("files: name and size and chunk limits", "[wire][limits]")
{
	GuestSession s = ready_session();
	CHECK(s.accept(encoded(OpenFileBegin{limit::file_bytes, std::string(limit::file_name_bytes, 'n')})).ok());
	// A chunk at the chunk limit passes; one byte more does not.
	CHECK(s.accept(encoded(OpenFileChunk{std::string(limit::file_chunk_bytes, 'd')})).ok());
	CHECK(rule_of(s, encoded(OpenFileChunk{std::string(limit::file_chunk_bytes + 1, 'd')})) == Rule::FileTooLarge);
	GuestSession t = ready_session();
	CHECK(rule_of(t, encoded(OpenFileBegin{limit::file_bytes + 1, "big"})) == Rule::FileTooLarge);
	CHECK(rule_of(t, encoded(OpenFileBegin{1, std::string(limit::file_name_bytes + 1, 'n')})) == Rule::BadFileName);
	CHECK(rule_of(t, encoded(OpenFileBegin{1, ""})) == Rule::BadFileName);
	CHECK(rule_of(t, encoded(OpenFileBegin{1, "-- ."})) == Rule::BadFileName);
	auto r = t.accept(encoded(OpenFileBegin{0, ".bashrc;`rm -rf ~`$(x)"}));
	REQUIRE(r.ok());
	CHECK(std::get<OpenFileBegin>(r.value()).name == "bashrc;_rm -rf ~__(x)");
	CHECK(t.accept(encoded(OpenFileEnd{})).ok()); // an empty file is whole at once
}

TEST_CASE("the agent's session: welcome first and once, the same region", "[wire][handshake]")
{
	HostSession s(Limits{}, region);
	auto early = s.accept(encoded(Configure{1, 10, 10, 0, 0}));
	REQUIRE_FALSE(early.ok());
	CHECK(early.error().rule == Rule::BeforeHandshake);
	auto other = s.accept(encoded(Welcome{1, 0, region * 2, 100, 100, 1}));
	REQUIRE_FALSE(other.ok());
	CHECK(other.error().rule == Rule::RegionMismatch);
	CHECK_FALSE(s.handshake_done());
	REQUIRE(s.accept(encoded(Welcome{1, 0, region, 100, 100, 1})).ok());
	CHECK(s.negotiated_minor() == 0);
	CHECK(s.accept(encoded(Welcome{1, 0, region, 100, 100, 1})).error().rule == Rule::DuplicateHandshake);
	CHECK(s.accept(encoded(BufferRelease{1, region - 4})).ok());
	CHECK(s.accept(encoded(BufferRelease{1, region})).error().rule == Rule::BufferOutsideRegion);
	CHECK(s.accept(encoded(BufferRelease{1, 6})).error().rule == Rule::Misaligned);
	// An agent that learns the region from the welcome takes any non-zero size.
	HostSession local;
	CHECK(local.accept(encoded(Welcome{1, 0, 4096, 0, 0, 1})).ok());
	CHECK(local.region_size() == 4096);
}

TEST_CASE("the agent refuses a welcome that is not a version it speaks", "[wire][handshake]")
{
	const Limits l;
	CHECK(parse_host_message(encoded(Welcome{1, version_minor + 1, region, 1, 1, 1}), l).error().rule ==
		Rule::VersionMismatch);
	CHECK(parse_host_message(encoded(Welcome{0, 0, region, 1, 1, 1}), l).error().rule == Rule::VersionMismatch);
	CHECK(parse_host_message(encoded(Welcome{1, 0, 0, 1, 1, 1}), l).error().rule == Rule::BadSize);
}

TEST_CASE("host values: states, axes, flags, output sizes and scales, keymap size", "[wire][limits]")
{
	const Limits l;
	auto rule = [&](const auto &m) {
		auto r = parse_host_message(encoded(m), l);
		REQUIRE_FALSE(r.ok());
		INFO(r.error().reason);
		return r.error().rule;
	};
	auto ok = [&](const auto &m) { return parse_host_message(encoded(m), l).ok(); };
	CHECK(ok(Key{0, 1, state_pressed}));
	CHECK(rule(Key{0, 1, 2}) == Rule::BadValue);
	CHECK(rule(PointerButton{0, 0x110, 7}) == Rule::BadValue);
	CHECK(rule(PointerAxis{0, 2, 0, 0}) == Rule::BadValue);
	CHECK(ok(Configure{1, 16384, 6144, configure_known_flags, 1}));
	CHECK(rule(Configure{1, 16385, 1, 0, 1}) == Rule::BadSize);
	CHECK(rule(Configure{1, 1, 6145, 0, 1}) == Rule::BadSize);
	CHECK(rule(Configure{1, 1, 1, 16, 1}) == Rule::BadValue);
	CHECK(ok(Output{16384, 16384, limit::output_scale}));
	CHECK(rule(Output{16385, 1, 1}) == Rule::BadSize);
	CHECK(rule(Output{1, -1, 1}) == Rule::BadSize);
	CHECK(rule(Output{1, 1, 0}) == Rule::BadValue);
	CHECK(rule(Output{1, 1, limit::output_scale + 1}) == Rule::BadValue);
	CHECK(rule(Welcome{1, 0, region, 1, 1, 0}) == Rule::BadValue);
	CHECK(ok(Keymap{std::string(limit::keymap_bytes, 'k')}));
	Limits small;
	small.max_keymap_bytes = 10;
	CHECK(parse_host_message(encoded(Keymap{std::string(11, 'k')}), small).error().rule == Rule::StringTooLong);
	CHECK(ok(ClipboardSet{std::string(limit::clipboard_bytes, 'c')}));
	CHECK(rule(ClipboardSet{std::string(limit::clipboard_bytes + 1, 'c')}) == Rule::StringTooLong);
}

TEST_CASE("names: every type and every rule has its own", "[wire]")
{
	std::set<std::string> types;
	for (uint16_t type = 0; type < 100; ++type)
		if (std::string(type_name(type)) != "unknown")
			types.insert(type_name(type));
	CHECK(types.size() == 44);
	std::set<std::string> rules;
	for (int r = 0; r <= static_cast<int>(Rule::BadValue); ++r)
		rules.insert(rule_name(static_cast<Rule>(r)));
	CHECK(rules.size() == static_cast<std::size_t>(Rule::BadValue) + 1);
	CHECK(rules.count("unknown-rule") == 0);
	CHECK(rules.count("buffer-outside-region") == 1);
}

TEST_CASE("1.1: app-exited and return-file only for what the host launched and asked back", "[wire]")
{
	GuestSession s = ready_session();
	CHECK(rule_of(s, encoded(AppExited{7, 0})) == Rule::Unrequested);
	CHECK(rule_of(s, encoded(ReturnFileBegin{7, 3})) == Rule::Unrequested);
	s.expect_app(7, false);
	CHECK(rule_of(s, encoded(ReturnFileBegin{7, 3})) == Rule::Unrequested); // not asked back
	CHECK(s.accept(encoded(AppExited{7, 0})).ok());
	CHECK(rule_of(s, encoded(AppExited{7, 0})) == Rule::Unrequested); // once

	s.expect_app(8, true);
	CHECK(rule_of(s, encoded(ReturnFileBegin{8, limit::file_bytes + 1})) == Rule::FileTooLarge);
	auto b = s.accept(encoded(ReturnFileBegin{8, 3}));
	REQUIRE(b.ok());
	CHECK(s.receiving_return());
	CHECK(rule_of(s, encoded(OpenFileBegin{1, "x"})) == Rule::Unrequested); // one file at a time
	CHECK(rule_of(s, encoded(OpenFileChunk{"abcd"})) == Rule::FileTooLarge);
	CHECK(s.accept(encoded(OpenFileChunk{"abc"})).ok());
	CHECK(s.accept(encoded(OpenFileEnd{})).ok());
	CHECK_FALSE(s.receiving_return());
	CHECK(rule_of(s, encoded(ReturnFileBegin{8, 3})) == Rule::Unrequested); // already got it
	CHECK(s.accept(encoded(AppExited{8, 1})).ok());
	CHECK(rule_of(s, encoded(AppExited{8, 1})) == Rule::Unrequested);
}

TEST_CASE("1.1: the agent checks launch, files and open results from the host", "[wire]")
{
	const Limits l;
	auto parse = [&](const auto &m) { return parse_host_message(one(to_bytes(m)), l); };
	auto launch = parse(Launch{3, "firefox-esr"});
	REQUIRE(launch.ok());
	CHECK(std::get<Launch>(launch.value()).command == "firefox-esr");
	CHECK(parse(Launch{3, ""}).error().rule == Rule::StringTooLong);
	CHECK(parse(Launch{3, std::string(limit::command_bytes + 1, 'x')}).error().rule == Rule::StringTooLong);

	auto begin = parse(FileBegin{4, file_open | file_return, 10, "report.pdf"});
	REQUIRE(begin.ok());
	CHECK(std::get<FileBegin>(begin.value()).size == 10);
	CHECK(parse(FileBegin{4, 8, 10, "report.pdf"}).error().rule == Rule::BadValue);
	CHECK(parse(FileBegin{4, 0, limit::file_bytes + 1, "a"}).error().rule == Rule::FileTooLarge);
	CHECK(parse(FileBegin{4, 0, 1, "../etc/passwd"}).error().rule == Rule::BadFileName);
	CHECK(parse(FileBegin{4, 0, 1, ""}).error().rule == Rule::BadFileName);
	CHECK(parse(FileChunk{std::string(limit::file_chunk_bytes, 'c')}).ok());
	CHECK(parse(FileChunk{std::string(limit::file_chunk_bytes + 1, 'c')}).error().rule == Rule::FileTooLarge);
	CHECK(parse(FileEnd{}).ok());

	auto result = parse(OpenResult{1, static_cast<uint32_t>(OpenStatus::Refused), "policy"});
	REQUIRE(result.ok());
	CHECK(std::get<OpenResult>(result.value()).text == "policy");
	CHECK(parse(OpenResult{1, open_status_count, ""}).error().rule == Rule::BadValue);
	CHECK(parse(OpenResult{1, 0, std::string(limit::result_text_bytes + 1, 't')}).error().rule == Rule::StringTooLong);
	// Every 1.1 host message is 0-window; one with a window breaks the rule.
	CHECK(parse_host_message(one(raw(static_cast<uint16_t>(Type::FileEnd), 5, {})), l).error().rule ==
		Rule::BadWindowId);
}
