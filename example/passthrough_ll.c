// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * passthrough_ll: a lowlevel server that mirrors a directory.
 *
 *   passthrough_ll --source=DIR [--timeout=SEC] [--writeback]
 *                  [fuse options] <mountpoint>
 *
 * Every inode the kernel knows is backed by an O_PATH file descriptor of
 * the underlying file; the kernel's node id is a number we hand out and
 * look up in a table (never a pointer), so a stale or forged node id is
 * answered with ESTALE instead of being dereferenced. Lookup counts follow
 * the FUSE rules: every entry reply adds one, forget subtracts; the inode
 * (and its fd) goes away when the count reaches zero.
 *
 * Operations: lookup, forget(_multi), getattr, setattr, readlink, mknod,
 * mkdir, symlink, link, unlink, rmdir, rename (with RENAME_NOREPLACE /
 * RENAME_EXCHANGE), open, create, read (zero-copy from the backing fd),
 * write_buf, flush, release, fsync, opendir, readdir, readdirplus,
 * releasedir, fsyncdir, statfs, the four xattr operations, fallocate,
 * flock, copy_file_range, lseek and (API 3.18) statx. Not implemented (the
 * library answers ENOSYS): POSIX locks (getlk/setlk), ioctl, poll, tmpfile.
 */
#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 318
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <fuse_lowlevel.h>

#include "ll_run.h"
#include "pt_inode.h"

struct pt_opts {
	const char *source;
	double timeout;
	int writeback;
};

static struct pt_opts pt_opts = { .timeout = 1.0 };
static struct pt_table pt_table;

/* Path under /proc that reopens an O_PATH fd with real access modes. */
static void pt_procpath(char *buf, size_t len, int fd)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/* Node id from the kernel to inode, with a reference; NULL -> ESTALE. */
static struct pt_inode *pt_get(fuse_req_t req, fuse_ino_t ino)
{
	struct pt_inode *in = pt_inode_get(&pt_table, ino);

	if (!in)
		fuse_reply_err(req, ESTALE);
	return in;
}

static int pt_valid_name(const char *name)
{
	return name[0] && !strchr(name, '/') && strlen(name) <= NAME_MAX;
}

/*
 * Look a name up under parent and fill e. On success the inode's lookup
 * count went up by one; the caller must reply with e or forget it.
 */
static int pt_do_lookup(struct pt_inode *parent, const char *name,
			struct fuse_entry_param *e)
{
	struct pt_inode *in;
	int fd, err;

	memset(e, 0, sizeof(*e));
	e->attr_timeout = pt_opts.timeout;
	e->entry_timeout = pt_opts.timeout;

	fd = openat(parent->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return errno;
	if (fstatat(fd, "", &e->attr, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
		err = errno;
		close(fd);
		return err;
	}
	err = pt_inode_lookup(&pt_table, fd, &e->attr, &in);
	if (err)
		return err;
	e->ino = in->id;
	return 0;
}

static void pt_reply_entry_or_err(fuse_req_t req, struct pt_inode *parent,
				  const char *name, int err)
{
	struct fuse_entry_param e;

	if (!err)
		err = pt_do_lookup(parent, name, &e);
	if (err)
		fuse_reply_err(req, err);
	else if (fuse_reply_entry(req, &e) != 0)
		pt_inode_forget(&pt_table, e.ino, 1);
}

static void pt_init(void *userdata, struct fuse_conn_info *conn)
{
#if FUSE_USE_VERSION >= FUSE_MAKE_VERSION(3, 17)
	fuse_set_feature_flag(conn, FUSE_CAP_FLOCK_LOCKS);
	if (pt_opts.writeback)
		fuse_set_feature_flag(conn, FUSE_CAP_WRITEBACK_CACHE);
#else
	if (conn->capable & FUSE_CAP_FLOCK_LOCKS)
		conn->want |= FUSE_CAP_FLOCK_LOCKS;
	if (pt_opts.writeback && (conn->capable & FUSE_CAP_WRITEBACK_CACHE))
		conn->want |= FUSE_CAP_WRITEBACK_CACHE;
#endif
}

static void pt_destroy(void *userdata)
{
	pt_table_clear(&pt_table);
}

static void pt_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct pt_inode *p = pt_get(req, parent);

	if (!p)
		return;
	if (!pt_valid_name(name))
		fuse_reply_err(req, strlen(name) > NAME_MAX ? ENAMETOOLONG : EINVAL);
	else
		pt_reply_entry_or_err(req, p, name, 0);
	pt_inode_put(&pt_table, p);
}

static void pt_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	pt_inode_forget(&pt_table, ino, nlookup);
	fuse_reply_none(req);
}

