// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_malformed.c - bad input never reaches a method: for every opcode
 * with a fixed argument, one byte short and one byte too many get EINVAL
 * (requests that take no reply are dropped); names without terminator,
 * data lengths that disagree with the header fields and bad lock ranges
 * get EINVAL; a header length that disagrees with the bytes received, or
 * a message shorter than the header, ends the session.
 */
#include "harness.h"

#include <errno.h>
#include <string.h>

static int calls;

#define COUNTER(name, ...) \
	static void name(__VA_ARGS__) { calls++; fuse_reply_err(req, 0); }

COUNTER(m_lookup, fuse_req_t req, fuse_ino_t p, const char *n)
COUNTER(m_getattr, fuse_req_t req, fuse_ino_t i, struct fuse_file_info *fi)
COUNTER(m_setattr, fuse_req_t req, fuse_ino_t i, struct stat *a, int s,
	struct fuse_file_info *fi)
COUNTER(m_readlink, fuse_req_t req, fuse_ino_t i)
COUNTER(m_mknod, fuse_req_t req, fuse_ino_t p, const char *n, mode_t m,
	dev_t d)
COUNTER(m_mkdir, fuse_req_t req, fuse_ino_t p, const char *n, mode_t m)
COUNTER(m_symlink, fuse_req_t req, const char *l, fuse_ino_t p,
	const char *n)
COUNTER(m_rename, fuse_req_t req, fuse_ino_t p, const char *n, fuse_ino_t np,
	const char *nn, unsigned int f)
COUNTER(m_link, fuse_req_t req, fuse_ino_t i, fuse_ino_t np, const char *n)
COUNTER(m_fi, fuse_req_t req, fuse_ino_t i, struct fuse_file_info *fi)
COUNTER(m_read, fuse_req_t req, fuse_ino_t i, size_t s, off_t o,
	struct fuse_file_info *fi)
COUNTER(m_write, fuse_req_t req, fuse_ino_t i, const char *b, size_t s,
	off_t o, struct fuse_file_info *fi)
COUNTER(m_fsync, fuse_req_t req, fuse_ino_t i, int d,
	struct fuse_file_info *fi)
COUNTER(m_statfs, fuse_req_t req, fuse_ino_t i)
COUNTER(m_setxattr, fuse_req_t req, fuse_ino_t i, const char *n,
	const char *v, size_t s, int f)
COUNTER(m_getxattr, fuse_req_t req, fuse_ino_t i, const char *n, size_t s)
COUNTER(m_listxattr, fuse_req_t req, fuse_ino_t i, size_t s)
COUNTER(m_access, fuse_req_t req, fuse_ino_t i, int m)
COUNTER(m_create, fuse_req_t req, fuse_ino_t p, const char *n, mode_t m,
	struct fuse_file_info *fi)
COUNTER(m_getlk, fuse_req_t req, fuse_ino_t i, struct fuse_file_info *fi,
	struct flock *l)
COUNTER(m_setlk, fuse_req_t req, fuse_ino_t i, struct fuse_file_info *fi,
	struct flock *l, int s)
COUNTER(m_bmap, fuse_req_t req, fuse_ino_t i, size_t b, uint64_t x)
COUNTER(m_ioctl, fuse_req_t req, fuse_ino_t i, unsigned int c, void *a,
	struct fuse_file_info *fi, unsigned f, const void *ib, size_t is,
	size_t os)
COUNTER(m_fallocate, fuse_req_t req, fuse_ino_t i, int m, off_t o, off_t l,
	struct fuse_file_info *fi)
COUNTER(m_cfr, fuse_req_t req, fuse_ino_t i, off_t o,
	struct fuse_file_info *fi, fuse_ino_t i2, off_t o2,
	struct fuse_file_info *fi2, size_t l, int f)
COUNTER(m_lseek, fuse_req_t req, fuse_ino_t i, off_t o, int w,
	struct fuse_file_info *fi)
COUNTER(m_tmpfile, fuse_req_t req, fuse_ino_t p, mode_t m,
	struct fuse_file_info *fi)
COUNTER(m_statx, fuse_req_t req, fuse_ino_t i, int f, int m,
	struct fuse_file_info *fi)
COUNTER(m_poll, fuse_req_t req, fuse_ino_t i, struct fuse_file_info *fi,
	struct fuse_pollhandle *ph)

static void m_forget(fuse_req_t req, fuse_ino_t i, uint64_t n)
{
	(void)i; (void)n;
	calls++;
	fuse_reply_none(req);
}

