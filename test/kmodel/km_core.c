/*
 * libkmodel core: starting the server, the request/reply exchange over the
 * socket, the inode table, path resolution and counters.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "km_i.h"

void km_err(struct kmodel *km, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(km->err, sizeof(km->err), fmt, ap);
	va_end(ap);
	if (km->o.verbose)
		fprintf(stderr, "kmodel: %s\n", km->err);
}

void kmodel_opts_init(struct kmodel_opts *o, const struct fuse_dialect *dialect)
{
	memset(o, 0, sizeof(*o));
	o->dialect = dialect ? dialect : fuse_dialect_get(FUSE_DIALECT_STOCK);
	o->offer_map_flag = true;
	o->may_add_iomap = true;
	o->famfs_rawio = true;
	o->allow_file_devices = true;
	o->init_delay_ms = 500;
	o->timeout_ms = 10000;
	o->max_io = 128 * 1024;
	o->bpf_btf = true;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Receive one message. Returns its length, 0 on EOF, -errno on error or
 * -ETIMEDOUT. Control messages are handled here and reported as -EAGAIN.
 */
static ssize_t km_recv(struct kmodel *km, int timeout_ms)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * KMW_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = km->rbuf, .iov_len = KM_RECV_MAX };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct pollfd pfd = { .fd = km->fd, .events = POLLIN };
	int fds[KMW_MAX_FDS], nfds = 0, r, i;
	struct cmsghdr *cm;
	ssize_t n;

	do {
		r = poll(&pfd, 1, timeout_ms);
	} while (r < 0 && errno == EINTR);
	if (r == 0)
		return -ETIMEDOUT;
	if (r < 0)
		return -errno;
	n = recvmsg(km->fd, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -errno;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			int k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (i = 0; i < k; i++) {
				int f;

				memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
				if (nfds < KMW_MAX_FDS)
					fds[nfds++] = f;
				else
					close(f);
			}
		}
	}
	if (msg.msg_flags & MSG_TRUNC) {
		km_err(km, "message longer than %u bytes", KM_RECV_MAX);
		for (i = 0; i < nfds; i++)
			close(fds[i]);
		return -EIO;
	}
	if (n >= (ssize_t)sizeof(uint32_t)) {
		uint32_t first;

		memcpy(&first, km->rbuf, sizeof(first));
		if (first == KMW_MAGIC) {
			if (n >= (ssize_t)sizeof(struct kmw_req)) {
				/* the handler checks the payload size per op */
				struct kmw_req req;

				memcpy(&req, km->rbuf, sizeof(req));
				km_handle_control(km, &req,
						  km->rbuf + sizeof(req),
						  n - sizeof(req), fds, nfds);
			} else {
				km_err(km, "control message of %zd bytes", n);
			}
			for (i = 0; i < nfds; i++)
				close(fds[i]);
			return -EAGAIN;
		}
	}
	for (i = 0; i < nfds; i++)
		close(fds[i]);	/* fds only travel with control messages */
	return n;
}

static int km_send(struct kmodel *km, uint32_t opcode, uint64_t nodeid,
		   uint64_t unique, const void *in1, size_t len1,
		   const void *in2, size_t len2)
{
	struct fuse_in_header ih;
	struct iovec iov[3];
	int cnt = 1;
	ssize_t n;

	memset(&ih, 0, sizeof(ih));
	ih.len = sizeof(ih) + len1 + len2;
	ih.opcode = opcode;
	ih.unique = unique;
	ih.nodeid = nodeid;
	ih.uid = getuid();
	ih.gid = getgid();
	ih.pid = getpid();
	iov[0].iov_base = &ih;
	iov[0].iov_len = sizeof(ih);
	if (len1) {
		iov[cnt].iov_base = (void *)in1;
		iov[cnt++].iov_len = len1;
	}
	if (len2) {
		iov[cnt].iov_base = (void *)in2;
		iov[cnt++].iov_len = len2;
	}
	if (opcode < KM_MAX_OPCODE)
		km->counts[opcode]++;
	else
		km->other_count++;
	if (km->o.verbose)
		fprintf(stderr, "kmodel: -> op %u node %llu unique %llu len %u\n",
			opcode, (unsigned long long)nodeid,
			(unsigned long long)unique, ih.len);
	{
		struct msghdr msg = { .msg_iov = iov, .msg_iovlen = cnt };

		/* no SIGPIPE when the server has died */
		n = sendmsg(km->fd, &msg, MSG_NOSIGNAL);
	}
	if (n < 0)
		return -errno;
	return n == (ssize_t)ih.len ? 0 : -EIO;
}

