#pragma once
#include "listener.hpp"
#include "wlr.hpp"

namespace bulkhead {

class Server;

// One monitor: applies its config, paints the background, renders the scene
// each frame.
class Output {
public:
	Output(Server &server, wlr_output *output);
	~Output();

	wlr_output *wlr() const { return output_; }
	wlr_box layout_box() const;

private:
	void handle_frame();
	void handle_mode();
	void handle_destroy();
	void update_background();

	Server &server_;
	wlr_output *output_;
	wlr_scene_output *scene_output_ = nullptr;
	wlr_scene_rect *background_ = nullptr;
	Listener frame_, mode_, destroy_;
};

} // namespace bulkhead
