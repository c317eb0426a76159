// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse4fs: namespace operations (lookup, attributes, create, remove,
 * rename, link, symlinks) and the node lifetime (forget).
 */
#include "f4.h"
#include "dcache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define F4_LINK_MAX 65000	/* EXT4_LINK_MAX in the kernel's fs/ext4/ext4.h */

struct f4 *f4_from_req(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* Reader-side lock: the fs read lock plus the libext2fs mutex. */
static void f4_rlock(struct f4 *f4)
{
	f4_rdlock(f4);
	pthread_mutex_lock(&f4->map_lock);
}

static void f4_runlock(struct f4 *f4)
{
	pthread_mutex_unlock(&f4->map_lock);
	f4_unlock(f4);
}

static void f4_reply_entry(fuse_req_t req, struct f4 *f4, ext2_ino_t ino)
{
	struct fuse_entry_param e;
	int ret;

	ret = f4_fill_entry(f4, ino, &e);
	if (ret) {
		fuse_reply_err(req, ret);
		return;
	}
	f4_node_ref(f4, ino, 1, 0);
	if (fuse_reply_entry(req, &e) == -ENOENT)
		f4_node_unref(f4, ino, 1, 0);
}

static void f4_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct f4 *f4 = f4_from_req(req);
	ext2_ino_t dir, ino;
	struct fuse_entry_param e;
	int ret;

	ret = f4_ino_valid(f4, parent, &dir);
	if (ret) {
		fuse_reply_err(req, ret);
		return;
	}
	f4_rlock(f4);
	ret = f4_dir_lookup(f4, dir, name, (int)strlen(name), &ino);
	if (!ret)
		ret = f4_fill_entry(f4, ino, &e);
	if (!ret)
		f4_node_ref(f4, ino, 1, 0);
	f4_runlock(f4);
	if (ret == ENOENT && f4->o.entry_timeout > 0) {
		/* negative entry caching: invalidated by our own creates */
		memset(&e, 0, sizeof(e));
		e.entry_timeout = f4->o.entry_timeout;
		fuse_reply_entry(req, &e);
		return;
	}
	if (ret) {
		fuse_reply_err(req, ret);
		return;
	}
	if (fuse_reply_entry(req, &e) == -ENOENT)
		f4_node_unref(f4, ino, 1, 0);
}

static void f4_forget_one(struct f4 *f4, fuse_ino_t n, uint64_t nlookup)
{
	ext2_ino_t ino = f4_ino(n);

	if (f4_node_unref(f4, ino, nlookup, 0))
		f4_defer_free(f4, ino);
}

static void f4_op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	f4_forget_one(f4_from_req(req), ino, nlookup);
	fuse_reply_none(req);
}

static void f4_op_forget_multi(fuse_req_t req, size_t count,
			       struct fuse_forget_data *forgets)
{
	struct f4 *f4 = f4_from_req(req);
	size_t i;

	for (i = 0; i < count; i++)
		f4_forget_one(f4, forgets[i].ino, forgets[i].nlookup);
	fuse_reply_none(req);
}

static void f4_op_getattr(fuse_req_t req, fuse_ino_t n, struct fuse_file_info *fi)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_inode_large in;
	struct stat st;
	ext2_ino_t ino;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (ret) {
		fuse_reply_err(req, ret);
		return;
	}
	f4_rlock(f4);
	ret = f4_read_inode(f4, ino, &in);
	f4_runlock(f4);
	if (ret) {
		fuse_reply_err(req, ret);
		return;
	}
	f4_inode_to_stat(f4, ino, &in, &st);
	st.st_ino = n;
	fuse_reply_attr(req, &st, f4->o.attr_timeout);
}

