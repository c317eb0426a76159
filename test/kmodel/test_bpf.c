/*
 * The kernel model's BPF dialects against the scripted server: the server
 * side registers a mapping program and publishes per-file records over the
 * model socket (KMW_BPF_*), and the model answers mappings by running the
 * real resolver bytecode (BPF_PROG_TEST_RUN).
 *
 *  - iomap-v7-bpf: the program's answer at random offsets equals the native
 *    resolver + fuse_bpf_begin_decide(); reads of a published file need no
 *    IOMAP_BEGIN upcall; no record (or another file's record) falls back to
 *    the upcall; a FIB_HANDLED answer is validated like a reply;
 *  - famfs-gp-bpf: no GET_FMAP; data through iomap_setup + iomap_begin; no
 *    record fails the open; reads starting anywhere inside a segment get
 *    the bytes of the requested offset (the program answers from the
 *    requested offset, as the kernel takes it); iomap_setup registers the
 *    file's devices from the program's device table (the
 *    bpf_fuse_dax_setup_add_device kfunc, modelled), without a push;
 *  - every control message field is checked (sizes, slots, names, flavours).
 *
 * Where this process cannot run BPF (build without BPF, no CAP_BPF), the
 * model refuses the program with the reason and the fallbacks are checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_server.h"
#include "kmodel.h"
#include "kmodel_wire_i.h"
#include "bpf_oracle.h"
#include "bpf_runtime_i.h"

#define MIB (1ULL << 20)
#define KIB (1ULL << 10)

static int fails;
static bool bpf_runs;

#define CHECK(cond) do { \
	if (!(cond)) { \
		printf("FAIL %s:%d: %s\n", __func__, __LINE__, #cond); \
		fails++; \
	} \
} while (0)

/* What the scripted server does with BPF. */
struct bpf_script {
	uint32_t flavour;
	char name[16];
	uint32_t nslots;
	bool publish;
	struct fuse_bpf_file rec;
	int reg_res;
	int upd_res;
	bool abuse;		/* run the malformed-message checks first */
	bool clear_on_getattr;	/* post an empty record (as FORGET does) */
	const char *devtab_path;	/* dax: device table entry 0, after REGISTER */
	int devtab_res;
	int abuse_fails;
};

static int reg(int fd, uint32_t flavour, const char *name, uint32_t nslots,
	       uint32_t blkbits, uint32_t value_size)
{
	struct kmw_bpf_reg r;

	memset(&r, 0, sizeof(r));
	r.flavour = flavour;
	r.nslots = nslots;
	r.blkbits = blkbits;
	r.value_size = value_size;
	memcpy(r.name, name, strnlen(name, sizeof(r.name)));
	return fuse_kmodel_bpf_register(fd, &r);
}

#define EXPECT_RES(expr, want) do { \
	int r_ = (expr); \
	if (r_ != (want)) { \
		printf("FAIL abuse: %s = %d, want %d\n", #expr, r_, want); \
		b->abuse_fails++; \
	} \
} while (0)

