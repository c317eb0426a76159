/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * resolve_ref.h - naive reference resolvers (linear scans, chunk enumeration)
 * and random layout generators, used to check include/fuse_iomap_resolve.h.
 * Written independently of the header's algorithms on purpose.
 */
#ifndef RESOLVE_REF_H_
#define RESOLVE_REF_H_

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "fuse_iomap_resolve.h"

/** xorshift64* generator; state must not be 0. */
static inline uint64_t ref_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static inline uint64_t ref_below(uint64_t *s, uint64_t n)
{
	return n ? ref_rand(s) % n : 0;
}

/* Linear-scan extent lookup (reference). */
static inline int ref_ext_lookup(const struct fuse_res_ext *ext, uint32_t count,
				 uint32_t max, uint64_t size, uint64_t off,
				 struct fuse_res_out *out)
{
	uint64_t hole_start = 0, hole_end;
	uint32_t i;

	if (count > max || size > FUSE_RES_OFF_MAX)
		return FUSE_RES_EINVAL;
	if (off >= size)
		return FUSE_RES_ERANGE;
	hole_end = size;
	for (i = 0; i < count; i++) {
		const struct fuse_res_ext *e = &ext[i];

		if (off >= e->offset && off < e->offset + e->length) {
			int has_addr = e->type == FUSE_RES_TYPE_MAPPED ||
				       e->type == FUSE_RES_TYPE_UNWRITTEN;

			out->offset = e->offset;
			out->length = e->length;
			out->addr = has_addr ? e->addr : FUSE_RES_NULL_ADDR;
			out->dev = has_addr ? e->dev : FUSE_RES_DEV_NULL;
			out->type = e->type;
			out->flags = e->flags;
			out->index = i;
			out->ilist_index = 0;
			return 0;
		}
		if (e->offset + e->length <= off)
			hole_start = e->offset + e->length;
		if (e->offset > off) {
			if (e->offset < hole_end)
				hole_end = e->offset;
			break;
		}
	}
	out->offset = hole_start;
	out->length = hole_end - hole_start;
	out->addr = FUSE_RES_NULL_ADDR;
	out->dev = FUSE_RES_DEV_NULL;
	out->type = FUSE_RES_TYPE_HOLE;
	out->flags = 0;
	out->index = FUSE_RES_NO_INDEX;
	out->ilist_index = 0;
	return 0;
}

/*
 * Interleave reference: walk the chunks row by row, strip by strip, until
 * the chunk containing off is reached.  Only for layouts with few chunks.
 */
static inline int ref_interleave_lookup(const struct fuse_res_interleave *il,
					uint64_t off, struct fuse_res_out *out)
{
	uint64_t pos = 0, row;
	uint32_t s;

	if (il->nstrips == 0 || il->nstrips > FUSE_RES_STRIPS_MAX ||
	    il->chunk == 0 || il->size > FUSE_RES_OFF_MAX)
		return FUSE_RES_EINVAL;
	if (off >= il->size)
		return FUSE_RES_ERANGE;
	for (row = 0;; row++) {
		for (s = 0; s < il->nstrips; s++, pos += il->chunk) {
			const struct fuse_res_strip *st = &il->strip[s];

			if (off >= pos + il->chunk)
				continue;
			if (st->base > FUSE_RES_NULL_ADDR - 1 - st->length)
				return FUSE_RES_EINVAL;
			if ((row + 1) * il->chunk > st->length)
				return FUSE_RES_ERANGE;
			out->offset = pos;
			out->length = il->chunk;
			out->addr = st->base + row * il->chunk;
			out->dev = st->dev;
			out->type = FUSE_RES_TYPE_MAPPED;
			out->flags = 0;
			out->index = s;
			out->ilist_index = 0;
			return 0;
		}
	}
}

static inline int ref_ilist_lookup(const struct fuse_res_ilist *l, uint64_t off,
				   struct fuse_res_out *out)
{
	uint64_t start = 0;
	uint32_t i;
	int err;

	if (l->count == 0 || l->count > FUSE_RES_ILIST_MAX ||
	    l->size > FUSE_RES_OFF_MAX)
		return FUSE_RES_EINVAL;
	if (off >= l->size)
		return FUSE_RES_ERANGE;
	for (i = 0; i < l->count; i++) {
		if (off < start + l->il[i].size) {
			err = ref_interleave_lookup(&l->il[i], off - start, out);
			if (err)
				return err;
			out->offset += start;
			out->ilist_index = i;
			return 0;
		}
		start += l->il[i].size;
	}
	return FUSE_RES_ERANGE;
}

