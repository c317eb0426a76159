/*
 * The model end to end against the scripted server: data read and written
 * through each path lands at the right device addresses, and round trips
 * are what that kernel would cost.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_server.h"
#include "kmodel.h"

static int fails;

#define CHECK_ZERO(v) do { if ((v) != 0) { CHECK((v) == 0); break; } } while (0)
#define CHECK(cond) do { \
	if (!(cond)) { \
		printf("FAIL %s:%d: %s\n", __func__, __LINE__, #cond); \
		fails++; \
	} \
} while (0)

static struct kmodel *start(const char *dialect, struct fake_srv *s,
			    struct kmodel_opts *o)
{
	struct kmodel_opts def;
	int fd;

	if (!o) {
		kmodel_opts_init(&def, fuse_dialect_by_name(dialect));
		o = &def;
	}
	o->timeout_ms = 10000;
	o->init_delay_ms = 10000;	/* the fake server always sends KMW_MOUNT */
	fd = fs_start(s);
	return fd < 0 ? NULL : kmodel_start_fd(o, fd);
}

static void stop(struct kmodel *km, struct fake_srv *s)
{
	kmodel_stop(km);
	fs_join(s);
}

static bool pattern_ok(const uint8_t *b, uint64_t dev_off, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != fs_pattern(dev_off + i))
			return false;
	return true;
}

static void iomap_setup(struct fake_srv *s, const char *tag)
{
	fs_init(s);
	s->add_iomap = true;
	s->dev_path = fs_make_file(tag, 4 << 20);
	s->attr_flags = FUSE_ATTR_EXCLUSIVE | FUSE_ATTR_IOMAP;
}

static void test_iomap_read(void)
{
	static uint8_t buf[1 << 20];
	struct fake_srv s;
	struct kmodel *km;
	uint8_t d1[32], d2[32];

	iomap_setup(&s, "ir");
	km = start("iomap-v7", &s, NULL);
	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_iomap_on(km) && kmodel_minor(km) == 99);
	CHECK(kmodel_backing_count(km) == 1);
	CHECK(kmodel_count(km, FUSE_IOMAP_CONFIG) == 1);
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	CHECK(pattern_ok(buf, 0, sizeof(buf)));
	CHECK(kmodel_count(km, FUSE_READ) == 0);
	/* one BEGIN per 128 KiB readahead window without a cache */
	CHECK(kmodel_count(km, FUSE_IOMAP_BEGIN) == 8);
	CHECK(kmodel_sha256(km, "/f", d1) == 0);
	kmodel_sha256_buf(buf, sizeof(buf), d2);
	CHECK(memcmp(d1, d2, 32) == 0);
	{
		uint64_t node;

		CHECK(kmodel_lookup(km, "/f", &node) == 0 && node == FS_FILE_NODEID);
		CHECK(kmodel_read_node(km, node, 4096, 4096, buf) == 4096);
		CHECK(pattern_ok(buf, 4096, 4096));
		CHECK(kmodel_read_node(km, 99, 0, 10, buf) == -ESTALE);
	}
	{
		struct kmodel_file *kf = kmodel_open(km, "/f", false, NULL);
		uint64_t opens = kmodel_count(km, FUSE_OPEN);

		CHECK(kf != NULL);
		if (kf) {
			CHECK(kmodel_pread(kf, 8192, 4096, buf) == 4096);
			CHECK(pattern_ok(buf, 8192, 4096));
			CHECK(kmodel_pread(kf, 0, 4096, buf) == 4096);
			CHECK(kmodel_pwrite(kf, 0, 1, buf) == -EBADF);
			CHECK(kmodel_count(km, FUSE_OPEN) == opens);
			CHECK(kmodel_close(kf) == 0);
		}
	}
	/* reads stop at EOF */
	CHECK(kmodel_read(km, "/f", (1 << 20) - 10, 100, buf) == 10);
	stop(km, &s);
	unlink(s.dev_path);
}

