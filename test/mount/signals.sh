#!/usr/bin/env bash
# Clean unmount on SIGINT and SIGTERM: the server must leave its loop,
# unmount, and exit with status 0, in the single- and multi-threaded loops,
# both idle and while a reader keeps the file system busy.
#
#   signals.sh <hello_ll>
. "$(dirname "$0")/lib.sh"

[ $# = 1 ] || { echo "usage: $0 <hello_ll>" >&2; exit 2; }
HELLO=$1

need_mount_privileges
setup_work

for sig in INT TERM; do
	for mode in st mt clone_fd; do
		case $mode in
		st) opts=(-s) ;;
		mt) opts=() ;;
		clone_fd) opts=(-o clone_fd) ;;
		esac
		for load in idle busy; do
			start_server "$HELLO" "${opts[@]}"
			check_eq "content before SIG$sig" "Hello World!" \
				"$(t cat "$MNT/hello")"
			busy=
			if [ $load = busy ]; then
				(
					trap - EXIT INT TERM
					while cat "$MNT/hello" >/dev/null 2>&1; do
						:
					done
				) &
				busy=$!
				sleep 0.3
			fi
			echo "SIG$sig, $mode loop, $load"
			kill -"$sig" "$SERVER_PID"
			wait_server_exit 10
			rc=$?
			[ -n "$busy" ] && { kill "$busy" 2>/dev/null; wait "$busy"; }
			SERVER_PID=
			[ $rc = 0 ] || { cat "$WORK/server.log" >&2;
				fail "exit status $rc after SIG$sig ($mode, $load)"; }
			is_mounted "$MNT" &&
				fail "still mounted after SIG$sig ($mode, $load)"
		done
	done
done
echo "ok: clean unmount on SIGINT and SIGTERM"
