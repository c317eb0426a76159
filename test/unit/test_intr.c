// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_intr.c - FUSE_INTERRUPT for requests that came over io_uring.
 *
 * The kernel sends INTERRUPT over /dev/fuse even in io_uring mode, for the
 * unique of a request that sits in a ring entry.  Here a stand-in ring
 * transport (its own channel, the request embedded in an "entry" and
 * returned through req_done, like lib/uring.c) hands requests to
 * fuse_ll_dispatch() in the io_uring shape, and the fake kernel sends the
 * INTERRUPTs over the session's custom I/O.  Checked: the interrupt finds
 * the request (callback, fuse_req_interrupted()), an INTERRUPT that
 * overtook its request is matched when the request arrives, no pending
 * record is left over, and the request is out of the interrupt table when
 * the transport gets it back.  Also fuse_req_get_payload() on a request
 * that did not come over io_uring.
 */
#include "harness.h"

#include <errno.h>
#include <string.h>

/* A stand-in ring entry: the request is embedded, as in lib/uring.c */
struct fake_ent {
	struct fuse_req req;
	int done;		/* req_done calls */
	int listed_at_done;	/* still in the interrupt table then */
	int replied;
	int32_t error;		/* reply's error */
	char payload[64];
};

static struct fuse_req *held;		/* READ waiting for a reply */
static int ifunc_calls;
static int interrupted_at_read;
static int payload_res = 1;

static int fake_send(struct fuse_chan *ch, struct fuse_req *req,
		     struct iovec *iov, int count)
{
	struct fake_ent *ent = req ? req->tpriv : NULL;
	struct fuse_out_header *out = iov[0].iov_base;

	(void)ch; (void)count;
	if (!ent)
		return -EINVAL;
	ent->replied++;
	ent->error = out->error;
	return 0;
}

static bool in_table(struct fuse_session *se, struct fuse_req *req)
{
	bool found = false;

	for (int i = 0; i < FUSE_REQ_BUCKETS; i++) {
		pthread_mutex_lock(&se->buckets[i].lock);
		for (struct fuse_req *r = se->buckets[i].head; r; r = r->bnext)
			if (r == req)
				found = true;
		pthread_mutex_unlock(&se->buckets[i].lock);
	}
	return found;
}

static void fake_req_done(struct fuse_chan *ch, struct fuse_req *req)
{
	struct fake_ent *ent = req->tpriv;

	ent->done++;
	ent->listed_at_done = (req->flags & FUSE_REQ_F_LISTED) ||
			      in_table(ch->se, req);
}

static const struct fuse_chan_ops fake_ring_ops = {
	.send = fake_send,
	.req_done = fake_req_done,
};

static void on_intr(fuse_req_t req, void *data)
{
	(void)req; (void)data;
	ifunc_calls++;
}

static void t_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	(void)ino; (void)size; (void)off; (void)fi;
	interrupted_at_read = fuse_req_interrupted(req);
	fuse_req_interrupt_func(req, on_intr, NULL);
	held = req;
}

static void t_getattr(fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi)
{
	char *p = NULL;
	size_t sz = 0;

	(void)ino; (void)fi;
	payload_res = fuse_req_get_payload(req, &p, &sz, NULL);
	fuse_reply_err(req, ENOENT);
}

static const struct fuse_lowlevel_ops ops = {
	.read = t_read,
	.getattr = t_getattr,
};

/* Hand a READ to the core the way the io_uring transport does */
static void ring_read(struct fk *fk, struct fuse_chan *ch,
		      struct fake_ent *ent, uint64_t unique)
{
	struct fuse_in_header in;
	struct fuse_read_in ri;
	char op_in[FUSE_URING_OP_IN_OUT_SZ];

