#include "clipboard/policy.hpp"

#include <cstdio>

namespace bulkhead::clipboard {

std::string human_size(std::size_t bytes)
{
	char buf[32];
	if (bytes < 1024)
		std::snprintf(buf, sizeof buf, "%zu byte%s", bytes, bytes == 1 ? "" : "s");
	else if (bytes < 1024 * 1024)
		std::snprintf(buf, sizeof buf, "%.3g KiB", static_cast<double>(bytes) / 1024);
	else
		std::snprintf(buf, sizeof buf, "%.3g MiB", static_cast<double>(bytes) / (1024 * 1024));
	return buf;
}

std::optional<std::string> refuse_copy(std::size_t bytes, std::size_t limit_bytes)
{
	if (bytes == 0)
		return std::string("the clipboard is empty");
	if (bytes > limit_bytes)
		return "over the limit of " + human_size(limit_bytes);
	return std::nullopt;
}

std::optional<std::string> refuse_paste(const std::optional<Entry> &global, const std::string &target,
	std::size_t limit_bytes)
{
	if (!global)
		return std::string("the global clipboard is empty");
	if (global->source == target)
		return "it came from " + target;
	if (global->data.size() > limit_bytes)
		return "over " + target + "'s limit of " + human_size(limit_bytes);
	return std::nullopt;
}

std::string log_line(const Event &e)
{
	char when[32] = "?";
	std::tm tm{};
	if (gmtime_r(&e.time, &tm))
		std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return std::string("clipboard: ") + (e.op == Op::Copy ? "copy" : "paste") + " from=" + e.source +
		" to=" + e.target + " bytes=" + std::to_string(e.bytes) + " time=" + when + " " +
		(e.refused.empty() ? "ok" : "refused: " + e.refused);
}

std::string notice_text(const Event &e)
{
	if (e.op == Op::Copy)
		return e.refused.empty() ? "Copied " + human_size(e.bytes) + " from " + e.source
					 : "Copy from " + e.source + " refused: " + e.refused;
	return e.refused.empty() ? "Pasted " + human_size(e.bytes) + " from " + e.source + " into " + e.target
				 : "Paste into " + e.target + " refused: " + e.refused;
}

} // namespace bulkhead::clipboard