static void m_forget_multi(fuse_req_t req, size_t c,
			   struct fuse_forget_data *f)
{
	(void)c; (void)f;
	calls++;
	fuse_reply_none(req);
}

static void m_retrieve(fuse_req_t req, void *c, fuse_ino_t i, off_t o,
		       struct fuse_bufvec *b)
{
	(void)c; (void)i; (void)o; (void)b;
	calls++;
	fuse_reply_none(req);
}

static const struct fuse_lowlevel_ops ops = {
	.lookup = m_lookup, .forget = m_forget, .getattr = m_getattr,
	.setattr = m_setattr, .readlink = m_readlink, .mknod = m_mknod,
	.mkdir = m_mkdir, .unlink = m_lookup, .rmdir = m_lookup,
	.symlink = m_symlink, .rename = m_rename, .link = m_link,
	.open = m_fi, .read = m_read, .write = m_write, .flush = m_fi,
	.release = m_fi, .fsync = m_fsync, .opendir = m_fi,
	.readdir = m_read, .releasedir = m_fi, .fsyncdir = m_fsync,
	.statfs = m_statfs, .setxattr = m_setxattr, .getxattr = m_getxattr,
	.listxattr = m_listxattr, .removexattr = m_lookup,
	.access = m_access, .create = m_create, .getlk = m_getlk,
	.setlk = m_setlk, .bmap = m_bmap, .ioctl = m_ioctl, .poll = m_poll,
	.forget_multi = m_forget_multi, .retrieve_reply = m_retrieve,
	.fallocate = m_fallocate, .readdirplus = m_read,
	.copy_file_range = m_cfr, .lseek = m_lseek, .tmpfile = m_tmpfile,
	.statx = m_statx,
};

static struct fk fk;

/* opcode and the size of its fixed argument */
static const struct {
	uint32_t op;
	size_t fixed;
	bool noreply;
	bool has_var;	/* a name or data follows */
} fixed_ops[] = {
	{ FUSE_FORGET, sizeof(struct fuse_forget_in), true, false },
	{ FUSE_GETATTR, sizeof(struct fuse_getattr_in), false, false },
	{ FUSE_SETATTR, sizeof(struct fuse_setattr_in), false, false },
	{ FUSE_MKNOD, sizeof(struct fuse_mknod_in), false, true },
	{ FUSE_MKDIR, sizeof(struct fuse_mkdir_in), false, true },
	{ FUSE_RENAME, sizeof(struct fuse_rename_in), false, true },
	{ FUSE_LINK, sizeof(struct fuse_link_in), false, true },
	{ FUSE_OPEN, sizeof(struct fuse_open_in), false, false },
	{ FUSE_READ, sizeof(struct fuse_read_in), false, false },
	{ FUSE_WRITE, sizeof(struct fuse_write_in), false, true },
	{ FUSE_RELEASE, sizeof(struct fuse_release_in), false, false },
	{ FUSE_FSYNC, sizeof(struct fuse_fsync_in), false, false },
	{ FUSE_SETXATTR, FUSE_COMPAT_SETXATTR_IN_SIZE, false, true },
	{ FUSE_GETXATTR, sizeof(struct fuse_getxattr_in), false, true },
	{ FUSE_LISTXATTR, sizeof(struct fuse_getxattr_in), false, false },
	{ FUSE_FLUSH, sizeof(struct fuse_flush_in), false, false },
	{ FUSE_OPENDIR, sizeof(struct fuse_open_in), false, false },
	{ FUSE_READDIR, sizeof(struct fuse_read_in), false, false },
	{ FUSE_RELEASEDIR, sizeof(struct fuse_release_in), false, false },
	{ FUSE_FSYNCDIR, sizeof(struct fuse_fsync_in), false, false },
	{ FUSE_GETLK, sizeof(struct fuse_lk_in), false, false },
	{ FUSE_SETLK, sizeof(struct fuse_lk_in), false, false },
	{ FUSE_SETLKW, sizeof(struct fuse_lk_in), false, false },
	{ FUSE_ACCESS, sizeof(struct fuse_access_in), false, false },
	{ FUSE_CREATE, sizeof(struct fuse_create_in), false, true },
	{ FUSE_INTERRUPT, sizeof(struct fuse_interrupt_in), true, false },
	{ FUSE_BMAP, sizeof(struct fuse_bmap_in), false, false },
	{ FUSE_IOCTL, sizeof(struct fuse_ioctl_in), false, true },
	{ FUSE_POLL, sizeof(struct fuse_poll_in), false, false },
	{ FUSE_NOTIFY_REPLY, sizeof(struct fuse_notify_retrieve_in), true,
	  true },
	{ FUSE_BATCH_FORGET, sizeof(struct fuse_batch_forget_in), true, true },
	{ FUSE_FALLOCATE, sizeof(struct fuse_fallocate_in), false, false },
	{ FUSE_READDIRPLUS, sizeof(struct fuse_read_in), false, false },
	{ FUSE_RENAME2, sizeof(struct fuse_rename2_in), false, true },
	{ FUSE_LSEEK, sizeof(struct fuse_lseek_in), false, false },
	{ FUSE_COPY_FILE_RANGE, sizeof(struct fuse_copy_file_range_in), false,
	  false },
	{ FUSE_SYNCFS, sizeof(struct fuse_syncfs_in), false, false },
	{ FUSE_TMPFILE, sizeof(struct fuse_create_in), false, false },
	{ FUSE_STATX, sizeof(struct fuse_statx_in), false, false },
	{ FUSE_COPY_FILE_RANGE_64, sizeof(struct fuse_copy_file_range_in),
	  false, false },
};