/* Control messages with wrong fields, sent before the real registration. */
static void abuse(struct fake_srv *s, struct bpf_script *b)
{
	const uint32_t vs = sizeof(struct fuse_bpf_file);
	struct fuse_bpf_file rec;
	char big[KMW_PAYLOAD_MAX];

	memset(&rec, 0, sizeof(rec));
	memset(big, 0, sizeof(big));
	EXPECT_RES(fuse_kmodel_bpf_probe(s->fd, FUSE_BPF_FLAVOUR_IOMAP), 1);
	EXPECT_RES(fuse_kmodel_bpf_probe(s->fd, FUSE_BPF_FLAVOUR_DAX_FMAP), 0);
	EXPECT_RES(fuse_kmodel_bpf_probe(s->fd, 3), -EINVAL);
	EXPECT_RES(fuse_kmodel_bpf_probe(s->fd, 0), -EINVAL);
	EXPECT_RES(fuse_kmodel_bpf_map_update(s->fd, 0, &rec, vs, 1), -EBADF);
	EXPECT_RES(reg(s->fd, FUSE_BPF_FLAVOUR_DAX_FMAP, "x", 16, 12, vs), -ENOENT);
	EXPECT_RES(reg(s->fd, 3, "x", 16, 12, vs), -EINVAL);
	EXPECT_RES(reg(s->fd, FUSE_BPF_FLAVOUR_IOMAP, "x", 16, 12, vs - 8), -EINVAL);
	EXPECT_RES(reg(s->fd, FUSE_BPF_FLAVOUR_IOMAP, "x", 0, 12, vs), -EINVAL);
	EXPECT_RES(reg(s->fd, FUSE_BPF_FLAVOUR_IOMAP, "x", FUSE_BPF_SLOTS_MAX + 1, 12, vs), -EINVAL);
	EXPECT_RES(reg(s->fd, FUSE_BPF_FLAVOUR_IOMAP, "x", 16, 8, vs), -EINVAL);
	EXPECT_RES(reg(s->fd, FUSE_BPF_FLAVOUR_IOMAP, "x", 16, 17, vs), -EINVAL);
	EXPECT_RES(reg(s->fd, FUSE_BPF_FLAVOUR_IOMAP, "", 16, 12, vs), -EINVAL);
	EXPECT_RES(reg(s->fd, FUSE_BPF_FLAVOUR_IOMAP, "bad name", 16, 12, vs), -EINVAL);
	EXPECT_RES(reg(s->fd, FUSE_BPF_FLAVOUR_IOMAP, "sixteen_chars_xx", 16, 12, vs), -EINVAL);
	/* an oversized value before any program exists */
	EXPECT_RES(fuse_kmodel_bpf_map_update(s->fd, 0, big, sizeof(big), 1), -EBADF);
	if (!bpf_runs)
		return;
	EXPECT_RES(reg(s->fd, FUSE_BPF_FLAVOUR_IOMAP, "probe_ok", 4, 12, vs), 0);
	EXPECT_RES(reg(s->fd, FUSE_BPF_FLAVOUR_IOMAP, "again", 4, 12, vs), -EBUSY);
	EXPECT_RES(fuse_kmodel_bpf_map_update(s->fd, 4, &rec, vs, 1), -E2BIG);
	EXPECT_RES(fuse_kmodel_bpf_map_update(s->fd, 0, &rec, vs - 1, 1), -EINVAL);
	EXPECT_RES(fuse_kmodel_bpf_map_update(s->fd, 0, big, sizeof(big), 1), -EINVAL);
	EXPECT_RES(fuse_kmodel_bpf_map_update(s->fd, 0, &rec, vs, 1), 0);
	/* posted, refused quietly by the model (logged) */
	EXPECT_RES(fuse_kmodel_bpf_map_update(s->fd, 99, &rec, vs, 0), 0);
	/* only Gregory's object has a device table */
	{
		struct fuse_bpf_dax_dev v;

		memset(&v, 0, sizeof(v));
		EXPECT_RES(fuse_kmodel_bpf_map_update(s->fd, FUSE_BPF_MODEL_DEVTAB_FLAG,
						      &v, sizeof(v), 1), -EINVAL);
	}
}

