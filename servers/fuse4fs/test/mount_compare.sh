#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Images made by mke2fs -d from a generated tree, in several ext2/3/4
# variants, mounted with fuse4fs and compared file by file with the tree;
# e2fsck -fn must be clean after the unmount.
. "$(dirname "$0")/lib.sh"

SRC=$WORK/src
gen_tree "$SRC" 5000

variants=(
	"ext2|-t ext2 -b 1024"
	"ext3|-t ext3"
	"ext4|-t ext4"
	"ext4-1k|-t ext4 -b 1024"
	"ext4-inline|-t ext4 -O inline_data"
	"ext4-nocsum-32bit|-t ext4 -O ^metadata_csum,^64bit"
	"ext4-blockmap|-t ext4 -O ^extent,^64bit,^flex_bg"
	"ext4-nohtree|-t ext4 -O ^dir_index"
)
for v in "${variants[@]}"; do
	name=${v%%|*}; opts=${v#*|}
	img=$WORK/$name.img
	# shellcheck disable=SC2086
	mke2fs -q -F $opts -d "$SRC" "$img" 256M >/dev/null 2>&1 || fail "mke2fs $name"
	f4_mount "$img" || fail "mount $name"
	python3 "$TESTDIR/compare.py" "$SRC" "$MNT" --ignore lost+found ||
		fail "$name: tree differs"
	# lookups of names that do not exist must fail cleanly (htree misses)
	for i in 0 5001 99999; do
		[ ! -e "$MNT/big/entry_with_a_longish_name_$i" ] || fail "$name: phantom $i"
	done
	n=$(ls "$MNT/big" | wc -l)
	[ "$n" = 5000 ] || fail "$name: readdir returned $n of 5000 entries"
	# grow and shrink small files (inline ones are converted)
	head -c 9000 /dev/urandom > "$WORK/grow"
	cat "$WORK/grow" >> "$MNT/small.txt"
	(echo hello; cat "$WORK/grow") | cmp - "$MNT/small.txt" || fail "$name: append"
	truncate -s 10 "$MNT/tiny60" || fail "$name: truncate"
	printf yy | dd of="$MNT/tiny60" bs=1 seek=40 conv=notrunc 2>/dev/null
	(head -c 10 "$SRC/tiny60"; head -c 30 /dev/zero; printf yy) |
		cmp - "$MNT/tiny60" || fail "$name: truncate+write"
	f4_umount || fail "$name: server exit status"
	f4_fsck "$img"
	echo "ok $name"
done
echo "PASS mount_compare"
