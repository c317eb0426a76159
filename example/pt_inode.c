// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pt_inode: the inode table of passthrough_ll. See pt_inode.h.
 */
#include "pt_inode.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define PT_BUCKETS 16384	/* power of two; chains grow beyond it */
#define PT_ROOT_ID 1		/* FUSE_ROOT_ID */

static size_t pt_hash_id(uint64_t id)
{
	return (id * 0x9e3779b97f4a7c15ULL) >> 50 & (PT_BUCKETS - 1);
}

static size_t pt_hash_key(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev;

	return (h ^ h >> 29) & (PT_BUCKETS - 1);
}

int pt_table_init(struct pt_table *t, int root_fd)
{
	struct stat st;

	t->by_id = calloc(PT_BUCKETS, sizeof(*t->by_id));
	t->by_key = calloc(PT_BUCKETS, sizeof(*t->by_key));
	if (!t->by_id || !t->by_key) {
		free(t->by_id);
		free(t->by_key);
		return -1;
	}
	pthread_mutex_init(&t->lock, NULL);
	t->next_id = PT_ROOT_ID + 1;
	if (fstat(root_fd, &st) != 0)
		st.st_mode = S_IFDIR;
	t->root = (struct pt_inode) {
		.id = PT_ROOT_ID,
		.fd = root_fd,
		.dev = st.st_dev,
		.ino = st.st_ino,
		.mode = st.st_mode,
		.nlookup = 1,
		.hashed = 1,
	};
	/* The root is found by id only: a lookup of "." or ".." never
	 * reaches the server, and a bind-mounted source below itself would
	 * otherwise alias node 1. */
	t->by_id[pt_hash_id(PT_ROOT_ID)] = &t->root;
	return 0;
}

static void pt_unhash(struct pt_table *t, struct pt_inode *in)
{
	struct pt_inode **pp;

	for (pp = &t->by_id[pt_hash_id(in->id)]; *pp; pp = &(*pp)->id_next) {
		if (*pp == in) {
			*pp = in->id_next;
			break;
		}
	}
	for (pp = &t->by_key[pt_hash_key(in->dev, in->ino)]; *pp;
	     pp = &(*pp)->key_next) {
		if (*pp == in) {
			*pp = in->key_next;
			break;
		}
	}
	in->hashed = 0;
}

static void pt_free(struct pt_inode *in)
{
	close(in->fd);
	free(in);
}

void pt_table_clear(struct pt_table *t)
{
	size_t i;

	pthread_mutex_lock(&t->lock);
	for (i = 0; i < PT_BUCKETS; i++) {
		struct pt_inode *in = t->by_key[i], *next;

		for (; in; in = next) {
			next = in->key_next;
			pt_unhash(t, in);
			if (!in->refs)
				pt_free(in);
		}
	}
	pthread_mutex_unlock(&t->lock);
}

void pt_table_fini(struct pt_table *t)
{
	close(t->root.fd);
	free(t->by_id);
	free(t->by_key);
	pthread_mutex_destroy(&t->lock);
}

struct pt_inode *pt_inode_get(struct pt_table *t, uint64_t id)
{
	struct pt_inode *in;

	pthread_mutex_lock(&t->lock);
	for (in = t->by_id[pt_hash_id(id)]; in; in = in->id_next)
		if (in->id == id)
			break;
	if (in)
		in->refs++;
	pthread_mutex_unlock(&t->lock);
	return in;
}

void pt_inode_put(struct pt_table *t, struct pt_inode *in)
{
	int gone;

	pthread_mutex_lock(&t->lock);
	gone = --in->refs == 0 && !in->hashed && in != &t->root;
	pthread_mutex_unlock(&t->lock);
	if (gone)
		pt_free(in);
}

int pt_inode_lookup(struct pt_table *t, int fd, const struct stat *st,
		    struct pt_inode **out)
{
	size_t b = pt_hash_key(st->st_dev, st->st_ino);
	struct pt_inode *in;

	pthread_mutex_lock(&t->lock);
	for (in = t->by_key[b]; in; in = in->key_next)
		if (in->dev == st->st_dev && in->ino == st->st_ino)
			break;
	if (in) {
		in->nlookup++;
		pthread_mutex_unlock(&t->lock);
		close(fd);
		*out = in;
		return 0;
	}
	in = calloc(1, sizeof(*in));
	if (!in) {
		pthread_mutex_unlock(&t->lock);
		close(fd);
		return ENOMEM;
	}
	in->id = t->next_id++;
	in->fd = fd;
	in->dev = st->st_dev;
	in->ino = st->st_ino;
	in->mode = st->st_mode;
	in->nlookup = 1;
	in->hashed = 1;
	in->key_next = t->by_key[b];
	t->by_key[b] = in;
	b = pt_hash_id(in->id);
	in->id_next = t->by_id[b];
	t->by_id[b] = in;
	pthread_mutex_unlock(&t->lock);
	*out = in;
	return 0;
}

void pt_inode_forget(struct pt_table *t, uint64_t id, uint64_t nlookup)
{
	struct pt_inode *in;
	int gone = 0;

	if (id == PT_ROOT_ID)
		return;
	pthread_mutex_lock(&t->lock);
	for (in = t->by_id[pt_hash_id(id)]; in; in = in->id_next)
		if (in->id == id)
			break;
	if (in) {
		in->nlookup -= nlookup < in->nlookup ? nlookup : in->nlookup;
		if (!in->nlookup) {
			pt_unhash(t, in);
			gone = !in->refs;
		}
	}
	pthread_mutex_unlock(&t->lock);
	if (gone)
		pt_free(in);
}
