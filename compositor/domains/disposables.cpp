#include "domains/disposables.hpp"

#include "bulkhead-domain-v1-protocol.h"
#include "bulkhead-launcher-v1-protocol.h"
#include "desktop/placeholder.hpp"
#include "desktop/view.hpp"
#include "domains/domain.hpp"
#include "domains/registry.hpp"
#include "domains/vm_backend.hpp"
#include "server.hpp"
#include "vm/names.hpp"
#include "vm/policy.hpp"
#include "wire/messages.hpp"

#include <algorithm>
#include <xkbcommon/xkbcommon-keysyms.h>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bulkhead {
namespace {

// After its last window closes, a disposable's app gets this long to exit
// (and send an edited file back) before the disposable is destroyed anyway.
constexpr int grace_ms = 3000;
// How long a disposable's request to start another waits for the user.
constexpr int prompt_timeout_ms = 30000;

// Whether two files hold the same bytes.
bool same_content(int a, int b)
{
	struct stat sa{}, sb{};
	if (fstat(a, &sa) != 0 || fstat(b, &sb) != 0 || sa.st_size != sb.st_size)
		return false;
	char ba[65536], bb[65536];
	for (off_t off = 0; off < sa.st_size;) {
		const ssize_t na = pread(a, ba, sizeof ba, off), nb = pread(b, bb, sizeof bb, off);
		if (na <= 0 || na != nb || std::memcmp(ba, bb, static_cast<std::size_t>(na)) != 0)
			return false;
		off += na;
	}
	return true;
}

} // namespace


Disposables::Disposables(Server &server) : server_(server) {}

Disposables::~Disposables()
{
	if (refill_)
		wl_event_source_remove(refill_);
	if (reap_)
		wl_event_source_remove(reap_);
	if (prompt_) {
		wl_event_source_remove(prompt_->timeout);
		close(prompt_->file);
	}
	for (auto &instance : instances_) {
		if (instance->grace)
			wl_event_source_remove(instance->grace);
		if (instance->job && instance->job->file >= 0)
			close(instance->job->file);
	}
}

void Disposables::start()
{
	// Whatever a crashed run left: its disposables' files must not survive it.
	std::error_code ec;
	// runtime_dir_of(""): the folder holding every local domain's own.
	for (const auto &entry : std::filesystem::directory_iterator(Domain::runtime_dir_of(""), ec)) {
		const std::string name = entry.path().filename().string();
		if (!vm::is_disposable_name(name))
			continue;
		std::filesystem::remove_all(entry.path(), ec);
		wlr_log(WLR_INFO, "disposables: removed %s left by an earlier run", entry.path().c_str());
	}
	refill_pool();
}


std::string Disposables::template_name(bool *vm) const
{
	*vm = false;
	if (const DomainConfig *local = server_.config().disposable_template())
		return local->name;
	const std::string &name = server_.config().disposables.template_name;
	if (!name.empty() && server_.vms() && !server_.vms()->template_label(name).empty()) {
		*vm = true;
		return name;
	}
	return "";
}

Disposables::Instance *Disposables::create(std::optional<Job> job)
{
	bool vm = false;
	const std::string tmpl = template_name(&vm);
	auto instance = std::make_unique<Instance>();
	Instance &i = *instance;
	i.owner = this;
	i.vm = vm;
	if (vm) {
		// The VM engine names it and starts it in the background; its Domain
		// arrives with attach_vm() once it runs.
		i.label = server_.vms()->template_label(tmpl);
		try {
			const uint64_t serial = i.serial = next_serial_++;
			i.name = server_.vms()->create_disposable(tmpl, [this, serial](const std::string &error) {
				for (auto &other : instances_)
					if (other->serial == serial && !error.empty()) {
						other->vm_gone = true; // the VM engine cleaned up after itself
						fail(*other, error);
					}
			});
		} catch (const std::exception &e) {
			wlr_log(WLR_ERROR, "disposables: cannot start one from %s: %s", tmpl.c_str(), e.what());
			if (job)
				refuse(*job, e.what());
			return nullptr;
		}
	} else {
		DomainConfig config = *server_.config().disposable_template();
		config.name = vm::next_disposable_name(server_.domains().names());
		config.role = "disposable";
		config.autostart.clear();
		i.name = config.name;
		i.label = config.label;
		i.domain = &server_.domains().add(config, true);
	}
	instances_.push_back(std::move(instance));
	wlr_log(WLR_INFO, "disposable %s: starting from template %s%s", i.name.c_str(), tmpl.c_str(),
		job ? "" : " for the preload pool");
	if (job)
		assign(i, std::move(*job));
	return &i;
}

