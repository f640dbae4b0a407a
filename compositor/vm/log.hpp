#pragma once
// Where the VM code's log lines go; the compositor passes one that calls wlr_log.
#include <functional>
#include <string>

namespace bulkhead::vm {

using Log = std::function<void(const std::string &line)>;
// Writes "bulkhead-vm: LINE" to stderr.
void log_to_stderr(const std::string &line);

} // namespace bulkhead::vm
