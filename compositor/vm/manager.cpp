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
	info.uuid = domain.child("uuid").text().get();
	info.metadata = *metadata;
	info.gui = find_gui_devices(domain);
	if (!info.gui.shm_name.empty())
		info.shm = info.gui.shm_path(shm_dir);
	return info;
}

bool is_active(virDomainPtr d) { return virDomainIsActive(d) == 1; }

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
	alive_.reset(); // results the worker still posts are dropped
	worker_.reset(); // finishes the queued libvirt calls
	conn_.on_lifecycle(nullptr);
	std::set<std::string> mine;
	for (const auto &[name, uuid] : disposables_)
		mine.insert(name);
	for (const auto &[name, creation] : in_flight_)
		mine.insert(name);
	for (const std::string &name : mine)
		destroy_now(name);
}

// Shutting down: destroys and cleans up without the worker.
void VmManager::destroy_now(const std::string &name)
{
	if (const Domain d = conn_.find(name); d && virDomainDestroyFlags(d.get(), 0) < 0)
		config_.log("cannot destroy disposable '" + name + "': " + virGetLastErrorMessage());
	overlays_.remove(name);
}

VmManager::Reply VmManager::reply() const
{
	return [alive = std::weak_ptr<bool>(alive_)](std::function<void()> fn) {
		EventLoopBridge::post([alive, fn = std::move(fn)] {
			if (!alive.expired())
				fn();
		});
	};
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

void VmManager::start_app(const std::string &name, Done done)
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
	worker_->run([reply = reply(), conn = conn_.get(), name, xml = to_string(doc), done = std::move(done)] {
		virDomainPtr started = virDomainCreateXML(conn, xml.c_str(), 0);
		const std::string error =
			started ? "" : "starting domain '" + name + "': " + virGetLastErrorMessage();
		if (started)
			virDomainFree(started);
		reply([done, error] {
			if (done)
				done(error);
		});
	});
}

std::string VmManager::create_disposable(const std::string &template_name, Done done)
{
	pool_failed_.erase(template_name);
	auto &ready = pools_[template_name];
	while (!ready.empty()) {
		const std::string name = ready.front();
		ready.erase(ready.begin());
		schedule_refill();
		const Domain d = conn_.find(name);
		if (d && virDomainResume(d.get()) == 0) { // milliseconds: no need for the worker
			reply()([done] {
				if (done)
					done("");
			});
			return name; // reported started by its resumed event
		}
		config_.log("preloaded disposable '" + name + "' could not be resumed: " +
			(d ? virGetLastErrorMessage() : "it is gone"));
		destroy_disposable(name);
	}
	const std::string name = create(template_name, false, std::move(done));
	schedule_refill();
	return name;
}

unsigned disposable_start_flags(bool paused)
{
	// Autodestroy: should this process die, libvirt destroys its disposables
	// when the connection goes.
	return VIR_DOMAIN_START_AUTODESTROY | (paused ? VIR_DOMAIN_START_PAUSED : 0);
}

std::string VmManager::create(const std::string &template_name, bool paused, Done done)
{
	const Domain t = conn_.find(template_name);
	if (!t)
		throw LibvirtError("no template named '" + template_name + "'", VIR_ERR_NO_DOMAIN);
	const std::string template_xml = conn_.xml_of(t.get(), VIR_DOMAIN_XML_INACTIVE);
	const TemplateInfo info = inspect_template(template_xml);

	std::set<std::string> taken(destroying_);
	for (const auto &[n, creation] : in_flight_)
		taken.insert(n);
	for (std::string &n : conn_.domain_names())
		taken.insert(std::move(n));
	const std::string name = next_disposable_name(taken);
	const std::filesystem::path overlay = overlays_.create(name, info.base);
	std::string xml;
	try {
		xml = make_disposable_xml(
			template_xml, {name, overlay, gui_devices_for(name, config_.runtime_dir, config_.shm_mib)});
	} catch (...) {
		overlays_.remove(name);
		throw;
	}
	in_flight_[name] = {template_name, paused};
	const unsigned flags = disposable_start_flags(paused) & start_flags_;
	worker_->run([this, reply = reply(), conn = conn_.get(), name, xml, flags, paused, done = std::move(done)] {
		virDomainPtr d = virDomainCreateXML(conn, xml.c_str(), flags);
		// Drivers without these flags (libvirt's test driver, some remote
		// ones) reject them as invalid arguments: do without, pausing with a
		// second call.
		const bool refused = !d && flags && virGetLastErrorCode() == VIR_ERR_INVALID_ARG;
		if (refused)
			d = virDomainCreateXML(conn, xml.c_str(), 0);
		std::string error;
		char uuid[VIR_UUID_STRING_BUFLEN] = "";
		if (!d) {
			error = "starting disposable '" + name + "': " + virGetLastErrorMessage();
		} else if (paused && (refused || !(flags & VIR_DOMAIN_START_PAUSED)) && virDomainSuspend(d) < 0) {
			error = "pausing preloaded disposable '" + name + "': " + virGetLastErrorMessage();
			virDomainDestroy(d);
		}
		if (d) {
			virDomainGetUUIDString(d, uuid);
			virDomainFree(d);
		}
		reply([this, name, uuid = std::string(uuid), error, refused, done] {
			finish_create(name, uuid, error, refused, done);
		});
	});
	return name;
}