void Disposables::fail(Instance &instance, const std::string &why)
{
	if (instance.placeholder)
		instance.placeholder->fail(why);
	if (instance.job)
		refuse(*instance.job, why);
	destroy(instance, why);
}

void Disposables::refuse(Job &job, const std::string &why)
{
	if (job.origin.launch)
		bulkhead_launch_v1_send_failed(job.origin.launch, why.c_str());
	answer_origin(job.origin, static_cast<uint32_t>(wire::OpenStatus::Failed), why);
	if (job.file >= 0)
		close(job.file);
	job.file = -1;
}

void Disposables::attach_vm(Domain &domain)
{
	Instance *instance = instance_named(domain.name());
	if (!instance || !instance->vm)
		return;
	instance->domain = &domain;
	wlr_log(WLR_INFO, "disposable %s: the VM runs", domain.name().c_str());
}

void Disposables::handle_vm_stopped(const std::string &name, const std::string &why)
{
	Instance *instance = instance_named(name);
	if (!instance)
		return;
	instance->vm_gone = true;
	if (instance->placeholder && !instance->had_window)
		instance->placeholder->fail("the VM " + why);
	destroy(*instance, "the VM " + why);
}

Disposables::Instance *Disposables::instance_named(const std::string &name)
{
	for (auto &instance : instances_)
		if (instance->name == name && instance->doomed.empty())
			return instance.get();
	return nullptr;
}

void Disposables::assign(Instance &instance, Job job)
{
	instance.request = next_request_++;
	const std::string what = job.app.empty() ? job.name : job.app;
	instance.placeholder = std::make_unique<Placeholder>(server_, instance.name, instance.label, what, [this](Placeholder *p) {
			lingering_.remove_if([p](const auto &l) { return l.get() == p; });
		});
	instance.job = std::move(job);
	if (instance.job->origin.launch)
		bulkhead_launch_v1_send_started(instance.job->origin.launch, instance.name.c_str());
	if (!instance.job->origin.domain.empty())
		answer_origin(instance.job->origin, static_cast<uint32_t>(wire::OpenStatus::Started),
			"opening in " + instance.name);
	send_job(instance);
}

void Disposables::send_job(Instance &instance)
{
	if (instance.sent || !instance.job || !instance.domain || !instance.domain->manager())
		return;
	instance.sent = true;
	const Job &job = *instance.job;
	wl_resource *manager = instance.domain->manager();
	if (!job.app.empty()) {
		wlr_log(WLR_INFO, "disposable %s: request %u: launching '%s'", instance.name.c_str(),
			instance.request, job.app.c_str());
		bulkhead_domain_manager_v1_send_launch(manager, instance.request, job.app.c_str());
		return;
	}
	uint32_t flags = BULKHEAD_DOMAIN_MANAGER_V1_FILE_FLAGS_OPEN;
	if (!job.origin.domain.empty())
		flags |= BULKHEAD_DOMAIN_MANAGER_V1_FILE_FLAGS_RETURN;
	wlr_log(WLR_INFO, "disposable %s: request %u: sending '%s'", instance.name.c_str(), instance.request,
		job.name.c_str());
	bulkhead_domain_manager_v1_send_send_file(manager, instance.request, flags, job.file, job.name.c_str());
}

