// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memfs_ll: a small in-memory file system (lowlevel API).
 *
 *   memfs_ll [--max-size=BYTES] [fuse options] <mountpoint>
 *
 * Regular files, directories and symlinks live in memory and vanish at
 * unmount. Enough for fio and the metadata benchmarks: lookup, forget,
 * getattr, setattr (mode, owner, size, times), mkdir, rmdir, create,
 * mknod (regular files only), symlink, readlink, unlink, rename (no
 * flags; RENAME_NOREPLACE too), link, open, read, write, release,
 * readdir, statfs. Everything else is answered with ENOSYS by the
 * library; xattrs are not stored (ENOTSUP from the kernel's view).
 *
 * One mutex protects everything; node ids are counters checked against
 * the table. A node is freed when it has no links, no kernel lookups and
 * no open files.
 */
#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 318
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <fuse_lowlevel.h>

#include "ll_run.h"
#include "mem_tree.h"

static struct mem_tree tree;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t max_size = 1ULL << 32;	/* total data bytes allowed */

static void mem_fill_entry(struct mem_node *n, struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	e->ino = n->id;
	e->attr_timeout = 1.0;
	e->entry_timeout = 1.0;
	mem_node_stat(n, &e->attr);
	n->nlookup++;
}

static int mem_name_ok(const char *name)
{
	return name[0] && strlen(name) <= NAME_MAX && !strchr(name, '/') &&
	       strcmp(name, ".") && strcmp(name, "..");
}

/* Find a directory node by id; sets *err and returns NULL if unusable. */
static struct mem_node *mem_dir(fuse_ino_t ino, int *err)
{
	struct mem_node *d = mem_node_find(&tree, ino);

	if (!d)
		*err = ESTALE;
	else if (!S_ISDIR(d->mode))
		*err = ENOTDIR;
	else
		return d;
	return NULL;
}

static void mem_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;
	struct mem_node *d, *n;
	int err = 0;

	pthread_mutex_lock(&lock);
	d = mem_dir(parent, &err);
	n = d ? mem_dir_find(&tree, d, name) : NULL;
	if (d && !n)
		err = strlen(name) > NAME_MAX ? ENAMETOOLONG : ENOENT;
	if (n)
		mem_fill_entry(n, &e);
	pthread_mutex_unlock(&lock);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_entry(req, &e);
}

static void mem_forget_one(fuse_ino_t ino, uint64_t nlookup)
{
	struct mem_node *n = mem_node_find(&tree, ino);

	if (!n || n->id == FUSE_ROOT_ID)
		return;
	n->nlookup -= nlookup < n->nlookup ? nlookup : n->nlookup;
	mem_node_maybe_free(&tree, n);
}

static void mem_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	pthread_mutex_lock(&lock);
	mem_forget_one(ino, nlookup);
	pthread_mutex_unlock(&lock);
	fuse_reply_none(req);
}

static void mem_forget_multi(fuse_req_t req, size_t count,
			     struct fuse_forget_data *forgets)
{
	size_t i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < count; i++)
		mem_forget_one(forgets[i].ino, forgets[i].nlookup);
	pthread_mutex_unlock(&lock);
	fuse_reply_none(req);
}

static void mem_getattr(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	struct mem_node *n;
	struct stat st;

	pthread_mutex_lock(&lock);
	n = mem_node_find(&tree, ino);
	if (n)
		mem_node_stat(n, &st);
	pthread_mutex_unlock(&lock);
	if (!n)
		fuse_reply_err(req, ESTALE);
	else
		fuse_reply_attr(req, &st, 1.0);
}

static void mem_set_time(struct timespec *dst, const struct timespec *src,
			 int now)
{
	if (now)
		clock_gettime(CLOCK_REALTIME, dst);
	else
		*dst = *src;
}

