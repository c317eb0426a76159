/*
 * Device ioctls as the modelled kernel answers them (spec 4.1, 4.2, 4.4).
 * They arrive as control messages (lib/kmodel_wire_i.h) with the reply
 * socket as first fd and the device fd, if any, as second.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "km_i.h"

/* Size of a device fd: BLKGETSIZE64 for block devices, st_size for files. */
static int dev_size(int fd, const struct stat *st, uint64_t *size)
{
	if (S_ISBLK(st->st_mode))
		return ioctl(fd, BLKGETSIZE64, size) < 0 ? -errno : 0;
	*size = st->st_size;
	return 0;
}

static int ctl_backing_open(struct kmodel *km, const struct kmw_req *req,
			    int devfd)
{
	const struct fuse_dialect *d = km->d;
	struct fuse_backing_map map;
	uint32_t type;
	struct stat st;
	unsigned int id;
	uint64_t size;
	int res;

	memcpy(&map, req->arg, sizeof(map));
	if (d->path != FUSE_DPATH_IOMAP) {
		/*
		 * upstream fuse_backing_open: -EPERM unless passthrough was
		 * negotiated (the model never offers FUSE_PASSTHROUGH)
		 */
		return -EPERM;
	}
	if ((map.flags & ~d->val.backing_type_mask) || map.padding)
		return -EINVAL;
	type = map.flags & d->val.backing_type_mask;
	if (type == FUSE_BACKING_TYPE_PASSTHROUGH)
		return -EPERM;		/* passthrough not negotiated */
	if (type != d->val.backing_type_iomap)
		return -EOPNOTSUPP;
	if (!km->iomap)
		return -EPERM;		/* needs a negotiated iomap connection */
	if (devfd < 0)
		return -EBADF;
	if (fstat(devfd, &st) < 0)
		return -EBADF;
	if (!S_ISBLK(st.st_mode) &&
	    !(km->o.allow_file_devices && S_ISREG(st.st_mode)))
		return -ENODEV;
	res = dev_size(devfd, &st, &size);
	if (res)
		return res;
	for (id = 1; id <= d->lim.backing_id_max && id < KM_MAX_BACKING; id++)
		if (km->backing[id].fd < 0)
			break;
	if (id > d->lim.backing_id_max || id >= KM_MAX_BACKING)
		return -ENOSPC;
	km->backing[id].fd = fcntl(devfd, F_DUPFD_CLOEXEC, 0);
	if (km->backing[id].fd < 0)
		return -errno;
	km->backing[id].size = size;
	km->backing[id].blocksize = 512;
	return (int)id;
}

static int ctl_backing_close(struct kmodel *km, const struct kmw_req *req)
{
	uint32_t id;

	memcpy(&id, req->arg, sizeof(id));
	if (km->d->path != FUSE_DPATH_IOMAP)
		return -ENOENT;
	if (id == 0 || id >= KM_MAX_BACKING || km->backing[id].fd < 0)
		return -ENOENT;
	return -EBUSY;	/* iomap devices stay until unmount (spec 4.1) */
}

static int ctl_daxdev_open(struct kmodel *km, const struct kmw_req *req,
			   int devfd)
{
	struct fuse_backing_map map;
	uint64_t index;

	if (km->d->daxdev == FUSE_DAXDEV_BPF) {
		/*
		 * Gregory Price's kernel has no push ioctl: its programs add
		 * devices with the bpf_fuse_dax_setup_add_device kfunc (spec
		 * 7.2, same checks as GET_DAXDEV, 24 slots). The library's
		 * program does not call that kfunc, so with a registered
		 * program the model takes the library's device push as what
		 * the kfunc would have registered.
		 */
		if (!km_bpf_fmap_registered(km))
			return -ENOTTY;
	} else if (km->d->daxdev != FUSE_DAXDEV_PUSH) {
		return -ENOTTY;
	}
	if (!km->famfs)
		return -EOPNOTSUPP;
	memcpy(&map, req->arg, sizeof(map));
	memcpy(&index, &map.padding, sizeof(index));
	if (devfd < 0)
		return -EBADF;
	if (index >= km->d->lim.daxdev_slots || index >= KM_MAX_DAXDEV)
		return -EINVAL;
	if (km->dax[index].failed)
		return -EIO;
	if (km->dax[index].valid)
		return 0;
	return km_daxdev_install(km, (uint32_t)index, NULL, devfd);
}

