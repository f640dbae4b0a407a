#pragma once
// The secure clipboard's rules and words, free of wlroots so they are unit
// tested on their own: what a copy or a paste may do, the log line that
// records it and the notice that tells the user.
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

namespace bulkhead::clipboard {

// What the global clipboard holds between a copy and the paste that empties it.
struct Entry {
	std::string source; // the domain it was copied from ("dom0": the host)
	std::string data;
};

enum class Op { Copy, Paste };

// One copy or paste as it is logged and shown; `refused` empty when it happened.
struct Event {
	Op op = Op::Copy;
	std::string source, target; // copy: target "global"; paste: source is the entry's domain
	std::size_t bytes = 0;
	std::time_t time = 0;
	std::string refused;        // why not, in a few words
};

// Why a copy of `bytes` from a domain whose limit is `limit_bytes` is refused.
std::optional<std::string> refuse_copy(std::size_t bytes, std::size_t limit_bytes);
// Why pasting into `target` (limit `limit_bytes`) is refused: nothing to
// paste, back into the domain it came from, or over the target's limit.
std::optional<std::string> refuse_paste(const std::optional<Entry> &global, const std::string &target,
	std::size_t limit_bytes);

// "clipboard: copy from=work to=global bytes=12 time=2026-11-24T20:32:13Z ok"
// (or "refused: WHY" in place of "ok").
std::string log_line(const Event &event);
// The short text of the on-screen notice.
std::string notice_text(const Event &event);
// "12 bytes", "1.5 KiB", "2 MiB".
std::string human_size(std::size_t bytes);

} // namespace bulkhead::clipboard
