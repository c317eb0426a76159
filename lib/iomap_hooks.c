/*
 * fuse_iomap hooks into the core: INIT negotiation, the wrapped server
 * operations (classic engine, mapping upload at open), and the
 * notifications that keep the kernel's mapping cache honest.
 */
#include "iomap_i.h"
#include "iomap_wire_i.h"
#include "fuse_log.h"
#include "bpf/bpf_runtime_i.h"
#include "kmodel_wire_i.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct fuse_iomap *req_iomap(fuse_req_t req)
{
	return req->se->ext.priv;
}

static bool path_is_iomap(const struct fuse_iomap *im)
{
	return !im->extension_off && (im->path == FUSE_IOMAP_PATH_IOMAP ||
				      im->path == FUSE_IOMAP_PATH_IOMAP_BPF);
}

/* --- before mount: probe the device --- */

static int probe_ioctl(void *ctx, unsigned long cmd, void *arg)
{
	return fuse_session_dev_ioctl(ctx, cmd, arg);
}

static void iomap_premount(struct fuse_session *se, void *priv, bool mounted)
{
	struct fuse_iomap *im = priv;
	uint32_t mode = im->params.mode;
	bool want_iomap = (im->params.serves & FUSE_IOMAP_SERVES_BLOCK) &&
			  mode != FUSE_IOMAP_MODE_FMAP && mode != FUSE_IOMAP_MODE_CLASSIC;

	/*
	 * FUSE_DEV_IOC_ADD_IOMAP only counts before mount(2); after it (the
	 * device was mounted by fusermount3 or a parent) only the support
	 * probe is meaningful, and the INIT line will say why iomap is off.
	 */
	fuse_dialect_probe_device(probe_ioctl, se, want_iomap && !mounted, &im->probe);
}

/* --- INIT --- */

/*
 * A famfs kernel opens daxdevs by path as DAX character devices (GET_DAXDEV
 * pull or the post-V10 push); a regular file standing in for one works only
 * with the kernel model. The path (or "(fd)") of the first such device.
 */
static const char *dax_stand_in_file(const struct fuse_iomap *im)
{
	struct stat st;
	uint32_t i;

	for (i = 0; i < im->ndevs; i++) {
		const struct iomap_dev *dev = &im->devs[i];

		if (dev->kind == FUSE_IOMAP_DEV_BLOCK || dev->fd < 0)
			continue;
		if (fstat(dev->fd, &st) == 0 && S_ISREG(st.st_mode))
			return dev->path ? dev->path : "(fd)";
	}
	return NULL;
}

static int iomap_init_hook(struct fuse_session *se, void *priv,
			   const struct fuse_init_in *in, size_t in_len,
			   struct fuse_init_out *out, size_t *out_len)
{
	struct fuse_iomap *im = priv;
	struct fuse_dialect_want want = { 0 };
	uint64_t kflags = in->flags;
	uint32_t mode = im->params.mode;

	(void)se;
	(void)out_len;
	if ((in->flags & FUSE_INIT_EXT) && in_len >= offsetof(struct fuse_init_in, flags2) + 4)
		kflags |= (uint64_t)in->flags2 << 32;

