/*
 * File operations of the model: open/release and the choice of data path
 * per inode (iomap, fmap, classic), plus the fs-wide requests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "km_i.h"

int km_open(struct kmodel *km, struct km_inode *ino, bool write, uint64_t *fh)
{
	const struct fuse_dialect *d = km->d;
	struct fuse_open_in in;
	struct fuse_open_out *o;
	size_t len;
	void *p;
	int res;

	memset(&in, 0, sizeof(in));
	in.flags = write ? O_RDWR : O_RDONLY;
	res = km_call(km, FUSE_OPEN, ino->nodeid, &in, sizeof(in), NULL, 0, &p,
		      &len);
	if (res)
		return res;
	if (len != sizeof(*o)) {
		km_err(km, "OPEN reply of %zu bytes", len);
		return -EINVAL;
	}
	o = p;
	*fh = o->fh;
	ino->open_flags = o->open_flags;
	if (ino->iomap && (o->open_flags & (FOPEN_PASSTHROUGH | FOPEN_STREAM |
					    FOPEN_NONSEEKABLE))) {
		/* spec 8.1: refused on iomap inodes */
		km_err(km, "OPEN of an iomap inode with open_flags 0x%x",
		       o->open_flags);
		km_release(km, ino, *fh);
		return -EINVAL;
	}
	if (km->famfs && S_ISREG(ino->attr.mode) && !ino->fmap && !ino->bpf_meta) {
		if (!d->op.get_fmap) {
			/*
			 * Gregory's kernel sends no GET_FMAP: iomap_setup of the
			 * bound fuse_dax_fmap_ops runs at open (spec 7.2)
			 */
			res = km_bpf_fmap_setup(km, ino);
			if (res)
				km_release(km, ino, *fh);
			return res;
		}
		res = km_fmap_fetch(km, ino);
		if (res) {
			km_release(km, ino, *fh);
			return res;
		}
	}
	return 0;
}

void km_release(struct kmodel *km, struct km_inode *ino, uint64_t fh)
{
	struct fuse_release_in in;

	/* close(2): FLUSH first, unless refused once with ENOSYS or NOFLUSH */
	if (!km->no_flush && !(ino->open_flags & FOPEN_NOFLUSH)) {
		struct fuse_flush_in fl;
		int res;

		memset(&fl, 0, sizeof(fl));
		fl.fh = fh;
		res = km_call(km, FUSE_FLUSH, ino->nodeid, &fl, sizeof(fl), NULL,
			      0, NULL, NULL);
		if (res == -ENOSYS)
			km->no_flush = true;
	}

	memset(&in, 0, sizeof(in));
	in.fh = fh;
	in.flags = O_RDONLY;
	km_call(km, FUSE_RELEASE, ino->nodeid, &in, sizeof(in), NULL, 0, NULL,
		NULL);
}

static ssize_t classic_rw(struct kmodel *km, struct km_inode *ino, uint64_t fh,
			  uint64_t off, size_t len, void *buf, bool write)
{
	size_t done = 0;

	if (!write && !(ino->open_flags & FOPEN_DIRECT_IO)) {
		/* page-cache reads stop at i_size: no READ past EOF */
		if (off >= ino->attr.size)
			return 0;
		if (len > ino->attr.size - off)
			len = ino->attr.size - off;
	}
	while (done < len) {
		size_t n = len - done;
		size_t rlen;
		void *p;
		int res;

		/* reads come in readahead windows, writes in max_write pieces */
		if (n > (write ? km->max_write : km->readahead))
			n = write ? km->max_write : km->readahead;
		if (!write) {
			struct fuse_read_in in;

			memset(&in, 0, sizeof(in));
			in.fh = fh;
			in.offset = off + done;
			in.size = n;
			res = km_call(km, FUSE_READ, ino->nodeid, &in, sizeof(in),
				      NULL, 0, &p, &rlen);
			if (res)
				return done ? (ssize_t)done : res;
			if (rlen > n)
				return -EIO;
			memcpy((char *)buf + done, p, rlen);
			done += rlen;
			if (rlen < n)
				break;	/* EOF */
		} else {
			struct fuse_write_in in;
			struct fuse_write_out *wo;

			memset(&in, 0, sizeof(in));
			in.fh = fh;
			in.offset = off + done;
			in.size = n;
			res = km_call(km, FUSE_WRITE, ino->nodeid, &in, sizeof(in),
				      (const char *)buf + done, n, &p, &rlen);
			if (res)
				return done ? (ssize_t)done : res;
			if (rlen != sizeof(*wo))
				return -EINVAL;
			wo = p;
			if (wo->size > n)
				return -EIO;
			done += wo->size;
			if (off + done > ino->attr.size)
				ino->attr.size = off + done;
			if (wo->size < n)
				break;
		}
	}
	return done;
}

