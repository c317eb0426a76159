/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench_bpf.c - ns per layout lookup: the native build of
 * include/fuse_iomap_resolve.h against the same code as BPF
 * (resolve_prog.bpf.c "resolve_bench", run through BPF_PROG_TEST_RUN and
 * timed inside the kernel with bpf_ktime_get_ns), and an ARRAY map lookup
 * by slot against a HASH map lookup by nodeid.
 *
 * Both builds walk the same offset sequence (resolve_bench_next) over the
 * same layouts; the checksums must match or the row is marked.  BPF times
 * include one bpf_loop callback per lookup (~1-2 ns) and the map lookup.
 * Native times include an array index to the layout.
 *
 * Usage: bench_bpf [iterations [runs]]   (default 1000000, best of 5)
 * Needs root (BPF).  Prints a table; never asserts timings.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpf_oracle.h"

static struct fuse_res_ext32 ext32[RESOLVE_EXT32_SLOTS];
static struct fuse_res_ext1k ext1k[RESOLVE_EXT1K_SLOTS];
static struct fuse_res_interleave il[RESOLVE_IL_SLOTS];
static struct fuse_bpf_file files[RESOLVE_FILE_SLOTS];

struct row {
	const char *name;
	int kind;
	uint32_t slot, nslots;
	uint64_t size;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The native twin of resolve_prog.bpf.c's bench_step loop. */
static void native_run(const struct row *r, uint32_t iters, uint64_t seed,
		       uint64_t *ns, uint64_t *sum_out, uint32_t *hits_out)
{
	uint64_t s = seed, sum = 0, t0;
	uint32_t i, hits = 0, next_k = 0;

	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		uint32_t k = next_k;
		uint64_t off = resolve_bench_offset(&s, r->size);
		uint64_t nodeid = k + 1;
		struct fuse_res_out o;
		const struct fuse_bpf_file *f;
		int rc;

		next_k = k + 1 == r->nslots ? 0 : k + 1;

		switch (r->kind) {
		case RESOLVE_KIND_LOOP_ONLY:
			sum += off ^ k;
			continue;
		case RESOLVE_KIND_FILE_MAPONLY:
			sum += files[k].nodeid;
			continue;
		case RESOLVE_KIND_HASH_MAPONLY:
			sum += files[nodeid % RESOLVE_FILE_SLOTS].nodeid;
			continue;
		case RESOLVE_KIND_EXT32:
			rc = fuse_res_ext32_lookup(&ext32[r->slot + k], off, &o);
			break;
		case RESOLVE_KIND_EXT1K:
			rc = fuse_res_ext1k_lookup(&ext1k[r->slot + k], off, &o);
			break;
		case RESOLVE_KIND_IL:
			rc = fuse_res_interleave_lookup(&il[r->slot + k], off, &o);
			break;
		default:	/* FILE, FILE_HASH */
			f = &files[fuse_bpf_slot(nodeid, RESOLVE_FILE_SLOTS)];
			rc = f->nodeid == nodeid ?
				fuse_bpf_file_lookup(f, off, &o) : -2;
			break;
		}
		if (rc == 0) {
			hits++;
			sum += o.addr ^ o.offset;
		}
	}
	*ns = now_ns() - t0;
	*sum_out = sum;
	*hits_out = hits;
}

static void make_extents(struct fuse_res_ext *e, uint32_t count, uint64_t len,
			 uint64_t *size)
{
	uint32_t i;

	for (i = 0; i < count; i++) {
		e[i].offset = i * len;
		e[i].length = len;
		e[i].addr = (1ULL << 32) + i * 3 * len;
		e[i].dev = 1;
		e[i].type = FUSE_RES_TYPE_MAPPED;
		e[i].flags = 0;
	}
	*size = count * len;
}

static void make_interleave(struct fuse_res_interleave *l, uint32_t nstrips)
{
	uint32_t s;

	memset(l, 0, sizeof(*l));
	l->nstrips = nstrips;
	l->chunk = 2 << 20;
	l->size = (uint64_t)nstrips * l->chunk * 64;
	for (s = 0; s < nstrips; s++) {
		l->strip[s].base = (uint64_t)s << 36;
		l->strip[s].length = 64 * l->chunk;
		l->strip[s].dev = s;
	}
}

