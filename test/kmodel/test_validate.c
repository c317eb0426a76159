/*
 * One test per validation rule: the scripted server sends exactly one kind
 * of wrong reply, and the model must reject it with the errno that kernel
 * returns (spec kernel-extensions.md 2.3-2.6, 4, 5.2-5.3, 6.6, 4.4).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake_server.h"
#include "kmodel.h"
#include "kmodel_wire_i.h"

#define MIB (1ULL << 20)

struct vcase {
	const char *name;
	const char *dialect;
	void (*setup)(struct fake_srv *s, struct kmodel_opts *o);
	int (*act)(struct kmodel *km, struct fake_srv *s);
	int want;		/* result of act, or errno of a failed mount */
	bool mount_fails;
};

static const char *devfile;	/* 8 MiB pattern file used as every device */

/* ---------- canned replies ---------- */

static struct fuse_iomap_begin_out bo;
static char raw[70000];
static struct fuse_iomap_config_out co;

static void iomap_base(struct fake_srv *s, struct kmodel_opts *o)
{
	(void)o;
	s->add_iomap = true;
	s->dev_path = devfile;
	s->attr_flags = FUSE_ATTR_EXCLUSIVE | FUSE_ATTR_IOMAP;
	fs_default_begin(1, 0, s->file_size, &bo);
}

static void use_begin(struct fake_srv *s)
{
	s->begin_reply = &bo;
	s->begin_len = sizeof(bo);
}

static void famfs_base(struct fake_srv *s, struct kmodel_opts *o)
{
	(void)o;
	s->dev_path = devfile;
	s->file_size = 2 * MIB;
}

static int act_read(struct kmodel *km, struct fake_srv *s)
{
	static char buf[8192];
	ssize_t n = kmodel_read(km, "/f", 0, sizeof(buf), buf);

	(void)s;
	return n < 0 ? (int)n : 0;
}

static int act_ok(struct kmodel *km, struct fake_srv *s)
{
	(void)km; (void)s;
	return 0;
}

/* ---------- IOMAP_BEGIN (spec 2.4) ---------- */

static void b_len(struct fake_srv *s, struct kmodel_opts *o)
{
	iomap_base(s, o);
	use_begin(s);
	s->begin_len = 48;	/* the obsolete flat layout */
}
#define BEGIN_CASE(fn, body) \
static void fn(struct fake_srv *s, struct kmodel_opts *o) \
{ iomap_base(s, o); use_begin(s); body; }

BEGIN_CASE(b_type, bo.read.type = 7)
BEGIN_CASE(b_flags, bo.read.flags = FUSE_IOMAP_F_SIZE_CHANGED)
BEGIN_CASE(b_stale, bo.read.flags = FUSE_IOMAP_F_STALE)
BEGIN_CASE(b_zero_len, bo.read.length = 0)
BEGIN_CASE(b_unaligned_len, bo.read.length = MIB + 512)
BEGIN_CASE(b_unaligned_off, bo.read.offset = 512)
BEGIN_CASE(b_overflow, bo.read.offset = 1ULL << 62; bo.read.length = 0xC000000000000000ULL)
BEGIN_CASE(b_uncovered, bo.read.offset = 4096; bo.read.length = 4096)
BEGIN_CASE(b_dev_null, bo.read.dev = FUSE_IOMAP_DEV_NULL)
BEGIN_CASE(b_null_addr, bo.read.addr = FUSE_IOMAP_NULL_ADDR)
BEGIN_CASE(b_unknown_dev, bo.read.dev = 5)
BEGIN_CASE(b_hole_dev, bo.read.type = FUSE_IOMAP_TYPE_HOLE; bo.read.addr = FUSE_IOMAP_NULL_ADDR)
BEGIN_CASE(b_hole_addr, bo.read.type = FUSE_IOMAP_TYPE_HOLE; bo.read.dev = 0; bo.read.addr = 0)
BEGIN_CASE(b_po_read, bo.read.type = FUSE_IOMAP_TYPE_PURE_OVERWRITE; bo.read.dev = 0; bo.read.addr = FUSE_IOMAP_NULL_ADDR)
BEGIN_CASE(b_nocache, bo.read.type = FUSE_IOMAP_TYPE_NOCACHE)
BEGIN_CASE(b_retry_nocache, bo.read.type = FUSE_IOMAP_TYPE_RETRY_CACHE; bo.read.dev = 0; bo.read.addr = FUSE_IOMAP_NULL_ADDR)
BEGIN_CASE(b_addr_overflow, bo.read.addr = ~0ULL - 4096)
BEGIN_CASE(b_write_zero, memset(&bo.write, 0, sizeof(bo.write)))
BEGIN_CASE(b_write_uncovered, bo.write.offset = 8192; bo.write.length = 4096)

static int hook_begin_eio(struct fake_srv *s, const struct fuse_in_header *h,
			  const void *in, size_t n)
{
	(void)in; (void)n;
	if (h->opcode != FUSE_IOMAP_BEGIN)
		return 0;
	fs_reply(s, h->unique, -EIO, NULL, 0);
	return 1;
}
static void b_err(struct fake_srv *s, struct kmodel_opts *o)
{
	iomap_base(s, o);
	s->hook = hook_begin_eio;
}
static void b_open_passthrough(struct fake_srv *s, struct kmodel_opts *o)
{
	iomap_base(s, o);
	s->open_flags = FOPEN_PASSTHROUGH;
}
static void b_open_stream(struct fake_srv *s, struct kmodel_opts *o)
{
	iomap_base(s, o);
	s->open_flags = FOPEN_STREAM;
}

/* ---------- IOMAP_CONFIG (spec 2.3) ---------- */

static void cfg(struct fake_srv *s, struct kmodel_opts *o)
{
	iomap_base(s, o);
	memset(&co, 0, sizeof(co));
	co.flags = FUSE_IOMAP_CONFIG_BLOCKSIZE;
	co.s_blocksize = 4096;
	s->config_reply = &co;
	s->config_len = sizeof(co);
}
#define CFG_CASE(fn, body) \
static void fn(struct fake_srv *s, struct kmodel_opts *o) { cfg(s, o); body; }

