// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mkfs: what the reference __famfs_mkfs writes (spec 1.2, 1.3).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "famfs_write.h"
#include "famfs_le.h"

int famfs_mkfs(struct famfs_dev *d, const struct famfs_mkfs_opts *o,
	       char *why)
{
	uint64_t log_len = o->log_len ? o->log_len : FAMFS_LOG_LEN_DEFAULT;
	uint8_t sbuf[FAMFS_SB_SIZE], hbuf[FAMFS_LOG_HDR_SIZE];
	char reason[FAMFS_WHY_LEN];
	struct famfs_log_hdr h;
	struct famfs_sb sb;
	bool valid;
	int rc;

	if (!d->writable) {
		snprintf(why, FAMFS_WHY_LEN, "%s is not open for writing", d->path);
		return -EBADF;
	}
	valid = famfs_sb_decode(d->base, d->size, &sb, reason) == 0;
	if (o->kill) {
		if (!o->force) {
			snprintf(why, FAMFS_WHY_LEN, "kill needs force (-f)");
			return -EINVAL;
		}
		famfs_put_le64(d->base + FAMFS_SB_OFF_MAGIC, 0);
		return famfs_dev_sync(d, 0, FAMFS_SB_SIZE);
	}
	if (valid && !o->force) {
		char u[37];

		famfs_uuid_unparse(sb.uuid, u);
		snprintf(why, FAMFS_WHY_LEN,
			 "%s holds a valid famfs (uuid %s); use -f to overwrite",
			 d->path, u);
		return -EEXIST;
	}
	if (d->size < FAMFS_DEVSIZE_MIN) {
		snprintf(why, FAMFS_WHY_LEN,
			 "%s: %llu bytes; famfs needs at least 4 GiB", d->path,
			 (unsigned long long)d->size);
		return -EINVAL;
	}
	if (log_len < FAMFS_LOG_LEN_MIN || (log_len & (log_len - 1)) ||
	    FAMFS_LOG_OFFSET + log_len + FAMFS_ALLOC_UNIT > d->size) {
		snprintf(why, FAMFS_WHY_LEN,
			 "log length %llu: must be a power of two >= 8 MiB that fits the device",
			 (unsigned long long)log_len);
		return -EINVAL;
	}

	memset(&sb, 0, sizeof(sb));
	sb.magic = FAMFS_SUPER_MAGIC;
	sb.version = FAMFS_VERSION_CURRENT;
	sb.log_offset = FAMFS_LOG_OFFSET;
	sb.log_len = log_len;
	sb.alloc_unit = FAMFS_ALLOC_UNIT;
	sb.omf_major = FAMFS_OMF_MAJOR;
	sb.omf_minor = FAMFS_OMF_MINOR;
	sb.dev_size = d->size;
	rc = famfs_uuid_generate(sb.uuid);
	if (!rc)
		rc = famfs_uuid_generate(sb.dev_uuid);
	if (rc) {
		snprintf(why, FAMFS_WHY_LEN, "no random uuid: %s", strerror(-rc));
		return rc;
	}
	rc = famfs_system_uuid(sb.sys_uuid, true, why);
	if (rc)
		return rc;
	snprintf(sb.devname, sizeof(sb.devname), "%s",
		 o->devname ? o->devname : d->path);

	/* Invalidate first, so a crash in the middle leaves no valid fs
	 * pointing at a half-written log. */
	famfs_put_le64(d->base + FAMFS_SB_OFF_MAGIC, 0);
	rc = famfs_dev_sync(d, 0, FAMFS_SB_SIZE);
	if (rc)
		goto io;

	memset(d->base + FAMFS_LOG_OFFSET, 0, log_len);
	memset(&h, 0, sizeof(h));
	h.magic = FAMFS_LOG_MAGIC;
	h.len = log_len;
	h.last_index = famfs_log_capacity(log_len) - 1;
	famfs_log_hdr_encode(&h, hbuf);
	memcpy(d->base + FAMFS_LOG_OFFSET, hbuf, sizeof(hbuf));
	rc = famfs_dev_sync(d, FAMFS_LOG_OFFSET, log_len);
	if (rc)
		goto io;

	famfs_sb_encode(&sb, sbuf);
	memcpy(d->base, sbuf, sizeof(sbuf));
	rc = famfs_dev_sync(d, 0, FAMFS_SB_SIZE);
	if (rc)
		goto io;
	return 0;
io:
	snprintf(why, FAMFS_WHY_LEN, "%s: flush failed: %s", d->path,
		 strerror(-rc));
	return rc;
}
