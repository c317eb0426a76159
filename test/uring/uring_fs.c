/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uring_fs: a small in-memory lowlevel file system for the io_uring
 * transport and multi-threaded loop tests.
 *
 * Regular files and directories live in one flat table; every file sits
 * in the root directory except for the two control files:
 *
 *   .stats  read-only; one line of counters the tests check:
 *           "uring=N dev=N retrieve=STATE maxconc=N"
 *           uring/dev count requests by transport (fuse_req_is_uring()),
 *           maxconc is the highest number of requests seen in flight at
 *           once, retrieve is none, pending, ok or bad.
 *   .ctl    write-only; "retrieve NAME" stores a pattern into NAME's page
 *           cache with fuse_lowlevel_notify_store() and reads it back with
 *           fuse_lowlevel_notify_retrieve(); the answer arrives in
 *           retrieve_reply() and is compared byte by byte.
 *
 * A file whose name starts with "slow" answers reads after 50 ms, so that
 * concurrent readers overlap and the tests can see how many worker threads
 * run at once. Reads of "async*" files are answered from another thread
 * (replies that do not come from the thread that received the request);
 * reads of "zc*" files are built in place in the io_uring payload buffer
 * (fuse_req_get_payload()) when the request came over io_uring.
 *
 * Usage: uring_fs [-s] [-o clone_fd,max_threads=N,io_uring,...] MOUNTPOINT
 * Prints "loop returned N" on stderr when the loop ends.
 */
#define FUSE_USE_VERSION 318

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fuse_lowlevel.h>

#define UFS_MAX_NODES	256
#define UFS_NAME_MAX	64
#define UFS_STATS_INO	2
#define UFS_CTL_INO	3
#define UFS_FIRST_INO	4
#define UFS_RETRIEVE_LEN 8192

struct ufs_node {
	int used;
	mode_t mode;
	char name[UFS_NAME_MAX];
	char *data;
	size_t size;
};

static struct ufs_node nodes[UFS_MAX_NODES];
static pthread_mutex_t ufs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fuse_session *ufs_se;

static atomic_ulong n_uring;
static atomic_ulong n_zc;
static atomic_ulong n_dev;
static atomic_int inflight;
static atomic_int maxconc;
static const char *retrieve_state = "none";

static void enter(fuse_req_t req)
{
	int now;
	int old;

	if (fuse_req_is_uring(req))
		atomic_fetch_add(&n_uring, 1);
	else
		atomic_fetch_add(&n_dev, 1);
	now = atomic_fetch_add(&inflight, 1) + 1;
	old = atomic_load(&maxconc);
	while (now > old && !atomic_compare_exchange_weak(&maxconc, &old, now))
		;
}

static void leave(void)
{
	atomic_fetch_sub(&inflight, 1);
}

static unsigned char pattern_byte(size_t i)
{
	return (unsigned char)((i * 7 + 3) & 0xff);
}

/* Caller holds ufs_lock. */
static int find_name(const char *name)
{
	for (int i = UFS_FIRST_INO; i < UFS_MAX_NODES; i++)
		if (nodes[i].used && strcmp(nodes[i].name, name) == 0)
			return i;
	return -1;
}

static size_t stats_text(char *buf, size_t len)
{
	int n = snprintf(buf, len,
			 "uring=%lu dev=%lu retrieve=%s maxconc=%d zc=%lu\n",
			 atomic_load(&n_uring), atomic_load(&n_dev),
			 retrieve_state, atomic_load(&maxconc),
			 atomic_load(&n_zc));

	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

/* Caller holds ufs_lock. */
static void fill_attr(fuse_ino_t ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_uid = getuid();
	st->st_gid = getgid();
	if (ino == FUSE_ROOT_ID) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	} else if (ino == UFS_STATS_INO) {
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_size = 4096;
	} else if (ino == UFS_CTL_INO) {
		st->st_mode = S_IFREG | 0222;
		st->st_nlink = 1;
	} else {
		st->st_mode = nodes[ino].mode;
		st->st_nlink = S_ISDIR(nodes[ino].mode) ? 2 : 1;
		st->st_size = nodes[ino].size;
	}
	st->st_blocks = (st->st_size + 511) / 512;
}