static int ctl_dispatch(struct kmodel *km, const struct kmw_req *req,
			uint32_t op, const void *payload, size_t plen,
			int devfd, void *out)
{
	const struct fuse_dialect *d = km->d;
	bool iomap_kernel = d->path == FUSE_DPATH_IOMAP;
	struct fuse_iomap_backing_info bi;
	uint32_t v;

	/* only the BPF ops carry a payload (lib/kmodel_wire_i.h) */
	if (plen && op != KMW_BPF_REGISTER && op != KMW_BPF_MAP_UPDATE)
		return -EINVAL;
	switch (op) {
	case KMW_BACKING_OPEN:
		return ctl_backing_open(km, req, devfd);
	case KMW_BACKING_CLOSE:
		return ctl_backing_close(km, req);
	case KMW_IOMAP_SUPPORT:
		if (!iomap_kernel)
			return -ENOTTY;
		{
			struct fuse_iomap_support s = { 0, 0 };

			if (km->o.may_add_iomap)
				s.flags = d->val.support_fileio |
					  d->val.support_atomic;
			memcpy(out, &s, sizeof(s));
		}
		return 0;
	case KMW_ADD_IOMAP:
		if (!iomap_kernel)
			return -ENOTTY;
		if (!km->o.may_add_iomap)
			return -EPERM;	/* enable_iomap and CAP_SYS_RAWIO */
		if (km->init_sent)
			km_err(km, "ADD_IOMAP after mount has no effect");
		else
			km->may_iomap = true;
		return 0;
	case KMW_SET_NOFS:
		if (!iomap_kernel)
			return -ENOTTY;
		memcpy(&v, req->arg, sizeof(v));
		if (v > 1)
			return -EINVAL;
		if (!km->may_iomap && !km->iomap)
			return -EPERM;
		return 0;
	case KMW_IOMAP_SET_BLOCKSIZE:
		if (!iomap_kernel)
			return -ENOTTY;
		if (!km->iomap)
			return -EOPNOTSUPP;
		memcpy(&bi, req->arg, sizeof(bi));
		if (bi.backing_id == 0 || bi.backing_id >= KM_MAX_BACKING ||
		    km->backing[bi.backing_id].fd < 0)
			return -ENOENT;
		if (bi.blocksize < 512 || bi.blocksize > d->lim.page_size ||
		    (bi.blocksize & (bi.blocksize - 1)))
			return -EINVAL;
		km->backing[bi.backing_id].blocksize = bi.blocksize;
		return 0;
	case KMW_DAXDEV_OPEN:
		return ctl_daxdev_open(km, req, devfd);
	case KMW_SYNC_INIT:
		return km->init_sent ? -EINVAL : 0;
	case KMW_MOUNT:
		km->mounted_msg = true;
		return 0;
	case KMW_BPF_PROBE:
		memcpy(&v, req->arg, sizeof(v));
		return km_bpf_probe(km, v);
	case KMW_BPF_REGISTER:
		return km_bpf_register(km, payload, plen);
	case KMW_BPF_MAP_UPDATE:
		memcpy(&v, req->arg, sizeof(v));
		return km_bpf_map_update(km, v, payload, plen);
	}
	return -ENOTTY;
}

void km_handle_control(struct kmodel *km, const struct kmw_req *req,
		       const void *payload, size_t plen,
		       const int *fds, int nfds)
{
	struct kmw_reply rep;
	uint32_t op = req->op & ~KMW_NOREPLY;
	int res;

	memset(&rep, 0, sizeof(rep));
	rep.magic = KMW_MAGIC;
	rep.seq = req->seq;
	if (req->op & KMW_NOREPLY) {
		/* posted (only map updates): nobody waits for the answer */
		if (op != KMW_BPF_MAP_UPDATE || nfds > 0) {
			km_err(km, "posted control message %u refused", op);
			return;
		}
		res = ctl_dispatch(km, req, op, payload, plen, -1, rep.arg);
		if (res < 0)
			km_err(km, "posted control message %u: %s", op,
			       strerror(-res));
		return;
	}
	if (nfds < 1) {
		km_err(km, "control message %u without a reply socket", req->op);
		return;
	}
	rep.result = ctl_dispatch(km, req, op, payload, plen,
				  nfds > 1 ? fds[1] : -1, rep.arg);
	if (km->o.verbose)
		fprintf(stderr, "kmodel: ioctl op %u -> %d\n", req->op, rep.result);
	if (send(fds[0], &rep, sizeof(rep), MSG_NOSIGNAL) < 0)
		km_err(km, "control reply: %s", strerror(errno));
}
