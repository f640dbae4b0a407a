#include "desktop/placeholder.hpp"

#include "compat.hpp"
#include "desktop/frame.hpp"
#include "desktop/title_buffer.hpp"
#include "server.hpp"
#include "wire/codec.hpp"

namespace bulkhead {
namespace {

constexpr int width = 420, height = 96;
constexpr int bar_width = 96, track_y = 56, track_h = 8, margin = 24;
constexpr int tick_ms = 50, linger_ms = 8000;

const Colour body_colour{0.13f, 0.13f, 0.13f, 1.0f};
const Colour track_colour{0.25f, 0.25f, 0.25f, 1.0f};
const Colour text_colour{0.92f, 0.92f, 0.92f, 1.0f};

} // namespace

Placeholder::Placeholder(Server &server, const std::string &domain, const std::string &label, const std::string &what,
	std::function<void(Placeholder *)> expired)
	: server_(server), domain_(domain), expired_(std::move(expired)), tree_(compat::scene_tree_create(server.view_layer()))
{
	const Theme &theme = server.config().theme;
	const LabelStyle *style = theme.label(label);
	frame_ = std::make_unique<Frame>(tree_, theme, style ? *style : theme.dom0);
	frame_->set_content_size(width, height);
	frame_->set_title("[" + domain + "] " + wire::clean_text(what, wire::limit::title_bytes));
	const int x0 = theme.border_width, y0 = theme.border_width + theme.title_height;
	body_ = compat::scene_rect_create(tree_, width, height, body_colour);
	wlr_scene_node_set_position(&body_->node, x0, y0);
	track_ = compat::scene_rect_create(tree_, width - 2 * margin, track_h, track_colour);
	wlr_scene_node_set_position(&track_->node, x0 + margin, y0 + track_y);
	bar_ = compat::scene_rect_create(tree_, bar_width, track_h, style ? style->focused.border : theme.dom0.focused.border);
	wlr_scene_node_set_position(&bar_->node, x0 + margin, y0 + track_y);
	text_ = set_text(nullptr, "Starting a disposable VM...", 14);

	const wlr_box area = server.usable_area_at(0, 0);
	const int outer_w = width + 2 * theme.border_width, outer_h = height + theme.title_height + 2 * theme.border_width;
	wlr_scene_node_set_position(compat::node(tree_), area.x + (area.width - outer_w) / 2,
		area.y + (area.height - outer_h) / 3);
	timer_ = wl_event_loop_add_timer(server.event_loop(), &Placeholder::handle_tick, this);
	wl_event_source_timer_update(timer_, tick_ms);
	wlr_log(WLR_INFO, "placeholder %s: shown", domain_.c_str());
}

Placeholder::~Placeholder()
{
	wl_event_source_remove(timer_);
	frame_.reset();
	wlr_scene_node_destroy(compat::node(tree_));
}

wlr_scene_buffer *Placeholder::set_text(wlr_scene_buffer *old, const std::string &text, int y)
{
	if (old)
		wlr_scene_node_destroy(&old->node);
	const Theme &theme = server_.config().theme;
	wlr_buffer *buffer = render_title(text, theme.font, text_colour, width - 2 * margin, 28, 1.0f);
	if (!buffer)
		return nullptr;
	wlr_scene_buffer *node = compat::scene_buffer_create(tree_, buffer);
	wlr_buffer_drop(buffer);
	wlr_scene_node_set_position(&node->node, theme.border_width + margin, theme.border_width + theme.title_height + y);
	return node;
}

int Placeholder::handle_tick(void *data)
{
	auto *self = static_cast<Placeholder *>(data);
	if (self->failed_) {
		self->expired_(self);
		return 0;
	}
	const int travel = width - 2 * margin - bar_width;
	self->step_ = (self->step_ + 8) % (2 * travel);
	const int offset = self->step_ < travel ? self->step_ : 2 * travel - self->step_;
	const Theme &theme = self->server_.config().theme;
	wlr_scene_node_set_position(&self->bar_->node, theme.border_width + margin + offset,
		theme.border_width + theme.title_height + track_y);
	wl_event_source_timer_update(self->timer_, tick_ms);
	return 0;
}

void Placeholder::show_message(const std::string &line1, const std::string &line2)
{
	wl_event_source_timer_update(timer_, 0);
	wlr_scene_node_set_enabled(&bar_->node, false);
	wlr_scene_node_set_enabled(&track_->node, false);
	text_ = set_text(text_, line1, 14);
	detail_ = set_text(detail_, line2, 46);
}

void Placeholder::fail(const std::string &reason)
{
	const std::string clean = wire::clean_text(reason, 200);
	show_message("Could not start:", clean);
	failed_ = true;
	wl_event_source_timer_update(timer_, linger_ms);
	wlr_log(WLR_ERROR, "placeholder %s: the start failed: %s", domain_.c_str(), clean.c_str());
}

} // namespace bulkhead
