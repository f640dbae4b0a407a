#include "vm_support.hpp"

#include <thread>
#include <unistd.h>

using namespace bulkhead::vm;
using bulkhead::test::dispatch_pending;
using bulkhead::test::dispatch_until;

namespace {

// What the callbacks saw; reached through their opaque pointer.
struct Probe {
	int calls = 0;
	int events = 0;
	int id = -1;
	bool remove_in_callback = false;
	bool removing = false;          // set around the remove call
	bool freed = false;
	bool freed_inside_remove = false;
	std::thread::id thread;
};

void handle_cb(int watch, int fd, int events, void *opaque)
{
	auto *p = static_cast<Probe *>(opaque);
	++p->calls;
	p->events = events;
	p->thread = std::this_thread::get_id();
	char buf[16];
	(void)!read(fd, buf, sizeof buf);
	if (p->remove_in_callback) {
		p->removing = true;
		CHECK(virEventRemoveHandle(watch) == 0);
		p->removing = false;
	}
}

void timeout_cb(int timer, void *opaque)
{
	auto *p = static_cast<Probe *>(opaque);
	++p->calls;
	p->thread = std::this_thread::get_id();
	if (p->remove_in_callback) {
		p->removing = true;
		CHECK(virEventRemoveTimeout(timer) == 0);
		p->removing = false;
	}
}

void free_cb(void *opaque)
{
	auto *p = static_cast<Probe *>(opaque);
	p->freed = true;
	p->freed_inside_remove = p->removing;
}

} // namespace

TEST_CASE("event loop: lifecycle events arrive by dispatching the wl_event_loop", "[events][libvirt]")
{
	const auto conn = bulkhead::test::test_connection();
	std::vector<std::pair<std::string, Lifecycle>> seen;
	conn->on_lifecycle([&](const LifecycleEvent &e) { seen.emplace_back(e.domain, e.event); });
	auto saw = [&](const std::string &name, Lifecycle what) {
		return std::find(seen.begin(), seen.end(), std::pair{name, what}) != seen.end();
	};

	const Domain d = bulkhead::test::define(*conn,
		"<domain type='qemu'><name>fresh</name><memory>65536</memory><os><type arch='x86_64'>hvm</type></os></domain>");
	REQUIRE(virDomainCreate(d.get()) == 0);
	dispatch_until([&] { return saw("fresh", Lifecycle::Started); });
	CHECK(saw("fresh", Lifecycle::Defined));

	REQUIRE(virDomainSuspend(d.get()) == 0);
	REQUIRE(virDomainResume(d.get()) == 0);
	REQUIRE(virDomainDestroy(d.get()) == 0);
	REQUIRE(virDomainUndefine(d.get()) == 0);
	dispatch_until([&] { return saw("fresh", Lifecycle::Undefined); });
	const std::vector<std::pair<std::string, Lifecycle>> expected = {{"fresh", Lifecycle::Defined},
		{"fresh", Lifecycle::Started}, {"fresh", Lifecycle::Suspended}, {"fresh", Lifecycle::Resumed},
		{"fresh", Lifecycle::Stopped}, {"fresh", Lifecycle::Undefined}};
	CHECK(seen == expected);
}

TEST_CASE("event loop: a handle reports readiness and may remove itself", "[events]")
{
	bulkhead::test::vm_loop();
	int fds[2];
	REQUIRE(pipe(fds) == 0);
	Probe p;
	p.id = virEventAddHandle(fds[0], VIR_EVENT_HANDLE_READABLE, handle_cb, &p, free_cb);
	REQUIRE(p.id > 0);
	dispatch_pending();
	CHECK(p.calls == 0); // nothing to read yet

	REQUIRE(write(fds[1], "a", 1) == 1);
	dispatch_until([&] { return p.calls == 1; });
	CHECK(p.events == VIR_EVENT_HANDLE_READABLE);
	CHECK(p.thread == std::this_thread::get_id());

	virEventUpdateHandle(p.id, 0); // disabled: readiness is not reported
	REQUIRE(write(fds[1], "b", 1) == 1);
	dispatch_pending();
	CHECK(p.calls == 1);
	virEventUpdateHandle(p.id, VIR_EVENT_HANDLE_READABLE);
	p.remove_in_callback = true;
	dispatch_until([&] { return p.calls == 2; });
	CHECK_FALSE(p.freed_inside_remove);
	dispatch_until([&] { return p.freed; });
	CHECK_FALSE(p.freed_inside_remove);

	REQUIRE(write(fds[1], "c", 1) == 1);
	dispatch_pending();
	CHECK(p.calls == 2);
	CHECK(virEventRemoveHandle(p.id) == -1); // already gone
	close(fds[0]);
	close(fds[1]);
}

