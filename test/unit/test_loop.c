// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_loop.c - the single-threaded loop and request lifetime:
 * fuse_session_exit() (also from a signal handler) wakes a loop blocked
 * waiting for requests and the loop returns 0 or the signal number; the
 * loop ends cleanly when the kernel end goes away; FUSE_INTERRUPT reaches
 * the interrupt callback of a pending request, also when it arrives before
 * its request; replies sent later from another thread work.
 */
#include "harness.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static fuse_req_t parked;
static int intr_calls;
static int interrupted_at_start;

static void on_intr(fuse_req_t req, void *data)
{
	(void)data;
	intr_calls++;
	fuse_reply_err(req, EINTR);
	parked = NULL;
}

static void t_getattr(fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi)
{
	(void)fi;
	interrupted_at_start = fuse_req_interrupted(req);
	if (ino == 2) {
		/* park the request until it is interrupted */
		parked = req;
		fuse_req_interrupt_func(req, on_intr, NULL);
		return;
	}
	if (ino == 3) {
		/* answered later by another thread */
		parked = req;
		return;
	}
	fuse_reply_err(req, ENOENT);
}

static const struct fuse_lowlevel_ops ops = {
	.getattr = t_getattr,
};

struct loop_arg {
	struct fuse_session *se;
	int ret;
};

static void *loop_thread(void *p)
{
	struct loop_arg *a = p;

	a->ret = fuse_session_loop(a->se);
	return NULL;
}

static void send_hdr(struct fk *fk, uint32_t op, uint64_t unique,
		     uint64_t nodeid, const void *arg, size_t al)
{
	char buf[256];
	struct fuse_in_header h;

	memset(&h, 0, sizeof(h));
	h.len = sizeof(h) + al;
	h.opcode = op;
	h.unique = unique;
	h.nodeid = nodeid;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), arg, al);
	fk_send_raw(fk, buf, sizeof(h) + al);
}

static void test_interrupts(void)
{
	struct fuse_getattr_in gi;
	struct fuse_interrupt_in ii;
	struct fk fk;
	char reply[64];
	struct fuse_out_header *oh = (void *)reply;

	fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
	CHECK_EQ(fk_init(&fk, 45, FUSE_ASYNC_READ, NULL), 0);
	memset(&gi, 0, sizeof(gi));

	/* interrupt after the request: the callback replies EINTR */
	send_hdr(&fk, FUSE_GETATTR, 500, 2, &gi, sizeof(gi));
	fk_pump(&fk);
	CHECK(parked != NULL);
	CHECK_EQ(interrupted_at_start, 0);
	CHECK_EQ(fk_recv(&fk, reply, sizeof(reply), 0), 0);
	ii.unique = 500;
	send_hdr(&fk, FUSE_INTERRUPT, 501, 0, &ii, sizeof(ii));
	fk_pump(&fk);
	CHECK_EQ(intr_calls, 1);
	CHECK_EQ(fk_recv(&fk, reply, sizeof(reply), 0),
		 sizeof(struct fuse_out_header));
	CHECK_EQ(oh->unique, 500);
	CHECK_EQ(oh->error, -EINTR);

	/* interrupt before its request (several readers can reorder) */
	ii.unique = 600;
	send_hdr(&fk, FUSE_INTERRUPT, 601, 0, &ii, sizeof(ii));
	fk_pump(&fk);
	send_hdr(&fk, FUSE_GETATTR, 600, 1, &gi, sizeof(gi));
	fk_pump(&fk);
	CHECK_EQ(interrupted_at_start, 1);
	CHECK_EQ(fk_recv(&fk, reply, sizeof(reply), 0),
		 sizeof(struct fuse_out_header));
	CHECK_EQ(oh->error, -ENOENT);

	/* registering a callback on an interrupted request runs it at once */
	ii.unique = 700;
	send_hdr(&fk, FUSE_INTERRUPT, 701, 0, &ii, sizeof(ii));
	fk_pump(&fk);
	intr_calls = 0;
	send_hdr(&fk, FUSE_GETATTR, 700, 2, &gi, sizeof(gi));
	fk_pump(&fk);
	CHECK_EQ(intr_calls, 1);
	CHECK_EQ(fk_recv(&fk, reply, sizeof(reply), 0),
		 sizeof(struct fuse_out_header));
	CHECK_EQ(oh->unique, 700);
	CHECK_EQ(oh->error, -EINTR);
	fk_teardown(&fk);
}

