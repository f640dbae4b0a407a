#pragma once
// The shared pixel region as the agent sees it: a mapping of the memfd the
// daemon passed (local transport) or of the ivshmem BAR (in a VM).
#include <cstddef>
#include <cstdint>
#include <string>

namespace bulkhead::agent {

class SharedRegion {
public:
	SharedRegion() = default;
	SharedRegion(const SharedRegion &) = delete;
	SharedRegion &operator=(const SharedRegion &) = delete;
	~SharedRegion();

	// Maps `size` bytes of fd read/write; false (with *error) on failure.
	bool map_fd(int fd, uint64_t size, std::string *error);
	// Maps a file such as /sys/bus/pci/devices/<bdf>/resource2.
	bool map_path(const std::string &path, uint64_t size, std::string *error);
	void unmap();

	uint8_t *data() const { return data_; }
	uint64_t size() const { return size_; }
	bool mapped() const { return data_ != nullptr; }

private:
	uint8_t *data_ = nullptr;
	uint64_t size_ = 0;
};

} // namespace bulkhead::agent
