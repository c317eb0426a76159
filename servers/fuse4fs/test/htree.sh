#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# htree directories: an image whose big directories are indexed (e2fsck -D),
# mounted, compared, then heavily modified (creates, unlinks, renames in
# and out of the indexed directory); e2fsck -fn clean and the listing
# survives a remount.
. "$(dirname "$0")/lib.sh"

SRC=$WORK/src
gen_tree "$SRC" 6000
for bs in 4096 1024; do
	img=$WORK/h$bs.img
	mke2fs -q -F -t ext4 -b $bs -d "$SRC" "$img" 256M >/dev/null 2>&1 || fail mke2fs
	e2fsck -fyD "$img" >/dev/null 2>&1
	debugfs -R "htree /big" "$img" 2>/dev/null | grep -q "Root node dump" ||
		fail "bs $bs: /big is not indexed"
	f4_mount "$img" || fail mount
	python3 "$TESTDIR/compare.py" "$SRC" "$MNT" --ignore lost+found || fail "tree differs"
	for i in 0 6001 77777; do
		[ ! -e "$MNT/big/entry_with_a_longish_name_$i" ] || fail "phantom $i"
	done
	python3 - "$MNT/big" <<'PY' || fail "htree workload"
import os, sys, random
d = sys.argv[1]
random.seed(4)
names = set(os.listdir(d))
assert len(names) == 6000, len(names)
for i in range(3000):
    n = "new_file_%06d_%s" % (i, "y" * (i % 40))
    open(os.path.join(d, n), "w").close(); names.add(n)
old = sorted(x for x in names if x.startswith("entry_"))
for n in random.sample(old, 2500):
    os.unlink(os.path.join(d, n)); names.discard(n)
for n in random.sample(sorted(names), 300):
    os.rename(os.path.join(d, n), os.path.join(d, n + ".renamed"))
    names.discard(n); names.add(n + ".renamed")
have = set(os.listdir(d))
assert have == names, (len(have), len(names))
for n in random.sample(sorted(names), 500):
    assert os.path.exists(os.path.join(d, n)), n
print("htree workload: %d entries" % len(names))
PY
	ls "$MNT/big" | sort > "$WORK/list1"
	f4_umount || fail "server exit"
	f4_fsck "$img"
	f4_mount "$img" -o ro || fail remount
	ls "$MNT/big" | sort > "$WORK/list2"
	f4_umount
	cmp "$WORK/list1" "$WORK/list2" || fail "listing changed across remount"
	echo "ok htree bs=$bs"
done
echo "PASS htree"