static void test_iomap_write(void)
{
	static uint8_t w[10000], r[10000];
	struct fake_srv s;
	struct kmodel *km;
	size_t i;
	int fd;

	iomap_setup(&s, "iw");
	km = start("iomap-v7", &s, NULL);
	CHECK(km != NULL);
	if (!km)
		return;
	for (i = 0; i < sizeof(w); i++)
		w[i] = (uint8_t)(i * 13 + 5);
	CHECK(kmodel_write(km, "/f", 5000, sizeof(w), w) == sizeof(w));
	CHECK(kmodel_read(km, "/f", 5000, sizeof(r), r) == sizeof(r));
	CHECK(memcmp(w, r, sizeof(w)) == 0);
	/* bytes around the write keep the old contents (read-modify-write) */
	CHECK(kmodel_read(km, "/f", 4096, 904, r) == 904);
	CHECK(pattern_ok(r, 4096, 904));
	CHECK(kmodel_count(km, FUSE_WRITE) == 0);
	stop(km, &s);
	/* the model wrote the device at the mapped address */
	fd = open(s.dev_path, O_RDONLY);
	CHECK(fd >= 0 && pread(fd, r, sizeof(r), 5000) == sizeof(r));
	CHECK(memcmp(w, r, sizeof(w)) == 0);
	close(fd);
	unlink(s.dev_path);
}

/* Upsert the whole file at OPEN: afterwards no BEGIN at all. */
static int upsert_at_open(struct fake_srv *s, const struct fuse_in_header *h,
			  const void *in, size_t inlen)
{
	struct fuse_iomap_upsert_mappings_out u;
	struct fuse_iomap_begin_out o;

	(void)in; (void)inlen;
	if (h->opcode != FUSE_OPEN)
		return 0;
	fs_default_begin(s->backing_id, 0, s->file_size, &o);
	memset(&u, 0, sizeof(u));
	u.nodeid = FS_FILE_NODEID;
	u.attr_ino = FS_FILE_INO;
	u.read = o.read;
	u.write = o.write;
	fs_notify(s, FUSE_NOTIFY_IOMAP_UPSERT_MAPPINGS, &u, sizeof(u));
	return 0;	/* then the default OPEN reply */
}

static void test_iomap_upsert(void)
{
	static uint8_t buf[1 << 20];
	struct fake_srv s;
	struct kmodel *km;

	iomap_setup(&s, "iu");
	s.hook = upsert_at_open;
	km = start("iomap-v7", &s, NULL);
	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	CHECK(kmodel_last_notify_error(km) == 0);
	CHECK(pattern_ok(buf, 0, sizeof(buf)));
	CHECK(kmodel_count(km, FUSE_IOMAP_BEGIN) == 0);
	CHECK(kmodel_cache_bytes(km, "/f") > 0);
	stop(km, &s);
	unlink(s.dev_path);
}

static void test_classic(const char *dialect, bool offer, bool rawio)
{
	static uint8_t buf[300000];
	struct kmodel_opts o;
	struct fake_srv s;
	struct kmodel *km;

	iomap_setup(&s, "cl");
	kmodel_opts_init(&o, fuse_dialect_by_name(dialect));
	o.offer_map_flag = offer;
	o.may_add_iomap = rawio;
	o.famfs_rawio = rawio;
	km = start(dialect, &s, &o);
	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(!kmodel_iomap_on(km) && !kmodel_famfs_on(km));
	if (!rawio && strcmp(dialect, "iomap-v7") == 0)
		CHECK(s.add_iomap_res == -EPERM);
	CHECK(kmodel_read(km, "/f", 1000, sizeof(buf), buf) == sizeof(buf));
	CHECK(pattern_ok(buf, 1000, sizeof(buf)));
	CHECK(kmodel_count(km, FUSE_READ) == 3);	/* 128 KiB each */
	CHECK(kmodel_count(km, FUSE_FLUSH) == 1);	/* close(2) */
	CHECK(kmodel_count(km, FUSE_RELEASE) == 1);
	CHECK(kmodel_count(km, FUSE_IOMAP_BEGIN) == 0);
	CHECK(kmodel_count(km, FUSE_GET_FMAP) == 0);
	stop(km, &s);
	unlink(s.dev_path);
	printf("ok classic path: %s offer=%d rawio=%d\n", dialect, offer, rawio);
}

/* Reply minor 45 on an iomap kernel: EXCLUSIVE ignored, so no iomap inode. */
static void test_iomap_low_minor(void)
{
	static uint8_t buf[8192];
	struct fake_srv s;
	struct kmodel *km;

	iomap_setup(&s, "lm");
	s.reply_minor = 45;
	km = start("iomap-v7", &s, NULL);
	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_iomap_on(km) && kmodel_minor(km) == 45);
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	CHECK(kmodel_count(km, FUSE_IOMAP_BEGIN) == 0);
	CHECK(kmodel_count(km, FUSE_READ) == 1);
	stop(km, &s);
	unlink(s.dev_path);
}

