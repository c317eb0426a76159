// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_ops.c - every stock opcode: the method sees the decoded arguments,
 * and the reply it makes is encoded byte by byte as the kernel expects.
 */
#include "harness.h"

#include <errno.h>
#include <string.h>
#include <sys/file.h>

#define XATTR_CREATE_FLAG_TEST	1	/* XATTR_CREATE */
#define POLLIN_TEST		1	/* POLLIN */

/* What the last method call saw */
static struct {
	int op;
	fuse_ino_t ino, ino2;
	char name[64], name2[64];
	uint64_t u1, u2, u3;
	int i1, i2;
	struct fuse_file_info fi, fi2;
	struct stat st;
	struct flock lk;
	char data[64];
	size_t len;
	const struct fuse_ctx *ctx;
	struct fuse_ctx ctxv;
	bool fip_null;
} rec;

static void seen(int op, fuse_req_t req)
{
	rec.op = op;
	rec.ctxv = *fuse_req_ctx(req);
}

static struct fuse_entry_param mkentry(fuse_ino_t ino)
{
	struct fuse_entry_param e;

	memset(&e, 0, sizeof(e));
	e.ino = ino;
	e.generation = 77;
	e.attr.st_ino = ino;
	e.attr.st_mode = S_IFREG | 0640;
	e.attr.st_nlink = 2;
	e.attr.st_size = 12345;
	e.attr.st_uid = 10;
	e.attr.st_gid = 20;
	e.attr.st_mtim.tv_sec = 1000;
	e.attr.st_mtim.tv_nsec = 500;
	e.attr_timeout = 2.5;
	e.entry_timeout = 3.0;
	return e;
}

static void t_lookup(fuse_req_t req, fuse_ino_t p, const char *name)
{
	struct fuse_entry_param e = mkentry(42);

	seen(FUSE_LOOKUP, req);
	rec.ino = p;
	snprintf(rec.name, sizeof(rec.name), "%s", name);
	fuse_reply_entry(req, &e);
}

static void t_forget(fuse_req_t req, fuse_ino_t ino, uint64_t n)
{
	seen(FUSE_FORGET, req);
	rec.ino = ino;
	rec.u1 += n;
	fuse_reply_none(req);
}

static void t_getattr(fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi)
{
	struct fuse_entry_param e = mkentry(ino);

	seen(FUSE_GETATTR, req);
	rec.ino = ino;
	rec.fip_null = fi == NULL;
	if (fi)
		rec.fi = *fi;
	fuse_reply_attr(req, &e.attr, 1.25);
}

static void t_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		      int to_set, struct fuse_file_info *fi)
{
	seen(FUSE_SETATTR, req);
	rec.ino = ino;
	rec.st = *attr;
	rec.i1 = to_set;
	rec.fip_null = fi == NULL;
	if (fi)
		rec.fi = *fi;
	fuse_reply_attr(req, attr, 0);
}

static void t_readlink(fuse_req_t req, fuse_ino_t ino)
{
	seen(FUSE_READLINK, req);
	rec.ino = ino;
	fuse_reply_readlink(req, "the/target");
}

static void t_mknod(fuse_req_t req, fuse_ino_t p, const char *name,
		    mode_t mode, dev_t rdev)
{
	struct fuse_entry_param e = mkentry(43);

	seen(FUSE_MKNOD, req);
	rec.ino = p;
	snprintf(rec.name, sizeof(rec.name), "%s", name);
	rec.u1 = mode;
	rec.u2 = rdev;
	fuse_reply_entry(req, &e);
}

static void t_mkdir(fuse_req_t req, fuse_ino_t p, const char *name,
		    mode_t mode)
{
	seen(FUSE_MKDIR, req);
	rec.ino = p;
	snprintf(rec.name, sizeof(rec.name), "%s", name);
	rec.u1 = mode;
	fuse_reply_err(req, EEXIST);
}

static void t_unlink(fuse_req_t req, fuse_ino_t p, const char *name)
{
	seen(FUSE_UNLINK, req);
	rec.ino = p;
	snprintf(rec.name, sizeof(rec.name), "%s", name);
	fuse_reply_err(req, 0);
}

static void t_rmdir(fuse_req_t req, fuse_ino_t p, const char *name)
{
	seen(FUSE_RMDIR, req);
	rec.ino = p;
	snprintf(rec.name, sizeof(rec.name), "%s", name);
	fuse_reply_err(req, ENOTEMPTY);
}

static void t_symlink(fuse_req_t req, const char *link, fuse_ino_t p,
		      const char *name)
{
	struct fuse_entry_param e = mkentry(44);

	seen(FUSE_SYMLINK, req);
	rec.ino = p;
	snprintf(rec.name, sizeof(rec.name), "%s", name);
	snprintf(rec.name2, sizeof(rec.name2), "%s", link);
	fuse_reply_entry(req, &e);
}

static void t_rename(fuse_req_t req, fuse_ino_t p, const char *name,
		     fuse_ino_t np, const char *nn, unsigned int flags)
{
	seen(FUSE_RENAME, req);
	rec.ino = p;
	rec.ino2 = np;
	snprintf(rec.name, sizeof(rec.name), "%s", name);
	snprintf(rec.name2, sizeof(rec.name2), "%s", nn);
	rec.u1 = flags;
	fuse_reply_err(req, 0);
}

static void t_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t np,
		   const char *nn)
{
	struct fuse_entry_param e = mkentry(ino);

	seen(FUSE_LINK, req);
	rec.ino = ino;
	rec.ino2 = np;
	snprintf(rec.name, sizeof(rec.name), "%s", nn);
	fuse_reply_entry(req, &e);
}

static void t_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	seen(FUSE_OPEN, req);
	rec.ino = ino;
	rec.fi = *fi;
	fi->fh = 0x1122334455667788ULL;
	fi->direct_io = 1;
	fi->keep_cache = 1;
	fi->noflush = 1;
	fi->parallel_direct_writes = 1;
	fi->backing_id = 5;
	fuse_reply_open(req, fi);
}

