// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse4fs: a metadata block cache as a libext2fs I/O manager wrapped around
 * unix_io_manager.  libext2fs's own unix_io cache holds 8 blocks; directory
 * scans, extent walks and inode table updates hit the same blocks again and
 * again, so this keeps recently used blocks (LRU, bounded) in memory.
 *
 * Single-block and small writes are write-back: they dirty the cached copy
 * and reach the device at the next channel flush (f4_fs_sync: fsync, the
 * background flusher, unmount), on eviction, or before any other access to
 * the same bytes that does not go through the cache.
 *
 * Coherence with fuse4fs's own data I/O (pread/pwrite on its fd):
 * f4_bcache_writeback() writes dirty copies of a range before fuse4fs reads
 * or partially writes it, and f4_bcache_invalidate() drops the cached copies
 * after fuse4fs wrote the range.  The caller serialises all calls (fs locks).
 */
#include "bcache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BC_BUCKETS 16384

struct bc_ent {
	unsigned long long blk;
	int dirty;
	struct bc_ent *hnext;
	struct bc_ent *prev, *next;	/* LRU, head = most recent */
	char data[];
};

struct bc_priv {
	io_channel inner;
	unsigned int bs;
	size_t ndirty;
	errcode_t werr;		/* first failed write-back, reported at flush */
	size_t nents, max_ents;
	unsigned long long hits, misses;
	struct bc_ent *head, *tail;
	struct bc_ent *hash[BC_BUCKETS];
};

static size_t bc_default_bytes = 64U << 20;

void f4_bcache_set_size(size_t bytes)
{
	bc_default_bytes = bytes;
}

static struct bc_priv *bc(io_channel ch)
{
	return ch->private_data;
}

static void bc_lru_unlink(struct bc_priv *p, struct bc_ent *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		p->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		p->tail = e->prev;
	e->prev = e->next = NULL;
}

static void bc_lru_front(struct bc_priv *p, struct bc_ent *e)
{
	e->prev = NULL;
	e->next = p->head;
	if (p->head)
		p->head->prev = e;
	p->head = e;
	if (!p->tail)
		p->tail = e;
}

static struct bc_ent *bc_find(struct bc_priv *p, unsigned long long blk)
{
	struct bc_ent *e;

	for (e = p->hash[blk % BC_BUCKETS]; e; e = e->hnext)
		if (e->blk == blk)
			return e;
	return NULL;
}

static void bc_remove(struct bc_priv *p, struct bc_ent *e)
{
	struct bc_ent **pp = &p->hash[e->blk % BC_BUCKETS];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	bc_lru_unlink(p, e);
	if (e->dirty)
		p->ndirty--;
	free(e);
	p->nents--;
}

static errcode_t bc_clean(struct bc_priv *p, struct bc_ent *e)
{
	errcode_t err;

	if (!e->dirty)
		return 0;
	err = io_channel_write_blk64(p->inner, e->blk, 1, e->data);
	if (err) {
		if (!p->werr)
			p->werr = err;
		return err;
	}
	e->dirty = 0;
	p->ndirty--;
	return 0;
}

static void bc_drop_all(struct bc_priv *p)
{
	while (p->head)
		bc_remove(p, p->head);
}

/* Insert or update a cached copy; dirty=1 makes it write-back. */
static errcode_t bc_put(struct bc_priv *p, unsigned long long blk,
			const void *data, int dirty)
{
	struct bc_ent *e = bc_find(p, blk);
	errcode_t err;

	if (e) {
		memcpy(e->data, data, p->bs);
		if (dirty && !e->dirty)
			p->ndirty++;
		if (!dirty && e->dirty)
			p->ndirty--;
		e->dirty = dirty;
		bc_lru_unlink(p, e);
		bc_lru_front(p, e);
		return 0;
	}
	if (!p->max_ents)
		goto write_now;
	if (p->nents >= p->max_ents && p->tail) {
		err = bc_clean(p, p->tail);
		if (err)
			goto write_now;
		bc_remove(p, p->tail);
	}
	e = malloc(sizeof(*e) + p->bs);
	if (!e)
		goto write_now;
	e->blk = blk;
	e->dirty = dirty;
	if (dirty)
		p->ndirty++;
	memcpy(e->data, data, p->bs);
	e->hnext = p->hash[blk % BC_BUCKETS];
	p->hash[blk % BC_BUCKETS] = e;
	e->prev = e->next = NULL;
	bc_lru_front(p, e);
	p->nents++;
	return 0;
write_now:
	return dirty ? io_channel_write_blk64(p->inner, blk, 1, data) : 0;
}

