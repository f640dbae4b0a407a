#include "input/activation.hpp"

#include "desktop/view.hpp"
#include "domains/domain.hpp"
#include "input/seat.hpp"
#include "server.hpp"

#include <algorithm>

namespace bulkhead {
namespace {
constexpr std::size_t presses_kept = 32;
}

Activation::Activation(Server &server)
	: server_(server), activation_(wlr_xdg_activation_v1_create(server.display()))
{
	request_activate_.connect(&activation_->events.request_activate,
		[this](void *d) { handle_request_activate(d); });
}

Activation::~Activation()
{
	request_activate_.disconnect();
}

std::string Activation::domain_name(wl_client *client) const
{
	const Domain *domain = server_.domains().domain_of(client);
	return domain ? domain->name() : "dom0";
}

void Activation::note_input(wl_client *client)
{
	if (!client)
		return;
	// The serial of the event just sent: wlroots takes it from the display's counter.
	presses_.push_back({wl_display_get_serial(server_.display()), domain_name(client)});
	if (presses_.size() > presses_kept)
		presses_.pop_front();
}

void Activation::handle_request_activate(void *data)
{
	auto *event = static_cast<wlr_xdg_activation_v1_request_activate_event *>(data);
	View *view = nullptr;
	for (const auto &v : server_.views())
		if (v->mapped() && v->surface() == event->surface)
			view = v.get();
	if (!view)
		return;
	const wlr_xdg_activation_token_v1 *token = event->token;
	const std::string domain = domain_name(view->client());
	std::string refusal;
	if (view->is_vm())
		refusal = "a VM window never takes focus by itself";
	else if (!token->seat || token->seat != server_.seat().wlr())
		refusal = "the token carries no input event";
	else if (std::none_of(presses_.begin(), presses_.end(), [&](const Press &p) {
			 return p.serial == token->serial && p.domain == domain;
		 }))
		refusal = "the token's serial " + std::to_string(token->serial) +
			" is no recent key or button press of domain " + domain;
	else if (token->surface && domain_name(wl_resource_get_client(token->surface->resource)) != domain)
		refusal = "the token was asked for by a window of another domain";

	if (!refusal.empty()) {
		wlr_log(WLR_INFO, "activation refused %s: %s; marked urgent", view->describe().c_str(), refusal.c_str());
		view->set_urgent(true);
		return;
	}
	wlr_log(WLR_INFO, "activation granted %s", view->describe().c_str());
	server_.seat().focus_view(view);
}

} // namespace bulkhead
