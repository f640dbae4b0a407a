// Disposables on the local backend, end to end with the real compositor,
// agents, daemons and foot: the three ways in (shortcut, bulkhead-open on the
// host, bulkhead-open-in-disposable inside a domain), the red [dispN] frame,
// destruction with every file when the window closes, the edited file coming
// back, the policy, the preload pool and a failed start shown in its
// placeholder.
#include "common.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace harness;

namespace {

void write_file(const std::string &path, const std::string &text, mode_t mode = 0644)
{
	std::ofstream(path) << text;
	chmod(path.c_str(), mode);
}

// The guest's file handler: a foot window titled "viewer NAME" that records
// what it was given in seen_dir and, with edit, appends to the file.
std::string viewer(const std::string &seen_dir, bool edit)
{
	const std::string path = output_dir() + "/viewer-" + (edit ? "edit" : "view") + ".sh";
	write_file(path, "#!/bin/sh\n"
			 "exec foot --config=/dev/null --title=\"viewer $(basename \"$1\")\" sh -c '"
			 "cp \"$1\" " + seen_dir + "/; " + (edit ? "printf \" +edited\" >> \"$1\"; " : "") +
			 "exec sleep 600' sh \"$1\"\n",
		0755);
	return path;
}

std::string disposable_config(const std::string &extra_disposables, const std::string &open_command,
	const std::string &domains = "")
{
	return base_config(R"(
[[domain]]
name = "dvm"
label = "red"
role = "disposable-template"
open_command = ")" + open_command + R"("
)" + domains + R"(
[disposables]
browser = "foot --config=/dev/null --title=throwaway-browser sh -c 'exec sleep 600'"
)" + extra_disposables);
}

std::string domain_dir(const Compositor &c, const std::string &name)
{
	return c.runtime_dir() + "/bulkhead-domains/" + name;
}

// Clicks a window, then closes it with the compositor's binding.
void close_window(const Compositor &c, const WindowInfo &w)
{
	c.inject({"click", point(w.content.x + w.content.width - 20), point(w.content.y + w.content.height - 20)});
	REQUIRE(c.wait_for_log("view focus id=" + std::to_string(w.id)));
	c.inject({"key", "Super+Shift+q"});
}

void check_red_disposable_frame(const Compositor &c, const WindowInfo &w, const std::string &name)
{
	CHECK(w.domain == name);
	REQUIRE(c.wait_for_log("view title id=" + std::to_string(w.id) + " text=\"\\[" + name + "\\] "));
	const Image shot = c.screenshot();
	const Rgba red = rgba(theme().label("red")->unfocused.border);
	const Rgba red_focused = rgba(theme().label("red")->focused.border);
	const Rect top = border_strips(w.outer, theme().border_width)[0];
	CHECK((shot.fraction(top, red, 2) > 0.99 || shot.fraction(top, red_focused, 2) > 0.99));
}

void check_destroyed(Compositor &c, const std::string &name)
{
	REQUIRE(c.wait_for_log("disposable " + name + ": destroyed; its files are gone", 15s));
	CHECK_FALSE(std::filesystem::exists(domain_dir(c, name)));
	CHECK(c.running());
}

} // namespace

TEST_CASE("disposable: Super+Shift+B starts the browser in a new red disp1, destroyed when it closes", "[disposable]")
{
	Compositor c(disposable_config("", "true"));
	c.inject({"key", "Super+Shift+b"});
	REQUIRE(c.wait_for_log("placeholder disp1: shown"));
	auto w = wait_for_window(c, "throwaway-browser", 30s);
	REQUIRE(w);
	check_red_disposable_frame(c, *w, "disp1");
	CHECK(std::filesystem::exists(domain_dir(c, "disp1")));
	close_window(c, *w);
	check_destroyed(c, "disp1");
}

