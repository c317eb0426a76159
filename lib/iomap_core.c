/*
 * fuse_iomap: attaching mapped file I/O to a session, choosing the path at
 * INIT, registering devices, and the public queries.
 *
 * The layer joins the core through its extension hooks (lib/fuse_i.h,
 * section 3): an INIT hook edits the INIT reply for the chosen dialect, a
 * dispatch hook takes the extension opcodes (lib/iomap_ops.c), and the
 * server's read/write/open operations are wrapped so the classic engine and
 * the mapping upload see every file that has a layout.
 */
#include "iomap_i.h"
#include "fuse_log.h"
#include "fuse_opt.h"
#include "kmodel_wire_i.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/fs.h>

const char *fuse_iomap_path_name(enum fuse_iomap_path path)
{
	switch (path) {
	case FUSE_IOMAP_PATH_CLASSIC:
		return "classic";
	case FUSE_IOMAP_PATH_IOMAP:
		return "iomap";
	case FUSE_IOMAP_PATH_FMAP:
		return "fmap";
	case FUSE_IOMAP_PATH_IOMAP_BPF:
		return "iomap+bpf";
	case FUSE_IOMAP_PATH_FMAP_BPF:
		return "fmap+bpf";
	}
	return "unknown";
}

static const char *const mode_names[] = {
	[FUSE_IOMAP_MODE_AUTO] = "auto",
	[FUSE_IOMAP_MODE_FMAP] = "fmap",
	[FUSE_IOMAP_MODE_IOMAP] = "iomap",
	[FUSE_IOMAP_MODE_BPF] = "bpf",
	[FUSE_IOMAP_MODE_CLASSIC] = "classic",
};

struct iomap_opt_ctx {
	struct fuse_iomap_params *params;
	int err;
};

static int iomap_opt_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct iomap_opt_ctx *ctx = data;
	const char *val = arg + strlen("iomap=");
	size_t i;

	(void)outargs;
	if (key != 0)
		return 1;	/* not ours: keep it for fuse_session_new() */
	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (strcmp(val, mode_names[i]) == 0) {
			ctx->params->mode = (uint32_t)i;
			return 0;
		}
	}
	fuse_log(FUSE_LOG_ERR,
		 "fuse: unknown value '%s' for -o iomap (auto, fmap, iomap, bpf or classic)\n",
		 val);
	ctx->err = -EINVAL;
	return 0;
}

int fuse_iomap_parse_opts(struct fuse_args *args, struct fuse_iomap_params *params)
{
	static const struct fuse_opt opts[] = {
		FUSE_OPT_KEY("iomap=", 0),
		FUSE_OPT_END
	};
	struct iomap_opt_ctx ctx = { .params = params, .err = 0 };

	if (!args || !params)
		return -EINVAL;
	if (fuse_opt_parse(args, &ctx, opts, iomap_opt_proc) == -1)
		return -EINVAL;
	return ctx.err;
}

enum fuse_iomap_path fuse_iomap_conn_path(const struct fuse_iomap *im)
{
	return im ? im->path : FUSE_IOMAP_PATH_CLASSIC;
}

enum fuse_iomap_path fuse_iomap_inode_path(struct fuse_iomap *im, fuse_ino_t ino)
{
	struct iomap_layout *l;
	enum fuse_iomap_path p;

	if (!im)
		return FUSE_IOMAP_PATH_CLASSIC;
	pthread_rwlock_rdlock(&im->layouts.lock);
	l = iomap_table_get(&im->layouts, ino);
	p = (!l || l->classic_fallback) ? FUSE_IOMAP_PATH_CLASSIC : im->path;
	pthread_rwlock_unlock(&im->layouts.lock);
	return p;
}

const char *fuse_iomap_dialect_name(const struct fuse_iomap *im)
{
	const struct fuse_dialect *d = im ? im->dialect : NULL;

	return d ? d->name : "unknown";
}

const char *fuse_iomap_describe(const struct fuse_iomap *im)
{
	return im ? im->describe : "";
}

/* --- devices --- */

static uint64_t fd_size(int fd, const struct stat *st)
{
	uint64_t sz = 0;

	if (S_ISBLK(st->st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &sz) < 0)
			return 0;
		return sz;
	}
	if (S_ISREG(st->st_mode))
		return (uint64_t)st->st_size;
	if (S_ISCHR(st->st_mode)) {
		/*
		 * DAX character devices report their size in sysfs. Without it
		 * the classic engine cannot map the device, and read(2) on a
		 * devdax node fails: every classic READ would be EIO.
		 */
		char p[64];
		unsigned long long v;
		FILE *f;

		snprintf(p, sizeof(p), "/sys/dev/char/%u:%u/size", major(st->st_rdev),
			 minor(st->st_rdev));
		f = fopen(p, "re");
		if (!f)
			return 0;
		if (fscanf(f, "%llu", &v) == 1)
			sz = v;
		fclose(f);
		return sz;
	}
	return 0;
}

