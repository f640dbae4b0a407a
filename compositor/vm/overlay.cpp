#include "vm/overlay.hpp"
#include "vm/names.hpp"

#include "vm/gui_devices.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <linux/magic.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace bulkhead::vm {
namespace {

// Runs argv (PATH lookup, no shell), waits, returns its exit status; its stderr
// (and stdout) in *output.
int run(const std::vector<std::string> &argv, std::string *output)
{
	int pipe_fds[2];
	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		throw OverlayError(std::string("pipe: ") + std::strerror(errno));
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
	posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
	std::vector<char *> args;
	for (const std::string &a : argv)
		args.push_back(const_cast<char *>(a.c_str()));
	args.push_back(nullptr);
	pid_t pid;
	const int err = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
	posix_spawn_file_actions_destroy(&actions);
	close(pipe_fds[1]);
	if (err != 0) {
		close(pipe_fds[0]);
		throw OverlayError("cannot run " + argv[0] + ": " + std::strerror(err));
	}
	char buf[512];
	for (ssize_t n; (n = read(pipe_fds[0], buf, sizeof buf)) != 0;) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (output->size() < 4096)
			output->append(buf, static_cast<std::size_t>(n));
	}
	close(pipe_fds[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	return status;
}

void remove_file(const std::filesystem::path &path)
{
	std::error_code ec;
	std::filesystem::remove(path, ec);
}

} // namespace

void log_to_stderr(const std::string &line) { std::cerr << "bulkhead-vm: " << line << std::endl; }

std::filesystem::path default_overlay_dir()
{
	if (const char *runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime == '/')
		return std::filesystem::path(runtime) / "bulkhead" / "disposables";
	return "/run/bulkhead/disposables";
}

OverlayStore::OverlayStore(std::filesystem::path dir, Log log, std::filesystem::path shm_dir)
	: dir_(std::move(dir)), log_(std::move(log)), shm_dir_(std::move(shm_dir))
{
	std::error_code ec;
	std::filesystem::create_directories(dir_, ec);
	if (ec || chmod(dir_.c_str(), 0700) < 0)
		throw OverlayError("cannot create overlay directory " + dir_.string() + ": " +
			(ec ? ec.message() : std::strerror(errno)));
	struct statfs fs;
	if (statfs(dir_.c_str(), &fs) == 0 && fs.f_type != TMPFS_MAGIC && fs.f_type != RAMFS_MAGIC)
		log_("warning: overlay directory " + dir_.string() + " is not on tmpfs: disposables' writes reach a disk");
}

std::filesystem::path OverlayStore::path_for(const std::string &name) const
{
	check_domain_name(name);
	return dir_ / (name + ".qcow2");
}

std::filesystem::path OverlayStore::create(const std::string &name, const BaseDisk &base) const
{
	const std::filesystem::path overlay = path_for(name);
	if (!base.path.is_absolute())
		throw OverlayError("base disk must be an absolute path: " + base.path.string());
	std::string output;
	const int status = run({"qemu-img", "create", "-q", "-f", "qcow2", "-F", base.format, "-b", base.path.string(),
				       overlay.string()},
		&output);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		remove_file(overlay);
		while (!output.empty() && output.back() == '\n')
			output.pop_back();
		throw OverlayError("qemu-img could not create overlay " + overlay.string() + ": " +
			(output.empty() ? "exit status " + std::to_string(status) : output));
	}
	chmod(overlay.c_str(), 0600);
	return overlay;
}

void OverlayStore::remove(const std::string &name) const
{
	remove_file(path_for(name));
	remove_file(shm_dir_ / (shm_prefix + name));
}

std::vector<std::filesystem::path> OverlayStore::sweep(const std::set<std::string> &running) const
{
	std::vector<std::filesystem::path> stale;
	std::error_code ec;
	for (const auto &entry : std::filesystem::directory_iterator(dir_, ec))
		if (entry.path().extension() == ".qcow2" && !running.count(entry.path().stem().string()))
			stale.push_back(entry.path());
	for (const auto &entry : std::filesystem::directory_iterator(shm_dir_, ec)) {
		const std::string file = entry.path().filename().string();
		if (file.rfind(shm_prefix, 0) != 0)
			continue;
		const std::string name = file.substr(std::strlen(shm_prefix));
		if (is_disposable_name(name) && !running.count(name))
			stale.push_back(entry.path());
	}
	for (const auto &path : stale) {
		std::error_code rm;
		if (std::filesystem::remove(path, rm))
			log_("removed stale " + path.string() + " (its domain is not running)");
		else if (rm)
			log_("cannot remove stale " + path.string() + ": " + rm.message());
	}
	return stale;
}

} // namespace bulkhead::vm