static void f4_op_setattr(fuse_req_t req, fuse_ino_t n, struct stat *attr,
			  int to_set, struct fuse_file_info *fi)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_inode_large in;
	struct timespec now;
	struct stat st;
	ext2_ino_t ino;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (ret)
		goto out_err;
	f4_wrlock(f4);
	if (!f4_writable(f4)) {
		ret = EROFS;
		goto out_unlock;
	}
	if (to_set & FUSE_SET_ATTR_SIZE) {
		ret = f4_read_inode(f4, ino, &in);
		if (ret)
			goto out_unlock;
		if (LINUX_S_ISDIR(in.i_mode)) {
			ret = EISDIR;
			goto out_unlock;
		}
		if (!LINUX_S_ISREG(in.i_mode)) {
			ret = EINVAL;
			goto out_unlock;
		}
		if (attr->st_size < 0) {
			ret = EINVAL;
			goto out_unlock;
		}
		if ((uint64_t)attr->st_size != EXT2_I_SIZE(&in)) {
			ret = f4_truncate(f4, ino, (uint64_t)attr->st_size);
			if (ret)
				goto out_unlock;
		}
	}
	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		goto out_unlock;
	clock_gettime(CLOCK_REALTIME, &now);
	if (to_set & FUSE_SET_ATTR_MODE)
		in.i_mode = (in.i_mode & LINUX_S_IFMT) | (attr->st_mode & 07777);
	if (to_set & FUSE_SET_ATTR_UID)
		f4_set_uid(&in, attr->st_uid);
	if (to_set & FUSE_SET_ATTR_GID)
		f4_set_gid(&in, attr->st_gid);
	if (to_set & FUSE_SET_ATTR_ATIME)
		f4_set_time(&in, F4_ATIME, &attr->st_atim);
	else if (to_set & FUSE_SET_ATTR_ATIME_NOW)
		f4_set_time(&in, F4_ATIME, &now);
	if (to_set & FUSE_SET_ATTR_MTIME)
		f4_set_time(&in, F4_MTIME, &attr->st_mtim);
	else if (to_set & FUSE_SET_ATTR_MTIME_NOW)
		f4_set_time(&in, F4_MTIME, &now);
	if (to_set & FUSE_SET_ATTR_SIZE && !(to_set & FUSE_SET_ATTR_MTIME))
		f4_set_time(&in, F4_MTIME, &now);
#ifdef FUSE_SET_ATTR_CTIME
	if (to_set & FUSE_SET_ATTR_CTIME)
		f4_set_time(&in, F4_CTIME, &attr->st_ctim);
	else
#endif
		f4_set_time(&in, F4_CTIME, &now);
	ret = f4_write_inode(f4, ino, &in);
	if (ret)
		goto out_unlock;
	f4_inode_to_stat(f4, ino, &in, &st);
	st.st_ino = n;
	f4_unlock(f4);
	fuse_reply_attr(req, &st, f4->o.attr_timeout);
	return;
out_unlock:
	f4_unlock(f4);
out_err:
	fuse_reply_err(req, ret);
}

/* Common checks for creating @name in @parent; returns the parent ino. */
static int f4_create_prep(struct f4 *f4, fuse_ino_t parent, const char *name,
			  ext2_ino_t *dir, struct ext2_inode_large *pin)
{
	ext2_ino_t tmp;
	int ret;

	if (!f4_writable(f4))
		return EROFS;
	if (strlen(name) > EXT2_NAME_LEN)
		return ENAMETOOLONG;
	ret = f4_ino_valid(f4, parent, dir);
	if (ret)
		return ret;
	ret = f4_read_inode(f4, *dir, pin);
	if (ret)
		return ret;
	if (!LINUX_S_ISDIR(pin->i_mode))
		return ENOTDIR;
	if (pin->i_links_count == 0)
		return ENOENT;
	ret = f4_dir_lookup(f4, *dir, name, (int)strlen(name), &tmp);
	if (ret == 0)
		return EEXIST;
	if (ret != ENOENT)
		return ret;
	return 0;
}

