#include "desktop/view.hpp"

#include "compat.hpp"
#include "domains/disposables.hpp"
#include "domains/domain.hpp"
#include "input/seat.hpp"
#include "server.hpp"
#include "wire/codec.hpp"

#include <algorithm>

namespace bulkhead {
namespace {
uint32_t next_view_id = 1;
}

View::View(Server &server, wlr_xdg_toplevel *toplevel)
	: server_(server), toplevel_(toplevel), id_(next_view_id++),
	  tree_(compat::scene_tree_create(server.view_layer()))
{
	const Theme &theme = server_.config().theme;
	const LabelStyle *style = &theme.dom0;
	if (const Domain *domain = server_.domains().domain_of(client())) {
		domain_ = domain->name();
		if (const LabelStyle *label = theme.label(domain->label()))
			style = label;
	}
	content_tree_ = compat::scene_xdg_surface_create(tree_, toplevel_->base);
	// Popups find their parent's scene tree through the xdg_surface's data, and
	// pointer hit tests find the view through the tree's data.
	toplevel_->base->data = content_tree_;
	compat::node(tree_)->data = this;
	frame_ = std::make_unique<Frame>(tree_, theme, *style);
	wlr_scene_node_set_position(compat::node(content_tree_), theme.border_width,
		theme.border_width + theme.title_height);
	wlr_scene_node_set_enabled(compat::node(tree_), false);

	wlr_xdg_surface *base = toplevel_->base;
	map_.connect(compat::xdg_map_signal(base), [this](void *) { handle_map(); });
	unmap_.connect(compat::xdg_unmap_signal(base), [this](void *) { handle_unmap(); });
	commit_.connect(compat::xdg_commit_signal(base), [this](void *) { handle_commit(); });
	destroy_.connect(&base->events.destroy, [this](void *) { handle_destroy(); });
	request_move_.connect(&toplevel_->events.request_move, [this](void *d) { handle_request_move(d); });
	request_resize_.connect(&toplevel_->events.request_resize, [this](void *d) { handle_request_resize(d); });
	request_maximize_.connect(&toplevel_->events.request_maximize, [this](void *) { handle_request_maximize(); });
	request_fullscreen_.connect(&toplevel_->events.request_fullscreen, [this](void *) { handle_request_fullscreen(); });
	set_title_.connect(&toplevel_->events.set_title, [this](void *) { handle_set_title(); });
	const Domain *domain = server_.domains().domain_of(client());
	frame_->set_greyed(domain && !domain->responsive());
	update_title();
}

View::~View()
{
	frame_.reset();
	wlr_scene_node_destroy(compat::node(tree_));
}

wl_client *View::client() const
{
	return wl_resource_get_client(toplevel_->resource);
}

SizeLimits View::size_limits() const
{
	SizeLimits limits;
	const auto &state = toplevel_->current;
	limits.min_width = std::max<int>(1, static_cast<int>(state.min_width));
	limits.min_height = std::max<int>(1, static_cast<int>(state.min_height));
	limits.max_width = static_cast<int>(state.max_width);
	limits.max_height = static_cast<int>(state.max_height);
	return limits;
}

std::string View::describe() const
{
	const char *title = toplevel_->title ? toplevel_->title : "";
	return "id=" + std::to_string(id_) + " domain=" + domain_ + " title=\"" + wire::clean_text(title, wire::limit::title_bytes) + "\"";
}

static std::string rect_text(const Rect &r)
{
	return std::to_string(r.x) + "," + std::to_string(r.y) + "," + std::to_string(r.width) + "," +
		std::to_string(r.height);
}

void View::handle_map()
{
	wlr_box geometry{};
	wlr_xdg_surface_get_geometry(toplevel_->base, &geometry);
	width_ = geometry.width;
	height_ = geometry.height;
	frame_->set_content_size(width_, height_);
	if (fullscreen_)
		fill_output();
	else if (!placed_)
		place_initially();
	mapped_ = true;
	wlr_scene_node_set_enabled(compat::node(tree_), true);
	set_xray(server_.xray());
	wlr_log(WLR_INFO, "view map %s outer=%s content=%s", describe().c_str(),
		rect_text(outer()).c_str(), rect_text(content()).c_str());
	server_.seat().handle_view_mapped(this);
	server_.disposables().handle_view_mapped(*this);
}

void View::handle_unmap()
{
	mapped_ = false;
	wlr_scene_node_set_enabled(compat::node(tree_), false);
	wlr_log(WLR_INFO, "view unmap id=%u", id_);
	server_.seat().handle_view_unmapped(this);
	server_.disposables().handle_view_unmapped(*this);
}

void View::handle_destroy()
{
	wlr_log(WLR_DEBUG, "view destroy id=%u", id_);
	server_.seat().handle_view_destroyed(this);
	server_.remove_view(this); // deletes this
}

void View::place_initially()
{
	placed_ = true;
	const wlr_box area = server_.usable_area_at(0, 0);
	const Rect area_rect{area.x, area.y, area.width, area.height};
	std::vector<Rect> others;
	for (const auto &view : server_.views())
		if (view.get() != this && view->mapped())
			others.push_back(view->outer());
	const Rect size = frame_->metrics().outer({0, 0, width_, height_});
	const Point p = place_window(area_rect, size, others, static_cast<int>(others.size()));
	move_to(p.x, p.y);
}

void View::handle_commit()
{
	wlr_box geometry{};
	wlr_xdg_surface_get_geometry(toplevel_->base, &geometry);
	// Client-side shadows and the like sit outside the window geometry.
	wlr_scene_node_set_position(compat::node(content_tree_),
		frame_->metrics().border - geometry.x,
		frame_->metrics().border + frame_->metrics().title - geometry.y);
	if (!mapped_ || (geometry.width == width_ && geometry.height == height_))
		return;

	width_ = geometry.width;
	height_ = geometry.height;
	frame_->set_content_size(width_, height_);
	set_xray(server_.xray());
	if (resize_edges_ & (EdgeLeft | EdgeTop)) {
		const FrameMetrics &m = frame_->metrics();
		int x = x_, y = y_;
		if (resize_edges_ & EdgeLeft)
			x = resize_anchor_x_ - width_ - m.border;
		if (resize_edges_ & EdgeTop)
			y = resize_anchor_y_ - height_ - m.title - m.border;
		x_ = x;
		y_ = y;
		wlr_scene_node_set_position(compat::node(tree_), x_, y_);
	}
	wlr_log(WLR_INFO, "view resize id=%u outer=%s content=%s", id_, rect_text(outer()).c_str(),
		rect_text(content()).c_str());
}

void View::move_to(int outer_x, int outer_y)
{
	if (fullscreen_)
		return; // it fills its output until it leaves full screen
	const Rect frame = frame_->metrics().outer({0, 0, width_, height_});
	const wlr_box area = server_.usable_area_at(outer_x + frame.width / 2.0, outer_y + frame.height / 2.0);
	const Point p = clamp_frame_position({outer_x, outer_y, frame.width, frame.height},
		{area.x, area.y, area.width, area.height}, frame_->metrics().border + frame_->metrics().title,
		64);
	x_ = p.x;
	y_ = p.y;
	wlr_scene_node_set_position(compat::node(tree_), x_, y_);
}

void View::request_size(int width, int height)
{
	compat::toplevel_set_size(toplevel_, std::max(1, width), std::max(1, height));
}

void View::begin_resize(uint32_t edges)
{
	resize_edges_ = edges;
	const Rect c = content();
	resize_anchor_x_ = c.x + c.width;
	resize_anchor_y_ = c.y + c.height;
	compat::toplevel_set_resizing(toplevel_, true);
}

void View::end_resize()
{
	resize_edges_ = EdgeNone;
	compat::toplevel_set_resizing(toplevel_, false);
}

void View::set_focused(bool focused)
{
	focused_ = focused;
	if (focused)
		set_urgent(false);
	frame_->set_focused(focused);
	compat::toplevel_set_activated(toplevel_, focused);
}

void View::raise()
{
	wlr_scene_node_raise_to_top(compat::node(tree_));
	auto &views = server_.views();
	auto it = std::find_if(views.begin(), views.end(), [this](const auto &v) { return v.get() == this; });
	if (it != views.end())
		views.splice(views.begin(), views, it);
}

void View::stack_below(View *other)
{
	wlr_scene_node_place_below(compat::node(tree_), compat::node(other->tree_));
	auto &views = server_.views();
	auto self = std::find_if(views.begin(), views.end(), [this](const auto &v) { return v.get() == this; });
	auto below = std::find_if(views.begin(), views.end(), [other](const auto &v) { return v.get() == other; });
	if (self != views.end() && below != views.end())
		views.splice(std::next(below), views, self);
}

void View::set_xray(bool on)
{
	if (is_vm())
		frame_->set_xray(on && mapped_, domain_);
}

void View::close()
{
	compat::toplevel_send_close(toplevel_);
}

void View::handle_request_move(void *data)
{
	auto *event = static_cast<wlr_xdg_toplevel_move_event *>(data);
	server_.seat().begin_client_move(this, event->serial);
}

void View::handle_request_resize(void *data)
{
	auto *event = static_cast<wlr_xdg_toplevel_resize_event *>(data);
	server_.seat().begin_client_resize(this, event->serial, event->edges);
}

void View::handle_request_maximize()
{
	if (!toplevel_->base->added)
		return; // answered by the initial configure
	const bool want = toplevel_->requested.maximized;
	if (want != maximized_) {
		const FrameMetrics &m = frame_->metrics();
		if (want) {
			saved_geometry_ = {x_, y_, width_, height_};
			const Rect o = outer();
			const wlr_box area = server_.usable_area_at(o.x + o.width / 2.0, o.y + o.height / 2.0);
			x_ = area.x;
			y_ = area.y;
			wlr_scene_node_set_position(compat::node(tree_), x_, y_);
			request_size(area.width - 2 * m.border, area.height - m.title - 2 * m.border);
		} else {
			move_to(saved_geometry_.x, saved_geometry_.y);
			request_size(saved_geometry_.width, saved_geometry_.height);
		}
		maximized_ = want;
		compat::toplevel_set_maximized(toplevel_, want);
	}
	compat::xdg_schedule_configure(toplevel_->base);
}

void View::handle_request_fullscreen()
{
	set_fullscreen(toplevel_->requested.fullscreen);
	// The client gets the configure it waits for, granted or not.
	if (toplevel_->base->added)
		compat::xdg_schedule_configure(toplevel_->base);
}

bool View::may_fullscreen() const
{
	const Domain *domain = server_.domains().domain_of(client());
	return !domain || domain->config().allow_fullscreen;
}

void View::set_fullscreen(bool on)
{
	if (on == fullscreen_)
		return;
	if (on && !may_fullscreen()) {
		// Once a second at most: a client may ask again and again.
		const int64_t now = monotonic_ms();
		if (now - last_refusal_log_ >= 1000) {
			wlr_log(WLR_INFO, "view fullscreen refused %s: domain %s has no allow_fullscreen (%d more refused since)",
				describe().c_str(), domain_.c_str(), refusals_unlogged_);
			const Domain *domain = server_.domains().domain_of(client());
			server_.notify(domain_ + " may not cover the screen: full screen refused", domain ? domain->label() : "dom0");
			last_refusal_log_ = now;
			refusals_unlogged_ = 0;
		} else {
			++refusals_unlogged_;
		}
		return;
	}
	if (on) {
		windowed_geometry_ = {x_, y_, width_, height_};
		fullscreen_ = true;
		frame_->set_fullscreen(true);
		fill_output(); // in its place in the stack: no window raises itself
	} else {
		fullscreen_ = false;
		frame_->set_fullscreen(false);
		if (windowed_geometry_.width > 0) {
			move_to(windowed_geometry_.x, windowed_geometry_.y);
			request_size(windowed_geometry_.width, windowed_geometry_.height);
		} else {
			// Full screen from its first frame: the client picks its own size.
			move_to(x_ + 40, y_ + 40);
			compat::toplevel_set_size(toplevel_, 0, 0);
		}
	}
	compat::toplevel_set_fullscreen(toplevel_, on);
	wlr_log(WLR_INFO, "view fullscreen %s id=%u outer=%s", on ? "on" : "off", id_, rect_text(outer()).c_str());
}

void View::fill_output()
{
	// Only the label strip (the title bar) and the content: the strip stays on
	// screen with the domain's colour and [name] while the window is full screen.
	placed_ = true;
	const Rect o = outer();
	const wlr_box area = server_.usable_area_at(o.x + o.width / 2.0, o.y + o.height / 2.0);
	x_ = area.x;
	y_ = area.y;
	wlr_scene_node_set_position(compat::node(tree_), x_, y_);
	compat::toplevel_set_size(toplevel_, area.width, std::max(1, area.height - frame_->metrics().title));
}

void View::set_urgent(bool on)
{
	if (on == frame_->urgent() || (on && focused_))
		return;
	frame_->set_urgent(on);
	wlr_log(WLR_INFO, "view urgent %s id=%u", on ? "on" : "off", id_);
}

void View::set_not_responding(bool on)
{
	frame_->set_greyed(on);
	update_title();
}

void View::handle_set_title()
{
	update_title();
}

void View::update_title()
{
	const char *title = toplevel_->title ? toplevel_->title : "";
	// The domain's name always comes first, from the compositor's own record.
	const std::string text = "[" + domain_ + "] " + (frame_->greyed() ? "(not responding) " : "") +
		wire::clean_text(title, wire::limit::title_bytes);
	if (frame_->set_title(text))
		wlr_log(WLR_INFO, "view title id=%u text=\"%s\"", id_, text.c_str());
}

} // namespace bulkhead