static void t_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	struct iovec iov[2] = { { "abc", 3 }, { "defg", 4 } };

	seen(FUSE_READ, req);
	rec.ino = ino;
	rec.u1 = size;
	rec.u2 = (uint64_t)off;
	rec.fi = *fi;
	fuse_reply_iov(req, iov, 2);
}

static void t_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		    size_t size, off_t off, struct fuse_file_info *fi)
{
	seen(FUSE_WRITE, req);
	rec.ino = ino;
	rec.len = size < sizeof(rec.data) ? size : sizeof(rec.data);
	memcpy(rec.data, buf, rec.len);
	rec.u2 = (uint64_t)off;
	rec.fi = *fi;
	fuse_reply_write(req, size);
}

static void t_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	seen(FUSE_FLUSH, req);
	rec.ino = ino;
	rec.fi = *fi;
	fuse_reply_err(req, 0);
}

static void t_release(fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi)
{
	seen(FUSE_RELEASE, req);
	rec.ino = ino;
	rec.fi = *fi;
	fuse_reply_err(req, 0);
}

static void t_fsync(fuse_req_t req, fuse_ino_t ino, int ds,
		    struct fuse_file_info *fi)
{
	seen(FUSE_FSYNC, req);
	rec.ino = ino;
	rec.i1 = ds;
	rec.fi = *fi;
	fuse_reply_err(req, 0);
}

static void t_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		      struct fuse_file_info *fi)
{
	char buf[256];
	struct stat st;
	size_t n;

	seen(FUSE_READDIR, req);
	rec.ino = ino;
	rec.u1 = size;
	rec.u2 = (uint64_t)off;
	rec.fi = *fi;
	memset(&st, 0, sizeof(st));
	st.st_ino = 9;
	st.st_mode = S_IFDIR | 0755;
	n = fuse_add_direntry(req, buf, sizeof(buf), "sub", &st, 1);
	fuse_reply_buf(req, buf, n);
}

static void t_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
			  off_t off, struct fuse_file_info *fi)
{
	char buf[512];
	struct fuse_entry_param e = mkentry(9);
	size_t n;

	seen(FUSE_READDIRPLUS, req);
	rec.ino = ino;
	rec.u1 = size;
	rec.u2 = (uint64_t)off;
	rec.fi = *fi;
	n = fuse_add_direntry_plus(req, buf, sizeof(buf), "plus", &e, 7);
	fuse_reply_buf(req, buf, n);
}

static void t_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs s;

	seen(FUSE_STATFS, req);
	rec.ino = ino;
	memset(&s, 0, sizeof(s));
	s.f_bsize = 4096;
	s.f_frsize = 1024;
	s.f_blocks = 1000;
	s.f_bfree = 500;
	s.f_bavail = 400;
	s.f_files = 300;
	s.f_ffree = 200;
	s.f_namemax = 255;
	fuse_reply_statfs(req, &s);
}

static void t_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		       const char *value, size_t size, int flags)
{
	seen(FUSE_SETXATTR, req);
	rec.ino = ino;
	snprintf(rec.name, sizeof(rec.name), "%s", name);
	rec.len = size;
	memcpy(rec.data, value, size < sizeof(rec.data) ? size : sizeof(rec.data));
	rec.i1 = flags;
	fuse_reply_err(req, 0);
}

static void t_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		       size_t size)
{
	seen(FUSE_GETXATTR, req);
	rec.ino = ino;
	snprintf(rec.name, sizeof(rec.name), "%s", name);
	rec.u1 = size;
	if (size == 0)
		fuse_reply_xattr(req, 5);
	else
		fuse_reply_buf(req, "value", 5);
}

static void t_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	seen(FUSE_LISTXATTR, req);
	rec.ino = ino;
	rec.u1 = size;
	fuse_reply_xattr(req, 11);
}

static void t_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	seen(FUSE_REMOVEXATTR, req);
	rec.ino = ino;
	snprintf(rec.name, sizeof(rec.name), "%s", name);
	fuse_reply_err(req, ENODATA);
}

static void t_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	seen(FUSE_ACCESS, req);
	rec.ino = ino;
	rec.i1 = mask;
	fuse_reply_err(req, EACCES);
}

static void t_create(fuse_req_t req, fuse_ino_t p, const char *name,
		     mode_t mode, struct fuse_file_info *fi)
{
	struct fuse_entry_param e = mkentry(50);

	seen(FUSE_CREATE, req);
	rec.ino = p;
	snprintf(rec.name, sizeof(rec.name), "%s", name);
	rec.u1 = mode;
	rec.fi = *fi;
	rec.ctx = fuse_req_ctx(req);
	fi->fh = 99;
	fuse_reply_create(req, &e, fi);
}

static void t_getlk(fuse_req_t req, fuse_ino_t ino,
		    struct fuse_file_info *fi, struct flock *lock)
{
	struct flock out = *lock;

	seen(FUSE_GETLK, req);
	rec.ino = ino;
	rec.fi = *fi;
	rec.lk = *lock;
	out.l_type = F_WRLCK;
	out.l_start = 10;
	out.l_len = 0;
	out.l_pid = 77;
	fuse_reply_lock(req, &out);
}

static void t_setlk(fuse_req_t req, fuse_ino_t ino,
		    struct fuse_file_info *fi, struct flock *lock, int sleep)
{
	seen(FUSE_SETLK, req);
	rec.ino = ino;
	rec.fi = *fi;
	rec.lk = *lock;
	rec.i1 = sleep;
	fuse_reply_err(req, 0);
}

static void t_flock(fuse_req_t req, fuse_ino_t ino,
		    struct fuse_file_info *fi, int op)
{
	seen(-1, req);
	rec.ino = ino;
	rec.fi = *fi;
	rec.i1 = op;
	fuse_reply_err(req, 0);
}

