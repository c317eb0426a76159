/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The multi-threaded session loop and its configuration object.
 *
 * Design: the calling thread starts one worker and then only waits for the
 * session to end. A worker blocks in the transport's receive (which also
 * watches the session's exit eventfd), takes one request, and before
 * processing it checks whether any other worker is still waiting; if none
 * is and the limit allows, it starts one more. So there is always one
 * worker ready to read, thread creation happens only when the load grows,
 * and no request type needs special treatment (upstream's FORGET hack).
 * Idle workers above max_idle_threads leave, but never the last idle one,
 * which avoids create/destroy ping-pong on bursty loads. Idle workers take
 * turns reading (leader/follower on a mutex): the device fd is polled by
 * one thread only, so a request wakes one thread, not all of them.
 *
 * With clone_fd every worker reads from its own /dev/fuse fd made with
 * FUSE_DEV_IOC_CLONE through the transport's device hook, and its replies
 * go back on that fd.
 */
#include "fuse_config.h"
#include "fuse_i.h"
#include "uring_i.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fuse_lowlevel.h"
#include "fuse_log.h"

struct fuse_loop_config *fuse_loop_cfg_create(void)
{
	struct fuse_loop_config *config = calloc(1, sizeof(*config));

	if (!config)
		return NULL;
	config->version_id = FUSE_LOOP_CFG_V2_ID;
	config->clone_fd = 0;
	config->max_idle_threads = FUSE_LOOP_MT_DEF_IDLE_THREADS;
	config->max_threads = FUSE_LOOP_MT_DEF_MAX_THREADS;
	return config;
}

void fuse_loop_cfg_destroy(struct fuse_loop_config *config)
{
	free(config);
}

void fuse_loop_cfg_set_idle_threads(struct fuse_loop_config *config,
				    unsigned int value)
{
	if (!config)
		return;
	/* UINT_MAX (what -1 becomes) and anything too big mean "no limit". */
	if (value > FUSE_LOOP_MT_MAX_THREADS_CAP)
		config->max_idle_threads = -1;
	else
		config->max_idle_threads = (int)value;
}

void fuse_loop_cfg_set_max_threads(struct fuse_loop_config *config,
				   unsigned int value)
{
	if (!config)
		return;
	if (value == 0 || value > FUSE_LOOP_MT_MAX_THREADS_CAP) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse: max_threads=%u out of range (1..%u), using %u\n",
			 value, FUSE_LOOP_MT_MAX_THREADS_CAP,
			 FUSE_LOOP_MT_DEF_MAX_THREADS);
		value = FUSE_LOOP_MT_DEF_MAX_THREADS;
	}
	config->max_threads = value;
}

void fuse_loop_cfg_set_clone_fd(struct fuse_loop_config *config,
				unsigned int value)
{
	if (config)
		config->clone_fd = value ? 1 : 0;
}

void fuse_loop_cfg_convert(struct fuse_loop_config *config,
			   struct fuse_loop_config_v1 *v1_conf)
{
	if (!config || !v1_conf)
		return;
	fuse_loop_cfg_set_idle_threads(config, v1_conf->max_idle_threads);
	fuse_loop_cfg_set_clone_fd(config, v1_conf->clone_fd);
}

/* ------------------------------------------------------------------ */
/* The loop                                                            */
/* ------------------------------------------------------------------ */

struct mt_loop;

struct mt_worker {
	struct mt_loop *mt;
	pthread_t tid;
	struct fuse_chan own;		/* cloned channel (clone_fd) */
	struct fuse_chan *ch;		/* &own or the session's channel */
	struct fuse_buf buf;
	struct mt_worker *next;		/* on mt->all */
	bool finished;			/* thread function returned */
};

struct mt_loop {
	struct fuse_session *se;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* a worker finished */
	pthread_mutex_t read_lock;	/* one reader at a time */
	unsigned int nworkers;		/* started and not finished */
	unsigned int navail;		/* waiting for a request */
	unsigned int max_threads;
	int max_idle;
	bool clone_fd;
	int error;			/* first -errno of a worker */
	struct mt_worker *all;		/* every worker not yet joined */
};

static void *mt_worker_main(void *arg);

/*
 * Open a new /dev/fuse fd attached to the session's connection.
 * Returns the fd or -errno.
 */
static int mt_clone_fd(struct fuse_session *se)
{
	uint32_t master = se->fd;
	struct fuse_chan tmp;
	int fd;
	int res;

	if (se->io) {
		if (!se->io->clone_fd)
			return -ENOTSUP;
		fd = se->io->clone_fd(se->fd);
		return fd < 0 ? -EIO : fd;
	}
	/* non-blocking like the session fd: fuse_chan_receive() polls */
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	fuse_chan_init_dev(&tmp, se, fd);
	if (tmp.ops->ioctl)
		res = tmp.ops->ioctl(&tmp, FUSE_DEV_IOC_CLONE, &master);
	else
		res = ioctl(fd, FUSE_DEV_IOC_CLONE, &master) < 0 ? -errno : 0;
	if (res < 0) {
		close(fd);
		return res;
	}
	return fd;
}