	want.block = (im->params.serves & FUSE_IOMAP_SERVES_BLOCK) &&
		     mode != FUSE_IOMAP_MODE_FMAP && mode != FUSE_IOMAP_MODE_CLASSIC;
	want.dax = (im->params.serves & FUSE_IOMAP_SERVES_DAX) &&
		   mode != FUSE_IOMAP_MODE_IOMAP && mode != FUSE_IOMAP_MODE_CLASSIC;
	want.bpf = mode == FUSE_IOMAP_MODE_AUTO || mode == FUSE_IOMAP_MODE_BPF;
	if (fuse_kmodel_is_model_fd(fuse_session_fd(se))) {
		/*
		 * Kernel-model session (test/kmodel): the model plays the
		 * kernel, including its BTF, so ask it which struct_ops types
		 * exist (KMW_BPF_PROBE) instead of reading this host's BTF.
		 */
		int sfd = fuse_session_fd(se);

		want.bpf_iomap_avail = want.bpf &&
			fuse_kmodel_bpf_probe(sfd, FUSE_BPF_FLAVOUR_IOMAP) == 1;
		want.bpf_fmap_avail = want.bpf &&
			fuse_kmodel_bpf_probe(sfd, FUSE_BPF_FLAVOUR_DAX_FMAP) == 1;
	} else {
		want.bpf_iomap_avail = want.bpf && fuse_dialect_btf_has_type("fuse_iomap_bpf_ops");
		want.bpf_fmap_avail = want.bpf && fuse_dialect_btf_has_type("fuse_dax_fmap_ops");
	}

	fuse_dialect_detect(in->major, in->minor, kflags,
			    im->probe.done ? &im->probe : NULL, &want, &im->choice);
	im->dialect = im->choice.kernel ? im->choice.kernel
					: fuse_dialect_get(FUSE_DIALECT_STOCK);
	switch (im->choice.path) {
	case FUSE_DPATH_IOMAP:
		im->path = im->dialect->bpf ? FUSE_IOMAP_PATH_IOMAP_BPF : FUSE_IOMAP_PATH_IOMAP;
		break;
	case FUSE_DPATH_FMAP:
		im->path = im->dialect->bpf ? FUSE_IOMAP_PATH_FMAP_BPF : FUSE_IOMAP_PATH_FMAP;
		break;
	default:
		im->path = FUSE_IOMAP_PATH_CLASSIC;
		break;
	}
	if ((im->path == FUSE_IOMAP_PATH_FMAP || im->path == FUSE_IOMAP_PATH_FMAP_BPF) &&
	    !fuse_kmodel_is_model_fd(fuse_session_fd(se))) {
		const char *file = dax_stand_in_file(im);

		/*
		 * A real famfs kernel would refuse the device at GET_DAXDEV and
		 * fail every file with EIO: stay classic and say why (iomap
		 * refuses such files itself, at BACKING_OPEN).
		 */
		if (file) {
			im->path = FUSE_IOMAP_PATH_CLASSIC;
			im->choice.path = FUSE_DPATH_CLASSIC;
			im->choice.reply_flag = 0;
			im->choice.reply_minor = 0;
			snprintf(im->choice.reason, sizeof(im->choice.reason),
				 "DAX device %s is a regular file; a famfs kernel takes only DAX character devices",
				 file);
		}
	}
	if (im->path == FUSE_IOMAP_PATH_FMAP_BPF) {
		/*
		 * Gregory Price's kernel resolves famfs files only through a
		 * registered fuse_dax_fmap_ops named in the INIT reply; it sends
		 * no GET_FMAP. Without the program the connection is classic.
		 */
		struct fuse_bpf_opts bo = { .flavours = FUSE_BPF_FLAVOUR_DAX_FMAP };
		const char *paths[FUSE_BPF_DAX_DEVS] = { 0 };
		const char *why = NULL;
		uint32_t i;

		/* the program registers each file's devices by path (add_device kfunc) */
		for (i = 0; i < im->ndevs; i++) {
			const struct iomap_dev *dev = &im->devs[i];

			if (dev->kind != FUSE_IOMAP_DEV_BLOCK && dev->path &&
			    dev->dax_index < FUSE_BPF_DAX_DEVS) {
				paths[dev->dax_index] = dev->path;
				if (dev->dax_index + 1 > bo.ndax_paths)
					bo.ndax_paths = dev->dax_index + 1;
			}
		}
		bo.dax_paths = paths;
		im->bpf = fuse_bpf_attach(fuse_session_fd(se), &bo);
		if (fuse_bpf_path(im->bpf, &why) == FUSE_BPF_PATH_DAX_FMAP &&
		    im->dialect->init_ops_name && fuse_bpf_ops_name(im->bpf)) {
			char *name = (char *)out + im->dialect->ops_name_offset;

			strncpy(name, fuse_bpf_ops_name(im->bpf), im->dialect->ops_name_len);
		} else {
			im->path = FUSE_IOMAP_PATH_CLASSIC;
			im->choice.path = FUSE_DPATH_CLASSIC;
			im->choice.reply_flag = 0;
			im->choice.reply_minor = 0;
			snprintf(im->choice.reason, sizeof(im->choice.reason),
				 "the kernel resolves famfs files only with a fuse_dax_fmap_ops program: %s",
				 why ? why : "none attached");
		}
	}
	if (im->path == FUSE_IOMAP_PATH_IOMAP_BPF)
		im->path = FUSE_IOMAP_PATH_IOMAP;	/* until the program attaches after INIT */
	if (mode == FUSE_IOMAP_MODE_BPF && im->path != FUSE_IOMAP_PATH_CLASSIC)
		fuse_log(FUSE_LOG_INFO,
			 "fuse: -o iomap=bpf: no BPF mapping program attached; using the %s upcalls\n",
			 fuse_iomap_path_name(im->path));

