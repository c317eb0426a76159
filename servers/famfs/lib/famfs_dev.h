/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file famfs_dev.h
 * The device holding a famfs: a DAX character device, a block device, or a
 * regular file standing in for one. Mapped whole with mmap(MAP_SHARED).
 */
#ifndef FAMFS_DEV_H
#define FAMFS_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "famfs_format.h"

/** Kind of device file. */
enum famfs_dev_kind {
	FAMFS_DEV_FILE,		/**< regular file (image) */
	FAMFS_DEV_BLOCK,	/**< block device */
	FAMFS_DEV_DAX,		/**< DAX character device */
};

/** An open, mapped device. */
struct famfs_dev {
	int fd;
	enum famfs_dev_kind kind;
	bool writable;
	uint64_t size;		/**< device size in bytes */
	uint8_t *base;		/**< mapping of [0, size) */
	char path[4096];
};

/**
 * Open and map a device.
 *
 * @param path     device or image path
 * @param writable open and map read-write
 * @param d        receives the device
 * @param why      reason on failure
 * @return 0 or -errno
 */
int famfs_dev_open(const char *path, bool writable, struct famfs_dev *d,
		   char *why);

/** Unmap and close. Safe on a zeroed or closed struct. */
void famfs_dev_close(struct famfs_dev *d);

/**
 * Take the writer lock (flock LOCK_EX on the device file).
 * @param nonblock fail with -EWOULDBLOCK instead of waiting
 * @return 0 or -errno
 */
int famfs_dev_lock(struct famfs_dev *d, bool nonblock);

/** Write back [off, off+len) of the mapping synchronously. @return 0/-errno */
int famfs_dev_sync(struct famfs_dev *d, uint64_t off, uint64_t len);

#endif /* FAMFS_DEV_H */
