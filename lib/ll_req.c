// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ll_req.c - request objects: the per-thread cache, the interrupt table,
 * and the fuse_req_* accessors of the public API.
 *
 * Requests that can be interrupted live in one of FUSE_REQ_BUCKETS lists
 * hashed by their unique id, each with its own lock, so dispatch never
 * takes a session-wide lock.  With conn.no_interrupt the table is skipped.
 */
#include "fuse_i.h"
#include "ll_i.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Requests kept per thread for reuse */
#define REQ_CACHE_MAX	64

static __thread struct fuse_req *req_cache;
static __thread unsigned int req_cache_n;

static void req_cache_drain(void *unused)
{
	struct fuse_req *r;

	(void)unused;
	while ((r = req_cache) != NULL) {
		req_cache = r->bnext;
		free(r);
	}
	req_cache_n = 0;
}

static pthread_key_t req_cache_key;
static pthread_once_t req_cache_once = PTHREAD_ONCE_INIT;

static void req_cache_key_init(void)
{
	/* The destructor runs with a non-NULL value; we pass a marker. */
	pthread_key_create(&req_cache_key, req_cache_drain);
}

void fuse_req_init(struct fuse_req *req, struct fuse_session *se,
		   struct fuse_chan *ch)
{
	memset(req, 0, sizeof(*req));
	req->se = se;
	req->ch = ch;
}

struct fuse_req *fuse_req_alloc(struct fuse_session *se, struct fuse_chan *ch)
{
	struct fuse_req *req = req_cache;

	if (req) {
		req_cache = req->bnext;
		req_cache_n--;
	} else {
		pthread_once(&req_cache_once, req_cache_key_init);
		pthread_setspecific(req_cache_key, (void *)1);
		req = malloc(sizeof(*req));
		if (!req) {
			fuse_log(FUSE_LOG_ERR, "fuse: cannot allocate a request\n");
			return NULL;
		}
	}
	fuse_req_init(req, se, ch);
	req->flags = FUSE_REQ_F_CACHED;
	return req;
}

static void req_free_cached(struct fuse_req *req)
{
	if (req_cache_n >= REQ_CACHE_MAX) {
		free(req);
		return;
	}
	if (!req_cache) {
		/* This thread may never have allocated: arm the drain. */
		pthread_once(&req_cache_once, req_cache_key_init);
		pthread_setspecific(req_cache_key, (void *)1);
	}
	req->bnext = req_cache;
	req_cache = req;
	req_cache_n++;
}

static struct fuse_req_bucket *bucket_of(struct fuse_session *se,
					 uint64_t unique)
{
	/* Uniques are sequential per kernel queue; mix the bits a little. */
	uint64_t h = unique ^ (unique >> 7) ^ (unique >> 17);

	return &se->buckets[h & (FUSE_REQ_BUCKETS - 1)];
}