/* Caller holds ufs_lock. */
static int valid_ino(fuse_ino_t ino)
{
	if (ino == FUSE_ROOT_ID || ino == UFS_STATS_INO || ino == UFS_CTL_INO)
		return 1;
	return ino >= UFS_FIRST_INO && ino < UFS_MAX_NODES && nodes[ino].used;
}

static void reply_entry(fuse_req_t req, fuse_ino_t ino)
{
	struct fuse_entry_param e;

	memset(&e, 0, sizeof(e));
	e.ino = ino;
	e.attr_timeout = 0;
	e.entry_timeout = 0;
	fill_attr(ino, &e.attr);
	pthread_mutex_unlock(&ufs_lock);
	fuse_reply_entry(req, &e);
}

static void ufs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	int i;

	enter(req);
	if (parent != FUSE_ROOT_ID) {
		fuse_reply_err(req, ENOENT);
		goto out;
	}
	pthread_mutex_lock(&ufs_lock);
	if (strcmp(name, ".stats") == 0)
		i = UFS_STATS_INO;
	else if (strcmp(name, ".ctl") == 0)
		i = UFS_CTL_INO;
	else
		i = find_name(name);
	if (i < 0) {
		pthread_mutex_unlock(&ufs_lock);
		fuse_reply_err(req, ENOENT);
		goto out;
	}
	reply_entry(req, i);
out:
	leave();
}

static void ufs_getattr(fuse_req_t req, fuse_ino_t ino,
			struct fuse_file_info *fi)
{
	struct stat st;

	enter(req);
	pthread_mutex_lock(&ufs_lock);
	if (!valid_ino(ino)) {
		pthread_mutex_unlock(&ufs_lock);
		fuse_reply_err(req, ENOENT);
	} else {
		fill_attr(ino, &st);
		pthread_mutex_unlock(&ufs_lock);
		fuse_reply_attr(req, &st, 0);
	}
	leave();
}

static void ufs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			int to_set, struct fuse_file_info *fi)
{
	struct stat st;
	char *p;

	enter(req);
	pthread_mutex_lock(&ufs_lock);
	if (ino < UFS_FIRST_INO || !valid_ino(ino)) {
		pthread_mutex_unlock(&ufs_lock);
		fuse_reply_err(req, ino == FUSE_ROOT_ID ? EPERM : ENOENT);
		goto out;
	}
	if (to_set & FUSE_SET_ATTR_SIZE) {
		p = realloc(nodes[ino].data, attr->st_size ? attr->st_size : 1);
		if (!p) {
			pthread_mutex_unlock(&ufs_lock);
			fuse_reply_err(req, ENOMEM);
			goto out;
		}
		if ((size_t)attr->st_size > nodes[ino].size)
			memset(p + nodes[ino].size, 0,
			       attr->st_size - nodes[ino].size);
		nodes[ino].data = p;
		nodes[ino].size = attr->st_size;
	}
	if (to_set & FUSE_SET_ATTR_MODE)
		nodes[ino].mode = (nodes[ino].mode & S_IFMT) |
				  (attr->st_mode & 07777);
	fill_attr(ino, &st);
	pthread_mutex_unlock(&ufs_lock);
	fuse_reply_attr(req, &st, 0);
out:
	leave();
}

