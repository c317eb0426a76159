/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file famfs_layout.h
 * Where a famfs file's bytes live on the device: simple extents or one
 * interleave, and the file-offset -> device-offset arithmetic (spec 1.5).
 *
 * This is the only place the mapping rule lives; the FUSE server's data
 * path, the tools (cp, cat) and the tests all go through famfs_layout_map().
 */
#ifndef FAMFS_LAYOUT_H
#define FAMFS_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "famfs_omf.h"

/** One device range: a simple extent, or one strip of an interleave. */
struct famfs_extent {
	uint64_t devindex;	/**< daxdev index; must be 0 today (spec 1.5) */
	uint64_t offset;	/**< device byte offset, 2 MiB aligned, never 0 */
	uint64_t len;		/**< bytes, 2 MiB multiple, non-zero */
};

/** Layout kinds (the on-media fmap_ext_type values). */
enum famfs_layout_kind {
	FAMFS_LAYOUT_SIMPLE = FAMFS_EXT_SIMPLE,
	FAMFS_LAYOUT_INTERLEAVE = FAMFS_EXT_INTERLEAVE,
};

/** A file's layout. */
struct famfs_layout {
	enum famfs_layout_kind kind;
	uint64_t size;		/**< file size in bytes (fm_size) */
	uint32_t next;		/**< simple: extent count; interleave: nstrips */
	uint64_t chunk;		/**< interleave chunk size in bytes */
	/** simple: extents in file order; interleave: strips in strip order */
	struct famfs_extent ext[FAMFS_MAX_SIMPLE_EXT];
	/** simple only: file offset where ext[i] starts (filled by validate) */
	uint64_t start[FAMFS_MAX_SIMPLE_EXT];
};

/**
 * Check a layout against the rules of spec 1.5/1.6 and the device size,
 * and precompute the per-extent start offsets.
 *
 * @param l        layout (start[] is filled in)
 * @param dev_size device size in bytes (every range must fit)
 * @param why      receives a reason on failure
 * @param whylen   size of @p why
 * @return 0, or -EINVAL with @p why set
 */
int famfs_layout_validate(struct famfs_layout *l, uint64_t dev_size,
			  char *why, size_t whylen);

/**
 * Resolve a file offset.
 *
 * @param l       a validated layout
 * @param off     file offset, must be < l->size
 * @param devoff  receives the device byte offset
 * @param contig  receives how many bytes are contiguous on the device from
 *                there (never past the end of the file)
 * @return 0, or -EINVAL if @p off is at or past the end of the file
 */
int famfs_layout_map(const struct famfs_layout *l, uint64_t off,
		     uint64_t *devoff, uint64_t *contig);

/** Total allocated bytes (sum of extent or strip lengths). */
uint64_t famfs_layout_alloc_bytes(const struct famfs_layout *l);

#endif /* FAMFS_LAYOUT_H */
