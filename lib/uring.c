/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * FUSE-over-io_uring transport (kernel protocol 7.42+, fs/fuse/dev_uring.c).
 *
 * Facts this file relies on (include/uapi/linux/fuse.h and
 * fs/fuse/dev_uring.c of Linux 6.14+):
 *  - the kernel has one queue per possible CPU (num_possible_cpus()) and
 *    sends a request to the queue of the CPU the requesting task runs on;
 *    the ring becomes "ready" (and /dev/fuse stops getting requests other
 *    than FORGET and INTERRUPT) only when every queue has an entry;
 *  - IORING_OP_URING_CMD on a /dev/fuse fd with an SQE128 ring; the command
 *    area holds struct fuse_uring_cmd_req {flags, commit_id, qid};
 *  - FUSE_IO_URING_CMD_REGISTER: sqe->addr points to 2 iovecs (header
 *    buffer >= sizeof(struct fuse_uring_req_header), payload buffer
 *    >= max(8192, max_write, max_pages * PAGE_SIZE)), sqe->len = 2; needs
 *    the connection initialized (after the INIT reply); a failing REGISTER
 *    clears the connection's io_uring mode and wakes blocked requesters, so
 *    the kernel falls back to /dev/fuse;
 *  - a request completes the command with res 0: fuse_in_header in
 *    in_out, the opcode's first argument in op_in, every further argument
 *    in the payload, ring_ent_in_out.commit_id/payload_sz set;
 *  - FUSE_IO_URING_CMD_COMMIT_AND_FETCH with commit_id: the kernel reads
 *    fuse_out_header from in_out and payload_sz bytes of reply arguments
 *    from the payload, then re-arms the entry. Every request sent through
 *    the ring needs a commit, including those that expect no reply
 *    (FUSE_NOTIFY_REPLY), or the entry is lost.
 *
 * Threads: one ring thread per queue, pinned to its CPU, owns its
 * io_uring (single issuer) and processes requests synchronously. Replies
 * made in the ring thread put the commit SQE on the ring and are submitted
 * together with the wait for the next completion (one syscall per loop).
 * Replies made in other threads are pushed on a lock-free per-queue list
 * and the ring thread is woken through an eventfd it always has a read
 * armed on. Nothing on the request path allocates.
 */
#include "fuse_config.h"
#include "fuse_i.h"
#include "uring_i.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_kernel.h"
#include "fuse_log.h"
#include "fuse_lowlevel.h"

#ifdef HAVE_LIBURING

#include <fcntl.h>
#include <liburing.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <unistd.h>

/* user_data tags that are not ring entries (entries are aligned pointers) */
#define URING_TAG_WAKE	1ULL
#define URING_TAG_EXIT	2ULL

/* Minimum payload the kernel accepts (FUSE_MIN_READ_BUFFER, fs/fuse/fuse_i.h) */
#define URING_MIN_PAYLOAD	8192

/* Number of iovecs of a REGISTER command (FUSE_URING_IOV_SEGS, dev_uring.c) */
#define URING_IOV_SEGS		2

struct uring_queue;

/** One ring entry: a header and a payload buffer shared with the kernel. */
struct uring_ent {
	struct fuse_req req;		/* embedded: no allocation per request */
	struct uring_queue *q;
	struct fuse_uring_req_header *hdr;
	char *payload;
	size_t payload_cap;
	uint64_t commit_id;
	struct uring_ent *next_done;	/* link on the queue's done list */
	bool in_kernel;			/* the kernel holds this entry */
	bool replied;			/* send() filled the reply */
	struct iovec iov[URING_IOV_SEGS];
};

/** One queue: one CPU, one ring, one thread (own cache lines). */
struct __attribute__((aligned(64))) uring_queue {
	struct fuse_uring_pool *pool;
	unsigned int qid;
	struct fuse_chan ch;		/* replies of this queue's requests */
	pthread_t thread;
	bool thread_started;
	struct io_uring ring;
	bool ring_ok;
	int wake_fd;			/* eventfd: foreign commits, stop */
	uint64_t wake_val;		/* read target of the armed wake read */
	_Atomic(struct uring_ent *) done;	/* commits from other threads */
	unsigned int nents;
	unsigned int live;		/* entries the kernel still holds */
	struct uring_ent *ents;
	void *mem;
	size_t mem_len;
	bool stop;
};

