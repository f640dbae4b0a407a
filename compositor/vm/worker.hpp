#pragma once
// One thread that runs slow libvirt calls in order, so the compositor's loop
// keeps drawing meanwhile. Measured under TCG (bench/run-disposable.sh):
// starting a disposable's QEMU blocks ~0.9 s and destroying it 1.9 s (0.25 s
// when the compositor reaps QEMU as a child subreaper, which it can only do
// while its loop runs). libvirt's API is thread-safe; jobs touch nothing but
// libvirt and their own copies, and hand results back with EventLoopBridge::post.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace bulkhead::vm {

class Worker {
public:
	Worker();
	// Runs the jobs still queued, then joins.
	~Worker();
	Worker(const Worker &) = delete;
	Worker &operator=(const Worker &) = delete;

	void run(std::function<void()> job);

private:
	void loop();

	std::mutex mutex_;
	std::condition_variable wake_;
	std::deque<std::function<void()>> jobs_;
	bool stopping_ = false;
	std::thread thread_;
};

} // namespace bulkhead::vm
