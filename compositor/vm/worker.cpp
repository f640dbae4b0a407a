#include "vm/worker.hpp"

namespace bulkhead::vm {

Worker::Worker() : thread_([this] { loop(); }) {}

Worker::~Worker()
{
	{
		std::lock_guard lock(mutex_);
		stopping_ = true;
	}
	wake_.notify_one();
	thread_.join();
}

void Worker::run(std::function<void()> job)
{
	{
		std::lock_guard lock(mutex_);
		jobs_.push_back(std::move(job));
	}
	wake_.notify_one();
}

void Worker::loop()
{
	std::unique_lock lock(mutex_);
	while (true) {
		wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
		if (jobs_.empty())
			return;
		std::function<void()> job = std::move(jobs_.front());
		jobs_.pop_front();
		lock.unlock();
		job();
		lock.lock();
	}
}

} // namespace bulkhead::vm