static int count_maps(void *ctx, uint64_t off, uint64_t len, uint16_t type,
		      uint64_t addr, uint32_t dev)
{
	(void)off; (void)len; (void)type; (void)addr; (void)dev;
	(*(int *)ctx)++;
	return 0;
}

static void test_iomap_fsops(void)
{
	struct fake_srv s;
	struct kmodel *km;
	int n = 0;

	iomap_setup(&s, "fo");
	km = start("iomap-v7", &s, NULL);
	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_fiemap(km, "/f", count_maps, &n) == 0 && n == 1);
	CHECK(kmodel_seek(km, "/f", 100, SEEK_DATA) == 100);
	CHECK(kmodel_seek(km, "/f", 100, SEEK_HOLE) == 1 << 20);
	CHECK(kmodel_syncfs(km) == 0 && kmodel_count(km, FUSE_SYNCFS) == 1);
	/* the fake server answers FREEZE with ENOSYS: -EOPNOTSUPP (spec 2.7) */
	CHECK(kmodel_freeze(km) == -EOPNOTSUPP);
	CHECK(kmodel_unfreeze(km) == 0);	/* ENOSYS counts as success */
	CHECK(kmodel_shutdown(km) == 0);
	CHECK(kmodel_count(km, FUSE_SHUTDOWN_FS) == 1);
	CHECK(kmodel_forget(km, "/f") == 0);
	stop(km, &s);
	unlink(s.dev_path);
}

static void famfs_setup(struct fake_srv *s, const char *tag)
{
	fs_init(s);
	s->dev_path = fs_make_file(tag, 8 << 20);
	s->file_size = 3 << 20;
}

static void test_famfs_v10(void)
{
	static uint8_t buf[3 << 20];
	struct fake_srv s;
	struct kmodel *km;

	famfs_setup(&s, "fv");
	km = start("famfs-v10", &s, NULL);
	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_famfs_on(km) && kmodel_minor(km) == 46);
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	CHECK(pattern_ok(buf, 0, sizeof(buf)));
	CHECK(kmodel_read(km, "/f", 12345, 1000, buf) == 1000);
	CHECK(pattern_ok(buf, 12345, 1000));
	CHECK(kmodel_count(km, FUSE_GET_FMAP) == 1);	/* once per inode */
	CHECK(kmodel_count(km, FUSE_GET_DAXDEV) == 1);
	CHECK(kmodel_count(km, FUSE_READ) == 0);
	CHECK(kmodel_daxdev_count(km) == 1);
	stop(km, &s);
	unlink(s.dev_path);
}

static void test_famfs_interleave(void)
{
	static uint8_t buf[6 << 20];
	struct {
		struct fuse_famfs_fmap_header h;
		struct fuse_famfs_iext ie;
		struct fuse_famfs_simple_ext st[2];
	} m;
	struct fake_srv s;
	struct kmodel *km;
	uint64_t off;
	bool ok = true;

	famfs_setup(&s, "fi");
	s.file_size = 6 << 20;
	memset(&m, 0, sizeof(m));
	m.h.ext_type = FUSE_FAMFS_EXT_INTERLEAVE;
	m.h.nextents = 1;
	m.h.file_size = 6 << 20;
	m.ie.ie_nstrips = 2;
	m.ie.ie_chunk_size = 2 << 20;
	m.ie.ie_nbytes = 6 << 20;
	m.st[0].se_offset = 0;
	m.st[0].se_len = 4 << 20;
	m.st[1].se_offset = 4 << 20;
	m.st[1].se_len = 4 << 20;
	s.fmap_reply = &m;
	s.fmap_len = sizeof(m);
	km = start("famfs-v10", &s, NULL);
	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	for (off = 0; off < sizeof(buf) && ok; off += 4096) {
		uint64_t chunk = off / (2 << 20), in = off % (2 << 20);
		uint64_t strip = chunk % 2, stripe = chunk / 2;
		uint64_t addr = m.st[strip].se_offset + stripe * (2 << 20) + in;

		ok = pattern_ok(buf + off, addr, 4096);
	}
	CHECK(ok);
	stop(km, &s);
	unlink(s.dev_path);
}

