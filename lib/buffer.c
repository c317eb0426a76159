// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * buffer.c - fuse_buf_size() and fuse_buf_copy(): moving data between
 * memory buffers and file descriptors, with splice(2) where it applies.
 *
 * Semantics follow libfuse 3.18:
 *  - a copy goes buffer by buffer and stops at the end of either vector,
 *    at EOF, or at a short transfer;
 *  - on an error nothing is reported if some bytes were already copied
 *    (the count is returned), otherwise -errno;
 *  - fd I/O is done once per piece unless one side has FUSE_BUF_FD_RETRY;
 *  - FUSE_BUF_FD_SEEK uses pread/pwrite (or splice offsets) at pos + off;
 *  - fd to fd uses splice(2) unless FUSE_BUF_NO_SPLICE; when splice says
 *    EINVAL (neither side is a pipe, or the file system cannot splice)
 *    it falls back to a copy through memory, except with
 *    FUSE_BUF_FORCE_SPLICE.
 */
#include "fuse_lowlevel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

size_t fuse_buf_size(const struct fuse_bufvec *bufv)
{
	size_t total = 0;
	size_t i;

	for (i = 0; i < bufv->count; i++) {
		if (bufv->buf[i].size >= SIZE_MAX - total)
			return SIZE_MAX;
		total += bufv->buf[i].size;
	}
	return total;
}

/* Write @len bytes of memory buffer @src at @src_off to fd buffer @dst. */
static ssize_t mem_to_fd(const struct fuse_buf *dst, size_t dst_off,
			 const struct fuse_buf *src, size_t src_off, size_t len)
{
	const char *mem = (const char *)src->mem + src_off;
	ssize_t res, done = 0;

	while (len) {
		if (dst->flags & FUSE_BUF_FD_SEEK)
			res = pwrite(dst->fd, mem + done, len,
				     dst->pos + dst_off + done);
		else
			res = write(dst->fd, mem + done, len);
		if (res == -1) {
			if (errno == EINTR)
				continue;
			return done ? done : -errno;
		}
		if (res == 0)
			break;
		done += res;
		len -= res;
		if (!(dst->flags & FUSE_BUF_FD_RETRY))
			break;
	}
	return done;
}

/* Read up to @len bytes from fd buffer @src into memory buffer @dst. */
static ssize_t fd_to_mem(const struct fuse_buf *dst, size_t dst_off,
			 const struct fuse_buf *src, size_t src_off, size_t len)
{
	char *mem = (char *)dst->mem + dst_off;
	ssize_t res, done = 0;

	while (len) {
		if (src->flags & FUSE_BUF_FD_SEEK)
			res = pread(src->fd, mem + done, len,
				    src->pos + src_off + done);
		else
			res = read(src->fd, mem + done, len);
		if (res == -1) {
			if (errno == EINTR)
				continue;
			return done ? done : -errno;
		}
		if (res == 0)
			break;
		done += res;
		len -= res;
		if (!(src->flags & FUSE_BUF_FD_RETRY))
			break;
	}
	return done;
}

/* fd to fd through a bounce buffer. */
static ssize_t fd_to_fd(const struct fuse_buf *dst, size_t dst_off,
			const struct fuse_buf *src, size_t src_off, size_t len)
{
	char bounce[16384];
	struct fuse_buf tmp = {
		.size = sizeof(bounce),
		.mem = bounce,
		.fd = -1,
	};
	ssize_t got, put, done = 0;
	size_t chunk;

	while (len) {
		chunk = len < sizeof(bounce) ? len : sizeof(bounce);
		got = fd_to_mem(&tmp, 0, src, src_off, chunk);
		if (got < 0)
			return done ? done : got;
		if (got == 0)
			break;
		put = mem_to_fd(dst, dst_off, &tmp, 0, got);
		if (put < 0)
			return done ? done : put;
		done += put;
		/* A short read or write ends the copy here. */
		if (put == 0 || (size_t)put < chunk)
			break;
		src_off += put;
		dst_off += put;
		len -= put;
	}
	return done;
}