static void mem_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			int valid, struct fuse_file_info *fi)
{
	struct mem_node *n;
	struct stat st;
	int err = 0;

	pthread_mutex_lock(&lock);
	n = mem_node_find(&tree, ino);
	if (!n) {
		err = ESTALE;
		goto out;
	}
	if (valid & FUSE_SET_ATTR_SIZE) {
		if (!S_ISREG(n->mode))
			err = S_ISDIR(n->mode) ? EISDIR : EINVAL;
		else if (attr->st_size < 0)
			err = EINVAL;
		else
			err = mem_node_resize(&tree, n, attr->st_size,
					      max_size);
		if (err)
			goto out;
	}
	if (valid & FUSE_SET_ATTR_MODE)
		n->mode = (n->mode & S_IFMT) | (attr->st_mode & 07777);
	if (valid & FUSE_SET_ATTR_UID)
		n->uid = attr->st_uid;
	if (valid & FUSE_SET_ATTR_GID)
		n->gid = attr->st_gid;
	if (valid & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_ATIME_NOW))
		mem_set_time(&n->atime, &attr->st_atim,
			     valid & FUSE_SET_ATTR_ATIME_NOW);
	if (valid & (FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_MTIME_NOW))
		mem_set_time(&n->mtime, &attr->st_mtim,
			     valid & FUSE_SET_ATTR_MTIME_NOW);
	clock_gettime(CLOCK_REALTIME, &n->ctime);
	mem_node_stat(n, &st);
out:
	pthread_mutex_unlock(&lock);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_attr(req, &st, 1.0);
}

/* Create a node of the given mode under parent and link it as name. */
static int mem_make(fuse_req_t req, fuse_ino_t parent, const char *name,
		    mode_t mode, const char *target,
		    struct fuse_entry_param *e, struct mem_node **out)
{
	const struct fuse_ctx *ctx = fuse_req_ctx(req);
	struct mem_node *d, *n;
	int err = 0;

	if (!mem_name_ok(name))
		return strlen(name) > NAME_MAX ? ENAMETOOLONG : EINVAL;
	d = mem_dir(parent, &err);
	if (!d)
		return err;
	if (mem_dir_find(&tree, d, name))
		return EEXIST;
	/* The kernel applies the umask unless the server asks otherwise. */
	n = mem_node_new(&tree, mode, ctx->uid, ctx->gid);
	if (!n)
		return ENOMEM;
	if (target) {
		n->data = strdup(target);
		if (!n->data) {
			mem_node_maybe_free(&tree, n);
			return ENOMEM;
		}
		n->size = strlen(target);
	}
	err = mem_dir_link(&tree, d, name, n);
	if (err) {
		mem_node_maybe_free(&tree, n);
		return err;
	}
	mem_fill_entry(n, e);
	if (out)
		*out = n;
	return 0;
}

static void mem_reply_make(fuse_req_t req, fuse_ino_t parent,
			   const char *name, mode_t mode, const char *target)
{
	struct fuse_entry_param e;
	int err;

	pthread_mutex_lock(&lock);
	err = mem_make(req, parent, name, mode, target, &e, NULL);
	pthread_mutex_unlock(&lock);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_entry(req, &e);
}

static void mem_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode)
{
	mem_reply_make(req, parent, name, S_IFDIR | (mode & 07777), NULL);
}

static void mem_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, dev_t rdev)
{
	if (!S_ISREG(mode)) {
		/* Devices, fifos and sockets are not stored. */
		fuse_reply_err(req, EPERM);
		return;
	}
	mem_reply_make(req, parent, name, mode, NULL);
}

static void mem_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
			const char *name)
{
	if (strlen(link) >= PATH_MAX) {
		fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	mem_reply_make(req, parent, name, S_IFLNK | 0777, link);
}

static void mem_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct mem_node *n;
	char *target = NULL;
	int err = 0;

	pthread_mutex_lock(&lock);
	n = mem_node_find(&tree, ino);
	if (!n)
		err = ESTALE;
	else if (!S_ISLNK(n->mode))
		err = EINVAL;
	else if (!(target = strdup(n->data)))
		err = ENOMEM;
	pthread_mutex_unlock(&lock);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_readlink(req, target);
	free(target);
}

