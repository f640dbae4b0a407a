#include "wire/sealed_memfd.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bulkhead::wire {
namespace {

constexpr int required_seals = F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW;

} // namespace

int sealed_memfd(const char *name, std::string_view data)
{
	const int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	std::size_t done = 0;
	while (done < data.size()) {
		const ssize_t n = write(fd, data.data() + done, data.size() - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += static_cast<std::size_t>(n);
	}
	if (!seal_memfd(fd)) {
		close(fd);
		return -1;
	}
	return fd;
}

bool seal_memfd(int fd)
{
	return fcntl(fd, F_ADD_SEALS, required_seals | F_SEAL_SEAL) == 0;
}

bool is_sealed_memfd(int fd)
{
	const int seals = fcntl(fd, F_GET_SEALS);
	struct stat st{};
	return seals >= 0 && (seals & required_seals) == required_seals && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

std::optional<std::string> read_sealed_memfd(int fd, uint64_t size, uint64_t max_bytes, std::string *why)
{
	if (size > max_bytes) {
		*why = std::to_string(size) + " bytes is over the limit of " + std::to_string(max_bytes);
		return std::nullopt;
	}
	struct stat st{};
	if (!is_sealed_memfd(fd) || fstat(fd, &st) != 0) {
		*why = "not a memfd sealed against writing and resizing";
		return std::nullopt;
	}
	if (static_cast<uint64_t>(st.st_size) < size) {
		*why = "the memfd holds " + std::to_string(st.st_size) + " bytes, not " + std::to_string(size);
		return std::nullopt;
	}
	std::string data(size, '\0');
	std::size_t done = 0;
	while (done < size) {
		const ssize_t n = pread(fd, data.data() + done, size - done, static_cast<off_t>(done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*why = "cannot read the memfd";
			return std::nullopt;
		}
		done += static_cast<std::size_t>(n);
	}
	return data;
}

} // namespace bulkhead::wire
