/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file famfs_fs.h
 * An opened famfs: the mapped device, its validated superblock, and access
 * to the log header and entries.
 */
#ifndef FAMFS_FS_H
#define FAMFS_FS_H

#include "famfs_dev.h"
#include "famfs_format.h"

/** An open famfs. */
struct famfs_fs {
	struct famfs_dev dev;
	struct famfs_sb sb;
};

/**
 * Open a device, validate its superblock and check that the device is at
 * least as large as the superblock says.
 * @return 0 or -errno with @p why set; on failure nothing stays open
 */
int famfs_fs_open(const char *path, bool writable, struct famfs_fs *fs,
		  char *why);

/** Close. */
void famfs_fs_close(struct famfs_fs *fs);

/**
 * Read and validate the current log header (a snapshot: the counters may
 * change under a concurrent writer, so this copies before decoding).
 * @return 0 or -errno with @p why set
 */
int famfs_fs_log_hdr(const struct famfs_fs *fs, struct famfs_log_hdr *h,
		     char *why);

/** Device offset of log entry @p index. */
static inline uint64_t famfs_entry_offset(uint64_t index)
{
	return FAMFS_LOG_OFFSET + FAMFS_LOG_HDR_SIZE + index * FAMFS_ENTRY_SIZE;
}

/**
 * Copy log entry @p index (must be < capacity) and check its integrity.
 * @param buf receives FAMFS_ENTRY_SIZE bytes
 * @return 0 or -EBADMSG with @p why set
 */
int famfs_fs_read_entry(const struct famfs_fs *fs, uint64_t index,
			uint8_t buf[FAMFS_ENTRY_SIZE], char *why);

#endif /* FAMFS_FS_H */