int km_send_noreply(struct kmodel *km, uint32_t opcode, uint64_t nodeid,
		    const void *in, size_t len)
{
	return km_send(km, opcode, nodeid, ++km->unique, in, len, NULL, 0);
}

int km_call(struct kmodel *km, uint32_t opcode, uint64_t nodeid,
	    const void *in1, size_t len1, const void *in2, size_t len2,
	    void **out, size_t *outlen)
{
	uint64_t unique = ++km->unique;
	int64_t deadline;
	struct fuse_out_header oh;
	ssize_t n;
	int res;

	if (km->fd < 0)
		return -ENOTCONN;
	res = km_send(km, opcode, nodeid, unique, in1, len1, in2, len2);
	if (res < 0) {
		km_err(km, "send op %u: %s", opcode, strerror(-res));
		return res;
	}
	deadline = now_ms() + km->o.timeout_ms;
	for (;;) {
		int left = (int)(deadline - now_ms());

		if (left <= 0) {
			km_err(km, "no reply to op %u within %d ms", opcode,
			       km->o.timeout_ms);
			return -ETIMEDOUT;
		}
		n = km_recv(km, left);
		if (n == -EAGAIN)
			continue;
		if (n == 0) {
			km_err(km, "server closed the connection (op %u)", opcode);
			return -ENOTCONN;
		}
		if (n < 0)
			return (int)n;
		if (n < (ssize_t)sizeof(oh)) {
			/* fuse_dev_do_write: short header -> EINVAL to the writer */
			km_err(km, "reply of %zd bytes is shorter than the header", n);
			continue;
		}
		memcpy(&oh, km->rbuf, sizeof(oh));
		if (oh.len != (uint32_t)n) {
			km_err(km, "reply header says %u bytes, message has %zd",
			       oh.len, n);
			continue;
		}
		if (oh.unique == 0) {
			km->last_notify_err = km_handle_notify(km, oh.error,
				km->rbuf + sizeof(oh), n - sizeof(oh));
			continue;
		}
		if (oh.unique != unique) {
			km_err(km, "reply to unknown unique %llu",
			       (unsigned long long)oh.unique);
			continue;
		}
		/* same rules as fuse_dev_do_write */
		if (oh.error <= -512 || oh.error > 0) {
			km_err(km, "reply error %d out of range", oh.error);
			continue;
		}
		if (oh.error && n != sizeof(oh)) {
			km_err(km, "error reply with a payload");
			continue;
		}
		if (km->o.verbose)
			fprintf(stderr, "kmodel: <- unique %llu error %d len %zd\n",
				(unsigned long long)unique, oh.error, n);
		if (out)
			*out = km->rbuf + sizeof(oh);
		if (outlen)
			*outlen = n - sizeof(oh);
		return oh.error;
	}
}

struct km_inode *km_inode_get(struct kmodel *km, uint64_t nodeid)
{
	size_t i;

	for (i = 0; i < km->ninodes; i++)
		if (km->inodes[i]->nodeid == nodeid)
			return km->inodes[i];
	return NULL;
}

struct km_inode *km_inode_add(struct kmodel *km, uint64_t nodeid)
{
	struct km_inode *ino = km_inode_get(km, nodeid);

