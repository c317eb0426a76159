// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse4fs: inode helpers (read/write, stat conversion, timestamps, owners),
 * the node table (lookup/open counts), allocation and freeing, orphans.
 *
 * The in-memory inode cache is libext2fs's write-through icache, enlarged
 * at mount (f4_fs_open); every inode write goes through it.
 */
#include "f4.h"
#include "dcache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/sysmacros.h>

#define F4_ISIZE(f4) ((int)sizeof(struct ext2_inode_large))

int f4_ino_valid(struct f4 *f4, fuse_ino_t n, ext2_ino_t *ino)
{
	ext2_ino_t i = f4_ino(n);

	if (n == 0 || n > f4->fs->super->s_inodes_count ||
	    (i < EXT2_FIRST_INODE(f4->fs->super) && i != EXT2_ROOT_INO))
		return ESTALE;
	*ino = i;
	return 0;
}

int f4_read_inode(struct f4 *f4, ext2_ino_t ino, struct ext2_inode_large *in)
{
	errcode_t err;

	memset(in, 0, sizeof(*in));
	err = ext2fs_read_inode_full(f4->fs, ino, (struct ext2_inode *)in,
				     F4_ISIZE(f4));
	if (err)
		return f4_err(f4, err, "read inode", ino);
	if (EXT2_INODE_SIZE(f4->fs->super) <= EXT2_GOOD_OLD_INODE_SIZE)
		in->i_extra_isize = 0;
	else if (in->i_extra_isize > EXT2_INODE_SIZE(f4->fs->super) -
		 EXT2_GOOD_OLD_INODE_SIZE)
		in->i_extra_isize = 0;
	return 0;
}

int f4_write_inode(struct f4 *f4, ext2_ino_t ino, struct ext2_inode_large *in)
{
	errcode_t err;

	f4->dirty = true;
	err = ext2fs_write_inode_full(f4->fs, ino, (struct ext2_inode *)in,
				      F4_ISIZE(f4));
	if (err)
		return f4_err(f4, err, "write inode", ino);
	return 0;
}

uid_t f4_uid(const struct ext2_inode_large *in)
{
	return in->i_uid | ((uid_t)in->osd2.linux2.l_i_uid_high << 16);
}

gid_t f4_gid(const struct ext2_inode_large *in)
{
	return in->i_gid | ((gid_t)in->osd2.linux2.l_i_gid_high << 16);
}

void f4_set_uid(struct ext2_inode_large *in, uid_t uid)
{
	in->i_uid = uid & 0xffff;
	in->osd2.linux2.l_i_uid_high = (uid >> 16) & 0xffff;
}

void f4_set_gid(struct ext2_inode_large *in, gid_t gid)
{
	in->i_gid = gid & 0xffff;
	in->osd2.linux2.l_i_gid_high = (gid >> 16) & 0xffff;
}

/* Does the inode have room for the given extra field? */
#define F4_HAS_EXTRA(in, field) \
	((in)->i_extra_isize >= offsetof(struct ext2_inode_large, field) - \
	 EXT2_GOOD_OLD_INODE_SIZE + sizeof((in)->field))

static __u32 f4_encode_extra(const struct timespec *ts)
{
	__u32 epoch = (__u32)(((int64_t)ts->tv_sec - (int32_t)ts->tv_sec) >> 32) & 3;

	return ((__u32)ts->tv_nsec << 2) | epoch;
}

static void f4_decode_time(__u32 lo, __u32 extra, bool has_extra,
			   struct timespec *ts)
{
	ts->tv_sec = (int32_t)lo;
	ts->tv_nsec = 0;
	if (has_extra) {
		ts->tv_sec += (int64_t)(extra & 3) << 32;
		ts->tv_nsec = extra >> 2;
		if (ts->tv_nsec >= 1000000000)
			ts->tv_nsec = 0;
	}
}

