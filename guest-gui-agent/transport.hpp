#pragma once
// The agent's end of the control stream. Local transport: the agent listens on
// a unix socket in the domain's directory and the gui-daemon connects (the same
// shape as QEMU's virtio-serial chardev, where QEMU listens on the host side),
// one connection at a time; the region memfd arrives once, with the welcome.
// VM transport: a virtio-serial port (/dev/vportNpM) opened once and kept open.
#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/types.h>

namespace bulkhead::agent {

// Creates a listening unix stream socket at path (replacing a stale one).
int listen_unix(const std::string &path, std::string *error);

// Reads up to len bytes; a descriptor passed with them (SCM_RIGHTS) is stored
// in *fd (at most one is accepted; extra ones are closed). Returns read()'s result.
ssize_t read_with_fd(int socket, void *buf, std::size_t len, int *fd);

// Writes all of buf, waiting while the peer is slow. False when the connection failed.
bool write_all(int fd, const void *buf, std::size_t len);

} // namespace bulkhead::agent