static inline int ref_out_equal(const struct fuse_res_out *a,
				const struct fuse_res_out *b)
{
	return a->offset == b->offset && a->length == b->length &&
	       a->addr == b->addr && a->dev == b->dev && a->type == b->type &&
	       a->flags == b->flags && a->index == b->index &&
	       a->ilist_index == b->ilist_index;
}

static inline void ref_out_print(const char *tag, int rc,
				 const struct fuse_res_out *o)
{
	fprintf(stderr, "  %s: rc=%d off=%llu len=%llu addr=%#llx dev=%u type=%u flags=%u idx=%u il=%u\n",
		tag, rc, (unsigned long long)o->offset,
		(unsigned long long)o->length, (unsigned long long)o->addr,
		o->dev, o->type, o->flags, o->index, o->ilist_index);
}

/*
 * Random sorted extent list: count extents with random gaps (sometimes 0),
 * random lengths, random types; block-sized units of 'unit' bytes.
 * Returns the size (past the last extent by a random tail, possibly 0, and
 * sometimes inside the last extent).
 */
static inline uint64_t ref_gen_extents(uint64_t *rs, struct fuse_res_ext *ext,
				       uint32_t count, uint64_t unit)
{
	uint64_t pos = ref_below(rs, 4) * unit, size;
	uint32_t i;

	for (i = 0; i < count; i++) {
		struct fuse_res_ext *e = &ext[i];

		e->offset = pos;
		e->length = (1 + ref_below(rs, 16)) * unit;
		e->type = (uint16_t)ref_below(rs, 5);
		if (ref_below(rs, 2))
			e->type = FUSE_RES_TYPE_MAPPED;
		e->addr = ref_below(rs, 1ULL << 40) * unit;
		e->dev = 1 + (uint32_t)ref_below(rs, 8);
		e->flags = (uint16_t)ref_below(rs, 256);
		pos += e->length;
		if (ref_below(rs, 3))
			pos += ref_below(rs, 8) * unit;
	}
	size = pos + ref_below(rs, 3) * unit;
	if (count && ref_below(rs, 4) == 0)
		size = ext[count - 1].offset + 1 +
		       ref_below(rs, ext[count - 1].length);
	if (size == 0)
		size = unit;
	return size;
}

/* A query offset: uniform, or an edge of a random extent, or the end. */
static inline uint64_t ref_gen_offset(uint64_t *rs, const struct fuse_res_ext *ext,
				      uint32_t count, uint64_t size)
{
	uint64_t k = ref_below(rs, 8);

	if (k < 3 || count == 0)
		return ref_below(rs, size + size / 16 + 1);
	{
		const struct fuse_res_ext *e = &ext[ref_below(rs, count)];

		switch (k) {
		case 3: return e->offset;
		case 4: return e->offset + e->length - 1;
		case 5: return e->offset + e->length;
		case 6: return e->offset ? e->offset - 1 : 0;
		default: return size - 1 + ref_below(rs, 2);
		}
	}
}

/* Random valid interleave with nstrips strips; chunk a power of two. */
static inline void ref_gen_interleave(uint64_t *rs, struct fuse_res_interleave *il,
				      uint32_t nstrips, uint32_t max_chunks)
{
	uint64_t nchunks, rows;
	uint32_t s;

	int big = ref_below(rs, 4) == 0;

	memset(il, 0, sizeof(*il));
	il->nstrips = nstrips;
	/* 4 KiB .. 2 MiB chunks; a quarter of the layouts 256 MiB .. 16 GiB
	 * (files beyond 4 GiB: the 64-bit division path) */
	il->chunk = big ? 1ULL << (28 + ref_below(rs, 7)) :
			  1ULL << (12 + ref_below(rs, 10));
	if (ref_below(rs, 8) == 0)
		il->chunk += 4096 * ref_below(rs, 64);	/* not a power of two */
	nchunks = 1 + ref_below(rs, max_chunks);
	il->size = (nchunks - 1) * il->chunk + 1 + ref_below(rs, il->chunk);
	rows = (nchunks + nstrips - 1) / nstrips;
	for (s = 0; s < nstrips; s++) {
		il->strip[s].base = ref_below(rs, big ? 1ULL << 20 : 1ULL << 30) *
				    il->chunk;
		il->strip[s].length = (rows + ref_below(rs, 2)) * il->chunk;
		il->strip[s].dev = (uint32_t)ref_below(rs, 24);
	}
}

#endif /* RESOLVE_REF_H_ */
