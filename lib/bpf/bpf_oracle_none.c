/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bpf_oracle_none.c - the oracle API in a build without BPF: nothing can
 * be run, every call says so with -EOPNOTSUPP.
 */
#include <errno.h>
#include <stdio.h>

#include "bpf_oracle.h"
#include "fuse_bpf_config.h"

struct bpf_oracle *bpf_oracle_get(char *why, size_t why_len, int *err)
{
	if (why)
		snprintf(why, why_len, "built without BPF: %s",
			 FUSE_BPF_BUILD_REASON);
	if (err)
		*err = -EOPNOTSUPP;
	return NULL;
}

int bpf_oracle_resolve(int kind, const void *layout, uint64_t off,
		       struct fuse_res_out *out, int *rc)
{
	(void)kind; (void)layout; (void)off; (void)out; (void)rc;
	return -EOPNOTSUPP;
}

int bpf_oracle_put(struct bpf_oracle *o, int kind, uint32_t slot,
		   const void *layout, int also_hash)
{
	(void)o; (void)kind; (void)slot; (void)layout; (void)also_hash;
	return -EOPNOTSUPP;
}

int bpf_oracle_query(struct bpf_oracle *o, struct resolve_query *q)
{
	(void)o; (void)q;
	return -EOPNOTSUPP;
}

int bpf_oracle_bench(struct bpf_oracle *o, struct resolve_bench *b)
{
	(void)o; (void)b;
	return -EOPNOTSUPP;
}

int bpf_oracle_prog_info(struct bpf_oracle *o, const char *name,
			 struct bpf_oracle_prog_info *info)
{
	(void)o; (void)name; (void)info;
	return -EOPNOTSUPP;
}