void Disposables::open_browser()
{
	bool vm;
	if (template_name(&vm).empty()) {
		wlr_log(WLR_ERROR, "disposables: no browser: no disposable template is configured");
		return;
	}
	Job job;
	job.app = server_.config().disposables.browser;
	start(std::move(job));
}

void Disposables::start(Job job)
{
	const auto ready = std::find_if(instances_.begin(), instances_.end(),
		[](const auto &i) { return !i->job && i->doomed.empty(); });
	if (ready != instances_.end()) // a preloaded one
		assign(**ready, std::move(job));
	else
		create(std::move(job));
	refill_pool();
}

void Disposables::open_file(int file, const std::string &name, OpenOrigin origin)
{
	Job job{"", file, name, origin};
	bool vm;
	if (template_name(&vm).empty()) {
		const std::string why = "no disposable template is configured";
		wlr_log(WLR_ERROR, "disposables: cannot open '%s': %s", name.c_str(), why.c_str());
		refuse(job, why);
		return;
	}
	start(std::move(job));
}

void Disposables::handle_open_request(Domain &from, uint32_t request, int file, const std::string &name)
{
	const DisposablesConfig &cfg = server_.config().disposables;
	vm::PolicyConfig policy;
	if (cfg.open_from_set)
		policy.open_from = cfg.open_from;
	vm::Decision decision = vm::decide_open_in_disposable(policy, from.name(),
		from.disposable() ? vm::Role::Disposable : vm::Role::App);
	bool vm;
	if (decision.verdict != vm::Verdict::Deny && template_name(&vm).empty())
		decision = {vm::Verdict::Deny, "no disposable template is configured"};
	std::string &reason = decision.reason;
	OpenOrigin origin{nullptr, from.name(), request};
	if (decision.verdict == vm::Verdict::Ask && !prompt_) {
		prompt_ = std::make_unique<Prompt>();
		prompt_->origin = origin;
		prompt_->file = file;
		prompt_->name = name;
		prompt_->panel = std::make_unique<Placeholder>(server_, from.name(), from.label(),
			"asks to open '" + name + "' in a new disposable", [](Placeholder *) {});
		prompt_->panel->show_message("Open it in a new disposable?", "Super+Y: allow    Super+N: refuse");
		prompt_->timeout = wl_event_loop_add_timer(server_.event_loop(), &Disposables::handle_prompt_timeout, this);
		wl_event_source_timer_update(prompt_->timeout, prompt_timeout_ms);
		wlr_log(WLR_INFO, "disposables: asking the user: %s to open '%s'", reason.c_str(), name.c_str());
		return;
	}
	if (decision.verdict != vm::Verdict::Allow) {
		if (decision.verdict == vm::Verdict::Ask)
			reason += "; another request is waiting for the user";
		wlr_log(WLR_ERROR, "disposables: refused to open '%s' for domain %s: %s", name.c_str(), from.name().c_str(),
			reason.c_str());
		server_.notify("Not opened in a disposable: " + from.name() + "'s '" + name + "' (" + reason + ")", from.label());
		answer_origin(origin, static_cast<uint32_t>(wire::OpenStatus::Refused), reason);
		close(file);
		return;
	}
	wlr_log(WLR_INFO, "disposables: domain %s asks to open '%s': %s", from.name().c_str(), name.c_str(),
		reason.c_str());
	open_file(file, name, origin);
}

bool Disposables::handle_prompt_key(uint32_t modifiers, uint32_t keysym)
{
	if (!prompt_ || modifiers != ModLogo || (keysym != XKB_KEY_y && keysym != XKB_KEY_n))
		return false;
	answer_prompt(keysym == XKB_KEY_y, keysym == XKB_KEY_y ? "the user allowed it" : "the user refused it");
	return true;
}

int Disposables::handle_prompt_timeout(void *data)
{
	static_cast<Disposables *>(data)->answer_prompt(false, "nobody answered in time");
	return 0;
}

