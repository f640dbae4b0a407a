#!/bin/sh
# VM start benchmark: a domain booted through libvirt (qemu:///embed, TCG) from
# the guest image, from virDomainCreateXML to its first window on the headless
# compositor. Prints one block per run. Needs a build with -Dtests=true.
#   bench/run-vm-start.sh [BUILD_DIR] [RUNS]
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build-test}" && pwd)"
runs="${2:-3}"
ninja -C "$build" tests/integration/guest-image.id tests/integration/integration-qemu compositor/bulkhead \
	gui-daemon/bulkhead-gui-daemon tests/tools/bulkhead-inject >/dev/null
out="$build/tests/integration"
echo "bulkhead VM start benchmark ($runs runs, TCG, $(nproc) cores)"
i=0
while [ $i -lt "$runs" ]; do
	BULKHEAD_GUEST_IMAGE="$out/guest-image" BULKHEAD_BIN="$build/compositor/bulkhead" \
		BULKHEAD_DAEMON="$build/gui-daemon/bulkhead-gui-daemon" BULKHEAD_INJECT="$build/tests/tools/bulkhead-inject" \
		BULKHEAD_THEMES="$root/themes" BULKHEAD_TEST_OUTPUT="$out" \
		"$out/integration-qemu" "[.bench]" >"$out/bench-vm-start.log" 2>&1 ||
		{ echo "run $i failed:"; cat "$out/bench-vm-start.log"; exit 1; }
	grep -E '^(domain start|  [a-z])' "$out/bench-vm-start.log"
	i=$((i + 1))
done
