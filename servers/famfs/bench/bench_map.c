// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Mapping resolution cost: famfs_layout_map() (binary search over simple
 * extents, O(1) arithmetic for interleaves) against a linear extent walk
 * (what the famfs kernel code does), in ns per lookup.
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "famfs_layout.h"

#define N 20000000ULL

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The linear walk: skip whole extents until the offset falls inside. */
static uint64_t linear(const struct famfs_layout *l, uint64_t off)
{
	uint64_t i;

	if (l->kind == FAMFS_LAYOUT_INTERLEAVE) {
		/* the kernel walks strips to find the one holding the chunk */
		uint64_t chunk_num = off / l->chunk, strip = 0, s;

		for (s = 0; s < l->next; s++)
			if (s == chunk_num % l->next)
				strip = s;
		return l->ext[strip].offset + (chunk_num / l->next) * l->chunk +
		       off % l->chunk;
	}
	for (i = 0; i < l->next; i++) {
		if (off < l->ext[i].len)
			return l->ext[i].offset + off;
		off -= l->ext[i].len;
	}
	return 0;
}

static void run(const char *name, struct famfs_layout *l)
{
	uint64_t x = 88172645463325252ULL, sum = 0, dev, len, i;
	char why[256];
	double t0, t1, t2, tb;

	if (famfs_layout_validate(l, 1ULL << 40, why, sizeof(why))) {
		fprintf(stderr, "%s: %s\n", name, why);
		return;
	}
	/* baseline: the offset generator alone */
	tb = now();
	for (i = 0; i < N; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		sum += x % l->size;
	}
	tb = now() - tb;
	t0 = now();
	for (i = 0; i < N; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		famfs_layout_map(l, x % l->size, &dev, &len);
		sum += dev;
	}
	t1 = now();
	for (i = 0; i < N; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		sum += linear(l, x % l->size);
	}
	t2 = now();
	printf("%-28s famfs_layout_map %6.2f ns/lookup   linear walk %6.2f ns/lookup  (generator subtracted; %llu)\n",
	       name, (t1 - t0 - tb) * 1e9 / N, (t2 - t1 - tb) * 1e9 / N,
	       (unsigned long long)(sum & 1));
}

int main(void)
{
	struct famfs_layout l;
	unsigned int i;

	memset(&l, 0, sizeof(l));
	l.kind = FAMFS_LAYOUT_SIMPLE;
	l.next = 16;
	for (i = 0; i < 16; i++) {
		l.ext[i].offset = (uint64_t)(i * 3 + 1) << 30;
		l.ext[i].len = 64ULL << 20;
	}
	l.size = 16 * (64ULL << 20);
	run("simple, 16 extents", &l);
	l.next = 1;
	l.size = 64ULL << 20;
	run("simple, 1 extent", &l);

	memset(&l, 0, sizeof(l));
	l.kind = FAMFS_LAYOUT_INTERLEAVE;
	l.next = 16;
	l.chunk = 2 << 20;
	for (i = 0; i < 16; i++) {
		l.ext[i].offset = (uint64_t)(i * 3 + 1) << 30;
		l.ext[i].len = 64ULL << 20;
	}
	l.size = 16 * (64ULL << 20);
	run("interleave, 16 strips x 2M", &l);
	return 0;
}