CFG_CASE(c_flags, co.flags |= 1ULL << 7)
CFG_CASE(c_uuid, co.flags |= FUSE_IOMAP_CONFIG_UUID; co.s_uuid_len = 17)
CFG_CASE(c_pad, co.s_pad[1] = 1)
CFG_CASE(c_long, memset(raw, 0, 112); memcpy(raw, &co, sizeof(co)); s->config_reply = raw; s->config_len = 112)
CFG_CASE(c_bs, co.s_blocksize = 1000)
CFG_CASE(c_err, s->config_err = -EIO)
CFG_CASE(c_enosys, s->config_err = -ENOSYS)
CFG_CASE(c_short, co.flags = 0; s->config_len = 8)
CFG_CASE(c_maxbytes, co.flags |= FUSE_IOMAP_CONFIG_MAXBYTES; co.s_maxbytes = (int64_t)MIB; bo.read.offset = MIB; bo.read.length = 4096; use_begin(s))

static int act_bs_default(struct kmodel *km, struct fake_srv *s)
{
	(void)s;
	return kmodel_blocksize(km) == 4096 && kmodel_iomap_on(km) ? 0 : -1;
}

/* ---------- device registration (spec 4.1, 4.2) ---------- */

static int ioc_res;

static void d_flags(struct fake_srv *s, struct kmodel_opts *o)
{
	iomap_base(s, o);
	s->backing_flags = FUSE_BACKING_TYPE_IOMAP | 0x100;
}
static void d_pad(struct fake_srv *s, struct kmodel_opts *o)
{
	iomap_base(s, o);
	s->backing_padding = 1;
}
static void d_type(struct fake_srv *s, struct kmodel_opts *o)
{
	iomap_base(s, o);
	s->backing_flags = 7;
}
static void d_strict(struct fake_srv *s, struct kmodel_opts *o)
{
	iomap_base(s, o);
	o->allow_file_devices = false;
}
static int act_backing(struct kmodel *km, struct fake_srv *s)
{
	(void)km;
	return s->backing_id < 0 ? s->backing_id : 0;
}

enum { IOC_BACKING_OPEN, IOC_BACKING_CLOSE, IOC_SUPPORT, IOC_BLOCKSIZE,
       IOC_PUSH64, IOC_PUSH0, IOC_NOFS2 };
static int ioc_kind;

static int hook_ioctl_at_open(struct fake_srv *s, const struct fuse_in_header *h,
			      const void *in, size_t n)
{
	struct fuse_backing_map m;
	struct fuse_iomap_support sup;
	struct fuse_iomap_backing_info bi;
	uint32_t id = 1, v = 2;
	int fd;

	(void)in; (void)n;
	if (h->opcode != FUSE_LOOKUP)
		return 0;
	fd = open(devfile, O_RDWR);
	switch (ioc_kind) {
	case IOC_BACKING_OPEN:
		memset(&m, 0, sizeof(m));
		m.fd = fd;
		m.flags = FUSE_BACKING_TYPE_IOMAP;
		ioc_res = fuse_kmodel_ioctl(s->fd, FUSE_DEV_IOC_BACKING_OPEN, &m);
		break;
	case IOC_BACKING_CLOSE:
		ioc_res = fuse_kmodel_ioctl(s->fd, FUSE_DEV_IOC_BACKING_CLOSE, &id);
		break;
	case IOC_SUPPORT:
		ioc_res = fuse_kmodel_ioctl(s->fd, FUSE_DEV_IOC_IOMAP_SUPPORT, &sup);
		break;
	case IOC_BLOCKSIZE:
		bi.backing_id = 9;
		bi.blocksize = 4096;
		ioc_res = fuse_kmodel_ioctl(s->fd,
				FUSE_DEV_IOC_IOMAP_SET_BLOCKSIZE, &bi);
		break;
	case IOC_PUSH64:
		ioc_res = fuse_kmodel_daxdev_open(s->fd, fd, 64);
		break;
	case IOC_PUSH0:
		ioc_res = fuse_kmodel_daxdev_open(s->fd, fd, 0);
		break;
	case IOC_NOFS2:
		ioc_res = fuse_kmodel_ioctl(s->fd, FUSE_DEV_IOC_SET_NOFS, &v);
		break;
	}
	close(fd);
	return 0;
}
#define IOC_CASE(fn, kind, base, extra) \
static void fn(struct fake_srv *s, struct kmodel_opts *o) \
{ base(s, o); ioc_kind = kind; ioc_res = 12345; s->hook = hook_ioctl_at_open; extra; }

IOC_CASE(d_not_negotiated, IOC_BACKING_OPEN, iomap_base, o->offer_map_flag = false)
IOC_CASE(d_close_busy, IOC_BACKING_CLOSE, iomap_base, (void)0)
IOC_CASE(d_support_stock, IOC_SUPPORT, iomap_base, (void)0)
IOC_CASE(d_blocksize_enoent, IOC_BLOCKSIZE, iomap_base, (void)0)
IOC_CASE(d_nofs_value, IOC_NOFS2, iomap_base, (void)0)
IOC_CASE(y_push_index, IOC_PUSH64, famfs_base, (void)0)
IOC_CASE(y_push_v10, IOC_PUSH0, famfs_base, (void)0)
IOC_CASE(y_push_not_famfs, IOC_PUSH0, famfs_base, o->offer_map_flag = false)

static int act_ioc(struct kmodel *km, struct fake_srv *s)
{
	uint64_t id;

	(void)s;
	kmodel_lookup(km, "/f", &id);
	return ioc_res;
}

static void d_no_rawio(struct fake_srv *s, struct kmodel_opts *o)
{
	iomap_base(s, o);
	o->may_add_iomap = false;
}
static int act_add_iomap(struct kmodel *km, struct fake_srv *s)
{
	/* ADD_IOMAP refused, so the kernel never offered bit 43 */
	if (kmodel_iomap_on(km))
		return -1000;
	return s->add_iomap_res;
}

/* ---------- notifications (spec 5.2, 5.3, 4.2) ---------- */

static int notify_code;
static char notify_buf[256];
static size_t notify_len;

static int hook_notify_at_open(struct fake_srv *s, const struct fuse_in_header *h,
			       const void *in, size_t n)
{
	(void)in; (void)n;
	if (h->opcode == FUSE_OPEN)
		fs_notify(s, notify_code, notify_buf, notify_len);
	return 0;
}

static struct fuse_iomap_upsert_mappings_out up;

