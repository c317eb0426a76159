// SPDX-License-Identifier: GPL-2.0-only
/*
 * resolve_dummy.bpf.c - the file-record resolver and the iomap/famfs
 * decisions as a real BPF_PROG_TYPE_STRUCT_OPS program, on the stock
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

struct fuse_bpf_file dummy_file;
__u64 dummy_off;
__u32 dummy_opflags;
int dummy_rc;
struct fuse_res_out dummy_out;
int dummy_begin_rc;
struct fuse_bpf_begin_out dummy_begin;

SEC("struct_ops/test_1")
int BPF_PROG(resolve_dummy_test_1, struct bpf_dummy_ops_state *state)
{
	struct fuse_bpf_begin_out b = {};
	struct fuse_res_out r = {};
	int rc;

	rc = fuse_bpf_file_lookup(&dummy_file, dummy_off, &r);
	dummy_rc = rc;
	dummy_out = r;
	dummy_begin_rc = fuse_bpf_begin_decide(rc, &r, dummy_off, dummy_opflags,
					       12, &b);
	dummy_begin = b;
	return 0;
}

SEC(".struct_ops")
struct bpf_dummy_ops resolve_dummy_ops = {
	.test_1 = (void *)resolve_dummy_test_1,
};

char LICENSE[] SEC("license") = "GPL";
