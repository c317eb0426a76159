#!/usr/bin/env bash
# notify_inval_inode: a file cached by the kernel (keep_cache, infinite
# timeouts) whose content changes in the server. With inval or store
# notifications, a reader sees the new content; with none (the control),
# the kernel keeps serving the stale page, which shows that the test would
# notice notifications that do nothing.
#
# While a reader polls, a helper keeps the file's first page mapped, so
# that an echo > drop_caches elsewhere on the machine cannot evict it and
# make the control pass for the wrong reason (mapped pages survive
# drop_caches; the notifications still reach them).
#
#   notify.sh <notify_inval_inode> <fsops> [uring]
#
# With "uring", requests travel over FUSE-over-io_uring (enable_uring is
# set to Y for the test and restored); notifications still go through the
# /dev/fuse fd, and must work next to the ring.
. "$(dirname "$0")/lib.sh"

[ $# = 2 ] || [ $# = 3 ] ||
	{ echo "usage: $0 <notify_inval_inode> <fsops> [uring]" >&2; exit 2; }
NOTIFY=$1
FSOPS=$2
URING=${3:-}

need_mount_privileges
setup_work
extra=()
if [ "$URING" = uring ]; then
	URING_PARAM=/sys/module/fuse/parameters/enable_uring
	[ -w "$URING_PARAM" ] ||
		skip "kernel without FUSE-over-io_uring ($URING_PARAM)"
	URING_OLD=$(cat "$URING_PARAM")
	extra_cleanup() { echo "$URING_OLD" > "$URING_PARAM"; }
	echo Y > "$URING_PARAM" || fail "cannot enable $URING_PARAM"
	extra=(-o io_uring)
fi

for loop in st mt; do
	[ $loop = st ] && opts=(-s "${extra[@]}") || opts=("${extra[@]}")
	for mode in inval store none; do
		start_server "$NOTIFY" "${opts[@]}" --mode=$mode --interval=0.2
		first=$(t cat "$MNT/generation") ||
			fail "read ($mode, $loop)"
		if [ -n "$URING" ] &&
		   ! ls -l "/proc/$SERVER_PID/fd" | grep -q io_uring; then
			fail "-o io_uring: the server has no io_uring fd ($loop)"
		fi
		case $first in
		"generation "[0-9]*) ;;
		*) fail "unexpected content '$first' ($mode, $loop)" ;;
		esac
		hold_out=$WORK/hold-$loop-$mode.out	# fresh file: no stale "held"
		"$FSOPS" hold "$MNT/generation" 30 > "$hold_out" &
		hold=$!
		BG_PIDS+=("$hold")
		# Generous: under load, starting a process can take seconds.
		for i in $(seq 1 500); do
			grep -q held "$hold_out" 2>/dev/null && break
			kill -0 "$hold" 2>/dev/null || break
			sleep 0.02
		done
		grep -q held "$hold_out" || fail "could not map the file ($mode, $loop)"
		changed=
		for i in $(seq 1 20); do
			sleep 0.1
			now=$(t cat "$MNT/generation") ||
				fail "read ($mode, $loop)"
			if [ "$now" != "$first" ]; then
				changed=$now
				break
			fi
		done
		kill "$hold" 2>/dev/null
		wait "$hold" 2>/dev/null
		if [ $mode = none ]; then
			[ -z "$changed" ] || fail "control without notifications saw new content '$changed': the page cache is not kept, so this test cannot tell whether notifications work ($loop)"
		else
			[ -n "$changed" ] || fail "content still '$first' 2 s after updates every 0.2 s: notify $mode had no effect ($loop)"
			[ "${changed%% *}" = generation ] ||
				fail "bad content after notify $mode: '$changed'"
		fi
		stop_server
	done
done
echo "ok: inval_inode and store notifications make new content visible${URING:+ (io_uring)}"