static void pt_forget_multi(fuse_req_t req, size_t count,
			    struct fuse_forget_data *forgets)
{
	size_t i;

	for (i = 0; i < count; i++)
		pt_inode_forget(&pt_table, forgets[i].ino, forgets[i].nlookup);
	fuse_reply_none(req);
}

static void pt_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct pt_inode *in = pt_get(req, ino);
	struct stat st;

	if (!in)
		return;
	if (fstatat(in->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		fuse_reply_err(req, errno);
	else
		fuse_reply_attr(req, &st, pt_opts.timeout);
	pt_inode_put(&pt_table, in);
}

static int pt_set_times(struct pt_inode *in, struct stat *attr, int valid,
			struct fuse_file_info *fi)
{
	struct timespec tv[2];
	char path[64];

	tv[0].tv_sec = 0;
	tv[1].tv_sec = 0;
	tv[0].tv_nsec = UTIME_OMIT;
	tv[1].tv_nsec = UTIME_OMIT;
	if (valid & FUSE_SET_ATTR_ATIME_NOW)
		tv[0].tv_nsec = UTIME_NOW;
	else if (valid & FUSE_SET_ATTR_ATIME)
		tv[0] = attr->st_atim;
	if (valid & FUSE_SET_ATTR_MTIME_NOW)
		tv[1].tv_nsec = UTIME_NOW;
	else if (valid & FUSE_SET_ATTR_MTIME)
		tv[1] = attr->st_mtim;

	if (fi)
		return futimens(fi->fh, tv) ? errno : 0;
	/* An O_PATH fd of a symlink cannot be reopened through /proc. */
	if (S_ISLNK(in->mode))
		return ENOTSUP;
	pt_procpath(path, sizeof(path), in->fd);
	return utimensat(AT_FDCWD, path, tv, 0) ? errno : 0;
}

static void pt_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int valid, struct fuse_file_info *fi)
{
	struct pt_inode *in = pt_get(req, ino);
	char path[64];
	int err = 0;

	if (!in)
		return;
	pt_procpath(path, sizeof(path), in->fd);

	if (valid & FUSE_SET_ATTR_MODE) {
		if (fi)
			err = fchmod(fi->fh, attr->st_mode) ? errno : 0;
		else if (S_ISLNK(in->mode))
			err = EOPNOTSUPP;
		else
			err = chmod(path, attr->st_mode) ? errno : 0;
	}
	if (!err && (valid & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID))) {
		uid_t uid = valid & FUSE_SET_ATTR_UID ? attr->st_uid : (uid_t)-1;
		gid_t gid = valid & FUSE_SET_ATTR_GID ? attr->st_gid : (gid_t)-1;

		err = fchownat(in->fd, "", uid, gid,
			       AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) ? errno : 0;
	}
	if (!err && (valid & FUSE_SET_ATTR_SIZE)) {
		if (attr->st_size < 0)
			err = EINVAL;
		else if (fi)
			err = ftruncate(fi->fh, attr->st_size) ? errno : 0;
		else
			err = truncate(path, attr->st_size) ? errno : 0;
	}
	if (!err && (valid & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |
			      FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW)))
		err = pt_set_times(in, attr, valid, fi);

	if (err) {
		fuse_reply_err(req, err);
	} else {
		struct stat st;

		if (fstatat(in->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
			fuse_reply_err(req, errno);
		else
			fuse_reply_attr(req, &st, pt_opts.timeout);
	}
	pt_inode_put(&pt_table, in);
}

static void pt_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct pt_inode *in = pt_get(req, ino);
	char buf[PATH_MAX + 1];
	ssize_t n;

	if (!in)
		return;
	n = readlinkat(in->fd, "", buf, sizeof(buf));
	if (n == -1) {
		fuse_reply_err(req, errno);
	} else if (n == sizeof(buf)) {
		fuse_reply_err(req, ENAMETOOLONG);
	} else {
		buf[n] = '\0';
		fuse_reply_readlink(req, buf);
	}
	pt_inode_put(&pt_table, in);
}

