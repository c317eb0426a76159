// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ll_reply.c - the reply path: every fuse_reply_* encodes its argument and
 * leaves through fuse_ll_reply_iov(), which hands the message to the
 * request's transport (ch->ops->send) and finishes the request.
 */
#include "fuse_i.h"
#include "ll_i.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define OFFSET_MAX 0x7fffffffffffffffLL

/* Stack iovecs used before falling back to the heap */
#define REPLY_IOV_STACK	16

int fuse_ll_reply_iov(struct fuse_req *req, int error, struct iovec *iov,
		      int count)
{
	struct fuse_out_header out;
	struct fuse_chan *ch = req->ch;
	size_t len = 0;
	int i, res;

	if (!ch) {
		/* A request without transport (e.g. a split BATCH_FORGET). */
		fuse_log(FUSE_LOG_ERR, "fuse: reply to a request that takes none\n");
		fuse_req_finish(req);
		return -EINVAL;
	}
	if (error > 0 || error <= -1000) {
		fuse_log(FUSE_LOG_ERR, "fuse: bad error value: %i\n", error);
		error = -ERANGE;
	}
	for (i = 1; i < count; i++)
		len += iov[i].iov_len;
	out.unique = req->unique;
	out.error = error;
	out.len = (uint32_t)(len + sizeof(out));
	iov[0].iov_base = &out;
	iov[0].iov_len = sizeof(out);

	if (req->se->debug) {
		if (error)
			fuse_log(FUSE_LOG_DEBUG,
				 "   unique: %llu, error: %i (%s), outsize: %u\n",
				 (unsigned long long)out.unique, error,
				 strerror(-error), out.len);
		else
			fuse_log(FUSE_LOG_DEBUG,
				 "   unique: %llu, success, outsize: %u\n",
				 (unsigned long long)out.unique, out.len);
	}

	res = ch->ops->send(ch, req, iov, count);
	fuse_req_finish(req);
	return res;
}

int fuse_ll_reply_ok(struct fuse_req *req, const void *arg, size_t size)
{
	struct iovec iov[2];
	int count = 1;

	if (size) {
		iov[1].iov_base = (void *)arg;
		iov[1].iov_len = size;
		count = 2;
	}
	return fuse_ll_reply_iov(req, 0, iov, count);
}

int fuse_reply_err(fuse_req_t req, int err)
{
	struct iovec iov[1];

	return fuse_ll_reply_iov(req, -err, iov, 1);
}

void fuse_reply_none(fuse_req_t req)
{
	fuse_req_finish(req);
}

static uint64_t timeout_sec(double t)
{
	if (!(t > 0.0))		/* also catches NaN */
		return 0;
	if (t >= 18446744073709551615.0)
		return UINT64_MAX;
	return (uint64_t)t;
}

static uint32_t timeout_nsec(double t)
{
	double f;

	if (!(t > 0.0) || t >= 18446744073709551615.0)
		return 0;
	f = t - (double)(uint64_t)t;
	if (f >= 0.999999999)
		return 999999999;
	if (f < 0.0)
		return 0;
	return (uint32_t)(f * 1.0e9);
}

void fuse_ll_fill_attr(struct fuse_attr *attr, const struct stat *st,
		       uint32_t attr_flags)
{
	attr->ino = st->st_ino;
	attr->mode = st->st_mode;
	attr->nlink = st->st_nlink;
	attr->uid = st->st_uid;
	attr->gid = st->st_gid;
	attr->rdev = st->st_rdev;
	attr->size = st->st_size;
	attr->blksize = st->st_blksize;
	attr->blocks = st->st_blocks;
	attr->atime = st->st_atim.tv_sec;
	attr->mtime = st->st_mtim.tv_sec;
	attr->ctime = st->st_ctim.tv_sec;
	attr->atimensec = st->st_atim.tv_nsec;
	attr->mtimensec = st->st_mtim.tv_nsec;
	attr->ctimensec = st->st_ctim.tv_nsec;
	attr->flags = attr_flags;
}

void fuse_ll_fill_entry(struct fuse_entry_out *arg,
			const struct fuse_entry_param *e, uint32_t attr_flags)
{
	arg->nodeid = e->ino;
	arg->generation = e->generation;
	arg->entry_valid = timeout_sec(e->entry_timeout);
	arg->entry_valid_nsec = timeout_nsec(e->entry_timeout);
	arg->attr_valid = timeout_sec(e->attr_timeout);
	arg->attr_valid_nsec = timeout_nsec(e->attr_timeout);
	fuse_ll_fill_attr(&arg->attr, &e->attr, attr_flags);
}