/** All queues of a session. */
struct fuse_uring_pool {
	struct fuse_session *se;
	int dev_fd;
	int exit_fd;
	unsigned int nqueues;
	unsigned int q_depth;
	size_t payload_sz;
	atomic_bool stopping;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int nreported;		/* queues done with their setup */
	bool go;			/* INIT reply sent: register */
	int setup_err;			/* first setup error, 0 if none */
	const char *setup_what;		/* what failed */
	struct uring_queue q[];
};

static __thread struct uring_queue *uring_current_queue;

static const struct fuse_chan_ops uring_chan_ops;

/*
 * Number of queues the kernel makes: num_possible_cpus(). Read the
 * possible mask; its highest CPU + 1 equals the count when it is dense,
 * which is what the kernel's qid = task_cpu() indexing assumes too.
 */
static unsigned int uring_possible_cpus(void)
{
	char buf[256];
	unsigned int max = 0;
	bool any = false;
	ssize_t n;
	int fd;

	fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			char *p = buf;

			buf[n] = '\0';
			while (*p) {
				char *end;
				unsigned long v = strtoul(p, &end, 10);

				if (end == p)
					break;
				if (v + 1 > max)
					max = v + 1;
				any = true;
				p = end;
				while (*p == ',' || *p == '-' || *p == '\n')
					p++;
			}
		}
	}
	if (!any || max == 0 || max > 65535)
		max = get_nprocs_conf();
	return max ? max : 1;
}

/* Fill a URING_CMD SQE for the fuse device (registered file 0). */
static void uring_prep_cmd(struct io_uring_sqe *sqe, struct uring_ent *ent,
			   uint32_t cmd_op)
{
	struct fuse_uring_cmd_req *cmd;

	memset(sqe, 0, 128);	/* SQE128: 64-byte SQE + 64 more bytes of cmd */
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = 0;
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->cmd_op = cmd_op;
	sqe->user_data = (uint64_t)(uintptr_t)ent;
	cmd = (struct fuse_uring_cmd_req *)sqe->cmd;
	cmd->qid = ent->q->qid;
	if (cmd_op == FUSE_IO_URING_CMD_REGISTER) {
		sqe->addr = (uint64_t)(uintptr_t)ent->iov;
		sqe->len = URING_IOV_SEGS;
	} else {
		cmd->commit_id = ent->commit_id;
	}
}

/* Get an SQE of the calling ring thread's ring, flushing if it is full. */
static struct io_uring_sqe *uring_get_sqe(struct uring_queue *q)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&q->ring);

	if (!sqe) {
		io_uring_submit(&q->ring);
		sqe = io_uring_get_sqe(&q->ring);
	}
	return sqe;
}

/* Ring thread only: queue the commit of a finished entry. */
static void uring_queue_commit(struct uring_queue *q, struct uring_ent *ent)
{
	struct io_uring_sqe *sqe = uring_get_sqe(q);

	if (!sqe) {
		/* Cannot happen: the SQ has room for every entry. */
		fuse_log(FUSE_LOG_ERR, "fuse: io_uring queue %u: no SQE for a commit\n",
			 q->qid);
		return;
	}
	uring_prep_cmd(sqe, ent, FUSE_IO_URING_CMD_COMMIT_AND_FETCH);
	ent->in_kernel = true;
}

