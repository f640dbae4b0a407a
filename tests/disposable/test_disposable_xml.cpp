#include "vm/disposable_xml.hpp"
#include "vm/manager.hpp"
#include "vm_support.hpp"

using namespace bulkhead::vm;
using bulkhead::test::template_xml;
using Catch::Matchers::Contains;

namespace {

const std::filesystem::path base = "/var/lib/bulkhead/base.qcow2";

pugi::xml_document disposable_doc(const std::string &tmpl = template_xml(base))
{
	const DisposableSpec spec{"disp3", "/run/user/0/bulkhead/disposables/disp3.qcow2",
		gui_devices_for("disp3", "/run/user/0/bulkhead", 48)};
	return parse_xml(make_disposable_xml(tmpl, spec), "disposable");
}

std::string replaced(std::string s, const std::string &from, const std::string &to)
{
	const auto pos = s.find(from);
	REQUIRE(pos != std::string::npos);
	return s.replace(pos, from.size(), to);
}

} // namespace

TEST_CASE("disposable XML: a template is inspected", "[xml]")
{
	const TemplateInfo info = inspect_template(template_xml(base));
	CHECK(info.name == "dvm");
	CHECK(info.metadata.label == Label::Orange);
	CHECK(info.metadata.apps.size() == 2);
	CHECK(info.base.path == base);
	CHECK(info.base.format == "qcow2");
}

TEST_CASE("disposable XML: cloned from the template with overlay, devices and metadata", "[xml]")
{
	const pugi::xml_document doc = disposable_doc();
	const pugi::xml_node domain = doc.child("domain");
	CHECK(std::string(domain.child("name").text().get()) == "disp3");
	CHECK_FALSE(domain.child("uuid"));
	CHECK_FALSE(domain.child("title"));
	CHECK_FALSE(domain.child("devices").child("interface").child("mac"));
	CHECK(domain.child("devices").child("interface")); // the interface itself stays

	// kernel, initrd and command line kept
	CHECK(std::string(domain.child("os").child_value("kernel")) == "/var/lib/bulkhead/vmlinux");
	CHECK(std::string(domain.child("os").child_value("initrd")) == "/var/lib/bulkhead/initrd.img");
	CHECK(std::string(domain.child("os").child_value("cmdline")) == "console=ttyS0 quiet");

	// the overlay, writable, over the read-only base
	const pugi::xml_node disk = domain.child("devices").find_child_by_attribute("disk", "device", "disk");
	CHECK(std::string(disk.child("driver").attribute("type").value()) == "qcow2");
	CHECK(std::string(disk.child("source").attribute("file").value()) == "/run/user/0/bulkhead/disposables/disp3.qcow2");
	CHECK_FALSE(disk.child("readonly"));
	CHECK(std::string(disk.child("target").attribute("dev").value()) == "vda");
	const pugi::xml_node backing = disk.child("backingStore");
	CHECK(std::string(backing.attribute("type").value()) == "file");
	CHECK(std::string(backing.child("format").attribute("type").value()) == "qcow2");
	CHECK(std::string(backing.child("source").attribute("file").value()) == base.string());
	// the read-only CD-ROM is shared safely and kept
	CHECK(domain.child("devices").find_child_by_attribute("disk", "device", "cdrom").child("readonly"));

	// our devices replace the template's stale ones, others' are kept
	const GuiDevices gui = find_gui_devices(domain);
	CHECK(gui == GuiDevices{"/run/user/0/bulkhead/disp3.gui.sock", "bulkhead-disp3", 48});
	int channels = 0, shmems = 0;
	for (const pugi::xml_node &dev : domain.child("devices").children()) {
		channels += std::string_view(dev.name()) == "channel";
		shmems += std::string_view(dev.name()) == "shmem";
	}
	CHECK(channels == 1);
	CHECK(shmems == 2);
	CHECK(domain.child("devices").find_child_by_attribute("shmem", "name", "someone-else"));
	const pugi::xml_node channel = domain.child("devices").child("channel");
	CHECK(std::string(channel.attribute("type").value()) == "unix");
	CHECK(std::string(channel.child("source").attribute("mode").value()) == "bind");
	CHECK(std::string(channel.child("target").attribute("type").value()) == "virtio");
	CHECK(std::string(domain.child("devices").find_child_by_attribute("shmem", "name", "bulkhead-disp3")
				  .child("model").attribute("type").value()) == "ivshmem-plain");

	// metadata: a disposable of dvm in the template's colour; other metadata kept
	const auto m = find_metadata(domain);
	REQUIRE(m);
	CHECK(m->role == Role::Disposable);
	CHECK(m->template_name == "dvm");
	CHECK(m->label == Label::Orange);
	CHECK(m->apps.empty());
	CHECK(m->base_disk.empty());
	CHECK(std::string(domain.child("metadata").child_value("other:note")) == "kept");
}

