// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * benchfs: the library benchmark's server, a lowlevel passthrough over a
 * directory (a tmpfs in bench/lib/run.sh), modelled on the settings of
 * upstream's passthrough_hp baseline: entry/attr timeouts of 86400 s,
 * keep_cache, writeback cache, splice, multi-threaded loop.
 *
 * It uses only API that libfuse 3.14 (Debian 12's libfuse3) and this
 * library share, so the same source is built against both and the two
 * binaries differ only in the library under them:
 *
 *   benchfs --source=DIR [--no-writeback] [--no-splice] [fuse options]
 *           <mountpoint>
 *
 * Node ids are counters looked up in a hash table (never pointers).
 * Operations: lookup, forget(_multi), getattr, setattr, mkdir, unlink,
 * rmdir, open, create, read, write_buf, flush, release, fsync, opendir,
 * readdir, releasedir, statfs. Others get ENOSYS from the library.
 */
#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 314
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
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <fuse_lowlevel.h>

#define BF_TIMEOUT 86400.0
#define BF_BUCKETS 65536

struct bf_inode {
	uint64_t id;
	int fd;			/* O_PATH */
	dev_t dev;
	ino_t ino;
	uint64_t nlookup;
	unsigned int refs;
	int hashed;
	struct bf_inode *id_next, *key_next;
};

static struct {
	pthread_mutex_t lock;
	struct bf_inode *by_id[BF_BUCKETS];
	struct bf_inode *by_key[BF_BUCKETS];
	uint64_t next_id;
	struct bf_inode root;
	int writeback;
	int splice;
} bf = { .lock = PTHREAD_MUTEX_INITIALIZER, .next_id = 2 };

static size_t bf_hid(uint64_t id)
{
	return (id * 0x9e3779b97f4a7c15ULL) >> 48 & (BF_BUCKETS - 1);
}

static size_t bf_hkey(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev;

	return (h ^ h >> 31) & (BF_BUCKETS - 1);
}

static struct bf_inode *bf_find_locked(uint64_t id)
{
	struct bf_inode *in;

	for (in = bf.by_id[bf_hid(id)]; in; in = in->id_next)
		if (in->id == id)
			return in;
	return NULL;
}

/* Node id -> inode with a reference; replies ESTALE when unknown. */
static struct bf_inode *bf_get(fuse_req_t req, fuse_ino_t id)
{
	struct bf_inode *in;

	pthread_mutex_lock(&bf.lock);
	in = bf_find_locked(id);
	if (in)
		in->refs++;
	pthread_mutex_unlock(&bf.lock);
	if (!in)
		fuse_reply_err(req, ESTALE);
	return in;
}

static void bf_unhash(struct bf_inode *in)
{
	struct bf_inode **pp;

	for (pp = &bf.by_id[bf_hid(in->id)]; *pp; pp = &(*pp)->id_next)
		if (*pp == in) {
			*pp = in->id_next;
			break;
		}
	for (pp = &bf.by_key[bf_hkey(in->dev, in->ino)]; *pp;
	     pp = &(*pp)->key_next)
		if (*pp == in) {
			*pp = in->key_next;
			break;
		}
	in->hashed = 0;
}

static void bf_put(struct bf_inode *in)
{
	int gone;

	pthread_mutex_lock(&bf.lock);
	gone = --in->refs == 0 && !in->hashed && in != &bf.root;
	pthread_mutex_unlock(&bf.lock);
	if (gone) {
		close(in->fd);
		free(in);
	}
}

static void bf_forget_one(uint64_t id, uint64_t n)
{
	struct bf_inode *in;
	int gone = 0;

	if (id == FUSE_ROOT_ID)
		return;
	pthread_mutex_lock(&bf.lock);
	in = bf_find_locked(id);
	if (in) {
		in->nlookup -= n < in->nlookup ? n : in->nlookup;
		if (!in->nlookup) {
			bf_unhash(in);
			gone = !in->refs;
		}
	}
	pthread_mutex_unlock(&bf.lock);
	if (gone) {
		close(in->fd);
		free(in);
	}
}

/* Look name up under p; on success e is filled and nlookup raised. */
static int bf_do_lookup(struct bf_inode *p, const char *name,
			struct fuse_entry_param *e)
{
	struct bf_inode *in;
	size_t b;
	int fd, err;

	if (!name[0] || strchr(name, '/') || strlen(name) > NAME_MAX)
		return EINVAL;
	memset(e, 0, sizeof(*e));
	e->attr_timeout = BF_TIMEOUT;
	e->entry_timeout = BF_TIMEOUT;
	fd = openat(p->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return errno;
	if (fstatat(fd, "", &e->attr, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
		err = errno;
		close(fd);
		return err;
	}
	b = bf_hkey(e->attr.st_dev, e->attr.st_ino);
	pthread_mutex_lock(&bf.lock);
	for (in = bf.by_key[b]; in; in = in->key_next)
		if (in->dev == e->attr.st_dev && in->ino == e->attr.st_ino)
			break;
	if (in) {
		in->nlookup++;
		close(fd);
	} else {
		in = calloc(1, sizeof(*in));
		if (!in) {
			pthread_mutex_unlock(&bf.lock);
			close(fd);
			return ENOMEM;
		}
		in->id = bf.next_id++;
		in->fd = fd;
		in->dev = e->attr.st_dev;
		in->ino = e->attr.st_ino;
		in->nlookup = 1;
		in->hashed = 1;
		in->key_next = bf.by_key[b];
		bf.by_key[b] = in;
		in->id_next = bf.by_id[bf_hid(in->id)];
		bf.by_id[bf_hid(in->id)] = in;
	}
	e->ino = in->id;
	pthread_mutex_unlock(&bf.lock);
	return 0;
}

static void bf_init(void *userdata, struct fuse_conn_info *conn)
{
	/* Legacy want bits: understood by 3.14 and by 3.18-compatible libs. */
	if (bf.splice)
		conn->want |= conn->capable & (FUSE_CAP_SPLICE_READ |
					       FUSE_CAP_SPLICE_WRITE |
					       FUSE_CAP_SPLICE_MOVE);
	if (bf.writeback)
		conn->want |= conn->capable & FUSE_CAP_WRITEBACK_CACHE;
}

static void bf_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct bf_inode *p = bf_get(req, parent);
	struct fuse_entry_param e;
	int err;

	if (!p)
		return;
	err = bf_do_lookup(p, name, &e);
	if (err)
		fuse_reply_err(req, err);
	else if (fuse_reply_entry(req, &e))
		bf_forget_one(e.ino, 1);
	bf_put(p);
}

static void bf_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	bf_forget_one(ino, nlookup);
	fuse_reply_none(req);
}

static void bf_forget_multi(fuse_req_t req, size_t count,
			    struct fuse_forget_data *f)
{
	size_t i;

	for (i = 0; i < count; i++)
		bf_forget_one(f[i].ino, f[i].nlookup);
	fuse_reply_none(req);
}

static void bf_reply_attr(fuse_req_t req, struct bf_inode *in)
{
	struct stat st;

	if (fstatat(in->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		fuse_reply_err(req, errno);
	else
		fuse_reply_attr(req, &st, BF_TIMEOUT);
}

static void bf_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct bf_inode *in = bf_get(req, ino);

	if (!in)
		return;
	bf_reply_attr(req, in);
	bf_put(in);
}

static void bf_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int valid, struct fuse_file_info *fi)
{
	struct bf_inode *in = bf_get(req, ino);
	struct timespec tv[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
	char path[64];
	int err = 0;

	if (!in)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", in->fd);
	if (valid & FUSE_SET_ATTR_MODE)
		err = chmod(path, attr->st_mode) ? errno : 0;
	if (!err && (valid & FUSE_SET_ATTR_SIZE))
		err = attr->st_size < 0 ? EINVAL :
		      (fi ? ftruncate(fi->fh, attr->st_size) :
			    truncate(path, attr->st_size)) ? errno : 0;
	if (valid & FUSE_SET_ATTR_ATIME)
		tv[0] = attr->st_atim;
	if (valid & FUSE_SET_ATTR_ATIME_NOW)
		tv[0].tv_nsec = UTIME_NOW;
	if (valid & FUSE_SET_ATTR_MTIME)
		tv[1] = attr->st_mtim;
	if (valid & FUSE_SET_ATTR_MTIME_NOW)
		tv[1].tv_nsec = UTIME_NOW;
	if (!err && (tv[0].tv_nsec != UTIME_OMIT || tv[1].tv_nsec != UTIME_OMIT))
		err = utimensat(AT_FDCWD, path, tv, 0) ? errno : 0;
	if (!err && (valid & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)))
		err = EPERM;	/* not needed by the workloads */
	if (err)
		fuse_reply_err(req, err);
	else
		bf_reply_attr(req, in);
	bf_put(in);
}

static void bf_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		     mode_t mode)
{
	struct bf_inode *p = bf_get(req, parent);
	struct fuse_entry_param e;
	int err;

	if (!p)
		return;
	err = strchr(name, '/') ? EINVAL :
	      mkdirat(p->fd, name, mode) ? errno : 0;
	if (!err)
		err = bf_do_lookup(p, name, &e);
	if (err)
		fuse_reply_err(req, err);
	else if (fuse_reply_entry(req, &e))
		bf_forget_one(e.ino, 1);
	bf_put(p);
}