/* Any thread: the entry's reply is ready in its buffers; commit it. */
static void uring_commit(struct uring_ent *ent)
{
	struct uring_queue *q = ent->q;
	struct uring_ent *head;
	uint64_t one = 1;

	if (uring_current_queue == q) {
		uring_queue_commit(q, ent);
		return;
	}
	head = atomic_load_explicit(&q->done, memory_order_relaxed);
	do {
		ent->next_done = head;
	} while (!atomic_compare_exchange_weak_explicit(&q->done, &head, ent,
							memory_order_release,
							memory_order_relaxed));
	/* Only the push onto an empty list needs to wake the ring thread. */
	if (!head && write(q->wake_fd, &one, sizeof(one)) != sizeof(one))
		fuse_log(FUSE_LOG_ERR, "fuse: io_uring queue %u: wake: %s\n",
			 q->qid, strerror(errno));
}

static void uring_arm_wake(struct uring_queue *q)
{
	struct io_uring_sqe *sqe = uring_get_sqe(q);

	if (!sqe)
		return;
	io_uring_prep_read(sqe, q->wake_fd, &q->wake_val, sizeof(q->wake_val),
			   0);
	sqe->user_data = URING_TAG_WAKE;
}

static void uring_arm_exit(struct uring_queue *q)
{
	struct io_uring_sqe *sqe;

	if (q->pool->exit_fd < 0)
		return;
	sqe = uring_get_sqe(q);
	if (!sqe)
		return;
	io_uring_prep_poll_add(sqe, q->pool->exit_fd, POLLIN);
	sqe->user_data = URING_TAG_EXIT;
}

/* Commit everything other threads finished. */
static void uring_drain_done(struct uring_queue *q)
{
	struct uring_ent *ent = atomic_exchange_explicit(&q->done, NULL,
							 memory_order_acquire);

	while (ent) {
		struct uring_ent *next = ent->next_done;

		uring_queue_commit(q, ent);
		ent = next;
	}
}

/*
 * A request arrived in ent. Check the framing the kernel reported before
 * handing the pieces to the core's transport-neutral dispatch.
 */
static void uring_handle_request(struct uring_queue *q, struct uring_ent *ent)
{
	struct fuse_session *se = q->pool->se;
	struct fuse_uring_req_header *hdr = ent->hdr;
	const struct fuse_in_header *in = (const void *)hdr->in_out;
	uint32_t payload_sz = hdr->ring_ent_in_out.payload_sz;
	const void *fixed;
	char *payload;
	size_t fixed_len;

	ent->commit_id = hdr->ring_ent_in_out.commit_id;
	if (payload_sz > ent->payload_cap || in->len < sizeof(*in) ||
	    in->len - sizeof(*in) < payload_sz ||
	    in->len - sizeof(*in) - payload_sz > FUSE_URING_OP_IN_OUT_SZ) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse: io_uring queue %u: bad framing (len %u, payload %u, unique %llu); ending the session\n",
			 q->qid, in->len, payload_sz,
			 (unsigned long long)in->unique);
		fuse_session_exit(se);
		q->stop = true;
		return;
	}
	fixed_len = in->len - sizeof(*in) - payload_sz;
	fixed = hdr->op_in;
	payload = ent->payload;
	/*
	 * FUSE_NOTIFY_REPLY has an empty first argument on the ring
	 * (fuse_set_zero_arg0() in fs/fuse/dev.c fuse_retrieve()): its
	 * fuse_notify_retrieve_in is the head of the payload and the
	 * retrieved data follows. Present it like every other op: the fixed
	 * struct in fixed, the data in payload.
	 */
	if (in->opcode == FUSE_NOTIFY_REPLY && fixed_len == 0 &&
	    payload_sz >= sizeof(struct fuse_notify_retrieve_in)) {
		fixed = ent->payload;
		fixed_len = sizeof(struct fuse_notify_retrieve_in);
		payload += fixed_len;
		payload_sz -= fixed_len;
	}
	fuse_req_init(&ent->req, se, &q->ch);
	ent->req.flags = FUSE_REQ_F_URING;
	ent->req.tpriv = ent;
	ent->replied = false;
	if (fuse_ll_dispatch(&ent->req, in, fixed, fixed_len, payload,
			     payload_sz) == -EPROTO)
		q->stop = true;
}