static int hook(struct fake_srv *s, const struct fuse_in_header *h,
		const void *in, size_t inlen)
{
	struct bpf_script *b = s->priv;

	(void)in;
	(void)inlen;
	if (h->opcode == FUSE_INIT && b->flavour == FUSE_BPF_FLAVOUR_IOMAP &&
	    b->abuse)
		/* spec 7.1: before INIT there is no iomap connection */
		b->abuse_fails += reg(s->fd, FUSE_BPF_FLAVOUR_IOMAP, "early", 16, 12,
				      sizeof(struct fuse_bpf_file)) != -EOPNOTSUPP;
	if (h->opcode == FUSE_INIT && b->flavour == FUSE_BPF_FLAVOUR_DAX_FMAP) {
		/* Gregory: registered globally by name before the INIT reply names it */
		b->reg_res = reg(s->fd, b->flavour, b->name, b->nslots, 12,
				 sizeof(struct fuse_bpf_file));
		if (b->devtab_path && b->reg_res == 0) {
			/* what fuse_bpf_set_dax_device() sends on a model session */
			struct fuse_bpf_dax_dev v;

			memset(&v, 0, sizeof(v));
			snprintf(v.path, sizeof(v.path), "%s", b->devtab_path);
			/* malformed first: size, index, then the real entry */
			b->devtab_res = fuse_kmodel_bpf_map_update(s->fd,
				FUSE_BPF_MODEL_DEVTAB_FLAG | 0, &v, sizeof(v) - 1, 1) != -EINVAL;
			b->devtab_res |= fuse_kmodel_bpf_map_update(s->fd,
				FUSE_BPF_MODEL_DEVTAB_FLAG | FUSE_BPF_DAX_DEVS, &v,
				sizeof(v), 1) != -E2BIG;
			if (!b->devtab_res)
				b->devtab_res = fuse_kmodel_bpf_map_update(s->fd,
					FUSE_BPF_MODEL_DEVTAB_FLAG | 0, &v, sizeof(v), 1);
		}
	}
	if (h->opcode == FUSE_IOMAP_CONFIG && b->flavour == FUSE_BPF_FLAVOUR_IOMAP) {
		/* Darrick: attached once iomap is negotiated */
		if (b->abuse)
			abuse(s, b);
		else
			b->reg_res = reg(s->fd, b->flavour, b->name, b->nslots, 12,
					 sizeof(struct fuse_bpf_file));
	}
	if (h->opcode == FUSE_GETATTR && b->clear_on_getattr) {
		struct fuse_bpf_file empty;

		memset(&empty, 0, sizeof(empty));
		b->upd_res = fuse_kmodel_bpf_map_update(s->fd,
				fuse_bpf_slot(b->rec.nodeid, b->nslots),
				&empty, sizeof(empty), 0);
	}
	if (h->opcode == FUSE_OPEN && b->publish)
		b->upd_res = fuse_kmodel_bpf_map_update(s->fd,
				fuse_bpf_slot(b->rec.nodeid, b->nslots),
				&b->rec, sizeof(b->rec), 1);
	return 0;
}

static struct kmodel *start(const char *dialect, struct fake_srv *s)
{
	struct kmodel_opts o;
	int fd;

	kmodel_opts_init(&o, fuse_dialect_by_name(dialect));
	o.timeout_ms = 10000;
	o.init_delay_ms = 10000;	/* the fake server always sends KMW_MOUNT */
	fd = fs_start(s);
	return fd < 0 ? NULL : kmodel_start_fd(&o, fd);
}

static void ext(struct fuse_bpf_file *f, uint64_t off, uint64_t len,
		uint64_t addr, uint32_t dev, uint16_t type, uint16_t flags)
{
	struct fuse_res_ext *e = &f->u.ext.ext[f->u.ext.count++];

	e->offset = off;
	e->length = len;
	e->addr = addr;
	e->dev = dev;
	e->type = type;
	e->flags = flags;
}

/* An extent layout with every type, on backing id 1, 640 KiB of file. */
static void iomap_record(struct fuse_bpf_file *f, uint64_t nodeid, uint32_t dev)
{
	memset(f, 0, sizeof(*f));
	f->nodeid = nodeid;
	f->kind = FUSE_BPF_FILE_EXTENTS;
	f->u.ext.size = 640 * KIB;
	ext(f, 0, 64 * KIB, 1 * MIB, dev, FUSE_RES_TYPE_MAPPED, 0);
	/* 64K..128K: implicit hole */
	ext(f, 128 * KIB, 128 * KIB, 2 * MIB, dev, FUSE_RES_TYPE_UNWRITTEN, 0);
	ext(f, 256 * KIB, 256 * KIB, 3 * MIB, dev, FUSE_RES_TYPE_MAPPED, FUSE_IOMAP_F_SHARED);
	ext(f, 512 * KIB, 64 * KIB, FUSE_RES_NULL_ADDR, FUSE_RES_DEV_NULL,
	    FUSE_RES_TYPE_DELALLOC, 0);
	f->dev_bitmap = 1u << dev;
}

