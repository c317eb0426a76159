#!/usr/bin/env bash
# Real mount of passthrough_ll over a scratch directory: every file system
# operation the issue lists, checked through the mount and on the source.
#
#   passthrough.sh <passthrough_ll> <fsops> <st|mt|clone_fd|writeback|uring>
#
# st: single-threaded loop (-s); mt: multi-threaded loop; clone_fd: the
# multi-threaded loop with one cloned /dev/fuse fd per thread; writeback:
# mt with the kernel's writeback cache; uring: FUSE-over-io_uring (-o
# io_uring, enable_uring set to Y for the test and restored after; the
# test fails if the server has no io_uring fd, i.e. fell back).
. "$(dirname "$0")/lib.sh"

[ $# = 3 ] || { echo "usage: $0 <passthrough_ll> <fsops> <mode>" >&2; exit 2; }
PT=$1
FSOPS=$2
MODE=$3

need_mount_privileges
setup_work
S=$WORK/src
M=$MNT
mkdir "$S" || fail "mkdir $S"

case $MODE in
st) opts=(-s) ;;
mt) opts=() ;;
clone_fd) opts=(-o clone_fd) ;;
writeback) opts=(--writeback) ;;
uring)
	URING_PARAM=/sys/module/fuse/parameters/enable_uring
	[ -w "$URING_PARAM" ] ||
		skip "kernel without FUSE-over-io_uring ($URING_PARAM)"
	URING_OLD=$(cat "$URING_PARAM")
	extra_cleanup() { echo "$URING_OLD" > "$URING_PARAM"; }
	echo Y > "$URING_PARAM" || fail "cannot enable $URING_PARAM"
	opts=(-o io_uring)
	;;
*) fail "unknown mode $MODE" ;;
esac

start_server "$PT" --source="$S" --timeout=0 "${opts[@]}"

# create, write, read (both ways)
check "create+write" sh -c "printf abc > '$M/f1'"
check_eq "content on source after write" abc "$(cat "$S/f1")"
check_eq "read back" abc "$(t cat "$M/f1")"
if [ "$MODE" = uring ]; then
	ls -l "/proc/$SERVER_PID/fd" | grep -q io_uring ||
		fail "-o io_uring: the server has no io_uring fd (fell back to /dev/fuse)"
fi
check "append" sh -c "printf def >> '$M/f1'"
check_eq "append" abcdef "$(t cat "$M/f1")"
echo fromsource > "$S/g"
check_eq "read of a file created on the source" fromsource "$(t cat "$M/g")"
check "write at offset" dd if=/dev/zero of="$M/f1" bs=1 seek=1 count=1 \
	conv=notrunc status=none
check_eq "write at offset" "$(printf 'a\0cdef' | od -An -c)" \
	"$(t od -An -c "$M/f1")"
head -c 3000000 /dev/urandom > "$WORK/big"
check "write 3 MB" cp "$WORK/big" "$M/big"
check "3 MB on source" cmp "$WORK/big" "$S/big"
check "read 3 MB" cmp "$WORK/big" "$M/big"
check "O_DIRECT read" dd if="$M/big" of="$WORK/big.dio" bs=1M iflag=direct \
	status=none
check "O_DIRECT read content" cmp "$WORK/big" "$WORK/big.dio"

# truncate
check "truncate" truncate -s 2 "$M/f1"
check_eq "size after truncate (mount)" 2 "$(t stat -c %s "$M/f1")"
check_eq "size after truncate (source)" 2 "$(stat -c %s "$S/f1")"
check "extend" truncate -s 8192 "$M/f1"
check_eq "size after extend" 8192 "$(t stat -c %s "$M/f1")"

# attributes
check "chmod" chmod 640 "$M/f1"
check_eq "mode on source" 640 "$(stat -c %a "$S/f1")"
check "chown" chown 1234:4321 "$M/f1"
check_eq "owner on source" 1234:4321 "$(stat -c %u:%g "$S/f1")"
check "utimens" touch -m -d @1000000000 "$M/f1"
check_eq "mtime on source" 1000000000 "$(stat -c %Y "$S/f1")"
check_eq "mtime on mount" 1000000000 "$(t stat -c %Y "$M/f1")"
check "statfs" stat -f -c %b "$M" >/dev/null
# Birth time is not in FUSE_GETATTR's reply: only FUSE_STATX carries it.
btime=$(stat -c %W "$S/g")
if [ "$btime" != 0 ] && [ "$btime" != - ]; then
	check_eq "statx birth time" "$btime" "$(t stat -c %W "$M/g")"
fi

# rename
check "rename" mv "$M/f1" "$M/f2"
[ -e "$S/f1" ] && fail "rename: old name still on source"
[ -e "$S/f2" ] || fail "rename: new name missing on source"
check "rename RENAME_NOREPLACE onto existing" \
	"$FSOPS" rename noreplace "$M/f2" "$M/g" EEXIST
