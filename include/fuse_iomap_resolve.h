/* SPDX-License-Identifier: LGPL-2.1-or-later OR GPL-2.0-only */
/*
 * fuse_iomap_resolve.h - the layout resolver shared by the library's classic
 * engine, the kernel model (test/kmodel) and the BPF mapping programs.
 */
#ifndef FUSE_IOMAP_RESOLVE_H_
#define FUSE_IOMAP_RESOLVE_H_

/** @file
 *
 * Offset -> device address resolution for the two layout kinds of the
 * mapped file I/O extension:
 *
 *  - an **extent list**: extents sorted by file offset, each {file offset,
 *    length, device id, device address, type}.  Gaps between extents are
 *    holes.  A lookup is a branch-free binary search with a fixed number of
 *    rounds: O(log n) natively and cheap for the BPF verifier (one path per
 *    round, see "Verifier budget" below);
 *  - an **interleave**: nstrips strips of chunk-sized pieces, famfs's
 *    striping rule (kernel-extensions.md §6.5).  A lookup is O(1)
 *    arithmetic;
 *  - an **interleave list**: up to #FUSE_RES_ILIST_MAX interleaves one after
 *    another in the file (famfs "interleaved extents", §6.5).
 *
 * The same source is compiled as native C (library, kernel model, tests) and
 * as BPF C (clang -target bpf, lib/bpf/).  It therefore uses:
 *  - fixed-width integer types only, no libc, no BPF helpers, no allocation;
 *  - loops bounded by compile-time constants;
 *  - explicit checks of every divisor, count and index before use (BPF
 *    division by zero does not trap: x / 0 == 0 and x % 0 == x, so both
 *    builds only agree if the code never divides by zero).
 *
 * Trust model: every lookup validates the counts, the divisors and the
 * offset it is given, and never reads outside the layout structure whatever
 * the contents are.  Whether the *result* is meaningful for a malformed
 * extent list (unsorted, overlapping) is only guaranteed after
 * fuse_res_extents_check() accepted it: for a list that fails the check a
 * lookup returns some in-bounds extent or hole, or #FUSE_RES_EINVAL.
 *
 * Verifier budget: the extent search computes "ext.offset <= off" with
 * integer arithmetic (no branch), so every round of the search is a single
 * verifier path and the verifier's work grows with log2(max), not with the
 * number of outcomes.  In BPF builds the lookups are inlined by default;
 * see FUSE_RES_FN for the global-function alternative.
 *
 * Return values: 0, or a negative Linux errno value: #FUSE_RES_EFAULT (NULL
 * argument), #FUSE_RES_EINVAL (malformed layout: count above the bound, zero
 * chunk, zero or too many strips, unsorted extents, address overflow),
 * #FUSE_RES_ERANGE (offset at or beyond the layout's size, or a strip too
 * short for the chunk the offset falls in).
 */

#if defined(__bpf__)
/* No libc headers in BPF builds: the compiler's own type macros. */
typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __INT32_TYPE__ int32_t;
typedef __INT64_TYPE__ int64_t;
#else
#include <stdint.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Limits                                                              */
/* ------------------------------------------------------------------ */

/**
 * Extents per file in the famfs dialects: `FUSE_FAMFS_MAX_EXTENTS` = 32,
 * enforced by the V8-V10 fmap parser (kernel-extensions.md §6.6).
 */
#define FUSE_RES_EXT_MAX_FAMFS_LOG2	5
#define FUSE_RES_EXT_MAX_FAMFS		(1u << FUSE_RES_EXT_MAX_FAMFS_LOG2)

/**
 * Extents per file of the large BPF layout (`struct fuse_res_ext1k`).  Not a
 * kernel number: the biggest table we keep in one BPF array-map value
 * (32 KiB) for fuse-iomap files whose server pushes a whole extent list.
 */
#define FUSE_RES_EXT_MAX_BPF_LOG2	10
#define FUSE_RES_EXT_MAX_BPF		(1u << FUSE_RES_EXT_MAX_BPF_LOG2)