void Disposables::answer_prompt(bool allow, const std::string &why)
{
	std::unique_ptr<Prompt> prompt = std::move(prompt_);
	wl_event_source_remove(prompt->timeout);
	wlr_log(WLR_INFO, "disposables: '%s' from %s: %s", prompt->name.c_str(), prompt->origin.domain.c_str(), why.c_str());
	if (allow) {
		open_file(prompt->file, prompt->name, prompt->origin);
		return;
	}
	answer_origin(prompt->origin, static_cast<uint32_t>(wire::OpenStatus::Refused), why);
	close(prompt->file);
}

void Disposables::answer_origin(const OpenOrigin &origin, uint32_t status, const std::string &text)
{
	if (origin.domain.empty())
		return;
	Domain *domain = server_.domains().find(origin.domain);
	if (domain && domain->manager())
		bulkhead_domain_manager_v1_send_open_result(domain->manager(), origin.request, status, text.c_str());
}

Disposables::Instance *Disposables::instance_of(Domain &domain)
{
	for (auto &instance : instances_)
		if (instance->domain == &domain && instance->doomed.empty())
			return instance.get();
	return nullptr;
}

void Disposables::handle_domain_ready(Domain &domain)
{
	if (Instance *instance = instance_of(domain)) {
		wlr_log(WLR_INFO, "disposable %s: ready", domain.name().c_str());
		send_job(*instance);
	}
}

void Disposables::handle_domain_failed(Domain &domain, const std::string &why)
{
	Instance *instance = instance_of(domain);
	if (!instance)
		return;
	if (instance->placeholder)
		instance->placeholder->fail(why);
	destroy(*instance, why);
}

void Disposables::handle_app_exited(Domain &domain, uint32_t request, int32_t status)
{
	Instance *instance = instance_of(domain);
	if (!instance || request != instance->request)
		return;
	if (instance->job && !instance->job->origin.domain.empty())
		answer_origin(instance->job->origin, static_cast<uint32_t>(wire::OpenStatus::Finished),
			domain.name() + " closed");
	if (instance->placeholder && !instance->had_window)
		instance->placeholder->fail("the app exited (status " + std::to_string(status) + ") with no window");
	destroy(*instance, "its app exited with status " + std::to_string(status));
}

void Disposables::handle_returned_file(Domain &domain, uint32_t request, int file)
{
	Instance *instance = instance_of(domain);
	if (!instance || request != instance->request || !instance->job || instance->job->origin.domain.empty()) {
		close(file);
		return;
	}
	const Job &job = *instance->job;
	Domain *origin = server_.domains().find(job.origin.domain);
	if (same_content(file, job.file)) {
		wlr_log(WLR_INFO, "disposable %s: '%s' came back unchanged; nothing goes to %s", domain.name().c_str(),
			job.name.c_str(), job.origin.domain.c_str());
	} else if (origin && origin->manager()) {
		struct stat st{};
		fstat(file, &st);
		wlr_log(WLR_INFO, "disposable %s: '%s' was edited (%lld bytes); returning it to %s", domain.name().c_str(),
			job.name.c_str(), static_cast<long long>(st.st_size), job.origin.domain.c_str());
		bulkhead_domain_manager_v1_send_send_file(origin->manager(), job.origin.request,
			BULKHEAD_DOMAIN_MANAGER_V1_FILE_FLAGS_RETURNED, file, job.name.c_str());
	}
	close(file);
}

void Disposables::handle_view_mapped(View &view)
{
	Domain *domain = server_.domains().find(view.domain());
	Instance *instance = domain ? instance_of(*domain) : nullptr;
	if (!instance)
		return;
	++instance->windows;
	instance->had_window = true;
	instance->placeholder.reset();
	if (instance->grace) {
		wl_event_source_remove(instance->grace);
		instance->grace = nullptr;
	}
}

