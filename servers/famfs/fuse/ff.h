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
#include <fuse_iomap.h>
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
	struct fuse_iomap *im;	/**< serves the data of every file */
	uint32_t devid[FAMFS_MAX_DAXDEVS]; /**< fuse_iomap device id by daxdev index (0 = none) */
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

/**
 * Register the device with fuse_iomap (after fuse_iomap_new()).
 * @return 0 or -errno (logged)
 */
int ff_iomap_add_devices(struct ff *ff);

/**
 * Hand a file's layout to fuse_iomap under its inode number (no-op for
 * directories or before the handle exists). famfs layouts never change,
 * so this is done once, when the inode becomes known.
 * @return 0 or -errno (logged: the file's data then reads EIO)
 */
int ff_iomap_publish(struct ff *ff, const struct famfs_node *n);

/** Publish every file known so far. @return the number refused */
int ff_iomap_publish_all(struct ff *ff);

#endif /* FF_H */
