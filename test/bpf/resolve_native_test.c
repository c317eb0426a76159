/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * resolve_native_test.c - native unit test of include/fuse_iomap_resolve.h:
 * hand-computed vectors, error paths, and random layouts checked against the
 * naive reference resolvers of resolve_ref.h.  Runs without BPF.
 *
 * Usage: resolve_native_test [seed]
 */
#include <errno.h>
#include <stdlib.h>
#include <inttypes.h>
#include "resolve_ref.h"

_Static_assert(FUSE_RES_EFAULT == -EFAULT, "EFAULT");
_Static_assert(FUSE_RES_EINVAL == -EINVAL, "EINVAL");
_Static_assert(FUSE_RES_ERANGE == -ERANGE, "ERANGE");
_Static_assert(sizeof(struct fuse_res_ext) == 32, "ext size");
_Static_assert(sizeof(struct fuse_res_strip) == 24, "strip size");
_Static_assert(sizeof(struct fuse_res_out) == 40, "out size");

static unsigned long passed, failed;

#define CHECK(cond, ...)						\
	do {								\
		if (cond) {						\
			passed++;					\
		} else {						\
			failed++;					\
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
		}							\
	} while (0)

static void expect(int rc, const struct fuse_res_out *o, int want_rc,
		   uint64_t off, uint64_t len, uint64_t addr, uint32_t dev,
		   uint16_t type, uint32_t index, int line)
{
	int ok = rc == want_rc;

	if (ok && want_rc == 0)
		ok = o->offset == off && o->length == len && o->addr == addr &&
		     o->dev == dev && o->type == type && o->index == index;
	if (ok) {
		passed++;
		return;
	}
	failed++;
	fprintf(stderr, "FAIL line %d: want rc=%d off=%" PRIu64 " len=%" PRIu64
		" addr=%#" PRIx64 " dev=%u type=%u idx=%u\n", line, want_rc,
		off, len, addr, dev, type, index);
	ref_out_print("got", rc, o);
}

#define EXPECT(rc, o, ...) expect(rc, o, __VA_ARGS__, __LINE__)
#define NUL FUSE_RES_NULL_ADDR
#define NOI FUSE_RES_NO_INDEX

static void test_ult(uint64_t *rs)
{
	static const uint64_t edge[] = { 0, 1, 2, 0x7fffffffffffffffULL,
		0x8000000000000000ULL, 0x8000000000000001ULL,
		0xfffffffffffffffeULL, 0xffffffffffffffffULL };
	unsigned int i, j, bad = 0;

	for (i = 0; i < 8; i++)
		for (j = 0; j < 8; j++)
			bad += fuse_res__ult(edge[i], edge[j]) != (edge[i] < edge[j]);
	for (i = 0; i < 200000; i++) {
		uint64_t a = ref_rand(rs), b = ref_rand(rs);

		if (i & 1)
			b = a + (ref_rand(rs) & 3) - 2;
		bad += fuse_res__ult(a, b) != (a < b);
	}
	CHECK(bad == 0, "fuse_res__ult wrong %u times", bad);
}