/* Owner of a new inode: the caller, with BSD/SysV setgid dir semantics. */
static void f4_new_owner(fuse_req_t req, const struct ext2_inode_large *pin,
			 mode_t *mode, uid_t *uid, gid_t *gid)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);

	*uid = ctx->uid;
	*gid = ctx->gid;
	if (pin->i_mode & LINUX_S_ISGID) {
		*gid = f4_gid(pin);
		if (LINUX_S_ISDIR(*mode))
			*mode |= LINUX_S_ISGID;
	}
}

static int f4_adjust_links(struct f4 *f4, ext2_ino_t ino, int delta)
{
	struct ext2_inode_large in;
	int ret;

	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		return ret;
	if (delta > 0) {
		if (in.i_links_count >= F4_LINK_MAX || in.i_links_count == 1)
			in.i_links_count = 1;	/* dir_nlink overflow */
		else
			in.i_links_count++;
	} else if (in.i_links_count > 2) {
		in.i_links_count--;
	} else if (in.i_links_count == 2) {
		in.i_links_count = 2;		/* keep "." and the parent's */
	}
	f4_touch(&in, F4_CTIME | F4_MTIME);
	return f4_write_inode(f4, ino, &in);
}

static void f4_do_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
			mode_t mode, dev_t rdev, struct fuse_file_info *fi)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_inode_large pin;
	struct fuse_entry_param e;
	ext2_ino_t dir, ino = 0;
	uid_t uid;
	gid_t gid;
	int ret;

	f4_wrlock(f4);
	ret = f4_create_prep(f4, parent, name, &dir, &pin);
	if (ret)
		goto out;
	f4_new_owner(req, &pin, &mode, &uid, &gid);
	ret = f4_new_inode(f4, dir, mode, uid, gid, rdev, &ino);
	if (ret)
		goto out;
	ret = f4_dir_link(f4, dir, name, ino, mode);
	if (ret) {
		struct ext2_inode_large in;

		if (!f4_read_inode(f4, ino, &in)) {
			in.i_links_count = 0;
			f4_write_inode(f4, ino, &in);
			f4_free_inode(f4, ino);
		}
		goto out;
	}
	ret = f4_fill_entry(f4, ino, &e);
	if (ret)
		goto out;
	f4_node_ref(f4, ino, 1, fi ? 1 : 0);
	f4_unlock(f4);
	if (fi) {
		fi->keep_cache = 1;
		if (fuse_reply_create(req, &e, fi) == -ENOENT)
			f4_node_unref(f4, ino, 1, 1);
	} else if (fuse_reply_entry(req, &e) == -ENOENT) {
		f4_node_unref(f4, ino, 1, 0);
	}
	return;
out:
	f4_unlock(f4);
	fuse_reply_err(req, ret);
}

static void f4_op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
			mode_t mode, dev_t rdev)
{
	if (!S_ISREG(mode) && !S_ISCHR(mode) && !S_ISBLK(mode) &&
	    !S_ISFIFO(mode) && !S_ISSOCK(mode)) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	f4_do_mknod(req, parent, name, mode, rdev, NULL);
}

static void f4_op_create(fuse_req_t req, fuse_ino_t parent, const char *name,
			 mode_t mode, struct fuse_file_info *fi)
{
	f4_do_mknod(req, parent, name, (mode & 07777) | S_IFREG, 0, fi);
}

/* After libext2fs created an inode itself: set owner, mode, times. */
static int f4_fix_new(struct f4 *f4, ext2_ino_t ino, mode_t mode, uid_t uid,
		      gid_t gid)
{
	struct ext2_inode_large in;
	int ret;

	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		return ret;
	if (mode)
		in.i_mode = (in.i_mode & LINUX_S_IFMT) | (mode & 07777);
	f4_set_uid(&in, uid);
	f4_set_gid(&in, gid);
	/* i_generation stays: metadata_csum checksums already cover it */
	f4_touch(&in, F4_ATIME | F4_MTIME | F4_CTIME | F4_CRTIME);
	return f4_write_inode(f4, ino, &in);
}

/* A new directory entry to add (mkdir or symlink). */
struct f4_new_name {
	ext2_ino_t ino;
	const char *name;
	const char *link;
};

