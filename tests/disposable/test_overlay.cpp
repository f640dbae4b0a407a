#include "vm/overlay.hpp"
#include "vm_support.hpp"

#include <fstream>

using namespace bulkhead::vm;
using bulkhead::test::TempDir;
using Catch::Matchers::Contains;

namespace {

struct Fixture {
	TempDir tmp;
	std::filesystem::path overlays = tmp.path() / "overlays";
	std::filesystem::path shm = tmp.path() / "shm";
	std::vector<std::string> lines;
	OverlayStore store{overlays, [this](const std::string &l) { lines.push_back(l); }, shm};

	Fixture() { std::filesystem::create_directories(shm); }
	void touch(const std::filesystem::path &p) { std::ofstream(p) << "x"; }
};

std::string qemu_img_info(const std::filesystem::path &p)
{
	const std::string out = (p.parent_path() / "info.txt").string();
	REQUIRE(bulkhead::test::run("qemu-img info --output=json '" + p.string() + "' > '" + out + "'") == 0);
	return bulkhead::test::read_text(out);
}

} // namespace

TEST_CASE("overlay: qemu-img makes a qcow2 over the base, removed with the shm file", "[overlay]")
{
	Fixture f;
	const auto base = f.tmp.path() / "base.qcow2";
	bulkhead::test::make_base(base);
	CHECK((std::filesystem::status(f.overlays).permissions() & std::filesystem::perms::all) ==
		std::filesystem::perms::owner_all);

	const auto overlay = f.store.create("disp1", {base, "qcow2"});
	CHECK(overlay == f.overlays / "disp1.qcow2");
	const std::string info = qemu_img_info(overlay);
	CHECK_THAT(info, Contains("\"format\": \"qcow2\""));
	CHECK_THAT(info, Contains("\"backing-filename\": \"" + base.string() + "\""));
	CHECK_THAT(info, Contains("\"backing-filename-format\": \"qcow2\""));
	CHECK_THAT(info, Contains("\"virtual-size\": 16777216"));

	f.touch(f.shm / "bulkhead-disp1");
	f.store.remove("disp1");
	CHECK_FALSE(std::filesystem::exists(overlay));
	CHECK_FALSE(std::filesystem::exists(f.shm / "bulkhead-disp1"));
	f.store.remove("disp1"); // already gone: fine
}

TEST_CASE("overlay: qemu-img's own error is reported and nothing is left", "[overlay]")
{
	Fixture f;
	CHECK_THROWS_WITH(f.store.create("disp1", {f.tmp.path() / "missing.qcow2", "qcow2"}),
		Contains("qemu-img could not create overlay " + (f.overlays / "disp1.qcow2").string() + ": ") &&
			Contains("missing.qcow2"));
	CHECK_FALSE(std::filesystem::exists(f.overlays / "disp1.qcow2"));
	CHECK_THROWS_WITH(f.store.create("disp1", {"relative.qcow2", "qcow2"}), Contains("must be an absolute path"));
	CHECK_THROWS_AS(f.store.create("../disp1", {f.tmp.path() / "b", "qcow2"}), XmlError);
}

TEST_CASE("overlay: the sweep removes what no running domain uses", "[overlay][sweep]")
{
	Fixture f;
	const auto base = f.tmp.path() / "base.qcow2";
	bulkhead::test::make_base(base);
	for (const char *name : {"disp1", "disp2", "disp7"})
		f.store.create(name, {base, "qcow2"});
	for (const char *file : {"bulkhead-disp1", "bulkhead-disp2", "bulkhead-disp9", "bulkhead-work", "other-disp2"})
		f.touch(f.shm / file);
	f.touch(f.overlays / "notes.txt");

	auto removed = f.store.sweep({"disp1", "work"});
	std::sort(removed.begin(), removed.end());
	CHECK(removed == std::vector<std::filesystem::path>{f.overlays / "disp2.qcow2", f.overlays / "disp7.qcow2",
				 f.shm / "bulkhead-disp2", f.shm / "bulkhead-disp9"});
	for (const auto &p : removed)
		CHECK_FALSE(std::filesystem::exists(p));
	for (const auto &p : {f.overlays / "disp1.qcow2", f.overlays / "notes.txt", f.shm / "bulkhead-disp1",
		     f.shm / "bulkhead-work", f.shm / "other-disp2", base})
		CHECK(std::filesystem::exists(p));
	const auto removals = std::count_if(f.lines.begin(), f.lines.end(),
		[](const std::string &l) { return l.starts_with("removed stale "); });
	CHECK(removals == 4);
	CHECK(std::find(f.lines.begin(), f.lines.end(),
		      "removed stale " + (f.overlays / "disp2.qcow2").string() + " (its domain is not running)") != f.lines.end());
	CHECK(f.store.sweep({"disp1"}).empty());
}

TEST_CASE("overlay: the default directory is under XDG_RUNTIME_DIR, else /run", "[overlay]")
{
	bulkhead::test::EnvGuard env;
	env.set("XDG_RUNTIME_DIR", "/run/user/1000");
	CHECK(default_overlay_dir() == "/run/user/1000/bulkhead/disposables");
	env.unset("XDG_RUNTIME_DIR");
	CHECK(default_overlay_dir() == "/run/bulkhead/disposables");
}
