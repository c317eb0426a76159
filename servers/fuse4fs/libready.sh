#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Print "yes" when the in-tree libfuse (lib/) defines, in files that
# lib/meson.build compiles, every function fuse4fs links against; "no"
# otherwise.  Keeps the tree building while the library is being written.
root=${1:?usage: libready.sh SOURCE_ROOT}
files=""
for f in "$root"/lib/*.c; do
	b=$(basename "$f")
	grep -q "'$b'" "$root/lib/meson.build" && files="$files $f"
done
[ -n "$files" ] || { echo no; exit 0; }
for sym in fuse_session_new fuse_session_mount fuse_session_unmount \
	fuse_session_destroy fuse_session_loop fuse_session_loop_mt \
	fuse_loop_cfg_create fuse_parse_cmdline fuse_opt_parse \
	fuse_opt_add_arg fuse_daemonize fuse_set_signal_handlers \
	fuse_reply_entry fuse_reply_create fuse_reply_attr fuse_reply_buf \
	fuse_reply_write fuse_reply_lseek fuse_reply_ioctl fuse_reply_xattr \
	fuse_reply_statfs fuse_reply_readlink fuse_add_direntry \
	fuse_add_direntry_plus fuse_req_ctx fuse_req_userdata; do
	# a definition: the name followed by '(' at the start of a line or
	# after a return type, and not ending in ';'
	if ! grep -hE "^[a-z_].*[ *]_?${sym}(_[0-9]+)?\(|^_?${sym}(_[0-9]+)?\(" $files |
	     grep -qv ';[[:space:]]*$'; then
		echo no
		exit 0
	fi
done
echo yes