static void test_extents_hand(void)
{
	struct fuse_res_ext32 l;
	struct fuse_res_out o;
	int rc;

	memset(&l, 0, sizeof(l));
	l.size = 32768;
	l.count = 3;
	l.ext[0] = (struct fuse_res_ext){ 0, 4096, 1 << 20, 1,
					  FUSE_RES_TYPE_MAPPED, 7 };
	l.ext[1] = (struct fuse_res_ext){ 8192, 8192, 2 << 20, 2,
					  FUSE_RES_TYPE_UNWRITTEN, 0 };
	l.ext[2] = (struct fuse_res_ext){ 16384, 4096, 5 << 20, 3,
					  FUSE_RES_TYPE_DELALLOC, 0 };

	rc = fuse_res_ext32_lookup(&l, 0, &o);
	EXPECT(rc, &o, 0, 0, 4096, 1 << 20, 1, FUSE_RES_TYPE_MAPPED, 0);
	CHECK(o.flags == 7, "flags passed through");
	rc = fuse_res_ext32_lookup(&l, 4095, &o);
	EXPECT(rc, &o, 0, 0, 4096, 1 << 20, 1, FUSE_RES_TYPE_MAPPED, 0);
	CHECK(fuse_res_out_addr_at(&o, 4095) == (1 << 20) + 4095, "addr_at");
	CHECK(fuse_res_out_run(&o, 4095) == 1, "run");
	rc = fuse_res_ext32_lookup(&l, 4096, &o);
	EXPECT(rc, &o, 0, 4096, 4096, NUL, 0, FUSE_RES_TYPE_HOLE, NOI);
	CHECK(fuse_res_out_addr_at(&o, 5000) == NUL, "hole addr_at");
	rc = fuse_res_ext32_lookup(&l, 8192, &o);
	EXPECT(rc, &o, 0, 8192, 8192, 2 << 20, 2, FUSE_RES_TYPE_UNWRITTEN, 1);
	rc = fuse_res_ext32_lookup(&l, 16383, &o);
	EXPECT(rc, &o, 0, 8192, 8192, 2 << 20, 2, FUSE_RES_TYPE_UNWRITTEN, 1);
	rc = fuse_res_ext32_lookup(&l, 16384, &o);
	EXPECT(rc, &o, 0, 16384, 4096, NUL, 0, FUSE_RES_TYPE_DELALLOC, 2);
	rc = fuse_res_ext32_lookup(&l, 20480, &o);
	EXPECT(rc, &o, 0, 20480, 12288, NUL, 0, FUSE_RES_TYPE_HOLE, NOI);
	rc = fuse_res_ext32_lookup(&l, 32767, &o);
	EXPECT(rc, &o, 0, 20480, 12288, NUL, 0, FUSE_RES_TYPE_HOLE, NOI);
	rc = fuse_res_ext32_lookup(&l, 32768, &o);
	EXPECT(rc, &o, FUSE_RES_ERANGE, 0, 0, 0, 0, 0, 0);
	rc = fuse_res_ext32_lookup(&l, ~0ULL, &o);
	EXPECT(rc, &o, FUSE_RES_ERANGE, 0, 0, 0, 0, 0, 0);

	/* Hole before the first extent; extent past EOF bounds the hole. */
	l.ext[0].offset = 12288;
	l.ext[0].length = 4096;
	l.count = 1;
	l.size = 8192;
	rc = fuse_res_ext32_lookup(&l, 100, &o);
	EXPECT(rc, &o, 0, 0, 8192, NUL, 0, FUSE_RES_TYPE_HOLE, NOI);
	l.size = 65536;
	rc = fuse_res_ext32_lookup(&l, 100, &o);
	EXPECT(rc, &o, 0, 0, 12288, NUL, 0, FUSE_RES_TYPE_HOLE, NOI);

	/* Empty list: one hole. */
	l.count = 0;
	rc = fuse_res_ext32_lookup(&l, 65535, &o);
	EXPECT(rc, &o, 0, 0, 65536, NUL, 0, FUSE_RES_TYPE_HOLE, NOI);

	/* Rejected inputs. */
	l.count = FUSE_RES_EXT_MAX_FAMFS + 1;
	rc = fuse_res_ext32_lookup(&l, 0, &o);
	CHECK(rc == FUSE_RES_EINVAL, "count 33 -> %d", rc);
	l.count = 0;
	l.size = FUSE_RES_OFF_MAX + 1;
	rc = fuse_res_ext32_lookup(&l, 0, &o);
	CHECK(rc == FUSE_RES_EINVAL, "size > OFF_MAX -> %d", rc);
	CHECK(fuse_res_ext32_lookup(NULL, 0, &o) == FUSE_RES_EFAULT, "NULL l");
	CHECK(fuse_res_ext32_lookup(&l, 0, NULL) == FUSE_RES_EFAULT, "NULL out");

	/* A MAPPED extent must carry a usable address. */
	memset(&l, 0, sizeof(l));
	l.size = 1 << 20;
	l.ext[0] = (struct fuse_res_ext){ 8192, 4096, 4096, 1, FUSE_RES_TYPE_MAPPED, 0 };

	/* MAPPED with a NULL or overflowing address. */
	l.count = 1;
	l.ext[0].addr = NUL;
	rc = fuse_res_ext32_lookup(&l, 8192, &o);
	CHECK(rc == FUSE_RES_EINVAL, "NULL addr mapped -> %d", rc);
	l.ext[0].addr = NUL - 100;
	rc = fuse_res_ext32_lookup(&l, 8192, &o);
	CHECK(rc == FUSE_RES_EINVAL, "addr overflow -> %d", rc);
}

