// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * notify_inval_inode: a file whose content changes behind the kernel's
 * back, kept coherent with notifications.
 *
 *   notify_inval_inode [--interval=SEC] [--mode=inval|store|none]
 *                      [fuse options] <mountpoint>
 *
 * The root holds one file, "generation", containing "generation NNNNNNNN\n"
 * (fixed length). A thread bumps the number every --interval seconds
 * (default 1). The file is opened with keep_cache and its attributes and
 * entry never time out, so the kernel serves reads from its page cache and
 * would show the old number forever. After each change the thread tells
 * the kernel:
 *   inval  fuse_lowlevel_notify_inval_inode(): drop the cached pages, the
 *          next read comes to the server (the default);
 *   store  fuse_lowlevel_notify_store(): push the new bytes into the cache;
 *   none   nothing: readers keep seeing stale content (for comparison).
 */
#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 318
#endif

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fuse_lowlevel.h>

#include "ll_run.h"

#define GEN_INO 2
#define GEN_NAME "generation"
#define GEN_LEN 20		/* strlen("generation NNNNNNNN\n") */
#define NO_TIMEOUT 1e6		/* seconds: "never" for the kernel caches */

enum notify_mode { MODE_INVAL, MODE_STORE, MODE_NONE };

static struct {
	pthread_mutex_t lock;
	char content[GEN_LEN + 1];
	unsigned long gen;
	int looked_up;		/* the kernel knows GEN_INO */
	double interval;
	enum notify_mode mode;
	int stop;
	pthread_cond_t stop_cond;
	pthread_t thread;
	int thread_started;
} g = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.stop_cond = PTHREAD_COND_INITIALIZER,
	.interval = 1.0,
};

static void gen_update_locked(void)
{
	snprintf(g.content, sizeof(g.content), "generation %08lu\n",
		 g.gen % 100000000);
}

static void gen_stat(fuse_ino_t ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	if (ino == FUSE_ROOT_ID) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	} else {
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_size = GEN_LEN;
	}
}

static void gen_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;

	if (parent != FUSE_ROOT_ID || strcmp(name, GEN_NAME) != 0) {
		fuse_reply_err(req, parent != FUSE_ROOT_ID ? ENOTDIR : ENOENT);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.ino = GEN_INO;
	e.attr_timeout = NO_TIMEOUT;
	e.entry_timeout = NO_TIMEOUT;
	gen_stat(GEN_INO, &e.attr);
	pthread_mutex_lock(&g.lock);
	g.looked_up = 1;
	pthread_mutex_unlock(&g.lock);
	fuse_reply_entry(req, &e);
}

static void gen_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	/*
	 * Only one lookup count matters here: once the kernel forgets the
	 * inode, notifications about it would fail with ENOENT.
	 */
	if (ino == GEN_INO) {
		pthread_mutex_lock(&g.lock);
		g.looked_up = 0;
		pthread_mutex_unlock(&g.lock);
	}
	fuse_reply_none(req);
}

static void gen_getattr(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	struct stat st;

	if (ino != FUSE_ROOT_ID && ino != GEN_INO) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	gen_stat(ino, &st);
	fuse_reply_attr(req, &st, NO_TIMEOUT);
}

static void gen_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
			off_t off, struct fuse_file_info *fi)
{
	const char *names[] = { ".", "..", GEN_NAME };
	const fuse_ino_t inos[] = { FUSE_ROOT_ID, FUSE_ROOT_ID, GEN_INO };
	size_t len = 0;
	char *buf;
	off_t i;

	if (ino != FUSE_ROOT_ID) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	buf = calloc(1, size ? size : 1);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	for (i = off < 0 ? 3 : off; i < 3; i++) {
		struct stat st = { .st_ino = inos[i] };
		size_t need;

		st.st_mode = inos[i] == FUSE_ROOT_ID ? S_IFDIR : S_IFREG;
		need = fuse_add_direntry(req, buf + len, size - len, names[i],
					 &st, i + 1);
		if (need > size - len)
			break;
		len += need;
	}
	fuse_reply_buf(req, buf, len);
	free(buf);
}

static void gen_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	if (ino != GEN_INO)
		fuse_reply_err(req, ino == FUSE_ROOT_ID ? EISDIR : ENOENT);
	else if ((fi->flags & O_ACCMODE) != O_RDONLY)
		fuse_reply_err(req, EACCES);
	else {
		fi->keep_cache = 1;	/* only a notification refreshes it */
		fuse_reply_open(req, fi);
	}
}

static void gen_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	char buf[GEN_LEN];

	if (ino != GEN_INO) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	if (off < 0 || off >= GEN_LEN) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	pthread_mutex_lock(&g.lock);
	memcpy(buf, g.content, GEN_LEN);
	pthread_mutex_unlock(&g.lock);
	if (size > (size_t)(GEN_LEN - off))
		size = GEN_LEN - off;
	fuse_reply_buf(req, buf + off, size);
}

