// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs layout validation and offset mapping (spec 1.5).
 */
#include <errno.h>
#include <stdio.h>

#include "famfs_layout.h"

static int range_ok(const struct famfs_extent *e, uint64_t dev_size,
		    const char *what, unsigned int i, char *why, size_t whylen)
{
	if (e->devindex != 0) {
		snprintf(why, whylen, "%s %u: devindex %llu (only 0 exists)",
			 what, i, (unsigned long long)e->devindex);
		return -EINVAL;
	}
	if (e->offset == 0) {
		snprintf(why, whylen, "%s %u: offset 0 (superblock)", what, i);
		return -EINVAL;
	}
	if (e->offset % FAMFS_ALLOC_UNIT || e->len % FAMFS_ALLOC_UNIT ||
	    e->len == 0) {
		snprintf(why, whylen,
			 "%s %u: offset 0x%llx len 0x%llx not 2 MiB aligned or empty",
			 what, i, (unsigned long long)e->offset,
			 (unsigned long long)e->len);
		return -EINVAL;
	}
	if (e->offset > dev_size || e->len > dev_size - e->offset) {
		snprintf(why, whylen,
			 "%s %u: 0x%llx+0x%llx past the device end 0x%llx",
			 what, i, (unsigned long long)e->offset,
			 (unsigned long long)e->len,
			 (unsigned long long)dev_size);
		return -EINVAL;
	}
	return 0;
}

static int validate_simple(struct famfs_layout *l, uint64_t dev_size,
			   char *why, size_t whylen)
{
	uint64_t sum = 0;
	unsigned int i;
	int rc;

	if (l->next < 1 || l->next > FAMFS_MAX_SIMPLE_EXT) {
		snprintf(why, whylen, "simple extent count %u not in 1..%d",
			 l->next, FAMFS_MAX_SIMPLE_EXT);
		return -EINVAL;
	}
	for (i = 0; i < l->next; i++) {
		rc = range_ok(&l->ext[i], dev_size, "extent", i, why, whylen);
		if (rc)
			return rc;
		l->start[i] = sum;
		sum += l->ext[i].len;	/* each <= dev_size: no overflow */
	}
	if (sum < l->size) {
		snprintf(why, whylen, "extents hold %llu bytes < size %llu",
			 (unsigned long long)sum, (unsigned long long)l->size);
		return -EINVAL;
	}
	return 0;
}

/* Bytes of the file that land on strip s: the mapping must stay inside. */
static uint64_t strip_need(const struct famfs_layout *l, unsigned int s)
{
	uint64_t nchunks = (l->size + l->chunk - 1) / l->chunk;
	uint64_t k = nchunks / l->next + (s < nchunks % l->next ? 1 : 0);
	uint64_t last;

	if (k == 0)
		return 0;
	/* the strip's last chunk is the file's last chunk only if it is
	 * chunk number nchunks - 1 */
	if ((nchunks - 1) % l->next == s)
		last = l->size - (nchunks - 1) * l->chunk;
	else
		last = l->chunk;
	return (k - 1) * l->chunk + last;
}

static int validate_interleave(struct famfs_layout *l, uint64_t dev_size,
			       char *why, size_t whylen)
{
	uint64_t sum = 0;
	unsigned int i;
	int rc;

	if (l->next < 1 || l->next > FAMFS_MAX_NSTRIPS) {
		snprintf(why, whylen, "strip count %u not in 1..%d", l->next,
			 FAMFS_MAX_NSTRIPS);
		return -EINVAL;
	}
	if (l->chunk == 0 || l->chunk % FAMFS_ALLOC_UNIT ||
	    l->chunk > dev_size) {
		snprintf(why, whylen, "chunk size 0x%llx not a 2 MiB multiple",
			 (unsigned long long)l->chunk);
		return -EINVAL;
	}
	for (i = 0; i < l->next; i++) {
		rc = range_ok(&l->ext[i], dev_size, "strip", i, why, whylen);
		if (rc)
			return rc;
		sum += l->ext[i].len;
	}
	/* the kernel's rule; it also bounds size so nothing below overflows */
	if (sum < l->size) {
		snprintf(why, whylen, "strips hold %llu bytes < size %llu",
			 (unsigned long long)sum, (unsigned long long)l->size);
		return -EINVAL;
	}
	for (i = 0; i < l->next; i++) {
		if (strip_need(l, i) > l->ext[i].len) {
			snprintf(why, whylen,
				 "strip %u holds 0x%llx bytes, the file needs 0x%llx",
				 i, (unsigned long long)l->ext[i].len,
				 (unsigned long long)strip_need(l, i));
			return -EINVAL;
		}
		l->start[i] = 0;
	}
	return 0;
}

int famfs_layout_validate(struct famfs_layout *l, uint64_t dev_size,
			  char *why, size_t whylen)
{
	if (l->size == 0) {
		snprintf(why, whylen, "file size 0 (famfs files are never empty)");
		return -EINVAL;
	}
	switch (l->kind) {
	case FAMFS_LAYOUT_SIMPLE:
		return validate_simple(l, dev_size, why, whylen);
	case FAMFS_LAYOUT_INTERLEAVE:
		return validate_interleave(l, dev_size, why, whylen);
	}
	snprintf(why, whylen, "unknown extent type %d", (int)l->kind);
	return -EINVAL;
}

int famfs_layout_map(const struct famfs_layout *l, uint64_t off,
		     uint64_t *devoff, uint64_t *contig)
{
	uint64_t rest, n;

	if (off >= l->size)
		return -EINVAL;
	rest = l->size - off;

	if (l->kind == FAMFS_LAYOUT_INTERLEAVE) {
		uint64_t chunk_num = off / l->chunk;
		uint64_t chunk_off = off % l->chunk;
		uint64_t stripe = chunk_num / l->next;
		uint64_t strip = chunk_num % l->next;

		*devoff = l->ext[strip].offset + stripe * l->chunk + chunk_off;
		n = l->chunk - chunk_off;
	} else {
		/* branch-free binary search: last extent whose start <= off
		 * (start[] is strictly increasing, start[0] == 0) */
		unsigned int lo = 0, cnt = l->next, half;

		while (cnt > 1) {
			half = cnt / 2;
			lo = l->start[lo + half] <= off ? lo + half : lo;
			cnt -= half;
		}
		*devoff = l->ext[lo].offset + (off - l->start[lo]);
		n = l->ext[lo].len - (off - l->start[lo]);
	}
	*contig = n < rest ? n : rest;
	return 0;
}

uint64_t famfs_layout_alloc_bytes(const struct famfs_layout *l)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < l->next && i < FAMFS_MAX_SIMPLE_EXT; i++)
		sum += l->ext[i].len;
	return sum;
}
