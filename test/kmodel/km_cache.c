/*
 * The model's per-inode mapping cache (spec 5.1): a read fork and an
 * optional write fork, each a sorted array of non-overlapping
 * fuse_iomap_io records, merged with neighbours when contiguous. The
 * kernel keeps B-trees; the observable behaviour (hits, misses, budget,
 * invalidation) is the same.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "km_i.h"

static int fork_reserve(struct km_fork *f, size_t more)
{
	struct fuse_iomap_io *v;
	size_t cap;

	if (f->n + more <= f->cap)
		return 0;
	cap = f->cap ? f->cap * 2 : 16;
	while (cap < f->n + more)
		cap *= 2;
	v = realloc(f->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	f->v = v;
	f->cap = cap;
	return 0;
}

static bool has_addr(const struct fuse_iomap_io *m)
{
	return m->addr != FUSE_IOMAP_NULL_ADDR;
}

/* Cut [off, off+len) out of @m; may leave a head, a tail, or both. */
void km_cache_remove(struct km_fork *f, uint64_t off, uint64_t len)
{
	uint64_t end = len > UINT64_MAX - off ? UINT64_MAX : off + len;
	size_t i = 0;

	while (i < f->n) {
		struct fuse_iomap_io *m = &f->v[i];
		uint64_t mend = m->offset + m->length;

		if (mend <= off || m->offset >= end) {
			i++;
			continue;
		}
		if (m->offset < off && mend > end) {
			/* split in two */
			struct fuse_iomap_io tail = *m;

			if (fork_reserve(f, 1)) {
				/* cannot split: drop the whole record */
				memmove(m, m + 1, (f->n - i - 1) * sizeof(*m));
				f->n--;
				continue;
			}
			m = &f->v[i];
			tail.offset = end;
			tail.length = mend - end;
			if (has_addr(&tail))
				tail.addr += end - m->offset;
			m->length = off - m->offset;
			memmove(&f->v[i + 2], &f->v[i + 1],
				(f->n - i - 1) * sizeof(*m));
			f->v[i + 1] = tail;
			f->n++;
			return;
		}
		if (m->offset < off) {
			m->length = off - m->offset;
			i++;
		} else if (mend > end) {
			if (has_addr(m))
				m->addr += end - m->offset;
			m->length = mend - end;
			m->offset = end;
			i++;
		} else {
			memmove(m, m + 1, (f->n - i - 1) * sizeof(*m));
			f->n--;
		}
	}
}

static bool mergeable(const struct fuse_iomap_io *a, const struct fuse_iomap_io *b)
{
	if (a->offset + a->length != b->offset || a->type != b->type ||
	    a->flags != b->flags || a->dev != b->dev)
		return false;
	if (!has_addr(a) || !has_addr(b))
		return !has_addr(a) && !has_addr(b);
	return a->addr + a->length == b->addr;
}

static int fork_insert(struct km_fork *f, const struct fuse_iomap_io *m)
{
	size_t i;

	km_cache_remove(f, m->offset, m->length);
	if (fork_reserve(f, 1))
		return -ENOMEM;
	for (i = 0; i < f->n && f->v[i].offset < m->offset; i++)
		;
	memmove(&f->v[i + 1], &f->v[i], (f->n - i) * sizeof(*m));
	f->v[i] = *m;
	f->n++;
	if (i + 1 < f->n && mergeable(&f->v[i], &f->v[i + 1])) {
		f->v[i].length += f->v[i + 1].length;
		memmove(&f->v[i + 1], &f->v[i + 2],
			(f->n - i - 2) * sizeof(*m));
		f->n--;
	}
	if (i > 0 && mergeable(&f->v[i - 1], &f->v[i])) {
		f->v[i - 1].length += f->v[i].length;
		memmove(&f->v[i], &f->v[i + 1], (f->n - i - 1) * sizeof(*m));
		f->n--;
	}
	return 0;
}

bool km_cache_lookup(const struct km_fork *f, uint64_t pos,
		     struct fuse_iomap_io *out)
{
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct fuse_iomap_io *m = &f->v[mid];

		if (pos < m->offset)
			hi = mid;
		else if (pos >= m->offset + m->length)
			lo = mid + 1;
		else {
			*out = *m;
			return true;
		}
	}
	return false;
}

size_t km_cache_bytes(const struct km_cache *c)
{
	if (!c)
		return 0;
	return (c->rd.n + c->wr.n) * sizeof(struct fuse_iomap_io);
}

void km_cache_free(struct km_cache *c)
{
	if (!c)
		return;
	free(c->rd.v);
	free(c->wr.v);
	free(c);
}

int km_cache_upsert(struct kmodel *km, struct km_inode *ino,
		    const struct fuse_iomap_io *rd, const struct fuse_iomap_io *wr)
{
	const struct fuse_dialect *d = km->d;
	int res = 0;

	if (!ino->cache) {
		ino->cache = calloc(1, sizeof(*ino->cache));
		if (!ino->cache)
			return -ENOMEM;
	}
	if (rd && rd->length && rd->type != d->val.type_nocache)
		res = fork_insert(&ino->cache->rd, rd);
	if (!res && wr && wr->length && wr->type != d->val.type_nocache) {
		if (wr->type != d->val.type_pure_overwrite)
			ino->cache->has_wr = true;
		/* without a write fork, pure overwrites are implied: dropped */
		if (ino->cache->has_wr)
			res = fork_insert(&ino->cache->wr, wr);
	}
	if (km_cache_bytes(ino->cache) > km->cache_maxbytes) {
		/* over budget: the whole tree is thrown away (spec 5.1) */
		km_cache_free(ino->cache);
		ino->cache = NULL;
	}
	return res;
}