static int setup(struct bpf_oracle *o, struct row *rows, int *nrows)
{
	static const uint32_t strips[] = { 2, 4, 8, 16 };
	uint64_t size;
	uint32_t i;
	int n = 0, err = 0;

	rows[n++] = (struct row){ "loop only (offset, no lookup)", RESOLVE_KIND_LOOP_ONLY, 0, 1, 1 << 30 };
	/* ext32 slot 0: 1 extent, slot 1: 32; ext1k slot 0: 32, slot 1: 1024 */
	make_extents(ext32[0].ext, 1, 1 << 20, &size);
	ext32[0].count = 1;
	ext32[0].size = size;
	rows[n++] = (struct row){ "1 extent (ext32)", RESOLVE_KIND_EXT32, 0, 1, size };
	make_extents(ext32[1].ext, 32, 1 << 20, &size);
	ext32[1].count = 32;
	ext32[1].size = size;
	rows[n++] = (struct row){ "32 extents (ext32)", RESOLVE_KIND_EXT32, 1, 1, size };
	make_extents(ext1k[0].ext, 32, 1 << 20, &size);
	ext1k[0].count = 32;
	ext1k[0].size = size;
	rows[n++] = (struct row){ "32 extents (ext1k)", RESOLVE_KIND_EXT1K, 0, 1, size };
	make_extents(ext1k[1].ext, 1024, 1 << 20, &size);
	ext1k[1].count = 1024;
	ext1k[1].size = size;
	rows[n++] = (struct row){ "1024 extents (ext1k)", RESOLVE_KIND_EXT1K, 1, 1, size };
	for (i = 0; i < 4; i++) {
		static char names[4][32];

		make_interleave(&il[i], strips[i]);
		snprintf(names[i], sizeof(names[i]), "interleave %u strips", strips[i]);
		rows[n++] = (struct row){ names[i], RESOLVE_KIND_IL, i, 1, il[i].size };
	}
	for (i = 0; i < 2 && !err; i++)
		err = bpf_oracle_put(o, RESOLVE_KIND_EXT32, i, &ext32[i], 0);
	for (i = 0; i < 2 && !err; i++)
		err = bpf_oracle_put(o, RESOLVE_KIND_EXT1K, i, &ext1k[i], 0);
	for (i = 0; i < 4 && !err; i++)
		err = bpf_oracle_put(o, RESOLVE_KIND_IL, i, &il[i], 0);

	/* 1024 files of 32 extents, nodeid 1..1024, in both file maps. */
	for (i = 1; i <= 1024 && !err; i++) {
		struct fuse_bpf_file *f = &files[fuse_bpf_slot(i, RESOLVE_FILE_SLOTS)];

		f->nodeid = i;
		f->kind = FUSE_BPF_FILE_EXTENTS;
		make_extents(f->u.ext.ext, 32, 1 << 20, &size);
		f->u.ext.count = 32;
		f->u.ext.size = size;
		err = bpf_oracle_put(o, RESOLVE_KIND_FILE, 0, f, 1);
	}
	rows[n++] = (struct row){ "map lookup: ARRAY[slot]", RESOLVE_KIND_FILE_MAPONLY, 0, 1024, 1 };
	rows[n++] = (struct row){ "map lookup: HASH[nodeid]", RESOLVE_KIND_HASH_MAPONLY, 0, 1024, 1 };
	rows[n++] = (struct row){ "ARRAY[slot] + 32 extents", RESOLVE_KIND_FILE, 0, 1024, size };
	rows[n++] = (struct row){ "HASH[nodeid] + 32 extents", RESOLVE_KIND_FILE_HASH, 0, 1024, size };
	*nrows = n;
	return err;
}

int main(int argc, char **argv)
{
	uint32_t iters = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 1000000;
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	struct row rows[16];
	double loop_n = 0, loop_b = 0;
	struct bpf_oracle *o;
	char why[256] = "";
	int nrows = 0, i, k, err;

	if (iters == 0 || iters > (1u << 23) || runs < 1) {
		fprintf(stderr, "usage: bench_bpf [iterations (1..8388608) [runs]]\n");
		return 2;
	}
	o = bpf_oracle_get(why, sizeof(why), &err);
	if (!o) {
		printf("skipped: %s\n", why);
		return 77;
	}
	err = setup(o, rows, &nrows);
	if (err) {
		fprintf(stderr, "map setup: %s\n", strerror(-err));
		return 1;
	}
	printf("ns per lookup, %u lookups per run, best of %d runs (hot caches)\n",
	       iters, runs);
	printf("net = minus the 'loop only' row (offset generation, loop, call)\n");
	printf("%-30s %8s %8s %8s %9s %9s %8s  %s\n", "workload", "native", "BPF",
	       "BPF/nat", "net nat", "net BPF", "net B/n", "check");
	for (i = 0; i < nrows; i++) {
		double best_n = 1e30, best_b = 1e30;
		uint64_t nsum = 0, bsum = 0;
		uint32_t nhits = 0, bhits = 0;
		const char *check = "sum ok";

		for (k = 0; k < runs; k++) {
			struct resolve_bench b;
			uint64_t ns;

			native_run(&rows[i], iters, 42 + k, &ns, &nsum, &nhits);
			if ((double)ns / iters < best_n)
				best_n = (double)ns / iters;
			memset(&b, 0, sizeof(b));
			b.kind = rows[i].kind;
			b.slot = rows[i].slot;
			b.nslots = rows[i].nslots;
			b.iters = iters;
			b.seed = 42 + k;
			b.size = rows[i].size;
			err = bpf_oracle_bench(o, &b);
			if (err) {
				fprintf(stderr, "bench run: %s\n", strerror(-err));
				return 1;
			}
			if ((double)b.ns / iters < best_b)
				best_b = (double)b.ns / iters;
			bsum = b.sum;
			bhits = b.hits;
			if (b.misses)
				check = "MISSES";
		}
		if (nsum != bsum || nhits != bhits)
			check = "SUM DIFFERS";
		if (i == 0) {
			loop_n = best_n;
			loop_b = best_b;
		}
		printf("%-30s %8.2f %8.2f %8.2f %9.2f %9.2f %8.2f  %s\n",
		       rows[i].name, best_n, best_b, best_b / best_n,
		       best_n - loop_n, best_b - loop_b,
		       best_n - loop_n > 0.05 ?
		       (best_b - loop_b) / (best_n - loop_n) : 0.0, check);
	}
	return 0;
}
