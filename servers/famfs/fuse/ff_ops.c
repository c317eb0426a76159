// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs-fuse lowlevel operations. The namespace comes from the log only:
 * creating, removing, renaming and resizing through the mount are refused
 * (the famfs tools create files; sizes are fixed by the allocation).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "ff.h"

static struct ff *ff_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static void fill_attr(const struct ff *ff, const struct famfs_node *n,
		      struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = n->ino;
	st->st_mode = n->mode;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_blksize = FAMFS_ALLOC_UNIT;
	st->st_atim = ff->mtime;
	st->st_mtim = ff->mtime;
	st->st_ctim = ff->mtime;
	if (S_ISDIR(n->mode)) {
		st->st_nlink = 2 + n->nsubdirs;
		st->st_size = 4096;
		st->st_blocks = 0;
	} else {
		st->st_nlink = 1;
		st->st_size = n->layout.size;
		st->st_blocks = famfs_layout_alloc_bytes(&n->layout) / 512;
	}
}

/* Node by inode under the read lock; NULL if unknown. */
static struct famfs_node *get_node(struct ff *ff, fuse_ino_t ino)
{
	struct famfs_node *n;

	pthread_rwlock_rdlock(&ff->lock);
	n = famfs_ns_get(&ff->ns, ino);
	pthread_rwlock_unlock(&ff->lock);
	return n;	/* nodes are never freed while mounted */
}

static void ff_init(void *userdata, struct fuse_conn_info *conn)
{
	/* The data path is negotiated by fuse_iomap in its own INIT hook. */
	(void)userdata;
	(void)conn;
}

static int do_lookup(struct ff *ff, fuse_ino_t parent, const char *name,
		     struct fuse_entry_param *e)
{
	struct famfs_node *p, *n;
	int err = 0;

	pthread_rwlock_rdlock(&ff->lock);
	p = famfs_ns_get(&ff->ns, parent);
	if (!p)
		err = ENOENT;
	else if (!S_ISDIR(p->mode))
		err = ENOTDIR;
	else if (strlen(name) >= FAMFS_RELPATH_LEN)
		err = ENAMETOOLONG;
	n = err ? NULL : famfs_ns_lookup(&ff->ns, parent, name);
	if (n) {
		memset(e, 0, sizeof(*e));
		e->ino = n->ino;
		e->generation = 1;
		e->attr_timeout = ff->timeout;
		e->entry_timeout = ff->timeout;
		fill_attr(ff, n, &e->attr);
	} else if (!err) {
		err = ENOENT;
	}
	pthread_rwlock_unlock(&ff->lock);
	return err;
}

static void ff_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct ff *ff = ff_of(req);
	struct fuse_entry_param e;
	int err;

	err = do_lookup(ff, parent, name, &e);
	/* A miss may be a file another host just logged: check the log. */
	if (err == ENOENT && ff_refresh(ff, false) > 0)
		err = do_lookup(ff, parent, name, &e);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_entry(req, &e);
}

static void ff_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct ff *ff = ff_of(req);
	struct famfs_node *n = get_node(ff, ino);
	struct stat st;

	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	fill_attr(ff, n, &st);
	fuse_reply_attr(req, &st, ff->timeout);
}

static void ff_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int to_set, struct fuse_file_info *fi)
{
	struct ff *ff = ff_of(req);
	struct famfs_node *n = get_node(ff, ino);
	struct stat st;

	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	fill_attr(ff, n, &st);
	/* Sizes are fixed by the logged allocation; the rest is logged
	 * metadata that only the tools may write. A same-size truncate is
	 * the only accepted no-op. */
	if ((to_set & FUSE_SET_ATTR_SIZE) && attr->st_size != st.st_size) {
		fuse_reply_err(req, EPERM);
		return;
	}
	if (to_set & ~FUSE_SET_ATTR_SIZE) {
		fuse_reply_err(req, EPERM);
		return;
	}
	fuse_reply_attr(req, &st, ff->timeout);
}

static void ff_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct ff *ff = ff_of(req);
	struct famfs_node *n = get_node(ff, ino);
	int acc = fi->flags & O_ACCMODE;

	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (S_ISDIR(n->mode)) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	if (acc != O_RDONLY) {
		if (ff->readonly) {
			fuse_reply_err(req, EROFS);
			return;
		}
		if (ino == FAMFS_INO_SB || (ino == FAMFS_INO_LOG && !ff->master)) {
			fuse_reply_err(req, EACCES);
			return;
		}
	}
	if ((fi->flags & O_TRUNC) && acc != O_RDONLY) {
		fuse_reply_err(req, EPERM);
		return;
	}
	fi->keep_cache = 0;	/* another host may have written the data */
	fi->noflush = 1;
	fuse_reply_open(req, fi);
}

/*
 * fuse_iomap serves READ/WRITE of every file with a layout; it hands the
 * request here only for a file it has no layout for, which means the
 * library refused the layout (logged at publish time).
 */
static void ff_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct ff *ff = ff_of(req);
	struct famfs_node *n = get_node(ff, ino);

	fuse_reply_err(req, !n ? ENOENT : !S_ISREG(n->mode) ? EISDIR : EIO);
}

static void ff_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		     size_t size, off_t off, struct fuse_file_info *fi)
{
	struct ff *ff = ff_of(req);
	struct famfs_node *n = get_node(ff, ino);

	fuse_reply_err(req, !n ? ENOENT : !S_ISREG(n->mode) ? EISDIR : EIO);
}