/* Take a queued INTERRUPT for @unique, if one arrived before the request. */
static bool take_pending_intr(struct fuse_session *se, uint64_t unique)
{
	struct fuse_req **pp, *r;
	bool found = false;

	pthread_mutex_lock(&se->intr_lock);
	for (pp = &se->pending_intr; (r = *pp) != NULL; pp = &r->bnext) {
		if (r->unique == unique) {
			*pp = r->bnext;
			atomic_fetch_sub(&se->npending_intr, 1);
			free(r);
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&se->intr_lock);
	return found;
}

void fuse_req_track(struct fuse_req *req)
{
	struct fuse_session *se = req->se;
	struct fuse_req_bucket *b;

	/*
	 * io_uring requests too: the kernel sends their INTERRUPTs over
	 * /dev/fuse by unique like any other.  The request object of a ring
	 * entry leaves the table in fuse_req_finish() before req_done hands
	 * the entry back to the kernel, so a reused entry is never listed.
	 */
	if (se->conn.no_interrupt)
		return;
	b = bucket_of(se, req->unique);
	pthread_mutex_lock(&b->lock);
	req->bnext = b->head;
	b->head = req;
	req->flags |= FUSE_REQ_F_LISTED;
	pthread_mutex_unlock(&b->lock);

	if (atomic_load(&se->npending_intr) > 0 &&
	    take_pending_intr(se, req->unique)) {
		pthread_mutex_lock(&b->lock);
		req->interrupted = 1;
		pthread_mutex_unlock(&b->lock);
	}
}

static void req_untrack(struct fuse_req *req)
{
	struct fuse_req_bucket *b;
	struct fuse_req **pp;

	if (!(req->flags & FUSE_REQ_F_LISTED))
		return;
	b = bucket_of(req->se, req->unique);
	pthread_mutex_lock(&b->lock);
	for (pp = &b->head; *pp; pp = &(*pp)->bnext) {
		if (*pp == req) {
			*pp = req->bnext;
			break;
		}
	}
	req->flags &= ~FUSE_REQ_F_LISTED;
	req->ifunc = NULL;
	pthread_mutex_unlock(&b->lock);
}

void fuse_req_finish(struct fuse_req *req)
{
	struct fuse_chan *ch = req->ch;

	req_untrack(req);
	if (ch && ch->ops->req_done) {
		ch->ops->req_done(ch, req);
		return;
	}
	if (req->flags & FUSE_REQ_F_CACHED)
		req_free_cached(req);
}

/*
 * FUSE_INTERRUPT for @unique.  The interrupt callback runs under the bucket
 * lock so that it cannot race with the reply freeing the request.  Returns
 * true if the request was found (or the interrupt queued).
 */
void fuse_req_interrupt_unique(struct fuse_session *se, uint64_t unique)
{
	struct fuse_req_bucket *b = bucket_of(se, unique);
	struct fuse_req *r, *rec;

	pthread_mutex_lock(&b->lock);
	for (r = b->head; r; r = r->bnext) {
		if (r->unique == unique) {
			r->interrupted = 1;
			if (r->ifunc)
				r->ifunc(r, r->idata);
			pthread_mutex_unlock(&b->lock);
			return;
		}
	}
	pthread_mutex_unlock(&b->lock);

	/*
	 * Not (yet) known: the interrupt overtook its request (possible with
	 * several reader threads).  Queue it, bounded; the kernel resends
	 * interrupts it got EAGAIN for, so dropping beyond the bound is safe.
	 */
	if (atomic_load(&se->npending_intr) >= 1024)
		return;
	rec = calloc(1, sizeof(*rec));
	if (!rec)
		return;
	rec->unique = unique;
	rec->flags = FUSE_REQ_F_INTR_ENTRY;
	pthread_mutex_lock(&se->intr_lock);
	rec->bnext = se->pending_intr;
	se->pending_intr = rec;
	atomic_fetch_add(&se->npending_intr, 1);
	pthread_mutex_unlock(&se->intr_lock);
}

void fuse_req_pending_free(struct fuse_session *se)
{
	struct fuse_req *r;

	pthread_mutex_lock(&se->intr_lock);
	while ((r = se->pending_intr) != NULL) {
		se->pending_intr = r->bnext;
		free(r);
	}
	atomic_store(&se->npending_intr, 0);
	pthread_mutex_unlock(&se->intr_lock);
}

/* Public accessors */

void *fuse_req_userdata(fuse_req_t req)
{
	return req->se->userdata;
}

const struct fuse_ctx *fuse_req_ctx(fuse_req_t req)
{
	return &req->ctx;
}

void fuse_req_interrupt_func(fuse_req_t req, fuse_interrupt_func_t func,
			     void *data)
{
	struct fuse_req_bucket *b;

	if (!(req->flags & FUSE_REQ_F_LISTED)) {
		/* Not interruptible (no_interrupt, FORGET-like): just record. */
		req->ifunc = func;
		req->idata = data;
		return;
	}
	b = bucket_of(req->se, req->unique);
	pthread_mutex_lock(&b->lock);
	req->ifunc = func;
	req->idata = data;
	if (req->interrupted && func)
		func(req, data);
	pthread_mutex_unlock(&b->lock);
}

int fuse_req_interrupted(fuse_req_t req)
{
	struct fuse_req_bucket *b;
	int v;

	if (!(req->flags & FUSE_REQ_F_LISTED))
		return req->interrupted;
	b = bucket_of(req->se, req->unique);
	pthread_mutex_lock(&b->lock);
	v = req->interrupted;
	pthread_mutex_unlock(&b->lock);
	return v;
}

bool fuse_req_is_uring(fuse_req_t req)
{
	return (req->flags & FUSE_REQ_F_URING) != 0;
}

int fuse_req_get_payload(fuse_req_t req, char **payload, size_t *payload_sz,
			 void **mr)
{
	struct fuse_chan *ch = req->ch;

	/*
	 * As upstream 3.18: built with io_uring support, a request that did
	 * not come over io_uring is -EINVAL (lib/fuse_uring.c); built
	 * without, every request is -ENOTSUP (lib/fuse_lowlevel.c).
	 */
	if (!(req->flags & FUSE_REQ_F_URING)) {
#ifdef HAVE_LIBURING
		return -EINVAL;
#else
		return -ENOTSUP;
#endif
	}
	if (!ch || !ch->ops->get_payload)
		return -ENOTSUP;
	return ch->ops->get_payload(ch, req, payload, payload_sz, mr);
}

int fuse_req_getgroups(fuse_req_t req, int size, gid_t list[])
{
	char path[64];
	char *buf = NULL, *s;
	size_t cap = 4096;
	ssize_t len = 0;
	int fd, n = 0;

	if (size < 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "/proc/%u/task/%u/status",
		 (unsigned int)req->ctx.pid, (unsigned int)req->ctx.pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -errno;
	for (;;) {
		char *nb = realloc(buf, cap + 1);
		ssize_t r;

		if (!nb) {
			free(buf);
			close(fd);
			return -ENOMEM;
		}
		buf = nb;
		r = read(fd, buf + len, cap - len);
		if (r < 0) {
			int err = errno;

			free(buf);
			close(fd);
			return -err;
		}
		if (r == 0)
			break;
		len += r;
		if ((size_t)len == cap)
			cap *= 2;
	}
	close(fd);
	buf[len] = '\0';

	s = strstr(buf, "\nGroups:");
	if (!s) {
		free(buf);
		return -EIO;
	}
	s += 8;
	for (;;) {
		char *end;
		unsigned long val = strtoul(s, &end, 0);

		if (end == s)
			break;
		if (n < size)
			list[n] = (gid_t)val;
		n++;
		s = end;
	}
	free(buf);
	return n;
}