void Disposables::handle_view_unmapped(View &view)
{
	Domain *domain = server_.domains().find(view.domain());
	Instance *instance = domain ? instance_of(*domain) : nullptr;
	if (!instance || instance->windows == 0 || --instance->windows > 0 || instance->grace)
		return;
	wlr_log(WLR_INFO, "disposable %s: its last window closed", domain->name().c_str());
	instance->grace = wl_event_loop_add_timer(server_.event_loop(), &Disposables::handle_grace_timer, instance);
	wl_event_source_timer_update(instance->grace, grace_ms);
}

int Disposables::handle_grace_timer(void *data)
{
	auto *instance = static_cast<Instance *>(data);
	wl_event_source_remove(instance->grace);
	instance->grace = nullptr;
	instance->owner->destroy(*instance, "its last window closed");
	return 0;
}

void Disposables::forget_launch(wl_resource *launch)
{
	for (auto &instance : instances_)
		if (instance->job && instance->job->origin.launch == launch)
			instance->job->origin.launch = nullptr;
}

void Disposables::destroy(Instance &instance, const std::string &why)
{
	// Never while the domain's own event (a daemon request, a child's exit) is
	// being handled: its client and objects must outlive the handler.
	if (!instance.doomed.empty())
		return;
	instance.doomed = why;
	if (!reap_)
		reap_ = wl_event_loop_add_idle(server_.event_loop(), &Disposables::handle_reap, this);
}

void Disposables::handle_reap(void *data)
{
	auto *self = static_cast<Disposables *>(data);
	self->reap_ = nullptr;
	for (auto it = self->instances_.begin(); it != self->instances_.end();) {
		Instance &instance = **it++;
		if (!instance.doomed.empty())
			self->reap(instance);
	}
}

void Disposables::reap(Instance &instance)
{
	const std::string why = instance.doomed;
	Domain *domain = instance.domain;
	const std::string name = instance.name;
	const bool vm = instance.vm, vm_gone = instance.vm_gone;
	const std::string dir = domain ? domain->runtime_dir() : Domain::runtime_dir_of(name);
	wlr_log(WLR_INFO, "disposable %s: destroying it: %s", name.c_str(), why.c_str());
	if (instance.grace)
		wl_event_source_remove(instance.grace);
	if (instance.job && instance.job->file >= 0)
		close(instance.job->file);
	// A failed start keeps its placeholder (with the reason) on screen a while.
	if (instance.placeholder && instance.placeholder->failed())
		lingering_.push_back(std::move(instance.placeholder));
	instances_.remove_if([&](const auto &i) { return i.get() == &instance; });
	if (domain)
		server_.domains().remove(domain); // kills its local processes, or its VM's daemon
	if (vm && !vm_gone)
		server_.vms()->destroy_disposable(name); // its overlay and shared memory go once it stopped
	std::error_code ec;
	std::filesystem::remove_all(dir, ec);
	if (ec || std::filesystem::exists(dir))
		wlr_log(WLR_ERROR, "disposable %s: cannot remove %s: %s", name.c_str(), dir.c_str(), ec.message().c_str());
	else
		wlr_log(WLR_INFO, "disposable %s: destroyed; its files are gone", name.c_str());
	refill_pool();
}

void Disposables::refill_pool()
{
	bool vm;
	if (refill_ || server_.config().disposables.preload == 0 || template_name(&vm).empty())
		return;
	// In the background: never while the event that asked for it is handled.
	refill_ = wl_event_loop_add_idle(server_.event_loop(), &Disposables::handle_refill, this);
}

void Disposables::handle_refill(void *data)
{
	auto *self = static_cast<Disposables *>(data);
	self->refill_ = nullptr;
	const auto waiting = std::count_if(self->instances_.begin(), self->instances_.end(),
		[](const auto &i) { return !i->job && i->doomed.empty(); });
	for (auto n = waiting; n < self->server_.config().disposables.preload; ++n)
		self->create(std::nullopt);
}

} // namespace bulkhead
