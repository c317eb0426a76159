/* SPDX-License-Identifier: LGPL-2.1-or-later OR GPL-2.0-only */
/*
 * fuse_bpf_wrap.h - turning a resolver result into the answer each kernel
 * flavour expects.  Pure functions on local structs, shared by the
 * struct_ops wrappers (the *_ops.bpf.c files), the SEC("syscall") test
 * programs and the native tests, so the decision logic is tested on this
 * stock kernel even though the struct_ops types are absent.
 */
#ifndef FUSE_BPF_WRAP_H_
#define FUSE_BPF_WRAP_H_

#include "fuse_iomap_resolve.h"

/*
 * FUSE_IOMAP_OP_* opflags (kernel-extensions.md §3.3).
 */
#define FUSE_BPF_OP_WRITE	(1u << 0)
#define FUSE_BPF_OP_ZERO	(1u << 1)
#define FUSE_BPF_OP_UNSHARE	(1u << 7)
#define FUSE_BPF_OP_ATOMIC	(1u << 9)
#define FUSE_BPF_OP_SWAPFILE	(1u << 30)
#define FUSE_BPF_OP_WRITEBACK	(1u << 31)
/** Any of these makes a write-class request (§3.3). */
#define FUSE_BPF_OP_WRITE_CLASS	(FUSE_BPF_OP_WRITE | FUSE_BPF_OP_ZERO | \
				 FUSE_BPF_OP_UNSHARE | FUSE_BPF_OP_WRITEBACK)

/** FUSE_IOMAP_TYPE_PURE_OVERWRITE (§3.1): write slot only. */
#define FUSE_BPF_TYPE_PURE_OVERWRITE	255
/** FUSE_IOMAP_F_* bits a server may send: bits 0-7 (§2.4 rule 2). */
#define FUSE_BPF_F_SERVER_MASK		0xffu
/** FUSE_IOMAP_F_SHARED (§3.2): writes must go out of place. */
#define FUSE_BPF_F_SHARED		(1u << 2)

/** Return values of Darrick Wong's callbacks (§7.1). */
#define FUSE_BPF_FIB_FALLBACK	0
#define FUSE_BPF_FIB_HANDLED	1

/** fuse_iomap_io, 32 bytes (kernel-extensions.md §2.4). */
struct fuse_bpf_io {
	uint64_t offset;
	uint64_t length;
	uint64_t addr;
	uint16_t type;
	uint16_t flags;
	uint32_t dev;
};

/** fuse_iomap_begin_out, 64 bytes: read and write mappings (§2.4). */
struct fuse_bpf_begin_out {
	struct fuse_bpf_io read;
	struct fuse_bpf_io write;
};

/**
 * Decide Darrick Wong's iomap_begin answer for a resolved segment.
 *
 * @param rc        return value of the resolver for @p pos
 * @param r         the resolver's result
 * @param pos       requested file offset
 * @param opflags   FUSE_IOMAP_OP_* of the request
 * @param blkbits   log2 of the inode block size (9..16), from the runtime
 * @param out       filled when the answer is #FUSE_BPF_FIB_HANDLED
 * @return #FUSE_BPF_FIB_HANDLED, or #FUSE_BPF_FIB_FALLBACK whenever the
 *         server must decide (allocation, conversion, copy-on-write,
 *         atomic/swapfile requests, unaligned segments, resolver errors).
 */
FUSE_RES_INLINE int fuse_bpf_begin_decide(int rc, const struct fuse_res_out *r,
					uint64_t pos, uint32_t opflags,
					uint32_t blkbits,
					struct fuse_bpf_begin_out *out)
{
	uint64_t mask;

	if (rc != 0)
		return FUSE_BPF_FIB_FALLBACK;
	if (blkbits < 9 || blkbits > 16)
		return FUSE_BPF_FIB_FALLBACK;
	if (opflags & (FUSE_BPF_OP_ATOMIC | FUSE_BPF_OP_SWAPFILE))
		return FUSE_BPF_FIB_FALLBACK;	/* always go to the server */
	mask = (1ULL << blkbits) - 1;
	if ((r->offset & mask) || (r->length & mask) || r->length == 0)
		return FUSE_BPF_FIB_FALLBACK;
	if (pos < r->offset || pos - r->offset >= r->length)
		return FUSE_BPF_FIB_FALLBACK;
	if (r->offset > FUSE_RES_OFF_MAX - r->length)
		return FUSE_BPF_FIB_FALLBACK;
	if (r->type > FUSE_RES_TYPE_INLINE)
		return FUSE_BPF_FIB_FALLBACK;

