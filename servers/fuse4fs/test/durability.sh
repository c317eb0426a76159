#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kill -9 around fsync: what fsync/fsyncdir acknowledged survives.
. "$(dirname "$0")/lib.sh"

img=$WORK/d.img
mke2fs -q -F -t ext4 "$img" 128M >/dev/null 2>&1 || fail mke2fs
head -c 3000000 /dev/urandom > "$WORK/data"
for round in 1 2 3; do
	f4_mount "$img" -o commit=3600 || fail mount
	python3 - "$MNT" "$WORK/data" "$round" <<'PY' || fail "workload"
import os, sys
m, data, r = sys.argv[1], open(sys.argv[2], "rb").read(), sys.argv[3]
fd = os.open(f"{m}/file{r}", os.O_CREAT | os.O_WRONLY, 0o644)
os.write(fd, data); os.fsync(fd); os.close(fd)
os.mkdir(f"{m}/dir{r}")
os.mkdir(f"{m}/dir{r}/sub")
d = os.open(f"{m}/dir{r}", os.O_RDONLY); os.fsync(d); os.close(d)
d = os.open(m, os.O_RDONLY); os.fsync(d); os.close(d)
PY
	kill -9 "$F4PID"; wait "$F4PID" 2>/dev/null; F4PID=
	umount "$MNT" 2>/dev/null || umount -l "$MNT"
	out=$(e2fsck -fn "$img" 2>&1) || { echo "$out"; fail "e2fsck after kill -9 (round $round)"; }
	for r in $(seq 1 $round); do
		debugfs -R "dump /file$r $WORK/got" "$img" >/dev/null 2>&1
		cmp "$WORK/data" "$WORK/got" || fail "file$r lost after kill -9"
		debugfs -R "stat /dir$r/sub" "$img" 2>/dev/null | grep -q "Type: directory" ||
			fail "dir$r/sub lost after kill -9"
	done
	echo "ok round $round"
done
echo "PASS durability"
