/*
 * fuse_iomap wire encoders: turn a layout into what a kernel dialect wants
 * to read (IOMAP_BEGIN records, IOMAP_CONFIG, famfs fmaps, daxdev replies).
 *
 * Every number comes from the dialect table (lib/dialect.c); the structure
 * layouts from include/fuse_kernel.h. The encoders are pure functions so
 * the unit tests can check them byte by byte.
 */
#include "iomap_wire_i.h"
#include "fuse_log.h"

#include <errno.h>
#include <string.h>

uint16_t iomap_wire_type(const struct fuse_dialect *d, uint16_t api_type)
{
	switch (api_type) {
	case FUSE_IOMAP_EXT_HOLE:
		return d->val.type_hole;
	case FUSE_IOMAP_EXT_DELALLOC:
		return d->val.type_delalloc;
	case FUSE_IOMAP_EXT_MAPPED:
		return d->val.type_mapped;
	case FUSE_IOMAP_EXT_UNWRITTEN:
		return d->val.type_unwritten;
	default:
		return d->val.type_inline;
	}
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	uint64_t r = v % a;

	if (!r)
		return v;
	return v > UINT64_MAX - (a - r) ? UINT64_MAX - (UINT64_MAX % a) : v + (a - r);
}

/*
 * One fuse_iomap_io from an API extent. Holes computed by the resolver end
 * at the file size, which need not be block aligned; the kernel wants
 * block-aligned records (spec 2.4 rule 3), so hole ends are rounded up.
 */
int iomap_wire_io(const struct fuse_dialect *d, const struct fuse_iomap_extent *e,
		  uint32_t kernel_dev, uint32_t blocksize, struct fuse_iomap_io *io)
{
	bool on_dev = e->type == FUSE_IOMAP_EXT_MAPPED ||
		      e->type == FUSE_IOMAP_EXT_UNWRITTEN;

	memset(io, 0, sizeof(*io));
	io->offset = e->offset - e->offset % blocksize;
	io->length = round_up(e->offset + e->length, blocksize) - io->offset;
	if (io->length == 0)
		return -EINVAL;
	io->type = iomap_wire_type(d, e->type);
	io->flags = 0;
	if (e->flags & FUSE_IOMAP_EXTF_NEW)
		io->flags |= FUSE_IOMAP_F_NEW & d->val.f_valid_from_server;
	if (e->flags & FUSE_IOMAP_EXTF_SHARED)
		io->flags |= FUSE_IOMAP_F_SHARED & d->val.f_valid_from_server;
	if (on_dev) {
		if (!kernel_dev)
			return -ENODEV;
		io->addr = e->dev_offset - (e->offset - io->offset);
		io->dev = kernel_dev;
	} else {
		io->addr = d->val.null_addr;
		io->dev = d->val.dev_null;
	}
	return 0;
}

void iomap_wire_pure_overwrite(const struct fuse_dialect *d,
			       const struct fuse_iomap_io *read,
			       struct fuse_iomap_io *write)
{
	*write = *read;
	write->type = d->val.type_pure_overwrite;
	write->flags = 0;
	write->dev = d->val.dev_null;
	write->addr = d->val.null_addr;
}

size_t iomap_wire_config(const struct fuse_dialect *d, const struct fuse_iomap_config *c,
			 uint32_t blocksize, uint64_t kernel_known,
			 struct fuse_iomap_config_out *out)
{
	uint64_t flags = 0;

	memset(out, 0, sizeof(*out));
	if (c->sid[0]) {
		flags |= FUSE_IOMAP_CONFIG_SID;
		memcpy(out->s_id, c->sid, sizeof(out->s_id));
		out->s_id[sizeof(out->s_id) - 1] = '\0';
	}
	if (c->uuid_len) {
		flags |= FUSE_IOMAP_CONFIG_UUID;
		out->s_uuid_len = c->uuid_len > sizeof(out->s_uuid) ?
				  sizeof(out->s_uuid) : c->uuid_len;
		memcpy(out->s_uuid, c->uuid, out->s_uuid_len);
	}
	flags |= FUSE_IOMAP_CONFIG_BLOCKSIZE;
	out->s_blocksize = blocksize;
	if (c->max_links) {
		flags |= FUSE_IOMAP_CONFIG_MAX_LINKS;
		out->s_max_links = c->max_links;
	}
	if (c->time_gran) {
		flags |= FUSE_IOMAP_CONFIG_TIME;
		out->s_time_gran = c->time_gran;
		out->s_time_min = c->time_min;
		out->s_time_max = c->time_max;
	}
	if (c->maxbytes) {
		flags |= FUSE_IOMAP_CONFIG_MAXBYTES;
		out->s_maxbytes = c->maxbytes;
	}
	if (c->cache_maxbytes) {
		flags |= FUSE_IOMAP_CONFIG_CACHE_MAXBYTES;
		out->cache_maxbytes = c->cache_maxbytes;
	}
	/* Never claim a field this kernel does not know (it would refuse the mount). */
	out->flags = flags & kernel_known & d->val.config_flags_known;
	return d->size.config_out_max;
}

