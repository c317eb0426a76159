// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse4fs: file and directory handle operations, statfs, fallocate,
 * lseek, copy_file_range, FIEMAP ioctl, init/destroy.
 */
#include "f4.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/statvfs.h>
#include <linux/fs.h>
#include <linux/fiemap.h>

void f4_ops_file(struct fuse_lowlevel_ops *o);

static void f4_op_init(void *userdata, struct fuse_conn_info *conn)
{
	struct f4 *f4 = userdata;

	if (conn->capable & FUSE_CAP_EXPORT_SUPPORT)
		conn->want |= FUSE_CAP_EXPORT_SUPPORT;
	if (conn->capable & FUSE_CAP_CACHE_SYMLINKS)
		conn->want |= FUSE_CAP_CACHE_SYMLINKS;
	if (conn->capable & FUSE_CAP_READDIRPLUS)
		conn->want |= FUSE_CAP_READDIRPLUS | FUSE_CAP_READDIRPLUS_AUTO;
	if (conn->capable & FUSE_CAP_ASYNC_READ)
		conn->want |= FUSE_CAP_ASYNC_READ;
	if (f4->o.writeback && !f4->ro &&
	    (conn->capable & FUSE_CAP_WRITEBACK_CACHE))
		conn->want |= FUSE_CAP_WRITEBACK_CACHE;
	else
		conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
	/* no splice: data is copied from our own buffers */
	conn->want &= ~(FUSE_CAP_SPLICE_READ | FUSE_CAP_SPLICE_WRITE |
			FUSE_CAP_SPLICE_MOVE);
	conn->max_write = 1U << 20;	/* 256 pages per request (max_pages) */
	conn->max_readahead = 1U << 20;
	conn->time_gran = 1;
}

static void f4_op_destroy(void *userdata)
{
	struct f4 *f4 = userdata;

	f4_wrlock(f4);
	f4->shutdown = true;
	f4_unlock(f4);
}

static void f4_op_open(fuse_req_t req, fuse_ino_t n, struct fuse_file_info *fi)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_inode_large in;
	ext2_ino_t ino;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (ret)
		goto out;
	if ((fi->flags & O_ACCMODE) != O_RDONLY && !f4_writable(f4)) {
		ret = EROFS;
		goto out;
	}
	f4_rdlock(f4);
	pthread_mutex_lock(&f4->map_lock);
	ret = f4_read_inode(f4, ino, &in);
	pthread_mutex_unlock(&f4->map_lock);
	f4_unlock(f4);
	if (ret)
		goto out;
	if (LINUX_S_ISDIR(in.i_mode)) {
		ret = EISDIR;
		goto out;
	}
	if ((fi->flags & O_ACCMODE) != O_RDONLY &&
	    (in.i_flags & (EXT2_IMMUTABLE_FL))) {
		ret = EPERM;
		goto out;
	}
	fi->keep_cache = 1;
	fi->fh = ino;
	f4_node_ref(f4, ino, 0, 1);
	if (fuse_reply_open(req, fi) == -ENOENT)
		f4_node_unref(f4, ino, 0, 1);
	return;
out:
	fuse_reply_err(req, ret);
}

static void f4_op_release(fuse_req_t req, fuse_ino_t n,
			  struct fuse_file_info *fi)
{
	struct f4 *f4 = f4_from_req(req);
	ext2_ino_t ino = f4_ino(n);

	if (f4_node_unref(f4, ino, 0, 1))
		f4_defer_free(f4, ino);
	fuse_reply_err(req, 0);
}

static void f4_op_read(fuse_req_t req, fuse_ino_t n, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct f4 *f4 = f4_from_req(req);
	ext2_ino_t ino;
	ssize_t got;
	char *buf;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (ret) {
		fuse_reply_err(req, ret);
		return;
	}
	if (size > (64U << 20))
		size = 64U << 20;
	buf = malloc(size ? size : 1);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	f4_rdlock(f4);
	got = f4_data_read(f4, ino, buf, size, off);
	f4_unlock(f4);
	if (got < 0)
		fuse_reply_err(req, (int)-got);
	else
		fuse_reply_buf(req, buf, (size_t)got);
	free(buf);
}