static errcode_t f4_add_mkdir(ext2_filsys fs, ext2_ino_t dir, void *ctx)
{
	struct f4_new_name *nn = ctx;

	return ext2fs_mkdir(fs, dir, nn->ino, nn->name);
}

static errcode_t f4_add_symlink(ext2_filsys fs, ext2_ino_t dir, void *ctx)
{
	struct f4_new_name *nn = ctx;

	return ext2fs_symlink(fs, dir, nn->ino, nn->name, nn->link);
}

/* Run @add into @dir, growing @dir when it is full (at most 3 tries). */
static errcode_t f4_add_growing(ext2_filsys fs, ext2_ino_t dir,
				errcode_t (*add)(ext2_filsys, ext2_ino_t, void *), void *ctx)
{
	errcode_t err;
	int tries;

	for (tries = 0; tries < 3; tries++) {
		err = add(fs, dir, ctx);
		if (err != EXT2_ET_DIR_NO_SPACE)
			return err;
		err = ext2fs_expand_dir(fs, dir);
		if (err)
			return err;
	}
	return EXT2_ET_DIR_NO_SPACE;
}

/* The parent got a new entry: bump its mtime and ctime (@pin: scratch inode). */
static int f4_touch_dir(struct f4 *f4, ext2_ino_t dir, struct ext2_inode_large *pin)
{
	int ret = f4_read_inode(f4, dir, pin);

	if (ret)
		return ret;
	f4_touch(pin, F4_MTIME | F4_CTIME);
	return f4_write_inode(f4, dir, pin);
}

static void f4_op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
			mode_t mode)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_inode_large pin;
	ext2_ino_t dir, ino;
	errcode_t err;
	uid_t uid;
	gid_t gid;
	int ret;

	mode = (mode & 07777) | S_IFDIR;
	f4_wrlock(f4);
	ret = f4_create_prep(f4, parent, name, &dir, &pin);
	if (ret)
		goto out;
	f4_new_owner(req, &pin, &mode, &uid, &gid);
	err = ext2fs_new_inode(f4->fs, dir, LINUX_S_IFDIR | 0755, NULL, &ino);
	if (!err) {
		struct f4_new_name nn = { .ino = ino, .name = name };

		err = f4_add_growing(f4->fs, dir, f4_add_mkdir, &nn);
	}
	if (err) {
		ret = f4_err(f4, err, "mkdir", dir);
		goto out;
	}
	f4_dcache_add(f4, dir, name, ino, -1);
	ret = f4_fix_new(f4, ino, mode, uid, gid);
	if (ret)
		goto out;
	ret = f4_touch_dir(f4, dir, &pin);
	if (ret)
		goto out;
	f4_reply_entry(req, f4, ino);
	f4_unlock(f4);
	return;
out:
	f4_unlock(f4);
	fuse_reply_err(req, ret);
}

static void f4_op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
			  const char *name)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_inode_large pin;
	ext2_ino_t dir, ino;
	mode_t mode = S_IFLNK | 0777;
	errcode_t err;
	uid_t uid;
	gid_t gid;
	int ret;

	if (strlen(link) >= f4->blocksize) {
		fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	f4_wrlock(f4);
	ret = f4_create_prep(f4, parent, name, &dir, &pin);
	if (ret)
		goto out;
	f4_new_owner(req, &pin, &mode, &uid, &gid);
	err = ext2fs_new_inode(f4->fs, dir, LINUX_S_IFLNK | 0777, NULL, &ino);
	if (!err) {
		struct f4_new_name nn = { .ino = ino, .name = name, .link = link };

		err = f4_add_growing(f4->fs, dir, f4_add_symlink, &nn);
	}
	if (err) {
		ret = f4_err(f4, err, "symlink", dir);
		goto out;
	}
	f4_dcache_add(f4, dir, name, ino, -1);
	ret = f4_fix_new(f4, ino, 0, uid, gid);
	if (ret)
		goto out;
	ret = f4_touch_dir(f4, dir, &pin);
	if (ret)
		goto out;
	f4_reply_entry(req, f4, ino);
	f4_unlock(f4);
	return;
out:
	f4_unlock(f4);
	fuse_reply_err(req, ret);
}

