/*
 * The classic engine: serve FUSE_READ/FUSE_WRITE for files that have a
 * layout straight from the devices, on kernels with no mapping extension.
 *
 * Block devices and files are read with pread/pwrite; DAX character devices
 * (and files standing in for them, when mapped) through an mmap of the
 * device. Holes, unwritten and delalloc ranges read as zeros.
 */
#include "iomap_i.h"
#include "fuse_log.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One contiguous piece of a request: where it lives and how long it runs. */
struct classic_seg {
	struct fuse_iomap_extent ext;	/* covering extent (or hole) */
	uint64_t run;			/* bytes from off to the end of ext */
};

/* Resolve @off of @ino into @seg; holds no lock on return. */
static int classic_resolve(struct fuse_iomap *im, fuse_ino_t ino, uint64_t off,
			   uint64_t want, bool write, struct classic_seg *seg,
			   uint64_t *fsize)
{
	struct iomap_layout *l;
	bool lazy = false;
	int err = 0;

	pthread_rwlock_rdlock(&im->layouts.lock);
	l = iomap_table_get(&im->layouts, ino);
	if (!l) {
		err = -ENOENT;
	} else {
		*fsize = l->size;
		if (l->kind == IOMAP_LAYOUT_LAZY)
			lazy = true;
		else
			err = iomap_layout_resolve(l, off, &seg->ext);
	}
	pthread_rwlock_unlock(&im->layouts.lock);
	if (err)
		return err;

	if (lazy) {
		struct fuse_iomap_extent rd = { 0 }, wr = { 0 };

		err = im->ops.map(im->userdata, ino, off, want,
				  write ? FUSE_IOMAP_MAP_WRITE : 0, &rd, &wr);
		if (err)
			return err < 0 ? err : -EIO;
		err = iomap_check_extents(im, *fsize, &rd, 1);
		if (!err && write && wr.length)
			err = iomap_check_extents(im, *fsize, &wr, 1);
		if (err)
			return -EIO;
		if (write && wr.length)
			rd = wr;
		if (rd.offset > off || rd.offset + rd.length <= off) {
			fuse_log(FUSE_LOG_ERR,
				 "fuse_iomap: map(%llu) returned [%llu, +%llu), which does not cover it\n",
				 (unsigned long long)off, (unsigned long long)rd.offset,
				 (unsigned long long)rd.length);
			return -EIO;
		}
		seg->ext = rd;
	}
	seg->run = seg->ext.offset + seg->ext.length - off;
	return 0;
}

static const struct iomap_dev *classic_dev(struct fuse_iomap *im, uint32_t id)
{
	if (id == 0 || id > im->ndevs || im->devs[id - 1].fd < 0)
		return NULL;
	return &im->devs[id - 1];
}

/*
 * A regular file standing in for a device can shrink under the mount:
 * touching its mapping past the new end raises SIGBUS (the server would
 * die), and pwrite past it would grow the file. Check its current size
 * first; what shrank reads and writes EIO. (A shrink racing with the copy
 * itself is not covered.)
 */
static bool file_range_gone(const struct iomap_dev *dev, uint64_t addr, size_t len)
{
	struct stat st;

	if (fstat(dev->fd, &st) < 0)
		return true;
	if (!S_ISREG(st.st_mode))
		return false;
	return addr > (uint64_t)st.st_size || len > (uint64_t)st.st_size - addr;
}

