#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Corrupt images: damaged superblock, inodes, extent trees, directory
# blocks and random byte flips.  fuse4fs-walk (the server's own lookup,
# readdir and read code, no FUSE) must refuse cleanly or report the damaged
# objects, never crash or hang.  With root + /dev/fuse, a mounted image
# with one damaged file returns EIO for that file only.
# usage: corrupt.sh FUSE4FS-WALK [FUSE4FS]
set -u
WALK=${1:?usage: corrupt.sh fuse4fs-walk [fuse4fs]}
F4=${2:-}
command -v mke2fs >/dev/null || { echo "skipped: no mke2fs"; exit 77; }
command -v debugfs >/dev/null || { echo "skipped: no debugfs"; exit 77; }
WORK=$(mktemp -d /tmp/f4corrupt.XXXXXX)
MNT=$WORK/mnt
F4PID=
cleanup() {
	mountpoint -q "$MNT" 2>/dev/null && umount -l "$MNT"
	[ -n "$F4PID" ] && kill -9 "$F4PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# run the walker; exit 0/1/2 are fine, a signal or a timeout is not
walk() {
	timeout 60 "$WALK" "$@" > "$WORK/walk.out" 2>&1
	local rc=$?
	case $rc in
	0|1|2) return $rc ;;
	124) fail "walk hung on $*" ;;
	*) cat "$WORK/walk.out" | tail -5; fail "walk crashed (rc $rc) on $*" ;;
	esac
}

SRC=$WORK/src
mkdir -p "$SRC/d" "$SRC/big"
echo hello > "$SRC/a"
head -c 200000 /dev/urandom > "$SRC/d/file"
head -c 200000 /dev/urandom > "$SRC/good"
for i in $(seq 1 800); do echo "$i" > "$SRC/big/n$i"; done
base=$WORK/base.img
mke2fs -q -F -t ext4 -b 1024 -d "$SRC" "$base" 16M >/dev/null 2>&1 || fail mke2fs
walk "$base"; [ $? = 0 ] || fail "clean image reported damage"
bs=1024

# 1. superblock fuzz: refused (1) or walked, never a crash
for i in $(seq 1 40); do
	cp "$base" "$WORK/sb.img"
	for j in 1 2 3 4; do
		off=$((1024 + RANDOM % 1024))
		printf "\\x$(printf %02x $((RANDOM % 256)))" |
			dd of="$WORK/sb.img" bs=1 seek=$off conv=notrunc 2>/dev/null
	done
	walk "$WORK/sb.img"
	walk -w "$WORK/sb.img"
done
echo "ok superblock fuzz"

# 2. damaged extent header of one file: that file errors, others read
cp "$base" "$WORK/ext.img"
debugfs -w -R "sif /d/file block[0] 0x12345678" "$WORK/ext.img" >/dev/null 2>&1
walk -v "$WORK/ext.img"; rc=$?
[ $rc = 2 ] || fail "damaged extent header not reported (rc $rc)"
echo "ok extent header"

# 3. extent pointing outside the fs
cp "$base" "$WORK/ext2.img"
debugfs -w -R "sif /d/file block[5] 0x7fffffff" "$WORK/ext2.img" >/dev/null 2>&1
walk "$WORK/ext2.img"; [ $? = 2 ] || fail "out-of-range extent not reported"
echo "ok extent range"

# 4. directory blocks overwritten with garbage
cp "$base" "$WORK/dir.img"
blk=$(debugfs -R "blocks /big" "$WORK/dir.img" 2>/dev/null | awk '{print $3}')
[ -n "$blk" ] || fail "no dir block"
dd if=/dev/urandom of="$WORK/dir.img" bs=$bs seek="$blk" count=1 conv=notrunc 2>/dev/null
walk "$WORK/dir.img"; [ $? = 2 ] || fail "garbage dir block not reported"
cp "$base" "$WORK/dir0.img"
blk=$(debugfs -R "blocks /big" "$WORK/dir0.img" 2>/dev/null | awk '{print $1}')
dd if=/dev/urandom of="$WORK/dir0.img" bs=$bs seek="$blk" count=1 conv=notrunc 2>/dev/null
walk "$WORK/dir0.img"; [ $? = 2 ] || fail "garbage htree root not reported"
echo "ok dir blocks"

# 5. inode with absurd size / mode / links
cp "$base" "$WORK/ino.img"
debugfs -w -R "sif /a size 0xffffffffffff" "$WORK/ino.img" >/dev/null 2>&1
debugfs -w -R "sif /d mode 0170777" "$WORK/ino.img" >/dev/null 2>&1
walk "$WORK/ino.img"
walk -w "$WORK/ino.img"
# a directory whose i_size claims 2^40 bytes: must not take forever
cp "$base" "$WORK/dsize.img"
debugfs -w -R "sif /big size 0x10000000000" "$WORK/dsize.img" >/dev/null 2>&1
start=$(date +%s)
walk "$WORK/dsize.img"
[ $(( $(date +%s) - start )) -lt 30 ] || fail "huge directory size took too long"
echo "ok inode fields"

# 6. random flips over the metadata area
for i in $(seq 1 60); do
	cp "$base" "$WORK/r.img"
	for j in $(seq 1 20); do
		off=$(( (RANDOM * 32768 + RANDOM) % (600 * 1024) ))
		printf "\\x$(printf %02x $((RANDOM % 256)))" |
			dd of="$WORK/r.img" bs=1 seek=$off conv=notrunc 2>/dev/null
	done
	walk "$WORK/r.img"
	walk -w "$WORK/r.img"
done
echo "ok random flips"

# 7. mounted: EIO for the damaged file only
if [ -n "$F4" ] && [ "$(id -u)" = 0 ] && [ -c /dev/fuse ]; then
	mkdir -p "$MNT"
	"$F4" -f -o ro "$WORK/ext.img" "$MNT" > "$WORK/f4.log" 2>&1 &
	F4PID=$!
	for i in $(seq 100); do mountpoint -q "$MNT" && break; sleep 0.05; done
	mountpoint -q "$MNT" || fail "mount damaged image"
	cat "$MNT/d/file" > /dev/null 2> "$WORK/cat.err" && fail "damaged file read fine"
	grep -q "Input/output error" "$WORK/cat.err" || fail "not EIO: $(cat "$WORK/cat.err")"
	cmp "$SRC/good" "$MNT/good" || fail "undamaged file unreadable"
	umount "$MNT"; wait "$F4PID"; F4PID=
	echo "ok mounted EIO"
else
	echo "mounted part skipped: needs root, /dev/fuse and fuse4fs"
fi
echo "PASS corrupt"
