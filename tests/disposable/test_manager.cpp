#include "vm/manager.hpp"
#include "vm_support.hpp"

#include <fstream>

using namespace bulkhead::vm;
using bulkhead::test::dispatch_pending;
using bulkhead::test::Recorder;
using bulkhead::test::dispatch_until;
using Catch::Matchers::Contains;

namespace {

struct Fixture {
	bulkhead::test::TempDir tmp;
	std::unique_ptr<Connection> conn = bulkhead::test::test_connection();
	std::filesystem::path base = tmp.path() / "base.qcow2";
	std::filesystem::path shm = tmp.path() / "shm";
	std::vector<std::string> log;
	Recorder listener;

	Fixture()
	{
		bulkhead::test::make_base(base);
		std::filesystem::create_directories(shm);
		bulkhead::test::define(*conn, bulkhead::test::template_xml(base));
	}
	VmManagerConfig config(unsigned preload = 0)
	{
		return {tmp.path() / "run", tmp.path() / "overlays", shm, 8, preload,
			[this](const std::string &l) { log.push_back(l); }};
	}
	std::filesystem::path overlay(const std::string &name) const { return tmp.path() / "overlays" / (name + ".qcow2"); }
	// libvirt's test driver runs no QEMU: stand in for the region it would create.
	void fake_shm(const std::string &name) { std::ofstream(shm / ("bulkhead-" + name)) << "x"; }
};

// Starts a creation and dispatches until it finished; returns name and error.
std::pair<std::string, std::string> create(VmManager &manager, const std::string &template_name)
{
	std::optional<std::string> error;
	const std::string name = manager.create_disposable(template_name, [&](const std::string &e) { error = e; });
	dispatch_until([&] { return error.has_value(); });
	return {name, *error};
}

std::string created(VmManager &manager, const std::string &template_name)
{
	const auto [name, error] = create(manager, template_name);
	REQUIRE(error == "");
	return name;
}

} // namespace

TEST_CASE("manager: lists managed domains and reports those running", "[manager][libvirt]")
{
	Fixture f;
	VmManager manager(*f.conn, f.config(), f.listener);
	std::map<std::string, VmInfo> by_name;
	for (const VmInfo &vm : manager.domains())
		by_name[vm.name] = vm;
	CHECK(by_name.size() == 4); // work, mail, debian, dvm; not 'other'
	CHECK(by_name.at("work").running);
	CHECK(by_name.at("work").metadata.label == Label::Blue);
	CHECK(by_name.at("work").gui == GuiDevices{"/run/test/work.gui.sock", "bulkhead-work", 32});
	CHECK(by_name.at("work").shm == f.shm / "bulkhead-work");
	CHECK_FALSE(by_name.at("mail").running);
	CHECK(by_name.at("debian").metadata.role == Role::Template);
	CHECK(by_name.at("dvm").metadata.role == Role::DisposableTemplate);

	REQUIRE(f.listener.started.size() == 1);
	CHECK(f.listener.started[0].name == "work");
	CHECK(f.listener.started[0].gui.socket == "/run/test/work.gui.sock");
}

TEST_CASE("manager: an app domain starts with the GUI devices, its stored XML unchanged", "[manager][libvirt]")
{
	Fixture f;
	VmManager manager(*f.conn, f.config(), f.listener);
	std::optional<std::string> error;
	manager.start_app("mail", [&](const std::string &e) { error = e; });
	dispatch_until([&] { return error && f.listener.has_started("mail"); });
	CHECK(*error == "");
	const VmInfo &mail = f.listener.started.back();
	CHECK(mail.metadata.label == Label::Green);
	CHECK(mail.gui == GuiDevices{f.tmp.path() / "run" / "mail.gui.sock", "bulkhead-mail", 8});
	const Domain d = f.conn->find("mail");
	CHECK_THAT(f.conn->xml_of(d.get(), VIR_DOMAIN_XML_INACTIVE), !Contains("org.bulkhead.gui.0"));

	CHECK_THROWS_WITH(manager.start_app("mail", nullptr), Contains("already running"));
	CHECK_THROWS_WITH(manager.start_app("debian", nullptr), Contains("not an app domain"));
	CHECK_THROWS_WITH(manager.start_app("nosuch", nullptr), Contains("no domain named 'nosuch'"));

	f.fake_shm("mail");
	REQUIRE(virDomainShutdown(d.get()) == 0);
	dispatch_until([&] { return f.listener.has_stopped("mail"); });
	CHECK_FALSE(f.listener.stopped.back().second);
	CHECK_FALSE(std::filesystem::exists(f.shm / "bulkhead-mail"));
}

