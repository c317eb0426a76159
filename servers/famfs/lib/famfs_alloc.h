/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file famfs_alloc.h
 * The allocation bitmap (one bit per 2 MiB unit) built from the log the way
 * the reference famfs_build_bitmap does (spec 1.8), the log scan that fsck
 * reports, and the reference allocators: contiguous first fit from a
 * cursor, and the strided (interleaved) allocator over random buckets.
 */
#ifndef FAMFS_ALLOC_H
#define FAMFS_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "famfs_fs.h"

/** Allocation bitmap: bit i covers [i * 2 MiB, (i + 1) * 2 MiB). */
struct famfs_bitmap {
	uint8_t *bits;
	uint64_t nbits;
};

/** What a scan of the log found. */
struct famfs_scan {
	uint64_t capacity;	/**< log capacity in entries */
	uint64_t entries;	/**< entries in the log (header next_index) */
	uint64_t bad_entries;	/**< failed seqnum/CRC or undecodable */
	uint64_t files;		/**< valid FILE entries */
	uint64_t dirs;		/**< valid MKDIR entries */
	uint64_t daxdevs;	/**< ADD_DAXDEV entries */
	uint64_t other;		/**< other types */
	uint64_t collisions;	/**< units claimed twice (cross-links) */
	uint64_t fsize_sum;	/**< sum of file sizes */
	uint64_t alloc_sum;	/**< allocated bytes incl. sb+log, no doubles */
};

/** Hook called for each problem found by famfs_scan_log(). */
typedef void (*famfs_scan_report_fn)(void *ctx, const char *msg);

/**
 * Scan every entry of the log, build the bitmap and count what fsck
 * reports. Bad entries are counted and skipped (they do not stop the scan).
 * @param bm   receives the bitmap (free with famfs_bitmap_free), or NULL
 * @return 0, or -errno if the log header is bad (@p why set) or on ENOMEM
 */
int famfs_scan_log(const struct famfs_fs *fs, struct famfs_bitmap *bm,
		   struct famfs_scan *sc, famfs_scan_report_fn rep, void *ctx,
		   char *why);

/** Free a bitmap. */
void famfs_bitmap_free(struct famfs_bitmap *bm);

/** Interleave parameters (famfs creat/cp -B nbuckets -N nstrips -C chunk). */
struct famfs_ialloc {
	uint64_t nbuckets;
	uint64_t nstrips;
	uint64_t chunk;
};

/**
 * Validate interleave parameters as the reference does (all zero = none;
 * chunk a power of two and a 2 MiB multiple; 1 <= nstrips <= nbuckets <= 64;
 * nstrips <= 16; bucket size >= 1 GiB).
 * @return 0 or -EINVAL with @p why set
 */
int famfs_ialloc_validate(const struct famfs_ialloc *ia, uint64_t dev_size,
			  char *why);

/** Allocator state for one writer session. */
struct famfs_allocator {
	struct famfs_bitmap bm;
	uint64_t dev_size;
	uint64_t cur_pos;	/**< contiguous cursor, reset per session */
	struct famfs_ialloc ia;	/**< zero = contiguous */
	unsigned int seed;	/**< bucket order seed (reference: time()) */
};

/**
 * Allocate space for a file of @p size bytes and fill @p out with its
 * layout (one simple extent, or one interleave when ia is set and the
 * size is at least one chunk). Bits are set in the bitmap.
 * @return 0, -ENOSPC with @p why set, or -EINVAL
 */
int famfs_alloc_file(struct famfs_allocator *a, uint64_t size,
		     struct famfs_layout *out, char *why);

#endif /* FAMFS_ALLOC_H */
