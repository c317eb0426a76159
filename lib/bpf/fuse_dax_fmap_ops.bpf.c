// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_dax_fmap_ops.bpf.c - struct_ops wrapper for Gregory Price's
 * fuse_dax_fmap_ops (kernel-extensions.md §7.2).  iomap_setup (sleepable,
 * at open) copies the file's layout record from the fuse_files map into the
 * kernel's per-inode metadata buffer; iomap_begin (every DAX fault) resolves
 * from that buffer, with no map lookup on the fault path.
 */
#include "fuse_files_map.bpf.h"

struct fuse_dax_fmap_parse_ctx {
	__u64 nodeid;
	__u32 meta_buf_size;
	__u64 dev_bitmap;
} __attribute__((preserve_access_index));

struct fuse_dax_fmap_resolve_ctx {
	__u32 meta_buf_size;
	__u64 file_offset;
	__u64 length;
} __attribute__((preserve_access_index));

/** This tree's fuse_iomap_io: the last field is a DAX table slot (§7.2). */
struct fuse_iomap_io {
	__u64 offset;
	__u64 length;
	__u64 addr;
	__u16 type;
	__u16 flags;
	__u32 dev_index;
} __attribute__((preserve_access_index));

struct fuse_dax_fmap_ops {
	int (*iomap_setup)(struct fuse_dax_fmap_parse_ctx *ctx);
	int (*iomap_begin)(struct fuse_dax_fmap_resolve_ctx *ctx,
			   struct fuse_iomap_io *io);
	__u32 meta_size;
	char name[16];
};

/* kfuncs of §7.2 */
extern void *bpf_fuse_dax_setup_get_meta(struct fuse_dax_fmap_parse_ctx *ctx,
					 __u32 offset, const __u32 size) __ksym;
extern void *bpf_fuse_dax_resolve_get_meta(struct fuse_dax_fmap_resolve_ctx *ctx,
					   __u32 offset, const __u32 size) __ksym;

/** DAX device table slots: 24 in this series (§7.2, add_device kfunc). */
#define FUSE_DAX_TABLE_SLOTS	24u

#define META_WORDS	(sizeof(struct fuse_bpf_file) / sizeof(__u64))
_Static_assert(sizeof(struct fuse_bpf_file) % sizeof(__u64) == 0,
	       "record is copied in 8-byte words");

SEC("struct_ops.s/iomap_setup")
int BPF_PROG(fuse_res_dax_setup, struct fuse_dax_fmap_parse_ctx *pctx)
{
	const struct fuse_bpf_file *f;
	const __u64 *src;
	__u64 *dst;
	__u32 i;

	f = fuse_files_find(pctx->nodeid);
	if (!f)
		return -2;	/* -ENOENT: the server did not publish it */
	dst = bpf_fuse_dax_setup_get_meta(pctx, 0, sizeof(struct fuse_bpf_file));
	if (!dst)
		return -22;	/* -EINVAL: meta buffer too small */
	src = (const __u64 *)f;
	for (i = 0; i < META_WORDS; i++)
		dst[i] = src[i];
	pctx->dev_bitmap = f->dev_bitmap;
	return 0;
}

SEC("struct_ops/iomap_begin")
int BPF_PROG(fuse_res_dax_begin, struct fuse_dax_fmap_resolve_ctx *rctx,
	     struct fuse_iomap_io *io)
{
	const struct fuse_bpf_file *f;
	struct fuse_res_out r = {};
	struct fuse_bpf_io o = {};
	__u64 off = rctx->file_offset;
	int rc;

	f = bpf_fuse_dax_resolve_get_meta(rctx, 0, sizeof(struct fuse_bpf_file));
	if (!f)
		return -22;
	rc = fuse_bpf_file_lookup(f, off, &r);
	rc = fuse_bpf_famfs_decide(rc, &r, FUSE_DAX_TABLE_SLOTS, &o);
	if (rc)
		return rc;
	io->offset = o.offset;
	io->length = o.length;
	io->addr = o.addr;
	io->type = o.type;
	io->flags = o.flags;
	io->dev_index = o.dev;
	return 0;
}

SEC(".struct_ops.link")
struct fuse_dax_fmap_ops fuse_res_dax_ops = {
	.iomap_setup = (void *)fuse_res_dax_setup,
	.iomap_begin = (void *)fuse_res_dax_begin,
	.meta_size = sizeof(struct fuse_bpf_file),
	.name = "fuse_res_dax",
};

char LICENSE[] SEC("license") = "GPL";