TEST_CASE("manager: a disposable is created over an overlay and destroyed with it", "[manager][libvirt]")
{
	Fixture f;
	VmManager manager(*f.conn, f.config(), f.listener);
	std::optional<std::string> error;
	const std::string name = manager.create_disposable("dvm", [&](const std::string &e) { error = e; });
	CHECK(name == "disp1"); // known at once, for the placeholder window
	CHECK(std::filesystem::exists(f.overlay("disp1")));
	dispatch_until([&] { return error.has_value(); });
	CHECK(*error == "");
	CHECK(bulkhead::test::state_of(*f.conn, "disp1") == VIR_DOMAIN_RUNNING);
	const Domain d = f.conn->find("disp1");
	CHECK(virDomainIsPersistent(d.get()) == 0);
	CHECK_THAT(f.conn->xml_of(d.get()), Contains(f.overlay("disp1").string()));

	dispatch_until([&] { return f.listener.has_started("disp1"); });
	const VmInfo info = f.listener.started.back();
	CHECK(info.metadata.role == Role::Disposable);
	CHECK(info.metadata.template_name == "dvm");
	CHECK(info.metadata.label == Label::Orange);
	CHECK(info.gui.socket == f.tmp.path() / "run" / "disp1.gui.sock");
	CHECK(info.shm == f.shm / "bulkhead-disp1");

	CHECK(created(manager, "dvm") == "disp2");
	f.fake_shm("disp1");
	manager.destroy_disposable("disp1");
	manager.destroy_disposable("disp1"); // already under way: nothing more
	dispatch_until([&] { return f.listener.has_stopped("disp1"); });
	CHECK_FALSE(std::filesystem::exists(f.overlay("disp1")));
	CHECK_FALSE(std::filesystem::exists(f.shm / "bulkhead-disp1"));
	CHECK_FALSE(f.conn->find("disp1"));
	dispatch_pending();
	CHECK(f.listener.stopped.size() == 1);
	CHECK(created(manager, "dvm") == "disp1"); // the lowest free name again

	// names taken by creations under way are not given twice
	const std::string a = manager.create_disposable("dvm", nullptr);
	error.reset();
	const std::string b = manager.create_disposable("dvm", [&](const std::string &e) { error = e; });
	CHECK(a == "disp3");
	CHECK(b == "disp4");
	manager.destroy_disposable(b); // before its start finished
	dispatch_until([&] { return error.has_value(); });
	CHECK(*error == "disposable 'disp4' was destroyed before it started");
	dispatch_until([&] { return !f.conn->find("disp4") && !std::filesystem::exists(f.overlay("disp4")); });
	dispatch_pending();
	CHECK(f.listener.has_started("disp4") == f.listener.has_stopped("disp4"));

	CHECK_THROWS_AS(manager.destroy_disposable("work"), std::invalid_argument);
	CHECK_THROWS_WITH(manager.create_disposable("work", nullptr), Contains("is a app, not a disposable-template"));
	CHECK_THROWS_WITH(manager.create_disposable("nosuch", nullptr), Contains("no template named 'nosuch'"));
	CHECK_FALSE(std::filesystem::exists(f.overlay("disp5")));
	CHECK(std::filesystem::exists(f.base));
}

TEST_CASE("manager: a disposable that stops by itself is cleaned up", "[manager][libvirt]")
{
	Fixture f;
	VmManager manager(*f.conn, f.config(), f.listener);
	created(manager, "dvm");
	dispatch_until([&] { return f.listener.has_started("disp1"); });
	f.fake_shm("disp1");
	REQUIRE(virDomainDestroy(f.conn->find("disp1").get()) == 0); // as if QEMU died
	dispatch_until([&] { return f.listener.has_stopped("disp1"); });
	CHECK_FALSE(std::filesystem::exists(f.overlay("disp1")));
	CHECK_FALSE(std::filesystem::exists(f.shm / "bulkhead-disp1"));
}

