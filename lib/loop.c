// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * loop.c - the default /dev/fuse channel (read, writev, ioctl), receiving
 * with an exit-aware wait, and the single-threaded loop.
 *
 * The device fd is non-blocking: a read that finds no request falls back to
 * poll(2) on the fd and the session's exit eventfd, so fuse_session_exit()
 * (async-signal-safe) wakes the loop while busy loops pay no extra syscall.
 */
#include "fuse_i.h"
#include "ll_i.h"

#include <errno.h>
#include <poll.h>
#include <sys/epoll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static int dev_send(struct fuse_chan *ch, struct fuse_req *req,
		    struct iovec *iov, int count)
{
	struct fuse_session *se = ch->se;
	ssize_t res;

	(void)req;
	for (;;) {
		struct pollfd pfd = { .fd = ch->fd, .events = POLLOUT };

		if (se->io)
			res = se->io->writev(ch->fd, iov, count, se->userdata);
		else
			res = writev(ch->fd, iov, count);
		/*
		 * The fd is non-blocking for the loops' sake. /dev/fuse never
		 * refuses a write, but a socket (custom I/O, the kernel model)
		 * can be full: wait until it drains rather than drop a reply.
		 */
		if (res != -1 || errno != EAGAIN || fuse_session_exited(se))
			break;
		poll(&pfd, 1, 1000);
	}
	if (res == -1) {
		int err = errno;

		/* ENOENT: the request was interrupted and is gone. */
		if (!fuse_session_exited(se) && err != ENOENT)
			fuse_log(FUSE_LOG_ERR, "fuse: writing device: %s\n",
				 strerror(err));
		return -err;
	}
	return 0;
}

static int dev_ioctl(struct fuse_chan *ch, unsigned long cmd, void *arg)
{
	int res = ioctl(ch->fd, cmd, arg);

	return res < 0 ? -errno : res;
}

const struct fuse_chan_ops fuse_dev_chan_ops = {
	.send = dev_send,
	.ioctl = dev_ioctl,
};

void fuse_chan_init_dev(struct fuse_chan *ch, struct fuse_session *se, int fd)
{
	memset(ch, 0, sizeof(*ch));
	ch->ops = &fuse_dev_chan_ops;
	ch->se = se;
	ch->fd = fd;
}

int fuse_session_dev_ioctl(struct fuse_session *se, unsigned long cmd,
			   void *arg)
{
	struct fuse_chan *ch = &se->ch;

	if (ch->ops->ioctl)
		return ch->ops->ioctl(ch, cmd, arg);
	return dev_ioctl(ch, cmd, arg);
}

void fuse_session_set_chan_ops(struct fuse_session *se,
			       const struct fuse_chan_ops *ops, void *priv)
{
	se->ch.ops = ops ? ops : &fuse_dev_chan_ops;
	se->ch.priv = priv;
}

/*
 * A thread's exclusive waiter (fuse_chan_exclusive_waiter()): an epoll
 * instance holding the device fd with EPOLLEXCLUSIVE and the exit eventfd.
 * Idle workers of the multi-threaded loop all wait on the device, but the
 * kernel wakes one of them per request, as it does for blocking readers.
 */
static __thread int tl_epfd = -1;
static __thread int tl_epfd_dev = -1;
static __thread bool tl_rotate;

/* An idle wait longer than this re-queues the waiter (see wait_readable()). */
#define ROTATE_AFTER_NS	3000

int fuse_chan_exclusive_waiter(struct fuse_session *se, int fd)
{
	struct epoll_event dev = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.fd = fd };
	struct epoll_event ex = { .events = EPOLLIN, .data.fd = se->exit_efd };
	int epfd;

	if (tl_epfd >= 0) {
		close(tl_epfd);
		tl_epfd = tl_epfd_dev = -1;
	}
	if (fd < 0)
		return 0;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return -errno;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &dev) < 0 ||
	    epoll_ctl(epfd, EPOLL_CTL_ADD, se->exit_efd, &ex) < 0) {
		int err = -errno;

		close(epfd);
		return err;	/* e.g. EINVAL before Linux 4.5: callers serialise instead */
	}
	tl_epfd = epfd;
	tl_epfd_dev = fd;
	return 0;
}

/* Wait until @fd is readable or the session exits; false on exit. */
static bool wait_readable(struct fuse_session *se, int fd)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = se->exit_efd, .events = POLLIN },
	};

	if (tl_epfd >= 0 && tl_epfd_dev == fd) {
		struct epoll_event ev[2];
		struct epoll_event dev = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.fd = fd };

		struct timespec t0, t1;

		/*
		 * After a long idle wait (one request at a time), re-queue at
		 * the tail of the device's wait queue, as a blocking reader
		 * does, so exclusive wake-ups rotate over the idle workers
		 * instead of always waking the same one (measured: 2x at QD1
		 * on a 2-CPU VM). Under load the waits are short and the two
		 * extra syscalls are skipped.
		 */
		if (tl_rotate) {
			epoll_ctl(tl_epfd, EPOLL_CTL_DEL, fd, NULL);
			epoll_ctl(tl_epfd, EPOLL_CTL_ADD, fd, &dev);
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);

		for (;;) {
			int n = epoll_wait(tl_epfd, ev, 2, -1), i;

			if (fuse_session_exited(se))
				return false;
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return true;	/* let the read report the error */
			}
			for (i = 0; i < n; i++)
				if (ev[i].data.fd == se->exit_efd)
					return false;
			if (n > 0) {
				clock_gettime(CLOCK_MONOTONIC, &t1);
				tl_rotate = (t1.tv_sec - t0.tv_sec) * 1000000000LL +
					    (t1.tv_nsec - t0.tv_nsec) > ROTATE_AFTER_NS;
				return true;
			}
		}
	}

	for (;;) {
		int n = poll(pfd, 2, -1);

		if (fuse_session_exited(se))
			return false;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return true;	/* let the read report the error */
		}
		if (pfd[1].revents)
			return false;
		if (pfd[0].revents)
			return true;
	}
}

