/*
 * famfs as the modelled kernel does it: GET_FMAP at open (spec 6.2), the
 * fmap parser and its rules (spec 6.6), daxdev installation by GET_DAXDEV
 * (V10 pull) or the push ioctl (post-V10), and data I/O straight on the
 * DAX device fds (spec 6.4, 6.5).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "km_i.h"

void km_fmap_free(struct km_fmap *f)
{
	uint32_t i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++)
		free(f->e[i].strips);
	free(f->e);
	free(f);
}

/* Checks every simple extent and every strip gets (spec 6.6). */
static bool ext_ok(struct kmodel *km, const struct fuse_famfs_simple_ext *se)
{
	const struct fuse_dialect *d = km->d;
	bool ok = true;

	if (se->se_devindex != 0 && !d->lim.famfs_multi_dev) {
		km_err(km, "fmap: dev_index %u (only 0 is accepted)",
		       se->se_devindex);
		ok = false;
	}
	if (se->se_devindex >= 64 || se->se_devindex >= d->lim.daxdev_slots) {
		km_err(km, "fmap: dev_index %u out of range", se->se_devindex);
		ok = false;
	}
	if (se->se_offset % d->lim.famfs_align || se->se_len % d->lim.famfs_align) {
		km_err(km, "fmap: extent %llu+%llu not %llu-aligned",
		       (unsigned long long)se->se_offset,
		       (unsigned long long)se->se_len,
		       (unsigned long long)d->lim.famfs_align);
		ok = false;
	}
	if (d->checks & FUSE_DCHK_FMAP_OVERFLOW) {
		uint64_t e;

		if (__builtin_add_overflow(se->se_offset, se->se_len, &e)) {
			km_err(km, "fmap: extent range overflows");
			ok = false;
		}
	}
	return ok;
}

static bool add_total(struct kmodel *km, uint64_t *total, uint64_t v)
{
	if (__builtin_add_overflow(*total, v, total)) {
		if (km->d->checks & FUSE_DCHK_FMAP_OVERFLOW)
			return false;
		*total = UINT64_MAX;
	}
	return true;
}

static bool chunk_ok(const struct fuse_dialect *d, uint32_t chunk)
{
	switch (d->lim.chunk_rule) {
	case FUSE_CHUNK_PMD_MULTIPLE:
		return chunk && chunk % d->lim.famfs_align == 0;
	case FUSE_CHUNK_PAGE_OR_PMD:
		return chunk == d->lim.page_size || chunk == d->lim.famfs_align;
	case FUSE_CHUNK_NONE:
		break;
	}
	return false;
}

int km_fmap_parse(struct kmodel *km, const void *buf, size_t len,
		  struct km_fmap **out)
{
	const struct fuse_dialect *d = km->d;
	const char *b = buf;
	struct fuse_famfs_fmap_header h;
	struct km_fmap *f;
	uint64_t total = 0, nbytes_total = 0;
	size_t pos;
	bool ok = true;
	uint32_t i, s;

