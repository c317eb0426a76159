/*
 * The BPF mapping programs as the kernels of spec 7.1 (Darrick Wong,
 * fuse_iomap_bpf_ops) and 7.2 (Gregory Price, fuse_dax_fmap_ops) use them.
 *
 * No kernel here has those struct_ops types, so the model plays the
 * kernel's BTF and struct_ops registration: on a model session the
 * library's BPF runtime registers its program and writes the per-file
 * records (struct fuse_bpf_file) over the model socket (KMW_BPF_*,
 * lib/kmodel_wire_i.h) instead of into a kernel ARRAY map. The model keeps
 * that map itself and, wherever the kernel would call the program, runs
 * the real resolver bytecode on the record through BPF_PROG_TEST_RUN
 * (lib/bpf/bpf_oracle.h): "resolve_query" in resolve_prog.bpf.c does the
 * same map lookup (slot, owner nodeid), the same resolver and the same
 * answer logic (fuse_bpf_wrap.h) as the struct_ops wrappers.
 *
 * Everything the library sends is input: sizes, slots, names and flavours
 * are checked here, and every answer of the program is checked as the
 * kernel checks it (iomap: the BEGIN validation of spec 2.4).
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "km_i.h"
#include "bpf_oracle.h"
#include "bpf_runtime_i.h"

/* The program's begin answer is the wire's fuse_iomap_begin_out (spec 7.1). */
_Static_assert(sizeof(struct fuse_bpf_begin_out) == sizeof(struct fuse_iomap_begin_out),
	       "begin_out size");
_Static_assert(offsetof(struct fuse_bpf_io, dev) == offsetof(struct fuse_iomap_io, dev) &&
	       offsetof(struct fuse_bpf_io, type) == offsetof(struct fuse_iomap_io, type) &&
	       offsetof(struct fuse_bpf_begin_out, write) ==
	       offsetof(struct fuse_iomap_begin_out, write),
	       "begin_out layout");

/* resolve_query: no map entry for the queried nodeid */
#define KM_BPF_NO_ENTRY	(-2)
/* Gregory's meta_size bound (FUSE_DAX_FMAP_META_MAX, spec 7.2) */
#define KM_BPF_META_MAX	65536u

/*
 * The oracle is process-wide and its query map has one slot per nodeid
 * (mod 4096): queries of several models in one process are serialized.
 */
static pthread_mutex_t km_oracle_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * The program's device table (fuse_dax_devs in fuse_dax_fmap_ops.bpf.c,
 * index -> devdax path), one per model, written by the library with
 * FUSE_BPF_MODEL_DEVTAB_FLAG map updates. Kept beside struct km_bpf
 * (km_i.h) in a list of its own, freed with the program.
 */
struct km_devtab {
	const struct kmodel *km;
	struct fuse_bpf_dax_dev dev[FUSE_BPF_DAX_DEVS];
	struct km_devtab *next;
};
static pthread_mutex_t km_devtab_lock = PTHREAD_MUTEX_INITIALIZER;
static struct km_devtab *km_devtabs;

/* The table of @km; created empty when @create. NULL if none / no memory. */
static struct km_devtab *devtab_of(const struct kmodel *km, bool create)
{
	struct km_devtab *t;

	pthread_mutex_lock(&km_devtab_lock);
	for (t = km_devtabs; t; t = t->next)
		if (t->km == km)
			break;
	if (!t && create) {
		t = calloc(1, sizeof(*t));
		if (t) {
			t->km = km;
			t->next = km_devtabs;
			km_devtabs = t;
		}
	}
	pthread_mutex_unlock(&km_devtab_lock);
	return t;
}

static void devtab_free(const struct kmodel *km)
{
	struct km_devtab **pp, *t;

	pthread_mutex_lock(&km_devtab_lock);
	for (pp = &km_devtabs; *pp; pp = &(*pp)->next) {
		if ((*pp)->km == km) {
			t = *pp;
			*pp = t->next;
			free(t);
			break;
		}
	}
	pthread_mutex_unlock(&km_devtab_lock);
}

