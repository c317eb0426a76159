#!/usr/bin/env bash
# The README's test command: install dependencies (Debian 12, as root), build,
# run every meson test suite, then the unit tests again under ASan and UBSan.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ "$(id -u)" = 0 ]; then
	bash .ci/install-deps
else
	echo "run-all: not root, skipping dependency install (CI runs as root)" >&2
fi

meson setup build --wipe >/dev/null 2>&1 || meson setup build
ninja -C build
meson test -C build --print-errorlogs --num-processes 2 | tee build/test-summary.txt

# Sanitizers: the unit tests (no mounts) under ASan + UBSan.
meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
	-Dbuildtype=debug --wipe >/dev/null 2>&1 || \
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
ninja -C build-asan
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
	meson test -C build-asan --suite unit --print-errorlogs --num-processes 2 |
	tee build-asan/test-summary.txt

# One closing line for both runs (meson's own summary is per run).
count() { awk -v k="$1" '$1 == k":" { n += $2 } END { print n + 0 }' \
	build/test-summary.txt build-asan/test-summary.txt; }
echo "tests: $(count Ok) passed, $(count Fail) failed, $(count Skipped) skipped"
