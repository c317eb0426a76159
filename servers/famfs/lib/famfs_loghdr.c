// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs log header decode/validate/encode (spec 1.3).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "famfs_crc.h"
#include "famfs_format.h"
#include "famfs_le.h"

int famfs_log_hdr_decode(const void *buf, const struct famfs_sb *sb,
			 struct famfs_log_hdr *h, char *why)
{
	const uint8_t *b = buf;
	uint64_t cap, stored;
	uint32_t crc;

	h->magic = famfs_get_le64(b + FAMFS_LOG_OFF_MAGIC);
	h->len = famfs_get_le64(b + FAMFS_LOG_OFF_LEN);
	h->last_index = famfs_get_le64(b + FAMFS_LOG_OFF_LAST);
	stored = famfs_get_le64(b + FAMFS_LOG_OFF_CRC);
	h->crc = (uint32_t)stored;
	h->next_seqnum = famfs_get_le64(b + FAMFS_LOG_OFF_NEXT_SEQ);
	h->next_index = famfs_get_le64(b + FAMFS_LOG_OFF_NEXT_IDX);

	if (h->magic != FAMFS_LOG_MAGIC) {
		snprintf(why, FAMFS_WHY_LEN, "bad log magic 0x%llx",
			 (unsigned long long)h->magic);
		return -EBADMSG;
	}
	crc = famfs_crc32(0, b, FAMFS_LOG_CRC_LEN);
	if (stored != crc) {
		snprintf(why, FAMFS_WHY_LEN,
			 "log header CRC mismatch: stored 0x%llx, computed 0x%x",
			 (unsigned long long)stored, crc);
		return -EBADMSG;
	}
	if (h->len != sb->log_len) {
		snprintf(why, FAMFS_WHY_LEN,
			 "log length 0x%llx differs from the superblock's 0x%llx",
			 (unsigned long long)h->len,
			 (unsigned long long)sb->log_len);
		return -EINVAL;
	}
	cap = famfs_log_capacity(h->len);
	if (cap == 0 || h->last_index != cap - 1) {
		snprintf(why, FAMFS_WHY_LEN,
			 "log last index %llu does not match %u-byte entries "
			 "(want %llu): unsupported entry layout",
			 (unsigned long long)h->last_index, FAMFS_ENTRY_SIZE,
			 (unsigned long long)(cap - 1));
		return -EINVAL;
	}
	if (h->next_index > cap) {
		snprintf(why, FAMFS_WHY_LEN,
			 "log next index %llu beyond capacity %llu",
			 (unsigned long long)h->next_index,
			 (unsigned long long)cap);
		return -EINVAL;
	}
	return 0;
}

void famfs_log_hdr_encode(struct famfs_log_hdr *h,
			  uint8_t out[FAMFS_LOG_HDR_SIZE])
{
	memset(out, 0, FAMFS_LOG_HDR_SIZE);
	famfs_put_le64(out + FAMFS_LOG_OFF_MAGIC, h->magic);
	famfs_put_le64(out + FAMFS_LOG_OFF_LEN, h->len);
	famfs_put_le64(out + FAMFS_LOG_OFF_LAST, h->last_index);
	h->crc = famfs_crc32(0, out, FAMFS_LOG_CRC_LEN);
	famfs_put_le64(out + FAMFS_LOG_OFF_CRC, h->crc);
	famfs_put_le64(out + FAMFS_LOG_OFF_NEXT_SEQ, h->next_seqnum);
	famfs_put_le64(out + FAMFS_LOG_OFF_NEXT_IDX, h->next_index);
}
