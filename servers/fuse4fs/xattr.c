// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse4fs: extended attributes.  libext2fs (without XATTR_HANDLE_FLAG_RAW)
 * translates system.posix_acl_{access,default} between the kernel's xattr
 * ACL format and ext4's on-disk ACL format, in both directions.
 */
#include "f4.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

static int f4_xattr_name_ok(const char *name)
{
	if (!strncmp(name, "user.", 5) || !strncmp(name, "trusted.", 8) ||
	    !strncmp(name, "security.", 9))
		return name[strcspn(name, ".") + 1] ? 0 : EINVAL;
	if (!strcmp(name, "system.posix_acl_access") ||
	    !strcmp(name, "system.posix_acl_default"))
		return 0;
	return EOPNOTSUPP;
}

static int f4_xattr_open(struct f4 *f4, ext2_ino_t ino,
			 struct ext2_xattr_handle **h)
{
	errcode_t err;

	err = ext2fs_xattrs_open(f4->fs, ino, h);
	if (err)
		return f4_err(f4, err, "xattr open", ino);
	err = ext2fs_xattrs_read(*h);
	if (err) {
		ext2fs_xattrs_close(h);
		return f4_err(f4, err, "xattr read", ino);
	}
	return 0;
}

void f4_op_getxattr(fuse_req_t req, fuse_ino_t n, const char *name, size_t size)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_xattr_handle *h;
	void *val = NULL;
	size_t len = 0;
	ext2_ino_t ino;
	errcode_t err;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (!ret)
		ret = f4_xattr_name_ok(name);
	if (ret) {
		fuse_reply_err(req, ret == EINVAL ? ENODATA : ret);
		return;
	}
	f4_rdlock(f4);
	pthread_mutex_lock(&f4->map_lock);
	ret = f4_xattr_open(f4, ino, &h);
	if (!ret) {
		err = ext2fs_xattr_get(h, name, &val, &len);
		ret = err == EXT2_ET_EA_KEY_NOT_FOUND ? ENODATA :
		      f4_err(f4, err, "getxattr", ino);
		ext2fs_xattrs_close(&h);
	}
	pthread_mutex_unlock(&f4->map_lock);
	f4_unlock(f4);
	if (ret)
		fuse_reply_err(req, ret);
	else if (size == 0)
		fuse_reply_xattr(req, len);
	else if (len > size)
		fuse_reply_err(req, ERANGE);
	else
		fuse_reply_buf(req, val, len);
	if (val)
		ext2fs_free_mem(&val);
}

struct f4_xlist {
	char *buf;
	size_t size;
	size_t pos;
};

static int f4_xlist_fn(char *name, char *value, size_t value_len, void *data)
{
	struct f4_xlist *l = data;
	size_t n = strlen(name) + 1;

	if (f4_xattr_name_ok(name) == EOPNOTSUPP)
		return 0;	/* hide namespaces we do not export */
	if (l->buf && l->pos + n <= l->size)
		memcpy(l->buf + l->pos, name, n);
	l->pos += n;
	return 0;
}

void f4_op_listxattr(fuse_req_t req, fuse_ino_t n, size_t size)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_xattr_handle *h;
	struct f4_xlist l = { 0 };
	ext2_ino_t ino;
	errcode_t err;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (ret) {
		fuse_reply_err(req, ret);
		return;
	}
	if (size) {
		l.buf = malloc(size);
		l.size = size;
		if (!l.buf) {
			fuse_reply_err(req, ENOMEM);
			return;
		}
	}
	f4_rdlock(f4);
	pthread_mutex_lock(&f4->map_lock);
	ret = f4_xattr_open(f4, ino, &h);
	if (!ret) {
		err = ext2fs_xattrs_iterate(h, f4_xlist_fn, &l);
		ret = f4_err(f4, err, "listxattr", ino);
		ext2fs_xattrs_close(&h);
	}
	pthread_mutex_unlock(&f4->map_lock);
	f4_unlock(f4);
	if (ret)
		fuse_reply_err(req, ret);
	else if (size == 0)
		fuse_reply_xattr(req, l.pos);
	else if (l.pos > size)
		fuse_reply_err(req, ERANGE);
	else
		fuse_reply_buf(req, l.buf, l.pos);
	free(l.buf);
}

static int f4_xattr_ctime(struct f4 *f4, ext2_ino_t ino)
{
	struct ext2_inode_large in;
	int ret;

	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		return ret;
	f4_touch(&in, F4_CTIME);
	return f4_write_inode(f4, ino, &in);
}

void f4_op_setxattr(fuse_req_t req, fuse_ino_t n, const char *name,
		    const char *value, size_t size, int flags)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_xattr_handle *h;
	void *old = NULL;
	size_t oldlen;
	ext2_ino_t ino;
	errcode_t err;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (!ret)
		ret = f4_xattr_name_ok(name);
	if (!ret && (flags & ~(XATTR_CREATE | XATTR_REPLACE)))
		ret = EINVAL;
	if (!ret && size > 65536)
		ret = E2BIG;
	if (ret) {
		fuse_reply_err(req, ret);
		return;
	}
	f4_wrlock(f4);
	if (!f4_writable(f4)) {
		ret = EROFS;
		goto out;
	}
	ret = f4_xattr_open(f4, ino, &h);
	if (ret)
		goto out;
	err = ext2fs_xattr_get(h, name, &old, &oldlen);
	if (old)
		ext2fs_free_mem(&old);
	if (err && err != EXT2_ET_EA_KEY_NOT_FOUND) {
		ret = f4_err(f4, err, "setxattr", ino);
	} else if ((flags & XATTR_CREATE) && !err) {
		ret = EEXIST;
	} else if ((flags & XATTR_REPLACE) && err) {
		ret = ENODATA;
	} else {
		err = ext2fs_xattr_set(h, name, value, size);
		ret = f4_err(f4, err, "setxattr", ino);
	}
	err = ext2fs_xattrs_close(&h);
	if (!ret)
		ret = f4_err(f4, err, "setxattr", ino);
	if (!ret)
		ret = f4_xattr_ctime(f4, ino);
out:
	f4_unlock(f4);
	fuse_reply_err(req, ret);
}

void f4_op_removexattr(fuse_req_t req, fuse_ino_t n, const char *name)
{
	struct f4 *f4 = f4_from_req(req);
	struct ext2_xattr_handle *h;
	void *old = NULL;
	size_t oldlen;
	ext2_ino_t ino;
	errcode_t err;
	int ret;

	ret = f4_ino_valid(f4, n, &ino);
	if (!ret)
		ret = f4_xattr_name_ok(name);
	if (ret) {
		fuse_reply_err(req, ret == EINVAL ? ENODATA : ret);
		return;
	}
	f4_wrlock(f4);
	if (!f4_writable(f4)) {
		ret = EROFS;
		goto out;
	}
	ret = f4_xattr_open(f4, ino, &h);
	if (ret)
		goto out;
	err = ext2fs_xattr_get(h, name, &old, &oldlen);
	if (old)
		ext2fs_free_mem(&old);
	if (err == EXT2_ET_EA_KEY_NOT_FOUND)
		ret = ENODATA;
	else if (err)
		ret = f4_err(f4, err, "removexattr", ino);
	else
		ret = f4_err(f4, ext2fs_xattr_remove(h, name), "removexattr", ino);
	err = ext2fs_xattrs_close(&h);
	if (!ret)
		ret = f4_err(f4, err, "removexattr", ino);
	if (!ret)
		ret = f4_xattr_ctime(f4, ino);
out:
	f4_unlock(f4);
	fuse_reply_err(req, ret);
}