	if (im->choice.reply_flag) {
		if (im->choice.reply_flag >> 32) {
			out->flags |= FUSE_INIT_EXT;
			out->flags2 |= (uint32_t)(im->choice.reply_flag >> 32);
		} else {
			out->flags |= (uint32_t)im->choice.reply_flag;
		}
	}
	if (im->choice.reply_minor && im->choice.reply_minor > out->minor)
		out->minor = im->choice.reply_minor;

	fuse_dialect_describe(&im->choice, im->describe, sizeof(im->describe));
	fuse_log(FUSE_LOG_INFO, "%s\n", im->describe);
	im->init_done = true;
	return 0;
}

/* --- per-inode attribute flags --- */

uint32_t iomap_attr_flags(struct fuse_iomap *im, uint64_t ino, uint32_t mode)
{
	const struct fuse_dialect *d = im->dialect;

	if (!S_ISREG(mode) || !path_is_iomap(im))
		return 0;
	if (fuse_iomap_inode_path(im, ino) == FUSE_IOMAP_PATH_CLASSIC)
		return 0;
	return d->val.attr_exclusive | d->val.attr_iomap;
}

/* --- the kernel's mapping cache --- */

static int send_upsert(struct fuse_iomap *im, uint64_t ino, const struct fuse_iomap_io *rd,
		       const struct fuse_iomap_io *wr)
{
	const struct fuse_dialect *d = im->dialect;
	struct fuse_iomap_upsert_mappings_out up = { 0 };
	struct iovec iov[2];

	up.nodeid = ino;
	up.attr_ino = ino;
	up.read = *rd;
	if (wr)
		up.write = *wr;
	iov[1].iov_base = &up;
	iov[1].iov_len = d->size.upsert;
	return fuse_ll_notify_iov(im->se, d->notify.iomap_upsert, iov, 2);
}

/*
 * Upload a file's mappings into the kernel's cache at open, within the
 * cache budget: zero upcalls per I/O afterwards for whole layouts.
 */
