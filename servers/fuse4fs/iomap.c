// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse4fs: mapped file I/O through fuse_iomap (see iomap.h).
 *
 * - The image is registered as one device: FUSE_IOMAP_DEV_BLOCK for a block
 *   device, FUSE_IOMAP_DEV_FILE for a regular image file (a real iomap
 *   kernel refuses regular files; the library then stays classic and logs
 *   why, the kernel model accepts them).
 * - IOMAP_CONFIG is answered from the superblock.
 * - Regular files get a lazy layout when the kernel learns their inode
 *   (f4_fill_entry: lookup, create, mknod, link, readdirplus), only on an
 *   iomap connection: on a classic connection fuse4fs serves READ/WRITE
 *   itself, as before.  Layouts are dropped when the node is freed.
 * - map() maps [pos, pos + count) through f4_map_range (map.c).  A write
 *   into a hole of an extent file allocates an UNWRITTEN extent (EXTF_NEW)
 *   that ioend() converts once the data is on the device; block-mapped
 *   files (no unwritten state) get zeroed blocks, MAPPED with EXTF_NEW.
 *   Inline-data files answer FUSE_IOMAP_EXT_INLINE (the library passes
 *   their READ/WRITE to fuse4fs's own read/write).
 * - Block map changes behind the kernel (truncate, punch, zero range,
 *   fallocate, classic writes, un-inlining) invalidate the kernel's cached
 *   mappings through the hooks in f4->iomap_hooks.
 *
 * Locking: callbacks run on FUSE worker threads.  Mapping for reads takes
 * the fs read lock and map_lock (as the read path does); anything that
 * allocates or converts takes the fs write lock.
 */
#include "iomap.h"
#include "bcache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fuse_iomap.h>

/* Longest mapping handed out at once (bounds the bcache writeback per call). */
#define F4_IM_MAX_BLOCKS 8192
/* Longest allocation per map() call for a block-mapped file (block by block). */
#define F4_IM_BMAP_ALLOC 256

struct f4_im {
	struct fuse_iomap *im;
	struct fuse_iomap_params params;
	uint32_t dev;		/**< device id of the image */
};

static struct f4_im *f4_im(struct f4 *f4)
{
	return f4->iomap;
}

static bool f4_im_active(struct f4 *f4)
{
	struct f4_im *fi = f4_im(f4);
	enum fuse_iomap_path p;

	if (!fi || !fi->im)
		return false;
	p = fuse_iomap_conn_path(fi->im);
	return p == FUSE_IOMAP_PATH_IOMAP || p == FUSE_IOMAP_PATH_IOMAP_BPF;
}

/* ------------------------------------------------------------ hooks */

static void f4_im_known(struct f4 *f4, ext2_ino_t ino, uint64_t size)
{
	struct f4_im *fi = f4_im(f4);
	int ret;

	if (!f4_im_active(f4))
		return;
	ret = fuse_iomap_set_size(fi->im, f4_nodeid(ino), size);
	if (ret == -ENOENT)
		ret = fuse_iomap_set_lazy(fi->im, f4_nodeid(ino), size);
	if (ret && f4->o.debug)
		fprintf(stderr, "fuse4fs: iomap: inode %u: no layout: %s\n",
			ino, strerror(-ret));
}

static void f4_im_changed(struct f4 *f4, ext2_ino_t ino, uint64_t off,
			  uint64_t len, uint64_t size)
{
	struct f4_im *fi = f4_im(f4);

	if (!f4_im_active(f4))
		return;
	if (fuse_iomap_set_size(fi->im, f4_nodeid(ino), size) == -ENOENT)
		return;	/* the kernel holds no mapping of it */
	fuse_iomap_invalidate(fi->im, f4_nodeid(ino), off, len);
}

static void f4_im_forget(struct f4 *f4, ext2_ino_t ino)
{
	struct f4_im *fi = f4_im(f4);

	if (fi && fi->im)
		fuse_iomap_forget(fi->im, f4_nodeid(ino));
}

static const struct f4_iomap_hooks f4_im_hooks = {
	.known = f4_im_known,
	.changed = f4_im_changed,
	.forget = f4_im_forget,
};

/* ------------------------------------------------------------ map */

/*
 * Nothing cached by libext2fs may be newer than the device for blocks the
 * kernel reads, or outlive what the kernel writes there (a dirty or stale
 * copy, e.g. a tail block zeroed by truncate, written back later would
 * overwrite the kernel's data).
 */
static int f4_im_sync_cache(struct f4 *f4, const struct fuse_iomap_extent *e)
{
	unsigned long long b0, nb;

	if (e->type != FUSE_IOMAP_EXT_MAPPED && e->type != FUSE_IOMAP_EXT_UNWRITTEN)
		return 0;
	b0 = e->dev_offset >> f4->blockbits;
	nb = e->length >> f4->blockbits;
	if (f4_bcache_writeback(f4->fs->io, b0, nb))
		return -EIO;
	f4_bcache_invalidate(f4->fs->io, b0, nb);
	return 0;
}

static void f4_im_fill(struct f4 *f4, const struct f4_map *m,
		       struct fuse_iomap_extent *e)
{
	memset(e, 0, sizeof(*e));
	e->offset = (uint64_t)m->lblk << f4->blockbits;
	e->length = (uint64_t)m->len << f4->blockbits;
	switch (m->type) {
	case F4_MAP_MAPPED:
		e->type = FUSE_IOMAP_EXT_MAPPED;
		break;
	case F4_MAP_UNWRITTEN:
		e->type = FUSE_IOMAP_EXT_UNWRITTEN;
		break;
	case F4_MAP_INLINE:
		e->type = FUSE_IOMAP_EXT_INLINE;
		return;
	default:
		e->type = FUSE_IOMAP_EXT_HOLE;
		return;
	}
	e->dev = f4_im(f4)->dev;
	e->dev_offset = (uint64_t)m->pblk << f4->blockbits;
}

/* Allocate an unwritten extent for the hole [lblk, lblk + len) of an extent file. */
static int f4_im_alloc_unwritten(struct f4 *f4, ext2_ino_t ino,
				 struct ext2_inode_large *in, blk64_t lblk,
				 blk64_t len, struct f4_map *m)
{
	errcode_t err;
	int ret;

	err = ext2fs_fallocate(f4->fs, EXT2_FALLOCATE_FORCE_UNINIT, ino,
			       (struct ext2_inode *)in, ~0ULL, lblk, len);
	if (err)
		return f4_err(f4, err, "iomap allocate", ino);
	ret = f4_write_inode(f4, ino, in);
	if (ret)
		return ret;
	ret = f4_map_range(f4, ino, in, lblk, len, m);
	if (ret)
		return ret;
	if (m->type != F4_MAP_UNWRITTEN)
		return f4_err(f4, EXT2_ET_EXTENT_LEAF_BAD, "iomap allocate", ino);
	return 0;
}

/*
 * Allocate up to @len blocks at @lblk of a block-mapped file: one physically
 * contiguous run, zeroed on the device (block maps have no unwritten state,
 * so the blocks must never show old contents).
 */
static int f4_im_alloc_blockmap(struct f4 *f4, ext2_ino_t ino,
				struct ext2_inode_large *in, blk64_t lblk,
				blk64_t len, struct f4_map *m)
{
	blk64_t i, p, first = 0;
	errcode_t err;
	int ret;

	if (len > F4_IM_BMAP_ALLOC)
		len = F4_IM_BMAP_ALLOC;
	for (i = 0; i < len; i++) {
		p = i ? first + i : 0;	/* goal: continue the run */
		err = ext2fs_bmap2(f4->fs, ino, (struct ext2_inode *)in, NULL,
				   BMAP_ALLOC, lblk + i, NULL, &p);
		if (err) {
			if (i)
				break;	/* keep what we have */
			return f4_err(f4, err, "iomap allocate", ino);
		}
		if (i == 0)
			first = p;
		else if (p != first + i) {
			i++;	/* allocated, but not part of this run */
			break;
		}
	}
	ret = f4_write_inode(f4, ino, in);
	if (ret)
		return ret;
	ret = f4_map_range(f4, ino, in, lblk, len, m);
	if (ret)
		return ret;
	if (m->type != F4_MAP_MAPPED)
		return f4_err(f4, EXT2_ET_BAD_BLOCK_NUM, "iomap allocate", ino);
	ret = f4_zero_phys(f4, (off_t)(m->pblk << f4->blockbits),
			   (size_t)m->len << f4->blockbits);
	return ret;
}

static int f4_im_map(void *ud, fuse_ino_t n, uint64_t pos, uint64_t count,
		     uint32_t flags, struct fuse_iomap_extent *rd,
		     struct fuse_iomap_extent *wr)
{
	struct f4 *f4 = ud;
	bool write = (flags & FUSE_IOMAP_MAP_WRITE) &&
		     !(flags & FUSE_IOMAP_MAP_REPORT);
	bool zero = flags & FUSE_IOMAP_MAP_ZERO;
	uint64_t maxblk = (uint64_t)1 << 32, end;
	struct ext2_inode_large in;
	struct f4_map m, a;
	blk64_t lblk, want;
	ext2_ino_t ino;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (ret)
		return -ret;
	lblk = pos >> f4->blockbits;
	if (lblk >= maxblk)
		return -EFBIG;
	if (count == 0)
		count = 1;
	end = pos + count < pos ? UINT64_MAX : pos + count;
	want = ((end - 1) >> f4->blockbits) - lblk + 1;
	if (want > maxblk - lblk)
		want = maxblk - lblk;
	if (want > F4_IM_MAX_BLOCKS)
		want = F4_IM_MAX_BLOCKS;

	if (write) {
		if (flags & FUSE_IOMAP_MAP_NOWAIT) {
			if (pthread_rwlock_trywrlock(&f4->lock))
				return -EAGAIN;
		} else {
			f4_wrlock(f4);
		}
		if (!f4_writable(f4)) {
			f4_unlock(f4);
			return -EROFS;
		}
	} else {
		if (flags & FUSE_IOMAP_MAP_NOWAIT) {
			if (pthread_rwlock_tryrdlock(&f4->lock))
				return -EAGAIN;
		} else {
			f4_rdlock(f4);
		}
		pthread_mutex_lock(&f4->map_lock);
	}
	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		goto out;
	if (!LINUX_S_ISREG(in.i_mode)) {
		ret = EINVAL;
		goto out;
	}
	if (in.i_flags & EXT4_INLINE_DATA_FL) {
		/* the data lives in the inode: fuse4fs's own read/write serve it */
		memset(rd, 0, sizeof(*rd));
		rd->offset = (uint64_t)lblk << f4->blockbits;
		rd->length = (uint64_t)want << f4->blockbits;
		rd->type = FUSE_IOMAP_EXT_INLINE;
		goto out;
	}
	ret = f4_map_range(f4, ino, &in, lblk, want, &m);
	if (ret)
		goto out;
	if (m.type == F4_MAP_INLINE || m.len == 0 || m.lblk != lblk) {
		ret = EIO;
		goto out;
	}
	f4_im_fill(f4, &m, rd);
	if (write && !zero && m.type == F4_MAP_HOLE) {
		if (in.i_flags & EXT4_EXTENTS_FL)
			ret = f4_im_alloc_unwritten(f4, ino, &in, lblk, m.len, &a);
		else
			ret = f4_im_alloc_blockmap(f4, ino, &in, lblk, m.len, &a);
		if (ret)
			goto out;
		f4_im_fill(f4, &a, wr);
		wr->flags |= FUSE_IOMAP_EXTF_NEW;
		/* the read side is the hole that was there (partial blocks read zeros) */
		rd->length = wr->length;
		ret = -f4_im_sync_cache(f4, wr);
	} else {
		/* overwrite in place (mapped or unwritten): write.length stays 0 */
		ret = -f4_im_sync_cache(f4, rd);
	}
out:
	if (!write)
		pthread_mutex_unlock(&f4->map_lock);
	f4_unlock(f4);
	return -ret;
}

/* Zero the bytes of blocks [lblk, lblk + n) at pblk outside [pos, end). */
static int f4_im_zero_edges(struct f4 *f4, const struct f4_map *m, blk64_t lblk,
			    blk64_t n, uint64_t pos, uint64_t end)
{
	uint64_t s = (uint64_t)lblk << f4->blockbits;
	uint64_t e = (uint64_t)(lblk + n) << f4->blockbits;
	uint64_t phys = (uint64_t)(m->pblk + (lblk - m->lblk)) << f4->blockbits;
	int ret;

	if (pos > s) {
		ret = f4_zero_phys(f4, (off_t)phys, pos - s);
		if (ret)
			return ret;
	}
	if (end < e)
		return f4_zero_phys(f4, (off_t)(phys + (end - s)), e - end);
	return 0;
}

#define F4_IM_EXT_INIT_MAX 32768	/* EXT_INIT_MAX_LEN */

/*
 * After converting the extent starting at @lblk: merge it into its left
 * neighbour when that one is written and logically and physically
 * contiguous (streaming writeback would otherwise leave one extent per
 * IOEND).  Best effort: any surprise leaves the tree as it is.
 */
static int f4_im_merge_left(struct f4 *f4, ext2_ino_t ino,
			    struct ext2_inode_large *in, blk64_t lblk)
{
	struct ext2fs_extent mid, prev;
	ext2_extent_handle_t h;
	errcode_t err;

	if (lblk == 0 || !(in->i_flags & EXT4_EXTENTS_FL))
		return 0;
	err = ext2fs_extent_open2(f4->fs, ino, (struct ext2_inode *)in, &h);
	if (err)
		return f4_err(f4, err, "extent open", ino);
	if (ext2fs_extent_goto2(h, 0, lblk) ||
	    ext2fs_extent_get(h, EXT2_EXTENT_CURRENT, &mid) ||
	    mid.e_lblk != lblk || (mid.e_flags & EXT2_EXTENT_FLAGS_UNINIT) ||
	    ext2fs_extent_goto2(h, 0, lblk - 1) ||
	    ext2fs_extent_get(h, EXT2_EXTENT_CURRENT, &prev) ||
	    (prev.e_flags & EXT2_EXTENT_FLAGS_UNINIT) ||
	    prev.e_lblk + prev.e_len != lblk ||
	    prev.e_pblk + prev.e_len != mid.e_pblk ||
	    (uint64_t)prev.e_len + mid.e_len > F4_IM_EXT_INIT_MAX) {
		ext2fs_extent_free(h);
		return 0;
	}
	/*
	 * Drop the right one, then grow the left one over its range (the
	 * other order would leave two extents mapping the same blocks).
	 */
	err = ext2fs_extent_goto2(h, 0, lblk);
	if (!err)
		err = ext2fs_extent_get(h, EXT2_EXTENT_CURRENT, &mid);
	if (!err && mid.e_lblk != lblk)
		err = EXT2_ET_EXTENT_NOT_FOUND;
	if (!err)
		err = ext2fs_extent_delete(h, 0);
	if (!err) {
		ext2fs_extent_fix_parents(h);
		err = ext2fs_extent_goto2(h, 0, lblk - 1);
		if (!err)
			err = ext2fs_extent_get(h, EXT2_EXTENT_CURRENT, &prev);
		if (!err && prev.e_lblk + prev.e_len != lblk)
			err = EXT2_ET_EXTENT_NOT_FOUND;
		if (!err) {
			prev.e_len += mid.e_len;
			err = ext2fs_extent_replace(h, 0, &prev);
		}
		if (!err)
			err = ext2fs_extent_fix_parents(h);
		if (err) {
			/* put the right one back where it was */
			ext2fs_extent_goto2(h, 0, lblk - 1);
			if (ext2fs_extent_insert(h, EXT2_EXTENT_INSERT_AFTER, &mid) == 0)
				ext2fs_extent_fix_parents(h);
		}
	}
	ext2fs_extent_free(h);
	if (err)
		return f4_err(f4, err, "extent merge", ino);
	return 0;
}

static int f4_im_ioend(void *ud, fuse_ino_t n, uint64_t pos, uint64_t written,
		       uint32_t flags, int error, uint64_t *newsize)
{
	struct f4 *f4 = ud;
	struct ext2_inode_large in;
	uint64_t end = pos + written;
	blk64_t lblk, last, nb;
	struct f4_map m;
	ext2_ino_t ino;
	errcode_t err;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (ret)
		return -ret;
	if (end < pos || (written && ((end - 1) >> f4->blockbits) >= ((uint64_t)1 << 32)))
		return -EFBIG;
	f4_wrlock(f4);
	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		goto out;
	if (!LINUX_S_ISREG(in.i_mode)) {
		ret = EINVAL;
		goto out;
	}
	if (error || !written) {
		*newsize = EXT2_I_SIZE(&in);
		goto out;
	}
	if (!f4_writable(f4)) {
		ret = EROFS;
		goto out;
	}
	if ((flags & FUSE_IOMAP_IOEND_F_UNWRITTEN) &&
	    !(in.i_flags & EXT4_INLINE_DATA_FL)) {
		lblk = pos >> f4->blockbits;
		last = (end - 1) >> f4->blockbits;
		while (lblk <= last) {
			ret = f4_map_range(f4, ino, &in, lblk, last - lblk + 1, &m);
			if (ret)
				goto out;
			if (m.len == 0 || m.lblk != lblk) {
				ret = EIO;
				goto out;
			}
			nb = m.len;
			if (nb > last - lblk + 1)
				nb = last - lblk + 1;
			if (m.type == F4_MAP_UNWRITTEN) {
				/* bytes of these blocks nobody wrote become visible: zero them */
				ret = f4_im_zero_edges(f4, &m, lblk, nb, pos, end);
				if (!ret)
					ret = f4_mark_written(f4, ino, &in, lblk, nb);
				if (!ret)
					ret = f4_im_merge_left(f4, ino, &in, lblk);
				if (ret)
					goto out;
			}
			lblk += nb;
		}
	}
	if ((flags & FUSE_IOMAP_IOEND_F_APPEND) && end > EXT2_I_SIZE(&in)) {
		err = ext2fs_inode_size_set(f4->fs, (struct ext2_inode *)&in, end);
		if (err) {
			ret = f4_err(f4, err, "set size", ino);
			goto out;
		}
	}
	f4_touch(&in, F4_MTIME | F4_CTIME);
	ret = f4_write_inode(f4, ino, &in);
	if (!ret)
		*newsize = EXT2_I_SIZE(&in);
out:
	f4_unlock(f4);
	return -ret;
}

static int f4_im_sync(void *ud)
{
	struct f4 *f4 = ud;
	int ret = 0;

	f4_wrlock(f4);
	if (f4_writable(f4) || (f4->fs->flags & EXT2_FLAG_RW))
		ret = f4_fs_sync(f4, false);
	f4_unlock(f4);
	return -ret;
}

static int f4_im_freeze(void *ud, uint64_t unlinked)
{
	(void)unlinked;
	return f4_im_sync(ud);
}

static int f4_im_unfreeze(void *ud)
{
	(void)ud;
	return 0;
}

static void f4_im_shutdown(void *ud, uint64_t flags)
{
	struct f4 *f4 = ud;

	(void)flags;
	f4_wrlock(f4);
	f4->shutdown = true;
	f4_unlock(f4);
}

/* ------------------------------------------------------------ setup */

int f4_iomap_parse(struct f4 *f4, struct fuse_args *args)
{
	struct f4_im *fi = calloc(1, sizeof(*fi));

	if (!fi)
		return -1;
	fi->params.serves = FUSE_IOMAP_SERVES_BLOCK;
	fi->params.mode = FUSE_IOMAP_MODE_AUTO;
	if (fuse_iomap_parse_opts(args, &fi->params)) {
		free(fi);
		return -1;
	}
	f4->iomap = fi;
	return 0;
}

/* Largest file size: what the mapping scheme can address. */
static int64_t f4_im_maxbytes(struct f4 *f4)
{
	uint64_t a = f4->blocksize / 4, blocks;

	if (ext2fs_has_feature_extents(f4->fs->super))
		blocks = ((uint64_t)1 << 32) - 1;
	else
		blocks = 12 + a + a * a + a * a * a;
	if (blocks > ((uint64_t)1 << 32) - 1)
		blocks = ((uint64_t)1 << 32) - 1;
	return (int64_t)(blocks << f4->blockbits);
}

static void f4_im_config(struct f4 *f4, struct fuse_iomap_config *c)
{
	struct ext2_super_block *sb = f4->fs->super;

	memset(c, 0, sizeof(*c));
	c->blocksize = f4->blocksize;
	c->max_links = 65000;	/* EXT4_LINK_MAX, as fuse4fs's link/mkdir enforce */
	memcpy(c->uuid, sb->s_uuid, sizeof(c->uuid));
	c->uuid_len = sizeof(sb->s_uuid);
	if (EXT2_INODE_SIZE(sb) > EXT2_GOOD_OLD_INODE_SIZE) {
		/* nanoseconds and two epoch bits in the extra fields */
		c->time_gran = 1;
		c->time_min = INT32_MIN;
		c->time_max = 0x37fffffffLL;	/* EXT4_EXTRA_TIMESTAMP_MAX */
	} else {
		c->time_gran = 1000000000;
		c->time_min = INT32_MIN;
		c->time_max = INT32_MAX;
	}
	c->maxbytes = f4_im_maxbytes(f4);
}

int f4_iomap_attach(struct f4 *f4, struct fuse_session *se)
{
	struct f4_im *fi = f4_im(f4);
	struct fuse_iomap_device dev;
	struct fuse_iomap_ops ops;
	struct stat st;
	int ret;

	if (!fi)
		return 0;
	if (fi->params.mode == FUSE_IOMAP_MODE_CLASSIC)
		return 0;	/* nothing to negotiate: fuse4fs serves READ/WRITE */
	if (f4->devfd < 0 || fstat(f4->devfd, &st) < 0 ||
	    !(S_ISBLK(st.st_mode) || S_ISREG(st.st_mode))) {
		fprintf(stderr, "fuse4fs: iomap: %s is neither a block device nor a regular file; classic I/O\n",
			f4->o.device);
		return 0;
	}
	f4_im_config(f4, &fi->params.config);
	memset(&ops, 0, sizeof(ops));
	ops.map = f4_im_map;
	ops.ioend = f4_im_ioend;
	ops.syncfs = f4_im_sync;
	ops.freeze = f4_im_freeze;
	ops.unfreeze = f4_im_unfreeze;
	ops.shutdown = f4_im_shutdown;
	fi->im = fuse_iomap_new(se, &fi->params, &ops, sizeof(ops), f4);
	if (!fi->im) {
		fprintf(stderr, "fuse4fs: iomap: %s; classic I/O\n", strerror(errno));
		return 0;
	}
	memset(&dev, 0, sizeof(dev));
	dev.fd = f4->devfd;
	dev.kind = S_ISBLK(st.st_mode) ? FUSE_IOMAP_DEV_BLOCK : FUSE_IOMAP_DEV_FILE;
	dev.path = f4->o.device;
	ret = fuse_iomap_add_device(fi->im, &dev, &fi->dev);
	if (ret) {
		fprintf(stderr, "fuse4fs: iomap: registering %s: %s\n",
			f4->o.device, strerror(-ret));
		fuse_iomap_destroy(fi->im);
		fi->im = NULL;
		return 0;
	}
	f4->iomap_hooks = &f4_im_hooks;
	return 0;
}

void f4_iomap_detach(struct f4 *f4)
{
	struct f4_im *fi = f4_im(f4);

	if (!fi)
		return;
	f4->iomap_hooks = NULL;
	if (fi->im) {
		if (f4->o.debug)
			fprintf(stderr, "fuse4fs: %s\n", fuse_iomap_describe(fi->im));
		fuse_iomap_destroy(fi->im);
	}
	free(fi);
	f4->iomap = NULL;
}
