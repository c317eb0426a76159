/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file ff.h
 * famfs-fuse: shared state of the server.
 */
#ifndef FF_H
#define FF_H

#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 318
#endif

#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "famfs_ns.h"
#include "famfs_write.h"

/** Server state. */
struct ff {
	struct famfs_fs fs;
	struct famfs_ns ns;
	pthread_rwlock_t lock;	/**< protects ns */
	pthread_mutex_t refresh_mu; /**< one replay at a time */
	bool master;		/**< system uuid matches: .meta/.log writable */
	bool readonly;		/**< -o ro: device opened read-only */
	double timeout;		/**< entry/attr timeout, seconds */
	unsigned int refresh_ms; /**< periodic log check; 0 = off */
	struct timespec mtime;	/**< mount time: the times of every object */
	uint64_t alloc_bytes;	/**< allocated bytes (sb + log + files) */
	struct fuse_session *se;
	pthread_t refresher;
	bool refresher_running;
	volatile bool stopping;
};

/** The lowlevel operations. */
extern const struct fuse_lowlevel_ops ff_ops;

/**
 * Replay new log entries if the log header moved (cheap check: one load of
 * the header's next index). Safe from any thread.
 * @param notify tell the kernel about directories that gained entries
 * @return number of entries applied
 */
int64_t ff_refresh(struct ff *ff, bool notify);

/** Start/stop the periodic refresh thread. */
int ff_refresher_start(struct ff *ff);
void ff_refresher_stop(struct ff *ff);

/** Install the SIGBUS guard of the data path. @return 0 or -errno */
int ff_data_init(void);

/**
 * Classic data path: gather the device ranges of [off, off+size) of a
 * file into iovecs over the mapping (no copy) and reply.
 */
void ff_data_read(struct ff *ff, fuse_req_t req, const struct famfs_node *n,
		  size_t size, off_t off);

/** Classic write into the mapping; never past the end of the file. */
void ff_data_write(struct ff *ff, fuse_req_t req, const struct famfs_node *n,
		   const char *buf, size_t size, off_t off);

#endif /* FF_H */