static void up_base(struct fake_srv *s, struct kmodel_opts *o)
{
	iomap_base(s, o);
	memset(&up, 0, sizeof(up));
	up.nodeid = FS_FILE_NODEID;
	up.attr_ino = FS_FILE_INO;
	up.read = bo.read;
	up.write = bo.write;
	s->hook = hook_notify_at_open;
	notify_code = FUSE_NOTIFY_IOMAP_UPSERT_MAPPINGS;
}
static void up_send(void)
{
	memcpy(notify_buf, &up, sizeof(up));
	notify_len = sizeof(up);
}
#define UP_CASE(fn, body) \
static void fn(struct fake_srv *s, struct kmodel_opts *o) \
{ up_base(s, o); body; up_send(); }

UP_CASE(u_ok, (void)0)
UP_CASE(u_size, notify_len = 0; up_send(); notify_len = sizeof(up) - 1; return)
UP_CASE(u_nodeid, up.nodeid = 77)
UP_CASE(u_attr_ino, up.attr_ino = FS_FILE_NODEID)
UP_CASE(u_retry, up.read.type = FUSE_IOMAP_TYPE_RETRY_CACHE; up.read.dev = 0; up.read.addr = FUSE_IOMAP_NULL_ADDR)
UP_CASE(u_past_dev, up.read.addr = 8 * MIB)
UP_CASE(u_unaligned, up.read.offset = 100)
UP_CASE(u_unknown_dev, up.read.dev = 3)
UP_CASE(u_nocache, up.read.type = FUSE_IOMAP_TYPE_NOCACHE; up.read.length = 1)
UP_CASE(u_po_read, up.read.type = FUSE_IOMAP_TYPE_PURE_OVERWRITE)

static void u_stock(struct fake_srv *s, struct kmodel_opts *o)
{
	up_base(s, o);
	up_send();
}

static void u_not_iomap(struct fake_srv *s, struct kmodel_opts *o)
{
	up_base(s, o);
	o->offer_map_flag = false;
	up_send();
}

static int act_notify(struct kmodel *km, struct fake_srv *s)
{
	static char buf[4096];

	(void)s;
	kmodel_read(km, "/f", 0, sizeof(buf), buf);
	return kmodel_last_notify_error(km);
}

static int act_upsert_hit(struct kmodel *km, struct fake_srv *s)
{
	int res = act_notify(km, s);

	if (res)
		return res;
	/* the upserted mapping served the read: no BEGIN */
	return kmodel_count(km, FUSE_IOMAP_BEGIN) == 0 ? 0 : -1;
}

static struct fuse_iomap_inval_mappings_out iv;
#define INVAL_CASE(fn, body) \
static void fn(struct fake_srv *s, struct kmodel_opts *o) \
{ iomap_base(s, o); memset(&iv, 0, sizeof(iv)); iv.nodeid = FS_FILE_NODEID; \
  iv.attr_ino = FS_FILE_INO; iv.read.offset = 0; iv.read.length = 4096; \
  notify_len = sizeof(iv); notify_code = FUSE_NOTIFY_IOMAP_INVAL_MAPPINGS; \
  s->hook = hook_notify_at_open; body; memcpy(notify_buf, &iv, sizeof(iv)); }

INVAL_CASE(i_ok, (void)0)
INVAL_CASE(i_to_eof, iv.read.length = FUSE_IOMAP_INVAL_TO_EOF)
INVAL_CASE(i_unaligned, iv.read.offset = 10)
INVAL_CASE(i_len, iv.write.length = 100)
INVAL_CASE(i_nodeid, iv.nodeid = 99)
INVAL_CASE(i_size, notify_len = sizeof(iv) - 8)

static struct fuse_iomap_dev_inval_out dv;
#define DEVINV_CASE(fn, body) \
static void fn(struct fake_srv *s, struct kmodel_opts *o) \
{ iomap_base(s, o); memset(&dv, 0, sizeof(dv)); dv.dev = 1; \
  dv.range.length = 4096; notify_len = sizeof(dv); \
  notify_code = FUSE_NOTIFY_IOMAP_DEV_INVAL; s->hook = hook_notify_at_open; \
  body; memcpy(notify_buf, &dv, sizeof(dv)); }

DEVINV_CASE(v_ok, (void)0)
DEVINV_CASE(v_dev0, dv.dev = 0)
DEVINV_CASE(v_unknown, dv.dev = 4)
DEVINV_CASE(v_past_end, dv.range.offset = 8 * MIB)
DEVINV_CASE(v_reserved_size, notify_len = sizeof(dv) + 8)

static void e_inval_entry_len(struct fake_srv *s, struct kmodel_opts *o)
{
	struct fuse_notify_inval_entry_out e;

	(void)o;
	s->dev_path = devfile;
	memset(&e, 0, sizeof(e));
	e.parent = FUSE_ROOT_ID;
	e.namelen = 1;
	memcpy(notify_buf, &e, sizeof(e));
	notify_buf[sizeof(e)] = 'f';
	notify_buf[sizeof(e) + 1] = 'g';	/* no NUL after the name */
	notify_len = sizeof(e) + 2;
	notify_code = FUSE_NOTIFY_INVAL_ENTRY;
	s->hook = hook_notify_at_open;
}

/* budget: nine unmergeable 32-byte records with a 256-byte budget */
static int hook_many_upserts(struct fake_srv *s, const struct fuse_in_header *h,
			     const void *in, size_t n)
{
	int k;

	(void)in; (void)n;
	if (h->opcode != FUSE_OPEN)
		return 0;
	for (k = 0; k < 9; k++) {
		memset(&up, 0, sizeof(up));
		up.nodeid = FS_FILE_NODEID;
		up.attr_ino = FS_FILE_INO;
		up.read.offset = k * 4096;
		up.read.length = 4096;
		up.read.addr = k * 8192;
		up.read.type = FUSE_IOMAP_TYPE_MAPPED;
		up.read.dev = 1;
		fs_notify(s, FUSE_NOTIFY_IOMAP_UPSERT_MAPPINGS, &up, sizeof(up));
	}
	return 0;
}
static void k_budget(struct fake_srv *s, struct kmodel_opts *o)
{
	cfg(s, o);
	co.flags |= FUSE_IOMAP_CONFIG_CACHE_MAXBYTES;
	co.cache_maxbytes = 1;	/* clamped up to 256 */
	s->hook = hook_many_upserts;
}
static int act_budget(struct kmodel *km, struct fake_srv *s)
{
	int64_t b;

	act_read(km, s);
	b = kmodel_cache_bytes(km, "/f");
	return b == -ENOENT ? 0 : -1;	/* thrown away */
}

