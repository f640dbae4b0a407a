#pragma once
// A libvirt connection (RAII), libvirt errors as exceptions carrying libvirt's
// own message, and domain lifecycle events as C++ callbacks.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using virConnectPtr = struct _virConnect *;
using virDomainPtr = struct _virDomain *;

namespace bulkhead::vm {

class LibvirtError : public std::runtime_error {
public:
	LibvirtError(const std::string &what, int code) : std::runtime_error(what), code_(code) {}
	int code() const { return code_; } // a virErrorNumber, 0 when not libvirt's
private:
	int code_;
};

// Throws LibvirtError "CONTEXT: LIBVIRT'S MESSAGE" for the thread's last libvirt error.
[[noreturn]] void throw_last_error(const std::string &context);

// Keeps libvirt from printing errors to stderr (they reach us as exceptions);
// the Connection constructor calls it, idempotent.
void silence_libvirt_errors();

struct DomainFree {
	void operator()(virDomainPtr d) const;
};
using Domain = std::unique_ptr<struct _virDomain, DomainFree>;

// Crashed: stopped because it crashed. Panicked: the guest kernel panicked; the
// domain may still exist (on_crash), a Stopped or Crashed follows when it goes.
enum class Lifecycle { Defined, Undefined, Started, Suspended, Resumed, Stopped, Crashed, Panicked, Other };
std::string to_string(Lifecycle event);

struct LifecycleEvent {
	std::string domain;
	std::string uuid; // tells a domain from an earlier one of the same name
	Lifecycle event;
	int detail; // libvirt's virDomainEvent*DetailType for event
};

// The default URI: libvirt's QEMU driver inside this process, state kept under
// $XDG_STATE_HOME/bulkhead/libvirt (~/.local/state when unset).
std::string default_uri();
// The root=DIR of a qemu:///embed URI; nullopt for any other URI.
std::optional<std::filesystem::path> embed_root(const std::string &uri);
// Writes ROOT/etc/qemu.conf when absent, with what the embedded driver needs
// here: logs to files (no virtlogd), no security driver, no cgroups, QEMU
// running as the user we run as.
void prepare_embed_root(const std::filesystem::path &root);

class Connection {
public:
	// Opens uri (read-write). For qemu:///embed prepares the root first. The
	// libvirt event loop must be registered already (EventLoopBridge::attach).
	explicit Connection(const std::string &uri = default_uri());
	~Connection();
	Connection(const Connection &) = delete;
	Connection &operator=(const Connection &) = delete;

	virConnectPtr get() const { return conn_; }
	const std::string &uri() const { return uri_; }

	// nullptr when no domain has that name; throws for other errors.
	Domain find(const std::string &name) const;
	std::vector<Domain> domains() const;
	std::vector<std::string> domain_names() const;
	std::string xml_of(virDomainPtr domain, unsigned flags = 0) const;
	// Domain lifecycle events, delivered from the event loop. One handler per
	// connection; replaced by a second call.
	void on_lifecycle(std::function<void(const LifecycleEvent &)> handler);

private:
	struct Callback;
	virConnectPtr conn_ = nullptr;
	std::string uri_;
	int callback_id_ = -1;
	std::shared_ptr<Callback> callback_;
};

} // namespace bulkhead::vm
