#include "output.hpp"

#include "compat.hpp"
#include "server.hpp"

#include <ctime>

namespace bulkhead {

Output::Output(Server &server, wlr_output *output) : server_(server), output_(output)
{
	wlr_output_init_render(output_, server_.allocator(), server_.renderer());

	const OutputConfig *cfg = nullptr;
	for (const auto &oc : server_.config().outputs)
		if (oc.name == output_->name)
			cfg = &oc;

	bool enabled = cfg ? cfg->enabled : true;
	int w = 0, h = 0, refresh = 0;
	double scale = 1.0;
	if (cfg) {
		w = cfg->width.value_or(0);
		h = cfg->height.value_or(0);
		refresh = cfg->refresh_mhz.value_or(0);
		scale = cfg->scale;
	}
	if (!compat::output_apply(output_, enabled, w, h, refresh, scale))
		wlr_log(WLR_ERROR, "output %s: the backend refused the configured mode %dx%d; "
			"keeping the preferred mode", output_->name, w, h);
	if (!enabled)
		return;

	if (cfg && cfg->x && cfg->y)
		wlr_output_layout_add(server_.output_layout(), output_, *cfg->x, *cfg->y);
	else
		wlr_output_layout_add_auto(server_.output_layout(), output_);

	scene_output_ = wlr_scene_output_create(server_.scene(), output_);
	background_ = compat::scene_rect_create(server_.background_layer(), 0, 0,
		server_.config().theme.background);
	update_background();

	frame_.connect(&output_->events.frame, [this](void *) { handle_frame(); });
	mode_.connect(&output_->events.mode, [this](void *) { handle_mode(); });
	destroy_.connect(&output_->events.destroy, [this](void *) { handle_destroy(); });

	wlr_log(WLR_INFO, "output %s enabled: %dx%d scale %.2f", output_->name,
		output_->width, output_->height, output_->scale);
}

Output::~Output()
{
	if (background_)
		wlr_scene_node_destroy(&background_->node);
	if (scene_output_)
		wlr_scene_output_destroy(scene_output_);
}

wlr_box Output::layout_box() const
{
	return compat::output_layout_box(server_.output_layout(), output_);
}

void Output::update_background()
{
	const wlr_box box = layout_box();
	wlr_scene_node_set_position(&background_->node, box.x, box.y);
	wlr_scene_rect_set_size(background_, box.width, box.height);
}

void Output::handle_frame()
{
	wlr_scene_output_commit(scene_output_);
	timespec now{};
	clock_gettime(CLOCK_MONOTONIC, &now);
	wlr_scene_output_send_frame_done(scene_output_, &now);
}

void Output::handle_mode()
{
	update_background();
}

void Output::handle_destroy()
{
	wlr_log(WLR_INFO, "output %s removed", output_->name);
	wlr_output_layout_remove(server_.output_layout(), output_);
	scene_output_ = nullptr; // destroyed by wlroots with the output
	auto &outputs = server_.outputs();
	outputs.remove_if([this](const auto &o) { return o.get() == this; });
}

} // namespace bulkhead
