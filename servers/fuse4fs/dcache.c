// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse4fs: in-memory directory indexes.  For directories larger than one
 * block, the first lookup reads the directory once and builds a hash table
 * name -> (inode, logical block).  Later lookups, negative ones included,
 * cost no I/O, and unlink knows which block holds the entry.  Every change
 * fuse4fs makes to a directory updates the index (f4_dcache_add/del) or
 * drops it (f4_dcache_drop).  Bounded: at most F4_DC_MAX_DIRS indexes and
 * F4_DC_MAX_ENTS entries in total; the least recently used go first.
 * Callers hold the fs write lock, or the read lock plus map_lock.
 */
#include "dcache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define F4_DC_DIR_BUCKETS 1024
#define F4_DC_MAX_DIRS 1024
#define F4_DC_MAX_ENTS (2U << 20)

struct f4_dent {
	struct f4_dent *next;
	ext2_ino_t ino;
	int64_t lblk;		/* -1: unknown */
	uint32_t hash;
	uint8_t len;
	char name[];
};

struct f4_dindex {
	ext2_ino_t dir;
	struct f4_dindex *hnext;
	struct f4_dindex *prev, *next;	/* LRU */
	uint32_t nbuckets;
	size_t n;
	int64_t hint;		/* last block an entry was added to */
	struct f4_dent **b;
};

struct f4_dcache {
	struct f4_dindex *hash[F4_DC_DIR_BUCKETS];
	struct f4_dindex *head, *tail;
	size_t ndirs, nents;
};

static uint32_t f4_dc_hash(const char *name, int len)
{
	uint32_t h = 2166136261U;
	int i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619U;
	return h;
}

static struct f4_dcache *f4_dc(struct f4 *f4)
{
	if (!f4->dcache)
		f4->dcache = calloc(1, sizeof(struct f4_dcache));
	return f4->dcache;
}

static void f4_dc_unlink_lru(struct f4_dcache *dc, struct f4_dindex *d)
{
	if (d->prev)
		d->prev->next = d->next;
	else
		dc->head = d->next;
	if (d->next)
		d->next->prev = d->prev;
	else
		dc->tail = d->prev;
	d->prev = d->next = NULL;
}

static void f4_dc_front(struct f4_dcache *dc, struct f4_dindex *d)
{
	d->next = dc->head;
	d->prev = NULL;
	if (dc->head)
		dc->head->prev = d;
	dc->head = d;
	if (!dc->tail)
		dc->tail = d;
}

static struct f4_dindex *f4_dc_find(struct f4_dcache *dc, ext2_ino_t dir)
{
	struct f4_dindex *d;

	for (d = dc->hash[dir % F4_DC_DIR_BUCKETS]; d; d = d->hnext)
		if (d->dir == dir)
			return d;
	return NULL;
}

static void f4_dc_free(struct f4_dcache *dc, struct f4_dindex *d)
{
	struct f4_dindex **pp = &dc->hash[d->dir % F4_DC_DIR_BUCKETS];
	struct f4_dent *e, *n;
	uint32_t i;

	while (*pp && *pp != d)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = d->hnext;
	f4_dc_unlink_lru(dc, d);
	for (i = 0; i < d->nbuckets; i++) {
		for (e = d->b[i]; e; e = n) {
			n = e->next;
			free(e);
		}
	}
	dc->nents -= d->n;
	dc->ndirs--;
	free(d->b);
	free(d);
}

void f4_dcache_drop(struct f4 *f4, ext2_ino_t dir)
{
	struct f4_dcache *dc = f4->dcache;
	struct f4_dindex *d;

	if (dc && (d = f4_dc_find(dc, dir)))
		f4_dc_free(dc, d);
}

void f4_dcache_destroy(struct f4 *f4)
{
	struct f4_dcache *dc = f4->dcache;

	if (!dc)
		return;
	while (dc->head)
		f4_dc_free(dc, dc->head);
	free(dc);
	f4->dcache = NULL;
}

static int f4_dc_grow(struct f4_dindex *d)
{
	uint32_t nb = d->nbuckets * 2, i;
	struct f4_dent **b, *e, *n;

	b = calloc(nb, sizeof(*b));
	if (!b)
		return ENOMEM;
	for (i = 0; i < d->nbuckets; i++) {
		for (e = d->b[i]; e; e = n) {
			n = e->next;
			e->next = b[e->hash & (nb - 1)];
			b[e->hash & (nb - 1)] = e;
		}
	}
	free(d->b);
	d->b = b;
	d->nbuckets = nb;
	return 0;
}