static void test_extents_check(void)
{
	struct fuse_res_ext e[3];
	uint32_t bad;

	e[0] = (struct fuse_res_ext){ 0, 4096, 0, 1, FUSE_RES_TYPE_MAPPED, 0 };
	e[1] = (struct fuse_res_ext){ 4096, 4096, NUL, 0, FUSE_RES_TYPE_HOLE, 0 };
	e[2] = (struct fuse_res_ext){ 16384, 4096, 4096, 1, FUSE_RES_TYPE_UNWRITTEN, 0 };
	CHECK(fuse_res_extents_check(e, 3, 32, 8192, &bad) == 0 && bad == 3,
	      "valid list (extent past EOF allowed)");
	CHECK(fuse_res_extents_check(e, 3, 2, 8192, &bad) == FUSE_RES_EINVAL &&
	      bad == 3, "count > max");
	e[1].offset = 2048;
	CHECK(fuse_res_extents_check(e, 3, 32, 8192, &bad) == FUSE_RES_EINVAL &&
	      bad == 1, "overlap");
	e[1].offset = 4096;
	e[1].length = 0;
	CHECK(fuse_res_extents_check(e, 3, 32, 8192, &bad) == FUSE_RES_EINVAL &&
	      bad == 1, "zero length");
	e[1].length = 4096;
	e[2].type = 5;
	CHECK(fuse_res_extents_check(e, 3, 32, 8192, &bad) == FUSE_RES_EINVAL &&
	      bad == 2, "unknown type");
	e[2].type = FUSE_RES_TYPE_MAPPED;
	e[2].addr = NUL;
	CHECK(fuse_res_extents_check(e, 3, 32, 8192, &bad) == FUSE_RES_EINVAL &&
	      bad == 2, "mapped NULL addr");
	e[2].addr = 4096;
	e[2].offset = FUSE_RES_OFF_MAX;
	CHECK(fuse_res_extents_check(e, 3, 32, 8192, &bad) == FUSE_RES_EINVAL &&
	      bad == 2, "end past OFF_MAX");
	CHECK(fuse_res_extents_check(e, 0, 32, FUSE_RES_OFF_MAX + 1, &bad) ==
	      FUSE_RES_EINVAL, "size past OFF_MAX");
}

