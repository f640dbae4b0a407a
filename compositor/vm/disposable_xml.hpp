#pragma once
// A transient disposable's domain XML, cloned from its disposable-template's,
// and the choice of its name.
#include "vm/names.hpp"
#include "vm/gui_devices.hpp"
#include "vm/metadata.hpp"

#include <filesystem>
#include <set>
#include <string>

namespace bulkhead::vm {

// What a template's base disk is, as its XML says.
struct BaseDisk {
	std::filesystem::path path;
	std::string format; // "qcow2" or "raw"
};

// The template's metadata and base disk. Throws XmlError (MetadataError for the
// metadata) when template_xml is not a usable disposable-template: another
// role, no <disk> whose source is the metadata's base disk, or another writable
// disk that every disposable would share.
struct TemplateInfo {
	std::string name;
	Metadata metadata;
	BaseDisk base;
};
TemplateInfo inspect_template(const std::string &template_xml);

struct DisposableSpec {
	std::string name;              // dispN
	std::filesystem::path overlay; // qcow2 over the template's base disk
	GuiDevices gui;
};

// The disposable's XML: the template's with its name, no uuid or MAC addresses
// (libvirt makes new ones), the base disk replaced by the overlay (the base
// read-only as its backing store), the GUI devices, and metadata role
// disposable naming the template, with the template's label. Everything else
// (kernel, initrd, cmdline, memory, other devices) is kept.
std::string make_disposable_xml(const std::string &template_xml, const DisposableSpec &spec);

} // namespace bulkhead::vm