static void t_bmap(fuse_req_t req, fuse_ino_t ino, size_t bs, uint64_t idx)
{
	seen(FUSE_BMAP, req);
	rec.ino = ino;
	rec.u1 = bs;
	rec.u2 = idx;
	fuse_reply_bmap(req, idx * 2);
}

static void t_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd,
		    void *arg, struct fuse_file_info *fi, unsigned flags,
		    const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
	seen(FUSE_IOCTL, req);
	rec.ino = ino;
	rec.u1 = cmd;
	rec.u2 = (uintptr_t)arg;
	rec.u3 = out_bufsz;
	rec.i1 = (int)flags;
	rec.fi = *fi;
	rec.len = in_bufsz;
	memcpy(rec.data, in_buf, in_bufsz < 64 ? in_bufsz : 64);
	fuse_reply_ioctl(req, 3, "out", 3);
}

static struct fuse_pollhandle *saved_ph;

static void t_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		   struct fuse_pollhandle *ph)
{
	seen(FUSE_POLL, req);
	rec.ino = ino;
	rec.fi = *fi;
	saved_ph = ph;
	fuse_reply_poll(req, 0x41);
}

static void t_forget_multi(fuse_req_t req, size_t count,
			   struct fuse_forget_data *f)
{
	seen(FUSE_BATCH_FORGET, req);
	rec.u1 = count;
	rec.u2 = count ? f[count - 1].ino : 0;
	rec.u3 = count ? f[count - 1].nlookup : 0;
	fuse_reply_none(req);
}

static void t_fallocate(fuse_req_t req, fuse_ino_t ino, int mode,
			off_t offset, off_t length, struct fuse_file_info *fi)
{
	seen(FUSE_FALLOCATE, req);
	rec.ino = ino;
	rec.i1 = mode;
	rec.u1 = (uint64_t)offset;
	rec.u2 = (uint64_t)length;
	rec.fi = *fi;
	fuse_reply_err(req, 0);
}

static void t_cfr(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
		  struct fuse_file_info *fi_in, fuse_ino_t ino_out,
		  off_t off_out, struct fuse_file_info *fi_out, size_t len,
		  int flags)
{
	seen(FUSE_COPY_FILE_RANGE, req);
	rec.ino = ino_in;
	rec.ino2 = ino_out;
	rec.u1 = (uint64_t)off_in;
	rec.u2 = (uint64_t)off_out;
	rec.u3 = len;
	rec.i1 = flags;
	rec.fi = *fi_in;
	rec.fi2 = *fi_out;
	fuse_reply_write(req, len);
}

static void t_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
		    struct fuse_file_info *fi)
{
	seen(FUSE_LSEEK, req);
	rec.ino = ino;
	rec.u1 = (uint64_t)off;
	rec.i1 = whence;
	rec.fi = *fi;
	fuse_reply_lseek(req, off + 4096);
}

static void t_tmpfile(fuse_req_t req, fuse_ino_t p, mode_t mode,
		      struct fuse_file_info *fi)
{
	struct fuse_entry_param e = mkentry(51);

	seen(FUSE_TMPFILE, req);
	rec.ino = p;
	rec.u1 = mode;
	rec.fi = *fi;
	fuse_reply_create(req, &e, fi);
}

static void t_statx(fuse_req_t req, fuse_ino_t ino, int flags, int mask,
		    struct fuse_file_info *fi)
{
	struct statx stx;

	seen(FUSE_STATX, req);
	rec.ino = ino;
	rec.i1 = flags;
	rec.i2 = mask;
	rec.fip_null = fi == NULL;
	memset(&stx, 0, sizeof(stx));
	stx.stx_mask = STATX_BASIC_STATS | STATX_BTIME;
	stx.stx_ino = ino;
	stx.stx_size = 777;
	stx.stx_mode = S_IFREG | 0600;
	stx.stx_btime.tv_sec = 123;
	stx.stx_btime.tv_nsec = 456;
	fuse_reply_statx(req, 0, &stx, 0.5);
}

static const struct fuse_lowlevel_ops ops = {
	.lookup = t_lookup, .forget = t_forget, .getattr = t_getattr,
	.setattr = t_setattr, .readlink = t_readlink, .mknod = t_mknod,
	.mkdir = t_mkdir, .unlink = t_unlink, .rmdir = t_rmdir,
	.symlink = t_symlink, .rename = t_rename, .link = t_link,
	.open = t_open, .read = t_read, .write = t_write, .flush = t_flush,
	.release = t_release, .fsync = t_fsync, .opendir = t_open,
	.readdir = t_readdir, .releasedir = t_release, .fsyncdir = t_fsync,
	.statfs = t_statfs, .setxattr = t_setxattr, .getxattr = t_getxattr,
	.listxattr = t_listxattr, .removexattr = t_removexattr,
	.access = t_access, .create = t_create, .getlk = t_getlk,
	.setlk = t_setlk, .bmap = t_bmap, .ioctl = t_ioctl, .poll = t_poll,
	.forget_multi = t_forget_multi, .flock = t_flock,
	.fallocate = t_fallocate, .readdirplus = t_readdirplus,
	.copy_file_range = t_cfr, .lseek = t_lseek, .tmpfile = t_tmpfile,
	.statx = t_statx,
};

static struct fk fk;
static char reply[8192];

/* Header of the last reply */
static struct fuse_out_header *oh(void)
{
	return (struct fuse_out_header *)reply;
}

static void *body(void)
{
	return reply + sizeof(struct fuse_out_header);
}

static void check_reply(size_t n, int error, size_t body_len)
{
	CHECK_EQ(n, sizeof(struct fuse_out_header) + body_len);
	CHECK_EQ(oh()->len, n);
	CHECK_EQ(oh()->error, error);
}

