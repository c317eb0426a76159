// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Opening a famfs and reading its log.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "famfs_fs.h"

int famfs_fs_open(const char *path, bool writable, struct famfs_fs *fs,
		  char *why)
{
	char reason[FAMFS_WHY_LEN];
	int rc;

	memset(fs, 0, sizeof(*fs));
	rc = famfs_dev_open(path, writable, &fs->dev, why);
	if (rc)
		return rc;
	rc = famfs_sb_decode(fs->dev.base, fs->dev.size, &fs->sb, reason);
	if (rc) {
		snprintf(why, FAMFS_WHY_LEN, "%s: %s", path, reason);
		goto fail;
	}
	if (fs->sb.dev_size > fs->dev.size) {
		snprintf(why, FAMFS_WHY_LEN,
			 "%s: superblock says %llu bytes but the device has %llu",
			 path, (unsigned long long)fs->sb.dev_size,
			 (unsigned long long)fs->dev.size);
		rc = -EINVAL;
		goto fail;
	}
	return 0;
fail:
	famfs_dev_close(&fs->dev);
	return rc;
}

void famfs_fs_close(struct famfs_fs *fs)
{
	famfs_dev_close(&fs->dev);
}

int famfs_fs_log_hdr(const struct famfs_fs *fs, struct famfs_log_hdr *h,
		     char *why)
{
	uint8_t buf[FAMFS_LOG_HDR_SIZE];

	memcpy(buf, fs->dev.base + FAMFS_LOG_OFFSET, sizeof(buf));
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return famfs_log_hdr_decode(buf, &fs->sb, h, why);
}

int famfs_fs_read_entry(const struct famfs_fs *fs, uint64_t index,
			uint8_t buf[FAMFS_ENTRY_SIZE], char *why)
{
	if (index >= famfs_log_capacity(fs->sb.log_len)) {
		snprintf(why, FAMFS_WHY_LEN, "entry %llu beyond the log",
			 (unsigned long long)index);
		return -EINVAL;
	}
	memcpy(buf, fs->dev.base + famfs_entry_offset(index), FAMFS_ENTRY_SIZE);
	return famfs_entry_check(buf, index, why);
}
