#pragma once
// Small pugixml helpers shared by the domain-XML editors. pugixml knows no
// namespaces, so elements of the project's namespace are matched by prefix.
#include <pugixml.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace bulkhead::vm {

// Domain XML we cannot use: a template that is not one, a missing element, XML
// that does not parse. what() says which and why.
class XmlError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

// Parses XML text; throws XmlError naming `what` (e.g. "domain XML") on failure.
pugi::xml_document parse_xml(std::string_view text, const std::string &what);
std::string to_string(const pugi::xml_node &node);

// The element's name without its namespace prefix ("bh:label" -> "label").
std::string_view local_name(const pugi::xml_node &node);
// The child <name> of node, created at the end when absent.
pugi::xml_node child_or_append(pugi::xml_node node, const char *name);
void remove_children(pugi::xml_node node, const char *name);

} // namespace bulkhead::vm
