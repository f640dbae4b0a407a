#include "wire/codec.hpp"

#include <catch2/catch.hpp>

#include <cstring>

using namespace bulkhead::wire;

namespace {

constexpr uint64_t region = 64ull << 20;

std::vector<UntrustedMessage> decode_all(const std::vector<uint8_t> &bytes, std::size_t chunk = SIZE_MAX)
{
	Decoder d(Limits{}.max_payload);
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
	Decoder d(Limits{}.max_payload);
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

TEST_CASE("clipboard data only when asked, once, within the limit", "[wire]")
{
	GuestSession s = ready_session();
	CHECK(rule_of(s, encoded(ClipboardData{1, "x"})) == Rule::Unrequested);
	s.expect_clipboard(1);
	CHECK(rule_of(s, encoded(ClipboardData{1, std::string(64 * 1024 + 1, 'x')})) == Rule::StringTooLong);
	CHECK(s.accept(encoded(ClipboardData{1, std::string(64 * 1024, 'x')})).ok());
	CHECK(rule_of(s, encoded(ClipboardData{1, "again"})) == Rule::Unrequested);
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
	encode(bytes, Welcome{2, 0, 0, 0, 0, 1});
	CHECK(parse_host_message(one(bytes), l).error().rule == Rule::VersionMismatch);
	bytes.clear();
	encode(bytes, Hello{});
	CHECK(parse_host_message(one(bytes), l).error().rule == Rule::UnknownType);
	bytes.clear();
	encode_raw(bytes, static_cast<uint16_t>(Type::Key), 0, {1, 2, 3});
	CHECK(parse_host_message(one(bytes), l).error().rule == Rule::BadLength);
}
