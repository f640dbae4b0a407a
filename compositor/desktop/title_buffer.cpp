#include "desktop/title_buffer.hpp"

#include <cairo.h>
#include <pango/pangocairo.h>

#include <cmath>

namespace bulkhead {
namespace {

struct CairoBuffer {
	wlr_buffer base;
	cairo_surface_t *surface;
};

CairoBuffer *from_wlr(wlr_buffer *buffer)
{
	return reinterpret_cast<CairoBuffer *>(buffer); // base is the first member
}

void buffer_destroy(wlr_buffer *buffer)
{
	CairoBuffer *b = from_wlr(buffer);
	cairo_surface_destroy(b->surface);
	delete b;
}

bool buffer_begin_access(wlr_buffer *buffer, uint32_t flags, void **data, uint32_t *format, size_t *stride)
{
	if (flags & WLR_BUFFER_DATA_PTR_ACCESS_WRITE)
		return false; // read-only once rendered
	CairoBuffer *b = from_wlr(buffer);
	*data = cairo_image_surface_get_data(b->surface);
	*format = DRM_FORMAT_ARGB8888; // cairo ARGB32 is premultiplied, native (little) endian
	*stride = static_cast<size_t>(cairo_image_surface_get_stride(b->surface));
	return true;
}

void buffer_end_access(wlr_buffer *) {}

const wlr_buffer_impl cairo_buffer_impl = {
	.destroy = buffer_destroy,
	.get_dmabuf = nullptr,
	.get_shm = nullptr,
	.begin_data_ptr_access = buffer_begin_access,
	.end_data_ptr_access = buffer_end_access,
};

} // namespace

wlr_buffer *render_title(const std::string &text, const std::string &font, const Colour &colour,
	int width, int height, float scale, bool centred)
{
	if (width <= 0 || height <= 0 || scale <= 0)
		return nullptr;
	const int pw = static_cast<int>(std::ceil(width * scale));
	const int ph = static_cast<int>(std::ceil(height * scale));

	cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pw, ph);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(surface);
		return nullptr;
	}
	cairo_t *cr = cairo_create(surface);
	cairo_scale(cr, scale, scale);

	PangoLayout *layout = pango_cairo_create_layout(cr);
	PangoFontDescription *desc = pango_font_description_from_string(font.c_str());
	pango_layout_set_font_description(layout, desc);
	pango_font_description_free(desc);
	pango_layout_set_single_paragraph_mode(layout, TRUE);
	const int padding = 6;
	pango_layout_set_width(layout, std::max(0, width - 2 * padding) * PANGO_SCALE);
	pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
	if (centred)
		pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
	pango_layout_set_text(layout, text.c_str(), static_cast<int>(text.size()));

	int text_w = 0, text_h = 0;
	pango_layout_get_pixel_size(layout, &text_w, &text_h);
	cairo_set_source_rgba(cr, colour.r, colour.g, colour.b, colour.a);
	cairo_move_to(cr, padding, (height - text_h) / 2.0);
	pango_cairo_show_layout(cr, layout);

	g_object_unref(layout);
	cairo_destroy(cr);
	cairo_surface_flush(surface);

	auto *buffer = new CairoBuffer{};
	buffer->surface = surface;
	wlr_buffer_init(&buffer->base, &cairo_buffer_impl, pw, ph);
	return &buffer->base;
}

} // namespace bulkhead