static void f4_op_readlink(fuse_req_t req, fuse_ino_t n)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_inode_large in;
	ext2_ino_t ino;
	uint64_t size;
	char *buf = NULL;
	errcode_t err;
	size_t isz;
	ssize_t got;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (ret)
		goto out_err;
	f4_rdlock(f4);
	pthread_mutex_lock(&f4->map_lock);
	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		goto out_unlock;
	if (!LINUX_S_ISLNK(in.i_mode)) {
		ret = EINVAL;
		goto out_unlock;
	}
	size = EXT2_I_SIZE(&in);
	if (size == 0 || size >= f4->blocksize) {
		ret = f4_err(f4, EXT2_ET_INODE_CORRUPTED, "readlink", ino);
		goto out_unlock;
	}
	buf = calloc(1, f4->blocksize + 1);
	if (!buf) {
		ret = ENOMEM;
		goto out_unlock;
	}
	if (in.i_flags & EXT4_INLINE_DATA_FL) {
		isz = f4->blocksize;
		err = ext2fs_inline_data_get(f4->fs, ino, NULL, buf, &isz);
		if (err) {
			ret = f4_err(f4, err, "readlink", ino);
			goto out_unlock;
		}
	} else if (ext2fs_is_fast_symlink((struct ext2_inode *)&in)) {
		if (size >= sizeof(in.i_block)) {
			ret = f4_err(f4, EXT2_ET_INODE_CORRUPTED, "readlink", ino);
			goto out_unlock;
		}
		memcpy(buf, in.i_block, size);
	} else {
		pthread_mutex_unlock(&f4->map_lock);
		got = f4_data_read(f4, ino, buf, size, 0);
		pthread_mutex_lock(&f4->map_lock);
		if (got < 0) {
			ret = (int)-got;
			goto out_unlock;
		}
	}
	buf[size] = 0;
	pthread_mutex_unlock(&f4->map_lock);
	f4_unlock(f4);
	fuse_reply_readlink(req, buf);
	free(buf);
	return;
out_unlock:
	pthread_mutex_unlock(&f4->map_lock);
	f4_unlock(f4);
out_err:
	free(buf);
	fuse_reply_err(req, ret);
}

static void f4_do_remove(fuse_req_t req, fuse_ino_t parent, const char *name,
			 bool isdir)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_inode_large in;
	ext2_ino_t dir, ino;
	int ret;

	ret = f4_ino_valid(f4, parent, &dir);
	if (ret)
		goto out_err;
	f4_wrlock(f4);
	if (!f4_writable(f4)) {
		ret = EROFS;
		goto out;
	}
	ret = f4_dir_lookup(f4, dir, name, (int)strlen(name), &ino);
	if (ret)
		goto out;
	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		goto out;
	if (isdir && !LINUX_S_ISDIR(in.i_mode)) {
		ret = ENOTDIR;
		goto out;
	}
	if (!isdir && LINUX_S_ISDIR(in.i_mode)) {
		ret = EISDIR;
		goto out;
	}
	if (isdir) {
		if (ino == EXT2_ROOT_INO) {
			ret = EBUSY;
			goto out;
		}
		ret = f4_dir_is_empty(f4, ino);
		if (ret)
			goto out;
	}
	ret = f4_dir_unlink(f4, dir, name);
	if (ret)
		goto out;
	if (isdir) {
		ret = f4_adjust_links(f4, dir, -1);
		if (ret)
			goto out;
	}
	ret = f4_drop_link(f4, ino);
out:
	f4_unlock(f4);
out_err:
	fuse_reply_err(req, ret);
}

static void f4_op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	f4_do_remove(req, parent, name, false);
}

static void f4_op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	f4_do_remove(req, parent, name, true);
}