/* ---------- famfs fmap parser (spec 6.6) ---------- */

struct fmap1 {
	struct fuse_famfs_fmap_header h;
	struct fuse_famfs_simple_ext e[40];
};
static struct fmap1 fm;

static void fm_simple(struct fake_srv *s, struct kmodel_opts *o, uint32_t n)
{
	uint32_t i;

	famfs_base(s, o);
	memset(&fm, 0, sizeof(fm));
	fm.h.fmap_version = FUSE_FAMFS_FMAP_VERSION;
	fm.h.ext_type = FUSE_FAMFS_EXT_SIMPLE;
	fm.h.nextents = n;
	fm.h.file_size = 2 * MIB;
	for (i = 0; i < n; i++) {
		fm.e[i].se_offset = 0;
		fm.e[i].se_len = 2 * MIB;
	}
	s->fmap_reply = &fm;
	s->fmap_len = sizeof(fm.h) + n * sizeof(fm.e[0]);
}
#define FM_CASE(fn, n, body) \
static void fn(struct fake_srv *s, struct kmodel_opts *o) { fm_simple(s, o, n); body; }

FM_CASE(f_ok, 1, (void)0)
FM_CASE(f_header, 1, s->fmap_len = 16)
FM_CASE(f_nextents0, 1, fm.h.nextents = 0)
FM_CASE(f_nextents33, 33, (void)0)
FM_CASE(f_array, 1, fm.h.nextents = 2)
FM_CASE(f_devindex, 1, fm.e[0].se_devindex = 1)
FM_CASE(f_off, 1, fm.e[0].se_offset = 4096)
FM_CASE(f_len, 1, fm.e[0].se_len = 2 * MIB + 4096)
FM_CASE(f_short, 1, fm.h.file_size = 3 * MIB)
FM_CASE(f_type, 1, fm.h.ext_type = 2)
FM_CASE(f_big, 1, memset(raw, 0, 4104); memcpy(raw, &fm, sizeof(fm)); s->fmap_reply = raw; s->fmap_len = 4104)
FM_CASE(f_32, 32, fm.h.file_size = 2 * MIB)

struct fmapi {
	struct fuse_famfs_fmap_header h;
	struct fuse_famfs_iext ie;
	struct fuse_famfs_simple_ext st[33];
};
static struct fmapi fi;

static void fi_base(struct fake_srv *s, struct kmodel_opts *o)
{
	famfs_base(s, o);
	memset(&fi, 0, sizeof(fi));
	fi.h.ext_type = FUSE_FAMFS_EXT_INTERLEAVE;
	fi.h.nextents = 1;
	fi.h.file_size = 4 * MIB;
	fi.ie.ie_nstrips = 2;
	fi.ie.ie_chunk_size = 2 * MIB;
	fi.ie.ie_nbytes = 4 * MIB;
	fi.st[0].se_len = 2 * MIB;
	fi.st[1].se_offset = 2 * MIB;
	fi.st[1].se_len = 2 * MIB;
	s->file_size = 4 * MIB;
	s->fmap_reply = &fi;
	s->fmap_len = sizeof(fi.h) + sizeof(fi.ie) + 2 * sizeof(fi.st[0]);
}
#define FI_CASE(fn, body) \
static void fn(struct fake_srv *s, struct kmodel_opts *o) { fi_base(s, o); body; }

FI_CASE(g_ok, (void)0)
FI_CASE(g_chunk, fi.ie.ie_chunk_size = 4096)
FI_CASE(g_strips0, fi.ie.ie_nstrips = 0)
FI_CASE(g_strips33, fi.ie.ie_nstrips = 33; s->fmap_len = sizeof(fi))
FI_CASE(g_nbytes, fi.ie.ie_nbytes = 0)
FI_CASE(g_strip_off, fi.st[1].se_offset = 2 * MIB + 4096)
FI_CASE(g_strip_dev, fi.st[1].se_devindex = 1)
FI_CASE(g_trunc, s->fmap_len -= 8)
/* post-V10 variant rules */
FI_CASE(h_chunk4m, fi.ie.ie_chunk_size = 4 * MIB; fi.st[0].se_len = 4 * MIB; fi.st[1].se_len = 4 * MIB; fi.st[1].se_offset = 4 * MIB; s->push_daxdev = true)
FI_CASE(h_strip_short, fi.ie.ie_nbytes = 6 * MIB; fi.h.file_size = 4 * MIB; s->push_daxdev = true)
FI_CASE(h_ok, s->push_daxdev = true)

static void p_short(struct fake_srv *s, struct kmodel_opts *o)
{
	fm_simple(s, o, 1);
	s->push_daxdev = true;
	s->fmap_len = 24;
}
static void p_efbig(struct fake_srv *s, struct kmodel_opts *o)
{
	fm_simple(s, o, 1);
	s->push_daxdev = true;
	fm.h.reserved0 = 17 * MIB;
	s->fmap_len = sizeof(fm.h);
}
static struct fuse_famfs_fmap_header grow2;
static void p_grow(struct fake_srv *s, struct kmodel_opts *o)
{
	fm_simple(s, o, 1);
	s->push_daxdev = true;
	fm.h.reserved0 = 8192;
	s->fmap_len = sizeof(fm.h);
	grow2 = fm.h;
	grow2.reserved0 = 16384;
	s->fmap_reply2 = &grow2;
	s->fmap_len2 = sizeof(grow2);
}
static void p_two_step(struct fake_srv *s, struct kmodel_opts *o)
{
	static struct fmap1 full;

	fm_simple(s, o, 1);
	s->push_daxdev = true;
	full = fm;
	full.h.reserved0 = sizeof(fm.h) + sizeof(fm.e[0]);
	fm.h.reserved0 = 8192;	/* "I need 8 KiB": header only */
	s->fmap_len = sizeof(fm.h);
	full.h.reserved0 = 8192;
	s->fmap_reply2 = &full;
	s->fmap_len2 = sizeof(full.h) + sizeof(full.e[0]);
}
static void p_33(struct fake_srv *s, struct kmodel_opts *o)
{
	fm_simple(s, o, 33);
	s->push_daxdev = true;
}

/* ---------- GET_DAXDEV (spec 4.4) ---------- */

