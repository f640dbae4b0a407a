#pragma once
// A short message drawn by the compositor on the overlay layer, over every
// window, in a label's colours (or the host's), gone after a few seconds. No
// client can draw on the overlay layer, so a notice is always the
// compositor's own word. A new notice replaces the one showing.
#include "wlr.hpp"

#include <string>

namespace bulkhead {

class Server;

class Notice {
public:
	explicit Notice(Server &server);
	~Notice();
	Notice(const Notice &) = delete;
	Notice &operator=(const Notice &) = delete;

	// `label`: a label of the theme, or "dom0" (or unknown) for the host's colours.
	void show(const std::string &text, const std::string &label);
	void hide();
	bool showing() const { return tree_ != nullptr; }

	static constexpr int width = 560, height = 40, top_margin = 48, frame = 3, duration_ms = 3000;

private:
	static int handle_timeout(void *data);

	Server &server_;
	wlr_scene_tree *tree_ = nullptr;
	wl_event_source *timer_ = nullptr;
};

} // namespace bulkhead
