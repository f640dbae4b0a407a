// The secure clipboard's rules, log lines and notice texts (compositor/clipboard/policy)
// and the sealed memfds its text travels in (protocols/wire/sealed_memfd).
#include "clipboard/policy.hpp"
#include "wire/sealed_memfd.hpp"

#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <unistd.h>

using namespace bulkhead::clipboard;

TEST_CASE("clipboard: a copy is refused when empty or over the source's limit", "[clipboard]")
{
	CHECK(refuse_copy(0, 1024) == "the clipboard is empty");
	CHECK_FALSE(refuse_copy(1, 1024));
	CHECK_FALSE(refuse_copy(1024, 1024));
	CHECK(refuse_copy(1025, 1024) == "over the limit of 1 KiB");
	CHECK(refuse_copy(65537, 65536) == "over the limit of 64 KiB");
}

TEST_CASE("clipboard: a paste needs data, another domain and room in the target", "[clipboard]")
{
	CHECK(refuse_paste(std::nullopt, "work", 1024) == "the global clipboard is empty");
	const Entry from_work{"work", "secret"};
	CHECK(refuse_paste(from_work, "work", 1024) == "it came from work");
	CHECK_FALSE(refuse_paste(from_work, "personal", 1024));
	CHECK_FALSE(refuse_paste(from_work, "dom0", 1024));
	CHECK(refuse_paste(from_work, "personal", 5) == "over personal's limit of 5 bytes");
	const Entry from_host{"dom0", "x"};
	CHECK(refuse_paste(from_host, "dom0", 1024) == "it came from dom0");
	CHECK_FALSE(refuse_paste(from_host, "work", 1));
}

TEST_CASE("clipboard: sizes read as people write them", "[clipboard]")
{
	CHECK(human_size(0) == "0 bytes");
	CHECK(human_size(1) == "1 byte");
	CHECK(human_size(1023) == "1023 bytes");
	CHECK(human_size(1024) == "1 KiB");
	CHECK(human_size(1536) == "1.5 KiB");
	CHECK(human_size(4u << 20) == "4 MiB");
}

TEST_CASE("clipboard: every copy and paste makes one log line with source, target, size and time", "[clipboard]")
{
	Event copy{Op::Copy, "work", "global", 12, 1795552333, ""};
	CHECK(log_line(copy) == "clipboard: copy from=work to=global bytes=12 time=2026-11-24T20:32:13Z ok");
	CHECK(notice_text(copy) == "Copied 12 bytes from work");
	Event refused{Op::Paste, "work", "work", 12, 1795552333, "it came from work"};
	CHECK(log_line(refused) ==
		"clipboard: paste from=work to=work bytes=12 time=2026-11-24T20:32:13Z refused: it came from work");
	CHECK(notice_text(refused) == "Paste into work refused: it came from work");
	Event paste{Op::Paste, "work", "personal", 2048, 0, ""};
	CHECK(log_line(paste) == "clipboard: paste from=work to=personal bytes=2048 time=1970-01-01T00:00:00Z ok");
	CHECK(notice_text(paste) == "Pasted 2 KiB from work into personal");
	Event over{Op::Copy, "work", "global", 70000, 0, "over the limit of 64 KiB"};
	CHECK(notice_text(over) == "Copy from work refused: over the limit of 64 KiB");
}

TEST_CASE("clipboard: text crosses the compositor-daemon boundary only in a sealed memfd within the limit", "[clipboard]")
{
	using bulkhead::wire::read_sealed_memfd;
	using bulkhead::wire::sealed_memfd;
	std::string why;

	const int fd = sealed_memfd("test", "hello");
	REQUIRE(fd >= 0);
	CHECK(read_sealed_memfd(fd, 5, 5, &why) == "hello");
	CHECK(read_sealed_memfd(fd, 3, 5, &why) == "hel");
	CHECK_FALSE(read_sealed_memfd(fd, 6, 10, &why));
	CHECK(why == "the memfd holds 5 bytes, not 6");
	CHECK_FALSE(read_sealed_memfd(fd, 5, 4, &why));
	CHECK(why == "5 bytes is over the limit of 4");
	CHECK(write(fd, "x", 1) < 0); // sealed: nobody changes it under the reader
	close(fd);

	const int empty = sealed_memfd("test", "");
	CHECK(read_sealed_memfd(empty, 0, 0, &why) == "");
	close(empty);

	// Writable memfds and pipes (which could block the compositor) are refused.
	const int open_fd = memfd_create("open", MFD_CLOEXEC);
	REQUIRE(write(open_fd, "data", 4) == 4);
	CHECK_FALSE(read_sealed_memfd(open_fd, 4, 4, &why));
	CHECK(why == "not a memfd sealed against writing and resizing");
	close(open_fd);
	int pipe_fds[2];
	REQUIRE(pipe(pipe_fds) == 0);
	CHECK_FALSE(read_sealed_memfd(pipe_fds[0], 0, 4, &why));
	close(pipe_fds[0]);
	close(pipe_fds[1]);
}