/* A device table update: BPF_MAP_UPDATE_ELEM on the 24-entry ARRAY map. */
static int devtab_update(struct kmodel *km, uint32_t index, const void *payload,
			 size_t plen)
{
	struct km_devtab *t;

	if (km->bpf.flavour != FUSE_BPF_FLAVOUR_DAX_FMAP)
		return -EINVAL;		/* only Gregory's object has the map */
	if (plen != sizeof(struct fuse_bpf_dax_dev))
		return -EINVAL;		/* value_size of the map */
	if (index >= FUSE_BPF_DAX_DEVS)
		return -E2BIG;		/* index >= max_entries */
	t = devtab_of(km, true);
	if (!t)
		return -ENOMEM;
	memcpy(&t->dev[index], payload, plen);
	km->bpf.updates++;
	return 0;
}

static uint32_t dialect_flavour(const struct fuse_dialect *d)
{
	if (!d->bpf || !d->bpf_ops_type)
		return 0;
	if (!strcmp(d->bpf_ops_type, "fuse_iomap_bpf_ops"))
		return FUSE_BPF_FLAVOUR_IOMAP;
	if (!strcmp(d->bpf_ops_type, "fuse_dax_fmap_ops"))
		return FUSE_BPF_FLAVOUR_DAX_FMAP;
	return 0;
}

static bool one_bit(uint32_t v)
{
	return v && !(v & (v - 1));
}

int km_bpf_probe(struct kmodel *km, uint32_t flavour)
{
	if (!one_bit(flavour))
		return -EINVAL;
	return km->o.bpf_btf && dialect_flavour(km->d) == flavour ? 1 : 0;
}

bool km_bpf_fmap_registered(const struct kmodel *km)
{
	return km->bpf.registered && km->bpf.flavour == FUSE_BPF_FLAVOUR_DAX_FMAP;
}

/* BPF object names: [A-Za-z0-9_.], NUL-terminated within the array. */
static bool name_ok(const char *n, size_t max)
{
	size_t i;

	for (i = 0; i < max && n[i]; i++)
		if (!isalnum((unsigned char)n[i]) && n[i] != '_' && n[i] != '.')
			return false;
	return i > 0 && i < max;
}

static int refuse(struct kmodel *km, int err, const char *fmt, const char *arg)
{
	snprintf(km->bpf.why, sizeof(km->bpf.why), fmt, arg);
	km_err(km, "BPF program refused: %s", km->bpf.why);
	return err;
}

int km_bpf_register(struct kmodel *km, const void *payload, size_t plen)
{
	struct km_bpf *b = &km->bpf;
	struct kmw_bpf_reg reg;
	char why[200];
	int err = 0;

	if (plen != sizeof(reg))
		return refuse(km, -EINVAL, "%s", "malformed registration");
	memcpy(&reg, payload, sizeof(reg));
	if (!one_bit(reg.flavour))
		return refuse(km, -EINVAL, "%s", "not one struct_ops flavour");
	if (km_bpf_probe(km, reg.flavour) != 1)
		/* libbpf finds no such struct_ops type in the kernel BTF */
		return refuse(km, -ENOENT, "%s", "struct_ops type not in this kernel's BTF");
	if (reg.value_size != sizeof(struct fuse_bpf_file))
		return refuse(km, -EINVAL, "%s", "map value size differs from the program's");
	if (reg.value_size == 0 || reg.value_size > KM_BPF_META_MAX)
		return refuse(km, -EINVAL, "%s", "meta_size not in 1..65536");
	if (reg.nslots == 0 || reg.nslots > FUSE_BPF_SLOTS_MAX)
		return refuse(km, -EINVAL, "%s", "map size out of range");
	if (reg.blkbits < 9 || reg.blkbits > 16)
		return refuse(km, -EINVAL, "%s", "block size out of range");
	if (!name_ok(reg.name, sizeof(reg.name)))
		return refuse(km, -EINVAL, "%s", "invalid struct_ops name");
	if (b->registered)
		/* 7.1: one per connection; 7.2: one name, one program here */
		return refuse(km, -EBUSY, "%s", "a program is already registered");
	if (reg.flavour == FUSE_BPF_FLAVOUR_IOMAP && !km->iomap)
		/* 7.1: the reg check needs an iomap connection */
		return refuse(km, -EOPNOTSUPP, "%s", "not an iomap connection");
	b->oracle = bpf_oracle_get(why, sizeof(why), &err);
	if (!b->oracle)
		return refuse(km, err ? err : -EOPNOTSUPP,
			      "the model cannot run the bytecode: %s", why);
	b->map = calloc(reg.nslots, sizeof(*b->map));
	if (!b->map)
		return -ENOMEM;
	b->registered = true;
	b->flavour = reg.flavour;
	b->nslots = reg.nslots;
	b->blkbits = reg.blkbits;
	memcpy(b->name, reg.name, sizeof(reg.name));
	b->name[sizeof(reg.name)] = '\0';
	b->why[0] = '\0';
	if (km->o.verbose)
		fprintf(stderr, "kmodel: BPF program '%s' registered (%u slots)\n",
			b->name, b->nslots);
	return 0;
}

