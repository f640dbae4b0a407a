// The secure clipboard (issue 4, rule 4) end to end on the local backend: real
// guest agents and gui-daemons started by the real compositor, wl-copy and
// wl-paste run inside each domain (against its agent's socket) and on the
// host, the gestures injected as key presses.
#include "common.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <memory>
#include <sstream>
#include <unistd.h>

using namespace harness;

namespace {

// Two domains, each a terminal that records what is typed into it; alpha may
// copy at most 1 KiB.
std::string clipboard_config(const std::string &typed_alpha, const std::string &typed_beta)
{
	return base_config(R"(
[[domain]]
name = "alpha"
label = "red"
clipboard_max_kib = 1
autostart = ["foot --config=/dev/null --title=alpha-term sh -c 'stty -echo; cat > )" + typed_alpha + R"('"]

[[domain]]
name = "beta"
label = "blue"
autostart = ["foot --config=/dev/null --title=beta-term sh -c 'stty -echo; cat > )" + typed_beta + R"('"]
)");
}

// The environment of a program running inside a domain: its agent's socket.
Env in_domain(const Compositor &c, const std::string &domain)
{
	return {{"WAYLAND_DISPLAY", c.runtime_dir() + "/bulkhead-domains/" + domain + "/wayland-0"}};
}

// What wl-paste prints in a domain ("" for a host Env of {}), or nullopt when
// there is no text selection there.
std::optional<std::string> paste_in(const Compositor &c, const Env &where)
{
	Env env = c.client_env();
	env.insert(env.end(), where.begin(), where.end());
	const RunResult r = run({"wl-paste", "--no-newline", "--type", "text/plain"}, env, 10s);
	if (r.status != 0)
		return std::nullopt;
	return r.output;
}

// wl-copy keeps serving the selection until something else takes it.
std::unique_ptr<Client> copy_in(const Compositor &c, const Env &where, const std::string &text)
{
	auto client = std::make_unique<Client>(c, std::vector<std::string>{"wl-copy", "--foreground", text}, where);
	REQUIRE(wait_until([&] { return paste_in(c, where) == text; }));
	return client;
}

// Clicks into a window; it then has the focus (it may have had it already,
// which the compositor does not log again).
// Presses a gesture and returns the log line it produced.
std::string gesture(const Compositor &c, const std::string &combo)
{
	const std::size_t from = c.log_size();
	c.inject({"key", combo});
	auto m = c.wait_for_log("(clipboard: [^\n]*)", 10s, from);
	REQUIRE(m);
	return (*m)[1];
}

} // namespace

TEST_CASE("clipboard: domains cannot read each other's clipboard; the gestures move it once, refusals are told",
	"[clipboard]")
{
	const std::string typed_alpha = output_dir() + "/clipboard-typed-alpha.txt";
	const std::string typed_beta = output_dir() + "/clipboard-typed-beta.txt";
	unlink(typed_alpha.c_str());
	unlink(typed_beta.c_str());
	Compositor c(clipboard_config(typed_alpha, typed_beta));
	auto alpha = wait_for_window(c, "alpha-term", 20s);
	auto beta = wait_for_window(c, "beta-term", 20s);
	REQUIRE(alpha);
	REQUIRE(beta);
	const Env in_alpha = in_domain(c, "alpha"), in_beta = in_domain(c, "beta"), on_host = {};

	// Plain selection stays in its domain: neither beta nor the host sees alpha's.
	auto alpha_copy = copy_in(c, in_alpha, "alpha-secret");
	CHECK(paste_in(c, in_beta) == std::nullopt);
	CHECK(paste_in(c, on_host) == std::nullopt);
	auto beta_copy = copy_in(c, in_beta, "beta-own");
	CHECK(paste_in(c, in_alpha) == "alpha-secret");
	CHECK(paste_in(c, on_host) == std::nullopt);

	// The paste key never reaches the focused app: with an empty global
	// clipboard nothing happens, where foot would have pasted "beta-own".
	focus(c, *beta);
	CHECK_THAT(gesture(c, "Ctrl+Shift+v"),
		Catch::Matches("clipboard: paste from=global to=beta bytes=0 time=\\S+Z refused: the global clipboard is empty"));
	c.inject({"type", "typed"});
	c.inject({"key", "Return"});
	CHECK(wait_until([&] { return read_file(typed_beta) == "typed\n"; }));
	CHECK(read_file(typed_beta) == "typed\n");

	// Copy in alpha: logged and told on screen in alpha's colours.
	focus(c, *alpha);
	CHECK_THAT(gesture(c, "Ctrl+Shift+c"),
		Catch::Matches("clipboard: copy from=alpha to=global bytes=12 time=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ ok"));
	REQUIRE(c.wait_for_log("notice \\[red\\]: Copied 12 bytes from alpha"));
	const Image shot = c.screenshot();
	auto mismatch = compare_reference(shot.crop(notice_rect), "clipboard-notice-copied", 24, 40);
	CHECK_FALSE(mismatch);
	if (mismatch)
		WARN(*mismatch);

	// Not back into alpha; the global clipboard keeps it for another domain.
	CHECK_THAT(gesture(c, "Ctrl+Shift+v"),
		Catch::Matches("clipboard: paste from=alpha to=alpha bytes=12 time=\\S+Z refused: it came from alpha"));

	// Into beta, once.
	focus(c, *beta);
	CHECK_THAT(gesture(c, "Ctrl+Shift+v"), Catch::Matches("clipboard: paste from=alpha to=beta bytes=12 time=\\S+Z ok"));
	CHECK(wait_until([&] { return paste_in(c, in_beta) == "alpha-secret"; }));
	CHECK(paste_in(c, on_host) == std::nullopt);
	auto beta_again = copy_in(c, in_beta, "beta-later");
	CHECK_THAT(gesture(c, "Ctrl+Shift+v"),
		Catch::Matches("clipboard: paste from=global to=beta bytes=0 time=\\S+Z refused: the global clipboard is empty"));
	CHECK(paste_in(c, in_beta) == "beta-later");

	// Over alpha's 1 KiB: refused, told, and nothing reaches the global clipboard.
	auto big = copy_in(c, in_alpha, std::string(2000, 'x'));
	focus(c, *alpha);
	CHECK_THAT(gesture(c, "Ctrl+Shift+c"),
		Catch::Matches("clipboard: copy from=alpha to=global bytes=2000 time=\\S+Z refused: over the limit of 1 KiB"));
	REQUIRE(c.wait_for_log("notice \\[red\\]: Copy from alpha refused: over the limit of 1 KiB"));
	const Image refused = c.screenshot();
	const Rgba red = rgba(theme().label("red")->focused.border);
	CHECK(refused.fraction({notice_rect.x, notice_rect.y, notice_rect.width, 3}, red, 2) > 0.95);
	// It goes by itself after a few seconds (alpha's red title bar covers at
	// most a third of its place).
	CHECK(wait_until([&] { return c.screenshot().fraction(notice_rect, red, 2) < 0.5; }, 6s));
	focus(c, *beta);
	CHECK_THAT(gesture(c, "Ctrl+Shift+v"), Catch::Contains("refused: the global clipboard is empty"));

	// No gesture was typed into either terminal.
	c.inject({"type", "end"});
	c.inject({"key", "Return"});
	CHECK(wait_until([&] { return read_file(typed_beta) == "typed\nend\n"; }));
	CHECK(read_file(typed_alpha).empty());
}