static void uring_handle_cqe(struct uring_queue *q, struct io_uring_cqe *cqe)
{
	uint64_t tag = cqe->user_data;
	struct uring_ent *ent;

	if (tag == URING_TAG_WAKE) {
		uring_drain_done(q);
		if (atomic_load(&q->pool->stopping))
			q->stop = true;
		else
			uring_arm_wake(q);
		return;
	}
	if (tag == URING_TAG_EXIT) {
		q->stop = true;
		return;
	}
	ent = (struct uring_ent *)(uintptr_t)tag;
	ent->in_kernel = false;
	if (cqe->res < 0) {
		bool gone = cqe->res == -ENOTCONN ||
			    cqe->res == -ECONNABORTED ||
			    cqe->res == -ECANCELED;

		/* The kernel does not re-arm an entry whose command failed. */
		q->live--;
		if (!gone)
			fuse_log(FUSE_LOG_ERR,
				 "fuse: io_uring queue %u: command failed: %s\n",
				 q->qid, strerror(-cqe->res));
		if (!q->live) {
			q->stop = true;
			/*
			 * Without entries this CPU's requests would wait
			 * forever: end the session unless the connection is
			 * going away anyway.
			 */
			if (!gone && !fuse_session_exited(q->pool->se)) {
				fuse_log(FUSE_LOG_ERR,
					 "fuse: io_uring queue %u has no entries left; ending the session\n",
					 q->qid);
				fuse_session_exit(q->pool->se);
			}
		}
		return;
	}
	uring_handle_request(q, ent);
}

static void uring_thread_loop(struct uring_queue *q)
{
	struct io_uring_cqe *cqe;
	unsigned int head;
	unsigned int n;
	int res;

	while (!q->stop) {
		res = io_uring_submit_and_wait(&q->ring, 1);
		if (res < 0 && res != -EINTR && res != -EAGAIN &&
		    res != -EBUSY) {
			fuse_log(FUSE_LOG_ERR,
				 "fuse: io_uring queue %u: submit: %s; ending the session\n",
				 q->qid, strerror(-res));
			fuse_session_exit(q->pool->se);
			break;
		}
		n = 0;
		io_uring_for_each_cqe(&q->ring, head, cqe) {
			uring_handle_cqe(q, cqe);
			n++;
		}
		io_uring_cq_advance(&q->ring, n);
	}
}

static void uring_report(struct uring_queue *q, int err, const char *what)
{
	struct fuse_uring_pool *pool = q->pool;

	pthread_mutex_lock(&pool->lock);
	if (err && !pool->setup_err) {
		pool->setup_err = err;
		pool->setup_what = what;
	}
	pool->nreported++;
	pthread_cond_broadcast(&pool->cond);
	pthread_mutex_unlock(&pool->lock);
}

/* Allocate the entries' buffers in the ring thread (memory local to it). */
static int uring_alloc_entries(struct uring_queue *q)
{
	struct fuse_uring_pool *pool = q->pool;
	size_t hdr_sz = (sizeof(struct fuse_uring_req_header) + 63) & ~63UL;
	size_t page = sysconf(_SC_PAGESIZE);
	char *p;

	q->nents = pool->q_depth;
	q->ents = calloc(q->nents, sizeof(*q->ents));
	if (!q->ents)
		return -ENOMEM;
	/* payloads page aligned; the headers go together at the end */
	q->mem_len = (pool->payload_sz * q->nents + hdr_sz * q->nents +
		      page - 1) & ~(page - 1);
	q->mem = mmap(NULL, q->mem_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->mem == MAP_FAILED) {
		q->mem = NULL;
		return -errno;
	}
	p = q->mem;
	for (unsigned int i = 0; i < q->nents; i++) {
		struct uring_ent *ent = &q->ents[i];

		ent->q = q;
		ent->payload = p + i * pool->payload_sz;
		ent->payload_cap = pool->payload_sz;
		ent->hdr = (void *)(p + q->nents * pool->payload_sz +
				    i * hdr_sz);
		ent->iov[0].iov_base = ent->hdr;
		ent->iov[0].iov_len = sizeof(*ent->hdr);
		ent->iov[1].iov_base = ent->payload;
		ent->iov[1].iov_len = ent->payload_cap;
	}
	return 0;
}

