#pragma once
// What stands where a disposable's window will be while the disposable
// starts: a trusted frame in its label colour with "[dispN] what", a moving
// progress bar, and, if the start fails, the reason instead of nothing.
#include "wlr.hpp"

#include <functional>
#include <memory>
#include <string>

namespace bulkhead {

class Frame;
class Server;

class Placeholder {
public:
	// expired is called (and may delete this) a few seconds after fail().
	Placeholder(Server &server, const std::string &domain, const std::string &label, const std::string &what,
		std::function<void(Placeholder *)> expired);
	~Placeholder();
	Placeholder(const Placeholder &) = delete;
	Placeholder &operator=(const Placeholder &) = delete;

	// Stops the progress bar and shows two lines instead (a question to the user).
	void show_message(const std::string &line1, const std::string &line2);
	// Shows why the start failed; expired follows a few seconds later.
	void fail(const std::string &reason);
	bool failed() const { return failed_; }

private:
	// Replaces old (if any) with one line of text at y in the body.
	wlr_scene_buffer *set_text(wlr_scene_buffer *old, const std::string &text, int y);
	static int handle_tick(void *data);

	Server &server_;
	std::string domain_;
	std::function<void(Placeholder *)> expired_;
	wlr_scene_tree *tree_;
	std::unique_ptr<Frame> frame_;
	wlr_scene_rect *body_, *track_, *bar_;
	wlr_scene_buffer *text_ = nullptr, *detail_ = nullptr;
	wl_event_source *timer_;
	int step_ = 0;
	bool failed_ = false;
};

} // namespace bulkhead
