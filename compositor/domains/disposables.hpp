#pragma once
// Disposable VMs: each is a domain dispN made from the disposable template,
// started for one app (the browser shortcut) or one file (bulkhead-open on the
// host, bulkhead-open-in-disposable in a VM), and destroyed with everything it
// wrote when that app exits or its last window closes. While it starts, a
// placeholder in its label colour stands where its window will be.
#include "config/config.hpp"

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>

struct wl_resource;
struct wl_event_source;

namespace bulkhead {

class Domain;
class Placeholder;
class Server;
class View;

// Who asked for a file to be opened: the host (a bulkhead_launch_v1 to
// answer) or an app domain's open request (answered over its daemon, and
// given the edited file back).
struct OpenOrigin {
	wl_resource *launch = nullptr; // host request
	std::string domain;            // guest request: the asking domain
	uint32_t request = 0;          // its request number
};


class Disposables {
public:
	explicit Disposables(Server &server);
	~Disposables();
	Disposables(const Disposables &) = delete;
	Disposables &operator=(const Disposables &) = delete;

	// Removes what crashed runs left behind, then fills the preload pool.
	void start();

	// The three ways in. file is a sealed memfd holding the copy to open.
	void open_browser();
	void open_file(int file, const std::string &name, OpenOrigin origin);
	void handle_open_request(Domain &from, uint32_t request, int file, const std::string &name);

	// From domains and their daemons.
	void handle_domain_ready(Domain &domain);
	void handle_domain_failed(Domain &domain, const std::string &why);
	void handle_app_exited(Domain &domain, uint32_t request, int32_t status);
	void handle_returned_file(Domain &domain, uint32_t request, int file);
	void handle_view_mapped(View &view);
	void handle_view_unmapped(View &view);
	void forget_launch(wl_resource *launch);

	// A VM disposable started by the VM engine runs and has its Domain now, or
	// stopped by itself (crashed, shut down).
	void attach_vm(Domain &domain);
	void handle_vm_stopped(const std::string &name, const std::string &why);

	// While a disposable's request waits for the user, Super+Y allows it and
	// Super+N refuses it: keys only the compositor sees. True when consumed.
	bool handle_prompt_key(uint32_t modifiers, uint32_t keysym);

private:
	struct Job {
		std::string app;              // the browser command, or empty for a file
		int file = -1;                // sealed copy, for a file
		std::string name;
		OpenOrigin origin;
	};
	struct Instance {
		Disposables *owner = nullptr;
		std::string name, label;
		uint64_t serial = 0;          // tells a VM engine's answer which instance it is for
		bool vm = false;              // made by the VM engine (else local processes)
		bool vm_gone = false;         // the VM engine already destroyed it
		Domain *domain = nullptr;     // nullptr until a VM disposable runs
		std::string doomed;           // why it is to be destroyed, once it is
		std::optional<Job> job;       // nullopt while it waits in the pool
		uint32_t request = 0;         // the host's request number for its app
		bool sent = false;            // the job went to its daemon
		int windows = 0;              // mapped windows
		bool had_window = false;
		std::unique_ptr<Placeholder> placeholder;
		wl_event_source *grace = nullptr; // last window closed: the app has a moment to exit
	};

	Instance *instance_of(Domain &domain);
	Instance *instance_named(const std::string &name);
	// The template disposables come from, and whether the VM engine makes them;
	// empty when there is none.
	std::string template_name(bool *vm) const;
	// nullptr when the VM engine could not even begin (the job is answered).
	Instance *create(std::optional<Job> job);
	void fail(Instance &instance, const std::string &why);
	void refuse(Job &job, const std::string &why);
	void assign(Instance &instance, Job job);
	void send_job(Instance &instance);
	void destroy(Instance &instance, const std::string &why);
	void reap(Instance &instance);
	static void handle_reap(void *data);
	void refill_pool();
	// Hands the job to a preloaded disposable, else to a new one.
	void start(Job job);
	void answer_origin(const OpenOrigin &origin, uint32_t status, const std::string &text);
	static int handle_grace_timer(void *data);
	static void handle_refill(void *data);
	static int handle_prompt_timeout(void *data);
	void answer_prompt(bool allow, const std::string &why);

	// A request from a disposable to start another, waiting for the user.
	struct Prompt {
		OpenOrigin origin;
		int file = -1;
		std::string name;
		std::unique_ptr<Placeholder> panel;
		wl_event_source *timeout = nullptr;
	};
	std::unique_ptr<Prompt> prompt_;

	Server &server_;
	std::list<std::unique_ptr<Instance>> instances_;
	std::list<std::unique_ptr<Placeholder>> lingering_; // failed starts, shown a while
	uint32_t next_request_ = 1;
	uint64_t next_serial_ = 1;
	wl_event_source *refill_ = nullptr, *reap_ = nullptr;
};

} // namespace bulkhead