static void bf_remove(fuse_req_t req, fuse_ino_t parent, const char *name,
		      int flags)
{
	struct bf_inode *p = bf_get(req, parent);

	if (!p)
		return;
	if (strchr(name, '/'))
		fuse_reply_err(req, EINVAL);
	else
		fuse_reply_err(req, unlinkat(p->fd, name, flags) ? errno : 0);
	bf_put(p);
}

static void bf_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	bf_remove(req, parent, name, 0);
}

static void bf_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	bf_remove(req, parent, name, AT_REMOVEDIR);
}

static int bf_open_flags(int flags)
{
	/* O_DIRECT stays with the kernel (tmpfs has none anyway). */
	flags &= ~(O_NOFOLLOW | O_CREAT | O_EXCL | O_DIRECT);
	if (bf.writeback) {
		if ((flags & O_ACCMODE) == O_WRONLY)
			flags = (flags & ~O_ACCMODE) | O_RDWR;
		flags &= ~O_APPEND;
	}
	return flags | O_CLOEXEC;
}

static void bf_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct bf_inode *in = bf_get(req, ino);
	char path[64];
	int fd;

	if (!in)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", in->fd);
	fd = open(path, bf_open_flags(fi->flags));
	if (fd == -1) {
		fuse_reply_err(req, errno);
	} else {
		fi->fh = fd;
		fi->keep_cache = 1;
		if (fuse_reply_open(req, fi))
			close(fd);
	}
	bf_put(in);
}