static void iomap_setup(struct fake_srv *s, struct bpf_script *b, const char *tag)
{
	fs_init(s);
	s->add_iomap = true;
	s->dev_path = fs_make_file(tag, 4 * MIB);
	s->attr_flags = FUSE_ATTR_EXCLUSIVE | FUSE_ATTR_IOMAP;
	s->file_size = 640 * KIB;
	memset(b, 0, sizeof(*b));
	b->flavour = FUSE_BPF_FLAVOUR_IOMAP;
	strcpy(b->name, "fuse_res_iomap");
	b->nslots = 64;
	b->publish = true;
	iomap_record(&b->rec, FS_FILE_NODEID, 1);
	s->hook = hook;
	s->priv = b;
}

static uint64_t rnd(uint64_t *st)
{
	*st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
	return *st >> 17;
}

/* The model's program answers vs the native resolver on random offsets. */
static void test_iomap_oracle(void)
{
	static const uint32_t ops[] = {
		0, FUSE_IOMAP_OP_WRITE, FUSE_IOMAP_OP_WRITE | FUSE_IOMAP_OP_DIRECT,
		FUSE_IOMAP_OP_ZERO, FUSE_IOMAP_OP_WRITEBACK, FUSE_IOMAP_OP_ATOMIC,
	};
	struct bpf_script b;
	struct fake_srv s;
	struct kmodel *km;
	uint64_t st = 42, begins;
	int i, handled = 0, fell = 0, bad = 0;
	static uint8_t buf[64 * KIB];

	iomap_setup(&s, &b, "bo");
	km = start("iomap-v7-bpf", &s);
	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_iomap_on(km));
	if (!bpf_runs) {
		const char *why = NULL;

		CHECK(b.reg_res < 0 && kmodel_bpf_program(km, &why) == NULL);
		printf("  program refused (%d): %s\n", b.reg_res, why);
		CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
		CHECK(kmodel_count(km, FUSE_IOMAP_BEGIN) > 0);
		kmodel_stop(km);
		fs_join(&s);
		unlink(s.dev_path);
		return;
	}
	CHECK(b.reg_res == 0 && s.backing_id == 1);
	/* the record goes out at OPEN */
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	CHECK(b.upd_res == 0);
	for (i = 0; i < (int)sizeof(buf); i++)
		if (buf[i] != fs_pattern(1 * MIB + i))
			break;
	CHECK(i == (int)sizeof(buf));
	begins = kmodel_count(km, FUSE_IOMAP_BEGIN);
	CHECK(begins == 0);
	CHECK(kmodel_count_bpf(km) > 0);

	for (i = 0; i < 3000; i++) {
		uint64_t pos = rnd(&st) % (768 * KIB);
		uint32_t op = ops[rnd(&st) % (sizeof(ops) / sizeof(ops[0]))];
		struct fuse_iomap_begin_out got;
		struct fuse_bpf_begin_out want;
		struct fuse_res_out r;
		int nrc, nd, res;

		memset(&want, 0, sizeof(want));
		memset(&r, 0, sizeof(r));
		nrc = fuse_bpf_file_lookup(&b.rec, pos, &r);
		nd = fuse_bpf_begin_decide(nrc, &r, pos, op, 12, &want);
		memset(&got, 0, sizeof(got));
		res = kmodel_bpf_iomap_begin(km, "/f", pos, op, &got);
		if (nd == FUSE_BPF_FIB_HANDLED) {
			handled++;
			if (res != 1 || memcmp(&got, &want, sizeof(got))) {
				if (bad++ < 5)
					printf("  pos %llu op 0x%x: model %d, native handled\n",
					       (unsigned long long)pos, op, res);
			}
		} else {
			fell++;
			if (res != 0 && bad++ < 5)
				printf("  pos %llu op 0x%x: model %d, native fallback\n",
				       (unsigned long long)pos, op, res);
		}
	}
	printf("  random offsets: %d handled, %d fallback, %d mismatches\n",
	       handled, fell, bad);
	CHECK(bad == 0 && handled > 500 && fell > 500);
	/* a write to the SHARED extent goes to the server */
	memset(buf, 0x5a, 4096);
	CHECK(kmodel_count(km, FUSE_IOMAP_BEGIN) == begins);
	CHECK(kmodel_write(km, "/f", 300 * KIB, 4096, buf) == 4096);
	CHECK(kmodel_count(km, FUSE_IOMAP_BEGIN) > begins);
	CHECK(kmodel_count_bpf_fallback(km) > 0);
	/* a posted clear (the library's FORGET path) withdraws the record */
	{
		struct fuse_iomap_begin_out o;
		uint64_t size;

		CHECK(kmodel_bpf_iomap_begin(km, "/f", 0, 0, &o) == 1);
		b.clear_on_getattr = true;
		CHECK(kmodel_stat(km, "/f", &size, NULL) == 0);
		b.clear_on_getattr = false;
		CHECK(kmodel_bpf_iomap_begin(km, "/f", 0, 0, &o) == 0);
	}
	kmodel_stop(km);
	fs_join(&s);
	unlink(s.dev_path);
}