/* mknod, mkdir and symlink: create, then answer with a fresh lookup. */
static void pt_make(fuse_req_t req, fuse_ino_t parent, const char *name,
		    mode_t mode, dev_t rdev, const char *link)
{
	struct pt_inode *p = pt_get(req, parent);
	int err;

	if (!p)
		return;
	if (!pt_valid_name(name))
		err = EINVAL;
	else if (link)
		err = symlinkat(link, p->fd, name) ? errno : 0;
	else if (S_ISDIR(mode))
		err = mkdirat(p->fd, name, mode & 07777) ? errno : 0;
	else
		err = mknodat(p->fd, name, mode, rdev) ? errno : 0;
	pt_reply_entry_or_err(req, p, name, err);
	pt_inode_put(&pt_table, p);
}

static void pt_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode, dev_t rdev)
{
	pt_make(req, parent, name, mode, rdev, NULL);
}

static void pt_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode)
{
	pt_make(req, parent, name, S_IFDIR | mode, 0, NULL);
}

static void pt_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		       const char *name)
{
	pt_make(req, parent, name, S_IFLNK, 0, link);
}

static void pt_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		    const char *newname)
{
	struct pt_inode *in = pt_get(req, ino);
	struct pt_inode *p;
	char path[64];
	int err = 0;

	if (!in)
		return;
	p = pt_get(req, newparent);
	if (!p) {
		pt_inode_put(&pt_table, in);
		return;
	}
	if (!pt_valid_name(newname)) {
		err = EINVAL;
	} else if (linkat(in->fd, "", p->fd, newname, AT_EMPTY_PATH)) {
		/* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; try /proc. */
		pt_procpath(path, sizeof(path), in->fd);
		if (linkat(AT_FDCWD, path, p->fd, newname, AT_SYMLINK_FOLLOW))
			err = errno;
	}
	pt_reply_entry_or_err(req, p, newname, err);
	pt_inode_put(&pt_table, p);
	pt_inode_put(&pt_table, in);
}

static void pt_remove(fuse_req_t req, fuse_ino_t parent, const char *name,
		      int flags)
{
	struct pt_inode *p = pt_get(req, parent);

	if (!p)
		return;
	if (!pt_valid_name(name))
		fuse_reply_err(req, EINVAL);
	else
		fuse_reply_err(req, unlinkat(p->fd, name, flags) ? errno : 0);
	pt_inode_put(&pt_table, p);
}

static void pt_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	pt_remove(req, parent, name, 0);
}

static void pt_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	pt_remove(req, parent, name, AT_REMOVEDIR);
}

static void pt_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname,
		      unsigned int flags)
{
	struct pt_inode *p = pt_get(req, parent);
	struct pt_inode *np;
	int err;

	if (!p)
		return;
	np = pt_get(req, newparent);
	if (!np) {
		pt_inode_put(&pt_table, p);
		return;
	}
	if (!pt_valid_name(name) || !pt_valid_name(newname))
		err = EINVAL;
	else if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		err = EINVAL;
	else
		err = renameat2(p->fd, name, np->fd, newname, flags) ? errno : 0;
	fuse_reply_err(req, err);
	pt_inode_put(&pt_table, np);
	pt_inode_put(&pt_table, p);
}

