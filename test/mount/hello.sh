#!/usr/bin/env bash
# Real mount of hello_ll: listing, attributes, content, read-only-ness,
# a custom name and content, in the single- and multi-threaded loops.
#
#   hello.sh <hello_ll> <st|mt|clone_fd>
. "$(dirname "$0")/lib.sh"

[ $# = 2 ] || { echo "usage: $0 <hello_ll> <mode>" >&2; exit 2; }
HELLO=$1
case $2 in
st) opts=(-s) ;;
mt) opts=() ;;
clone_fd) opts=(-o clone_fd) ;;
*) echo "unknown mode $2" >&2; exit 2 ;;
esac

need_mount_privileges
setup_work

start_server "$HELLO" "${opts[@]}"
check_eq "readdir" hello "$(t ls "$MNT")"
check_eq "readdir -a" ". .. hello" "$(t ls -a "$MNT" | tr '\n' ' ' | sed 's/ $//')"
check_eq "file mode and size" "-r--r--r-- 13" "$(t stat -c '%A %s' "$MNT/hello")"
check_eq "directory mode" "drwxr-xr-x" "$(t stat -c %A "$MNT")"
check_eq "content" "Hello World!" "$(t cat "$MNT/hello")"
check_eq "read at an offset" "World!" "$(t tail -c 7 "$MNT/hello")"
check_eq "small reads" "Hello World!" "$(t dd if="$MNT/hello" bs=1 status=none)"
check_fails "open for writing" sh -c "echo x >> '$MNT/hello'"
check_fails "create" touch "$MNT/new"
check_fails "lookup of a missing name" stat "$MNT/missing"
stop_server

start_server "$HELLO" "${opts[@]}" --name=greeting --contents=abc
check_eq "custom name" greeting "$(t ls "$MNT")"
check_eq "custom content" abc "$(t cat "$MNT/greeting")"
stop_server
echo "ok: hello_ll ($2)"
