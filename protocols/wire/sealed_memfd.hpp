#pragma once
// Clipboard text between the compositor and a gui-daemon travels in sealed
// memfds (bulkhead_domain_manager_v1 clipboard_data / clipboard_paste): a
// Wayland message is too small for it, and a sealed memfd can neither block
// the reader (as a pipe or FIFO could) nor change under it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bulkhead::wire {

// A new memfd holding `data`, sealed against writing, shrinking and growing;
// -1 on failure (errno set).
int sealed_memfd(const char *name, std::string_view data);

// Seals a memfd made with MFD_ALLOW_SEALING and written in full, as
// sealed_memfd() does (for contents written piece by piece); false (errno set)
// when it cannot be sealed.
bool seal_memfd(int fd);

// Whether fd is a memfd so sealed: nobody can change what it holds any more.
bool is_sealed_memfd(int fd);

// The first `size` bytes of fd, when fd is a memfd so sealed, at least `size`
// bytes long, and size <= max_bytes; nullopt otherwise (with the reason in *why).
std::optional<std::string> read_sealed_memfd(int fd, uint64_t size, uint64_t max_bytes, std::string *why);

} // namespace bulkhead::wire
