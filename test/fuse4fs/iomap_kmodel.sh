#!/bin/bash
# fuse4fs through the kernel model's iomap-v7 dialect (suite kmodel):
# the unmodified fuse4fs serves an ext4 image (data, sparse files with holes,
# preallocated unwritten ranges, inline data) by IOMAP_BEGIN/IOEND; the model
# moves the bytes itself.  Every file is read and compared with its source,
# data is written into holes, unwritten ranges and past EOF, the image must
# pass e2fsck -fn, and a real classic mount of fuse4fs must show the same
# bytes.  Non-inline files must cost no READ/WRITE upcall.
#
# usage: iomap_kmodel.sh KMODEL FUSE4FS [BLOCKSIZE [ext4|ext3]]
# ext3: block-mapped files (no unwritten state, no inline data): writes into
# holes get zeroed MAPPED|NEW blocks.
set -u
KM=$1
F4=$2
BS=${3:-4096}
FS=${4:-ext4}

skip() { echo "skipped: $*"; exit 77; }
fail() { echo "FAIL: $*"; [ -s "$T/srv.log" ] && tail -20 "$T/srv.log"; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root for the classic mount"
[ -c /dev/fuse ] || skip "no /dev/fuse"
for p in mke2fs debugfs e2fsck python3 sha256sum; do
	command -v $p >/dev/null || skip "no $p"
done

T=$(mktemp -d /tmp/f4-iomap.XXXXXX)
MNT=$T/mnt
cleanup() {
	mountpoint -q "$MNT" 2>/dev/null && { fusermount3 -u "$MNT" 2>/dev/null || umount -l "$MNT"; }
	rm -rf "$T"
}
[ -n "${KEEP:-}" ] || trap cleanup EXIT
mkdir -p "$T/src" "$MNT"
S=$T/src
img=$T/img

# --- the source tree
head -c 1048576 /dev/urandom > "$S/big"			# 1 MiB, one extent
head -c 300007 /dev/urandom > "$S/odd"			# not block aligned
truncate -s 1M "$S/sparse"				# holes around data
printf 'middle data' | dd of="$S/sparse" bs=1 seek=500000 conv=notrunc status=none
head -c 5000 /dev/urandom | dd of="$S/sparse" bs=1 seek=900000 conv=notrunc status=none
# (mke2fs -d 1.47.0 drops a trailing hole from i_size: files end in data)
head -c 4096 /dev/urandom | dd of="$S/sparse" bs=1 seek=$((1048576 - 4096)) conv=notrunc status=none
truncate -s 300K "$S/pre"				# gets unwritten blocks 10..40
head -c 8192 /dev/urandom | dd of="$S/pre" conv=notrunc status=none
head -c 4096 /dev/urandom | dd of="$S/pre" bs=4096 seek=74 conv=notrunc status=none
echo "inline file" > "$S/tiny"				# inline data
mkdir "$S/dir"
head -c 70000 /dev/urandom > "$S/dir/nested"
: > "$S/empty"

if [ "$FS" = ext4 ]; then
	mke2fs -q -F -t ext4 -b "$BS" -O inline_data -d "$S" "$img" 64M || fail "mke2fs"
	pb=$((40960 / BS)); pe=$((163839 / BS))		# bytes 40960..163839
	debugfs -w -R "fallocate /pre $pb $pe" "$img" >/dev/null 2>&1 || fail "debugfs fallocate"
	debugfs -R "ex /pre" "$img" 2>/dev/null | grep -q Uninit || fail "no unwritten extent in /pre"
	INL=inline
else
	mke2fs -q -F -t ext3 -b "$BS" -d "$S" "$img" 64M || fail "mke2fs"
	INL=
fi
e2fsck -fn "$img" >/dev/null 2>&1 || fail "fresh image not clean"

# run CMD PATH [ARG]: one model session of fuse4fs (iomap-v7); stdout to $T/out
run() {
	"$KM" --dialect iomap-v7 --stats "$@" -- "$F4" -f "$img" {} \
		>"$T/out" 2>"$T/srv.log"
}
# opcode count of the last session (--stats prints "opcode N: count")
count() {
	awk -v op="$1" '$1 == "opcode" && $2 == op":" { print $3 }' "$T/srv.log" | tail -1
}
n0() { local c; c=$(count "$1"); echo "${c:-0}"; }

grep_path() {
	grep -q "path iomap" "$T/srv.log" || fail "connection is not iomap: $(grep dialect "$T/srv.log")"
}

files="big odd sparse pre tiny dir/nested empty"
reads=0
check_all() {	# compare every file through the model with $1/
	local f want got
	for f in $files; do
		run cat "/$f" || fail "model cat /$f"
		cmp -s "$T/out" "$1/$f" || fail "/$f differs through the model ($2)"
		grep_path
		if { [ -z "$INL" ] || { [ "$f" != tiny ] && [ "$f" != empty ]; }; } &&
		   [ "$(n0 15)" != 0 ]; then
			fail "/$f: $(n0 15) READ upcalls on an iomap file"
		fi
		reads=$((reads + 1))
	done
}
check_all "$S" "before writes"
run cat /big; begins_big=$(n0 4094)
echo "read 1 MiB file: $begins_big IOMAP_BEGIN, $(n0 15) READ"

# FIEMAP through BEGIN(REPORT): the preallocated range is unwritten (type 3),
# the holes of /sparse are holes (type 0), nothing is allocated by reporting
if [ "$FS" = ext4 ]; then
	run fiemap /pre || fail "model fiemap /pre"
	grep -q "^40960 122880 type 3 " "$T/out" || fail "/pre: no unwritten [40960, +122880): $(cat "$T/out")"
fi
run fiemap /sparse || fail "model fiemap /sparse"
grep -q " type 0 " "$T/out" || fail "/sparse: no hole reported"

# --- writes: hole, unaligned hole, unwritten range, append, inline grow
E=$T/exp
cp -a "$S" "$E"
writes=0
wr() {	# wr FILE OFF LEN [inline]: inline-data files take a WRITE upcall
	head -c "$3" /dev/urandom > "$T/w"
	run write "/$1" "$2" < "$T/w" || fail "model write /$1 $2 $3: $(tail -3 "$T/srv.log")"
	dd if="$T/w" of="$E/$1" bs=64K oflag=seek_bytes seek="$2" conv=notrunc status=none
	if [ -z "${4:-}" ] && [ "$(n0 16)" != 0 ]; then
		fail "/$1: $(n0 16) WRITE upcalls on an iomap file"
	fi
	writes=$((writes + 1))
}
wr sparse 0 4096		# aligned block in a hole
wr sparse 123457 10000		# unaligned, inside a hole
wr sparse 499000 3000		# next to existing data
wr pre 40960 8192		# aligned, unwritten
wr pre 100001 777		# unaligned, inside the unwritten range
wr pre 163000 5000		# straddles the end of the unwritten range
# Appends end on a block boundary: the model writes back whole blocks and
# its IOEND (APPEND) covers the zeroed tail of the last block, before the
# END that carries the exact size, so an unaligned end would be recorded
# rounded up to the block (see servers/fuse4fs/README.md, iomap).
wr odd 300007 52249		# append from an unaligned EOF
wr big 1048576 65536		# append, aligned
wr big 2000000 7040		# past EOF, leaving a hole
# empty files are inline under inline_data: the first write un-inlines them
# through fuse4fs's WRITE; on ext3 it goes through iomap (block-aligned end)
if [ -n "$INL" ]; then wr empty 0 12345 inline; else wr empty 0 12288; fi
wr empty 20000 4576		# then through iomap (append)
wr dir/nested 1000 200		# overwrite in place
[ -n "$INL" ] && wr tiny 5 3 inline		# inline data: fuse4fs's own write
ioends=$(n0 4093)
check_all "$E" "after writes"

e2fsck -fn "$img" > "$T/fsck" 2>&1 || { cat "$T/fsck"; fail "e2fsck after model writes"; }

# --- a real classic mount shows the same bytes
"$F4" -o iomap=classic "$img" "$MNT" 2>"$T/mount.log" || fail "classic mount: $(cat "$T/mount.log")"
for f in $files; do
	cmp -s "$MNT/$f" "$E/$f" || fail "/$f differs through the classic mount"
done
fusermount3 -u "$MNT" 2>/dev/null || umount "$MNT"
sleep 0.5
e2fsck -fn "$img" > "$T/fsck" 2>&1 || { cat "$T/fsck"; fail "e2fsck after the classic mount"; }
echo "ok: $FS bs $BS, $reads model reads, $writes model writes (0 READ/WRITE upcalls on non-inline files), classic mount equal, e2fsck clean"