static void check_entry(const struct fuse_entry_out *eo, uint64_t ino)
{
	CHECK_EQ(eo->nodeid, ino);
	CHECK_EQ(eo->generation, 77);
	CHECK_EQ(eo->entry_valid, 3);
	CHECK_EQ(eo->entry_valid_nsec, 0);
	CHECK_EQ(eo->attr_valid, 2);
	CHECK_EQ(eo->attr_valid_nsec, 500000000);
	CHECK_EQ(eo->attr.ino, ino);
	CHECK_EQ(eo->attr.mode, S_IFREG | 0640);
	CHECK_EQ(eo->attr.nlink, 2);
	CHECK_EQ(eo->attr.size, 12345);
	CHECK_EQ(eo->attr.uid, 10);
	CHECK_EQ(eo->attr.gid, 20);
	CHECK_EQ(eo->attr.mtime, 1000);
	CHECK_EQ(eo->attr.mtimensec, 500);
	CHECK_EQ(eo->attr.flags, 0);
}

static size_t call(uint32_t op, uint64_t nodeid, const void *a, size_t al,
		   const void *b, size_t bl)
{
	memset(&rec, 0, sizeof(rec));
	memset(reply, 0, sizeof(reply));
	if (b)
		return fk_call(&fk, reply, sizeof(reply), op, nodeid, 2, a, al,
			       b, bl);
	if (a)
		return fk_call(&fk, reply, sizeof(reply), op, nodeid, 1, a, al);
	return fk_call(&fk, reply, sizeof(reply), op, nodeid, 0);
}

static void test_names(void)
{
	size_t n;

	n = call(FUSE_LOOKUP, 1, "hello", 6, NULL, 0);
	CHECK_EQ(rec.op, FUSE_LOOKUP);
	CHECK_EQ(rec.ino, 1);
	CHECK(!strcmp(rec.name, "hello"));
	CHECK_EQ(rec.ctxv.uid, 1000);
	CHECK_EQ(rec.ctxv.gid, 1000);
	CHECK_EQ(rec.ctxv.pid, 4242);
	check_reply(n, 0, sizeof(struct fuse_entry_out));
	check_entry(body(), 42);

	{
		struct fuse_mknod_in in = { 0100600, 0x801, 022, 0 };

		n = call(FUSE_MKNOD, 3, &in, sizeof(in), "node", 5);
		CHECK_EQ(rec.op, FUSE_MKNOD);
		CHECK(!strcmp(rec.name, "node"));
		CHECK_EQ(rec.u1, 0100600);
		CHECK_EQ(rec.u2, 0x801);
		check_reply(n, 0, sizeof(struct fuse_entry_out));
		check_entry(body(), 43);
	}
	{
		struct fuse_mkdir_in in = { 0755, 022 };

		n = call(FUSE_MKDIR, 3, &in, sizeof(in), "dir", 4);
		CHECK_EQ(rec.op, FUSE_MKDIR);
		CHECK_EQ(rec.u1, S_IFDIR | 0755);
		check_reply(n, -EEXIST, 0);
	}
	n = call(FUSE_UNLINK, 3, "gone", 5, NULL, 0);
	CHECK(rec.op == FUSE_UNLINK && !strcmp(rec.name, "gone"));
	check_reply(n, 0, 0);
	n = call(FUSE_RMDIR, 3, "d", 2, NULL, 0);
	CHECK(rec.op == FUSE_RMDIR && !strcmp(rec.name, "d"));
	check_reply(n, -ENOTEMPTY, 0);

	n = call(FUSE_SYMLINK, 3, "lnk\0to/there", 13, NULL, 0);
	CHECK_EQ(rec.op, FUSE_SYMLINK);
	CHECK(!strcmp(rec.name, "lnk"));
	CHECK(!strcmp(rec.name2, "to/there"));
	check_reply(n, 0, sizeof(struct fuse_entry_out));

	{
		struct fuse_rename_in in = { 8 };
		struct fuse_rename2_in in2 = { 9, 1, 0 };

		n = call(FUSE_RENAME, 3, &in, sizeof(in), "a\0bb", 5);
		CHECK(rec.op == FUSE_RENAME && rec.ino == 3 && rec.ino2 == 8);
		CHECK(!strcmp(rec.name, "a") && !strcmp(rec.name2, "bb"));
		CHECK_EQ(rec.u1, 0);
		check_reply(n, 0, 0);
		n = call(FUSE_RENAME2, 3, &in2, sizeof(in2), "x\0y", 4);
		CHECK(rec.op == FUSE_RENAME && rec.ino2 == 9 && rec.u1 == 1);
		check_reply(n, 0, 0);
	}
	{
		struct fuse_link_in in = { 12 };

		n = call(FUSE_LINK, 3, &in, sizeof(in), "hard", 5);
		CHECK(rec.op == FUSE_LINK && rec.ino == 12 && rec.ino2 == 3);
		CHECK(!strcmp(rec.name, "hard"));
		check_reply(n, 0, sizeof(struct fuse_entry_out));
	}
	{
		struct fuse_create_in in = { O_WRONLY | O_CREAT, 0100644, 027, 0 };
		const struct fuse_entry_out *eo;
		const struct fuse_open_out *oo;

		n = call(FUSE_CREATE, 3, &in, sizeof(in), "new", 4);
		CHECK(rec.op == FUSE_CREATE && !strcmp(rec.name, "new"));
		CHECK_EQ(rec.u1, 0100644);
		CHECK_EQ(rec.fi.flags, O_WRONLY | O_CREAT);
		CHECK_EQ(rec.ctxv.umask, 027);
		check_reply(n, 0, sizeof(*eo) + sizeof(*oo));
		eo = body();
		oo = (const void *)(eo + 1);
		check_entry(eo, 50);
		CHECK_EQ(oo->fh, 99);
		CHECK_EQ(oo->open_flags, 0);

		n = call(FUSE_TMPFILE, 3, &in, sizeof(in), NULL, 0);
		CHECK(rec.op == FUSE_TMPFILE && rec.u1 == 0100644);
		check_reply(n, 0, sizeof(*eo) + sizeof(*oo));
	}
}