static void test_famfs_push(bool push)
{
	static uint8_t buf[4096];
	struct fake_srv s;
	struct kmodel *km;

	famfs_setup(&s, "fp");
	s.push_daxdev = push;
	km = start("famfs-post-v10", &s, NULL);
	CHECK(km != NULL);
	if (!km)
		return;
	if (push) {
		CHECK(kmodel_read(km, "/f", 8192, sizeof(buf), buf) == sizeof(buf));
		CHECK(pattern_ok(buf, 8192, sizeof(buf)));
		CHECK(s.push_res == 0);
	} else {
		/* never pushed: the file is bad, its I/O gets -EIO */
		CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == -EIO);
	}
	CHECK(kmodel_count(km, FUSE_GET_DAXDEV) == 0);
	stop(km, &s);
	unlink(s.dev_path);
}

/* ---- BEGIN variants driven by a hook ---- */

enum { HK_RETRY, HK_WANT_END, HK_UNWRITTEN, HK_HOLE, HK_INLINE };
static int hk_mode;
static uint32_t hk_ioend_flags;
static int hk_begins, hk_ends;
static bool hk_end_enosys;

static int begin_hook(struct fake_srv *s, const struct fuse_in_header *h,
		      const void *in, size_t inlen)
{
	const struct fuse_iomap_begin_in *b = in;
	struct fuse_iomap_begin_out o;
	struct fuse_iomap_upsert_mappings_out u;

	(void)inlen;
	if (h->opcode == FUSE_IOMAP_END) {
		hk_ends++;
		fs_reply(s, h->unique, hk_end_enosys ? -ENOSYS : 0, NULL, 0);
		return 1;
	}
	if (h->opcode == FUSE_IOMAP_IOEND) {
		const struct fuse_iomap_ioend_in *e = in;

		hk_ioend_flags |= e->flags;
		return 0;	/* default reply */
	}
	if (h->opcode != FUSE_IOMAP_BEGIN)
		return 0;
	hk_begins++;
	fs_default_begin(s->backing_id, b->pos, s->file_size, &o);
	switch (hk_mode) {
	case HK_RETRY:
		memset(&u, 0, sizeof(u));
		u.nodeid = FS_FILE_NODEID;
		u.attr_ino = FS_FILE_INO;
		u.read = o.read;
		fs_notify(s, FUSE_NOTIFY_IOMAP_UPSERT_MAPPINGS, &u, sizeof(u));
		o.read.type = FUSE_IOMAP_TYPE_RETRY_CACHE;
		o.read.dev = FUSE_IOMAP_DEV_NULL;
		o.read.addr = FUSE_IOMAP_NULL_ADDR;
		break;
	case HK_WANT_END:
		o.read.flags = FUSE_IOMAP_F_WANT_IOMAP_END;
		break;
	case HK_UNWRITTEN:
		o.read.type = FUSE_IOMAP_TYPE_UNWRITTEN;
		break;
	case HK_HOLE:
		if (b->opflags & FUSE_IOMAP_OP_WRITEBACK) {
			o.read.addr = 1 << 20;	/* allocated at writeback */
			break;
		}
		o.read.type = FUSE_IOMAP_TYPE_HOLE;
		o.read.addr = FUSE_IOMAP_NULL_ADDR;
		o.read.dev = FUSE_IOMAP_DEV_NULL;
		o.write = o.read;	/* write into a hole: delayed */
		break;
	case HK_INLINE:
		o.read.type = FUSE_IOMAP_TYPE_INLINE;
		o.read.addr = FUSE_IOMAP_NULL_ADDR;
		o.read.dev = FUSE_IOMAP_DEV_NULL;
		break;
	}
	fs_reply(s, h->unique, 0, &o, sizeof(o));
	return 1;
}

static struct kmodel *hook_start(struct fake_srv *s, const char *tag, int mode)
{
	iomap_setup(s, tag);
	s->hook = begin_hook;
	hk_mode = mode;
	hk_ioend_flags = 0;
	hk_begins = hk_ends = 0;
	hk_end_enosys = false;
	return start("iomap-v7", s, NULL);
}

static void test_retry_cache(void)
{
	static uint8_t buf[65536];
	struct fake_srv s;
	struct kmodel *km = hook_start(&s, "rc", HK_RETRY);

	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	CHECK(pattern_ok(buf, 0, sizeof(buf)));
	CHECK(kmodel_last_notify_error(km) == 0);
	CHECK(hk_begins == 1);	/* the retry was served by the cache */
	stop(km, &s);
	unlink(s.dev_path);
}

