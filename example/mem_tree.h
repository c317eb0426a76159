/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mem_tree: the node and directory-entry store of memfs_ll.
 *
 * Nodes are found by id (a counter, never reused) through a hash table;
 * directory entries are found by (directory, name) through a second hash
 * table and kept in a per-directory list in creation order, each with a
 * cookie that readdir uses as its offset (cookies never repeat within a
 * directory, so an offset stays valid while entries come and go).
 *
 * Not thread safe: the caller serializes every call.
 */
#ifndef EXAMPLE_MEM_TREE_H
#define EXAMPLE_MEM_TREE_H

#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

struct mem_dirent;

struct mem_node {
	uint64_t id;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	nlink_t nlink;
	uint64_t nlookup;	/* FUSE lookup count */
	unsigned int opened;	/* open file handles */
	uint64_t parent;	/* directories: id of the parent */
	off_t size;
	char *data;		/* file bytes or symlink target */
	size_t cap;
	struct timespec atime, mtime, ctime;
	struct mem_dirent *head, *tail;	/* directories: entries */
	uint64_t next_cookie;
	uint64_t nentries;
	struct mem_node *id_next;
};

struct mem_dirent {
	char *name;
	struct mem_node *dir;
	struct mem_node *node;
	uint64_t cookie;
	struct mem_dirent *hash_next;
	struct mem_dirent *prev, *next;
};

struct mem_tree {
	struct mem_node **ids;
	struct mem_dirent **names;
	uint64_t next_id;
	uint64_t bytes;		/* file data allocated, for max_size */
	uint64_t nodes;
	struct mem_node *root;
};

/** Create an empty tree with a root directory (id 1). 0 or ENOMEM. */
int mem_tree_init(struct mem_tree *t, uid_t uid, gid_t gid);

/** Free every node and entry. */
void mem_tree_fini(struct mem_tree *t);

/** A new unlinked node of the given mode (file type + permissions). */
struct mem_node *mem_node_new(struct mem_tree *t, mode_t mode, uid_t uid,
			      gid_t gid);

/** Node by id, or NULL. */
struct mem_node *mem_node_find(struct mem_tree *t, uint64_t id);

/** Fill a struct stat from a node. */
void mem_node_stat(const struct mem_node *n, struct stat *st);

/** Free n if nothing refers to it any more (links, lookups, opens). */
void mem_node_maybe_free(struct mem_tree *t, struct mem_node *n);

/** Set a file's size (zero-filled growth). 0, EFBIG or ENOSPC/ENOMEM. */
int mem_node_resize(struct mem_tree *t, struct mem_node *n, off_t size,
		    uint64_t max_bytes);

/** Write into a file, growing it. 0 or a positive errno. */
int mem_node_write(struct mem_tree *t, struct mem_node *n, const char *buf,
		   size_t size, off_t off, uint64_t max_bytes);

/** The node linked as name in directory d, or NULL. */
struct mem_node *mem_dir_find(struct mem_tree *t, struct mem_node *d,
			      const char *name);

/** Link n into d as name (name must be absent). 0 or ENOMEM. */
int mem_dir_link(struct mem_tree *t, struct mem_node *d, const char *name,
		 struct mem_node *n);

/** Remove name from d; returns the node it named (maybe now free-able). */
struct mem_node *mem_dir_unlink(struct mem_tree *t, struct mem_node *d,
				const char *name);

/** First entry of d whose cookie is greater than cookie, or NULL. */
struct mem_dirent *mem_dir_after(struct mem_node *d, uint64_t cookie);

#endif /* EXAMPLE_MEM_TREE_H */
