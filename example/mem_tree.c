// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mem_tree: the node and directory-entry store of memfs_ll.
 * See mem_tree.h.
 */
#include "mem_tree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MEM_BUCKETS 65536	/* power of two */

static size_t mem_hash_id(uint64_t id)
{
	return (id * 0x9e3779b97f4a7c15ULL) >> 48 & (MEM_BUCKETS - 1);
}

static size_t mem_hash_name(uint64_t dir, const char *name)
{
	uint64_t h = 1469598103934665603ULL ^ dir;	/* FNV-1a */

	while (*name) {
		h ^= (unsigned char)*name++;
		h *= 1099511628211ULL;
	}
	return (h ^ h >> 32) & (MEM_BUCKETS - 1);
}

static void mem_now(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}

struct mem_node *mem_node_new(struct mem_tree *t, mode_t mode, uid_t uid,
			      gid_t gid)
{
	struct mem_node *n = calloc(1, sizeof(*n));
	size_t b;

	if (!n)
		return NULL;
	n->id = t->next_id++;
	n->mode = mode;
	n->uid = uid;
	n->gid = gid;
	n->next_cookie = 3;	/* 1 and 2 are "." and ".." */
	mem_now(&n->atime);
	n->mtime = n->atime;
	n->ctime = n->atime;
	b = mem_hash_id(n->id);
	n->id_next = t->ids[b];
	t->ids[b] = n;
	t->nodes++;
	return n;
}

int mem_tree_init(struct mem_tree *t, uid_t uid, gid_t gid)
{
	memset(t, 0, sizeof(*t));
	t->ids = calloc(MEM_BUCKETS, sizeof(*t->ids));
	t->names = calloc(MEM_BUCKETS, sizeof(*t->names));
	if (!t->ids || !t->names) {
		free(t->ids);
		free(t->names);
		return ENOMEM;
	}
	t->next_id = 1;		/* FUSE_ROOT_ID */
	t->root = mem_node_new(t, S_IFDIR | 0755, uid, gid);
	if (!t->root) {
		free(t->ids);
		free(t->names);
		return ENOMEM;
	}
	t->root->nlink = 2;
	t->root->parent = t->root->id;
	return 0;
}

struct mem_node *mem_node_find(struct mem_tree *t, uint64_t id)
{
	struct mem_node *n;

	for (n = t->ids[mem_hash_id(id)]; n; n = n->id_next)
		if (n->id == id)
			return n;
	return NULL;
}

void mem_node_stat(const struct mem_node *n, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = n->id;
	st->st_mode = n->mode;
	st->st_nlink = n->nlink;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_size = n->size;
	st->st_blksize = 4096;
	st->st_blocks = (n->cap + 511) / 512;
	st->st_atim = n->atime;
	st->st_mtim = n->mtime;
	st->st_ctim = n->ctime;
}

static void mem_node_free(struct mem_tree *t, struct mem_node *n)
{
	struct mem_node **pp;

	for (pp = &t->ids[mem_hash_id(n->id)]; *pp; pp = &(*pp)->id_next) {
		if (*pp == n) {
			*pp = n->id_next;
			break;
		}
	}
	if (S_ISREG(n->mode))
		t->bytes -= n->cap;
	t->nodes--;
	free(n->data);
	free(n);
}

void mem_node_maybe_free(struct mem_tree *t, struct mem_node *n)
{
	if (n != t->root && !n->nlink && !n->nlookup && !n->opened)
		mem_node_free(t, n);
}

static int mem_node_reserve(struct mem_tree *t, struct mem_node *n,
			    size_t need, uint64_t max_bytes)
{
	size_t cap = n->cap ? n->cap : 4096;
	char *p;

	if (need <= n->cap)
		return 0;
	while (cap < need)
		cap = cap < (1u << 20) ? cap * 2 : cap + (1u << 20);
	if (t->bytes - n->cap + cap > max_bytes)
		return ENOSPC;
	p = realloc(n->data, cap);
	if (!p)
		return ENOMEM;
	memset(p + n->cap, 0, cap - n->cap);
	t->bytes += cap - n->cap;
	n->data = p;
	n->cap = cap;
	return 0;
}