/* Called with mt->lock held. Returns 0 or -errno. */
static int mt_start_worker(struct mt_loop *mt)
{
	struct fuse_session *se = mt->se;
	struct mt_worker *w;
	pthread_attr_t attr;
	int res;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->mt = mt;
	w->ch = &se->ch;
	if (mt->clone_fd) {
		int fd = mt_clone_fd(se);

		if (fd >= 0) {
			fuse_chan_init_dev(&w->own, se, fd);
			w->ch = &w->own;
		} else {
			/* as upstream: carry on with the shared fd */
			fuse_log(FUSE_LOG_ERR,
				 "fuse: clone_fd: %s; worker shares the session fd\n",
				 strerror(-fd));
		}
	}
	pthread_attr_init(&attr);
	res = pthread_create(&w->tid, &attr, mt_worker_main, w);
	pthread_attr_destroy(&attr);
	if (res) {
		if (w->ch == &w->own)
			close(w->own.fd);
		free(w);
		fuse_log(FUSE_LOG_ERR, "fuse: cannot start a worker: %s\n",
			 strerror(res));
		return -res;
	}
	w->next = mt->all;
	mt->all = w;
	mt->nworkers++;
	mt->navail++;
	return 0;
}

static void *mt_worker_main(void *arg)
{
	struct mt_worker *w = arg;
	struct mt_loop *mt = w->mt;
	struct fuse_session *se = mt->se;
	bool leave_idle = false, serialise;
	int res;

	pthread_setname_np(pthread_self(), "fuse-worker");
	/*
	 * Idle workers wait on the device through an exclusive epoll waiter:
	 * the kernel wakes one of them per request, as it does for blocking
	 * readers. Without EPOLLEXCLUSIVE (before Linux 4.5, or custom I/O)
	 * they take turns on a mutex instead (leader/follower), since readers
	 * that all poll the device would all be woken by every request.
	 */
	serialise = se->io || fuse_chan_exclusive_waiter(se, w->ch->fd) != 0;
	while (!fuse_session_exited(se)) {
		if (serialise)
			pthread_mutex_lock(&mt->read_lock);
		res = fuse_chan_receive(se, w->ch, &w->buf);
		if (serialise)
			pthread_mutex_unlock(&mt->read_lock);
		if (res == -EINTR || res == -EAGAIN)
			continue;
		if (res <= 0) {
			if (res < 0) {
				pthread_mutex_lock(&mt->lock);
				if (!mt->error)
					mt->error = res;
				pthread_mutex_unlock(&mt->lock);
			}
			fuse_session_exit(se);
			break;
		}

		pthread_mutex_lock(&mt->lock);
		mt->navail--;
		/* Keep one worker ready to read while this one works. */
		if (mt->navail == 0 && mt->nworkers < mt->max_threads &&
		    !fuse_session_exited(se))
			mt_start_worker(mt);
		pthread_mutex_unlock(&mt->lock);

		fuse_ll_process_raw(se, w->ch, w->buf.mem, res);

		pthread_mutex_lock(&mt->lock);
		mt->navail++;
		/*
		 * Too many idle workers: this one leaves, but never the last
		 * idle one, so a burst does not make threads come and go.
		 */
		if (mt->max_idle >= 0 && mt->navail > (unsigned int)mt->max_idle &&
		    mt->navail > 1) {
			mt->navail--;
			leave_idle = true;
		}
		pthread_mutex_unlock(&mt->lock);
		if (leave_idle)
			break;
	}

	fuse_chan_exclusive_waiter(se, -1);
	free(w->buf.mem);
	w->buf.mem = NULL;
	if (w->ch == &w->own)
		close(w->own.fd);

	pthread_mutex_lock(&mt->lock);
	if (!leave_idle)
		mt->navail--;
	mt->nworkers--;
	w->finished = true;
	pthread_cond_broadcast(&mt->cond);
	pthread_mutex_unlock(&mt->lock);
	return NULL;
}

/* Join finished workers; with @all, wait for every worker. Lock held. */
static void mt_reap(struct mt_loop *mt, bool all)
{
	struct mt_worker **pp = &mt->all;

	while (*pp) {
		struct mt_worker *w = *pp;

		if (!w->finished && !all) {
			pp = &w->next;
			continue;
		}
		while (!w->finished)
			pthread_cond_wait(&mt->cond, &mt->lock);
		*pp = w->next;
		pthread_mutex_unlock(&mt->lock);
		pthread_join(w->tid, NULL);
		free(w);
		pthread_mutex_lock(&mt->lock);
		pp = &mt->all;
	}
}

