#include "desktop/frame.hpp"

#include "compat.hpp"
#include "desktop/title_buffer.hpp"

#include <algorithm>

namespace bulkhead {
namespace {

// Most of the way to the grey of the same lightness (sRGB luma).
Colour greyed_colour(const Colour &c)
{
	const float y = 0.299f * c.r + 0.587f * c.g + 0.114f * c.b;
	return c.mixed_with(Colour{y, y, y, c.a}, 0.8f);
}

FrameColours greyed_colours(const FrameColours &c)
{
	return {greyed_colour(c.border), greyed_colour(c.title_background), greyed_colour(c.title_text)};
}

} // namespace

Frame::Frame(wlr_scene_tree *parent, const Theme &theme, const LabelStyle &style)
	: theme_(theme), label_(style), style_(style), metrics_{theme.border_width, theme.title_height},
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
	layout();
}

void Frame::set_fullscreen(bool on)
{
	metrics_.border = on ? 0 : theme_.border_width;
	layout();
}

void Frame::set_urgent(bool on)
{
	if (on == urgent_)
		return;
	urgent_ = on;
	for (std::size_t i = 0; i < urgent_marks_.size(); ++i) {
		if (urgent_marks_[i])
			wlr_scene_node_destroy(&urgent_marks_[i]->node);
		const Colour &colour = i < 4 ? style_.focused.border : style_.focused.title_text;
		urgent_marks_[i] = on ? compat::scene_rect_create(tree_, 0, 0, colour) : nullptr;
	}
	layout();
}

void Frame::set_greyed(bool on)
{
	if (on == greyed_)
		return;
	greyed_ = on;
	style_ = on ? LabelStyle{greyed_colours(label_.focused), greyed_colours(label_.unfocused)} : label_;
	update_colours();
	update_text();
	// The urgent marks take the shown colours too.
	if (urgent_) {
		set_urgent(false);
		set_urgent(true);
	}
}

void Frame::layout()
{
	const int width = width_, height = height_;
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
	if (urgent_) {
		// Drawn over the content's edge, so an urgent window's frame is thicker
		// than any other without moving its content or touching the title.
		const int u = std::max(1, std::min({theme_.urgent_width, width / 4, height / 4}));
		const int line = std::max(1, u / 3);
		const Rect c{b, b + t, width, height};
		const Rect in{c.x + u, c.y + u, c.width - 2 * u, c.height - 2 * u};
		const std::array<Rect, 8> bands = {
			Rect{c.x, c.y, c.width, u}, Rect{c.x, c.y + c.height - u, c.width, u}, Rect{c.x, c.y, u, c.height},
			Rect{c.x + c.width - u, c.y, u, c.height},
			Rect{in.x, in.y, in.width, line}, Rect{in.x, in.y + in.height - line, in.width, line},
			Rect{in.x, in.y, line, in.height}, Rect{in.x + in.width - line, in.y, line, in.height}};
		for (std::size_t i = 0; i < bands.size(); ++i) {
			wlr_scene_rect_set_size(urgent_marks_[i], std::max(0, bands[i].width), std::max(0, bands[i].height));
			wlr_scene_node_set_position(&urgent_marks_[i]->node, bands[i].x, bands[i].y);
		}
	}
	update_text();
	for (auto *mark : urgent_marks_)
		if (mark)
			wlr_scene_node_raise_to_top(&mark->node);
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

void Frame::set_xray(bool on, const std::string &domain)
{
	if (xray_tint_) {
		wlr_scene_node_destroy(&xray_tint_->node);
		xray_tint_ = nullptr;
	}
	if (xray_name_) {
		wlr_scene_node_destroy(&xray_name_->node);
		xray_name_ = nullptr;
	}
	if (!on || width_ <= 0 || height_ <= 0)
		return;
	const int x = metrics_.border, y = metrics_.border + metrics_.title;
	// The label's own colour even while greyed: x-ray says whose window it is.
	Colour tint = label_.focused.border;
	tint.a = 0.55f;
	xray_tint_ = compat::scene_rect_create(tree_, width_, height_, tint);
	wlr_scene_node_set_position(&xray_tint_->node, x, y);
	const int size = std::clamp(height_ / 6, 12, 96);
	const int text_h = std::min(height_, size * 2);
	if (wlr_buffer *buffer = render_title(domain, "DejaVu Sans Bold " + std::to_string(size * 3 / 4) + "px",
		    label_.focused.title_text, width_, text_h, scale_, true)) {
		xray_name_ = compat::scene_buffer_create(tree_, buffer);
		wlr_buffer_drop(buffer);
		wlr_scene_buffer_set_dest_size(xray_name_, width_, text_h);
		wlr_scene_node_set_position(&xray_name_->node, x, y + (height_ - text_h) / 2);
	}
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
