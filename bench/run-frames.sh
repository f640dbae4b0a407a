#!/bin/sh
# Frame benchmark: full-damage 1920x1080 frames from a client drawn directly on
# the compositor, and from the same client inside a local domain (through the
# guest agent and the gui-daemon). Prints one line per path. Usage:
#   bench/run-frames.sh [BUILD_DIR] [SECONDS]
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
seconds="${2:-5}"
bench="$build/bench/bulkhead-bench-frames"
runtime="$(mktemp -d /tmp/bulkhead-bench.XXXXXX)"
chmod 0700 "$runtime"
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$runtime"' EXIT INT TERM

cat >"$runtime/config.toml" <<CONF
theme = "$root/themes/default.toml"
[[output]]
name = "HEADLESS-1"
mode = "1920x1080"
[[domain]]
name = "bench"
label = "orange"
autostart = ["$bench --seconds $seconds --label 'agent+daemon' --out $runtime/domain.txt"]
CONF

export XDG_RUNTIME_DIR="$runtime" WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1
"$build/compositor/bulkhead" --config "$runtime/config.toml" --socket wayland-bench >/dev/null 2>"$runtime/log" &
pid=$!
sleep 1
echo "bulkhead frame benchmark ($seconds s each, headless, pixman, $(nproc) cores)"
WAYLAND_DISPLAY=wayland-bench "$bench" --seconds "$seconds" --label direct
i=0
while [ ! -s "$runtime/domain.txt" ] && [ $i -lt $((seconds * 10 + 300)) ]; do sleep 0.1; i=$((i + 1)); done
cat "$runtime/domain.txt" 2>/dev/null || { echo "the domain run did not finish; log:"; tail -20 "$runtime/log"; exit 1; }