static void make_node(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, struct fuse_file_info *fi)
{
	struct fuse_entry_param e;
	int i;

	if (parent != FUSE_ROOT_ID) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (strlen(name) >= UFS_NAME_MAX) {
		fuse_reply_err(req, ENAMETOOLONG);
		return;
	}
	pthread_mutex_lock(&ufs_lock);
	if (find_name(name) >= 0 || !strcmp(name, ".stats") ||
	    !strcmp(name, ".ctl")) {
		pthread_mutex_unlock(&ufs_lock);
		fuse_reply_err(req, EEXIST);
		return;
	}
	for (i = UFS_FIRST_INO; i < UFS_MAX_NODES; i++)
		if (!nodes[i].used)
			break;
	if (i == UFS_MAX_NODES) {
		pthread_mutex_unlock(&ufs_lock);
		fuse_reply_err(req, ENOSPC);
		return;
	}
	memset(&nodes[i], 0, sizeof(nodes[i]));
	nodes[i].used = 1;
	nodes[i].mode = mode;
	strcpy(nodes[i].name, name);
	memset(&e, 0, sizeof(e));
	e.ino = i;
	fill_attr(i, &e.attr);
	pthread_mutex_unlock(&ufs_lock);
	if (fi)
		fuse_reply_create(req, &e, fi);
	else
		fuse_reply_entry(req, &e);
}

static void ufs_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		       mode_t mode, struct fuse_file_info *fi)
{
	enter(req);
	make_node(req, parent, name, S_IFREG | (mode & 07777), fi);
	leave();
}

static void ufs_mknod(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode, dev_t rdev)
{
	enter(req);
	if (!S_ISREG(mode))
		fuse_reply_err(req, EPERM);
	else
		make_node(req, parent, name, mode, NULL);
	leave();
}

static void ufs_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t mode)
{
	enter(req);
	make_node(req, parent, name, S_IFDIR | (mode & 07777), NULL);
	leave();
}

static void remove_node(fuse_req_t req, fuse_ino_t parent, const char *name,
			int dir)
{
	int i;

	pthread_mutex_lock(&ufs_lock);
	i = parent == FUSE_ROOT_ID ? find_name(name) : -1;
	if (i < 0) {
		pthread_mutex_unlock(&ufs_lock);
		fuse_reply_err(req, ENOENT);
		return;
	}
	if ((S_ISDIR(nodes[i].mode) ? 1 : 0) != dir) {
		pthread_mutex_unlock(&ufs_lock);
		fuse_reply_err(req, dir ? ENOTDIR : EISDIR);
		return;
	}
	free(nodes[i].data);
	memset(&nodes[i], 0, sizeof(nodes[i]));
	pthread_mutex_unlock(&ufs_lock);
	fuse_reply_err(req, 0);
}

static void ufs_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	enter(req);
	remove_node(req, parent, name, 0);
	leave();
}

static void ufs_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	enter(req);
	remove_node(req, parent, name, 1);
	leave();
}

static void ufs_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
		       fuse_ino_t newparent, const char *newname,
		       unsigned int flags)
{
	int i;
	int j;

	enter(req);
	if (parent != FUSE_ROOT_ID || newparent != FUSE_ROOT_ID || flags) {
		fuse_reply_err(req, flags ? EINVAL : ENOENT);
		goto out;
	}
	if (strlen(newname) >= UFS_NAME_MAX) {
		fuse_reply_err(req, ENAMETOOLONG);
		goto out;
	}
	pthread_mutex_lock(&ufs_lock);
	i = find_name(name);
	if (i < 0) {
		pthread_mutex_unlock(&ufs_lock);
		fuse_reply_err(req, ENOENT);
		goto out;
	}
	j = find_name(newname);
	if (j >= 0 && j != i) {
		free(nodes[j].data);
		memset(&nodes[j], 0, sizeof(nodes[j]));
	}
	strcpy(nodes[i].name, newname);
	pthread_mutex_unlock(&ufs_lock);
	fuse_reply_err(req, 0);
out:
	leave();
}

static void ufs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	enter(req);
	if (ino == UFS_STATS_INO)
		fi->direct_io = 1;
	fuse_reply_open(req, fi);
	leave();
}

struct async_read {
	fuse_req_t req;
	char *data;
	size_t len;
};

static void *async_reply(void *arg)
{
	struct async_read *a = arg;

	usleep(1000);
	fuse_reply_buf(a->req, a->data, a->len);
	free(a->data);
	free(a);
	return NULL;
}