void iomap_wire_daxdev(const char *path, uint32_t index, struct fuse_daxdev_out *out)
{
	memset(out, 0, sizeof(*out));
	out->index = (uint16_t)index;
	if (path) {
		strncpy(out->name, path, sizeof(out->name) - 1);
		out->name[sizeof(out->name) - 1] = '\0';
	}
}

/* --- famfs fmaps --- */

static int fmap_check_ext(const struct fuse_dialect *d, uint64_t off, uint64_t len,
			  uint32_t devindex, const char *what, size_t i)
{
	uint64_t a = d->lim.famfs_align;

	if (a && (off % a || len % a)) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse_iomap: fmap %s %zu: [%llu, +%llu) not aligned to %llu as the %s kernel requires\n",
			 what, i, (unsigned long long)off, (unsigned long long)len,
			 (unsigned long long)a, d->name);
		return -EINVAL;
	}
	if (devindex != 0 && !d->lim.famfs_multi_dev) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse_iomap: fmap %s %zu: daxdev %u, but the %s kernel accepts only daxdev 0\n",
			 what, i, devindex, d->name);
		return -EINVAL;
	}
	return 0;
}

static int fmap_room(struct iomap_fmap_buf *b, size_t need)
{
	if (need > b->cap - b->len)
		return -E2BIG;
	return 0;
}

static void fmap_put(struct iomap_fmap_buf *b, const void *p, size_t n)
{
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static int fmap_count_check(const struct fuse_dialect *d, uint64_t n)
{
	if (n == 0)
		return -EINVAL;
	if (d->lim.famfs_max_extents && n > d->lim.famfs_max_extents) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse_iomap: fmap needs %llu extents; the %s kernel accepts at most %u\n",
			 (unsigned long long)n, d->name, d->lim.famfs_max_extents);
		return -EFBIG;
	}
	return 0;
}

/* Simple fmap from an extent layout: extents must tile the file from 0. */
static int fmap_simple(const struct fuse_dialect *d, const struct iomap_fmap_src *src,
		       struct iomap_fmap_buf *b)
{
	uint64_t expect = 0, total = 0;
	size_t i;
	int err;

	err = fmap_count_check(d, src->count);
	if (err)
		return err;
	for (i = 0; i < src->count; i++) {
		const struct fuse_iomap_extent *e = &src->ext[i];
		struct fuse_famfs_simple_ext se = { 0 };

		if (e->type != FUSE_IOMAP_EXT_MAPPED || e->offset != expect) {
			fuse_log(FUSE_LOG_ERR,
				 "fuse_iomap: fmap: extent %zu is %s at %llu; a famfs fmap needs mapped extents that tile the file from 0\n",
				 i, e->type == FUSE_IOMAP_EXT_MAPPED ? "mapped" : "not mapped",
				 (unsigned long long)e->offset);
			return -EINVAL;
		}
		se.se_devindex = src->devindex[i];
		se.se_offset = e->dev_offset;
		se.se_len = e->length;
		err = fmap_check_ext(d, se.se_offset, se.se_len, se.se_devindex, "extent", i);
		if (err)
			return err;
		err = fmap_room(b, sizeof(se));
		if (err)
			return err;
		fmap_put(b, &se, sizeof(se));
		expect += e->length;
		total += e->length;
	}
	if (total < src->size) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse_iomap: fmap: extents cover %llu bytes of a %llu-byte file\n",
			 (unsigned long long)total, (unsigned long long)src->size);
		return -EINVAL;
	}
	return 0;
}

static bool chunk_ok(const struct fuse_dialect *d, uint64_t chunk)
{
	switch (d->lim.chunk_rule) {
	case FUSE_CHUNK_PMD_MULTIPLE:
		return chunk && d->lim.famfs_align && chunk % d->lim.famfs_align == 0;
	case FUSE_CHUNK_PAGE_OR_PMD:
		return chunk == d->lim.page_size || chunk == d->lim.famfs_align;
	default:
		return false;
	}
}

/* One interleaved extent with its strips. */
static int fmap_interleave(const struct fuse_dialect *d, const struct iomap_fmap_src *src,
			   struct iomap_fmap_buf *b)
{
	const struct fuse_iomap_interleave *il = src->il;
	struct fuse_famfs_iext ie = { 0 };
	uint64_t rows, strip_len;
	uint32_t i;
	int err;