	if (ino)
		return ino;
	if (km->ninodes == km->capinodes) {
		size_t cap = km->capinodes ? km->capinodes * 2 : 64;
		struct km_inode **n = realloc(km->inodes, cap * sizeof(*n));

		if (!n)
			return NULL;
		km->inodes = n;
		km->capinodes = cap;
	}
	ino = calloc(1, sizeof(*ino));
	if (!ino)
		return NULL;
	ino->nodeid = nodeid;
	km->inodes[km->ninodes++] = ino;
	return ino;
}

/* Apply attributes from an entry or attr reply by the kernel's rules. */
static void km_set_attr(struct kmodel *km, struct km_inode *ino,
			const struct fuse_attr *a)
{
	bool first = ino->attr.ino == 0 && ino->attr.mode == 0;

	ino->attr = *a;
	if (first)
		ino->disk_size = a->size;
	/* spec 8.1: IOMAP honoured with EXCLUSIVE (minor >= 99), reg file, iomap conn */
	ino->iomap = false;
	if (km->iomap && km->minor >= km->d->min_reply_minor &&
	    (a->flags & km->d->val.attr_exclusive) &&
	    (a->flags & km->d->val.attr_iomap) && S_ISREG(a->mode))
		ino->iomap = true;
	/* spec 6.6: i_size changed behind the fmap's back: file is bad */
	if (ino->fmap && a->size != ino->fmap->file_size)
		ino->bad = true;
}

/* fuse_invalid_attr(): a known file type and a size <= LLONG_MAX */
static bool valid_attr(const struct fuse_attr *a)
{
	switch (a->mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFCHR:
	case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		break;
	default:
		return false;
	}
	return a->size <= (uint64_t)INT64_MAX;
}

static struct km_dentry *dcache_find(struct kmodel *km, uint64_t parent,
				      const char *name)
{
	size_t i;

	for (i = 0; i < km->ndentries; i++)
		if (km->dentries[i].parent == parent &&
		    strcmp(km->dentries[i].name, name) == 0)
			return &km->dentries[i];
	return NULL;
}

/* Remember a positive entry for its entry_valid time (0: not cached). */
static void dcache_add(struct kmodel *km, uint64_t parent, const char *name,
		       const struct fuse_entry_out *eo)
{
	struct km_dentry *de = dcache_find(km, parent, name);
	int64_t ms = (int64_t)(eo->entry_valid > 86400000 ? 86400000 :
			       eo->entry_valid) * 1000 +
		     eo->entry_valid_nsec / 1000000;

	if (ms <= 0 || strlen(name) >= sizeof(de->name)) {
		if (de)
			de->expires_ms = 0;
		return;
	}
	if (!de) {
		if (km->ndentries == km->capdentries) {
			size_t cap = km->capdentries ? km->capdentries * 2 : 64;
			struct km_dentry *n = realloc(km->dentries,
						      cap * sizeof(*n));

			if (!n)
				return;
			km->dentries = n;
			km->capdentries = cap;
		}
		de = &km->dentries[km->ndentries++];
		de->parent = parent;
		snprintf(de->name, sizeof(de->name), "%s", name);
	}
	de->nodeid = eo->nodeid;
	de->expires_ms = now_ms() + ms;
}

void km_dcache_drop(struct kmodel *km, uint64_t parent, const char *name,
		    uint64_t nodeid)
{
	size_t i;

	for (i = 0; i < km->ndentries; i++) {
		struct km_dentry *de = &km->dentries[i];

		if ((name && de->parent == parent && strcmp(de->name, name) == 0) ||
		    (nodeid && de->nodeid == nodeid))
			de->expires_ms = 0;
	}
}

static int km_lookup_one(struct kmodel *km, uint64_t parent, const char *name,
			 struct km_inode **out)
{
	struct fuse_entry_out *eo;
	struct km_dentry *de;
	struct km_inode *ino;
	size_t len;
	void *p;
	int res;