static void iomap_upload(struct fuse_iomap *im, uint64_t ino)
{
	const struct fuse_dialect *d = im->dialect;
	uint32_t budget = im->params.config.cache_maxbytes ? im->params.config.cache_maxbytes
							   : d->lim.cache_default;
	uint64_t limit = im->params.upload_max_bytes;
	uint32_t bs = iomap_blocksize(im);
	struct iomap_layout *l;
	uint64_t off = 0, size;
	size_t used = 0;

	pthread_rwlock_rdlock(&im->layouts.lock);
	l = iomap_table_get(&im->layouts, ino);
	if (!l || l->kind == IOMAP_LAYOUT_LAZY || l->classic_fallback) {
		pthread_rwlock_unlock(&im->layouts.lock);
		return;
	}
	size = l->size;
	pthread_rwlock_unlock(&im->layouts.lock);
	if (limit && limit < size)
		size = limit;

	while (off < size) {
		struct fuse_iomap_extent e;
		struct fuse_iomap_io rd;
		int err;

		/* each upsert caches one fuse_iomap_io in the read fork (the write
		 * fork is left alone: length 0); past the budget the kernel drops
		 * the inode's whole cache, so stop short of it */
		if (used + d->size.iomap_io > budget)
			break;
		err = fuse_iomap_lookup(im, ino, off, &e);
		if (err)
			break;
		err = iomap_wire_io(d, &e, iomap_kernel_dev(im, e.dev), bs, &rd);
		if (err)
			break;
		if (send_upsert(im, ino, &rd, NULL))
			break;
		used += d->size.iomap_io;
		off = rd.offset + rd.length;
	}
}

void iomap_layout_changed(struct fuse_iomap *im, uint64_t ino, uint64_t off, uint64_t len)
{
	const struct fuse_dialect *d = im->dialect;
	struct fuse_iomap_inval_mappings_out inv = { 0 };
	uint32_t bs = iomap_blocksize(im);
	struct iovec iov[2];
	int err;

	if (!im->init_done || !path_is_iomap(im))
		return;
	inv.nodeid = ino;
	inv.attr_ino = ino;
	inv.read.offset = off - off % bs;
	if (len == UINT64_MAX || off + len < off)
		inv.read.length = d->val.inval_to_eof;
	else
		inv.read.length = (off + len - inv.read.offset + bs - 1) / bs * bs;
	inv.write = inv.read;
	iov[1].iov_base = &inv;
	iov[1].iov_len = d->size.inval;
	err = fuse_ll_notify_iov(im->se, d->notify.iomap_inval, iov, 2);
	/* ESTALE/ENOENT: the kernel has no inode, hence nothing cached */
	if (err && err != -ESTALE && err != -ENOENT)
		fuse_log(FUSE_LOG_WARNING,
			 "fuse_iomap: invalidating the mappings of inode %llu: %s\n",
			 (unsigned long long)ino, strerror(-err));
}

/* --- BPF mapping programs --- */

/*
 * Darrick Wong's fuse_iomap_bpf_ops needs an iomap connection: attach it
 * once iomap is negotiated (at IOMAP_CONFIG). Any failure keeps the upcalls.
 */
void iomap_bpf_attach_iomap(struct fuse_iomap *im)
{
	struct fuse_bpf_opts bo = { .flavours = FUSE_BPF_FLAVOUR_IOMAP };
	const char *why = NULL;

	if (!im->dialect->bpf || im->bpf || im->extension_off)
		return;
	im->bpf = fuse_bpf_attach(fuse_session_fd(im->se), &bo);
	if (fuse_bpf_path(im->bpf, &why) == FUSE_BPF_PATH_IOMAP) {
		im->path = FUSE_IOMAP_PATH_IOMAP_BPF;
	} else {
		fuse_bpf_detach(im->bpf);
		im->bpf = NULL;
		fuse_log(FUSE_LOG_INFO, "fuse_iomap: iomap upcalls without BPF: %s\n",
			 why ? why : "attach failed");
	}
}

/*
 * Rewrite the device ids of a BPF record from the server's ids to the
 * kernel's (iomap: BACKING_OPEN id; famfs: daxdev table slot), and
 * recompute its device bitmap. -ENODEV when a device is not registered.
 */
