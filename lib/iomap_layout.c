/*
 * fuse_iomap layouts: validation of what a server hands over, the per-inode
 * table, and offset resolution.
 *
 * Everything a server passes in is checked before it is stored: a layout
 * the kernel would later refuse (misaligned, overlapping, pointing past a
 * device) is refused here, at the call, with a message that names the
 * extent and the rule.
 */
#include "iomap_i.h"
#include "fuse_log.h"
#include "bpf/bpf_runtime_i.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* A server's extents are stored as resolver records by plain copy. */
_Static_assert(sizeof(struct fuse_iomap_extent) == sizeof(struct fuse_res_ext),
	       "fuse_iomap_extent and fuse_res_ext must match");
_Static_assert(offsetof(struct fuse_iomap_extent, dev_offset) == offsetof(struct fuse_res_ext, addr) &&
	       offsetof(struct fuse_iomap_extent, dev) == offsetof(struct fuse_res_ext, dev) &&
	       offsetof(struct fuse_iomap_extent, type) == offsetof(struct fuse_res_ext, type) &&
	       offsetof(struct fuse_iomap_extent, flags) == offsetof(struct fuse_res_ext, flags),
	       "fuse_iomap_extent and fuse_res_ext must match");
_Static_assert((int)FUSE_IOMAP_EXT_HOLE == (int)FUSE_RES_TYPE_HOLE &&
	       (int)FUSE_IOMAP_EXT_DELALLOC == (int)FUSE_RES_TYPE_DELALLOC &&
	       (int)FUSE_IOMAP_EXT_MAPPED == (int)FUSE_RES_TYPE_MAPPED &&
	       (int)FUSE_IOMAP_EXT_UNWRITTEN == (int)FUSE_RES_TYPE_UNWRITTEN &&
	       (int)FUSE_IOMAP_EXT_INLINE == (int)FUSE_RES_TYPE_INLINE,
	       "API extent types are the resolver's");
_Static_assert(FUSE_IOMAP_MAX_STRIPS == FUSE_RES_STRIPS_MAX, "strip limits agree");

#define TOMBSTONE ((struct iomap_layout *)1)

static inline uint64_t hash_ino(uint64_t ino)
{
	/* splitmix64 finaliser: inode numbers are often dense */
	ino ^= ino >> 30;
	ino *= 0xbf58476d1ce4e5b9ULL;
	ino ^= ino >> 27;
	ino *= 0x94d049bb133111ebULL;
	ino ^= ino >> 31;
	return ino;
}

int iomap_table_init(struct iomap_table *t)
{
	memset(t, 0, sizeof(*t));
	t->cap = 64;
	t->slots = calloc(t->cap, sizeof(*t->slots));
	if (!t->slots)
		return -ENOMEM;
	return -pthread_rwlock_init(&t->lock, NULL);
}

/* Extent lists index at least this big get a bucket index. */
#define BIDX_MIN_EXTENTS	16
#define HUGE_ALIGN		(2u << 20)

/*
 * Large arrays are looked up at random offsets: back them with huge pages
 * (where THP allows) so a lookup costs cache misses, not TLB misses.
 */
static void *big_alloc(size_t bytes, size_t *got)
{
	void *p;

	if (bytes < HUGE_ALIGN) {
		*got = bytes;
		return malloc(bytes ? bytes : 1);
	}
	bytes = (bytes + HUGE_ALIGN - 1) / HUGE_ALIGN * HUGE_ALIGN;
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	madvise(p, bytes, MADV_HUGEPAGE);
	*got = bytes;
	return p;
}

static void big_free(void *p, size_t bytes)
{
	if (!p)
		return;
	if (bytes < HUGE_ALIGN)
		free(p);
	else
		munmap(p, bytes);
}

static void layout_free(struct iomap_layout *l)
{
	if (!l || l == TOMBSTONE)
		return;
	big_free(l->ext, l->ext_bytes);
	big_free(l->bidx, l->bidx_bytes);
	free(l->il);
	free(l);
}

