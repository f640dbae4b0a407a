#pragma once
// The project's element in a libvirt domain's <metadata>: it marks the domains
// Bulkhead manages and says what each one is.
//
// Namespace URI (stable; change the trailing version only with a migration):
//   https://bulkhead.invalid/xmlns/domain/1
// In domain XML, under the prefix "bulkhead":
//   <metadata>
//     <bulkhead:vm xmlns:bulkhead="https://bulkhead.invalid/xmlns/domain/1">
//       <bulkhead:label>orange</bulkhead:label>       red orange yellow green gray blue purple black
//       <bulkhead:role>disposable-template</bulkhead:role>  app template disposable-template disposable
//       <bulkhead:base-disk>/var/lib/bulkhead/debian.qcow2</bulkhead:base-disk>  disposable-template only
//       <bulkhead:app name="browser" command="firefox-esr"/>  disposable-template only, any number
//       <bulkhead:template>debian-dvm</bulkhead:template>     disposable only
//     </bulkhead:vm>
//   </metadata>
// virDomainGetMetadata/SetMetadata see the same element without prefixes.
// <label> may be left out: red, the colour of the least trusted. Parsing is
// strict: an unknown element, attribute or value, a repeated element, or a
// field that does not belong to the role is an error.
#include "vm/xml.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

using virDomainPtr = struct _virDomain *;

namespace bulkhead::vm {

inline constexpr const char *metadata_uri = "https://bulkhead.invalid/xmlns/domain/1";
inline constexpr const char *metadata_prefix = "bulkhead";
inline constexpr const char *metadata_element = "vm";

enum class Label { Red, Orange, Yellow, Green, Gray, Blue, Purple, Black };
enum class Role { App, Template, DisposableTemplate, Disposable };

std::string to_string(Label label);
std::string to_string(Role role);
// nullopt for a name that is not a label / role.
std::optional<Label> parse_label(std::string_view name);
std::optional<Role> parse_role(std::string_view name);

struct OfferedApp {
	std::string name;    // shown to the user, unique per template
	std::string command; // run inside the disposable
	bool operator==(const OfferedApp &) const = default;
};

struct Metadata {
	Label label = Label::Red;
	Role role = Role::App;
	std::filesystem::path base_disk; // disposable-template: its read-only base disk (absolute)
	std::vector<OfferedApp> apps;    // disposable-template: the apps it offers
	std::string template_name;       // disposable: the template it came from
	bool operator==(const Metadata &) const = default;
};

class MetadataError : public XmlError {
public:
	using XmlError::XmlError;
};

// The element itself (prefixed or not). Throws MetadataError.
Metadata parse_metadata(const pugi::xml_node &element);
// The element's XML text, as virDomainGetMetadata returns it.
Metadata parse_metadata(std::string_view xml);
// Our element in a <domain>'s <metadata>, nullopt when it carries none; throws
// MetadataError when it carries a bad one.
std::optional<Metadata> find_metadata(const pugi::xml_node &domain);

// The unprefixed element text for virDomainSetMetadata. Throws MetadataError
// for metadata that would not parse back (e.g. a relative base disk).
std::string metadata_xml(const Metadata &metadata);
// Replaces our element in a <domain>'s <metadata> (created when absent).
void set_metadata(pugi::xml_node domain, const Metadata &metadata);

// Through libvirt. read_metadata returns nullopt for a domain without our
// element; both throw LibvirtError / MetadataError. flags: virDomainModificationImpact.
std::optional<Metadata> read_metadata(virDomainPtr domain, unsigned flags = 0);
void store_metadata(virDomainPtr domain, const Metadata &metadata, unsigned flags = 0);

} // namespace bulkhead::vm
