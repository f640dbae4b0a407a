#include "clipboard/clipboard.hpp"

#include "desktop/view.hpp"
#include "domains/domain.hpp"
#include "domains/domain_protocol.hpp"
#include "input/seat.hpp"
#include "server.hpp"
#include "wire/messages.hpp"
#include "wire/sealed_memfd.hpp"

namespace bulkhead {
namespace {

// The host's own clipboard may move as much as any domain may be allowed.
constexpr std::size_t host_limit = bulkhead::wire::limit::clipboard_bytes;
// How long a domain has to answer a copy.
constexpr int answer_timeout_ms = 3000;

} // namespace

Clipboard::Clipboard(Server &server) : server_(server)
{
	timeout_ = wl_event_loop_add_timer(server_.event_loop(), &Clipboard::handle_timeout, this);
}

Clipboard::~Clipboard()
{
	host_read_.reset();
	if (timeout_)
		wl_event_source_remove(timeout_);
}

Clipboard::Party Clipboard::party_of(View *view) const
{
	// From the compositor's own record of the connection, as the frame's colour.
	if (const Domain *d = server_.domains().domain_of(view->client()))
		return {d->name(), d->label(), static_cast<std::size_t>(d->config().clipboard_max_kib) * 1024};
	return {"dom0", "dom0", host_limit};
}

void Clipboard::record(clipboard::Event event, const std::string &label)
{
	event.time = std::time(nullptr);
	wlr_log(WLR_INFO, "%s", clipboard::log_line(event).c_str());
	server_.notify(clipboard::notice_text(event), label);
}

void Clipboard::cancel_copy()
{
	pending_.reset();
	pending_client_destroy_.disconnect();
	host_read_.reset();
	wl_event_source_timer_update(timeout_, 0);
}

void Clipboard::copy(View *focused)
{
	if (!focused) {
		server_.notify("Nothing to copy from: no window has the focus", "dom0");
		return;
	}
	cancel_copy(); // the newest gesture wins
	const auto [domain, label, limit] = party_of(focused);
	if (!focused->is_vm()) {
		// The host's own selection, as any host client set it. Read one byte
		// past the limit so "too large" is known without reading it all.
		host_read_ = std::make_unique<SelectionReader>(server_.event_loop(), server_.seat().wlr()->selection_source,
			limit + 1, [this, domain, label, limit](SelectionReader::Status status, std::string data) {
				finish_copy(domain, label, limit, status, std::move(data));
				host_read_.reset(); // destroys the reader: nothing may follow
			});
		return;
	}
	PendingCopy p{++next_serial_, focused->client(), domain, label, limit};
	if (!server_.domains().protocol().request_clipboard(p.client, p.serial)) {
		record({clipboard::Op::Copy, domain, "global", 0, 0, "its gui-daemon cannot pass a clipboard"}, label);
		return;
	}
	pending_ = p;
	wl_event_source_timer_update(timeout_, answer_timeout_ms);
	pending_client_destroy_.connect_client_destroy(p.client, [this](void *) {
		const PendingCopy gone = *pending_;
		cancel_copy();
		record({clipboard::Op::Copy, gone.domain, "global", 0, 0, "its GUI connection ended"}, gone.label);
	});
}

void Clipboard::finish_copy(const std::string &domain, const std::string &label, std::size_t limit,
	SelectionReader::Status status, std::string data)
{
	using Status = SelectionReader::Status;
	clipboard::Event e{clipboard::Op::Copy, domain, "global", data.size(), 0, ""};
	if (status == Status::TooLarge) {
		e.bytes = limit + 1;
		e.refused = "more than the limit of " + clipboard::human_size(limit);
	} else if (status == Status::Failed) {
		e.refused = "the clipboard could not be read";
	} else if (auto why = clipboard::refuse_copy(data.size(), limit)) {
		e.refused = *why;
	}
	if (e.refused.empty())
		global_ = clipboard::Entry{domain, std::move(data)};
	record(e, label);
}

bool Clipboard::handle_domain_data(wl_client *client, uint32_t serial, int fd, uint32_t size, std::string *error)
{
	if (!pending_ || pending_->client != client || pending_->serial != serial) {
		// An answer to a copy the user gave up on (a newer gesture, a timeout)
		// is dropped; a serial never sent is a broken daemon.
		if (serial > next_serial_ || serial == 0) {
			*error = "clipboard_data for serial " + std::to_string(serial) + ", never requested";
			return false;
		}
		return true;
	}
	const PendingCopy p = *pending_;
	cancel_copy();
	if (size > host_limit) {
		*error = "clipboard_data of " + std::to_string(size) + " bytes, over the wire's limit";
		return false;
	}
	if (size > p.limit) {
		// An honest domain with too much text: refused, nothing read.
		record({clipboard::Op::Copy, p.domain, "global", size, 0, "over the limit of " + clipboard::human_size(p.limit)},
			p.label);
		return true;
	}
	std::string why;
	auto data = wire::read_sealed_memfd(fd, size, p.limit, &why);
	if (!data) {
		*error = "clipboard_data: " + why;
		return false;
	}
	finish_copy(p.domain, p.label, p.limit, SelectionReader::Status::Ok, std::move(*data));
	return true;
}

int Clipboard::handle_timeout(void *data)
{
	auto *self = static_cast<Clipboard *>(data);
	if (self->pending_) {
		const PendingCopy p = *self->pending_;
		self->cancel_copy();
		self->record({clipboard::Op::Copy, p.domain, "global", 0, 0, "it did not answer"}, p.label);
	}
	return 0;
}

void Clipboard::paste(View *focused)
{
	if (!focused) {
		server_.notify("Nothing to paste into: no window has the focus", "dom0");
		return;
	}
	const auto [target, label, limit] = party_of(focused);
	const std::string source = global_ ? global_->source : "global";
	const std::size_t bytes = global_ ? global_->data.size() : 0;
	if (auto why = clipboard::refuse_paste(global_, target, limit)) {
		record({clipboard::Op::Paste, source, target, bytes, 0, *why}, label);
		return;
	}
	bool delivered = true;
	if (focused->is_vm())
		delivered = server_.domains().protocol().paste_clipboard(focused->client(), global_->data);
	else
		wlr_seat_set_selection(server_.seat().wlr(), create_text_source(server_.event_loop(), global_->data),
			wl_display_next_serial(server_.display()));
	if (!delivered) {
		record({clipboard::Op::Paste, source, target, bytes, 0, "its gui-daemon cannot take a paste"}, label);
		return;
	}
	global_.reset(); // one paste per copy
	record({clipboard::Op::Paste, source, target, bytes, 0, ""}, label);
}

} // namespace bulkhead