void f4_set_time(struct ext2_inode_large *in, int which, const struct timespec *ts)
{
	if (which & F4_ATIME) {
		in->i_atime = (__u32)ts->tv_sec;
		if (F4_HAS_EXTRA(in, i_atime_extra))
			in->i_atime_extra = f4_encode_extra(ts);
	}
	if (which & F4_MTIME) {
		in->i_mtime = (__u32)ts->tv_sec;
		if (F4_HAS_EXTRA(in, i_mtime_extra))
			in->i_mtime_extra = f4_encode_extra(ts);
	}
	if (which & F4_CTIME) {
		in->i_ctime = (__u32)ts->tv_sec;
		if (F4_HAS_EXTRA(in, i_ctime_extra))
			in->i_ctime_extra = f4_encode_extra(ts);
	}
	if (which & F4_CRTIME) {
		if (F4_HAS_EXTRA(in, i_crtime))
			in->i_crtime = (__u32)ts->tv_sec;
		if (F4_HAS_EXTRA(in, i_crtime_extra))
			in->i_crtime_extra = f4_encode_extra(ts);
	}
}

void f4_touch(struct ext2_inode_large *in, int which)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	f4_set_time(in, which, &now);
}

void f4_inode_to_stat(struct f4 *f4, ext2_ino_t ino,
		      const struct ext2_inode_large *in, struct stat *st)
{
	__u32 dev;

	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_mode = in->i_mode;
	st->st_nlink = in->i_links_count;
	st->st_uid = f4_uid(in);
	st->st_gid = f4_gid(in);
	st->st_size = EXT2_I_SIZE(in);
	st->st_blksize = f4->blocksize;
	st->st_blocks = ext2fs_get_stat_i_blocks(f4->fs, (struct ext2_inode *)in);
	f4_decode_time(in->i_atime, in->i_atime_extra,
		       F4_HAS_EXTRA(in, i_atime_extra), &st->st_atim);
	f4_decode_time(in->i_mtime, in->i_mtime_extra,
		       F4_HAS_EXTRA(in, i_mtime_extra), &st->st_mtim);
	f4_decode_time(in->i_ctime, in->i_ctime_extra,
		       F4_HAS_EXTRA(in, i_ctime_extra), &st->st_ctim);
	if (LINUX_S_ISCHR(in->i_mode) || LINUX_S_ISBLK(in->i_mode)) {
		/* old encoding in i_block[0], new (huge) in i_block[1] */
		if (in->i_block[0]) {
			dev = in->i_block[0];
			st->st_rdev = makedev((dev >> 8) & 0xff, dev & 0xff);
		} else {
			dev = in->i_block[1];
			st->st_rdev = makedev((dev & 0xfff00) >> 8,
					      (dev & 0xff) | ((dev >> 12) & 0xfff00));
		}
	}
}

int f4_fill_entry(struct f4 *f4, ext2_ino_t ino, struct fuse_entry_param *e)
{
	struct ext2_inode_large in;
	int ret;

	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		return ret;
	if (in.i_links_count == 0 && in.i_mode == 0)
		return ENOENT;
	memset(e, 0, sizeof(*e));
	e->ino = f4_nodeid(ino);
	e->generation = in.i_generation;
	e->attr_timeout = f4->o.attr_timeout;
	e->entry_timeout = f4->o.entry_timeout;
	f4_inode_to_stat(f4, ino, &in, &e->attr);
	e->attr.st_ino = e->ino;
	if (LINUX_S_ISREG(in.i_mode))	/* lazy fuse_iomap layout */
		F4_IOMAP(f4, known, ino, EXT2_I_SIZE(&in));
	return 0;
}

/* ---------------------------------------------------------------- nodes */

static struct f4_node **f4_node_slot(struct f4 *f4, ext2_ino_t ino)
{
	struct f4_node **pp = &f4->nodes[ino % F4_NODE_BUCKETS];

	while (*pp && (*pp)->ino != ino)
		pp = &(*pp)->next;
	return pp;
}

