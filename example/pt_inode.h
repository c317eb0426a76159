/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pt_inode: the inode table of passthrough_ll.
 *
 * Each inode the kernel knows is one backing file, identified by its
 * (st_dev, st_ino) pair and held open with an O_PATH fd. The node id given
 * to the kernel is a 64-bit counter (never reused, never a pointer), so a
 * node id from the kernel is always checked against the table before use.
 *
 * Two counts keep an inode alive: nlookup, the FUSE lookup count (entry
 * replies add, forgets subtract), and refs, held by requests in flight in
 * the multi-threaded loop. The inode leaves the table when nlookup reaches
 * zero and is freed when refs reaches zero as well.
 */
#ifndef EXAMPLE_PT_INODE_H
#define EXAMPLE_PT_INODE_H

#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>

struct pt_inode {
	uint64_t id;		/* node id given to the kernel */
	int fd;			/* O_PATH fd of the backing file */
	dev_t dev;
	ino_t ino;
	mode_t mode;		/* file type bits, for symlink checks */
	uint64_t nlookup;
	unsigned int refs;
	int hashed;		/* still reachable from the table */
	struct pt_inode *id_next;
	struct pt_inode *key_next;
};

struct pt_table {
	pthread_mutex_t lock;
	struct pt_inode **by_id;
	struct pt_inode **by_key;
	uint64_t next_id;
	struct pt_inode root;
};

/**
 * Set up the table with the source directory as root (node id 1).
 * @param t the table
 * @param root_fd O_PATH fd of the source directory; owned by the table
 * @return 0, or -1 when out of memory
 */
int pt_table_init(struct pt_table *t, int root_fd);

/** Drop every inode but the root (at unmount). */
void pt_table_clear(struct pt_table *t);

/** Free the table and close the root fd. */
void pt_table_fini(struct pt_table *t);

/**
 * Find a node id and take a reference.
 * @return the inode, or NULL when the id is unknown (forgotten or forged)
 */
struct pt_inode *pt_inode_get(struct pt_table *t, uint64_t id);

/** Drop a reference taken by pt_inode_get(). */
void pt_inode_put(struct pt_table *t, struct pt_inode *in);

/**
 * Account one lookup of a backing file.
 * @param t the table
 * @param fd O_PATH fd of the file; consumed (kept or closed)
 * @param st its attributes (st_dev, st_ino, st_mode are used)
 * @param out the inode, whose nlookup went up by one
 * @return 0 or a positive errno
 */
int pt_inode_lookup(struct pt_table *t, int fd, const struct stat *st,
		    struct pt_inode **out);

/**
 * Subtract nlookup from a node's lookup count (FORGET). Unknown ids and
 * the root are ignored; a count larger than the current one drops it to 0.
 */
void pt_inode_forget(struct pt_table *t, uint64_t id, uint64_t nlookup);

#endif /* EXAMPLE_PT_INODE_H */