	/* a valid dentry: no LOOKUP, as in the kernel's dcache */
	de = dcache_find(km, parent, name);
	if (de && de->expires_ms > now_ms()) {
		ino = km_inode_get(km, de->nodeid);
		if (ino && !ino->bad) {
			*out = ino;
			return 0;
		}
	}
	res = km_call(km, FUSE_LOOKUP, parent, name, strlen(name) + 1, NULL, 0,
		      &p, &len);
	if (res)
		return res;
	if (len != sizeof(*eo)) {
		km_err(km, "LOOKUP reply of %zu bytes, want %zu", len, sizeof(*eo));
		return -EINVAL;
	}
	eo = p;
	if (eo->nodeid == 0)
		return -ENOENT;		/* negative entry */
	if (!valid_attr(&eo->attr)) {
		km_err(km, "LOOKUP reply with an invalid file type or size");
		return -EIO;
	}
	ino = km_inode_add(km, eo->nodeid);
	if (!ino)
		return -ENOMEM;
	ino->nlookup++;
	km_set_attr(km, ino, &eo->attr);
	dcache_add(km, parent, name, eo);
	*out = ino;
	return 0;
}

int km_resolve(struct kmodel *km, const char *path, struct km_inode **out)
{
	char comp[256];
	struct km_inode *cur = km_inode_get(km, FUSE_ROOT_ID);
	const char *p = path, *e;
	int res;

	if (!cur)
		return -ENOTCONN;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchr(p, '/');
		if (!e)
			e = p + strlen(p);
		if ((size_t)(e - p) >= sizeof(comp))
			return -ENAMETOOLONG;
		memcpy(comp, p, e - p);
		comp[e - p] = '\0';
		if (!S_ISDIR(cur->attr.mode) && cur->nodeid != FUSE_ROOT_ID)
			return -ENOTDIR;
		res = km_lookup_one(km, cur->nodeid, comp, &cur);
		if (res)
			return res;
		p = e;
	}
	*out = cur;
	return 0;
}

int kmodel_lookup(struct kmodel *km, const char *path, uint64_t *nodeid)
{
	struct km_inode *ino;
	int res = km_resolve(km, path, &ino);

	if (!res && nodeid)
		*nodeid = ino->nodeid;
	return res;
}

int kmodel_stat(struct kmodel *km, const char *path, uint64_t *size,
		uint32_t *mode)
{
	struct fuse_getattr_in gi;
	struct fuse_attr_out *ao;
	struct km_inode *ino;
	size_t len;
	void *p;
	int res;

	res = km_resolve(km, path, &ino);
	if (res)
		return res;
	memset(&gi, 0, sizeof(gi));
	res = km_call(km, FUSE_GETATTR, ino->nodeid, &gi, sizeof(gi), NULL, 0,
		      &p, &len);
	if (res)
		return res;
	if (len != sizeof(*ao))
		return -EINVAL;
	ao = p;
	if (!valid_attr(&ao->attr))
		return -EIO;
	if ((ao->attr.mode & S_IFMT) != (ino->attr.mode & S_IFMT)) {
		/* fuse_change_attributes: file type changed -> bad inode */
		ino->bad = true;
		return -EIO;
	}
	km_set_attr(km, ino, &ao->attr);
	if (size)
		*size = ino->attr.size;
	if (mode)
		*mode = ino->attr.mode;
	return 0;
}

int kmodel_forget(struct kmodel *km, const char *path)
{
	struct fuse_forget_in fi;
	struct km_inode *ino;
	int res = km_resolve(km, path, &ino);

	if (res)
		return res;
	if (ino->nodeid == FUSE_ROOT_ID)
		return -EINVAL;
	fi.nlookup = ino->nlookup;
	ino->nlookup = 0;
	km_dcache_drop(km, 0, NULL, ino->nodeid);	/* evicted first */
	return km_send_noreply(km, FUSE_FORGET, ino->nodeid, &fi, sizeof(fi));
}

static struct kmodel *km_alloc(const struct kmodel_opts *o, int fd)
{
	struct kmodel *km = calloc(1, sizeof(*km));
	unsigned int i;

