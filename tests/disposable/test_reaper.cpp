#include "vm/reaper.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

namespace {

pid_t spawn(std::vector<const char *> argv)
{
	argv.push_back(nullptr);
	pid_t pid;
	REQUIRE(posix_spawnp(&pid, argv[0], nullptr, nullptr, const_cast<char **>(argv.data()), environ) == 0);
	return pid;
}

// Waits (without reaping) until pid has exited.
void wait_exited(pid_t pid)
{
	siginfo_t info{};
	REQUIRE(waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) == 0);
}

} // namespace

TEST_CASE("reaper: exited QEMU children are reaped, other children left to their waiter", "[reaper]")
{
	const pid_t qemu = spawn({"qemu-system-x86_64", "--version"});
	const pid_t other = spawn({"true"});
	wait_exited(qemu);
	wait_exited(other);
	const std::vector<pid_t> reaped = bulkhead::vm::reap_exited_qemu();
	CHECK(reaped == std::vector<pid_t>{qemu});
	CHECK(waitpid(qemu, nullptr, WNOHANG) == -1); // gone
	int status = -1;
	CHECK(waitpid(other, &status, 0) == other);  // still there for its waiter
	CHECK(WIFEXITED(status));
	CHECK(bulkhead::vm::reap_exited_qemu().empty());
}
