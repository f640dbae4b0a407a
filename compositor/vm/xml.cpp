#include "vm/xml.hpp"

#include <sstream>

namespace bulkhead::vm {

pugi::xml_document parse_xml(std::string_view text, const std::string &what)
{
	pugi::xml_document doc;
	const pugi::xml_parse_result result = doc.load_buffer(text.data(), text.size());
	if (!result)
		throw XmlError(what + ": " + result.description() + " at offset " + std::to_string(result.offset));
	return doc;
}

std::string to_string(const pugi::xml_node &node)
{
	std::ostringstream out;
	node.print(out, "  ", pugi::format_default | pugi::format_no_declaration);
	return out.str();
}

std::string_view local_name(const pugi::xml_node &node)
{
	const std::string_view name = node.name();
	const auto colon = name.find(':');
	return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child_or_append(pugi::xml_node node, const char *name)
{
	pugi::xml_node child = node.child(name);
	return child ? child : node.append_child(name);
}

void remove_children(pugi::xml_node node, const char *name)
{
	while (node.remove_child(name)) {
	}
}

} // namespace bulkhead::vm