static ssize_t fd_splice(const struct fuse_buf *dst, size_t dst_off,
			 const struct fuse_buf *src, size_t src_off, size_t len,
			 enum fuse_buf_copy_flags flags)
{
	unsigned int sflags = 0;
	loff_t in_pos = 0, out_pos = 0;
	loff_t *in_p = NULL, *out_p = NULL;
	ssize_t res, done = 0;

	if (flags & FUSE_BUF_SPLICE_MOVE)
		sflags |= SPLICE_F_MOVE;
	if (flags & FUSE_BUF_SPLICE_NONBLOCK)
		sflags |= SPLICE_F_NONBLOCK;
	if (src->flags & FUSE_BUF_FD_SEEK) {
		in_pos = src->pos + src_off;
		in_p = &in_pos;
	}
	if (dst->flags & FUSE_BUF_FD_SEEK) {
		out_pos = dst->pos + dst_off;
		out_p = &out_pos;
	}

	while (len) {
		res = splice(src->fd, in_p, dst->fd, out_p, len, sflags);
		if (res == -1) {
			if (errno == EINTR)
				continue;
			if (done)
				break;
			if (errno != EINVAL || (flags & FUSE_BUF_FORCE_SPLICE))
				return -errno;
			/* This pair of fds cannot splice: copy instead. */
			return fd_to_fd(dst, dst_off, src, src_off, len);
		}
		if (res == 0)
			break;
		done += res;
		len -= res;
		if (!(src->flags & FUSE_BUF_FD_RETRY) &&
		    !(dst->flags & FUSE_BUF_FD_RETRY))
			break;
	}
	return done;
}

static ssize_t copy_piece(const struct fuse_buf *dst, size_t dst_off,
			  const struct fuse_buf *src, size_t src_off,
			  size_t len, enum fuse_buf_copy_flags flags)
{
	bool src_fd = src->flags & FUSE_BUF_IS_FD;
	bool dst_fd = dst->flags & FUSE_BUF_IS_FD;

	if (!src_fd && !dst_fd) {
		char *d = (char *)dst->mem + dst_off;
		const char *s = (const char *)src->mem + src_off;

		if (len && (!d || !s))
			return -EINVAL;
		if (d != s)
			memmove(d, s, len);
		return len;
	}
	if (!src_fd)
		return mem_to_fd(dst, dst_off, src, src_off, len);
	if (!dst_fd)
		return fd_to_mem(dst, dst_off, src, src_off, len);
	if (flags & FUSE_BUF_NO_SPLICE)
		return fd_to_fd(dst, dst_off, src, src_off, len);
	return fd_splice(dst, dst_off, src, src_off, len, flags);
}

/* Current buffer of @v, or NULL at the end (or if @v is inconsistent). */
static const struct fuse_buf *current(const struct fuse_bufvec *v)
{
	if (v->idx >= v->count || v->off > v->buf[v->idx].size)
		return NULL;
	return &v->buf[v->idx];
}

/* Move the position of @v by @len; false when the vector is used up. */
static bool advance(struct fuse_bufvec *v, size_t len)
{
	const struct fuse_buf *b = current(v);

	if (!b)
		return false;
	v->off += len;
	if (v->off == b->size) {
		v->idx++;
		if (v->idx == v->count)
			return false;
		v->off = 0;
	}
	return true;
}

ssize_t fuse_buf_copy(struct fuse_bufvec *dst, struct fuse_bufvec *src,
		      enum fuse_buf_copy_flags flags)
{
	const struct fuse_buf *s, *d;
	size_t len, copied = 0;
	ssize_t res;

	if (dst == src)
		return fuse_buf_size(dst);

	while ((s = current(src)) && (d = current(dst))) {
		len = s->size - src->off;
		if (d->size - dst->off < len)
			len = d->size - dst->off;
		res = copy_piece(d, dst->off, s, src->off, len, flags);
		if (res < 0)
			return copied ? (ssize_t)copied : res;
		copied += res;
		if (!advance(src, res) || !advance(dst, res))
			break;
		if ((size_t)res < len)
			break;
	}
	return copied;
}
