// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ll_opts.c - the options fuse_session_new() understands (the help text
 * for them is printed by fuse_lowlevel_help() in lib/helper.c).
 */
#include "fuse_i.h"
#include "ll_i.h"

#include <stddef.h>
#include <string.h>

struct ll_opts {
	int debug;
	int allow_root;
	int io_uring;
	unsigned int io_uring_q_depth;
};

#define LL_OPT(t, p, v) { t, offsetof(struct ll_opts, p), v }

static const struct fuse_opt ll_opt_spec[] = {
	LL_OPT("debug", debug, 1),
	LL_OPT("-d", debug, 1),
	LL_OPT("--debug", debug, 1),
	LL_OPT("allow_root", allow_root, 1),
	LL_OPT("io_uring", io_uring, 1),
	LL_OPT("io_uring_q_depth=%u", io_uring_q_depth, 0),
	FUSE_OPT_END
};

int fuse_ll_parse_session_opts(struct fuse_session *se, struct fuse_args *args)
{
	struct ll_opts o;

	memset(&o, 0, sizeof(o));
	if (fuse_opt_parse(args, &o, ll_opt_spec, NULL) == -1)
		return -1;
	se->debug = o.debug;
	se->allow_root = o.allow_root;
	se->uring.enable = o.io_uring != 0;
	/* As upstream: the depth alone does not turn io_uring on. */
	se->uring.q_depth = o.io_uring_q_depth;
	return 0;
}