static void test_attrs(void)
{
	struct fuse_getattr_in gi = { FUSE_GETATTR_FH, 0, 0xabc };
	struct fuse_setattr_in si;
	const struct fuse_attr_out *ao = body();
	size_t n;

	n = call(FUSE_GETATTR, 5, &gi, sizeof(gi), NULL, 0);
	CHECK(rec.op == FUSE_GETATTR && rec.ino == 5 && !rec.fip_null);
	CHECK_EQ(rec.fi.fh, 0xabc);
	check_reply(n, 0, sizeof(*ao));
	CHECK_EQ(ao->attr_valid, 1);
	CHECK_EQ(ao->attr_valid_nsec, 250000000);
	CHECK_EQ(ao->attr.ino, 5);
	CHECK_EQ(ao->attr.size, 12345);
	gi.getattr_flags = 0;
	call(FUSE_GETATTR, 5, &gi, sizeof(gi), NULL, 0);
	CHECK(rec.fip_null);

	memset(&si, 0, sizeof(si));
	si.valid = FATTR_MODE | FATTR_SIZE | FATTR_MTIME | FATTR_FH |
		   FATTR_MTIME_NOW | FATTR_KILL_SUIDGID | FATTR_LOCKOWNER;
	si.fh = 66;
	si.size = 4096;
	si.mode = 0100600;
	si.mtime = 55;
	si.mtimensec = 66;
	n = call(FUSE_SETATTR, 6, &si, sizeof(si), NULL, 0);
	CHECK(rec.op == FUSE_SETATTR && rec.ino == 6 && !rec.fip_null);
	CHECK_EQ(rec.fi.fh, 66);
	CHECK_EQ(rec.i1, FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_SIZE |
		 FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_MTIME_NOW |
		 FUSE_SET_ATTR_KILL_SUID);
	CHECK_EQ(rec.st.st_size, 4096);
	CHECK_EQ(rec.st.st_mode, 0100600);
	CHECK_EQ(rec.st.st_mtim.tv_sec, 55);
	CHECK_EQ(rec.st.st_mtim.tv_nsec, 66);
	check_reply(n, 0, sizeof(struct fuse_attr_out));

	n = call(FUSE_READLINK, 7, NULL, 0, NULL, 0);
	CHECK(rec.op == FUSE_READLINK && rec.ino == 7);
	check_reply(n, 0, 10);
	CHECK(!memcmp(body(), "the/target", 10));

	{
		struct fuse_statx_in xi = { 0, 0, 0, 0x800, 0x7ff };
		const struct fuse_statx_out *xo = body();

		n = call(FUSE_STATX, 8, &xi, sizeof(xi), NULL, 0);
		CHECK(rec.op == FUSE_STATX && rec.fip_null);
		CHECK_EQ(rec.i1, 0x800);
		CHECK_EQ(rec.i2, 0x7ff);
		check_reply(n, 0, sizeof(*xo));
		CHECK_EQ(xo->attr_valid, 0);
		CHECK_EQ(xo->attr_valid_nsec, 500000000);
		CHECK_EQ(xo->stat.mask, STATX_BASIC_STATS | STATX_BTIME);
		CHECK_EQ(xo->stat.ino, 8);
		CHECK_EQ(xo->stat.size, 777);
		CHECK_EQ(xo->stat.mode, S_IFREG | 0600);
		CHECK_EQ(xo->stat.btime.tv_sec, 123);
		CHECK_EQ(xo->stat.btime.tv_nsec, 456);
	}
	{
		const struct fuse_statfs_out *so = body();

		n = call(FUSE_STATFS, 1, NULL, 0, NULL, 0);
		CHECK_EQ(rec.op, FUSE_STATFS);
		check_reply(n, 0, sizeof(*so));
		CHECK_EQ(so->st.bsize, 4096);
		CHECK_EQ(so->st.frsize, 1024);
		CHECK_EQ(so->st.blocks, 1000);
		CHECK_EQ(so->st.bfree, 500);
		CHECK_EQ(so->st.bavail, 400);
		CHECK_EQ(so->st.files, 300);
		CHECK_EQ(so->st.ffree, 200);
		CHECK_EQ(so->st.namelen, 255);
	}
	{
		struct fuse_access_in ai = { 6, 0 };

		n = call(FUSE_ACCESS, 9, &ai, sizeof(ai), NULL, 0);
		CHECK(rec.op == FUSE_ACCESS && rec.i1 == 6);
		check_reply(n, -EACCES, 0);
	}
}