static void fill_open(struct fuse_open_out *arg, const struct fuse_file_info *f)
{
	arg->fh = f->fh;
	if (f->backing_id > 0) {
		arg->backing_id = f->backing_id;
		arg->open_flags |= FOPEN_PASSTHROUGH;
	}
	if (f->direct_io)
		arg->open_flags |= FOPEN_DIRECT_IO;
	if (f->keep_cache)
		arg->open_flags |= FOPEN_KEEP_CACHE;
	if (f->cache_readdir)
		arg->open_flags |= FOPEN_CACHE_DIR;
	if (f->nonseekable)
		arg->open_flags |= FOPEN_NONSEEKABLE;
	if (f->noflush)
		arg->open_flags |= FOPEN_NOFLUSH;
	if (f->parallel_direct_writes)
		arg->open_flags |= FOPEN_PARALLEL_DIRECT_WRITES;
}

int fuse_reply_entry_flags(fuse_req_t req, const struct fuse_entry_param *e,
			   uint32_t attr_flags)
{
	struct fuse_entry_out arg;

	memset(&arg, 0, sizeof(arg));
	fuse_ll_fill_entry(&arg, e, attr_flags);
	return fuse_ll_reply_ok(req, &arg, sizeof(arg));
}

int fuse_reply_entry(fuse_req_t req, const struct fuse_entry_param *e)
{
	return fuse_reply_entry_flags(req, e,
		fuse_ll_ext_attr_flags(req->se, e->ino, e->attr.st_mode));
}

int fuse_reply_create_flags(fuse_req_t req, const struct fuse_entry_param *e,
			    const struct fuse_file_info *fi,
			    uint32_t attr_flags)
{
	struct {
		struct fuse_entry_out e;
		struct fuse_open_out o;
	} arg;

	memset(&arg, 0, sizeof(arg));
	fuse_ll_fill_entry(&arg.e, e, attr_flags);
	fill_open(&arg.o, fi);
	return fuse_ll_reply_ok(req, &arg, sizeof(arg));
}

int fuse_reply_create(fuse_req_t req, const struct fuse_entry_param *e,
		      const struct fuse_file_info *fi)
{
	return fuse_reply_create_flags(req, e, fi,
		fuse_ll_ext_attr_flags(req->se, e->ino, e->attr.st_mode));
}

int fuse_reply_attr_flags(fuse_req_t req, const struct stat *attr,
			  double attr_timeout, uint32_t attr_flags)
{
	struct fuse_attr_out arg;

	memset(&arg, 0, sizeof(arg));
	arg.attr_valid = timeout_sec(attr_timeout);
	arg.attr_valid_nsec = timeout_nsec(attr_timeout);
	fuse_ll_fill_attr(&arg.attr, attr, attr_flags);
	return fuse_ll_reply_ok(req, &arg, sizeof(arg));
}

int fuse_reply_attr(fuse_req_t req, const struct stat *attr,
		    double attr_timeout)
{
	return fuse_reply_attr_flags(req, attr, attr_timeout,
		fuse_ll_ext_attr_flags(req->se, attr->st_ino, attr->st_mode));
}

int fuse_reply_readlink(fuse_req_t req, const char *linkname)
{
	return fuse_ll_reply_ok(req, linkname, strlen(linkname));
}

int fuse_reply_open(fuse_req_t req, const struct fuse_file_info *fi)
{
	struct fuse_open_out arg;

	memset(&arg, 0, sizeof(arg));
	fill_open(&arg, fi);
	return fuse_ll_reply_ok(req, &arg, sizeof(arg));
}

int fuse_reply_write(fuse_req_t req, size_t count)
{
	if (req->flags & FUSE_REQ_F_CFR64) {
		struct fuse_copy_file_range_out arg = {
			.bytes_copied = count,
		};

		return fuse_ll_reply_ok(req, &arg, sizeof(arg));
	} else {
		struct fuse_write_out arg;

		memset(&arg, 0, sizeof(arg));
		if (count > UINT32_MAX)
			return fuse_reply_err(req, EOVERFLOW);
		arg.size = (uint32_t)count;
		return fuse_ll_reply_ok(req, &arg, sizeof(arg));
	}
}

int fuse_reply_buf(fuse_req_t req, const char *buf, size_t size)
{
	return fuse_ll_reply_ok(req, buf, size);
}

