// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ll_notify.c - unsolicited messages to the kernel (fuse_lowlevel_notify_*)
 * and the NOTIFY_RETRIEVE / NOTIFY_REPLY round trip.
 *
 * NOTIFY_REPLY is decoded by the transport-neutral decoder, so its data is
 * found the same way over /dev/fuse (after the fixed struct) and io_uring
 * (in the payload buffer).
 */
#include "fuse_i.h"
#include "ll_i.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int fuse_ll_notify_iov(struct fuse_session *se, int code, struct iovec *iov,
		       int count)
{
	struct fuse_out_header out;
	size_t len = sizeof(out);
	int i;

	if (!atomic_load(&se->got_init))
		return -ENOTCONN;
	for (i = 1; i < count; i++)
		len += iov[i].iov_len;
	out.unique = 0;
	out.error = code;
	out.len = (uint32_t)len;
	iov[0].iov_base = &out;
	iov[0].iov_len = sizeof(out);
	if (se->debug)
		fuse_log(FUSE_LOG_DEBUG, "NOTIFY: code=%d length=%u\n", code,
			 out.len);
	return se->ch.ops->send(&se->ch, NULL, iov, count);
}

void fuse_pollhandle_destroy(struct fuse_pollhandle *ph)
{
	free(ph);
}

int fuse_lowlevel_notify_poll(struct fuse_pollhandle *ph)
{
	struct fuse_notify_poll_wakeup_out arg;
	struct iovec iov[2];

	if (!ph)
		return 0;
	memset(&arg, 0, sizeof(arg));
	arg.kh = ph->kh;
	iov[1].iov_base = &arg;
	iov[1].iov_len = sizeof(arg);
	return fuse_ll_notify_iov(ph->se, FUSE_NOTIFY_POLL, iov, 2);
}

int fuse_lowlevel_notify_inval_inode(struct fuse_session *se, fuse_ino_t ino,
				     off_t off, off_t len)
{
	struct fuse_notify_inval_inode_out arg;
	struct iovec iov[2];

	if (!se)
		return -EINVAL;
	if (se->conn.proto_minor < 12)
		return -ENOSYS;
	memset(&arg, 0, sizeof(arg));
	arg.ino = ino;
	arg.off = off;
	arg.len = len;
	iov[1].iov_base = &arg;
	iov[1].iov_len = sizeof(arg);
	return fuse_ll_notify_iov(se, FUSE_NOTIFY_INVAL_INODE, iov, 2);
}

static int notify_entry(struct fuse_session *se, fuse_ino_t parent,
			const char *name, size_t namelen, uint32_t flags)
{
	struct fuse_notify_inval_entry_out arg;
	struct iovec iov[3];

	if (!se || !name || namelen > UINT32_MAX)
		return -EINVAL;
	if (se->conn.proto_minor < 12)
		return -ENOSYS;
	memset(&arg, 0, sizeof(arg));
	arg.parent = parent;
	arg.namelen = (uint32_t)namelen;
	arg.flags = flags;
	iov[1].iov_base = &arg;
	iov[1].iov_len = sizeof(arg);
	iov[2].iov_base = (void *)name;
	iov[2].iov_len = namelen + 1;
	return fuse_ll_notify_iov(se, FUSE_NOTIFY_INVAL_ENTRY, iov, 3);
}

int fuse_lowlevel_notify_inval_entry(struct fuse_session *se, fuse_ino_t parent,
				     const char *name, size_t namelen)
{
	return notify_entry(se, parent, name, namelen, 0);
}

int fuse_lowlevel_notify_expire_entry(struct fuse_session *se, fuse_ino_t parent,
				      const char *name, size_t namelen)
{
	if (!se)
		return -EINVAL;
	if (!(se->conn.capable_ext & FUSE_CAP_EXPIRE_ONLY))
		return -ENOSYS;
	return notify_entry(se, parent, name, namelen, FUSE_EXPIRE_ONLY);
}

int fuse_lowlevel_notify_delete(struct fuse_session *se,
				fuse_ino_t parent, fuse_ino_t child,
				const char *name, size_t namelen)
{
	struct fuse_notify_delete_out arg;
	struct iovec iov[3];

	if (!se || !name || namelen > UINT32_MAX)
		return -EINVAL;
	if (se->conn.proto_minor < 18)
		return -ENOSYS;
	memset(&arg, 0, sizeof(arg));
	arg.parent = parent;
	arg.child = child;
	arg.namelen = (uint32_t)namelen;
	iov[1].iov_base = &arg;
	iov[1].iov_len = sizeof(arg);
	iov[2].iov_base = (void *)name;
	iov[2].iov_len = namelen + 1;
	return fuse_ll_notify_iov(se, FUSE_NOTIFY_DELETE, iov, 3);
}

