/*
 * fuse_iomap request handlers: the extension opcodes of the detected
 * dialect (IOMAP_CONFIG/BEGIN/END/IOEND, FREEZE/UNFREEZE/SHUTDOWN, famfs
 * GET_FMAP/GET_DAXDEV). Each request is length-checked against the
 * dialect's structure sizes before a field is read.
 */
#include "iomap_i.h"
#include "iomap_wire_i.h"
#include "fuse_log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The op's fixed struct: at the start of @fixed (both transports). */
static const void *req_arg(const void *fixed, size_t fixed_len, size_t need)
{
	return fixed_len >= need ? fixed : NULL;
}

static bool is_write_class(const struct fuse_dialect *d, uint32_t opflags)
{
	return opflags & (d->val.op_write | d->val.op_zero | d->val.op_unshare |
			  d->val.op_writeback);
}

static uint32_t api_map_flags(const struct fuse_dialect *d, uint32_t opflags)
{
	uint32_t f = 0;

	if (is_write_class(d, opflags))
		f |= FUSE_IOMAP_MAP_WRITE;
	if (opflags & d->val.op_direct)
		f |= FUSE_IOMAP_MAP_DIRECT;
	if (opflags & d->val.op_report)
		f |= FUSE_IOMAP_MAP_REPORT;
	if (opflags & d->val.op_zero)
		f |= FUSE_IOMAP_MAP_ZERO;
	if (opflags & FUSE_IOMAP_OP_NOWAIT)
		f |= FUSE_IOMAP_MAP_NOWAIT;
	return f;
}

static void do_begin(fuse_req_t req, struct fuse_iomap *im, uint64_t ino,
		     const struct fuse_iomap_begin_in *in)
{
	const struct fuse_dialect *d = im->dialect;
	uint32_t bs = iomap_blocksize(im);
	struct fuse_iomap_begin_out out;
	struct fuse_iomap_extent rd = { 0 }, wr = { 0 };
	bool write = is_write_class(d, in->opflags);
	struct iomap_layout *l;
	bool lazy = false;
	uint64_t size = 0;
	int err = 0;

	pthread_rwlock_rdlock(&im->layouts.lock);
	l = iomap_table_get(&im->layouts, ino);
	if (!l) {
		err = -ESTALE;
	} else {
		lazy = l->kind == IOMAP_LAYOUT_LAZY;
		size = l->size;
		if (!lazy)
			err = iomap_layout_resolve(l, in->pos, &rd);
	}
	pthread_rwlock_unlock(&im->layouts.lock);

	if (!err && lazy) {
		err = im->ops.map(im->userdata, ino, in->pos, in->count,
				  api_map_flags(d, in->opflags), &rd, &wr);
		if (err > 0)
			err = -err;
		if (!err && (iomap_check_extents(im, UINT64_MAX >> 1, &rd, 1) ||
			     (wr.length && iomap_check_extents(im, UINT64_MAX >> 1, &wr, 1))))
			err = -EIO;
		if (!err && (rd.offset > in->pos || rd.offset + rd.length <= in->pos ||
			     (wr.length && (wr.offset > in->pos ||
					    wr.offset + wr.length <= in->pos)))) {
			fuse_log(FUSE_LOG_ERR,
				 "fuse_iomap: map() for inode %llu at %llu returned a mapping that does not cover it\n",
				 (unsigned long long)ino, (unsigned long long)in->pos);
			err = -EIO;
		}
	} else if (err == -ENXIO) {
		/* past the end of a whole layout: nothing to read, nothing to allocate */
		if (write) {
			err = -EFBIG;
		} else {
			err = 0;
			rd.offset = in->pos;
			rd.length = bs;
			rd.type = FUSE_IOMAP_EXT_HOLE;
		}
	}
	(void)size;
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	/*
	 * INLINE is not a hole: the kernel writes it through FUSE_WRITE to the
	 * server, which keeps that data itself (fuse4fs's inline-data files).
	 */
	if (write && !wr.length && rd.type != FUSE_IOMAP_EXT_MAPPED &&
	    rd.type != FUSE_IOMAP_EXT_UNWRITTEN && rd.type != FUSE_IOMAP_EXT_INLINE &&
	    !(in->opflags & d->val.op_zero)) {
		/* a whole layout never allocates: writing into its holes is out of space */
		fuse_reply_err(req, ENOSPC);
		return;
	}

	memset(&out, 0, sizeof(out));
	err = iomap_wire_io(d, &rd, iomap_kernel_dev(im, rd.dev), bs, &out.read);
	if (!err && wr.length)
		err = iomap_wire_io(d, &wr, iomap_kernel_dev(im, wr.dev), bs, &out.write);
	else if (!err)
		iomap_wire_pure_overwrite(d, &out.read, &out.write);
	if (err) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse_iomap: inode %llu at %llu: mapping names a device the kernel does not know\n",
			 (unsigned long long)ino, (unsigned long long)in->pos);
		fuse_reply_err(req, EIO);
		return;
	}
	fuse_reply_buf(req, (const char *)&out, d->size.begin_out);
}

