/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ll_run: the common main() tail of the lowlevel example servers.
 *
 * Every example parses its own options first (fuse_opt_parse), then hands
 * the remaining arguments to ll_run(), which does what every lowlevel
 * server does: parse the standard command line, create the session,
 * install signal handlers, mount, daemonize, run the single- or
 * multi-threaded loop, and tear everything down again.
 */
#ifndef EXAMPLE_LL_RUN_H
#define EXAMPLE_LL_RUN_H

#include <fuse_lowlevel.h>

/**
 * Hook called after the file system is mounted and the process is
 * daemonized (or not, with -f), just before the loop starts.
 *
 * @param se the mounted session
 * @param userdata the userdata passed to ll_run()
 * @return 0 to go on, non-zero to unmount and fail
 */
typedef int (*ll_run_hook)(struct fuse_session *se, void *userdata);

/**
 * Run a lowlevel server on the remaining command line.
 *
 * @param args arguments left after the example's own options; freed here
 * @param usage one line printed before the generic help for --help
 * @param ops the server's operations
 * @param op_size sizeof(*ops)
 * @param userdata passed to the operations as fuse_req_userdata()
 * @param started optional hook, see ll_run_hook (may be NULL)
 * @param stopping optional hook called when the loop has returned, before
 *	  unmounting (return value ignored; may be NULL)
 * @return the process exit status (0 on a clean unmount)
 */
int ll_run(struct fuse_args *args, const char *usage,
	   const struct fuse_lowlevel_ops *ops, size_t op_size,
	   void *userdata, ll_run_hook started, ll_run_hook stopping);

#endif /* EXAMPLE_LL_RUN_H */
