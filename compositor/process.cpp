#include "process.hpp"

#include <climits>
#include <csignal>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace bulkhead {

ProcessSpec shell_command(const std::string &command)
{
	ProcessSpec spec;
	spec.argv = {"/bin/sh", "-c", command};
	return spec;
}

std::string helper_path(const std::string &name)
{
	std::error_code ec;
	const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
	if (!ec) {
		const std::filesystem::path dir = self.parent_path();
		for (const auto &candidate : {dir / name, dir.parent_path() / "gui-daemon" / name,
			     dir.parent_path() / "guest-gui-agent" / name}) {
			if (access(candidate.c_str(), X_OK) == 0)
				return candidate.string();
		}
	}
	return name;
}

pid_t spawn_process(const ProcessSpec &spec)
{
	if (spec.argv.empty())
		return -1;
	// Everything the child needs is prepared before fork: only async-signal-safe
	// calls happen after it.
	std::vector<char *> argv;
	for (const auto &a : spec.argv)
		argv.push_back(const_cast<char *>(a.c_str()));
	argv.push_back(nullptr);

	const pid_t pid = fork();
	if (pid != 0)
		return pid;

	sigset_t set;
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, nullptr);
	setsid();
	for (const auto &[name, value] : spec.env)
		setenv(name.c_str(), value.c_str(), 1);
	for (const auto &name : spec.unset_env)
		unsetenv(name.c_str());
	// Move inherited descriptors to their numbers without clobbering one another:
	// first out of the way, then into place.
	std::vector<int> moved;
	for (const auto &[from, to] : spec.fds)
		moved.push_back(fcntl(from, F_DUPFD, 100));
	for (std::size_t i = 0; i < spec.fds.size(); ++i) {
		dup2(moved[i], spec.fds[i].second); // dup2 clears FD_CLOEXEC on the copy
		close(moved[i]);
	}
	execvp(argv[0], argv.data());
	_exit(127);
}

} // namespace bulkhead