static void do_ioend(fuse_req_t req, struct fuse_iomap *im, uint64_t ino,
		     const struct fuse_iomap_ioend_in *in)
{
	const struct fuse_dialect *d = im->dialect;
	struct fuse_iomap_ioend_out out = { 0 };
	struct iomap_layout *l;
	uint64_t size = 0, end;
	uint32_t fl = 0;
	bool lazy = false;
	int err = 0;

	pthread_rwlock_rdlock(&im->layouts.lock);
	l = iomap_table_get(&im->layouts, ino);
	if (l) {
		size = l->size;
		lazy = l->kind == IOMAP_LAYOUT_LAZY;
	}
	pthread_rwlock_unlock(&im->layouts.lock);
	if (!l) {
		fuse_reply_err(req, ESTALE);
		return;
	}
	if (in->flags & d->val.ioend_unwritten)
		fl |= FUSE_IOMAP_IOEND_F_UNWRITTEN;
	if (in->flags & d->val.ioend_append)
		fl |= FUSE_IOMAP_IOEND_F_APPEND;
	if (in->flags & d->val.ioend_shared)
		fl |= FUSE_IOMAP_IOEND_F_SHARED;
	if (in->flags & d->val.ioend_direct)
		fl |= FUSE_IOMAP_IOEND_F_DIRECT;

	end = in->pos + in->written;
	if (end < in->pos) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	out.newsize = size;
	if (im->ops.ioend) {
		err = im->ops.ioend(im->userdata, ino, in->pos, in->written, fl,
				    in->error, &out.newsize);
		if (err > 0)
			err = -err;
	} else if (lazy && (fl & FUSE_IOMAP_IOEND_F_APPEND) && !in->error && end > size) {
		out.newsize = end;
	} else if (!lazy && (fl & FUSE_IOMAP_IOEND_F_APPEND) && !in->error &&
		   end > size + (iomap_blocksize(im) - 1 - (size + iomap_blocksize(im) - 1) %
				 iomap_blocksize(im))) {
		/*
		 * A whole layout has a fixed size (famfs) and the library cannot
		 * record growth. Written blocks past the last block of the file
		 * (served from a cached mapping, so BEGIN never said EFBIG) are
		 * refused as the classic engine refuses them, instead of being
		 * acknowledged with the size change dropped. Within the last
		 * block writeback covers whole blocks, so the end says nothing.
		 */
		err = -EFBIG;
	}
	if (err) {
		fuse_reply_err(req, -err);
		return;
	}
	if (lazy && out.newsize != size)
		fuse_iomap_set_size(im, ino, out.newsize);
	fuse_reply_buf(req, (const char *)&out, d->size.ioend_out);
}

static void do_config(fuse_req_t req, struct fuse_iomap *im,
		      const struct fuse_iomap_config_in *in)
{
	const struct fuse_dialect *d = im->dialect;
	struct fuse_iomap_config_out out;
	size_t len;

	/* iomap is negotiated now: register the block devices (spec 4.3 order) */
	if (iomap_register_block_devices(im) == 0)
		iomap_bpf_attach_iomap(im);
	len = iomap_wire_config(d, &im->params.config, iomap_blocksize(im), in->flags, &out);
	fuse_reply_buf(req, (const char *)&out, len);
}