/**
 * Extents per file of the native-only lookup fuse_res_extents_lookup()
 * (1M extents, e.g. a fragmented ext4 file served by the classic engine).
 * Same code as the BPF variants, with a larger bound.
 */
#define FUSE_RES_EXT_MAX_LARGE_LOG2	20
#define FUSE_RES_EXT_MAX_LARGE		(1u << FUSE_RES_EXT_MAX_LARGE_LOG2)

/**
 * Strips per interleave: `FUSE_FAMFS_MAX_STRIPS` = 32 in the V10 fmap
 * parser (kernel-extensions.md §6.6).  The famfs BPF programs of §7.2 allow
 * only 16 (`FAMFS_BPF_MAX_STRIPS`), a subset of this.
 */
#define FUSE_RES_STRIPS_MAX		32u

/** famfs BPF strip bound, `FAMFS_BPF_MAX_STRIPS` (kernel-extensions.md §7.2). */
#define FUSE_RES_STRIPS_MAX_FAMFS_BPF	16u

/**
 * Interleaves per interleave list: famfs counts interleaved extents against
 * the same `FUSE_FAMFS_MAX_EXTENTS` = 32 (kernel-extensions.md §6.6).
 */
#define FUSE_RES_ILIST_MAX		32u

/**
 * Largest file offset + 1: offsets are `loff_t` in the kernel, so a layout
 * size above INT64_MAX is rejected.
 */
#define FUSE_RES_OFF_MAX		0x7fffffffffffffffULL

/* ------------------------------------------------------------------ */
/* Constants shared with the iomap protocol                            */
/* ------------------------------------------------------------------ */

/** Mapping types: the `FUSE_IOMAP_TYPE_*` values (kernel-extensions.md §3.1). */
enum fuse_res_type {
	FUSE_RES_TYPE_HOLE = 0,		/**< no blocks, reads as zeros */
	FUSE_RES_TYPE_DELALLOC = 1,	/**< reserved, not yet allocated */
	FUSE_RES_TYPE_MAPPED = 2,	/**< written blocks at addr on dev */
	FUSE_RES_TYPE_UNWRITTEN = 3,	/**< allocated, reads as zeros */
	FUSE_RES_TYPE_INLINE = 4,	/**< data lives in the metadata */
};

/** `FUSE_IOMAP_NULL_ADDR` (kernel-extensions.md §3.1): no device address. */
#define FUSE_RES_NULL_ADDR	0xffffffffffffffffULL
/** `FUSE_IOMAP_DEV_NULL` (kernel-extensions.md §3.1): no device. */
#define FUSE_RES_DEV_NULL	0u
/** fuse_res_out::index of a hole that is not a stored extent. */
#define FUSE_RES_NO_INDEX	0xffffffffu

/*
 * Linux errno values (include/uapi/asm-generic/errno-base.h: EFAULT 14,
 * EINVAL 22, ERANGE 34).  Spelled out because BPF builds have no errno.h.
 */
#define FUSE_RES_EFAULT		(-14)	/**< -EFAULT */
#define FUSE_RES_EINVAL		(-22)	/**< -EINVAL */
#define FUSE_RES_ERANGE		(-34)	/**< -ERANGE */

/* ------------------------------------------------------------------ */
/* Layouts                                                             */
/* ------------------------------------------------------------------ */

/** One extent of an extent list (32 bytes). */
struct fuse_res_ext {
	uint64_t offset;	/**< file offset of the first byte */
	uint64_t length;	/**< bytes, > 0 */
	uint64_t addr;		/**< device address of @c offset (MAPPED,
				     UNWRITTEN); ignored for other types */
	uint32_t dev;		/**< device id (backing id / table slot) */
	uint16_t type;		/**< enum fuse_res_type */
	uint16_t flags;		/**< passed through to the result */
};

