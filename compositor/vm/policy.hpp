#pragma once
// Which domains may ask the host to open a file in a new disposable.
#include "vm/metadata.hpp"

#include <optional>
#include <string>
#include <vector>

namespace bulkhead::vm {

struct PolicyConfig {
	// Domains allowed to ask. nullopt (the default): every domain of role app.
	// A listed domain must still be an app domain.
	std::optional<std::vector<std::string>> open_from; // config: disposables.open_from
};

enum class Verdict { Allow, Ask, Deny };
std::string to_string(Verdict verdict);

struct Decision {
	Verdict verdict;
	std::string reason; // for the log and the notice shown to the user
};

// requester: the asking domain's name; role: its role, nullopt when Bulkhead
// does not manage it. A disposable asking to start another is asked about (it
// may be a compromised document asking to spread); templates never run
// untrusted content and unknown domains are not ours: both denied.
Decision decide_open_in_disposable(
	const PolicyConfig &config, const std::string &requester, const std::optional<Role> &role);

} // namespace bulkhead::vm