/*
 * Build the bucket index of a validated, sorted extent list: about one
 * extent per bucket, so a lookup reads one index word and, usually, one
 * extent, instead of log2(count) scattered extents.
 */
static int build_bucket_index(struct iomap_layout *l)
{
	uint64_t nb = 1, end = l->ext[l->count - 1].offset + l->ext[l->count - 1].length;
	uint32_t shift = 0, i = 0;
	uint64_t b;

	while (nb < l->count && nb < (1u << 24))
		nb <<= 1;
	while (shift < 63 && (end - 1) >> shift >= nb)
		shift++;
	nb = ((end - 1) >> shift) + 1;
	l->bidx = big_alloc((nb + 1) * sizeof(*l->bidx), &l->bidx_bytes);
	if (!l->bidx)
		return -ENOMEM;
	for (b = 0; b < nb; b++) {
		uint64_t boundary = b << shift;

		while (i < l->count && l->ext[i].offset + l->ext[i].length <= boundary)
			i++;
		l->bidx[b] = i;
	}
	l->bidx[nb] = l->count;
	l->bshift = shift;
	l->nbuckets = nb;
	l->ext_end = end;
	return 0;
}

/*
 * Extent lookup through the bucket index: the shared resolver searches only
 * the few extents that can hold @off; holes at the edges of that window are
 * widened to the true neighbours.
 */
static int indexed_lookup(const struct iomap_layout *l, uint64_t off, struct fuse_res_out *r)
{
	uint64_t b, end;
	uint32_t lo, hi;
	int err;

	if (off >= l->size)
		return FUSE_RES_ERANGE;
	if (off >= l->ext_end) {
		r->offset = l->ext_end;
		r->length = l->size - l->ext_end;
		r->addr = FUSE_RES_NULL_ADDR;
		r->dev = FUSE_RES_DEV_NULL;
		r->type = FUSE_RES_TYPE_HOLE;
		r->flags = 0;
		r->index = FUSE_RES_NO_INDEX;
		r->ilist_index = 0;
		return 0;
	}
	b = off >> l->bshift;
	lo = l->bidx[b];
	hi = l->bidx[b + 1] < l->count ? l->bidx[b + 1] + 1 : l->count;
	err = fuse_res_extents_lookup(l->ext + lo, hi - lo, l->size, off, r);
	if (err)
		return err;
	if (r->index != FUSE_RES_NO_INDEX) {
		r->index += lo;
		return 0;
	}
	/* a hole: the window's edges are not the list's */
	end = r->offset + r->length;
	if (r->offset == 0 && lo > 0)
		r->offset = l->ext[lo - 1].offset + l->ext[lo - 1].length;
	if (hi < l->count && l->ext[hi].offset < end)
		end = l->ext[hi].offset;
	if (end > l->size)
		end = l->size;
	r->length = end - r->offset;
	return 0;
}

void iomap_table_destroy(struct iomap_table *t)
{
	size_t i;

	if (!t->slots)
		return;
	for (i = 0; i < t->cap; i++)
		layout_free(t->slots[i]);
	free(t->slots);
	t->slots = NULL;
	pthread_rwlock_destroy(&t->lock);
}

struct iomap_layout *iomap_table_get(struct iomap_table *t, uint64_t ino)
{
	size_t mask = t->cap - 1;
	size_t i = hash_ino(ino) & mask;
	size_t n;

	for (n = 0; n < t->cap; n++, i = (i + 1) & mask) {
		struct iomap_layout *l = t->slots[i];

		if (!l)
			return NULL;
		if (l != TOMBSTONE && l->ino == ino)
			return l;
	}
	return NULL;
}

