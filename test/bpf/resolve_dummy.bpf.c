// SPDX-License-Identifier: GPL-2.0-only
/*
 * resolve_dummy.bpf.c - the file-record resolver and the iomap/famfs
 * decisions (famfs: the answer for the requested offset, iomap_setup's
 * device set) as a real BPF_PROG_TYPE_STRUCT_OPS program, on the stock
 * kernel's bpf_dummy_ops (test_1), so the struct_ops verifier rules (no
 * helpers at all for this type) are checked on this machine.  The record
 * and the query live in global data written through the skeleton.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "fuse_bpf_layout.h"
#include "fuse_bpf_wrap.h"

struct bpf_dummy_ops_state {
	int val;
} __attribute__((preserve_access_index));

struct bpf_dummy_ops {
	int (*test_1)(struct bpf_dummy_ops_state *cb);
};

/*
 * fuse_dax_fmap_ops.bpf.c calls this kfunc weakly; it is absent here, so
 * loading this program checks that libbpf and the verifier accept the
 * weak declaration and prune the guarded call (the DAX object itself
 * cannot be loaded on this kernel: its strong get_meta kfuncs are absent).
 */
struct fuse_dax_fmap_parse_ctx;
extern int bpf_fuse_dax_setup_add_device(struct fuse_dax_fmap_parse_ctx *ctx,
					 __u32 dev_index, const char *path__buf,
					 __u32 len__sz) __ksym __weak;
struct fuse_bpf_dax_dev dummy_dev;
int dummy_add_device_rc = 1;

struct fuse_bpf_file dummy_file;
__u64 dummy_off;
__u32 dummy_opflags;
int dummy_rc;
struct fuse_res_out dummy_out;
int dummy_begin_rc;
struct fuse_bpf_begin_out dummy_begin;
int dummy_famfs_rc;
struct fuse_bpf_io dummy_famfs;
int dummy_setup_rc;
uint64_t dummy_setup_devs;

SEC("struct_ops/test_1")
int BPF_PROG(resolve_dummy_test_1, struct bpf_dummy_ops_state *state)
{
	struct fuse_bpf_begin_out b = {};
	struct fuse_bpf_io io = {};
	struct fuse_res_out r = {};
	uint64_t devs = 0;
	int rc;

	rc = fuse_bpf_file_lookup(&dummy_file, dummy_off, &r);
	dummy_rc = rc;
	dummy_out = r;
	dummy_begin_rc = fuse_bpf_begin_decide(rc, &r, dummy_off, dummy_opflags,
					       12, &b);
	dummy_begin = b;
	/* the famfs answer for the requested offset, and setup's devices */
	dummy_famfs_rc = fuse_bpf_famfs_decide(rc, &r, dummy_off, 24, &io);
	dummy_famfs = io;
	dummy_setup_rc = fuse_bpf_dax_setup_devs(&dummy_file, 24, &devs);
	dummy_setup_devs = devs;
	if (bpf_ksym_exists(bpf_fuse_dax_setup_add_device))
		dummy_add_device_rc = bpf_fuse_dax_setup_add_device(0, 0, dummy_dev.path,
								    FUSE_BPF_DAX_PATH_MAX - 1);
	else
		dummy_add_device_rc = 0;
	return 0;
}

SEC(".struct_ops")
struct bpf_dummy_ops resolve_dummy_ops = {
	.test_1 = (void *)resolve_dummy_test_1,
};

char LICENSE[] SEC("license") = "GPL";
