// Real VMs: the guest agent inside a QEMU VM (TCG) booted through libvirt from
// the project's guest image, speaking the wire protocol over virtio-serial and
// ivshmem to a gui-daemon the compositor started for an external domain.
#include "common.hpp"
#include "qemu_vm.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <regex>

using namespace harness;

namespace {

// The pattern client's quadrant colours (tests/tools/pattern-client.cpp).
const Rgba top_left{0xd0, 0x20, 0x20}, top_right{0x20, 0xa0, 0x40}, bottom_left{0x20, 0x40, 0xd0},
	bottom_right{0xf0, 0xf0, 0xf0};

std::string vm_config(const QemuVm &vm)
{
	return base_config("[[domain]]\nname = \"vm\"\nlabel = \"orange\"\nbackend = \"external\"\ngui_socket = \"" +
		vm.gui_socket() + "\"\nshared_memory_file = \"" + vm.region_file() + "\"\nshared_memory_mib = " +
		std::to_string(vm.region_mib()) + "\n");
}

// Each quadrant of the content (less a margin) in the colour the guest drew.
void check_pattern(const Image &shot, const Rect &content)
{
	const int w = content.width / 2, h = content.height / 2, m = 4;
	const std::pair<Rect, Rgba> quadrants[] = {
		{{content.x + m, content.y + m, w - 2 * m, h - 2 * m}, top_left},
		{{content.x + w + m, content.y + m, content.width - w - 2 * m, h - 2 * m}, top_right},
		{{content.x + m, content.y + h + m, w - 2 * m, content.height - h - 2 * m}, bottom_left},
		{{content.x + w + m, content.y + h + m, content.width - w - 2 * m, content.height - h - 2 * m}, bottom_right},
	};
	for (const auto &[rect, colour] : quadrants) {
		INFO("quadrant at " << rect.x << "," << rect.y << " expected " << colour.str() << ", centre is "
				    << shot.at(rect.x + rect.width / 2, rect.y + rect.height / 2).str());
		CHECK(shot.fraction(rect, colour, 2) > 0.99);
	}
}

// The pid in the last log line matching `pattern (pid N)`.
pid_t last_logged_pid(const Compositor &c, const std::string &pattern)
{
	const std::string log = c.log_text();
	const std::regex re(pattern + " \\(pid (\\d+)\\)");
	pid_t pid = -1;
	for (auto it = std::sregex_iterator(log.begin(), log.end(), re); it != std::sregex_iterator(); ++it)
		pid = std::stoi((*it)[1]);
	REQUIRE(pid > 0);
	return pid;
}

} // namespace

