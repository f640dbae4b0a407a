#include "vm/connection.hpp"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <unistd.h>

namespace bulkhead::vm {
namespace {

// libvirt's default handler prints every error to stderr; ours reach the caller
// as exceptions instead.
void ignore_error(void *, virErrorPtr) {}

std::string percent_encode(const std::string &s)
{
	static const char *hex = "0123456789ABCDEF";
	std::string out;
	for (unsigned char c : s) {
		if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
			out += static_cast<char>(c);
		} else {
			out += '%';
			out += hex[c >> 4];
			out += hex[c & 15];
		}
	}
	return out;
}

std::string percent_decode(const std::string &s)
{
	std::string out;
	for (std::size_t i = 0; i < s.size(); ++i) {
		if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
			std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
			out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
			i += 2;
		} else {
			out += s[i];
		}
	}
	return out;
}

Lifecycle lifecycle_of(int event, int detail)
{
	switch (event) {
	case VIR_DOMAIN_EVENT_DEFINED: return Lifecycle::Defined;
	case VIR_DOMAIN_EVENT_UNDEFINED: return Lifecycle::Undefined;
	case VIR_DOMAIN_EVENT_STARTED: return Lifecycle::Started;
	case VIR_DOMAIN_EVENT_SUSPENDED: return Lifecycle::Suspended;
	case VIR_DOMAIN_EVENT_RESUMED: return Lifecycle::Resumed;
	case VIR_DOMAIN_EVENT_STOPPED:
		return detail == VIR_DOMAIN_EVENT_STOPPED_CRASHED ? Lifecycle::Crashed : Lifecycle::Stopped;
	case VIR_DOMAIN_EVENT_CRASHED: return Lifecycle::Panicked;
	default: return Lifecycle::Other;
	}
}

} // namespace

void throw_last_error(const std::string &context)
{
	const virErrorPtr error = virGetLastError();
	const std::string message = error && error->message ? error->message : "unknown libvirt error";
	const int code = error ? error->code : 0;
	virResetLastError();
	throw LibvirtError(context + ": " + message, code);
}

void silence_libvirt_errors()
{
	static std::once_flag once;
	std::call_once(once, [] {
		if (virInitialize() < 0)
			throw LibvirtError("libvirt failed to initialise", 0);
		virSetErrorFunc(nullptr, ignore_error);
	});
}

void DomainFree::operator()(virDomainPtr d) const { virDomainFree(d); }

std::string to_string(Lifecycle event)
{
	switch (event) {
	case Lifecycle::Defined: return "defined";
	case Lifecycle::Undefined: return "undefined";
	case Lifecycle::Started: return "started";
	case Lifecycle::Suspended: return "suspended";
	case Lifecycle::Resumed: return "resumed";
	case Lifecycle::Stopped: return "stopped";
	case Lifecycle::Crashed: return "crashed";
	case Lifecycle::Panicked: return "panicked";
	case Lifecycle::Other: break;
	}
	return "other";
}

std::string default_uri()
{
	std::filesystem::path state;
	if (const char *s = std::getenv("XDG_STATE_HOME"); s && *s == '/')
		state = s;
	else if (const char *home = std::getenv("HOME"); home && *home == '/')
		state = std::filesystem::path(home) / ".local" / "state";
	else
		throw LibvirtError("neither XDG_STATE_HOME nor HOME is an absolute path: set libvirt_uri", 0);
	return "qemu:///embed?root=" + percent_encode((state / "bulkhead" / "libvirt").string());
}

std::optional<std::filesystem::path> embed_root(const std::string &uri)
{
	const std::string prefix = "qemu:///embed?";
	if (uri.rfind(prefix, 0) != 0)
		return std::nullopt;
	std::size_t pos = prefix.size();
	while (pos < uri.size()) {
		const std::size_t end = std::min(uri.find('&', pos), uri.size());
		const std::string param = uri.substr(pos, end - pos);
		if (param.rfind("root=", 0) == 0)
			return percent_decode(param.substr(5));
		pos = end + 1;
	}
	return std::nullopt;
}

