// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_decode.c - libFuzzer target for the request decoder.
 *
 * Input byte 0 picks the transport shape:
 *   even: the rest is one /dev/fuse message (fuse_ll_process_raw);
 *   odd:  io_uring shape: a 40-byte fuse_in_header, then byte k giving the
 *         op_in length (0..128), k bytes of op_in, and the rest as payload
 *         (fuse_ll_dispatch with a payload).
 * The session is initialised once (INIT 7.45) and re-initialised when an
 * input ends it (DESTROY, framing errors).  Every reply is checked for a
 * consistent header (length = bytes sent, error in range).
 *
 * Built with -fsanitize=fuzzer when the meson option 'fuzz' is true; the
 * same file is linked with replay_main.c into a plain corpus-replay test.
 */
#include "fuse_i.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fuse_session *se;

static ssize_t io_writev(int fd, struct iovec *iov, int count, void *ud)
{
	const struct fuse_out_header *out = iov[0].iov_base;
	size_t len = 0;
	int i;

	(void)fd; (void)ud;
	for (i = 0; i < count; i++) {
		/* Touch every byte so ASan sees bad pointers/lengths. */
		const volatile unsigned char *p = iov[i].iov_base;
		size_t j;
		unsigned char acc = 0;

		for (j = 0; j < iov[i].iov_len; j++)
			acc ^= p[j];
		(void)acc;
		len += iov[i].iov_len;
	}
	if (iov[0].iov_len != sizeof(*out) || out->len != len ||
	    (out->unique && (out->error > 0 || out->error <= -1000)))
		abort();
	return (ssize_t)len;
}

static ssize_t io_read(int fd, void *buf, size_t len, void *ud)
{
	(void)fd; (void)buf; (void)len; (void)ud;
	errno = EAGAIN;
	return -1;
}

static const struct fuse_custom_io fz_io = {
	.writev = io_writev,
	.read = io_read,
};

/* Offset of the entry after @off (saturating: off may be OFFSET_MAX) */
static off_t next_off(off_t off)
{
	return off < INT64_MAX ? off + 1 : off;
}

static struct fuse_entry_param entry(fuse_ino_t ino)
{
	struct fuse_entry_param e;

	memset(&e, 0, sizeof(e));
	e.ino = ino;
	e.attr.st_ino = ino;
	e.attr.st_mode = S_IFREG | 0644;
	e.attr_timeout = 1.5;
	e.entry_timeout = 1e30;
	return e;
}

static void fz_lookup(fuse_req_t req, fuse_ino_t p, const char *name)
{
	struct fuse_entry_param e = entry(p + strlen(name));

	fuse_reply_entry(req, &e);
}

static void fz_forget(fuse_req_t req, fuse_ino_t ino, uint64_t n)
{
	(void)ino; (void)n;
	fuse_reply_none(req);
}

static void fz_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct fuse_entry_param e = entry(ino);

	(void)fi;
	fuse_reply_attr(req, &e.attr, -1.0);
}

static void fz_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int to_set, struct fuse_file_info *fi)
{
	(void)to_set; (void)fi;
	attr->st_ino = ino;
	fuse_reply_attr(req, attr, 0);
}

static void fz_readlink(fuse_req_t req, fuse_ino_t ino)
{
	(void)ino;
	fuse_reply_readlink(req, "target");
}

static void fz_mknod(fuse_req_t req, fuse_ino_t p, const char *name,
		     mode_t mode, dev_t rdev)
{
	(void)mode; (void)rdev;
	fz_lookup(req, p, name);
}

static void fz_mkdir(fuse_req_t req, fuse_ino_t p, const char *name,
		     mode_t mode)
{
	(void)mode;
	fz_lookup(req, p, name);
}

static void fz_name_err(fuse_req_t req, fuse_ino_t p, const char *name)
{
	(void)p;
	fuse_reply_err(req, name[0] ? 0 : ENOENT);
}

static void fz_symlink(fuse_req_t req, const char *link, fuse_ino_t p,
		       const char *name)
{
	(void)link;
	fz_lookup(req, p, name);
}