static int uring_ring_init(struct uring_queue *q)
{
	static const unsigned int flag_sets[] = {
		IORING_SETUP_SQE128 | IORING_SETUP_SINGLE_ISSUER |
			IORING_SETUP_DEFER_TASKRUN,
		IORING_SETUP_SQE128 | IORING_SETUP_SINGLE_ISSUER,
		IORING_SETUP_SQE128,
	};
	unsigned int entries = q->nents + 4;
	int res = -EINVAL;

	for (size_t i = 0; i < sizeof(flag_sets) / sizeof(flag_sets[0]); i++) {
		struct io_uring_params p;

		memset(&p, 0, sizeof(p));
		p.flags = flag_sets[i];
		res = io_uring_queue_init_params(entries, &q->ring, &p);
		if (res != -EINVAL)
			break;
	}
	if (res < 0)
		return res;
	q->ring_ok = true;
	res = io_uring_register_files(&q->ring, &q->pool->dev_fd, 1);
	if (res < 0)
		return res;
	/* Saves the ring fd lookup on every io_uring_enter(); optional. */
	(void)io_uring_register_ring_fd(&q->ring);
	return 0;
}

/* Register every entry; report whether the kernel refused right away. */
/* Register every entry; report whether the kernel refused right away. */
static int uring_register_entries(struct uring_queue *q, const char **what)
{
	struct io_uring_cqe *cqe;
	int res;

	for (unsigned int i = 0; i < q->nents; i++) {
		struct io_uring_sqe *sqe = uring_get_sqe(q);

		if (!sqe) {
			*what = "getting an SQE";
			return -EBUSY;
		}
		uring_prep_cmd(sqe, &q->ents[i], FUSE_IO_URING_CMD_REGISTER);
		q->ents[i].in_kernel = true;
		q->live++;
	}
	res = io_uring_submit(&q->ring);
	if (res < 0) {
		*what = "submitting REGISTER";
		return res;
	}
	/*
	 * REGISTER is issued inline; an error completes at once. A success
	 * stays pending until a request arrives, so a completion that is
	 * already here with res >= 0 is a request: leave it for the loop.
	 */
	while (io_uring_peek_cqe(&q->ring, &cqe) == 0 && cqe->res < 0 &&
	       cqe->user_data != URING_TAG_WAKE &&
	       cqe->user_data != URING_TAG_EXIT) {
		res = cqe->res;
		io_uring_cqe_seen(&q->ring, cqe);
		*what = "FUSE_IO_URING_CMD_REGISTER";
		return res;
	}
	return 0;
}

/*
 * The kernel blocks new requests after an INIT that accepted io_uring
 * until every queue has registered. If a queue fails locally after the
 * INIT reply, a REGISTER the kernel rejects inside its register path (qid
 * out of range) turns the connection's io_uring mode off and wakes the
 * waiters: /dev/fuse takes over. (A REGISTER the kernel itself fails does
 * the same on its own.)
 */
static void uring_kernel_fallback(struct uring_queue *q)
{
	struct uring_queue fake;
	struct uring_ent ent;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int res;

	memset(&fake, 0, sizeof(fake));
	memset(&ent, 0, sizeof(ent));
	fake.qid = 0xffff;	/* never a valid queue: EINVAL */
	ent.q = &fake;
	ent.iov[0] = q->ents[0].iov[0];
	ent.iov[1] = q->ents[0].iov[1];
	sqe = uring_get_sqe(q);
	if (!sqe)
		return;
	uring_prep_cmd(sqe, &ent, FUSE_IO_URING_CMD_REGISTER);
	sqe->user_data = URING_TAG_EXIT;
	res = io_uring_submit_and_wait(&q->ring, 1);
	if (res >= 0 && io_uring_peek_cqe(&q->ring, &cqe) == 0) {
		res = cqe->res;
		io_uring_cqe_seen(&q->ring, cqe);
	}
	if (res >= 0)
		fuse_log(FUSE_LOG_ERR,
			 "fuse: io_uring: the kernel did not take the fallback REGISTER; requests may hang\n");
}