	if (!km)
		return NULL;
	km->rbuf = malloc(KM_RECV_MAX);
	if (!km->rbuf) {
		free(km);
		return NULL;
	}
	km->o = *o;
	km->d = o->dialect;
	km->fd = fd;
	km->pid = -1;
	km->blocksize = 4096;
	for (i = 0; i < KM_MAX_BACKING; i++)
		km->backing[i].fd = -1;
	for (i = 0; i < KM_MAX_DAXDEV; i++)
		km->dax[i].fd = -1;
	return km;
}

static void km_free(struct kmodel *km)
{
	unsigned int i;
	size_t k;

	for (i = 0; i < KM_MAX_BACKING; i++)
		if (km->backing[i].fd >= 0)
			close(km->backing[i].fd);
	for (i = 0; i < KM_MAX_DAXDEV; i++)
		if (km->dax[i].fd >= 0)
			close(km->dax[i].fd);
	for (k = 0; k < km->ninodes; k++) {
		km_cache_free(km->inodes[k]->cache);
		km_fmap_free(km->inodes[k]->fmap);
		free(km->inodes[k]->bpf_meta);
		free(km->inodes[k]);
	}
	km_bpf_free(km);
	free(km->inodes);
	free(km->dentries);
	if (km->fd >= 0)
		close(km->fd);
	free(km->rbuf);
	free(km);
}

/* Before INIT: serve control messages until KMW_MOUNT or a quiet period. */
static int km_pre_mount(struct kmodel *km)
{
	for (;;) {
		ssize_t n;

		if (km->mounted_msg)
			return 0;
		n = km_recv(km, km->o.init_delay_ms);
		if (n == -EAGAIN)
			continue;
		if (n == -ETIMEDOUT)
			return 0;
		if (n == 0) {
			km_err(km, "server closed the connection before INIT");
			return -ENOTCONN;
		}
		if (n < 0)
			return (int)n;
		km_err(km, "server wrote %zd bytes before INIT", n);
		return -EIO;
	}
}

struct kmodel *kmodel_start_fd(const struct kmodel_opts *o, int fd)
{
	struct kmodel *km = km_alloc(o, fd);
	int res;

	if (!km) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	res = km_pre_mount(km);
	if (!res)
		res = km_do_init(km);
	if (res) {
		fprintf(stderr, "kmodel: mount failed: %s (%s)\n", strerror(-res),
			km->err);
		kmodel_stop(km);
		errno = -res;
		return NULL;
	}
	return km;
}

struct kmodel *kmodel_start(const struct kmodel_opts *o, char *const argv[])
{
	char fdarg[32];
	char **av;
	int sv[2], argc = 0, i;
	bool placed = false;
	struct kmodel *km;
	pid_t pid;

	while (argv[argc])
		argc++;
	if (!argc) {
		errno = EINVAL;
		return NULL;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return NULL;
	av = calloc(argc + 2, sizeof(*av));
	if (!av) {
		close(sv[0]);
		close(sv[1]);
		return NULL;
	}
	snprintf(fdarg, sizeof(fdarg), "/dev/fd/%d", sv[1]);
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "{}") == 0) {
			av[i] = fdarg;
			placed = true;
		} else {
			av[i] = argv[i];
		}
	}
	if (!placed)
		av[argc++] = fdarg;
	pid = fork();
	if (pid < 0) {
		free(av);
		close(sv[0]);
		close(sv[1]);
		return NULL;
	}
	if (pid == 0) {
		/* the server's end must survive exec */
		fcntl(sv[1], F_SETFD, 0);
		execvp(av[0], av);
		fprintf(stderr, "kmodel: exec %s: %s\n", av[0], strerror(errno));
		_exit(127);
	}
	free(av);
	close(sv[1]);
	km = kmodel_start_fd(o, sv[0]);
	if (!km) {
		int e = errno, st;

		kill(pid, SIGTERM);
		waitpid(pid, &st, 0);
		errno = e;
		return NULL;
	}
	km->pid = pid;
	return km;
}

