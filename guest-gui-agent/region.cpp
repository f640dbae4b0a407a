#include "region.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bulkhead::agent {

SharedRegion::~SharedRegion()
{
	unmap();
}

bool SharedRegion::map_fd(int fd, uint64_t size, std::string *error)
{
	unmap();
	struct stat st {};
	if (fstat(fd, &st) != 0) {
		*error = std::string("fstat: ") + strerror(errno);
		return false;
	}
	// A regular file or memfd must really be as large as announced, or touching
	// its end would SIGBUS.
	if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) < size) {
		*error = "the region is " + std::to_string(st.st_size) + " bytes, not the announced " +
			std::to_string(size);
		return false;
	}
	void *p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		*error = std::string("mmap: ") + strerror(errno);
		return false;
	}
	data_ = static_cast<uint8_t *>(p);
	size_ = size;
	return true;
}

bool SharedRegion::map_path(const std::string &path, uint64_t size, std::string *error)
{
	const int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		*error = "open " + path + ": " + strerror(errno);
		return false;
	}
	const bool ok = map_fd(fd, size, error);
	close(fd);
	return ok;
}

void SharedRegion::unmap()
{
	if (data_)
		munmap(data_, size_);
	data_ = nullptr;
	size_ = 0;
}

} // namespace bulkhead::agent
