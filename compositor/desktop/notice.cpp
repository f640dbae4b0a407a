#include "desktop/notice.hpp"

#include "compat.hpp"
#include "desktop/title_buffer.hpp"
#include "input/seat.hpp"
#include "server.hpp"

#include <algorithm>

namespace bulkhead {

Notice::Notice(Server &server) : server_(server)
{
	timer_ = wl_event_loop_add_timer(server_.event_loop(), &Notice::handle_timeout, this);
}

Notice::~Notice()
{
	hide();
	if (timer_)
		wl_event_source_remove(timer_);
}

void Notice::hide()
{
	if (tree_)
		wlr_scene_node_destroy(compat::node(tree_));
	tree_ = nullptr;
}

void Notice::show(const std::string &text, const std::string &label)
{
	hide();
	const Theme &theme = server_.config().theme;
	const LabelStyle *style = theme.label(label);
	const FrameColours &colours = (style ? *style : theme.dom0).focused;

	// Top centre of the output the pointer is on, where the user is looking.
	wlr_cursor *cursor = server_.seat().cursor();
	const wlr_box area = server_.usable_area_at(cursor->x, cursor->y);
	const int w = std::min(width, area.width - 2 * frame);
	wlr_output *output = wlr_output_layout_output_at(server_.output_layout(), cursor->x, cursor->y);
	const float scale = output ? output->scale : 1.0f;

	tree_ = compat::scene_tree_create(server_.overlay_layer());
	wlr_scene_node_set_position(compat::node(tree_), area.x + (area.width - w) / 2, area.y + top_margin);
	compat::scene_rect_create(tree_, w, height, colours.border);
	wlr_scene_rect *inside = compat::scene_rect_create(tree_, w - 2 * frame, height - 2 * frame, colours.title_background);
	wlr_scene_node_set_position(&inside->node, frame, frame);
	if (wlr_buffer *buffer = render_title(text, theme.font, colours.title_text, w - 2 * frame, height - 2 * frame,
		    scale, true)) {
		wlr_scene_buffer *shown = compat::scene_buffer_create(tree_, buffer);
		wlr_buffer_drop(buffer);
		wlr_scene_buffer_set_dest_size(shown, w - 2 * frame, height - 2 * frame);
		wlr_scene_node_set_position(&shown->node, frame, frame);
	}
	wl_event_source_timer_update(timer_, duration_ms);
}

int Notice::handle_timeout(void *data)
{
	static_cast<Notice *>(data)->hide();
	return 0;
}

} // namespace bulkhead