static void fz_rename(fuse_req_t req, fuse_ino_t p, const char *name,
		      fuse_ino_t np, const char *nn, unsigned int flags)
{
	(void)p; (void)name; (void)np; (void)nn;
	fuse_reply_err(req, flags ? EINVAL : 0);
}

static void fz_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t np,
		    const char *nn)
{
	(void)np; (void)nn;
	fz_lookup(req, ino, "l");
}

static void fz_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	fi->fh = 7;
	fi->keep_cache = 1;
	fuse_reply_open(req, fi);
}

static void fz_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	static char zeros[8192];
	struct fuse_bufvec bv = FUSE_BUFVEC_INIT(size < sizeof(zeros) ?
						 size : sizeof(zeros));

	(void)ino; (void)off; (void)fi;
	bv.buf[0].mem = zeros;
	fuse_reply_data(req, &bv, 0);
}

static void fz_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		     size_t size, off_t off, struct fuse_file_info *fi)
{
	size_t i;
	unsigned char acc = 0;

	(void)ino; (void)off; (void)fi;
	for (i = 0; i < size; i++)
		acc ^= (unsigned char)buf[i];
	(void)acc;
	fuse_reply_write(req, size);
}

static void fz_fi_err(fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi)
{
	(void)ino; (void)fi;
	fuse_reply_err(req, 0);
}

static void fz_fsync(fuse_req_t req, fuse_ino_t ino, int ds,
		     struct fuse_file_info *fi)
{
	(void)ino; (void)ds; (void)fi;
	fuse_reply_err(req, 0);
}

static void fz_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
		       off_t off, struct fuse_file_info *fi)
{
	char buf[512];
	struct stat st;
	size_t n;

	(void)ino; (void)fi;
	memset(&st, 0, sizeof(st));
	st.st_ino = 1;
	st.st_mode = S_IFDIR;
	n = fuse_add_direntry(req, buf, sizeof(buf), "entry", &st,
			      next_off(off));
	fuse_reply_buf(req, buf, n < size ? n : size);
}

static void fz_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
			   off_t off, struct fuse_file_info *fi)
{
	char buf[512];
	struct fuse_entry_param e = entry(ino);
	size_t n;

	(void)fi;
	n = fuse_add_direntry_plus(req, buf, sizeof(buf), "e", &e,
				   next_off(off));
	fuse_reply_buf(req, buf, n < size ? n : size);
}

static void fz_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs s;

	(void)ino;
	memset(&s, 0, sizeof(s));
	fuse_reply_statfs(req, &s);
}

static void fz_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			const char *value, size_t size, int flags)
{
	size_t i;
	unsigned char acc = 0;

	(void)ino; (void)name; (void)flags;
	for (i = 0; i < size; i++)
		acc ^= (unsigned char)value[i];
	(void)acc;
	fuse_reply_err(req, 0);
}

static void fz_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			size_t size)
{
	(void)ino;
	if (!size)
		fuse_reply_xattr(req, strlen(name));
	else
		fuse_reply_buf(req, name, strlen(name) < size ?
			       strlen(name) : size);
}

static void fz_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	(void)ino;
	if (!size)
		fuse_reply_xattr(req, 4);
	else
		fuse_reply_buf(req, "a\0b", size < 4 ? size : 4);
}

static void fz_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
	(void)ino;
	fuse_reply_err(req, mask & 0x100 ? EACCES : 0);
}

static void fz_create(fuse_req_t req, fuse_ino_t p, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	struct fuse_entry_param e = entry(p + strlen(name));

	(void)mode;
	fi->fh = 9;
	fi->direct_io = 1;
	fuse_reply_create(req, &e, fi);
}

static void fz_getlk(fuse_req_t req, fuse_ino_t ino,
		     struct fuse_file_info *fi, struct flock *lock)
{
	(void)ino; (void)fi;
	fuse_reply_lock(req, lock);
}

static void fz_setlk(fuse_req_t req, fuse_ino_t ino,
		     struct fuse_file_info *fi, struct flock *lock, int sleep)
{
	(void)ino; (void)fi; (void)lock; (void)sleep;
	fuse_reply_err(req, 0);
}