static void test_want_end(void)
{
	static uint8_t buf[4096];
	struct fake_srv s;
	struct kmodel *km = hook_start(&s, "we", HK_WANT_END);

	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	CHECK(hk_ends == 1);
	hk_end_enosys = true;
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	CHECK(hk_ends == 2);	/* after one ENOSYS, END is never sent again */
	stop(km, &s);
	unlink(s.dev_path);
}

static void test_unwritten(void)
{
	static uint8_t buf[8192], w[8192];
	struct fake_srv s;
	struct kmodel *km = hook_start(&s, "uw", HK_UNWRITTEN);
	size_t i;

	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		CHECK_ZERO(buf[i]);
	memset(w, 0x5a, sizeof(w));
	CHECK(kmodel_write(km, "/f", 8192, sizeof(w), w) == sizeof(w));
	CHECK(hk_ioend_flags & FUSE_IOMAP_IOEND_UNWRITTEN);
	CHECK(hk_ioend_flags & FUSE_IOMAP_IOEND_WRITEBACK);
	CHECK(!(hk_ioend_flags & FUSE_IOMAP_IOEND_DIRECT));
	CHECK(hk_begins == 3);	/* read, write, writeback */
	hk_ioend_flags = 0;
	CHECK(kmodel_write_direct(km, "/f", 16384, sizeof(w), w) == sizeof(w));
	CHECK(hk_ioend_flags & FUSE_IOMAP_IOEND_DIRECT);
	CHECK(hk_ioend_flags & FUSE_IOMAP_IOEND_UNWRITTEN);
	CHECK(hk_begins == 4);
	CHECK(kmodel_write_direct(km, "/f", 100, 512, w) == -EINVAL);
	stop(km, &s);
	unlink(s.dev_path);
}

static void test_hole_write(void)
{
	static uint8_t w[4096], r[4096];
	struct fake_srv s;
	struct kmodel *km = hook_start(&s, "hw", HK_HOLE);
	int fd;

	CHECK(km != NULL);
	if (!km)
		return;
	memset(w, 0xa5, sizeof(w));
	CHECK(kmodel_write(km, "/f", 4096, sizeof(w), w) == sizeof(w));
	CHECK(hk_begins == 2);	/* the write, then writeback allocation */
	stop(km, &s);
	fd = open(s.dev_path, O_RDONLY);
	CHECK(fd >= 0 && pread(fd, r, sizeof(r), (1 << 20) + 4096) == sizeof(r));
	CHECK(memcmp(w, r, sizeof(w)) == 0);
	close(fd);
	unlink(s.dev_path);
}

static void test_inline(void)
{
	static uint8_t buf[4096];
	struct fake_srv s;
	struct kmodel *km = hook_start(&s, "il", HK_INLINE);

	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	CHECK(pattern_ok(buf, 0, sizeof(buf)));
	CHECK(kmodel_count(km, FUSE_READ) == 1);	/* inline data by READ, fh 0 */
	stop(km, &s);
	unlink(s.dev_path);
}

static void test_famfs_write(void)
{
	static uint8_t w[8192], r[8192];
	struct fake_srv s;
	struct kmodel *km;
	int fd;

	famfs_setup(&s, "fw");
	km = start("famfs-v10", &s, NULL);
	CHECK(km != NULL);
	if (!km)
		return;
	memset(w, 0x3c, sizeof(w));
	CHECK(kmodel_write(km, "/f", 4096, sizeof(w), w) == sizeof(w));
	/* files never grow: a write at EOF writes nothing */
	CHECK(kmodel_write(km, "/f", 3 << 20, sizeof(w), w) == 0);
	CHECK(kmodel_count(km, FUSE_WRITE) == 0);
	stop(km, &s);
	fd = open(s.dev_path, O_RDONLY);
	CHECK(fd >= 0 && pread(fd, r, sizeof(r), 4096) == sizeof(r));
	CHECK(memcmp(w, r, sizeof(w)) == 0);
	close(fd);
	unlink(s.dev_path);
}

/* FUSE_ATTR_IOMAP without EXCLUSIVE is not honoured (spec 8.1). */
static void test_iomap_needs_exclusive(void)
{
	static uint8_t buf[8192];
	struct fake_srv s;
	struct kmodel *km;

	iomap_setup(&s, "ne");
	s.attr_flags = FUSE_ATTR_IOMAP;
	km = start("iomap-v7", &s, NULL);
	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_iomap_on(km));
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	CHECK(pattern_ok(buf, 0, sizeof(buf)));
	CHECK(kmodel_count(km, FUSE_IOMAP_BEGIN) == 0);
	CHECK(kmodel_count(km, FUSE_READ) == 1);
	stop(km, &s);
	unlink(s.dev_path);
}