int fuse_iomap_add_device(struct fuse_iomap *im, const struct fuse_iomap_device *dev,
			  uint32_t *id)
{
	struct iomap_dev *d;
	struct stat st;
	int fd, err = 0;

	if (!im || !dev || !id)
		return -EINVAL;
	if (dev->kind < FUSE_IOMAP_DEV_BLOCK || dev->kind > FUSE_IOMAP_DEV_FILE) {
		fuse_log(FUSE_LOG_ERR, "fuse_iomap: unknown device kind %u\n", dev->kind);
		return -EINVAL;
	}
	if (fstat(dev->fd, &st) < 0) {
		err = -errno;
		fuse_log(FUSE_LOG_ERR, "fuse_iomap: device fd %d: %s\n", dev->fd, strerror(-err));
		return err;
	}
	if ((dev->kind == FUSE_IOMAP_DEV_BLOCK && !S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode)) ||
	    (dev->kind == FUSE_IOMAP_DEV_DAX && !S_ISCHR(st.st_mode) && !S_ISREG(st.st_mode)) ||
	    (dev->kind == FUSE_IOMAP_DEV_FILE && !S_ISREG(st.st_mode))) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse_iomap: device %s: file type does not match the declared kind %u\n",
			 dev->path ? dev->path : "(fd)", dev->kind);
		return -ENODEV;
	}
	if (dev->path && strlen(dev->path) >= FUSE_DAXDEV_NAME_MAX)
		return -ENAMETOOLONG;

	pthread_mutex_lock(&im->dev_lock);
	if (im->ndevs >= IOMAP_MAX_DEVICES) {
		pthread_mutex_unlock(&im->dev_lock);
		fuse_log(FUSE_LOG_ERR, "fuse_iomap: device table full (%u)\n", IOMAP_MAX_DEVICES);
		return -ENOSPC;
	}
	fd = fcntl(dev->fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0) {
		err = -errno;
		pthread_mutex_unlock(&im->dev_lock);
		return err;
	}
	d = &im->devs[im->ndevs];
	memset(d, 0, sizeof(*d));
	d->fd = fd;
	d->kind = dev->kind;
	d->dax_index = dev->dax_index;
	d->path = dev->path ? strdup(dev->path) : NULL;
	d->size = fd_size(fd, &st);
	/* The classic engine reads DAX memory (and files standing in for it) by mmap. */
	if (dev->kind != FUSE_IOMAP_DEV_BLOCK && d->size) {
		void *m = mmap(NULL, d->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		if (m == MAP_FAILED) {
			m = mmap(NULL, d->size, PROT_READ, MAP_SHARED, fd, 0);
			d->map_ro = true;
		}
		d->map = m == MAP_FAILED ? NULL : m;
	}
	*id = ++im->ndevs;	/* ids are 1-based: 0 means "no device" */
	pthread_mutex_unlock(&im->dev_lock);
	return 0;
}

uint32_t iomap_kernel_dev(const struct fuse_iomap *im, uint32_t id)
{
	if (id == 0 || id > im->ndevs)
		return 0;
	return im->devs[id - 1].kernel_id > 0 ? (uint32_t)im->devs[id - 1].kernel_id : 0;
}

uint32_t iomap_dax_index(const struct fuse_iomap *im, uint32_t id)
{
	if (id == 0 || id > im->ndevs)
		return UINT32_MAX;
	return im->devs[id - 1].dax_index;
}

int iomap_dev_ioctl(struct fuse_iomap *im, unsigned long cmd, void *arg)
{
	return fuse_session_dev_ioctl(im->se, cmd, arg);
}

/*
 * Register every block device with the kernel (BACKING_OPEN, iomap type).
 * Called when the kernel asks for IOMAP_CONFIG, i.e. once iomap is
 * negotiated. A refusal moves the connection to classic, with the reason.
 */
int iomap_register_block_devices(struct fuse_iomap *im)
{
	const struct fuse_dialect *d = im->dialect;
	uint32_t i;

	for (i = 0; i < im->ndevs; i++) {
		struct iomap_dev *dev = &im->devs[i];
		struct fuse_backing_map map = { 0 };
		int res;

		/* block devices, and files standing in for them (a kernel refuses those) */
		if (dev->kind == FUSE_IOMAP_DEV_DAX || dev->kernel_id > 0)
			continue;
		map.fd = dev->fd;
		map.flags = d->val.backing_type_iomap;
		res = iomap_dev_ioctl(im, d->ioc.backing_open, &map);
		if (res <= 0) {
			iomap_fall_back(im, "BACKING_OPEN of device %u (%s) failed: %s",
					i + 1, dev->path ? dev->path : "fd",
					strerror(res < 0 ? -res : EIO));
			return res < 0 ? res : -EIO;
		}
		dev->kernel_id = res;
	}
	return 0;
}

