#!/usr/bin/env bash
# Real mount of memfs_ll (the in-memory example): files, directories,
# links, rename, truncate, a 16 MiB file, 1000 entries, concurrent writers.
#
#   memfs.sh <memfs_ll> <fsops>
. "$(dirname "$0")/lib.sh"

[ $# = 2 ] || { echo "usage: $0 <memfs_ll> <fsops>" >&2; exit 2; }
MEMFS=$1
FSOPS=$2

need_mount_privileges
setup_work
M=$MNT
start_server "$MEMFS"

check "create+write" sh -c "printf abc > '$M/f'"
check_eq "read" abc "$(t cat "$M/f")"
check "append" sh -c "printf def >> '$M/f'"
check_eq "read after append" abcdef "$(t cat "$M/f")"
check "truncate" truncate -s 2 "$M/f"
check_eq "after truncate" ab "$(t cat "$M/f")"
check "extend" truncate -s 4 "$M/f"
check_eq "extension reads zeros" "$(printf 'ab\0\0' | od -An -c)" \
	"$(t od -An -c "$M/f")"
head -c 16777216 /dev/urandom > "$WORK/big"
check "16 MiB write" cp "$WORK/big" "$M/big"
check "16 MiB read" cmp "$WORK/big" "$M/big"
check "O_DIRECT read" dd if="$M/big" of="$WORK/big2" bs=1M iflag=direct \
	status=none
check "O_DIRECT content" cmp "$WORK/big" "$WORK/big2"
check "chmod" chmod 600 "$M/f"
check_eq "mode" 600 "$(t stat -c %a "$M/f")"
check "utimens" touch -m -d @1000000000 "$M/f"
check_eq "mtime" 1000000000 "$(t stat -c %Y "$M/f")"

check "mkdir" mkdir -p "$M/a/b/c"
check_eq "directory link count" 3 "$(t stat -c %h "$M/a")"
check "rename file into directory" mv "$M/f" "$M/a/b/c/f"
check_eq "read after rename" "$(printf 'ab\0\0' | od -An -c)" \
	"$(t od -An -c "$M/a/b/c/f")"
check "rename directory" mv "$M/a/b" "$M/b2"
check_eq "link count of old parent" 2 "$(t stat -c %h "$M/a")"
check "rename a directory into itself" "$FSOPS" rename none "$M/b2" \
	"$M/b2/c/x" EINVAL
check "RENAME_NOREPLACE onto existing" "$FSOPS" rename noreplace \
	"$M/big" "$M/b2/c/f" EEXIST
check "link" ln "$M/big" "$M/hl"
check_eq "nlink" 2 "$(t stat -c %h "$M/big")"
check "symlink" ln -s big "$M/sl"
check_eq "readlink" big "$(t readlink "$M/sl")"
check "read through symlink" cmp "$WORK/big" "$M/sl"
check "unlink" rm "$M/big"
check "data still reachable by the other link" cmp "$WORK/big" "$M/hl"
check_fails "rmdir of non-empty directory" rmdir "$M/b2"
check "rm -r" rm -r "$M/b2" "$M/a"
check "mkdir for many" mkdir "$M/many"
check "create 1000 files" sh -c "cd '$M/many' && for i in \$(seq 1 1000); do : > entry-number-\$i; done"
check_eq "readdir of 1000 entries" 1000 "$(t ls "$M/many" | wc -l)"
check "remove while listing" sh -c "cd '$M/many' && for f in *; do rm \"\$f\"; done"
check_eq "empty after removal" 0 "$(t ls "$M/many" | wc -l)"
check "statfs" stat -f -c %b "$M" >/dev/null

pids=()
for w in 1 2 3 4; do
	(
		trap - EXIT INT TERM
		for i in $(seq 1 50); do
			echo "$w-$i" > "$M/p$w-$i" || exit 1
			[ "$(cat "$M/p$w-$i")" = "$w-$i" ] || exit 1
		done
	) &
	pids+=($!)
done
ok=1
for p in "${pids[@]}"; do wait "$p" || ok=0; done
[ $ok = 1 ] || fail "concurrent create/write/read"
check_eq "files from the concurrent writers" 200 "$(t ls "$M" | grep -c '^p')"

stop_server
echo "ok: memfs_ll"