static const struct fuse_lowlevel_ops gen_ops = {
	.lookup = gen_lookup,
	.forget = gen_forget,
	.getattr = gen_getattr,
	.readdir = gen_readdir,
	.open = gen_open,
	.read = gen_read,
};

/* Tell the kernel about new content; returns 0 or a negative errno. */
static int gen_notify(struct fuse_session *se, const char *content)
{
	struct fuse_bufvec bufv = FUSE_BUFVEC_INIT(GEN_LEN);

	switch (g.mode) {
	case MODE_INVAL:
		/* len 0: from off to the end of the file */
		return fuse_lowlevel_notify_inval_inode(se, GEN_INO, 0, 0);
	case MODE_STORE:
		bufv.buf[0].mem = (void *)content;
		return fuse_lowlevel_notify_store(se, GEN_INO, 0, &bufv, 0);
	case MODE_NONE:
		break;
	}
	return 0;
}

static void *gen_thread(void *arg)
{
	struct fuse_session *se = arg;
	char content[GEN_LEN + 1];
	struct timespec until;
	int known, ret;

	pthread_mutex_lock(&g.lock);
	while (!g.stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += (time_t)g.interval;
		until.tv_nsec += (long)((g.interval - (time_t)g.interval) * 1e9);
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!g.stop && pthread_cond_timedwait(&g.stop_cond, &g.lock,
							 &until) != ETIMEDOUT)
			;
		if (g.stop)
			break;
		g.gen++;
		gen_update_locked();
		memcpy(content, g.content, sizeof(content));
		known = g.looked_up;
		pthread_mutex_unlock(&g.lock);

		ret = known ? gen_notify(se, content) : 0;
		/* ENOENT: the kernel dropped the inode meanwhile; harmless. */
		if (ret && ret != -ENOENT)
			fprintf(stderr, "notify_inval_inode: notification "
				"failed: %s\n", strerror(-ret));
		pthread_mutex_lock(&g.lock);
	}
	pthread_mutex_unlock(&g.lock);
	return NULL;
}

static int gen_started(struct fuse_session *se, void *userdata)
{
	int err = pthread_create(&g.thread, NULL, gen_thread, se);

	if (err) {
		fprintf(stderr, "notify_inval_inode: pthread_create: %s\n",
			strerror(err));
		return -1;
	}
	g.thread_started = 1;
	return 0;
}

static int gen_stopping(struct fuse_session *se, void *userdata)
{
	if (!g.thread_started)
		return 0;
	pthread_mutex_lock(&g.lock);
	g.stop = 1;
	pthread_cond_signal(&g.stop_cond);
	pthread_mutex_unlock(&g.lock);
	pthread_join(g.thread, NULL);
	g.thread_started = 0;
	return 0;
}

struct gen_opts {
	double interval;
	char *mode;
};

static const struct fuse_opt gen_opt_spec[] = {
	{ "--interval=%lf", offsetof(struct gen_opts, interval), 0 },
	{ "--mode=%s", offsetof(struct gen_opts, mode), 0 },
	FUSE_OPT_END
};

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct gen_opts opts = { .interval = 1.0 };

	/* fuse_opt_parse() frees a %s option's old value: no literals. */
	if (fuse_opt_parse(&args, &opts, gen_opt_spec, NULL) == -1)
		return 1;
	if (!opts.mode)
		opts.mode = strdup("inval");
	if (!opts.mode) {
		fuse_opt_free_args(&args);
		return 1;
	}
	if (!(opts.interval >= 0.01 && opts.interval <= 3600)) {
		fprintf(stderr, "notify_inval_inode: --interval must be "
			"between 0.01 and 3600\n");
		free(opts.mode);
		fuse_opt_free_args(&args);
		return 1;
	}
	if (!strcmp(opts.mode, "inval")) {
		g.mode = MODE_INVAL;
	} else if (!strcmp(opts.mode, "store")) {
		g.mode = MODE_STORE;
	} else if (!strcmp(opts.mode, "none")) {
		g.mode = MODE_NONE;
	} else {
		fprintf(stderr, "notify_inval_inode: --mode must be inval, "
			"store or none\n");
		free(opts.mode);
		fuse_opt_free_args(&args);
		return 1;
	}
	free(opts.mode);
	g.interval = opts.interval;
	gen_update_locked();
	return ll_run(&args, "usage: notify_inval_inode [--interval=SEC] "
		      "[--mode=inval|store|none] [options] <mountpoint>",
		      &gen_ops, sizeof(gen_ops), NULL, gen_started,
		      gen_stopping);
}