/* Flags for reopening a backing file for I/O. */
static int pt_open_flags(int flags)
{
	/*
	 * O_DIRECT stays with the kernel: it already bypasses its page cache
	 * and sends every read and write here, and an O_DIRECT backing fd
	 * would demand aligned user buffers from the library.
	 */
	flags &= ~(O_NOFOLLOW | O_CREAT | O_EXCL | O_DIRECT);
	/*
	 * With the writeback cache the kernel may read pages of a file
	 * opened write-only, and it handles O_APPEND itself.
	 */
	if (pt_opts.writeback) {
		if ((flags & O_ACCMODE) == O_WRONLY)
			flags = (flags & ~O_ACCMODE) | O_RDWR;
		flags &= ~O_APPEND;
	}
	return flags | O_CLOEXEC;
}

static void pt_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct pt_inode *in = pt_get(req, ino);
	char path[64];
	int fd;

	if (!in)
		return;
	pt_procpath(path, sizeof(path), in->fd);
	fd = open(path, pt_open_flags(fi->flags));
	if (fd == -1) {
		fuse_reply_err(req, errno);
	} else {
		fi->fh = fd;
		if (fuse_reply_open(req, fi) != 0)
			close(fd);
	}
	pt_inode_put(&pt_table, in);
}

static void pt_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	struct pt_inode *p = pt_get(req, parent);
	struct fuse_entry_param e;
	int fd, err;

	if (!p)
		return;
	if (!pt_valid_name(name)) {
		fuse_reply_err(req, EINVAL);
		goto out;
	}
	fd = openat(p->fd, name, pt_open_flags(fi->flags) | O_CREAT |
		    (fi->flags & O_EXCL), mode);
	if (fd == -1) {
		fuse_reply_err(req, errno);
		goto out;
	}
	err = pt_do_lookup(p, name, &e);
	if (err) {
		close(fd);
		fuse_reply_err(req, err);
		goto out;
	}
	fi->fh = fd;
	if (fuse_reply_create(req, &e, fi) != 0) {
		close(fd);
		pt_inode_forget(&pt_table, e.ino, 1);
	}
out:
	pt_inode_put(&pt_table, p);
}

static void pt_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct fuse_bufvec buf = FUSE_BUFVEC_INIT(size);

	/* The library copies (or splices) straight from the backing fd. */
	buf.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	buf.buf[0].fd = fi->fh;
	buf.buf[0].pos = off;
	fuse_reply_data(req, &buf, FUSE_BUF_SPLICE_MOVE);
}

static void pt_write_buf(fuse_req_t req, fuse_ino_t ino,
			 struct fuse_bufvec *in_buf, off_t off,
			 struct fuse_file_info *fi)
{
	struct fuse_bufvec out = FUSE_BUFVEC_INIT(fuse_buf_size(in_buf));
	ssize_t n;

	out.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	out.buf[0].fd = fi->fh;
	out.buf[0].pos = off;
	n = fuse_buf_copy(&out, in_buf, 0);
	if (n < 0)
		fuse_reply_err(req, -n);
	else
		fuse_reply_write(req, n);
}

static void pt_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	/* close() of a duplicate reports deferred write errors (NFS). */
	int fd = dup(fi->fh);

	if (fd == -1)
		fuse_reply_err(req, errno);
	else
		fuse_reply_err(req, close(fd) ? errno : 0);
}

static void pt_release(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	close(fi->fh);
	fuse_reply_err(req, 0);
}

static void pt_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi)
{
	int ret = datasync ? fdatasync(fi->fh) : fsync(fi->fh);

	fuse_reply_err(req, ret ? errno : 0);
}

struct pt_dir {
	DIR *dp;
	off_t offset;		/* telldir() cookie of the next entry */
	struct dirent *entry;	/* read but not yet returned, or NULL */
};

static struct pt_dir *pt_dir(struct fuse_file_info *fi)
{
	return (struct pt_dir *)(uintptr_t)fi->fh;
}

