#!/bin/sh
# Disposable VM benchmark through the compositor: Super+Shift+B to the
# disposable's first window on the headless compositor, cold and from the
# preload pool (libvirt qemu:///embed, TCG). Needs a build with -Dtests=true.
#   bench/run-disposable-window.sh [BUILD_DIR] [RUNS]
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build-test}" && pwd)"
runs="${2:-3}"
ninja -C "$build" tests/integration/guest-image.id tests/integration/integration-qemu-disposable compositor/bulkhead \
	gui-daemon/bulkhead-gui-daemon tests/tools/bulkhead-inject >/dev/null
out="$build/tests/integration"
echo "bulkhead disposable start benchmark ($runs runs, TCG, $(nproc) cores)"
i=0
while [ $i -lt "$runs" ]; do
	BULKHEAD_GUEST_IMAGE="$out/guest-image" BULKHEAD_BIN="$build/compositor/bulkhead" \
		BULKHEAD_DAEMON="$build/gui-daemon/bulkhead-gui-daemon" BULKHEAD_INJECT="$build/tests/tools/bulkhead-inject" \
		BULKHEAD_THEMES="$root/themes" BULKHEAD_TEST_OUTPUT="$out" \
		"$out/integration-qemu-disposable" "[.bench]" >"$out/bench-disposable.log" 2>&1 ||
		{ echo "run $i failed:"; cat "$out/bench-disposable.log"; exit 1; }
	grep -E '^disposable start' "$out/bench-disposable.log"
	i=$((i + 1))
done
