#include "compat.hpp"

#include <cstdlib>

namespace bulkhead::compat {

bool output_apply(wlr_output *output, bool enabled, int width, int height, int refresh_mhz, double scale)
{
	wlr_output_enable(output, enabled);
	if (!enabled)
		return wlr_output_commit(output);

	wlr_output_mode *chosen = nullptr;
	if (width > 0 && height > 0) {
		wlr_output_mode *mode;
		wl_list_for_each(mode, &output->modes, link) {
			if (mode->width != width || mode->height != height)
				continue;
			if (refresh_mhz > 0 && std::abs(mode->refresh - refresh_mhz) > 500)
				continue;
			if (!chosen || mode->refresh > chosen->refresh)
				chosen = mode;
		}
	} else {
		chosen = wlr_output_preferred_mode(output);
	}

	if (chosen)
		wlr_output_set_mode(output, chosen);
	else if (width > 0 && height > 0)
		wlr_output_set_custom_mode(output, width, height, refresh_mhz);
	wlr_output_set_scale(output, static_cast<float>(scale));

	if (wlr_output_commit(output))
		return true;
	// Fall back to the preferred mode so a bad mode never leaves the screen dark.
	wlr_output_rollback(output);
	wlr_output_enable(output, true);
	if (wlr_output_mode *pref = wlr_output_preferred_mode(output))
		wlr_output_set_mode(output, pref);
	wlr_output_commit(output);
	return false;
}

} // namespace bulkhead::compat
