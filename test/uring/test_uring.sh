#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# FUSE-over-io_uring transport: mount uring_fs with -o io_uring and check
# that requests really arrive through the ring (fuse_req_is_uring in the
# server), that file operations and NOTIFY_RETRIEVE work over it, that
# replies from other threads and replies built in the payload buffer work,
# that SIGTERM stops the ring threads with both loops, and that the library
# falls back to /dev/fuse, logs why, and still works when the kernel does
# not offer io_uring (enable_uring=N) or when setting it up fails
# (kernel.io_uring_disabled=2). Both knobs are global: they are restored
# on exit, and only flipped for the few seconds a mount takes.
#
# usage: test_uring.sh PATH/TO/uring_fs
set -u
export LC_ALL=C

FS=${1:?usage: test_uring.sh uring_fs}
PARAM=/sys/module/fuse/parameters/enable_uring

skip() { echo "skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (mount(2) and $PARAM)"
[ -c /dev/fuse ] || skip "no /dev/fuse"
[ -w "$PARAM" ] || skip "kernel without FUSE-over-io_uring ($PARAM)"

OLD=$(cat "$PARAM")
WORK=$(mktemp -d /tmp/uring-test.XXXXXX)
MNT=$WORK/mnt
LOG=$WORK/server.log
mkdir -p "$MNT"
PID=
FAILS=0

cleanup() {
	if [ -n "$PID" ]; then
		umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null
		kill "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
	echo "$OLD" > "$PARAM"
	[ -n "${OLD_SYSCTL:-}" ] && echo "$OLD_SYSCTL" > "$SYSCTL"
	rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

# start_fs OPTS...: mount in the background, wait for .stats to appear
start_fs() {
	: > "$LOG"
	"$FS" -f "$@" "$MNT" 2>>"$LOG" &
	PID=$!
	for _ in $(seq 100); do
		[ -e "$MNT/.stats" ] && return 0
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "--- server log"; cat "$LOG"
	fail "mount with $*"
	return 1
}

stop_fs() {
	umount "$MNT" || fail "umount"
	wait "$PID"
	local rc=$?
	PID=
	[ $rc = 0 ] || fail "server exit status $rc after umount"
}

stat_field() {	# stat_field NAME -> value from .stats
	tr ' ' '\n' < "$MNT/.stats" | sed -n "s/^$1=//p"
}

file_ops() {	# exercise read/write/create/readdir/rename/unlink
	local tag=$1
	printf 'hello io_uring\n' > "$MNT/a" || fail "$tag: create+write"
	[ "$(cat "$MNT/a")" = "hello io_uring" ] || fail "$tag: read back"
	dd if=/dev/urandom of="$WORK/big" bs=64k count=32 status=none
	cp "$WORK/big" "$MNT/big" || fail "$tag: 2 MiB write"
	cmp -s "$WORK/big" "$MNT/big" || fail "$tag: 2 MiB read back"
	dd if="$MNT/big" of="$WORK/big.dio" bs=4k iflag=direct status=none ||
		fail "$tag: O_DIRECT read"
	cmp -s "$WORK/big" "$WORK/big.dio" || fail "$tag: O_DIRECT data"
	mv "$MNT/a" "$MNT/b" || fail "$tag: rename"
	[ -e "$MNT/a" ] && fail "$tag: old name still there"
	[ "$(cat "$MNT/b")" = "hello io_uring" ] || fail "$tag: renamed data"
	mkdir "$MNT/d" || fail "$tag: mkdir"
	local names
	names=$(ls -a "$MNT" | tr '\n' ' ')
	[ "$names" = ". .. .ctl .stats b big d " ] ||
		fail "$tag: readdir gave '$names'"
	rm "$MNT/b" "$MNT/big" && rmdir "$MNT/d" || fail "$tag: unlink/rmdir"
	[ -z "$(ls "$MNT")" ] || fail "$tag: directory not empty after unlink"
	ok "$tag: file operations"
}

retrieve() {	# store a pattern into a file's cache and retrieve it
	local tag=$1 st
	printf 'x' > "$MNT/r" || fail "$tag: create r"
	echo "retrieve r" > "$MNT/.ctl" || fail "$tag: retrieve command"
	for _ in $(seq 50); do
		st=$(stat_field retrieve)
		[ "$st" = pending ] || break
		sleep 0.1
	done
	[ "$st" = ok ] || { fail "$tag: NOTIFY_RETRIEVE state '$st'"; cat "$LOG"; }
	[ "$st" = ok ] && ok "$tag: NOTIFY_RETRIEVE"
	rm -f "$MNT/r"
}

special_reads() {	# replies from another thread; replies built in place
	local tag=$1 f
	for f in async zc; do
		head -c 300000 /dev/urandom > "$WORK/$f.ref"
		cp "$WORK/$f.ref" "$MNT/$f" || fail "$tag: write $f"
		# parallel O_DIRECT readers: several requests in flight per queue
		local pids=
		for i in 1 2 3 4; do
			dd if="$MNT/$f" of="$WORK/$f.$i" bs=16k iflag=direct \
				status=none & pids="$pids $!"
		done
		for p in $pids; do
			wait "$p" || fail "$tag: reader of $f failed"
		done
		for i in 1 2 3 4; do
			cmp -s "$WORK/$f.ref" "$WORK/$f.$i" ||
				fail "$tag: $f read $i differs"
		done
		rm -f "$MNT/$f"
	done
	ok "$tag: async and in-place replies"
}

# 1. io_uring on
echo Y > "$PARAM"
if start_fs -o io_uring; then
	file_ops io_uring
	retrieve io_uring
	special_reads io_uring
	zc=$(stat_field zc)
	[ "${zc:-0}" -gt 0 ] || fail "io_uring: no reply built in the payload"
	u=$(stat_field uring)
	d=$(stat_field dev)
	echo "requests: uring=$u dev=$d"
	[ "${u:-0}" -gt 20 ] || fail "io_uring: only ${u:-0} requests came through the ring"
	# after INIT, only FORGET/INTERRUPT may use /dev/fuse; allow a few
	# requests raced in before the last queue registered
	[ "${d:-0}" -lt "${u:-0}" ] || fail "io_uring: dev=$d not below uring=$u"
	grep -q 'fuse: io_uring.*using /dev/fuse' "$LOG" &&
		fail "io_uring: unexpected fallback: $(cat "$LOG")"
	nthreads=$(ls /proc/"$PID"/task | while read -r t; do
		cat /proc/"$PID"/task/"$t"/comm; done | grep -c '^fuse-ring-')
	[ "$nthreads" -ge 1 ] || fail "io_uring: no fuse-ring-N threads"
	ok "io_uring: $nthreads ring threads"
	stop_fs
fi

# 1b. single-threaded loop next to the rings; SIGTERM ends both
for mode in "-s" ""; do
	start_fs $mode -o io_uring,io_uring_q_depth=4 || continue
	file_ops "io_uring ${mode:-mt} q_depth=4"
	u=$(stat_field uring)
	[ "${u:-0}" -gt 20 ] || fail "io_uring ${mode:-mt}: uring=$u"
	kill -TERM "$PID"
	wait "$PID"; rc=$?; PID=
	grep -q 'loop returned 15' "$LOG" ||
		fail "io_uring SIGTERM ${mode:-mt}: $(cat "$LOG")"
	[ $rc = 2 ] || fail "io_uring SIGTERM ${mode:-mt}: exit status $rc"
	if grep -q " $MNT " /proc/mounts; then
		fail "io_uring SIGTERM ${mode:-mt}: still mounted"
		umount -l "$MNT"
	fi
	ok "io_uring ${mode:-mt}: SIGTERM returned 15, ring threads stopped"
done

# 2. kernel does not offer io_uring: fallback with a logged reason
echo N > "$PARAM"
if start_fs -o io_uring; then
	file_ops fallback
	retrieve fallback
	special_reads fallback
	u=$(stat_field uring)
	[ "${u:-1}" = 0 ] || fail "fallback: $u requests over io_uring"
	stop_fs
	grep -q 'io_uring' "$LOG" || fail "fallback: no logged reason"
	grep 'io_uring' "$LOG" | head -2
	ok "fallback to /dev/fuse"
fi

# 2b. the kernel offers io_uring but setting it up fails (io_uring
# disabled by sysctl): fallback before the INIT reply, logged, works
SYSCTL=/proc/sys/kernel/io_uring_disabled
if [ -w "$SYSCTL" ]; then
	OLD_SYSCTL=$(cat "$SYSCTL")
	echo Y > "$PARAM"
	echo 2 > "$SYSCTL"
	start_fs -o io_uring; started=$?
	echo "$OLD_SYSCTL" > "$SYSCTL"
	if [ $started = 0 ]; then
		file_ops "setup failure"
		u=$(stat_field uring)
		[ "${u:-1}" = 0 ] || fail "setup failure: $u requests over io_uring"
		stop_fs
		grep -q 'io_uring.*failed' "$LOG" ||
			fail "setup failure: no logged reason: $(cat "$LOG")"
		grep 'io_uring' "$LOG" | head -2
		ok "setup failure falls back to /dev/fuse"
	fi
fi

# 3. io_uring on, not requested: stays on /dev/fuse
echo Y > "$PARAM"
if start_fs; then
	cat "$MNT/.stats" > /dev/null
	u=$(stat_field uring)
	[ "${u:-1}" = 0 ] || fail "not requested: $u requests over io_uring"
	stop_fs
	ok "io_uring only when asked for"
fi

[ $FAILS = 0 ] || { echo "$FAILS failure(s)"; exit 1; }
echo "all io_uring tests passed"
