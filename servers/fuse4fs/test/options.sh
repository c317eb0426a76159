#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Options: --help, ro, errors flag refusal and -o force, iomap=, orphans.
. "$(dirname "$0")/lib.sh"

"$F4" --help | grep -q "errors=continue" || fail "--help"
img=$WORK/o.img
mke2fs -q -F -t ext4 "$img" 64M >/dev/null 2>&1 || fail mke2fs
f4_mount "$img" -o ro || fail "ro mount"
touch "$MNT/x" 2>/dev/null && fail "ro mount is writable"
f4_umount
"$F4" -o iomap=bogus "$img" "$MNT" 2>/dev/null && fail "iomap=bogus accepted"
# a file system marked with errors: rw refused, ro and force allowed
debugfs -w -R "ssv state 2" "$img" >/dev/null 2>&1 ||
	debugfs -w -R "set_super_value state 3" "$img" >/dev/null 2>&1
dumpe2fs -h "$img" 2>/dev/null | grep -q "with errors" || skip "cannot set error state"
"$F4" -f "$img" "$MNT" > "$WORK/err.log" 2>&1 && fail "rw mount of fs with errors"
grep -q "has errors" "$WORK/err.log" || fail "no errors message"
f4_mount "$img" -o ro || fail "ro mount of fs with errors"
f4_umount
f4_mount "$img" -o force || fail "-o force"
f4_umount
e2fsck -fy "$img" >/dev/null 2>&1
# orphan list: an inode linked only from s_last_orphan is freed at mount
f4_mount "$img" || fail mount
head -c 100000 /dev/urandom > "$MNT/orph"
ino=$(stat -c %i "$MNT/orph")
f4_umount
debugfs -w -R "unlink /orph" "$img" >/dev/null 2>&1
debugfs -w -R "sif <$ino> links_count 0" "$img" >/dev/null 2>&1
debugfs -w -R "ssv last_orphan $ino" "$img" >/dev/null 2>&1
f4_mount "$img" || fail "mount with orphan"
grep -q "orphan inode $ino" "$WORK/f4.log" || fail "orphan not processed"
f4_umount
f4_fsck "$img"
echo "PASS options"