static struct fuse_daxdev_out dx;
static void x_base(struct fake_srv *s, struct kmodel_opts *o)
{
	famfs_base(s, o);
	memset(&dx, 0, sizeof(dx));
	snprintf(dx.name, sizeof(dx.name), "%s", devfile);
	s->daxdev_reply = &dx;
	s->daxdev_len = sizeof(dx);
}
#define DX_CASE(fn, body) \
static void fn(struct fake_srv *s, struct kmodel_opts *o) { x_base(s, o); body; }

DX_CASE(x_ok, (void)0)
DX_CASE(x_len, s->daxdev_len = 200)
DX_CASE(x_index, dx.index = 24)
DX_CASE(x_strict, o->allow_file_devices = false)
DX_CASE(x_missing, snprintf(dx.name, sizeof(dx.name), "/nonexistent/dax9.9"))
DX_CASE(x_noterm, memset(dx.name, 'a', sizeof(dx.name)))

static void x_size_change(struct fake_srv *s, struct kmodel_opts *o)
{
	famfs_base(s, o);
	s->getattr_size = MIB;
}
static int act_size_change(struct kmodel *km, struct fake_srv *s)
{
	uint64_t size;
	int res = act_read(km, s);

	if (res)
		return -1000;
	kmodel_stat(km, "/f", &size, NULL);	/* GETATTR says 1 MiB now */
	return act_read(km, s);
}

/* ---------- INIT ---------- */

static void n_gp_noname(struct fake_srv *s, struct kmodel_opts *o)
{
	famfs_base(s, o);
}
static int act_famfs_off(struct kmodel *km, struct fake_srv *s)
{
	(void)s;
	return kmodel_famfs_on(km) ? -1 : 0;
}
static void n_gp_name(struct fake_srv *s, struct kmodel_opts *o)
{
	famfs_base(s, o);
	strcpy(s->ops_name, "dax_simple");
}
static int hook_init_major(struct fake_srv *s, const struct fuse_in_header *h,
			   const void *in, size_t n)
{
	struct fuse_init_out io;

	(void)in; (void)n;
	if (h->opcode != FUSE_INIT)
		return 0;
	memset(&io, 0, sizeof(io));
	io.major = 8;
	fs_reply(s, h->unique, 0, &io, sizeof(io));
	return 1;
}
static void n_major(struct fake_srv *s, struct kmodel_opts *o)
{
	iomap_base(s, o);
	s->hook = hook_init_major;
}

/* ---------- the model's own limits ---------- */

static int hook_retry_forever(struct fake_srv *s, const struct fuse_in_header *h,
			      const void *in, size_t n)
{
	const struct fuse_iomap_begin_in *b = in;
	struct fuse_iomap_upsert_mappings_out u;
	struct fuse_iomap_begin_out o;

	(void)n;
	if (h->opcode == FUSE_OPEN) {
		/* a cache exists, but never for the range that is read */
		memset(&u, 0, sizeof(u));
		u.nodeid = FS_FILE_NODEID;
		u.attr_ino = FS_FILE_INO;
		fs_default_begin(s->backing_id, 0, 4096, &o);
		u.read = o.read;
		u.read.offset = 512 * 1024;
		fs_notify(s, FUSE_NOTIFY_IOMAP_UPSERT_MAPPINGS, &u, sizeof(u));
		return 0;
	}
	if (h->opcode != FUSE_IOMAP_BEGIN)
		return 0;
	fs_default_begin(s->backing_id, b->pos, s->file_size, &o);
	o.read.type = FUSE_IOMAP_TYPE_RETRY_CACHE;
	o.read.dev = FUSE_IOMAP_DEV_NULL;
	o.read.addr = FUSE_IOMAP_NULL_ADDR;
	fs_reply(s, h->unique, 0, &o, sizeof(o));
	return 1;
}
static void m_retry_forever(struct fake_srv *s, struct kmodel_opts *o)
{
	iomap_base(s, o);
	s->hook = hook_retry_forever;
}

static int hook_die_at_begin(struct fake_srv *s, const struct fuse_in_header *h,
			     const void *in, size_t n)
{
	(void)in; (void)n;
	if (h->opcode != FUSE_IOMAP_BEGIN)
		return 0;
	shutdown(s->fd, SHUT_RDWR);
	s->running = false;
	return 1;
}
static void m_server_dies(struct fake_srv *s, struct kmodel_opts *o)
{
	iomap_base(s, o);
	s->hook = hook_die_at_begin;
}

static int hook_bad_frames(struct fake_srv *s, const struct fuse_in_header *h,
			   const void *in, size_t n)
{
	struct fuse_out_header oh;

	(void)in; (void)n;
	if (h->opcode != FUSE_IOMAP_BEGIN)
		return 0;
	/* a header that lies about its length, a reply to a stranger, an
	 * out-of-range error: each ignored (the kernel fails the write) */
	oh.len = 100;
	oh.error = 0;
	oh.unique = h->unique;
	send(s->fd, &oh, sizeof(oh), MSG_NOSIGNAL);
	oh.len = sizeof(oh);
	oh.unique = h->unique + 1000;
	send(s->fd, &oh, sizeof(oh), MSG_NOSIGNAL);
	oh.unique = h->unique;
	oh.error = -600;
	send(s->fd, &oh, sizeof(oh), MSG_NOSIGNAL);
	/* then a proper error reply */
	fs_reply(s, h->unique, -EROFS, NULL, 0);
	return 1;
}
static void m_bad_frames(struct fake_srv *s, struct kmodel_opts *o)
{
	iomap_base(s, o);
	s->hook = hook_bad_frames;
}

/* ---------- stock replies ---------- */

static int stock_kind;

static int hook_stock(struct fake_srv *s, const struct fuse_in_header *h,
		      const void *in, size_t n)
{
	struct fuse_entry_out eo;
	struct fuse_open_out oo;

	(void)in; (void)n;
	memset(&eo, 0, sizeof(eo));
	eo.nodeid = FS_FILE_NODEID;
	eo.attr.ino = FS_FILE_INO;
	eo.attr.mode = S_IFREG | 0644;
	eo.attr.size = 4096;
	if (h->opcode == FUSE_LOOKUP) {
		switch (stock_kind) {
		case 0:
			eo.attr.mode = 0644;	/* no file type */
			break;
		case 1:
			eo.attr.size = 1ULL << 63;
			break;
		case 2:
			fs_reply(s, h->unique, 0, &eo, sizeof(eo) - 8);
			return 1;
		case 3:
			eo.nodeid = 0;		/* negative entry */
			break;
		default:
			return 0;
		}
		fs_reply(s, h->unique, 0, &eo, sizeof(eo));
		return 1;
	}
	if (h->opcode == FUSE_OPEN && stock_kind == 4) {
		memset(&oo, 0, sizeof(oo));
		fs_reply(s, h->unique, 0, &oo, 8);
		return 1;
	}
	return 0;
}
#define STOCK_CASE(fn, k) \
static void fn(struct fake_srv *s, struct kmodel_opts *o) \
{ (void)o; s->dev_path = devfile; stock_kind = k; s->hook = hook_stock; }
STOCK_CASE(s_type, 0)
STOCK_CASE(s_size, 1)
STOCK_CASE(s_short_entry, 2)
STOCK_CASE(s_negative, 3)
STOCK_CASE(s_short_open, 4)

