// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse4fs: a write-through metadata block cache as a libext2fs I/O manager
 * wrapped around unix_io_manager.  libext2fs's own unix_io cache holds 8
 * blocks; directory scans in ext2fs_link/unlink and extent walks re-read
 * the same blocks for every operation, so this keeps recently used blocks
 * (LRU, bounded) in memory.
 *
 * Coherence: every write through the channel goes to the device first and
 * then updates the cache, so the device is always current.  File data that
 * fuse4fs writes with its own pwrite() must invalidate the cached copies
 * (f4_bcache_invalidate), because a freed metadata block may be reused as
 * data.  The caller serialises all channel calls (the fs locks).
 */
#include "bcache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BC_BUCKETS 16384

struct bc_ent {
	unsigned long long blk;
	struct bc_ent *hnext;
	struct bc_ent *prev, *next;	/* LRU, head = most recent */
	char data[];
};

struct bc_priv {
	io_channel inner;
	unsigned int bs;
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
	free(e);
	p->nents--;
}

static void bc_drop_all(struct bc_priv *p)
{
	while (p->head)
		bc_remove(p, p->head);
}

static void bc_put(struct bc_priv *p, unsigned long long blk, const void *data)
{
	struct bc_ent *e = bc_find(p, blk);

	if (e) {
		memcpy(e->data, data, p->bs);
		bc_lru_unlink(p, e);
		bc_lru_front(p, e);
		return;
	}
	if (!p->max_ents)
		return;
	if (p->nents >= p->max_ents && p->tail)
		bc_remove(p, p->tail);
	e = malloc(sizeof(*e) + p->bs);
	if (!e)
		return;
	e->blk = blk;
	memcpy(e->data, data, p->bs);
	e->hnext = p->hash[blk % BC_BUCKETS];
	p->hash[blk % BC_BUCKETS] = e;
	e->prev = e->next = NULL;
	bc_lru_front(p, e);
	p->nents++;
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

static errcode_t bc_read64(io_channel ch, unsigned long long blk, int count,
			   void *data)
{
	struct bc_priv *p = bc(ch);
	struct bc_ent *e;
	errcode_t err;
	int i;

	if (count <= 0 || (unsigned int)ch->block_size != p->bs)
		return io_channel_read_blk64(p->inner, blk, count, data);
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
	err = io_channel_read_blk64(p->inner, blk + i, count - i,
				    (char *)data + (size_t)i * p->bs);
	if (err)
		return err;
	/* only cache small reads: big ones are bulk scans */
	if (count - i <= 8)
		for (; i < count; i++)
			bc_put(p, blk + i, (char *)data + (size_t)i * p->bs);
	return 0;
}

static errcode_t bc_write64(io_channel ch, unsigned long long blk, int count,
			    const void *data)
{
	struct bc_priv *p = bc(ch);
	unsigned long long bytes;
	errcode_t err;
	int i;

	err = io_channel_write_blk64(p->inner, blk, count, data);
	if (count <= 0 || (unsigned int)ch->block_size != p->bs) {
		bytes = count < 0 ? (unsigned long long)-count :
			(unsigned long long)count * ch->block_size;
		bc_inval(p, blk * ch->block_size / p->bs,
			 (bytes + p->bs - 1) / p->bs + 1);
		return err;
	}
	if (err) {
		bc_inval(p, blk, (unsigned long long)count);
		return err;
	}
	for (i = 0; i < count; i++) {
		if (count > 8 && !bc_find(p, blk + i))
			continue;	/* bulk writes: update, do not fill */
		bc_put(p, blk + i, (const char *)data + (size_t)i * p->bs);
	}
	return 0;
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

	bc_inval(p, off / p->bs, (unsigned long long)count / p->bs + 2);
	if (!p->inner->manager->write_byte)
		return EXT2_ET_UNIMPLEMENTED;
	return p->inner->manager->write_byte(p->inner, off, count, data);
}

static errcode_t bc_set_blksize(io_channel ch, int bs)
{
	struct bc_priv *p = bc(ch);
	errcode_t err;

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
	return io_channel_flush(bc(ch)->inner);
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
	bc_drop_all(p);
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