/* Bytes left in @bufv from its current position */
static size_t bufvec_left(const struct fuse_bufvec *bufv)
{
	size_t i, n = 0;

	for (i = bufv->idx; i < bufv->count; i++)
		n += bufv->buf[i].size;
	if (bufv->idx < bufv->count && n >= bufv->off)
		n -= bufv->off;
	return n;
}

int fuse_reply_data(fuse_req_t req, struct fuse_bufvec *bufv,
		    enum fuse_buf_copy_flags flags)
{
	struct iovec iov[REPLY_IOV_STACK];
	struct fuse_bufvec mem = FUSE_BUFVEC_INIT(0);
	size_t len = bufvec_left(bufv);
	size_t i;
	int count = 1;
	ssize_t res;
	void *mbuf;
	int ret;

	(void)flags;
	/* Memory-only vectors go out as they are, no copy. */
	if (bufv->count - bufv->idx < REPLY_IOV_STACK) {
		bool all_mem = true;

		for (i = bufv->idx; i < bufv->count; i++)
			if (bufv->buf[i].flags & FUSE_BUF_IS_FD)
				all_mem = false;
		if (all_mem) {
			for (i = bufv->idx; i < bufv->count; i++) {
				size_t skip = i == bufv->idx ? bufv->off : 0;

				if (bufv->buf[i].size <= skip)
					continue;
				iov[count].iov_base =
					(char *)bufv->buf[i].mem + skip;
				iov[count].iov_len = bufv->buf[i].size - skip;
				count++;
			}
			return fuse_ll_reply_iov(req, 0, iov, count);
		}
	}

	/*
	 * File descriptors (or many pieces): gather into this thread's
	 * page-aligned scratch buffer (O_DIRECT fds need the alignment).
	 */
	mbuf = fuse_scratch(FUSE_SCRATCH_REPLY, len);
	if (!mbuf)
		return fuse_reply_err(req, ENOMEM);
	mem.buf[0].mem = mbuf;
	mem.buf[0].size = len;
	res = fuse_buf_copy(&mem, bufv, 0);
	if (res < 0)
		return fuse_reply_err(req, (int)-res);
	iov[1].iov_base = mbuf;
	iov[1].iov_len = (size_t)res;
	ret = fuse_ll_reply_iov(req, 0, iov, 2);
	return ret;
}

int fuse_reply_iov(fuse_req_t req, const struct iovec *iov, int count)
{
	struct iovec stack[REPLY_IOV_STACK];
	struct iovec *v = stack;
	int res;

	if (count < 0)
		return fuse_reply_err(req, EINVAL);
	if (count + 1 > REPLY_IOV_STACK) {
		v = malloc(sizeof(*v) * (count + 1));
		if (!v)
			return fuse_reply_err(req, ENOMEM);
	}
	if (count)
		memcpy(v + 1, iov, sizeof(*v) * count);
	res = fuse_ll_reply_iov(req, 0, v, count + 1);
	if (v != stack)
		free(v);
	return res;
}

int fuse_reply_statfs(fuse_req_t req, const struct statvfs *stbuf)
{
	struct fuse_statfs_out arg;

	memset(&arg, 0, sizeof(arg));
	arg.st.bsize = stbuf->f_bsize;
	arg.st.frsize = stbuf->f_frsize;
	arg.st.blocks = stbuf->f_blocks;
	arg.st.bfree = stbuf->f_bfree;
	arg.st.bavail = stbuf->f_bavail;
	arg.st.files = stbuf->f_files;
	arg.st.ffree = stbuf->f_ffree;
	arg.st.namelen = stbuf->f_namemax;
	return fuse_ll_reply_ok(req, &arg, sizeof(arg));
}

int fuse_reply_xattr(fuse_req_t req, size_t count)
{
	struct fuse_getxattr_out arg;

	memset(&arg, 0, sizeof(arg));
	if (count > UINT32_MAX)
		return fuse_reply_err(req, E2BIG);
	arg.size = (uint32_t)count;
	return fuse_ll_reply_ok(req, &arg, sizeof(arg));
}

int fuse_reply_lock(fuse_req_t req, const struct flock *lock)
{
	struct fuse_lk_out arg;

	memset(&arg, 0, sizeof(arg));
	arg.lk.type = lock->l_type;
	if (lock->l_type != F_UNLCK) {
		arg.lk.start = lock->l_start;
		if (lock->l_len == 0)
			arg.lk.end = OFFSET_MAX;
		else
			arg.lk.end = lock->l_start + lock->l_len - 1;
	}
	arg.lk.pid = lock->l_pid;
	return fuse_ll_reply_ok(req, &arg, sizeof(arg));
}