TEST_CASE("clipboard: the gestures over a host window use the host's own clipboard", "[clipboard]")
{
	const std::string typed_beta = output_dir() + "/clipboard-host-typed-beta.txt";
	Compositor c(base_config(R"(
[[domain]]
name = "beta"
label = "blue"
autostart = ["foot --config=/dev/null --title=beta-term sh -c 'stty -echo; cat > )" + typed_beta + R"('"]
)"));
	auto beta = wait_for_window(c, "beta-term", 20s);
	REQUIRE(beta);
	Client host_term(c, foot("host-term"));
	auto host = wait_for_window(c, "host-term", 20s);
	REQUIRE(host);
	const Env in_beta = in_domain(c, "beta"), on_host = {};

	auto host_copy = copy_in(c, on_host, "host-text");
	CHECK(paste_in(c, in_beta) == std::nullopt);
	focus(c, *host);
	CHECK_THAT(gesture(c, "Ctrl+Shift+c"), Catch::Matches("clipboard: copy from=dom0 to=global bytes=9 time=\\S+Z ok"));
	REQUIRE(c.wait_for_log("notice \\[dom0\\]: Copied 9 bytes from dom0"));
	focus(c, *beta);
	CHECK_THAT(gesture(c, "Ctrl+Shift+v"), Catch::Matches("clipboard: paste from=dom0 to=beta bytes=9 time=\\S+Z ok"));
	CHECK(wait_until([&] { return paste_in(c, in_beta) == "host-text"; }));

	auto beta_copy = copy_in(c, in_beta, "beta-text");
	CHECK_THAT(gesture(c, "Ctrl+Shift+c"), Catch::Matches("clipboard: copy from=beta to=global bytes=9 time=\\S+Z ok"));
	CHECK(paste_in(c, on_host) == "host-text");
	focus(c, *host);
	CHECK_THAT(gesture(c, "Ctrl+Shift+v"), Catch::Matches("clipboard: paste from=beta to=dom0 bytes=9 time=\\S+Z ok"));
	CHECK(wait_until([&] { return paste_in(c, on_host) == "beta-text"; }));
}

TEST_CASE("clipboard: a domain allowed 4 MiB moves 3 MiB whole, through agent, daemon and compositor", "[clipboard]")
{
	Compositor c(base_config(R"(
[[domain]]
name = "alpha"
label = "red"
clipboard_max_kib = 4096
autostart = ["foot --config=/dev/null --title=alpha-term sh -c 'sleep 600'"]

[[domain]]
name = "beta"
label = "blue"
clipboard_max_kib = 4096
autostart = ["foot --config=/dev/null --title=beta-term sh -c 'sleep 600'"]
)"));
	auto alpha = wait_for_window(c, "alpha-term", 20s);
	auto beta = wait_for_window(c, "beta-term", 20s);
	REQUIRE(alpha);
	REQUIRE(beta);
	const Env in_alpha = in_domain(c, "alpha"), in_beta = in_domain(c, "beta");
	const std::size_t size = 3u << 20;
	const std::string big(size, 'x');
	// Too long for a command line: wl-copy reads it from a pipe.
	Client copier(c, {"sh", "-c", "head -c " + std::to_string(size) + " /dev/zero | tr '\\0' x | wl-copy --foreground"},
		in_alpha);
	REQUIRE(wait_until([&] { return paste_in(c, in_alpha) == big; }, 20s));

	focus(c, *alpha);
	CHECK_THAT(gesture(c, "Ctrl+Shift+c"), Catch::Matches("clipboard: copy from=alpha to=global bytes=3145728 time=\\S+Z ok"));
	focus(c, *beta);
	CHECK_THAT(gesture(c, "Ctrl+Shift+v"), Catch::Matches("clipboard: paste from=alpha to=beta bytes=3145728 time=\\S+Z ok"));
	CHECK(wait_until([&] { return paste_in(c, in_beta) == big; }, 20s));
}