/* Classic writes go to the server as WRITE of at most max_write. */
static void test_classic_write(void)
{
	static uint8_t w[200000], r[200000];
	struct fake_srv s;
	struct kmodel *km;
	size_t i;

	iomap_setup(&s, "cw");
	km = start("stock", &s, NULL);
	CHECK(km != NULL);
	if (!km)
		return;
	for (i = 0; i < sizeof(w); i++)
		w[i] = (uint8_t)(i ^ 0x55);
	CHECK(kmodel_write(km, "/f", 777, sizeof(w), w) == sizeof(w));
	CHECK(kmodel_count(km, FUSE_WRITE) == 2);
	CHECK(kmodel_read(km, "/f", 777, sizeof(r), r) == sizeof(r));
	CHECK(memcmp(w, r, sizeof(w)) == 0);
	stop(km, &s);
	unlink(s.dev_path);
}

static int collect(void *ctx, const char *name, uint32_t type, uint64_t ino)
{
	char *names = ctx;

	(void)type; (void)ino;
	strcat(names, name);
	strcat(names, ",");
	return 0;
}

static void test_readdir(void)
{
	char names[256] = "";
	struct fake_srv s;
	struct kmodel *km;

	iomap_setup(&s, "rd");
	km = start("stock", &s, NULL);
	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_readdir(km, "/", collect, names) == 0);
	CHECK(strcmp(names, ".,..,f,") == 0);
	CHECK(kmodel_count(km, FUSE_OPENDIR) == 1);
	CHECK(kmodel_count(km, FUSE_READDIR) == 2);	/* until an empty reply */
	CHECK(kmodel_count(km, FUSE_RELEASEDIR) == 1);
	CHECK(kmodel_readdir(km, "/f", collect, names) == -ENOTDIR);
	stop(km, &s);
	unlink(s.dev_path);
}

/* Entries are cached for entry_valid; INVAL_ENTRY drops them. */
static int inval_at_release(struct fake_srv *s, const struct fuse_in_header *h,
			    const void *in, size_t inlen)
{
	struct {
		struct fuse_notify_inval_entry_out o;
		char name[2];
	} m;

	(void)in; (void)inlen;
	if (h->opcode != FUSE_RELEASE || !s->priv)
		return 0;
	memset(&m, 0, sizeof(m));
	m.o.parent = FUSE_ROOT_ID;
	m.o.namelen = 1;
	m.name[0] = 'f';
	fs_notify(s, FUSE_NOTIFY_INVAL_ENTRY, &m, sizeof(m.o) + 2);
	return 0;
}

static void test_dentry_cache(void)
{
	static uint8_t buf[4096];
	struct fake_srv s;
	struct kmodel *km;
	int flag = 1;

	iomap_setup(&s, "dc");
	s.entry_valid = 60;
	s.hook = inval_at_release;
	km = start("stock", &s, NULL);
	CHECK(km != NULL);
	if (!km)
		return;
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	CHECK(kmodel_count(km, FUSE_LOOKUP) == 1);	/* cached dentry */
	s.priv = &flag;		/* next RELEASE invalidates the entry */
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	CHECK(kmodel_last_notify_error(km) == 0);
	CHECK(kmodel_read(km, "/f", 0, sizeof(buf), buf) == sizeof(buf));
	CHECK(kmodel_count(km, FUSE_LOOKUP) == 2);
	stop(km, &s);
	unlink(s.dev_path);
}

int main(void)
{
	test_iomap_read();
	test_iomap_write();
	test_iomap_upsert();
	test_iomap_low_minor();
	test_iomap_fsops();
	test_classic("stock", true, true);
	test_classic("iomap-v7", false, true);
	test_classic("iomap-v7", true, false);
	test_classic("famfs-v10", false, true);
	test_famfs_v10();
	test_famfs_interleave();
	test_famfs_push(true);
	test_famfs_push(false);
	test_retry_cache();
	test_want_end();
	test_unwritten();
	test_hole_write();
	test_inline();
	test_famfs_write();
	test_iomap_needs_exclusive();
	test_classic_write();
	test_readdir();
	test_dentry_cache();
	printf(fails ? "%d checks failed\n" : "all dataflow checks passed\n",
	       fails);
	return fails ? 1 : 0;
}