/** One strip of an interleave (24 bytes). */
struct fuse_res_strip {
	uint64_t base;		/**< device address of the strip's first chunk */
	uint64_t length;	/**< bytes available on the device for the strip */
	uint32_t dev;		/**< device id */
	uint32_t reserved;	/**< 0 */
};

/**
 * An interleave (striped layout, famfs rule of kernel-extensions.md §6.5).
 * File offset o lies in chunk c = o / chunk, on strip c % nstrips, in row
 * c / nstrips; its device address is
 * strip.base + (c / nstrips) * chunk + o % chunk.
 */
struct fuse_res_interleave {
	uint64_t size;		/**< file bytes covered, <= #FUSE_RES_OFF_MAX */
	uint64_t chunk;		/**< bytes per chunk, > 0 */
	uint32_t nstrips;	/**< 1 .. #FUSE_RES_STRIPS_MAX */
	uint32_t reserved;	/**< 0 */
	struct fuse_res_strip strip[FUSE_RES_STRIPS_MAX];
};

/**
 * A sequence of interleaves: il[0] covers file bytes [0, il[0].size),
 * il[1] the next il[1].size bytes, and so on.
 */
struct fuse_res_ilist {
	uint64_t size;		/**< file size; offsets >= size are ERANGE */
	uint32_t count;		/**< 1 .. #FUSE_RES_ILIST_MAX */
	uint32_t reserved;	/**< 0 */
	struct fuse_res_interleave il[FUSE_RES_ILIST_MAX];
};

/**
 * Result of a lookup: the *segment* (extent, hole between extents, or
 * interleave chunk) that contains the queried offset, in the shape of a
 * `fuse_iomap_io` record: offset <= query < offset + length.
 *
 * Holes, delalloc and inline segments have addr = #FUSE_RES_NULL_ADDR and
 * dev = #FUSE_RES_DEV_NULL, as the iomap validation requires (§2.4 rule 7).
 * An interleave chunk is reported whole even when it extends past the
 * interleave's size.
 */
struct fuse_res_out {
	uint64_t offset;	/**< file offset where the segment starts */
	uint64_t length;	/**< segment length in bytes */
	uint64_t addr;		/**< device address of @c offset */
	uint32_t dev;		/**< device id */
	uint16_t type;		/**< enum fuse_res_type */
	uint16_t flags;		/**< the extent's flags (0 for holes/strips) */
	uint32_t index;		/**< extent index, strip index, or
				     #FUSE_RES_NO_INDEX for an implicit hole */
	uint32_t ilist_index;	/**< interleave index (ilist lookups), else 0 */
};

/** Bytes from @p off to the end of the segment in @p r. */
static inline uint64_t fuse_res_out_run(const struct fuse_res_out *r, uint64_t off)
{
	return r->offset + r->length - off;
}

/** Device address of file offset @p off, or #FUSE_RES_NULL_ADDR. */
static inline uint64_t fuse_res_out_addr_at(const struct fuse_res_out *r, uint64_t off)
{
	if (r->addr == FUSE_RES_NULL_ADDR)
		return FUSE_RES_NULL_ADDR;
	return r->addr + (off - r->offset);
}

/* ------------------------------------------------------------------ */
/* Build glue                                                          */
/* ------------------------------------------------------------------ */

/*
 * FUSE_RES_FN: how the public lookup functions are defined.  Natively they
 * are static inline.  In BPF they are inlined too (always_inline): the
 * branch-free search keeps the verifier's work small even when every
 * lookup is inlined at several call sites (resolve_prog.bpf.c: about 21k
 * and 40k processed instructions of the 1M limit), and a call to a global
 * BPF function cost about 9 ns per lookup on the test machine
 * (bench/bpf).  Define FUSE_RES_BPF_GLOBAL before including this header to
 * get global noinline functions instead, each verified once with its
 * pointer arguments as sized, possibly-NULL memory (bpf-notes.md §4).
 */