static void do_get_fmap(fuse_req_t req, struct fuse_iomap *im, uint64_t ino,
			const void *fixed, size_t fixed_len)
{
	const struct fuse_dialect *d = im->dialect;
	uint32_t bufsize;
	struct iomap_fmap_src src = { 0 };
	struct iomap_fmap_buf b = { 0 };
	struct fuse_iomap_interleave il;
	struct fuse_iomap_strip strips[FUSE_IOMAP_MAX_STRIPS];
	uint32_t *devindex = NULL;
	struct iomap_layout *l;
	size_t n = 0, i;
	int err = 0;

	/*
	 * V10 and post-V10 both say minor 46; post-V10 sends GET_FMAP with an
	 * in-arg carrying its buffer size (spec 6.2). The request tells which.
	 * Of the two stored post-V10 variants one refuses interleaves; both
	 * accept simple extents without a cap, so stripes are unrolled (the
	 * "simple" table) and either variant takes the fmap.
	 */
	if (fixed_len) {
		const struct fuse_dialect *post =
			fuse_dialect_get(FUSE_DIALECT_FAMFS_POST_V10_SIMPLE);

		if (post && fixed_len >= post->size.get_fmap_in && d != post && !d->bpf) {
			im->dialect = d = post;
			fuse_log(FUSE_LOG_INFO,
				 "fuse_iomap: GET_FMAP carries a buffer size: the kernel is %s\n",
				 d->name);
		}
	}
	bufsize = d->lim.fmap_first_buf;
	if (d->size.get_fmap_in) {
		const struct fuse_getxattr_in *gi = req_arg(fixed, fixed_len, d->size.get_fmap_in);

		if (!gi) {
			fuse_reply_err(req, EINVAL);
			return;
		}
		bufsize = gi->size;
	}
	if (bufsize > d->lim.fmap_buf_max)
		bufsize = d->lim.fmap_buf_max;

	pthread_rwlock_rdlock(&im->layouts.lock);
	l = iomap_table_get(&im->layouts, ino);
	if (!l) {
		err = -ENOENT;
	} else if (l->kind == IOMAP_LAYOUT_LAZY) {
		err = -EOPNOTSUPP;
	} else {
		src.size = l->size;
		n = l->kind == IOMAP_LAYOUT_EXTENTS ? l->count : l->il->nstrips;
		devindex = calloc(n ? n : 1, sizeof(*devindex));
		if (!devindex) {
			err = -ENOMEM;
		} else if (l->kind == IOMAP_LAYOUT_EXTENTS) {
			src.ext = malloc((n ? n : 1) * sizeof(*src.ext));
			if (!src.ext)
				err = -ENOMEM;
			else
				memcpy((void *)src.ext, l->ext, n * sizeof(*src.ext));
			src.count = n;
			for (i = 0; !err && i < n; i++)
				devindex[i] = iomap_dax_index(im, l->ext[i].dev);
		} else {
			il.nstrips = l->il->nstrips;
			il.chunk = (uint32_t)l->il->chunk;
			il.size = l->il->size;
			for (i = 0; i < il.nstrips; i++) {
				strips[i].dev = l->il->strip[i].dev;
				strips[i].reserved = 0;
				strips[i].base = l->il->strip[i].base;
				devindex[i] = iomap_dax_index(im, strips[i].dev);
			}
			il.strips = strips;
			src.il = &il;
		}
	}
	pthread_rwlock_unlock(&im->layouts.lock);
	src.devindex = devindex;

	if (!err) {
		b.cap = d->lim.fmap_buf_max;
		b.data = malloc(b.cap);
		if (!b.data)
			err = -ENOMEM;
		else
			err = iomap_wire_fmap(d, &src, &b);
	}
	if (err) {
		if (err == -EOPNOTSUPP)
			fuse_log(FUSE_LOG_ERR,
				 "fuse_iomap: inode %llu has a lazy layout; a famfs fmap needs the whole layout\n",
				 (unsigned long long)ino);
		fuse_reply_err(req, -err);
	} else if (b.len > bufsize) {
		/* post-V10: the header alone says how big a buffer to ask with */
		if (d->size.get_fmap_in)
			fuse_reply_buf(req, b.data, d->size.fmap_header);
		else {
			fuse_log(FUSE_LOG_ERR,
				 "fuse_iomap: inode %llu: the fmap is %zu bytes; the %s kernel takes %u\n",
				 (unsigned long long)ino, b.len, d->name, bufsize);
			fuse_reply_err(req, EFBIG);
		}
	} else {
		fuse_reply_buf(req, b.data, b.len);
	}
	free(b.data);
	free((void *)src.ext);
	free(devindex);
}