static void mem_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		     const char *newname)
{
	struct fuse_entry_param e;
	struct mem_node *n, *d;
	int err = 0;

	pthread_mutex_lock(&lock);
	n = mem_node_find(&tree, ino);
	d = mem_dir(newparent, &err);
	if (!n)
		err = ESTALE;
	else if (S_ISDIR(n->mode))
		err = EPERM;
	else if (!mem_name_ok(newname))
		err = EINVAL;
	else if (d && mem_dir_find(&tree, d, newname))
		err = EEXIST;
	else if (d)
		err = mem_dir_link(&tree, d, newname, n);
	if (!err)
		mem_fill_entry(n, &e);
	pthread_mutex_unlock(&lock);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_entry(req, &e);
}

static void mem_remove(fuse_req_t req, fuse_ino_t parent, const char *name,
		       int dir)
{
	struct mem_node *d, *n = NULL;
	int err = 0;

	pthread_mutex_lock(&lock);
	d = mem_dir(parent, &err);
	if (d) {
		n = mem_dir_find(&tree, d, name);
		if (!n)
			err = ENOENT;
		else if (dir && !S_ISDIR(n->mode))
			err = ENOTDIR;
		else if (!dir && S_ISDIR(n->mode))
			err = EISDIR;
		else if (dir && n->nentries)
			err = ENOTEMPTY;
	}
	if (!err) {
		mem_dir_unlink(&tree, d, name);
		mem_node_maybe_free(&tree, n);
	}
	pthread_mutex_unlock(&lock);
	fuse_reply_err(req, err);
}

static void mem_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	mem_remove(req, parent, name, 0);
}

static void mem_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	mem_remove(req, parent, name, 1);
}

/* Is a an ancestor of (or equal to) directory d? */
static int mem_is_ancestor(struct mem_node *a, struct mem_node *d)
{
	while (d) {
		if (d == a)
			return 1;
		if (d->id == FUSE_ROOT_ID)
			return 0;
		d = mem_node_find(&tree, d->parent);
	}
	return 0;
}

static int mem_do_rename(fuse_ino_t parent, const char *name,
			 fuse_ino_t newparent, const char *newname,
			 unsigned int flags)
{
	struct mem_node *d, *nd, *n, *old;
	nlink_t links;
	int err = 0;

	if (flags & ~RENAME_NOREPLACE)
		return EINVAL;	/* RENAME_EXCHANGE/WHITEOUT: not supported */
	if (!mem_name_ok(name) || !mem_name_ok(newname))
		return EINVAL;
	d = mem_dir(parent, &err);
	nd = d ? mem_dir(newparent, &err) : NULL;
	if (!nd)
		return err;
	n = mem_dir_find(&tree, d, name);
	if (!n)
		return ENOENT;
	old = mem_dir_find(&tree, nd, newname);
	if (old == n)
		return 0;
	if (old && (flags & RENAME_NOREPLACE))
		return EEXIST;
	if (S_ISDIR(n->mode) && mem_is_ancestor(n, nd))
		return EINVAL;
	if (old) {
		if (S_ISDIR(old->mode) && !S_ISDIR(n->mode))
			return EISDIR;
		if (!S_ISDIR(old->mode) && S_ISDIR(n->mode))
			return ENOTDIR;
		if (S_ISDIR(old->mode) && old->nentries)
			return ENOTEMPTY;
		mem_dir_unlink(&tree, nd, newname);
		mem_node_maybe_free(&tree, old);
	}
	/*
	 * Link first so the node never has zero links in between; the
	 * unlink then drops the old entry and, for a directory, the old
	 * parent's count. A directory's own count does not change.
	 */
	links = n->nlink;
	err = mem_dir_link(&tree, nd, newname, n);
	if (err)
		return err;
	mem_dir_unlink(&tree, d, name);
	if (S_ISDIR(n->mode)) {
		n->nlink = links;
		n->parent = nd->id;
	}
	return 0;
}

