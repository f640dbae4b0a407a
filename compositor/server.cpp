#include "server.hpp"

#include "build-config.h"
#include "clipboard/clipboard.hpp"
#include "compat.hpp"
#include "decoration.hpp"
#include "domains/disposables.hpp"
#include "domains/launcher_protocol.hpp"
#include "domains/libvirt_domains.hpp"
#include "domains/vm_backend.hpp"
#include "vm/connection.hpp"
#include "desktop/popup.hpp"
#include "desktop/notice.hpp"
#include "desktop/view.hpp"
#include "input/seat.hpp"
#include "output.hpp"
#include "process.hpp"
#if BULKHEAD_TEST_HOOKS
#include "test_hooks.hpp"
#endif

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace bulkhead {

int64_t monotonic_ms()
{
	timespec ts{};
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

Server::Server(Config config) : config_(std::move(config))
{
	display_ = wl_display_create();
	loop_ = wl_display_get_event_loop(display_);

	backend_ = wlr_backend_autocreate(display_);
	if (!backend_)
		throw std::runtime_error("no wlroots backend could be started (no DRM, Wayland, X11 or "
					 "headless session; set WLR_BACKENDS=headless to run without a display)");
	renderer_ = wlr_renderer_autocreate(backend_);
	if (!renderer_)
		throw std::runtime_error("no renderer could be created (try WLR_RENDERER=pixman)");
	wlr_renderer_init_wl_display(renderer_, display_);
	allocator_ = wlr_allocator_autocreate(backend_, renderer_);
	if (!allocator_)
		throw std::runtime_error("no buffer allocator could be created");

	compositor_ = wlr_compositor_create(display_, renderer_);
	wlr_data_device_manager_create(display_);
	wlr_primary_selection_v1_device_manager_create(display_);
	// For host clipboard tools; the global filter keeps it from every domain.
	wlr_data_control_manager_v1_create(display_);
	wlr_viewporter_create(display_);
	wlr_screencopy_manager_v1_create(display_);

	output_layout_ = wlr_output_layout_create();
	wlr_xdg_output_manager_v1_create(display_, output_layout_);
	scene_ = wlr_scene_create();
	wlr_scene_attach_output_layout(scene_, output_layout_);
	presentation_ = wlr_presentation_create(display_, backend_);
	wlr_scene_set_presentation(scene_, presentation_);

	background_layer_ = compat::scene_root_tree_create(scene_);
	view_layer_ = compat::scene_root_tree_create(scene_);
	overlay_layer_ = compat::scene_root_tree_create(scene_);

	xdg_shell_ = wlr_xdg_shell_create(display_);
	decoration_manager_ = wlr_xdg_decoration_manager_v1_create(display_);
	kde_decoration_manager_ = wlr_server_decoration_manager_create(display_);
	wlr_server_decoration_manager_set_default_mode(kde_decoration_manager_,
		WLR_SERVER_DECORATION_MANAGER_MODE_SERVER);

	seat_ = std::make_unique<Seat>(*this);
	domains_ = std::make_unique<DomainRegistry>(*this);
	disposables_ = std::make_unique<Disposables>(*this);
	launcher_ = std::make_unique<LauncherProtocol>(*this);
	clipboard_ = std::make_unique<Clipboard>(*this);
	notice_ = std::make_unique<Notice>(*this);

	new_output_.connect(&backend_->events.new_output,
		[this](void *d) { handle_new_output(static_cast<wlr_output *>(d)); });
	new_xdg_surface_.connect(&xdg_shell_->events.new_surface,
		[this](void *d) { handle_new_xdg_surface(static_cast<wlr_xdg_surface *>(d)); });
	new_decoration_.connect(&decoration_manager_->events.new_toplevel_decoration,
		[this](void *d) { handle_new_decoration(static_cast<wlr_xdg_toplevel_decoration_v1 *>(d)); });
	new_input_.connect(&backend_->events.new_input,
		[this](void *d) { seat_->add_input_device(static_cast<wlr_input_device *>(d)); });

#if BULKHEAD_TEST_HOOKS
	test_hooks_ = std::make_unique<TestHooks>(*this);
#endif

	sigint_ = wl_event_loop_add_signal(loop_, SIGINT, &Server::handle_signal, this);
	sigterm_ = wl_event_loop_add_signal(loop_, SIGTERM, &Server::handle_signal, this);
	sigchld_ = wl_event_loop_add_signal(loop_, SIGCHLD, &Server::handle_sigchld, this);
}

Server::~Server()
{
	wl_display_destroy_clients(display_);
	for (wl_event_source *source : {sigint_, sigterm_, sigchld_})
		if (source)
			wl_event_source_remove(source);
	launcher_.reset();
	vms_.reset(); // destroys the VM disposables while the disposables still know them
	disposables_.reset();
	clipboard_.reset();
	notice_.reset();
	domains_.reset();
	popups_.clear();
	views_.clear();
	decorations_.clear();
#if BULKHEAD_TEST_HOOKS
	test_hooks_.reset();
#endif
	seat_.reset();
	new_output_.disconnect();
	new_input_.disconnect();
	new_xdg_surface_.disconnect();
	new_decoration_.disconnect();
	wlr_backend_destroy(backend_); // destroys outputs and input devices
	outputs_.clear();
	// The scene listens to the layout's destroy, so the layout goes first.
	wlr_output_layout_destroy(output_layout_);
	compat::scene_destroy(scene_);
	wlr_allocator_destroy(allocator_);
	wlr_renderer_destroy(renderer_);
	wl_display_destroy(display_);
}

std::string Server::start(const std::string &socket_name)
{
	std::string name;
	if (!socket_name.empty()) {
		if (wl_display_add_socket(display_, socket_name.c_str()) != 0)
			throw std::runtime_error("cannot listen on Wayland socket '" + socket_name +
				"' (in use, or XDG_RUNTIME_DIR unset or not writable)");
		name = socket_name;
	} else {
		const char *automatic = wl_display_add_socket_auto(display_);
		if (!automatic)
			throw std::runtime_error("cannot open a Wayland socket (is XDG_RUNTIME_DIR set?)");
		name = automatic;
	}
	if (!wlr_backend_start(backend_))
		throw std::runtime_error("the wlroots backend failed to start");

	// Programs we start connect to us, never to a parent session.
	setenv("WAYLAND_DISPLAY", name.c_str(), 1);
	unsetenv("DISPLAY");
	for (const std::string &command : config_.autostart)
		spawn(command);
	domains_->start(config_.domains);
	start_libvirt();
	disposables_->start();
	return name;
}

void Server::start_libvirt()
{
	if (config_.libvirt_uri && config_.libvirt_uri->empty())
		return; // libvirt_uri = "": no VMs, local domains only
	try {
		const std::string uri = config_.libvirt_uri ? *config_.libvirt_uri : vm::default_uri();
		vms_ = std::make_unique<LibvirtDomains>(*this, uri);
	} catch (const std::exception &e) {
		vms_.reset();
		wlr_log(WLR_ERROR, "libvirt: not available, showing local domains only: %s", e.what());
		notify("No VMs: libvirt is not available (" + std::string(e.what()) + ")", "dom0");
	}
}

void Server::run()
{
	wl_display_run(display_);
}

void Server::terminate()
{
	wl_display_terminate(display_);
}

int Server::handle_signal(int signal, void *data)
{
	wlr_log(WLR_INFO, "signal %d: exiting", signal);
	static_cast<Server *>(data)->terminate();
	return 0;
}

int Server::handle_sigchld(int, void *data)
{
	auto *self = static_cast<Server *>(data);
	for (auto it = self->children_.begin(); it != self->children_.end();) {
		int status = 0;
		const pid_t pid = *it;
		if (waitpid(pid, &status, WNOHANG) == 0) {
			++it;
			continue;
		}
		it = self->children_.erase(it);
		self->domains_->handle_child_exit(pid, status);
	}
	if (self->vms_)
		self->vms_->reap_children();
	return 0;
}

pid_t Server::spawn_child(const ProcessSpec &spec)
{
	const pid_t pid = spawn_process(spec);
	if (pid > 0)
		children_.insert(pid);
	return pid;
}

pid_t Server::spawn(const std::string &command)
{
	if (command.empty())
		return -1;
	const pid_t pid = spawn_child(shell_command(command));
	if (pid < 0) {
		wlr_log_errno(WLR_ERROR, "cannot start '%s'", command.c_str());
		return -1;
	}
	wlr_log(WLR_INFO, "started '%s' (pid %d)", command.c_str(), pid);
	const int64_t now = monotonic_ms();
	user_launches_.remove_if([now](const auto &l) { return now - l.second > 30000; });
	user_launches_.emplace_back(pid, now);
	return pid;
}

bool Server::take_user_launch(pid_t client_pid)
{
	if (client_pid <= 0)
		return false;
	// Launched commands run in their own session, so the session id of any
	// process they start (sh, then the program) is the launched pid.
	const pid_t sid = getsid(client_pid);
	const int64_t now = monotonic_ms();
	for (auto it = user_launches_.begin(); it != user_launches_.end(); ++it) {
		if ((it->first == client_pid || it->first == sid) && now - it->second <= 30000) {
			user_launches_.erase(it);
			return true;
		}
	}
	return false;
}

void Server::handle_new_output(wlr_output *output)
{
	outputs_.push_back(std::make_unique<Output>(*this, output));
}

void Server::handle_new_xdg_surface(wlr_xdg_surface *surface)
{
	if (surface->role == WLR_XDG_SURFACE_ROLE_TOPLEVEL) {
		add_view(std::make_unique<View>(*this, surface->toplevel));
		return;
	}
	if (surface->role != WLR_XDG_SURFACE_ROLE_POPUP)
		return;

	// A popup lives in its parent's scene subtree, so it moves with it.
	wlr_xdg_surface *parent = wlr_xdg_surface_from_wlr_surface(surface->popup->parent);
	if (!parent || !parent->data)
		return;
	popups_.push_back(std::make_unique<Popup>(*this, surface->popup, static_cast<wlr_scene_tree *>(parent->data)));
}

void Server::remove_popup(Popup *popup)
{
	popups_.remove_if([popup](const auto &p) { return p.get() == popup; });
}

void Server::handle_new_decoration(wlr_xdg_toplevel_decoration_v1 *decoration)
{
	decorations_.push_back(std::make_unique<Decoration>(*this, decoration));
}

void Server::set_xray(bool on)
{
	if (on == xray_)
		return;
	xray_ = on;
	wlr_log(WLR_INFO, "x-ray %s", on ? "on" : "off");
	for (const auto &view : views_)
		view->set_xray(on);
}

void Server::notify(const std::string &text, const std::string &label)
{
	wlr_log(WLR_INFO, "notice [%s]: %s", label.c_str(), text.c_str());
	notice_->show(text, label);
}

void Server::add_view(std::unique_ptr<View> view)
{
	views_.push_front(std::move(view));
}

void Server::remove_view(View *view)
{
	views_.remove_if([view](const auto &v) { return v.get() == view; });
}

View *Server::view_at(double lx, double ly, wlr_surface **surface, double *sx, double *sy)
{
	*surface = nullptr;
	wlr_scene_node *node = wlr_scene_node_at(compat::node(view_layer_), lx, ly, sx, sy);
	if (!node)
		return nullptr;
	if (node->type == WLR_SCENE_NODE_SURFACE)
		*surface = wlr_scene_surface_from_node(node)->surface;
	// The view's outer tree carries the View pointer.
	for (wlr_scene_node *n = node; n; n = n->parent)
		if (n->data && n->parent == compat::node(view_layer_))
			return static_cast<View *>(n->data);
	return nullptr;
}

wlr_box Server::usable_area_at(double lx, double ly) const
{
	wlr_box box{};
	wlr_output *output = wlr_output_layout_output_at(output_layout_, lx, ly);
	if (!output)
		output = wlr_output_layout_get_center_output(output_layout_);
	if (output)
		box = compat::output_layout_box(output_layout_, output);
	if (box.width <= 0 || box.height <= 0)
		box = {0, 0, 1280, 720};
	return box;
}

} // namespace bulkhead