void f4_node_ref(struct f4 *f4, ext2_ino_t ino, uint64_t nlookup, int nopen)
{
	struct f4_node **pp, *n;

	pthread_mutex_lock(&f4->node_lock);
	pp = f4_node_slot(f4, ino);
	n = *pp;
	if (!n) {
		n = calloc(1, sizeof(*n));
		if (!n) {
			/* Out of memory: the node is just not tracked. */
			pthread_mutex_unlock(&f4->node_lock);
			return;
		}
		n->ino = ino;
		*pp = n;
	}
	n->nlookup += nlookup;
	n->nopen += nopen;
	pthread_mutex_unlock(&f4->node_lock);
}

/* Drop references; true if the node is unused and its inode was unlinked. */
bool f4_node_unref(struct f4 *f4, ext2_ino_t ino, uint64_t nlookup, int nopen)
{
	struct f4_node **pp, *n;
	bool free_it = false, gone = false;

	pthread_mutex_lock(&f4->node_lock);
	pp = f4_node_slot(f4, ino);
	n = *pp;
	if (n) {
		n->nlookup = n->nlookup > nlookup ? n->nlookup - nlookup : 0;
		n->nopen = n->nopen > (unsigned int)nopen ? n->nopen - nopen : 0;
		if (!n->nlookup && !n->nopen) {
			free_it = n->unlinked;
			*pp = n->next;
			free(n);
			gone = true;
		}
	}
	pthread_mutex_unlock(&f4->node_lock);
	if (gone)	/* drop the fuse_iomap layout */
		F4_IOMAP(f4, forget, ino);
	return free_it;
}

/*
 * Inodes whose last reference went away (FORGET, RELEASE) are freed by the
 * next holder of the write lock instead of by the forgetting thread: one
 * lock handoff fewer per unlink, and frees are batched.
 */
void f4_defer_free(struct f4 *f4, ext2_ino_t ino)
{
	ext2_ino_t *n;
	bool queued = false;

	pthread_mutex_lock(&f4->node_lock);
	if (f4->npending == f4->pending_cap) {
		size_t cap = f4->pending_cap ? f4->pending_cap * 2 : 64;

		n = realloc(f4->pending_free, cap * sizeof(*n));
		if (n) {
			f4->pending_free = n;
			f4->pending_cap = cap;
		}
	}
	if (f4->npending < f4->pending_cap) {
		f4->pending_free[f4->npending++] = ino;
		queued = true;
	}
	pthread_mutex_unlock(&f4->node_lock);
	if (!queued) {
		/* no memory for the queue: free it now */
		pthread_rwlock_wrlock(&f4->lock);
		if (f4_writable(f4))
			f4_free_inode(f4, ino);
		pthread_rwlock_unlock(&f4->lock);
	}
}

/* Free the queued inodes.  Caller holds the write lock. */
void f4_drain_frees(struct f4 *f4)
{
	ext2_ino_t ino;

	for (;;) {
		pthread_mutex_lock(&f4->node_lock);
		if (!f4->npending) {
			pthread_mutex_unlock(&f4->node_lock);
			return;
		}
		ino = f4->pending_free[--f4->npending];
		pthread_mutex_unlock(&f4->node_lock);
		/* re-referenced meanwhile (lookup by handle)?  then keep it */
		if (f4_writable(f4) && !f4_node_busy(f4, ino))
			f4_free_inode(f4, ino);
	}
}

void f4_wrlock(struct f4 *f4)
{
	pthread_rwlock_wrlock(&f4->lock);
	if (__atomic_load_n(&f4->npending, __ATOMIC_RELAXED))
		f4_drain_frees(f4);
}

bool f4_node_busy(struct f4 *f4, ext2_ino_t ino)
{
	bool busy;

	pthread_mutex_lock(&f4->node_lock);
	busy = *f4_node_slot(f4, ino) != NULL;
	pthread_mutex_unlock(&f4->node_lock);
	return busy;
}