/* ---------- READDIR records (fs/fuse/readdir.c parse_dirfile) ---------- */

static int dirent_kind;

static int hook_dirent(struct fake_srv *s, const struct fuse_in_header *h,
		       const void *in, size_t n)
{
	char buf[2048];
	struct fuse_dirent *de = (struct fuse_dirent *)buf;
	const struct fuse_read_in *r = in;

	(void)n;
	if (h->opcode != FUSE_READDIR)
		return 0;
	memset(buf, 0, sizeof(buf));
	de->ino = 5;
	de->off = r->offset;	/* kind 3: never advances */
	de->namelen = 1;
	de->type = 8;
	de->name[0] = 'x';
	if (dirent_kind == 0)
		de->namelen = 0;
	else if (dirent_kind == 1) {
		de->namelen = 3;
		memcpy(de->name, "a/b", 3);
	} else if (dirent_kind == 2)
		de->namelen = 1025;
	fs_reply(s, h->unique, 0, buf, dirent_kind == 2 ? 1100 : 32);
	return 1;
}
#define DIRENT_CASE(fn, k) \
static void fn(struct fake_srv *s, struct kmodel_opts *o) \
{ (void)o; dirent_kind = k; s->hook = hook_dirent; }
DIRENT_CASE(r_namelen0, 0)
DIRENT_CASE(r_slash, 1)
DIRENT_CASE(r_long, 2)
DIRENT_CASE(r_stuck, 3)

static int nop_entry(void *ctx, const char *name, uint32_t type, uint64_t ino)
{
	(void)ctx; (void)name; (void)type; (void)ino;
	return 0;
}
static int act_readdir(struct kmodel *km, struct fake_srv *s)
{
	(void)s;
	return kmodel_readdir(km, "/", nop_entry, NULL);
}