static void pt_opendir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct pt_inode *in = pt_get(req, ino);
	struct pt_dir *d;
	int fd;

	if (!in)
		return;
	d = calloc(1, sizeof(*d));
	if (!d) {
		fuse_reply_err(req, ENOMEM);
		goto out;
	}
	fd = openat(in->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1) {
		fuse_reply_err(req, errno);
		free(d);
		goto out;
	}
	d->dp = fdopendir(fd);
	if (!d->dp) {
		fuse_reply_err(req, errno);
		close(fd);
		free(d);
		goto out;
	}
	fi->fh = (uintptr_t)d;
	if (fuse_reply_open(req, fi) != 0) {
		closedir(d->dp);
		free(d);
	}
out:
	pt_inode_put(&pt_table, in);
}

static int pt_is_dot(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..");
}

static void pt_do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
			  off_t offset, struct fuse_file_info *fi, int plus)
{
	struct pt_dir *d = pt_dir(fi);
	struct pt_inode *in = pt_get(req, ino);
	size_t len = 0;
	char *buf;
	int err = 0;

	if (!in)
		return;
	buf = malloc(size ? size : 1);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		goto out;
	}
	if (offset != d->offset) {
		seekdir(d->dp, offset);
		d->entry = NULL;
		d->offset = offset;
	}
	for (;;) {
		struct fuse_entry_param e;
		off_t next;
		size_t need;

		if (!d->entry) {
			errno = 0;
			d->entry = readdir(d->dp);
			if (!d->entry) {
				err = errno;
				break;
			}
		}
		next = telldir(d->dp);
		if (plus) {
			if (pt_is_dot(d->entry->d_name)) {
				memset(&e, 0, sizeof(e));
				e.attr.st_ino = d->entry->d_ino;
				e.attr.st_mode = d->entry->d_type << 12;
			} else {
				err = pt_do_lookup(in, d->entry->d_name, &e);
				if (err == ENOENT) {
					/* Removed since readdir(): skip it. */
					err = 0;
					d->entry = NULL;
					d->offset = next;
					continue;
				}
				if (err)
					break;
			}
			need = fuse_add_direntry_plus(req, buf + len,
						      size - len,
						      d->entry->d_name,
						      &e, next);
			if (need > size - len) {
				if (e.ino)
					pt_inode_forget(&pt_table, e.ino, 1);
				break;
			}
		} else {
			struct stat st = {
				.st_ino = d->entry->d_ino,
				.st_mode = d->entry->d_type << 12,
			};

			need = fuse_add_direntry(req, buf + len, size - len,
						 d->entry->d_name, &st, next);
			if (need > size - len)
				break;
		}
		len += need;
		d->entry = NULL;
		d->offset = next;
	}
	/* An error after some entries is reported by the next call. */
	if (err && len == 0)
		fuse_reply_err(req, err);
	else
		fuse_reply_buf(req, buf, len);
	free(buf);
out:
	pt_inode_put(&pt_table, in);
}

static void pt_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
		       off_t offset, struct fuse_file_info *fi)
{
	pt_do_readdir(req, ino, size, offset, fi, 0);
}

static void pt_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
			   off_t offset, struct fuse_file_info *fi)
{
	pt_do_readdir(req, ino, size, offset, fi, 1);
}

static void pt_releasedir(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct pt_dir *d = pt_dir(fi);

	closedir(d->dp);
	free(d);
	fuse_reply_err(req, 0);
}

static void pt_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync,
			struct fuse_file_info *fi)
{
	int fd = dirfd(pt_dir(fi)->dp);
	int ret = datasync ? fdatasync(fd) : fsync(fd);

	fuse_reply_err(req, ret ? errno : 0);
}

static void pt_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct pt_inode *in = pt_get(req, ino);
	struct statvfs sv;

	if (!in)
		return;
	if (fstatvfs(in->fd, &sv))
		fuse_reply_err(req, errno);
	else
		fuse_reply_statfs(req, &sv);
	pt_inode_put(&pt_table, in);
}

/*
 * Extended attributes go through /proc/self/fd/N: the *xattr calls do not
 * accept an O_PATH fd, and a symlink's own xattrs (trusted.* only) are
 * not supported here (ENOTSUP).
 */
