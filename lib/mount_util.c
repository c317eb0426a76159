// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mount_util.c - helpers for mounting: the /dev/fd/N convention,
 * starting fusermount3 and receiving the /dev/fuse descriptor from it,
 * and small checks on the running system.
 */
#include "mount_i.h"
#include "fuse_log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static pthread_mutex_t helper_lock = PTHREAD_MUTEX_INITIALIZER;
static char *helper_override;

void fuse_mount_set_helper_path(const char *path)
{
	char *copy = path ? strdup(path) : NULL;

	pthread_mutex_lock(&helper_lock);
	free(helper_override);
	helper_override = copy;
	pthread_mutex_unlock(&helper_lock);
}

int fuse_mount_fd_from_path(const char *mountpoint)
{
	const char *prefix = "/dev/fd/";
	const char *p;
	long fd = 0;

	if (!mountpoint || strncmp(mountpoint, prefix, strlen(prefix)) != 0)
		return -1;
	p = mountpoint + strlen(prefix);
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		fd = fd * 10 + (*p - '0');
		if (fd > INT_MAX)
			return -1;
	}
	if (fcntl((int)fd, F_GETFD) == -1)
		return -1;
	return (int)fd;
}

/* Copy of environ with every _FUSE_COMMFD removed and ours put first. */
static char **helper_environ(int commfd)
{
	size_t n = 0, i, j = 0;
	size_t keylen = strlen(FUSE_COMMFD_ENV);
	char **env;

	while (environ && environ[n])
		n++;
	env = calloc(n + 2, sizeof(char *));
	if (!env)
		return NULL;
	if (commfd >= 0) {
		if (asprintf(&env[j], "%s=%d", FUSE_COMMFD_ENV, commfd) < 0) {
			free(env);
			return NULL;
		}
		j++;
	}
	for (i = 0; i < n; i++) {
		if (strncmp(environ[i], FUSE_COMMFD_ENV, keylen) == 0 &&
		    environ[i][keylen] == '=')
			continue;
		env[j++] = environ[i];
	}
	env[j] = NULL;
	return env;
}

int fuse_mnt_spawn_helper(const char *const argv[], int commfd, bool quiet,
			  pid_t *pid)
{
	posix_spawn_file_actions_t actions;
	char **env = NULL;
	char *path = NULL;
	char **args = NULL;
	size_t argc = 0, i;
	int err;

	while (argv[argc])
		argc++;
	args = calloc(argc + 1, sizeof(char *));
	env = helper_environ(commfd);

	pthread_mutex_lock(&helper_lock);
	if (helper_override)
		path = strdup(helper_override);
	pthread_mutex_unlock(&helper_lock);

	if (!args || !env) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse: cannot start %s: out of memory\n",
			 FUSERMOUNT_PROG);
		err = ENOMEM;
		goto out;
	}
	args[0] = (char *)FUSERMOUNT_PROG;
	for (i = 1; i < argc; i++)
		args[i] = (char *)argv[i];

	posix_spawn_file_actions_init(&actions);
	if (quiet) {
		posix_spawn_file_actions_addopen(&actions, 1, "/dev/null",
						 O_WRONLY, 0);
		posix_spawn_file_actions_addopen(&actions, 2, "/dev/null",
						 O_WRONLY, 0);
	}
	if (path) {
		err = posix_spawn(pid, path, &actions, NULL, args, env);
	} else {
		err = posix_spawn(pid, FUSERMOUNT_DIR "/" FUSERMOUNT_PROG,
				  &actions, NULL, args, env);
		if (err == ENOENT)
			err = posix_spawnp(pid, FUSERMOUNT_PROG, &actions,
					   NULL, args, env);
	}
	posix_spawn_file_actions_destroy(&actions);
	if (err)
		fuse_log(FUSE_LOG_ERR, "fuse: cannot run %s: %s\n",
			 path ? path : FUSERMOUNT_PROG, strerror(err));
out:
	free(path);
	if (env && commfd >= 0)
		free(env[0]);
	free(env);
	free(args);
	return err ? -1 : 0;
}

int fuse_mnt_wait_helper(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) == -1) {
		if (errno == EINTR)
			continue;
		/* ECHILD: the program reaps children itself (SIGCHLD). */
		fuse_log(errno == ECHILD ? FUSE_LOG_DEBUG : FUSE_LOG_ERR,
			 "fuse: waiting for %s (pid %d): %s\n",
			 FUSERMOUNT_PROG, (int)pid, strerror(errno));
		return -1;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		fuse_log(FUSE_LOG_ERR, "fuse: %s killed by signal %d\n",
			 FUSERMOUNT_PROG, WTERMSIG(status));
	return -1;
}

int fuse_mnt_receive_fd(int sock)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr msg;
	struct cmsghdr *cmsg;
	struct iovec iov;
	char byte;
	ssize_t n;
	int fd;

	memset(&msg, 0, sizeof(msg));
	memset(&control, 0, sizeof(control));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);

	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (n == -1 && errno == EINTR);
	if (n == -1) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse: receiving the /dev/fuse fd from %s: %s\n",
			 FUSERMOUNT_PROG, strerror(errno));
		return -1;
	}
	if (n == 0)
		return -2;

	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_level != SOL_SOCKET ||
	    cmsg->cmsg_type != SCM_RIGHTS ||
	    cmsg->cmsg_len != CMSG_LEN(sizeof(int))) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse: %s sent a message without exactly one file descriptor\n",
			 FUSERMOUNT_PROG);
		/* Do not leak descriptors that came with a bad message. */
		for (; cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
			size_t len, k;

			if (cmsg->cmsg_level != SOL_SOCKET ||
			    cmsg->cmsg_type != SCM_RIGHTS ||
			    cmsg->cmsg_len < CMSG_LEN(0))
				continue;
			len = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (k = 0; k < len; k++) {
				memcpy(&fd, CMSG_DATA(cmsg) + k * sizeof(int),
				       sizeof(int));
				close(fd);
			}
		}
		return -1;
	}
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	if (msg.msg_flags & MSG_CTRUNC) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse: control message from %s truncated\n",
			 FUSERMOUNT_PROG);
		close(fd);
		return -1;
	}
	return fd;
}

bool fuse_mnt_have_fuseblk(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/filesystems", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "\tfuseblk\n") != NULL;
	fclose(f);
	return found;
}

bool fuse_mnt_mtab_is_file(void)
{
	struct stat st;

	if (lstat("/etc/mtab", &st) == -1)
		return false;
	return S_ISREG(st.st_mode);
}