static void mem_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		       fuse_ino_t newparent, const char *newname,
		       unsigned int flags)
{
	int err;

	pthread_mutex_lock(&lock);
	err = mem_do_rename(parent, name, newparent, newname, flags);
	pthread_mutex_unlock(&lock);
	fuse_reply_err(req, err);
}

static void mem_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct mem_node *n;
	int err = 0;

	pthread_mutex_lock(&lock);
	n = mem_node_find(&tree, ino);
	if (!n)
		err = ESTALE;
	else if (S_ISDIR(n->mode))
		err = EISDIR;
	else if (!S_ISREG(n->mode))
		err = EINVAL;
	else if (fi->flags & O_TRUNC)
		err = mem_node_resize(&tree, n, 0, max_size);
	if (!err)
		n->opened++;
	pthread_mutex_unlock(&lock);
	if (err) {
		fuse_reply_err(req, err);
		return;
	}
	fi->fh = ino;
	if (fuse_reply_open(req, fi) != 0) {
		pthread_mutex_lock(&lock);
		n->opened--;
		mem_node_maybe_free(&tree, n);
		pthread_mutex_unlock(&lock);
	}
}

static void mem_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		       mode_t mode, struct fuse_file_info *fi)
{
	struct fuse_entry_param e;
	struct mem_node *n = NULL;
	int err;

	if (!S_ISREG(mode)) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	pthread_mutex_lock(&lock);
	err = mem_make(req, parent, name, mode, NULL, &e, &n);
	if (!err)
		n->opened++;
	pthread_mutex_unlock(&lock);
	if (err) {
		fuse_reply_err(req, err);
		return;
	}
	fi->fh = e.ino;
	if (fuse_reply_create(req, &e, fi) != 0) {
		pthread_mutex_lock(&lock);
		n->opened--;
		mem_forget_one(e.ino, 1);
		pthread_mutex_unlock(&lock);
	}
}

static void mem_release(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	struct mem_node *n;

	pthread_mutex_lock(&lock);
	n = mem_node_find(&tree, ino);
	if (n && n->opened) {
		n->opened--;
		mem_node_maybe_free(&tree, n);
	}
	pthread_mutex_unlock(&lock);
	fuse_reply_err(req, 0);
}

static void mem_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct mem_node *n;
	char *buf = NULL;
	size_t len = 0;
	int err = 0;

	pthread_mutex_lock(&lock);
	n = mem_node_find(&tree, ino);
	if (!n)
		err = ESTALE;
	else if (!S_ISREG(n->mode))
		err = EISDIR;
	else if (off >= 0 && off < n->size) {
		len = n->size - off < (off_t)size ? (size_t)(n->size - off) : size;
		/* Copy out under the lock: a writer may realloc the data. */
		buf = malloc(len);
		if (!buf)
			err = ENOMEM;
		else
			memcpy(buf, n->data + off, len);
	}
	pthread_mutex_unlock(&lock);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_buf(req, buf, len);
	free(buf);
}

static void mem_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		      size_t size, off_t off, struct fuse_file_info *fi)
{
	struct mem_node *n;
	int err;

	pthread_mutex_lock(&lock);
	n = mem_node_find(&tree, ino);
	if (!n)
		err = ESTALE;
	else if (!S_ISREG(n->mode))
		err = EISDIR;
	else
		err = mem_node_write(&tree, n, buf, size, off, max_size);
	pthread_mutex_unlock(&lock);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_write(req, size);
}

