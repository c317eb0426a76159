// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs superblock decode/validate/encode (spec 1.2).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "famfs_crc.h"
#include "famfs_format.h"
#include "famfs_le.h"

int famfs_sb_decode(const void *buf, size_t len, struct famfs_sb *sb,
		    char *why)
{
	const uint8_t *b = buf;
	uint32_t crc;

	memset(sb, 0, sizeof(*sb));
	if (len < FAMFS_SB_SIZE) {
		snprintf(why, FAMFS_WHY_LEN, "device too small for a superblock");
		return -EINVAL;
	}
	sb->magic = famfs_get_le64(b + FAMFS_SB_OFF_MAGIC);
	sb->version = famfs_get_le64(b + FAMFS_SB_OFF_VERSION);
	sb->log_offset = famfs_get_le64(b + FAMFS_SB_OFF_LOG_OFFSET);
	sb->log_len = famfs_get_le64(b + FAMFS_SB_OFF_LOG_LEN);
	sb->alloc_unit = famfs_get_le64(b + FAMFS_SB_OFF_ALLOC_UNIT);
	sb->omf_major = famfs_get_le32(b + FAMFS_SB_OFF_OMF_MAJOR);
	sb->omf_minor = famfs_get_le32(b + FAMFS_SB_OFF_OMF_MINOR);
	memcpy(sb->uuid, b + FAMFS_SB_OFF_UUID, 16);
	memcpy(sb->dev_uuid, b + FAMFS_SB_OFF_DEV_UUID, 16);
	memcpy(sb->sys_uuid, b + FAMFS_SB_OFF_SYS_UUID, 16);
	sb->crc = (uint32_t)famfs_get_le64(b + FAMFS_SB_OFF_CRC);
	sb->flags = famfs_get_le32(b + FAMFS_SB_OFF_FLAGS);
	sb->dev_size = famfs_get_le64(b + FAMFS_SB_OFF_DD_SIZE);
	memcpy(sb->dd_uuid, b + FAMFS_SB_OFF_DD_UUID, 16);
	memcpy(sb->devname, b + FAMFS_SB_OFF_DD_NAME, FAMFS_DEVNAME_LEN);
	sb->devname[FAMFS_DEVNAME_LEN] = '\0';

	if (sb->magic != FAMFS_SUPER_MAGIC) {
		snprintf(why, FAMFS_WHY_LEN,
			 "bad superblock magic 0x%llx (want 0x%llx): not famfs",
			 (unsigned long long)sb->magic, FAMFS_SUPER_MAGIC);
		return -EBADMSG;
	}
	crc = famfs_crc32(0, b, FAMFS_SB_CRC_LEN);
	if (famfs_get_le64(b + FAMFS_SB_OFF_CRC) != crc) {
		snprintf(why, FAMFS_WHY_LEN,
			 "superblock CRC mismatch: stored 0x%llx, computed 0x%x",
			 (unsigned long long)famfs_get_le64(b + FAMFS_SB_OFF_CRC),
			 crc);
		return -EBADMSG;
	}
	if (sb->version != FAMFS_VERSION_CURRENT &&
	    sb->version != FAMFS_VERSION_PREV) {
		snprintf(why, FAMFS_WHY_LEN,
			 "unsupported famfs version %llu (supported: 47, 48)",
			 (unsigned long long)sb->version);
		return -EPROTONOSUPPORT;
	}
	/* 47 covers five layouts; only OMF major 2 is the 544-byte one
	 * (spec 1.11). 48 was only ever written with OMF 2.2. */
	if (sb->omf_major != FAMFS_OMF_MAJOR) {
		snprintf(why, FAMFS_WHY_LEN,
			 "unsupported on-media format %u.%u with version %llu "
			 "(need OMF major 2)", sb->omf_major, sb->omf_minor,
			 (unsigned long long)sb->version);
		return -EPROTONOSUPPORT;
	}
	if (sb->alloc_unit != FAMFS_ALLOC_UNIT &&
	    sb->alloc_unit != FAMFS_ALLOC_UNIT_4K) {
		snprintf(why, FAMFS_WHY_LEN, "bad allocation unit 0x%llx",
			 (unsigned long long)sb->alloc_unit);
		return -EINVAL;
	}
	if (sb->log_offset != FAMFS_LOG_OFFSET) {
		snprintf(why, FAMFS_WHY_LEN, "bad log offset 0x%llx",
			 (unsigned long long)sb->log_offset);
		return -EINVAL;
	}
	if (sb->log_len < FAMFS_LOG_LEN_MIN ||
	    (sb->log_len & (sb->log_len - 1)) || sb->log_len > (1ULL << 40)) {
		snprintf(why, FAMFS_WHY_LEN,
			 "bad log length 0x%llx (power of two >= 8 MiB)",
			 (unsigned long long)sb->log_len);
		return -EINVAL;
	}
	if (sb->dev_size > (1ULL << 56) ||
	    sb->dev_size < FAMFS_LOG_OFFSET + sb->log_len + FAMFS_ALLOC_UNIT) {
		snprintf(why, FAMFS_WHY_LEN,
			 "bad device size %llu in the superblock",
			 (unsigned long long)sb->dev_size);
		return -EINVAL;
	}
	return 0;
}

void famfs_sb_encode(struct famfs_sb *sb, uint8_t out[FAMFS_SB_SIZE])
{
	memset(out, 0, FAMFS_SB_SIZE);
	famfs_put_le64(out + FAMFS_SB_OFF_MAGIC, sb->magic);
	famfs_put_le64(out + FAMFS_SB_OFF_VERSION, sb->version);
	famfs_put_le64(out + FAMFS_SB_OFF_LOG_OFFSET, sb->log_offset);
	famfs_put_le64(out + FAMFS_SB_OFF_LOG_LEN, sb->log_len);
	famfs_put_le64(out + FAMFS_SB_OFF_ALLOC_UNIT, sb->alloc_unit);
	famfs_put_le32(out + FAMFS_SB_OFF_OMF_MAJOR, sb->omf_major);
	famfs_put_le32(out + FAMFS_SB_OFF_OMF_MINOR, sb->omf_minor);
	memcpy(out + FAMFS_SB_OFF_UUID, sb->uuid, 16);
	memcpy(out + FAMFS_SB_OFF_DEV_UUID, sb->dev_uuid, 16);
	memcpy(out + FAMFS_SB_OFF_SYS_UUID, sb->sys_uuid, 16);
	sb->crc = famfs_crc32(0, out, FAMFS_SB_CRC_LEN);
	famfs_put_le64(out + FAMFS_SB_OFF_CRC, sb->crc);
	famfs_put_le32(out + FAMFS_SB_OFF_FLAGS, sb->flags);
	famfs_put_le64(out + FAMFS_SB_OFF_DD_SIZE, sb->dev_size);
	memcpy(out + FAMFS_SB_OFF_DD_UUID, sb->dd_uuid, 16);
	/* strncpy semantics: up to 64 bytes, unterminated when 64 long */
	memcpy(out + FAMFS_SB_OFF_DD_NAME, sb->devname,
	       strnlen(sb->devname, FAMFS_DEVNAME_LEN));
}
