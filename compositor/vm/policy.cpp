#include "vm/policy.hpp"

#include <algorithm>

namespace bulkhead::vm {

std::string to_string(Verdict verdict)
{
	switch (verdict) {
	case Verdict::Allow: return "allow";
	case Verdict::Ask: return "ask";
	case Verdict::Deny: break;
	}
	return "deny";
}

Decision decide_open_in_disposable(
	const PolicyConfig &config, const std::string &requester, const std::optional<Role> &role)
{
	const std::string who = "domain '" + requester + "'";
	if (!role)
		return {Verdict::Deny, who + " is not managed by Bulkhead"};
	switch (*role) {
	case Role::Disposable:
		return {Verdict::Ask, who + " is a disposable asking to start another disposable"};
	case Role::Template:
	case Role::DisposableTemplate:
		return {Verdict::Deny, who + " is a " + to_string(*role) + "; templates may not open files in disposables"};
	case Role::App:
		break;
	}
	if (!config.open_from)
		return {Verdict::Allow, who + " is an app domain (all app domains may by default)"};
	const auto &allowed = *config.open_from;
	if (std::find(allowed.begin(), allowed.end(), requester) != allowed.end())
		return {Verdict::Allow, who + " is listed in disposables.open_from"};
	return {Verdict::Deny, who + " is not listed in disposables.open_from"};
}

} // namespace bulkhead::vm