static int bpf_record_kernel_devs(struct fuse_iomap *im, struct fuse_bpf_file *rec)
{
	bool fmap = im->path == FUSE_IOMAP_PATH_FMAP_BPF;
	uint32_t i, *dev;

	rec->dev_bitmap = 0;
	for (i = 0; ; i++) {
		if (rec->kind == FUSE_BPF_FILE_EXTENTS) {
			if (i >= rec->u.ext.count)
				break;
			if (rec->u.ext.ext[i].type != FUSE_RES_TYPE_MAPPED &&
			    rec->u.ext.ext[i].type != FUSE_RES_TYPE_UNWRITTEN)
				continue;
			dev = &rec->u.ext.ext[i].dev;
		} else {
			if (i >= rec->u.il.nstrips)
				break;
			dev = &rec->u.il.strip[i].dev;
		}
		*dev = fmap ? iomap_dax_index(im, *dev) : iomap_kernel_dev(im, *dev);
		if (fmap ? *dev == UINT32_MAX : *dev == 0)
			return -ENODEV;
		if (*dev < 32)
			rec->dev_bitmap |= 1u << *dev;
	}
	return 0;
}

/* Hand a file's layout to the attached program before its OPEN reply. */
void iomap_bpf_publish(struct fuse_iomap *im, uint64_t ino)
{
	struct fuse_bpf_file *rec;
	struct iomap_layout *l;
	int err = -ENOENT;

	/* no program attached (a failed attach keeps its handle): nothing to do */
	if (fuse_bpf_path(im->bpf, NULL) == FUSE_BPF_PATH_UPCALL)
		return;
	rec = calloc(1, sizeof(*rec));
	if (!rec)
		return;
	pthread_rwlock_rdlock(&im->layouts.lock);
	l = iomap_table_get(&im->layouts, ino);
	if (l && l->kind == IOMAP_LAYOUT_EXTENTS)
		err = fuse_bpf_file_from_extents(rec, ino, l->ext, l->count, l->size);
	else if (l && l->kind == IOMAP_LAYOUT_INTERLEAVE)
		err = fuse_bpf_file_from_interleave(rec, ino, l->il);
	pthread_rwlock_unlock(&im->layouts.lock);
	/*
	 * The program answers the kernel directly, so the record must name
	 * devices as the kernel knows them (found by the kernel model running
	 * the bytecode): the iomap backing id, or the famfs daxdev slot.
	 */
	if (!err)
		err = bpf_record_kernel_devs(im, rec);
	if (!err)
		err = fuse_bpf_set_file(im->bpf, rec);
	/* -E2BIG / -EBUSY: this file is served by upcalls, which stay available */
	if (err && err != -ENOENT)
		fuse_log(FUSE_LOG_DEBUG, "fuse_iomap: inode %llu not in the BPF map: %s\n",
			 (unsigned long long)ino, strerror(-err));
	free(rec);
}

/* --- wrapped server operations --- */

/* The classic engine's per-thread, page-aligned bounce buffer (lib/scratch.c). */
static char *bounce(size_t size)
{
	return fuse_scratch(FUSE_SCRATCH_IOMAP, size);
}

static void iomap_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			  struct fuse_file_info *fi)
{
	struct fuse_iomap *im = req_iomap(req);
	char *buf;
	ssize_t n;

	/* the kernel never asks for more than its negotiated request size */
	if (size > im->se->bufsize) {
		fuse_log(FUSE_LOG_ERR, "fuse_iomap: READ of %zu bytes exceeds the %zu-byte request size\n",
			 size, im->se->bufsize);
		fuse_reply_err(req, EINVAL);
		return;
	}
	buf = bounce(size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	n = iomap_classic_read(im, ino, buf, size, off);
	if (n == -ENOENT || n == -EREMOTE) {
		if (im->srv_op.read)
			im->srv_op.read(req, ino, size, off, fi);
		else
			fuse_reply_err(req, n == -ENOENT ? ENOSYS : EIO);
		return;
	}
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else
		fuse_reply_buf(req, buf, n);
}

static void iomap_reply_written(fuse_req_t req, ssize_t n)
{
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else
		fuse_reply_write(req, n);
}

static void iomap_op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
			   off_t off, struct fuse_file_info *fi)
{
	struct fuse_iomap *im = req_iomap(req);
	ssize_t n = iomap_classic_write(im, ino, buf, size, off, NULL);

	if (n == -ENOENT || n == -EREMOTE) {
		if (im->srv_op.write)
			im->srv_op.write(req, ino, buf, size, off, fi);
		else
			fuse_reply_err(req, n == -ENOENT ? ENOSYS : EIO);
		return;
	}
	iomap_reply_written(req, n);
}

