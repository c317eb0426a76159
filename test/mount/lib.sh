# shellcheck shell=bash
# Common helpers of the real-mount tests (sourced, not run).
#
# Each test: root and /dev/fuse or "skipped: <why>" + exit 77; a private
# work directory; the server started in the foreground in the background;
# every file system operation bounded by a timeout; the mount removed and
# the server reaped on every exit path (trap).

set -u

OP_TIMEOUT=${OP_TIMEOUT:-20}	# seconds per file system operation
MOUNT_TIMEOUT=${MOUNT_TIMEOUT:-10}

SERVER_PID=
MNT=
WORK=
BG_PIDS=()	# helper processes to kill on exit

skip() {
	echo "skipped: $*"
	exit 77
}

fail() {
	echo "FAIL: $*" >&2
	if [ -n "$WORK" ] && [ -s "$WORK/server.log" ]; then
		echo "--- last lines of the server's output:" >&2
		tail -n 30 "$WORK/server.log" >&2
	fi
	exit 1
}

need_mount_privileges() {
	[ "$(id -u)" = 0 ] || skip "not root (mount(2) on /dev/fuse needs root)"
	[ -c /dev/fuse ] || skip "/dev/fuse missing"
	{ exec 9<>/dev/fuse; } 2>/dev/null || skip "cannot open /dev/fuse"
	exec 9>&-
	command -v timeout >/dev/null || skip "timeout(1) missing"
}

is_mounted() {
	# mountinfo field 5 is the mount point; no stat() of a hung mount.
	awk -v m="$1" '$5 == m { found = 1 } END { exit !found }' \
		/proc/self/mountinfo
}

cleanup() {
	local rc=$? p

	for p in "${BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done

	if [ -n "$MNT" ] && is_mounted "$MNT"; then
		umount "$MNT" 2>/dev/null || umount -l "$MNT" 2>/dev/null
	fi
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		sleep 0.2
		kill -KILL "$SERVER_PID" 2>/dev/null
	fi
	[ -n "$WORK" ] && rm -rf "$WORK"
	if declare -F extra_cleanup >/dev/null; then
		extra_cleanup
	fi
	exit $rc
}

setup_work() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/fuse-mount-test.XXXXXX") ||
		fail "mktemp"
	MNT=$WORK/mnt
	mkdir "$MNT" || fail "mkdir $MNT"
	trap cleanup EXIT
	trap 'exit 1' INT TERM
}

# start_server <program> <args...>: runs "<program> <args...> -f $MNT"
# in the background and waits until the mount appears.
start_server() {
	local i

	# A background job of a non-interactive shell starts with SIGINT
	# ignored, and servers keep ignored signals ignored: reset them.
	# SERVER_OPTS (environment) is appended, e.g. SERVER_OPTS=-d.
	# shellcheck disable=SC2086
	env --default-signal=INT,TERM,HUP "$@" ${SERVER_OPTS:-} -f "$MNT" \
		>"$WORK/server.log" 2>&1 &
	SERVER_PID=$!
	for i in $(seq 1 $((MOUNT_TIMEOUT * 20))); do
		if is_mounted "$MNT"; then
			return 0
		fi
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then
			cat "$WORK/server.log" >&2
			fail "server exited before mounting: $*"
		fi
		sleep 0.05
	done
	cat "$WORK/server.log" >&2
	fail "no mount on $MNT after ${MOUNT_TIMEOUT}s: $*"
}

# wait_server_exit <seconds>: waits for the server; returns its status.
wait_server_exit() {
	local i

	for i in $(seq 1 $(($1 * 20))); do
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then
			wait "$SERVER_PID"
			return $?
		fi
		sleep 0.05
	done
	fail "server (pid $SERVER_PID) still running after $1 s"
}

# stop_server: unmount, then expect the server to exit with status 0.
stop_server() {
	local rc

	timeout "$OP_TIMEOUT" umount "$MNT" || fail "umount $MNT"
	wait_server_exit 10
	rc=$?
	SERVER_PID=
	[ $rc = 0 ] || { cat "$WORK/server.log" >&2;
		fail "server exit status $rc after unmount"; }
	is_mounted "$MNT" && fail "$MNT still mounted after umount"
	return 0
}

# t <cmd...>: run one operation with a timeout.
t() {
	timeout -k 2 "$OP_TIMEOUT" "$@"
}

# check <description> <cmd...>: the command must succeed.
check() {
	local what=$1

	shift
	t "$@" || fail "$what (command: $*)"
}

# check_fails <description> <cmd...>: the command must fail (not time out).
check_fails() {
	local what=$1 rc

	shift
	t "$@" 2>/dev/null
	rc=$?
	[ $rc = 124 ] && fail "$what: timed out (command: $*)"
	[ $rc != 0 ] || fail "$what: succeeded but must fail (command: $*)"
}

# check_eq <description> <expected> <actual>
check_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}
