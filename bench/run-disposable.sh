#!/bin/sh
# Disposable benchmark (create, boot to the GUI channel, destroy) with a real
# QEMU under TCG through qemu:///embed. Usage:
#   bench/run-disposable.sh [BUILD_DIR] [ROUNDS]
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
rounds="${2:-3}"
image="$build/tests/disposable/boot-image"
# Not under /dev/shm: the embedded driver moves /dev/shm into its root.
work="$(mktemp -d /tmp/bulkhead-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT INT TERM

"$root/tests/disposable/make-boot-image.sh" "$image"
qemu-img create -q -f qcow2 "$work/base.qcow2" 64M
sed -e "s|BASE|$work/base.qcow2|g" -e "s|KERNEL|$image/vmlinux|" -e "s|INITRD|$image/initrd.img|" \
	-e "s|CONSOLE|$work/console.log|" "$root/tests/data/vm/boot-template.xml" >"$work/template.xml"
"$build/bench/bulkhead-bench-disposable" "$work/template.xml" "$work" "$rounds"
