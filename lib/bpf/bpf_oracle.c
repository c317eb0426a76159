/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bpf_oracle.c - load resolve_prog.bpf.c once per process and answer
 * resolver queries with it through BPF_PROG_TEST_RUN.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_oracle.h"
#include "resolve_prog.skel.h"

struct bpf_oracle {
	struct resolve_prog *skel;
	pthread_mutex_t lock;
	/* the layout last stored at slot 0 of each kind, to skip updates */
	int cached_kind;
	size_t cached_len;
	void *cached;
};

static pthread_mutex_t oracle_init_lock = PTHREAD_MUTEX_INITIALIZER;
static struct bpf_oracle *oracle;
static int oracle_err;
static char oracle_why[256];

static int quiet_print(enum libbpf_print_level level, const char *fmt,
		       va_list ap)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static int oracle_load(struct bpf_oracle **out)
{
	struct bpf_oracle *o;
	libbpf_print_fn_t old;
	int err;

	o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	pthread_mutex_init(&o->lock, NULL);
	old = libbpf_set_print(quiet_print);
	o->skel = resolve_prog__open_and_load();
	err = o->skel ? 0 : (errno ? -errno : -EINVAL);
	libbpf_set_print(old);
	if (err) {
		snprintf(oracle_why, sizeof(oracle_why),
			 "loading resolve_prog.bpf.o failed: %s%s",
			 strerror(-err), err == -EPERM ?
			 " (needs root or CAP_BPF)" : "");
		free(o);
		return err;
	}
	o->cached_kind = 0;
	*out = o;
	return 0;
}

struct bpf_oracle *bpf_oracle_get(char *why, size_t why_len, int *err)
{
	pthread_mutex_lock(&oracle_init_lock);
	if (!oracle && !oracle_err)
		oracle_err = oracle_load(&oracle);
	pthread_mutex_unlock(&oracle_init_lock);
	if (!oracle) {
		if (why)
			snprintf(why, why_len, "%s", oracle_why);
		if (err)
			*err = oracle_err;
		return NULL;
	}
	if (err)
		*err = 0;
	return oracle;
}

static size_t layout_size(int kind)
{
	switch (kind) {
	case RESOLVE_KIND_EXT32:	return sizeof(struct fuse_res_ext32);
	case RESOLVE_KIND_EXT1K:	return sizeof(struct fuse_res_ext1k);
	case RESOLVE_KIND_IL:		return sizeof(struct fuse_res_interleave);
	case RESOLVE_KIND_ILIST:	return sizeof(struct fuse_res_ilist);
	case RESOLVE_KIND_FILE:		return sizeof(struct fuse_bpf_file);
	}
	return 0;
}

static struct bpf_map *kind_map(struct bpf_oracle *o, int kind)
{
	switch (kind) {
	case RESOLVE_KIND_EXT32:	return o->skel->maps.ext32_map;
	case RESOLVE_KIND_EXT1K:	return o->skel->maps.ext1k_map;
	case RESOLVE_KIND_IL:		return o->skel->maps.il_map;
	case RESOLVE_KIND_ILIST:	return o->skel->maps.ilist_map;
	case RESOLVE_KIND_FILE:		return o->skel->maps.files;
	}
	return NULL;
}

int bpf_oracle_put(struct bpf_oracle *o, int kind, uint32_t slot,
		   const void *layout, int also_hash)
{
	size_t len = layout_size(kind);
	struct bpf_map *m = kind_map(o, kind);
	int err;

	if (!o || !m || !layout)
		return -EINVAL;
	if (kind == RESOLVE_KIND_FILE) {
		const struct fuse_bpf_file *f = layout;

		if (f->nodeid == 0)
			return -EINVAL;
		slot = fuse_bpf_slot(f->nodeid, RESOLVE_FILE_SLOTS);
		if (also_hash) {
			err = bpf_map__update_elem(o->skel->maps.files_hash,
						   &f->nodeid, sizeof(f->nodeid),
						   f, len, BPF_ANY);
			if (err)
				return err;
		}
	}
	err = bpf_map__update_elem(m, &slot, sizeof(slot), layout, len, BPF_ANY);
	return err < 0 ? err : (err ? -EIO : 0);
}

static int run_prog(struct bpf_program *prog, void *ctx, size_t len)
{
	/* SEC("syscall") test runs copy the ctx back into ctx_in and refuse
	 * ctx_out, data, repeat and duration (bpf_prog_test_run_syscall). */
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.ctx_in = ctx,
		.ctx_size_in = (__u32)len,
	);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	if (err)
		return err < 0 ? err : -EIO;
	return opts.retval == 0 ? 0 : -EINVAL;
}

int bpf_oracle_query(struct bpf_oracle *o, struct resolve_query *q)
{
	if (!o || !q)
		return -EINVAL;
	return run_prog(o->skel->progs.resolve_query, q, sizeof(*q));
}

int bpf_oracle_bench(struct bpf_oracle *o, struct resolve_bench *b)
{
	if (!o || !b)
		return -EINVAL;
	return run_prog(o->skel->progs.resolve_bench, b, sizeof(*b));
}

int bpf_oracle_resolve(int kind, const void *layout, uint64_t off,
		       struct fuse_res_out *out, int *rc)
{
	struct resolve_query q;
	struct bpf_oracle *o;
	size_t len = layout_size(kind);
	int err;

	if (!len || !layout || !out || !rc)
		return -EINVAL;
	o = bpf_oracle_get(NULL, 0, &err);
	if (!o)
		return err;
	memset(&q, 0, sizeof(q));
	q.kind = kind;
	q.slot = 0;
	q.off = off;
	q.blkbits = 12;
	pthread_mutex_lock(&o->lock);
	if (o->cached_kind != kind || o->cached_len != len ||
	    memcmp(o->cached, layout, len)) {
		err = bpf_oracle_put(o, kind, 0, layout, 0);
		if (!err) {
			void *c = realloc(o->cached, len);

			if (c) {
				memcpy(c, layout, len);
				o->cached = c;
				o->cached_kind = kind;
				o->cached_len = len;
			} else {
				o->cached_kind = 0;
			}
		} else {
			o->cached_kind = 0;
		}
	} else {
		err = 0;
	}
	if (kind == RESOLVE_KIND_FILE)
		q.nodeid = ((const struct fuse_bpf_file *)layout)->nodeid;
	if (!err)
		err = bpf_oracle_query(o, &q);
	pthread_mutex_unlock(&o->lock);
	if (err)
		return err;
	*rc = q.rc;
	*out = q.out;
	return 0;
}

int bpf_oracle_prog_info(struct bpf_oracle *o, const char *name,
			 struct bpf_oracle_prog_info *info)
{
	struct bpf_prog_info pi;
	struct bpf_program *p;
	__u32 len = sizeof(pi);
	int err;

	if (!o || !name || !info)
		return -EINVAL;
	p = bpf_object__find_program_by_name(o->skel->obj, name);
	if (!p)
		return -ENOENT;
	memset(&pi, 0, sizeof(pi));
	err = bpf_prog_get_info_by_fd(bpf_program__fd(p), &pi, &len);
	if (err)
		return err < 0 ? err : -EIO;
	info->verified_insns = pi.verified_insns;
	info->xlated_bytes = pi.xlated_prog_len;
	info->jited_bytes = pi.jited_prog_len;
	return 0;
}
