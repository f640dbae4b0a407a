#include "desktop/frame.hpp"

#include "compat.hpp"
#include "desktop/title_buffer.hpp"

namespace bulkhead {

Frame::Frame(wlr_scene_tree *parent, const Theme &theme, const LabelStyle &style)
	: theme_(theme), style_(style), metrics_{theme.border_width, theme.title_height},
	  tree_(compat::scene_tree_create(parent))
{
	for (auto &rect : borders_)
		rect = compat::scene_rect_create(tree_, 0, 0, colours().border);
	title_background_ = compat::scene_rect_create(tree_, 0, 0, colours().title_background);
}

Frame::~Frame()
{
	wlr_scene_node_destroy(compat::node(tree_));
}

void Frame::set_content_size(int width, int height)
{
	if (width == width_ && height == height_)
		return;
	width_ = width;
	height_ = height;
	const int b = metrics_.border, t = metrics_.title;
	const int outer_w = width + 2 * b, outer_h = height + t + 2 * b;

	wlr_scene_rect_set_size(borders_[0], outer_w, b);
	wlr_scene_node_set_position(&borders_[0]->node, 0, 0);
	wlr_scene_rect_set_size(borders_[1], outer_w, b);
	wlr_scene_node_set_position(&borders_[1]->node, 0, outer_h - b);
	wlr_scene_rect_set_size(borders_[2], b, outer_h - 2 * b);
	wlr_scene_node_set_position(&borders_[2]->node, 0, b);
	wlr_scene_rect_set_size(borders_[3], b, outer_h - 2 * b);
	wlr_scene_node_set_position(&borders_[3]->node, outer_w - b, b);

	wlr_scene_rect_set_size(title_background_, width, t);
	wlr_scene_node_set_position(&title_background_->node, b, b);
	update_text();
}

void Frame::set_focused(bool focused)
{
	if (focused == focused_)
		return;
	focused_ = focused;
	update_colours();
	update_text();
}

bool Frame::set_title(const std::string &text)
{
	if (text == title_)
		return false;
	title_ = text;
	update_text();
	return true;
}

void Frame::set_scale(float scale)
{
	if (scale == scale_ || scale <= 0)
		return;
	scale_ = scale;
	update_text();
}

void Frame::update_colours()
{
	for (auto *rect : borders_)
		compat::scene_rect_set_colour(rect, colours().border);
	compat::scene_rect_set_colour(title_background_, colours().title_background);
}

void Frame::update_text()
{
	if (title_text_) {
		wlr_scene_node_destroy(&title_text_->node);
		title_text_ = nullptr;
	}
	wlr_buffer *buffer = render_title(title_, theme_.font, colours().title_text, width_,
		metrics_.title, scale_);
	if (!buffer)
		return;
	title_text_ = compat::scene_buffer_create(tree_, buffer);
	wlr_buffer_drop(buffer); // the scene node holds its own lock
	wlr_scene_buffer_set_dest_size(title_text_, width_, metrics_.title);
	wlr_scene_node_set_position(&title_text_->node, metrics_.border, metrics_.border);
}

} // namespace bulkhead
