// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Opening and mapping the device or image.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "famfs_dev.h"

/* A DAX char device's size is in sysfs (what the reference reads). */
static int dax_size(const struct stat *st, uint64_t *size, char *why)
{
	char p[128];
	unsigned long long v;
	FILE *f;
	int ok;

	snprintf(p, sizeof(p), "/sys/dev/char/%u:%u/size", major(st->st_rdev),
		 minor(st->st_rdev));
	f = fopen(p, "r");
	if (!f) {
		snprintf(why, FAMFS_WHY_LEN,
			 "character device without %s: not a DAX device", p);
		return -ENODEV;
	}
	ok = fscanf(f, "%llu", &v) == 1;
	fclose(f);
	if (!ok) {
		snprintf(why, FAMFS_WHY_LEN, "cannot parse %s", p);
		return -EINVAL;
	}
	*size = v;
	return 0;
}

int famfs_dev_open(const char *path, bool writable, struct famfs_dev *d,
		   char *why)
{
	struct stat st;
	int rc;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	snprintf(d->path, sizeof(d->path), "%s", path);
	d->writable = writable;
	d->fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (d->fd < 0) {
		rc = -errno;
		snprintf(why, FAMFS_WHY_LEN, "open %s: %s", path, strerror(errno));
		return rc;
	}
	if (fstat(d->fd, &st) < 0) {
		rc = -errno;
		snprintf(why, FAMFS_WHY_LEN, "stat %s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISREG(st.st_mode)) {
		d->kind = FAMFS_DEV_FILE;
		d->size = st.st_size;
	} else if (S_ISBLK(st.st_mode)) {
		d->kind = FAMFS_DEV_BLOCK;
		if (ioctl(d->fd, BLKGETSIZE64, &d->size) < 0) {
			rc = -errno;
			snprintf(why, FAMFS_WHY_LEN, "BLKGETSIZE64 %s: %s", path,
				 strerror(errno));
			goto fail;
		}
	} else if (S_ISCHR(st.st_mode)) {
		d->kind = FAMFS_DEV_DAX;
		rc = dax_size(&st, &d->size, why);
		if (rc)
			goto fail;
	} else {
		rc = -ENODEV;
		snprintf(why, FAMFS_WHY_LEN,
			 "%s: not a DAX device, block device or regular file",
			 path);
		goto fail;
	}
	if (d->size < FAMFS_SUPERBLOCK_SIZE) {
		rc = -EINVAL;
		snprintf(why, FAMFS_WHY_LEN, "%s: %" PRIu64 " bytes is too small",
			 path, d->size);
		goto fail;
	}
	d->base = mmap(NULL, d->size, PROT_READ | (writable ? PROT_WRITE : 0),
		       MAP_SHARED, d->fd, 0);
	if (d->base == MAP_FAILED) {
		rc = -errno;
		d->base = NULL;
		snprintf(why, FAMFS_WHY_LEN, "mmap %s: %s", path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	close(d->fd);
	d->fd = -1;
	return rc;
}

void famfs_dev_close(struct famfs_dev *d)
{
	if (d->base)
		munmap(d->base, d->size);
	d->base = NULL;
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

int famfs_dev_lock(struct famfs_dev *d, bool nonblock)
{
	if (flock(d->fd, LOCK_EX | (nonblock ? LOCK_NB : 0)) < 0)
		return -errno;
	return 0;
}

int famfs_dev_sync(struct famfs_dev *d, uint64_t off, uint64_t len)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t start = off & ~((uint64_t)pg - 1);

	if (msync(d->base + start, len + (off - start), MS_SYNC) < 0)
		return -errno;
	return 0;
}