static void ff_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi)
{
	struct ff *ff = ff_of(req);
	struct famfs_node *n = get_node(ff, ino);

	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (S_ISREG(n->mode) && !ff->readonly &&
	    famfs_file_sync(&ff->fs.dev, &n->layout)) {
		fuse_reply_err(req, EIO);
		return;
	}
	fuse_reply_err(req, 0);
}

static void ff_opendir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct ff *ff = ff_of(req);
	struct famfs_node *n;

	ff_refresh(ff, false);
	n = get_node(ff, ino);
	if (!n) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (!S_ISDIR(n->mode)) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	fuse_reply_open(req, fi);
}

/*
 * Offsets are stable: 1 is ".", 2 is "..", 3 + i is the i-th child in
 * creation order (children are only ever appended).
 */
static void do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
		       off_t off, int plus)
{
	struct ff *ff = ff_of(req);
	struct famfs_node *d, *k;
	struct fuse_entry_param e;
	size_t used = 0, ent;
	const char *name;
	char *buf;
	uint64_t i;

	if (off == 0)
		ff_refresh(ff, false);
	buf = malloc(size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_rwlock_rdlock(&ff->lock);
	d = famfs_ns_get(&ff->ns, ino);
	if (!d || !S_ISDIR(d->mode)) {
		pthread_rwlock_unlock(&ff->lock);
		free(buf);
		fuse_reply_err(req, d ? ENOTDIR : ENOENT);
		return;
	}
	for (i = off < 0 ? 0 : (uint64_t)off; i < 2ULL + d->nkids + 0; i++) {
		if (i == 0) {
			k = d;
			name = ".";
		} else if (i == 1) {
			k = famfs_ns_get(&ff->ns, d->parent);
			name = "..";
		} else {
			k = famfs_ns_get(&ff->ns, d->kids[i - 2]);
			name = k->name;
		}
		memset(&e, 0, sizeof(e));
		fill_attr(ff, k, &e.attr);
		if (plus) {
			/* "." and ".." carry no lookup reference */
			if (i >= 2) {
				e.ino = k->ino;
				e.generation = 1;
				e.attr_timeout = ff->timeout;
				e.entry_timeout = ff->timeout;
			}
			ent = fuse_add_direntry_plus(req, buf + used,
						     size - used, name, &e,
						     (off_t)(i + 1));
		} else {
			ent = fuse_add_direntry(req, buf + used, size - used,
						name, &e.attr, (off_t)(i + 1));
		}
		if (ent > size - used)
			break;
		used += ent;
	}
	pthread_rwlock_unlock(&ff->lock);
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void ff_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	do_readdir(req, ino, size, off, 0);
}

static void ff_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
			   off_t off, struct fuse_file_info *fi)
{
	do_readdir(req, ino, size, off, 1);
}

static void ff_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct ff *ff = ff_of(req);
	struct statvfs sv;
	uint64_t cap = famfs_log_capacity(ff->fs.sb.log_len);
	uint64_t used;

	memset(&sv, 0, sizeof(sv));
	pthread_rwlock_rdlock(&ff->lock);
	used = ff->alloc_bytes;
	sv.f_files = cap;
	sv.f_ffree = cap > ff->ns.next_index ? cap - ff->ns.next_index : 0;
	pthread_rwlock_unlock(&ff->lock);
	sv.f_bsize = FAMFS_ALLOC_UNIT;
	sv.f_frsize = FAMFS_ALLOC_UNIT;
	sv.f_blocks = ff->fs.sb.dev_size / FAMFS_ALLOC_UNIT;
	sv.f_bfree = used > ff->fs.sb.dev_size ? 0 :
		     (ff->fs.sb.dev_size - used) / FAMFS_ALLOC_UNIT;
	sv.f_bavail = sv.f_bfree;
	sv.f_favail = sv.f_ffree;
	sv.f_namemax = FAMFS_RELPATH_LEN - 1;
	fuse_reply_statfs(req, &sv);
}

/* Everything that would change the namespace: the log is the namespace,
 * and only the famfs tools append to it. */
static void ff_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode, dev_t rdev)
{
	fuse_reply_err(req, ENOTSUP);
}

static void ff_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode)
{
	fuse_reply_err(req, ENOTSUP);
}

static void ff_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	fuse_reply_err(req, ENOTSUP);
}

static void ff_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		      fuse_ino_t newparent, const char *newname,
		      unsigned int flags)
{
	fuse_reply_err(req, ENOTSUP);
}

static void ff_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
		       const char *name)
{
	fuse_reply_err(req, ENOTSUP);
}

static void ff_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		    const char *newname)
{
	fuse_reply_err(req, ENOTSUP);
}

static void ff_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	fuse_reply_err(req, ENOTSUP);
}

static void ff_fallocate(fuse_req_t req, fuse_ino_t ino, int mode,
			 off_t offset, off_t length, struct fuse_file_info *fi)
{
	fuse_reply_err(req, EOPNOTSUPP);
}

const struct fuse_lowlevel_ops ff_ops = {
	.init = ff_init,
	.lookup = ff_lookup,
	.getattr = ff_getattr,
	.setattr = ff_setattr,
	.open = ff_open,
	.read = ff_read,
	.write = ff_write,
	.fsync = ff_fsync,
	.opendir = ff_opendir,
	.readdir = ff_readdir,
	.readdirplus = ff_readdirplus,
	.statfs = ff_statfs,
	.mknod = ff_mknod,
	.mkdir = ff_mkdir,
	.unlink = ff_unlink,
	.rmdir = ff_unlink,
	.rename = ff_rename,
	.symlink = ff_symlink,
	.link = ff_link,
	.create = ff_create,
	.fallocate = ff_fallocate,
};
