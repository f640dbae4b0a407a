#pragma once
// Disposables' differencing disks: qcow2 overlays over a template's read-only
// base, kept in a RAM-backed directory so nothing a disposable writes reaches a
// disk, and removed with the disposable (or by the sweep after a crash).
//
// qemu-img rather than libvirt's storage API: both take ~25 ms, but the storage
// API needs a storage pool defined and kept on the connection, which the test
// driver only pretends to fill (no real file), while the overlay, its sweep and
// the /dev/shm region are files on this host whichever URI is used.
#include "vm/disposable_xml.hpp"
#include "vm/log.hpp"

#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace bulkhead::vm {

class OverlayError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

// $XDG_RUNTIME_DIR/bulkhead/disposables, else /run/bulkhead/disposables.
std::filesystem::path default_overlay_dir();

class OverlayStore {
public:
	// Creates dir (mode 0700) when missing; logs a warning when it is not on
	// tmpfs. shm_dir is where libvirt puts <shmem> regions.
	OverlayStore(std::filesystem::path dir, Log log, std::filesystem::path shm_dir = "/dev/shm");

	const std::filesystem::path &dir() const { return dir_; }
	std::filesystem::path path_for(const std::string &name) const;
	// Runs qemu-img (no shell); returns the overlay's path. Throws OverlayError
	// with qemu-img's own message.
	std::filesystem::path create(const std::string &name, const BaseDisk &base) const;
	// Removes the overlay and /dev/shm/bulkhead-NAME; absent files are fine.
	void remove(const std::string &name) const;
	// Removes overlays and bulkhead-dispN regions whose domain is not in running,
	// logging each; returns the removed paths.
	std::vector<std::filesystem::path> sweep(const std::set<std::string> &running) const;

private:
	std::filesystem::path dir_;
	Log log_;
	std::filesystem::path shm_dir_;
};

} // namespace bulkhead::vm
