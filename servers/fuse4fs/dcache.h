/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuse4fs: in-memory directory indexes (see dcache.c). */
#ifndef F4_DCACHE_H
#define F4_DCACHE_H

#include "f4.h"

/**
 * Look @name up in the index of @dir.  Returns 0 (found; *lblk may be -1
 * when the block is unknown), ENOENT (definitely absent), or -1 when @dir
 * has no index.
 */
int f4_dcache_lookup(struct f4 *f4, ext2_ino_t dir, const char *name, int len,
		     ext2_ino_t *ino, int64_t *lblk);
/** Read @dir once and index it.  Returns 0 or an errno. */
int f4_dcache_build(struct f4 *f4, ext2_ino_t dir);
/** Record a new entry (lblk -1 if unknown); no-op without an index. */
void f4_dcache_add(struct f4 *f4, ext2_ino_t dir, const char *name,
		   ext2_ino_t ino, int64_t lblk);
/** Forget an entry; no-op without an index. */
void f4_dcache_del(struct f4 *f4, ext2_ino_t dir, const char *name);
/** Drop the index of @dir (after changes made behind its back). */
void f4_dcache_drop(struct f4 *f4, ext2_ino_t dir);
/** Block that received the last new entry, or -1. */
int64_t f4_dcache_hint(struct f4 *f4, ext2_ino_t dir);
/** Free every index. */
void f4_dcache_destroy(struct f4 *f4);

#endif