static ssize_t file_rw(struct kmodel *km, struct km_inode *ino, uint64_t fh,
		       uint64_t off, size_t len, void *buf, bool write)
{
	if (ino->iomap)
		return write ? km_iomap_write(km, ino, off, len, buf, false)
			     : km_iomap_read(km, ino, off, len, buf);
	if (ino->fmap)
		return km_fmap_rw(km, ino, off, len, buf, write);
	if (ino->bpf_meta)
		return km_bpf_fmap_rw(km, ino, off, len, buf, write);
	return classic_rw(km, ino, fh, off, len, buf, write);
}

static int open_path(struct kmodel *km, const char *path, bool write,
		     struct km_inode **ino, uint64_t *fh)
{
	int res = km_resolve(km, path, ino);

	if (res)
		return res;
	if (S_ISDIR((*ino)->attr.mode))
		return -EISDIR;
	if (!S_ISREG((*ino)->attr.mode))
		return -EINVAL;
	return km_open(km, *ino, write, fh);
}

struct kmodel_file {
	struct kmodel *km;
	struct km_inode *ino;
	uint64_t fh;
	bool write;
};

struct kmodel_file *kmodel_open(struct kmodel *km, const char *path,
				bool write, int *err)
{
	struct kmodel_file *f = calloc(1, sizeof(*f));
	int res;

	if (!f) {
		if (err)
			*err = -ENOMEM;
		return NULL;
	}
	res = open_path(km, path, write, &f->ino, &f->fh);
	if (res) {
		free(f);
		if (err)
			*err = res;
		return NULL;
	}
	f->km = km;
	f->write = write;
	return f;
}

ssize_t kmodel_pread(struct kmodel_file *f, uint64_t off, size_t len,
		     void *buf)
{
	return file_rw(f->km, f->ino, f->fh, off, len, buf, false);
}

ssize_t kmodel_pwrite(struct kmodel_file *f, uint64_t off, size_t len,
		      const void *buf)
{
	if (!f->write)
		return -EBADF;
	return file_rw(f->km, f->ino, f->fh, off, len, (void *)buf, true);
}

int kmodel_close(struct kmodel_file *f)
{
	if (!f)
		return 0;
	km_release(f->km, f->ino, f->fh);
	free(f);
	return 0;
}

ssize_t kmodel_read(struct kmodel *km, const char *path, uint64_t off,
		    size_t len, void *buf)
{
	struct km_inode *ino;
	uint64_t fh;
	ssize_t n;
	int res;

	res = open_path(km, path, false, &ino, &fh);
	if (res)
		return res;
	n = file_rw(km, ino, fh, off, len, buf, false);
	km_release(km, ino, fh);
	return n;
}

ssize_t kmodel_read_node(struct kmodel *km, uint64_t nodeid, uint64_t off,
			 size_t len, void *buf)
{
	struct km_inode *ino = km_inode_get(km, nodeid);
	uint64_t fh;
	ssize_t n;
	int res;

	if (!ino || !ino->nlookup)
		return -ESTALE;		/* the kernel only knows looked-up nodes */
	if (!S_ISREG(ino->attr.mode))
		return S_ISDIR(ino->attr.mode) ? -EISDIR : -EINVAL;
	res = km_open(km, ino, false, &fh);
	if (res)
		return res;
	n = file_rw(km, ino, fh, off, len, buf, false);
	km_release(km, ino, fh);
	return n;
}

ssize_t kmodel_write(struct kmodel *km, const char *path, uint64_t off,
		     size_t len, const void *buf)
{
	struct km_inode *ino;
	uint64_t fh;
	ssize_t n;
	int res;

	res = open_path(km, path, true, &ino, &fh);
	if (res)
		return res;
	n = file_rw(km, ino, fh, off, len, (void *)buf, true);
	km_release(km, ino, fh);
	return n;
}

ssize_t kmodel_write_direct(struct kmodel *km, const char *path, uint64_t off,
			    size_t len, const void *buf)
{
	struct km_inode *ino;
	uint64_t fh;
	ssize_t n;
	int res;

	res = open_path(km, path, true, &ino, &fh);
	if (res)
		return res;
	if (ino->iomap)
		n = km_iomap_write(km, ino, off, len, buf, true);
	else
		n = file_rw(km, ino, fh, off, len, (void *)buf, true);
	km_release(km, ino, fh);
	return n;
}

int kmodel_sha256(struct kmodel *km, const char *path, uint8_t digest[32])
{
	struct kmodel_sha256_ctx c;
	struct km_inode *ino;
	size_t chunk = 1 << 20;
	uint64_t off = 0, fh;
	char *buf;
	int res;

	res = open_path(km, path, false, &ino, &fh);
	if (res)
		return res;
	buf = malloc(chunk);
	if (!buf) {
		km_release(km, ino, fh);
		return -ENOMEM;
	}
	kmodel_sha256_init(&c);
	for (;;) {
		ssize_t n = file_rw(km, ino, fh, off, chunk, buf, false);

		if (n < 0) {
			res = (int)n;
			break;
		}
		if (n == 0)
			break;
		kmodel_sha256_update(&c, buf, n);
		off += n;
	}
	free(buf);
	km_release(km, ino, fh);
	if (!res)
		kmodel_sha256_final(&c, digest);
	return res;
}

