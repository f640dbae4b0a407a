#pragma once
// The VMs libvirt runs for Bulkhead on the desktop: a managed domain that
// starts gets a Domain whose gui-daemon reaches it over its virtio-serial
// channel and ivshmem region; one that stops loses it. Disposable templates
// in libvirt serve the disposables.
#include "domains/vm_backend.hpp"
#include "vm/manager.hpp"

#include <map>
#include <memory>
#include <string>

namespace bulkhead {

class Server;

class LibvirtDomains : public VmBackend, private vm::VmListener {
public:
	// Opens uri and reports the managed domains already running. Throws
	// vm::LibvirtError (and the other vm errors) when libvirt cannot be used.
	LibvirtDomains(Server &server, const std::string &uri);
	~LibvirtDomains() override;

	std::string template_label(const std::string &template_name) const override;
	std::string create_disposable(const std::string &template_name,
		std::function<void(const std::string &error)> done) override;
	void destroy_disposable(const std::string &name) override;
	void kill(const std::string &name) override;
	void reap_children() override;

private:
	void vm_started(const vm::VmInfo &vm) override;
	void vm_stopped(const vm::VmInfo &vm, bool crashed) override;

	Server &server_;
	std::unique_ptr<vm::Connection> connection_;
	std::unique_ptr<vm::VmManager> manager_;
	// Disposable templates and their labels. Asking libvirt each time would
	// block the compositor while the worker holds a domain (a slow destroy).
	mutable std::map<std::string, std::string> template_labels_;
	void refresh_templates() const;
};

} // namespace bulkhead
