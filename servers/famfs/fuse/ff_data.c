// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs-fuse classic data path: READ and WRITE served from the mapping of
 * the device or image, through the file's layout (lib/famfs_layout.c holds
 * the arithmetic). A later change moves this onto fuse_iomap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "ff.h"

#define FF_IOV_STACK 32

void ff_data_read(struct ff *ff, fuse_req_t req, const struct famfs_node *n,
		  size_t size, off_t off)
{
	struct iovec stack[FF_IOV_STACK], *iov = stack;
	const struct famfs_layout *l = &n->layout;
	uint64_t pos, end, devoff, len;
	int cnt = 0, cap = FF_IOV_STACK;

	if (off < 0) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	if ((uint64_t)off >= l->size || size == 0) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	end = (uint64_t)off + size;
	if (end > l->size || end < (uint64_t)off)
		end = l->size;
	for (pos = off; pos < end; pos += len) {
		if (famfs_layout_map(l, pos, &devoff, &len)) {
			fuse_reply_err(req, EIO);
			goto out;
		}
		if (len > end - pos)
			len = end - pos;
		if (devoff > ff->fs.dev.size || len > ff->fs.dev.size - devoff) {
			fuse_reply_err(req, EIO);
			goto out;
		}
		if (cnt == cap) {
			struct iovec *ni = malloc(sizeof(*ni) * cap * 2);

			if (!ni) {
				fuse_reply_err(req, ENOMEM);
				goto out;
			}
			memcpy(ni, iov, sizeof(*ni) * cnt);
			if (iov != stack)
				free(iov);
			iov = ni;
			cap *= 2;
		}
		iov[cnt].iov_base = ff->fs.dev.base + devoff;
		iov[cnt].iov_len = len;
		cnt++;
	}
	fuse_reply_iov(req, iov, cnt);
out:
	if (iov != stack)
		free(iov);
}

void ff_data_write(struct ff *ff, fuse_req_t req, const struct famfs_node *n,
		   const char *buf, size_t size, off_t off)
{
	const struct famfs_layout *l = &n->layout;
	uint64_t len;

	if (ff->readonly) {
		fuse_reply_err(req, EROFS);
		return;
	}
	if (off < 0) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	if (size == 0) {
		fuse_reply_write(req, 0);
		return;
	}
	/* famfs files never grow: the allocation is fixed in the log. */
	if ((uint64_t)off >= l->size) {
		fuse_reply_err(req, EFBIG);
		return;
	}
	len = l->size - off;
	if (len > size)
		len = size;
	if (famfs_file_write(&ff->fs.dev, l, off, buf, len)) {
		fuse_reply_err(req, EIO);
		return;
	}
	fuse_reply_write(req, len);
}