static void test_interleave_hand(void)
{
	struct fuse_res_interleave il;
	struct fuse_res_out o;
	const uint64_t MiB = 1 << 20;
	uint32_t s;
	int rc;

	/* kernel-extensions.md §6.5 worked example: 4 strips, 2 MiB chunks. */
	memset(&il, 0, sizeof(il));
	il.nstrips = 4;
	il.chunk = 2 * MiB;
	il.size = 64 * MiB;
	for (s = 0; s < 4; s++) {
		il.strip[s].base = (s + 1) * 1024 * MiB;
		il.strip[s].length = 16 * MiB;
		il.strip[s].dev = s + 10;
	}
	CHECK(fuse_res_interleave_check(&il) == 0, "valid interleave");
	rc = fuse_res_interleave_lookup(&il, 15 * MiB, &o);
	EXPECT(rc, &o, 0, 14 * MiB, 2 * MiB, 4096 * MiB + 2 * MiB, 13,
	       FUSE_RES_TYPE_MAPPED, 3);
	CHECK(fuse_res_out_addr_at(&o, 15 * MiB) == 4096 * MiB + 3 * MiB,
	      "15 MiB is 3 MiB into strip 3");
	CHECK(fuse_res_out_run(&o, 15 * MiB) == MiB, "1 MiB left in chunk");
	rc = fuse_res_interleave_lookup(&il, 0, &o);
	EXPECT(rc, &o, 0, 0, 2 * MiB, 1024 * MiB, 10, FUSE_RES_TYPE_MAPPED, 0);
	rc = fuse_res_interleave_lookup(&il, 64 * MiB - 1, &o);
	EXPECT(rc, &o, 0, 62 * MiB, 2 * MiB, 4096 * MiB + 14 * MiB, 13,
	       FUSE_RES_TYPE_MAPPED, 3);
	rc = fuse_res_interleave_lookup(&il, 64 * MiB, &o);
	CHECK(rc == FUSE_RES_ERANGE, "off == size -> %d", rc);

	il.chunk = 0;
	CHECK(fuse_res_interleave_lookup(&il, 0, &o) == FUSE_RES_EINVAL, "chunk 0");
	CHECK(fuse_res_interleave_check(&il) == FUSE_RES_EINVAL, "check chunk 0");
	il.chunk = 2 * MiB;
	il.nstrips = 0;
	CHECK(fuse_res_interleave_lookup(&il, 0, &o) == FUSE_RES_EINVAL, "nstrips 0");
	il.nstrips = FUSE_RES_STRIPS_MAX + 1;
	CHECK(fuse_res_interleave_lookup(&il, 0, &o) == FUSE_RES_EINVAL, "nstrips 33");
	CHECK(fuse_res_interleave_check(&il) == FUSE_RES_EINVAL, "check nstrips 33");
	il.nstrips = 4;
	il.size = FUSE_RES_OFF_MAX + 1;
	CHECK(fuse_res_interleave_lookup(&il, 0, &o) == FUSE_RES_EINVAL, "size");
	il.size = 64 * MiB;
	il.strip[2].length = 14 * MiB;	/* row 7 of strip 2 missing */
	CHECK(fuse_res_interleave_check(&il) == FUSE_RES_ERANGE, "short strip");
	rc = fuse_res_interleave_lookup(&il, 60 * MiB, &o);
	CHECK(rc == FUSE_RES_ERANGE, "short strip lookup -> %d", rc);
	rc = fuse_res_interleave_lookup(&il, 52 * MiB, &o);
	CHECK(rc == 0, "short strip, earlier row still fine -> %d", rc);
	il.strip[2].length = 16 * MiB;
	il.strip[1].base = NUL - 8 * MiB;
	rc = fuse_res_interleave_lookup(&il, 2 * MiB, &o);
	CHECK(rc == FUSE_RES_EINVAL, "strip end overflow -> %d", rc);
	CHECK(fuse_res_interleave_lookup(NULL, 0, &o) == FUSE_RES_EFAULT, "NULL");
}