int kmodel_fiemap(struct kmodel *km, const char *path,
		  int (*cb)(void *ctx, uint64_t off, uint64_t len,
			    uint16_t type, uint64_t addr, uint32_t dev),
		  void *ctx)
{
	struct fuse_iomap_io m;
	struct km_inode *ino;
	uint64_t pos = 0;
	int res;

	res = km_resolve(km, path, &ino);
	if (res)
		return res;
	if (!ino->iomap)
		return -EOPNOTSUPP;	/* classic FIEMAP is FUSE_IOCTL: not modelled */
	while (pos < ino->attr.size) {
		res = km_iomap_report(km, ino, pos, &m);
		if (res)
			return res;
		res = cb(ctx, pos, m.offset + m.length - pos, m.type,
			 m.addr == FUSE_IOMAP_NULL_ADDR ? m.addr :
			 m.addr + (pos - m.offset), m.dev);
		if (res)
			return res;
		pos = m.offset + m.length;
	}
	return 0;
}

int64_t kmodel_seek(struct kmodel *km, const char *path, uint64_t off,
		    int whence)
{
	const struct fuse_dialect *d = km->d;
	struct km_inode *ino;
	int res;

	if (whence != SEEK_DATA && whence != SEEK_HOLE)
		return -EINVAL;
	res = km_resolve(km, path, &ino);
	if (res)
		return res;
	if (off >= ino->attr.size)
		return -ENXIO;
	if (ino->iomap) {
		uint64_t pos = off;

		while (pos < ino->attr.size) {
			struct fuse_iomap_io m;
			bool hole;

			res = km_iomap_report(km, ino, pos, &m);
			if (res)
				return res;
			/* spec 8.4: HOLE and UNWRITTEN are holes */
			hole = m.type == d->val.type_hole ||
			       m.type == d->val.type_unwritten;
			if (hole == (whence == SEEK_HOLE))
				return pos;
			pos = m.offset + m.length;
		}
		return whence == SEEK_HOLE ? (int64_t)ino->attr.size : -ENXIO;
	} else {
		struct fuse_lseek_in in;
		struct fuse_lseek_out *o;
		uint64_t fh;
		size_t len;
		void *p;

		res = km_open(km, ino, false, &fh);
		if (res)
			return res;
		memset(&in, 0, sizeof(in));
		in.fh = fh;
		in.offset = off;
		in.whence = whence;
		res = km_call(km, FUSE_LSEEK, ino->nodeid, &in, sizeof(in), NULL,
			      0, &p, &len);
		if (!res && len != sizeof(*o))
			res = -EINVAL;
		km_release(km, ino, fh);
		if (res)
			return res;
		o = p;
		return (int64_t)o->offset;
	}
}

int kmodel_syncfs(struct kmodel *km)
{
	struct fuse_syncfs_in in;
	int res;

	if (!km->iomap)
		return 0;	/* fc->sync_fs is set by iomap connections only */
	memset(&in, 0, sizeof(in));
	res = km_call(km, km->d->op.syncfs, FUSE_ROOT_ID, &in, sizeof(in), NULL,
		      0, NULL, NULL);
	return res == -ENOSYS ? 0 : res;
}

int kmodel_freeze(struct kmodel *km)
{
	struct fuse_freezefs_in in;
	int res;

	if (!km->iomap)
		return 0;
	memset(&in, 0, sizeof(in));
	res = km_call(km, km->d->op.freeze_fs, FUSE_ROOT_ID, &in,
		      km->d->size.freezefs_in, NULL, 0, NULL, NULL);
	if (res == -ENOSYS)
		return -EOPNOTSUPP;	/* spec 2.7 */
	if (!res)
		km->frozen = true;
	return res;
}

int kmodel_unfreeze(struct kmodel *km)
{
	int res;

	if (!km->iomap)
		return 0;
	res = km_call(km, km->d->op.unfreeze_fs, FUSE_ROOT_ID, NULL, 0, NULL, 0,
		      NULL, NULL);
	km->frozen = false;
	return res == -ENOSYS ? 0 : res;
}

int kmodel_shutdown(struct kmodel *km)
{
	struct fuse_shutdownfs_in in;

	if (!km->iomap)
		return 0;
	memset(&in, 0, sizeof(in));
	/* the reply is ignored (spec 2.7) */
	km_call(km, km->d->op.shutdown_fs, FUSE_ROOT_ID, &in,
		km->d->size.shutdownfs_in, NULL, 0, NULL, NULL);
	return 0;
}
