#pragma once
// What the compositor asks of the VM engine (libvirt) for disposables and the
// kill binding, so the desktop code needs no libvirt headers.
#include <functional>
#include <string>

namespace bulkhead {

class VmBackend {
public:
	virtual ~VmBackend() = default;

	// The label of a disposable template it manages; empty when there is none of that name.
	virtual std::string template_label(const std::string &template_name) const = 0;
	// Starts a disposable of the template and returns its name at once; done
	// follows on the event loop with an empty error once it runs (its Domain is
	// then added like any started VM), or with the reason it failed.
	// Throws std::runtime_error when it cannot even begin.
	virtual std::string create_disposable(const std::string &template_name,
		std::function<void(const std::string &error)> done) = 0;
	// Destroys a disposable with its overlay and shared memory.
	virtual void destroy_disposable(const std::string &name) = 0;
	// Forcibly stops a VM it manages (the user's kill binding).
	virtual void kill(const std::string &name) = 0;
	// Reaps the exited VM processes this process is responsible for (SIGCHLD).
	virtual void reap_children() = 0;
};

} // namespace bulkhead
