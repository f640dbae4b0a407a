#!/bin/sh
# Installs what is missing, builds with the test suite, and runs every test.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$root/build-test" -Dtests=true

status=0
meson test -C "$root/build-test" --print-errorlogs --num-processes 1 "$@" || status=$?

# One closing line any CI reads: "N passed, N failed".
python3 - "$root/build-test/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
with open(sys.argv[1]) as f:
    for line in f:
        r = json.loads(line).get("result")
        if r == "OK": passed += 1
        elif r == "SKIP": skipped += 1
        else: failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit "$status"