int fuse_reply_bmap(fuse_req_t req, uint64_t idx)
{
	struct fuse_bmap_out arg;

	memset(&arg, 0, sizeof(arg));
	arg.block = idx;
	return fuse_ll_reply_ok(req, &arg, sizeof(arg));
}

int fuse_reply_poll(fuse_req_t req, unsigned revents)
{
	struct fuse_poll_out arg;

	memset(&arg, 0, sizeof(arg));
	arg.revents = revents;
	return fuse_ll_reply_ok(req, &arg, sizeof(arg));
}

int fuse_reply_lseek(fuse_req_t req, off_t off)
{
	struct fuse_lseek_out arg;

	memset(&arg, 0, sizeof(arg));
	arg.offset = off;
	return fuse_ll_reply_ok(req, &arg, sizeof(arg));
}

static void sx_time(struct fuse_sx_time *d, const struct statx_timestamp *s)
{
	d->tv_sec = s->tv_sec;
	d->tv_nsec = s->tv_nsec;
}

int fuse_reply_statx(fuse_req_t req, int flags, struct statx *stx,
		     double attr_timeout)
{
	struct fuse_statx_out arg;

	memset(&arg, 0, sizeof(arg));
	arg.flags = flags;
	arg.attr_valid = timeout_sec(attr_timeout);
	arg.attr_valid_nsec = timeout_nsec(attr_timeout);
	arg.stat.mask = stx->stx_mask;
	arg.stat.blksize = stx->stx_blksize;
	arg.stat.attributes = stx->stx_attributes;
	arg.stat.nlink = stx->stx_nlink;
	arg.stat.uid = stx->stx_uid;
	arg.stat.gid = stx->stx_gid;
	arg.stat.mode = stx->stx_mode;
	arg.stat.ino = stx->stx_ino;
	arg.stat.size = stx->stx_size;
	arg.stat.blocks = stx->stx_blocks;
	arg.stat.attributes_mask = stx->stx_attributes_mask;
	sx_time(&arg.stat.atime, &stx->stx_atime);
	sx_time(&arg.stat.btime, &stx->stx_btime);
	sx_time(&arg.stat.ctime, &stx->stx_ctime);
	sx_time(&arg.stat.mtime, &stx->stx_mtime);
	arg.stat.rdev_major = stx->stx_rdev_major;
	arg.stat.rdev_minor = stx->stx_rdev_minor;
	arg.stat.dev_major = stx->stx_dev_major;
	arg.stat.dev_minor = stx->stx_dev_minor;
	return fuse_ll_reply_ok(req, &arg, sizeof(arg));
}

/* ioctl replies */

static int reply_ioctl_common(fuse_req_t req, int result,
			      const struct iovec *iov, int count)
{
	struct iovec stack[REPLY_IOV_STACK];
	struct iovec *v = stack;
	struct fuse_ioctl_out arg;
	int res;

	if (count < 0)
		return fuse_reply_err(req, EINVAL);
	if (count + 2 > REPLY_IOV_STACK) {
		v = malloc(sizeof(*v) * (count + 2));
		if (!v)
			return fuse_reply_err(req, ENOMEM);
	}
	memset(&arg, 0, sizeof(arg));
	arg.result = result;
	v[1].iov_base = &arg;
	v[1].iov_len = sizeof(arg);
	if (count)
		memcpy(v + 2, iov, sizeof(*v) * count);
	res = fuse_ll_reply_iov(req, 0, v, count + 2);
	if (v != stack)
		free(v);
	return res;
}

int fuse_reply_ioctl(fuse_req_t req, int result, const void *buf, size_t size)
{
	struct iovec iov = { (void *)buf, size };

	return reply_ioctl_common(req, result, &iov, size ? 1 : 0);
}

int fuse_reply_ioctl_iov(fuse_req_t req, int result, const struct iovec *iov,
			 int count)
{
	return reply_ioctl_common(req, result, iov, count);
}

