/* SPDX-License-Identifier: LGPL-2.1-or-later OR GPL-2.0-only */
/*
 * fuse_bpf_layout.h - the per-file record the library writes into the BPF
 * mapping programs' ARRAY map, shared by the BPF objects (lib/bpf/, *.bpf.c)
 * and the runtime (lib/bpf/bpf_runtime.c).  Private, never installed.
 *
 * Files are found by a dense slot, not a hash keyed by nodeid (a hash costs
 * serial cache misses on the fault path: +60-70 ns cold per lookup,
 * bpf-notes.md §5).  The slot is nodeid % nslots; the record carries the
 * nodeid it belongs to, and a program that finds another nodeid (or an
 * empty slot) in the slot falls back to the FUSE upcall.  A collision
 * therefore costs an upcall, never a wrong mapping.
 *
 * Update rule: the server (through the library) writes a file's record
 * before it replies to OPEN and changes it only while no I/O can be using
 * it (map updates are plain copies; a program could see a half-written
 * record).  Every lookup validates what it reads, so a torn record can
 * produce an upcall or an error, never an out-of-bounds access.
 */
#ifndef FUSE_BPF_LAYOUT_H_
#define FUSE_BPF_LAYOUT_H_

#include "fuse_iomap_resolve.h"

/** Record kinds. */
enum fuse_bpf_file_kind {
	FUSE_BPF_FILE_EMPTY = 0,	/**< slot unused */
	FUSE_BPF_FILE_EXTENTS = 1,	/**< u.ext is valid */
	FUSE_BPF_FILE_INTERLEAVE = 2,	/**< u.il is valid */
};

/**
 * One file's layout.  An extent list of up to #FUSE_RES_EXT_MAX_FAMFS
 * extents or one interleave (famfs on-media files have at most 16 simple
 * extents or one interleaved extent, famfs-format.md).  Larger layouts are
 * served by upcalls.
 */
struct fuse_bpf_file {
	uint64_t nodeid;	/**< owner; 0 = empty */
	uint32_t kind;		/**< enum fuse_bpf_file_kind */
	uint32_t dev_bitmap;	/**< famfs device slots used (bit per index) */
	union {
		struct fuse_res_ext32 ext;
		struct fuse_res_interleave il;
	} u;
};

/** Default number of slots of the file map (the runtime may change it). */
#define FUSE_BPF_SLOTS_DEFAULT	4096u
/** Upper bound on slots (4096 * ~1 KiB records = 4 MiB by default). */
#define FUSE_BPF_SLOTS_MAX	(1u << 20)

/** Slot of @p nodeid, or #FUSE_BPF_SLOTS_MAX when @p nslots is 0. */
FUSE_RES_INLINE uint32_t fuse_bpf_slot(uint64_t nodeid, uint32_t nslots)
{
	if (nslots == 0)
		return FUSE_BPF_SLOTS_MAX;
	return (uint32_t)(nodeid % nslots);
}

/**
 * Resolve @p off in a file record.  Returns as the fuse_res_* lookups, or
 * #FUSE_RES_EINVAL for an unknown kind.
 */
FUSE_RES_INLINE int fuse_bpf_file_lookup(const struct fuse_bpf_file *f,
					 uint64_t off, struct fuse_res_out *out)
{
	if (f->kind == FUSE_BPF_FILE_EXTENTS)
		return fuse_res_ext32_lookup(&f->u.ext, off, out);
	if (f->kind == FUSE_BPF_FILE_INTERLEAVE)
		return fuse_res_interleave_lookup(&f->u.il, off, out);
	return FUSE_RES_EINVAL;
}

#endif /* FUSE_BPF_LAYOUT_H_ */