static void bf_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	struct bf_inode *p = bf_get(req, parent);
	struct fuse_entry_param e;
	int fd, err;

	if (!p)
		return;
	if (strchr(name, '/')) {
		fuse_reply_err(req, EINVAL);
		goto out;
	}
	fd = openat(p->fd, name, bf_open_flags(fi->flags) | O_CREAT |
		    (fi->flags & O_EXCL), mode);
	if (fd == -1) {
		fuse_reply_err(req, errno);
		goto out;
	}
	err = bf_do_lookup(p, name, &e);
	if (err) {
		close(fd);
		fuse_reply_err(req, err);
		goto out;
	}
	fi->fh = fd;
	fi->keep_cache = 1;
	if (fuse_reply_create(req, &e, fi)) {
		close(fd);
		bf_forget_one(e.ino, 1);
	}
out:
	bf_put(p);
}

static void bf_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct fuse_bufvec buf = FUSE_BUFVEC_INIT(size);

	buf.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	buf.buf[0].fd = fi->fh;
	buf.buf[0].pos = off;
	fuse_reply_data(req, &buf, FUSE_BUF_SPLICE_MOVE);
}

static void bf_write_buf(fuse_req_t req, fuse_ino_t ino,
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

static void bf_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

static void bf_release(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	close(fi->fh);
	fuse_reply_err(req, 0);
}

static void bf_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi)
{
	int ret = datasync ? fdatasync(fi->fh) : fsync(fi->fh);

	fuse_reply_err(req, ret ? errno : 0);
}

struct bf_dir {
	DIR *dp;
	off_t offset;
	struct dirent *entry;
};

static void bf_opendir(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct bf_inode *in = bf_get(req, ino);
	struct bf_dir *d;
	int fd;

	if (!in)
		return;
	d = calloc(1, sizeof(*d));
	fd = d ? openat(in->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd != -1)
		d->dp = fdopendir(fd);
	if (!d || !d->dp) {
		fuse_reply_err(req, d ? errno : ENOMEM);
		if (fd != -1)
			close(fd);
		free(d);
	} else {
		fi->fh = (uintptr_t)d;
		if (fuse_reply_open(req, fi)) {
			closedir(d->dp);
			free(d);
		}
	}
	bf_put(in);
}

static void bf_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
		       off_t off, struct fuse_file_info *fi)
{
	struct bf_dir *d = (struct bf_dir *)(uintptr_t)fi->fh;
	char *buf = malloc(size ? size : 1);
	size_t len = 0;
	int err = 0;

	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	if (off != d->offset) {
		seekdir(d->dp, off);
		d->entry = NULL;
		d->offset = off;
	}
	for (;;) {
		struct stat st;
		size_t need;
		off_t next;

		if (!d->entry) {
			errno = 0;
			d->entry = readdir(d->dp);
			if (!d->entry) {
				err = errno;
				break;
			}
		}
		next = telldir(d->dp);
		memset(&st, 0, sizeof(st));
		st.st_ino = d->entry->d_ino;
		st.st_mode = d->entry->d_type << 12;
		need = fuse_add_direntry(req, buf + len, size - len,
					 d->entry->d_name, &st, next);
		if (need > size - len)
			break;
		len += need;
		d->entry = NULL;
		d->offset = next;
	}
	if (err && !len)
		fuse_reply_err(req, err);
	else
		fuse_reply_buf(req, buf, len);
	free(buf);
}

