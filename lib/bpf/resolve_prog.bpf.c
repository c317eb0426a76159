// SPDX-License-Identifier: GPL-2.0-only
/*
 * resolve_prog.bpf.c - the layout resolver as SEC("syscall") programs, run
 * through BPF_PROG_TEST_RUN on any kernel with BPF: "resolve_query" answers
 * one query (the mapping oracle and the BPF-vs-native tests), and
 * "resolve_bench" times a loop of lookups inside the kernel.
 *
 * The per-file tables live in ARRAY maps indexed by a dense slot; one HASH
 * map keyed by nodeid exists only to measure what a hash costs.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "resolve_prog.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RESOLVE_EXT32_SLOTS);
	__type(key, __u32);
	__type(value, struct fuse_res_ext32);
} ext32_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RESOLVE_EXT1K_SLOTS);
	__type(key, __u32);
	__type(value, struct fuse_res_ext1k);
} ext1k_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RESOLVE_IL_SLOTS);
	__type(key, __u32);
	__type(value, struct fuse_res_interleave);
} il_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RESOLVE_ILIST_SLOTS);
	__type(key, __u32);
	__type(value, struct fuse_res_ilist);
} ilist_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RESOLVE_FILE_SLOTS);
	__type(key, __u32);
	__type(value, struct fuse_bpf_file);
} files SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RESOLVE_FILE_SLOTS);
	__type(key, __u64);
	__type(value, struct fuse_bpf_file);
} files_hash SEC(".maps");

#define NO_ENTRY	(-2)	/* -ENOENT: nothing in the map for this key */

/* One lookup of any kind; the result goes to *out. */
static __attribute__((always_inline)) int
resolve_one(__u32 kind, __u32 slot, __u64 nodeid, __u64 off,
	    struct fuse_res_out *out, const struct fuse_bpf_file **filep)
{
	const struct fuse_bpf_file *f;
	void *v;

	*filep = 0;
	switch (kind) {
	case RESOLVE_KIND_EXT32:
		v = bpf_map_lookup_elem(&ext32_map, &slot);
		return v ? fuse_res_ext32_lookup(v, off, out) : NO_ENTRY;
	case RESOLVE_KIND_EXT1K:
		v = bpf_map_lookup_elem(&ext1k_map, &slot);
		return v ? fuse_res_ext1k_lookup(v, off, out) : NO_ENTRY;
	case RESOLVE_KIND_IL:
		v = bpf_map_lookup_elem(&il_map, &slot);
		return v ? fuse_res_interleave_lookup(v, off, out) : NO_ENTRY;
	case RESOLVE_KIND_ILIST:
		v = bpf_map_lookup_elem(&ilist_map, &slot);
		return v ? fuse_res_ilist_lookup(v, off, out) : NO_ENTRY;
	case RESOLVE_KIND_FILE:
		slot = fuse_bpf_slot(nodeid, RESOLVE_FILE_SLOTS);
		f = bpf_map_lookup_elem(&files, &slot);
		break;
	case RESOLVE_KIND_FILE_HASH:
		f = bpf_map_lookup_elem(&files_hash, &nodeid);
		break;
	default:
		return FUSE_RES_EINVAL;
	}
	if (!f || nodeid == 0 || f->nodeid != nodeid)
		return NO_ENTRY;
	*filep = f;
	return fuse_bpf_file_lookup(f, off, out);
}

SEC("syscall")
int resolve_query(struct resolve_query *q)
{
	const struct fuse_bpf_file *f;
	struct fuse_bpf_begin_out b = {};
	struct fuse_bpf_io io = {};
	struct fuse_res_out r = {};
	__u64 off = q->off;
	uint64_t devs = 0;
	int rc;

	rc = resolve_one(q->kind, q->slot, q->nodeid, off, &r, &f);
	q->rc = rc;
	q->out = r;
	if (q->kind == RESOLVE_KIND_FILE && f) {
		q->begin_rc = fuse_bpf_begin_decide(rc, &r, off, q->opflags,
						    q->blkbits, &b);
		q->begin = b;
		/* the famfs answer starts at the requested offset (§7.2) */
		q->famfs_rc = fuse_bpf_famfs_decide(rc, &r, off, q->ndev, &io);
		q->famfs = io;
		q->setup_rc = fuse_bpf_dax_setup_devs(f, q->ndev, &devs);
		q->setup_devs = devs;
	}
	return 0;
}

struct bench_state {
	__u32 kind, slot, nslots, hits, misses, k;
	uint64_t seed, size, sum;
};

static long bench_step(__u32 i, void *data)
{
	struct bench_state *st = data;
	const struct fuse_bpf_file *f;
	struct fuse_res_out r = {};
	__u32 k = st->k;
	__u64 off = resolve_bench_offset(&st->seed, st->size);
	__u64 nodeid = k + 1;
	void *v;
	int rc;

	/* k = i % nslots, without a division */
	st->k = k + 1 == st->nslots ? 0 : k + 1;

	if (st->kind == RESOLVE_KIND_LOOP_ONLY) {
		st->sum += off ^ k;
		return 0;
	}
	if (st->kind == RESOLVE_KIND_FILE_MAPONLY) {
		v = bpf_map_lookup_elem(&files, &k);
		if (v)
			st->sum += *(__u64 *)v;
		else
			st->misses++;
		return 0;
	}
	if (st->kind == RESOLVE_KIND_HASH_MAPONLY) {
		v = bpf_map_lookup_elem(&files_hash, &nodeid);
		if (v)
			st->sum += *(__u64 *)v;
		else
			st->misses++;
		return 0;
	}
	rc = resolve_one(st->kind, st->slot + k, nodeid, off, &r, &f);
	if (rc == 0) {
		st->hits++;
		st->sum += r.addr ^ r.offset;
	} else if (rc == NO_ENTRY) {
		st->misses++;
	}
	return 0;
}

SEC("syscall")
int resolve_bench(struct resolve_bench *b)
{
	struct bench_state st = {};
	__u64 t0;

	if (b->nslots == 0 || b->size == 0)
		return 1;
	st.kind = b->kind;
	st.slot = b->slot;
	st.nslots = b->nslots;
	st.seed = b->seed;
	st.size = b->size;
	t0 = bpf_ktime_get_ns();
	bpf_loop(b->iters, bench_step, &st, 0);
	b->ns = bpf_ktime_get_ns() - t0;
	b->sum = st.sum;
	b->hits = st.hits;
	b->misses = st.misses;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