static void test_extents_random(uint64_t *rs)
{
	static struct fuse_res_ext1k big;
	static const uint32_t counts[] = { 0, 1, 2, 3, 5, 16, 31, 32, 33, 100,
					   1000, 1023, 1024 };
	struct fuse_res_out a, b;
	unsigned long n = 0, bad = 0;
	unsigned int ci, rep, q;

	for (ci = 0; ci < sizeof(counts) / sizeof(counts[0]); ci++) {
		for (rep = 0; rep < 40; rep++) {
			uint32_t c = counts[ci];

			memset(&big, 0, sizeof(big));
			big.count = c;
			big.size = ref_gen_extents(rs, big.ext, c, 4096);
			for (q = 0; q < 200; q++) {
				uint64_t off = ref_gen_offset(rs, big.ext, c, big.size);
				int r1, r2, r3 = 0;

				memset(&a, 0xa5, sizeof(a));
				memset(&b, 0x5a, sizeof(b));
				r2 = ref_ext_lookup(big.ext, c, 1024, big.size, off, &b);
				r1 = fuse_res_ext1k_lookup(&big, off, &a);
				n++;
				if (r1 != r2 || (r1 == 0 && !ref_out_equal(&a, &b)))
					goto mismatch;
				r1 = fuse_res_extents_lookup(big.ext, c, big.size, off, &a);
				if (r1 != r2 || (r1 == 0 && !ref_out_equal(&a, &b)))
					goto mismatch;
				if (c <= 32) {
					struct fuse_res_ext32 small;

					memset(&small, 0, sizeof(small));
					small.count = c;
					small.size = big.size;
					memcpy(small.ext, big.ext, c * sizeof(big.ext[0]));
					r1 = fuse_res_ext32_lookup(&small, off, &a);
					if (r1 != r2 || (r1 == 0 && !ref_out_equal(&a, &b)))
						goto mismatch;
				} else {
					struct fuse_res_ext32 small = { .count = c,
									.size = big.size };

					r3 = fuse_res_ext32_lookup(&small, off, &a);
					if (r3 != FUSE_RES_EINVAL)
						goto mismatch;
				}
				continue;
mismatch:
				if (bad++ < 5) {
					fprintf(stderr, "extent mismatch count=%u off=%" PRIu64 " size=%" PRIu64 "\n",
						c, off, big.size);
					ref_out_print("header", r1, &a);
					ref_out_print("reference", r2, &b);
				}
			}
		}
	}
	CHECK(bad == 0, "random extents: %lu of %lu mismatched", bad, n);
	printf("random extents (0..1024): %lu queries, %lu mismatches\n", n, bad);
}

/* 1M extents, native only: against a textbook bsearch. */
static void test_extents_large(uint64_t *rs)
{
	uint32_t c = FUSE_RES_EXT_MAX_LARGE;
	struct fuse_res_ext *ext = calloc(c, sizeof(*ext));
	struct fuse_res_out a;
	unsigned long bad = 0, q;
	uint64_t size;
	int rc;

	if (!ext) {
		CHECK(0, "calloc 32 MiB");
		return;
	}
	size = ref_gen_extents(rs, ext, c, 4096);
	CHECK(fuse_res_extents_check(ext, c, c, size, NULL) == 0, "1M list valid");
	for (q = 0; q < 200000; q++) {
		uint64_t off = ref_gen_offset(rs, ext, c, size);
		uint32_t lo = 0, hi = c;	/* first extent with end > off */

		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (ext[mid].offset + ext[mid].length <= off)
				lo = mid + 1;
			else
				hi = mid;
		}
		rc = fuse_res_extents_lookup(ext, c, size, off, &a);
		if (off >= size) {
			bad += rc != FUSE_RES_ERANGE;
		} else if (lo < c && ext[lo].offset <= off) {
			bad += rc != 0 || a.index != lo || a.offset != ext[lo].offset;
		} else {
			uint64_t hs = lo ? ext[lo - 1].offset + ext[lo - 1].length : 0;
			uint64_t he = lo < c && ext[lo].offset < size ? ext[lo].offset : size;

			bad += rc != 0 || a.type != FUSE_RES_TYPE_HOLE ||
			       a.offset != hs || a.length != he - hs;
		}
	}
	rc = fuse_res_extents_lookup(ext, c + 1, size, 0, &a);
	CHECK(rc == FUSE_RES_EINVAL, "1M+1 extents -> %d", rc);
	CHECK(bad == 0, "1M extents: %lu of 200000 mismatched", bad);
	printf("1M extents (native large variant): 200000 queries, %lu mismatches\n", bad);
	free(ext);
}