void f4_node_mark_unlinked(struct f4 *f4, ext2_ino_t ino)
{
	struct f4_node *n;

	pthread_mutex_lock(&f4->node_lock);
	n = *f4_node_slot(f4, ino);
	if (n)
		n->unlinked = true;
	pthread_mutex_unlock(&f4->node_lock);
}

/* ------------------------------------------------------------- orphans */

/*
 * The on-disk orphan list is a chain through i_dtime starting at
 * s_last_orphan.  At a rw mount it is processed (emptied), so every entry
 * on it afterwards was added by this server; an in-memory mirror with
 * back links makes removal O(1) instead of a walk of the chain.
 */
struct f4_orphan {
	ext2_ino_t ino, prev, next;
	struct f4_orphan *hnext;
};

#define F4_ORPHAN_BUCKETS 1024
static struct f4_orphan *f4_orphans[F4_ORPHAN_BUCKETS];
static pthread_mutex_t f4_orphan_mtx = PTHREAD_MUTEX_INITIALIZER;

static struct f4_orphan **f4_orphan_slot(ext2_ino_t ino)
{
	struct f4_orphan **pp = &f4_orphans[ino % F4_ORPHAN_BUCKETS];

	while (*pp && (*pp)->ino != ino)
		pp = &(*pp)->hnext;
	return pp;
}

/* Put an inode on the on-disk orphan list (i_dtime links the chain). */
static int f4_orphan_add(struct f4 *f4, ext2_ino_t ino,
			 struct ext2_inode_large *in)
{
	ext2_ino_t head = f4->fs->super->s_last_orphan;
	struct f4_orphan *o, *h;

	o = calloc(1, sizeof(*o));
	if (!o)
		return ENOMEM;
	pthread_mutex_lock(&f4_orphan_mtx);
	h = head ? *f4_orphan_slot(head) : NULL;
	o->ino = ino;
	o->next = head;
	if (h)
		h->prev = ino;
	o->hnext = f4_orphans[ino % F4_ORPHAN_BUCKETS];
	f4_orphans[ino % F4_ORPHAN_BUCKETS] = o;
	pthread_mutex_unlock(&f4_orphan_mtx);
	in->i_dtime = head;
	f4->fs->super->s_last_orphan = ino;
	ext2fs_mark_super_dirty(f4->fs);
	return 0;
}

/* Remove an inode from the on-disk orphan list (no-op if not on it). */
static int f4_orphan_del(struct f4 *f4, ext2_ino_t ino)
{
	struct ext2_inode_large in;
	struct f4_orphan **pp, *o, *n;
	int ret = 0;

	pthread_mutex_lock(&f4_orphan_mtx);
	pp = f4_orphan_slot(ino);
	o = *pp;
	if (!o) {
		pthread_mutex_unlock(&f4_orphan_mtx);
		return 0;
	}
	*pp = o->hnext;
	if (o->next && (n = *f4_orphan_slot(o->next)))
		n->prev = o->prev;
	if (o->prev && (n = *f4_orphan_slot(o->prev)))
		n->next = o->next;
	pthread_mutex_unlock(&f4_orphan_mtx);
	if (o->prev) {
		ret = f4_read_inode(f4, o->prev, &in);
		if (!ret) {
			in.i_dtime = o->next;
			ret = f4_write_inode(f4, o->prev, &in);
		}
	} else {
		f4->fs->super->s_last_orphan = o->next;
		ext2fs_mark_super_dirty(f4->fs);
	}
	free(o);
	return ret;
}

