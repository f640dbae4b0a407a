#pragma once
// The domains Bulkhead manages (those carrying its metadata): their lifecycle
// reported to a listener, app domains started with the GUI devices, and
// disposables created (from a preloaded pool when one is ready) and destroyed
// with everything they wrote.
#include "vm/connection.hpp"
#include "vm/gui_devices.hpp"
#include "vm/log.hpp"
#include "vm/metadata.hpp"
#include "vm/overlay.hpp"
#include "vm/worker.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace bulkhead::vm {

struct VmInfo {
	std::string name;
	std::string uuid;
	Metadata metadata;            // label, role, template
	GuiDevices gui;               // empty socket / shm_mib 0 when the domain has none of ours
	std::filesystem::path shm;    // the region's file on this host
	bool running = false;
};

class VmListener {
public:
	virtual ~VmListener() = default;
	// A managed domain runs (for a preloaded disposable: once it is handed out).
	virtual void vm_started(const VmInfo &vm) = 0;
	// It stopped: destroyed, shut down, or crashed (then crashed is true).
	virtual void vm_stopped(const VmInfo &vm, bool crashed) = 0;
};

struct VmManagerConfig {
	std::filesystem::path runtime_dir;                  // GUI sockets go here
	std::filesystem::path overlay_dir = default_overlay_dir();
	std::filesystem::path shm_dir = "/dev/shm";         // where libvirt puts <shmem> regions
	uint32_t shm_mib = 64;
	unsigned preload = 0;                               // paused disposables kept per template
	Log log = log_to_stderr;
};

// virDomainCreateXML flags for a disposable: autodestroy, paused for the pool.
unsigned disposable_start_flags(bool paused);

class VmManager {
public:
	// Destroys disposables left running by an earlier instance, sweeps stale
	// overlays, reports the managed domains already running and starts filling
	// the pools from the event loop. conn must outlive the manager.
	VmManager(Connection &conn, VmManagerConfig config, VmListener &listener);
	// Destroys every disposable it created (pool included) and their files.
	~VmManager();
	VmManager(const VmManager &) = delete;
	VmManager &operator=(const VmManager &) = delete;

	// The managed domains, running or not. Domains with bad metadata are logged and left out.
	std::vector<VmInfo> domains() const;
	// Called on the loop's thread when a start finished: error is empty when the
	// domain runs, else libvirt's reason (for the placeholder window).
	using Done = std::function<void(const std::string &error)>;

	// Starts a defined app domain with the GUI devices added to its live
	// definition (the stored one is left as it is). Checks first and throws
	// LibvirtError / XmlError; libvirt's start then runs on the worker.
	void start_app(const std::string &name, Done done);
	// A new disposable of template_name, its name returned at once (for the
	// placeholder); done follows when it runs. Taken from the pool when one is
	// ready. Throws LibvirtError, XmlError, OverlayError for what fails before
	// libvirt's start (no such template, no overlay).
	std::string create_disposable(const std::string &template_name, Done done);
	// Destroys a disposable on the worker; vm_stopped follows, its overlay and
	// shared memory removed then. Throws std::invalid_argument for a domain that
	// is not a disposable.
	void destroy_disposable(const std::string &name);
	// The paused disposables ready for template_name.
	std::vector<std::string> pool(const std::string &template_name) const;

private:
	struct Creation {
		std::string template_name;
		bool paused;
	};
	void handle_lifecycle(const LifecycleEvent &event);
	void report_started(const std::string &name);
	// uuid: the domain that stopped, empty for whichever has the name now.
	void forget(const std::string &name, const std::string &uuid, bool crashed);
	std::string create(const std::string &template_name, bool paused, Done done);
	void finish_create(const std::string &name, const std::string &uuid, std::string error, bool flags_refused, Done done);
	// Runs a function on the loop's thread later, unless the manager is gone
	// by then. Made on the loop's thread, callable from the worker.
	using Reply = std::function<void(std::function<void()>)>;
	Reply reply() const;
	void refill();
	void schedule_refill();
	void destroy_now(const std::string &name);

	Connection &conn_;
	VmManagerConfig config_;
	VmListener &listener_;
	OverlayStore overlays_;
	std::map<std::string, VmInfo> running_;                 // reported started
	std::map<std::string, std::string> disposables_;        // created by this manager, not yet gone: name -> uuid
	std::map<std::string, Creation> in_flight_;             // being started by the worker
	std::set<std::string> destroying_;                      // being destroyed by the worker
	std::map<std::string, std::vector<std::string>> pools_; // template -> paused disposables
	std::set<std::string> pool_failed_;                     // templates whose refill failed; retried on use
	bool refill_scheduled_ = false;
	unsigned start_flags_ = ~0u; // the disposable_start_flags the driver takes
	std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
	std::unique_ptr<Worker> worker_ = std::make_unique<Worker>();
};

} // namespace bulkhead::vm