/*
 * famfs post-V10: push every DAX device into the kernel's table. V10 and
 * post-V10 kernels both say minor 46, so this is tried on every famfs
 * connection: a V10 kernel answers ENOTTY and pulls with GET_DAXDEV instead.
 */
int iomap_push_dax_devices(struct fuse_iomap *im)
{
	int sfd = fuse_session_fd(im->se);
	uint32_t i;

	if (!fuse_kmodel_is_model_fd(sfd)) {
		/* spec 4.4: the DAXDEV_OPEN ioctl number is not known; V10 pull still works */
		fuse_log(FUSE_LOG_DEBUG,
			 "fuse_iomap: no daxdev push (DAXDEV_OPEN has no known number); relying on GET_DAXDEV\n");
		return -EOPNOTSUPP;
	}
	for (i = 0; i < im->ndevs; i++) {
		struct iomap_dev *dev = &im->devs[i];
		int res;

		if (dev->kind == FUSE_IOMAP_DEV_BLOCK)
			continue;
		res = fuse_kmodel_daxdev_open(sfd, dev->fd, dev->dax_index);
		if (res == -ENOTTY)
			return res;	/* a pull (V10) kernel */
		if (res < 0) {
			fuse_log(FUSE_LOG_ERR,
				 "fuse_iomap: DAXDEV_OPEN of daxdev %u failed: %s; its files will fail with EIO\n",
				 dev->dax_index, strerror(-res));
			return res;
		}
		dev->kernel_id = (int)dev->dax_index + 1;
	}
	return 0;
}

void iomap_fall_back(struct fuse_iomap *im, const char *fmt, ...)
{
	char why[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	im->path = FUSE_IOMAP_PATH_CLASSIC;
	im->extension_off = true;
	snprintf(im->describe, sizeof(im->describe),
		 "fuse: dialect %s: path classic, because %s", fuse_iomap_dialect_name(im), why);
	fuse_log(FUSE_LOG_WARNING, "%s\n", im->describe);
}

/* --- lifecycle --- */

struct fuse_iomap *fuse_iomap_new(struct fuse_session *se,
				  const struct fuse_iomap_params *params,
				  const struct fuse_iomap_ops *ops, size_t op_size,
				  void *userdata)
{
	struct fuse_iomap *im;
	uint32_t i;

	if (!se || !params) {
		errno = EINVAL;
		return NULL;
	}
	if (params->mode > FUSE_IOMAP_MODE_CLASSIC) {
		fuse_log(FUSE_LOG_ERR, "fuse_iomap: unknown mode %u\n", params->mode);
		errno = EINVAL;
		return NULL;
	}
	if (op_size > sizeof(struct fuse_iomap_ops)) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse_iomap: the server's fuse_iomap_ops is larger than this library's; library too old\n");
		op_size = sizeof(struct fuse_iomap_ops);
	}
	im = calloc(1, sizeof(*im));
	if (!im) {
		errno = ENOMEM;
		return NULL;
	}
	im->se = se;
	im->params = *params;
	if (ops)
		memcpy(&im->ops, ops, op_size);
	im->userdata = userdata;
	pthread_mutex_init(&im->dev_lock, NULL);
	for (i = 0; i < IOMAP_MAX_DEVICES; i++)
		im->devs[i].fd = -1;
	if (iomap_table_init(&im->layouts)) {
		free(im);
		errno = ENOMEM;
		return NULL;
	}
	im->path = FUSE_IOMAP_PATH_CLASSIC;
	im->dialect = fuse_dialect_get(FUSE_DIALECT_STOCK);
	snprintf(im->describe, sizeof(im->describe),
		 "fuse: dialect stock: path classic, because INIT has not happened yet");
	iomap_hooks_install(im);
	return im;
}

void fuse_iomap_destroy(struct fuse_iomap *im)
{
	uint32_t i;

	if (!im)
		return;
	iomap_hooks_remove(im);
	for (i = 0; i < im->ndevs; i++) {
		struct iomap_dev *d = &im->devs[i];

		if (d->map)
			munmap(d->map, d->size);
		if (d->fd >= 0)
			close(d->fd);
		free(d->path);
	}
	iomap_table_destroy(&im->layouts);
	pthread_mutex_destroy(&im->dev_lock);
	free(im);
}