static void test_io(void)
{
	struct fuse_open_in oi = { O_RDWR, 0 };
	struct fuse_read_in ri;
	struct fuse_write_in wi;
	const struct fuse_open_out *oo = body();
	size_t n;

	n = call(FUSE_OPEN, 10, &oi, sizeof(oi), NULL, 0);
	CHECK(rec.op == FUSE_OPEN && rec.fi.flags == O_RDWR);
	check_reply(n, 0, sizeof(*oo));
	CHECK_EQ(oo->fh, 0x1122334455667788ULL);
	CHECK_EQ(oo->open_flags, FOPEN_DIRECT_IO | FOPEN_KEEP_CACHE |
		 FOPEN_NOFLUSH | FOPEN_PARALLEL_DIRECT_WRITES |
		 FOPEN_PASSTHROUGH);
	CHECK_EQ(oo->backing_id, 5);

	memset(&ri, 0, sizeof(ri));
	ri.fh = 31;
	ri.offset = 1 << 20;
	ri.size = 8192;
	ri.read_flags = FUSE_READ_LOCKOWNER;
	ri.lock_owner = 0xdead;
	ri.flags = O_RDONLY;
	n = call(FUSE_READ, 10, &ri, sizeof(ri), NULL, 0);
	CHECK(rec.op == FUSE_READ && rec.u1 == 8192 && rec.u2 == 1 << 20);
	CHECK_EQ(rec.fi.fh, 31);
	CHECK_EQ(rec.fi.lock_owner, 0xdead);
	check_reply(n, 0, 7);
	CHECK(!memcmp(body(), "abcdefg", 7));

	memset(&wi, 0, sizeof(wi));
	wi.fh = 32;
	wi.offset = 100;
	wi.size = 5;
	wi.write_flags = FUSE_WRITE_CACHE;
	n = call(FUSE_WRITE, 10, &wi, sizeof(wi), "12345", 5);
	CHECK(rec.op == FUSE_WRITE && rec.len == 5 && rec.u2 == 100);
	CHECK(!memcmp(rec.data, "12345", 5));
	CHECK_EQ(rec.fi.fh, 32);
	CHECK_EQ(rec.fi.writepage, 1);
	check_reply(n, 0, sizeof(struct fuse_write_out));
	CHECK_EQ(((struct fuse_write_out *)body())->size, 5);

	{
		struct fuse_flush_in fi = { 33, 0, 0, 0xbeef };

		n = call(FUSE_FLUSH, 10, &fi, sizeof(fi), NULL, 0);
		CHECK(rec.op == FUSE_FLUSH && rec.fi.fh == 33 && rec.fi.flush);
		CHECK_EQ(rec.fi.lock_owner, 0xbeef);
		check_reply(n, 0, 0);
	}
	{
		struct fuse_release_in rl = { 34, O_RDWR,
			FUSE_RELEASE_FLUSH | FUSE_RELEASE_FLOCK_UNLOCK, 0x77 };

		n = call(FUSE_RELEASE, 10, &rl, sizeof(rl), NULL, 0);
		CHECK(rec.op == FUSE_RELEASE && rec.fi.fh == 34);
		CHECK(rec.fi.flush && rec.fi.flock_release);
		CHECK_EQ(rec.fi.lock_owner, 0x77);
		check_reply(n, 0, 0);
	}
	{
		struct fuse_fsync_in fs = { 35, FUSE_FSYNC_FDATASYNC, 0 };

		n = call(FUSE_FSYNC, 10, &fs, sizeof(fs), NULL, 0);
		CHECK(rec.op == FUSE_FSYNC && rec.i1 == 1 && rec.fi.fh == 35);
		check_reply(n, 0, 0);
	}
	{
		struct fuse_fallocate_in fa = { 36, 4096, 8192, 1, 0 };

		n = call(FUSE_FALLOCATE, 10, &fa, sizeof(fa), NULL, 0);
		CHECK(rec.op == FUSE_FALLOCATE && rec.i1 == 1);
		CHECK(rec.u1 == 4096 && rec.u2 == 8192 && rec.fi.fh == 36);
		check_reply(n, 0, 0);
	}
	{
		struct fuse_lseek_in ls = { 37, 100, SEEK_DATA, 0 };

		n = call(FUSE_LSEEK, 10, &ls, sizeof(ls), NULL, 0);
		CHECK(rec.op == FUSE_LSEEK && rec.u1 == 100 &&
		      rec.i1 == SEEK_DATA);
		check_reply(n, 0, sizeof(struct fuse_lseek_out));
		CHECK_EQ(((struct fuse_lseek_out *)body())->offset, 4196);
	}
	{
		struct fuse_copy_file_range_in cf = { 38, 10, 11, 39, 20,
						      (1ULL << 33), 0 };

		n = call(FUSE_COPY_FILE_RANGE, 10, &cf, sizeof(cf), NULL, 0);
		CHECK(rec.op == FUSE_COPY_FILE_RANGE && rec.ino2 == 11);
		CHECK(rec.fi.fh == 38 && rec.fi2.fh == 39);
		CHECK(rec.u1 == 10 && rec.u2 == 20 && rec.u3 == 1ULL << 33);
		/* 32-bit reply cannot hold 8 GiB: EOVERFLOW */
		check_reply(n, -EOVERFLOW, 0);
		n = call(FUSE_COPY_FILE_RANGE_64, 10, &cf, sizeof(cf), NULL, 0);
		check_reply(n, 0, sizeof(struct fuse_copy_file_range_out));
		CHECK_EQ(((struct fuse_copy_file_range_out *)body())->bytes_copied,
			 1ULL << 33);
	}
	{
		struct fuse_bmap_in bm = { 5, 4096, 0 };

		n = call(FUSE_BMAP, 10, &bm, sizeof(bm), NULL, 0);
		CHECK(rec.op == FUSE_BMAP && rec.u1 == 4096 && rec.u2 == 5);
		check_reply(n, 0, sizeof(struct fuse_bmap_out));
		CHECK_EQ(((struct fuse_bmap_out *)body())->block, 10);
	}
}

static void test_dirs(void)
{
	struct fuse_read_in ri;
	size_t n;

	memset(&ri, 0, sizeof(ri));
	ri.fh = 40;
	ri.size = 4096;
	n = call(FUSE_READDIR, 1, &ri, sizeof(ri), NULL, 0);
	CHECK(rec.op == FUSE_READDIR && rec.fi.fh == 40 && rec.u1 == 4096);
	{
		const struct fuse_dirent *d = body();

		check_reply(n, 0, FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + 3));
		CHECK_EQ(d->ino, 9);
		CHECK_EQ(d->off, 1);
		CHECK_EQ(d->namelen, 3);
		CHECK_EQ(d->type, S_IFDIR >> 12);
		CHECK(!memcmp(d->name, "sub", 3));
		CHECK(!memcmp(d->name + 3, "\0\0\0\0\0", 5));
	}
	n = call(FUSE_READDIRPLUS, 1, &ri, sizeof(ri), NULL, 0);
	CHECK(rec.op == FUSE_READDIRPLUS);
	{
		const struct fuse_direntplus *dp = body();

		check_reply(n, 0, FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET_DIRENTPLUS +
						    4));
		check_entry(&dp->entry_out, 9);
		CHECK_EQ(dp->dirent.off, 7);
		CHECK_EQ(dp->dirent.namelen, 4);
		CHECK(!memcmp(dp->dirent.name, "plus", 4));
	}
	/* size of an entry without a buffer */
	CHECK_EQ(fuse_add_direntry(NULL, NULL, 0, "abcdefghi", NULL, 0),
		 FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + 9));
}