static const struct vcase cases[] = {
	/* IOMAP_BEGIN reply: EFSCORRUPTED (EUCLEAN) per spec 2.4 */
	{ "begin: reply not exactly 64 bytes", "iomap-v7", b_len, act_read, -EINVAL, false },
	{ "begin: unknown type", "iomap-v7", b_type, act_read, -EUCLEAN, false },
	{ "begin: SIZE_CHANGED from the server", "iomap-v7", b_flags, act_read, -EUCLEAN, false },
	{ "begin: STALE from the server", "iomap-v7", b_stale, act_read, -EUCLEAN, false },
	{ "begin: zero length", "iomap-v7", b_zero_len, act_read, -EUCLEAN, false },
	{ "begin: length not block aligned", "iomap-v7", b_unaligned_len, act_read, -EUCLEAN, false },
	{ "begin: offset not block aligned", "iomap-v7", b_unaligned_off, act_read, -EUCLEAN, false },
	{ "begin: offset+length overflows", "iomap-v7", b_overflow, act_read, -EUCLEAN, false },
	{ "begin: mapping does not cover pos", "iomap-v7", b_uncovered, act_read, -EUCLEAN, false },
	{ "begin: MAPPED without device", "iomap-v7", b_dev_null, act_read, -EUCLEAN, false },
	{ "begin: MAPPED without address", "iomap-v7", b_null_addr, act_read, -EUCLEAN, false },
	{ "begin: MAPPED on unregistered device", "iomap-v7", b_unknown_dev, act_read, -EUCLEAN, false },
	{ "begin: HOLE with a device", "iomap-v7", b_hole_dev, act_read, -EUCLEAN, false },
	{ "begin: HOLE with an address", "iomap-v7", b_hole_addr, act_read, -EUCLEAN, false },
	{ "begin: PURE_OVERWRITE in read slot", "iomap-v7", b_po_read, act_read, -EUCLEAN, false },
	{ "begin: NOCACHE in BEGIN", "iomap-v7", b_nocache, act_read, -EUCLEAN, false },
	{ "begin: RETRY_CACHE without a cache", "iomap-v7", b_retry_nocache, act_read, -EUCLEAN, false },
	{ "begin: device range overflows", "iomap-v7", b_addr_overflow, act_read, -EUCLEAN, false },
	{ "begin: zero-filled write record on a read", "iomap-v7", b_write_zero, act_read, -EUCLEAN, false },
	{ "begin: write record does not cover pos", "iomap-v7", b_write_uncovered, act_read, -EUCLEAN, false },
	{ "begin: server error passes through", "iomap-v7", b_err, act_read, -EIO, false },
	{ "open: FOPEN_PASSTHROUGH on iomap inode", "iomap-v7", b_open_passthrough, act_read, -EINVAL, false },
	{ "open: FOPEN_STREAM on iomap inode", "iomap-v7", b_open_stream, act_read, -EINVAL, false },
	/* IOMAP_CONFIG: the mount fails (spec 2.3) */
	{ "config: unknown flag", "iomap-v7", c_flags, NULL, EINVAL, true },
	{ "config: s_uuid_len > 16", "iomap-v7", c_uuid, NULL, EINVAL, true },
	{ "config: nonzero s_pad", "iomap-v7", c_pad, NULL, EINVAL, true },
	{ "config: reply longer than 104", "iomap-v7", c_long, NULL, EINVAL, true },
	{ "config: block size not settable", "iomap-v7", c_bs, NULL, EINVAL, true },
	{ "config: error fails the mount", "iomap-v7", c_err, NULL, EIO, true },
	{ "config: ENOSYS means defaults", "iomap-v7", c_enosys, act_bs_default, 0, false },
	{ "config: short reply is zero-filled", "iomap-v7", c_short, act_bs_default, 0, false },
	{ "config: s_maxbytes bounds mapping offsets", "iomap-v7", c_maxbytes, act_read, -EUCLEAN, false },
	/* device ioctls (spec 4.1, 4.2) */
	{ "backing_open: flag bits beyond the type", "iomap-v7", d_flags, act_backing, -EINVAL, false },
	{ "backing_open: nonzero padding", "iomap-v7", d_pad, act_backing, -EINVAL, false },
	{ "backing_open: unknown type", "iomap-v7", d_type, act_backing, -EOPNOTSUPP, false },
	{ "backing_open: not a block device", "iomap-v7", d_strict, act_backing, -ENODEV, false },
	{ "backing_open: iomap not negotiated", "iomap-v7", d_not_negotiated, act_ioc, -EPERM, false },
	{ "backing_close: iomap device stays", "iomap-v7", d_close_busy, act_ioc, -EBUSY, false },
	{ "iomap_support: stock kernel", "stock", d_support_stock, act_ioc, -ENOTTY, false },
	{ "set_blocksize: unknown backing id", "iomap-v7", d_blocksize_enoent, act_ioc, -ENOENT, false },
	{ "set_nofs: value other than 0/1", "iomap-v7", d_nofs_value, act_ioc, -EINVAL, false },
	{ "add_iomap: no CAP_SYS_RAWIO / enable_iomap", "iomap-v7", d_no_rawio, act_add_iomap, -EPERM, false },
	/* UPSERT (spec 5.2) */
	{ "upsert: accepted, serves reads from cache", "iomap-v7", u_ok, act_upsert_hit, 0, false },
	{ "upsert: size not exact", "iomap-v7", u_size, act_notify, -EINVAL, false },
	{ "upsert: unknown nodeid", "iomap-v7", u_nodeid, act_notify, -ESTALE, false },
	{ "upsert: attr_ino mismatch", "iomap-v7", u_attr_ino, act_notify, -EINVAL, false },
	{ "upsert: RETRY_CACHE refused", "iomap-v7", u_retry, act_notify, -EUCLEAN, false },
	{ "upsert: past the end of the device", "iomap-v7", u_past_dev, act_notify, -EUCLEAN, false },
	{ "upsert: not block aligned", "iomap-v7", u_unaligned, act_notify, -EUCLEAN, false },
	{ "upsert: unknown device", "iomap-v7", u_unknown_dev, act_notify, -EUCLEAN, false },
	{ "upsert: NOCACHE silently ignored", "iomap-v7", u_nocache, act_notify, 0, false },
	{ "upsert: PURE_OVERWRITE in read fork", "iomap-v7", u_po_read, act_notify, -EUCLEAN, false },
	{ "upsert: not an iomap connection", "iomap-v7", u_not_iomap, act_notify, -EINVAL, false },
	{ "upsert: iomap code on a stock kernel", "stock", u_stock, act_notify, -EINVAL, false },
	{ "backing_open: stock kernel without passthrough", "stock", d_not_negotiated, act_ioc, -EPERM, false },
	{ "cache: over budget is thrown away", "iomap-v7", k_budget, act_budget, 0, false },
	/* INVAL (spec 5.3) */
	{ "inval: accepted", "iomap-v7", i_ok, act_notify, 0, false },
	{ "inval: TO_EOF length", "iomap-v7", i_to_eof, act_notify, 0, false },
	{ "inval: offset not aligned", "iomap-v7", i_unaligned, act_notify, -EUCLEAN, false },
	{ "inval: length not aligned", "iomap-v7", i_len, act_notify, -EUCLEAN, false },
	{ "inval: unknown nodeid", "iomap-v7", i_nodeid, act_notify, -ESTALE, false },
	{ "inval: size not exact", "iomap-v7", i_size, act_notify, -EINVAL, false },
	{ "inval_entry: name not NUL-terminated", "stock", e_inval_entry_len, act_notify, -EINVAL, false },
	/* DEV_INVAL (spec 4.2) */
	{ "dev_inval: accepted", "iomap-v7", v_ok, act_notify, 0, false },
	{ "dev_inval: device 0", "iomap-v7", v_dev0, act_notify, -EINVAL, false },
	{ "dev_inval: unknown device", "iomap-v7", v_unknown, act_notify, -ENODEV, false },
	{ "dev_inval: offset past the device", "iomap-v7", v_past_end, act_notify, -EINVAL, false },
	{ "dev_inval: size not exact", "iomap-v7", v_reserved_size, act_notify, -EINVAL, false },
	/* fmap parser, V10 (spec 6.6) */
	{ "fmap: valid simple fmap", "famfs-v10", f_ok, act_read, 0, false },
	{ "fmap: header does not fit", "famfs-v10", f_header, act_read, -EINVAL, false },
	{ "fmap: nextents 0", "famfs-v10", f_nextents0, act_read, -ERANGE, false },
	{ "fmap: nextents over the cap of 32", "famfs-v10", f_nextents33, act_read, -ERANGE, false },
	{ "fmap: 32 extents is within the cap", "famfs-v10", f_32, act_read, 0, false },
	{ "fmap: extent array past the reply", "famfs-v10", f_array, act_read, -EINVAL, false },
	{ "fmap: dev_index != 0", "famfs-v10", f_devindex, act_read, -EINVAL, false },
	{ "fmap: offset not 2 MiB aligned", "famfs-v10", f_off, act_read, -EINVAL, false },
	{ "fmap: length not 2 MiB aligned", "famfs-v10", f_len, act_read, -EINVAL, false },
	{ "fmap: extents shorter than file_size", "famfs-v10", f_short, act_read, -EINVAL, false },
	{ "fmap: unknown ext_type", "famfs-v10", f_type, act_read, -EINVAL, false },
	{ "fmap: reply over one page (V10)", "famfs-v10", f_big, act_read, -EINVAL, false },
	{ "interleave: valid", "famfs-v10", g_ok, act_read, 0, false },
	{ "interleave: chunk not a 2 MiB multiple", "famfs-v10", g_chunk, act_read, -EINVAL, false },
	{ "interleave: 0 strips", "famfs-v10", g_strips0, act_read, -EINVAL, false },
	{ "interleave: 33 strips", "famfs-v10", g_strips33, act_read, -EINVAL, false },
	{ "interleave: ie_nbytes 0", "famfs-v10", g_nbytes, act_read, -EINVAL, false },
	{ "interleave: strip not aligned", "famfs-v10", g_strip_off, act_read, -EINVAL, false },
	{ "interleave: strip dev_index != 0", "famfs-v10", g_strip_dev, act_read, -EINVAL, false },
	{ "interleave: strips past the reply", "famfs-v10", g_trunc, act_read, -EINVAL, false },
	/* post-V10 (spec 6.2, 6.6) */
	{ "post-v10: valid interleave", "famfs-post-v10", h_ok, act_read, 0, false },
	{ "post-v10: chunk not PAGE or PMD", "famfs-post-v10", h_chunk4m, act_read, -EINVAL, false },
	{ "post-v10: strip too short for its chunks", "famfs-post-v10", h_strip_short, act_read, -EINVAL, false },
	{ "post-v10: reply shorter than the header", "famfs-post-v10", p_short, act_read, -EIO, false },
	{ "post-v10: fmap_size over 16 MiB", "famfs-post-v10", p_efbig, act_read, -EFBIG, false },
	{ "post-v10: fmap grows on the second ask", "famfs-post-v10", p_grow, act_read, -EINVAL, false },
	{ "post-v10: header-only, then the full fmap", "famfs-post-v10", p_two_step, act_read, 0, false },
	{ "post-v10: no 32-extent cap", "famfs-post-v10", p_33, act_read, 0, false },
	{ "post-v10 simple: interleave refused", "famfs-post-v10-simple", h_ok, act_read, -EINVAL, false },
	{ "post-v10 simple: simple extents accepted", "famfs-post-v10-simple", p_33, act_read, 0, false },
	/* GET_DAXDEV (spec 4.4) */
	{ "daxdev: valid reply", "famfs-v10", x_ok, act_read, 0, false },
	{ "daxdev: reply not 280 bytes", "famfs-v10", x_len, act_read, -EINVAL, false },
	{ "daxdev: index >= 24", "famfs-v10", x_index, act_read, -EINVAL, false },
	{ "daxdev: not a character device", "famfs-v10", x_strict, act_read, -EINVAL, false },
	{ "daxdev: path does not exist", "famfs-v10", x_missing, act_read, -ENOENT, false },
	{ "daxdev: name not NUL-terminated", "famfs-v10", x_noterm, act_read, -EINVAL, false },
	{ "fmap: i_size changed by GETATTR", "famfs-v10", x_size_change, act_size_change, -ENXIO, false },
	{ "push: index >= 64", "famfs-post-v10", y_push_index, act_ioc, -EINVAL, false },
	{ "push: not a push kernel (V10)", "famfs-v10", y_push_v10, act_ioc, -ENOTTY, false },
	{ "push: famfs not negotiated", "famfs-post-v10", y_push_not_famfs, act_ioc, -EOPNOTSUPP, false },
	/* stock reply rules */
	{ "lookup: attr without a file type", "stock", s_type, act_read, -EIO, false },
	{ "lookup: attr size > LLONG_MAX", "stock", s_size, act_read, -EIO, false },
	{ "lookup: reply shorter than fuse_entry_out", "stock", s_short_entry, act_read, -EINVAL, false },
	{ "lookup: nodeid 0 is a negative entry", "stock", s_negative, act_read, -ENOENT, false },
	{ "open: reply shorter than fuse_open_out", "stock", s_short_open, act_read, -EINVAL, false },
	{ "readdir: name length 0", "stock", r_namelen0, act_readdir, -EIO, false },
	{ "readdir: name with '/'", "stock", r_slash, act_readdir, -EIO, false },
	{ "readdir: name longer than 1024", "stock", r_long, act_readdir, -EIO, false },
	{ "model: readdir offsets that never advance", "stock", r_stuck, act_readdir, -EIO, false },
	/* the model's own limits and framing */
	{ "model: RETRY_CACHE never served gives up", "iomap-v7", m_retry_forever, act_read, -EINTR, false },
	{ "model: server dies mid-request", "iomap-v7", m_server_dies, act_read, -ENOTCONN, false },
	{ "model: malformed frames are ignored", "iomap-v7", m_bad_frames, act_read, -EROFS, false },
	/* INIT */
	{ "init: Gregory's DAX_FMAP needs ops_name", "famfs-gp-bpf", n_gp_noname, act_famfs_off, 0, false },
	{ "init: Gregory's ops_name not registered: no DAX fmap", "famfs-gp-bpf", n_gp_name, act_famfs_off, 0, false },
	{ "init: reply major 8", "iomap-v7", n_major, NULL, EPROTO, true },
	{ "init: ENOSYS config still mounts", "iomap-v7", c_enosys, act_ok, 0, false },
};

