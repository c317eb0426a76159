#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Write workloads on ext2/ext3/ext4 images, each followed by a remount
# check and e2fsck -fn.
. "$(dirname "$0")/lib.sh"

renameat2() {	# renameat2 OLD NEW FLAGS(1=NOREPLACE,2=EXCHANGE)
	python3 - "$@" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
r = libc.renameat2(-100, sys.argv[1].encode(), -100, sys.argv[2].encode(), int(sys.argv[3]))
if r != 0:
    e = ctypes.get_errno(); print(os.strerror(e)); sys.exit(e)
PY
}

check_rc() { [ "$1" = "$2" ] || fail "$3: rc $1, want $2"; }

workload() {
	local M=$MNT
	head -c 7000000 /dev/urandom > "$WORK/rand"
	# create, write, overwrite, append
	cp "$WORK/rand" "$M/rand" && cmp "$WORK/rand" "$M/rand" || fail "cp"
	dd if=/dev/urandom of="$M/rand" bs=1000 seek=333 count=17 conv=notrunc 2>/dev/null
	dd if="$M/rand" of="$WORK/rand" bs=1000 skip=333 seek=333 count=17 conv=notrunc 2>/dev/null
	echo tail >> "$M/rand"; echo tail >> "$WORK/rand"
	cmp "$WORK/rand" "$M/rand" || fail "overwrite/append"
	# sparse writes and holes
	dd if=/dev/urandom of="$M/sparse" bs=4096 seek=1000 count=1 2>/dev/null
	[ "$(stat -c %s "$M/sparse")" = $((1001 * 4096)) ] || fail "sparse size"
	cmp -n 4096 /dev/zero "$M/sparse" || fail "hole not zero"
	# truncate down and up
	truncate -s 12345 "$M/rand"; truncate -s 20000 "$M/rand"
	head -c 12345 "$WORK/rand" > "$WORK/exp"; head -c 7655 /dev/zero >> "$WORK/exp"
	cmp "$WORK/exp" "$M/rand" || fail "truncate"
	# namespace
	mkdir -p "$M/a/b/c" "$M/x"
	for i in $(seq 1 2000); do : > "$M/x/f$i"; done
	for i in $(seq 1 2000 | shuf -n 700 --random-source=/dev/zero); do rm "$M/x/f$i"; done
	[ "$(ls "$M/x" | wc -l)" = 1300 ] || fail "create/unlink count"
	ln "$M/rand" "$M/a/hard"; [ "$(stat -c %h "$M/rand")" = 2 ] || fail "link count"
	ln -s ../rand "$M/a/sym"; [ "$(readlink "$M/a/sym")" = ../rand ] || fail "symlink"
	ln -s "$(head -c 300 /dev/zero | tr '\0' L)" "$M/a/longsym"
	[ "$(readlink "$M/a/longsym" | wc -c)" = 301 ] || fail "long symlink"
	mv "$M/a/b" "$M/x/b2"; [ -d "$M/x/b2/c" ] || fail "rename dir"
	[ "$(stat -c %h "$M/x")" = 3 ] || fail "dir nlink after rename"
	echo one > "$M/one"; echo two > "$M/two"
	renameat2 "$M/one" "$M/two" 1 >/dev/null; check_rc $? 17 "RENAME_NOREPLACE"
	renameat2 "$M/one" "$M/two" 2 || fail "RENAME_EXCHANGE"
	[ "$(cat "$M/one")" = two ] && [ "$(cat "$M/two")" = one ] || fail "exchange content"
	renameat2 "$M/a" "$M/x/b2" 2 || fail "RENAME_EXCHANGE dirs"
	[ -d "$M/a/c" ] && [ -L "$M/x/b2/sym" ] || fail "exchange dirs"
	mv "$M/two" "$M/one"; [ "$(cat "$M/one")" = one ] || fail "rename over"
	rmdir "$M/x/b2" 2>/dev/null && fail "rmdir nonempty"
	mkdir "$M/e"; rmdir "$M/e" || fail "rmdir"
	mknod "$M/fifo" p; mknod "$M/cdev" c 4 5
	[ "$(stat -c %t:%T "$M/cdev")" = 4:5 ] || fail "rdev"
	# attributes
	chmod 0640 "$M/one"; [ "$(stat -c %a "$M/one")" = 640 ] || fail chmod
	chown 1234:5678 "$M/one"; [ "$(stat -c %u:%g "$M/one")" = 1234:5678 ] || fail chown
	touch -d "2001-02-03 04:05:06.123456789" "$M/one"
	[ "$(stat -c %y "$M/one")" = "2001-02-03 04:05:06.123456789 +0000" ] ||
		[ "$(TZ=UTC stat -c %y "$M/one")" = "2001-02-03 04:05:06.123456789 +0000" ] ||
		fail "utimens: $(TZ=UTC stat -c %y "$M/one")"
	# xattrs and ACLs
	setfattr -n user.k1 -v v1 "$M/one" || fail setfattr
	setfattr -n user.big -v "$(head -c 700 /dev/zero | tr "\0" b)" "$M/one" || fail "big xattr"
	[ "$(getfattr --only-values -n user.k1 "$M/one")" = v1 ] || fail getfattr
	setfattr -x user.k1 "$M/one"; getfattr -n user.k1 "$M/one" 2>/dev/null && fail removexattr
	if command -v setfacl >/dev/null; then
		setfacl -m u:4242:rwx "$M/one" || fail setfacl
		getfacl -n "$M/one" 2>/dev/null | grep -q "user:4242:rwx" || fail getfacl
	fi
	# fallocate, punch, zero range, SEEK_DATA/HOLE
	if command -v fallocate >/dev/null; then
		fallocate -l 1M "$M/fa" || fail fallocate
		[ "$(stat -c %s "$M/fa")" = 1048576 ] || fail "fallocate size"
		cmp -n 1048576 /dev/zero "$M/fa" || fail "fallocated not zero"
		head -c 1048576 /dev/urandom > "$M/pu"
		fallocate -p -o 8192 -l 16384 "$M/pu" || fail punch
		cmp -i 8192:0 -n 16384 "$M/pu" /dev/zero || fail "punched not zero"
		fallocate -z -o 100000 -l 5000 "$M/pu" || fail zero_range
		cmp -i 100000:0 -n 5000 "$M/pu" /dev/zero || fail "zeroed not zero"
		python3 - "$M/sparse" <<'PY' || fail "SEEK_DATA/SEEK_HOLE"
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
assert os.lseek(fd, 0, os.SEEK_DATA) == 1000 * 4096, "data"
assert os.lseek(fd, 0, os.SEEK_HOLE) == 0, "hole"
assert os.lseek(fd, 1000 * 4096, os.SEEK_HOLE) == 1001 * 4096, "eof hole"
PY
	fi
	# copy_file_range
	python3 - "$M/rand" "$M/cfr" <<'PY' || fail copy_file_range
import os, sys
a = os.open(sys.argv[1], os.O_RDONLY); b = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT, 0o644)
n = os.copy_file_range(a, b, 20000)
assert n == 20000, n
PY
	cmp "$M/rand" "$M/cfr" || fail "copy_file_range content"
	# random writes/truncates/punches against a model
	python3 "$TESTDIR/randio.py" "$M/randio" 1 || fail "randio"
	python3 "$TESTDIR/randio.py" "$M/randio2" 2 || fail "randio 2"
	# open-unlinked file stays readable
	exec 9<"$M/cfr"; rm "$M/cfr"; cmp <(cat <&9) "$WORK/exp" || fail "unlinked open"; exec 9<&-
	sync
}

for v in "ext4|-t ext4" "ext4-1k-inline|-t ext4 -b 1024 -O inline_data" "ext3|-t ext3" "ext2|-t ext2"; do
	name=${v%%|*}; opts=${v#*|}
	img=$WORK/$name.img
	# shellcheck disable=SC2086
	mke2fs -q -F $opts "$img" 256M >/dev/null 2>&1 || fail "mke2fs $name"
	f4_mount "$img" || fail "mount $name"
	workload
	ls -lR "$MNT" > "$WORK/before"
	f4_umount || fail "$name: server exit"
	f4_fsck "$img"
	# remount: everything is still there
	f4_mount "$img" -o ro || fail "remount $name"
	ls -lR "$MNT" > "$WORK/after"
	diff "$WORK/before" "$WORK/after" || fail "$name: tree changed across remount"
	cmp "$WORK/exp" "$MNT/rand" || fail "$name: content after remount"
	f4_umount
	f4_fsck "$img"
	echo "ok $name"
done
echo "PASS workload"
