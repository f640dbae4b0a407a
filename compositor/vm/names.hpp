#pragma once
// Disposables are named dispN (N >= 1): the name marks them in libvirt, in
// their files and in the config (which keeps such names for them). Header-only,
// so the config parser uses it without the VM library.
#include <set>
#include <string>

namespace bulkhead::vm {

inline bool is_disposable_name(const std::string &name)
{
	return name.size() > 4 && name.rfind("disp", 0) == 0 &&
		name.find_first_not_of("0123456789", 4) == std::string::npos;
}

// The lowest dispN (N >= 1) not in taken (names libvirt knows plus ones being created).
inline std::string next_disposable_name(const std::set<std::string> &taken)
{
	for (unsigned n = 1;; ++n)
		if (std::string name = "disp" + std::to_string(n); !taken.count(name))
			return name;
}

} // namespace bulkhead::vm