static int table_grow(struct iomap_table *t)
{
	size_t ncap = t->cap * 2, i;
	struct iomap_layout **ns;

	/* Only rehash in place when tombstones, not live entries, filled it. */
	if (t->used * 4 < t->cap)
		ncap = t->cap;
	ns = calloc(ncap, sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	for (i = 0; i < t->cap; i++) {
		struct iomap_layout *l = t->slots[i];
		size_t j;

		if (!l || l == TOMBSTONE)
			continue;
		j = hash_ino(l->ino) & (ncap - 1);
		while (ns[j])
			j = (j + 1) & (ncap - 1);
		ns[j] = l;
	}
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
	t->tombs = 0;
	return 0;
}

/*
 * Caller holds the write lock. Takes ownership of @l; replaces an old
 * layout. Returns 0 (new), 1 (replaced an old one) or -errno.
 */
int iomap_table_put(struct iomap_table *t, struct iomap_layout *l)
{
	size_t mask, i, n;
	struct iomap_layout **tomb = NULL;
	int err;

	if ((t->used + t->tombs + 1) * 4 > t->cap * 3) {
		err = table_grow(t);
		if (err)
			return err;
	}
	mask = t->cap - 1;
	i = hash_ino(l->ino) & mask;
	for (n = 0; n < t->cap; n++, i = (i + 1) & mask) {
		struct iomap_layout *old = t->slots[i];

		if (old == TOMBSTONE) {
			if (!tomb)
				tomb = &t->slots[i];
			continue;
		}
		if (!old)
			break;
		if (old->ino == l->ino) {
			l->slot = old->slot;
			t->slots[i] = l;
			layout_free(old);
			return 1;	/* replaced */
		}
	}
	l->slot = t->next_slot++;
	if (tomb) {
		*tomb = l;
		t->tombs--;
	} else {
		t->slots[i] = l;
	}
	t->used++;
	return 0;
}

/* Caller holds the write lock. */
int iomap_table_remove(struct iomap_table *t, uint64_t ino)
{
	size_t mask = t->cap - 1;
	size_t i = hash_ino(ino) & mask;
	size_t n;

	for (n = 0; n < t->cap; n++, i = (i + 1) & mask) {
		struct iomap_layout *l = t->slots[i];

		if (!l)
			return -ENOENT;
		if (l != TOMBSTONE && l->ino == ino) {
			layout_free(l);
			t->slots[i] = TOMBSTONE;
			t->used--;
			t->tombs++;
			return 0;
		}
	}
	return -ENOENT;
}

uint32_t iomap_blocksize(const struct fuse_iomap *im)
{
	if (im->params.config.blocksize)
		return im->params.config.blocksize;
	return (im->params.serves & FUSE_IOMAP_SERVES_DAX) ? IOMAP_DAX_ALIGN : 4096;
}

static const struct iomap_dev *find_dev(const struct fuse_iomap *im, uint32_t id)
{
	/* Device ids are 1-based slots of im->devs; 0 is never a device. */
	if (id == 0 || id > im->ndevs || im->devs[id - 1].fd < 0)
		return NULL;
	return &im->devs[id - 1];
}

static bool add_overflows(uint64_t a, uint64_t b)
{
	return a + b < a;
}

/* The checks shared by extents and strips that land on a device. */
static int check_dev_range(const struct fuse_iomap *im, const char *what, size_t idx,
			   uint32_t devid, uint64_t dev_offset, uint64_t length)
{
	const struct iomap_dev *dev = find_dev(im, devid);
	uint64_t align;

	if (!dev) {
		fuse_log(FUSE_LOG_ERR, "fuse_iomap: %s %zu: unknown device id %u\n",
			 what, idx, devid);
		return -EINVAL;
	}
	align = dev->kind == FUSE_IOMAP_DEV_DAX ? IOMAP_DAX_ALIGN : iomap_blocksize(im);
	if (dev_offset % align) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse_iomap: %s %zu: device offset %llu not aligned to %llu\n",
			 what, idx, (unsigned long long)dev_offset,
			 (unsigned long long)align);
		return -EINVAL;
	}
	if (add_overflows(dev_offset, length) ||
	    (dev->size && dev_offset + length > dev->size)) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse_iomap: %s %zu: [%llu, +%llu) past the end of device %u (%llu bytes)\n",
			 what, idx, (unsigned long long)dev_offset,
			 (unsigned long long)length, devid,
			 (unsigned long long)dev->size);
		return -EINVAL;
	}
	return 0;
}