TEST_CASE("disposable XML: a template without a label gives red disposables", "[xml]")
{
	const std::string tmpl = replaced(template_xml(base), "<bulkhead:label>orange</bulkhead:label>", "");
	CHECK(find_metadata(disposable_doc(tmpl).child("domain"))->label == Label::Red);
}

TEST_CASE("disposable XML: a raw base keeps its format as the backing format", "[xml]")
{
	const std::string tmpl = replaced(template_xml(base), "<driver name='qemu' type='qcow2'/>", "<driver name='qemu' type='raw'/>");
	const pugi::xml_document doc = disposable_doc(tmpl);
	const pugi::xml_node disk = doc.child("domain").child("devices").child("disk");
	CHECK(std::string(disk.child("driver").attribute("type").value()) == "qcow2");
	CHECK(std::string(disk.child("backingStore").child("format").attribute("type").value()) == "raw");
}

TEST_CASE("disposable XML: unusable templates are refused", "[xml]")
{
	const std::string good = template_xml(base);
	const std::vector<std::pair<std::string, std::string>> cases = {
		{"<domain><name>x</name><metadata><b:vm xmlns:b='https://bulkhead.invalid/xmlns/domain/1'>"
		 "<b:role>template</b:role></b:vm></metadata></domain>",
			"domain 'x' is a template, not a disposable-template"},
		{replaced(good, "<source file='" + base.string() + "'/>", "<source file='/elsewhere.qcow2'/>"),
			"template has no <disk> with source file " + base.string()},
		{replaced(good, "<target dev='sda' bus='sata'/>\n      <readonly/>", "<target dev='sda' bus='sata'/>"),
			"template has a writable disk (/var/lib/bulkhead/tools.iso)"},
		{replaced(good, "type='qcow2'/>", "type='vmdk'/>"), "needs <driver type='qcow2'> or 'raw', not 'vmdk'"},
		{replaced(good, "label>orange</", "label>teal</"), "unknown label 'teal'"},
		{"<domain><name>x</name></domain>", "domain 'x' carries no bulkhead metadata"},
		{"<domain><name>x</name>", "template domain XML: "},
	};
	for (const auto &[xml, message] : cases) {
		INFO(xml);
		CHECK_THROWS_WITH(inspect_template(xml), Contains(message));
		CHECK_THROWS_WITH(make_disposable_xml(xml, {"disp1", "/o.qcow2", {"/s.sock", "bulkhead-disp1", 1}}),
			Contains(message));
	}
}

TEST_CASE("disposable XML: names must be safe for files and sockets", "[xml]")
{
	for (const char *bad : {"", "../x", ".hidden", "-x", "a b", "a/b", "ä"})
		CHECK_THROWS_AS(gui_devices_for(bad, "/run", 1), XmlError);
	CHECK_THROWS_WITH(gui_devices_for("disp1", std::string(100, 'd').insert(0, "/"), 1), Contains("too long"));
	CHECK_THROWS_WITH(make_disposable_xml(template_xml(base), {"x y", "/o", {"/s", "bulkhead-x", 1}}),
		Contains("domain name 'x y' is not usable"));
}

TEST_CASE("disposable XML: the lowest free dispN is chosen", "[naming]")
{
	CHECK(next_disposable_name({}) == "disp1");
	CHECK(next_disposable_name({"work", "disp2"}) == "disp1");
	CHECK(next_disposable_name({"disp1", "disp2", "disp4"}) == "disp3");
	CHECK(next_disposable_name({"disp1", "disp01", "disp3"}) == "disp2");
}

TEST_CASE("disposable XML: disposables start autodestroyed, preloaded ones paused", "[xml]")
{
	CHECK(disposable_start_flags(false) == VIR_DOMAIN_START_AUTODESTROY);
	CHECK(disposable_start_flags(true) == (VIR_DOMAIN_START_AUTODESTROY | VIR_DOMAIN_START_PAUSED));
}

TEST_CASE("disposable XML: libvirt accepts and runs the clone", "[xml][libvirt]")
{
	const auto conn = bulkhead::test::test_connection();
	const std::string xml = bulkhead::vm::to_string(disposable_doc());
	virDomainPtr d = virDomainCreateXML(conn->get(), xml.c_str(), 0);
	INFO((d ? "" : virGetLastErrorMessage()));
	REQUIRE(d);
	const Domain disp(d);
	CHECK(virDomainIsPersistent(d) == 0);
	const std::string live = conn->xml_of(d);
	CHECK_THAT(live, Contains("disp3.qcow2"));
	CHECK_THAT(live, Contains("<backingStore type='file'>"));
	CHECK_THAT(live, Contains("org.bulkhead.gui.0"));
	CHECK_THAT(live, Contains("<shmem name='bulkhead-disp3'>"));
	CHECK(read_metadata(d)->role == Role::Disposable);
}
