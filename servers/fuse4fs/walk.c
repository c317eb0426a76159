// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse4fs: walk an image with the server's lookup/readdir/read code.
 * Used by the fuzz target and by fuse4fs-walk (corrupt-image tests).
 */
#include "walk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct f4_walker {
	struct f4 *f4;
	struct f4_walk_stats *st;
	unsigned long budget;
	bool verbose;
	char *buf;
};

struct f4_walk_ent {
	char name[EXT2_NAME_LEN + 1];
	ext2_ino_t ino;
};

struct f4_walk_list {
	struct f4_walk_ent *e;
	size_t n, cap;
	unsigned long budget;
};

static int f4_walk_collect(void *priv, const char *name, int namelen,
			   ext2_ino_t ino, int ftype, off_t next_off)
{
	struct f4_walk_list *l = priv;
	struct f4_walk_ent *ne;

	if ((namelen == 1 && name[0] == '.') ||
	    (namelen == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	if (l->n >= l->budget)
		return 1;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		ne = realloc(l->e, l->cap * sizeof(*ne));
		if (!ne)
			return 1;
		l->e = ne;
	}
	memcpy(l->e[l->n].name, name, namelen);
	l->e[l->n].name[namelen] = 0;
	l->e[l->n].ino = ino;
	l->n++;
	return 0;
}

static int f4_walk_xattr_fn(char *name, char *value, size_t value_len,
			    void *data)
{
	unsigned long *n = data;

	(*n)++;
	return 0;
}

static void f4_walk_inode(struct f4_walker *w, ext2_ino_t ino, int depth);

static void f4_walk_dir(struct f4_walker *w, ext2_ino_t dir, int depth)
{
	struct f4_walk_list l = { .budget = w->budget };
	ext2_ino_t found;
	size_t i;
	int ret;

	w->st->dirs++;
	if (depth > 64)
		return;
	ret = f4_dir_read(w->f4, dir, 0, f4_walk_collect, &l);
	if (ret) {
		w->st->errors++;
		if (w->verbose)
			fprintf(stderr, "walk: readdir %u: %s\n", dir, strerror(ret));
	}
	for (i = 0; i < l.n && w->budget; i++) {
		w->budget--;
		ret = f4_dir_lookup(w->f4, dir, l.e[i].name,
				    (int)strlen(l.e[i].name), &found);
		if (ret || found != l.e[i].ino) {
			w->st->errors++;
			if (w->verbose)
				fprintf(stderr, "walk: lookup %u/%s: %s\n", dir,
					l.e[i].name, ret ? strerror(ret) :
					"inode mismatch");
			continue;
		}
		f4_walk_inode(w, found, depth + 1);
	}
	free(l.e);
}

static void f4_walk_inode(struct f4_walker *w, ext2_ino_t ino, int depth)
{
	struct ext2_inode_large in;
	struct ext2_xattr_handle *h;
	uint64_t size, off;
	off_t pos;
	ssize_t got;
	int ret;

	if (ino < EXT2_FIRST_INODE(w->f4->fs->super) && ino != EXT2_ROOT_INO) {
		w->st->errors++;
		return;
	}
	ret = f4_read_inode(w->f4, ino, &in);
	if (ret) {
		w->st->errors++;
		return;
	}
	if (!ext2fs_xattrs_open(w->f4->fs, ino, &h)) {
		if (!ext2fs_xattrs_read(h))
			ext2fs_xattrs_iterate(h, f4_walk_xattr_fn, &w->st->xattrs);
		else
			w->st->errors++;
		ext2fs_xattrs_close(&h);
	}
	if (LINUX_S_ISDIR(in.i_mode)) {
		if (ino != EXT2_ROOT_INO || depth == 0)
			f4_walk_dir(w, ino, depth);
		return;
	}
	if (LINUX_S_ISLNK(in.i_mode)) {
		w->st->symlinks++;
		size = EXT2_I_SIZE(&in);
		if (size >= w->f4->blocksize)
			w->st->errors++;
		else if (!ext2fs_is_fast_symlink((struct ext2_inode *)&in) &&
			 !(in.i_flags & EXT4_INLINE_DATA_FL) &&
			 f4_data_read(w->f4, ino, w->buf, size, 0) < 0)
			w->st->errors++;
		return;
	}
	if (!LINUX_S_ISREG(in.i_mode)) {
		w->st->others++;
		return;
	}
	w->st->files++;
	size = EXT2_I_SIZE(&in);
	for (off = 0; off < size && off < (4U << 20); off += 1U << 20) {
		got = f4_data_read(w->f4, ino, w->buf, 1U << 20, (off_t)off);
		if (got < 0) {
			w->st->errors++;
			return;
		}
		w->st->bytes += (unsigned long)got;
	}
	if (size && f4_seek_data(w->f4, ino, 0, SEEK_DATA, &pos) == EIO)
		w->st->errors++;
}

int f4_walk_image(const char *image, bool rw, unsigned long max_entries,
		  struct f4_walk_stats *st, bool verbose)
{
	struct f4_walker w = { .st = st, .budget = max_entries,
			       .verbose = verbose };
	struct f4 *f4;
	int ret;

	memset(st, 0, sizeof(*st));
	f4 = calloc(1, sizeof(*f4));
	w.buf = malloc(1U << 20);
	if (!f4 || !w.buf) {
		free(f4);
		free(w.buf);
		return -ENOMEM;
	}
	f4->devfd = -1;
	f4->o.device = (char *)image;
	f4->o.ro = !rw;
	f4->o.errors = F4_ERRORS_CONTINUE;
	pthread_rwlock_init(&f4->lock, NULL);
	pthread_mutex_init(&f4->map_lock, NULL);
	pthread_mutex_init(&f4->node_lock, NULL);
	ret = f4_fs_open(f4);
	if (ret) {
		free(f4);
		free(w.buf);
		return ret;
	}
	w.f4 = f4;
	f4_walk_inode(&w, EXT2_ROOT_INO, 0);
	st->errors += f4->fs_errors ? 0 : 0;
	f4_fs_close(f4);
	free(w.buf);
	free(f4);
	return 0;
}
