#include "vm/reaper.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

namespace {

// new_session: as libvirt daemonizes QEMU (setsid), unlike its capability probes.
pid_t spawn(std::vector<const char *> argv, bool new_session = false)
{
	argv.push_back(nullptr);
	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	if (new_session)
		posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
	pid_t pid;
	REQUIRE(posix_spawnp(&pid, argv[0], nullptr, &attr, const_cast<char **>(argv.data()), environ) == 0);
	posix_spawnattr_destroy(&attr);
	return pid;
}

// Waits (without reaping) until pid has exited.
void wait_exited(pid_t pid)
{
	siginfo_t info{};
	REQUIRE(waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) == 0);
}

} // namespace

TEST_CASE("reaper: exited daemonized QEMU children are reaped, other children left to their waiter", "[reaper]")
{
	const pid_t qemu = spawn({"qemu-system-x86_64", "--version"}, true);
	const pid_t probe = spawn({"qemu-system-x86_64", "--version"}); // libvirt waits for this one itself
	const pid_t other = spawn({"true"}, true);
	wait_exited(qemu);
	wait_exited(probe);
	wait_exited(other);
	const std::vector<pid_t> reaped = bulkhead::vm::reap_exited_qemu();
	CHECK(reaped == std::vector<pid_t>{qemu});
	CHECK(waitpid(qemu, nullptr, WNOHANG) == -1); // gone
	int status = -1;
	CHECK(waitpid(probe, &status, 0) == probe); // still there for their waiters
	CHECK(waitpid(other, &status, 0) == other);
	CHECK(WIFEXITED(status));
	CHECK(bulkhead::vm::reap_exited_qemu().empty());
}