int km_bpf_map_update(struct kmodel *km, uint32_t slot, const void *payload,
		      size_t plen)
{
	struct km_bpf *b = &km->bpf;

	if (!b->registered)
		return -EBADF;		/* no map: no program was loaded */
	if (slot & FUSE_BPF_MODEL_DEVTAB_FLAG)
		return devtab_update(km, slot & ~FUSE_BPF_MODEL_DEVTAB_FLAG,
				     payload, plen);
	if (plen != sizeof(struct fuse_bpf_file))
		return -EINVAL;		/* value_size of the map */
	if (slot >= b->nslots)
		return -E2BIG;		/* ARRAY map: index >= max_entries */
	if (!b->map[slot]) {
		b->map[slot] = malloc(sizeof(struct fuse_bpf_file));
		if (!b->map[slot])
			return -ENOMEM;
	}
	/* a map update is a copy; the program validates what it reads */
	memcpy(b->map[slot], payload, plen);
	b->updates++;
	return 0;
}

/*
 * Run the bytecode for @nodeid at @off with @rec as the content of the
 * program's map slot (NULL: the slot is empty).
 */
static int run_query(struct kmodel *km, const struct fuse_bpf_file *rec,
		     uint64_t nodeid, uint64_t off, uint32_t opflags,
		     uint32_t ndev, struct resolve_query *q)
{
	struct fuse_bpf_file other;
	int err;

	memset(q, 0, sizeof(*q));
	q->kind = RESOLVE_KIND_FILE;
	q->nodeid = nodeid;
	q->off = off;
	q->opflags = opflags;
	q->blkbits = km->bpf.blkbits;
	q->ndev = ndev;
	if (!rec || rec->nodeid != nodeid || nodeid == 0) {
		/*
		 * The slot is empty or belongs to another file: the program
		 * must find a record that is not this file's, so give it one
		 * of another nodeid in the same oracle slot.
		 */
		memset(&other, 0, sizeof(other));
		other.nodeid = nodeid <= UINT64_MAX - RESOLVE_FILE_SLOTS ?
			       nodeid + RESOLVE_FILE_SLOTS : nodeid - RESOLVE_FILE_SLOTS;
		rec = &other;
	}
	pthread_mutex_lock(&km_oracle_lock);
	err = bpf_oracle_put(km->bpf.oracle, RESOLVE_KIND_FILE, 0, rec, 0);
	if (!err)
		err = bpf_oracle_query(km->bpf.oracle, q);
	pthread_mutex_unlock(&km_oracle_lock);
	if (err)
		km_err(km, "running BPF program '%s' failed: %s", km->bpf.name,
		       strerror(-err));
	return err;
}

static const struct fuse_bpf_file *slot_of(const struct km_bpf *b, uint64_t nodeid)
{
	uint32_t slot = fuse_bpf_slot(nodeid, b->nslots);

	return slot < b->nslots ? b->map[slot] : NULL;
}

int km_bpf_iomap_begin(struct kmodel *km, struct km_inode *ino,
		       uint32_t opflags, uint64_t pos,
		       struct fuse_iomap_begin_out *o)
{
	struct km_bpf *b = &km->bpf;
	struct resolve_query q;

	if (!b->registered || b->flavour != FUSE_BPF_FLAVOUR_IOMAP)
		return 0;
	if (run_query(km, slot_of(b, ino->nodeid), ino->nodeid, pos, opflags,
		      0, &q))
		return 0;	/* the model could not run it: the upcall */
	if (q.rc == KM_BPF_NO_ENTRY || q.begin_rc != FUSE_BPF_FIB_HANDLED) {
		b->fallbacks++;
		return 0;
	}
	memcpy(o, &q.begin, sizeof(*o));
	return 1;
}