#if defined(__bpf__) && defined(FUSE_RES_BPF_GLOBAL)
#define FUSE_RES_FN		__attribute__((noinline))
#define FUSE_RES_INLINE		static inline __attribute__((always_inline))
#elif defined(__bpf__)
#define FUSE_RES_FN		static inline __attribute__((always_inline))
#define FUSE_RES_INLINE		static inline __attribute__((always_inline))
#else
#define FUSE_RES_FN		static inline
#define FUSE_RES_INLINE		static inline
#endif

/*
 * Hide a value from the optimizer so that the bounds check that follows is
 * done on the register the array access uses (clang otherwise may test a
 * copy and the verifier loses the bound: bpf-notes.md §4, "clang can lose a
 * bounds check").
 */
#define FUSE_RES_BARRIER(v)	__asm__ __volatile__("" : "+r"(v))

/**
 * a < b for any two 64-bit unsigned values, without a branch: the borrow
 * out of a - b (Hacker's Delight, 2-12).  Returns 0 or 1.
 */
FUSE_RES_INLINE uint64_t fuse_res__ult(uint64_t a, uint64_t b)
{
	return ((~a & b) | (~(a ^ b) & (a - b))) >> 63;
}

/** Fill @p out with a hole [start, end). */
FUSE_RES_INLINE void fuse_res__hole(struct fuse_res_out *out, uint64_t start,
				    uint64_t end)
{
	out->offset = start;
	out->length = end - start;
	out->addr = FUSE_RES_NULL_ADDR;
	out->dev = FUSE_RES_DEV_NULL;
	out->type = FUSE_RES_TYPE_HOLE;
	out->flags = 0;
	out->index = FUSE_RES_NO_INDEX;
	out->ilist_index = 0;
}

/*
 * The extent-list lookup proper, inlined into each bounded variant.  @max is
 * a compile-time power of two (1 << @rounds) at every call site, so in BPF
 * the checks "idx >= max" bound every access to @ext.
 */
FUSE_RES_INLINE int fuse_res__ext_lookup(const struct fuse_res_ext *ext,
					 uint32_t count, uint32_t max,
					 uint32_t rounds, uint64_t size,
					 uint64_t off, struct fuse_res_out *out)
{
	const struct fuse_res_ext *e;
	uint64_t base = 0, len = count, end, next;
	uint32_t r;

	if (count > max || size > FUSE_RES_OFF_MAX)
		return FUSE_RES_EINVAL;
	if (off >= size)
		return FUSE_RES_ERANGE;
	if (count == 0) {
		fuse_res__hole(out, 0, size);
		return 0;
	}

	/*
	 * Find the last extent whose offset is <= off (or extent 0 if none
	 * is).  Invariant: the answer lies in [base, base + len).  Each round
	 * halves len; 'rounds' = log2(max) rounds always suffice.
	 */
	for (r = 0; r < rounds; r++) {
		uint64_t half, idx, le;

		if (len <= 1)
			break;
		half = len >> 1;
		idx = base + half;
		FUSE_RES_BARRIER(idx);
		if (idx >= max)
			return FUSE_RES_EINVAL;
		le = fuse_res__ult(off, ext[idx].offset) ^ 1;	/* offset <= off */
		base += half & (0 - le);
		len -= half;
	}
	FUSE_RES_BARRIER(base);
	if (base >= max || base >= count)
		return FUSE_RES_EINVAL;
	e = &ext[base];

	if (off < e->offset) {
		/* Before the first extent; anything else means unsorted. */
		if (base != 0)
			return FUSE_RES_EINVAL;
		fuse_res__hole(out, 0, e->offset < size ? e->offset : size);
		return 0;
	}
	if (off - e->offset < e->length) {
		out->offset = e->offset;
		out->length = e->length;
		out->type = e->type;
		out->flags = e->flags;
		out->index = (uint32_t)base;
		out->ilist_index = 0;
		if (e->type == FUSE_RES_TYPE_MAPPED ||
		    e->type == FUSE_RES_TYPE_UNWRITTEN) {
			if (e->addr == FUSE_RES_NULL_ADDR ||
			    e->addr > FUSE_RES_NULL_ADDR - e->length)
				return FUSE_RES_EINVAL;
			out->addr = e->addr;
			out->dev = e->dev;
		} else {
			out->addr = FUSE_RES_NULL_ADDR;
			out->dev = FUSE_RES_DEV_NULL;
		}
		return 0;
	}

	/* In the hole after extent 'base' (no overflow: end <= off). */
	end = e->offset + e->length;
	next = size;
	base++;
	FUSE_RES_BARRIER(base);
	if (base < count && base < max) {
		if (ext[base].offset <= off)
			return FUSE_RES_EINVAL;		/* unsorted */
		if (ext[base].offset < next)
			next = ext[base].offset;
	}
	fuse_res__hole(out, end, next);
	return 0;
}