TEST_CASE("manager: a failed start leaves no overlay", "[manager][libvirt]")
{
	Fixture f;
	VmManager manager(*f.conn, f.config(), f.listener);
	std::string xml = bulkhead::test::template_xml(f.tmp.path() / "missing.qcow2");
	xml.replace(xml.find("<name>dvm</name>"), 16, "<name>bad</name>");
	xml.replace(xml.find("7a10</uuid>"), 4, "7a11");
	bulkhead::test::define(*f.conn, xml);
	CHECK_THROWS_WITH(manager.create_disposable("bad", nullptr), Contains("qemu-img could not create overlay"));
	CHECK(std::filesystem::is_empty(f.tmp.path() / "overlays"));
	CHECK_FALSE(f.conn->find("disp1"));
}

TEST_CASE("manager: preloaded disposables wait paused and are handed out", "[manager][libvirt][pool]")
{
	Fixture f;
	VmManager manager(*f.conn, f.config(1), f.listener);
	dispatch_until([&] { return manager.pool("dvm").size() == 1; });
	CHECK(manager.pool("dvm") == std::vector<std::string>{"disp1"});
	CHECK(bulkhead::test::state_of(*f.conn, "disp1") == VIR_DOMAIN_PAUSED);
	CHECK(std::filesystem::exists(f.overlay("disp1")));
	dispatch_pending();
	CHECK_FALSE(f.listener.has_started("disp1")); // not the user's yet

	CHECK(created(manager, "dvm") == "disp1");
	CHECK(bulkhead::test::state_of(*f.conn, "disp1") == VIR_DOMAIN_RUNNING);
	dispatch_until([&] { return f.listener.has_started("disp1") && manager.pool("dvm").size() == 1; });
	CHECK(manager.pool("dvm") == std::vector<std::string>{"disp2"});

	REQUIRE(virDomainDestroy(f.conn->find("disp2").get()) == 0); // a pool member dies: replaced
	dispatch_until([&] { return manager.pool("dvm") == std::vector<std::string>{"disp2"} &&
		std::filesystem::exists(f.overlay("disp2")) && f.conn->find("disp2"); });
	CHECK_FALSE(f.listener.has_stopped("disp2"));
}

TEST_CASE("manager: leftovers of an earlier run are destroyed and swept", "[manager][libvirt][sweep]")
{
	Fixture f;
	{
		VmManager first(*f.conn, f.config(), f.listener);
		created(first, "dvm");
		first.create_disposable("dvm", nullptr); // still starting: destroyed too
		// the manager's destructor destroys its disposables and their overlays
	}
	CHECK_FALSE(f.conn->find("disp1"));
	CHECK(std::filesystem::is_empty(f.tmp.path() / "overlays"));

	// As after a crash: a disposable still running and stale files.
	std::string xml;
	{
		VmManager first(*f.conn, f.config(), f.listener);
		created(first, "dvm");
		xml = f.conn->xml_of(f.conn->find("disp1").get());
	}
	virDomainPtr d = virDomainCreateXML(f.conn->get(), xml.c_str(), 0);
	INFO((d ? "" : virGetLastErrorMessage()));
	REQUIRE(d);
	virDomainFree(d);
	std::ofstream(f.overlay("disp1")) << "x";
	std::ofstream(f.overlay("disp5")) << "x";
	f.fake_shm("disp5");
	f.log.clear();
	VmManager second(*f.conn, f.config(), f.listener);
	CHECK_FALSE(f.conn->find("disp1"));
	CHECK(std::filesystem::is_empty(f.tmp.path() / "overlays"));
	CHECK_FALSE(std::filesystem::exists(f.shm / "bulkhead-disp5"));
	CHECK(std::find(f.log.begin(), f.log.end(), "destroying disposable 'disp1' left by an earlier run") != f.log.end());
}