/* Write dirty copies of [blk, blk + count) to the device. */
static errcode_t bc_writeback(struct bc_priv *p, unsigned long long blk,
			      unsigned long long count)
{
	struct bc_ent *e;
	unsigned long long i;
	errcode_t err, ret = 0;

	if (!p->ndirty)
		return 0;
	if (count > p->nents * 4) {
		for (e = p->head; e; e = e->next) {
			if (e->dirty && e->blk >= blk && e->blk - blk < count) {
				err = bc_clean(p, e);
				if (err && !ret)
					ret = err;
			}
		}
		return ret;
	}
	for (i = 0; i < count; i++) {
		e = bc_find(p, blk + i);
		if (e && e->dirty) {
			err = bc_clean(p, e);
			if (err && !ret)
				ret = err;
		}
	}
	return ret;
}

static errcode_t bc_writeback_all(struct bc_priv *p)
{
	struct bc_ent *e;
	errcode_t err, ret = 0;

	for (e = p->tail; e && p->ndirty; e = e->prev) {
		err = bc_clean(p, e);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

static void bc_inval(struct bc_priv *p, unsigned long long blk,
		     unsigned long long count)
{
	struct bc_ent *e;
	unsigned long long i;

	if (!p->nents)
		return;
	if (count > p->nents * 4) {
		/* big range: walk the cache instead of the range */
		struct bc_ent *n;

		for (e = p->head; e; e = n) {
			n = e->next;
			if (e->blk >= blk && e->blk - blk < count)
				bc_remove(p, e);
		}
		return;
	}
	for (i = 0; i < count; i++) {
		e = bc_find(p, blk + i);
		if (e)
			bc_remove(p, e);
	}
}

void f4_bcache_invalidate(io_channel ch, unsigned long long blk,
			  unsigned long long count)
{
	if (ch && ch->manager == f4_bcache_manager)
		bc_inval(bc(ch), blk, count);
}

errcode_t f4_bcache_writeback(io_channel ch, unsigned long long blk,
			      unsigned long long count)
{
	if (ch && ch->manager == f4_bcache_manager)
		return bc_writeback(bc(ch), blk, count);
	return 0;
}

static errcode_t bc_read64(io_channel ch, unsigned long long blk, int count,
			   void *data)
{
	struct bc_priv *p = bc(ch);
	struct bc_ent *e;
	errcode_t err;
	int i;

	if (count <= 0 || (unsigned int)ch->block_size != p->bs) {
		unsigned long long bytes = count < 0 ? (unsigned long long)-count :
			(unsigned long long)count * ch->block_size;

		err = bc_writeback(p, blk * ch->block_size / p->bs,
				   (bytes + p->bs - 1) / p->bs + 1);
		if (err)
			return err;
		return io_channel_read_blk64(p->inner, blk, count, data);
	}
	for (i = 0; i < count; i++) {
		e = bc_find(p, blk + i);
		if (!e)
			break;
		memcpy((char *)data + (size_t)i * p->bs, e->data, p->bs);
		bc_lru_unlink(p, e);
		bc_lru_front(p, e);
	}
	if (i == count) {
		p->hits++;
		return 0;
	}
	p->misses++;
	/* dirty copies in the rest of the range must reach the device first */
	err = bc_writeback(p, blk + i, (unsigned long long)(count - i));
	if (err)
		return err;
	err = io_channel_read_blk64(p->inner, blk + i, count - i,
				    (char *)data + (size_t)i * p->bs);
	if (err)
		return err;
	/* only cache small reads: big ones are bulk scans */
	if (count - i <= 8)
		for (; i < count; i++)
			bc_put(p, blk + i, (char *)data + (size_t)i * p->bs, 0);
	return 0;
}

static errcode_t bc_write64(io_channel ch, unsigned long long blk, int count,
			    const void *data)
{
	struct bc_priv *p = bc(ch);
	unsigned long long bytes, first, nblk;
	errcode_t err;
	int i;

	if (count > 0 && count <= 8 && (unsigned int)ch->block_size == p->bs) {
		/* small metadata write: write-back */
		for (i = 0; i < count; i++) {
			err = bc_put(p, blk + i,
				     (const char *)data + (size_t)i * p->bs, 1);
			if (err)
				return err;
		}
		return 0;
	}
	bytes = count < 0 ? (unsigned long long)-count :
		(unsigned long long)count * ch->block_size;
	first = blk * ch->block_size / p->bs;
	nblk = (bytes + p->bs - 1) / p->bs + 1;
	/* partial blocks: their dirty copies must be on the device first */
	err = bc_writeback(p, first, nblk);
	if (err)
		return err;
	err = io_channel_write_blk64(p->inner, blk, count, data);
	bc_inval(p, first, nblk);
	return err;
}

static errcode_t bc_read(io_channel ch, unsigned long blk, int count, void *d)
{
	return bc_read64(ch, blk, count, d);
}

static errcode_t bc_write(io_channel ch, unsigned long blk, int count,
			  const void *d)
{
	return bc_write64(ch, blk, count, d);
}

static errcode_t bc_write_byte(io_channel ch, unsigned long off, int count,
			       const void *data)
{
	struct bc_priv *p = bc(ch);

	errcode_t err;

	err = bc_writeback(p, off / p->bs, (unsigned long long)count / p->bs + 2);
	if (err)
		return err;
	bc_inval(p, off / p->bs, (unsigned long long)count / p->bs + 2);
	if (!p->inner->manager->write_byte)
		return EXT2_ET_UNIMPLEMENTED;
	return p->inner->manager->write_byte(p->inner, off, count, data);
}

static errcode_t bc_set_blksize(io_channel ch, int bs)
{
	struct bc_priv *p = bc(ch);
	errcode_t err;

	err = bc_writeback_all(p);
	if (err)
		return err;
	bc_drop_all(p);
	err = io_channel_set_blksize(p->inner, bs);
	if (err)
		return err;
	ch->block_size = bs;
	p->bs = (unsigned int)bs;
	p->max_ents = bc_default_bytes / p->bs;
	return 0;
}

static errcode_t bc_flush(io_channel ch)
{
	struct bc_priv *p = bc(ch);
	errcode_t err, werr;

	err = bc_writeback_all(p);
	werr = p->werr;
	p->werr = 0;
	if (!err)
		err = werr;
	if (err)
		return err;
	return io_channel_flush(p->inner);
}

static errcode_t bc_set_option(io_channel ch, const char *opt, const char *arg)
{
	struct bc_priv *p = bc(ch);

	if (!p->inner->manager->set_option)
		return EXT2_ET_INVALID_ARGUMENT;
	return p->inner->manager->set_option(p->inner, opt, arg);
}

static errcode_t bc_get_stats(io_channel ch, io_stats *st)
{
	struct bc_priv *p = bc(ch);

	if (!p->inner->manager->get_stats)
		return EXT2_ET_UNIMPLEMENTED;
	return p->inner->manager->get_stats(p->inner, st);
}

static errcode_t bc_discard(io_channel ch, unsigned long long blk,
			    unsigned long long count)
{
	struct bc_priv *p = bc(ch);

	bc_inval(p, blk, count);
	return io_channel_discard(p->inner, blk, count);
}

static errcode_t bc_zeroout(io_channel ch, unsigned long long blk,
			    unsigned long long count)
{
	struct bc_priv *p = bc(ch);

	bc_inval(p, blk, count);
	return io_channel_zeroout(p->inner, blk, count);
}

static errcode_t bc_readahead(io_channel ch, unsigned long long blk,
			      unsigned long long count)
{
	struct bc_priv *p = bc(ch);

	if (!p->inner->manager->cache_readahead)
		return EXT2_ET_OP_NOT_SUPPORTED;
	return p->inner->manager->cache_readahead(p->inner, blk, count);
}

static errcode_t bc_close(io_channel ch)
{
	struct bc_priv *p = bc(ch);
	errcode_t err;

	if (--ch->refcount > 0)
		return 0;
	err = bc_writeback_all(p);
	bc_drop_all(p);
	if (err)
		io_channel_close(p->inner);
	else
		err = io_channel_close(p->inner);
	free(ch->name);
	free(p);
	free(ch);
	return err;
}

static errcode_t bc_open(const char *name, int flags, io_channel *ret)
{
	struct bc_priv *p;
	io_channel ch;
	errcode_t err;

	p = calloc(1, sizeof(*p));
	ch = calloc(1, sizeof(*ch));
	if (!p || !ch) {
		free(p);
		free(ch);
		return EXT2_ET_NO_MEMORY;
	}
	err = unix_io_manager->open(name, flags, &p->inner);
	if (err) {
		free(p);
		free(ch);
		return err;
	}
	/* our cache replaces unix_io's small one */
	if (p->inner->manager->set_option)
		p->inner->manager->set_option(p->inner, "cache", "off");
	ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
	ch->manager = f4_bcache_manager;
	ch->name = strdup(name);
	ch->block_size = p->inner->block_size;
	ch->refcount = 1;
	ch->flags = p->inner->flags;
	ch->align = p->inner->align;
	ch->private_data = p;
	p->bs = (unsigned int)ch->block_size;
	p->max_ents = bc_default_bytes / p->bs;
	if (!ch->name) {
		io_channel_close(p->inner);
		free(p);
		free(ch);
		return EXT2_ET_NO_MEMORY;
	}
	*ret = ch;
	return 0;
}

static struct struct_io_manager bc_manager = {
	.magic = EXT2_ET_MAGIC_IO_MANAGER,
	.name = "fuse4fs block cache",
	.open = bc_open,
	.close = bc_close,
	.set_blksize = bc_set_blksize,
	.read_blk = bc_read,
	.write_blk = bc_write,
	.flush = bc_flush,
	.write_byte = bc_write_byte,
	.set_option = bc_set_option,
	.get_stats = bc_get_stats,
	.read_blk64 = bc_read64,
	.write_blk64 = bc_write64,
	.discard = bc_discard,
	.cache_readahead = bc_readahead,
	.zeroout = bc_zeroout,
};

io_manager f4_bcache_manager = &bc_manager;