/**
 * Define a bounded extent-list layout type and its lookup function.
 *
 * Expands to `struct NAME { size, count, ext[1 << LOG2] }` and
 * `int NAME##_lookup(const struct NAME *l, uint64_t off, struct fuse_res_out *out)`.
 * The lookup finds the segment (extent or hole) containing @p off in
 * O(LOG2) steps.  Returns 0, #FUSE_RES_EFAULT, #FUSE_RES_EINVAL (count above
 * the bound, unsorted list, address overflow) or #FUSE_RES_ERANGE
 * (off >= size).
 */
#define FUSE_RES_EXTENTS_DEFINE(NAME, LOG2)					\
struct NAME {									\
	uint64_t size;		/* file size; off >= size is ERANGE */		\
	uint32_t count;		/* extents in use, <= 1 << LOG2 */		\
	uint32_t reserved;							\
	struct fuse_res_ext ext[1u << (LOG2)];					\
};										\
FUSE_RES_FN int NAME##_lookup(const struct NAME *l, uint64_t off,		\
			      struct fuse_res_out *out)				\
{										\
	if (!l || !out)								\
		return FUSE_RES_EFAULT;						\
	return fuse_res__ext_lookup(l->ext, l->count, 1u << (LOG2), (LOG2),	\
				    l->size, off, out);				\
}

/**
 * @struct fuse_res_ext32
 * famfs-sized extent list: at most #FUSE_RES_EXT_MAX_FAMFS extents.
 * Lookup: fuse_res_ext32_lookup().
 */
FUSE_RES_EXTENTS_DEFINE(fuse_res_ext32, FUSE_RES_EXT_MAX_FAMFS_LOG2)

/**
 * @struct fuse_res_ext1k
 * Large BPF extent list: at most #FUSE_RES_EXT_MAX_BPF extents.
 * Lookup: fuse_res_ext1k_lookup().
 */
FUSE_RES_EXTENTS_DEFINE(fuse_res_ext1k, FUSE_RES_EXT_MAX_BPF_LOG2)

/**
 * Look up @p off in an interleave.  O(1).
 *
 * Rejects before any division: nstrips == 0 or > #FUSE_RES_STRIPS_MAX,
 * chunk == 0, size > #FUSE_RES_OFF_MAX, a strip whose base + length
 * overflows (#FUSE_RES_EINVAL); off >= size, or a strip too short to hold
 * the chunk @p off falls in (#FUSE_RES_ERANGE).  The result is the whole
 * chunk: offset = chunk start, length = chunk, index = strip number.
 */
