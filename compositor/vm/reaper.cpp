#include "vm/reaper.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bulkhead::vm {

bool become_child_subreaper() { return prctl(PR_SET_CHILD_SUBREAPER, 1) == 0; }

std::vector<pid_t> reap_exited_qemu()
{
	// /proc/PID/stat: "PID (COMM) STATE PPID ..."; COMM may hold spaces and ')'.
	std::vector<pid_t> reaped;
	const pid_t self = getpid();
	const long own_session = getsid(0);
	std::error_code ec;
	for (const auto &entry : std::filesystem::directory_iterator("/proc", ec)) {
		const std::string pid_text = entry.path().filename().string();
		if (pid_text.find_first_not_of("0123456789") != std::string::npos)
			continue;
		std::ifstream in(entry.path() / "stat");
		std::string stat;
		std::getline(in, stat);
		const auto open = stat.find('('), close = stat.rfind(')');
		if (open == std::string::npos || close == std::string::npos || close + 4 >= stat.size())
			continue;
		const std::string comm = stat.substr(open + 1, close - open - 1);
		char state = 0;
		long ppid = 0, pgrp = 0, session = 0;
		if (std::sscanf(stat.c_str() + close + 2, "%c %ld %ld %ld", &state, &ppid, &pgrp, &session) != 4)
			continue;
		// Only a daemonized QEMU (a session of its own) came to us as its
		// subreaper: a QEMU that libvirt ran directly (a capability probe) is
		// libvirt's to wait for, and taking it would fail libvirt's wait.
		if (state != 'Z' || ppid != self || session == own_session || comm.rfind("qemu-system", 0) != 0)
			continue;
		const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
		if (waitpid(pid, nullptr, WNOHANG) == pid)
			reaped.push_back(pid);
	}
	return reaped;
}

} // namespace bulkhead::vm
