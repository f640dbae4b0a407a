#include "vm/disposable_xml.hpp"

namespace bulkhead::vm {
namespace {

bool is_disk(const pugi::xml_node &node)
{
	return std::string_view(node.name()) == "disk" && std::string_view(node.attribute("device").as_string("disk")) == "disk";
}

std::filesystem::path source_file(const pugi::xml_node &disk)
{
	return disk.child("source").attribute("file").value();
}

// The template's <disk> holding its base disk; checks the others.
pugi::xml_node base_disk_node(const pugi::xml_node &domain, const Metadata &m)
{
	pugi::xml_node base;
	for (const pugi::xml_node &dev : domain.child("devices").children()) {
		if (std::string_view(dev.name()) != "disk")
			continue;
		if (is_disk(dev) && source_file(dev) == m.base_disk) {
			if (base)
				throw XmlError("template lists base disk " + m.base_disk.string() + " twice");
			base = dev;
		} else if (!dev.child("readonly")) {
			throw XmlError("template has a writable disk (" + source_file(dev).string() +
				") besides its base disk; disposables would share it");
		}
	}
	if (!base)
		throw XmlError("template has no <disk> with source file " + m.base_disk.string());
	return base;
}

} // namespace

TemplateInfo inspect_template(const std::string &template_xml)
{
	const pugi::xml_document doc = parse_xml(template_xml, "template domain XML");
	const pugi::xml_node domain = doc.child("domain");
	if (!domain)
		throw XmlError("template domain XML has no <domain>");
	TemplateInfo info;
	info.name = domain.child("name").text().get();
	const auto metadata = find_metadata(domain);
	if (!metadata)
		throw MetadataError("domain '" + info.name + "' carries no bulkhead metadata");
	if (metadata->role != Role::DisposableTemplate)
		throw MetadataError("domain '" + info.name + "' is a " + to_string(metadata->role) +
			", not a disposable-template");
	info.metadata = *metadata;
	const pugi::xml_node disk = base_disk_node(domain, info.metadata);
	if (std::string_view(disk.attribute("type").as_string("file")) != "file")
		throw XmlError("template's base disk must be <disk type='file'>");
	info.base = {info.metadata.base_disk, disk.child("driver").attribute("type").value()};
	if (info.base.format != "qcow2" && info.base.format != "raw")
		throw XmlError("template's base disk needs <driver type='qcow2'> or 'raw', not '" + info.base.format + "'");
	return info;
}

std::string make_disposable_xml(const std::string &template_xml, const DisposableSpec &spec)
{
	const TemplateInfo info = inspect_template(template_xml);
	check_domain_name(spec.name);
	pugi::xml_document doc = parse_xml(template_xml, "template domain XML");
	pugi::xml_node domain = doc.child("domain");

	domain.child("name").text() = spec.name.c_str();
	remove_children(domain, "uuid");
	remove_children(domain, "title");
	for (pugi::xml_node iface : domain.child("devices").children("interface"))
		remove_children(iface, "mac");

	pugi::xml_node disk = base_disk_node(domain, info.metadata);
	remove_children(disk, "readonly");
	remove_children(disk, "backingStore");
	remove_children(disk, "shareable");
	remove_children(disk, "transient");
	pugi::xml_node driver = child_or_append(disk, "driver");
	driver.remove_attribute("type");
	driver.append_attribute("type") = "qcow2";
	disk.child("source").attribute("file") = spec.overlay.c_str();
	pugi::xml_node backing = disk.insert_child_after("backingStore", disk.child("source"));
	backing.append_attribute("type") = "file";
	backing.append_child("format").append_attribute("type") = info.base.format.c_str();
	backing.append_child("source").append_attribute("file") = info.base.path.c_str();

	add_gui_devices(domain, spec.gui);
	Metadata m;
	m.role = Role::Disposable;
	m.label = info.metadata.label;
	m.template_name = info.name;
	set_metadata(domain, m);
	return to_string(doc);
}

} // namespace bulkhead::vm
