// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_dax_fmap_ops.bpf.c - struct_ops wrapper for Gregory Price's
 * fuse_dax_fmap_ops (kernel-extensions.md §7.2).  iomap_setup (sleepable,
 * at open) copies the file's layout record from the fuse_files map into the
 * kernel's per-inode metadata buffer and registers the file's devices
 * from the fuse_dax_devs table (bpf_fuse_dax_setup_add_device);
 * iomap_begin (every DAX fault) resolves from that buffer, with no map
 * lookup on the fault path.
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
/*
 * Register a devdax device by path (KF_SLEEPABLE; same checks as
 * GET_DAXDEV, §4.4).  Weak: the object still loads on a kernel of this
 * series that lacks the kfunc (earlier revisions registered devices
 * through GET_DAXDEV); the call is then pruned by bpf_ksym_exists().
 */
extern int bpf_fuse_dax_setup_add_device(struct fuse_dax_fmap_parse_ctx *ctx,
					 __u32 dev_index, const char *path__buf,
					 __u32 len__sz) __ksym __weak;

/** DAX device table slots: 24 in this series (§7.2, add_device kfunc). */
#define FUSE_DAX_TABLE_SLOTS	24u
_Static_assert(FUSE_DAX_TABLE_SLOTS == FUSE_BPF_DAX_DEVS, "device table size");

/* The device table the library fills when it attaches (index -> path). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FUSE_BPF_DAX_DEVS);
	__type(key, __u32);
	__type(value, struct fuse_bpf_dax_dev);
} fuse_dax_devs SEC(".maps");

#define META_WORDS	(sizeof(struct fuse_bpf_file) / sizeof(__u64))
_Static_assert(sizeof(struct fuse_bpf_file) % sizeof(__u64) == 0,
	       "record is copied in 8-byte words");

SEC("struct_ops.s/iomap_setup")
int BPF_PROG(fuse_res_dax_setup, struct fuse_dax_fmap_parse_ctx *pctx)
{
	const struct fuse_bpf_file *f;
	const struct fuse_bpf_dax_dev *dev;
	const __u64 *src;
	__u64 *dst;
	uint64_t devs = 0;
	__u32 i;
	int rc;

	f = fuse_files_find(pctx->nodeid);
	if (!f)
		return -2;	/* -ENOENT: the server did not publish it */
	rc = fuse_bpf_dax_setup_devs(f, FUSE_DAX_TABLE_SLOTS, &devs);
	if (rc)
		return rc;	/* a device index past the table */
	dst = bpf_fuse_dax_setup_get_meta(pctx, 0, sizeof(struct fuse_bpf_file));
	if (!dst)
		return -22;	/* -EINVAL: meta buffer too small */
	src = (const __u64 *)f;
	for (i = 0; i < META_WORDS; i++)
		dst[i] = src[i];
	pctx->dev_bitmap = devs;
	/*
	 * Register every device the file uses whose path the library
	 * published; an index without a path is left to the kernel's table
	 * (already registered, or the file's I/O fails there).
	 */
	if (!bpf_ksym_exists(bpf_fuse_dax_setup_add_device))
		return 0;
	for (i = 0; i < FUSE_DAX_TABLE_SLOTS; i++) {
		__u32 idx = i;

		if (!(devs & (1ULL << i)))
			continue;
		dev = bpf_map_lookup_elem(&fuse_dax_devs, &idx);
		if (!dev || dev->path[0] == '\0')
			continue;
		/* len < 256 (§7.2); the library NUL-terminates within it */
		rc = bpf_fuse_dax_setup_add_device(pctx, idx, dev->path,
						   FUSE_BPF_DAX_PATH_MAX - 1);
		if (rc)
			return rc;
	}
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
	/*
	 * The kernel forces the requested offset and takes addr as the device
	 * address of file_offset (§7.2), so answer from file_offset on.
	 */
	rc = fuse_bpf_famfs_decide(rc, &r, off, FUSE_DAX_TABLE_SLOTS, &o);
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
