/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file famfs_omf.h
 * famfs on-media format (OMF): sizes, offsets and constants.
 *
 * Every number here is taken from ../shared/spec/famfs-format.md, section 1
 * (measured with offsetof/sizeof on x86-64 from cxl-micron-reskit/famfs
 * src/famfs_meta.h at commit 5d0919f and confirmed by hexdump of the
 * reference images in ../shared/fixtures/famfs). The on-media structures are
 * plain little-endian C structs; this code never casts a buffer to a struct,
 * it reads and writes each field at its offset (see famfs_le.h).
 */
#ifndef FAMFS_OMF_H
#define FAMFS_OMF_H

#include <stdint.h>

/* Spec 1.1: device layout. */
#define FAMFS_SUPERBLOCK_SIZE	0x200000ULL	/**< superblock region, 2 MiB */
#define FAMFS_LOG_OFFSET	0x200000ULL	/**< ts_log_offset, always 2 MiB */
#define FAMFS_LOG_LEN_DEFAULT	0x800000ULL	/**< default log length, 8 MiB */
#define FAMFS_LOG_LEN_MIN	0x800000ULL	/**< mkfs minimum log length */
#define FAMFS_ALLOC_UNIT	0x200000ULL	/**< allocation unit, 2 MiB */
#define FAMFS_ALLOC_UNIT_4K	4096ULL		/**< also accepted by the validator */
#define FAMFS_DEVSIZE_MIN	(4ULL << 30)	/**< mkfs refuses smaller devices */

/* Spec 1.2: superblock (200 bytes at device offset 0). */
#define FAMFS_SUPER_MAGIC	0x87b282ffULL
#define FAMFS_VERSION_CURRENT	48	/**< ts_version with ADD_DAXDEV (2026-06) */
#define FAMFS_VERSION_PREV	47	/**< accepted with OMF major 2 only */
#define FAMFS_OMF_MAJOR		2
#define FAMFS_OMF_MINOR		2
#define FAMFS_SB_SIZE		200
#define FAMFS_SB_OFF_MAGIC	0
#define FAMFS_SB_OFF_VERSION	8
#define FAMFS_SB_OFF_LOG_OFFSET	16
#define FAMFS_SB_OFF_LOG_LEN	24
#define FAMFS_SB_OFF_ALLOC_UNIT	32
#define FAMFS_SB_OFF_OMF_MAJOR	40
#define FAMFS_SB_OFF_OMF_MINOR	44
#define FAMFS_SB_OFF_UUID	48
#define FAMFS_SB_OFF_DEV_UUID	64
#define FAMFS_SB_OFF_SYS_UUID	80
#define FAMFS_SB_OFF_CRC	96
#define FAMFS_SB_CRC_LEN	96	/**< crc32 covers bytes [0, 96) */
#define FAMFS_SB_OFF_FLAGS	104
#define FAMFS_SB_OFF_DD_SIZE	112
#define FAMFS_SB_OFF_DD_UUID	120
#define FAMFS_SB_OFF_DD_NAME	136
#define FAMFS_DEVNAME_LEN	64	/**< strncpy'd, may be unterminated */

/* Spec 1.3: log header (48 bytes at device offset 2 MiB). */
#define FAMFS_LOG_MAGIC		0x00000badcafef00dULL
#define FAMFS_LOG_HDR_SIZE	48
#define FAMFS_LOG_OFF_MAGIC	0
#define FAMFS_LOG_OFF_LEN	8
#define FAMFS_LOG_OFF_LAST	16
#define FAMFS_LOG_OFF_CRC	24
#define FAMFS_LOG_CRC_LEN	24	/**< crc32 covers magic, len, last */
#define FAMFS_LOG_OFF_NEXT_SEQ	32
#define FAMFS_LOG_OFF_NEXT_IDX	40

/* Spec 1.4: log entry (544 bytes). */
#define FAMFS_ENTRY_SIZE	544
#define FAMFS_ENTRY_OFF_SEQNUM	0
#define FAMFS_ENTRY_OFF_TYPE	8
#define FAMFS_ENTRY_OFF_PAYLOAD	16
#define FAMFS_ENTRY_OFF_CRC	536
#define FAMFS_ENTRY_CRC_LEN	536

#define FAMFS_LOG_FILE		0
#define FAMFS_LOG_MKDIR		1
#define FAMFS_LOG_DELETE	2	/**< defined, never written or handled */
#define FAMFS_LOG_ADD_DAXDEV	3
#define FAMFS_LOG_INVALID	4

/* FILE payload, offsets relative to the payload (entry + 16). */
#define FAMFS_FM_OFF_SIZE	0
#define FAMFS_FM_OFF_FLAGS	8
#define FAMFS_FM_OFF_UID	12
#define FAMFS_FM_OFF_GID	16
#define FAMFS_FM_OFF_MODE	20
#define FAMFS_FM_OFF_RELPATH	24
#define FAMFS_FM_OFF_FMAP	104
#define FAMFS_RELPATH_LEN	80	/**< including the NUL: 79 usable bytes */
#define FAMFS_FM_ALL_HOSTS_RO	1
#define FAMFS_FM_ALL_HOSTS_RW	2	/**< what the reference always writes */

/* fmap, offsets relative to fm_fmap. */
#define FAMFS_FMAP_OFF_EXT_TYPE	0
#define FAMFS_FMAP_OFF_NEXT	8	/**< nextents / niext (NOT at +4) */
#define FAMFS_FMAP_OFF_EXTS	16
#define FAMFS_EXT_SIMPLE	0
#define FAMFS_EXT_INTERLEAVE	1
#define FAMFS_SE_SIZE		24	/**< {devindex, offset, len} u64 each */
#define FAMFS_MAX_SIMPLE_EXT	16
#define FAMFS_MAX_NSTRIPS	16
#define FAMFS_IE_OFF_NSTRIPS	0
#define FAMFS_IE_OFF_CHUNK	8
#define FAMFS_IE_OFF_STRIPS	16

/* MKDIR payload. */
#define FAMFS_MD_OFF_UID	0
#define FAMFS_MD_OFF_GID	4
#define FAMFS_MD_OFF_MODE	8
#define FAMFS_MD_OFF_RELPATH	12

/* ADD_DAXDEV payload. */
#define FAMFS_DD_OFF_SIZE	0
#define FAMFS_DD_OFF_UUID	8
#define FAMFS_DD_OFF_INDEX	24
#define FAMFS_MAX_DAXDEVS	16	/**< our table size; slot 0 is the primary */

/* Interleave allocation parameters (spec 1.6). */
#define FAMFS_MAX_NBUCKETS	64
#define FAMFS_MIN_BUCKET_SIZE	(1ULL << 30)

#endif /* FAMFS_OMF_H */
