#!/usr/bin/env bash
# Correctness smoke test of a benchfs build (suite 'mount'): the benchmark
# compares two builds of benchfs.c, which only means something if both
# serve the workloads' operations correctly.
#
#   smoke.sh <benchfs binary> <ours|debian>
. "$(dirname "$0")/../../test/mount/lib.sh"

[ $# = 2 ] || { echo "usage: $0 <benchfs> <label>" >&2; exit 2; }
BFS=$1

need_mount_privileges
setup_work
S=$WORK/src
M=$MNT
mkdir "$S" || fail "mkdir $S"
head -c 4194304 /dev/urandom > "$S/data"

start_server "$BFS" --source="$S"
check "read" cmp "$S/data" "$M/data"
check "O_DIRECT 4k reads" dd if="$M/data" of="$WORK/dio" bs=4k iflag=direct \
	status=none
check "O_DIRECT content" cmp "$S/data" "$WORK/dio"
check "write" cp "$S/data" "$M/wfile"
check "fsync" sync "$M/wfile"
check "written content on the source" cmp "$S/data" "$S/wfile"
check "truncate" truncate -s 1000 "$M/wfile"
check_eq "size" 1000 "$(stat -c %s "$S/wfile")"
check "mkdir" mkdir "$M/meta"
check "create 200 files" sh -c "cd '$M/meta' && for i in \$(seq 1 200); do echo \$i > f\$i; done"
check_eq "readdir" 200 "$(t ls "$M/meta" | wc -l)"
check_eq "stat" 4 "$(t stat -c %s "$M/meta/f100")"
check "unlink" sh -c "rm '$M'/meta/f*"
check "rmdir" rmdir "$M/meta"
[ -e "$S/meta" ] && fail "rmdir: still on the source"
stop_server
echo "ok: benchfs ($2)"
