// The hostile-agent suite: a malicious guest agent, played by this program,
// against a real gui-daemon started by a real headless compositor for domain
// "evil" (label red), next to an honest local domain (label blue) running a
// weston client. For every attack: the expected outcome (the connection ends
// naming the broken rule, or the input is sanitised, or it is harmless), and
// proof that the compositor and the honest domain kept working: its window
// still updates in a screenshot.
#include "common.hpp"
#include "fake_agent.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <unistd.h>

using namespace harness;
namespace wire = bulkhead::wire;

namespace {

enum class Outcome { Ended, Sanitised, Harmless };

struct Attack {
	std::string name;
	Outcome outcome;
	std::string evidence; // Ended: the logged reason; Sanitised: a log regex
	std::function<void(FakeAgent &)> run;
	bool handshake = true; // start with an honest hello and window 1
	bool copy_gesture = false; // the user presses the copy key over window 1 first
};

std::vector<uint8_t> raw(uint16_t type, uint32_t window, std::vector<uint8_t> payload, uint16_t flags = 0)
{
	std::vector<uint8_t> out;
	wire::encode_raw(out, type, window, payload, flags);
	return out;
}

wire::Attach attach(uint32_t w = 64, uint32_t h = 48)
{
	wire::Attach a;
	a.window = 1;
	a.width = w;
	a.height = h;
	a.stride = w * 4;
	return a;
}

std::vector<Attack> attacks()
{
	using O = Outcome;
	std::vector<Attack> list;
	auto ended = [&](std::string name, std::string rule, std::function<void(FakeAgent &)> run, bool hs = true) {
		list.push_back({std::move(name), O::Ended, std::move(rule), std::move(run), hs});
	};
	// Framing and handshake.
	ended("a length that lies (1 GiB)", "rule message-too-large", [](FakeAgent &a) {
		auto m = raw(6, 1, {});
		m[11] = 0x40;
		a.send(m);
	});
	ended("reserved header flags set", "rule bad-header", [](FakeAgent &a) { a.send(raw(4, 1, {}, 0x8000)); });
	ended("an unknown message type", "rule unknown-type", [](FakeAgent &a) { a.send(raw(999, 1, {})); });
	ended("an unknown type in the guest range", "rule unknown-type", [](FakeAgent &a) { a.send(raw(63, 1, {})); });
	ended("a host-only message from the guest", "rule wrong-direction",
		[](FakeAgent &a) { a.send_message(wire::Configure{1, 10, 10, 0, 0}); });
	ended("a window before hello", "rule before-handshake",
		[](FakeAgent &a) { a.send_message(wire::CreateWindow{1, 0, 0, 0}); }, false);
	ended("a second hello", "rule duplicate-handshake", [](FakeAgent &a) { a.send_message(wire::Hello{}); });
	ended("another major version", "rule version-mismatch", [](FakeAgent &a) { a.send_message(wire::Hello{2, 0}); }, false);
	ended("a fixed part cut short", "rule bad-length", [](FakeAgent &a) { a.send(raw(2, 2, {1, 0, 0})); });
	ended("bytes after a message with no payload", "rule bad-length", [](FakeAgent &a) { a.send(raw(4, 1, {0})); });
	ended("half a message, then silence", "did not answer a ping", [](FakeAgent &a) {
		auto m = raw(6, 1, {'a', 'b', 'c', 'd'});
		m.resize(m.size() - 2);
		a.send(m);
	});
	ended("silence after hello", "did not answer a ping", [](FakeAgent &) {});
	ended("no hello at all", "no hello within", [](FakeAgent &) {}, false);
	// Windows.
	ended("window id 0", "rule bad-window-id", [](FakeAgent &a) { a.send_message(wire::CreateWindow{0, 0, 0, 0}); });
	ended("a duplicate create", "rule window-exists", [](FakeAgent &a) { a.send_message(wire::CreateWindow{1, 0, 0, 0}); });
	ended("a window never created", "rule no-such-window", [](FakeAgent &a) { a.send_message(wire::Map{4242}); });
	ended("a window already destroyed", "rule no-such-window", [](FakeAgent &a) {
		a.send_message(wire::DestroyWindow{1});
		a.send_message(wire::SetTitle{1, "back from the dead"});
	});
	ended("10 000 windows", "rule too-many-windows", [](FakeAgent &a) {
		for (uint32_t id = 2; id <= 10000; ++id)
			a.send_message(wire::CreateWindow{id, 0, 0, 0});
	});
	ended("a popup chain 1000 deep", "rule popup-too-deep", [](FakeAgent &a) {
		for (uint32_t id = 2; id <= 1001; ++id)
			a.send_message(wire::CreateWindow{id, id - 1, 1, 1});
	});
	ended("a popup of a missing parent", "rule bad-parent", [](FakeAgent &a) { a.send_message(wire::CreateWindow{2, 77, 0, 0}); });
	ended("a popup far off its parent", "rule popup-offset", [](FakeAgent &a) { a.send_message(wire::CreateWindow{2, 1, 100000, 0}); });
	ended("a toplevel placing itself", "rule popup-offset", [](FakeAgent &a) { a.send_message(wire::CreateWindow{2, 0, 500, 500}); });
	// Buffers.
	ended("a buffer 0 pixels wide", "rule bad-size", [](FakeAgent &a) { a.send_message(attach(0, 48)); });
	ended("a buffer wider than 16384", "rule bad-size", [](FakeAgent &a) { a.send_message(attach(16385, 1)); });
	ended("a buffer taller than 6144", "rule bad-size", [](FakeAgent &a) { a.send_message(attach(1, 6145)); });
	ended("an unknown pixel format", "rule bad-format", [](FakeAgent &a) {
		auto at = attach();
		at.format = 0x34324241;
		a.send_message(at);
	});
	ended("a stride shorter than a row", "rule bad-stride", [](FakeAgent &a) {
		auto at = attach();
		at.stride = 252;
		a.send_message(at);
	});
	ended("a stride not a multiple of 4", "rule bad-stride", [](FakeAgent &a) {
		auto at = attach();
		at.stride = 257;
		a.send_message(at);
	});
	ended("a misaligned offset", "rule misaligned", [](FakeAgent &a) {
		auto at = attach();
		at.offset = 6;
		a.send_message(at);
	});
	ended("an offset past the region", "rule buffer-outside-region", [&](FakeAgent &a) {
		auto at = attach();
		at.offset = a.region_size() + 4096;
		a.send_message(at);
	});
	ended("a buffer overlapping the region's end", "rule buffer-outside-region", [](FakeAgent &a) {
		auto at = attach();
		at.offset = a.region_size() - static_cast<uint64_t>(at.stride) * at.height + 4;
		a.send_message(at);
	});
	ended("an offset that overflows when added", "rule buffer-outside-region", [](FakeAgent &a) {
		auto at = attach();
		at.offset = UINT64_MAX - 1023;
		a.send_message(at);
	});
	ended("stride x height beyond the region", "rule buffer-outside-region", [](FakeAgent &a) {
		auto at = attach(16384, 6144);
		a.send_message(at);
	});
	ended("damage outside the buffer", "rule rect-outside-buffer", [](FakeAgent &a) {
		auto at = attach();
		at.damage = {{60, 40, 10, 10}};
		a.send_message(at);
	});
	ended("negative damage", "rule rect-outside-buffer", [](FakeAgent &a) {
		auto at = attach();
		at.damage = {{-5, 0, 10, 10}};
		a.send_message(at);
	});
	ended("65 damage rectangles", "rule too-many-rects", [](FakeAgent &a) {
		auto at = attach();
		at.damage.assign(65, {0, 0, 1, 1});
		a.send_message(at);
	});
	ended("a damage count that lies", "rule bad-length", [](FakeAgent &a) {
		auto at = attach();
		at.damage = {{0, 0, 1, 1}};
		std::vector<uint8_t> bytes;
		wire::encode(bytes, at);
		bytes[wire::header_size + 24] = 9;
		a.send(bytes);
	});
	// Strings and names.
	ended("a title over 1024 bytes", "rule string-too-long", [](FakeAgent &a) { a.send_message(wire::SetTitle{1, std::string(1025, 't')}); });
	ended("a 1 MiB title", "rule message-too-large", [](FakeAgent &a) { a.send_message(wire::SetTitle{1, std::string(1 << 20, 't')}); });
	ended("an app id over 256 bytes", "rule string-too-long", [](FakeAgent &a) { a.send_message(wire::SetAppId{1, std::string(257, 'a')}); });
	list.push_back({"a title faking the [dom0] prefix", O::Sanitised, "text=\"\\[evil\\] \\[dom0\\] root shell\"",
		[](FakeAgent &a) { a.send_message(wire::SetTitle{1, "[dom0] root shell"}); }});
	list.push_back({"a title with invalid UTF-8 and control characters", O::Sanitised, "text=\"\\[evil\\] a \\[2Jb\xef\xbf\xbd\"",
		[](FakeAgent &a) { a.send_message(wire::SetTitle{1, "a\x1b[2Jb\xff"}); }});
	list.push_back({"a title with a bidi override", O::Sanitised, "text=\"\\[evil\\] invoicegnp.exe\"",
		[](FakeAgent &a) { a.send_message(wire::SetTitle{1, "invoice\u202Egnp.exe"}); }});
	list.push_back({"a title of newlines pretending to be two lines", O::Sanitised, "text=\"\\[evil\\] ok \\[dom0\\] trusted\"",
		[](FakeAgent &a) { a.send_message(wire::SetTitle{1, "ok\n\n[dom0] trusted"}); }});
	// Everything else.
	ended("a cursor not in the list", "rule unknown-cursor", [](FakeAgent &a) { a.send_message(wire::SetCursor{1, 21}); });
	ended("clipboard data never requested", "rule unrequested", [](FakeAgent &a) { a.send_message(wire::ClipboardData{7, "pasted!"}); });
	ended("clipboard data over the limit", "rule message-too-large", [](FakeAgent &a) {
		a.send_message(wire::ClipboardData{7, std::string(wire::limit::clipboard_bytes + 1024, 'c')});
	});
	// Answers to the user's copy gesture.
	list.push_back({"clipboard data for a serial never sent", O::Ended, "rule unrequested", [](FakeAgent &a) {
		a.send_message(wire::ClipboardData{a.wait_for_clipboard_request() + 1, "guessed"});
	}, true, true});
	list.push_back({"clipboard data twice for one request", O::Ended, "rule unrequested", [](FakeAgent &a) {
		const uint32_t serial = a.wait_for_clipboard_request();
		a.send_message(wire::ClipboardData{serial, "once"});
		a.send_message(wire::ClipboardData{serial, "twice"});
	}, true, true});
	list.push_back({"clipboard data over the domain's limit, within the wire's", O::Sanitised,
		"clipboard: copy from=evil to=global bytes=102400 time=\\S+ refused: over the limit of 64 KiB", [](FakeAgent &a) {
		a.send_message(wire::ClipboardData{a.wait_for_clipboard_request(), std::string(100 * 1024, 'c')});
	}, true, true});
	list.push_back({"a copy request left unanswered", O::Sanitised,
		"clipboard: copy from=evil to=global bytes=0 time=\\S+ refused: it did not answer",
		[](FakeAgent &a) { a.wait_for_clipboard_request(); }, true, true});
	ended("size hints with min above max", "rule bad-size", [](FakeAgent &a) { a.send_message(wire::SizeHints{1, 500, 500, 100, 100}); });
	ended("a file chunk with no file", "rule unrequested", [](FakeAgent &a) { a.send_message(wire::OpenFileChunk{"data"}); });
	ended("a file name that is all dots", "rule bad-file-name", [](FakeAgent &a) { a.send_message(wire::OpenFileBegin{1, "..."}); });
	// Disposables (wire 1.1).
	ended("an app the host never launched exits", "rule unrequested", [](FakeAgent &a) { a.send_message(wire::AppExited{5, 0}); });
	ended("an edited file nobody asked back", "rule unrequested",
		[](FakeAgent &a) { a.send_message(wire::ReturnFileBegin{5, 3}); });
	ended("a file to open over 256 MiB", "rule file-too-large",
		[](FakeAgent &a) { a.send_message(wire::OpenFileBegin{(256ull << 20) + 1, "huge.iso"}); });
	ended("a file longer than announced", "rule file-too-large", [](FakeAgent &a) {
		a.send_message(wire::OpenFileBegin{3, "short.txt"});
		a.send_message(wire::OpenFileChunk{"abcd"});
	});
	ended("a file ended before it is whole", "rule unrequested", [](FakeAgent &a) {
		a.send_message(wire::OpenFileBegin{3, "short.txt"});
		a.send_message(wire::OpenFileChunk{"ab"});
		a.send_message(wire::OpenFileEnd{});
	});
	list.push_back({"asking to open a file where no disposable may start", O::Sanitised,
		"disposables: refused to open 'invoice.pdf.exe' for domain evil: no disposable template is configured",
		[](FakeAgent &a) {
			a.send_message(wire::OpenFileBegin{3, "invoice.pdf.exe"});
			a.send_message(wire::OpenFileChunk{"MZ\x90"});
			a.send_message(wire::OpenFileEnd{});
		}});
	// Full screen, popups over other domains.
	list.push_back({"full screen asked by a domain that may not", O::Sanitised,
		"view fullscreen refused id=\\d+ domain=evil",
		[](FakeAgent &a) { a.send_message(wire::SetFullscreen{1, 1}); }});
	list.push_back({"full screen asked for 20000 times", O::Sanitised, "view fullscreen refused id=\\d+ domain=evil", [](FakeAgent &a) {
		std::vector<uint8_t> burst;
		for (int i = 0; i < 20000; ++i)
			wire::encode(burst, wire::SetFullscreen{1, static_cast<uint32_t>(i % 2 == 0)});
		a.send(burst);
	}});
	ended("full screen with a value other than 0 or 1", "rule bad-value", [](FakeAgent &a) { a.send_message(wire::SetFullscreen{1, 2}); });
	ended("full screen for a popup", "rule bad-window-id", [](FakeAgent &a) {
		a.send_message(wire::CreateWindow{2, 1, 5, 5});
		a.send_message(wire::SetFullscreen{2, 1});
	});
	ended("full screen for a window never created", "rule no-such-window", [](FakeAgent &a) { a.send_message(wire::SetFullscreen{9, 1}); });
	list.push_back({"attention demanded 20000 times: one urgent frame, no focus", O::Sanitised,
		"activation refused id=\\d+ domain=evil[^\\n]*never takes focus", [](FakeAgent &a) {
			std::vector<uint8_t> burst;
			for (int i = 0; i < 20000; ++i)
				wire::encode(burst, wire::DemandsAttention{1});
			a.send(burst);
		}});
	ended("attention demanded for a popup", "rule bad-window-id", [](FakeAgent &a) {
		a.send_message(wire::CreateWindow{2, 1, 5, 5});
		a.send_message(wire::DemandsAttention{2});
	});
	list.push_back({"a screen-sized popup over the honest domain's frame", O::Sanitised,
		"popup of view id=\\d+ dismissed: 1280x720",
		[](FakeAgent &a) { a.show_popup(0xff00ff00, 2, 1, 0, 0, 1280, 720); }});
	list.push_back({"flooding at full speed", O::Harmless, "", [](FakeAgent &a) {
		std::vector<uint8_t> burst;
		for (int i = 0; i < 20000; ++i)
			wire::encode(burst, wire::SizeHints{1, 0, 0, 0, 0});
		for (int i = 0; i < 200; ++i)
			wire::encode(burst, wire::SetTitle{1, "flood " + std::to_string(i)});
		a.send(burst);
	}});
	return list;
}

std::string config_for(const std::string &socket)
{
	return base_config(R"(
[[domain]]
name = "evil"
label = "red"
backend = "external"
gui_socket = ")" + socket + R"("

[[domain]]
name = "honest"
label = "blue"
autostart = ["weston-simple-shm"]
)");
}

// Runs one attack; returns an empty string when every expectation held.
std::string run_attack(const Attack &attack)
{
	char dir[] = "/tmp/bulkhead-hostile-XXXXXX";
	REQUIRE(mkdtemp(dir));
	const std::string socket = std::string(dir) + "/gui.sock";
	FakeAgent agent(socket);
	Compositor c(config_for(socket));
	auto honest = wait_for_window(c, "simple-shm", 20s);
	if (!honest)
		return "the honest domain's window never appeared";
	agent.accept_daemon();
	std::size_t mark = 0;
	if (attack.handshake) {
		agent.handshake();
		agent.show_window(0xffcc3300);
		auto evil = c.wait_for_log("view map id=\\d+ domain=evil title=\"fake\"", 10s);
		if (!evil)
			return "the evil domain's honest start did not show its window";
		mark = c.log_size();
	}
	if (attack.copy_gesture) {
		auto evil = wait_for_window(c, "fake", 10s);
		if (!evil)
			return "the evil domain's window is not known";
		c.inject({"click", point(evil->content.x + 10), point(evil->content.y + 10)});
		c.inject({"key", "Ctrl+Shift+c"});
	}
	attack.run(agent);

	const std::string ending = "domain evil: ending the GUI connection: ";
	std::string failure;
	if (attack.outcome == Outcome::Ended) {
		if (!c.wait_for_log(ending + "[^\\n]*" + attack.evidence, 20s, mark))
			failure = "expected the connection to end with \"" + attack.evidence + "\"";
	} else {
		if (attack.outcome == Outcome::Sanitised && !c.wait_for_log(attack.evidence, 10s, mark))
			failure = "expected the log to show " + attack.evidence;
		// It was no violation: the connection stays.
		agent.send_message(wire::Pong{0});
		if (c.wait_for_log(ending, 1s, mark))
			failure += " the connection ended though nothing was broken";
	}
	if (!c.running())
		return "the compositor died";
	// The honest domain still draws: its animation moves between two screenshots.
	c.inject({"move", "1270", "710"});
	const Image a = c.screenshot();
	const bool moving = wait_until([&] { return count_different(a, c.screenshot(), honest->content, 0) > 100; }, 10s);
	if (!moving)
		failure += " the honest domain's window stopped updating";
	std::filesystem::remove_all(dir);
	return failure;
}

} // namespace

TEST_CASE("hostile agent suite", "[hostile]")
{
	int passed = 0, failed = 0;
	for (const Attack &attack : attacks()) {
		const std::string failure = run_attack(attack);
		if (failure.empty()) {
			++passed;
			std::printf("ok    %s\n", attack.name.c_str());
		} else {
			++failed;
			std::printf("FAIL  %s: %s\n", attack.name.c_str(), failure.c_str());
		}
		std::fflush(stdout);
		CHECK(failure.empty());
	}
	std::printf("hostile-agent: %d passed, %d failed\n", passed, failed);
	CHECK(passed + failed >= 40);
}