int fuse_lowlevel_notify_store(struct fuse_session *se, fuse_ino_t ino,
			       off_t offset, struct fuse_bufvec *bufv,
			       enum fuse_buf_copy_flags flags)
{
	struct fuse_notify_store_out arg;
	struct fuse_bufvec mem = FUSE_BUFVEC_INIT(0);
	struct iovec iov[3];
	size_t size;
	ssize_t res;
	void *buf;
	int ret;

	(void)flags;
	if (!se || !bufv || offset < 0)
		return -EINVAL;
	if (se->conn.proto_minor < 15)
		return -ENOSYS;
	size = fuse_buf_size(bufv);
	if (size > UINT32_MAX)
		return -EINVAL;
	buf = malloc(size ? size : 1);
	if (!buf)
		return -ENOMEM;
	mem.buf[0].mem = buf;
	mem.buf[0].size = size;
	res = fuse_buf_copy(&mem, bufv, 0);
	if (res < 0) {
		free(buf);
		return (int)res;
	}
	memset(&arg, 0, sizeof(arg));
	arg.nodeid = ino;
	arg.offset = (uint64_t)offset;
	arg.size = (uint32_t)res;
	iov[1].iov_base = &arg;
	iov[1].iov_len = sizeof(arg);
	iov[2].iov_base = buf;
	iov[2].iov_len = (size_t)res;
	ret = fuse_ll_notify_iov(se, FUSE_NOTIFY_STORE, iov, 3);
	free(buf);
	return ret;
}

int fuse_lowlevel_notify_retrieve(struct fuse_session *se, fuse_ino_t ino,
				  size_t size, off_t offset, void *cookie)
{
	struct fuse_notify_retrieve_out arg;
	struct fuse_retrieve_req *rr;
	struct iovec iov[2];
	int err;

	if (!se || offset < 0 || size > UINT32_MAX)
		return -EINVAL;
	if (se->conn.proto_minor < 15)
		return -ENOSYS;
	rr = malloc(sizeof(*rr));
	if (!rr)
		return -ENOMEM;
	rr->ino = ino;
	rr->cookie = cookie;

	pthread_mutex_lock(&se->notify_lock);
	rr->unique = ++se->notify_ctr;
	rr->next = se->retrieves;
	se->retrieves = rr;
	pthread_mutex_unlock(&se->notify_lock);

	memset(&arg, 0, sizeof(arg));
	arg.notify_unique = rr->unique;
	arg.nodeid = ino;
	arg.offset = (uint64_t)offset;
	arg.size = (uint32_t)size;
	iov[1].iov_base = &arg;
	iov[1].iov_len = sizeof(arg);
	err = fuse_ll_notify_iov(se, FUSE_NOTIFY_RETRIEVE, iov, 2);
	if (err) {
		struct fuse_retrieve_req **pp;

		pthread_mutex_lock(&se->notify_lock);
		for (pp = &se->retrieves; *pp; pp = &(*pp)->next) {
			if (*pp == rr) {
				*pp = rr->next;
				break;
			}
		}
		pthread_mutex_unlock(&se->notify_lock);
		free(rr);
	}
	return err;
}

int fuse_lowlevel_notify_increment_epoch(struct fuse_session *se)
{
	struct iovec iov[1];

	if (!se)
		return -EINVAL;
	if (se->conn.proto_minor < 44)
		return -ENOSYS;
	return fuse_ll_notify_iov(se, FUSE_NOTIFY_INC_EPOCH, iov, 1);
}

void fuse_ll_do_notify_reply(struct fuse_req *req, fuse_ino_t nodeid,
			     const struct fuse_notify_retrieve_in *arg,
			     const void *data, size_t len)
{
	struct fuse_session *se = req->se;
	struct fuse_retrieve_req **pp, *rr = NULL;

	pthread_mutex_lock(&se->notify_lock);
	for (pp = &se->retrieves; *pp; pp = &(*pp)->next) {
		if ((*pp)->unique == req->unique) {
			rr = *pp;
			*pp = rr->next;
			break;
		}
	}
	pthread_mutex_unlock(&se->notify_lock);

	if (!rr) {
		fuse_log(FUSE_LOG_ERR, "fuse: NOTIFY_REPLY for unknown retrieve %llu\n",
			 (unsigned long long)req->unique);
		fuse_reply_none(req);
		return;
	}
	if (se->op.retrieve_reply) {
		struct fuse_bufvec bufv = FUSE_BUFVEC_INIT(len);

		bufv.buf[0].mem = (void *)data;
		se->op.retrieve_reply(req, rr->cookie, nodeid,
				      (off_t)arg->offset, &bufv);
	} else {
		fuse_reply_none(req);
	}
	free(rr);
}

void fuse_ll_retrieves_free(struct fuse_session *se)
{
	struct fuse_retrieve_req *rr;

	pthread_mutex_lock(&se->notify_lock);
	while ((rr = se->retrieves) != NULL) {
		se->retrieves = rr->next;
		free(rr);
	}
	pthread_mutex_unlock(&se->notify_lock);
}