	if (il->nstrips > d->lim.famfs_max_strips) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse_iomap: fmap: %u strips; the %s kernel accepts at most %u\n",
			 il->nstrips, d->name, d->lim.famfs_max_strips);
		return -EFBIG;
	}
	rows = il->size / ((uint64_t)il->chunk * il->nstrips) +
	       (il->size % ((uint64_t)il->chunk * il->nstrips) != 0);
	strip_len = rows * il->chunk;
	ie.ie_nstrips = il->nstrips;
	ie.ie_chunk_size = il->chunk;
	ie.ie_nbytes = il->size;
	err = fmap_room(b, sizeof(ie) + (size_t)il->nstrips * sizeof(struct fuse_famfs_simple_ext));
	if (err)
		return err;
	fmap_put(b, &ie, sizeof(ie));
	for (i = 0; i < il->nstrips; i++) {
		struct fuse_famfs_simple_ext se = { 0 };

		se.se_devindex = src->devindex[i];
		se.se_offset = il->strips[i].base;
		se.se_len = strip_len;
		err = fmap_check_ext(d, se.se_offset, se.se_len, se.se_devindex, "strip", i);
		if (err)
			return err;
		fmap_put(b, &se, sizeof(se));
	}
	return 0;
}

/* Interleave written as simple extents, one per chunk, for kernels without interleave. */
static int fmap_unroll(const struct fuse_dialect *d, const struct iomap_fmap_src *src,
		       struct iomap_fmap_buf *b)
{
	const struct fuse_iomap_interleave *il = src->il;
	uint64_t nchunks = il->size / il->chunk + (il->size % il->chunk != 0);
	uint64_t c;
	int err;

	err = fmap_count_check(d, nchunks);
	if (err)
		return err;
	for (c = 0; c < nchunks; c++) {
		struct fuse_famfs_simple_ext se = { 0 };
		uint32_t s = c % il->nstrips;

		se.se_devindex = src->devindex[s];
		se.se_offset = il->strips[s].base + (c / il->nstrips) * il->chunk;
		se.se_len = il->chunk;
		err = fmap_check_ext(d, se.se_offset, se.se_len, se.se_devindex, "chunk", c);
		if (err)
			return err;
		err = fmap_room(b, sizeof(se));
		if (err)
			return err;
		fmap_put(b, &se, sizeof(se));
	}
	return 0;
}

int iomap_wire_fmap(const struct fuse_dialect *d, const struct iomap_fmap_src *src,
		    struct iomap_fmap_buf *b)
{
	struct fuse_famfs_fmap_header h = { 0 };
	size_t hdr_at = b->len;
	int err;

	if (d->size.fmap_header != sizeof(h))
		return -EOPNOTSUPP;	/* not a famfs dialect */
	err = fmap_room(b, sizeof(h));
	if (err)
		return err;
	fmap_put(b, &h, sizeof(h));	/* filled in below */
	h.file_type = src->file_type;
	h.fmap_version = d->val.fmap_version;
	h.file_size = src->size;
	if (src->il && src->il->nstrips > 1 && d->lim.chunk_rule != FUSE_CHUNK_NONE) {
		if (!chunk_ok(d, src->il->chunk)) {
			fuse_log(FUSE_LOG_ERR,
				 "fuse_iomap: fmap: chunk %u is not allowed by the %s kernel\n",
				 src->il->chunk, d->name);
			return -EINVAL;
		}
		h.ext_type = d->val.ext_interleave;
		h.nextents = 1;
		err = fmap_interleave(d, src, b);
	} else if (src->il) {
		/* one strip, or a kernel without interleave: plain extents */
		h.ext_type = d->val.ext_simple;
		h.nextents = (uint32_t)(src->il->size / src->il->chunk +
					(src->il->size % src->il->chunk != 0));
		err = fmap_unroll(d, src, b);
	} else {
		h.ext_type = d->val.ext_simple;
		h.nextents = (uint32_t)src->count;
		err = fmap_simple(d, src, b);
	}
	if (err) {
		if (err == -E2BIG)
			fuse_log(FUSE_LOG_ERR,
				 "fuse_iomap: fmap does not fit in the %zu-byte buffer of the %s kernel\n",
				 b->cap, d->name);
		return err;
	}
	if (d->lim.fmap_buf_max && b->len - hdr_at > d->lim.fmap_buf_max)
		return -EFBIG;
	/* post-V10 kernels read the total size from reserved0 (fmap_size) */
	if (d->size.get_fmap_in)
		h.reserved0 = (uint32_t)(b->len - hdr_at);
	memcpy(b->data + hdr_at, &h, sizeof(h));
	return 0;
}
