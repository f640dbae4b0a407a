#pragma once
// The trusted decoration around a window: four border strips, a title bar and
// the title text, all drawn by the compositor from its own record of the
// window's domain. It sits above the window's content in the scene so content
// can never paint over it.
#include "config/config.hpp"
#include "desktop/geometry.hpp"
#include "wlr.hpp"

#include <array>
#include <string>

namespace bulkhead {

class Frame {
public:
	Frame(wlr_scene_tree *parent, const Theme &theme, const LabelStyle &style);
	~Frame();
	Frame(const Frame &) = delete;
	Frame &operator=(const Frame &) = delete;

	// Lays the frame out around content of this size; the frame's own origin
	// (its parent's position) is the outer top-left corner.
	void set_content_size(int width, int height);
	void set_focused(bool focused);
	// True when the text changed.
	bool set_title(const std::string &text);
	void set_scale(float scale);
	// X-ray: the content tinted with the label colour and the domain's name
	// drawn large over it, so a window faked inside a VM's pixels shows whose it is.
	void set_xray(bool on, const std::string &domain);
	// Full screen keeps only the title bar, as a strip along the top: no side
	// borders, but the label colour and the [name] stay visible.
	void set_fullscreen(bool on);
	// A window that asked for attention without the right to take focus: a
	// thicker border in the label's urgent colour until the user focuses it.
	void set_urgent(bool on);
	bool urgent() const { return urgent_; }
	// A domain that stopped answering: every colour greyed (a trace of the
	// label's hue stays) until it answers again.
	void set_greyed(bool on);
	bool greyed() const { return greyed_; }

	const FrameMetrics &metrics() const { return metrics_; }
	const FrameColours &colours() const { return focused_ ? style_.focused : style_.unfocused; }

private:
	void update_colours();
	void update_text();
	void layout();

	const Theme &theme_;
	const LabelStyle label_; // the label's own colours
	LabelStyle style_;       // as shown: label_ or its greyed variant
	FrameMetrics metrics_;
	wlr_scene_tree *tree_;
	std::array<wlr_scene_rect *, 4> borders_{}; // top, bottom, left, right
	wlr_scene_rect *title_background_ = nullptr;
	wlr_scene_buffer *title_text_ = nullptr;
	wlr_scene_rect *xray_tint_ = nullptr;
	wlr_scene_buffer *xray_name_ = nullptr;
	std::string title_;
	int width_ = 0, height_ = 0;
	float scale_ = 1.0f;
	bool focused_ = false;
	bool urgent_ = false;
	bool greyed_ = false;
	// Urgent only: four bands in the label colour widening the border inwards,
	// each edged with a line in the title text's contrast colour.
	std::array<wlr_scene_rect *, 8> urgent_marks_{};
};

} // namespace bulkhead