/* No record, or another file's record in the slot: the upcall serves. */
static void test_iomap_no_record(bool other_file)
{
	static uint8_t buf[256 * KIB];
	struct bpf_script b;
	struct fake_srv s;
	struct kmodel *km;
	size_t i;

	iomap_setup(&s, &b, "bn");
	if (other_file)
		iomap_record(&b.rec, FS_FILE_NODEID + b.nslots, 1);
	else
		b.publish = false;
	km = start("iomap-v7-bpf", &s);
	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	/* the fake server's BEGIN maps the file at device offset 0 */
	for (i = 0; i < sizeof(buf); i++)
		if (buf[i] != fs_pattern(i))
			break;
	CHECK(i == sizeof(buf));
	CHECK(kmodel_count(km, FUSE_IOMAP_BEGIN) > 0);
	CHECK(kmodel_count_bpf(km) == 0);
	if (bpf_runs) {
		struct fuse_iomap_begin_out o;

		CHECK(kmodel_count_bpf_fallback(km) > 0);
		CHECK(kmodel_bpf_iomap_begin(km, "/f", 0, 0, &o) == 0);
	}
	kmodel_stop(km);
	fs_join(&s);
	unlink(s.dev_path);
}

/* A FIB_HANDLED answer naming an unregistered device is corrupt (spec 7.1). */
static void test_iomap_validated(void)
{
	static uint8_t buf[4096];
	struct fuse_iomap_begin_out o;
	struct bpf_script b;
	struct fake_srv s;
	struct kmodel *km;

	if (!bpf_runs)
		return;
	iomap_setup(&s, &b, "bv");
	iomap_record(&b.rec, FS_FILE_NODEID, 9);
	km = start("iomap-v7-bpf", &s);
	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == -EUCLEAN);
	CHECK(strstr(kmodel_last_error(km), "registered iomap device") != NULL);
	CHECK(kmodel_count(km, FUSE_IOMAP_BEGIN) == 0);
	/* the read answer is well formed, so the program's own check passes */
	CHECK(kmodel_bpf_iomap_begin(km, "/f", 0, 0, &o) == 1 && o.read.dev == 9);
	kmodel_stop(km);
	fs_join(&s);
	unlink(s.dev_path);
}

static void test_abuse(void)
{
	struct bpf_script b;
	struct fake_srv s;
	struct kmodel *km;

	iomap_setup(&s, &b, "ba");
	b.abuse = true;
	b.publish = false;
	km = start("iomap-v7-bpf", &s);
	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_count(km, FUSE_IOMAP_CONFIG) == 1);
	CHECK(b.abuse_fails == 0);
	kmodel_stop(km);
	fs_join(&s);
	unlink(s.dev_path);
}

/* famfs-gp-bpf: iomap_setup at open, iomap_begin per access, no GET_FMAP. */
static void gp_setup(struct fake_srv *s, struct bpf_script *b, const char *tag)
{
	struct fuse_res_interleave *il;

	fs_init(s);
	s->want_map_flag = true;
	s->dev_path = fs_make_file(tag, 16 * MIB);
	s->push_daxdev = true;
	s->file_size = 10 * MIB;
	memset(b, 0, sizeof(*b));
	b->flavour = FUSE_BPF_FLAVOUR_DAX_FMAP;
	strcpy(b->name, "dax_test");
	memcpy(s->ops_name, b->name, strlen(b->name));
	b->nslots = 16;
	b->publish = true;
	b->rec.nodeid = FS_FILE_NODEID;
	b->rec.kind = FUSE_BPF_FILE_INTERLEAVE;
	b->rec.dev_bitmap = 1;
	il = &b->rec.u.il;
	il->size = 10 * MIB;
	il->chunk = 2 * MIB;
	il->nstrips = 2;
	il->strip[0].base = 0;
	il->strip[0].length = 6 * MIB;
	il->strip[1].base = 8 * MIB;
	il->strip[1].length = 6 * MIB;
	s->hook = hook;
	s->priv = b;
}