static void fz_bmap(fuse_req_t req, fuse_ino_t ino, size_t bs, uint64_t idx)
{
	(void)ino; (void)bs;
	fuse_reply_bmap(req, idx);
}

static void fz_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd,
		     void *arg, struct fuse_file_info *fi, unsigned flags,
		     const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
	(void)ino; (void)fi; (void)flags;
	if (cmd & 1) {
		struct iovec iv = { arg, out_bufsz };

		fuse_reply_ioctl_retry(req, &iv, 1, &iv, 1);
		return;
	}
	fuse_reply_ioctl(req, 0, in_buf, in_bufsz < out_bufsz ? in_bufsz :
			 out_bufsz);
}

static void fz_poll(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		    struct fuse_pollhandle *ph)
{
	(void)ino; (void)fi;
	fuse_reply_poll(req, 1);
	if (ph)
		fuse_lowlevel_notify_poll(ph);
	fuse_pollhandle_destroy(ph);
}

static void fz_retrieve_reply(fuse_req_t req, void *cookie, fuse_ino_t ino,
			      off_t offset, struct fuse_bufvec *bufv)
{
	(void)cookie; (void)ino; (void)offset;
	(void)fuse_buf_size(bufv);
	fuse_reply_none(req);
}

static void fz_forget_multi(fuse_req_t req, size_t count,
			    struct fuse_forget_data *f)
{
	size_t i;
	uint64_t acc = 0;

	for (i = 0; i < count; i++)
		acc += f[i].ino + f[i].nlookup;
	(void)acc;
	fuse_reply_none(req);
}

static void fz_flock(fuse_req_t req, fuse_ino_t ino,
		     struct fuse_file_info *fi, int op)
{
	(void)ino; (void)fi; (void)op;
	fuse_reply_err(req, 0);
}

static void fz_fallocate(fuse_req_t req, fuse_ino_t ino, int mode,
			 off_t offset, off_t length, struct fuse_file_info *fi)
{
	(void)ino; (void)mode; (void)offset; (void)length; (void)fi;
	fuse_reply_err(req, EOPNOTSUPP);
}

static void fz_cfr(fuse_req_t req, fuse_ino_t ino_in, off_t off_in,
		   struct fuse_file_info *fi_in, fuse_ino_t ino_out,
		   off_t off_out, struct fuse_file_info *fi_out, size_t len,
		   int flags)
{
	(void)ino_in; (void)off_in; (void)fi_in; (void)ino_out;
	(void)off_out; (void)fi_out; (void)flags;
	fuse_reply_write(req, len);
}

static void fz_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
		     struct fuse_file_info *fi)
{
	(void)ino; (void)whence; (void)fi;
	fuse_reply_lseek(req, off);
}

static void fz_tmpfile(fuse_req_t req, fuse_ino_t p, mode_t mode,
		       struct fuse_file_info *fi)
{
	struct fuse_entry_param e = entry(p + 1);

	(void)mode;
	fuse_reply_create(req, &e, fi);
}

static void fz_statx(fuse_req_t req, fuse_ino_t ino, int flags, int mask,
		     struct fuse_file_info *fi)
{
	struct statx stx;

	(void)flags; (void)fi;
	memset(&stx, 0, sizeof(stx));
	stx.stx_mask = (unsigned int)mask;
	stx.stx_ino = ino;
	fuse_reply_statx(req, 0, &stx, 1.0);
}

