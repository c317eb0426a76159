// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fake_fusermount.c - stand-in for fusermount3, for tests only.
 *
 * The library runs it (through fuse_mount_set_helper_path()) exactly as it
 * runs fusermount3.  It speaks the same protocol: the socket named by
 * _FUSE_COMMFD receives one byte with an open /dev/fuse descriptor
 * (SCM_RIGHTS).  It does not mount anything; instead it appends what it
 * was asked to do to the file named by $FAKE_FUSERMOUNT_LOG:
 *
 *   mount uid=<uid> commfd=<n> opts=<-o value> mnt=<mountpoint>
 *   sent <device>                   (/dev/fuse, or /dev/null when the
 *                                    user may not open /dev/fuse)
 *   unmount args=<flags> mnt=<mountpoint>
 *   auto-unmount mnt=<mountpoint>   (socket closed, auto_unmount given)
 *
 * $FAKE_FUSERMOUNT_MODE changes the behaviour:
 *   "fail"            print an error and exit 1 without sending a fd
 *   "nofd"            send the byte without a descriptor
 *   "reject-subtype"  fail like "fail" when the options contain subtype=
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void logf_(const char *fmt, ...)
{
	const char *path = getenv("FAKE_FUSERMOUNT_LOG");
	va_list ap;
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "a");
	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static int send_fd(int sock, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr msg = { 0 };
	struct cmsghdr *cmsg;
	struct iovec iov;
	char byte = 0;

	iov.iov_base = &byte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (fd >= 0) {
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

int main(int argc, char *argv[])
{
	const char *mode = getenv("FAKE_FUSERMOUNT_MODE");
	const char *commfd_env = getenv("_FUSE_COMMFD");
	const char *opts = "", *mnt = NULL;
	char uflags[32] = "";
	int unmount = 0, i, sock, fd;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			opts = argv[++i];
		} else if (strcmp(argv[i], "--") == 0 && i + 1 < argc) {
			mnt = argv[++i];
		} else if (strcmp(argv[i], "-V") == 0) {
			printf("fake fusermount3\n");
			return 0;
		} else if (argv[i][0] == '-' && strlen(argv[i]) == 2) {
			if (argv[i][1] == 'u')
				unmount = 1;
			strncat(uflags, argv[i], sizeof(uflags) - strlen(uflags) - 2);
			strcat(uflags, " ");
		} else {
			mnt = argv[i];
		}
	}
	if (!mnt) {
		fprintf(stderr, "fake_fusermount: no mount point\n");
		return 1;
	}
	if (unmount) {
		logf_("unmount args=%smnt=%s\n", uflags, mnt);
		return 0;
	}
	if (!commfd_env) {
		fprintf(stderr, "fake_fusermount: no _FUSE_COMMFD\n");
		return 1;
	}
	sock = atoi(commfd_env);
	logf_("mount uid=%u commfd=%d opts=%s mnt=%s\n", (unsigned)getuid(),
	      sock, opts, mnt);

	if ((mode && strcmp(mode, "fail") == 0) ||
	    (mode && strcmp(mode, "reject-subtype") == 0 &&
	     strstr(opts, "subtype="))) {
		fprintf(stderr, "fake_fusermount: refusing as asked\n");
		return 1;
	}
	if (mode && strcmp(mode, "nofd") == 0)
		return send_fd(sock, -1) == 0 ? 0 : 1;

	fd = open("/dev/fuse", O_RDWR);
	if (fd == -1 && errno == EACCES) {
		/* Not setuid: any descriptor shows that passing works. */
		fd = open("/dev/null", O_RDWR);
		logf_("sent /dev/null\n");
	} else if (fd >= 0) {
		logf_("sent /dev/fuse\n");
	}
	if (fd == -1) {
		fprintf(stderr, "fake_fusermount: open: %s\n", strerror(errno));
		return 1;
	}
	if (send_fd(sock, fd) == -1) {
		fprintf(stderr, "fake_fusermount: sendmsg: %s\n",
			strerror(errno));
		return 1;
	}
	close(fd);

	if (strstr(opts, "auto_unmount")) {
		/* Watchdog: wait until the server's end of the socket closes. */
		struct pollfd p = { .fd = sock, .events = POLLIN };
		char c;

		for (;;) {
			if (poll(&p, 1, -1) == -1 && errno != EINTR)
				break;
			if (read(sock, &c, 1) <= 0)
				break;
		}
		logf_("auto-unmount mnt=%s\n", mnt);
	}
	return 0;
}
