/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bpf_vs_native_test.c - the resolver compiled as BPF (resolve_prog.bpf.c,
 * run through BPF_PROG_TEST_RUN) must agree with the native build of
 * include/fuse_iomap_resolve.h on every field, for every layout kind, at
 * the largest extent and strip counts, on edge offsets and on rejected
 * inputs (division by zero, counts above the bound, offsets past the end).
 * Also reports the verifier's work per program and fails above a budget.
 *
 * Usage: bpf_vs_native_test [queries-per-kind [seed]]
 * Exit 77 when BPF programs cannot be loaded (not root, or no BPF build).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "bpf_oracle.h"
#include "resolve_ref.h"

/* Verifier budget guard: 1,000,000 is the kernel limit; stay far below. */
#define VERIFIER_BUDGET	200000u

static struct bpf_oracle *orc;
static unsigned long total, mismatches, infra_errors, famfs_mid;
static uint64_t rs;

static int native(int kind, const void *layout, uint64_t off,
		  struct fuse_res_out *out)
{
	switch (kind) {
	case RESOLVE_KIND_EXT32:
		return fuse_res_ext32_lookup(layout, off, out);
	case RESOLVE_KIND_EXT1K:
		return fuse_res_ext1k_lookup(layout, off, out);
	case RESOLVE_KIND_IL:
		return fuse_res_interleave_lookup(layout, off, out);
	case RESOLVE_KIND_ILIST:
		return fuse_res_ilist_lookup(layout, off, out);
	default:
		return fuse_bpf_file_lookup(layout, off, out);
	}
}

static const char *kind_name(int kind)
{
	static const char *const n[] = { "?", "ext32", "ext1k", "interleave",
					 "ilist", "file" };

	return kind >= 1 && kind <= 5 ? n[kind] : "?";
}

static int io_equal(const struct fuse_bpf_io *a, const struct fuse_bpf_io *b)
{
	return a->offset == b->offset && a->length == b->length &&
	       a->addr == b->addr && a->type == b->type &&
	       a->flags == b->flags && a->dev == b->dev;
}

/* One query through BPF and natively; count and report a mismatch. */
static void check_query(int kind, const void *layout, uint64_t off)
{
	struct resolve_query q;
	struct fuse_res_out nat;
	int nrc, err;

	memset(&q, 0, sizeof(q));
	memset(&nat, 0, sizeof(nat));
	q.kind = kind;
	q.slot = 0;
	q.off = off;
	q.opflags = (uint32_t)(ref_rand(&rs) & 1 ? FUSE_BPF_OP_WRITE : 0);
	q.blkbits = 12;
	q.ndev = 24;
	if (kind == RESOLVE_KIND_FILE)
		q.nodeid = ((const struct fuse_bpf_file *)layout)->nodeid;
	err = bpf_oracle_query(orc, &q);
	total++;
	if (err) {
		if (infra_errors++ < 3)
			fprintf(stderr, "test_run failed: %s\n", strerror(-err));
		return;
	}
	nrc = native(kind, layout, off, &nat);
	if (q.rc == nrc && (nrc != 0 || ref_out_equal(&q.out, &nat))) {
		if (kind != RESOLVE_KIND_FILE)
			return;
		{
			struct fuse_bpf_begin_out nb;
			struct fuse_bpf_io nio;
			uint64_t sdevs = 0;
			int brc, frc, src;

			memset(&nb, 0, sizeof(nb));
			memset(&nio, 0, sizeof(nio));
			brc = fuse_bpf_begin_decide(nrc, &nat, off, q.opflags,
						    q.blkbits, &nb);
			frc = fuse_bpf_famfs_decide(nrc, &nat, off, q.ndev, &nio);
			src = fuse_bpf_dax_setup_devs(layout, q.ndev, &sdevs);
			/* both answers must be in the requested-offset form */
			if (frc == 0 && (nio.offset != off ||
					 nio.addr != fuse_res_out_addr_at(&nat, off) ||
					 nio.length != nat.offset + nat.length - off)) {
				if (mismatches++ < 10)
					fprintf(stderr, "famfs answer at off=%" PRIu64
						" not for the requested offset\n", off);
				return;
			}
			if (frc == 0 && nat.offset != off)
				famfs_mid++;
			if (brc == q.begin_rc && frc == q.famfs_rc &&
			    src == q.setup_rc && (src || sdevs == q.setup_devs) &&
			    io_equal(&nb.read, &q.begin.read) &&
			    io_equal(&nb.write, &q.begin.write) &&
			    io_equal(&nio, &q.famfs))
				return;
			if (mismatches++ < 10)
				fprintf(stderr, "file decision mismatch off=%" PRIu64
					" begin %d/%d famfs %d/%d\n", off,
					q.begin_rc, brc, q.famfs_rc, frc);
			return;
		}
	}
	if (mismatches++ < 10) {
		fprintf(stderr, "%s mismatch at off=%" PRIu64 "\n",
			kind_name(kind), off);
		ref_out_print("bpf", q.rc, &q.out);
		ref_out_print("native", nrc, &nat);
	}
}