static bool dev_is_dax(const struct fuse_iomap *im, uint32_t devid)
{
	const struct iomap_dev *dev = find_dev(im, devid);

	return dev && dev->kind == FUSE_IOMAP_DEV_DAX;
}

int iomap_check_extents(struct fuse_iomap *im, uint64_t size,
			const struct fuse_iomap_extent *ext, size_t count)
{
	uint32_t bs = iomap_blocksize(im);
	uint32_t bad;
	size_t i;

	if (count > IOMAP_MAX_EXTENTS) {
		fuse_log(FUSE_LOG_ERR, "fuse_iomap: %zu extents, more than %u\n",
			 count, IOMAP_MAX_EXTENTS);
		return -E2BIG;
	}
	/* Structure (sorted, no overlap, no overflow, known type): the resolver's rules. */
	if (fuse_res_extents_check((const struct fuse_res_ext *)ext, count,
				   IOMAP_MAX_EXTENTS, size, &bad)) {
		if (bad >= count)
			fuse_log(FUSE_LOG_ERR, "fuse_iomap: bad file size %llu\n",
				 (unsigned long long)size);
		else
			fuse_log(FUSE_LOG_ERR,
				 "fuse_iomap: extent %u [%llu, +%llu) type %u: empty, unsorted, overlapping, overflowing or of unknown type\n",
				 bad, (unsigned long long)ext[bad].offset,
				 (unsigned long long)ext[bad].length, ext[bad].type);
		return -EINVAL;
	}
	for (i = 0; i < count; i++) {
		const struct fuse_iomap_extent *e = &ext[i];
		bool on_dev = e->type == FUSE_IOMAP_EXT_MAPPED ||
			      e->type == FUSE_IOMAP_EXT_UNWRITTEN;
		uint64_t align = bs;
		int err;

		if (e->flags & ~(FUSE_IOMAP_EXTF_NEW | FUSE_IOMAP_EXTF_SHARED)) {
			fuse_log(FUSE_LOG_ERR, "fuse_iomap: extent %zu: unknown flags 0x%x\n",
				 i, e->flags);
			return -EINVAL;
		}
		if (on_dev && dev_is_dax(im, e->dev))
			align = IOMAP_DAX_ALIGN;
		if (e->offset % align || e->length % align) {
			fuse_log(FUSE_LOG_ERR,
				 "fuse_iomap: extent %zu: [%llu, +%llu) not aligned to %llu\n",
				 i, (unsigned long long)e->offset,
				 (unsigned long long)e->length, (unsigned long long)align);
			return -EINVAL;
		}
		if (on_dev) {
			err = check_dev_range(im, "extent", i, e->dev, e->dev_offset, e->length);
			if (err)
				return err;
		} else if (e->dev != 0) {
			fuse_log(FUSE_LOG_ERR,
				 "fuse_iomap: extent %zu: a hole/inline/delalloc extent names device %u\n",
				 i, e->dev);
			return -EINVAL;
		}
	}
	return 0;
}

/* Strip length an interleave needs: the rows of chunks that land on a strip. */
static uint64_t interleave_strip_len(const struct fuse_iomap_interleave *il)
{
	uint64_t stripe_bytes = (uint64_t)il->chunk * il->nstrips;

	return (il->size / stripe_bytes + (il->size % stripe_bytes != 0)) * il->chunk;
}

