/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuse4fs: walk a whole image through the server's own code (no FUSE). */
#ifndef F4_WALK_H
#define F4_WALK_H

#include "f4.h"

/** Counters of one walk. */
struct f4_walk_stats {
	unsigned long dirs, files, symlinks, others, bytes, xattrs;
	unsigned long errors;	/**< objects that returned an error */
};

/**
 * Open @image (replaying the journal and processing orphans when @rw),
 * walk every directory, look every name up, read every file, link and
 * xattr, then close.  Bounded: at most @max_entries entries are visited.
 * Returns 0 when the image opened (damaged objects are counted in
 * st->errors), or -errno when it could not be opened.
 */
int f4_walk_image(const char *image, bool rw, unsigned long max_entries,
		  struct f4_walk_stats *st, bool verbose);

#endif
