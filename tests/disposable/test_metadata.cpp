#include "vm/metadata.hpp"
#include "vm_support.hpp"

using namespace bulkhead::vm;
using Catch::Matchers::Contains;

namespace {

std::string element(const std::string &children)
{
	return "<vm>" + children + "</vm>";
}

} // namespace

TEST_CASE("metadata: each role parses with its own fields", "[metadata]")
{
	const Metadata app = parse_metadata(element("<label>purple</label><role>app</role>"));
	CHECK(app.label == Label::Purple);
	CHECK(app.role == Role::App);
	CHECK(app.apps.empty());

	const Metadata dvm = parse_metadata(element(
		"<label>yellow</label> <role>disposable-template</role><base-disk>/b/base.qcow2</base-disk>"
		"<app name='viewer' command='eog'/><!-- comment --><app name='web' command='firefox-esr -P x'/>"));
	CHECK(dvm.role == Role::DisposableTemplate);
	CHECK(dvm.base_disk == "/b/base.qcow2");
	CHECK(dvm.apps == std::vector<OfferedApp>{{"viewer", "eog"}, {"web", "firefox-esr -P x"}});

	const Metadata disp = parse_metadata(element("<role>disposable</role><template>dvm</template>"));
	CHECK(disp.label == Label::Red); // left out: the least trusted colour
	CHECK(disp.template_name == "dvm");

	CHECK(parse_metadata(element("<label>gray</label><role>template</role>")).role == Role::Template);
}

TEST_CASE("metadata: every label and role name round-trips", "[metadata]")
{
	for (const char *name : {"red", "orange", "yellow", "green", "gray", "blue", "purple", "black"})
		CHECK(to_string(*parse_label(name)) == name);
	for (const char *name : {"app", "template", "disposable-template", "disposable"})
		CHECK(to_string(*parse_role(name)) == name);
	CHECK_FALSE(parse_label("grey"));
	CHECK_FALSE(parse_role("App"));
}

TEST_CASE("metadata: bad elements are refused with the reason", "[metadata]")
{
	const std::vector<std::pair<std::string, std::string>> cases = {
		{element("<label>pink</label><role>app</role>"), "unknown label 'pink' (one of: red orange"},
		{element("<label>red</label><role>admin</role>"), "unknown role 'admin'"},
		{element("<label>red</label>"), "<role> is missing"},
		{element("<role>app</role><role>app</role>"), "<role> appears twice"},
		{element("<role>app</role><colour>red</colour>"), "unknown element <colour>"},
		{element("<role>app</role><label></label>"), "<label> is empty"},
		{element("<role>app</role><label lang='en'>red</label>"), "<label> takes no attributes"},
		{element("<role>app</role><label><b>red</b></label>"), "<label> must hold only text"},
		{element("<role>app</role><base-disk>/x</base-disk>"), "belong only to role disposable-template, not app"},
		{element("<role>app</role><app name='a' command='b'/>"), "belong only to role disposable-template"},
		{element("<role>disposable-template</role>"), "a disposable-template needs <base-disk>"},
		{element("<role>disposable-template</role><base-disk>rel/base.qcow2</base-disk>"), "must be an absolute path"},
		{element("<role>disposable-template</role><base-disk>/b</base-disk><app name='a'/>"),
			"<app> needs a non-empty name and command"},
		{element("<role>disposable-template</role><base-disk>/b</base-disk><app name='a' command='b' run='x'/>"),
			"unknown attribute 'run'"},
		{element("<role>disposable-template</role><base-disk>/b</base-disk><app name='a' command='b'/>"
			 "<app name='a' command='c'/>"),
			"app 'a' is offered twice"},
		{element("<role>disposable</role>"), "a disposable needs <template>"},
		{element("<role>app</role><template>dvm</template>"), "<template> belongs only to role disposable"},
		{"<domain><role>app</role></domain>", "expected <vm>, found <domain>"},
		{"<vm><role>app</role>", "bulkhead metadata: "},
	};
	for (const auto &[xml, message] : cases) {
		INFO(xml);
		CHECK_THROWS_WITH(parse_metadata(std::string_view(xml)), Contains(message));
		CHECK_THROWS_AS(parse_metadata(std::string_view(xml)), MetadataError);
	}
}

TEST_CASE("metadata: written with our namespace into domain XML and read back", "[metadata]")
{
	Metadata m;
	m.label = Label::Green;
	m.role = Role::DisposableTemplate;
	m.base_disk = "/var/lib/bulkhead/base.qcow2";
	m.apps = {{"viewer", "eog <file>"}};
	pugi::xml_document doc = parse_xml(
		"<domain><name>x</name><metadata><bh:vm xmlns:bh='https://bulkhead.invalid/xmlns/domain/1'>"
		"<bh:role>app</bh:role></bh:vm><o:x xmlns:o='urn:other'/></metadata></domain>",
		"test");
	set_metadata(doc.child("domain"), m);
	const std::string xml = to_string(doc);
	CHECK_THAT(xml, Contains("<bulkhead:vm xmlns:bulkhead=\"https://bulkhead.invalid/xmlns/domain/1\">"));
	CHECK_THAT(xml, Contains("<bulkhead:app name=\"viewer\" command=\"eog &lt;file"));
	CHECK_THAT(xml, Contains("<o:x xmlns:o=\"urn:other\""));   // others' metadata kept
	CHECK(xml.find("<bh:vm") == std::string::npos);           // ours replaced, not duplicated
	CHECK(find_metadata(parse_xml(xml, "test").child("domain")) == m);
	CHECK_FALSE(find_metadata(parse_xml("<domain><metadata><o:x xmlns:o='urn:other'/></metadata></domain>", "t")
				  .child("domain")));
}

TEST_CASE("metadata: nothing we would refuse to read is written", "[metadata]")
{
	Metadata m;
	m.role = Role::DisposableTemplate;
	m.base_disk = "relative.qcow2";
	CHECK_THROWS_AS(metadata_xml(m), MetadataError);
	m.role = Role::App;
	m.base_disk.clear();
	m.template_name = "dvm";
	CHECK_THROWS_WITH(metadata_xml(m), Contains("<template> belongs only to role disposable"));
}

TEST_CASE("metadata: read and stored through libvirt", "[metadata][libvirt]")
{
	const auto conn = bulkhead::test::test_connection();
	const Domain work = conn->find("work");
	REQUIRE(work);
	const auto m = read_metadata(work.get());
	REQUIRE(m);
	CHECK(m->label == Label::Blue);
	CHECK(m->role == Role::App);

	const Domain other = conn->find("other");
	CHECK_FALSE(read_metadata(other.get()));

	Metadata changed = *m;
	changed.label = Label::Black;
	store_metadata(work.get(), changed, VIR_DOMAIN_AFFECT_LIVE);
	CHECK(read_metadata(work.get(), VIR_DOMAIN_AFFECT_LIVE) == changed);
	CHECK_THAT(conn->xml_of(work.get()), Contains("<bulkhead:label>black</bulkhead:label>"));

	store_metadata(other.get(), changed, VIR_DOMAIN_AFFECT_LIVE);
	CHECK(read_metadata(other.get(), VIR_DOMAIN_AFFECT_LIVE) == changed);
}
