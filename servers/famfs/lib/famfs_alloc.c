// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The reference allocators (spec 1.8): contiguous first fit from a cursor,
 * and the strided allocator (random bucket order by Fisher-Yates over
 * rand(), one contiguous strip per bucket, strips in bucket-visit order).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "famfs_alloc.h"

static inline bool bit_test(const struct famfs_bitmap *bm, uint64_t k)
{
	return bm->bits[k >> 3] & (1u << (k & 7));
}

static inline void bit_set(struct famfs_bitmap *bm, uint64_t k)
{
	bm->bits[k >> 3] |= 1u << (k & 7);
}

static inline void bit_clear(struct famfs_bitmap *bm, uint64_t k)
{
	bm->bits[k >> 3] &= ~(1u << (k & 7));
}

/*
 * First fit of @nunits units in [start, end) (bit numbers). Returns the
 * first bit or -1. Same search as the reference: the first free bit from
 * which the run fits; a run that does not fit in the range ends the search.
 */
static int64_t first_fit(struct famfs_bitmap *bm, uint64_t start, uint64_t end,
			 uint64_t nunits)
{
	uint64_t i, j;

	if (end > bm->nbits)
		end = bm->nbits;
	for (i = start; i < end; i++) {
		if (bit_test(bm, i))
			continue;
		if (nunits > end - i)
			return -1;
		for (j = i; j < i + nunits; j++)
			if (bit_test(bm, j))
				break;
		if (j < i + nunits)
			continue;
		for (j = i; j < i + nunits; j++)
			bit_set(bm, j);
		return (int64_t)i;
	}
	return -1;
}

int famfs_ialloc_validate(const struct famfs_ialloc *ia, uint64_t dev_size,
			  char *why)
{
	if (!ia->nbuckets && !ia->nstrips && !ia->chunk)
		return 0;
	if (!ia->chunk || (ia->chunk & (ia->chunk - 1)) ||
	    ia->chunk % FAMFS_ALLOC_UNIT) {
		snprintf(why, FAMFS_WHY_LEN,
			 "chunk size 0x%llx must be a power of two and a multiple of 2 MiB",
			 (unsigned long long)ia->chunk);
		return -EINVAL;
	}
	if (!ia->nbuckets || ia->nbuckets > FAMFS_MAX_NBUCKETS) {
		snprintf(why, FAMFS_WHY_LEN, "nbuckets %llu not in 1..%d",
			 (unsigned long long)ia->nbuckets, FAMFS_MAX_NBUCKETS);
		return -EINVAL;
	}
	if (!ia->nstrips || ia->nstrips > ia->nbuckets ||
	    ia->nstrips > FAMFS_MAX_NSTRIPS) {
		snprintf(why, FAMFS_WHY_LEN,
			 "nstrips %llu not in 1..min(nbuckets %llu, %d)",
			 (unsigned long long)ia->nstrips,
			 (unsigned long long)ia->nbuckets, FAMFS_MAX_NSTRIPS);
		return -EINVAL;
	}
	if (dev_size / ia->nbuckets < FAMFS_MIN_BUCKET_SIZE) {
		snprintf(why, FAMFS_WHY_LEN,
			 "bucket size %llu < 1 GiB (fewer buckets needed)",
			 (unsigned long long)(dev_size / ia->nbuckets));
		return -EINVAL;
	}
	return 0;
}

static int alloc_contig(struct famfs_allocator *a, uint64_t size,
			struct famfs_layout *out, char *why)
{
	uint64_t nunits = (size + FAMFS_ALLOC_UNIT - 1) / FAMFS_ALLOC_UNIT;
	int64_t bit;

