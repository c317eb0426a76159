/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bpf_runtime.c - attach the BPF mapping program of the first kernel
 * flavour that works, or fall back to upcalls with a logged reason.
 * Built when lib/bpf/meson.build found clang, bpftool and libbpf >= 1.4.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fuse_log.h"
#include "kmodel_wire_i.h"
#include "bpf_runtime_i.h"
#include "bpf/fuse_iomap_ops.skel.h"
#include "bpf/fuse_dax_fmap_ops.skel.h"
#include "bpf/fuse_bpf_ops.skel.h"

#define REASON_LEN	512

struct fuse_bpf {
	enum fuse_bpf_path path;
	char reason[REASON_LEN];
	const char *ops_name;
	char dax_name[16];	/* per-process name of the global DAX ops */
	/* exactly one skeleton is set when path != UPCALL */
	struct fuse_iomap_ops *iomap;
	struct fuse_dax_fmap_ops *dax;
	struct fuse_bpf_ops *jk;
	struct bpf_link *link;
	struct bpf_map *files;
	uint32_t nslots;
	uint64_t *owner;	/* nodeid per slot, 0 = free */
	/*
	 * Kernel-model session (test/kmodel): the program is registered with
	 * the model and map values go over the model socket; -1 otherwise.
	 */
	int model_fd;
};

int fuse_bpf_built_in(const char **why)
{
	if (why)
		*why = "built with BPF mapping programs";
	return 1;
}

const char *fuse_bpf_path_name(enum fuse_bpf_path path)
{
	switch (path) {
	case FUSE_BPF_PATH_UPCALL:	return "upcall";
	case FUSE_BPF_PATH_IOMAP:	return "iomap-bpf";
	case FUSE_BPF_PATH_DAX_FMAP:	return "dax-fmap-bpf";
	case FUSE_BPF_PATH_FUSE_BPF:	return "fuse-bpf";
	}
	return "unknown";
}

enum fuse_bpf_path fuse_bpf_path(const struct fuse_bpf *b, const char **reason)
{
	if (!b) {
		if (reason)
			*reason = "no BPF handle";
		return FUSE_BPF_PATH_UPCALL;
	}
	if (reason)
		*reason = b->reason;
	return b->path;
}

const char *fuse_bpf_ops_name(const struct fuse_bpf *b)
{
	return b && b->path != FUSE_BPF_PATH_UPCALL ? b->ops_name : NULL;
}

/* libbpf's own messages go to the FUSE log at debug level while we load. */
static int libbpf_to_fuse_log(enum libbpf_print_level level, const char *fmt,
			      va_list ap)
{
	char msg[512];

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fuse_log(FUSE_LOG_DEBUG, "libbpf: %s", msg);
	return 0;
}

static void drop_skeleton(struct fuse_bpf *b)
{
	bpf_link__destroy(b->link);
	b->link = NULL;
	fuse_iomap_ops__destroy(b->iomap);
	fuse_dax_fmap_ops__destroy(b->dax);
	fuse_bpf_ops__destroy(b->jk);
	b->iomap = NULL;
	b->dax = NULL;
	b->jk = NULL;
	b->files = NULL;
}

/* errno of a failed libbpf call that returned NULL or a negative value. */
static int lib_err(int ret)
{
	if (ret < 0)
		return ret;
	return errno ? -errno : -EINVAL;
}

static int try_iomap(struct fuse_bpf *b, int fd, uint32_t blkbits,
		     const char **step)
{
	struct fuse_iomap_ops *s;
	int err;

	*step = "open";
	s = fuse_iomap_ops__open();
	if (!s)
		return lib_err(0);
	b->iomap = s;
	s->struct_ops.fuse_res_iomap_ops->fuse_fd = fd;
	s->rodata->fuse_nslots = b->nslots;
	s->rodata->fuse_blkbits = blkbits;
	*step = "set map size";
	err = bpf_map__set_max_entries(s->maps.fuse_files, b->nslots);
	if (err)
		return lib_err(err);
	*step = "load";
	err = fuse_iomap_ops__load(s);
	if (err)
		return lib_err(err);
	*step = "attach";
	b->link = bpf_map__attach_struct_ops(s->maps.fuse_res_iomap_ops);
	if (!b->link)
		return lib_err(0);
	b->files = s->maps.fuse_files;
	b->ops_name = "fuse_res_iomap";
	return 0;
}