static void f4_op_link(fuse_req_t req, fuse_ino_t n, fuse_ino_t newparent,
		       const char *newname)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_inode_large pin, in;
	ext2_ino_t dir, ino;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (ret)
		goto out_err;
	f4_wrlock(f4);
	ret = f4_create_prep(f4, newparent, newname, &dir, &pin);
	if (ret)
		goto out;
	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		goto out;
	if (LINUX_S_ISDIR(in.i_mode)) {
		ret = EPERM;
		goto out;
	}
	if (in.i_links_count >= F4_LINK_MAX) {
		ret = EMLINK;
		goto out;
	}
	if (in.i_links_count == 0) {
		ret = ENOENT;
		goto out;
	}
	ret = f4_dir_link(f4, dir, newname, ino, in.i_mode);
	if (ret)
		goto out;
	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		goto out;
	in.i_links_count++;
	f4_touch(&in, F4_CTIME);
	ret = f4_write_inode(f4, ino, &in);
	if (ret)
		goto out;
	f4_reply_entry(req, f4, ino);
	f4_unlock(f4);
	return;
out:
	f4_unlock(f4);
out_err:
	fuse_reply_err(req, ret);
}

/* Is @anc an ancestor of (or equal to) directory @dir? */
static int f4_is_ancestor(struct f4 *f4, ext2_ino_t anc, ext2_ino_t dir,
			  bool *res)
{
	ext2_ino_t cur = dir, up;
	unsigned int guard = 0;
	int ret;

	*res = false;
	while (guard++ < 65536) {
		if (cur == anc) {
			*res = true;
			return 0;
		}
		if (cur == EXT2_ROOT_INO)
			return 0;
		ret = f4_dir_lookup(f4, cur, "..", 2, &up);
		if (ret)
			return ret;
		if (up == cur)
			return 0;
		cur = up;
	}
	return ELOOP;
}

static int f4_touch_ctime(struct f4 *f4, ext2_ino_t ino)
{
	struct ext2_inode_large in;
	int ret;

	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		return ret;
	f4_touch(&in, F4_CTIME);
	return f4_write_inode(f4, ino, &in);
}

static int f4_rename_exchange(struct f4 *f4, ext2_ino_t d1, const char *n1,
			      ext2_ino_t i1, mode_t m1, ext2_ino_t d2,
			      const char *n2, ext2_ino_t i2, mode_t m2)
{
	bool dir1 = LINUX_S_ISDIR(m1), dir2 = LINUX_S_ISDIR(m2), anc;
	int ret;

	if (d1 != d2) {
		if (dir1) {
			ret = f4_is_ancestor(f4, i1, d2, &anc);
			if (ret || anc)
				return ret ? ret : EINVAL;
		}
		if (dir2) {
			ret = f4_is_ancestor(f4, i2, d1, &anc);
			if (ret || anc)
				return ret ? ret : EINVAL;
		}
	}
	ret = f4_dir_unlink(f4, d1, n1);
	if (!ret)
		ret = f4_dir_unlink(f4, d2, n2);
	if (!ret)
		ret = f4_dir_link(f4, d1, n1, i2, m2);
	if (!ret)
		ret = f4_dir_link(f4, d2, n2, i1, m1);
	if (ret || d1 == d2)
		goto times;
	if (dir1)
		ret = f4_dir_set_dotdot(f4, i1, d2);
	if (!ret && dir2)
		ret = f4_dir_set_dotdot(f4, i2, d1);
	if (!ret && dir1 != dir2) {
		ret = f4_adjust_links(f4, dir1 ? d1 : d2, -1);
		if (!ret)
			ret = f4_adjust_links(f4, dir1 ? d2 : d1, +1);
	}
times:
	if (!ret)
		ret = f4_touch_ctime(f4, i1);
	if (!ret)
		ret = f4_touch_ctime(f4, i2);
	return ret;
}