FUSE_RES_FN int fuse_res_interleave_lookup(const struct fuse_res_interleave *il,
					   uint64_t off, struct fuse_res_out *out)
{
	uint64_t chunk, n, cn, row_off, s;
	const struct fuse_res_strip *st;

	if (!il || !out)
		return FUSE_RES_EFAULT;
	chunk = il->chunk;
	n = il->nstrips;
	if (n == 0 || n > FUSE_RES_STRIPS_MAX || chunk == 0 ||
	    il->size > FUSE_RES_OFF_MAX)
		return FUSE_RES_EINVAL;
	if (off >= il->size)
		return FUSE_RES_ERANGE;

	if (((off | chunk) >> 32) == 0) {
		/*
		 * 32-bit divisions when they suffice (files below 4 GiB):
		 * a 64-bit divide costs several times more, and the BPF JIT
		 * emits the 64-bit form for 64-bit operands.
		 */
		uint32_t cn32 = (uint32_t)off / (uint32_t)chunk;

		cn = cn32;
		s = cn32 % (uint32_t)n;
		row_off = (uint64_t)(cn32 / (uint32_t)n) * chunk;
	} else {
		cn = off / chunk;		/* chunk number in the file */
		s = cn % n;			/* strip */
		row_off = (cn / n) * chunk;	/* offset inside the strip */
	}
	FUSE_RES_BARRIER(s);
	if (s >= FUSE_RES_STRIPS_MAX)
		return FUSE_RES_EINVAL;
	st = &il->strip[s];
	if (st->base > FUSE_RES_NULL_ADDR - 1 - st->length)
		return FUSE_RES_EINVAL;
	if (chunk > st->length || row_off > st->length - chunk)
		return FUSE_RES_ERANGE;

	out->offset = cn * chunk;
	out->length = chunk;
	out->addr = st->base + row_off;
	out->dev = st->dev;
	out->type = FUSE_RES_TYPE_MAPPED;
	out->flags = 0;
	out->index = (uint32_t)s;
	out->ilist_index = 0;
	return 0;
}

/**
 * Look up @p off in an interleave list: find the interleave covering it (a
 * walk over at most #FUSE_RES_ILIST_MAX entries), then resolve inside it
 * with fuse_res_interleave_lookup() and shift the result to file offsets.
 * Errors as fuse_res_interleave_lookup(); count == 0 or > max is
 * #FUSE_RES_EINVAL; an offset below size but past the last interleave is
 * #FUSE_RES_ERANGE.
 */
FUSE_RES_FN int fuse_res_ilist_lookup(const struct fuse_res_ilist *l,
				      uint64_t off, struct fuse_res_out *out)
{
	uint64_t start = 0, local = off;
	uint32_t i, found = FUSE_RES_ILIST_MAX;
	int err;

	if (!l || !out)
		return FUSE_RES_EFAULT;
	if (l->count == 0 || l->count > FUSE_RES_ILIST_MAX ||
	    l->size > FUSE_RES_OFF_MAX)
		return FUSE_RES_EINVAL;
	if (off >= l->size)
		return FUSE_RES_ERANGE;
	for (i = 0; i < FUSE_RES_ILIST_MAX; i++) {
		uint64_t sz;

		if (i >= l->count)
			break;
		sz = l->il[i].size;
		if (local < sz) {
			found = i;
			break;
		}
		local -= sz;
		start += sz;
	}
	FUSE_RES_BARRIER(found);
	if (found >= FUSE_RES_ILIST_MAX)
		return FUSE_RES_ERANGE;
	err = fuse_res_interleave_lookup(&l->il[found], local, out);
	if (err)
		return err;
	out->offset += start;
	out->ilist_index = found;
	return 0;
}

#if !defined(__bpf__)
/* ------------------------------------------------------------------ */
/* Native-only: unbounded-array variants and layout checks             */
/* ------------------------------------------------------------------ */

/**
 * Native extent-list lookup over a caller-owned array of up to
 * #FUSE_RES_EXT_MAX_LARGE extents.  Same algorithm and results as
 * fuse_res_ext32_lookup() (the same inline body, with a larger bound).
 */
static inline int fuse_res_extents_lookup(const struct fuse_res_ext *ext,
					  uint32_t count, uint64_t size,
					  uint64_t off, struct fuse_res_out *out)
{
	if ((!ext && count) || !out)
		return FUSE_RES_EFAULT;
	return fuse_res__ext_lookup(ext, count, FUSE_RES_EXT_MAX_LARGE,
				    FUSE_RES_EXT_MAX_LARGE_LOG2, size, off, out);
}