void prepare_embed_root(const std::filesystem::path &root)
{
	const std::filesystem::path conf = root / "etc" / "qemu.conf";
	std::error_code ec;
	if (std::filesystem::exists(conf, ec))
		return;
	std::filesystem::create_directories(conf.parent_path(), ec);
	if (ec)
		throw LibvirtError("cannot create " + conf.parent_path().string() + ": " + ec.message(), 0);
	std::ofstream out(conf);
	out << "# Written by Bulkhead for libvirt's embedded QEMU driver.\n"
	       "# QEMU's output goes to files (there is no virtlogd daemon to talk to).\n"
	       "stdio_handler = \"file\"\n"
	       "security_driver = \"none\"\n"
	       "cgroup_controllers = [ ]\n";
	// As root the driver would run QEMU as Debian's libvirt-qemu user, which
	// cannot reach our 0700 runtime directories: run it as ourselves instead,
	// as it does for any other user.
	if (geteuid() == 0)
		out << "user = \"root\"\ngroup = \"root\"\n";
	if (!out.flush())
		throw LibvirtError("cannot write " + conf.string(), 0);
}

struct Connection::Callback {
	std::function<void(const LifecycleEvent &)> handler;
};

Connection::Connection(const std::string &uri) : uri_(uri)
{
	silence_libvirt_errors();
	if (const auto root = embed_root(uri))
		prepare_embed_root(*root);
	conn_ = virConnectOpen(uri.c_str());
	if (!conn_)
		throw_last_error("cannot open libvirt connection '" + uri + "'");
}

Connection::~Connection()
{
	if (callback_id_ >= 0) {
		callback_->handler = nullptr;
		virConnectDomainEventDeregisterAny(conn_, callback_id_);
	}
	virConnectClose(conn_);
}

Domain Connection::find(const std::string &name) const
{
	virDomainPtr d = virDomainLookupByName(conn_, name.c_str());
	if (!d) {
		if (virGetLastErrorCode() == VIR_ERR_NO_DOMAIN) {
			virResetLastError();
			return nullptr;
		}
		throw_last_error("looking up domain '" + name + "'");
	}
	return Domain(d);
}

std::vector<Domain> Connection::domains() const
{
	virDomainPtr *list = nullptr;
	const int n = virConnectListAllDomains(conn_, &list, 0);
	if (n < 0)
		throw_last_error("listing domains");
	std::vector<Domain> out;
	for (int i = 0; i < n; ++i)
		out.emplace_back(list[i]);
	free(list);
	return out;
}

std::vector<std::string> Connection::domain_names() const
{
	std::vector<std::string> names;
	for (const Domain &d : domains())
		names.emplace_back(virDomainGetName(d.get()));
	return names;
}

std::string Connection::xml_of(virDomainPtr domain, unsigned flags) const
{
	char *xml = virDomainGetXMLDesc(domain, flags);
	if (!xml)
		throw_last_error("reading the XML of domain '" + std::string(virDomainGetName(domain)) + "'");
	std::string out(xml);
	free(xml);
	return out;
}

void Connection::on_lifecycle(std::function<void(const LifecycleEvent &)> handler)
{
	if (callback_) {
		callback_->handler = std::move(handler);
		return;
	}
	// libvirt owns one reference until its free callback runs, which may be
	// after this Connection is gone.
	callback_ = std::make_shared<Callback>(Callback{std::move(handler)});
	auto *opaque = new std::shared_ptr<Callback>(callback_);
	auto deliver = [](virConnectPtr, virDomainPtr dom, int event, int detail, void *data) -> int {
		const auto &cb = *static_cast<std::shared_ptr<Callback> *>(data);
		char uuid[VIR_UUID_STRING_BUFLEN] = "";
		virDomainGetUUIDString(dom, uuid);
		if (cb->handler)
			cb->handler(LifecycleEvent{virDomainGetName(dom), uuid, lifecycle_of(event, detail), detail});
		return 0;
	};
	auto release = [](void *data) { delete static_cast<std::shared_ptr<Callback> *>(data); };
	callback_id_ = virConnectDomainEventRegisterAny(conn_, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
		VIR_DOMAIN_EVENT_CALLBACK(+deliver), opaque, release);
	if (callback_id_ < 0) {
		delete opaque;
		callback_.reset();
		throw_last_error("registering for domain events on '" + uri_ + "'");
	}
}

} // namespace bulkhead::vm