static int pt_xattr_path(fuse_req_t req, fuse_ino_t ino, char *path,
			 size_t len, struct pt_inode **inp)
{
	struct pt_inode *in = pt_get(req, ino);

	if (!in)
		return -1;
	if (S_ISLNK(in->mode)) {
		fuse_reply_err(req, ENOTSUP);
		pt_inode_put(&pt_table, in);
		return -1;
	}
	pt_procpath(path, len, in->fd);
	*inp = in;
	return 0;
}

static void pt_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			const char *value, size_t size, int flags)
{
	struct pt_inode *in;
	char path[64];

	if (pt_xattr_path(req, ino, path, sizeof(path), &in))
		return;
	fuse_reply_err(req, setxattr(path, name, value, size, flags) ?
		       errno : 0);
	pt_inode_put(&pt_table, in);
}

/* getxattr and listxattr share the size-probe protocol. */
static void pt_reply_xattr_value(fuse_req_t req, const char *path,
				 const char *name, size_t size)
{
	char *buf = NULL;
	ssize_t n;

	if (size) {
		buf = malloc(size);
		if (!buf) {
			fuse_reply_err(req, ENOMEM);
			return;
		}
	}
	n = name ? getxattr(path, name, buf, size) :
		   listxattr(path, buf, size);
	if (n < 0)
		fuse_reply_err(req, errno);
	else if (!size)
		fuse_reply_xattr(req, n);
	else
		fuse_reply_buf(req, buf, n);
	free(buf);
}

static void pt_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
			size_t size)
{
	struct pt_inode *in;
	char path[64];

	if (pt_xattr_path(req, ino, path, sizeof(path), &in))
		return;
	pt_reply_xattr_value(req, path, name, size);
	pt_inode_put(&pt_table, in);
}

static void pt_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
	struct pt_inode *in;
	char path[64];

	if (pt_xattr_path(req, ino, path, sizeof(path), &in))
		return;
	pt_reply_xattr_value(req, path, NULL, size);
	pt_inode_put(&pt_table, in);
}

static void pt_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
	struct pt_inode *in;
	char path[64];

	if (pt_xattr_path(req, ino, path, sizeof(path), &in))
		return;
	fuse_reply_err(req, removexattr(path, name) ? errno : 0);
	pt_inode_put(&pt_table, in);
}

static void pt_fallocate(fuse_req_t req, fuse_ino_t ino, int mode,
			 off_t offset, off_t length, struct fuse_file_info *fi)
{
	if (offset < 0 || length <= 0)
		fuse_reply_err(req, EINVAL);
	else
		fuse_reply_err(req, fallocate(fi->fh, mode, offset, length) ?
			       errno : 0);
}

static void pt_flock(fuse_req_t req, fuse_ino_t ino,
		     struct fuse_file_info *fi, int op)
{
	fuse_reply_err(req, flock(fi->fh, op) ? errno : 0);
}

static void pt_copy_file_range(fuse_req_t req, fuse_ino_t ino_in,
			       off_t off_in, struct fuse_file_info *fi_in,
			       fuse_ino_t ino_out, off_t off_out,
			       struct fuse_file_info *fi_out, size_t len,
			       int flags)
{
	ssize_t n;

	n = copy_file_range(fi_in->fh, &off_in, fi_out->fh, &off_out, len,
			    flags);
	if (n < 0)
		fuse_reply_err(req, errno);
	else
		fuse_reply_write(req, n);
}

static void pt_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
		     struct fuse_file_info *fi)
{
	off_t res;

	if (whence != SEEK_DATA && whence != SEEK_HOLE) {
		/* The kernel only forwards SEEK_DATA and SEEK_HOLE. */
		fuse_reply_err(req, EINVAL);
		return;
	}
	res = lseek(fi->fh, off, whence);
	if (res == -1)
		fuse_reply_err(req, errno);
	else
		fuse_reply_lseek(req, res);
}