/*
 * The map value of fuse_dax_fmap_ops as fuse_dax_fmap_ops.bpf.c declares
 * it (program pointers are 8 bytes in the skeleton's shadow type too).
 * bpftool's shadow type cannot name the char[16] member, so the name is
 * written through this mirror.
 */
struct dax_ops_value {
	void *iomap_setup;
	void *iomap_begin;
	uint32_t meta_size;
	char name[16];
};
_Static_assert(sizeof(struct dax_ops_value) ==
	       sizeof(*((struct fuse_dax_fmap_ops *)0)->struct_ops.fuse_res_dax_ops),
	       "dax ops mirror matches the skeleton's shadow type");

static int try_dax(struct fuse_bpf *b, const char **step)
{
	struct fuse_dax_fmap_ops *s;
	struct dax_ops_value *v;
	int err;

	*step = "open";
	s = fuse_dax_fmap_ops__open();
	if (!s)
		return lib_err(0);
	b->dax = s;
	/*
	 * Gregory Price's ops are registered globally by name (§7.2), so each
	 * server process registers its own: "fres_<pid>".
	 */
	snprintf(b->dax_name, sizeof(b->dax_name), "fres_%u",
		 (unsigned int)getpid() % 1000000000u);
	v = (struct dax_ops_value *)s->struct_ops.fuse_res_dax_ops;
	memset(v->name, 0, sizeof(v->name));
	memcpy(v->name, b->dax_name, strlen(b->dax_name));
	s->rodata->fuse_nslots = b->nslots;
	*step = "set map size";
	err = bpf_map__set_max_entries(s->maps.fuse_files, b->nslots);
	if (err)
		return lib_err(err);
	*step = "load";
	err = fuse_dax_fmap_ops__load(s);
	if (err)
		return lib_err(err);
	*step = "attach";
	b->link = bpf_map__attach_struct_ops(s->maps.fuse_res_dax_ops);
	if (!b->link)
		return lib_err(0);
	b->files = s->maps.fuse_files;
	b->ops_name = b->dax_name;
	return 0;
}

static int try_jk(struct fuse_bpf *b, int fd, const char **step)
{
	struct fuse_bpf_ops *s;
	int err;

	*step = "open";
	s = fuse_bpf_ops__open();
	if (!s)
		return lib_err(0);
	b->jk = s;
	s->struct_ops.fuse_res_jk_ops->dev_fd = fd;
	s->rodata->fuse_nslots = b->nslots;
	*step = "set map size";
	err = bpf_map__set_max_entries(s->maps.fuse_files, b->nslots);
	if (err)
		return lib_err(err);
	*step = "load";
	err = fuse_bpf_ops__load(s);
	if (err)
		return lib_err(err);
	*step = "attach";
	b->link = bpf_map__attach_struct_ops(s->maps.fuse_res_jk_ops);
	if (!b->link)
		return lib_err(0);
	b->files = s->maps.fuse_files;
	b->ops_name = "fuse_res_jk";
	return 0;
}

static const struct {
	enum fuse_bpf_flavour flavour;
	enum fuse_bpf_path path;
	const char *type;
} flavours[] = {
	{ FUSE_BPF_FLAVOUR_IOMAP, FUSE_BPF_PATH_IOMAP, "fuse_iomap_bpf_ops" },
	{ FUSE_BPF_FLAVOUR_DAX_FMAP, FUSE_BPF_PATH_DAX_FMAP, "fuse_dax_fmap_ops" },
	{ FUSE_BPF_FLAVOUR_FUSE_BPF, FUSE_BPF_PATH_FUSE_BPF, "fuse_bpf_ops" },
};

