#!/usr/bin/env bash
# The README's main-job command: on a fresh Debian 12 machine (as root) it
# installs what is needed, builds, and mounts the built-in samples one after
# another, shows each working, and unmounts it:
#
#   1. hello_ll        the smallest lowlevel server
#   2. iomap_regions   a layout-only server on fuse_iomap (classic path here,
#                      then the same binary under the kernel model's iomap
#                      and famfs kernels)
#   3. fuse4fs         an ext4 image made by mke2fs -d from a sample tree
#   4. famfs-fuse      a famfs image made by our famfs tools
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root (it installs packages and mounts file systems)" >&2
	exit 1
fi
bash .ci/install-deps
build=${BUILD:-build}
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
ninja -C "$build" >/dev/null

work=$(mktemp -d /tmp/fuse-demo.XXXXXX)
pids=()
cleanup() {
	for m in "$work"/mnt-*; do
		mountpoint -q "$m" 2>/dev/null && umount "$m" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n=== %s\n' "$*"; }
wait_mount() {
	local i
	for i in $(seq 100); do mountpoint -q "$1" && return 0; sleep 0.1; done
	echo "demo: $1 did not get mounted" >&2
	return 1
}
run_fg() {	# run_fg MOUNTPOINT CMD...: start a foreground server, wait for its mount
	local mnt=$1
	shift
	mkdir -p "$mnt"
	"$@" 2> "$mnt.log" &
	pids+=($!)
	wait_mount "$mnt"
}
unmount() {
	umount "$1"
	echo "(unmounted $1)"
}

say "1. hello_ll"
run_fg "$work/mnt-hello" "$build/example/hello_ll" -f "$work/mnt-hello"
ls -l "$work/mnt-hello"
cat "$work/mnt-hello/hello"
unmount "$work/mnt-hello"

say "2. iomap_regions: files described only by their layout"
img=$work/regions.img
truncate -s 64M "$img"
printf 'These bytes live 2 MiB into regions.img.\n' | dd of="$img" bs=1M seek=2 conv=notrunc status=none
run_fg "$work/mnt-regions" "$build/example/iomap_regions" -f --file greeting:2M:2M:41 "$img" \
	"$work/mnt-regions"
grep -h "fuse: dialect" "$work/mnt-regions.log" || true
cat "$work/mnt-regions/greeting"
unmount "$work/mnt-regions"
for d in iomap-v7 famfs-v10; do
	dax=()
	[ "$d" = famfs-v10 ] && dax=(--dax)
	echo "-- the same server under the kernel model's $d kernel:"
	"$build/test/kmodel/kmodel" --dialect "$d" --stats cat /greeting -- \
		"$build/example/iomap_regions" -f "${dax[@]}" --file greeting:2M:2M:41 "$img" '{}' \
		2> "$work/kmodel-$d.log"
	grep -h "fuse: dialect" "$work/kmodel-$d.log" || true
done

if [ -x "$build/servers/fuse4fs/fuse4fs" ]; then
	say "3. fuse4fs on an ext4 image made by mke2fs -d"
	tree=$work/tree
	mkdir -p "$tree/docs" "$tree/empty"
	printf 'hello from ext4\n' > "$tree/docs/readme.txt"
	seq 1 20000 > "$tree/numbers.txt"
	ln -s docs/readme.txt "$tree/link"
	mke2fs -q -t ext4 -d "$tree" "$work/ext4.img" 64M
	run_fg "$work/mnt-ext4" "$build/servers/fuse4fs/fuse4fs" -f "$work/ext4.img" "$work/mnt-ext4"
	ls -lR "$work/mnt-ext4" | head -20
	cat "$work/mnt-ext4/link"
	echo "written through fuse4fs" > "$work/mnt-ext4/docs/new.txt"
	diff <(seq 1 20000) "$work/mnt-ext4/numbers.txt" && echo "numbers.txt: identical"
	unmount "$work/mnt-ext4"
	e2fsck -fn "$work/ext4.img" && echo "e2fsck -fn: clean"
fi

if [ -x "$build/servers/famfs/famfs" ]; then
	say "4. famfs-fuse on an image made by our famfs tools"
	export FAMFS_SYSTEM_UUID_FILE=$work/system_uuid
	fimg=$work/famfs.img
	truncate -s 8G "$fimg"
	"$build/servers/famfs/famfs" mkfs "$fimg"
	"$build/servers/famfs/famfs" mkdir -p "$fimg" data/sub
	printf 'famfs file content\n' > "$work/small.txt"
	"$build/servers/famfs/famfs" cp "$fimg" "$work/small.txt" data/small.txt
	"$build/servers/famfs/famfs" creat -s 8M -N 4 -B 8 -C 2M -S 7 "$fimg" data/striped.bin
	"$build/servers/famfs/famfs" fsck "$fimg"
	run_fg "$work/mnt-famfs" "$build/servers/famfs/fuse/famfs-fuse" -f "$fimg" "$work/mnt-famfs"
	ls -la "$work/mnt-famfs" "$work/mnt-famfs/data"
	cat "$work/mnt-famfs/data/small.txt"
	sha256sum "$work/mnt-famfs/data/striped.bin"
	unmount "$work/mnt-famfs"
fi

say "done"
