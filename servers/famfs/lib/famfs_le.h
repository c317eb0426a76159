/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file famfs_le.h
 * Little-endian field access for on-media buffers (no struct casts).
 */
#ifndef FAMFS_LE_H
#define FAMFS_LE_H

#include <stdint.h>

/** Read a little-endian u32 at @p p. */
static inline uint32_t famfs_get_le32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

/** Read a little-endian u64 at @p p. */
static inline uint64_t famfs_get_le64(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)famfs_get_le32(b) |
	       (uint64_t)famfs_get_le32(b + 4) << 32;
}

/** Write a little-endian u32 at @p p. */
static inline void famfs_put_le32(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = v;
	b[1] = v >> 8;
	b[2] = v >> 16;
	b[3] = v >> 24;
}

/** Write a little-endian u64 at @p p. */
static inline void famfs_put_le64(void *p, uint64_t v)
{
	famfs_put_le32(p, (uint32_t)v);
	famfs_put_le32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

#endif /* FAMFS_LE_H */