	if (opflags & FUSE_BPF_OP_WRITE_CLASS) {
		/* Only overwrites of written, unshared blocks. */
		if (r->type != FUSE_RES_TYPE_MAPPED ||
		    (r->flags & FUSE_BPF_F_SHARED))
			return FUSE_BPF_FIB_FALLBACK;
	}

	out->read.offset = r->offset;
	out->read.length = r->length;
	out->read.type = r->type;
	out->read.flags = r->flags & FUSE_BPF_F_SERVER_MASK;
	if (r->type == FUSE_RES_TYPE_MAPPED ||
	    r->type == FUSE_RES_TYPE_UNWRITTEN) {
		out->read.addr = r->addr;
		out->read.dev = r->dev;
		if (r->dev == FUSE_RES_DEV_NULL || r->addr == FUSE_RES_NULL_ADDR)
			return FUSE_BPF_FIB_FALLBACK;
	} else {
		out->read.addr = FUSE_RES_NULL_ADDR;
		out->read.dev = FUSE_RES_DEV_NULL;
	}
	out->write.offset = r->offset;
	out->write.length = r->length;
	out->write.addr = FUSE_RES_NULL_ADDR;
	out->write.type = FUSE_BPF_TYPE_PURE_OVERWRITE;
	out->write.flags = 0;
	out->write.dev = FUSE_RES_DEV_NULL;
	return FUSE_BPF_FIB_HANDLED;
}

/**
 * famfs answer (Gregory Price's and Joanne Koong's flavours) for the
 * requested file offset @p pos: only MAPPED segments with a device index
 * below @p ndev are served.
 *
 * Both kernels take the answer as a mapping that STARTS at @p pos:
 *  - Gregory Price (kernel-extensions.md §7.2): "It ignores the program's
 *    type and offset: it forces IOMAP_MAPPED and the requested offset", and
 *    takes addr, length and dev_index.  So addr must be the device address
 *    of @p pos itself and length the bytes mapped from @p pos on; a whole
 *    segment (offset = segment start) would make the kernel move the
 *    segment start's bytes for @p pos.
 *  - Joanne Koong (§7.3): her example program resolves with the formula of
 *    §6.4/§6.5 (dax_addr = extent base + offset inside the extent, map_len
 *    from there to the extent or chunk end) and sets out->offset to the
 *    requested position, so the same requested-offset form applies.
 *
 * Result: offset = pos, addr = r->addr + (pos - r->offset),
 * length = r->offset + r->length - pos (computed as r->length minus the
 * distance, which cannot overflow).  The resolver guarantees
 * r->offset <= pos < r->offset + r->length; it is checked again here
 * (-EIO otherwise) so no subtraction can underflow, and an address sum
 * that would wrap is refused (-EIO) as well.
 *
 * @return 0 and @p io filled, or a negative errno (-EIO = -5 for holes,
 *         bad devices and inconsistent segments, the resolver's error
 *         otherwise).
 */
FUSE_RES_INLINE int fuse_bpf_famfs_decide(int rc, const struct fuse_res_out *r,
					uint64_t pos, uint32_t ndev,
					struct fuse_bpf_io *io)
{
	uint64_t delta;

	if (rc != 0)
		return rc;
	if (r->type != FUSE_RES_TYPE_MAPPED || r->dev >= ndev)
		return -5;	/* -EIO, as for a bad dev_index (§7.2) */
	if (pos < r->offset)
		return -5;
	delta = pos - r->offset;
	if (delta >= r->length)
		return -5;	/* pos past the segment (also length 0) */
	if (r->addr == FUSE_RES_NULL_ADDR || r->addr > FUSE_RES_NULL_ADDR - 1 - delta)
		return -5;	/* no address, or addr + delta would wrap */
	io->offset = pos;
	io->length = r->length - delta;
	io->addr = r->addr + delta;
	io->type = FUSE_RES_TYPE_MAPPED;
	io->flags = 0;
	io->dev = r->dev;
	return 0;
}

#endif /* FUSE_BPF_WRAP_H_ */
