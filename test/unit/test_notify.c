// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_notify.c - every fuse_lowlevel_notify_* encodes as the kernel
 * expects; NOTIFY_RETRIEVE + NOTIFY_REPLY reach retrieve_reply with the
 * right data over both request shapes (/dev/fuse: data after the fixed
 * struct; io_uring: fixed struct in op_in, data in the payload buffer).
 */
#include "harness.h"

#include <errno.h>
#include <string.h>

static struct {
	int calls;
	void *cookie;
	fuse_ino_t ino;
	off_t off;
	char data[64];
	size_t len;
} rr;

static void t_retrieve_reply(fuse_req_t req, void *cookie, fuse_ino_t ino,
			     off_t offset, struct fuse_bufvec *bufv)
{
	rr.calls++;
	rr.cookie = cookie;
	rr.ino = ino;
	rr.off = offset;
	rr.len = fuse_buf_size(bufv);
	if (rr.len <= sizeof(rr.data))
		memcpy(rr.data, bufv->buf[0].mem, rr.len);
	fuse_reply_none(req);
}

static const struct fuse_lowlevel_ops ops = {
	.retrieve_reply = t_retrieve_reply,
};

static struct fk fk;
static char msg[4096];

static struct fuse_out_header *oh(void)
{
	return (struct fuse_out_header *)msg;
}

static void *body(void)
{
	return msg + sizeof(struct fuse_out_header);
}

static size_t next(void)
{
	memset(msg, 0, sizeof(msg));
	return fk_recv(&fk, msg, sizeof(msg), 0);
}

static void check_notify(size_t n, int code, size_t len)
{
	CHECK_EQ(n, sizeof(struct fuse_out_header) + len);
	CHECK_EQ(oh()->len, n);
	CHECK_EQ(oh()->error, code);
	CHECK_EQ(oh()->unique, 0);
}

static void test_simple(void)
{
	size_t n;

	CHECK_EQ(fuse_lowlevel_notify_inval_inode(fk.se, 7, 4096, -1), 0);
	n = next();
	check_notify(n, FUSE_NOTIFY_INVAL_INODE,
		     sizeof(struct fuse_notify_inval_inode_out));
	{
		struct fuse_notify_inval_inode_out *o = body();

		CHECK(o->ino == 7 && o->off == 4096 && o->len == -1);
	}

	CHECK_EQ(fuse_lowlevel_notify_inval_entry(fk.se, 1, "name", 4), 0);
	n = next();
	check_notify(n, FUSE_NOTIFY_INVAL_ENTRY,
		     sizeof(struct fuse_notify_inval_entry_out) + 5);
	{
		struct fuse_notify_inval_entry_out *o = body();

		CHECK(o->parent == 1 && o->namelen == 4 && o->flags == 0);
		CHECK(!memcmp(o + 1, "name", 5));
	}

	CHECK_EQ(fuse_lowlevel_notify_expire_entry(fk.se, 2, "ex", 2), 0);
	n = next();
	check_notify(n, FUSE_NOTIFY_INVAL_ENTRY,
		     sizeof(struct fuse_notify_inval_entry_out) + 3);
	{
		struct fuse_notify_inval_entry_out *o = body();

		CHECK(o->parent == 2 && o->namelen == 2);
		CHECK_EQ(o->flags, FUSE_EXPIRE_ONLY);
	}

	CHECK_EQ(fuse_lowlevel_notify_delete(fk.se, 3, 9, "del", 3), 0);
	n = next();
	check_notify(n, FUSE_NOTIFY_DELETE,
		     sizeof(struct fuse_notify_delete_out) + 4);
	{
		struct fuse_notify_delete_out *o = body();

		CHECK(o->parent == 3 && o->child == 9 && o->namelen == 3);
		CHECK(!memcmp(o + 1, "del", 4));
	}

	{
		struct fuse_bufvec bv = FUSE_BUFVEC_INIT(6);
		struct fuse_notify_store_out *o = body();

		bv.buf[0].mem = "stored";
		CHECK_EQ(fuse_lowlevel_notify_store(fk.se, 11, 8192, &bv, 0),
			 0);
		n = next();
		check_notify(n, FUSE_NOTIFY_STORE, sizeof(*o) + 6);
		CHECK(o->nodeid == 11 && o->offset == 8192 && o->size == 6);
		CHECK(!memcmp(o + 1, "stored", 6));
	}

	CHECK_EQ(fuse_lowlevel_notify_increment_epoch(fk.se), 0);
	n = next();
	check_notify(n, FUSE_NOTIFY_INC_EPOCH, 0);

	/* nothing else was sent */
	CHECK_EQ(next(), 0);
}

/* Answer a retrieve in the io_uring shape through the neutral entry */
static void uring_reply(uint64_t unique, uint64_t ino, uint64_t off,
			const char *data, uint32_t len)
{
	struct fuse_in_header in;
	struct fuse_notify_retrieve_in ri;
	char op_in[FUSE_URING_OP_IN_OUT_SZ];
	char payload[256];
	struct fuse_req *req;

	memset(&in, 0, sizeof(in));
	in.opcode = FUSE_NOTIFY_REPLY;
	in.unique = unique;
	in.nodeid = ino;
	/* the kernel's length for the whole request, not checked here */
	in.len = sizeof(in) + sizeof(ri) + len;
	memset(&ri, 0, sizeof(ri));
	ri.offset = off;
	ri.size = len;
	memset(op_in, 0xee, sizeof(op_in));
	memcpy(op_in, &ri, sizeof(ri));
	memcpy(payload, data, len);
	req = fuse_req_alloc(fk.se, &fk.se->ch);
	req->flags |= FUSE_REQ_F_URING;
	CHECK_EQ(fuse_ll_dispatch(req, &in, op_in, sizeof(op_in), payload,
				  len), 0);
}

