#include "vm/metadata.hpp"

#include "vm/connection.hpp"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <array>
#include <memory>
#include <set>

namespace bulkhead::vm {
namespace {

constexpr std::array label_names{"red", "orange", "yellow", "green", "gray", "blue", "purple", "black"};
constexpr std::array role_names{"app", "template", "disposable-template", "disposable"};

template <typename Enum, std::size_t N>
std::optional<Enum> find_name(const std::array<const char *, N> &names, std::string_view name)
{
	for (std::size_t i = 0; i < N; ++i)
		if (name == names[i])
			return static_cast<Enum>(i);
	return std::nullopt;
}

template <std::size_t N> std::string joined(const std::array<const char *, N> &names)
{
	std::string out;
	for (const char *n : names)
		out += (out.empty() ? "" : " ") + std::string(n);
	return out;
}

[[noreturn]] void fail(const std::string &what) { throw MetadataError("bulkhead metadata: " + what); }

// The text of an element that must hold only text.
std::string text_of(const pugi::xml_node &node)
{
	if (node.first_attribute())
		fail("<" + std::string(local_name(node)) + "> takes no attributes");
	for (const pugi::xml_node &child : node.children())
		if (child.type() != pugi::node_pcdata && child.type() != pugi::node_cdata)
			fail("<" + std::string(local_name(node)) + "> must hold only text");
	const std::string text = node.text().get();
	if (text.empty())
		fail("<" + std::string(local_name(node)) + "> is empty");
	return text;
}

// An element whose text is one of names (<label>, <role>).
template <typename Enum, std::size_t N>
Enum named_value(const std::array<const char *, N> &names, const pugi::xml_node &node)
{
	const std::string value = text_of(node);
	const auto found = find_name<Enum>(names, value);
	if (!found)
		fail("unknown " + std::string(local_name(node)) + " '" + value + "' (one of: " + joined(names) + ")");
	return *found;
}

OfferedApp parse_app(const pugi::xml_node &node)
{
	OfferedApp app;
	for (const pugi::xml_attribute &a : node.attributes()) {
		const std::string_view name = a.name();
		if (name == "name")
			app.name = a.value();
		else if (name == "command")
			app.command = a.value();
		else
			fail("<app> has unknown attribute '" + std::string(name) + "'");
	}
	if (app.name.empty() || app.command.empty())
		fail("<app> needs a non-empty name and command");
	if (node.first_child())
		fail("<app name='" + app.name + "'> must be empty");
	return app;
}

// Checks what only some roles may (or must) carry.
void check_role_fields(const Metadata &m, const std::set<std::string> &seen)
{
	const bool dvm_template = m.role == Role::DisposableTemplate;
	if (!seen.count("role"))
		fail("<role> is missing");
	if (dvm_template && m.base_disk.empty())
		fail("a disposable-template needs <base-disk>");
	if (!dvm_template && (seen.count("base-disk") || !m.apps.empty()))
		fail("<base-disk> and <app> belong only to role disposable-template, not " + to_string(m.role));
	if (dvm_template && !m.base_disk.is_absolute())
		fail("<base-disk> must be an absolute path, not '" + m.base_disk.string() + "'");
	if (m.role == Role::Disposable && m.template_name.empty())
		fail("a disposable needs <template>");
	if (m.role != Role::Disposable && seen.count("template"))
		fail("<template> belongs only to role disposable, not " + to_string(m.role));
}

} // namespace

std::string to_string(Label label) { return label_names.at(static_cast<std::size_t>(label)); }
std::string to_string(Role role) { return role_names.at(static_cast<std::size_t>(role)); }
std::optional<Label> parse_label(std::string_view name) { return find_name<Label>(label_names, name); }
std::optional<Role> parse_role(std::string_view name) { return find_name<Role>(role_names, name); }

Metadata parse_metadata(const pugi::xml_node &element)
{
	if (local_name(element) != metadata_element)
		fail("expected <" + std::string(metadata_element) + ">, found <" + element.name() + ">");
	Metadata m;
	std::set<std::string> seen;
	std::set<std::string> app_names;
	for (const pugi::xml_node &child : element.children()) {
		if (child.type() == pugi::node_comment || child.type() == pugi::node_pcdata)
			continue; // whitespace between elements
		if (child.type() != pugi::node_element)
			fail("unexpected content in <" + std::string(metadata_element) + ">");
		const std::string name(local_name(child));
		if (name == "app") {
			OfferedApp app = parse_app(child);
			if (!app_names.insert(app.name).second)
				fail("app '" + app.name + "' is offered twice");
			m.apps.push_back(std::move(app));
			continue;
		}
		if (!seen.insert(name).second)
			fail("<" + name + "> appears twice");
		if (name == "label") {
			m.label = named_value<Label>(label_names, child);
		} else if (name == "role") {
			m.role = named_value<Role>(role_names, child);
		} else if (name == "base-disk") {
			m.base_disk = text_of(child);
		} else if (name == "template") {
			m.template_name = text_of(child);
		} else {
			fail("unknown element <" + name + ">");
		}
	}
	check_role_fields(m, seen);
	return m;
}

Metadata parse_metadata(std::string_view xml)
{
	try {
		const pugi::xml_document doc = parse_xml(xml, "bulkhead metadata");
		return parse_metadata(doc.document_element());
	} catch (const MetadataError &) {
		throw;
	} catch (const XmlError &e) {
		throw MetadataError(e.what());
	}
}

std::optional<Metadata> find_metadata(const pugi::xml_node &domain)
{
	for (const pugi::xml_node &child : domain.child("metadata").children()) {
		for (const pugi::xml_attribute &a : child.attributes()) {
			const std::string_view name = a.name();
			if ((name == "xmlns" || name.starts_with("xmlns:")) && std::string_view(a.value()) == metadata_uri)
				return parse_metadata(child);
		}
	}
	return std::nullopt;
}

namespace {

// Writes the element under parent with element names prefixed by prefix ("" or "p:").
pugi::xml_node append_metadata(pugi::xml_node parent, const Metadata &m, const std::string &prefix)
{
	auto name = [&](const char *local) { return prefix + local; };
	pugi::xml_node root = parent.append_child(name(metadata_element).c_str());
	root.append_child(name("label").c_str()).text().set(to_string(m.label).c_str());
	root.append_child(name("role").c_str()).text().set(to_string(m.role).c_str());
	if (!m.base_disk.empty())
		root.append_child(name("base-disk").c_str()).text().set(m.base_disk.c_str());
	for (const OfferedApp &app : m.apps) {
		pugi::xml_node node = root.append_child(name("app").c_str());
		node.append_attribute("name").set_value(app.name.c_str());
		node.append_attribute("command").set_value(app.command.c_str());
	}
	if (!m.template_name.empty())
		root.append_child(name("template").c_str()).text().set(m.template_name.c_str());
	return root;
}

} // namespace

std::string metadata_xml(const Metadata &metadata)
{
	pugi::xml_document doc;
	append_metadata(doc, metadata, "");
	std::string xml = to_string(doc);
	parse_metadata(xml); // never hand libvirt what we would refuse to read back
	return xml;
}

void set_metadata(pugi::xml_node domain, const Metadata &metadata)
{
	metadata_xml(metadata); // validates
	pugi::xml_node container = child_or_append(domain, "metadata");
	for (pugi::xml_node child = container.first_child(); child;) {
		const pugi::xml_node next = child.next_sibling();
		for (const pugi::xml_attribute &a : child.attributes())
			if (std::string_view(a.value()) == metadata_uri && std::string_view(a.name()).starts_with("xmlns")) {
				container.remove_child(child);
				break;
			}
		child = next;
	}
	pugi::xml_node root = append_metadata(container, metadata, std::string(metadata_prefix) + ":");
	root.prepend_attribute((std::string("xmlns:") + metadata_prefix).c_str()).set_value(metadata_uri);
}

std::optional<Metadata> read_metadata(virDomainPtr domain, unsigned flags)
{
	char *xml = virDomainGetMetadata(domain, VIR_DOMAIN_METADATA_ELEMENT, metadata_uri, flags);
	if (!xml) {
		if (virGetLastErrorCode() == VIR_ERR_NO_DOMAIN_METADATA) {
			virResetLastError();
			return std::nullopt;
		}
		throw_last_error("reading the metadata of domain '" + std::string(virDomainGetName(domain)) + "'");
	}
	const std::unique_ptr<char, decltype(&free)> owned(xml, &free);
	return parse_metadata(std::string_view(xml));
}

void store_metadata(virDomainPtr domain, const Metadata &metadata, unsigned flags)
{
	const std::string xml = metadata_xml(metadata);
	if (virDomainSetMetadata(domain, VIR_DOMAIN_METADATA_ELEMENT, xml.c_str(), metadata_prefix, metadata_uri, flags) < 0)
		throw_last_error("storing the metadata of domain '" + std::string(virDomainGetName(domain)) + "'");
}

} // namespace bulkhead::vm