/*
 * bpf_fuse_dax_setup_add_device (spec 7.2): register devdax @path in table
 * slot @index with the checks of GET_DAXDEV (spec 4.4): the index is a
 * table slot, the path a character device (km_daxdev_install: kern_path,
 * S_ISCHR; the model also takes regular files standing in for devices
 * unless run strict). A slot already valid stays as it is.
 */
static int add_device_kfunc(struct kmodel *km, uint32_t index, const char *path)
{
	const struct fuse_dialect *d = km->d;

	if (index >= d->lim.daxdev_slots || index >= KM_MAX_DAXDEV)
		return -EINVAL;
	if (!memchr(path, '\0', FUSE_BPF_DAX_PATH_MAX - 1))
		return -ENAMETOOLONG;	/* len__sz = 255: no NUL within */
	if (km->dax[index].failed)
		return -EIO;
	if (km->dax[index].valid)
		return 0;
	return km_daxdev_install(km, index, path, -1);
}

int km_bpf_fmap_setup(struct kmodel *km, struct km_inode *ino)
{
	const struct fuse_dialect *d = km->d;
	struct km_bpf *b = &km->bpf;
	const struct fuse_bpf_file *rec;
	const struct km_devtab *t;
	struct resolve_query q;
	uint32_t i;
	int res;

	if (!km_bpf_fmap_registered(km) || strcmp(b->name, km->ops_name)) {
		/* gourryinverse fuse_dax_fmap_open: no ops -> -EOPNOTSUPP */
		km_err(km, "no fuse_dax_fmap_ops '%s' registered", km->ops_name);
		return -EOPNOTSUPP;
	}
	rec = slot_of(b, ino->nodeid);
	if (run_query(km, rec, ino->nodeid, 0, 0, d->lim.daxdev_slots, &q))
		return -EIO;
	if (q.rc == KM_BPF_NO_ENTRY) {
		/*
		 * The program's iomap_setup returns -ENOENT when the server
		 * published no record (fuse_dax_fmap_ops.bpf.c); the kernel
		 * fails the open with the setup's error, and there is no
		 * GET_FMAP to fall back to (spec 7.2, 7.4).
		 */
		km_err(km, "fuse_dax_fmap_ops '%s': iomap_setup found no record "
		       "for node %llu", b->name, (unsigned long long)ino->nodeid);
		return -ENOENT;
	}
	if (q.setup_rc) {
		/* fuse_bpf_dax_setup_devs(), run in the bytecode: bad bitmap */
		km_err(km, "fuse_dax_fmap_ops '%s': iomap_setup of node %llu "
		       "failed (%d): device bitmap 0x%x beyond %u slots", b->name,
		       (unsigned long long)ino->nodeid, q.setup_rc,
		       rec->dev_bitmap, d->lim.daxdev_slots);
		return q.setup_rc;
	}
	/* the setup copies the record into the per-inode meta buffer */
	free(ino->bpf_meta);
	ino->bpf_meta = malloc(sizeof(*ino->bpf_meta));
	if (!ino->bpf_meta)
		return -ENOMEM;
	memcpy(ino->bpf_meta, rec, sizeof(*rec));
	/*
	 * Then it calls bpf_fuse_dax_setup_add_device for every device of
	 * parse_ctx.dev_bitmap (q.setup_devs, computed by the bytecode) whose
	 * path the library published in the device table. That kfunc is a
	 * sleepable struct_ops kfunc which a SEC("syscall") program run
	 * through test_run cannot call, and its effect is on the kernel's
	 * daxdev table, so the model applies it here from the same device
	 * table the program reads (devtab_update). An index without a path
	 * registers nothing (the program skips it).
	 */
	t = devtab_of(km, false);
	for (i = 0; i < FUSE_BPF_DAX_DEVS && t; i++) {
		if (!(q.setup_devs & (1ULL << i)) || !t->dev[i].path[0])
			continue;
		res = add_device_kfunc(km, i, t->dev[i].path);
		if (res) {
			km_err(km, "fuse_dax_fmap_ops '%s': bpf_fuse_dax_setup_add_device"
			       "(%u, %.64s) failed: %s", b->name, i, t->dev[i].path,
			       strerror(-res));
			free(ino->bpf_meta);
			ino->bpf_meta = NULL;
			return res;
		}
	}
	/* parse_ctx.dev_bitmap: every device the file uses must be present */
	for (i = 0; i < 64; i++) {
		if (!(q.setup_devs & (1ULL << i)))
			continue;
		if (i >= d->lim.daxdev_slots || i >= KM_MAX_DAXDEV ||
		    !km->dax[i].valid) {
			km_err(km, "fuse_dax_fmap_ops '%s': node %llu uses daxdev %u, "
			       "which is not registered", b->name,
			       (unsigned long long)ino->nodeid, i);
			free(ino->bpf_meta);
			ino->bpf_meta = NULL;
			return -EIO;
		}
	}
	return 0;
}

