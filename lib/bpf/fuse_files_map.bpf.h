/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuse_files_map.bpf.h - the per-file layout map every struct_ops wrapper
 * reads, and its run-time settings.  BPF side only.
 *
 * The runtime (bpf_runtime.c) sets the map's max_entries and fuse_nslots
 * to the same value before loading, then writes struct fuse_bpf_file
 * records at slot nodeid % fuse_nslots.
 */
#ifndef FUSE_FILES_MAP_BPF_H_
#define FUSE_FILES_MAP_BPF_H_

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "fuse_bpf_layout.h"
#include "fuse_bpf_wrap.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FUSE_BPF_SLOTS_DEFAULT);
	__type(key, __u32);
	__type(value, struct fuse_bpf_file);
} fuse_files SEC(".maps");

/** Slots in fuse_files (set by the runtime before load). */
const volatile __u32 fuse_nslots = FUSE_BPF_SLOTS_DEFAULT;

/** The record of @nodeid, or NULL when its slot holds another file. */
static __attribute__((always_inline)) const struct fuse_bpf_file *
fuse_files_find(__u64 nodeid)
{
	const struct fuse_bpf_file *f;
	__u32 slot;

	if (nodeid == 0)
		return 0;
	slot = fuse_bpf_slot(nodeid, fuse_nslots);
	f = bpf_map_lookup_elem(&fuse_files, &slot);
	if (!f || f->nodeid != nodeid)
		return 0;
	return f;
}

#endif /* FUSE_FILES_MAP_BPF_H_ */