static void f4_op_write(fuse_req_t req, fuse_ino_t n, const char *buf,
			size_t size, off_t off, struct fuse_file_info *fi)
{
	struct f4 *f4 = f4_from_req(req);
	ext2_ino_t ino;
	ssize_t w;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (ret) {
		fuse_reply_err(req, ret);
		return;
	}
	f4_wrlock(f4);
	if (!f4_writable(f4))
		w = -EROFS;
	else
		w = f4_data_write(f4, ino, buf, size, off);
	f4_unlock(f4);
	if (w < 0)
		fuse_reply_err(req, (int)-w);
	else
		fuse_reply_write(req, (size_t)w);
}

static void f4_op_fsync(fuse_req_t req, fuse_ino_t n, int datasync,
			struct fuse_file_info *fi)
{
	struct f4 *f4 = f4_from_req(req);
	int ret;

	f4_wrlock(f4);
	ret = f4_fs_sync(f4, false);
	f4_unlock(f4);
	fuse_reply_err(req, ret);
}

static void f4_op_opendir(fuse_req_t req, fuse_ino_t n,
			  struct fuse_file_info *fi)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_inode_large in;
	ext2_ino_t ino;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (!ret) {
		f4_rdlock(f4);
		pthread_mutex_lock(&f4->map_lock);
		ret = f4_read_inode(f4, ino, &in);
		pthread_mutex_unlock(&f4->map_lock);
		f4_unlock(f4);
	}
	if (!ret && !LINUX_S_ISDIR(in.i_mode))
		ret = ENOTDIR;
	if (ret) {
		fuse_reply_err(req, ret);
		return;
	}
	fi->fh = ino;
	fi->cache_readdir = 0;
	fuse_reply_open(req, fi);
}

struct f4_rdbuf {
	fuse_req_t req;
	struct f4 *f4;
	char *buf;
	size_t size;
	size_t pos;
	bool plus;
	int err;
};

static int f4_rd_fill(void *priv, const char *name, int namelen,
		      ext2_ino_t ino, int ftype, off_t next_off)
{
	struct f4_rdbuf *rb = priv;
	struct fuse_entry_param e;
	char nm[EXT2_NAME_LEN + 1];
	bool dot;
	size_t need;
	int ret;

	memcpy(nm, name, namelen);
	nm[namelen] = 0;
	dot = (namelen == 1 && name[0] == '.') ||
	      (namelen == 2 && name[0] == '.' && name[1] == '.');
	if (!rb->plus) {
		struct stat st = { .st_ino = f4_nodeid(ino) };

		switch (ftype) {
		case EXT2_FT_DIR: st.st_mode = S_IFDIR; break;
		case EXT2_FT_REG_FILE: st.st_mode = S_IFREG; break;
		case EXT2_FT_SYMLINK: st.st_mode = S_IFLNK; break;
		case EXT2_FT_CHRDEV: st.st_mode = S_IFCHR; break;
		case EXT2_FT_BLKDEV: st.st_mode = S_IFBLK; break;
		case EXT2_FT_FIFO: st.st_mode = S_IFIFO; break;
		case EXT2_FT_SOCK: st.st_mode = S_IFSOCK; break;
		default: st.st_mode = 0;
		}
		need = fuse_add_direntry(rb->req, rb->buf + rb->pos,
					 rb->size - rb->pos, nm, &st, next_off);
		if (need > rb->size - rb->pos)
			return 1;
		rb->pos += need;
		return 0;
	}
	memset(&e, 0, sizeof(e));
	if (dot) {
		e.attr.st_ino = f4_nodeid(ino);
		e.attr.st_mode = S_IFDIR;
	} else {
		ret = f4_fill_entry(rb->f4, ino, &e);
		if (ret) {
			rb->err = ret;
			return 1;
		}
	}
	need = fuse_add_direntry_plus(rb->req, rb->buf + rb->pos,
				      rb->size - rb->pos, nm, &e, next_off);
	if (need > rb->size - rb->pos)
		return 1;
	if (!dot)
		f4_node_ref(rb->f4, ino, 1, 0);
	rb->pos += need;
	return 0;
}