static void test_xattr_locks_misc(void)
{
	size_t n;

	{
		struct fuse_setxattr_in sx = { 3, XATTR_CREATE_FLAG_TEST, 0, 0 };

		n = call(FUSE_SETXATTR, 2, &sx, 8, "user.k\0abc", 10);
		CHECK(rec.op == FUSE_SETXATTR && !strcmp(rec.name, "user.k"));
		CHECK(rec.len == 3 && !memcmp(rec.data, "abc", 3));
		CHECK_EQ(rec.i1, XATTR_CREATE_FLAG_TEST);
		check_reply(n, 0, 0);
	}
	{
		struct fuse_getxattr_in gx = { 0, 0 };

		n = call(FUSE_GETXATTR, 2, &gx, sizeof(gx), "user.k", 7);
		CHECK(rec.op == FUSE_GETXATTR && rec.u1 == 0);
		check_reply(n, 0, sizeof(struct fuse_getxattr_out));
		CHECK_EQ(((struct fuse_getxattr_out *)body())->size, 5);
		gx.size = 100;
		n = call(FUSE_GETXATTR, 2, &gx, sizeof(gx), "user.k", 7);
		check_reply(n, 0, 5);
		n = call(FUSE_LISTXATTR, 2, &gx, sizeof(gx), NULL, 0);
		CHECK(rec.op == FUSE_LISTXATTR && rec.u1 == 100);
		check_reply(n, 0, sizeof(struct fuse_getxattr_out));
		n = call(FUSE_REMOVEXATTR, 2, "user.k", 7, NULL, 0);
		CHECK(rec.op == FUSE_REMOVEXATTR && !strcmp(rec.name, "user.k"));
		check_reply(n, -ENODATA, 0);
	}
	{
		struct fuse_lk_in lk;
		const struct fuse_lk_out *lo = body();

		memset(&lk, 0, sizeof(lk));
		lk.fh = 50;
		lk.owner = 51;
		lk.lk.start = 100;
		lk.lk.end = 199;
		lk.lk.type = F_RDLCK;
		lk.lk.pid = 52;
		n = call(FUSE_GETLK, 2, &lk, sizeof(lk), NULL, 0);
		CHECK(rec.op == FUSE_GETLK && rec.fi.fh == 50);
		CHECK_EQ(rec.fi.lock_owner, 51);
		CHECK_EQ(rec.lk.l_start, 100);
		CHECK_EQ(rec.lk.l_len, 100);
		CHECK_EQ(rec.lk.l_type, F_RDLCK);
		CHECK_EQ(rec.lk.l_pid, 52);
		check_reply(n, 0, sizeof(*lo));
		CHECK_EQ(lo->lk.type, F_WRLCK);
		CHECK_EQ(lo->lk.start, 10);
		CHECK_EQ(lo->lk.end, 0x7fffffffffffffffULL);
		CHECK_EQ(lo->lk.pid, 77);

		n = call(FUSE_SETLKW, 2, &lk, sizeof(lk), NULL, 0);
		CHECK(rec.op == FUSE_SETLK && rec.i1 == 1);
		check_reply(n, 0, 0);
		lk.lk_flags = FUSE_LK_FLOCK;
		lk.lk.type = F_WRLCK;
		n = call(FUSE_SETLK, 2, &lk, sizeof(lk), NULL, 0);
		CHECK(rec.op == -1 && rec.i1 == (LOCK_EX | LOCK_NB));
		check_reply(n, 0, 0);
	}
	{
		struct fuse_ioctl_in io = { 60, FUSE_IOCTL_UNRESTRICTED, 0x8004,
					    0x7000, 4, 16 };
		const struct fuse_ioctl_out *ioo = body();

		n = call(FUSE_IOCTL, 2, &io, sizeof(io), "wxyz", 4);
		CHECK(rec.op == FUSE_IOCTL && rec.u1 == 0x8004 &&
		      rec.u2 == 0x7000 && rec.u3 == 16);
		CHECK(rec.len == 4 && !memcmp(rec.data, "wxyz", 4));
		CHECK_EQ(rec.i1, FUSE_IOCTL_UNRESTRICTED);
		check_reply(n, 0, sizeof(*ioo) + 3);
		CHECK_EQ(ioo->result, 3);
		CHECK(!memcmp(ioo + 1, "out", 3));
	}
	{
		struct fuse_poll_in pi = { 61, 62, FUSE_POLL_SCHEDULE_NOTIFY,
					   POLLIN_TEST };

		n = call(FUSE_POLL, 2, &pi, sizeof(pi), NULL, 0);
		CHECK(rec.op == FUSE_POLL && rec.fi.fh == 61);
		CHECK_EQ(rec.fi.poll_events, POLLIN_TEST);
		CHECK(saved_ph != NULL);
		check_reply(n, 0, sizeof(struct fuse_poll_out));
		CHECK_EQ(((struct fuse_poll_out *)body())->revents, 0x41);
		/* the poll wakeup notification carries the kernel handle */
		CHECK_EQ(fuse_lowlevel_notify_poll(saved_ph), 0);
		n = fk_recv(&fk, reply, sizeof(reply), 0);
		CHECK_EQ(n, sizeof(struct fuse_out_header) + 8);
		CHECK_EQ(oh()->unique, 0);
		CHECK_EQ(oh()->error, FUSE_NOTIFY_POLL);
		CHECK_EQ(*(uint64_t *)body(), 62);
		fuse_pollhandle_destroy(saved_ph);
	}
	/* forget and batch forget: no reply */
	{
		struct fuse_forget_in fo = { 3 };
		struct {
			struct fuse_batch_forget_in h;
			struct fuse_forget_one one[2];
		} bf = { { 2, 0 }, { { 100, 1 }, { 101, 2 } } };

		n = call(FUSE_FORGET, 99, &fo, sizeof(fo), NULL, 0);
		CHECK(rec.op == FUSE_FORGET && rec.ino == 99 && rec.u1 == 3);
		CHECK_EQ(n, 0);
		n = call(FUSE_BATCH_FORGET, 0, &bf, sizeof(bf), NULL, 0);
		CHECK(rec.op == FUSE_BATCH_FORGET && rec.u1 == 2);
		CHECK(rec.u2 == 101 && rec.u3 == 2);
		CHECK_EQ(n, 0);
	}
	/* opcodes without a method: ENOSYS; unknown opcode: ENOSYS */
	{
		struct fuse_syncfs_in sf = { 0 };

		n = call(FUSE_SYNCFS, 1, &sf, sizeof(sf), NULL, 0);
		check_reply(n, -ENOSYS, 0);
		n = call(4000, 1, &sf, sizeof(sf), NULL, 0);
		check_reply(n, -ENOSYS, 0);
	}
}