/* Set up everything that can fail locally, before the INIT reply. */
static int uring_queue_setup(struct uring_queue *q, const char **what)
{
	int res;

	res = uring_alloc_entries(q);
	if (res) {
		*what = "allocating ring buffers";
		return res;
	}
	res = uring_ring_init(q);
	if (res) {
		*what = "creating the io_uring (SQE128)";
		return res;
	}
	uring_arm_wake(q);
	uring_arm_exit(q);
	res = io_uring_submit(&q->ring);
	if (res < 0) {
		*what = "arming the wake-up read";
		return res;
	}
	return 0;
}

static void *uring_thread(void *arg)
{
	struct uring_queue *q = arg;
	struct fuse_uring_pool *pool = q->pool;
	const char *what = NULL;
	char name[16];
	cpu_set_t set;
	bool go;
	int res;

	snprintf(name, sizeof(name), "fuse-ring-%u", q->qid);
	pthread_setname_np(pthread_self(), name);
	CPU_ZERO(&set);
	CPU_SET(q->qid, &set);
	/* An offline possible CPU cannot be pinned to; run unpinned then. */
	(void)pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	uring_current_queue = q;

	res = uring_queue_setup(q, &what);
	uring_report(q, res, what);
	if (res)
		return NULL;

	/* REGISTER needs an initialized connection: wait for the INIT reply. */
	pthread_mutex_lock(&pool->lock);
	while (!pool->go && !atomic_load(&pool->stopping))
		pthread_cond_wait(&pool->cond, &pool->lock);
	go = pool->go && !atomic_load(&pool->stopping);
	pthread_mutex_unlock(&pool->lock);
	if (!go)
		return NULL;

	res = uring_register_entries(q, &what);
	if (res) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse: io_uring queue %u: %s failed: %s; the kernel uses /dev/fuse\n",
			 q->qid, what, strerror(-res));
		if (strcmp(what, "FUSE_IO_URING_CMD_REGISTER") != 0)
			uring_kernel_fallback(q);
		return NULL;
	}
	uring_thread_loop(q);
	return NULL;
}

static void uring_pool_free(struct fuse_uring_pool *pool)
{
	for (unsigned int i = 0; i < pool->nqueues; i++) {
		struct uring_queue *q = &pool->q[i];

		if (q->ring_ok)
			io_uring_queue_exit(&q->ring);
		if (q->mem)
			munmap(q->mem, q->mem_len);
		free(q->ents);
		if (q->wake_fd >= 0)
			close(q->wake_fd);
	}
	pthread_mutex_destroy(&pool->lock);
	pthread_cond_destroy(&pool->cond);
	free(pool);
}

static void uring_pool_join(struct fuse_uring_pool *pool)
{
	uint64_t one = 1;

	pthread_mutex_lock(&pool->lock);
	atomic_store(&pool->stopping, true);
	pthread_cond_broadcast(&pool->cond);
	pthread_mutex_unlock(&pool->lock);
	for (unsigned int i = 0; i < pool->nqueues; i++) {
		struct uring_queue *q = &pool->q[i];

		if (q->thread_started && q->wake_fd >= 0 &&
		    write(q->wake_fd, &one, sizeof(one)) != sizeof(one))
			fuse_log(FUSE_LOG_ERR, "fuse: io_uring: wake: %s\n",
				 strerror(errno));
	}
	for (unsigned int i = 0; i < pool->nqueues; i++) {
		struct uring_queue *q = &pool->q[i];

		if (q->thread_started)
			pthread_join(q->thread, NULL);
		q->thread_started = false;
	}
}

/*
 * Payload buffer size: the kernel wants at least
 * max(FUSE_MIN_READ_BUFFER, max_write, max_pages * PAGE_SIZE); the core's
 * request buffer size covers max_pages pages plus header room.
 */