static void *late_reply(void *p)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	(void)p;
	nanosleep(&ts, NULL);
	fuse_reply_err(parked, EAGAIN);
	return NULL;
}

static void test_async_reply(void)
{
	struct fuse_getattr_in gi;
	struct fk fk;
	pthread_t t;
	char reply[64];
	struct fuse_out_header *oh = (void *)reply;

	fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
	CHECK_EQ(fk_init(&fk, 45, FUSE_ASYNC_READ, NULL), 0);
	memset(&gi, 0, sizeof(gi));
	parked = NULL;
	send_hdr(&fk, FUSE_GETATTR, 800, 3, &gi, sizeof(gi));
	fk_pump(&fk);
	CHECK(parked != NULL);
	pthread_create(&t, NULL, late_reply, NULL);
	CHECK_EQ(fk_recv(&fk, reply, sizeof(reply), 2000),
		 sizeof(struct fuse_out_header));
	CHECK_EQ(oh->unique, 800);
	CHECK_EQ(oh->error, -EAGAIN);
	pthread_join(t, NULL);
	fk_teardown(&fk);
}

static struct fuse_session *sig_se;

static void on_signal(int sig)
{
	fuse_session_exit_signal(sig_se, sig);
}

static void test_exit_wakes_loop(void)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	struct loop_arg a;
	struct fk fk;
	pthread_t t;

	/* plain fuse_session_exit(): loop returns 0 */
	fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
	a.se = fk.se;
	a.ret = -1;
	pthread_create(&t, NULL, loop_thread, &a);
	nanosleep(&ts, NULL);
	fuse_session_exit(fk.se);
	pthread_join(t, NULL);
	CHECK_EQ(a.ret, 0);
	fk_teardown(&fk);

	/* from a signal handler: loop returns the signal number */
	fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
	sig_se = fk.se;
	signal(SIGUSR1, on_signal);
	a.se = fk.se;
	a.ret = -1;
	pthread_create(&t, NULL, loop_thread, &a);
	nanosleep(&ts, NULL);
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	CHECK_EQ(a.ret, SIGUSR1);
	signal(SIGUSR1, SIG_DFL);
	/* reset clears it; the loop can run again */
	fuse_session_reset(fk.se);
	CHECK(!fuse_session_exited(fk.se));
	CHECK_EQ(fuse_session_loop_result(fk.se), 0);
	fk_teardown(&fk);

	/* the kernel end closing ends the loop cleanly, after serving */
	fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
	a.se = fk.se;
	a.ret = -1;
	pthread_create(&t, NULL, loop_thread, &a);
	{
		struct fuse_init_in in;
		char reply[256];
		struct fuse_out_header *oh = (void *)reply;

		memset(&in, 0, sizeof(in));
		in.major = 7;
		in.minor = 45;
		fk_send(&fk, FUSE_INIT, 0, 1, &in, sizeof(in));
		CHECK(fk_recv(&fk, reply, sizeof(reply), 2000) >
		      sizeof(*oh));
		CHECK_EQ(oh->error, 0);
	}
	close(fk.kfd);
	fk.kfd = -1;
	pthread_join(t, NULL);
	CHECK_EQ(a.ret, 0);
	fuse_session_destroy(fk.se);
}

int main(void)
{
	test_interrupts();
	test_async_reply();
	test_exit_wakes_loop();
	return fk_done("test_loop");
}