static const struct fuse_lowlevel_ops fz_ops = {
	.lookup = fz_lookup,
	.forget = fz_forget,
	.getattr = fz_getattr,
	.setattr = fz_setattr,
	.readlink = fz_readlink,
	.mknod = fz_mknod,
	.mkdir = fz_mkdir,
	.unlink = fz_name_err,
	.rmdir = fz_name_err,
	.symlink = fz_symlink,
	.rename = fz_rename,
	.link = fz_link,
	.open = fz_open,
	.read = fz_read,
	.write = fz_write,
	.flush = fz_fi_err,
	.release = fz_fi_err,
	.fsync = fz_fsync,
	.opendir = fz_open,
	.readdir = fz_readdir,
	.releasedir = fz_fi_err,
	.fsyncdir = fz_fsync,
	.statfs = fz_statfs,
	.setxattr = fz_setxattr,
	.getxattr = fz_getxattr,
	.listxattr = fz_listxattr,
	.removexattr = fz_name_err,
	.access = fz_access,
	.create = fz_create,
	.getlk = fz_getlk,
	.setlk = fz_setlk,
	.bmap = fz_bmap,
	.ioctl = fz_ioctl,
	.poll = fz_poll,
	.retrieve_reply = fz_retrieve_reply,
	.forget_multi = fz_forget_multi,
	.flock = fz_flock,
	.fallocate = fz_fallocate,
	.readdirplus = fz_readdirplus,
	.copy_file_range = fz_cfr,
	.lseek = fz_lseek,
	.tmpfile = fz_tmpfile,
	.statx = fz_statx,
};

static void fz_log(enum fuse_log_level level, const char *fmt, va_list ap)
{
	(void)level; (void)fmt; (void)ap;
}

static void init_session(void)
{
	struct {
		struct fuse_in_header h;
		struct fuse_init_in i;
	} msg;

	memset(&msg, 0, sizeof(msg));
	msg.h.len = sizeof(msg);
	msg.h.opcode = FUSE_INIT;
	msg.h.unique = 1;
	msg.i.major = 7;
	msg.i.minor = 45;
	msg.i.max_readahead = 65536;
	msg.i.flags = FUSE_ASYNC_READ | FUSE_MAX_PAGES | FUSE_INIT_EXT |
		      FUSE_DO_READDIRPLUS | FUSE_FLOCK_LOCKS |
		      FUSE_POSIX_LOCKS | FUSE_HAS_IOCTL_DIR;
	msg.i.flags2 = (uint32_t)((FUSE_PASSTHROUGH | FUSE_HAS_EXPIRE_ONLY) >>
				  32);
	fuse_ll_process_raw(se, &se->ch, &msg, sizeof(msg));
}

static void setup(void)
{
	char *argv[] = { "fuzz", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(1, argv);

	if (!getenv("FUZZ_DEBUG"))
		fuse_set_log_func(fz_log);
	se = fuse_session_new(&args, &fz_ops, sizeof(fz_ops), NULL);
	fuse_opt_free_args(&args);
	if (!se)
		abort();
	/* A placeholder fd; the custom I/O never touches it. */
	if (fuse_session_custom_io(se, &fz_io, 0) != 0)
		abort();
	init_session();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!se)
		setup();
	if (size < 1)
		return 0;

	if (!(data[0] & 1)) {
		/* /dev/fuse shape: copy so the decoder sees exactly size bytes */
		uint8_t *buf = malloc(size - 1 ? size - 1 : 1);

		if (!buf)
			return 0;
		memcpy(buf, data + 1, size - 1);
		fuse_ll_process_raw(se, &se->ch, buf, size - 1);
		free(buf);
	} else if (size >= 1 + sizeof(struct fuse_in_header) + 1) {
		struct fuse_in_header in;
		const uint8_t *p = data + 1 + sizeof(in);
		size_t left = size - 1 - sizeof(in);
		size_t k = p[0] % (FUSE_URING_OP_IN_OUT_SZ + 1);
		uint8_t *op_in, *payload;
		struct fuse_req *req;

		memcpy(&in, data + 1, sizeof(in));
		p++;
		left--;
		if (k > left)
			k = left;
		op_in = malloc(k ? k : 1);
		payload = malloc(left - k ? left - k : 1);
		req = fuse_req_alloc(se, &se->ch);
		if (op_in && payload && req) {
			memcpy(op_in, p, k);
			memcpy(payload, p + k, left - k);
			req->flags |= FUSE_REQ_F_URING;
			fuse_ll_dispatch(req, &in, op_in, k, payload,
					 left - k);
		} else if (req) {
			fuse_req_finish(req);
		}
		free(op_in);
		free(payload);
	}

	/* Recover from inputs that ended or de-initialised the session. */
	if (fuse_session_exited(se))
		fuse_session_reset(se);
	if (!atomic_load(&se->got_init))
		init_session();
	return 0;
}