static size_t uring_payload_size(struct fuse_session *se)
{
	size_t page = sysconf(_SC_PAGESIZE);
	size_t sz = se->bufsize;

	if (sz < se->conn.max_write)
		sz = se->conn.max_write;
	if (sz < URING_MIN_PAYLOAD)
		sz = URING_MIN_PAYLOAD;
	return (sz + page - 1) & ~(page - 1);
}

int fuse_uring_start(struct fuse_session *se)
{
	struct fuse_uring_pool *pool;
	unsigned int nqueues = uring_possible_cpus();
	unsigned int q_depth = se->uring.q_depth;
	void *mem;
	size_t len;
	int res;

	if (se->uring.priv)
		return 0;
	if (se->io) {
		/* uring_cmd is a /dev/fuse operation; a custom I/O fd has none */
		fuse_log(FUSE_LOG_ERR,
			 "fuse: io_uring: not available with custom I/O\n");
		return ENOTSUP;
	}
	if (se->fd < 0)
		return EBADF;
	if (q_depth == 0 || q_depth > FUSE_URING_MAX_Q_DEPTH)
		q_depth = FUSE_URING_DEF_Q_DEPTH;

	len = sizeof(*pool) + nqueues * sizeof(pool->q[0]);
	if (posix_memalign(&mem, 64, len) != 0) {
		fuse_log(FUSE_LOG_ERR, "fuse: io_uring: out of memory\n");
		return ENOMEM;
	}
	memset(mem, 0, len);
	pool = mem;
	pool->se = se;
	pool->dev_fd = se->fd;
	pool->exit_fd = se->exit_efd;
	pool->nqueues = nqueues;
	pool->q_depth = q_depth;
	pool->payload_sz = uring_payload_size(se);
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->cond, NULL);
	for (unsigned int i = 0; i < nqueues; i++)
		pool->q[i].wake_fd = -1;
	for (unsigned int i = 0; i < nqueues; i++) {
		struct uring_queue *q = &pool->q[i];

		q->pool = pool;
		q->qid = i;
		fuse_chan_init_dev(&q->ch, se, se->fd);
		q->ch.ops = &uring_chan_ops;
		q->ch.priv = q;
		q->wake_fd = eventfd(0, EFD_CLOEXEC);
		if (q->wake_fd < 0) {
			res = errno;
			fuse_log(FUSE_LOG_ERR, "fuse: io_uring: eventfd: %s\n",
				 strerror(res));
			goto fail;
		}
	}
	for (unsigned int i = 0; i < nqueues; i++) {
		struct uring_queue *q = &pool->q[i];

		res = pthread_create(&q->thread, NULL, uring_thread, q);
		if (res) {
			fuse_log(FUSE_LOG_ERR,
				 "fuse: io_uring: creating ring thread %u: %s\n",
				 i, strerror(res));
			pthread_mutex_lock(&pool->lock);
			pool->nreported += nqueues - i;
			pthread_mutex_unlock(&pool->lock);
			uring_pool_join(pool);
			goto fail;
		}
		q->thread_started = true;
	}
	pthread_mutex_lock(&pool->lock);
	while (pool->nreported < nqueues)
		pthread_cond_wait(&pool->cond, &pool->lock);
	res = -pool->setup_err;
	pthread_mutex_unlock(&pool->lock);
	if (res) {
		fuse_log(FUSE_LOG_ERR, "fuse: io_uring: %s failed: %s\n",
			 pool->setup_what ? pool->setup_what : "setup",
			 strerror(res));
		uring_pool_join(pool);
		goto fail;
	}
	se->uring.priv = pool;
	se->uring.active = true;
	if (se->debug)
		fuse_log(FUSE_LOG_DEBUG,
			 "fuse: io_uring: %u queues, depth %u, payload %zu bytes\n",
			 nqueues, q_depth, pool->payload_sz);
	return 0;

fail:
	uring_pool_free(pool);
	return res;
}

void fuse_uring_wake(struct fuse_session *se)
{
	struct fuse_uring_pool *pool = se->uring.priv;

	if (!pool)
		return;
	pthread_mutex_lock(&pool->lock);
	pool->go = true;
	pthread_cond_broadcast(&pool->cond);
	pthread_mutex_unlock(&pool->lock);
}