/* Send; expect EINVAL (or silence for no-reply ops) and no method call */
static void expect_rejected(const char *what, uint32_t op, bool noreply,
			    const void *a, size_t al)
{
	char reply[256];
	struct fuse_out_header *oh = (void *)reply;
	size_t n;

	calls = 0;
	n = fk_call(&fk, reply, sizeof(reply), op, 1, al ? 1 : 0, a, al);
	if (calls) {
		fprintf(stderr, "%s: opcode %u reached the method\n", what, op);
		fk_failures++;
	}
	if (noreply) {
		if (n) {
			fprintf(stderr, "%s: opcode %u got a reply\n", what,
				op);
			fk_failures++;
		}
	} else if (n != sizeof(*oh) || oh->error != -EINVAL) {
		fprintf(stderr, "%s: opcode %u: reply %zu bytes, error %d\n",
			what, op, n, n >= sizeof(*oh) ? oh->error : 0);
		fk_failures++;
	}
	CHECK(!fuse_session_exited(fk.se));
}

static void test_sizes(void)
{
	char buf[512];
	size_t i;

	memset(buf, 0, sizeof(buf));
	for (i = 0; i < sizeof(fixed_ops) / sizeof(fixed_ops[0]); i++) {
		/* one byte short of the fixed struct */
		expect_rejected("short", fixed_ops[i].op, fixed_ops[i].noreply,
				buf, fixed_ops[i].fixed - 1);
		/* the fixed struct plus an unexpected byte (zero-filled
		 * structs carry zero sizes / counts, so any byte is extra;
		 * for name ops a single NUL would be a valid empty name, so
		 * send a non-terminated byte) */
		buf[fixed_ops[i].fixed] = fixed_ops[i].has_var ? 'x' : 0;
		expect_rejected("oversized", fixed_ops[i].op,
				fixed_ops[i].noreply, buf,
				fixed_ops[i].fixed + 1);
		buf[fixed_ops[i].fixed] = 0;
	}
}