#if FUSE_USE_VERSION >= FUSE_MAKE_VERSION(3, 18)
static void pt_statx(fuse_req_t req, fuse_ino_t ino, int flags, int mask,
		     struct fuse_file_info *fi)
{
	struct pt_inode *in = pt_get(req, ino);
	struct statx stx;

	if (!in)
		return;
	/* Only the sync-type bits make sense from the kernel. */
	flags &= AT_STATX_SYNC_TYPE;
	if (statx(in->fd, "", flags | AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
		  mask, &stx))
		fuse_reply_err(req, errno);
	else
		fuse_reply_statx(req, 0, &stx, pt_opts.timeout);
	pt_inode_put(&pt_table, in);
}
#endif

static const struct fuse_lowlevel_ops pt_ops = {
	.init = pt_init,
	.destroy = pt_destroy,
	.lookup = pt_lookup,
	.forget = pt_forget,
	.forget_multi = pt_forget_multi,
	.getattr = pt_getattr,
	.setattr = pt_setattr,
	.readlink = pt_readlink,
	.mknod = pt_mknod,
	.mkdir = pt_mkdir,
	.symlink = pt_symlink,
	.link = pt_link,
	.unlink = pt_unlink,
	.rmdir = pt_rmdir,
	.rename = pt_rename,
	.open = pt_open,
	.create = pt_create,
	.read = pt_read,
	.write_buf = pt_write_buf,
	.flush = pt_flush,
	.release = pt_release,
	.fsync = pt_fsync,
	.opendir = pt_opendir,
	.readdir = pt_readdir,
	.readdirplus = pt_readdirplus,
	.releasedir = pt_releasedir,
	.fsyncdir = pt_fsyncdir,
	.statfs = pt_statfs,
	.setxattr = pt_setxattr,
	.getxattr = pt_getxattr,
	.listxattr = pt_listxattr,
	.removexattr = pt_removexattr,
	.fallocate = pt_fallocate,
	.flock = pt_flock,
	.copy_file_range = pt_copy_file_range,
	.lseek = pt_lseek,
#if FUSE_USE_VERSION >= FUSE_MAKE_VERSION(3, 18)
	.statx = pt_statx,
#endif
};

#define PT_OPT(t, p, v) { t, offsetof(struct pt_opts, p), v }
static const struct fuse_opt pt_opt_spec[] = {
	PT_OPT("--source=%s", source, 0),
	PT_OPT("source=%s", source, 0),
	PT_OPT("--timeout=%lf", timeout, 0),
	PT_OPT("--writeback", writeback, 1),
	FUSE_OPT_END
};

/* True when the command line asks only for help or the version. */
static int pt_wants_info(const struct fuse_args *args)
{
	int i;

	for (i = 1; i < args->argc; i++) {
		const char *a = args->argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help") ||
		    !strcmp(a, "-V") || !strcmp(a, "--version"))
			return 1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	const char *usage = "usage: passthrough_ll --source=DIR [--timeout=SEC] "
			    "[--writeback] [options] <mountpoint>";
	int fd, ret;

	if (fuse_opt_parse(&args, &pt_opts, pt_opt_spec, NULL) == -1)
		return 1;
	if (!pt_opts.source) {
		if (!pt_wants_info(&args)) {
			fprintf(stderr, "%s\n", usage);
			fuse_opt_free_args(&args);
			return 1;
		}
		/* --help and --version need no source directory. */
		pt_opts.source = ".";
	}
	if (pt_opts.timeout < 0) {
		fprintf(stderr, "passthrough_ll: --timeout must be >= 0\n");
		return 1;
	}
	fd = open(pt_opts.source, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1) {
		perror(pt_opts.source);
		return 1;
	}
	if (pt_table_init(&pt_table, fd) != 0) {
		fprintf(stderr, "passthrough_ll: out of memory\n");
		close(fd);
		return 1;
	}
	ret = ll_run(&args, usage, &pt_ops, sizeof(pt_ops), NULL, NULL,
		     NULL);
	pt_table_clear(&pt_table);
	pt_table_fini(&pt_table);
	return ret;
}