/*
 * DAX read/write on Gregory's kernel: every iomap_begin runs the program
 * on the inode's meta buffer. The kernel takes addr, length and dev_index,
 * forces IOMAP_MAPPED and the requested offset (spec 7.2;
 * gourryinverse fs/fuse/fuse_dax_fmap.c: iomap->offset = offset): addr is
 * the device address of pos itself and length counts from pos. The
 * program's own offset is ignored here as there.
 */
ssize_t km_bpf_fmap_rw(struct kmodel *km, struct km_inode *ino, uint64_t off,
		       size_t len, void *buf, bool write)
{
	const struct fuse_dialect *d = km->d;
	struct km_bpf *b = &km->bpf;
	size_t done = 0;

	if (!ino->bpf_meta || !km_bpf_fmap_registered(km))
		return -EIO;	/* fuse_dax_file_bad: no meta buffer */
	if (off >= ino->attr.size)
		return 0;
	if (len > ino->attr.size - off)
		len = ino->attr.size - off;
	while (done < len) {
		uint64_t pos = off + done, n;
		struct resolve_query q;
		struct fuse_bpf_io *io = &q.famfs;
		int res;

		if (run_query(km, ino->bpf_meta, ino->nodeid, pos, 0,
			      d->lim.daxdev_slots, &q))
			res = -EIO;
		else if (q.rc == KM_BPF_NO_ENTRY)
			res = -EINVAL;	/* meta buffer of another file */
		else
			res = q.famfs_rc;
		if (!res && (io->dev >= d->lim.daxdev_slots ||
			     io->dev >= KM_MAX_DAXDEV || !km->dax[io->dev].valid))
			res = -EIO;	/* dev_index >= nslots, or fuse_dax_err */
		if (!res && io->length == 0) {
			km_err(km, "fuse_dax_fmap_ops '%s': zero-length mapping "
			       "at %llu", b->name, (unsigned long long)pos);
			res = -EIO;
		}
		if (res)
			return done ? (ssize_t)done : res;
		b->served++;
		n = len - done < io->length ? len - done : io->length;
		res = km_pio(km->dax[io->dev].fd, (char *)buf + done, n,
			     io->addr, write);
		if (res)
			return done ? (ssize_t)done : res;
		done += n;
	}
	return done;
}

void km_bpf_free(struct kmodel *km)
{
	uint32_t i;

	if (km->bpf.map) {
		for (i = 0; i < km->bpf.nslots; i++)
			free(km->bpf.map[i]);
		free(km->bpf.map);
	}
	km->bpf.map = NULL;
	km->bpf.registered = false;
	devtab_free(km);
}

uint64_t kmodel_count_bpf(const struct kmodel *km)
{
	return km->bpf.served;
}

uint64_t kmodel_count_bpf_fallback(const struct kmodel *km)
{
	return km->bpf.fallbacks;
}

const char *kmodel_bpf_program(const struct kmodel *km, const char **why)
{
	if (km->bpf.registered)
		return km->bpf.name;
	if (why)
		*why = km->bpf.why[0] ? km->bpf.why : "no BPF program registered";
	return NULL;
}

int kmodel_bpf_iomap_begin(struct kmodel *km, const char *path, uint64_t pos,
			   uint32_t opflags, struct fuse_iomap_begin_out *out)
{
	struct km_inode *ino;
	int res;

	if (!km->bpf.registered || km->bpf.flavour != FUSE_BPF_FLAVOUR_IOMAP)
		return -EOPNOTSUPP;
	res = km_resolve(km, path, &ino);
	if (res)
		return res;
	if (!km_bpf_iomap_begin(km, ino, opflags, pos, out))
		return 0;
	res = km_iomap_check_mapping(km, ino, &out->read, false, false, pos, true);
	if (!res)
		res = km_iomap_check_mapping(km, ino, &out->write, true, false,
					     pos, true);
	return res ? res : 1;
}
