// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * harness.c - the fake kernel of the unit tests (see harness.h).
 */
#include "harness.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int fk_failures;

static ssize_t fk_writev(int fd, struct iovec *iov, int count, void *ud)
{
	struct msghdr msg;

	(void)ud;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = count;
	return sendmsg(fd, &msg, MSG_NOSIGNAL);
}

static ssize_t fk_read(int fd, void *buf, size_t len, void *ud)
{
	(void)ud;
	return recv(fd, buf, len, 0);
}

static const struct fuse_custom_io fk_io = {
	.writev = fk_writev,
	.read = fk_read,
};

void fk_setup(struct fk *fk, const struct fuse_lowlevel_ops *ops,
	      size_t opsz, void *userdata, const char *opt)
{
	char *argv[4] = { "unit-test", NULL, NULL, NULL };
	struct fuse_args args;
	int sv[2];

	if (opt) {
		argv[1] = "-o";
		argv[2] = (char *)opt;
	}
	args.argc = opt ? 3 : 1;
	args.argv = argv;
	args.allocated = 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		perror("socketpair");
		exit(1);
	}
	memset(fk, 0, sizeof(*fk));
	fk->kfd = sv[0];
	fk->sfd = sv[1];
	fk->next_unique = 2;
	fk->se = fuse_session_new(&args, ops, opsz, userdata);
	if (!fk->se) {
		fprintf(stderr, "fuse_session_new failed\n");
		exit(1);
	}
	if (fuse_session_custom_io(fk->se, &fk_io, fk->sfd) != 0) {
		fprintf(stderr, "fuse_session_custom_io failed\n");
		exit(1);
	}
	fuse_opt_free_args(&args);
}

void fk_teardown(struct fk *fk)
{
	fuse_session_destroy(fk->se);	/* closes the server end */
	close(fk->kfd);
}

static uint64_t send_va(struct fk *fk, uint32_t opcode, uint64_t nodeid,
			int nargs, va_list ap)
{
	struct fuse_in_header in;
	struct iovec iov[8];
	struct msghdr msg;
	size_t len = sizeof(in);
	int i;

	memset(&in, 0, sizeof(in));
	for (i = 0; i < nargs && i < 7; i++) {
		iov[i + 1].iov_base = va_arg(ap, void *);
		iov[i + 1].iov_len = va_arg(ap, size_t);
		len += iov[i + 1].iov_len;
	}
	in.len = (uint32_t)len;
	in.opcode = opcode;
	in.unique = fk->next_unique;
	fk->next_unique += 2;
	in.nodeid = nodeid;
	in.uid = 1000;
	in.gid = 1000;
	in.pid = 4242;
	iov[0].iov_base = &in;
	iov[0].iov_len = sizeof(in);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = i + 1;
	if (sendmsg(fk->kfd, &msg, 0) != (ssize_t)len) {
		perror("fake kernel send");
		exit(1);
	}
	return in.unique;
}

uint64_t fk_send(struct fk *fk, uint32_t opcode, uint64_t nodeid, int nargs,
		 ...)
{
	va_list ap;
	uint64_t u;

	va_start(ap, nargs);
	u = send_va(fk, opcode, nodeid, nargs, ap);
	va_end(ap);
	return u;
}

void fk_send_raw(struct fk *fk, const void *buf, size_t len)
{
	if (send(fk->kfd, buf, len, 0) != (ssize_t)len) {
		perror("fake kernel send");
		exit(1);
	}
}

int fk_pump(struct fk *fk)
{
	struct fuse_buf buf;
	int res;

	memset(&buf, 0, sizeof(buf));
	res = fuse_session_receive_buf(fk->se, &buf);
	if (res > 0)
		fuse_session_process_buf(fk->se, &buf);
	free(buf.mem);
	return res;
}

size_t fk_recv(struct fk *fk, void *buf, size_t len, int timeout_ms)
{
	struct pollfd pfd = { .fd = fk->kfd, .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	n = recv(fk->kfd, buf, len, MSG_DONTWAIT);
	return n > 0 ? (size_t)n : 0;
}

size_t fk_call(struct fk *fk, void *reply, size_t len, uint32_t opcode,
	       uint64_t nodeid, int nargs, ...)
{
	va_list ap;

	va_start(ap, nargs);
	send_va(fk, opcode, nodeid, nargs, ap);
	va_end(ap);
	fk_pump(fk);
	return fk_recv(fk, reply, len, 0);
}

int fk_init(struct fk *fk, uint32_t minor, uint64_t flags,
	    struct fuse_init_out *out)
{
	struct fuse_init_in in;
	char reply[512];
	struct fuse_out_header *oh = (void *)reply;
	size_t insize = minor >= 36 ? sizeof(in) : 16;
	size_t n;

	memset(&in, 0, sizeof(in));
	in.major = 7;
	in.minor = minor;
	in.max_readahead = 131072;
	in.flags = (uint32_t)flags;
	in.flags2 = (uint32_t)(flags >> 32);
	n = fk_call(fk, reply, sizeof(reply), FUSE_INIT, 0, 1, &in, insize);
	if (n < sizeof(*oh)) {
		fprintf(stderr, "no INIT reply\n");
		fk_failures++;
		return -EIO;
	}
	if (out) {
		memset(out, 0, sizeof(*out));
		memcpy(out, reply + sizeof(*oh),
		       n - sizeof(*oh) < sizeof(*out) ? n - sizeof(*oh) :
		       sizeof(*out));
	}
	return oh->error;
}

int fk_done(const char *name)
{
	if (fk_failures) {
		fprintf(stderr, "%s: %d check(s) failed\n", name, fk_failures);
		return 1;
	}
	printf("%s: ok\n", name);
	return 0;
}