int fuse_reply_ioctl_retry(fuse_req_t req,
			   const struct iovec *in_iov, size_t in_count,
			   const struct iovec *out_iov, size_t out_count)
{
	struct fuse_ioctl_out arg;
	struct fuse_ioctl_iovec *vec;
	struct iovec iov[3];
	size_t i;
	int count = 2, res;

	if (in_count > FUSE_IOCTL_MAX_IOV || out_count > FUSE_IOCTL_MAX_IOV ||
	    in_count + out_count > FUSE_IOCTL_MAX_IOV)
		return fuse_reply_err(req, ENOMEM);

	memset(&arg, 0, sizeof(arg));
	arg.flags |= FUSE_IOCTL_RETRY;
	arg.in_iovs = (uint32_t)in_count;
	arg.out_iovs = (uint32_t)out_count;
	iov[1].iov_base = &arg;
	iov[1].iov_len = sizeof(arg);

	/* 7.16+ (and our minimum of 7.12 on 64-bit) use fuse_ioctl_iovec. */
	vec = calloc(in_count + out_count + 1, sizeof(*vec));
	if (!vec)
		return fuse_reply_err(req, ENOMEM);
	for (i = 0; i < in_count; i++) {
		vec[i].base = (uintptr_t)in_iov[i].iov_base;
		vec[i].len = in_iov[i].iov_len;
	}
	for (i = 0; i < out_count; i++) {
		vec[in_count + i].base = (uintptr_t)out_iov[i].iov_base;
		vec[in_count + i].len = out_iov[i].iov_len;
	}
	if (in_count + out_count) {
		iov[2].iov_base = vec;
		iov[2].iov_len = sizeof(*vec) * (in_count + out_count);
		count = 3;
	}
	res = fuse_ll_reply_iov(req, 0, iov, count);
	free(vec);
	return res;
}

/* Directory entries */

size_t fuse_add_direntry(fuse_req_t req, char *buf, size_t bufsize,
			 const char *name, const struct stat *stbuf, off_t off)
{
	size_t namelen = strlen(name);
	size_t entlen = FUSE_NAME_OFFSET + namelen;
	size_t padded = FUSE_DIRENT_ALIGN(entlen);
	struct fuse_dirent *d;

	(void)req;
	if (!buf || padded > bufsize)
		return padded;
	d = (struct fuse_dirent *)buf;
	d->ino = stbuf->st_ino;
	d->off = off;
	d->namelen = (uint32_t)namelen;
	d->type = (stbuf->st_mode & S_IFMT) >> 12;
	memcpy(d->name, name, namelen);
	memset(d->name + namelen, 0, padded - entlen);
	return padded;
}

size_t fuse_add_direntry_plus_flags(fuse_req_t req, char *buf,
				    size_t bufsize, const char *name,
				    const struct fuse_entry_param *e,
				    off_t off, uint32_t attr_flags)
{
	size_t namelen = strlen(name);
	size_t entlen = FUSE_NAME_OFFSET_DIRENTPLUS + namelen;
	size_t padded = FUSE_DIRENT_ALIGN(entlen);
	struct fuse_direntplus *dp;

	(void)req;
	if (!buf || padded > bufsize)
		return padded;
	dp = (struct fuse_direntplus *)buf;
	memset(&dp->entry_out, 0, sizeof(dp->entry_out));
	fuse_ll_fill_entry(&dp->entry_out, e, attr_flags);
	dp->dirent.ino = e->attr.st_ino;
	dp->dirent.off = off;
	dp->dirent.namelen = (uint32_t)namelen;
	dp->dirent.type = (e->attr.st_mode & S_IFMT) >> 12;
	memcpy(dp->dirent.name, name, namelen);
	memset(dp->dirent.name + namelen, 0, padded - entlen);
	return padded;
}

size_t fuse_add_direntry_plus(fuse_req_t req, char *buf, size_t bufsize,
			      const char *name,
			      const struct fuse_entry_param *e, off_t off)
{
	return fuse_add_direntry_plus_flags(req, buf, bufsize, name, e, off,
		fuse_ll_ext_attr_flags(req->se, e->ino, e->attr.st_mode));
}

/* Passthrough */

int fuse_passthrough_open(fuse_req_t req, int fd)
{
	struct fuse_backing_map map;
	int ret;

	memset(&map, 0, sizeof(map));
	map.fd = fd;
	ret = fuse_session_dev_ioctl(req->se, FUSE_DEV_IOC_BACKING_OPEN, &map);
	if (ret <= 0) {
		fuse_log(FUSE_LOG_ERR, "fuse: passthrough_open: %s\n",
			 ret < 0 ? strerror(-ret) : "backing id 0");
		return 0;
	}
	return ret;
}

int fuse_passthrough_close(fuse_req_t req, int backing_id)
{
	uint32_t id = (uint32_t)backing_id;
	int ret;

	ret = fuse_session_dev_ioctl(req->se, FUSE_DEV_IOC_BACKING_CLOSE, &id);
	if (ret < 0) {
		fuse_log(FUSE_LOG_ERR, "fuse: passthrough_close: %s\n",
			 strerror(-ret));
		return -1;
	}
	return ret;
}
