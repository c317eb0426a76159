/* SPDX-License-Identifier: LGPL-2.1-or-later OR GPL-2.0-only */
/*
 * resolve_prog.h - context layouts of the SEC("syscall") programs in
 * resolve_prog.bpf.c (query and bench), shared with the user-space code
 * that runs them through BPF_PROG_TEST_RUN (oracle, tests, bench).
 * Private, never installed.
 */
#ifndef RESOLVE_PROG_H_
#define RESOLVE_PROG_H_

#include "fuse_bpf_layout.h"
#include "fuse_bpf_wrap.h"

/** Which map and resolver a query or bench run uses. */
enum resolve_prog_kind {
	RESOLVE_KIND_EXT32 = 1,		/**< ext32_map[slot], fuse_res_ext32_lookup */
	RESOLVE_KIND_EXT1K = 2,		/**< ext1k_map[slot], fuse_res_ext1k_lookup */
	RESOLVE_KIND_IL = 3,		/**< il_map[slot], fuse_res_interleave_lookup */
	RESOLVE_KIND_ILIST = 4,		/**< ilist_map[slot], fuse_res_ilist_lookup */
	RESOLVE_KIND_FILE = 5,		/**< files[nodeid % nslots], the wrappers' path */
	RESOLVE_KIND_FILE_HASH = 6,	/**< files_hash[nodeid], for comparison */
	RESOLVE_KIND_FILE_MAPONLY = 7,	/**< bench: files[] lookup, no resolve */
	RESOLVE_KIND_HASH_MAPONLY = 8,	/**< bench: files_hash lookup, no resolve */
	RESOLVE_KIND_LOOP_ONLY = 9,	/**< bench: offset generation only */
};

/** Map sizes of resolve_prog.bpf.c. */
#define RESOLVE_EXT32_SLOTS	64u
#define RESOLVE_EXT1K_SLOTS	8u
#define RESOLVE_IL_SLOTS	64u
#define RESOLVE_ILIST_SLOTS	4u
#define RESOLVE_FILE_SLOTS	FUSE_BPF_SLOTS_DEFAULT

/** ctx of the "resolve_query" program. */
struct resolve_query {
	uint32_t kind;		/**< in: enum resolve_prog_kind */
	uint32_t slot;		/**< in: map index (kinds 1-4) */
	uint64_t nodeid;	/**< in: kinds 5-6 */
	uint64_t off;		/**< in: file offset */
	uint32_t opflags;	/**< in: FUSE_IOMAP_OP_* for the iomap decision */
	uint32_t blkbits;	/**< in: log2 block size for the iomap decision */
	uint32_t ndev;		/**< in: famfs device slots */
	int32_t rc;		/**< out: resolver return value (-2 no map entry) */
	struct fuse_res_out out;	/**< out: resolver result */
	int32_t begin_rc;	/**< out (kind 5): FIB_HANDLED / FIB_FALLBACK */
	int32_t famfs_rc;	/**< out (kind 5): 0 or -errno */
	struct fuse_bpf_begin_out begin;	/**< out (kind 5) */
	struct fuse_bpf_io famfs;		/**< out (kind 5): for @p off */
	int32_t setup_rc;	/**< out (kind 5): Gregory's iomap_setup, 0 or -errno */
	uint32_t reserved;
	uint64_t setup_devs;	/**< out (kind 5): parse_ctx.dev_bitmap, the
				     devices setup registers (ndev slots) */
};

/** ctx of the "resolve_bench" program. */
struct resolve_bench {
	uint32_t kind;		/**< in */
	uint32_t slot;		/**< in: first slot (kinds 1-4) */
	uint32_t nslots;	/**< in: slots used, round-robin (>= 1) */
	uint32_t iters;		/**< in: lookups (<= 1 << 23, bpf_loop bound) */
	uint64_t seed;		/**< in: LCG seed for offsets */
	uint64_t size;		/**< in: offsets are drawn in [0, size) */
	uint64_t ns;		/**< out: elapsed, bpf_ktime_get_ns */
	uint64_t sum;		/**< out: checksum of results */
	uint32_t hits;		/**< out: lookups that returned 0 */
	uint32_t misses;	/**< out: missing map entries */
};

/** The offset sequence shared by both bench builds (a 64-bit LCG). */
static inline uint64_t resolve_bench_next(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 17;
}

/*
 * Next offset in [0, size) without a division for sizes up to 4 GiB (a
 * 64-bit divide costs tens of cycles, and the BPF JIT always emits the
 * 64-bit form, which would swamp the lookups being measured).
 */
static inline uint64_t resolve_bench_offset(uint64_t *s, uint64_t size)
{
	uint64_t r = resolve_bench_next(s);

	if (size <= (1ULL << 32))
		return ((r & 0xffffffffULL) * size) >> 32;
	return r % size;
}

#endif /* RESOLVE_PROG_H_ */
