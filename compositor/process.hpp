#pragma once
// Starting child processes: each in its own session (so a whole program tree can
// be signalled and a launch can be recognised by its session id), with a clean
// signal mask and only the file descriptors named here inherited.
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace bulkhead {

struct ProcessSpec {
	std::vector<std::string> argv;                          // argv[0] is looked up in PATH
	std::vector<std::pair<std::string, std::string>> env;   // set (value) in the child
	std::vector<std::string> unset_env;                     // removed in the child
	std::vector<std::pair<int, int>> fds;                   // (fd in parent, fd number in child)
};

// Returns the pid, or -1 (errno set) when fork failed. A failed exec makes the
// child exit with status 127.
pid_t spawn_process(const ProcessSpec &spec);

// A shell command line, run with /bin/sh -c.
ProcessSpec shell_command(const std::string &command);

// Where a Bulkhead helper program (bulkhead-agent, bulkhead-gui-daemon) is: next
// to this executable when installed, in its build-tree folder when run from the
// build tree, else the bare name for a PATH lookup.
std::string helper_path(const std::string &name);

} // namespace bulkhead
