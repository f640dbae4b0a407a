#include "vm/event_loop.hpp"

#include <libvirt/libvirt.h>
#include <wayland-server-core.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <sys/eventfd.h>
#include <system_error>
#include <thread>
#include <tuple>
#include <unistd.h>
#include <utility>
#include <vector>

namespace bulkhead::vm {
namespace {

struct Handle {
	int id, fd, events;
	virEventHandleCallback cb;
	void *opaque;
	virFreeCallback ff;
	wl_event_source *source = nullptr; // exists while events != 0 and attached
	uint32_t armed = 0;                 // the mask source was last given
	bool removed = false;
};

struct Timeout {
	int id, interval; // -1 disabled, 0 every loop iteration, else milliseconds
	virEventTimeoutCallback cb;
	void *opaque;
	virFreeCallback ff;
	wl_event_source *source = nullptr;
	bool removed = false;
	bool changed = true; // interval (re)set since the source was last armed
};

struct Bridge {
	std::mutex mutex;
	wl_event_loop *loop = nullptr;
	std::thread::id loop_thread;
	int wake_fd = -1;
	wl_event_source *wake_source = nullptr;
	int next_id = 1;
	std::map<int, std::unique_ptr<Handle>> handles;
	std::map<int, std::unique_ptr<Timeout>> timeouts;
	std::vector<std::pair<virFreeCallback, void *>> frees;
	std::vector<std::function<void()>> posted;
};

Bridge &bridge()
{
	static Bridge *b = new Bridge; // never destroyed: libvirt may call in during exit
	return *b;
}

void wake()
{
	const uint64_t one = 1;
	while (write(bridge().wake_fd, &one, sizeof one) < 0 && errno == EINTR) {
	}
}

uint32_t wl_mask(int events)
{
	return ((events & VIR_EVENT_HANDLE_READABLE) ? WL_EVENT_READABLE : 0) |
		((events & VIR_EVENT_HANDLE_WRITABLE) ? WL_EVENT_WRITABLE : 0);
}

int vir_events(uint32_t mask)
{
	return ((mask & WL_EVENT_READABLE) ? VIR_EVENT_HANDLE_READABLE : 0) |
		((mask & WL_EVENT_WRITABLE) ? VIR_EVENT_HANDLE_WRITABLE : 0) |
		((mask & WL_EVENT_HANGUP) ? VIR_EVENT_HANDLE_HANGUP : 0) |
		((mask & WL_EVENT_ERROR) ? VIR_EVENT_HANDLE_ERROR : 0);
}

int dispatch_handle(int fd, uint32_t mask, void *data)
{
	Bridge &b = bridge();
	auto *h = static_cast<Handle *>(data);
	std::unique_lock lock(b.mutex);
	if (h->removed || h->events == 0)
		return 0;
	const auto [id, cb, opaque] = std::tuple(h->id, h->cb, h->opaque);
	lock.unlock();
	// h may be freed from here on: the callback may remove its own handle.
	cb(id, fd, vir_events(mask), opaque);
	return 0;
}

int dispatch_timeout(void *data)
{
	Bridge &b = bridge();
	auto *t = static_cast<Timeout *>(data);
	std::unique_lock lock(b.mutex);
	if (t->removed || t->interval <= 0 || t->changed)
		return 0; // the next sync re-arms or drops it
	wl_event_source_timer_update(t->source, t->interval); // wl timers fire once
	const auto [id, cb, opaque] = std::tuple(t->id, t->cb, t->opaque);
	lock.unlock();
	cb(id, opaque);
	return 0;
}

// Makes the wl sources match the tables. Loop thread only.
void sync()
{
	Bridge &b = bridge();
	std::lock_guard lock(b.mutex);
	if (!b.loop)
		return;
	bool again = !b.frees.empty() || !b.posted.empty();
	for (auto it = b.handles.begin(); it != b.handles.end();) {
		Handle &h = *it->second;
		const bool wanted = !h.removed && h.events != 0;
		if (h.source && !wanted) {
			wl_event_source_remove(h.source);
			h.source = nullptr;
		} else if (h.source && h.armed != wl_mask(h.events)) {
			wl_event_source_fd_update(h.source, wl_mask(h.events));
		} else if (!h.source && wanted) {
			h.source = wl_event_loop_add_fd(b.loop, h.fd, wl_mask(h.events), dispatch_handle, &h);
		}
		h.armed = wl_mask(h.events);
		if (h.removed) {
			if (h.ff)
				b.frees.emplace_back(h.ff, h.opaque);
			again = true;
			it = b.handles.erase(it);
		} else {
			++it;
		}
	}
	for (auto it = b.timeouts.begin(); it != b.timeouts.end();) {
		Timeout &t = *it->second;
		if (!t.source && !t.removed)
			t.source = wl_event_loop_add_timer(b.loop, dispatch_timeout, &t);
		if (t.source && (t.changed || t.removed)) // 0 disarms; zero intervals run from the wake-up
			wl_event_source_timer_update(t.source, t.removed ? 0 : std::max(t.interval, 0));
		t.changed = false;
		again = again || (!t.removed && t.interval == 0);
		if (t.removed) {
			if (t.source)
				wl_event_source_remove(t.source);
			if (t.ff)
				b.frees.emplace_back(t.ff, t.opaque);
			it = b.timeouts.erase(it);
		} else {
			++it;
		}
	}
	if (again)
		wake();
}

// After a change: apply it now on the loop's thread, else wake the loop.
void changed()
{
	Bridge &b = bridge();
	bool here;
	{
		std::lock_guard lock(b.mutex);
		here = b.loop && b.loop_thread == std::this_thread::get_id();
	}
	if (here)
		sync();
	else
		wake();
}

void run_zero_timeouts()
{
	Bridge &b = bridge();
	std::vector<int> ids;
	{
		std::lock_guard lock(b.mutex);
		for (const auto &[id, t] : b.timeouts)
			if (!t->removed && t->interval == 0)
				ids.push_back(id);
	}
	for (int id : ids) {
		std::unique_lock lock(b.mutex);
		const auto it = b.timeouts.find(id); // an earlier callback may have removed or changed it
		if (it == b.timeouts.end() || it->second->removed || it->second->interval != 0)
			continue;
		const auto [cb, opaque] = std::pair(it->second->cb, it->second->opaque);
		lock.unlock();
		cb(id, opaque);
	}
}

int handle_wake(int fd, uint32_t mask, void *data)
{
	Bridge &b = bridge();
	uint64_t count;
	while (read(fd, &count, sizeof count) < 0 && errno == EINTR) {
	}
	sync();
	std::vector<std::pair<virFreeCallback, void *>> frees;
	std::vector<std::function<void()>> posted;
	{
		std::lock_guard lock(b.mutex);
		frees.swap(b.frees);
		posted.swap(b.posted);
	}
	for (const auto &[ff, opaque] : frees)
		ff(opaque);
	for (const auto &fn : posted)
		fn();
	run_zero_timeouts();
	sync(); // re-wakes while zero-interval timeouts remain
	return 0;
}

// The table operations behind libvirt's six functions, for handles and timeouts alike.
template <typename Entry>
int add(std::map<int, std::unique_ptr<Entry>> Bridge::*table, Entry entry)
{
	Bridge &b = bridge();
	{
		std::lock_guard lock(b.mutex);
		entry.id = b.next_id++;
		(b.*table).emplace(entry.id, std::make_unique<Entry>(entry));
	}
	changed();
	return entry.id;
}

// Applies change to a live entry; false when id names none.
template <typename Entry, typename Change>
bool modify(std::map<int, std::unique_ptr<Entry>> Bridge::*table, int id, Change change)
{
	Bridge &b = bridge();
	{
		std::lock_guard lock(b.mutex);
		const auto it = (b.*table).find(id);
		if (it == (b.*table).end() || it->second->removed)
			return false;
		change(*it->second);
	}
	changed();
	return true;
}

int add_handle(int fd, int events, virEventHandleCallback cb, void *opaque, virFreeCallback ff)
{
	return add(&Bridge::handles, Handle{0, fd, events, cb, opaque, ff});
}

void update_handle(int id, int events)
{
	modify(&Bridge::handles, id, [events](Handle &h) { h.events = events; });
}

int remove_handle(int id)
{
	return modify(&Bridge::handles, id, [](Handle &h) { h.removed = true; }) ? 0 : -1;
}

int add_timeout(int interval, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff)
{
	return add(&Bridge::timeouts, Timeout{0, interval, cb, opaque, ff});
}

void update_timeout(int id, int interval)
{
	modify(&Bridge::timeouts, id, [interval](Timeout &t) {
		t.interval = interval;
		t.changed = true;
	});
}

int remove_timeout(int id)
{
	return modify(&Bridge::timeouts, id, [](Timeout &t) { t.removed = true; }) ? 0 : -1;
}

} // namespace

void EventLoopBridge::attach(wl_event_loop *loop)
{
	static std::once_flag registered;
	std::call_once(registered, [] {
		bridge().wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (bridge().wake_fd < 0)
			throw std::system_error(errno, std::generic_category(), "eventfd");
		virEventRegisterImpl(add_handle, update_handle, remove_handle, add_timeout, update_timeout, remove_timeout);
	});
	Bridge &b = bridge();
	{
		std::lock_guard lock(b.mutex);
		if (b.loop)
			throw std::logic_error("EventLoopBridge: a wl_event_loop is already attached");
		b.loop = loop;
		b.loop_thread = std::this_thread::get_id();
		b.wake_source = wl_event_loop_add_fd(loop, b.wake_fd, WL_EVENT_READABLE, handle_wake, nullptr);
		for (auto &[id, t] : b.timeouts)
			t->changed = true;
	}
	sync();
	wake(); // run what accumulated while detached
}

void EventLoopBridge::detach()
{
	Bridge &b = bridge();
	std::lock_guard lock(b.mutex);
	if (!b.loop)
		return;
	for (auto &[id, h] : b.handles)
		if (h->source) {
			wl_event_source_remove(h->source);
			h->source = nullptr;
		}
	for (auto &[id, t] : b.timeouts)
		if (t->source) {
			wl_event_source_remove(t->source);
			t->source = nullptr;
		}
	wl_event_source_remove(b.wake_source);
	b.wake_source = nullptr;
	b.loop = nullptr;
}

void EventLoopBridge::post(std::function<void()> fn)
{
	Bridge &b = bridge();
	{
		std::lock_guard lock(b.mutex);
		b.posted.push_back(std::move(fn));
	}
	wake();
}

} // namespace bulkhead::vm