/* Caller holds ufs_lock; it is dropped here. */
static void read_async(fuse_req_t req, fuse_ino_t ino, size_t len, off_t off)
{
	struct async_read *a = calloc(1, sizeof(*a));
	pthread_t t;

	if (a)
		a->data = malloc(len ? len : 1);
	if (!a || !a->data) {
		pthread_mutex_unlock(&ufs_lock);
		free(a);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	memcpy(a->data, nodes[ino].data + off, len);
	pthread_mutex_unlock(&ufs_lock);
	a->req = req;
	a->len = len;
	if (pthread_create(&t, NULL, async_reply, a) != 0) {
		free(a->data);
		free(a);
		fuse_reply_err(req, EAGAIN);
		return;
	}
	pthread_detach(t);
}

/* Caller holds ufs_lock; it is dropped here. */
static void read_in_place(fuse_req_t req, fuse_ino_t ino, size_t len,
			  off_t off)
{
	char *payload;
	size_t cap;

	if (fuse_req_get_payload(req, &payload, &cap, NULL) != 0 ||
	    cap < len) {
		fuse_reply_buf(req, nodes[ino].data + off, len);
		pthread_mutex_unlock(&ufs_lock);
		return;
	}
	memcpy(payload, nodes[ino].data + off, len);
	pthread_mutex_unlock(&ufs_lock);
	atomic_fetch_add(&n_zc, 1);
	fuse_reply_buf(req, payload, len);
}

static void ufs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	char text[256];
	size_t len;
	int slow;

	enter(req);
	if (ino == UFS_STATS_INO) {
		pthread_mutex_lock(&ufs_lock);
		len = stats_text(text, sizeof(text));
		pthread_mutex_unlock(&ufs_lock);
		if ((size_t)off >= len)
			fuse_reply_buf(req, NULL, 0);
		else
			fuse_reply_buf(req, text + off,
				       len - off < size ? len - off : size);
		goto out;
	}
	pthread_mutex_lock(&ufs_lock);
	if (ino < UFS_FIRST_INO || !valid_ino(ino)) {
		pthread_mutex_unlock(&ufs_lock);
		fuse_reply_err(req, EBADF);
		goto out;
	}
	slow = strncmp(nodes[ino].name, "slow", 4) == 0;
	if ((size_t)off >= nodes[ino].size) {
		pthread_mutex_unlock(&ufs_lock);
		if (slow)
			usleep(50000);
		fuse_reply_buf(req, NULL, 0);
		goto out;
	}
	len = nodes[ino].size - off;
	if (len > size)
		len = size;
	if (strncmp(nodes[ino].name, "async", 5) == 0) {
		read_async(req, ino, len, off);
		goto out;
	}
	if (strncmp(nodes[ino].name, "zc", 2) == 0) {
		read_in_place(req, ino, len, off);
		goto out;
	}
	/* Reply under the lock: the buffer may move on a concurrent write. */
	if (slow) {
		char *copy = malloc(len);

		if (!copy) {
			pthread_mutex_unlock(&ufs_lock);
			fuse_reply_err(req, ENOMEM);
			goto out;
		}
		memcpy(copy, nodes[ino].data + off, len);
		pthread_mutex_unlock(&ufs_lock);
		usleep(50000);
		fuse_reply_buf(req, copy, len);
		free(copy);
		goto out;
	}
	fuse_reply_buf(req, nodes[ino].data + off, len);
	pthread_mutex_unlock(&ufs_lock);
out:
	leave();
}

/* Caller holds ufs_lock. */
static int store_bytes(fuse_ino_t ino, const char *buf, size_t size, off_t off)
{
	size_t end = off + size;
	char *p;

	if (end > nodes[ino].size) {
		p = realloc(nodes[ino].data, end);
		if (!p)
			return ENOMEM;
		memset(p + nodes[ino].size, 0, end - nodes[ino].size);
		nodes[ino].data = p;
		nodes[ino].size = end;
	}
	memcpy(nodes[ino].data + off, buf, size);
	return 0;
}

