/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private interface of the io_uring transport (lib/uring.c) and the
 * multi-threaded loop (lib/loop_mt.c). Never installed.
 *
 * What the core calls is declared in lib/fuse_i.h (fuse_uring_start,
 * fuse_uring_stop and the io_uring / MT loop section at its end); this
 * header holds what only these two files share.
 */
#ifndef FUSE_URING_I_H
#define FUSE_URING_I_H

#include <limits.h>

/**
 * Identifier in the first int of a 3.12+ struct fuse_loop_config.
 *
 * Before 3.12 the public struct (now struct fuse_loop_config_v1) began with
 * clone_fd, which is 0 or 1; a value no program sets there tells the two
 * layouts apart (upstream uses the same value, FUSE_LOOP_MT_V2_IDENTIFIER).
 */
#define FUSE_LOOP_CFG_V2_ID	(INT_MAX - 2)

/** Default maximum number of worker threads (as upstream). */
#define FUSE_LOOP_MT_DEF_MAX_THREADS	10

/** Default number of idle workers kept: -1 = never reap idle workers. */
#define FUSE_LOOP_MT_DEF_IDLE_THREADS	(-1)

/** Hard cap on worker threads, whatever the configuration says. */
#define FUSE_LOOP_MT_MAX_THREADS_CAP	100000

/**
 * The real (opaque) loop configuration of API 3.12+.
 *
 * version_id must stay the first member, at the offset of
 * struct fuse_loop_config_v1's clone_fd.
 */
struct fuse_loop_config {
	int version_id;			/**< FUSE_LOOP_CFG_V2_ID */
	int clone_fd;			/**< one cloned /dev/fuse fd per worker */
	int max_idle_threads;		/**< -1: keep all idle workers */
	unsigned int max_threads;	/**< upper bound on workers */
};

/** Default io_uring queue depth per queue (as upstream). */
#define FUSE_URING_DEF_Q_DEPTH	8

/** Largest accepted io_uring_q_depth. */
#define FUSE_URING_MAX_Q_DEPTH	1024

#endif /* FUSE_URING_I_H */