static bool gp_bytes_ok(const struct bpf_script *b, const uint8_t *buf,
			uint64_t off, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		struct fuse_res_out r;

		if (fuse_res_interleave_lookup(&b->rec.u.il, off + i, &r))
			return false;
		if (buf[i] != fs_pattern(fuse_res_out_addr_at(&r, off + i)))
			return false;
	}
	return true;
}

/*
 * @devtab: the device reaches the kernel only through the program's
 * device table and iomap_setup's add_device kfunc (no DAXDEV_OPEN push).
 */
static void test_gp(bool publish, bool devtab)
{
	static uint8_t buf[10 * MIB];
	struct bpf_script b;
	struct fake_srv s;
	struct kmodel *km;
	uint64_t st = 7, off;
	ssize_t n;
	int i, mid = 0, devfd = -1;

	gp_setup(&s, &b, "bg");
	b.publish = publish;
	if (devtab) {
		s.push_daxdev = false;
		b.devtab_path = s.dev_path;
	}
	devfd = open(s.dev_path, O_RDONLY);
	CHECK(devfd >= 0);
	km = start("famfs-gp-bpf", &s);
	CHECK(km != NULL);
	if (!km)
		return;
	if (!bpf_runs) {
		/* refused program: the named ops are not registered, no DAX fmap */
		CHECK(b.reg_res < 0 && !kmodel_famfs_on(km));
		goto out;
	}
	CHECK(b.reg_res == 0 && kmodel_famfs_on(km));
	CHECK(kmodel_bpf_program(km, NULL) && !strcmp(kmodel_bpf_program(km, NULL), "dax_test"));
	if (!publish) {
		/* the program's setup finds no record: the open fails */
		CHECK(kmodel_read(km, "/f", 0, 4096, buf) == -ENOENT);
		CHECK(kmodel_count(km, FUSE_READ) == 0);
		goto out;
	}
	if (devtab)
		CHECK(kmodel_daxdev_count(km) == 0);	/* nothing pushed */
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	CHECK(b.upd_res == 0 && s.push_res == 0 && b.devtab_res == 0);
	/* the kfunc registered the device at open */
	CHECK(kmodel_daxdev_count(km) == 1);
	CHECK(gp_bytes_ok(&b, buf, 0, sizeof(buf)));
	CHECK(kmodel_count(km, FUSE_GET_FMAP) == 0);
	CHECK(kmodel_count(km, FUSE_READ) == 0);
	CHECK(kmodel_count_bpf(km) == 5);	/* one per 2 MiB chunk */
	/* chunk-aligned random reads: right bytes */
	for (i = 0; i < 50; i++) {
		uint64_t off = (rnd(&st) % 5) * 2 * MIB;
		size_t len = 1 + rnd(&st) % (3 * MIB);
		ssize_t n = kmodel_read(km, "/f", off, len, buf);

		CHECK(n > 0 && gp_bytes_ok(&b, buf, off, n));
	}
	/*
	 * Reads starting anywhere, mostly inside a chunk, of any length: the
	 * program answers for the requested offset, so the bytes are right.
	 * (An answer for the chunk start would move the chunk start's bytes:
	 * the model, like the kernel, takes addr as the address of pos.)
	 */
	for (i = 0; i < 300; i++) {
		uint64_t off = rnd(&st) % (10 * MIB);
		size_t len = 1 + rnd(&st) % (i & 1 ? 3 * MIB : 64 * KIB);
		size_t want = len < 10 * MIB - off ? len : 10 * MIB - off;
		ssize_t n = kmodel_read(km, "/f", off, len, buf);

		if (off % (2 * MIB))
			mid++;
		CHECK(n == (ssize_t)want && gp_bytes_ok(&b, buf, off, n));
	}
	CHECK(mid > 250);
	/* every byte of the file, read one odd-sized piece at a time */
	for (off = 0; off < 10 * MIB; off += n) {
		n = kmodel_read(km, "/f", off, 3 * MIB / 7 + 1, buf);
		if (n <= 0)
			break;
		CHECK(gp_bytes_ok(&b, buf, off, n));
	}
	CHECK(off == 10 * MIB);
	/* writes from inside a chunk land at the requested offset too */
	for (i = 0; i < 20; i++) {
		uint64_t woff = rnd(&st) % (10 * MIB - 8192);
		static uint8_t wb[8192], rb[8192];
		struct fuse_res_out r;
		size_t k;

		memset(&r, 0, sizeof(r));
		for (k = 0; k < sizeof(wb); k++)
			wb[k] = (uint8_t)rnd(&st);
		CHECK(kmodel_write(km, "/f", woff, sizeof(wb), wb) == sizeof(wb));
		CHECK(kmodel_read(km, "/f", woff, sizeof(rb), rb) == sizeof(rb) &&
		      !memcmp(wb, rb, sizeof(wb)));
		/* and on the device where the layout says */
		CHECK(fuse_res_interleave_lookup(&b.rec.u.il, woff, &r) == 0);
		CHECK(pread(devfd, rb, 1, fuse_res_out_addr_at(&r, woff)) == 1 &&
		      rb[0] == wb[0]);
		/* put the pattern back */
		for (k = 0; k < sizeof(wb); k++) {
			CHECK(fuse_res_interleave_lookup(&b.rec.u.il, woff + k, &r) == 0);
			wb[k] = fs_pattern(fuse_res_out_addr_at(&r, woff + k));
		}
		CHECK(kmodel_write(km, "/f", woff, sizeof(wb), wb) == sizeof(wb));
	}
out:
	kmodel_stop(km);
	fs_join(&s);
	if (devfd >= 0)
		close(devfd);
	unlink(s.dev_path);
}

