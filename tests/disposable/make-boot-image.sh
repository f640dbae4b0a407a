#!/bin/sh
# make-boot-image.sh OUTDIR: what the disposable boot test runs, built once and
# reused. OUTDIR/vmlinux is Debian's kernel uncompressed (it boots by PVH, so
# TCG does not spend seconds decompressing it); OUTDIR/initrd.img holds
# busybox, the virtio modules and an /init that writes a marker to its disk,
# says so on the GUI channel, and powers off when the host answers "poweroff".
# Needs apt-get (the kernel package is downloaded, not installed) and
# busybox-static.
set -eu
out=$(realpath -m "$1")
[ -f "$out/vmlinux" ] && [ -f "$out/initrd.img" ] && exit 0
mkdir -p "$out"
work=$(mktemp -d "$out/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

pkg=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
[ -n "$pkg" ] || { echo "make-boot-image: no Debian kernel package found" >&2; exit 1; }
apt-get download -q "$pkg" >&2
dpkg-deb -x ./*.deb pkg
vmlinuz=$(ls pkg/boot/vmlinuz-*)
kver=${vmlinuz##*/vmlinuz-}

# The kernel tree's extract-vmlinux method: decompress from the XZ magic on.
offset=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -n 1 | cut -d: -f1)
tail -c +"$((offset + 1))" "$vmlinuz" | xz -dcq > vmlinux 2>/dev/null || true
[ "$(head -c 4 vmlinux | tail -c 3)" = ELF ] || { echo "make-boot-image: no ELF kernel in $vmlinuz" >&2; exit 1; }

mkdir -p root/bin root/modules
cp /bin/busybox root/bin/busybox
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk virtio_console; do
	cp "$(find "pkg/lib/modules/$kver" -name "$m.ko" | head -n 1)" root/modules/
done
cat > root/init <<'INIT'
#!/bin/busybox sh
b=/bin/busybox
$b mkdir -p /proc /sys /dev
$b mount -t proc proc /proc
$b mount -t sysfs sys /sys
$b mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk virtio_console; do
	$b insmod /modules/$m.ko
done
port=
while [ ! -b /dev/vda ] || [ -z "$port" ]; do
	for p in /sys/class/virtio-ports/*; do
		[ "$($b cat "$p/name" 2>/dev/null)" = org.bulkhead.gui.0 ] && port=/dev/${p##*/}
	done
	$b sleep 0.1
done
echo "bulkhead-boot-test-marker" | $b dd of=/dev/vda bs=4096 seek=300 conv=fsync 2>/dev/null
$b sync
exec 3<>"$port"
echo marker-written >&3
read -r answer <&3
[ "$answer" = poweroff ] && $b poweroff -f
echo "init: unexpected answer '$answer'"
$b sleep 1000
INIT
chmod +x root/init
(cd root && find . | busybox cpio -o -H newc 2>/dev/null) | gzip -1 > initrd.img
mv vmlinux initrd.img "$out/"
