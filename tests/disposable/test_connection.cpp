#include "vm_support.hpp"

#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

using namespace bulkhead::vm;
using bulkhead::test::read_text;
using Catch::Matchers::Contains;

TEST_CASE("connection: the default URI is the embedded driver under XDG_STATE_HOME", "[connection]")
{
	bulkhead::test::EnvGuard env;
	env.set("XDG_STATE_HOME", "/home/u/.state dir");
	CHECK(default_uri() == "qemu:///embed?root=/home/u/.state%20dir/bulkhead/libvirt");
	CHECK(embed_root(default_uri()) == "/home/u/.state dir/bulkhead/libvirt");
	env.unset("XDG_STATE_HOME");
	env.set("HOME", "/home/u");
	CHECK(default_uri() == "qemu:///embed?root=/home/u/.local/state/bulkhead/libvirt");
	env.set("XDG_STATE_HOME", "relative");
	CHECK(default_uri() == "qemu:///embed?root=/home/u/.local/state/bulkhead/libvirt");
	env.unset("XDG_STATE_HOME");
	env.unset("HOME");
	CHECK_THROWS_WITH(default_uri(), Contains("set libvirt_uri"));

	CHECK(embed_root("qemu:///embed?x=1&root=/r") == "/r");
	CHECK_FALSE(embed_root("qemu:///system"));
	CHECK_FALSE(embed_root("qemu:///embed"));
}

TEST_CASE("connection: the embedded driver's qemu.conf is written once", "[connection]")
{
	bulkhead::test::TempDir tmp;
	prepare_embed_root(tmp.path() / "root");
	const std::string conf = read_text(tmp.path() / "root" / "etc" / "qemu.conf");
	CHECK_THAT(conf, Contains("stdio_handler = \"file\"\n"));
	CHECK_THAT(conf, Contains("security_driver = \"none\"\n"));
	CHECK_THAT(conf, Contains("cgroup_controllers = [ ]\n"));
	bulkhead::test::write_text(tmp.path() / "root" / "etc" / "qemu.conf", "# the user's own\n");
	prepare_embed_root(tmp.path() / "root");
	CHECK(read_text(tmp.path() / "root" / "etc" / "qemu.conf") == "# the user's own\n");
}

TEST_CASE("connection: libvirt's errors become exceptions, never stderr lines", "[connection][libvirt]")
{
	const auto conn = bulkhead::test::test_connection();
	bulkhead::test::TempDir tmp;
	const auto captured = tmp.path() / "stderr";
	std::fflush(stderr);
	const int saved = dup(2);
	const int file = open(captured.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(file, 2);
	close(file);

	CHECK_FALSE(conn->find("nosuch")); // not found is an answer, not an error
	std::string message;
	try {
		Connection("nosuchdriver:///x");
	} catch (const LibvirtError &e) {
		message = e.what();
	}
	const Domain work = conn->find("work");
	const int suspended = virDomainSuspend(work.get()) + virDomainSuspend(work.get()); // the second fails

	std::fflush(stderr);
	dup2(saved, 2);
	close(saved);
	CHECK_THAT(message, Contains("cannot open libvirt connection 'nosuchdriver:///x': "));
	CHECK(message.size() > std::string("cannot open libvirt connection 'nosuchdriver:///x': ").size());
	CHECK(suspended == -1);
	CHECK(read_text(captured) == "");
}
