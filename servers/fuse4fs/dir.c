// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse4fs: directories.  Lookups use the htree index when there is one
 * (libext2fs's ext2fs_lookup scans linearly); readdir resumes from a
 * byte cursor instead of rescanning; link/unlink go through libext2fs.
 *
 * On-disk htree layout facts (ext4 docs, "Hash Tree Directories"): block 0
 * holds "." (12 bytes) and ".." (rec_len to end of block), then
 * dx_root_info {u32 reserved, u8 hash_version, u8 info_length,
 * u8 indirect_levels, u8 flags}, then dx_countlimit {u16 limit, u16 count}
 * sharing the first 8-byte dx_entry {u32 hash, u32 block}.  Interior nodes
 * start with an empty dirent (inode 0, rec_len = blocksize).
 */
#include "f4.h"
#include "dcache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct f4_dx_entry {
	__le32 hash;
	__le32 block;
};

struct f4_dx_countlimit {
	__le16 limit;
	__le16 count;
};

/* Map a directory logical block; 0 for a hole. */
static int f4_dir_bmap(struct f4 *f4, ext2_ino_t dir,
		       struct ext2_inode_large *in, blk64_t lblk, blk64_t *pblk)
{
	errcode_t err;

	*pblk = 0;
	err = ext2fs_bmap2(f4->fs, dir, (struct ext2_inode *)in, NULL, 0, lblk,
			   NULL, pblk);
	if (err)
		return f4_err(f4, err, "dir bmap", dir);
	if (*pblk && (*pblk < f4->fs->super->s_first_data_block ||
		      *pblk >= ext2fs_blocks_count(f4->fs->super)))
		return f4_err(f4, EXT2_ET_BAD_BLOCK_NUM, "dir bmap", dir);
	return 0;
}

static int f4_dir_read_block(struct f4 *f4, ext2_ino_t dir, blk64_t pblk,
			     char *buf)
{
	errcode_t err;

	err = ext2fs_read_dir_block4(f4->fs, pblk, buf, 0, dir);
	if (err)
		return f4_err(f4, err, "read dir block", dir);
	return 0;
}

/* Walk the entries of one block; fn returns 1 to stop, <0 on error. */
typedef int (*f4_block_fn)(void *priv, struct ext2_dir_entry *de,
			   unsigned int pos, unsigned int rec_len);

static int f4_block_walk(struct f4 *f4, ext2_ino_t dir, char *buf,
			 f4_block_fn fn, void *priv)
{
	unsigned int pos = 0, rec_len, bs = f4->blocksize;
	struct ext2_dir_entry *de;
	int ret;

	while (pos + 8 <= bs) {
		de = (struct ext2_dir_entry *)(buf + pos);
		if (ext2fs_get_rec_len(f4->fs, de, &rec_len) || rec_len < 8 ||
		    (rec_len & 3) || pos + rec_len > bs ||
		    ext2fs_dirent_name_len(de) + 8 > (int)rec_len)
			return -f4_err(f4, EXT2_ET_DIR_CORRUPTED, "dir entry", dir);
		if (de->inode > f4->fs->super->s_inodes_count)
			return -f4_err(f4, EXT2_ET_DIR_CORRUPTED, "dir entry", dir);
		ret = fn(priv, de, pos, rec_len);
		if (ret)
			return ret;
		pos += rec_len;
	}
	return 0;
}

struct f4_find {
	const char *name;
	int len;
	ext2_ino_t ino;
	blk64_t lblk;		/* block the entry was found in */
};

static int f4_find_fn(void *priv, struct ext2_dir_entry *de, unsigned int pos,
		      unsigned int rec_len)
{
	struct f4_find *f = priv;

	if (de->inode && ext2fs_dirent_name_len(de) == f->len &&
	    !memcmp(de->name, f->name, f->len)) {
		f->ino = de->inode;
		return 1;
	}
	return 0;
}