static void test_interleave_random(uint64_t *rs)
{
	static struct fuse_res_ilist l;
	struct fuse_res_out a = { 0 }, b = { 0 };
	unsigned long n = 0, bad = 0;
	unsigned int rep, q;

	for (rep = 0; rep < 600; rep++) {
		uint32_t ns = 1 + (uint32_t)ref_below(rs, FUSE_RES_STRIPS_MAX);
		struct fuse_res_interleave *il = &l.il[0];

		if (rep % 10 == 0)
			ns = FUSE_RES_STRIPS_MAX;
		ref_gen_interleave(rs, il, ns, 200);
		if (rep % 7 == 0)	/* make a strip short */
			il->strip[ref_below(rs, ns)].length -= il->chunk;
		for (q = 0; q < 100; q++) {
			uint64_t off = ref_below(rs, il->size + il->chunk);
			int r1, r2;

			if (q % 10 == 0)
				off = il->size - 1;
			r1 = fuse_res_interleave_lookup(il, off, &a);
			r2 = ref_interleave_lookup(il, off, &b);
			n++;
			if (r1 != r2 || (r1 == 0 && !ref_out_equal(&a, &b))) {
				if (bad++ < 5) {
					fprintf(stderr, "interleave mismatch ns=%u off=%" PRIu64 "\n", ns, off);
					ref_out_print("header", r1, &a);
					ref_out_print("reference", r2, &b);
				}
			}
		}
	}
	CHECK(bad == 0, "random interleaves: %lu of %lu mismatched", bad, n);
	printf("random interleaves (1..32 strips): %lu queries, %lu mismatches\n", n, bad);

	n = bad = 0;
	for (rep = 0; rep < 100; rep++) {
		uint32_t i;

		memset(&l, 0, sizeof(l));
		l.count = 1 + (uint32_t)ref_below(rs, FUSE_RES_ILIST_MAX);
		if (rep % 5 == 0)
			l.count = FUSE_RES_ILIST_MAX;
		for (i = 0; i < l.count; i++) {
			ref_gen_interleave(rs, &l.il[i],
					   1 + (uint32_t)ref_below(rs, FUSE_RES_STRIPS_MAX), 20);
			l.size += l.il[i].size;
		}
		if (rep % 3 == 0)
			l.size += 1 + ref_below(rs, 100);	/* uncovered tail */
		for (q = 0; q < 300; q++) {
			uint64_t off = ref_below(rs, l.size + 1000);
			int r1, r2;

			r1 = fuse_res_ilist_lookup(&l, off, &a);
			r2 = ref_ilist_lookup(&l, off, &b);
			n++;
			if (r1 != r2 || (r1 == 0 && !ref_out_equal(&a, &b))) {
				if (bad++ < 5) {
					fprintf(stderr, "ilist mismatch off=%" PRIu64 "\n", off);
					ref_out_print("header", r1, &a);
					ref_out_print("reference", r2, &b);
				}
			}
		}
	}
	l.count = 0;
	CHECK(fuse_res_ilist_lookup(&l, 0, &a) == FUSE_RES_EINVAL, "ilist count 0");
	l.count = FUSE_RES_ILIST_MAX + 1;
	CHECK(fuse_res_ilist_lookup(&l, 0, &a) == FUSE_RES_EINVAL, "ilist count 33");
	CHECK(bad == 0, "random ilists: %lu of %lu mismatched", bad, n);
	printf("random interleave lists (1..32 x 1..32): %lu queries, %lu mismatches\n", n, bad);
}

int main(int argc, char **argv)
{
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 0x5eed1234abcdULL;
	uint64_t rs = seed ? seed : 1;

	printf("seed %#" PRIx64 "\n", seed);
	test_ult(&rs);
	test_extents_hand();
	test_extents_check();
	test_interleave_hand();
	test_extents_random(&rs);
	test_extents_large(&rs);
	test_interleave_random(&rs);
	printf("%lu passed, %lu failed\n", passed, failed);
	return failed ? 1 : 0;
}
