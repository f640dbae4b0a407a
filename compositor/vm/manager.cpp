#include "vm/manager.hpp"

#include "vm/disposable_xml.hpp"
#include "vm/event_loop.hpp"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <algorithm>
#include <stdexcept>

namespace bulkhead::vm {
namespace {

// The managed domain's info from its (live) XML; nullopt when it carries no
// metadata of ours.
std::optional<VmInfo> info_from_xml(const std::string &xml, const std::filesystem::path &shm_dir)
{
	const pugi::xml_document doc = parse_xml(xml, "domain XML");
	const pugi::xml_node domain = doc.child("domain");
	const auto metadata = find_metadata(domain);
	if (!metadata)
		return std::nullopt;
	VmInfo info;
	info.name = domain.child("name").text().get();
	info.metadata = *metadata;
	info.gui = find_gui_devices(domain);
	if (!info.gui.shm_name.empty())
		info.shm = info.gui.shm_path(shm_dir);
	return info;
}

bool is_active(virDomainPtr d) { return virDomainIsActive(d) == 1; }

// Removes a name from the set when the scope ends.
struct Reservation {
	std::set<std::string> &set;
	std::string name;
	~Reservation() { set.erase(name); }
};

} // namespace

VmManager::VmManager(Connection &conn, VmManagerConfig config, VmListener &listener)
	: conn_(conn), config_(std::move(config)), listener_(listener), overlays_(config_.overlay_dir, config_.log, config_.shm_dir)
{
	if (embed_root(conn_.uri())) {
		// libvirt 9's embedded driver refuses autodestroy. Its QEMUs outlive a
		// crashed compositor, so the next start destroys them (below).
		start_flags_ &= ~VIR_DOMAIN_START_AUTODESTROY;
	}
	std::set<std::string> running;
	for (const Domain &d : conn_.domains()) {
		if (!is_active(d.get()))
			continue;
		const std::string name = virDomainGetName(d.get());
		std::optional<Metadata> m;
		try {
			m = read_metadata(d.get());
		} catch (const std::exception &e) {
			config_.log("ignoring domain '" + name + "': " + e.what());
		}
		if (m && m->role == Role::Disposable) {
			// Left by an instance that died: nothing a disposable wrote may survive.
			config_.log("destroying disposable '" + name + "' left by an earlier run");
			if (virDomainDestroy(d.get()) < 0)
				throw_last_error("destroying leftover disposable '" + name + "'");
			continue;
		}
		running.insert(name);
	}
	overlays_.sweep(running);
	conn_.on_lifecycle([this](const LifecycleEvent &e) { handle_lifecycle(e); });
	for (const std::string &name : running)
		report_started(name);
	schedule_refill();
}

VmManager::~VmManager()
{
	*alive_ = false;
	conn_.on_lifecycle(nullptr);
	for (const std::string &name : std::set<std::string>(disposables_)) {
		try {
			destroy_disposable(name);
		} catch (const std::exception &e) {
			config_.log("cannot destroy disposable '" + name + "': " + e.what());
			overlays_.remove(name);
		}
	}
}

std::vector<VmInfo> VmManager::domains() const
{
	std::vector<VmInfo> out;
	for (const Domain &d : conn_.domains()) {
		const std::string name = virDomainGetName(d.get());
		try {
			if (auto info = info_from_xml(conn_.xml_of(d.get()), config_.shm_dir)) {
				info->running = is_active(d.get());
				out.push_back(std::move(*info));
			}
		} catch (const std::exception &e) {
			config_.log("ignoring domain '" + name + "': " + e.what());
		}
	}
	return out;
}

void VmManager::start_app(const std::string &name)
{
	const Domain d = conn_.find(name);
	if (!d)
		throw LibvirtError("no domain named '" + name + "'", VIR_ERR_NO_DOMAIN);
	if (is_active(d.get()))
		throw LibvirtError("domain '" + name + "' is already running", VIR_ERR_OPERATION_INVALID);
	pugi::xml_document doc = parse_xml(conn_.xml_of(d.get(), VIR_DOMAIN_XML_INACTIVE), "domain XML");
	const auto m = find_metadata(doc.child("domain"));
	if (!m || m->role != Role::App)
		throw XmlError("domain '" + name + "' is not an app domain");
	add_gui_devices(doc.child("domain"), gui_devices_for(name, config_.runtime_dir, config_.shm_mib));
	// Same name and uuid as the stored domain: libvirt runs it with this as its
	// live definition and keeps the stored one unchanged.
	virDomainPtr started = virDomainCreateXML(conn_.get(), to_string(doc).c_str(), 0);
	if (!started)
		throw_last_error("starting domain '" + name + "'");
	virDomainFree(started);
}

std::string VmManager::create_disposable(const std::string &template_name)
{
	pool_failed_.erase(template_name);
	auto &ready = pools_[template_name];
	while (!ready.empty()) {
		const std::string name = ready.front();
		ready.erase(ready.begin());
		schedule_refill();
		const Domain d = conn_.find(name);
		if (d && virDomainResume(d.get()) == 0)
			return name; // reported started by its resumed event
		config_.log("preloaded disposable '" + name + "' could not be resumed: " +
			(d ? virGetLastErrorMessage() : "it is gone"));
		destroy_disposable(name);
	}
	schedule_refill();
	return create(template_name, false);
}

std::string VmManager::create(const std::string &template_name, bool paused)
{
	const Domain t = conn_.find(template_name);
	if (!t)
		throw LibvirtError("no template named '" + template_name + "'", VIR_ERR_NO_DOMAIN);
	const std::string template_xml = conn_.xml_of(t.get(), VIR_DOMAIN_XML_INACTIVE);
	const TemplateInfo info = inspect_template(template_xml);

	std::set<std::string> taken(in_flight_);
	for (std::string &n : conn_.domain_names())
		taken.insert(std::move(n));
	const std::string name = next_disposable_name(taken);
	in_flight_.insert(name);
	const Reservation reservation{in_flight_, name};

	const std::filesystem::path overlay = overlays_.create(name, info.base);
	try {
		const std::string xml = make_disposable_xml(
			template_xml, {name, overlay, gui_devices_for(name, config_.runtime_dir, config_.shm_mib)});
		start_transient(name, xml, paused);
	} catch (...) {
		overlays_.remove(name);
		throw;
	}
	disposables_.insert(name);
	if (paused)
		pools_[template_name].push_back(name);
	config_.log("created disposable '" + name + "' from '" + template_name + "'" + (paused ? " (preloaded)" : ""));
	return name;
}

unsigned disposable_start_flags(bool paused)
{
	// Autodestroy: should this process die, libvirt destroys its disposables
	// when the connection goes.
	return VIR_DOMAIN_START_AUTODESTROY | (paused ? VIR_DOMAIN_START_PAUSED : 0);
}

void VmManager::start_transient(const std::string &name, const std::string &xml, bool paused)
{
	const unsigned wanted = disposable_start_flags(paused) & start_flags_;
	virDomainPtr started = virDomainCreateXML(conn_.get(), xml.c_str(), wanted);
	if (!started && wanted && virGetLastErrorCode() == VIR_ERR_INVALID_ARG) {
		// Drivers without these flags (libvirt's test driver, some remote
		// ones) reject them as invalid arguments: do without, pausing with a
		// second call.
		config_.log("libvirt driver refuses start flags (" + std::string(virGetLastErrorMessage()) +
			"); doing without");
		start_flags_ = 0;
		started = virDomainCreateXML(conn_.get(), xml.c_str(), 0);
	}
	if (!started)
		throw_last_error("starting disposable '" + name + "'");
	const Domain d(started);
	if (paused && !(start_flags_ & VIR_DOMAIN_START_PAUSED) && virDomainSuspend(d.get()) < 0) {
		const std::string why = virGetLastErrorMessage();
		virDomainDestroy(d.get());
		throw LibvirtError("pausing preloaded disposable '" + name + "': " + why, 0);
	}
}

void VmManager::destroy_disposable(const std::string &name)
{
	const Domain d = conn_.find(name);
	if (!disposables_.count(name)) {
		const auto m = d ? read_metadata(d.get()) : std::nullopt;
		if (!m || m->role != Role::Disposable)
			throw std::invalid_argument("'" + name + "' is not a disposable");
	}
	// Flags 0: SIGTERM, then SIGKILL if QEMU lingers; a disposable has nothing to save.
	if (d && virDomainDestroyFlags(d.get(), 0) < 0 && virGetLastErrorCode() != VIR_ERR_OPERATION_INVALID)
		throw_last_error("destroying disposable '" + name + "'");
	virResetLastError();
	forget(name, false);
}

std::vector<std::string> VmManager::pool(const std::string &template_name) const
{
	const auto it = pools_.find(template_name);
	return it == pools_.end() ? std::vector<std::string>{} : it->second;
}

void VmManager::handle_lifecycle(const LifecycleEvent &event)
{
	switch (event.event) {
	case Lifecycle::Started:
	case Lifecycle::Resumed:
		report_started(event.domain);
		break;
	case Lifecycle::Stopped:
	case Lifecycle::Crashed:
		forget(event.domain, event.event == Lifecycle::Crashed);
		break;
	default:
		break;
	}
}

void VmManager::report_started(const std::string &name)
{
	if (running_.count(name))
		return;
	for (const auto &[t, ready] : pools_)
		if (std::find(ready.begin(), ready.end(), name) != ready.end())
			return; // reported when handed out
	try {
		const Domain d = conn_.find(name);
		if (!d || !is_active(d.get()))
			return;
		auto info = info_from_xml(conn_.xml_of(d.get()), config_.shm_dir);
		if (!info)
			return;
		info->running = true;
		running_[name] = *info;
		listener_.vm_started(*info);
	} catch (const std::exception &e) {
		config_.log("ignoring domain '" + name + "': " + e.what());
	}
}

// After a domain stopped (or we destroyed it): tell the listener, remove what it
// leaves behind. Safe to call twice: destroy and its stopped event both do.
void VmManager::forget(const std::string &name, bool crashed)
{
	const auto it = running_.find(name);
	const bool managed = it != running_.end() || disposables_.count(name);
	if (managed) {
		try {
			overlays_.remove(name); // libvirt keeps /dev/shm regions after the domain stops
		} catch (const std::exception &e) {
			config_.log("cannot clean up after '" + name + "': " + e.what());
		}
	}
	if (disposables_.erase(name)) {
		for (auto &[t, ready] : pools_)
			if (std::erase(ready, name))
				schedule_refill();
		config_.log("disposable '" + name + "' is gone" + (crashed ? " (crashed)" : ""));
	}
	if (it != running_.end()) {
		const VmInfo info = it->second;
		running_.erase(it);
		listener_.vm_stopped(info, crashed);
	}
}

void VmManager::schedule_refill()
{
	if (config_.preload == 0 || refill_scheduled_)
		return;
	refill_scheduled_ = true;
	EventLoopBridge::post([this, alive = std::weak_ptr<bool>(alive_)] {
		if (alive.expired())
			return;
		refill_scheduled_ = false;
		refill();
	});
}

// Creates one preloaded disposable per call and schedules the next, so the
// compositor's loop gets its turn between two creations.
void VmManager::refill()
{
	std::vector<std::string> templates;
	for (const VmInfo &vm : domains())
		if (vm.metadata.role == Role::DisposableTemplate && !pool_failed_.count(vm.name))
			templates.push_back(vm.name);
	for (const std::string &t : templates) {
		if (pools_[t].size() >= config_.preload)
			continue;
		try {
			create(t, true);
		} catch (const std::exception &e) {
			config_.log("cannot preload a disposable of '" + t + "': " + e.what());
			pool_failed_.insert(t);
		}
		schedule_refill();
		return;
	}
}

} // namespace bulkhead::vm
