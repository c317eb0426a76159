#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Journal replay: a kernel ext4 mount on a loop device writes and commits;
# the image is copied before the journal is checkpointed; fuse4fs must
# replay it and show the data; e2fsck -fn clean afterwards.  The same copy
# replayed by e2fsck is the reference.
. "$(dirname "$0")/lib.sh"
command -v losetup >/dev/null || skip "no losetup"
grep -qw ext4 /proc/filesystems || modprobe ext4 2>/dev/null
grep -qw ext4 /proc/filesystems || skip "no kernel ext4"

img=$WORK/k.img
mke2fs -q -F -t ext4 "$img" 128M >/dev/null 2>&1 || fail mke2fs
mkdir -p "$WORK/k"
mount -o loop "$img" "$WORK/k" 2>/dev/null || skip "cannot loop-mount ext4"
mkdir "$WORK/k/dir"
for i in $(seq 1 300); do echo "content $i" > "$WORK/k/dir/f$i"; done
head -c 2000000 /dev/urandom > "$WORK/k/big"
cp "$WORK/k/big" "$WORK/big"
rm "$WORK/k/dir/f7"
sync -f "$WORK/k"
cp --sparse=always "$img" "$WORK/copy.img"
umount "$WORK/k"
dumpe2fs -h "$WORK/copy.img" 2>/dev/null | grep -q needs_recovery || skip "copy has no dirty journal"
start=$(dumpe2fs -h "$WORK/copy.img" 2>/dev/null | awk '/^Journal start:/ {print $3}')
[ "$start" != 0 ] || skip "journal already checkpointed"
cp "$WORK/copy.img" "$WORK/ref.img"
e2fsck -fy "$WORK/ref.img" >/dev/null 2>&1
cp "$WORK/copy.img" "$WORK/f4.img"
f4_mount "$WORK/f4.img" || fail "mount dirty image"
grep -q "journal replayed" "$WORK/f4.log" || fail "no replay message"
[ "$(ls "$MNT/dir" | wc -l)" = 299 ] || fail "dir entries after replay"
[ "$(cat "$MNT/dir/f300")" = "content 300" ] || fail "file content after replay"
[ ! -e "$MNT/dir/f7" ] || fail "unlinked file is back"
cmp "$WORK/big" "$MNT/big" || fail "big file after replay"
f4_umount || fail "server exit"
f4_fsck "$WORK/f4.img"
dumpe2fs -h "$WORK/f4.img" 2>/dev/null | grep -q needs_recovery && fail "needs_recovery still set"
# same files as the e2fsck-replayed reference
for f in dir/f1 dir/f300 big; do
	debugfs -R "dump /$f $WORK/a" "$WORK/f4.img" >/dev/null 2>&1
	debugfs -R "dump /$f $WORK/b" "$WORK/ref.img" >/dev/null 2>&1
	cmp "$WORK/a" "$WORK/b" || fail "$f differs from e2fsck's replay"
done
# norecovery: read-only, no replay, image untouched
cp "$WORK/copy.img" "$WORK/nr.img"
sum=$(md5sum < "$WORK/nr.img")
f4_mount "$WORK/nr.img" -o norecovery || fail "norecovery mount"
touch "$MNT/x" 2>/dev/null && fail "norecovery mount is writable"
f4_umount
[ "$sum" = "$(md5sum < "$WORK/nr.img")" ] || fail "norecovery modified the image"
echo "PASS journal"
