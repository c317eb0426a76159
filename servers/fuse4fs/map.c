// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse4fs: map a file range to physical blocks.  This is the seam that the
 * read path, SEEK_DATA/SEEK_HOLE, FIEMAP and (later) fuse_iomap replies use.
 */
#include "f4.h"

#include <errno.h>
#include <string.h>

static int f4_check_phys(struct f4 *f4, ext2_ino_t ino, blk64_t pblk,
			 blk64_t len)
{
	blk64_t total = ext2fs_blocks_count(f4->fs->super);

	if (pblk < f4->fs->super->s_first_data_block || pblk >= total ||
	    len > total - pblk)
		return f4_err(f4, EXT2_ET_EXTENT_LEAF_BAD, "map", ino);
	return 0;
}

static int f4_map_extent(struct f4 *f4, ext2_ino_t ino,
			 struct ext2_inode_large *in, blk64_t lblk,
			 blk64_t max_len, struct f4_map *m)
{
	ext2_extent_handle_t h;
	struct ext2fs_extent ex;
	errcode_t err;
	int ret = 0, guard;

	err = ext2fs_extent_open2(f4->fs, ino, (struct ext2_inode *)in, &h);
	if (err)
		return f4_err(f4, err, "extent open", ino);
	m->lblk = lblk;
	m->type = F4_MAP_HOLE;
	m->len = max_len;
	err = ext2fs_extent_goto2(h, 0, lblk);
	if (err == 0) {
		err = ext2fs_extent_get(h, EXT2_EXTENT_CURRENT, &ex);
		if (err)
			goto out_err;
		if (!ex.e_len || ex.e_lblk > lblk ||
		    lblk - ex.e_lblk >= ex.e_len) {
			err = EXT2_ET_EXTENT_LEAF_BAD;
			goto out_err;
		}
		ret = f4_check_phys(f4, ino, ex.e_pblk, ex.e_len);
		if (ret)
			goto out;
		m->pblk = ex.e_pblk + (lblk - ex.e_lblk);
		m->len = ex.e_len - (lblk - ex.e_lblk);
		m->type = (ex.e_flags & EXT2_EXTENT_FLAGS_UNINIT) ?
			  F4_MAP_UNWRITTEN : F4_MAP_MAPPED;
		goto out;
	}
	if (err != EXT2_ET_EXTENT_NOT_FOUND)
		goto out_err;
	/* A hole: find the next extent to bound it. */
	err = ext2fs_extent_get(h, EXT2_EXTENT_CURRENT, &ex);
	if (err == EXT2_ET_NO_CURRENT_NODE) {
		goto out;	/* empty tree */
	} else if (err) {
		goto out_err;
	}
	for (guard = 0; guard < 64 && ex.e_lblk <= lblk; guard++) {
		err = ext2fs_extent_get(h, EXT2_EXTENT_NEXT_LEAF, &ex);
		if (err == EXT2_ET_EXTENT_NO_NEXT)
			goto out;
		if (err)
			goto out_err;
	}
	if (ex.e_lblk > lblk)
		m->len = ex.e_lblk - lblk;
	else
		m->len = 1;	/* could not bound it; be conservative */
	goto out;
out_err:
	ret = f4_err(f4, err, "extent map", ino);
out:
	ext2fs_extent_free(h);
	if (!ret && m->len > max_len)
		m->len = max_len;
	return ret;
}

static int f4_map_blockmap(struct f4 *f4, ext2_ino_t ino,
			   struct ext2_inode_large *in, blk64_t lblk,
			   blk64_t max_len, struct f4_map *m)
{
	blk64_t p, first = 0, n;
	errcode_t err;
	int ret;

	if (max_len > 1024)
		max_len = 1024;
	for (n = 0; n < max_len; n++) {
		p = 0;
		err = ext2fs_bmap2(f4->fs, ino, (struct ext2_inode *)in, NULL, 0,
				   lblk + n, NULL, &p);
		if (err)
			return f4_err(f4, err, "bmap", ino);
		if (p) {
			ret = f4_check_phys(f4, ino, p, 1);
			if (ret)
				return ret;
		}
		if (n == 0)
			first = p;
		else if ((first == 0) != (p == 0) || (first && p != first + n))
			break;
	}
	m->lblk = lblk;
	m->pblk = first;
	m->len = n;
	m->type = first ? F4_MAP_MAPPED : F4_MAP_HOLE;
	return 0;
}

/**
 * Map [lblk, lblk + max_len) of inode @ino: returns the first segment
 * (mapped, unwritten, hole or inline) starting at lblk, at most max_len
 * blocks long.  @in must be the current inode.
 */
int f4_map_range(struct f4 *f4, ext2_ino_t ino, struct ext2_inode_large *in,
		 blk64_t lblk, blk64_t max_len, struct f4_map *m)
{
	memset(m, 0, sizeof(*m));
	if (max_len == 0)
		return EINVAL;
	if (in->i_flags & EXT4_INLINE_DATA_FL) {
		m->lblk = lblk;
		m->len = lblk == 0 ? 1 : max_len;
		m->type = lblk == 0 ? F4_MAP_INLINE : F4_MAP_HOLE;
		return 0;
	}
	if (LINUX_S_ISLNK(in->i_mode) &&
	    ext2fs_is_fast_symlink((struct ext2_inode *)in)) {
		m->lblk = lblk;
		m->len = max_len;
		m->type = F4_MAP_HOLE;
		return 0;
	}
	if (in->i_flags & EXT4_EXTENTS_FL)
		return f4_map_extent(f4, ino, in, lblk, max_len, m);
	return f4_map_blockmap(f4, ino, in, lblk, max_len, m);
}