static int put(int kind, const void *layout)
{
	int err = bpf_oracle_put(orc, kind, 0, layout, 0);

	if (err) {
		fprintf(stderr, "map update (%s): %s\n", kind_name(kind),
			strerror(-err));
		infra_errors++;
	}
	return err;
}

static void run_extents(int kind, unsigned long queries)
{
	static struct fuse_res_ext1k big;
	static struct fuse_res_ext32 small;
	uint32_t max = kind == RESOLVE_KIND_EXT32 ? 32 : 1024;
	unsigned long start = total, layouts = 0;
	uint32_t c;

	while (total - start < queries) {
		const struct fuse_res_ext *ext;
		void *layout;
		unsigned int q;

		/* a third of the layouts at the maximum count */
		c = ref_below(&rs, 3) ? (uint32_t)ref_below(&rs, max + 1) : max;
		memset(&big, 0, sizeof(big));
		big.count = c;
		big.size = ref_gen_extents(&rs, big.ext, c, 4096);
		if (kind == RESOLVE_KIND_EXT32) {
			memset(&small, 0, sizeof(small));
			small.count = c;
			small.size = big.size;
			memcpy(small.ext, big.ext, c * sizeof(big.ext[0]));
			layout = &small;
			ext = small.ext;
		} else {
			layout = &big;
			ext = big.ext;
		}
		layouts++;
		if (put(kind, layout))
			return;
		for (q = 0; q < 200; q++)
			check_query(kind, layout,
				    ref_gen_offset(&rs, ext, c, big.size));
		/* edges: 0, size - 1, size, huge */
		check_query(kind, layout, 0);
		check_query(kind, layout, big.size - 1);
		check_query(kind, layout, big.size);
		check_query(kind, layout, ~0ULL);
	}

	/* Rejected inputs: count above the bound, size above OFF_MAX. */
	if (kind == RESOLVE_KIND_EXT32) {
		small.count = 33;
		if (!put(kind, &small))
			check_query(kind, &small, 0);
		small.count = 0;
		small.size = FUSE_RES_OFF_MAX + 1;
		if (!put(kind, &small))
			check_query(kind, &small, 0);
	} else {
		big.count = 1025;
		if (!put(kind, &big))
			check_query(kind, &big, 0);
		big.count = 0xffffffffu;
		if (!put(kind, &big))
			check_query(kind, &big, 0);
	}
	printf("%-10s %8lu queries on %lu layouts (up to %u extents)\n",
	       kind_name(kind), total - start, layouts, max);
}

static void run_interleave(unsigned long queries)
{
	static struct fuse_res_interleave il;
	unsigned long start = total, layouts = 0;
	static const uint32_t bad_strips[] = { 0, 33, 0xffffffffu };
	unsigned int q, i;

	while (total - start < queries) {
		uint32_t ns = ref_below(&rs, 3) ?
			1 + (uint32_t)ref_below(&rs, FUSE_RES_STRIPS_MAX) :
			FUSE_RES_STRIPS_MAX;

		ref_gen_interleave(&rs, &il, ns, 1000);
		if (ref_below(&rs, 5) == 0)
			il.strip[ref_below(&rs, ns)].length -= il.chunk;
		layouts++;
		if (put(RESOLVE_KIND_IL, &il))
			return;
		for (q = 0; q < 200; q++)
			check_query(RESOLVE_KIND_IL, &il,
				    ref_below(&rs, il.size + il.size / 8 + 1));
		check_query(RESOLVE_KIND_IL, &il, il.size - 1);
		check_query(RESOLVE_KIND_IL, &il, il.size);
		check_query(RESOLVE_KIND_IL, &il, il.chunk * ns - 1);
		check_query(RESOLVE_KIND_IL, &il, il.chunk * ns);
	}
	/* Division by zero and strip counts out of range. */
	il.chunk = 0;
	if (!put(RESOLVE_KIND_IL, &il))
		for (q = 0; q < 100; q++)
			check_query(RESOLVE_KIND_IL, &il, ref_rand(&rs) >> 8);
	il.chunk = 4096;
	for (i = 0; i < 3; i++) {
		il.nstrips = bad_strips[i];
		if (!put(RESOLVE_KIND_IL, &il))
			for (q = 0; q < 100; q++)
				check_query(RESOLVE_KIND_IL, &il, ref_rand(&rs) >> 8);
	}
	printf("%-10s %8lu queries on %lu layouts (up to %u strips; chunk 0, 0/33 strips)\n",
	       "interleave", total - start, layouts, FUSE_RES_STRIPS_MAX);
}

