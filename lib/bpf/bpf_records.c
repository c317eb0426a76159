/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bpf_records.c - building the per-file records of the BPF mapping
 * programs from layouts (validated first).  No libbpf needed.
 */
#include <errno.h>
#include <string.h>

#include "bpf_runtime_i.h"

int fuse_bpf_file_from_extents(struct fuse_bpf_file *rec, uint64_t nodeid,
			       const struct fuse_res_ext *ext, uint32_t count,
			       uint64_t size)
{
	uint32_t i;

	if (!rec || nodeid == 0)
		return -EINVAL;
	if (count > FUSE_RES_EXT_MAX_FAMFS)
		return -E2BIG;
	if (fuse_res_extents_check(ext, count, FUSE_RES_EXT_MAX_FAMFS, size,
				   NULL))
		return -EINVAL;
	memset(rec, 0, sizeof(*rec));
	rec->nodeid = nodeid;
	rec->kind = FUSE_BPF_FILE_EXTENTS;
	rec->u.ext.size = size;
	rec->u.ext.count = count;
	for (i = 0; i < count; i++) {
		rec->u.ext.ext[i] = ext[i];
		if ((ext[i].type == FUSE_RES_TYPE_MAPPED ||
		     ext[i].type == FUSE_RES_TYPE_UNWRITTEN) && ext[i].dev < 32)
			rec->dev_bitmap |= 1u << ext[i].dev;
	}
	return 0;
}

int fuse_bpf_file_from_interleave(struct fuse_bpf_file *rec, uint64_t nodeid,
				  const struct fuse_res_interleave *il)
{
	uint32_t s;
	int err;

	if (!rec || !il || nodeid == 0)
		return -EINVAL;
	err = fuse_res_interleave_check(il);
	if (err)
		return err;
	memset(rec, 0, sizeof(*rec));
	rec->nodeid = nodeid;
	rec->kind = FUSE_BPF_FILE_INTERLEAVE;
	rec->u.il = *il;
	for (s = 0; s < il->nstrips; s++)
		if (il->strip[s].dev < 32)
			rec->dev_bitmap |= 1u << il->strip[s].dev;
	return 0;
}