/*
 * famfs-gp-bpf without a push: a device table entry that is no device
 * fails the open (the kfunc's GET_DAXDEV checks); no entry leaves the
 * device unregistered and the open fails with EIO.
 */
static void test_gp_devtab_refused(bool entry)
{
	static uint8_t buf[4096];
	struct bpf_script b;
	struct fake_srv s;
	struct kmodel *km;

	if (!bpf_runs)
		return;
	gp_setup(&s, &b, "bd");
	s.push_daxdev = false;
	if (entry)
		b.devtab_path = "/nonexistent/dax9.9";
	km = start("famfs-gp-bpf", &s);
	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(b.reg_res == 0 && b.devtab_res == 0);
	if (entry) {
		CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == -ENOENT);
		CHECK(strstr(kmodel_last_error(km), "bpf_fuse_dax_setup_add_device") != NULL);
	} else {
		CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == -EIO);
		CHECK(strstr(kmodel_last_error(km), "not registered") != NULL);
	}
	CHECK(kmodel_daxdev_count(km) == 0);
	kmodel_stop(km);
	fs_join(&s);
	unlink(s.dev_path);
}

int main(void)
{
	char why[256];
	int err;

	bpf_runs = bpf_oracle_get(why, sizeof(why), &err) != NULL;
	if (!bpf_runs)
		printf("BPF bytecode cannot run here (%s): checking the fallbacks\n",
		       why);
	test_abuse();
	test_iomap_oracle();
	test_iomap_no_record(false);
	test_iomap_no_record(true);
	test_iomap_validated();
	test_gp(true, false);
	test_gp(true, true);
	test_gp(false, false);
	test_gp_devtab_refused(true);
	test_gp_devtab_refused(false);
	if (fails) {
		printf("%d check(s) failed\n", fails);
		return 1;
	}
	printf("all BPF dialect checks passed%s\n",
	       bpf_runs ? "" : " (fallbacks only: no BPF here)");
	return 0;
}
