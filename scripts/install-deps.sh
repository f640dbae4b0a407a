#!/bin/sh
# Installs the Debian 12 packages Bulkhead needs to build, run and test.
# Only missing packages are installed, so a second run costs nothing.
set -eu

# qemu:///embed loads libvirt_driver_qemu.so (libvirt-daemon-driver-qemu) into our process.
PACKAGES="
build-essential meson ninja-build pkg-config git
libwlroots-dev libwayland-dev wayland-protocols libdrm-dev libpixman-1-dev
libxkbcommon-dev xkb-data libinput-dev libcairo2-dev libpango1.0-dev
libpng-dev libtomlplusplus-dev libcli11-dev catch2
fonts-dejavu-core
foot weston grim wtype wl-clipboard
qemu-system-x86 qemu-utils libvirt-daemon libvirt-daemon-driver-qemu libvirt-dev libpugixml-dev
busybox-static e2fsprogs xz-utils
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-deps: missing packages:$missing (run as root to install them)" >&2
		exit 1
	fi
	echo "install-deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi

# libvirt's QEMU driver (also in process, qemu:///embed) looks up its default
# user before reading qemu.conf; Debian creates it with libvirt-daemon-system,
# which would pull in a whole system daemon setup.
if ! getent passwd libvirt-qemu > /dev/null; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "install-deps: the libvirt-qemu user is missing (run as root to create it)" >&2
		exit 1
	fi
	useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --user-group libvirt-qemu
fi
