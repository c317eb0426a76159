/*
 * Library side of the kernel model's device-ioctl protocol
 * (lib/kmodel_wire_i.h): when the session fd is a socket, device ioctls
 * become control messages that carry their fds by SCM_RIGHTS.
 */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuse_kernel.h"
#include "dialect_i.h"
#include "kmodel_wire_i.h"

/* Largest errno a reply may carry (the kernel's MAX_ERRNO); below it is garbage. */
#define KMW_MAX_ERRNO	((1 << 12) - 1)

/* How long to wait for the model's answer before giving up. */
#define KMW_TIMEOUT_MS	30000

static atomic_uint_least64_t kmw_seq;

int fuse_kmodel_is_model_fd(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return 0;
	return S_ISSOCK(st.st_mode);
}

static int kmw_send(int fd, const struct kmw_req *req, const void *payload,
		    size_t plen, int replyfd, int devfd)
{
	int fds[KMW_MAX_FDS] = { replyfd, devfd };
	union {
		char buf[CMSG_SPACE(sizeof(int) * KMW_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec iov[2] = {
		{ .iov_base = (void *)req, .iov_len = sizeof(*req) },
		{ .iov_base = (void *)payload, .iov_len = plen },
	};
	struct msghdr msg = {
		.msg_iov = iov, .msg_iovlen = plen ? 2 : 1,
		.msg_control = u.buf,
	};
	size_t nfds = replyfd < 0 ? 0 : devfd >= 0 ? 2 : 1;
	struct cmsghdr *cm;
	ssize_t n;

	memset(&u, 0, sizeof(u));
	if (nfds) {
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	} else {
		msg.msg_control = NULL;
	}
	do {
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)(sizeof(*req) + plen) ? 0 : -EIO;
}

/*
 * One request/answer exchange, with an optional payload after the request.
 * @out receives the reply's arg (16 bytes).
 */
static int kmw_call_payload(int fd, uint32_t op, const void *arg, size_t arglen,
			    const void *payload, size_t plen, int devfd,
			    void *out, size_t outlen)
{
	struct kmw_req req;
	struct kmw_reply rep;
	struct pollfd pfd;
	int sv[2], res;
	ssize_t n;

	if (arglen > sizeof(req.arg) || outlen > sizeof(rep.arg) ||
	    plen > KMW_PAYLOAD_MAX || (plen && !payload))
		return -EINVAL;
	memset(&req, 0, sizeof(req));
	req.magic = KMW_MAGIC;
	req.op = op;
	req.seq = atomic_fetch_add(&kmw_seq, 1) + 1;
	if (arglen)
		memcpy(req.arg, arg, arglen);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	res = kmw_send(fd, &req, payload, plen, sv[1], devfd);
	close(sv[1]);
	if (res < 0)
		goto out;
	pfd.fd = sv[0];
	pfd.events = POLLIN;
	do {
		res = poll(&pfd, 1, KMW_TIMEOUT_MS);
	} while (res < 0 && errno == EINTR);
	if (res <= 0) {
		res = res == 0 ? -ETIMEDOUT : -errno;
		goto out;
	}
	n = recv(sv[0], &rep, sizeof(rep), 0);
	if (n != (ssize_t)sizeof(rep) || rep.magic != KMW_MAGIC ||
	    rep.seq != req.seq) {
		/* the model closed the reply socket or sent garbage */
		res = n < 0 ? -errno : -EIO;
		goto out;
	}
	/* >= 0 is a result (backing ids are positive); < 0 is -errno */
	res = rep.result;
	if (res < -KMW_MAX_ERRNO)
		res = -EIO;
	if (res >= 0 && outlen)
		memcpy(out, rep.arg, outlen);
out:
	close(sv[0]);
	return res;
}

static int kmw_call(int fd, uint32_t op, const void *arg, size_t arglen,
		    int devfd, void *out, size_t outlen)
{
	return kmw_call_payload(fd, op, arg, arglen, NULL, 0, devfd, out, outlen);
}

int fuse_kmodel_ioctl(int fd, unsigned long cmd, void *arg)
{
	const struct fuse_dialect *d = fuse_dialect_get(FUSE_DIALECT_IOMAP_V7);
	struct fuse_backing_map map;
	uint32_t u32;

	if (cmd == d->ioc.backing_open) {
		if (!arg)
			return -EFAULT;
		memcpy(&map, arg, sizeof(map));
		return kmw_call(fd, KMW_BACKING_OPEN, &map, sizeof(map),
				map.fd, NULL, 0);
	}
	if (cmd == d->ioc.backing_close) {
		if (!arg)
			return -EFAULT;
		memcpy(&u32, arg, sizeof(u32));
		return kmw_call(fd, KMW_BACKING_CLOSE, &u32, sizeof(u32), -1,
				NULL, 0);
	}
	if (cmd == d->ioc.iomap_support) {
		if (!arg)
			return -EFAULT;
		return kmw_call(fd, KMW_IOMAP_SUPPORT, NULL, 0, -1, arg,
				sizeof(struct fuse_iomap_support));
	}
	if (cmd == d->ioc.add_iomap)
		return kmw_call(fd, KMW_ADD_IOMAP, NULL, 0, -1, NULL, 0);
	if (cmd == d->ioc.set_nofs) {
		if (!arg)
			return -EFAULT;
		memcpy(&u32, arg, sizeof(u32));
		return kmw_call(fd, KMW_SET_NOFS, &u32, sizeof(u32), -1, NULL, 0);
	}
	if (cmd == d->ioc.iomap_set_blocksize) {
		if (!arg)
			return -EFAULT;
		return kmw_call(fd, KMW_IOMAP_SET_BLOCKSIZE, arg,
				sizeof(struct fuse_iomap_backing_info), -1,
				NULL, 0);
	}
	if (cmd == d->ioc.sync_init)
		return kmw_call(fd, KMW_SYNC_INIT, NULL, 0, -1, NULL, 0);
	/* FUSE_DEV_IOC_CLONE and anything else: not over a socket */
	return -ENOTTY;
}

int fuse_kmodel_daxdev_open(int fd, int devfd, uint32_t index)
{
	struct fuse_backing_map map;
	uint64_t idx = index;

	memset(&map, 0, sizeof(map));
	map.fd = devfd;
	memcpy(&map.padding, &idx, sizeof(idx));
	return kmw_call(fd, KMW_DAXDEV_OPEN, &map, sizeof(map), devfd, NULL, 0);
}

int fuse_kmodel_mounted(int fd)
{
	return kmw_call(fd, KMW_MOUNT, NULL, 0, -1, NULL, 0);
}

int fuse_kmodel_bpf_probe(int fd, uint32_t flavour)
{
	return kmw_call(fd, KMW_BPF_PROBE, &flavour, sizeof(flavour), -1, NULL, 0);
}

int fuse_kmodel_bpf_register(int fd, const struct kmw_bpf_reg *reg)
{
	if (!reg)
		return -EINVAL;
	return kmw_call_payload(fd, KMW_BPF_REGISTER, NULL, 0, reg, sizeof(*reg),
				-1, NULL, 0);
}

int fuse_kmodel_bpf_map_update(int fd, uint32_t slot, const void *value,
			       size_t len, int wait)
{
	struct kmw_req req;

	if (!value || len == 0 || len > KMW_PAYLOAD_MAX)
		return -EINVAL;
	if (wait)
		return kmw_call_payload(fd, KMW_BPF_MAP_UPDATE, &slot, sizeof(slot),
					value, len, -1, NULL, 0);
	/* posted: no reply socket, the model answers nothing */
	memset(&req, 0, sizeof(req));
	req.magic = KMW_MAGIC;
	req.op = KMW_BPF_MAP_UPDATE | KMW_NOREPLY;
	req.seq = atomic_fetch_add(&kmw_seq, 1) + 1;
	memcpy(req.arg, &slot, sizeof(slot));
	return kmw_send(fd, &req, value, len, -1, -1);
}
