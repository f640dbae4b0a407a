// bulkhead: the Bulkhead compositor.
#include <csignal>
#include "build-config.h"
#include "config/config.hpp"
#include "input/keyboard.hpp"
#include "server.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

namespace {

// Exit codes: 0 normal exit, 1 runtime failure, 2 bad command line or config.
constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

} // namespace

int main(int argc, char **argv)
{
	CLI::App app{"Bulkhead: a compositor that shows the windows of many virtual machines, "
		     "each in a frame no VM can forge."};
	std::string config_path;
	std::string socket_name;
	bool debug = false;
	app.add_option("-c,--config", config_path,
		"Config file (default: $XDG_CONFIG_HOME/bulkhead/config.toml)");
	app.add_option("-s,--socket", socket_name,
		"Wayland socket name to listen on in $XDG_RUNTIME_DIR (default: first free wayland-N)");
	app.add_flag("-d,--debug", debug, "Verbose logging");
	app.set_version_flag("-v,--version", BULKHEAD_VERSION);
	try {
		app.parse(argc, argv);
	} catch (const CLI::ParseError &e) {
		const int code = app.exit(e);
		return code == 0 ? 0 : exit_usage;
	}

	wlr_log_init(debug ? WLR_DEBUG : WLR_INFO, nullptr);

	bulkhead::Config config;
	try {
		const bool named = !config_path.empty();
		config = bulkhead::load_config(named ? std::filesystem::path(config_path) : bulkhead::default_config_path(), named);
		xkb_keymap *keymap = bulkhead::compile_keymap(config.keyboard);
		if (!keymap)
			throw bulkhead::ConfigError(config.path, 0, "keyboard",
				"the keyboard layout (rules/model/layout/variant/options) does not compile "
				"with xkbcommon; check the names against /usr/share/X11/xkb");
		xkb_keymap_unref(keymap);
	} catch (const bulkhead::ConfigError &e) {
		std::cerr << "bulkhead: bad config: " << e.what() << std::endl;
		return exit_usage;
	}

	try {
		signal(SIGPIPE, SIG_IGN); // a client that stops reading a paste must not kill the compositor
		bulkhead::Server server(std::move(config));
		const std::string name = server.start(socket_name);
		std::printf("WAYLAND_DISPLAY=%s\n", name.c_str());
		std::fflush(stdout);
		wlr_log(WLR_INFO, "listening on WAYLAND_DISPLAY=%s", name.c_str());
		server.run();
	} catch (const std::exception &e) {
		std::cerr << "bulkhead: " << e.what() << std::endl;
		return exit_failure;
	}
	return 0;
}