/** Release all blocks and the inode itself.  Caller holds the write lock. */
int f4_free_inode(struct f4 *f4, ext2_ino_t ino)
{
	struct ext2_inode_large in;
	errcode_t err;
	int ret;

	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		return ret;
	if (in.i_links_count)
		return 0;
	f4_dcache_drop(f4, ino);
	ret = f4_orphan_del(f4, ino);
	if (ret)
		return ret;
	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		return ret;
	if (ext2fs_inode_has_valid_blocks2(f4->fs, (struct ext2_inode *)&in)) {
		err = ext2fs_punch(f4->fs, ino, (struct ext2_inode *)&in, NULL,
				   0, ~0ULL);
		if (err)
			return f4_err(f4, err, "free blocks", ino);
	}
	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		return ret;
	if (ext2fs_file_acl_block(f4->fs, (struct ext2_inode *)&in)) {
		err = ext2fs_free_ext_attr(f4->fs, ino, &in);
		if (err)
			return f4_err(f4, err, "free xattrs", ino);
	}
	in.i_dtime = (__u32)time(NULL);
	in.i_links_count = 0;
	ext2fs_inode_size_set(f4->fs, (struct ext2_inode *)&in, 0);
	ret = f4_write_inode(f4, ino, &in);
	if (ret)
		return ret;
	ext2fs_inode_alloc_stats2(f4->fs, ino, -1, LINUX_S_ISDIR(in.i_mode));
	return 0;
}

/**
 * Drop one link.  When the count hits zero the inode is freed now, or put
 * on the orphan list until the kernel forgets it / the last fd closes.
 */
int f4_drop_link(struct f4 *f4, ext2_ino_t ino)
{
	struct ext2_inode_large in;
	int ret;

	ret = f4_read_inode(f4, ino, &in);
	if (ret)
		return ret;
	if (LINUX_S_ISDIR(in.i_mode))
		in.i_links_count = 0;
	else if (in.i_links_count > 0)
		in.i_links_count--;
	f4_touch(&in, F4_CTIME);
	if (in.i_links_count == 0) {
		if (f4_node_busy(f4, ino)) {
			f4_node_mark_unlinked(f4, ino);
			ret = f4_orphan_add(f4, ino, &in);
			if (ret)
				return ret;
			return f4_write_inode(f4, ino, &in);
		}
		ret = f4_write_inode(f4, ino, &in);
		if (ret)
			return ret;
		return f4_free_inode(f4, ino);
	}
	return f4_write_inode(f4, ino, &in);
}

/**
 * Process the on-disk orphan list at mount: free unlinked inodes, truncate
 * the others to i_size.  The chain is bounded and validated.
 */
