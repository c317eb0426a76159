# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the fuse4fs tests.  Source it; $F4 is the binary.
set -u
F4=${1:?usage: $0 path/to/fuse4fs}
TESTDIR=$(cd "$(dirname "$0")" && pwd)
skip() { echo "skipped: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root (mounts)"
[ -c /dev/fuse ] || skip "no /dev/fuse"
command -v mke2fs >/dev/null || skip "no mke2fs"
command -v e2fsck >/dev/null || skip "no e2fsck"
[ -x "$F4" ] || fail "no fuse4fs binary at $F4"

WORK=$(mktemp -d /tmp/f4test.XXXXXX)
MNT=$WORK/mnt
mkdir -p "$MNT"
F4PID=
cleanup() {
	if mountpoint -q "$MNT" 2>/dev/null; then umount "$MNT" 2>/dev/null || umount -l "$MNT"; fi
	[ -n "$F4PID" ] && kill -9 "$F4PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT

# mount IMAGE [options...]: starts fuse4fs in the foreground (background job)
f4_mount() {
	local img=$1; shift
	"$F4" -f "$@" "$img" "$MNT" > "$WORK/f4.log" 2>&1 &
	F4PID=$!
	for i in $(seq 100); do
		mountpoint -q "$MNT" && return 0
		kill -0 $F4PID 2>/dev/null || { cat "$WORK/f4.log"; F4PID=; return 1; }
		sleep 0.05
	done
	cat "$WORK/f4.log"
	return 1
}

# unmount and wait for the server to exit (it closes the image on exit)
f4_umount() {
	umount "$MNT" || return 1
	wait "$F4PID"; local rc=$?
	F4PID=
	return $rc
}

f4_fsck() {
	local out
	out=$(e2fsck -fn "$1" 2>&1); local rc=$?
	if [ $rc -ne 0 ]; then echo "$out"; fail "e2fsck -fn $1 rc=$rc"; fi
}

# gen_tree DIR NFILES_IN_BIG_DIR: files of various sizes, symlinks, xattrs
gen_tree() {
	local d=$1 n=$2
	mkdir -p "$d/sub/deeper" "$d/big" "$d/empty"
	echo hello > "$d/small.txt"
	printf '' > "$d/zero"
	head -c 60 /dev/urandom > "$d/tiny60"
	head -c 4096 /dev/urandom > "$d/one_block"
	head -c 123457 /dev/urandom > "$d/sub/odd_size"
	head -c 3000000 /dev/urandom > "$d/sub/deeper/large"
	dd if=/dev/urandom of="$d/sparse" bs=4096 seek=300 count=3 2>/dev/null
	ln -s small.txt "$d/link_short"
	ln -s "$(printf 'x%.0s' $(seq 200))" "$d/link_long"
	ln "$d/small.txt" "$d/hardlink"
	chmod 0750 "$d/sub"; chmod 0604 "$d/tiny60"; chmod 4755 "$d/one_block"
	setfattr -n user.color -v blue "$d/small.txt"
	setfattr -n user.big -v "$(head -c 600 /dev/zero | tr '\0' a)" "$d/sub/odd_size"
	mkfifo "$d/fifo"
	mknod "$d/chr" c 1 7
	for i in $(seq 1 "$n"); do echo "$i" > "$d/big/entry_with_a_longish_name_$i"; done
}