static void bf_releasedir(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct bf_dir *d = (struct bf_dir *)(uintptr_t)fi->fh;

	closedir(d->dp);
	free(d);
	fuse_reply_err(req, 0);
}

static void bf_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct bf_inode *in = bf_get(req, ino);
	struct statvfs sv;

	if (!in)
		return;
	if (fstatvfs(in->fd, &sv))
		fuse_reply_err(req, errno);
	else
		fuse_reply_statfs(req, &sv);
	bf_put(in);
}

static const struct fuse_lowlevel_ops bf_ops = {
	.init = bf_init,
	.lookup = bf_lookup,
	.forget = bf_forget,
	.forget_multi = bf_forget_multi,
	.getattr = bf_getattr,
	.setattr = bf_setattr,
	.mkdir = bf_mkdir,
	.unlink = bf_unlink,
	.rmdir = bf_rmdir,
	.open = bf_open,
	.create = bf_create,
	.read = bf_read,
	.write_buf = bf_write_buf,
	.flush = bf_flush,
	.release = bf_release,
	.fsync = bf_fsync,
	.opendir = bf_opendir,
	.readdir = bf_readdir,
	.releasedir = bf_releasedir,
	.statfs = bf_statfs,
};

struct bf_opts {
	const char *source;
	int no_writeback;
	int no_splice;
};

static const struct fuse_opt bf_opt_spec[] = {
	{ "--source=%s", offsetof(struct bf_opts, source), 0 },
	{ "--no-writeback", offsetof(struct bf_opts, no_writeback), 1 },
	{ "--no-splice", offsetof(struct bf_opts, no_splice), 1 },
	FUSE_OPT_END
};

static int bf_run(struct fuse_args *args)
{
	struct fuse_cmdline_opts opts = { 0 };
	struct fuse_loop_config *cfg;
	struct fuse_session *se;
	int ret = 1;

	if (fuse_parse_cmdline(args, &opts) != 0)
		return 1;
	if (opts.show_help || opts.show_version || !opts.mountpoint) {
		printf("usage: benchfs --source=DIR [--no-writeback] "
		       "[--no-splice] [options] <mountpoint>\n");
		fuse_cmdline_help();
		fuse_lowlevel_help();
		ret = opts.show_help || opts.show_version ? 0 : 1;
		free(opts.mountpoint);
		return ret;
	}
	se = fuse_session_new(args, &bf_ops, sizeof(bf_ops), NULL);
	if (!se)
		goto out;
	if (fuse_set_signal_handlers(se))
		goto out_destroy;
	if (fuse_session_mount(se, opts.mountpoint))
		goto out_signals;
	fuse_daemonize(opts.foreground);
	if (opts.singlethread) {
		ret = fuse_session_loop(se);
	} else {
		cfg = fuse_loop_cfg_create();
		if (!cfg)
			goto out_unmount;
		fuse_loop_cfg_set_clone_fd(cfg, opts.clone_fd);
		fuse_loop_cfg_set_max_threads(cfg, opts.max_threads);
		ret = fuse_session_loop_mt(se, cfg);
		fuse_loop_cfg_destroy(cfg);
	}
	ret = ret < 0 ? 1 : 0;
out_unmount:
	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out_destroy:
	fuse_session_destroy(se);
out:
	free(opts.mountpoint);
	return ret;
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct bf_opts o = { 0 };
	struct stat st;
	int ret;

	if (fuse_opt_parse(&args, &o, bf_opt_spec, NULL) == -1)
		return 1;
	if (!o.source) {
		fprintf(stderr, "benchfs: --source=DIR is required\n");
		fuse_opt_free_args(&args);
		return 1;
	}
	bf.writeback = !o.no_writeback;
	bf.splice = !o.no_splice;
	bf.root.fd = open(o.source, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (bf.root.fd == -1 || fstat(bf.root.fd, &st)) {
		perror(o.source);
		fuse_opt_free_args(&args);
		return 1;
	}
	bf.root.id = FUSE_ROOT_ID;
	bf.root.dev = st.st_dev;
	bf.root.ino = st.st_ino;
	bf.root.nlookup = 1;
	bf.root.hashed = 1;
	bf.by_id[bf_hid(FUSE_ROOT_ID)] = &bf.root;
	ret = bf_run(&args);
	fuse_opt_free_args(&args);
	return ret;
}
