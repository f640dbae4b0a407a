#include "domains/libvirt_domains.hpp"

#include "domains/disposables.hpp"
#include "domains/domain.hpp"
#include "domains/registry.hpp"
#include "server.hpp"
#include "vm/event_loop.hpp"
#include "vm/reaper.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <filesystem>
#include <libvirt/libvirt.h>

namespace bulkhead {
namespace {

// libvirt's destroy waits until QEMU is reaped, and this process (its child
// subreaper) reaps it from the event loop on SIGCHLD: a destroy called on the
// loop's thread needs QEMU reaped from another one while it waits.
class ReapMeanwhile {
public:
	ReapMeanwhile()
		: thread_([this] {
			  while (!done_) {
				  vm::reap_exited_qemu();
				  std::this_thread::sleep_for(std::chrono::milliseconds(20));
			  }
		  })
	{
	}
	~ReapMeanwhile()
	{
		done_ = true;
		thread_.join();
	}

private:
	std::atomic<bool> done_{false};
	std::thread thread_;
};

std::string runtime_dir()
{
	const char *base = getenv("XDG_RUNTIME_DIR");
	return std::string(base ? base : "/tmp") + "/bulkhead-vms";
}

} // namespace

LibvirtDomains::LibvirtDomains(Server &server, const std::string &uri) : server_(server)
{
	// libvirt's events run on our loop (see vm/event_loop.hpp); QEMU is reaped
	// by us so its destroy takes a fifth of a second, not two.
	vm::EventLoopBridge::attach(server.event_loop());
	if (!vm::become_child_subreaper())
		wlr_log_errno(WLR_ERROR, "libvirt: cannot become a child subreaper; destroying VMs will be slow");
	connection_ = std::make_unique<vm::Connection>(uri);
	vm::VmManagerConfig config;
	config.runtime_dir = runtime_dir();
	std::error_code ec;
	std::filesystem::create_directories(config.runtime_dir, ec);
	std::filesystem::permissions(config.runtime_dir, std::filesystem::perms::owner_all, ec);
	// No paused pool here: the compositor keeps its preloaded disposables booted
	// with their gui-daemon connected (Disposables), since a paused guest can
	// neither boot ahead of time nor answer its daemon's pings.
	config.preload = 0;
	config.log = [](const std::string &line) { wlr_log(WLR_INFO, "libvirt: %s", line.c_str()); };
	manager_ = std::make_unique<vm::VmManager>(*connection_, config, static_cast<vm::VmListener &>(*this));
	refresh_templates();
	wlr_log(WLR_INFO, "libvirt: connected to %s", uri.c_str());
}

LibvirtDomains::~LibvirtDomains()
{
	// The manager destroys its disposables synchronously.
	const ReapMeanwhile reaping;
	manager_.reset();
	connection_.reset();
	vm::EventLoopBridge::detach();
}

void LibvirtDomains::refresh_templates() const
{
	template_labels_.clear();
	for (const vm::VmInfo &vm : manager_->domains())
		if (vm.metadata.role == vm::Role::DisposableTemplate)
			template_labels_[vm.name] = vm::to_string(vm.metadata.label);
}

std::string LibvirtDomains::template_label(const std::string &template_name) const
{
	// A template defined since the last look is found on the next one.
	if (!template_labels_.count(template_name))
		refresh_templates();
	auto it = template_labels_.find(template_name);
	return it == template_labels_.end() ? "" : it->second;
}

std::string LibvirtDomains::create_disposable(const std::string &template_name,
	std::function<void(const std::string &error)> done)
{
	return manager_->create_disposable(template_name, std::move(done));
}

void LibvirtDomains::destroy_disposable(const std::string &name)
{
	try {
		manager_->destroy_disposable(name);
	} catch (const std::exception &e) {
		wlr_log(WLR_ERROR, "libvirt: cannot destroy %s: %s", name.c_str(), e.what());
	}
}

void LibvirtDomains::kill(const std::string &name)
{
	try {
		const ReapMeanwhile reaping;
		if (vm::Domain domain = connection_->find(name)) {
			if (virDomainDestroy(domain.get()) != 0)
				vm::throw_last_error("destroying '" + name + "'");
		}
	} catch (const std::exception &e) {
		wlr_log(WLR_ERROR, "libvirt: %s", e.what());
	}
}

void LibvirtDomains::reap_children()
{
	vm::reap_exited_qemu();
}

void LibvirtDomains::vm_started(const vm::VmInfo &vm)
{
	if (vm.gui.socket.empty() || vm.gui.shm_name.empty()) {
		wlr_log(WLR_INFO, "libvirt: %s runs without Bulkhead's GUI devices; its windows cannot be shown", vm.name.c_str());
		return;
	}
	if (server_.domains().find(vm.name)) {
		wlr_log(WLR_ERROR, "libvirt: %s has the name of a configured domain; not shown", vm.name.c_str());
		return;
	}
	// The daemon reaches the VM like an external agent: QEMU's end of the
	// channel and the ivshmem file. The label comes from the domain's
	// metadata, which only the host can write.
	DomainConfig config;
	config.name = vm.name;
	config.label = vm::to_string(vm.metadata.label);
	config.backend = "libvirt";
	config.gui_socket = vm.gui.socket.string();
	config.shared_memory_file = vm.shm.string();
	config.shared_memory_mib = static_cast<int>(vm.gui.shm_mib);
	const bool disposable = vm.metadata.role == vm::Role::Disposable;
	wlr_log(WLR_INFO, "libvirt: %s started (%s, label %s)", vm.name.c_str(), vm::to_string(vm.metadata.role).c_str(),
		config.label.c_str());
	Domain &domain = server_.domains().add(config, disposable);
	if (disposable)
		server_.disposables().attach_vm(domain);
}

void LibvirtDomains::vm_stopped(const vm::VmInfo &vm, bool crashed)
{
	const std::string why = crashed ? "crashed" : "stopped";
	wlr_log(WLR_INFO, "libvirt: %s %s", vm.name.c_str(), why.c_str());
	if (vm.metadata.role == vm::Role::Disposable) {
		server_.disposables().handle_vm_stopped(vm.name, why);
		return;
	}
	if (Domain *domain = server_.domains().find(vm.name))
		server_.domains().remove(domain);
}

} // namespace bulkhead
