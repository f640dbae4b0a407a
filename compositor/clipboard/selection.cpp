#include "clipboard/selection.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace bulkhead {
namespace {

constexpr const char *text_types[] = {"text/plain;charset=utf-8", "text/plain", "UTF8_STRING", "TEXT", "STRING"};

// Writes one copy of the data to one reader, as fast as the reader takes it.
// A reader that stops reading is dropped after a while, so it cannot pin memory.
class Feeder {
public:
	static void start(wl_event_loop *loop, std::shared_ptr<const std::string> data, int fd)
	{
		auto *f = new Feeder(std::move(data), fd);
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		f->source_ = wl_event_loop_add_fd(loop, fd, WL_EVENT_WRITABLE, &Feeder::handle_writable, f);
		f->timer_ = wl_event_loop_add_timer(loop, &Feeder::handle_timeout, f);
		if (!f->source_ || !f->timer_) {
			delete f;
			return;
		}
		wl_event_source_timer_update(f->timer_, 10000);
	}

private:
	Feeder(std::shared_ptr<const std::string> data, int fd) : data_(std::move(data)), fd_(fd) {}
	~Feeder()
	{
		if (source_)
			wl_event_source_remove(source_);
		if (timer_)
			wl_event_source_remove(timer_);
		close(fd_);
	}

	static int handle_writable(int, uint32_t mask, void *p)
	{
		auto *f = static_cast<Feeder *>(p);
		while (f->written_ < f->data_->size()) {
			const ssize_t n = write(f->fd_, f->data_->data() + f->written_, f->data_->size() - f->written_);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN && !(mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR)))
				return 0;
			if (n <= 0)
				break;
			f->written_ += static_cast<std::size_t>(n);
		}
		delete f;
		return 0;
	}

	static int handle_timeout(void *p)
	{
		delete static_cast<Feeder *>(p);
		return 0;
	}

	std::shared_ptr<const std::string> data_;
	int fd_;
	std::size_t written_ = 0;
	wl_event_source *source_ = nullptr, *timer_ = nullptr;
};

struct TextSource {
	wlr_data_source base; // first: the impl gets &base
	wl_event_loop *loop;
	std::shared_ptr<const std::string> data;
};

void text_source_send(wlr_data_source *source, const char *, int32_t fd)
{
	auto *s = reinterpret_cast<TextSource *>(source);
	Feeder::start(s->loop, s->data, fd);
}

void text_source_destroy(wlr_data_source *source)
{
	delete reinterpret_cast<TextSource *>(source);
}

const wlr_data_source_impl text_source_impl = {
	.send = text_source_send,
	.accept = nullptr,
	.destroy = text_source_destroy,
	.dnd_drop = nullptr,
	.dnd_finish = nullptr,
	.dnd_action = nullptr,
};

} // namespace

const char *selection_text_mime_type(wlr_data_source *source)
{
	if (!source)
		return nullptr;
	const auto *types = static_cast<char *const *>(source->mime_types.data);
	const std::size_t count = source->mime_types.size / sizeof(char *);
	for (const char *wanted : text_types)
		for (std::size_t i = 0; i < count; ++i)
			if (std::strcmp(types[i], wanted) == 0)
				return wanted;
	return nullptr;
}

wlr_data_source *create_text_source(wl_event_loop *loop, std::string data)
{
	auto *s = new TextSource{};
	wlr_data_source_init(&s->base, &text_source_impl);
	s->loop = loop;
	s->data = std::make_shared<const std::string>(std::move(data));
	for (const char *type : text_types) {
		char **slot = static_cast<char **>(wl_array_add(&s->base.mime_types, sizeof(char *)));
		*slot = strdup(type); // wlr_data_source_destroy frees them
	}
	return &s->base;
}

SelectionReader::SelectionReader(wl_event_loop *loop, wlr_data_source *source, std::size_t max_bytes, Done done,
	std::chrono::milliseconds timeout)
	: max_bytes_(max_bytes), done_(std::move(done))
{
	const char *type = selection_text_mime_type(source);
	int fds[2];
	if (!type || pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
		idle_ = wl_event_loop_add_idle(loop, [](void *p) {
			auto *self = static_cast<SelectionReader *>(p);
			self->idle_ = nullptr;
			self->finish(Status::NoText);
		}, this);
		return;
	}
	fd_ = fds[0];
	wlr_data_source_send(source, type, fds[1]); // the source closes the write end
	fd_source_ = wl_event_loop_add_fd(loop, fd_, WL_EVENT_READABLE, &SelectionReader::handle_readable, this);
	timer_ = wl_event_loop_add_timer(loop, &SelectionReader::handle_timeout, this);
	wl_event_source_timer_update(timer_, static_cast<int>(timeout.count()));
}

SelectionReader::~SelectionReader()
{
	stop();
	if (idle_)
		wl_event_source_remove(idle_);
}

void SelectionReader::stop()
{
	if (fd_source_)
		wl_event_source_remove(fd_source_);
	if (timer_)
		wl_event_source_remove(timer_);
	if (fd_ >= 0)
		close(fd_);
	fd_source_ = timer_ = nullptr;
	fd_ = -1;
}

void SelectionReader::finish(Status status)
{
	stop();
	Done done = std::move(done_);
	done_ = nullptr;
	if (done)
		done(status, status == Status::Ok ? std::move(data_) : std::string());
	// `this` may be gone now: done() may destroy the reader.
}

int SelectionReader::handle_readable(int, uint32_t, void *p)
{
	auto *self = static_cast<SelectionReader *>(p);
	char buf[16384];
	for (;;) {
		const ssize_t n = read(self->fd_, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0) {
			self->finish(Status::Failed);
			return 0;
		}
		if (n == 0) {
			self->finish(Status::Ok);
			return 0;
		}
		if (self->data_.size() + static_cast<std::size_t>(n) > self->max_bytes_) {
			self->finish(Status::TooLarge);
			return 0;
		}
		self->data_.append(buf, static_cast<std::size_t>(n));
	}
}

int SelectionReader::handle_timeout(void *p)
{
	static_cast<SelectionReader *>(p)->finish(Status::Failed);
	return 0;
}

} // namespace bulkhead