static void test_names_and_data(void)
{
	char buf[256];

	/* names without terminator / trailing garbage / missing second name */
	expect_rejected("unterminated", FUSE_LOOKUP, false, "abc", 3);
	expect_rejected("trailing", FUSE_UNLINK, false, "abc\0d", 5);
	expect_rejected("empty", FUSE_RMDIR, false, NULL, 0);
	expect_rejected("one name", FUSE_SYMLINK, false, "a\0b", 3);
	{
		struct {
			struct fuse_rename_in r;
			char n[3];
		} rn = { { 1 }, "a\0b" };

		expect_rejected("rename", FUSE_RENAME, false, &rn, sizeof(rn));
	}
	/* write size field disagrees with the data */
	{
		struct fuse_write_in *w = (void *)buf;

		memset(buf, 0, sizeof(buf));
		w->size = 10;
		expect_rejected("write", FUSE_WRITE, false, buf,
				sizeof(*w) + 9);
		w->size = 8;
		expect_rejected("write", FUSE_WRITE, false, buf,
				sizeof(*w) + 9);
		w->size = 4;
		w->offset = 1ULL << 63;
		expect_rejected("write offset", FUSE_WRITE, false, buf,
				sizeof(*w) + 4);
	}
	/* setxattr value size disagrees */
	{
		struct fuse_setxattr_in *sx = (void *)buf;

		memset(buf, 0, sizeof(buf));
		sx->size = 4;
		memcpy(buf + 8, "n\0abc", 5);
		expect_rejected("setxattr", FUSE_SETXATTR, false, buf, 13);
	}
	/* ioctl in_size disagrees */
	{
		struct fuse_ioctl_in *io = (void *)buf;

		memset(buf, 0, sizeof(buf));
		io->in_size = 100;
		expect_rejected("ioctl", FUSE_IOCTL, false, buf,
				sizeof(*io) + 4);
	}
	/* batch forget count disagrees; huge count must not overflow */
	{
		struct fuse_batch_forget_in *bf = (void *)buf;

		memset(buf, 0, sizeof(buf));
		bf->count = 3;
		expect_rejected("forgets", FUSE_BATCH_FORGET, true, buf,
				sizeof(*bf) + 2 * 16);
		bf->count = 0x10000001;
		expect_rejected("forgets", FUSE_BATCH_FORGET, true, buf,
				sizeof(*bf) + 16);
	}
	/* lock end before start */
	{
		struct fuse_lk_in *lk = (void *)buf;

		memset(buf, 0, sizeof(buf));
		lk->lk.start = 100;
		lk->lk.end = 50;
		lk->lk.type = 1;
		expect_rejected("lock", FUSE_GETLK, false, buf, sizeof(*lk));
		expect_rejected("lock", FUSE_SETLK, false, buf, sizeof(*lk));
	}
	/* read offset past off_t */
	{
		struct fuse_read_in *r = (void *)buf;

		memset(buf, 0, sizeof(buf));
		r->offset = ~0ULL;
		expect_rejected("read offset", FUSE_READ, false, buf,
				sizeof(*r));
	}
	/* extension length past the end of the request */
	{
		struct {
			struct fuse_in_header h;
			char name[4];
		} m;
		char reply[64];

		memset(&m, 0, sizeof(m));
		m.h.len = sizeof(m);
		m.h.opcode = FUSE_LOOKUP;
		m.h.unique = 900;
		m.h.nodeid = 1;
		m.h.total_extlen = 1;	/* 8 bytes, only 4 follow */
		memcpy(m.name, "abc", 4);
		calls = 0;
		fk_send_raw(&fk, &m, sizeof(m));
		fk_pump(&fk);
		CHECK_EQ(fk_recv(&fk, reply, sizeof(reply), 0),
			 sizeof(struct fuse_out_header));
		CHECK_EQ(((struct fuse_out_header *)reply)->error, -EINVAL);
		CHECK_EQ(calls, 0);
	}
	/* a valid request still works afterwards */
	{
		char reply[64];

		calls = 0;
		fk_call(&fk, reply, sizeof(reply), FUSE_LOOKUP, 1, 1, "ok", 3);
		CHECK_EQ(calls, 1);
	}
}

static void test_framing(void)
{
	struct fuse_in_header h;
	char reply[64];

	/* header says more than was received: the session ends */
	memset(&h, 0, sizeof(h));
	h.len = sizeof(h) + 100;
	h.opcode = FUSE_GETATTR;
	h.unique = 1000;
	calls = 0;
	fk_send_raw(&fk, &h, sizeof(h));
	fk_pump(&fk);
	CHECK(fuse_session_exited(fk.se));
	CHECK_EQ(fk.se->error, -EPROTO);
	CHECK_EQ(calls, 0);
	CHECK_EQ(fk_recv(&fk, reply, sizeof(reply), 0), 0);
	CHECK_EQ(fuse_session_loop_result(fk.se), -EPROTO);

	/* a message shorter than the header: the session ends too */
	fuse_session_reset(fk.se);
	CHECK(!fuse_session_exited(fk.se));
	fk_send_raw(&fk, &h, 12);
	CHECK_EQ(fk_pump(&fk), -EPROTO);
	CHECK(fuse_session_exited(fk.se));

	/* and the transport-neutral entry refuses a missing header */
	fuse_session_reset(fk.se);
	{
		struct fuse_req *req = fuse_req_alloc(fk.se, &fk.se->ch);

		CHECK_EQ(fuse_ll_dispatch(req, NULL, NULL, 0, NULL, 0),
			 -EPROTO);
		CHECK(fuse_session_exited(fk.se));
	}
}

int main(void)
{
	fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
	CHECK_EQ(fk_init(&fk, 45, FUSE_ASYNC_READ | FUSE_MAX_PAGES |
			 FUSE_INIT_EXT, NULL), 0);
	test_sizes();
	test_names_and_data();
	test_framing();
	fk_teardown(&fk);
	return fk_done("test_malformed");
}