static int f4_dc_insert(struct f4_dcache *dc, struct f4_dindex *d,
			const char *name, int len, ext2_ino_t ino, int64_t lblk)
{
	struct f4_dent *e;

	if (dc->nents >= F4_DC_MAX_ENTS)
		return ENOSPC;
	if (d->n >= d->nbuckets * 2 && f4_dc_grow(d))
		return ENOMEM;
	e = malloc(sizeof(*e) + len);
	if (!e)
		return ENOMEM;
	e->ino = ino;
	e->lblk = lblk;
	e->len = (uint8_t)len;
	e->hash = f4_dc_hash(name, len);
	memcpy(e->name, name, len);
	e->next = d->b[e->hash & (d->nbuckets - 1)];
	d->b[e->hash & (d->nbuckets - 1)] = e;
	d->n++;
	dc->nents++;
	return 0;
}

static struct f4_dent **f4_dc_slot(struct f4_dindex *d, const char *name,
				   int len)
{
	uint32_t h = f4_dc_hash(name, len);
	struct f4_dent **pp = &d->b[h & (d->nbuckets - 1)];

	while (*pp && ((*pp)->hash != h || (*pp)->len != len ||
		       memcmp((*pp)->name, name, len)))
		pp = &(*pp)->next;
	return pp;
}

struct f4_dc_build {
	struct f4_dcache *dc;
	struct f4_dindex *d;
	int err;
};

static int f4_dc_build_fn(void *priv, const char *name, int namelen,
			  ext2_ino_t ino, int ftype, off_t next_off)
{
	struct f4_dc_build *b = priv;

	b->err = f4_dc_insert(b->dc, b->d, name, namelen, ino,
			      (int64_t)((next_off - 1) >> b->d->hint));
	return b->err ? 1 : 0;
}

int f4_dcache_lookup(struct f4 *f4, ext2_ino_t dir, const char *name, int len,
		     ext2_ino_t *ino, int64_t *lblk)
{
	struct f4_dcache *dc = f4->dcache;
	struct f4_dindex *d;
	struct f4_dent *e;

	if (!dc || !(d = f4_dc_find(dc, dir)))
		return -1;
	if (dc->head != d) {
		f4_dc_unlink_lru(dc, d);
		f4_dc_front(dc, d);
	}
	e = *f4_dc_slot(d, name, len);
	if (!e)
		return ENOENT;
	*ino = e->ino;
	if (lblk)
		*lblk = e->lblk;
	return 0;
}

int f4_dcache_build(struct f4 *f4, ext2_ino_t dir)
{
	struct f4_dcache *dc = f4_dc(f4);
	struct f4_dc_build b;
	struct f4_dindex *d;
	int ret;

	if (!dc)
		return ENOMEM;
	if (f4_dc_find(dc, dir))
		return 0;
	while (dc->ndirs >= F4_DC_MAX_DIRS && dc->tail)
		f4_dc_free(dc, dc->tail);
	d = calloc(1, sizeof(*d));
	if (!d)
		return ENOMEM;
	d->dir = dir;
	d->nbuckets = 64;
	d->b = calloc(d->nbuckets, sizeof(*d->b));
	if (!d->b) {
		free(d);
		return ENOMEM;
	}
	d->hnext = dc->hash[dir % F4_DC_DIR_BUCKETS];
	dc->hash[dir % F4_DC_DIR_BUCKETS] = d;
	f4_dc_front(dc, d);
	dc->ndirs++;
	/* hint holds the block shift while building */
	d->hint = f4->blockbits;
	b.dc = dc;
	b.d = d;
	b.err = 0;
	ret = f4_dir_read(f4, dir, 0, f4_dc_build_fn, &b);
	d->hint = -1;
	if (!ret)
		ret = b.err;
	if (ret) {
		f4_dc_free(dc, d);
		return ret;
	}
	return 0;
}

void f4_dcache_add(struct f4 *f4, ext2_ino_t dir, const char *name,
		   ext2_ino_t ino, int64_t lblk)
{
	struct f4_dcache *dc = f4->dcache;
	struct f4_dindex *d;
	int len = (int)strlen(name);

	if (!dc || !(d = f4_dc_find(dc, dir)))
		return;
	if (*f4_dc_slot(d, name, len) ||
	    f4_dc_insert(dc, d, name, len, ino, lblk)) {
		f4_dc_free(dc, d);	/* cannot keep it exact: drop it */
		return;
	}
	if (lblk >= 0)
		d->hint = lblk;
}

void f4_dcache_del(struct f4 *f4, ext2_ino_t dir, const char *name)
{
	struct f4_dcache *dc = f4->dcache;
	struct f4_dindex *d;
	struct f4_dent **pp, *e;

	if (!dc || !(d = f4_dc_find(dc, dir)))
		return;
	pp = f4_dc_slot(d, name, (int)strlen(name));
	e = *pp;
	if (!e) {
		f4_dc_free(dc, d);
		return;
	}
	*pp = e->next;
	free(e);
	d->n--;
	dc->nents--;
}

int64_t f4_dcache_hint(struct f4 *f4, ext2_ino_t dir)
{
	struct f4_dcache *dc = f4->dcache;
	struct f4_dindex *d;

	if (!dc || !(d = f4_dc_find(dc, dir)))
		return -1;
	return d->hint;
}
