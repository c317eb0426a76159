#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Multi-threaded loop: many concurrent readers with clone_fd off and on,
# max_threads honoured (the server records how many requests it saw in
# flight at once), and a clean exit on SIGTERM with the loop returning the
# signal number.
#
# usage: test_loop_mt.sh PATH/TO/uring_fs
set -u
export LC_ALL=C

FS=${1:?usage: test_loop_mt.sh uring_fs}

skip() { echo "skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (mount(2))"
[ -c /dev/fuse ] || skip "no /dev/fuse"

WORK=$(mktemp -d /tmp/loopmt-test.XXXXXX)
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
	rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

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

stat_field() {
	tr ' ' '\n' < "$MNT/.stats" | sed -n "s/^$1=//p"
}

# concurrent TAG MAX OPTS: 16 readers of 16 slow files (50 ms per read)
concurrent() {
	local tag=$1 max=$2
	shift 2
	start_fs "$@" || return
	for i in $(seq 16); do
		head -c 100 /dev/urandom > "$MNT/slow$i" || fail "$tag: create"
		cp "$MNT/slow$i" "$WORK/ref$i"
	done
	local pids=
	for i in $(seq 16); do
		dd if="$MNT/slow$i" of="$WORK/out$i" bs=4k iflag=direct \
			status=none & pids="$pids $!"
	done
	for p in $pids; do
		wait "$p" || fail "$tag: reader failed"
	done
	for i in $(seq 16); do
		cmp -s "$WORK/ref$i" "$WORK/out$i" || fail "$tag: data of slow$i"
	done
	local conc threads devfds
	conc=$(stat_field maxconc)
	threads=$(ls /proc/"$PID"/task | wc -l)
	devfds=$(ls -l /proc/"$PID"/fd | grep -c '/dev/fuse')
	echo "$tag: max requests in flight $conc, threads $threads, /dev/fuse fds $devfds"
	case "$*" in
	*clone_fd*)
		[ "$devfds" -ge 2 ] || fail "$tag: clone_fd but one /dev/fuse fd";;
	*)
		[ "$devfds" = 1 ] || fail "$tag: $devfds /dev/fuse fds without clone_fd";;
	esac
	[ "$conc" -le "$max" ] || fail "$tag: $conc in flight > max_threads $max"
	[ "$conc" -ge 2 ] || fail "$tag: no concurrency ($conc)"
	# workers + the waiting main thread
	[ "$threads" -le $((max + 1)) ] || fail "$tag: $threads threads > $max + 1"
	umount "$MNT" || fail "$tag: umount"
	wait "$PID"; local rc=$?; PID=
	[ $rc = 0 ] || fail "$tag: exit status $rc"
	grep -q 'loop returned 0' "$LOG" || fail "$tag: loop result: $(cat "$LOG")"
	ok "$tag"
}

concurrent "mt default" 10
concurrent "mt max_threads=4" 4 -o max_threads=4
concurrent "mt clone_fd max_threads=6" 6 -o clone_fd,max_threads=6
concurrent "mt clone_fd idle=1" 10 -o clone_fd,max_idle_threads=1

# SIGTERM: the loop returns 15 and the server unmounts
for mode in "" "-o clone_fd" "-s"; do
	start_fs $mode || continue
	cat "$MNT/.stats" > /dev/null
	kill -TERM "$PID"
	wait "$PID"; rc=$?; PID=
	grep -q 'loop returned 15' "$LOG" ||
		fail "SIGTERM ${mode:-mt}: $(cat "$LOG")"
	[ $rc = 2 ] || fail "SIGTERM ${mode:-mt}: exit status $rc, want 2"
	if grep -q " $MNT " /proc/mounts; then
		fail "SIGTERM ${mode:-mt}: still mounted"
		umount -l "$MNT"
	fi
	ok "SIGTERM ${mode:-mt}: loop returned 15, unmounted"
done

[ $FAILS = 0 ] || { echo "$FAILS failure(s)"; exit 1; }
echo "all MT loop tests passed"