void VmManager::finish_create(
	const std::string &name, const std::string &uuid, std::string error, bool flags_refused, Done done)
{
	const Creation creation = in_flight_.at(name);
	in_flight_.erase(name);
	if (flags_refused) {
		config_.log("libvirt driver refuses paused/autodestroy start flags; doing without");
		start_flags_ = 0;
	}
	if (error.empty() && destroying_.count(name))
		error = "disposable '" + name + "' was destroyed before it started";
	if (!error.empty()) {
		overlays_.remove(name);
		config_.log(error);
		if (creation.paused)
			pool_failed_.insert(creation.template_name);
	} else {
		disposables_[name] = uuid;
		config_.log("created disposable '" + name + "' from '" + creation.template_name + "'" +
			(creation.paused ? " (preloaded)" : ""));
		if (creation.paused)
			pools_[creation.template_name].push_back(name);
		else
			report_started(name); // unless its started event came first
		if (!conn_.find(name)) // stopped already: its event found nothing to clean up
			forget(name, uuid, false);
	}
	if (creation.paused)
		schedule_refill();
	if (done)
		done(error);
}

void VmManager::destroy_disposable(const std::string &name)
{
	if (destroying_.count(name))
		return;
	if (!disposables_.count(name) && !in_flight_.count(name)) {
		const Domain d = conn_.find(name);
		const auto m = d ? read_metadata(d.get()) : std::nullopt;
		if (!m || m->role != Role::Disposable)
			throw std::invalid_argument("'" + name + "' is not a disposable");
	}
	for (auto &[t, ready] : pools_)
		std::erase(ready, name);
	destroying_.insert(name);
	// Queued after its creation when that is still under way, so it finds the domain.
	worker_->run([this, reply = reply(), conn = conn_.get(), name] {
		std::string error;
		if (virDomainPtr d = virDomainLookupByName(conn, name.c_str())) {
			// Flags 0: SIGTERM, then SIGKILL if QEMU lingers; a disposable has nothing to save.
			if (virDomainDestroyFlags(d, 0) < 0 && virGetLastErrorCode() != VIR_ERR_OPERATION_INVALID)
				error = virGetLastErrorMessage();
			virDomainFree(d);
		}
		reply([this, name, error] {
			destroying_.erase(name);
			if (!error.empty())
				config_.log("cannot destroy disposable '" + name + "': " + error); // cleaned up when it stops
			else
				forget(name, "", false);
		});
	});
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
		forget(event.domain, event.uuid, event.event == Lifecycle::Crashed);
		break;
	default:
		break;
	}
}

void VmManager::report_started(const std::string &name)
{
	if (running_.count(name))
		return;
	if (const auto it = in_flight_.find(name); it != in_flight_.end() && it->second.paused)
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
void VmManager::forget(const std::string &name, const std::string &uuid, bool crashed)
{
	const auto it = running_.find(name);
	const auto disposable = disposables_.find(name);
	if (!uuid.empty() && ((it != running_.end() && it->second.uuid != uuid) ||
				     (disposable != disposables_.end() && disposable->second != uuid)))
		return; // an earlier domain of that name: ours runs on
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
	reply()([this] {
		refill_scheduled_ = false;
		refill();
	});
}

// Starts one preloaded disposable at a time; its completion schedules the next.
void VmManager::refill()
{
	for (const VmInfo &vm : domains()) {
		const std::string &t = vm.name;
		if (vm.metadata.role != Role::DisposableTemplate || pool_failed_.count(t))
			continue;
		std::size_t count = pools_[t].size();
		for (const auto &[name, creation] : in_flight_)
			count += creation.paused && creation.template_name == t;
		if (count >= config_.preload)
			continue;
		try {
			create(t, true, nullptr);
		} catch (const std::exception &e) {
			config_.log("cannot preload a disposable of '" + t + "': " + e.what());
			pool_failed_.insert(t);
			schedule_refill();
		}
		return;
	}
}

} // namespace bulkhead::vm
