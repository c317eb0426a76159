/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mini_server.h - a minimal FUSE responder for the mount tests: answers
 * INIT and GETATTR of the root directory straight on the /dev/fuse fd,
 * ENOSYS to everything else, without the library's session code.
 */
#ifndef UTIL_TEST_MINI_SERVER_H_
#define UTIL_TEST_MINI_SERVER_H_

#include <pthread.h>
#include <sys/types.h>

struct mini_server {
	int fd;
	uid_t uid;		/* owner reported for the root */
	gid_t gid;
	int inits;		/* INIT requests answered */
	int getattrs;		/* GETATTR requests answered */
	int others;		/* requests answered with ENOSYS */
	int end_errno;		/* why the loop ended (ENODEV: unmounted) */
	pthread_t thread;
};

/** Serve @p s->fd until the connection ends; returns NULL. */
void *mini_serve(void *s);

/** Start mini_serve() in a thread. @return 0 or an errno */
int mini_start(struct mini_server *s, int fd);

/*
 * Find @p mnt in /proc/self/mountinfo; fill @p fstype, @p source and
 * @p opts ("<per-mount options> <super options>") if given.
 * @return 1 if mounted, 0 if not, -1 on error
 */
int mountinfo_find(const char *mnt, char *fstype, char *source, char *opts,
		   size_t len);

#endif
