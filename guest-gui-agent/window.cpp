#include "window.hpp"

#include "agent.hpp"
#include "compat.hpp"

#include <algorithm>
#include <cstring>
#include <ctime>

namespace bulkhead::agent {
namespace {

// Two buffers let the guest draw while the host shows the other; a third
// absorbs a slow release without dropping a frame.
constexpr std::size_t max_buffers_per_window = 3;

} // namespace

Window::Window(Agent &agent, uint32_t id, wlr_xdg_surface *surface, Window *parent)
	: agent_(agent), id_(id), xdg_(surface), parent_(parent)
{
	pixman_region32_init(&unsent_damage_);
	map_.connect(compat::xdg_map_signal(xdg_), [this](void *) { handle_map(); });
	unmap_.connect(compat::xdg_unmap_signal(xdg_), [this](void *) { handle_unmap(); });
	commit_.connect(compat::xdg_commit_signal(xdg_), [this](void *) { handle_commit(); });
	destroy_.connect(&xdg_->events.destroy, [this](void *) { handle_destroy(); });
	new_popup_.connect(&xdg_->events.new_popup,
		[this](void *d) { handle_new_popup(static_cast<wlr_xdg_popup *>(d)); });
	if (!parent_) {
		set_title_.connect(&xdg_->toplevel->events.set_title, [this](void *) { send_title(); });
		set_app_id_.connect(&xdg_->toplevel->events.set_app_id, [this](void *) {
			agent_.send_app_id(id_, xdg_->toplevel->app_id ? xdg_->toplevel->app_id : "");
		});
		// Only forwarded: the host decides, and its configure tells the app.
		request_fullscreen_.connect(&xdg_->toplevel->events.request_fullscreen, [this](void *) {
			agent_.send_fullscreen(id_, xdg_->toplevel->requested.fullscreen);
		});
	}

	send_create();
}

void Window::send_create()
{
	int32_t x = 0, y = 0;
	if (parent_) {
		// Relative to the parent's window geometry, as the host's positioner expects.
		x = xdg_->popup->geometry.x;
		y = xdg_->popup->geometry.y;
	}
	agent_.send_create_window(id_, parent_ ? parent_->id() : 0, x, y);
}

void Window::announce()
{
	send_create();
	if (!mapped_)
		return;
	last_min_w_ = last_min_h_ = last_max_w_ = last_max_h_ = UINT32_MAX;
	handle_map();
}

void Window::reset_buffers()
{
	for (auto &buffer : buffers_)
		pixman_region32_fini(&buffer->stale);
	buffers_.clear();
	frame_pending_ = false;
}

Window::~Window()
{
	if (idle_frame_timer_)
		wl_event_source_remove(idle_frame_timer_);
	pixman_region32_fini(&unsent_damage_);
	for (auto &buffer : buffers_) {
		if (agent_.has_region())
			agent_.allocator().release(buffer->offset);
		pixman_region32_fini(&buffer->stale);
	}
}

void Window::handle_new_popup(wlr_xdg_popup *popup)
{
	agent_.add_popup(popup->base, this);
}

void Window::handle_map()
{
	mapped_ = true;
	if (!parent_) {
		send_title();
		if (xdg_->toplevel->app_id)
			agent_.send_app_id(id_, xdg_->toplevel->app_id);
		send_size_hints();
	}
	pixman_region32_t all;
	pixman_region32_init_rect(&all, 0, 0, UINT32_MAX >> 1, UINT32_MAX >> 1);
	push_frame(&all);
	pixman_region32_fini(&all);
	agent_.send_map(id_);
}

void Window::handle_unmap()
{
	mapped_ = false;
	agent_.send_unmap(id_);
}

void Window::handle_destroy()
{
	agent_.send_destroy_window(id_);
	agent_.remove_window(this); // deletes this
}

void Window::send_title()
{
	agent_.send_title(id_, xdg_->toplevel->title ? xdg_->toplevel->title : "");
}

void Window::send_size_hints()
{
	const auto &s = xdg_->toplevel->current;
	if (s.min_width == last_min_w_ && s.min_height == last_min_h_ && s.max_width == last_max_w_ &&
		s.max_height == last_max_h_)
		return;
	last_min_w_ = s.min_width;
	last_min_h_ = s.min_height;
	last_max_w_ = s.max_width;
	last_max_h_ = s.max_height;
	agent_.send_size_hints(id_, s.min_width, s.min_height, s.max_width, s.max_height);
}

void Window::handle_commit()
{
	if (!mapped_)
		return;
	if (!parent_)
		send_size_hints();
	if ((pixman_region32_not_empty(&surface()->buffer_damage) || needs_push_) && push_frame(&surface()->buffer_damage))
		return;
	if (!frame_pending_) {
		if (!idle_frame_timer_)
			idle_frame_timer_ = wl_event_loop_add_timer(agent_.event_loop(), &Window::handle_idle_frame, this);
		wl_event_source_timer_update(idle_frame_timer_, 16);
	}
}

int Window::handle_idle_frame(void *data)
{
	auto *self = static_cast<Window *>(data);
	if (!self->frame_pending_)
		self->handle_frame_done();
	return 0;
}

RegionBuffer *Window::free_buffer(uint32_t width, uint32_t height)
{
	for (auto &buffer : buffers_)
		if (!buffer->busy && buffer->width == width && buffer->height == height)
			return buffer.get();
	if (buffers_.size() >= max_buffers_per_window)
		return nullptr;
	const uint32_t stride = width * 4;
	auto offset = agent_.allocator().allocate(static_cast<uint64_t>(stride) * height);
	if (!offset) {
		wlr_log(WLR_ERROR, "window %u: the shared region is full (%ux%u needs %llu bytes)", id_, width,
			height, static_cast<unsigned long long>(stride) * height);
		return nullptr;
	}
	auto buffer = std::make_unique<RegionBuffer>();
	buffer->offset = *offset;
	buffer->width = width;
	buffer->height = height;
	buffer->stride = stride;
	// A new buffer holds nothing yet: all of it is stale.
	pixman_region32_init_rect(&buffer->stale, 0, 0, width, height);
	buffers_.push_back(std::move(buffer));
	return buffers_.back().get();
}

void Window::drop_buffers_not_sized(uint32_t width, uint32_t height)
{
	std::erase_if(buffers_, [&](const std::unique_ptr<RegionBuffer> &b) {
		if (b->busy || (b->width == width && b->height == height))
			return false;
		agent_.allocator().release(b->offset);
		pixman_region32_fini(&b->stale);
		return true;
	});
}

bool Window::push_frame(const pixman_region32_t *damage)
{
	if (!agent_.has_region())
		return false; // no host yet: announce() pushes a full frame later
	wlr_client_buffer *client_buffer = surface()->buffer;
	if (!client_buffer || !client_buffer->source)
		return false;
	wlr_buffer *source = client_buffer->source;

	// Only the window geometry goes to the host: client-side shadows and
	// margins around it stay in the guest, so the host's frame wraps the window.
	const int scale = std::max(1, surface()->current.scale);
	wlr_box geometry{};
	wlr_xdg_surface_get_geometry(xdg_, &geometry);
	int gx = std::clamp(geometry.x * scale, 0, source->width);
	int gy = std::clamp(geometry.y * scale, 0, source->height);
	int gw = std::min(geometry.width * scale, source->width - gx);
	int gh = std::min(geometry.height * scale, source->height - gy);
	if (gw <= 0 || gh <= 0) {
		gx = gy = 0;
		gw = source->width;
		gh = source->height;
	}
	const uint32_t width = static_cast<uint32_t>(gw);
	const uint32_t height = static_cast<uint32_t>(gh);

	pixman_region32_t current;
	pixman_region32_init(&current);
	pixman_region32_copy(&current, damage);
	pixman_region32_translate(&current, -gx, -gy);
	pixman_region32_intersect_rect(&current, &current, 0, 0, width, height);
	if (gx != geometry_x_ || gy != geometry_y_) {
		// The window moved inside its buffer: everything is new.
		geometry_x_ = gx;
		geometry_y_ = gy;
		pixman_region32_union_rect(&current, &current, 0, 0, width, height);
	}
	pixman_region32_union(&unsent_damage_, &unsent_damage_, &current);

	drop_buffers_not_sized(width, height);
	RegionBuffer *target = free_buffer(width, height);
	// Every buffer of this size that is not being written now misses this damage.
	for (auto &buffer : buffers_)
		if (buffer.get() != target)
			pixman_region32_union(&buffer->stale, &buffer->stale, &current);
	if (!target) {
		needs_push_ = true;
		pixman_region32_fini(&current);
		return false;
	}

	void *data = nullptr;
	uint32_t format = 0;
	size_t stride = 0;
	if (!wlr_buffer_begin_data_ptr_access(source, WLR_BUFFER_DATA_PTR_ACCESS_READ, &data, &format, &stride)) {
		pixman_region32_fini(&current);
		return false;
	}
	if (format != DRM_FORMAT_ARGB8888 && format != DRM_FORMAT_XRGB8888) {
		wlr_buffer_end_data_ptr_access(source);
		pixman_region32_fini(&current);
		wlr_log(WLR_ERROR, "window %u: pixel format 0x%08x is not forwarded (only ARGB8888/XRGB8888)",
			id_, format);
		return false;
	}

	// The one copy on the guest side: what changed since this buffer was last
	// written, from the client's shm buffer into the shared region.
	pixman_region32_union(&target->stale, &target->stale, &current);
	int n = 0;
	const pixman_box32_t *boxes = pixman_region32_rectangles(&target->stale, &n);
	uint8_t *dst_base = agent_.region().data() + target->offset;
	const auto *src_base = static_cast<const uint8_t *>(data);
	for (int i = 0; i < n; ++i) {
		const std::size_t bytes = static_cast<std::size_t>(boxes[i].x2 - boxes[i].x1) * 4;
		for (int32_t row = boxes[i].y1; row < boxes[i].y2; ++row)
			std::memcpy(dst_base + static_cast<std::size_t>(row) * target->stride + boxes[i].x1 * 4,
				src_base + static_cast<std::size_t>(row + gy) * stride + static_cast<std::size_t>(boxes[i].x1 + gx) * 4,
				bytes);
	}
	wlr_buffer_end_data_ptr_access(source);
	pixman_region32_clear(&target->stale);

	// The host hears of everything that changed since its last attach,
	// including frames dropped while no buffer was free.
	pixman_region32_intersect_rect(&unsent_damage_, &unsent_damage_, 0, 0, width, height);
	std::vector<pixman_box32_t> rects;
	const pixman_box32_t *unsent = pixman_region32_rectangles(&unsent_damage_, &n);
	rects.assign(unsent, unsent + n);
	pixman_region32_clear(&unsent_damage_);
	pixman_region32_fini(&current);

	target->busy = true;
	needs_push_ = false;
	frame_pending_ = true;
	agent_.send_attach(id_, *target, format, rects);
	return true;
}

wlr_box Window::geometry() const
{
	wlr_box box{};
	wlr_xdg_surface_get_geometry(xdg_, &box);
	return box;
}

void Window::handle_buffer_release(uint64_t offset)
{
	for (auto &buffer : buffers_)
		if (buffer->offset == offset)
			buffer->busy = false;
	if (needs_push_ && mapped_) {
		pixman_region32_t none;
		pixman_region32_init(&none);
		push_frame(&none);
		pixman_region32_fini(&none);
	}
}

void Window::handle_frame_done()
{
	frame_pending_ = false;
	timespec now{};
	clock_gettime(CLOCK_MONOTONIC, &now);
	wlr_surface_send_frame_done(surface(), &now);
}

void Window::handle_configure(int32_t width, int32_t height, bool activated, bool maximized, bool fullscreen,
	bool resizing)
{
	if (parent_)
		return;
	wlr_xdg_toplevel *t = xdg_->toplevel;
	compat::toplevel_set_size(t, width, height);
	compat::toplevel_set_activated(t, activated);
	compat::toplevel_set_maximized(t, maximized);
	compat::toplevel_set_fullscreen(t, fullscreen);
	compat::toplevel_set_resizing(t, resizing);
}

void Window::handle_close()
{
	if (parent_)
		wlr_xdg_popup_destroy(xdg_);
	else
		compat::toplevel_send_close(xdg_->toplevel);
}

} // namespace bulkhead::agent
