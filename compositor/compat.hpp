#pragma once
// wlroots calls whose API changed after 0.15 (scene tree parents, xdg toplevel
// setters taking the toplevel, input event struct names, map signals on
// wlr_surface, output state commits). A port to a newer wlroots changes this
// file and little else.
#include "config/colour.hpp"
#include "wlr.hpp"

namespace bulkhead::compat {

using KeyboardKeyEvent = wlr_event_keyboard_key;
using PointerMotionEvent = wlr_event_pointer_motion;
using PointerMotionAbsoluteEvent = wlr_event_pointer_motion_absolute;
using PointerButtonEvent = wlr_event_pointer_button;
using PointerAxisEvent = wlr_event_pointer_axis;

inline wlr_scene_node *node(wlr_scene_tree *tree) { return &tree->node; }

inline wlr_scene_tree *scene_tree_create(wlr_scene_tree *parent)
{
	return wlr_scene_tree_create(&parent->node);
}

// 0.15 returns the subtree's node; later versions return the tree itself.
inline wlr_scene_tree *scene_xdg_surface_create(wlr_scene_tree *parent, wlr_xdg_surface *surface)
{
	wlr_scene_node *n = wlr_scene_xdg_surface_create(&parent->node, surface);
	return n ? wl_container_of(n, static_cast<wlr_scene_tree *>(nullptr), node) : nullptr;
}

inline wlr_scene_rect *scene_rect_create(wlr_scene_tree *parent, int w, int h, const Colour &c)
{
	const float rgba[4] = {c.r * c.a, c.g * c.a, c.b * c.a, c.a};
	return wlr_scene_rect_create(&parent->node, w, h, rgba);
}

inline void scene_rect_set_colour(wlr_scene_rect *rect, const Colour &c)
{
	const float rgba[4] = {c.r * c.a, c.g * c.a, c.b * c.a, c.a};
	wlr_scene_rect_set_color(rect, rgba);
}

inline wlr_scene_buffer *scene_buffer_create(wlr_scene_tree *parent, wlr_buffer *buffer)
{
	return wlr_scene_buffer_create(&parent->node, buffer);
}

inline wlr_scene_tree *scene_root_tree_create(wlr_scene *scene)
{
	return wlr_scene_tree_create(&scene->node);
}

inline void scene_destroy(wlr_scene *scene) { wlr_scene_node_destroy(&scene->node); }

// An empty box when the output is not in the layout.
inline wlr_box output_layout_box(wlr_output_layout *layout, wlr_output *output)
{
	const wlr_box *box = wlr_output_layout_get_box(layout, output);
	return box ? *box : wlr_box{};
}

inline wl_signal *xdg_map_signal(wlr_xdg_surface *s) { return &s->events.map; }
inline wl_signal *xdg_unmap_signal(wlr_xdg_surface *s) { return &s->events.unmap; }
inline wl_signal *xdg_commit_signal(wlr_xdg_surface *s) { return &s->surface->events.commit; }

inline void toplevel_set_size(wlr_xdg_toplevel *t, int w, int h) { wlr_xdg_toplevel_set_size(t->base, w, h); }
inline void toplevel_set_activated(wlr_xdg_toplevel *t, bool on) { wlr_xdg_toplevel_set_activated(t->base, on); }
inline void toplevel_set_resizing(wlr_xdg_toplevel *t, bool on) { wlr_xdg_toplevel_set_resizing(t->base, on); }
inline void toplevel_set_maximized(wlr_xdg_toplevel *t, bool on) { wlr_xdg_toplevel_set_maximized(t->base, on); }
inline void toplevel_set_fullscreen(wlr_xdg_toplevel *t, bool on) { wlr_xdg_toplevel_set_fullscreen(t->base, on); }
inline void toplevel_send_close(wlr_xdg_toplevel *t) { wlr_xdg_toplevel_send_close(t->base); }
inline void xdg_schedule_configure(wlr_xdg_surface *s) { wlr_xdg_surface_schedule_configure(s); }

inline wlr_keyboard *keyboard_from_device(wlr_input_device *d) { return d->keyboard; }
inline wlr_input_device *keyboard_device(wlr_keyboard *, wlr_input_device *d) { return d; }

// Enables the output with a mode (a listed one when it matches, else custom) and
// scale, and commits. Returns false when the backend refused.
bool output_apply(wlr_output *output, bool enabled, int width, int height, int refresh_mhz, double scale);

} // namespace bulkhead::compat