/*
 * Per reader thread: while requests arrive one at a time (the read before
 * found nothing), wait in poll(2) before reading, which saves the read that
 * would fail with EAGAIN; once poll finds a request already waiting, go back
 * to reading first (one syscall per request under load).
 */
static __thread bool recv_poll_first;

/* A poll that returns within this many ns did not sleep */
#define POLL_NO_WAIT_NS	2000

static long long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

int fuse_chan_receive(struct fuse_session *se, struct fuse_chan *ch,
		      struct fuse_buf *buf)
{
	size_t size;
	ssize_t res;

	if (!buf->mem) {
		buf->mem = malloc(se->bufsize);
		if (!buf->mem) {
			fuse_log(FUSE_LOG_ERR, "fuse: cannot allocate read buffer\n");
			return -ENOMEM;
		}
		buf->mem_size = se->bufsize;
	}
	size = buf->mem_size ? buf->mem_size : se->bufsize;

	for (;;) {
		if (fuse_session_exited(se))
			return 0;
		if (se->io) {
			if (ch->fd >= 0 && !wait_readable(se, ch->fd))
				return 0;
			res = se->io->read(ch->fd, buf->mem, size,
					   se->userdata);
		} else {
			if (recv_poll_first) {
				struct timespec t0, t1;

				clock_gettime(CLOCK_MONOTONIC, &t0);
				if (!wait_readable(se, ch->fd))
					return 0;
				clock_gettime(CLOCK_MONOTONIC, &t1);
				if (ns_between(&t0, &t1) < POLL_NO_WAIT_NS)
					recv_poll_first = false;
			}
			res = read(ch->fd, buf->mem, size);
		}
		if (res == -1) {
			int err = errno;

			if (err == EAGAIN) {
				if (se->io) {
					if (!wait_readable(se, ch->fd))
						return 0;
				} else {
					/* idle: wait in poll before the next read */
					recv_poll_first = true;
				}
				continue;
			}
			if (err == EINTR || err == ENOENT)
				return -EINTR;
			if (err == ENODEV) {
				/* Unmounted: a clean end. */
				fuse_session_exit(se);
				return 0;
			}
			if (!fuse_session_exited(se))
				fuse_log(FUSE_LOG_ERR, "fuse: reading device: %s\n",
					 strerror(err));
			return -err;
		}
		if (res == 0) {
			/* The other end went away (custom I/O). */
			fuse_session_exit(se);
			return 0;
		}
		if ((size_t)res < sizeof(struct fuse_in_header)) {
			fuse_log(FUSE_LOG_ERR, "fuse: framing error, ending session: short read of %zd bytes\n",
				 res);
			se->error = -EPROTO;
			fuse_session_exit(se);
			return -EPROTO;
		}
		buf->size = (size_t)res;
		buf->flags = 0;
		return (int)res;
	}
}

int fuse_session_receive_buf(struct fuse_session *se, struct fuse_buf *buf)
{
	return fuse_chan_receive(se, &se->ch, buf);
}

void fuse_session_process_buf(struct fuse_session *se,
			      const struct fuse_buf *buf)
{
	if (buf->flags & FUSE_BUF_IS_FD) {
		/* A request parked in a pipe or file: pull it into memory. */
		char *mem = malloc(buf->size ? buf->size : 1);
		ssize_t res;

		if (!mem) {
			fuse_log(FUSE_LOG_ERR, "fuse: cannot allocate request buffer\n");
			return;
		}
		if (buf->flags & FUSE_BUF_FD_SEEK)
			res = pread(buf->fd, mem, buf->size, buf->pos);
		else
			res = read(buf->fd, mem, buf->size);
		if (res < 0) {
			fuse_log(FUSE_LOG_ERR, "fuse: reading request: %s\n",
				 strerror(errno));
			free(mem);
			return;
		}
		fuse_ll_process_raw(se, &se->ch, mem, (size_t)res);
		free(mem);
		return;
	}
	fuse_ll_process_raw(se, &se->ch, buf->mem, buf->size);
}

int fuse_session_loop(struct fuse_session *se)
{
	struct fuse_buf fbuf;
	int res = 0;

	memset(&fbuf, 0, sizeof(fbuf));
	while (!fuse_session_exited(se)) {
		res = fuse_chan_receive(se, &se->ch, &fbuf);
		if (res == -EINTR || res == -EAGAIN)
			continue;
		if (res <= 0)
			break;
		fuse_ll_process_raw(se, &se->ch, fbuf.mem, (size_t)res);
		res = 0;
	}
	free(fbuf.mem);
	fuse_uring_stop(se);
	if (res < 0 && res != -EPROTO)
		return res;
	return fuse_session_loop_result(se);
}