/* Store a pattern into NAME's page cache, then ask for it back. */
static int ctl_retrieve(const char *name)
{
	static char pat[UFS_RETRIEVE_LEN];
	struct fuse_bufvec bv = FUSE_BUFVEC_INIT(UFS_RETRIEVE_LEN);
	int i;
	int res;

	for (size_t k = 0; k < sizeof(pat); k++)
		pat[k] = pattern_byte(k);
	pthread_mutex_lock(&ufs_lock);
	i = find_name(name);
	if (i < 0) {
		pthread_mutex_unlock(&ufs_lock);
		return ENOENT;
	}
	res = store_bytes(i, pat, sizeof(pat), 0);
	retrieve_state = "pending";
	pthread_mutex_unlock(&ufs_lock);
	if (res)
		return res;
	bv.buf[0].mem = pat;
	res = fuse_lowlevel_notify_store(ufs_se, i, 0, &bv, 0);
	if (res) {
		fprintf(stderr, "uring_fs: notify_store: %s\n", strerror(-res));
		return -res;
	}
	res = fuse_lowlevel_notify_retrieve(ufs_se, i, sizeof(pat), 0,
					    (void *)(uintptr_t)i);
	if (res) {
		fprintf(stderr, "uring_fs: notify_retrieve: %s\n",
			strerror(-res));
		return -res;
	}
	return 0;
}

static void ufs_write(fuse_req_t req, fuse_ino_t ino, const char *buf,
		      size_t size, off_t off, struct fuse_file_info *fi)
{
	char cmd[UFS_NAME_MAX + 16];
	int err;

	enter(req);
	if (ino == UFS_CTL_INO) {
		if (size >= sizeof(cmd) || size < 10) {
			fuse_reply_err(req, EINVAL);
			goto out;
		}
		memcpy(cmd, buf, size);
		cmd[size] = '\0';
		cmd[strcspn(cmd, "\n")] = '\0';
		if (strncmp(cmd, "retrieve ", 9) != 0) {
			fuse_reply_err(req, EINVAL);
			goto out;
		}
		err = ctl_retrieve(cmd + 9);
		if (err)
			fuse_reply_err(req, err);
		else
			fuse_reply_write(req, size);
		goto out;
	}
	pthread_mutex_lock(&ufs_lock);
	if (ino < UFS_FIRST_INO || !valid_ino(ino) ||
	    S_ISDIR(nodes[ino].mode)) {
		pthread_mutex_unlock(&ufs_lock);
		fuse_reply_err(req, EBADF);
		goto out;
	}
	err = store_bytes(ino, buf, size, off);
	pthread_mutex_unlock(&ufs_lock);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_write(req, size);
out:
	leave();
}

static void ufs_retrieve_reply(fuse_req_t req, void *cookie, fuse_ino_t ino,
			       off_t offset, struct fuse_bufvec *bufv)
{
	static char got[UFS_RETRIEVE_LEN];
	struct fuse_bufvec dst = FUSE_BUFVEC_INIT(sizeof(got));
	ssize_t n;
	int ok = 1;

	enter(req);
	dst.buf[0].mem = got;
	n = fuse_buf_copy(&dst, bufv, 0);
	if (n != (ssize_t)sizeof(got) || offset != 0 ||
	    ino != (fuse_ino_t)(uintptr_t)cookie) {
		fprintf(stderr,
			"uring_fs: retrieve_reply: %zd bytes at %lld for %llu\n",
			n, (long long)offset, (unsigned long long)ino);
		ok = 0;
	}
	for (size_t k = 0; ok && k < sizeof(got); k++) {
		if ((unsigned char)got[k] != pattern_byte(k)) {
			fprintf(stderr, "uring_fs: retrieve byte %zu differs\n",
				k);
			ok = 0;
		}
	}
	pthread_mutex_lock(&ufs_lock);
	retrieve_state = ok ? "ok" : "bad";
	pthread_mutex_unlock(&ufs_lock);
	fuse_reply_none(req);
	leave();
}