int kmodel_stop(struct kmodel *km)
{
	int status = 0;

	if (!km)
		return 0;
	if (km->fd >= 0 && km->init_done) {
		/* spec 8.5: synchronous DESTROY at unmount */
		km_call(km, FUSE_DESTROY, 0, NULL, 0, NULL, 0, NULL, NULL);
	}
	if (km->fd >= 0) {
		close(km->fd);
		km->fd = -1;
	}
	if (km->pid > 0) {
		int i;

		for (i = 0; i < 100; i++) {
			if (waitpid(km->pid, &status, WNOHANG) == km->pid)
				break;
			usleep(20000);
		}
		if (i == 100) {
			kill(km->pid, SIGTERM);
			waitpid(km->pid, &status, 0);
		}
	}
	km_free(km);
	return status;
}

uint64_t kmodel_count(const struct kmodel *km, uint32_t opcode)
{
	return opcode < KM_MAX_OPCODE ? km->counts[opcode] : 0;
}

uint64_t kmodel_count_total(const struct kmodel *km)
{
	uint64_t t = km->other_count;
	unsigned int i;

	for (i = 0; i < KM_MAX_OPCODE; i++)
		t += km->counts[i];
	return t;
}

void kmodel_print_stats(const struct kmodel *km, FILE *f)
{
	unsigned int i;

	fprintf(f, "round trips (dialect %s):\n", km->d->name);
	for (i = 0; i < KM_MAX_OPCODE; i++)
		if (km->counts[i])
			fprintf(f, "  opcode %4u: %llu\n", i,
				(unsigned long long)km->counts[i]);
	fprintf(f, "  total: %llu\n", (unsigned long long)kmodel_count_total(km));
	if (km->bpf.registered)
		fprintf(f, "BPF program '%s': %llu mappings served, %llu fallbacks, "
			"%llu map updates\n", km->bpf.name,
			(unsigned long long)km->bpf.served,
			(unsigned long long)km->bpf.fallbacks,
			(unsigned long long)km->bpf.updates);
	else if (km->d->bpf)
		fprintf(f, "BPF program: none (%s)\n",
			km->bpf.why[0] ? km->bpf.why : "not registered");
}

bool kmodel_iomap_on(const struct kmodel *km) { return km->iomap; }
bool kmodel_famfs_on(const struct kmodel *km) { return km->famfs; }
uint32_t kmodel_minor(const struct kmodel *km) { return km->minor; }
uint32_t kmodel_blocksize(const struct kmodel *km) { return km->blocksize; }
const char *kmodel_ops_name(const struct kmodel *km) { return km->ops_name; }
int kmodel_last_notify_error(const struct kmodel *km) { return km->last_notify_err; }
const char *kmodel_last_error(const struct kmodel *km) { return km->err; }

unsigned int kmodel_backing_count(const struct kmodel *km)
{
	unsigned int i, n = 0;

	for (i = 1; i < KM_MAX_BACKING; i++)
		n += km->backing[i].fd >= 0;
	return n;
}

unsigned int kmodel_daxdev_count(const struct kmodel *km)
{
	unsigned int i, n = 0;

	for (i = 0; i < KM_MAX_DAXDEV; i++)
		n += km->dax[i].valid;
	return n;
}

int64_t kmodel_cache_bytes(struct kmodel *km, const char *path)
{
	struct km_inode *ino;
	int res = km_resolve(km, path, &ino);

	if (res)
		return res;
	if (!ino->cache)
		return -ENOENT;
	return (int64_t)km_cache_bytes(ino->cache);
}

int km_pio(int fd, void *buf, size_t len, uint64_t off, bool write)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write ? pwrite(fd, (char *)buf + done, len - done,
					   off + done)
				  : pread(fd, (char *)buf + done, len - done,
					  off + done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;	/* past the end of the device */
		done += n;
	}
	return 0;
}
