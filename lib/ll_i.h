/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ll_i.h - declarations shared by the core's own files (lib/ll_*.c,
 * lib/session.c, lib/loop.c) and nobody else.  Never installed.
 */
#ifndef FUSE_LL_I_H_
#define FUSE_LL_I_H_

#include "fuse_i.h"

/** A poll handle: the kernel's poll key and the session */
struct fuse_pollhandle {
	uint64_t kh;
	struct fuse_session *se;
};

/* ll_req.c */

/** Enter @a req in the interrupt table (no-op with no_interrupt) */
void fuse_req_track(struct fuse_req *req);

/** Handle FUSE_INTERRUPT for @a unique */
void fuse_req_interrupt_unique(struct fuse_session *se, uint64_t unique);

/** Free interrupts that never found their request */
void fuse_req_pending_free(struct fuse_session *se);

/* ll_reply.c */

/** Convert struct stat to the wire attributes */
void fuse_ll_fill_attr(struct fuse_attr *attr, const struct stat *st,
		       uint32_t attr_flags);

/** Fill a fuse_entry_out */
void fuse_ll_fill_entry(struct fuse_entry_out *arg,
			const struct fuse_entry_param *e, uint32_t attr_flags);

/** Reply with one argument buffer (NULL/0 for none) */
int fuse_ll_reply_ok(struct fuse_req *req, const void *arg, size_t size);

/* ll_init.c */

/** Handle FUSE_INIT; @a arg holds @a len bytes of fuse_init_in */
void fuse_ll_do_init(struct fuse_req *req, const void *arg, size_t len);

/* ll_notify.c */

/** Handle FUSE_NOTIFY_REPLY (answer to a NOTIFY_RETRIEVE) */
void fuse_ll_do_notify_reply(struct fuse_req *req, fuse_ino_t nodeid,
			     const struct fuse_notify_retrieve_in *arg,
			     const void *data, size_t len);

/** Free retrieve requests that never got their reply */
void fuse_ll_retrieves_free(struct fuse_session *se);

/* ll_opts.c */

/**
 * Parse the session options of fuse_session_new() from @a args.
 * @return 0, or -1 on a bad or unknown option (logged)
 */
int fuse_ll_parse_session_opts(struct fuse_session *se, struct fuse_args *args);

#endif /* FUSE_LL_I_H_ */
