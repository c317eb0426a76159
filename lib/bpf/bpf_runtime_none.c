/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bpf_runtime_none.c - the runtime API when the library is built without
 * BPF (no clang, bpftool or libbpf >= 1.4, or -Dbpf=disabled): every
 * attach reports the upcall path and why.  Partial by design: this build
 * cannot load programs, so the probes return -EOPNOTSUPP.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_log.h"
#include "bpf_runtime_i.h"
#include "bpf/fuse_bpf_config.h"

struct fuse_bpf {
	char reason[256];
};

int fuse_bpf_built_in(const char **why)
{
	if (why)
		*why = "built without BPF mapping programs: " FUSE_BPF_BUILD_REASON;
	return 0;
}

const char *fuse_bpf_path_name(enum fuse_bpf_path path)
{
	return path == FUSE_BPF_PATH_UPCALL ? "upcall" : "unavailable";
}

struct fuse_bpf *fuse_bpf_attach(int fuse_fd, const struct fuse_bpf_opts *opts)
{
	struct fuse_bpf *b = calloc(1, sizeof(*b));

	(void)fuse_fd;
	(void)opts;
	if (!b)
		return NULL;
	snprintf(b->reason, sizeof(b->reason),
		 "library built without BPF mapping programs (%s)",
		 FUSE_BPF_BUILD_REASON);
	fuse_log(FUSE_LOG_INFO,
		 "fuse: BPF mapping program not used, mappings go through upcalls: %s\n",
		 b->reason);
	return b;
}

enum fuse_bpf_path fuse_bpf_path(const struct fuse_bpf *b, const char **reason)
{
	if (reason)
		*reason = b ? b->reason : "no BPF handle";
	return FUSE_BPF_PATH_UPCALL;
}

const char *fuse_bpf_ops_name(const struct fuse_bpf *b)
{
	(void)b;
	return NULL;
}

int fuse_bpf_set_file(struct fuse_bpf *b, const struct fuse_bpf_file *rec)
{
	(void)b;
	(void)rec;
	return -EOPNOTSUPP;
}

int fuse_bpf_set_dax_device(struct fuse_bpf *b, uint32_t index, const char *path)
{
	(void)b;
	(void)index;
	(void)path;
	return -EOPNOTSUPP;
}

int fuse_bpf_clear_file(struct fuse_bpf *b, uint64_t nodeid)
{
	(void)b;
	(void)nodeid;
	return -EOPNOTSUPP;
}

void fuse_bpf_detach(struct fuse_bpf *b)
{
	free(b);
}

int fuse_bpf_btf_has_struct_ops(const char *btf_dir, const char *ops_type,
				char *where, size_t where_len)
{
	(void)btf_dir;
	(void)ops_type;
	snprintf(where, where_len, "not checked (no libbpf)");
	return -EOPNOTSUPP;
}

int fuse_bpf_check_libbpf(char *why, size_t why_len)
{
	snprintf(why, why_len, "%s", FUSE_BPF_BUILD_REASON);
	return -EOPNOTSUPP;
}

int fuse_bpf_check_caps(char *why, size_t why_len)
{
	snprintf(why, why_len, "%s", FUSE_BPF_BUILD_REASON);
	return -EOPNOTSUPP;
}
