// Liveness: a guest that stops answering the daemon's pings is shown as not
// responding (greyed frames, a notice) until it answers again, and the user
// can kill the focused window's domain from the compositor.
#include "common.hpp"
#include "fake_agent.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace harness;
namespace wire = bulkhead::wire;

namespace {

int spread(const Rgba &c)
{
	return std::max({c.r, c.g, c.b}) - std::min({c.r, c.g, c.b});
}

// True while a process of group `pgid` is alive (not a zombie).
bool group_alive(pid_t pgid)
{
	for (const auto &entry : std::filesystem::directory_iterator("/proc")) {
		std::ifstream in(entry.path() / "stat");
		std::string line;
		if (!std::getline(in, line) || line.rfind(')') == std::string::npos)
			continue;
		// After "pid (comm)": state, ppid, pgrp.
		std::istringstream rest(line.substr(line.rfind(')') + 1));
		char state = 0;
		pid_t ppid = 0, pgrp = 0;
		if (rest >> state >> ppid >> pgrp && pgrp == pgid && state != 'Z')
			return true;
	}
	return false;
}

} // namespace

TEST_CASE("a guest that stops answering pings is greyed and told, and restored when it answers", "[liveness]")
{
	char dir[] = "/tmp/bulkhead-liveness-XXXXXX";
	REQUIRE(mkdtemp(dir));
	const std::string socket = std::string(dir) + "/gui.sock";
	FakeAgent agent(socket);
	Compositor c(base_config(R"(
[[domain]]
name = "frozen"
label = "orange"
backend = "external"
gui_socket = ")" + socket + "\"\n"));
	agent.accept_daemon();
	agent.handshake();
	agent.show_window(0xff3366cc, 1, 280, 120, "frozen-app");
	auto w = wait_for_window(c, "frozen-app", 10s);
	REQUIRE(w);
	// Clear of the notice, which is checked at the same time.
	REQUIRE(w->outer.x + w->outer.width <= notice_rect.x);
	const std::string id = std::to_string(w->id);
	const bulkhead::FrameColours &orange = label("orange").unfocused;
	c.inject({"move", "1270", "710"});
	REQUIRE(wait_until([&] {
		return c.screenshot().fraction(border_strips(w->outer, theme().border_width)[1], rgba(orange.border), 2) > 0.99;
	}));

	// The agent stops answering: two missed intervals later the compositor
	// hears of it from the daemon, long before the daemon gives up.
	const uint32_t serial = agent.wait_for_ping();
	REQUIRE(serial != 0);
	const std::size_t mark = c.log_size();
	REQUIRE(c.wait_for_log("domain frozen: not responding: no answer to a ping for 4000 ms", 8s, mark));
	REQUIRE(c.wait_for_log("notice \\[orange\\]: frozen is not responding \\(Super\\+Shift\\+K kills it\\)", 1s, mark));
	REQUIRE(c.wait_for_log("view title id=" + id + " text=\"\\[frozen\\] \\(not responding\\) frozen-app\"", 1s, mark));
	const Image shot = c.screenshot();
	CHECK(shot.fraction({notice_rect.x, notice_rect.y, notice_rect.width, 3}, rgba(label("orange").focused.border), 2) > 0.95);
	// Every frame colour greyed: far less colourful than the label's, one grey all round.
	const Rgba border = shot.at(w->outer.x + 1, w->outer.y + w->outer.height - 2);
	const Rgba title = shot.at(w->content.x + w->content.width - 2, w->content.y - 2);
	INFO("greyed border " << border.str() << ", title " << title.str());
	CHECK(spread(border) * 3 < spread(rgba(orange.border)));
	CHECK(spread(title) * 3 <= spread(rgba(orange.title_background)));
	for (const Rect &strip : border_strips(w->outer, theme().border_width))
		CHECK(shot.fraction(strip, border, 2) > 0.99);
	for (const auto &[region, name] : {std::pair{w->outer, "liveness-not-responding"}, std::pair{notice_rect, "liveness-notice"}}) {
		auto mismatch = compare_reference(shot.crop(region), name, 24, 40);
		INFO(mismatch.value_or(""));
		CHECK_FALSE(mismatch);
	}

	// It answers: the label's colours and the plain title come back.
	agent.send_message(wire::Pong{serial});
	REQUIRE(c.wait_for_log("domain frozen: responding again", 5s, mark));
	REQUIRE(c.wait_for_log("notice \\[orange\\]: frozen is responding again", 1s, mark));
	REQUIRE(c.wait_for_log("view title id=" + id + " text=\"\\[frozen\\] frozen-app\"", 1s, mark));
	Image back;
	REQUIRE(wait_until([&] {
		back = c.screenshot();
		return back.fraction(border_strips(w->outer, theme().border_width)[1], rgba(orange.border), 2) > 0.99;
	}));
	check_frame(back, *w, orange);
	CHECK_FALSE(c.wait_for_log("did not answer a ping", 100ms, mark));

	// Killed by the user, an external domain loses only its daemon (nothing
	// here runs its VM), and no new one is started.
	const pid_t daemon = pid_of(c, "domain frozen: gui-daemon started");
	focus(c, *w);
	const std::size_t kill_mark = c.log_size();
	c.inject({"key", "Super+Shift+k"});
	REQUIRE(c.wait_for_log("domain frozen: killed", 5s, kill_mark));
	REQUIRE(c.wait_for_log("view unmap id=" + id + "\\b", 5s, kill_mark));
	CHECK(wait_until([&] { return !group_alive(daemon); }, 5s));
	CHECK_FALSE(c.wait_for_log("domain frozen: gui-daemon started", 2s, kill_mark));
	CHECK(c.running());
	std::filesystem::remove_all(dir);
}