static int f4_search_block(struct f4 *f4, ext2_ino_t dir,
			   struct ext2_inode_large *in, blk64_t lblk, char *buf,
			   struct f4_find *f)
{
	blk64_t pblk;
	int ret;

	ret = f4_dir_bmap(f4, dir, in, lblk, &pblk);
	if (ret || !pblk)
		return ret ? -ret : 0;
	ret = f4_dir_read_block(f4, dir, pblk, buf);
	if (ret)
		return -ret;
	f->lblk = lblk;
	return f4_block_walk(f4, dir, buf, f4_find_fn, f);
}

/*
 * htree lookup.  Returns 1 found, 0 not found, -errno on error, or
 * -EAGAIN when the index cannot be used (caller scans linearly).
 */
static int f4_htree_lookup(struct f4 *f4, ext2_ino_t dir,
			   struct ext2_inode_large *in, char *buf,
			   struct f4_find *f)
{
	struct ext2_super_block *sb = f4->fs->super;
	unsigned int bs = f4->blocksize, levels, level, off, limit, count;
	unsigned int lo, hi, mid, i, nblocks;
	struct ext2_dx_root_info *info;
	struct f4_dx_countlimit *cl;
	struct f4_dx_entry *ent;
	ext2_dirhash_t hash, minor;
	blk64_t pblk, lblk = 0, next_lblk;
	int version, ret;

	nblocks = (unsigned int)(EXT2_I_SIZE(in) >> f4->blockbits);
	ret = f4_dir_bmap(f4, dir, in, 0, &pblk);
	if (ret)
		return -ret;
	if (!pblk)
		return -EAGAIN;
	ret = f4_dir_read_block(f4, dir, pblk, buf);
	if (ret)
		return -ret;
	info = (struct ext2_dx_root_info *)(buf + 24);
	if (info->reserved_zero || info->info_length != 8)
		return -EAGAIN;
	levels = info->indirect_levels;
	if (levels > (ext2fs_has_feature_largedir(sb) ? 2U : 1U))
		return -EAGAIN;
	version = info->hash_version;
	if (version > EXT2_HASH_SIPHASH)
		return -EAGAIN;
	if (version <= EXT2_HASH_TEA && (sb->s_flags & EXT2_FLAGS_UNSIGNED_HASH))
		version += 3;
	if (ext2fs_dirhash2(version, f->name, f->len, NULL, 0, sb->s_hash_seed,
			    &hash, &minor))
		return -EAGAIN;
	off = 32;
	for (level = 0; ; level++) {
		if (off + 8 > bs)
			return -EAGAIN;
		cl = (struct f4_dx_countlimit *)(buf + off);
		limit = ext2fs_le16_to_cpu(cl->limit);
		count = ext2fs_le16_to_cpu(cl->count);
		if (!count || count > limit || off + limit * 8 > bs)
			return -EAGAIN;
		ent = (struct f4_dx_entry *)(buf + off);
		lo = 1;
		hi = count;
		while (lo < hi) {	/* first entry with hash > target */
			mid = (lo + hi) / 2;
			if (ext2fs_le32_to_cpu(ent[mid].hash) > hash)
				hi = mid;
			else
				lo = mid + 1;
		}
		i = lo - 1;
		next_lblk = ext2fs_le32_to_cpu(ent[i].block) & 0x0fffffff;
		if (next_lblk >= nblocks || next_lblk == 0)
			return -EAGAIN;
		if (level == levels)
			break;
		ret = f4_dir_bmap(f4, dir, in, next_lblk, &pblk);
		if (ret)
			return -ret;
		if (!pblk)
			return -EAGAIN;
		ret = f4_dir_read_block(f4, dir, pblk, buf);
		if (ret)
			return -ret;
		off = 8;
	}
	/* ent/i/count describe the bottom index node, which buf still holds */
	for (;;) {
		__u32 nhash = 0;
		bool more = false;

		if (i + 1 < count) {
			nhash = ext2fs_le32_to_cpu(ent[i + 1].hash);
			more = (nhash & 1) && (nhash & ~1U) == (hash & ~1U);
		}
		lblk = next_lblk;
		{
			/* save the index entries: the leaf read reuses no buf */
			char *leaf = malloc(bs);

			if (!leaf)
				return -ENOMEM;
			ret = f4_search_block(f4, dir, in, lblk, leaf, f);
			free(leaf);
		}
		if (ret < 0)
			return ret;
		if (ret == 1)
			return 1;
		if (!more) {
			/* a collision chain may continue in the next index node */
			if (i + 1 >= count && level > 0)
				return -EAGAIN;
			return 0;
		}
		i++;
		next_lblk = ext2fs_le32_to_cpu(ent[i].block) & 0x0fffffff;
		if (next_lblk >= nblocks || next_lblk == 0)
			return -EAGAIN;
	}
}

