// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs-fuse classic data path: READ and WRITE served from the mapping of
 * the device or image, through the file's layout (lib/famfs_layout.c holds
 * the arithmetic). A later change moves this onto fuse_iomap.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "ff.h"

/*
 * An image file can be truncated under a mount; touching its mapping past
 * the new end raises SIGBUS. Every access first checks the image's current
 * size, and our own copies (writes) also run under a SIGBUS guard so the
 * narrow race left becomes EIO instead of a dead server.
 */
static __thread sigjmp_buf *bus_jmp;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	if (bus_jmp)
		siglongjmp(*bus_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

int ff_data_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGBUS, &sa, NULL) ? -errno : 0;
}

/* Is [devoff, devoff + len) still backed? (Image files can shrink.) */
static bool backed(struct ff *ff, uint64_t devoff, uint64_t len)
{
	struct stat st;

	if (devoff > ff->fs.dev.size || len > ff->fs.dev.size - devoff)
		return false;
	if (ff->fs.dev.kind != FAMFS_DEV_FILE)
		return true;
	if (fstat(ff->fs.dev.fd, &st) < 0)
		return false;
	return devoff + len <= (uint64_t)st.st_size;
}

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
		if (!backed(ff, devoff, len)) {
			fuse_log(FUSE_LOG_ERR,
				 "famfs-fuse: inode %llu: device range 0x%llx+0x%llx is gone (image truncated?)\n",
				 (unsigned long long)n->ino,
				 (unsigned long long)devoff,
				 (unsigned long long)len);
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
	{
		uint64_t pos, devoff, n2;

		for (pos = off; pos < off + len; pos += n2) {
			if (famfs_layout_map(l, pos, &devoff, &n2) ||
			    !backed(ff, devoff, n2 < off + len - pos ?
					     n2 : off + len - pos)) {
				fuse_reply_err(req, EIO);
				return;
			}
		}
	}
	{
		sigjmp_buf jb;
		int rc;

		if (sigsetjmp(jb, 1)) {
			bus_jmp = NULL;
			fuse_reply_err(req, EIO);
			return;
		}
		bus_jmp = &jb;
		rc = famfs_file_write(&ff->fs.dev, l, off, buf, len);
		bus_jmp = NULL;
		if (rc) {
			fuse_reply_err(req, EIO);
			return;
		}
	}
	fuse_reply_write(req, len);
}