/* Replies not covered by the ops above */
static void test_more_replies(void)
{
	struct fuse_req *req;
	size_t n;

	/* fuse_reply_data with a two-piece memory vector */
	{
		struct {
			struct fuse_bufvec v;
			struct fuse_buf extra;
		} bv;

		memset(&bv, 0, sizeof(bv));
		bv.v.count = 2;
		bv.v.buf[0].mem = "hello ";
		bv.v.buf[0].size = 6;
		bv.v.off = 1;
		bv.extra.mem = "world";
		bv.extra.size = 5;
		req = fuse_req_alloc(fk.se, &fk.se->ch);
		req->unique = 1234;
		CHECK_EQ(fuse_reply_data(req, &bv.v, 0), 0);
		n = fk_recv(&fk, reply, sizeof(reply), 0);
		check_reply(n, 0, 10);
		CHECK(!memcmp(body(), "ello world", 10));
		CHECK_EQ(oh()->unique, 1234);
	}
	/* ioctl retry with iovec arrays */
	{
		struct iovec in[1] = { { (void *)0x1000, 8 } };
		struct iovec out[2] = { { (void *)0x2000, 16 },
					{ (void *)0x3000, 4 } };
		const struct fuse_ioctl_out *io = body();
		const struct fuse_ioctl_iovec *v = (const void *)(io + 1);

		req = fuse_req_alloc(fk.se, &fk.se->ch);
		req->unique = 1236;
		CHECK_EQ(fuse_reply_ioctl_retry(req, in, 1, out, 2), 0);
		n = fk_recv(&fk, reply, sizeof(reply), 0);
		check_reply(n, 0, sizeof(*io) + 3 * sizeof(*v));
		CHECK_EQ(io->flags, FUSE_IOCTL_RETRY);
		CHECK_EQ(io->in_iovs, 1);
		CHECK_EQ(io->out_iovs, 2);
		CHECK(v[0].base == 0x1000 && v[0].len == 8);
		CHECK(v[2].base == 0x3000 && v[2].len == 4);
	}
	/* a bad errno becomes ERANGE */
	req = fuse_req_alloc(fk.se, &fk.se->ch);
	req->unique = 1238;
	fuse_reply_err(req, 5000);
	n = fk_recv(&fk, reply, sizeof(reply), 0);
	check_reply(n, -ERANGE, 0);
	/* timeouts: negative and NaN become 0, huge saturates */
	{
		struct fuse_entry_param e = mkentry(1);
		const struct fuse_entry_out *eo = body();

		e.entry_timeout = -5;
		e.attr_timeout = 1e300;
		req = fuse_req_alloc(fk.se, &fk.se->ch);
		req->unique = 1240;
		fuse_reply_entry(req, &e);
		n = fk_recv(&fk, reply, sizeof(reply), 0);
		check_reply(n, 0, sizeof(*eo));
		CHECK_EQ(eo->entry_valid, 0);
		CHECK_EQ(eo->entry_valid_nsec, 0);
		CHECK_EQ(eo->attr_valid, UINT64_MAX);
	}
	/* attr flags for the extension layer */
	{
		struct fuse_entry_param e = mkentry(1);
		const struct fuse_attr_out *ao = body();

		req = fuse_req_alloc(fk.se, &fk.se->ch);
		req->unique = 1242;
		fuse_reply_attr_flags(req, &e.attr, 1, FUSE_ATTR_DAX);
		n = fk_recv(&fk, reply, sizeof(reply), 0);
		check_reply(n, 0, sizeof(*ao));
		CHECK_EQ(ao->attr.flags, FUSE_ATTR_DAX);
	}
}

int main(void)
{
	fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
	CHECK_EQ(fk_init(&fk, 45, FUSE_ASYNC_READ | FUSE_MAX_PAGES |
			 FUSE_INIT_EXT | FUSE_POSIX_LOCKS | FUSE_FLOCK_LOCKS |
			 FUSE_DO_READDIRPLUS | FUSE_HAS_IOCTL_DIR, NULL), 0);
	test_names();
	test_attrs();
	test_io();
	test_dirs();
	test_xattr_locks_misc();
	test_more_replies();
	fk_teardown(&fk);
	return fk_done("test_ops");
}