static void ufs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
			off_t off, struct fuse_file_info *fi)
{
	char *buf;
	size_t pos = 0;
	struct stat st;
	off_t idx = 0;

	enter(req);
	if (ino != FUSE_ROOT_ID) {
		fuse_reply_err(req, ENOTDIR);
		goto out;
	}
	buf = calloc(1, size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		goto out;
	}
	pthread_mutex_lock(&ufs_lock);
	for (int i = 0; i < UFS_MAX_NODES; i++) {
		const char *name;
		size_t need;

		if (i == 0)
			name = ".";
		else if (i == 1)
			name = "..";
		else if (i == UFS_STATS_INO)
			name = ".stats";
		else if (i == UFS_CTL_INO)
			name = ".ctl";
		else if (nodes[i].used)
			name = nodes[i].name;
		else
			continue;
		idx++;
		if (idx <= off)
			continue;
		memset(&st, 0, sizeof(st));
		st.st_ino = i < 2 ? FUSE_ROOT_ID : i;
		st.st_mode = i < 2 ? S_IFDIR : i >= UFS_FIRST_INO ?
			     nodes[i].mode : S_IFREG;
		need = fuse_add_direntry(req, buf + pos, size - pos, name, &st,
					 idx);
		if (need > size - pos)
			break;
		pos += need;
	}
	pthread_mutex_unlock(&ufs_lock);
	fuse_reply_buf(req, buf, pos);
	free(buf);
out:
	leave();
}

static void ufs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv;

	enter(req);
	memset(&sv, 0, sizeof(sv));
	sv.f_bsize = 4096;
	sv.f_frsize = 4096;
	sv.f_blocks = 1024;
	sv.f_files = UFS_MAX_NODES;
	sv.f_namemax = UFS_NAME_MAX - 1;
	fuse_reply_statfs(req, &sv);
	leave();
}

static const struct fuse_lowlevel_ops ufs_ops = {
	.lookup = ufs_lookup,
	.getattr = ufs_getattr,
	.setattr = ufs_setattr,
	.mknod = ufs_mknod,
	.mkdir = ufs_mkdir,
	.unlink = ufs_unlink,
	.rmdir = ufs_rmdir,
	.rename = ufs_rename,
	.open = ufs_open,
	.read = ufs_read,
	.write = ufs_write,
	.readdir = ufs_readdir,
	.statfs = ufs_statfs,
	.create = ufs_create,
	.retrieve_reply = ufs_retrieve_reply,
};

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts opts;
	struct fuse_loop_config *cfg = NULL;
	int ret = 1;

	if (fuse_parse_cmdline(&args, &opts) != 0)
		return 1;
	if (opts.show_help || !opts.mountpoint) {
		printf("usage: %s [options] <mountpoint>\n", argv[0]);
		fuse_cmdline_help();
		fuse_lowlevel_help();
		ret = opts.show_help ? 0 : 1;
		goto out_args;
	}
	ufs_se = fuse_session_new(&args, &ufs_ops, sizeof(ufs_ops), NULL);
	if (!ufs_se)
		goto out_args;
	if (fuse_set_signal_handlers(ufs_se) != 0)
		goto out_session;
	if (fuse_session_mount(ufs_se, opts.mountpoint) != 0)
		goto out_signals;
	if (opts.singlethread) {
		ret = fuse_session_loop(ufs_se);
	} else {
		cfg = fuse_loop_cfg_create();
		if (!cfg)
			goto out_unmount;
		fuse_loop_cfg_set_clone_fd(cfg, opts.clone_fd);
		fuse_loop_cfg_set_idle_threads(cfg, opts.max_idle_threads);
		fuse_loop_cfg_set_max_threads(cfg, opts.max_threads);
		ret = fuse_session_loop_mt(ufs_se, cfg);
		fuse_loop_cfg_destroy(cfg);
	}
	fprintf(stderr, "loop returned %d\n", ret);
out_unmount:
	fuse_session_unmount(ufs_se);
out_signals:
	fuse_remove_signal_handlers(ufs_se);
out_session:
	fuse_session_destroy(ufs_se);
out_args:
	free(opts.mountpoint);
	fuse_opt_free_args(&args);
	return ret < 0 ? 1 : ret == 0 ? 0 : 2;
}