int main(void)
{
	size_t i, n = sizeof(cases) / sizeof(cases[0]);
	int fails = 0;

	signal(SIGPIPE, SIG_IGN);
	devfile = fs_make_file("validate", 8 * MIB);
	if (!devfile) {
		printf("cannot create the device file\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		const struct vcase *c = &cases[i];
		struct kmodel_opts o;
		struct fake_srv s;
		struct kmodel *km;
		int fd, got;

		fs_init(&s);
		kmodel_opts_init(&o, fuse_dialect_by_name(c->dialect));
		o.timeout_ms = 10000;
		o.init_delay_ms = 10000;	/* KMW_MOUNT always comes */
		c->setup(&s, &o);
		fd = fs_start(&s);
		if (fd < 0) {
			printf("FAIL %s: cannot start the fake server\n", c->name);
			fails++;
			continue;
		}
		errno = 0;
		km = kmodel_start_fd(&o, fd);
		if (c->mount_fails) {
			got = km ? 0 : errno;
			if (km)
				kmodel_stop(km);
		} else if (!km) {
			printf("FAIL %s: mount failed (%s)\n", c->name,
			       strerror(errno));
			fails++;
			fs_join(&s);
			continue;
		} else {
			got = c->act(km, &s);
			if (got != c->want)
				printf("   model said: %s\n", kmodel_last_error(km));
			kmodel_stop(km);
		}
		fs_join(&s);
		if (got != c->want) {
			printf("FAIL %s: got %d (%s), want %d (%s)\n", c->name, got,
			       strerror(got < 0 ? -got : got), c->want,
			       strerror(c->want < 0 ? -c->want : c->want));
			fails++;
		} else {
			printf("ok   %s (%s)\n", c->name, c->want ?
			       strerror(c->want < 0 ? -c->want : c->want) : "accepted");
		}
	}
	unlink(devfile);
	printf("%zu rules, %d failed\n", n, fails);
	return fails ? 1 : 0;
}