int iomap_check_interleave(struct fuse_iomap *im, const struct fuse_iomap_interleave *il)
{
	uint64_t strip_len;
	uint32_t i;

	if (!il || !il->strips) {
		fuse_log(FUSE_LOG_ERR, "fuse_iomap: interleave without strips\n");
		return -EINVAL;
	}
	if (il->nstrips == 0 || il->nstrips > FUSE_IOMAP_MAX_STRIPS) {
		fuse_log(FUSE_LOG_ERR, "fuse_iomap: interleave: %u strips (1..%u allowed)\n",
			 il->nstrips, FUSE_IOMAP_MAX_STRIPS);
		return -EINVAL;
	}
	if (il->chunk == 0 || il->chunk % iomap_blocksize(im)) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse_iomap: interleave: chunk %u is not a multiple of the block size %u\n",
			 il->chunk, iomap_blocksize(im));
		return -EINVAL;
	}
	if (il->size == 0 || il->size > FUSE_RES_OFF_MAX) {
		fuse_log(FUSE_LOG_ERR, "fuse_iomap: interleave: bad size %llu\n",
			 (unsigned long long)il->size);
		return -EINVAL;
	}
	strip_len = interleave_strip_len(il);
	for (i = 0; i < il->nstrips; i++) {
		const struct fuse_iomap_strip *s = &il->strips[i];
		int err;

		if (s->reserved) {
			fuse_log(FUSE_LOG_ERR, "fuse_iomap: strip %u: reserved field set\n", i);
			return -EINVAL;
		}
		if (dev_is_dax(im, s->dev) && il->chunk % IOMAP_DAX_ALIGN) {
			fuse_log(FUSE_LOG_ERR,
				 "fuse_iomap: interleave: chunk %u on a DAX device must be a multiple of 2 MiB\n",
				 il->chunk);
			return -EINVAL;
		}
		err = check_dev_range(im, "strip", i, s->dev, s->base, strip_len);
		if (err)
			return err;
	}
	return 0;
}

/* Resolver errno values are Linux's; they pass through unchanged. */
static void res_to_extent(const struct fuse_res_out *r, struct fuse_iomap_extent *out)
{
	out->offset = r->offset;
	out->length = r->length;
	out->dev_offset = r->addr;
	out->dev = r->dev;
	out->type = r->type;
	out->flags = r->flags;
}

/*
 * Resolve @off in a stored (validated) layout with the shared resolver:
 * O(log n) for extents, O(1) for an interleave (one chunk). Offsets at or
 * past the file size give -ENXIO.
 */
int iomap_layout_resolve(const struct iomap_layout *l, uint64_t off,
			 struct fuse_iomap_extent *out)
{
	struct fuse_res_out r;
	int err;

	switch (l->kind) {
	case IOMAP_LAYOUT_EXTENTS:
		if (l->bidx)
			err = indexed_lookup(l, off, &r);
		else
			err = fuse_res_extents_lookup(l->ext, l->count, l->size, off, &r);
		break;
	case IOMAP_LAYOUT_INTERLEAVE:
		err = fuse_res_interleave_lookup(l->il, off, &r);
		break;
	default:
		return -EOPNOTSUPP;	/* lazy layouts are resolved by the server */
	}
	if (err == FUSE_RES_ERANGE)
		return -ENXIO;
	if (err)
		return err;
	res_to_extent(&r, out);
	return 0;
}

static struct iomap_layout *layout_alloc(uint64_t ino, uint32_t kind, uint64_t size)
{
	struct iomap_layout *l = calloc(1, sizeof(*l));

	if (l) {
		l->ino = ino;
		l->kind = kind;
		l->size = size;
	}
	return l;
}

static int store_layout(struct fuse_iomap *im, struct iomap_layout *l)
{
	int err;

	uint64_t ino = l->ino;

	pthread_rwlock_wrlock(&im->layouts.lock);
	err = iomap_table_put(&im->layouts, l);
	pthread_rwlock_unlock(&im->layouts.lock);
	if (err < 0) {
		layout_free(l);
		return err;
	}
	/* only a replaced layout can have mappings cached in the kernel */
	if (err == 1)
		iomap_layout_changed(im, ino, 0, UINT64_MAX);
	return 0;
}

int fuse_iomap_set_extents(struct fuse_iomap *im, fuse_ino_t ino, uint64_t size,
			   const struct fuse_iomap_extent *ext, size_t count)
{
	struct iomap_layout *l;
	int err;

	if (!im)
		return -EINVAL;
	err = iomap_check_extents(im, size, ext, count);
	if (err)
		return err;
	l = layout_alloc(ino, IOMAP_LAYOUT_EXTENTS, size);
	if (!l)
		return -ENOMEM;
	if (count) {
		l->ext = big_alloc(count * sizeof(*ext), &l->ext_bytes);
		if (!l->ext) {
			layout_free(l);
			return -ENOMEM;
		}
		memcpy(l->ext, ext, count * sizeof(*ext));
	}
	l->count = (uint32_t)count;
	if (count >= BIDX_MIN_EXTENTS && build_bucket_index(l)) {
		layout_free(l);
		return -ENOMEM;
	}
	return store_layout(im, l);
}

