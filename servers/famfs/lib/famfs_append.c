// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Crash-safe log append (spec 1.7): the entry is complete, CRC'd and
 * flushed before the header counts it.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "famfs_write.h"
#include "famfs_le.h"

int famfs_log_append(struct famfs_fs *fs, const struct famfs_entry *e,
		     uint64_t *index_out, char *why)
{
	uint8_t buf[FAMFS_ENTRY_SIZE];
	uint8_t *hdr = fs->dev.base + FAMFS_LOG_OFFSET;
	struct famfs_log_hdr h;
	uint64_t idx;
	int rc;

	if (!fs->dev.writable) {
		snprintf(why, FAMFS_WHY_LEN, "device opened read-only");
		return -EBADF;
	}
	rc = famfs_fs_log_hdr(fs, &h, why);
	if (rc)
		return rc;
	if (h.next_index > h.last_index) {
		snprintf(why, FAMFS_WHY_LEN,
			 "log full: all %llu entries used; nothing was written",
			 (unsigned long long)(h.last_index + 1));
		return -ENOSPC;
	}
	idx = h.next_index;
	/* seqnum must equal the index for readers (spec 1.4) */
	rc = famfs_entry_encode(e, idx, buf);
	if (rc) {
		snprintf(why, FAMFS_WHY_LEN, "entry cannot be encoded");
		return rc;
	}
	memcpy(fs->dev.base + famfs_entry_offset(idx), buf, sizeof(buf));
	rc = famfs_dev_sync(&fs->dev, famfs_entry_offset(idx), sizeof(buf));
	if (rc)
		goto io;
	/* Aligned 8-byte stores (the header is at 2 MiB): a concurrent
	 * reader never sees a torn counter, and never sees the new index
	 * before the entry. */
	__atomic_store_n((uint64_t *)(hdr + FAMFS_LOG_OFF_NEXT_SEQ),
			 htole64(idx + 1), __ATOMIC_RELEASE);
	__atomic_store_n((uint64_t *)(hdr + FAMFS_LOG_OFF_NEXT_IDX),
			 htole64(idx + 1), __ATOMIC_RELEASE);
	rc = famfs_dev_sync(&fs->dev, FAMFS_LOG_OFFSET, FAMFS_LOG_HDR_SIZE);
	if (rc)
		goto io;
	if (index_out)
		*index_out = idx;
	return 0;
io:
	snprintf(why, FAMFS_WHY_LEN, "flush failed: %s", strerror(-rc));
	return rc;
}