TEST_CASE("disposable: bulkhead-open on the host opens a copy in a new disposable", "[disposable]")
{
	const std::string seen = output_dir() + "/seen-host";
	std::filesystem::remove_all(seen);
	std::filesystem::create_directories(seen);
	Compositor c(disposable_config("", viewer(seen, true)));
	const std::string file = output_dir() + "/report.txt";
	write_file(file, "quarterly numbers");

	const RunResult r = run({env_or("BULKHEAD_OPEN", "bulkhead-open"), file}, c.client_env());
	INFO(r.output);
	REQUIRE(r.status == 0);
	CHECK(r.output.find("opening in disp1") != std::string::npos);
	auto w = wait_for_window(c, "viewer report.txt", 30s);
	REQUIRE(w);
	check_red_disposable_frame(c, *w, "disp1");
	REQUIRE(wait_until([&] { return read_file(seen + "/report.txt") == "quarterly numbers"; }));
	close_window(c, *w);
	check_destroyed(c, "disp1");
	// The host's file is the host's: the disposable's edit stays in the disposable.
	CHECK(read_file(file) == "quarterly numbers");
}

TEST_CASE("disposable: a domain's bulkhead-open-in-disposable gets the edited file back", "[disposable]")
{
	const std::string seen = output_dir() + "/seen-guest";
	std::filesystem::remove_all(seen);
	std::filesystem::create_directories(seen);
	Compositor c(disposable_config("", viewer(seen, true), R"(
[[domain]]
name = "work"
label = "blue"
)"));
	REQUIRE(c.wait_for_log("domain work: gui-daemon started"));
	REQUIRE(c.wait_for_log("domain work \\(label blue\\) connected to the compositor"));
	const std::string file = output_dir() + "/attachment.txt";
	write_file(file, "invoice");

	Env env = {{"BULKHEAD_AGENT_SOCKET", domain_dir(c, "work") + "/agent.sock"}};
	const std::string command_log = output_dir() + "/open-in-disposable.log";
	pid_t pid = fork();
	if (pid == 0) {
		for (const auto &[k, v] : env)
			setenv(k.c_str(), v.c_str(), 1);
		freopen(command_log.c_str(), "w", stdout);
		execl(env_or("BULKHEAD_OPEN_IN_DISPOSABLE", "bulkhead-open-in-disposable").c_str(),
			"bulkhead-open-in-disposable", file.c_str(), nullptr);
		_exit(127);
	}
	auto w = wait_for_window(c, "viewer attachment.txt", 30s);
	REQUIRE(w);
	check_red_disposable_frame(c, *w, "disp1");
	REQUIRE(wait_until([&] { return read_file(seen + "/attachment.txt") == "invoice"; }));
	CHECK(c.log_text().find("domain work asks to open 'attachment.txt'") != std::string::npos);
	close_window(c, *w);
	check_destroyed(c, "disp1");

	int status = -1;
	REQUIRE(wait_until([&] { return waitpid(pid, &status, WNOHANG) == pid; }, 15s));
	INFO(read_file(command_log));
	CHECK(WIFEXITED(status));
	CHECK(WEXITSTATUS(status) == 0);
	CHECK(read_file(command_log).find("started opening in disp1") != std::string::npos);
	CHECK(read_file(command_log).find("returned") != std::string::npos);
	CHECK(read_file(command_log).find("finished disp1 closed") != std::string::npos);
	// The edit made in the disposable came back into the asking domain's file.
	CHECK(read_file(file) == "invoice +edited");
}

TEST_CASE("disposable: a domain the policy does not allow is refused and nothing starts", "[disposable]")
{
	Compositor c(disposable_config("open_from = [\"personal\"]\n", "true", R"(
[[domain]]
name = "work"
label = "blue"

[[domain]]
name = "personal"
label = "green"
)"));
	REQUIRE(c.wait_for_log("domain work \\(label blue\\) connected to the compositor"));
	const std::string file = output_dir() + "/refused.txt";
	write_file(file, "secret");
	const RunResult r = run({env_or("BULKHEAD_OPEN_IN_DISPOSABLE", "bulkhead-open-in-disposable"), file},
		{{"BULKHEAD_AGENT_SOCKET", domain_dir(c, "work") + "/agent.sock"}});
	INFO(r.output);
	CHECK(r.status == 1);
	CHECK(r.output.find("refused domain 'work' is not listed in disposables.open_from") != std::string::npos);
	REQUIRE(c.wait_for_log("disposables: refused to open 'refused.txt' for domain work"));
	REQUIRE(c.wait_for_log("notice \\[blue\\]: Not opened in a disposable: work's 'refused.txt'"));
	CHECK(c.log_text().find("disposable disp1: starting") == std::string::npos);
	CHECK_FALSE(std::filesystem::exists(domain_dir(c, "disp1")));
}

TEST_CASE("disposable: the preload pool hands out a started disposable and refills", "[disposable]")
{
	Compositor c(disposable_config("preload = 1\n", "true"));
	REQUIRE(c.wait_for_log("disposable disp1: starting from template dvm for the preload pool"));
	REQUIRE(c.wait_for_log("disposable disp1: ready"));
	c.inject({"key", "Super+Shift+b"});
	REQUIRE(c.wait_for_log("disposable disp1: request 1: launching"));
	REQUIRE(c.wait_for_log("disposable disp2: starting from template dvm for the preload pool"));
	auto w = wait_for_window(c, "throwaway-browser", 30s);
	REQUIRE(w);
	CHECK(w->domain == "disp1");
}

TEST_CASE("disposable: a start that fails shows the reason in its placeholder", "[disposable]")
{
	Compositor c(base_config(R"(
[[domain]]
name = "dvm"
label = "red"
role = "disposable-template"

[disposables]
browser = "exit 3"
)"));
	c.inject({"key", "Super+Shift+b"});
	REQUIRE(c.wait_for_log("placeholder disp1: the start failed: the app exited \\(status 3\\) with no window"));
	REQUIRE(c.wait_for_log("disposable disp1: destroyed; its files are gone"));
	// The placeholder stays a while with the reason, in the label colour.
	const Image shot = c.screenshot();
	auto mismatch = compare_reference(shot, "disposable-failed-placeholder", 24, 400);
	INFO(mismatch.value_or(""));
	CHECK_FALSE(mismatch);
}

TEST_CASE("disposable: a disposable asking to start another asks the user first", "[disposable]")
{
	const std::string seen = output_dir() + "/seen-ask";
	std::filesystem::remove_all(seen);
	std::filesystem::create_directories(seen);
	const std::string asker = output_dir() + "/asker.sh";
	const std::string answers = output_dir() + "/asker-answers.log";
	unlink(answers.c_str());
	// The "browser" in disp1 asks twice to open a file in another disposable.
	write_file(asker, "#!/bin/sh\n"
			  "printf data > \"$XDG_RUNTIME_DIR/nested.txt\"\n"
			  "for i in 1 2; do " + env_or("BULKHEAD_OPEN_IN_DISPOSABLE", "bulkhead-open-in-disposable") +
			  " \"$XDG_RUNTIME_DIR/nested.txt\" >> " + answers + "; done\n"
			  "exec foot --config=/dev/null --title=asker sh -c 'exec sleep 600'\n",
		0755);
	Compositor c(base_config(R"(
[[domain]]
name = "dvm"
label = "red"
role = "disposable-template"
open_command = ")" + viewer(seen, false) + R"("

[disposables]
browser = ")" + asker + R"("
)"));
	c.inject({"key", "Super+Shift+b"});
	REQUIRE(c.wait_for_log("disposables: asking the user: domain 'disp1' is a disposable asking to start another disposable to open 'nested.txt'", 20s));
	// The question is drawn by the compositor, framed in the asking disposable's colour.
	Image shot;
	REQUIRE(wait_until([&] {
		shot = c.screenshot();
		return !compare_reference(shot, "disposable-ask-prompt", 24, 400);
	}, 5s));
	c.inject({"key", "Super+n"});
	REQUIRE(c.wait_for_log("disposables: 'nested.txt' from disp1: the user refused it"));
	REQUIRE(wait_until([&] { return read_file(answers).find("refused the user refused it") != std::string::npos; }));
	CHECK(c.log_text().find("disposable disp2: starting") == std::string::npos);

	// The second request: allowed, it opens in disp2.
	REQUIRE(c.wait_for_log("disposables: asking the user: domain 'disp1' is a disposable", 10s, c.log_text().find("the user refused it")));
	c.inject({"key", "Super+y"});
	REQUIRE(c.wait_for_log("disposables: 'nested.txt' from disp1: the user allowed it"));
	auto w = wait_for_window(c, "viewer nested.txt", 30s);
	REQUIRE(w);
	CHECK(w->domain == "disp2");
	REQUIRE(wait_until([&] { return read_file(seen + "/nested.txt") == "data"; }));
}
