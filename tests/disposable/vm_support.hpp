#pragma once
// Helpers for the VM tests: one wl_event_loop for the whole test program with
// libvirt's event loop attached to it, fresh test-driver connections, and the
// sample template with a real base disk.
#include "../unit/test_support.hpp"
#include "vm/connection.hpp"
#include "vm/event_loop.hpp"
#include "vm/manager.hpp"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <wayland-server-core.h>

#include <algorithm>
#include <functional>

namespace bulkhead::test {

// What a VmManager reported.
struct Recorder : vm::VmListener {
	std::vector<vm::VmInfo> started;
	std::vector<std::pair<vm::VmInfo, bool>> stopped;
	void vm_started(const vm::VmInfo &vm) override { started.push_back(vm); }
	void vm_stopped(const vm::VmInfo &vm, bool crashed) override { stopped.emplace_back(vm, crashed); }
	bool has_started(const std::string &name) const
	{
		return std::any_of(started.begin(), started.end(), [&](const vm::VmInfo &v) { return v.name == name; });
	}
	bool has_stopped(const std::string &name) const
	{
		return std::any_of(stopped.begin(), stopped.end(), [&](const auto &s) { return s.first.name == name; });
	}
};


inline wl_event_loop *vm_loop()
{
	static wl_event_loop *loop = [] {
		wl_event_loop *l = wl_event_loop_create();
		vm::EventLoopBridge::attach(l);
		return l;
	}();
	return loop;
}

// Dispatches the loop until done() holds; fails after 200 rounds of up to 100 ms
// with nothing to do (a bound on a hang, not a timing requirement).
inline void dispatch_until(const std::function<bool()> &done)
{
	for (int i = 0; i < 200 && !done(); ++i)
		wl_event_loop_dispatch(vm_loop(), 100);
	REQUIRE(done());
}

// Dispatches whatever is due now and what it queues, without waiting.
inline void dispatch_pending()
{
	for (int i = 0; i < 20; ++i)
		wl_event_loop_dispatch(vm_loop(), 0);
}

// A connection to libvirt's test driver with its own copy of tests/data/vm/node.xml.
inline std::unique_ptr<vm::Connection> test_connection()
{
	vm_loop();
	return std::make_unique<vm::Connection>("test://" + std::filesystem::absolute(data_dir() / "vm" / "node.xml").string());
}

// The text of tests/data/vm/FILE with each placeholder replaced.
inline std::string filled(const std::string &file, const std::map<std::string, std::string> &values)
{
	std::string xml = read_text(data_dir() / "vm" / file);
	for (const auto &[key, value] : values)
		for (std::size_t pos; (pos = xml.find(key)) != std::string::npos;)
			xml.replace(pos, key.size(), value);
	return xml;
}

inline std::string template_xml(const std::filesystem::path &base)
{
	return filled("dvm-template.xml", {{"BASE", base.string()}});
}

// The boot test's template: image holds vmlinux and initrd.img.
inline std::string boot_template_xml(
	const std::filesystem::path &base, const std::filesystem::path &image, const std::filesystem::path &console)
{
	return filled("boot-template.xml", {{"BASE", base.string()}, {"KERNEL", (image / "vmlinux").string()},
		{"INITRD", (image / "initrd.img").string()}, {"CONSOLE", console.string()}});
}

// Runs a test-side command (paths quoted by the caller); returns its exit status.
inline int run(const std::string &command) { return std::system(command.c_str()); }

// A 16 MiB qcow2 base disk at path.
inline void make_base(const std::filesystem::path &path)
{
	REQUIRE(run("qemu-img create -q -f qcow2 '" + path.string() + "' 16M") == 0);
}

inline vm::Domain define(vm::Connection &conn, const std::string &xml)
{
	virDomainPtr d = virDomainDefineXML(conn.get(), xml.c_str());
	INFO((d ? "" : virGetLastErrorMessage()));
	REQUIRE(d);
	return vm::Domain(d);
}

inline int state_of(vm::Connection &conn, const std::string &name)
{
	const vm::Domain d = conn.find(name);
	REQUIRE(d);
	int state = 0, reason = 0;
	REQUIRE(virDomainGetState(d.get(), &state, &reason, 0) == 0);
	return state;
}

} // namespace bulkhead::test