	memset(ent, 0, sizeof(*ent));
	memset(&in, 0, sizeof(in));
	memset(&ri, 0, sizeof(ri));
	memset(op_in, 0, sizeof(op_in));
	ri.size = 4096;
	memcpy(op_in, &ri, sizeof(ri));
	in.len = sizeof(in) + sizeof(ri);
	in.opcode = FUSE_READ;
	in.unique = unique;
	in.nodeid = 2;
	in.uid = 1000;
	in.gid = 1000;
	in.pid = 4242;
	fuse_req_init(&ent->req, fk->se, ch);
	ent->req.flags = FUSE_REQ_F_URING;
	ent->req.tpriv = ent;
	held = NULL;
	CHECK_EQ(fuse_ll_dispatch(&ent->req, &in, op_in, sizeof(ri),
				  ent->payload, 0), 0);
	CHECK(held == &ent->req);
}

static void send_interrupt(struct fk *fk, uint64_t unique)
{
	struct fuse_interrupt_in ii;

	memset(&ii, 0, sizeof(ii));
	ii.unique = unique;
	fk_send(fk, FUSE_INTERRUPT, 0, 1, &ii, sizeof(ii));
	fk_pump(fk);
}

int main(void)
{
	struct fuse_chan ring;
	struct fake_ent ent;
	struct fuse_getattr_in gi;
	char reply[256];
	struct fk fk;

	fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
	CHECK_EQ(fk_init(&fk, 45, FUSE_INIT_EXT | FUSE_MAX_PAGES, NULL), 0);
	memset(&ring, 0, sizeof(ring));
	ring.ops = &fake_ring_ops;
	ring.se = fk.se;
	ring.fd = -1;

	/* 1. INTERRUPT after the request: found, callback runs */
	ifunc_calls = 0;
	ring_read(&fk, &ring, &ent, 1000);
	CHECK(fuse_req_is_uring(held));
	CHECK(!fuse_req_interrupted(held));
	send_interrupt(&fk, 1000);
	CHECK_EQ(ifunc_calls, 1);
	CHECK_EQ(fuse_req_interrupted(held), 1);
	CHECK_EQ(atomic_load(&fk.se->npending_intr), 0);
	/* the INTERRUPT itself takes no reply */
	CHECK_EQ(fk_recv(&fk, reply, sizeof(reply), 0), 0);
	fuse_reply_err(held, EINTR);
	CHECK_EQ(ent.replied, 1);
	CHECK_EQ(ent.error, -EINTR);
	CHECK_EQ(ent.done, 1);
	CHECK_EQ(ent.listed_at_done, 0);

	/* 2. INTERRUPT before the request (other queue was faster) */
	ifunc_calls = 0;
	interrupted_at_read = 0;
	send_interrupt(&fk, 1002);
	CHECK_EQ(atomic_load(&fk.se->npending_intr), 1);
	ring_read(&fk, &ring, &ent, 1002);
	CHECK_EQ(interrupted_at_read, 1);
	CHECK_EQ(ifunc_calls, 1);	/* run at registration */
	CHECK_EQ(atomic_load(&fk.se->npending_intr), 0);
	fuse_reply_err(held, EINTR);
	CHECK_EQ(ent.done, 1);
	CHECK_EQ(ent.listed_at_done, 0);

	/* 3. The entry is reused for a new request after req_done: an
	 *    INTERRUPT for the old unique finds nothing and only queues. */
	ring_read(&fk, &ring, &ent, 1004);
	ifunc_calls = 0;
	send_interrupt(&fk, 1000);
	CHECK_EQ(ifunc_calls, 0);
	CHECK(!fuse_req_interrupted(held));
	fuse_reply_none(held);
	CHECK_EQ(ent.done, 1);
	CHECK_EQ(ent.listed_at_done, 0);

	/* 4. fuse_req_get_payload() on a /dev/fuse request (upstream 3.18
	 *    with io_uring support: -EINVAL; built without it: -ENOTSUP) */
	memset(&gi, 0, sizeof(gi));
	fk_call(&fk, reply, sizeof(reply), FUSE_GETATTR, 1, 1, &gi,
		sizeof(gi));
#ifdef HAVE_LIBURING
	CHECK_EQ(payload_res, -EINVAL);
#else
	CHECK_EQ(payload_res, -ENOTSUP);
#endif

	fk_teardown(&fk);
	return fk_done("test_intr");
}
