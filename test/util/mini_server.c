// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mini_server.c - see mini_server.h.  Test code only.
 */
#include "mini_server.h"

#include <fuse_kernel.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static int reply(int fd, uint64_t unique, int error, const void *data,
		 size_t len)
{
	struct fuse_out_header oh = {
		.len = sizeof(oh) + (error ? 0 : len),
		.error = -error,
		.unique = unique,
	};
	struct iovec iov[2] = {
		{ &oh, sizeof(oh) },
		{ (void *)data, error ? 0 : len },
	};

	return writev(fd, iov, 2) == (ssize_t)oh.len ? 0 : -1;
}

void *mini_serve(void *arg)
{
	struct mini_server *s = arg;
	size_t bufsize = 1 << 20;
	char *buf = malloc(bufsize);

	if (!buf) {
		s->end_errno = ENOMEM;
		return NULL;
	}
	for (;;) {
		ssize_t n = read(s->fd, buf, bufsize);
		struct fuse_in_header ih;

		if (n == -1) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			s->end_errno = errno;
			break;
		}
		if ((size_t)n < sizeof(ih)) {
			s->end_errno = EPROTO;
			break;
		}
		memcpy(&ih, buf, sizeof(ih));
		if (ih.opcode == FUSE_INIT &&
		    (size_t)n >= sizeof(ih) + 8) {
			struct fuse_init_in in = { 0 };
			struct fuse_init_out out = { 0 };

			memcpy(&in, buf + sizeof(ih),
			       (size_t)n - sizeof(ih) < sizeof(in) ?
			       (size_t)n - sizeof(ih) : sizeof(in));
			out.major = FUSE_KERNEL_VERSION;
			out.minor = in.minor < FUSE_KERNEL_MINOR_VERSION ?
				    in.minor : FUSE_KERNEL_MINOR_VERSION;
			out.max_readahead = in.max_readahead;
			out.max_write = 4096;
			out.time_gran = 1;
			reply(s->fd, ih.unique, 0, &out, sizeof(out));
			s->inits++;
		} else if (ih.opcode == FUSE_GETATTR && ih.nodeid == 1) {
			struct fuse_attr_out out = { 0 };

			out.attr.ino = 1;
			out.attr.mode = S_IFDIR | 0755;
			out.attr.nlink = 2;
			out.attr.uid = s->uid;
			out.attr.gid = s->gid;
			out.attr.blksize = 4096;
			reply(s->fd, ih.unique, 0, &out, sizeof(out));
			s->getattrs++;
		} else if (ih.opcode == FUSE_FORGET ||
			   ih.opcode == FUSE_BATCH_FORGET) {
			/* no reply */
		} else {
			reply(s->fd, ih.unique, ENOSYS, NULL, 0);
			s->others++;
		}
	}
	free(buf);
	return NULL;
}

int mini_start(struct mini_server *s, int fd)
{
	s->fd = fd;
	return pthread_create(&s->thread, NULL, mini_serve, s);
}

/* Undo the octal escapes of mountinfo ("\040" for a space). */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

int mountinfo_find(const char *mnt, char *fstype, char *source, char *opts,
		   size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int found = 0;

	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		char *fields[32];
		int n = 0, dash = -1, i;
		char *save = NULL, *tok;

		for (tok = strtok_r(line, " \n", &save); tok && n < 32;
		     tok = strtok_r(NULL, " \n", &save))
			fields[n++] = tok;
		for (i = 0; i < n; i++)
			if (strcmp(fields[i], "-") == 0) {
				dash = i;
				break;
			}
		if (n < 6 || dash < 0 || dash + 3 >= n + 1)
			continue;
		unescape(fields[4]);
		if (strcmp(fields[4], mnt) != 0)
			continue;
		found = 1;
		if (fstype)
			snprintf(fstype, len, "%s", fields[dash + 1]);
		if (source)
			snprintf(source, len, "%s",
				 dash + 2 < n ? fields[dash + 2] : "");
		if (opts)
			snprintf(opts, len, "%s %s", fields[5],
				 dash + 3 < n ? fields[dash + 3] : "");
	}
	free(line);
	fclose(f);
	return found;
}