static void iomap_op_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *bufv,
			       off_t off, struct fuse_file_info *fi)
{
	struct fuse_iomap *im = req_iomap(req);
	size_t size = fuse_buf_size(bufv);
	struct fuse_bufvec dst = FUSE_BUFVEC_INIT(size);
	ssize_t n;

	if (fuse_iomap_inode_path(im, ino) == FUSE_IOMAP_PATH_CLASSIC) {
		struct iomap_layout *l;

		pthread_rwlock_rdlock(&im->layouts.lock);
		l = iomap_table_get(&im->layouts, ino);
		pthread_rwlock_unlock(&im->layouts.lock);
		if (!l) {
			im->srv_op.write_buf(req, ino, bufv, off, fi);
			return;
		}
	}
	dst.buf[0].mem = bounce(size);
	if (!dst.buf[0].mem) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	n = fuse_buf_copy(&dst, bufv, 0);
	if (n < 0) {
		fuse_reply_err(req, (int)-n);
		return;
	}
	n = iomap_classic_write(im, ino, dst.buf[0].mem, n, off, NULL);
	if (n == -EREMOTE && im->srv_op.write_buf) {
		/* inline data: the server's own path (the buffer is already consumed) */
		fuse_reply_err(req, EIO);
		return;
	}
	iomap_reply_written(req, n);
}

static void iomap_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fuse_iomap *im = req_iomap(req);

	if (im->bpf)
		iomap_bpf_publish(im, ino);
	else if (path_is_iomap(im) && im->params.upload_at_open)
		iomap_upload(im, ino);
	if (im->srv_op.open)
		im->srv_op.open(req, ino, fi);
	else
		fuse_reply_open(req, fi);
}

static void iomap_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_iomap *im = req_iomap(req);

	/* famfs post-V10 wants its DAX devices pushed before files open (spec 4.4) */
	if (!im->extension_off && im->choice.path == FUSE_DPATH_FMAP &&
	    !atomic_exchange(&im->daxdevs_pushed, 1))
		iomap_push_dax_devices(im);
	im->srv_op.lookup(req, parent, name);
}

static uint32_t iomap_attr_hook(struct fuse_session *se, void *priv, uint64_t ino,
				uint32_t mode)
{
	(void)se;
	return iomap_attr_flags(priv, ino, mode);
}

void iomap_hooks_install(struct fuse_iomap *im)
{
	struct fuse_session *se = im->se;
	struct fuse_ll_ext ext = {
		.init = iomap_init_hook,
		.dispatch = iomap_dispatch,
		.premount = iomap_premount,
		.attr_flags = iomap_attr_hook,
		.priv = im,
	};

	im->srv_op = se->op;
	se->op.read = iomap_op_read;
	se->op.write = iomap_op_write;
	if (im->srv_op.write_buf)
		se->op.write_buf = iomap_op_write_buf;
	se->op.open = iomap_op_open;
	if (im->srv_op.lookup)
		se->op.lookup = iomap_op_lookup;
	fuse_session_set_ext(se, &ext);
}

void iomap_hooks_remove(struct fuse_iomap *im)
{
	struct fuse_ll_ext none = { 0 };

	fuse_bpf_detach(im->bpf);
	im->bpf = NULL;

	im->se->op = im->srv_op;
	fuse_session_set_ext(im->se, &none);
}