static void f4_op_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
			 fuse_ino_t newparent, const char *newname,
			 unsigned int flags)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_inode_large sin, din;
	ext2_ino_t sdir, ddir, src, dst = 0;
	bool anc;
	int ret;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE) ||
	    ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	if (strlen(newname) > EXT2_NAME_LEN) {
		fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	ret = f4_ino_valid(f4, parent, &sdir);
	if (!ret)
		ret = f4_ino_valid(f4, newparent, &ddir);
	if (ret)
		goto out_err;
	f4_wrlock(f4);
	if (!f4_writable(f4)) {
		ret = EROFS;
		goto out;
	}
	ret = f4_dir_lookup(f4, sdir, name, (int)strlen(name), &src);
	if (ret)
		goto out;
	ret = f4_dir_lookup(f4, ddir, newname, (int)strlen(newname), &dst);
	if (ret == ENOENT)
		dst = 0;
	else if (ret)
		goto out;
	ret = 0;
	if ((flags & RENAME_NOREPLACE) && dst) {
		ret = EEXIST;
		goto out;
	}
	if ((flags & RENAME_EXCHANGE) && !dst) {
		ret = ENOENT;
		goto out;
	}
	if (src == dst)
		goto out;
	ret = f4_read_inode(f4, src, &sin);
	if (ret)
		goto out;
	if (dst) {
		ret = f4_read_inode(f4, dst, &din);
		if (ret)
			goto out;
	}
	if (flags & RENAME_EXCHANGE) {
		ret = f4_rename_exchange(f4, sdir, name, src, sin.i_mode, ddir,
					 newname, dst, din.i_mode);
		goto out;
	}
	if (LINUX_S_ISDIR(sin.i_mode) && sdir != ddir) {
		ret = f4_is_ancestor(f4, src, ddir, &anc);
		if (!ret && anc)
			ret = EINVAL;
		if (ret)
			goto out;
	}
	if (dst) {
		if (LINUX_S_ISDIR(sin.i_mode) && !LINUX_S_ISDIR(din.i_mode)) {
			ret = ENOTDIR;
			goto out;
		}
		if (!LINUX_S_ISDIR(sin.i_mode) && LINUX_S_ISDIR(din.i_mode)) {
			ret = EISDIR;
			goto out;
		}
		if (LINUX_S_ISDIR(din.i_mode)) {
			ret = f4_dir_is_empty(f4, dst);
			if (ret)
				goto out;
		}
		ret = f4_dir_unlink(f4, ddir, newname);
		if (ret)
			goto out;
		if (LINUX_S_ISDIR(din.i_mode)) {
			ret = f4_adjust_links(f4, ddir, -1);
			if (ret)
				goto out;
		}
		ret = f4_drop_link(f4, dst);
		if (ret)
			goto out;
	}
	ret = f4_dir_link(f4, ddir, newname, src, sin.i_mode);
	if (ret)
		goto out;
	ret = f4_dir_unlink(f4, sdir, name);
	if (ret)
		goto out;
	if (LINUX_S_ISDIR(sin.i_mode) && sdir != ddir) {
		ret = f4_dir_set_dotdot(f4, src, ddir);
		if (!ret)
			ret = f4_adjust_links(f4, sdir, -1);
		if (!ret)
			ret = f4_adjust_links(f4, ddir, +1);
		if (ret)
			goto out;
	}
	ret = f4_touch_ctime(f4, src);
out:
	f4_unlock(f4);
out_err:
	fuse_reply_err(req, ret);
}

#if FUSE_MAKE_VERSION(3, 18) <= FUSE_VERSION
static void f4_ts_to_statx(const struct timespec *ts, struct statx_timestamp *t)
{
	t->tv_sec = ts->tv_sec;
	t->tv_nsec = (__u32)ts->tv_nsec;
}

