#!/usr/bin/env bash
# Data written through iomap in the kernel model reads back through the
# classic path on a real mount: the same server (example/iomap_regions),
# the same image, two mechanisms.
#
#   iomap_to_classic.sh KMODEL IOMAP_REGIONS
set -euo pipefail

kmodel=$1
regions=$2

if [ "$(id -u)" != 0 ] || [ ! -c /dev/fuse ]; then
	echo "skipped: needs root and /dev/fuse for the real mount"
	exit 77
fi

work=$(mktemp -d /tmp/iomap_to_classic.XXXXXX)
mnt=$work/mnt
pid=
cleanup() {
	if [ -n "$pid" ]; then
		umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

img=$work/image
truncate -s 64M "$img"
head -c 3000000 /dev/urandom > "$work/data"
layout=(--file a:2M:4M:3000000 --stripe s:2M:10M:16M,32M,48M)

# 1. write through the iomap dialect of the model (IOMAP_BEGIN + IOEND, no WRITE upcall)
"$kmodel" --dialect iomap-v7 --stats write /a 0 -- "$regions" -f "${layout[@]}" "$img" '{}' \
	< "$work/data" 2> "$work/write.log" || { cat "$work/write.log"; exit 1; }
if ! grep -q "path iomap" "$work/write.log"; then
	echo "FAIL: the model did not run the iomap path:"; cat "$work/write.log"; exit 1
fi
if grep -qE '^ *(WRITE|opcode +16):' "$work/write.log"; then
	echo "FAIL: WRITE upcalls on the iomap path:"; cat "$work/write.log"; exit 1
fi

# 2. read back through a real mount on the stock kernel (classic engine)
mkdir "$mnt"
"$regions" -f "${layout[@]}" "$img" "$mnt" 2> "$work/mount.log" &
pid=$!
for _ in $(seq 100); do
	mountpoint -q "$mnt" && break
	sleep 0.1
done
mountpoint -q "$mnt" || { echo "FAIL: mount did not appear"; cat "$work/mount.log"; exit 1; }
if ! cmp "$work/data" "$mnt/a"; then
	echo "FAIL: data written through iomap differs when read through classic"
	exit 1
fi
size=$(stat -c %s "$mnt/a")
[ "$size" = 3000000 ] || { echo "FAIL: size $size"; exit 1; }
grep -q "path classic" "$work/mount.log" || { echo "FAIL: no classic path line"; cat "$work/mount.log"; exit 1; }
echo "ok: 3000000 bytes written through iomap (model) read back through classic (real mount)"