int f4_process_orphans(struct f4 *f4)
{
	struct ext2_super_block *sb = f4->fs->super;
	struct ext2_inode_large in;
	ext2_ino_t ino, next;
	unsigned int n = 0;
	int ret;

	while ((ino = sb->s_last_orphan) != 0) {
		if (ino < EXT2_FIRST_INODE(sb) || ino > sb->s_inodes_count ||
		    n++ > sb->s_inodes_count) {
			fprintf(stderr, "fuse4fs: bad orphan list (inode %u); "
				"dropping it, run e2fsck\n", ino);
			sb->s_last_orphan = 0;
			ext2fs_mark_super_dirty(f4->fs);
			return 0;
		}
		ret = f4_read_inode(f4, ino, &in);
		if (ret)
			return ret;
		next = in.i_dtime;
		sb->s_last_orphan = next;
		ext2fs_mark_super_dirty(f4->fs);
		in.i_dtime = 0;
		ret = f4_write_inode(f4, ino, &in);
		if (ret)
			return ret;
		if (in.i_links_count == 0) {
			fprintf(stderr, "fuse4fs: orphan inode %u: freeing\n", ino);
			ret = f4_free_inode(f4, ino);
		} else if (LINUX_S_ISREG(in.i_mode)) {
			fprintf(stderr, "fuse4fs: orphan inode %u: truncating\n",
				ino);
			ret = f4_truncate(f4, ino, EXT2_I_SIZE(&in));
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* ----------------------------------------------------------- allocation */

/**
 * Allocate and initialise an inode (not linked anywhere yet).
 * Regular files and directories get an empty extent tree on extent file
 * systems; device nodes get rdev encoded like the kernel.
 */
int f4_new_inode(struct f4 *f4, ext2_ino_t dir, mode_t mode, uid_t uid,
		 gid_t gid, dev_t rdev, ext2_ino_t *ret)
{
	ext2_filsys fs = f4->fs;
	struct ext2_inode_large in;
	struct ext3_extent_header *eh;
	ext2_ino_t ino;
	errcode_t err;
	unsigned int maj = major(rdev), min = minor(rdev);

	err = ext2fs_new_inode(fs, dir, (int)mode, NULL, &ino);
	if (err)
		return f4_err(f4, err, "new inode", dir);
	memset(&in, 0, sizeof(in));
	in.i_mode = (__u16)mode;
	f4_set_uid(&in, uid);
	f4_set_gid(&in, gid);
	in.i_links_count = 1;
	if (EXT2_INODE_SIZE(fs->super) > EXT2_GOOD_OLD_INODE_SIZE)
		in.i_extra_isize = sizeof(struct ext2_inode_large) -
				   EXT2_GOOD_OLD_INODE_SIZE;
	if (in.i_extra_isize > EXT2_INODE_SIZE(fs->super) - EXT2_GOOD_OLD_INODE_SIZE)
		in.i_extra_isize = (__u16)(EXT2_INODE_SIZE(fs->super) -
					   EXT2_GOOD_OLD_INODE_SIZE);
	f4_touch(&in, F4_ATIME | F4_MTIME | F4_CTIME | F4_CRTIME);
	in.i_generation = (__u32)random();
	if (LINUX_S_ISCHR(mode) || LINUX_S_ISBLK(mode)) {
		if (maj < 256 && min < 256) {
			in.i_block[0] = maj * 256 + min;
		} else {
			in.i_block[1] = (min & 0xff) | (maj << 8) |
					((min & ~0xffU) << 12);
		}
	} else if ((LINUX_S_ISREG(mode) || LINUX_S_ISDIR(mode)) &&
		   ext2fs_has_feature_extents(fs->super)) {
		in.i_flags |= EXT4_EXTENTS_FL;
		eh = (struct ext3_extent_header *)in.i_block;
		eh->eh_magic = ext2fs_cpu_to_le16(EXT3_EXT_MAGIC);
		eh->eh_entries = 0;
		eh->eh_max = ext2fs_cpu_to_le16((sizeof(in.i_block) -
			sizeof(*eh)) / sizeof(struct ext3_extent));
		eh->eh_depth = 0;
	}
	err = ext2fs_write_new_inode(fs, ino, (struct ext2_inode *)&in);
	if (err)
		return f4_err(f4, err, "write new inode", ino);
	/* write_new_inode keeps only the first 128 bytes: add the extra part */
	if (in.i_extra_isize) {
		err = ext2fs_write_inode_full(fs, ino, (struct ext2_inode *)&in,
					      sizeof(in));
		if (err)
			return f4_err(f4, err, "write new inode", ino);
	}
	ext2fs_inode_alloc_stats2(fs, ino, +1, LINUX_S_ISDIR(mode));
	*ret = ino;
	return 0;
}

/** Permission check (used by access(); the kernel checks with default_permissions). */
int f4_check_access(struct f4 *f4, const struct fuse_ctx *ctx,
		    const struct ext2_inode_large *in, int mask)
{
	mode_t m = in->i_mode;
	int bits;

	if (mask == F_OK)
		return 0;
	if (ctx->uid == 0 || f4->o.fakeroot) {
		if ((mask & X_OK) && !LINUX_S_ISDIR(m) && !(m & 0111))
			return EACCES;
		return 0;
	}
	if (ctx->uid == f4_uid(in))
		bits = (m >> 6) & 7;
	else if (ctx->gid == f4_gid(in))
		bits = (m >> 3) & 7;
	else
		bits = m & 7;
	if ((mask & bits) != mask)
		return EACCES;
	return 0;
}
