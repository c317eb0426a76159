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

/**
 * famfs DAX device table (Gregory Price's flavour, kernel-extensions.md
 * §7.2 and §4.4): a second ARRAY map of #FUSE_BPF_DAX_DEVS entries, index =
 * daxdev table slot, value = the devdax path.  The library fills it when
 * the program is attached (fuse_bpf_set_dax_device()); iomap_setup passes
 * the path of every device in the file's dev_bitmap to the
 * bpf_fuse_dax_setup_add_device kfunc.  An empty path (first byte NUL)
 * means "not published": setup then registers nothing for that index and
 * the kernel's own table check decides.
 */
#define FUSE_BPF_DAX_DEVS	24u
/** Bytes of a device path, NUL included (the kfunc takes len < 256). */
#define FUSE_BPF_DAX_PATH_MAX	256u

/** One device table entry (the value of famfs's famfs_dev_map, §7.2). */
struct fuse_bpf_dax_dev {
	char path[FUSE_BPF_DAX_PATH_MAX];	/**< NUL-terminated; "" = none */
};

/**
 * Kernel-model sessions only: a KMW_BPF_MAP_UPDATE whose slot argument
 * has this bit set writes device table entry (slot & ~flag), with a
 * struct fuse_bpf_dax_dev value, instead of a file record.  File slots are
 * below #FUSE_BPF_SLOTS_MAX, so the two never collide.
 */
#define FUSE_BPF_MODEL_DEVTAB_FLAG	0x80000000u

/**
 * The devices a record maps data on: a bit per device index of every
 * MAPPED or UNWRITTEN extent, or of every strip; indices >= 32 set bit 31
 * (never a valid table slot, so such a record is refused).
 */
static inline uint32_t fuse_bpf_file_used_devs(const struct fuse_bpf_file *f)
{
	uint32_t i, bits = 0, dev;

	if (f->kind == FUSE_BPF_FILE_EXTENTS) {
		for (i = 0; i < f->u.ext.count && i < FUSE_RES_EXT_MAX_FAMFS; i++) {
			if (f->u.ext.ext[i].type != FUSE_RES_TYPE_MAPPED &&
			    f->u.ext.ext[i].type != FUSE_RES_TYPE_UNWRITTEN)
				continue;
			dev = f->u.ext.ext[i].dev;
			bits |= 1u << (dev < 32 ? dev : 31);
		}
	} else if (f->kind == FUSE_BPF_FILE_INTERLEAVE) {
		for (i = 0; i < f->u.il.nstrips && i < FUSE_RES_STRIPS_MAX; i++) {
			dev = f->u.il.strip[i].dev;
			bits |= 1u << (dev < 32 ? dev : 31);
		}
	}
	return bits;
}

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

/**
 * Gregory Price's iomap_setup (§7.2), the part shared by the struct_ops
 * program (fuse_dax_fmap_ops.bpf.c) and the test_run query program: the
 * device indices the file uses, which the program reports in
 * parse_ctx.dev_bitmap and registers with bpf_fuse_dax_setup_add_device.
 * @return 0 and *@p devs = the record's dev_bitmap, or -EINVAL (-22) when
 *         the bitmap names an index >= @p ndev (no such table slot).
 */
FUSE_RES_INLINE int fuse_bpf_dax_setup_devs(const struct fuse_bpf_file *f,
					    uint32_t ndev, uint64_t *devs)
{
	uint64_t bm = f->dev_bitmap;

	if (ndev < 32 && (bm >> ndev) != 0)
		return -22;
	*devs = bm;
	return 0;
}

#endif /* FUSE_BPF_LAYOUT_H_ */