int fuse_session_loop_mt_312(struct fuse_session *se,
			     struct fuse_loop_config *config);
int fuse_session_loop_mt_32(struct fuse_session *se,
			    struct fuse_loop_config_v1 *config);
int fuse_session_loop_mt_31(struct fuse_session *se, int clone_fd);

int fuse_session_loop_mt_312(struct fuse_session *se,
			     struct fuse_loop_config *config)
{
	struct fuse_loop_config defaults;
	struct mt_loop mt;
	int res;

	if (!se)
		return -EINVAL;
	if (!config) {
		memset(&defaults, 0, sizeof(defaults));
		defaults.version_id = FUSE_LOOP_CFG_V2_ID;
		defaults.max_idle_threads = FUSE_LOOP_MT_DEF_IDLE_THREADS;
		defaults.max_threads = FUSE_LOOP_MT_DEF_MAX_THREADS;
		config = &defaults;
	} else if (config->version_id != FUSE_LOOP_CFG_V2_ID) {
		/*
		 * A pre-3.12 struct fuse_loop_config_v1 {clone_fd,
		 * max_idle_threads} reached the 3.12 entry point (a program
		 * built with an old FUSE_USE_VERSION against the new symbol).
		 * Its first int is clone_fd, 0 or 1; anything else is garbage.
		 */
		struct fuse_loop_config_v1 *v1 = (void *)config;

		if (v1->clone_fd != 0 && v1->clone_fd != 1) {
			fuse_log(FUSE_LOG_ERR,
				 "fuse: loop config of unknown version (%d); use fuse_loop_cfg_create()\n",
				 config->version_id);
			return -EINVAL;
		}
		memset(&defaults, 0, sizeof(defaults));
		defaults.version_id = FUSE_LOOP_CFG_V2_ID;
		defaults.max_threads = FUSE_LOOP_MT_DEF_MAX_THREADS;
		fuse_loop_cfg_convert(&defaults, v1);
		config = &defaults;
	}

	memset(&mt, 0, sizeof(mt));
	mt.se = se;
	mt.clone_fd = config->clone_fd;
	mt.max_idle = config->max_idle_threads;
	mt.max_threads = config->max_threads;
	if (mt.max_threads == 0)
		mt.max_threads = FUSE_LOOP_MT_DEF_MAX_THREADS;
	pthread_mutex_init(&mt.lock, NULL);
	pthread_cond_init(&mt.cond, NULL);
	pthread_mutex_init(&mt.read_lock, NULL);

	pthread_mutex_lock(&mt.lock);
	res = mt_start_worker(&mt);
	if (res == 0) {
		/* Wait for the session to end; join leavers on the way. */
		while (mt.nworkers > 0) {
			pthread_cond_wait(&mt.cond, &mt.lock);
			mt_reap(&mt, false);
		}
		mt_reap(&mt, true);
	}
	pthread_mutex_unlock(&mt.lock);

	pthread_mutex_destroy(&mt.lock);
	pthread_cond_destroy(&mt.cond);
	pthread_mutex_destroy(&mt.read_lock);

	if (res)
		return res;
	if (mt.error && mt.error != -ENODEV && !se->error)
		se->error = mt.error;
	return fuse_session_loop_result(se);
}

int fuse_session_loop_mt_32(struct fuse_session *se,
			    struct fuse_loop_config_v1 *config_v1)
{
	struct fuse_loop_config *config = fuse_loop_cfg_create();
	int res;

	if (!config)
		return -ENOMEM;
	if (config_v1)
		fuse_loop_cfg_convert(config, config_v1);
	res = fuse_session_loop_mt_312(se, config);
	fuse_loop_cfg_destroy(config);
	return res;
}

int fuse_session_loop_mt_31(struct fuse_session *se, int clone_fd)
{
	struct fuse_loop_config *config = fuse_loop_cfg_create();
	int res;

	if (!config)
		return -ENOMEM;
	fuse_loop_cfg_set_clone_fd(config, clone_fd);
	res = fuse_session_loop_mt_312(se, config);
	fuse_loop_cfg_destroy(config);
	return res;
}

/*
 * Symbol versions as upstream 3.18: the 3.12 form is the default, the
 * 3.2 form (struct fuse_loop_config_v1) and the 3.0 form (int clone_fd)
 * stay for old binaries.
 */
FUSE_SYMVER("fuse_session_loop_mt_312", "fuse_session_loop_mt@@FUSE_3.12");
FUSE_SYMVER("fuse_session_loop_mt_32", "fuse_session_loop_mt@FUSE_3.2");
FUSE_SYMVER("fuse_session_loop_mt_31", "fuse_session_loop_mt@FUSE_3.0");