/* Append "; <text>" to the reason. */
static void add_reason(struct fuse_bpf *b, const char *fmt, ...)
{
	size_t len = strlen(b->reason);
	va_list ap;

	if (len && len + 2 < sizeof(b->reason)) {
		strcpy(b->reason + len, "; ");
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(b->reason + len, sizeof(b->reason) - len, fmt, ap);
	va_end(ap);
}

static void attach_flavours(struct fuse_bpf *b, int fd,
			    const struct fuse_bpf_opts *o)
{
	unsigned int want = o->flavours ? o->flavours :
		(FUSE_BPF_FLAVOUR_IOMAP | FUSE_BPF_FLAVOUR_DAX_FMAP |
		 FUSE_BPF_FLAVOUR_FUSE_BPF);
	uint32_t blkbits = o->blkbits ? o->blkbits : 12;
	char where[128], why[256];
	const char *step;
	size_t i;
	int err;

	if (fuse_bpf_check_libbpf(why, sizeof(why))) {
		add_reason(b, "%s", why);
		return;
	}
	if (fuse_bpf_check_caps(why, sizeof(why))) {
		add_reason(b, "%s", why);
		return;
	}
	if (blkbits < 9 || blkbits > 16) {
		add_reason(b, "block size 2^%u out of range", blkbits);
		return;
	}
	for (i = 0; i < sizeof(flavours) / sizeof(flavours[0]); i++) {
		if (!(want & flavours[i].flavour))
			continue;
		if (!o->skip_btf_check) {
			err = fuse_bpf_btf_has_struct_ops(o->btf_dir,
							  flavours[i].type,
							  where, sizeof(where));
			if (err < 0) {
				add_reason(b, "%s: kernel BTF unreadable: %s",
					   flavours[i].type, strerror(-err));
				continue;
			}
			if (err == 0) {
				add_reason(b, "%s: struct_ops type not in kernel BTF (vmlinux and modules)",
					   flavours[i].type);
				continue;
			}
		}
		switch (flavours[i].path) {
		case FUSE_BPF_PATH_IOMAP:
			err = try_iomap(b, fd, blkbits, &step);
			break;
		case FUSE_BPF_PATH_DAX_FMAP:
			err = try_dax(b, &step);
			break;
		default:
			err = try_jk(b, fd, &step);
			break;
		}
		if (err == 0) {
			b->path = flavours[i].path;
			b->reason[0] = '\0';
			add_reason(b, "%s attached (%s, %u slots)",
				   flavours[i].type, b->ops_name, b->nslots);
			return;
		}
		add_reason(b, "%s: %s failed: %s", flavours[i].type, step,
			   strerror(-err));
		drop_skeleton(b);
	}
}

/*
 * Kernel-model session: the model plays the kernel's BTF and struct_ops
 * registration (lib/kmodel_wire_i.h, KMW_BPF_*), runs the resolver
 * bytecode itself through BPF_PROG_TEST_RUN, and receives the per-file
 * records this runtime would write into the kernel map. Nothing is loaded
 * in this process, so the libbpf and capability checks do not apply; the
 * model reports its own load failures (no BPF in its build, no CAP_BPF).
 */
static void attach_model(struct fuse_bpf *b, int fd, const struct fuse_bpf_opts *o)
{
	unsigned int want = o->flavours ? o->flavours :
		(FUSE_BPF_FLAVOUR_IOMAP | FUSE_BPF_FLAVOUR_DAX_FMAP |
		 FUSE_BPF_FLAVOUR_FUSE_BPF);
	uint32_t blkbits = o->blkbits ? o->blkbits : 12;
	size_t i;
	int err;

	if (blkbits < 9 || blkbits > 16) {
		add_reason(b, "block size 2^%u out of range", blkbits);
		return;
	}
	for (i = 0; i < sizeof(flavours) / sizeof(flavours[0]); i++) {
		struct kmw_bpf_reg reg;

		if (!(want & flavours[i].flavour))
			continue;
		err = fuse_kmodel_bpf_probe(fd, flavours[i].flavour);
		if (err <= 0) {
			add_reason(b, "%s: %s", flavours[i].type, err == 0 ?
				   "struct_ops type not in the kernel model's BTF" :
				   strerror(-err));
			continue;
		}
		memset(&reg, 0, sizeof(reg));
		reg.flavour = flavours[i].flavour;
		reg.nslots = b->nslots;
		reg.blkbits = blkbits;
		reg.value_size = sizeof(struct fuse_bpf_file);
		if (flavours[i].path == FUSE_BPF_PATH_DAX_FMAP) {
			snprintf(b->dax_name, sizeof(b->dax_name), "fres_%u",
				 (unsigned int)getpid() % 1000000000u);
			b->ops_name = b->dax_name;
		} else if (flavours[i].path == FUSE_BPF_PATH_IOMAP) {
			b->ops_name = "fuse_res_iomap";
		} else {
			b->ops_name = "fuse_res_jk";
		}
		memcpy(reg.name, b->ops_name, strlen(b->ops_name));
		err = fuse_kmodel_bpf_register(fd, &reg);
		if (err == 0) {
			b->path = flavours[i].path;
			b->model_fd = fd;
			b->reason[0] = '\0';
			add_reason(b, "%s registered with the kernel model (%s, %u slots)",
				   flavours[i].type, b->ops_name, b->nslots);
			return;
		}
		b->ops_name = NULL;
		add_reason(b, "%s: the kernel model refused the program: %s",
			   flavours[i].type, strerror(-err));
	}
}

static void publish_dax_paths(struct fuse_bpf *b, const struct fuse_bpf_opts *o);

struct fuse_bpf *fuse_bpf_attach(int fuse_fd, const struct fuse_bpf_opts *opts)
{
	static const struct fuse_bpf_opts defaults;
	const struct fuse_bpf_opts *o = opts ? opts : &defaults;
	libbpf_print_fn_t old_print;
	struct fuse_bpf *b;

	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->path = FUSE_BPF_PATH_UPCALL;
	b->model_fd = -1;
	b->nslots = o->nslots ? o->nslots : FUSE_BPF_SLOTS_DEFAULT;
	if (b->nslots > FUSE_BPF_SLOTS_MAX) {
		add_reason(b, "%u slots exceed the maximum %u", b->nslots,
			   FUSE_BPF_SLOTS_MAX);
	} else if (fuse_fd < 0) {
		add_reason(b, "no /dev/fuse fd");
	} else if (fuse_kmodel_is_model_fd(fuse_fd)) {
		attach_model(b, fuse_fd, o);
	} else {
		old_print = libbpf_set_print(libbpf_to_fuse_log);
		attach_flavours(b, fuse_fd, o);
		libbpf_set_print(old_print);
	}
	if (b->path != FUSE_BPF_PATH_UPCALL) {
		b->owner = calloc(b->nslots, sizeof(*b->owner));
		if (!b->owner) {
			drop_skeleton(b);
			b->path = FUSE_BPF_PATH_UPCALL;
			snprintf(b->reason, sizeof(b->reason),
				 "out of memory for the slot table");
		}
	}
	publish_dax_paths(b, o);
	if (b->path == FUSE_BPF_PATH_UPCALL)
		fuse_log(FUSE_LOG_INFO,
			 "fuse: BPF mapping program not used, mappings go through upcalls: %s\n",
			 b->reason);
	else
		fuse_log(FUSE_LOG_INFO, "fuse: BPF mapping program: %s\n",
			 b->reason);
	return b;
}

static int valid_record(const struct fuse_bpf_file *rec)
{
	if (rec->nodeid == 0)
		return 0;
	if (rec->kind == FUSE_BPF_FILE_EXTENTS)
		return fuse_res_extents_check(rec->u.ext.ext, rec->u.ext.count,
					      FUSE_RES_EXT_MAX_FAMFS,
					      rec->u.ext.size, NULL) == 0;
	if (rec->kind == FUSE_BPF_FILE_INTERLEAVE)
		return fuse_res_interleave_check(&rec->u.il) == 0;
	return 0;
}

int fuse_bpf_set_file(struct fuse_bpf *b, const struct fuse_bpf_file *rec)
{
	uint32_t slot;
	int err;

	if (!b || b->path == FUSE_BPF_PATH_UPCALL || (!b->files && b->model_fd < 0))
		return -EOPNOTSUPP;
	if (!rec || !valid_record(rec))
		return -EINVAL;
	slot = fuse_bpf_slot(rec->nodeid, b->nslots);
	if (slot >= b->nslots)
		return -EINVAL;
	if (b->owner[slot] && b->owner[slot] != rec->nodeid)
		return -EBUSY;
	/*
	 * Gregory Price's iomap_setup registers the devices of dev_bitmap
	 * (fuse_dax_fmap_ops.bpf.c): it must name every device the layout
	 * maps data on, each a table slot.
	 */
	if (b->path == FUSE_BPF_PATH_DAX_FMAP &&
	    ((fuse_bpf_file_used_devs(rec) & ~rec->dev_bitmap) ||
	     (rec->dev_bitmap >> FUSE_BPF_DAX_DEVS)))
		return -EINVAL;
	if (b->model_fd >= 0)
		err = fuse_kmodel_bpf_map_update(b->model_fd, slot, rec,
						 sizeof(*rec), 1);
	else
		err = bpf_map__update_elem(b->files, &slot, sizeof(slot), rec,
					   sizeof(*rec), BPF_ANY);
	if (err)
		return err < 0 ? err : -EIO;
	b->owner[slot] = rec->nodeid;
	return 0;
}

int fuse_bpf_set_dax_device(struct fuse_bpf *b, uint32_t index, const char *path)
{
	struct fuse_bpf_dax_dev v;
	size_t len = path ? strlen(path) : 0;
	int err;

	if (!b || b->path != FUSE_BPF_PATH_DAX_FMAP || (!b->dax && b->model_fd < 0))
		return -EOPNOTSUPP;
	if (index >= FUSE_BPF_DAX_DEVS)
		return -EINVAL;
	/* the program passes len 255 to the kfunc: NUL within it (§7.2) */
	if (len >= FUSE_BPF_DAX_PATH_MAX)
		return -ENAMETOOLONG;
	memset(&v, 0, sizeof(v));
	if (len)
		memcpy(v.path, path, len);
	if (b->model_fd >= 0)
		err = fuse_kmodel_bpf_map_update(b->model_fd,
						 FUSE_BPF_MODEL_DEVTAB_FLAG | index,
						 &v, sizeof(v), 1);
	else
		err = bpf_map__update_elem(b->dax->maps.fuse_dax_devs, &index,
					   sizeof(index), &v, sizeof(v), BPF_ANY);
	return err < 0 ? err : (err ? -EIO : 0);
}

/* Publish opts->dax_paths once Gregory Price's program is attached. */
static void publish_dax_paths(struct fuse_bpf *b, const struct fuse_bpf_opts *o)
{
	uint32_t i;
	int err;

	if (b->path != FUSE_BPF_PATH_DAX_FMAP || !o->dax_paths)
		return;
	for (i = 0; i < o->ndax_paths; i++) {
		if (!o->dax_paths[i] || !o->dax_paths[i][0])
			continue;
		err = fuse_bpf_set_dax_device(b, i, o->dax_paths[i]);
		if (err)
			fuse_log(FUSE_LOG_WARNING,
				 "fuse: BPF device table: daxdev %u (%s) not published: %s; files on it fail with EIO\n",
				 i, o->dax_paths[i], strerror(-err));
	}
}

int fuse_bpf_clear_file(struct fuse_bpf *b, uint64_t nodeid)
{
	struct fuse_bpf_file empty;
	uint32_t slot;
	int err;

	if (!b || b->path == FUSE_BPF_PATH_UPCALL || (!b->files && b->model_fd < 0))
		return -EOPNOTSUPP;
	slot = fuse_bpf_slot(nodeid, b->nslots);
	if (nodeid == 0 || slot >= b->nslots || b->owner[slot] != nodeid)
		return -ENOENT;
	memset(&empty, 0, sizeof(empty));
	if (b->model_fd >= 0)
		/* posted: FORGET may come while the model is not reading */
		err = fuse_kmodel_bpf_map_update(b->model_fd, slot, &empty,
						 sizeof(empty), 0);
	else
		err = bpf_map__update_elem(b->files, &slot, sizeof(slot), &empty,
					   sizeof(empty), BPF_ANY);
	if (err)
		return err < 0 ? err : -EIO;
	b->owner[slot] = 0;
	return 0;
}

void fuse_bpf_detach(struct fuse_bpf *b)
{
	if (!b)
		return;
	drop_skeleton(b);
	free(b->owner);
	free(b);
}