static void f4_do_readdir(fuse_req_t req, fuse_ino_t n, size_t size, off_t off,
			  struct fuse_file_info *fi, bool plus)
{
	struct f4 *f4 = f4_from_req(req);
	struct f4_rdbuf rb = { .req = req, .f4 = f4, .size = size, .plus = plus };
	ext2_ino_t ino;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (ret) {
		fuse_reply_err(req, ret);
		return;
	}
	if (size > (1U << 20))
		rb.size = size = 1U << 20;
	rb.buf = malloc(size ? size : 1);
	if (!rb.buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	f4_rdlock(f4);
	pthread_mutex_lock(&f4->map_lock);
	ret = f4_dir_read(f4, ino, off, f4_rd_fill, &rb);
	pthread_mutex_unlock(&f4->map_lock);
	f4_unlock(f4);
	if (!ret && rb.err && rb.pos == 0)
		ret = rb.err;
	if (ret)
		fuse_reply_err(req, ret);
	else
		fuse_reply_buf(req, rb.buf, rb.pos);
	free(rb.buf);
}

static void f4_op_readdir(fuse_req_t req, fuse_ino_t n, size_t size, off_t off,
			  struct fuse_file_info *fi)
{
	f4_do_readdir(req, n, size, off, fi, false);
}

static void f4_op_readdirplus(fuse_req_t req, fuse_ino_t n, size_t size,
			      off_t off, struct fuse_file_info *fi)
{
	f4_do_readdir(req, n, size, off, fi, true);
}

static void f4_op_releasedir(fuse_req_t req, fuse_ino_t n,
			     struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

static void f4_op_statfs(fuse_req_t req, fuse_ino_t n)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_super_block *sb;
	struct statvfs sv;
	blk64_t free_b, resv;

	memset(&sv, 0, sizeof(sv));
	f4_rdlock(f4);
	pthread_mutex_lock(&f4->map_lock);
	sb = f4->fs->super;
	free_b = ext2fs_free_blocks_count(sb);
	resv = ext2fs_r_blocks_count(sb);
	sv.f_bsize = f4->blocksize;
	sv.f_frsize = f4->blocksize;
	sv.f_blocks = ext2fs_blocks_count(sb);
	sv.f_bfree = free_b;
	sv.f_bavail = free_b > resv ? free_b - resv : 0;
	sv.f_files = sb->s_inodes_count;
	sv.f_ffree = sb->s_free_inodes_count;
	sv.f_favail = sb->s_free_inodes_count;
	sv.f_namemax = EXT2_NAME_LEN;
	memcpy(&sv.f_fsid, sb->s_uuid, sizeof(sv.f_fsid));
	pthread_mutex_unlock(&f4->map_lock);
	f4_unlock(f4);
	fuse_reply_statfs(req, &sv);
}

static void f4_op_fallocate(fuse_req_t req, fuse_ino_t n, int mode,
			    off_t off, off_t len, struct fuse_file_info *fi)
{
	struct f4 *f4 = f4_from_req(req);
	ext2_ino_t ino;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (!ret) {
		f4_wrlock(f4);
		ret = f4_writable(f4) ? f4_fallocate(f4, ino, mode, off, len) :
					EROFS;
		f4_unlock(f4);
	}
	fuse_reply_err(req, ret);
}

static void f4_op_lseek(fuse_req_t req, fuse_ino_t n, off_t off, int whence,
			struct fuse_file_info *fi)
{
	struct f4 *f4 = f4_from_req(req);
	ext2_ino_t ino;
	off_t res = 0;
	int ret;

