/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file famfs_format.h
 * Decoded famfs superblock, log header and log entries, with the decoders
 * (which validate every field) and the encoders (which produce exactly the
 * bytes the reference tools write). Layouts of the bytes: famfs_omf.h.
 */
#ifndef FAMFS_FORMAT_H
#define FAMFS_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "famfs_layout.h"
#include "famfs_omf.h"

/** Size of the reason buffers the decoders fill. */
#define FAMFS_WHY_LEN 256

/** Decoded superblock. */
struct famfs_sb {
	uint64_t magic;
	uint64_t version;	/**< ts_version: 48, or 47 with OMF major 2 */
	uint64_t log_offset;	/**< always FAMFS_LOG_OFFSET */
	uint64_t log_len;	/**< power of two >= 8 MiB */
	uint64_t alloc_unit;	/**< 2 MiB (4096 accepted) */
	uint32_t omf_major;
	uint32_t omf_minor;
	uint8_t uuid[16];	/**< file-system uuid */
	uint8_t dev_uuid[16];	/**< device uuid */
	uint8_t sys_uuid[16];	/**< uuid of the master host */
	uint32_t crc;		/**< stored CRC (checked by the decoder) */
	uint32_t flags;		/**< ts_sb_flags (not covered by the CRC) */
	uint64_t dev_size;	/**< ts_daxdev.dd_size */
	uint8_t dd_uuid[16];	/**< ts_daxdev.dd_uuid */
	char devname[FAMFS_DEVNAME_LEN + 1]; /**< NUL-terminated copy */
};

/**
 * Decode and validate a superblock: magic, version (48; 47 only with OMF
 * major 2), CRC over bytes [0, 96), alloc unit, log offset and length,
 * device size large enough for superblock + log.
 *
 * @param buf    at least FAMFS_SB_SIZE bytes
 * @param len    bytes available at @p buf
 * @param sb     receives the decoded fields
 * @param why    reason on failure (FAMFS_WHY_LEN bytes)
 * @return 0; -EINVAL (short buffer, bad field), -EBADMSG (magic or CRC),
 *         -EPROTONOSUPPORT (version)
 */
int famfs_sb_decode(const void *buf, size_t len, struct famfs_sb *sb,
		    char *why);

/**
 * Encode a superblock into FAMFS_SB_SIZE bytes (zeroed first) and compute
 * the CRC the way the reference does. sb->crc is updated.
 */
void famfs_sb_encode(struct famfs_sb *sb, uint8_t out[FAMFS_SB_SIZE]);

/** Decoded log header. */
struct famfs_log_hdr {
	uint64_t magic;
	uint64_t len;		/**< log length, equals sb log_len */
	uint64_t last_index;	/**< last usable entry index, inclusive */
	uint32_t crc;
	uint64_t next_seqnum;
	uint64_t next_index;	/**< number of entries in the log */
};

/** Capacity in entries of a log of @p log_len bytes (544-byte entries). */
static inline uint64_t famfs_log_capacity(uint64_t log_len)
{
	return log_len < FAMFS_LOG_HDR_SIZE ? 0 :
		(log_len - FAMFS_LOG_HDR_SIZE) / FAMFS_ENTRY_SIZE;
}

/**
 * Decode and validate the log header against the superblock: magic, CRC,
 * length, entry size cross-check (last_index must be capacity - 1, which
 * pins 544-byte entries), next_index <= capacity.
 *
 * @return 0; -EBADMSG (magic, CRC), -EINVAL (a field out of range)
 */
int famfs_log_hdr_decode(const void *buf, const struct famfs_sb *sb,
			 struct famfs_log_hdr *h, char *why);

/** Encode a log header (48 bytes) with its CRC; h->crc is updated. */
void famfs_log_hdr_encode(struct famfs_log_hdr *h,
			  uint8_t out[FAMFS_LOG_HDR_SIZE]);

/** Decoded log entry. Only the member matching @c type is meaningful. */
struct famfs_entry {
	uint64_t seqnum;
	uint32_t type;		/**< FAMFS_LOG_FILE, _MKDIR, _ADD_DAXDEV, ... */
	union {
		struct {
			uint32_t flags;
			uint32_t uid;
			uint32_t gid;
			uint32_t mode;	/**< permission bits only */
			char path[FAMFS_RELPATH_LEN];
			struct famfs_layout layout; /**< size is layout.size */
		} file;
		struct {
			uint32_t uid;
			uint32_t gid;
			uint32_t mode;
			char path[FAMFS_RELPATH_LEN];
		} dir;
		struct {
			uint64_t size;
			uint8_t uuid[16];
			uint32_t index;
		} daxdev;
	};
};

/**
 * Check an entry's integrity: seqnum must equal @p index and the CRC over
 * the first 536 bytes must match. A failure here stops a replay.
 *
 * @return 0 or -EBADMSG with @p why set
 */
int famfs_entry_check(const void *buf, uint64_t index, char *why);

/**
 * Decode an entry that passed famfs_entry_check(). FILE and MKDIR paths are
 * checked (NUL-terminated, relative, no "." or ".." components), FILE
 * layouts are validated against @p dev_size. Unknown types decode with
 * only seqnum and type set (the reference ignores them).
 *
 * @return 0, or -EINVAL with @p why set (the entry should be skipped)
 */
int famfs_entry_decode(const void *buf, uint64_t dev_size,
		       struct famfs_entry *e, char *why);

/**
 * Encode an entry into FAMFS_ENTRY_SIZE bytes: zero it, fill the fields
 * of e->type, set the seqnum to @p seqnum and the CRC.
 *
 * @return 0, or -EINVAL if the entry cannot be represented (path too long,
 *         too many extents)
 */
int famfs_entry_encode(const struct famfs_entry *e, uint64_t seqnum,
		       uint8_t out[FAMFS_ENTRY_SIZE]);

/**
 * Check a relative path as logged: non-empty, shorter than 80 bytes,
 * not absolute, every component non-empty and not "." or "..".
 *
 * @return 0 or -EINVAL with @p why set
 */
int famfs_relpath_check(const char *path, size_t maxlen, char *why);

/** Format 16 raw uuid bytes as text (37 bytes with the NUL). */
void famfs_uuid_unparse(const uint8_t uuid[16], char out[37]);

/** Parse text into 16 raw uuid bytes. @return 0 or -EINVAL */
int famfs_uuid_parse(const char *in, uint8_t uuid[16]);

/** Fill 16 bytes with a random (version 4) uuid. @return 0 or -errno */
int famfs_uuid_generate(uint8_t uuid[16]);

#endif /* FAMFS_FORMAT_H */
