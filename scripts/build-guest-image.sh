#!/bin/sh
# Builds a bootable Bulkhead guest from Debian packages only, cached in OUTDIR:
#   build-guest-image.sh OUTDIR AGENT [FILE[:GUESTPATH]]...
# AGENT is the bulkhead-agent binary; each FILE (or directory) is copied to
# GUESTPATH (default /usr/bin/NAME), and an executable brings every library ldd
# names (not what it dlopens, nor its data: name those too).
# Produces in OUTDIR:
#   vmlinux          the Debian kernel, uncompressed, booted through PVH
#                    (a bzImage spends seconds decompressing itself under TCG)
#   initramfs.cpio.gz  busybox, the virtio and ext4 modules, the agent, the
#                    files and /init; gzip: measured under TCG through libvirt,
#                    kernel to /init took 3.2-4.2 s with it against 3.3-5.0 s
#                    for the 3x larger uncompressed cpio (copying it into the
#                    guest costs more than inflating it)
#   base.qcow2       an ext4 disk /init mounts read-only at /base when present,
#                    the base disposables overlay
#   image.id         hash of every input; the image is rebuilt when it changes
# Kernel command line read by /init: bulkhead.apps=CMD[,CMD...] (apps started
# with WAYLAND_DISPLAY set; '+' stands for a space), bulkhead.port=NAME,
# bulkhead.domain=NAME (the agent's name in its logs).
set -eu

