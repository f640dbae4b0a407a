#pragma once
// A real QEMU VM for the tests, booted from the guest image
// (scripts/build-guest-image.sh) through libvirt's in-process QEMU driver
// (qemu:///embed, no daemon), with Bulkhead's two devices: the virtio-serial
// channel of the GUI wire protocol and the ivshmem-plain pixel region.
// The test process becomes a child subreaper and reaps QEMU itself, which
// makes destroying a domain (and libvirt's capability probe) fast (VM-NOTES).
#include <chrono>
#include <string>
#include <sys/types.h>
#include <thread>

typedef struct _virConnect *virConnectPtr;
typedef struct _virDomain *virDomainPtr;

namespace harness {

struct GuestImage {
	std::string vmlinux, initramfs, base_disk;
	// $BULKHEAD_GUEST_IMAGE (built by the guest-image target).
	static GuestImage from_env();
};

// A private root for libvirt's embedded QEMU driver: its qemu.conf, and the
// capability cache every test shares.
void prepare_libvirt_root(const std::string &root);

class QemuVm {
public:
	// Prepares a private libvirt root (etc/qemu.conf); nothing runs yet.
	// apps: the guest's bulkhead.apps.
	QemuVm(const GuestImage &image, const std::string &apps, int region_mib = 64);
	~QemuVm();
	QemuVm(const QemuVm &) = delete;
	QemuVm &operator=(const QemuVm &) = delete;

	// What the compositor's [[domain]] needs to reach this VM.
	const std::string &gui_socket() const { return gui_socket_; }
	const std::string &region_file() const { return region_file_; }
	int region_mib() const { return region_mib_; }
	const std::string &serial_log() const { return serial_log_; }

	// Creates an overlay of the base disk, then defines and starts the domain
	// (transient); fails the test when libvirt refuses.
	void start();
	pid_t qemu_pid() const { return qemu_pid_; }
	// The guest's serial console so far.
	std::string serial() const;
	bool wait_serial(const std::string &text, std::chrono::milliseconds timeout) const;
	void destroy();

private:
	std::string root_, name_, gui_socket_, region_file_, serial_log_, base_disk_, overlay_, xml_;
	int region_mib_;
	virConnectPtr conn_ = nullptr;
	virDomainPtr domain_ = nullptr;
	pid_t qemu_pid_ = -1;
	int qemu_pidfd_ = -1;
	std::thread events_;
	bool stop_events_ = false;
};

} // namespace harness