check_eq "RENAME_NOREPLACE left target alone" fromsource "$(cat "$S/g")"
check "rename RENAME_EXCHANGE" "$FSOPS" rename exchange "$M/f2" "$M/g" 0
check_eq "RENAME_EXCHANGE swapped" fromsource "$(cat "$S/f2")"
check "rename back" "$FSOPS" rename exchange "$M/f2" "$M/g" 0
check "rename over existing" "$FSOPS" rename none "$M/g" "$M/g2" 0

# link, symlink, unlink
check "link" ln "$M/f2" "$M/hl"
check_eq "nlink after link" 2 "$(t stat -c %h "$M/f2")"
check_eq "same inode on source" "$(stat -c %i "$S/f2")" "$(stat -c %i "$S/hl")"
check "symlink" ln -s g2 "$M/sl"
check_eq "readlink" g2 "$(t readlink "$M/sl")"
check_eq "read through symlink" fromsource "$(t cat "$M/sl")"
[ -L "$S/sl" ] || fail "symlink: not a symlink on source"
check "unlink" rm "$M/hl"
[ -e "$S/hl" ] && fail "unlink: still on source"
check_eq "nlink after unlink" 1 "$(t stat -c %h "$M/f2")"
check_fails "stat of unlinked name" stat "$M/hl"
check "unlink symlink" rm "$M/sl"

# mkdir, rmdir, readdir
check "mkdir" mkdir "$M/d"
[ -d "$S/d" ] || fail "mkdir: no directory on source"
check "mkdir nested" mkdir -p "$M/d/e/f"
check "file in subdirectory" sh -c "echo sub > '$M/d/e/f/x'"
check_fails "rmdir of non-empty directory" rmdir "$M/d"
check "rename directory" mv "$M/d" "$M/d2"
check_eq "read after directory rename" sub "$(t cat "$M/d2/e/f/x")"
check "rm -r" rm -r "$M/d2"
[ -e "$S/d2" ] && fail "rm -r: directory still on source"
check "mkdir for rmdir" mkdir "$M/empty"
check "rmdir" rmdir "$M/empty"
[ -e "$S/empty" ] && fail "rmdir: still on source"
mkdir "$S/many"
for i in $(seq 1 500); do : > "$S/many/file-with-a-longish-name-$i"; done
check_eq "readdir of 500 entries (several READDIR calls)" 500 \
	"$(t ls "$M/many" | wc -l)"
check_eq "readdir with . and .." 502 "$(t ls -a "$M/many" | wc -l)"
check_eq "readdirplus-style listing" 500 \
	"$(t ls -l "$M/many" | grep -c file-with)"
check_eq "find agrees with the source" "$(cd "$S" && find . | sort | md5sum)" \
	"$(cd "$M" && t find . | sort | md5sum)"

# xattr
if command -v setfattr >/dev/null && setfattr -n user.probe -v 1 "$S/g2" \
	2>/dev/null; then
	setfattr -x user.probe "$S/g2"
	check "setxattr" setfattr -n user.test -v hello "$M/g2"
	check_eq "xattr on source" hello \
		"$(getfattr --absolute-names -n user.test --only-values "$S/g2")"
	check_eq "getxattr" hello \
		"$(t getfattr --absolute-names -n user.test --only-values "$M/g2")"
	check "listxattr" sh -c "getfattr --absolute-names -d '$M/g2' | grep -q user.test"
	check "removexattr" setfattr -x user.test "$M/g2"
	check_fails "getxattr after remove" getfattr --absolute-names -n user.test "$M/g2"
else
	echo "note: source file system without user xattrs; xattr part skipped"
fi

# fallocate, lseek, copy_file_range
check "fallocate" fallocate -l 1048576 "$M/fa"
check_eq "size after fallocate" 1048576 "$(t stat -c %s "$M/fa")"
check_eq "size on source" 1048576 "$(stat -c %s "$S/fa")"
check "write for punch" dd if=/dev/urandom of="$M/fa" bs=64k count=16 \
	conv=notrunc,fsync status=none
check "punch hole" "$FSOPS" punch "$M/fa" 65536 65536
check_eq "punched range reads zeros" "$(head -c 65536 /dev/zero | md5sum)" \
	"$(t dd if="$M/fa" bs=64k skip=1 count=1 status=none | md5sum)"
check_eq "SEEK_HOLE finds the punched hole" 65536 \
	"$(t "$FSOPS" seek "$M/fa" hole 0)"
check_eq "SEEK_DATA skips it" 131072 "$(t "$FSOPS" seek "$M/fa" data 65536)"
check "copy_file_range" "$FSOPS" copy "$M/big" "$M/big.copy" 3000000
check "copy content" cmp "$WORK/big" "$S/big.copy"

# flock: a second open file description cannot take the lock
check "flock held blocks a second flock" flock -x "$M/g2" \
	sh -c "! flock -n -x '$M/g2' true"
check "flock free again" flock -n -x "$M/g2" true

# concurrency: four writers/readers at once
pids=()
for w in 1 2 3 4; do
	(
		trap - EXIT INT TERM	# the cleanup belongs to the parent
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
check_eq "files from the concurrent writers" 200 "$(ls "$S" | grep -c '^p')"

stop_server
echo "ok: passthrough_ll ($MODE)"