static void do_get_daxdev(fuse_req_t req, struct fuse_iomap *im, uint64_t index)
{
	struct fuse_daxdev_out out;
	uint32_t i;

	for (i = 0; i < im->ndevs; i++) {
		const struct iomap_dev *dev = &im->devs[i];

		if (dev->kind != FUSE_IOMAP_DEV_BLOCK && dev->dax_index == index) {
			if (!dev->path) {
				fuse_log(FUSE_LOG_ERR,
					 "fuse_iomap: daxdev %llu has no path to send\n",
					 (unsigned long long)index);
				break;
			}
			iomap_wire_daxdev(dev->path, (uint32_t)index, &out);
			fuse_reply_buf(req, (const char *)&out, im->dialect->size.daxdev_out);
			return;
		}
	}
	fuse_log(FUSE_LOG_ERR, "fuse_iomap: the kernel asked for unknown daxdev %llu\n",
		 (unsigned long long)index);
	fuse_reply_err(req, ENODEV);
}

int iomap_dispatch(struct fuse_req *req, void *priv, const struct fuse_in_header *in,
		   const void *fixed, size_t fixed_len,
		   const void *payload, size_t payload_len)
{
	struct fuse_iomap *im = priv;
	const struct fuse_dialect *d = im->dialect;
	uint32_t op = in->opcode;
	const void *arg;
	int err;

	(void)payload;
	(void)payload_len;
	if (!im->init_done || im->choice.path == FUSE_DPATH_CLASSIC || !d)
		return -ENOSYS;

	if (d->op.iomap_begin && op == d->op.iomap_begin) {
		arg = req_arg(fixed, fixed_len, d->size.begin_in);
		if (!arg)
			goto inval;
		do_begin(req, im, in->nodeid, arg);
	} else if (d->op.iomap_end && op == d->op.iomap_end) {
		if (!req_arg(fixed, fixed_len, d->size.end_in))
			goto inval;
		fuse_reply_err(req, 0);
	} else if (d->op.iomap_ioend && op == d->op.iomap_ioend) {
		arg = req_arg(fixed, fixed_len, d->size.ioend_in);
		if (!arg)
			goto inval;
		do_ioend(req, im, in->nodeid, arg);
	} else if (d->op.iomap_config && op == d->op.iomap_config) {
		arg = req_arg(fixed, fixed_len, d->size.config_in);
		if (!arg)
			goto inval;
		do_config(req, im, arg);
	} else if (d->op.freeze_fs && op == d->op.freeze_fs) {
		const struct fuse_freezefs_in *f = req_arg(fixed, fixed_len, d->size.freezefs_in);

		if (!f)
			goto inval;
		err = im->ops.freeze ? im->ops.freeze(im->userdata, f->unlinked) : -ENOSYS;
		fuse_reply_err(req, err < 0 ? -err : err);
	} else if (d->op.unfreeze_fs && op == d->op.unfreeze_fs) {
		err = im->ops.unfreeze ? im->ops.unfreeze(im->userdata) : 0;
		fuse_reply_err(req, err < 0 ? -err : err);
	} else if (d->op.shutdown_fs && op == d->op.shutdown_fs) {
		const struct fuse_shutdownfs_in *s = req_arg(fixed, fixed_len, d->size.shutdownfs_in);

		if (!s)
			goto inval;
		if (im->ops.shutdown)
			im->ops.shutdown(im->userdata, s->flags);
		fuse_reply_err(req, 0);
	} else if (d->op.syncfs && op == d->op.syncfs && im->ops.syncfs) {
		err = im->ops.syncfs(im->userdata);
		fuse_reply_err(req, err < 0 ? -err : err);
	} else if (d->op.get_fmap && op == d->op.get_fmap) {
		do_get_fmap(req, im, in->nodeid, fixed, fixed_len);
	} else if (d->op.get_daxdev && op == d->op.get_daxdev) {
		/* the index travels in nodeid; there is no in-arg (spec 4.4) */
		do_get_daxdev(req, im, in->nodeid);
	} else {
		return -ENOSYS;
	}
	return 0;
inval:
	fuse_log(FUSE_LOG_ERR, "fuse_iomap: opcode %u: %zu-byte argument is too short\n",
		 op, fixed_len);
	fuse_reply_err(req, EINVAL);
	return 0;
}