	if (len < d->size.fmap_header) {
		km_err(km, "fmap: %zu bytes, header needs %u", len,
		       d->size.fmap_header);
		return -EINVAL;
	}
	memcpy(&h, b, sizeof(h));
	if (h.nextents < 1 ||
	    (d->lim.famfs_max_extents && h.nextents > d->lim.famfs_max_extents)) {
		km_err(km, "fmap: nextents %u", h.nextents);
		return -ERANGE;
	}
	if (h.ext_type != d->val.ext_simple && h.ext_type != d->val.ext_interleave) {
		km_err(km, "fmap: unknown ext_type %u", h.ext_type);
		return -EINVAL;
	}
	if (h.ext_type == d->val.ext_interleave &&
	    d->lim.chunk_rule == FUSE_CHUNK_NONE) {
		km_err(km, "fmap: interleave not accepted by this kernel");
		return -EINVAL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->e = calloc(h.nextents, sizeof(*f->e));
	if (!f->e) {
		free(f);
		return -ENOMEM;
	}
	f->file_type = h.file_type;
	f->file_size = h.file_size;
	pos = d->size.fmap_header;
	for (i = 0; i < h.nextents; i++) {
		struct km_fmap_ext *e = &f->e[i];
		struct fuse_famfs_simple_ext se;

		if (h.ext_type == d->val.ext_simple) {
			if (len - pos < d->size.fmap_simple_ext) {
				km_err(km, "fmap: extent %u past the reply", i);
				goto einval;
			}
			memcpy(&se, b + pos, sizeof(se));
			pos += d->size.fmap_simple_ext;
			e->nstrips = 1;
			e->strips = calloc(1, sizeof(*e->strips));
			if (!e->strips)
				goto enomem;
			e->strips[0].dev = se.se_devindex;
			e->strips[0].off = se.se_offset;
			e->strips[0].len = se.se_len;
			e->nbytes = se.se_len;
			ok &= ext_ok(km, &se);
			if (!add_total(km, &total, se.se_len))
				goto einval;
			if (se.se_devindex < 64)
				f->dev_bitmap |= 1ULL << se.se_devindex;
			f->n++;
			continue;
		} else {
			struct fuse_famfs_iext ie;
			uint64_t nchunks;

			if (len - pos < d->size.fmap_iext) {
				km_err(km, "fmap: iext %u past the reply", i);
				goto einval;
			}
			memcpy(&ie, b + pos, sizeof(ie));
			pos += d->size.fmap_iext;
			if (ie.ie_nstrips < 1 ||
			    ie.ie_nstrips > d->lim.famfs_max_strips) {
				km_err(km, "fmap: %u strips", ie.ie_nstrips);
				goto einval;
			}
			if (!chunk_ok(d, ie.ie_chunk_size)) {
				km_err(km, "fmap: chunk size %u", ie.ie_chunk_size);
				goto einval;
			}
			if (ie.ie_nbytes == 0 ||
			    ie.ie_nbytes > (uint64_t)d->lim.maxbytes) {
				km_err(km, "fmap: ie_nbytes %llu",
				       (unsigned long long)ie.ie_nbytes);
				goto einval;
			}
			if ((len - pos) / d->size.fmap_simple_ext < ie.ie_nstrips) {
				km_err(km, "fmap: strips of iext %u past the reply", i);
				goto einval;
			}
			e->interleave = true;
			e->chunk = ie.ie_chunk_size;
			e->nbytes = ie.ie_nbytes;
			e->nstrips = ie.ie_nstrips;
			e->strips = calloc(ie.ie_nstrips, sizeof(*e->strips));
			if (!e->strips)
				goto enomem;
			f->n++;
			nchunks = (ie.ie_nbytes + ie.ie_chunk_size - 1) /
				  ie.ie_chunk_size;
			if (!add_total(km, &nbytes_total, ie.ie_nbytes))
				goto einval;
			for (s = 0; s < ie.ie_nstrips; s++) {
				memcpy(&se, b + pos, sizeof(se));
				pos += d->size.fmap_simple_ext;
				e->strips[s].dev = se.se_devindex;
				e->strips[s].off = se.se_offset;
				e->strips[s].len = se.se_len;
				ok &= ext_ok(km, &se);
				if (!add_total(km, &total, se.se_len))
					goto einval;
				if (se.se_devindex < 64)
					f->dev_bitmap |= 1ULL << se.se_devindex;
				if (d->lim.chunk_rule == FUSE_CHUNK_PAGE_OR_PMD) {
					/* strip long enough for its highest chunk */
					uint64_t mine = (nchunks + ie.ie_nstrips - 1 - s) /
							ie.ie_nstrips;

					if (se.se_len / ie.ie_chunk_size < mine) {
						km_err(km, "fmap: strip %u too short", s);
						ok = false;
					}
				}
			}
		}
	}
	if (!ok)
		goto einval;
	if (total < h.file_size) {
		km_err(km, "fmap: extents cover %llu bytes, file_size %llu",
		       (unsigned long long)total,
		       (unsigned long long)h.file_size);
		goto einval;
	}
	if ((d->checks & FUSE_DCHK_FMAP_NBYTES) &&
	    h.ext_type == d->val.ext_interleave && nbytes_total < h.file_size) {
		km_err(km, "fmap: ie_nbytes sum %llu < file_size",
		       (unsigned long long)nbytes_total);
		goto einval;
	}
	*out = f;
	return 0;
enomem:
	km_fmap_free(f);
	return -ENOMEM;
einval:
	km_fmap_free(f);
	return -EINVAL;
}

int km_daxdev_install(struct kmodel *km, uint32_t index, const char *path,
		      int fd)
{
	struct km_daxdev *dx = &km->dax[index];
	struct stat st;
	off_t end;
	int own = -1;

	if (fd < 0) {
		own = open(path, O_RDWR | O_CLOEXEC);
		if (own < 0)
			return -errno;
		fd = own;
	}
	if (fstat(fd, &st) < 0 || (!S_ISCHR(st.st_mode) &&
	    !(km->o.allow_file_devices && S_ISREG(st.st_mode)))) {
		km_err(km, "daxdev %u is not a character device", index);
		if (own >= 0)
			close(own);
		return -EINVAL;
	}
	if (own < 0) {
		own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (own < 0)
			return -errno;
	}
	end = lseek(own, 0, SEEK_END);
	dx->fd = own;
	dx->size = end > 0 ? (uint64_t)end : UINT64_MAX;
	dx->valid = true;
	snprintf(dx->name, sizeof(dx->name), "%s", path ? path : "(pushed fd)");
	return 0;
}

/* V10: GET_DAXDEV for one missing index (spec 4.4). */
static int get_daxdev(struct kmodel *km, uint32_t index)
{
	const struct fuse_dialect *d = km->d;
	struct fuse_daxdev_out o;
	size_t len;
	void *p;
	int res;

	res = km_call(km, d->op.get_daxdev, index, NULL, 0, NULL, 0, &p, &len);
	if (res)
		return res;
	if (len != d->size.daxdev_out) {
		km_err(km, "GET_DAXDEV reply of %zu bytes, must be %u", len,
		       d->size.daxdev_out);
		return -EINVAL;
	}
	memcpy(&o, p, sizeof(o));
	if (o.index >= d->lim.daxdev_slots) {
		km_err(km, "GET_DAXDEV: index %u >= %u", o.index,
		       d->lim.daxdev_slots);
		return -EINVAL;
	}
	if (!memchr(o.name, '\0', sizeof(o.name)) || !o.name[0]) {
		km_err(km, "GET_DAXDEV: name not a NUL-terminated path");
		return -EINVAL;
	}
	if (km->dax[o.index].valid)
		return 0;
	return km_daxdev_install(km, o.index, o.name, -1);
}

int km_fmap_fetch(struct kmodel *km, struct km_inode *ino)
{
	const struct fuse_dialect *d = km->d;
	struct fuse_famfs_fmap_header h;
	struct fuse_getxattr_in gi;
	struct km_fmap *f = NULL;
	uint32_t bufsz = d->lim.fmap_first_buf;
	size_t len;
	void *p;
	int res, i;

	if (ino->fmap)
		return 0;
	for (i = 0; ; i++) {
		memset(&gi, 0, sizeof(gi));
		gi.size = bufsz;
		res = km_call(km, d->op.get_fmap, ino->nodeid, &gi,
			      d->size.get_fmap_in, NULL, 0, &p, &len);
		if (res)
			return res;
		if (len > bufsz) {
			km_err(km, "GET_FMAP reply of %zu bytes, buffer %u", len,
			       bufsz);
			return -EINVAL;
		}
		if (!d->size.get_fmap_in)
			break;			/* V10: one page, one try */
		if (len < d->size.fmap_header) {
			km_err(km, "GET_FMAP reply of %zu bytes", len);
			return -EIO;
		}
		memcpy(&h, p, sizeof(h));
		if (h.reserved0 > d->lim.fmap_buf_max) {
			km_err(km, "GET_FMAP: fmap_size %u > %u", h.reserved0,
			       d->lim.fmap_buf_max);
			return -EFBIG;
		}
		if (h.reserved0 <= bufsz)
			break;
		if (i > 0) {
			km_err(km, "GET_FMAP: fmap grew on the second request");
			return -EINVAL;
		}
		bufsz = h.reserved0;
	}
	res = km_fmap_parse(km, p, len, &f);
	if (res)
		return res;
	for (i = 0; i < 64; i++) {
		if (!(f->dev_bitmap & (1ULL << i)) || km->dax[i].valid)
			continue;
		if (d->daxdev == FUSE_DAXDEV_PULL) {
			res = get_daxdev(km, i);
			if (res) {
				km_fmap_free(f);
				return res;
			}
		} else {
			/* post-V10: the file is bad, its I/O gets -EIO */
			f->bad = true;
		}
	}
	ino->fmap = f;
	ino->attr.size = f->file_size;
	ino->bad = false;
	return 0;
}

/* Resolve @off to a device range (spec 6.4, 6.5). */
static int resolve(const struct km_fmap *f, uint64_t off, uint64_t *dev,
		   uint64_t *addr, uint64_t *maxlen)
{
	uint64_t local = off;
	uint32_t i;

	for (i = 0; i < f->n; i++) {
		const struct km_fmap_ext *e = &f->e[i];
		uint64_t ext_bytes = e->interleave ?
			(e->nbytes < f->file_size ? e->nbytes : f->file_size) :
			e->strips[0].len;

		if (local >= ext_bytes) {
			local -= ext_bytes;
			continue;
		}
		if (!e->interleave) {
			*dev = e->strips[0].dev;
			*addr = e->strips[0].off + local;
			*maxlen = e->strips[0].len - local;
		} else {
			uint64_t chunk_num = local / e->chunk;
			uint64_t chunk_off = local % e->chunk;
			uint64_t strip = chunk_num % e->nstrips;
			uint64_t stripe = chunk_num / e->nstrips;

			*dev = e->strips[strip].dev;
			*addr = e->strips[strip].off + stripe * e->chunk + chunk_off;
			*maxlen = e->chunk - chunk_off;
		}
		return 0;
	}
	return -EIO;	/* past the mapped range */
}

ssize_t km_fmap_rw(struct kmodel *km, struct km_inode *ino, uint64_t off,
		   size_t len, void *buf, bool write)
{
	const struct km_fmap *f = ino->fmap;
	size_t done = 0;

	if (!f)
		return -EIO;
	if (ino->bad || ino->attr.size != f->file_size)
		return -ENXIO;	/* i_size no longer matches the fmap */
	if (f->bad)
		return -EIO;
	if (off >= f->file_size)
		return 0;
	if (len > f->file_size - off)
		len = f->file_size - off;
	while (done < len) {
		uint64_t dev, addr, max, n;
		int res;

		res = resolve(f, off + done, &dev, &addr, &max);
		if (!res && (dev >= KM_MAX_DAXDEV || !km->dax[dev].valid))
			res = -EIO;
		if (res)
			return done ? (ssize_t)done : res;
		n = len - done < max ? len - done : max;
		res = km_pio(km->dax[dev].fd, (char *)buf + done, n, addr, write);
		if (res)
			return done ? (ssize_t)done : res;
		done += n;
	}
	return done;
}