TEST_CASE("event loop: a hang-up is reported", "[events]")
{
	bulkhead::test::vm_loop();
	int fds[2];
	REQUIRE(pipe(fds) == 0);
	Probe p;
	p.id = virEventAddHandle(fds[0], VIR_EVENT_HANDLE_READABLE, handle_cb, &p, nullptr);
	close(fds[1]);
	dispatch_until([&] { return p.calls > 0; });
	CHECK((p.events & VIR_EVENT_HANDLE_HANGUP));
	CHECK(virEventRemoveHandle(p.id) == 0);
	close(fds[0]);
}

TEST_CASE("event loop: timeouts added from another thread run on the loop's thread", "[events]")
{
	bulkhead::test::vm_loop();
	Probe p;
	p.remove_in_callback = true;
	std::thread([&] { p.id = virEventAddTimeout(0, timeout_cb, &p, free_cb); }).join();
	REQUIRE(p.id > 0);
	dispatch_until([&] { return p.freed; });
	CHECK(p.calls == 1);
	CHECK(p.thread == std::this_thread::get_id());
	CHECK_FALSE(p.freed_inside_remove);
}

TEST_CASE("event loop: periodic, per-iteration and disabled timeouts", "[events]")
{
	bulkhead::test::vm_loop();
	Probe periodic, each, off;
	periodic.id = virEventAddTimeout(1, timeout_cb, &periodic, free_cb);
	each.id = virEventAddTimeout(0, timeout_cb, &each, nullptr);
	off.id = virEventAddTimeout(-1, timeout_cb, &off, nullptr);
	// A zero interval keeps the loop from sleeping, so it runs first, alone.
	dispatch_until([&] { return each.calls >= 3; });
	virEventUpdateTimeout(each.id, -1);
	dispatch_until([&] { return periodic.calls >= 3; });
	CHECK(off.calls == 0);

	virEventUpdateTimeout(periodic.id, -1);
	const int periodic_calls = periodic.calls, each_calls = each.calls;
	dispatch_pending();
	CHECK(periodic.calls == periodic_calls);
	CHECK(each.calls == each_calls);

	virEventUpdateTimeout(off.id, 0);
	dispatch_until([&] { return off.calls > 0; });
	for (int id : {periodic.id, each.id, off.id})
		CHECK(virEventRemoveTimeout(id) == 0);
	dispatch_until([&] { return periodic.freed; });
	CHECK(virEventRemoveTimeout(periodic.id) == -1);
}

TEST_CASE("event loop: work posted from another thread runs on the loop's thread", "[events]")
{
	bulkhead::test::vm_loop();
	std::thread::id ran_on;
	bool ran = false;
	std::thread([&] { EventLoopBridge::post([&] { ran = true; ran_on = std::this_thread::get_id(); }); }).join();
	dispatch_until([&] { return ran; });
	CHECK(ran_on == std::this_thread::get_id());
}

TEST_CASE("event loop: libvirt's sources move to another loop and back", "[events]")
{
	wl_event_loop *const main_loop = bulkhead::test::vm_loop();
	CHECK_THROWS_AS(EventLoopBridge::attach(main_loop), std::logic_error);
	Probe p;
	p.id = virEventAddTimeout(-1, timeout_cb, &p, nullptr);

	EventLoopBridge::detach();
	virEventUpdateTimeout(p.id, 0); // recorded while no loop runs it
	wl_event_loop *other = wl_event_loop_create();
	EventLoopBridge::attach(other);
	for (int i = 0; i < 200 && p.calls == 0; ++i)
		wl_event_loop_dispatch(other, 100);
	CHECK(p.calls > 0);
	virEventUpdateTimeout(p.id, -1);
	EventLoopBridge::detach();
	wl_event_loop_destroy(other);

	EventLoopBridge::attach(main_loop);
	CHECK(virEventRemoveTimeout(p.id) == 0);
	dispatch_pending();
}