	bit = first_fit(&a->bm, a->cur_pos / FAMFS_ALLOC_UNIT, a->bm.nbits,
			nunits);
	if (bit <= 0) {
		snprintf(why, FAMFS_WHY_LEN,
			 "out of space: no free run of %llu bytes",
			 (unsigned long long)(nunits * FAMFS_ALLOC_UNIT));
		return -ENOSPC;
	}
	a->cur_pos = ((uint64_t)bit + nunits) * FAMFS_ALLOC_UNIT;
	memset(out, 0, sizeof(*out));
	out->kind = FAMFS_LAYOUT_SIMPLE;
	out->size = size;
	out->next = 1;
	out->ext[0].offset = (uint64_t)bit * FAMFS_ALLOC_UNIT;
	out->ext[0].len = nunits * FAMFS_ALLOC_UNIT;
	return 0;
}

static int alloc_strided(struct famfs_allocator *a, uint64_t size,
			 struct famfs_layout *out, char *why)
{
	const struct famfs_ialloc *ia = &a->ia;
	uint64_t chunk_au = ia->chunk / FAMFS_ALLOC_UNIT;
	uint64_t size_au = (size + FAMFS_ALLOC_UNIT - 1) / FAMFS_ALLOC_UNIT;
	uint64_t bucket_au = (a->dev_size / FAMFS_ALLOC_UNIT) / ia->nbuckets;
	uint64_t stripe_au = ia->nstrips * chunk_au;
	uint64_t strip_au = ((size_au + stripe_au - 1) / stripe_au) * chunk_au;
	int buckets[FAMFS_MAX_NBUCKETS];
	uint64_t got = 0, i, k;
	int64_t bit;
	int j, t;

	/* The reference shuffles with srand(time(NULL)) + rand(). */
	for (i = 0; i < ia->nbuckets; i++)
		buckets[i] = (int)i;
	srand(a->seed);
	for (i = ia->nbuckets - 1; i > 0; i--) {
		j = rand() % (int)(i + 1);
		t = buckets[i];
		buckets[i] = buckets[j];
		buckets[j] = t;
	}
	memset(out, 0, sizeof(*out));
	out->kind = FAMFS_LAYOUT_INTERLEAVE;
	out->size = size;
	out->chunk = ia->chunk;
	out->next = (uint32_t)ia->nstrips;
	for (i = 0; i < ia->nbuckets && got < ia->nstrips; i++) {
		uint64_t start = (uint64_t)buckets[i] * bucket_au;

		bit = first_fit(&a->bm, start, start + bucket_au, strip_au);
		if (bit <= 0)
			continue;
		out->ext[got].offset = (uint64_t)bit * FAMFS_ALLOC_UNIT;
		out->ext[got].len = strip_au * FAMFS_ALLOC_UNIT;
		got++;
	}
	if (got < ia->nstrips) {
		for (i = 0; i < got; i++)
			for (k = 0; k < strip_au; k++)
				bit_clear(&a->bm, out->ext[i].offset /
					  FAMFS_ALLOC_UNIT + k);
		snprintf(why, FAMFS_WHY_LEN,
			 "out of space: %llu strips of %llu bytes needed, %llu buckets had room",
			 (unsigned long long)ia->nstrips,
			 (unsigned long long)(strip_au * FAMFS_ALLOC_UNIT),
			 (unsigned long long)got);
		return -ENOSPC;
	}
	return 0;
}

int famfs_alloc_file(struct famfs_allocator *a, uint64_t size,
		     struct famfs_layout *out, char *why)
{
	int rc;

	if (size == 0) {
		snprintf(why, FAMFS_WHY_LEN, "famfs files cannot be empty");
		return -EINVAL;
	}
	if (size > a->dev_size) {
		snprintf(why, FAMFS_WHY_LEN, "size %llu larger than the device",
			 (unsigned long long)size);
		return -ENOSPC;
	}
	rc = famfs_ialloc_validate(&a->ia, a->dev_size, why);
	if (rc)
		return rc;
	if (!a->ia.nbuckets)
		return alloc_contig(a, size, out, why);
	if (size < a->ia.chunk) {
		/* The reference falls back to contiguous from position 0. */
		a->cur_pos = 0;
		return alloc_contig(a, size, out, why);
	}
	return alloc_strided(a, size, out, why);
}