static void f4_op_statx(fuse_req_t req, fuse_ino_t n, int flags, int mask,
			struct fuse_file_info *fi)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_inode_large in;
	struct statx stx;
	struct stat st;
	ext2_ino_t ino;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (!ret) {
		f4_rlock(f4);
		ret = f4_read_inode(f4, ino, &in);
		f4_runlock(f4);
	}
	if (ret) {
		fuse_reply_err(req, ret);
		return;
	}
	f4_inode_to_stat(f4, ino, &in, &st);
	memset(&stx, 0, sizeof(stx));
	stx.stx_mask = STATX_BASIC_STATS;
	stx.stx_blksize = (__u32)st.st_blksize;
	stx.stx_nlink = (__u32)st.st_nlink;
	stx.stx_uid = st.st_uid;
	stx.stx_gid = st.st_gid;
	stx.stx_mode = (__u16)st.st_mode;
	stx.stx_ino = n;
	stx.stx_size = (__u64)st.st_size;
	stx.stx_blocks = (__u64)st.st_blocks;
	f4_ts_to_statx(&st.st_atim, &stx.stx_atime);
	f4_ts_to_statx(&st.st_mtim, &stx.stx_mtime);
	f4_ts_to_statx(&st.st_ctim, &stx.stx_ctime);
	stx.stx_rdev_major = major(st.st_rdev);
	stx.stx_rdev_minor = minor(st.st_rdev);
	if (in.i_extra_isize >= offsetof(struct ext2_inode_large, i_crtime_extra) -
	    EXT2_GOOD_OLD_INODE_SIZE + sizeof(in.i_crtime_extra)) {
		stx.stx_mask |= STATX_BTIME;
		stx.stx_btime.tv_sec = (int32_t)in.i_crtime +
			((int64_t)(in.i_crtime_extra & 3) << 32);
		stx.stx_btime.tv_nsec = in.i_crtime_extra >> 2;
		if (stx.stx_btime.tv_nsec >= 1000000000)
			stx.stx_btime.tv_nsec = 0;
	}
	stx.stx_attributes_mask = STATX_ATTR_COMPRESSED | STATX_ATTR_IMMUTABLE |
				  STATX_ATTR_APPEND | STATX_ATTR_NODUMP;
	if (in.i_flags & EXT2_COMPR_FL)
		stx.stx_attributes |= STATX_ATTR_COMPRESSED;
	if (in.i_flags & EXT2_IMMUTABLE_FL)
		stx.stx_attributes |= STATX_ATTR_IMMUTABLE;
	if (in.i_flags & EXT2_APPEND_FL)
		stx.stx_attributes |= STATX_ATTR_APPEND;
	if (in.i_flags & EXT2_NODUMP_FL)
		stx.stx_attributes |= STATX_ATTR_NODUMP;
	fuse_reply_statx(req, 0, &stx, f4->o.attr_timeout);
}
#endif

static void f4_op_access(fuse_req_t req, fuse_ino_t n, int mask)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_inode_large in;
	ext2_ino_t ino;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (!ret) {
		f4_rlock(f4);
		ret = f4_read_inode(f4, ino, &in);
		f4_runlock(f4);
	}
	if (!ret && (mask & W_OK) && !f4_writable(f4))
		ret = EROFS;
	if (!ret)
		ret = f4_check_access(f4, fuse_req_ctx(req), &in, mask);
	fuse_reply_err(req, ret);
}

/* Table pieces used by ops.c */
void f4_ops_node(struct fuse_lowlevel_ops *o);
void f4_ops_node(struct fuse_lowlevel_ops *o)
{
	o->lookup = f4_op_lookup;
	o->forget = f4_op_forget;
	o->forget_multi = f4_op_forget_multi;
	o->getattr = f4_op_getattr;
	o->setattr = f4_op_setattr;
	o->mknod = f4_op_mknod;
	o->create = f4_op_create;
	o->mkdir = f4_op_mkdir;
	o->symlink = f4_op_symlink;
	o->readlink = f4_op_readlink;
	o->unlink = f4_op_unlink;
	o->rmdir = f4_op_rmdir;
	o->link = f4_op_link;
	o->rename = f4_op_rename;
	o->access = f4_op_access;
#if FUSE_MAKE_VERSION(3, 18) <= FUSE_VERSION
	o->statx = f4_op_statx;
#endif
}
