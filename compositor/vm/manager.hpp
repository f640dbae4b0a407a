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

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace bulkhead::vm {

struct VmInfo {
	std::string name;
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
	// Starts a defined app domain with the GUI devices added to its live
	// definition (the stored one is left as it is). Throws LibvirtError / XmlError.
	void start_app(const std::string &name);
	// A new running disposable of template_name, taken from the pool when one is
	// ready; returns its name. Throws LibvirtError, XmlError, OverlayError.
	std::string create_disposable(const std::string &template_name);
	// Destroys a disposable, its overlay and its shared memory. Throws
	// std::invalid_argument for a domain that is not a disposable.
	void destroy_disposable(const std::string &name);
	// The paused disposables ready for template_name.
	std::vector<std::string> pool(const std::string &template_name) const;

private:
	void handle_lifecycle(const LifecycleEvent &event);
	void report_started(const std::string &name);
	void forget(const std::string &name, bool crashed);
	std::string create(const std::string &template_name, bool paused);
	void start_transient(const std::string &name, const std::string &xml, bool paused);
	void refill();
	void schedule_refill();

	Connection &conn_;
	VmManagerConfig config_;
	VmListener &listener_;
	OverlayStore overlays_;
	std::map<std::string, VmInfo> running_;                // reported started
	std::set<std::string> disposables_;                    // created by this manager, not yet gone
	std::set<std::string> in_flight_;                      // names taken by creations under way
	std::map<std::string, std::vector<std::string>> pools_; // template -> paused disposables
	std::set<std::string> pool_failed_;                    // templates whose refill failed; retried on use
	bool refill_scheduled_ = false;
	unsigned start_flags_ = ~0u; // the disposable_start_flags the driver takes
	std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace bulkhead::vm
