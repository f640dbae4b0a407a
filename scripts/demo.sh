#!/bin/sh
# The main job: installs what is missing, builds, and runs the Bulkhead
# compositor. Nested in the current session when there is a display; otherwise
# headless, writing a screenshot of the desktop with a terminal open to
# build/demo.png (or the path given as $1).
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$root/build"

bulkhead="$root/build/compositor/bulkhead"
config="$root/scripts/demo-config.toml"

if [ -n "${WAYLAND_DISPLAY:-}" ] || [ -n "${DISPLAY:-}" ]; then
	exec "$bulkhead" --config "$config"
fi

shot="${1:-$root/build/demo.png}"
runtime="$(mktemp -d /tmp/bulkhead-demo.XXXXXX)"
chmod 0700 "$runtime"
log="$runtime/bulkhead.log"
cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$runtime"
}
trap cleanup EXIT INT TERM

export XDG_RUNTIME_DIR="$runtime" WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1
export LC_ALL=C.UTF-8
"$bulkhead" --config "$config" --socket wayland-demo >"$runtime/stdout" 2>"$log" &
pid=$!

# Once the three windows map, open a file from the host in a disposable; wait
# for its window too, then give it a moment to draw its prompt.
i=0
opened=""
until [ "$(grep -c "view map" "$log" 2>/dev/null)" -ge 4 ]; do
	if [ -z "$opened" ] && [ "$(grep -c "view map" "$log" 2>/dev/null)" -ge 3 ]; then
		echo "An untrusted attachment." >"$runtime/attachment.txt"
		WAYLAND_DISPLAY=wayland-demo "$root/build/tools/bulkhead-open" "$runtime/attachment.txt" >/dev/null
		opened=yes
	fi
	i=$((i + 1))
	if [ "$i" -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "demo: the windows did not appear; compositor log:" >&2
		cat "$log" >&2
		exit 1
	fi
	sleep 0.1
done
sleep 1
WAYLAND_DISPLAY=wayland-demo grim -t png "$shot"
echo "demo: headless screenshot of the desktop written to $shot"