/**
 * Check an extent list before it is used: count <= @p max, size <=
 * #FUSE_RES_OFF_MAX, every length > 0, offset + length without overflow
 * and <= #FUSE_RES_OFF_MAX + 1, extents sorted and not overlapping, type a
 * known value, MAPPED/UNWRITTEN with a device address whose end does not
 * overflow.  Extents may end past @p size (preallocation).
 *
 * @return 0, or #FUSE_RES_EINVAL; *@p bad (if not NULL) gets the index of
 * the first bad extent (count for a bad count or size).
 */
static inline int fuse_res_extents_check(const struct fuse_res_ext *ext,
					 uint32_t count, uint32_t max,
					 uint64_t size, uint32_t *bad)
{
	uint64_t prev_end = 0;
	uint32_t i;

	if (bad)
		*bad = count;
	if (count > max || size > FUSE_RES_OFF_MAX || (!ext && count))
		return FUSE_RES_EINVAL;
	for (i = 0; i < count; i++) {
		const struct fuse_res_ext *e = &ext[i];

		if (bad)
			*bad = i;
		if (e->length == 0 || e->offset < prev_end ||
		    e->offset > FUSE_RES_OFF_MAX ||
		    e->length > FUSE_RES_OFF_MAX + 1 - e->offset)
			return FUSE_RES_EINVAL;
		switch (e->type) {
		case FUSE_RES_TYPE_MAPPED:
		case FUSE_RES_TYPE_UNWRITTEN:
			if (e->addr == FUSE_RES_NULL_ADDR ||
			    e->addr > FUSE_RES_NULL_ADDR - e->length)
				return FUSE_RES_EINVAL;
			break;
		case FUSE_RES_TYPE_HOLE:
		case FUSE_RES_TYPE_DELALLOC:
		case FUSE_RES_TYPE_INLINE:
			break;
		default:
			return FUSE_RES_EINVAL;
		}
		prev_end = e->offset + e->length;
	}
	if (bad)
		*bad = count;
	return 0;
}

/**
 * Check an interleave: 1 <= nstrips <= #FUSE_RES_STRIPS_MAX, chunk > 0,
 * 0 < size <= #FUSE_RES_OFF_MAX, and every strip holds all the chunks that
 * map onto it (its base + length not overflowing).
 *
 * @return 0, #FUSE_RES_EINVAL, or #FUSE_RES_ERANGE (a strip is too short).
 */
static inline int fuse_res_interleave_check(const struct fuse_res_interleave *il)
{
	uint64_t nchunks, rows, need;
	uint32_t s;

	if (!il)
		return FUSE_RES_EFAULT;
	if (il->nstrips == 0 || il->nstrips > FUSE_RES_STRIPS_MAX ||
	    il->chunk == 0 || il->size == 0 || il->size > FUSE_RES_OFF_MAX)
		return FUSE_RES_EINVAL;
	nchunks = il->size / il->chunk + (il->size % il->chunk != 0);
	for (s = 0; s < il->nstrips; s++) {
		const struct fuse_res_strip *st = &il->strip[s];

		if (st->base > FUSE_RES_NULL_ADDR - 1 - st->length)
			return FUSE_RES_EINVAL;
		if (s >= nchunks)
			continue;	/* no chunk lands on this strip */
		rows = (nchunks - s + il->nstrips - 1) / il->nstrips;
		if (rows > st->length / il->chunk)
			return FUSE_RES_ERANGE;
		need = rows * il->chunk;
		if (need > st->length)
			return FUSE_RES_ERANGE;
	}
	return 0;
}
#endif /* !__bpf__ */

#ifdef __cplusplus
}
#endif

#endif /* FUSE_IOMAP_RESOLVE_H_ */