[ $# -ge 2 ] || { echo "usage: $0 OUTDIR AGENT [FILE[:GUESTPATH]]..." >&2; exit 2; }
out=$1
agent=$2
shift 2
mkdir -p "$out"
out=$(cd "$out" && pwd)

kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-6/ {print $2; exit}')
[ -n "$kpkg" ] || { echo "build-guest-image: no linux-image-6.1.0-*-amd64 in the apt archive" >&2; exit 1; }
kver=$(apt-cache show "$kpkg" | awk '/^Version:/ {print $2; exit}')
bbver=$(dpkg-query -W -f='${Version}' busybox-static)

id=$( {
	echo "$kpkg $kver busybox-static $bbver"
	cat "$0"
	sha256sum "$agent"
	for spec in "$@"; do echo "$spec"; find "${spec%%:*}" -type f -exec sha256sum {} + | sort; done
} | sha256sum | cut -d' ' -f1)
if [ -f "$out/image.id" ] && [ "$(cat "$out/image.id")" = "$id" ] &&
	[ -f "$out/vmlinux" ] && [ -f "$out/initramfs.cpio.gz" ] && [ -f "$out/base.qcow2" ]; then
	exit 0
fi
rm -f "$out/image.id"

# The kernel: downloaded once per version, vmlinux and the modules kept.
kdir="$out/kernel-$kpkg-$kver"
if [ ! -f "$kdir/vmlinux" ]; then
	rm -rf "$kdir" "$out"/kernel-*
	mkdir -p "$kdir/deb"
	# As root apt warns that it downloads unsandboxed: harmless here.
	(cd "$kdir" && apt-get download -q "$kpkg=$kver" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
	ls "$kdir"/*.deb > /dev/null 2>&1 || { echo "build-guest-image: apt-get download $kpkg=$kver failed" >&2; exit 1; }
	dpkg-deb --fsys-tarfile "$kdir"/*.deb | tar -x -C "$kdir/deb" --wildcards \
		'./boot/vmlinuz-*' './lib/modules/*/kernel/drivers/virtio/*' './lib/modules/*/kernel/drivers/char/virtio_console.ko' \
		'./lib/modules/*/kernel/drivers/block/virtio_blk.ko' './lib/modules/*/kernel/fs/ext4/*' \
		'./lib/modules/*/kernel/fs/jbd2/*' './lib/modules/*/kernel/fs/mbcache.ko' './lib/modules/*/kernel/lib/crc16.ko' \
		'./lib/modules/*/kernel/crypto/crc32c_generic.ko'
	# The bzImage's payload is xz: find its magic and inflate from there (the
	# kernel tree's scripts/extract-vmlinux does the same).
	bz=$(ls "$kdir"/deb/boot/vmlinuz-*)
	for off in $(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$bz" | cut -d: -f1); do
		tail -c +$((off + 1)) "$bz" | xz -dcq > "$kdir/vmlinux.tmp" 2>/dev/null || true
		if [ "$(head -c 4 "$kdir/vmlinux.tmp" | od -An -c | tr -d ' ')" = "177ELF" ]; then
			mv "$kdir/vmlinux.tmp" "$kdir/vmlinux"
			break
		fi
	done
	[ -f "$kdir/vmlinux" ] || { echo "build-guest-image: no vmlinux inside $bz" >&2; exit 1; }
	rm -f "$kdir"/*.deb "$kdir/vmlinux.tmp"
fi
cp "$kdir/vmlinux" "$out/vmlinux"

root="$out/root"
rm -rf "$root"
mkdir -p "$root"/bin "$root"/sbin "$root"/usr/bin "$root"/lib/modules "$root"/proc "$root"/sys "$root"/dev \
	"$root"/run "$root"/tmp "$root"/base "$root"/etc
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done

# Modules in load order: each after the ones it depends on.
modules="virtio/virtio_ring virtio/virtio virtio/virtio_pci_modern_dev virtio/virtio_pci_legacy_dev virtio/virtio_pci
char/virtio_console block/virtio_blk crc16 mbcache crc32c_generic jbd2 ext4"
: > "$root/lib/modules/order"
for m in $modules; do
	f=$(find "$kdir/deb/lib/modules" -path "*/$m.ko" | head -n 1)
	[ -n "$f" ] || { echo "build-guest-image: module $m missing from $kpkg" >&2; exit 1; }
	cp "$f" "$root/lib/modules/"
	echo "${m##*/}.ko" >> "$root/lib/modules/order"
done

# A file and, for an executable, every library it loads (the loader included).
add() {
	src=$1 dest=$2
	mkdir -p "$root$(dirname "$dest")"
	cp -rL "$src" "$root$dest"
	if [ -f "$src" ] && [ -x "$src" ] && ldd "$src" > /dev/null 2>&1; then
		strip --strip-debug "$root$dest" # the initramfs is read byte by byte under TCG
		for lib in $(ldd "$src" | grep -o '/[^ ]*'); do
			[ -e "$root$lib" ] || { mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; }
		done
	fi
}
add "$agent" /usr/bin/bulkhead-agent
for spec in "$@"; do
	src=${spec%%:*}
	dest=${spec#*:}
	[ "$dest" != "$spec" ] || dest=/usr/bin/$(basename "$src")
	add "$src" "$dest"
done
# The agent compiles a keymap of its own before the host sends one.
mkdir -p "$root/usr/share/X11"
cp -r /usr/share/X11/xkb "$root/usr/share/X11/xkb"

cat > "$root/init" <<'INIT'
#!/bin/sh
export PATH=/usr/bin:/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/shm
mount -t tmpfs shm /dev/shm # wlroots shares keymaps through shm_open
mount -t tmpfs run /run
mount -t tmpfs tmp /tmp
echo "bulkhead-init: up $(cut -d' ' -f1 /proc/uptime) s"
while read -r m; do insmod "/lib/modules/$m" || echo "bulkhead-init: insmod $m failed"; done < /lib/modules/order
apps= port=org.bulkhead.gui.0 domain=guest
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	bulkhead.apps=*) apps=${arg#bulkhead.apps=} ;;
	bulkhead.port=*) port=${arg#bulkhead.port=} ;;
	bulkhead.domain=*) domain=${arg#bulkhead.domain=} ;;
	esac
done
[ -b /dev/vda ] && mount -t ext4 -o ro /dev/vda /base && echo "bulkhead-init: base disk mounted"
export XDG_RUNTIME_DIR=/run/user
mkdir -m 0700 -p "$XDG_RUNTIME_DIR"
mkdir -p /run/bulkhead
bulkhead-agent --domain "$domain" --wayland-socket "$XDG_RUNTIME_DIR/wayland-0" --transport "virtio:$port" \
	--control-socket /run/bulkhead/agent.sock --files-dir /tmp/files &
i=0
while [ ! -S "$XDG_RUNTIME_DIR/wayland-0" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
if [ -S "$XDG_RUNTIME_DIR/wayland-0" ]; then
	echo "bulkhead-init: agent up $(cut -d' ' -f1 /proc/uptime) s"
else
	echo "bulkhead-init: the agent did not start; apps start without a display"
fi
export WAYLAND_DISPLAY=wayland-0
IFS=,
for app in $apps; do
	IFS=' '
	sh -c "$(echo "$app" | tr + ' ')" &
	IFS=,
done
IFS=' '
while true; do wait; sleep 1; done
INIT
chmod 755 "$root/init"

(cd "$root" && find . | LC_ALL=C sort | busybox cpio -o -H newc 2>/dev/null) | gzip > "$out/initramfs.tmp"
mv "$out/initramfs.tmp" "$out/initramfs.cpio.gz"

# The base disk: a small ext4 of its own content, read-only under every overlay.
disk="$out/disk"
rm -rf "$disk"
mkdir -p "$disk/etc"
echo "bulkhead base disk $id" > "$disk/etc/bulkhead-base"
rm -f "$out/base.raw"
mke2fs -q -t ext4 -d "$disk" -L bulkhead-base "$out/base.raw" 32M > /dev/null
qemu-img convert -f raw -O qcow2 "$out/base.raw" "$out/base.qcow2.tmp"
mv "$out/base.qcow2.tmp" "$out/base.qcow2"
rm -rf "$out/base.raw" "$disk" "$root"
echo "$id" > "$out/image.id"
