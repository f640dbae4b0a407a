#include "region_allocator.hpp"

namespace bulkhead::agent {

RegionAllocator::RegionAllocator(uint64_t region_size, uint64_t alignment)
	: size_(region_size & ~(alignment - 1)), alignment_(alignment)
{
	if (size_ > 0)
		free_[0] = size_;
}

std::optional<uint64_t> RegionAllocator::allocate(uint64_t size)
{
	if (size == 0 || size > size_)
		return std::nullopt;
	const uint64_t rounded = (size + alignment_ - 1) & ~(alignment_ - 1);
	for (auto it = free_.begin(); it != free_.end(); ++it) {
		if (it->second < rounded)
			continue;
		const uint64_t offset = it->first;
		const uint64_t rest = it->second - rounded;
		free_.erase(it);
		if (rest > 0)
			free_[offset + rounded] = rest;
		used_[offset] = rounded;
		in_use_ += rounded;
		return offset;
	}
	return std::nullopt;
}

bool RegionAllocator::release(uint64_t offset)
{
	auto used = used_.find(offset);
	if (used == used_.end())
		return false;
	uint64_t start = offset;
	uint64_t length = used->second;
	in_use_ -= length;
	used_.erase(used);

	// Merge with the free neighbours on both sides.
	auto next = free_.lower_bound(start);
	if (next != free_.end() && next->first == start + length) {
		length += next->second;
		next = free_.erase(next);
	}
	if (next != free_.begin()) {
		auto prev = std::prev(next);
		if (prev->first + prev->second == start) {
			start = prev->first;
			length += prev->second;
			free_.erase(prev);
		}
	}
	free_[start] = length;
	return true;
}

} // namespace bulkhead::agent