void fuse_uring_stop(struct fuse_session *se)
{
	struct fuse_uring_pool *pool = se->uring.priv;

	if (!pool)
		return;
	se->uring.priv = NULL;
	se->uring.active = false;
	uring_pool_join(pool);
	uring_pool_free(pool);
}

/*
 * Channel hook: a reply for one of this queue's requests. iov[0] is the
 * fuse_out_header; the arguments go to the payload buffer. The commit
 * waits for req_done, when the core no longer touches the request.
 */
static int uring_send(struct fuse_chan *ch, struct fuse_req *req,
		      struct iovec *iov, int count)
{
	struct uring_ent *ent;
	struct fuse_out_header *out;
	size_t len = 0;
	int res = 0;

	if (!req || !(req->flags & FUSE_REQ_F_URING) || !req->tpriv) {
		/* Notifications never go through the ring (kernel rule). */
		return fuse_dev_chan_ops.send(&ch->se->ch, req, iov, count);
	}
	ent = req->tpriv;
	out = (void *)ent->hdr->in_out;
	if (count < 1 || iov[0].iov_len != sizeof(*out))
		return -EINVAL;
	memcpy(out, iov[0].iov_base, sizeof(*out));
	for (int i = 1; i < count; i++) {
		if (iov[i].iov_len > ent->payload_cap - len) {
			fuse_log(FUSE_LOG_ERR,
				 "fuse: io_uring: reply to unique %llu larger than the payload buffer (%zu bytes)\n",
				 (unsigned long long)out->unique,
				 ent->payload_cap);
			out->error = -EIO;
			len = 0;
			res = -EINVAL;
			break;
		}
		/* zero copy when the server wrote into the payload itself */
		if (iov[i].iov_base != ent->payload + len)
			memmove(ent->payload + len, iov[i].iov_base,
				iov[i].iov_len);
		len += iov[i].iov_len;
	}
	out->len = sizeof(*out) + len;
	ent->hdr->ring_ent_in_out.payload_sz = len;
	ent->replied = true;
	return res;
}

/*
 * Channel hook: the request is finished. Requests that took no reply
 * (FUSE_NOTIFY_REPLY, fuse_reply_none) still need a commit, or the kernel
 * never gives the entry back: commit an empty success for them.
 * The core has already taken the request out of its interrupt table
 * (fuse_req_finish() untracks before calling this), so once the commit
 * lets the kernel reuse the entry, no INTERRUPT can reach the old request.
 */
static void uring_req_done(struct fuse_chan *ch, struct fuse_req *req)
{
	struct uring_ent *ent = req->tpriv;

	if (!ent)
		return;
	if (!ent->replied) {
		struct fuse_out_header *out = (void *)ent->hdr->in_out;

		out->len = sizeof(*out);
		out->error = 0;
		out->unique = ent->commit_id;
		ent->hdr->ring_ent_in_out.payload_sz = 0;
	}
	uring_commit(ent);
}

static int uring_get_payload(struct fuse_chan *ch, struct fuse_req *req,
			     char **payload, size_t *payload_sz, void **mr)
{
	struct uring_ent *ent = req->tpriv;

	if (!ent)
		return -EINVAL;
	*payload = ent->payload;
	*payload_sz = ent->payload_cap;
	if (mr)
		*mr = NULL;
	return 0;
}

static const struct fuse_chan_ops uring_chan_ops = {
	.send = uring_send,
	.ioctl = NULL,
	.req_done = uring_req_done,
	.get_payload = uring_get_payload,
};

#else /* !HAVE_LIBURING */

int fuse_uring_start(struct fuse_session *se)
{
	fuse_log(FUSE_LOG_ERR,
		 "fuse: io_uring: this library was built without liburing\n");
	return ENOTSUP;
}

void fuse_uring_wake(struct fuse_session *se)
{
}

void fuse_uring_stop(struct fuse_session *se)
{
}

#endif /* HAVE_LIBURING */