static ssize_t dev_io(const struct iomap_dev *dev, bool write, char *buf, size_t len,
		      uint64_t addr)
{
	size_t done = 0;

	if (file_range_gone(dev, addr, len))
		return -EIO;
	if (dev->map) {
		if (dev->size && (addr > dev->size || len > dev->size - addr))
			return -EIO;
		if (write && dev->map_ro)
			return -EROFS;	/* the server's fd is read-only */
		if (write)
			memcpy((char *)dev->map + addr, buf, len);
		else
			memcpy(buf, (char *)dev->map + addr, len);
		return len;
	}
	while (done < len) {
		ssize_t n = write ? pwrite(dev->fd, buf + done, len - done, addr + done)
				  : pread(dev->fd, buf + done, len - done, addr + done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return write ? -EIO : (ssize_t)done;
		done += n;
	}
	return done;
}

/*
 * Read up to @size bytes at @off of @ino into @buf. Returns bytes read (short
 * at end of file) or -errno. -ENOENT means "no layout: not ours".
 */
ssize_t iomap_classic_read(struct fuse_iomap *im, fuse_ino_t ino, char *buf,
			   size_t size, uint64_t off)
{
	size_t done = 0;
	uint64_t fsize = 0;

	while (done < size) {
		struct classic_seg seg;
		const struct iomap_dev *dev;
		size_t len;
		ssize_t n;
		int err;

		err = classic_resolve(im, ino, off + done, size - done, false, &seg, &fsize);
		if (err == -ENXIO)
			break;
		if (err)
			return done ? (ssize_t)done : err;
		if (off + done >= fsize)
			break;
		len = size - done;
		if (len > seg.run)
			len = seg.run;
		if (len > fsize - (off + done))
			len = fsize - (off + done);
		switch (seg.ext.type) {
		case FUSE_IOMAP_EXT_MAPPED:
			dev = classic_dev(im, seg.ext.dev);
			if (!dev)
				return done ? (ssize_t)done : -EIO;
			n = dev_io(dev, false, buf + done, len,
				   seg.ext.dev_offset + (off + done - seg.ext.offset));
			if (n < 0)
				return done ? (ssize_t)done : n;
			if ((size_t)n < len) {
				/* device shorter than the layout says */
				memset(buf + done + n, 0, len - n);
			}
			break;
		case FUSE_IOMAP_EXT_INLINE:
			/* inline data is the server's: the caller passes it to the server's read */
			return done ? (ssize_t)done : -EREMOTE;
		default:	/* hole, unwritten, delalloc */
			memset(buf + done, 0, len);
			break;
		}
		done += len;
	}
	return done;
}

/*
 * Write @size bytes at @off of @ino. Whole layouts never allocate: writing
 * a hole or past the layout fails with -ENOSPC, past the file size with
 * -EFBIG (famfs files have a fixed size). Lazy layouts ask the server to
 * allocate through map(FUSE_IOMAP_MAP_WRITE), and unwritten extents it hands
 * back are converted through ioend() once the data is on the device.
 */
ssize_t iomap_classic_write(struct fuse_iomap *im, fuse_ino_t ino, const char *buf,
			    size_t size, uint64_t off, uint64_t *newsize)
{
	size_t done = 0;
	uint64_t fsize = 0;
	bool lazy = false;
	struct iomap_layout *l;

	pthread_rwlock_rdlock(&im->layouts.lock);
	l = iomap_table_get(&im->layouts, ino);
	if (l) {
		lazy = l->kind == IOMAP_LAYOUT_LAZY;
		fsize = l->size;
	}
	pthread_rwlock_unlock(&im->layouts.lock);
	if (!l)
		return -ENOENT;
	if (!lazy && (off >= fsize || size > fsize - off)) {
		if (off >= fsize)
			return -EFBIG;
		size = fsize - off;	/* short write up to the fixed size */
	}

	while (done < size) {
		struct classic_seg seg;
		const struct iomap_dev *dev;
		uint64_t pos = off + done;
		size_t len = size - done;
		ssize_t n;
		int err;

		err = classic_resolve(im, ino, pos, len, true, &seg, &fsize);
		if (err)
			return done ? (ssize_t)done : err;
		if (len > seg.run)
			len = seg.run;
		if (seg.ext.type == FUSE_IOMAP_EXT_INLINE)
			return done ? (ssize_t)done : -EREMOTE;
		if (seg.ext.type != FUSE_IOMAP_EXT_MAPPED &&
		    seg.ext.type != FUSE_IOMAP_EXT_UNWRITTEN)
			return done ? (ssize_t)done : -ENOSPC;
		dev = classic_dev(im, seg.ext.dev);
		if (!dev)
			return done ? (ssize_t)done : -EIO;
		n = dev_io(dev, true, (char *)buf + done, len,
			   seg.ext.dev_offset + (pos - seg.ext.offset));
		if (n < 0)
			return done ? (ssize_t)done : n;
		if (lazy && im->ops.ioend &&
		    (seg.ext.type == FUSE_IOMAP_EXT_UNWRITTEN || pos + n > fsize)) {
			uint32_t fl = 0;
			uint64_t ns = fsize;

			if (seg.ext.type == FUSE_IOMAP_EXT_UNWRITTEN)
				fl |= FUSE_IOMAP_IOEND_F_UNWRITTEN;
			if (pos + n > fsize)
				fl |= FUSE_IOMAP_IOEND_F_APPEND;
			err = im->ops.ioend(im->userdata, ino, pos, n, fl, 0, &ns);
			if (err)
				return done ? (ssize_t)done : err;
			fsize = ns > fsize ? ns : fsize;
			fuse_iomap_set_size(im, ino, fsize);
		}
		done += n;
	}
	if (newsize)
		*newsize = fsize;
	return done;
}