int mem_node_resize(struct mem_tree *t, struct mem_node *n, off_t size,
		    uint64_t max_bytes)
{
	int err;

	if ((uint64_t)size > max_bytes)
		return EFBIG;
	if (size > n->size) {
		err = mem_node_reserve(t, n, size, max_bytes);
		if (err)
			return err;
	} else if (n->data) {
		/* Keep the tail zeroed so later growth reads zeros. */
		memset(n->data + size, 0, n->size - size);
	}
	n->size = size;
	mem_now(&n->mtime);
	n->ctime = n->mtime;
	return 0;
}

int mem_node_write(struct mem_tree *t, struct mem_node *n, const char *buf,
		   size_t size, off_t off, uint64_t max_bytes)
{
	uint64_t end;
	int err;

	if (off < 0 || (uint64_t)off > max_bytes ||
	    size > max_bytes - (uint64_t)off)
		return EFBIG;
	end = (uint64_t)off + size;
	err = mem_node_reserve(t, n, end, max_bytes);
	if (err)
		return err;
	memcpy(n->data + off, buf, size);
	if ((off_t)end > n->size)
		n->size = end;
	mem_now(&n->mtime);
	n->ctime = n->mtime;
	return 0;
}

static struct mem_dirent **mem_dirent_slot(struct mem_tree *t,
					   struct mem_node *d,
					   const char *name)
{
	struct mem_dirent **pp = &t->names[mem_hash_name(d->id, name)];

	for (; *pp; pp = &(*pp)->hash_next)
		if ((*pp)->dir == d && !strcmp((*pp)->name, name))
			break;
	return pp;
}

struct mem_node *mem_dir_find(struct mem_tree *t, struct mem_node *d,
			      const char *name)
{
	struct mem_dirent *e = *mem_dirent_slot(t, d, name);

	return e ? e->node : NULL;
}

int mem_dir_link(struct mem_tree *t, struct mem_node *d, const char *name,
		 struct mem_node *n)
{
	struct mem_dirent **slot = mem_dirent_slot(t, d, name);
	struct mem_dirent *e;

	if (*slot)
		return EEXIST;
	e = calloc(1, sizeof(*e));
	if (!e)
		return ENOMEM;
	e->name = strdup(name);
	if (!e->name) {
		free(e);
		return ENOMEM;
	}
	e->dir = d;
	e->node = n;
	e->cookie = d->next_cookie++;
	*slot = e;
	e->prev = d->tail;
	if (d->tail)
		d->tail->next = e;
	else
		d->head = e;
	d->tail = e;
	d->nentries++;
	if (S_ISDIR(n->mode)) {
		if (!n->nlink)
			n->nlink = 2;	/* new directory: itself and "." */
		n->parent = d->id;
		d->nlink++;
	} else {
		n->nlink++;
	}
	mem_now(&d->mtime);
	d->ctime = d->mtime;
	n->ctime = d->mtime;
	return 0;
}

struct mem_node *mem_dir_unlink(struct mem_tree *t, struct mem_node *d,
				const char *name)
{
	struct mem_dirent **slot = mem_dirent_slot(t, d, name);
	struct mem_dirent *e = *slot;
	struct mem_node *n;

	if (!e)
		return NULL;
	n = e->node;
	*slot = e->hash_next;
	if (e->prev)
		e->prev->next = e->next;
	else
		d->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		d->tail = e->prev;
	d->nentries--;
	if (S_ISDIR(n->mode)) {
		n->nlink = 0;
		d->nlink--;
	} else {
		n->nlink--;
	}
	mem_now(&d->mtime);
	d->ctime = d->mtime;
	n->ctime = d->mtime;
	free(e->name);
	free(e);
	return n;
}

struct mem_dirent *mem_dir_after(struct mem_node *d, uint64_t cookie)
{
	struct mem_dirent *e;

	for (e = d->head; e; e = e->next)
		if (e->cookie > cookie)
			return e;
	return NULL;
}

void mem_tree_fini(struct mem_tree *t)
{
	size_t i;

	for (i = 0; i < MEM_BUCKETS; i++) {
		struct mem_dirent *e, *next;
		struct mem_node *n, *nn;

		for (e = t->names[i]; e; e = next) {
			next = e->hash_next;
			free(e->name);
			free(e);
		}
		for (n = t->ids[i]; n; n = nn) {
			nn = n->id_next;
			free(n->data);
			free(n);
		}
	}
	free(t->ids);
	free(t->names);
	memset(t, 0, sizeof(*t));
}
