// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_bpf_ops.bpf.c - struct_ops wrapper for Joanne Koong's fuse_bpf_ops
 * prototype (kernel-extensions.md §7.3): iomap_begin(nodeid, ...) answers
 * famfs DAX mappings from the file's layout record.  The prototype has no
 * upcall fallback, so a missing record is an error.
 */
#include "fuse_files_map.bpf.h"

/** The prototype's 40-byte fuse_iomap_io (§7.3). */
struct fuse_iomap_io {
	__u64 offset;
	__u64 length;
	__u64 addr;
	__u16 type;
	__u16 flags;
	__u32 dev;
	__u64 id;
} __attribute__((preserve_access_index));

struct fuse_bpf_ops {
	int (*iomap_begin)(__u64 nodeid, __s64 pos, __s64 length,
			   unsigned int flags, struct fuse_iomap_io *out);
	char name[16];
	int dev_fd;
};

/** The prototype's DAX device table has 4 entries (§7.3). */
#define FUSE_BPF_PROTO_DAX_DEVS	4u

SEC("struct_ops/iomap_begin")
int BPF_PROG(fuse_res_jk_begin, __u64 nodeid, __s64 pos, __s64 length,
	     unsigned int flags, struct fuse_iomap_io *out)
{
	const struct fuse_bpf_file *f;
	struct fuse_res_out r = {};
	struct fuse_bpf_io o = {};
	int rc;

	if (!out || pos < 0)
		return -22;	/* -EINVAL */
	f = fuse_files_find(nodeid);
	if (!f)
		return -2;	/* -ENOENT */
	rc = fuse_bpf_file_lookup(f, (__u64)pos, &r);
	/*
	 * The answer maps from the requested position: offset = pos, addr =
	 * the device address of pos, length = bytes from pos to the segment
	 * end, as her example program answers (§7.3, formula of §6.4/§6.5).
	 */
	rc = fuse_bpf_famfs_decide(rc, &r, (__u64)pos, FUSE_BPF_PROTO_DAX_DEVS, &o);
	if (rc)
		return rc;
	out->offset = o.offset;
	out->length = o.length;
	out->addr = o.addr;
	out->type = o.type;
	out->flags = (__u16)flags;	/* as the prototype's example does */
	out->dev = 0;
	out->id = o.dev;
	return 0;
}

SEC(".struct_ops.link")
struct fuse_bpf_ops fuse_res_jk_ops = {
	.iomap_begin = (void *)fuse_res_jk_begin,
	.name = "fuse_res_jk",
	.dev_fd = -1,
};

char LICENSE[] SEC("license") = "GPL";