static void run_ilist(unsigned long queries)
{
	static struct fuse_res_ilist l;
	unsigned long start = total, layouts = 0;
	unsigned int q, i;

	while (total - start < queries) {
		memset(&l, 0, sizeof(l));
		l.count = ref_below(&rs, 2) ? FUSE_RES_ILIST_MAX :
			1 + (uint32_t)ref_below(&rs, FUSE_RES_ILIST_MAX);
		for (i = 0; i < l.count; i++) {
			uint32_t ns = ref_below(&rs, 2) ? FUSE_RES_STRIPS_MAX :
				1 + (uint32_t)ref_below(&rs, FUSE_RES_STRIPS_MAX);

			ref_gen_interleave(&rs, &l.il[i], ns, 40);
			l.size += l.il[i].size;
		}
		if (ref_below(&rs, 4) == 0)
			l.il[ref_below(&rs, l.count)].chunk = 0;
		if (ref_below(&rs, 4) == 0)
			l.size += 1 + ref_below(&rs, 4096);
		layouts++;
		if (put(RESOLVE_KIND_ILIST, &l))
			return;
		for (q = 0; q < 200; q++)
			check_query(RESOLVE_KIND_ILIST, &l,
				    ref_below(&rs, l.size + 4096));
		check_query(RESOLVE_KIND_ILIST, &l, l.size - 1);
		check_query(RESOLVE_KIND_ILIST, &l, l.size);
	}
	l.count = 0;
	if (!put(RESOLVE_KIND_ILIST, &l))
		check_query(RESOLVE_KIND_ILIST, &l, 0);
	l.count = 33;
	if (!put(RESOLVE_KIND_ILIST, &l))
		check_query(RESOLVE_KIND_ILIST, &l, 0);
	printf("%-10s %8lu queries on %lu layouts (up to %u x %u strips)\n",
	       "ilist", total - start, layouts, FUSE_RES_ILIST_MAX,
	       FUSE_RES_STRIPS_MAX);
}

/* File records as the struct_ops wrappers see them, plus their decisions. */
static void run_files(unsigned long queries)
{
	static struct fuse_bpf_file f;
	unsigned long start = total, layouts = 0;
	unsigned int q;

	while (total - start < queries) {
		uint64_t size;

		memset(&f, 0, sizeof(f));
		f.nodeid = 1 + ref_below(&rs, 1000000);
		if (ref_below(&rs, 2)) {
			uint32_t c = ref_below(&rs, 2) ? 32 :
				(uint32_t)ref_below(&rs, 33);

			f.kind = FUSE_BPF_FILE_EXTENTS;
			f.u.ext.count = c;
			f.u.ext.size = ref_gen_extents(&rs, f.u.ext.ext, c, 4096);
			size = f.u.ext.size;
		} else {
			f.kind = FUSE_BPF_FILE_INTERLEAVE;
			ref_gen_interleave(&rs, &f.u.il,
					   1 + (uint32_t)ref_below(&rs, 32), 500);
			size = f.u.il.size;
		}
		/* the devices iomap_setup registers: mostly the true set */
		f.dev_bitmap = ref_below(&rs, 4) ? fuse_bpf_file_used_devs(&f) :
			       (uint32_t)ref_rand(&rs);
		if (ref_below(&rs, 20) == 0)
			f.kind = 7;	/* unknown kind */
		layouts++;
		if (put(RESOLVE_KIND_FILE, &f))
			return;
		for (q = 0; q < 200; q++)
			check_query(RESOLVE_KIND_FILE, &f,
				    ref_below(&rs, size + size / 8 + 1));
		check_query(RESOLVE_KIND_FILE, &f, size - 1);
	}
	printf("%-10s %8lu queries on %lu records (array map by slot; iomap and famfs answers)\n",
	       "file", total - start, layouts);
	printf("%-10s %8lu famfs answers from inside a segment (offset = requested)\n",
	       "", famfs_mid);
	if (famfs_mid == 0)
		mismatches++;	/* the requested-offset form was not exercised */
}

int main(int argc, char **argv)
{
	unsigned long per_kind = argc > 1 ? strtoul(argv[1], NULL, 0) : 50000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 0xb4f5eedULL;
	static const char *const progs[] = { "resolve_query", "resolve_bench" };
	struct bpf_oracle_prog_info info;
	char why[256] = "";
	unsigned int i;
	int err = 0, over = 0;

	orc = bpf_oracle_get(why, sizeof(why), &err);
	if (!orc) {
		printf("skipped: %s\n", why);
		return 77;
	}
	rs = seed ? seed : 1;
	printf("seed %#" PRIx64 ", %lu queries per kind\n", seed, per_kind);
	for (i = 0; i < 2; i++) {
		err = bpf_oracle_prog_info(orc, progs[i], &info);
		if (err) {
			fprintf(stderr, "prog info %s: %s\n", progs[i], strerror(-err));
			return 1;
		}
		printf("verifier: %-14s verified_insns=%u (budget %u) xlated=%u B jited=%u B\n",
		       progs[i], info.verified_insns, VERIFIER_BUDGET,
		       info.xlated_bytes, info.jited_bytes);
		over |= info.verified_insns > VERIFIER_BUDGET ||
			info.verified_insns == 0;
	}
	run_extents(RESOLVE_KIND_EXT32, per_kind);
	run_extents(RESOLVE_KIND_EXT1K, per_kind);
	run_interleave(per_kind);
	run_ilist(per_kind);
	run_files(per_kind);
	printf("%lu queries, %lu mismatches, %lu test_run errors\n", total,
	       mismatches, infra_errors);
	if (over)
		fprintf(stderr, "FAIL: verifier work above budget\n");
	return mismatches || infra_errors || over ? 1 : 0;
}