int fuse_iomap_set_interleave(struct fuse_iomap *im, fuse_ino_t ino,
			      const struct fuse_iomap_interleave *il)
{
	struct iomap_layout *l;
	uint32_t i;
	int err;

	if (!im)
		return -EINVAL;
	err = iomap_check_interleave(im, il);
	if (err)
		return err;
	l = layout_alloc(ino, IOMAP_LAYOUT_INTERLEAVE, il->size);
	if (!l)
		return -ENOMEM;
	l->il = calloc(1, sizeof(*l->il));
	if (!l->il) {
		layout_free(l);
		return -ENOMEM;
	}
	l->il->size = il->size;
	l->il->chunk = il->chunk;
	l->il->nstrips = il->nstrips;
	for (i = 0; i < il->nstrips; i++) {
		l->il->strip[i].base = il->strips[i].base;
		l->il->strip[i].length = interleave_strip_len(il);
		l->il->strip[i].dev = il->strips[i].dev;
	}
	return store_layout(im, l);
}

int fuse_iomap_set_lazy(struct fuse_iomap *im, fuse_ino_t ino, uint64_t size)
{
	struct iomap_layout *l;

	if (!im)
		return -EINVAL;
	if (!im->ops.map) {
		fuse_log(FUSE_LOG_ERR, "fuse_iomap: a lazy layout needs the map() callback\n");
		return -EINVAL;
	}
	if (size > (uint64_t)INT64_MAX)
		return -EFBIG;
	l = layout_alloc(ino, IOMAP_LAYOUT_LAZY, size);
	if (!l)
		return -ENOMEM;
	return store_layout(im, l);
}

int fuse_iomap_set_size(struct fuse_iomap *im, fuse_ino_t ino, uint64_t size)
{
	struct iomap_layout *l;
	int err = 0;

	if (!im)
		return -EINVAL;
	if (size > (uint64_t)INT64_MAX)
		return -EFBIG;
	pthread_rwlock_wrlock(&im->layouts.lock);
	l = iomap_table_get(&im->layouts, ino);
	if (!l)
		err = -ENOENT;
	else if (l->kind != IOMAP_LAYOUT_LAZY)
		err = -EINVAL;	/* whole layouts carry their size; set them again */
	else
		l->size = size;
	pthread_rwlock_unlock(&im->layouts.lock);
	return err;
}

int fuse_iomap_forget(struct fuse_iomap *im, fuse_ino_t ino)
{
	int err;

	if (!im)
		return -EINVAL;
	pthread_rwlock_wrlock(&im->layouts.lock);
	err = iomap_table_remove(&im->layouts, ino);
	pthread_rwlock_unlock(&im->layouts.lock);
	if (!err) {
		if (im->bpf)
			fuse_bpf_clear_file(im->bpf, ino);
		iomap_layout_changed(im, ino, 0, UINT64_MAX);
	}
	return err;
}

int fuse_iomap_invalidate(struct fuse_iomap *im, fuse_ino_t ino, uint64_t off,
			  uint64_t len)
{
	if (!im)
		return -EINVAL;
	iomap_layout_changed(im, ino, off, len);
	return 0;
}

int fuse_iomap_lookup(struct fuse_iomap *im, fuse_ino_t ino, uint64_t off,
		      struct fuse_iomap_extent *out)
{
	struct iomap_layout *l;
	int err;

	if (!im || !out)
		return -EINVAL;
	pthread_rwlock_rdlock(&im->layouts.lock);
	l = iomap_table_get(&im->layouts, ino);
	if (!l)
		err = -ENOENT;
	else
		err = iomap_layout_resolve(l, off, out);
	pthread_rwlock_unlock(&im->layouts.lock);
	return err;
}
