/*
 * Kernel-model transport for a session: when the session fd is a socket
 * (the server was started by test/kmodel with "/dev/fd/N"), replies still go
 * out with writev (one SEQPACKET message each) but device ioctls become
 * control messages (lib/kmodel_wire_i.h, lib/transport_kmodel.c).
 */
#include <errno.h>

#include "fuse_i.h"
#include "kmodel_wire_i.h"

static int kmodel_send(struct fuse_chan *ch, struct fuse_req *req,
		       struct iovec *iov, int count)
{
	return fuse_dev_chan_ops.send(ch, req, iov, count);
}

static int kmodel_ioctl(struct fuse_chan *ch, unsigned long cmd, void *arg)
{
	return fuse_kmodel_ioctl(ch->fd, cmd, arg);
}

/** Channel functions of a kernel-model session. */
const struct fuse_chan_ops fuse_kmodel_chan_ops = {
	.send = kmodel_send,
	.ioctl = kmodel_ioctl,
};

int fuse_kmodel_session_attach(struct fuse_session *se)
{
	int fd = fuse_session_fd(se);

	if (fd < 0 || !fuse_kmodel_is_model_fd(fd))
		return 0;
	fuse_session_set_chan_ops(se, &fuse_kmodel_chan_ops, NULL);
	return 1;
}

int fuse_kmodel_session_ready(struct fuse_session *se)
{
	int fd = fuse_session_fd(se);

	if (fd < 0 || !fuse_kmodel_is_model_fd(fd))
		return 0;
	return fuse_kmodel_mounted(fd);
}
