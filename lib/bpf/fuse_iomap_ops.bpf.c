// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_iomap_ops.bpf.c - struct_ops wrapper for Darrick Wong's
 * fuse_iomap_bpf_ops (kernel-extensions.md §7.1): iomap_begin answers from
 * the file's layout record and falls back to the FUSE upcall
 * (FIB_FALLBACK) whenever the server has to decide.
 *
 * Kernel types are declared here (no vmlinux.h); libbpf matches struct_ops
 * members by name and the CO-RE attribute relocates the out-struct fields
 * against the running kernel's BTF.
 */
#include "fuse_files_map.bpf.h"

/** Opaque inode handle of the newest revision (§7.1). */
struct fuse_bpf_inode;

struct fuse_iomap_io {
	__u64 offset;
	__u64 length;
	__u64 addr;
	__u16 type;
	__u16 flags;
	__u32 dev;
} __attribute__((preserve_access_index));

struct fuse_iomap_begin_out {
	struct fuse_iomap_io read;
	struct fuse_iomap_io write;
} __attribute__((preserve_access_index));

/** Members this object uses; the kernel type has more (§7.1). */
struct fuse_iomap_bpf_ops {
	int (*iomap_begin)(struct fuse_bpf_inode *fbi, __u64 pos, __u64 count,
			   __u32 opflags, struct fuse_iomap_begin_out *outarg);
	int fuse_fd;
	char name[16];
};

/** kfunc of §7.1: the inode's FUSE nodeid. */
extern __u64 fuse_bpf_inode_nodeid(struct fuse_bpf_inode *fbi) __ksym __weak;

/** log2 of the block size (set by the runtime before load). */
const volatile __u32 fuse_blkbits = 12;

static __attribute__((always_inline)) void
put_io(struct fuse_iomap_io *dst, const struct fuse_bpf_io *src)
{
	dst->offset = src->offset;
	dst->length = src->length;
	dst->addr = src->addr;
	dst->type = src->type;
	dst->flags = src->flags;
	dst->dev = src->dev;
}

SEC("struct_ops.s/iomap_begin")
int BPF_PROG(fuse_res_iomap_begin, struct fuse_bpf_inode *fbi, __u64 pos,
	     __u64 count, __u32 opflags, struct fuse_iomap_begin_out *outarg)
{
	const struct fuse_bpf_file *f;
	struct fuse_bpf_begin_out o = {};
	struct fuse_res_out r = {};
	int rc;

	if (!bpf_ksym_exists(fuse_bpf_inode_nodeid))
		return FUSE_BPF_FIB_FALLBACK;
	f = fuse_files_find(fuse_bpf_inode_nodeid(fbi));
	if (!f)
		return FUSE_BPF_FIB_FALLBACK;
	rc = fuse_bpf_file_lookup(f, pos, &r);
	if (fuse_bpf_begin_decide(rc, &r, pos, opflags, fuse_blkbits, &o) !=
	    FUSE_BPF_FIB_HANDLED)
		return FUSE_BPF_FIB_FALLBACK;
	put_io(&outarg->read, &o.read);
	put_io(&outarg->write, &o.write);
	return FUSE_BPF_FIB_HANDLED;
}

SEC(".struct_ops.link")
struct fuse_iomap_bpf_ops fuse_res_iomap_ops = {
	.iomap_begin = (void *)fuse_res_iomap_begin,
	.fuse_fd = -1,
	.name = "fuse_res_iomap",
};

char LICENSE[] SEC("license") = "GPL v2";