TEST_CASE("the kill binding kills the focused window's domain; the compositor and other domains go on", "[liveness]")
{
	Compositor c(base_config(R"(
[[domain]]
name = "victim"
label = "red"
autostart = ["foot --config=/dev/null --title=victim-term sh -c 'sleep 600'"]

[[domain]]
name = "work"
label = "blue"
autostart = ["foot --config=/dev/null --title=work-term sh -c 'sleep 600'"]
)"));
	auto victim = wait_for_window(c, "victim-term", 20s);
	auto work = wait_for_window(c, "work-term", 20s);
	REQUIRE(victim);
	REQUIRE(work);
	const std::vector<pid_t> victim_groups = {pid_of(c, "domain victim: agent started"),
		pid_of(c, "domain victim: gui-daemon started"), pid_of(c, "domain victim: started '[^\n]*'")};
	const pid_t work_daemon = pid_of(c, "domain work: gui-daemon started");

	// On a host window (it takes focus: no VM window has it) the binding kills nothing.
	Client host(c, foot("host-term"));
	focused_window(c, "host-term");
	const std::size_t host_mark = c.log_size();
	c.inject({"key", "Super+Shift+k"});
	REQUIRE(c.wait_for_log("kill-domain: the focused window is not a VM's; nothing killed", 5s, host_mark));
	CHECK_FALSE(c.wait_for_log("killed \\(|view unmap", 200ms, host_mark));

	focus(c, *victim);
	const std::size_t mark = c.log_size();
	c.inject({"key", "Super+Shift+k"});
	REQUIRE(c.wait_for_log("domain victim: killed \\(the user pressed Super\\+Shift\\+K\\); not restarting it", 5s, mark));
	REQUIRE(c.wait_for_log("notice \\[red\\]: victim killed", 1s, mark));
	REQUIRE(c.wait_for_log("view unmap id=" + std::to_string(victim->id) + "\\b", 5s, mark));
	for (pid_t group : victim_groups)
		CHECK(wait_until([&] { return !group_alive(group); }, 5s));
	CHECK(c.running());
	CHECK(host.running());
	CHECK(group_alive(work_daemon));
	CHECK_FALSE(c.wait_for_log("view unmap id=" + std::to_string(work->id) + "\\b", 100ms, mark));
	// Neither brought back nor its death taken for a failure.
	CHECK_FALSE(c.wait_for_log("domain victim: (agent started|restarting)", 2s, mark));
	// The other domain's window still takes focus from the user.
	focus(c, *work);
	CHECK(c.running());
}

TEST_CASE("the kill binding on a disposable's window destroys the disposable", "[liveness][disposable]")
{
	Compositor c(base_config(R"(
[[domain]]
name = "dvm"
label = "red"
role = "disposable-template"

[disposables]
browser = "foot --config=/dev/null --title=throwaway-browser sh -c 'exec sleep 600'"
preload = 0
)"));
	c.inject({"key", "Super+Shift+b"});
	auto w = wait_for_window(c, "throwaway-browser", 30s);
	REQUIRE(w);
	focus(c, *w);
	const std::size_t mark = c.log_size();
	c.inject({"key", "Super+Shift+k"});
	REQUIRE(c.wait_for_log("domain disp1: killed \\(the user pressed Super\\+Shift\\+K\\)", 5s, mark));
	REQUIRE(c.wait_for_log("disposable disp1: destroying it: killed: the user pressed Super\\+Shift\\+K", 5s, mark));
	REQUIRE(c.wait_for_log("disposable disp1: destroyed; its files are gone", 10s, mark));
	CHECK_FALSE(std::filesystem::exists(c.runtime_dir() + "/bulkhead-domains/disp1"));
	CHECK(c.running());
}