TEST_CASE("qemu: a VM's window is framed in its label, shows what the guest drew, takes keys and resizes; "
	  "a restarted daemon gets it back; a killed QEMU leaves the compositor up",
	"[qemu]")
{
	QemuVm vm(GuestImage::from_env(), "bulkhead-pattern-client+vm-pattern");
	Compositor c(vm_config(vm));
	// Both sides' logs, for a failure at any step.
	struct Logs {
		const QemuVm &vm;
		const Compositor &c;
		~Logs()
		{
			const std::string dir = env_or("BULKHEAD_TEST_OUTPUT", "/tmp");
			std::ofstream(dir + "/qemu-vm-guest.log") << vm.serial();
			std::ofstream(dir + "/qemu-vm-compositor.log") << c.log_text();
		}
	} logs{vm, c};
	vm.start();
	auto window = wait_for_window(c, "vm-pattern", 90s);
	INFO("guest console:\n" << vm.serial() << "\ncompositor log:\n" << c.log_text());
	REQUIRE(window);
	CHECK(window->domain == "vm");
	CHECK(vm.serial().find("bulkhead-init: base disk mounted") != std::string::npos);
	REQUIRE(c.wait_for_log("view title id=" + std::to_string(window->id) + " text=\"\\[vm\\] vm-pattern\""));

	// Focused by a click: the frame is the orange label's, the content the guest's pattern.
	const auto &orange = *theme().label("orange");
	c.inject({"click", point(window->content.x + 10), point(window->content.y + 10)});
	REQUIRE(c.wait_for_log("view focus id=" + std::to_string(window->id)));
	c.inject({"move", "1270", "710"});
	Image shot;
	REQUIRE(wait_until([&] {
		shot = c.screenshot();
		return shot.fraction(border_strips(window->outer, theme().border_width)[1], rgba(orange.focused.border), 2) > 0.99 &&
			shot.fraction(window->content, bottom_right, 2) > 0.2;
	}, 20s));
	check_frame(shot, *window, orange.focused);
	shot.save_png(env_or("BULKHEAD_TEST_OUTPUT", "/tmp") + "/qemu-vm-window.png");
	check_pattern(shot, window->content);

	// A key typed on the host reaches the client inside the VM.
	c.inject({"type", "q"});
	CHECK(vm.wait_serial("pattern-client: key 16 pressed 'q'", 20s));

	// A resize from the host: the guest draws the new size and it shows.
	std::size_t mark = c.log_size();
	const int x = window->content.x + window->content.width - 10, y = window->content.y + window->content.height - 10;
	c.inject({"drag", point(x), point(y), point(x + 120), point(y + 60), "right", "--mods", "Super"});
	const std::string size = std::to_string(window->content.width + 120) + "," + std::to_string(window->content.height + 60);
	auto resized = c.wait_for_log("view resize id=" + std::to_string(window->id) +
		" outer=\\S+ content=(-?\\d+),(-?\\d+),(" + size.substr(0, size.find(',')) + "),(" + size.substr(size.find(',') + 1) + ")",
		20s, mark);
	REQUIRE(resized);
	const Rect grown{std::stoi((*resized)[1]), std::stoi((*resized)[2]), std::stoi((*resized)[3]), std::stoi((*resized)[4])};
	CHECK(grown.width > window->content.width);
	CHECK(vm.wait_serial("pattern-client: drew " + std::to_string(grown.width) + "x" + std::to_string(grown.height), 20s));
	c.inject({"move", "1270", "710"});
	CHECK(wait_until([&] {
		shot = c.screenshot();
		return shot.fraction({grown.x + grown.width - 20, grown.y + grown.height - 20, 10, 10}, bottom_right, 2) > 0.99;
	}, 20s));
	check_pattern(shot, grown);

	// The gui-daemon restarts (virtio-serial has no accept): the agent sees the
	// host side come back, says hello again and the window returns.
	const pid_t daemon = last_logged_pid(c, "domain vm: gui-daemon started");
	mark = c.log_size();
	REQUIRE(kill(daemon, SIGKILL) == 0);
	REQUIRE(c.wait_for_log("view unmap id=" + std::to_string(window->id), 10s, mark));
	auto again = c.wait_for_log("view map id=(\\d+) domain=vm title=\"vm-pattern\"", 40s, mark);
	REQUIRE(again);

	// QEMU dies: the windows go, the compositor says so and stays up.
	mark = c.log_size();
	REQUIRE(kill(vm.qemu_pid(), SIGKILL) == 0);
	REQUIRE(c.wait_for_log("view unmap id=" + (*again)[1], 10s, mark));
	CHECK(c.wait_for_log("domain vm: GUI connection closed", 10s, mark));
	CHECK(c.running());
	vm.destroy();
}

// Not a test (hidden tag, never run by meson test): bench/run-vm-start.sh runs
// it and it prints how long a domain takes from its start to its first window.
TEST_CASE("qemu bench: domain start to first window", "[.bench]")
{
	QemuVm vm(GuestImage::from_env(), "bulkhead-pattern-client+vm-pattern");
	Compositor c(vm_config(vm));
	const auto start = std::chrono::steady_clock::now();
	vm.start();
	const auto started = std::chrono::steady_clock::now();
	REQUIRE(wait_for_window(c, "vm-pattern", 90s));
	const auto mapped = std::chrono::steady_clock::now();
	auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
	std::printf("domain start -> first window: %lld ms (libvirt create %lld ms)\n", static_cast<long long>(ms(mapped - start)),
		static_cast<long long>(ms(started - start)));
	const std::string serial = vm.serial();
	std::smatch m;
	if (std::regex_search(serial, m, std::regex("bulkhead-init: up ([0-9.]+) s")))
		std::printf("  guest kernel to /init: %s s\n", m[1].str().c_str());
	if (std::regex_search(serial, m, std::regex("bulkhead-init: agent up ([0-9.]+) s")))
		std::printf("  guest kernel to agent listening: %s s\n", m[1].str().c_str());
	vm.destroy();
	std::printf("  destroy: %lld ms\n", static_cast<long long>(ms(std::chrono::steady_clock::now() - mapped)));
}
