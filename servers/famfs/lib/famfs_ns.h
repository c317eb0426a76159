/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file famfs_ns.h
 * The famfs namespace, built by replaying the log and kept in memory.
 *
 * Inode numbers are stable: 1 root, 2 ".meta", 3 ".meta/.superblock",
 * 4 ".meta/.log", and FAMFS_INO_FIRST + i for the object created by log
 * entry i. Lookup by (parent, name) is a hash (O(1)); lookup by inode is an
 * array index. Directory children keep their creation order, so readdir
 * offsets are stable (nothing is ever removed).
 *
 * Replay follows the reference logplay (spec 1.9): an entry that fails its
 * integrity check (seqnum, CRC) stops the replay there; an entry with a bad
 * path or layout, a missing parent, or a name clash is skipped and counted;
 * the first object with a name wins; unknown types are ignored. Replay is
 * incremental: calling it again applies only entries added since.
 */
#ifndef FAMFS_NS_H
#define FAMFS_NS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "famfs_fs.h"

#define FAMFS_INO_ROOT	1
#define FAMFS_INO_META	2
#define FAMFS_INO_SB	3
#define FAMFS_INO_LOG	4
#define FAMFS_INO_FIRST	5

/** One file or directory. */
struct famfs_node {
	uint64_t ino;
	uint64_t parent;	/**< parent inode (root: itself) */
	char *name;
	mode_t mode;		/**< including S_IFDIR / S_IFREG */
	uint32_t uid;
	uint32_t gid;
	int64_t log_index;	/**< -1 for root and the .meta objects */
	struct famfs_layout layout; /**< files: layout.size is the size */
	uint64_t *kids;		/**< directories: children in creation order */
	uint32_t nkids;
	uint32_t kcap;
	uint32_t nsubdirs;
	struct famfs_node *hnext; /**< hash chain */
};

/** Replay counters (cumulative). */
struct famfs_ns_stats {
	uint64_t entries;	/**< entries consumed */
	uint64_t files;		/**< files created */
	uint64_t dirs;		/**< directories created */
	uint64_t existed;	/**< entries naming an existing object */
	uint64_t errors;	/**< entries skipped for a reason */
	uint64_t daxdevs;	/**< ADD_DAXDEV entries accepted */
	uint64_t ignored;	/**< entries of other types */
};

/** Reporting hook: @p level is 0 error, 1 warning, 2 info. */
typedef void (*famfs_ns_report_fn)(void *ctx, int level, const char *msg);

/** The namespace. */
struct famfs_ns {
	struct famfs_node **nodes;	/**< by inode number */
	uint64_t nodes_cap;
	struct famfs_node **htab;
	uint64_t hsize;
	uint64_t hcount;
	uint64_t next_index;	/**< next log index to replay */
	uint64_t dev_size;
	struct famfs_ns_stats st;
	bool stopped;		/**< replay is stuck at next_index */
	char stop_why[FAMFS_WHY_LEN];
	char hdr_why[FAMFS_WHY_LEN];	/**< last log header problem */
	bool shrunk;		/**< the log went backwards (re-mkfs) */
	famfs_ns_report_fn report;
	void *report_ctx;
	uint8_t daxdev_uuid[FAMFS_MAX_DAXDEVS][16];
	uint64_t daxdev_size[FAMFS_MAX_DAXDEVS];
	uint32_t ndaxdevs;	/**< slot 0 is the primary (superblock) */
};

/**
 * Create the namespace with root, .meta, .meta/.superblock and .meta/.log.
 * @param log_writable .meta/.log mode 0644 (master) instead of 0444
 * @return 0 or -ENOMEM
 */
int famfs_ns_init(struct famfs_ns *ns, const struct famfs_fs *fs,
		  bool log_writable, famfs_ns_report_fn report, void *ctx);

/** Free everything. */
void famfs_ns_free(struct famfs_ns *ns);

/**
 * Apply the log entries added since the last call.
 * @return number of entries consumed (>= 0), or -errno if the log header
 *         is bad (reported); an entry that fails its integrity check stops
 *         the replay (reported once, ns->stopped set) without an error
 *         return
 */
int64_t famfs_ns_replay(struct famfs_ns *ns, const struct famfs_fs *fs);

/** Node by inode number, or NULL. */
struct famfs_node *famfs_ns_get(const struct famfs_ns *ns, uint64_t ino);

/** Child @p name of directory @p parent, or NULL. */
struct famfs_node *famfs_ns_lookup(const struct famfs_ns *ns, uint64_t parent,
				   const char *name);

/**
 * Resolve a relative path ("" or "." is the root; empty and "." components
 * are skipped).
 * @return the node or NULL (errno-style reason in *err: ENOENT, ENOTDIR)
 */
struct famfs_node *famfs_ns_resolve(const struct famfs_ns *ns,
				    const char *path, int *err);

#endif /* FAMFS_NS_H */