static void test_retrieve(void)
{
	struct fuse_notify_retrieve_out *o = body();
	struct fuse_notify_retrieve_in ri;
	uint64_t unique;
	size_t n;
	int cookie1, cookie2;

	/* /dev/fuse shape */
	CHECK_EQ(fuse_lowlevel_notify_retrieve(fk.se, 21, 100, 4096,
					       &cookie1), 0);
	n = next();
	check_notify(n, FUSE_NOTIFY_RETRIEVE, sizeof(*o));
	CHECK(o->nodeid == 21 && o->offset == 4096 && o->size == 100);
	unique = o->notify_unique;
	CHECK(unique != 0);

	memset(&ri, 0, sizeof(ri));
	ri.offset = 4096;
	ri.size = 5;
	memset(&rr, 0, sizeof(rr));
	{
		struct fuse_in_header h;
		char buf[sizeof(h) + sizeof(ri) + 5];

		memset(&h, 0, sizeof(h));
		h.len = sizeof(buf);
		h.opcode = FUSE_NOTIFY_REPLY;
		h.unique = unique;
		h.nodeid = 21;
		memcpy(buf, &h, sizeof(h));
		memcpy(buf + sizeof(h), &ri, sizeof(ri));
		memcpy(buf + sizeof(h) + sizeof(ri), "12345", 5);
		fk_send_raw(&fk, buf, sizeof(buf));
		fk_pump(&fk);
	}
	CHECK_EQ(rr.calls, 1);
	CHECK(rr.cookie == &cookie1);
	CHECK_EQ(rr.ino, 21);
	CHECK_EQ(rr.off, 4096);
	CHECK(rr.len == 5 && !memcmp(rr.data, "12345", 5));
	CHECK_EQ(next(), 0);	/* NOTIFY_REPLY takes no reply */

	/* io_uring shape */
	CHECK_EQ(fuse_lowlevel_notify_retrieve(fk.se, 22, 50, 0, &cookie2),
		 0);
	n = next();
	check_notify(n, FUSE_NOTIFY_RETRIEVE, sizeof(*o));
	unique = o->notify_unique;
	memset(&rr, 0, sizeof(rr));
	uring_reply(unique, 22, 0, "ring-data", 9);
	CHECK_EQ(rr.calls, 1);
	CHECK(rr.cookie == &cookie2);
	CHECK_EQ(rr.ino, 22);
	CHECK(rr.len == 9 && !memcmp(rr.data, "ring-data", 9));

	/* a reply to an unknown retrieve is dropped, not delivered */
	memset(&rr, 0, sizeof(rr));
	uring_reply(unique + 100, 22, 0, "x", 1);
	CHECK_EQ(rr.calls, 0);
	CHECK_EQ(next(), 0);
	/* payload length disagreeing with the size field: dropped */
	CHECK_EQ(fuse_lowlevel_notify_retrieve(fk.se, 23, 50, 0, &cookie2),
		 0);
	next();
	{
		struct fuse_in_header in;
		char op_in[sizeof(ri)];
		struct fuse_req *req = fuse_req_alloc(fk.se, &fk.se->ch);

		memset(&in, 0, sizeof(in));
		in.opcode = FUSE_NOTIFY_REPLY;
		in.unique = o->notify_unique;
		memset(&ri, 0, sizeof(ri));
		ri.size = 10;
		memcpy(op_in, &ri, sizeof(ri));
		fuse_ll_dispatch(req, &in, op_in, sizeof(op_in), "abc", 3);
		CHECK_EQ(rr.calls, 0);
	}
}

static void test_before_init(void)
{
	struct fk f2;
	int c;

	fk_setup(&f2, &ops, sizeof(ops), NULL, NULL);
	/* Before INIT the protocol version is unknown: -ENOSYS, as upstream;
	 * without a version check the send path says -ENOTCONN. */
	CHECK_EQ(fuse_lowlevel_notify_inval_inode(f2.se, 1, 0, 0), -ENOSYS);
	CHECK_EQ(fuse_lowlevel_notify_retrieve(f2.se, 1, 1, 0, &c), -ENOSYS);
	{
		struct iovec iov[1];

		CHECK_EQ(fuse_ll_notify_iov(f2.se, FUSE_NOTIFY_INC_EPOCH, iov,
					    1), -ENOTCONN);
	}
	CHECK_EQ(fuse_lowlevel_notify_inval_entry(NULL, 1, "a", 1), -EINVAL);
	fk_teardown(&f2);
}

int main(void)
{
	fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
	CHECK_EQ(fk_init(&fk, 45, FUSE_ASYNC_READ | FUSE_MAX_PAGES |
			 FUSE_INIT_EXT, NULL), 0);
	test_simple();
	test_retrieve();
	test_before_init();
	fk_teardown(&fk);
	return fk_done("test_notify");
}
