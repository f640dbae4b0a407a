#pragma once
// Allocation of pixel buffers inside the domain's shared-memory region. The
// region is fixed in size (set by the host) and shared with the host for the
// whole session, so the agent hands out offsets, never file descriptors.
#include <cstdint>
#include <map>
#include <optional>

namespace bulkhead::agent {

class RegionAllocator {
public:
	// Offsets are multiples of `alignment` (a power of two), so every buffer
	// starts page-aligned and a stride-aligned row never straddles the start.
	explicit RegionAllocator(uint64_t region_size, uint64_t alignment = 4096);

	// First fit; nullopt when no free span is large enough.
	std::optional<uint64_t> allocate(uint64_t size);
	// Returns a span from allocate(); unknown offsets are ignored (and reported).
	bool release(uint64_t offset);

	uint64_t region_size() const { return size_; }
	uint64_t bytes_in_use() const { return in_use_; }
	std::size_t allocations() const { return used_.size(); }

private:
	uint64_t size_;
	uint64_t alignment_;
	uint64_t in_use_ = 0;
	std::map<uint64_t, uint64_t> free_; // offset -> length, coalesced
	std::map<uint64_t, uint64_t> used_; // offset -> length
};

} // namespace bulkhead::agent
