// bulkhead-gui-daemon: started by the compositor, one per domain.
#include "daemon.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>

int main(int argc, char **argv)
{
	CLI::App app{"bulkhead-gui-daemon: shows one domain's windows on the Bulkhead compositor"};
	bulkhead::daemon::Options options;
	int ping_timeout_ms = 10000;
	int hello_timeout_ms = 0;
	app.add_option("--domain", options.domain, "Domain name, for logs")->required();
	app.add_option("--transport", options.transport,
		"local:PATH (the agent's unix socket) or vm:PATH (QEMU's host socket of the VM's virtio-serial channel)")
		->required();
	app.add_option("--region-file", options.region_file,
		"vm: the ivshmem backing file (/dev/shm/NAME), exactly --region-size bytes");
	app.add_option("--region-size", options.region_size, "Size of the shared pixel region in bytes")
		->check(CLI::Range(uint64_t{1} << 20, uint64_t{1} << 30));
	app.add_option("--ping-timeout-ms", ping_timeout_ms, "End the connection when the agent is silent this long")
		->check(CLI::Range(100, 600000));
	app.add_option("--hello-timeout-ms", hello_timeout_ms,
		"End the connection when no hello came this long (default: the ping timeout, 60 s for a VM, which boots first)")
		->check(CLI::Range(100, 600000));
	try {
		app.parse(argc, argv);
	} catch (const CLI::ParseError &e) {
		return app.exit(e) == 0 ? 0 : 2;
	}
	if (options.transport.rfind("local:", 0) != 0 && !options.vm()) {
		std::fprintf(stderr, "bulkhead-gui-daemon: unknown transport '%s' (use local:PATH or vm:PATH)\n",
			options.transport.c_str());
		return 2;
	}
	if (options.vm() != !options.region_file.empty()) {
		std::fprintf(stderr, "bulkhead-gui-daemon: --region-file goes with, and only with, --transport vm:PATH\n");
		return 2;
	}
	options.ping_timeout = std::chrono::milliseconds(ping_timeout_ms);
	options.hello_timeout = std::chrono::milliseconds(
		hello_timeout_ms > 0 ? hello_timeout_ms : options.vm() ? 60000 : ping_timeout_ms);
	options.ping_interval = std::min(options.ping_interval, options.ping_timeout / 2);
	options.unresponsive_after = 2 * options.ping_interval;
	signal(SIGPIPE, SIG_IGN);
	bulkhead::daemon::Daemon daemon(options);
	return daemon.run();
}