static void mem_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
			off_t off, struct fuse_file_info *fi)
{
	struct mem_dirent *e;
	struct mem_node *d;
	size_t len = 0;
	char *buf;
	int err = 0;

	buf = malloc(size ? size : 1);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_lock(&lock);
	d = mem_dir(ino, &err);
	if (!d)
		goto out;
	/* Offsets: 1 after ".", 2 after "..", then entry cookies. */
	if (off < 1) {
		struct stat st = { .st_ino = d->id, .st_mode = S_IFDIR };
		size_t need = fuse_add_direntry(req, buf, size, ".", &st, 1);

		if (need > size)
			goto out;
		len = need;
		off = 1;
	}
	if (off < 2) {
		struct stat st = { .st_ino = d->parent, .st_mode = S_IFDIR };
		size_t need = fuse_add_direntry(req, buf + len, size - len,
						"..", &st, 2);

		if (need > size - len)
			goto out;
		len += need;
		off = 2;
	}
	for (e = mem_dir_after(d, off); e; e = e->next) {
		struct stat st = {
			.st_ino = e->node->id,
			.st_mode = e->node->mode & S_IFMT,
		};
		size_t need = fuse_add_direntry(req, buf + len, size - len,
						e->name, &st, e->cookie);

		if (need > size - len)
			break;
		len += need;
	}
out:
	pthread_mutex_unlock(&lock);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_buf(req, buf, len);
	free(buf);
}

static void mem_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv;

	memset(&sv, 0, sizeof(sv));
	pthread_mutex_lock(&lock);
	sv.f_bsize = 4096;
	sv.f_frsize = 4096;
	sv.f_blocks = max_size / 4096;
	sv.f_bfree = (max_size - tree.bytes) / 4096;
	sv.f_bavail = sv.f_bfree;
	sv.f_files = tree.nodes + 1000000;
	sv.f_ffree = 1000000;
	sv.f_favail = sv.f_ffree;
	sv.f_namemax = NAME_MAX;
	pthread_mutex_unlock(&lock);
	fuse_reply_statfs(req, &sv);
}

static void mem_destroy(void *userdata)
{
	pthread_mutex_lock(&lock);
	mem_tree_fini(&tree);
	pthread_mutex_unlock(&lock);
}

static const struct fuse_lowlevel_ops mem_ops = {
	.destroy = mem_destroy,
	.lookup = mem_lookup,
	.forget = mem_forget,
	.forget_multi = mem_forget_multi,
	.getattr = mem_getattr,
	.setattr = mem_setattr,
	.readlink = mem_readlink,
	.mknod = mem_mknod,
	.mkdir = mem_mkdir,
	.symlink = mem_symlink,
	.link = mem_link,
	.unlink = mem_unlink,
	.rmdir = mem_rmdir,
	.rename = mem_rename,
	.open = mem_open,
	.create = mem_create,
	.read = mem_read,
	.write = mem_write,
	.release = mem_release,
	.readdir = mem_readdir,
	.statfs = mem_statfs,
};

struct mem_opts {
	unsigned long long max_size;
};

static const struct fuse_opt mem_opt_spec[] = {
	{ "--max-size=%llu", offsetof(struct mem_opts, max_size), 0 },
	FUSE_OPT_END
};

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct mem_opts opts = { .max_size = max_size };
	int ret;

	if (fuse_opt_parse(&args, &opts, mem_opt_spec, NULL) == -1)
		return 1;
	if (opts.max_size < 4096) {
		fprintf(stderr, "memfs_ll: --max-size must be at least 4096\n");
		fuse_opt_free_args(&args);
		return 1;
	}
	max_size = opts.max_size;
	if (mem_tree_init(&tree, getuid(), getgid()) != 0) {
		fprintf(stderr, "memfs_ll: out of memory\n");
		fuse_opt_free_args(&args);
		return 1;
	}
	ret = ll_run(&args,
		     "usage: memfs_ll [--max-size=BYTES] [options] <mountpoint>",
		     &mem_ops, sizeof(mem_ops), NULL, NULL, NULL);
	/* destroy() already freed the tree when the session was mounted. */
	if (tree.ids)
		mem_tree_fini(&tree);
	return ret;
}
