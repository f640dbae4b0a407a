#pragma once
// The compositor's root object: owns the display, the wlroots objects, the
// scene and every output, view and input device (each erased by its own
// destroy handler).
#include "build-config.h"
#include "config/config.hpp"
#include "domains/registry.hpp"
#include "listener.hpp"
#include "wlr.hpp"

#include <list>
#include <memory>
#include <set>
#include <string>

namespace bulkhead {

class Output;
class View;
class Seat;
class TestHooks;
class Decoration;
class Disposables;
class VmBackend;
class LauncherProtocol;
class Popup;
class Clipboard;
class Notice;

class Server {
public:
	explicit Server(Config config);
	~Server();
	Server(const Server &) = delete;
	Server &operator=(const Server &) = delete;

	// Opens the listening socket (named, or the first free wayland-N) and starts
	// the backend. Throws std::runtime_error with a clear reason.
	std::string start(const std::string &socket_name);
	void run();
	void terminate();

	// Runs a command through /bin/sh in its own session; the child is reaped by
	// the SIGCHLD handler. Returns its pid, or -1.
	pid_t spawn(const std::string &command);
	// Starts a child the compositor reaps itself (SIGCHLD reaps only its own
	// children: libvirt, in this process, waits for its own). -1 on failure.
	pid_t spawn_child(const struct ProcessSpec &spec);

	const Config &config() const { return config_; }
	wl_display *display() const { return display_; }
	wl_event_loop *event_loop() const { return loop_; }
	wlr_backend *backend() const { return backend_; }
	wlr_renderer *renderer() const { return renderer_; }
	wlr_allocator *allocator() const { return allocator_; }
	wlr_scene *scene() const { return scene_; }
	wlr_output_layout *output_layout() const { return output_layout_; }
	Seat &seat() { return *seat_; }
	DomainRegistry &domains() { return *domains_; }
	Disposables &disposables() { return *disposables_; }
	// libvirt's VMs; nullptr when libvirt is off (libvirt_uri = "") or could not start.
	VmBackend *vms() { return vms_.get(); }

	// Scene layers, bottom to top.
	wlr_scene_tree *background_layer() const { return background_layer_; }
	wlr_scene_tree *view_layer() const { return view_layer_; }
	wlr_scene_tree *overlay_layer() const { return overlay_layer_; }

	std::list<std::unique_ptr<Output>> &outputs() { return outputs_; }
	// Stacking order, topmost first.
	std::list<std::unique_ptr<View>> &views() { return views_; }

	void add_view(std::unique_ptr<View> view);
	void remove_view(View *view);
	View *view_at(double lx, double ly, wlr_surface **surface, double *sx, double *sy);

	// Output-layout box of the output under (lx, ly), or the first output.
	wlr_box usable_area_at(double lx, double ly) const;

	std::list<std::unique_ptr<Decoration>> &decorations() { return decorations_; }
	void remove_popup(Popup *popup);

	// While the X-ray key is held every VM window shows whose it is.
	void set_xray(bool on);
	bool xray() const { return xray_; }

	Clipboard &clipboard() { return *clipboard_; }
	// A short on-screen notice in a label's colours ("dom0": the host's); see desktop/notice.hpp.
	void notify(const std::string &text, const std::string &label);
	const Notice &notice() const { return *notice_; }

	// pids the user started through a binding, for focus-on-map decisions.
	bool take_user_launch(pid_t client_pid);

private:
	void start_libvirt();
	void handle_new_output(wlr_output *output);
	void handle_new_xdg_surface(wlr_xdg_surface *surface);
	void handle_new_decoration(wlr_xdg_toplevel_decoration_v1 *decoration);
	static int handle_signal(int signal, void *data);
	static int handle_sigchld(int signal, void *data);

	Config config_;
	wl_display *display_ = nullptr;
	wl_event_loop *loop_ = nullptr;
	wlr_backend *backend_ = nullptr;
	wlr_renderer *renderer_ = nullptr;
	wlr_allocator *allocator_ = nullptr;
	wlr_compositor *compositor_ = nullptr;
	wlr_scene *scene_ = nullptr;
	wlr_output_layout *output_layout_ = nullptr;
	wlr_xdg_shell *xdg_shell_ = nullptr;
	wlr_xdg_decoration_manager_v1 *decoration_manager_ = nullptr;
	wlr_server_decoration_manager *kde_decoration_manager_ = nullptr;
	wlr_presentation *presentation_ = nullptr;

	wlr_scene_tree *background_layer_ = nullptr;
	wlr_scene_tree *view_layer_ = nullptr;
	wlr_scene_tree *overlay_layer_ = nullptr;

	std::unique_ptr<Seat> seat_;
	std::unique_ptr<DomainRegistry> domains_;
	std::unique_ptr<VmBackend> vms_;
	std::unique_ptr<Disposables> disposables_;
	std::unique_ptr<LauncherProtocol> launcher_;
	std::unique_ptr<Clipboard> clipboard_;
	std::unique_ptr<Notice> notice_;
#if BULKHEAD_TEST_HOOKS
	std::unique_ptr<TestHooks> test_hooks_; // test builds only
#endif
	std::list<std::unique_ptr<Output>> outputs_;
	std::list<std::unique_ptr<View>> views_;
	std::list<std::pair<pid_t, int64_t>> user_launches_; // pid, launch time (ms)
	std::set<pid_t> children_;
	std::list<std::unique_ptr<Decoration>> decorations_;
	std::list<std::unique_ptr<Popup>> popups_;

	bool xray_ = false;
	wl_event_source *sigint_ = nullptr, *sigterm_ = nullptr, *sigchld_ = nullptr;
	Listener new_output_;
	Listener new_input_;
	Listener new_xdg_surface_;
	Listener new_decoration_;
};

int64_t monotonic_ms();

} // namespace bulkhead
