#pragma once
// With libvirt's embedded QEMU driver, QEMU is daemonized by our process and
// re-parented to PID 1, and libvirt's destroy waits until it is reaped: 1.9 s
// here, where PID 1 reaps slowly, against 0.25 s when this process is a child
// subreaper and reaps QEMU itself (bench/run-disposable.sh). libvirt waits for
// its other children itself, so a SIGCHLD handler must reap only QEMU, never
// waitpid(-1).
#include <sys/types.h>
#include <vector>

namespace bulkhead::vm {

// prctl(PR_SET_CHILD_SUBREAPER); false (errno set) on failure.
bool become_child_subreaper();
// Reaps this process's exited QEMU children; returns their pids.
std::vector<pid_t> reap_exited_qemu();

} // namespace bulkhead::vm