static int f4_linear_lookup(struct f4 *f4, ext2_ino_t dir,
			    struct ext2_inode_large *in, char *buf,
			    struct f4_find *f)
{
	blk64_t lblk, nblocks = EXT2_I_SIZE(in) >> f4->blockbits;
	int ret;

	struct f4_map m;

	for (lblk = 0; lblk < nblocks; lblk++) {
		/* skip holes in one step (a damaged i_size can be huge) */
		ret = f4_map_range(f4, dir, in, lblk, nblocks - lblk, &m);
		if (ret)
			return -ret;
		if (m.type != F4_MAP_MAPPED) {
			lblk += m.len - 1;
			continue;
		}
		ret = f4_search_block(f4, dir, in, lblk, buf, f);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Find @name in @dir: its inode and, when known, the logical block that
 * holds the entry (-1 otherwise).  htree directories use the index; other
 * directories bigger than a block use the in-memory index (dcache.c).
 */
static int f4_dir_find(struct f4 *f4, ext2_ino_t dir, const char *name,
		       int len, ext2_ino_t *ret_ino, int64_t *ret_lblk)
{
	struct ext2_inode_large in;
	struct f4_find f = { .name = name, .len = len, .ino = 0 };
	int64_t lblk = -1;
	errcode_t err;
	char *buf;
	int ret;

	if (len <= 0 || len > EXT2_NAME_LEN)
		return len > EXT2_NAME_LEN ? ENAMETOOLONG : ENOENT;
	ret = f4_read_inode(f4, dir, &in);
	if (ret)
		return ret;
	if (!LINUX_S_ISDIR(in.i_mode))
		return ENOTDIR;
	if (in.i_flags & EXT4_INLINE_DATA_FL) {
		err = ext2fs_lookup(f4->fs, dir, name, len, NULL, ret_ino);
		if (err == EXT2_ET_FILE_NOT_FOUND)
			return ENOENT;
		*ret_lblk = -1;
		return f4_err(f4, err, "lookup", dir);
	}
	buf = malloc(f4->blocksize);
	if (!buf)
		return ENOMEM;
	ret = -EAGAIN;
	if ((in.i_flags & EXT2_INDEX_FL) &&
	    ext2fs_has_feature_dir_index(f4->fs->super) &&
	    !ext2fs_has_feature_casefold(f4->fs->super))
		ret = f4_htree_lookup(f4, dir, &in, buf, &f);
	if (ret == 1)
		lblk = (int64_t)f.lblk;
	if (ret == -EAGAIN && EXT2_I_SIZE(&in) > f4->blocksize) {
		/* linear and bigger than a block: the in-memory index */
		ret = f4_dcache_lookup(f4, dir, name, len, &f.ino, &lblk);
		if (ret == -1 && !f4_dcache_build(f4, dir))
			ret = f4_dcache_lookup(f4, dir, name, len, &f.ino, &lblk);
		if (ret == 0)
			ret = 1;
		else if (ret == ENOENT)
			ret = 0;
		else
			ret = -EAGAIN;
	}
	if (ret == -EAGAIN) {
		ret = f4_linear_lookup(f4, dir, &in, buf, &f);
		if (ret == 1)
			lblk = (int64_t)f.lblk;
	}
	free(buf);
	if (ret < 0)
		return -ret;
	if (ret == 0)
		return ENOENT;
	if (f.ino < EXT2_FIRST_INODE(f4->fs->super) && f.ino != EXT2_ROOT_INO)
		return f4_err(f4, EXT2_ET_DIR_CORRUPTED, "lookup", dir);
	*ret_ino = f.ino;
	*ret_lblk = lblk;
	return 0;
}

/** Look a name up in a directory.  Returns 0 or an errno (ENOENT). */
int f4_dir_lookup(struct f4 *f4, ext2_ino_t dir, const char *name, int len,
		  ext2_ino_t *ret_ino)
{
	int64_t lblk;

	return f4_dir_find(f4, dir, name, len, ret_ino, &lblk);
}

static int f4_mode_to_ftype(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return EXT2_FT_REG_FILE;
	case S_IFDIR: return EXT2_FT_DIR;
	case S_IFCHR: return EXT2_FT_CHRDEV;
	case S_IFBLK: return EXT2_FT_BLKDEV;
	case S_IFIFO: return EXT2_FT_FIFO;
	case S_IFSOCK: return EXT2_FT_SOCK;
	case S_IFLNK: return EXT2_FT_SYMLINK;
	default: return EXT2_FT_UNKNOWN;
	}
}

static int f4_dir_touch(struct f4 *f4, ext2_ino_t dir)
{
	struct ext2_inode_large in;
	int ret;

	ret = f4_read_inode(f4, dir, &in);
	if (ret)
		return ret;
	f4_touch(&in, F4_MTIME | F4_CTIME);
	return f4_write_inode(f4, dir, &in);
}

/* Try to put an entry into logical block @lblk.  1 = done, 0 = no room. */
static int f4_block_insert(struct f4 *f4, ext2_ino_t dir,
			   struct ext2_inode_large *in, blk64_t lblk,
			   const char *name, int len, ext2_ino_t ino, int ftype,
			   char *buf)
{
	unsigned int bs = f4->blocksize, pos = 0, rec_len, used;
	unsigned int need = EXT2_DIR_REC_LEN(len), limit = bs;
	struct ext2_dir_entry *de, *ne;
	blk64_t pblk;
	errcode_t err;
	int ret;

	if (ext2fs_has_feature_metadata_csum(f4->fs->super))
		limit = bs - sizeof(struct ext2_dir_entry_tail);
	ret = f4_dir_bmap(f4, dir, in, lblk, &pblk);
	if (ret)
		return -ret;
	if (!pblk)
		return 0;
	ret = f4_dir_read_block(f4, dir, pblk, buf);
	if (ret)
		return -ret;
	while (pos + 8 <= limit) {
		de = (struct ext2_dir_entry *)(buf + pos);
		if (ext2fs_get_rec_len(f4->fs, de, &rec_len) || rec_len < 8 ||
		    (rec_len & 3) || pos + rec_len > limit ||
		    ext2fs_dirent_name_len(de) + 8 > (int)rec_len)
			return -f4_err(f4, EXT2_ET_DIR_CORRUPTED, "dir insert", dir);
		if (!de->inode && rec_len >= need) {
			ne = de;
		} else if (de->inode &&
			   rec_len >= (used = EXT2_DIR_REC_LEN(
				   ext2fs_dirent_name_len(de))) + need) {
			ext2fs_set_rec_len(f4->fs, used, de);
			ne = (struct ext2_dir_entry *)(buf + pos + used);
			ext2fs_set_rec_len(f4->fs, rec_len - used, ne);
		} else {
			pos += rec_len;
			continue;
		}
		ne->inode = ino;
		ext2fs_dirent_set_name_len(ne, len);
		ext2fs_dirent_set_file_type(ne, ftype);
		memcpy(ne->name, name, len);
		err = ext2fs_write_dir_block4(f4->fs, pblk, buf, 0, dir);
		if (err)
			return -f4_err(f4, err, "write dir block", dir);
		return 1;
	}
	return 0;
}

/*
 * Insert into a linear (not htree, not inline) directory without scanning
 * it: try the block that took the last entry, then the last block, then
 * grow the directory by a block.
 */
static int f4_linear_insert(struct f4 *f4, ext2_ino_t dir, const char *name,
			    ext2_ino_t ino, int ftype, int64_t *lblk_out)
{
	struct ext2_inode_large in;
	int len = (int)strlen(name), ret, i;
	blk64_t nblocks, cand[2];
	errcode_t err;
	int64_t hint;
	char *buf;

	buf = malloc(f4->blocksize);
	if (!buf)
		return ENOMEM;
	for (i = 0; i < 2; i++) {
		ret = f4_read_inode(f4, dir, &in);
		if (ret)
			goto out;
		nblocks = EXT2_I_SIZE(&in) >> f4->blockbits;
		hint = f4_dcache_hint(f4, dir);
		cand[0] = hint >= 0 && (blk64_t)hint < nblocks ? (blk64_t)hint :
			  nblocks - 1;
		cand[1] = nblocks - 1;
		for (int c = 0; c < 2 && nblocks; c++) {
			if (c == 1 && cand[1] == cand[0])
				break;
			ret = f4_block_insert(f4, dir, &in, cand[c], name, len,
					      ino, ftype, buf);
			if (ret < 0) {
				ret = -ret;
				goto out;
			}
			if (ret == 1) {
				*lblk_out = (int64_t)cand[c];
				ret = 0;
				goto out;
			}
		}
		if (i == 1)
			break;
		err = ext2fs_expand_dir(f4->fs, dir);
		if (err) {
			ret = f4_err(f4, err, "expand dir", dir);
			goto out;
		}
	}
	ret = f4_err(f4, EXT2_ET_DIR_NO_SPACE, "dir insert", dir);
out:
	free(buf);
	return ret;
}

/** Add an entry (expanding the directory when it is full). */
int f4_dir_link(struct f4 *f4, ext2_ino_t dir, const char *name,
		ext2_ino_t ino, mode_t mode)
{
	struct ext2_inode_large in;
	int64_t lblk = -1;
	errcode_t err;
	int tries, ret;

	if (strlen(name) > EXT2_NAME_LEN)
		return ENAMETOOLONG;
	ret = f4_read_inode(f4, dir, &in);
	if (ret)
		return ret;
	if (!(in.i_flags & (EXT2_INDEX_FL | EXT4_INLINE_DATA_FL)) &&
	    EXT2_I_SIZE(&in) >= f4->blocksize) {
		ret = f4_linear_insert(f4, dir, name, ino,
				       f4_mode_to_ftype(mode), &lblk);
		if (ret)
			return ret;
		f4_dcache_add(f4, dir, name, ino, lblk);
		return f4_dir_touch(f4, dir);
	}
	for (tries = 0; tries < 3; tries++) {
		err = ext2fs_link(f4->fs, dir, name, ino, f4_mode_to_ftype(mode));
		if (err != EXT2_ET_DIR_NO_SPACE)
			break;
		err = ext2fs_expand_dir(f4->fs, dir);
		if (err)
			break;
	}
	if (err)
		return f4_err(f4, err, "link", dir);
	f4_dcache_add(f4, dir, name, ino, -1);
	return f4_dir_touch(f4, dir);
}

/* Remove @name from logical block @lblk.  1 = done, 0 = not there. */
static int f4_block_remove(struct f4 *f4, ext2_ino_t dir, blk64_t lblk,
			   const char *name)
{
	unsigned int bs = f4->blocksize, pos = 0, rec_len, prev_len = 0;
	struct ext2_dir_entry *de, *prev = NULL;
	struct ext2_inode_large in;
	int len = (int)strlen(name), ret;
	blk64_t pblk;
	errcode_t err;
	char *buf;

	ret = f4_read_inode(f4, dir, &in);
	if (ret)
		return -ret;
	ret = f4_dir_bmap(f4, dir, &in, lblk, &pblk);
	if (ret)
		return -ret;
	if (!pblk)
		return 0;
	buf = malloc(bs);
	if (!buf)
		return -ENOMEM;
	ret = f4_dir_read_block(f4, dir, pblk, buf);
	if (ret) {
		ret = -ret;
		goto out;
	}
	ret = 0;
	while (pos + 8 <= bs) {
		de = (struct ext2_dir_entry *)(buf + pos);
		if (ext2fs_get_rec_len(f4->fs, de, &rec_len) || rec_len < 8 ||
		    (rec_len & 3) || pos + rec_len > bs) {
			ret = -f4_err(f4, EXT2_ET_DIR_CORRUPTED, "dir remove", dir);
			goto out;
		}
		if (de->inode && ext2fs_dirent_name_len(de) == len &&
		    !memcmp(de->name, name, len)) {
			if (prev)
				ext2fs_set_rec_len(f4->fs, prev_len + rec_len, prev);
			else
				de->inode = 0;
			err = ext2fs_write_dir_block4(f4->fs, pblk, buf, 0, dir);
			ret = err ? -f4_err(f4, err, "write dir block", dir) : 1;
			goto out;
		}
		prev = de;
		prev_len = rec_len;
		pos += rec_len;
	}
out:
	free(buf);
	return ret;
}

int f4_dir_unlink(struct f4 *f4, ext2_ino_t dir, const char *name)
{
	ext2_ino_t ino;
	int64_t lblk = -1;
	errcode_t err;
	int ret = 0;

	if (f4_dir_find(f4, dir, name, (int)strlen(name), &ino, &lblk) == 0 &&
	    lblk >= 0) {
		ret = f4_block_remove(f4, dir, (blk64_t)lblk, name);
		if (ret < 0)
			return -ret;
	}
	if (ret != 1) {
		err = ext2fs_unlink(f4->fs, dir, name, 0, 0);
		if (err)
			return f4_err(f4, err, "unlink", dir);
	}
	f4_dcache_del(f4, dir, name);
	return f4_dir_touch(f4, dir);
}

static int f4_empty_fn(ext2_ino_t dir, int entry, struct ext2_dir_entry *de,
		       int offset, int blocksize, char *buf, void *priv)
{
	int len = ext2fs_dirent_name_len(de);
	int *nonempty = priv;

	if (!de->inode)
		return 0;
	if ((len == 1 && de->name[0] == '.') ||
	    (len == 2 && de->name[0] == '.' && de->name[1] == '.'))
		return 0;
	*nonempty = 1;
	return DIRENT_ABORT;
}

/** 0 if empty, ENOTEMPTY, or an errno. */
int f4_dir_is_empty(struct f4 *f4, ext2_ino_t dir)
{
	int nonempty = 0;
	errcode_t err;

	err = ext2fs_dir_iterate2(f4->fs, dir, 0, NULL, f4_empty_fn, &nonempty);
	if (err)
		return f4_err(f4, err, "dir iterate", dir);
	return nonempty ? ENOTEMPTY : 0;
}

static int f4_dotdot_fn(ext2_ino_t dir, int entry, struct ext2_dir_entry *de,
			int offset, int blocksize, char *buf, void *priv)
{
	ext2_ino_t *parent = priv;

	if (ext2fs_dirent_name_len(de) == 2 && de->name[0] == '.' &&
	    de->name[1] == '.') {
		de->inode = *parent;
		return DIRENT_CHANGED | DIRENT_ABORT;
	}
	return 0;
}

int f4_dir_set_dotdot(struct f4 *f4, ext2_ino_t dir, ext2_ino_t parent)
{
	errcode_t err;

	f4_dcache_drop(f4, dir);
	err = ext2fs_dir_iterate2(f4->fs, dir, DIRENT_FLAG_INCLUDE_EMPTY, NULL,
				  f4_dotdot_fn, &parent);
	if (err)
		return f4_err(f4, err, "set ..", dir);
	return 0;
}

/* ------------------------------------------------------------- readdir */

struct f4_rd {
	f4_dirent_fn fn;
	void *priv;
	off_t base;		/* byte offset of the block */
	unsigned int skip;	/* skip entries starting before this */
	long index;		/* inline dirs: running entry index */
	int stop;
};

static int f4_rd_block_fn(void *priv, struct ext2_dir_entry *de,
			  unsigned int pos, unsigned int rec_len)
{
	struct f4_rd *rd = priv;

	if (pos < rd->skip || !de->inode)
		return 0;
	if (rd->fn(rd->priv, de->name, ext2fs_dirent_name_len(de), de->inode,
		   ext2fs_dirent_file_type(de), rd->base + pos + rec_len)) {
		rd->stop = 1;
		return 1;
	}
	return 0;
}

static int f4_rd_inline_fn(ext2_ino_t dir, int entry, struct ext2_dir_entry *de,
			   int offset, int blocksize, char *buf, void *priv)
{
	struct f4_rd *rd = priv;

	if (!de->inode)
		return 0;
	rd->index++;
	if (rd->index <= rd->base)
		return 0;
	if (rd->fn(rd->priv, de->name, ext2fs_dirent_name_len(de), de->inode,
		   ext2fs_dirent_file_type(de), rd->index)) {
		rd->stop = 1;
		return DIRENT_ABORT;
	}
	return 0;
}

/**
 * Read directory entries from cursor @off.  For block directories the
 * cursor is the byte position of the next entry; for inline directories it
 * is an entry index.  Calls fn for each entry until it returns nonzero.
 */
int f4_dir_read(struct f4 *f4, ext2_ino_t dir, off_t off, f4_dirent_fn fn,
		void *priv)
{
	struct ext2_inode_large in;
	struct f4_rd rd = { .fn = fn, .priv = priv };
	blk64_t lblk, nblocks, pblk;
	errcode_t err;
	char *buf;
	int ret;

	if (off < 0)
		return EINVAL;
	ret = f4_read_inode(f4, dir, &in);
	if (ret)
		return ret;
	if (!LINUX_S_ISDIR(in.i_mode))
		return ENOTDIR;
	if (in.i_flags & EXT4_INLINE_DATA_FL) {
		rd.base = off;
		err = ext2fs_dir_iterate2(f4->fs, dir, 0, NULL, f4_rd_inline_fn,
					  &rd);
		return f4_err(f4, err, "readdir", dir);
	}
	nblocks = EXT2_I_SIZE(&in) >> f4->blockbits;
	buf = malloc(f4->blocksize);
	if (!buf)
		return ENOMEM;
	ret = 0;
	for (lblk = (blk64_t)off >> f4->blockbits; lblk < nblocks && !rd.stop;
	     lblk++) {
		struct f4_map m;

		rd.base = (off_t)(lblk << f4->blockbits);
		rd.skip = rd.base < off ? (unsigned int)(off - rd.base) : 0;
		/* skip holes in one step (a damaged i_size can be huge) */
		ret = f4_map_range(f4, dir, &in, lblk, nblocks - lblk, &m);
		if (ret)
			break;
		if (m.type != F4_MAP_MAPPED) {
			lblk += m.len - 1;
			continue;
		}
		pblk = m.pblk;
		ret = f4_dir_read_block(f4, dir, pblk, buf);
		if (ret)
			break;
		ret = f4_block_walk(f4, dir, buf, f4_rd_block_fn, &rd);
		if (ret < 0) {
			ret = -ret;
			break;
		}
		ret = 0;
	}
	free(buf);
	return ret;
}