	if (whence != SEEK_DATA && whence != SEEK_HOLE) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	ret = f4_ino_valid(f4, n, &ino);
	if (!ret) {
		f4_rdlock(f4);
		pthread_mutex_lock(&f4->map_lock);
		ret = f4_seek_data(f4, ino, off, whence, &res);
		pthread_mutex_unlock(&f4->map_lock);
		f4_unlock(f4);
	}
	if (ret)
		fuse_reply_err(req, ret);
	else
		fuse_reply_lseek(req, res);
}

static void f4_op_copy_file_range(fuse_req_t req, fuse_ino_t n_in,
				  off_t off_in, struct fuse_file_info *fi_in,
				  fuse_ino_t n_out, off_t off_out,
				  struct fuse_file_info *fi_out, size_t len,
				  int flags)
{
	struct f4 *f4 = f4_from_req(req);
	ext2_ino_t src, dst;
	size_t done = 0, chunk;
	ssize_t r = 0, w;
	char *buf;
	int ret;

	if (flags) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	ret = f4_ino_valid(f4, n_in, &src);
	if (!ret)
		ret = f4_ino_valid(f4, n_out, &dst);
	if (ret) {
		fuse_reply_err(req, ret);
		return;
	}
	buf = malloc(1U << 20);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	f4_wrlock(f4);
	if (!f4_writable(f4))
		ret = EROFS;
	while (!ret && done < len) {
		chunk = len - done > (1U << 20) ? (1U << 20) : len - done;
		r = f4_data_read(f4, src, buf, chunk, off_in + (off_t)done);
		if (r <= 0) {
			if (r < 0)
				ret = (int)-r;
			break;
		}
		w = f4_data_write(f4, dst, buf, (size_t)r, off_out + (off_t)done);
		if (w < 0) {
			ret = (int)-w;
			break;
		}
		done += (size_t)w;
		if ((size_t)r < chunk)
			break;
	}
	f4_unlock(f4);
	free(buf);
	if (ret && done == 0)
		fuse_reply_err(req, ret);
	else
		fuse_reply_write(req, done);
}

/*
 * FS_IOC_FIEMAP through FUSE_IOCTL.  Note: the stock kernel answers
 * FS_IOC_FIEMAP in the VFS (ioctl_fiemap needs ->fiemap, which FUSE does
 * not have without iomap), so this is only reached through a kernel or
 * transport that forwards it.  Output is bounded by out_bufsz.
 */
static void f4_fiemap(fuse_req_t req, struct f4 *f4, ext2_ino_t ino,
		      const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
	struct fiemap fm, *out;
	struct fiemap_extent *fe;
	struct ext2_inode_large in;
	blk64_t lblk, last;
	uint64_t end, isize;
	struct f4_map m;
	unsigned int max, cnt = 0;
	size_t osz;
	int ret;

	if (in_bufsz < sizeof(fm)) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	memcpy(&fm, in_buf, sizeof(fm));
	if (fm.fm_flags & ~FIEMAP_FLAG_SYNC) {
		fuse_reply_err(req, EBADR);
		return;
	}
	max = fm.fm_extent_count;
	if (out_bufsz < sizeof(fm)) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	if (max > (out_bufsz - sizeof(fm)) / sizeof(*fe))
		max = (unsigned int)((out_bufsz - sizeof(fm)) / sizeof(*fe));
	osz = sizeof(fm) + (size_t)max * sizeof(*fe);
	out = calloc(1, osz);
	if (!out) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	*out = fm;
	f4_rdlock(f4);
	pthread_mutex_lock(&f4->map_lock);
	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		goto done;
	isize = EXT2_I_SIZE(&in);
	end = fm.fm_length > UINT64_MAX - fm.fm_start ? UINT64_MAX :
	      fm.fm_start + fm.fm_length;
	if (end > isize)
		end = isize;
	if (fm.fm_start >= end)
		goto done;
	lblk = fm.fm_start >> f4->blockbits;
	last = (end - 1) >> f4->blockbits;
	while (lblk <= last) {
		ret = f4_map_range(f4, ino, &in, lblk, last - lblk + 1, &m);
		if (ret)
			break;
		if (m.type != F4_MAP_HOLE) {
			if (max && cnt < max) {
				fe = &out->fm_extents[cnt];
				fe->fe_logical = m.lblk << f4->blockbits;
				fe->fe_length = m.len << f4->blockbits;
				if (m.type == F4_MAP_INLINE) {
					fe->fe_flags = FIEMAP_EXTENT_DATA_INLINE |
						       FIEMAP_EXTENT_NOT_ALIGNED;
					fe->fe_length = isize;
				} else {
					fe->fe_physical = m.pblk << f4->blockbits;
					if (m.type == F4_MAP_UNWRITTEN)
						fe->fe_flags = FIEMAP_EXTENT_UNWRITTEN;
				}
			}
			cnt++;
			if (max && cnt >= max)
				break;
		}
		lblk += m.len;
	}
	if (!ret && cnt && max && cnt <= max && lblk > last)
		out->fm_extents[cnt - 1].fe_flags |= FIEMAP_EXTENT_LAST;
done:
	pthread_mutex_unlock(&f4->map_lock);
	f4_unlock(f4);
	if (ret) {
		fuse_reply_err(req, ret);
	} else {
		out->fm_mapped_extents = cnt > max && max ? max : cnt;
		fuse_reply_ioctl(req, 0, out, max ? osz : sizeof(fm));
	}
	free(out);
}

#if FUSE_USE_VERSION < 35
static void f4_op_ioctl(fuse_req_t req, fuse_ino_t n, int cmd, void *arg,
#else
static void f4_op_ioctl(fuse_req_t req, fuse_ino_t n, unsigned int cmd, void *arg,
#endif
			struct fuse_file_info *fi, unsigned int flags,
			const void *in_buf, size_t in_bufsz, size_t out_bufsz)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_inode_large in;
	ext2_ino_t ino;
	unsigned int uflags;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (ret) {
		fuse_reply_err(req, ret);
		return;
	}
	switch ((unsigned int)cmd) {
	case FS_IOC_FIEMAP:
		f4_fiemap(req, f4, ino, in_buf, in_bufsz, out_bufsz);
		return;
	case FS_IOC_GETFLAGS:
		if (out_bufsz < sizeof(uflags)) {
			fuse_reply_err(req, EINVAL);
			return;
		}
		f4_rdlock(f4);
		pthread_mutex_lock(&f4->map_lock);
		ret = f4_read_inode(f4, ino, &in);
		pthread_mutex_unlock(&f4->map_lock);
		f4_unlock(f4);
		if (ret) {
			fuse_reply_err(req, ret);
			return;
		}
		uflags = in.i_flags & EXT2_FL_USER_VISIBLE;
		fuse_reply_ioctl(req, 0, &uflags, sizeof(uflags));
		return;
	default:
		fuse_reply_err(req, ENOTTY);
	}
}

void f4_ops_file(struct fuse_lowlevel_ops *o)
{
	o->init = f4_op_init;
	o->destroy = f4_op_destroy;
	o->open = f4_op_open;
	o->release = f4_op_release;
	o->read = f4_op_read;
	o->write = f4_op_write;
	/*
	 * No flush op: nothing is buffered in the server between a write and
	 * its reply, and without it the kernel stops sending FUSE_FLUSH on
	 * every close (one round trip less per open/close).
	 */
	o->fsync = f4_op_fsync;
	o->opendir = f4_op_opendir;
	o->readdir = f4_op_readdir;
	o->readdirplus = f4_op_readdirplus;
	o->releasedir = f4_op_releasedir;
	o->fsyncdir = f4_op_fsync;
	o->statfs = f4_op_statfs;
	o->fallocate = f4_op_fallocate;
	o->lseek = f4_op_lseek;
	o->copy_file_range = f4_op_copy_file_range;
	o->ioctl = f4_op_ioctl;
}
