/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuse4fs: a read-write ext2/3/4 server on libext2fs.
 *
 * Shared state and internal interfaces.  Locking model:
 *  - f4->lock (rwlock): every libext2fs call that can modify the file system
 *    holds it for writing.  File data reads hold it for reading while they
 *    pread the device, so concurrent reads never block each other.
 *  - f4->map_lock (mutex): serialises the (non thread-safe) libext2fs calls a
 *    reader makes under the read lock (inode read + block mapping lookup).
 *  - f4->node_lock (mutex): the node table (lookup and open counts).
 */
#ifndef F4_H
#define F4_H

#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 318
#endif

#include <fuse_lowlevel.h>
#include <ext2fs/ext2_fs.h>
#include <ext2fs/ext2fs.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

/** What to do when the file system reports corruption (errors=). */
enum f4_errors {
	F4_ERRORS_DEFAULT = 0,	/**< take it from the superblock s_errors */
	F4_ERRORS_CONTINUE,
	F4_ERRORS_RO,
	F4_ERRORS_PANIC,
};

/** Unused: -o iomap= is parsed by fuse_iomap_parse_opts() (iomap.c). */
enum f4_iomap_mode {
	F4_IOMAP_AUTO = 0,
	F4_IOMAP_ON,
	F4_IOMAP_CLASSIC,
};

/** Mount options. */
struct f4_opts {
	char *device;
	char *mountpoint;
	int ro;
	int rw;
	int fakeroot;
	int norecovery;
	int force;
	int debug;
	int writeback;
	int no_writeback;
	int errors;		/**< enum f4_errors */
	int iomap;		/**< enum f4_iomap_mode */
	double entry_timeout;
	double attr_timeout;
	int max_threads;
	int commit;
	unsigned int cache_mb;
	int foreground;
	int show_help;
	int show_version;
};

/** One mapped range of a file (the iomap seam). */
enum f4_map_type {
	F4_MAP_HOLE = 0,
	F4_MAP_MAPPED,
	F4_MAP_UNWRITTEN,
	F4_MAP_INLINE,
};

struct f4_map {
	blk64_t lblk;		/**< first logical block */
	blk64_t pblk;		/**< first physical block (MAPPED/UNWRITTEN) */
	blk64_t len;		/**< length in blocks, >= 1 */
	enum f4_map_type type;
};

/** Per-inode server state (kept while the kernel or an open file uses it). */
struct f4_node {
	ext2_ino_t ino;
	uint64_t nlookup;
	unsigned int nopen;
	bool unlinked;		/**< links dropped to 0; free when unused */
	struct f4_node *next;
};

#define F4_NODE_BUCKETS 4096

struct f4;

/**
 * iomap.c's view of block map changes (NULL unless fuse_iomap is attached;
 * the walk and fuzz builds have none).  Use the F4_IOMAP() macro.
 */
struct f4_iomap_hooks {
	/** the kernel learns a regular file's inode (lookup, create, ...) */
	void (*known)(struct f4 *f4, ext2_ino_t ino, uint64_t size);
	/** the block map of [off, off + len) changed; @size: new i_size */
	void (*changed)(struct f4 *f4, ext2_ino_t ino, uint64_t off,
			uint64_t len, uint64_t size);
	/** the node is gone (no lookups, no opens) */
	void (*forget)(struct f4 *f4, ext2_ino_t ino);
};
#define F4_IOMAP(f, fn, ...) do { \
	if ((f)->iomap_hooks) \
		(f)->iomap_hooks->fn((f), __VA_ARGS__); \
} while (0)

struct f4 {
	struct f4_opts o;
	const struct f4_iomap_hooks *iomap_hooks;	/**< see above */
	void *iomap;			/**< iomap.c state */
	ext2_filsys fs;
	int devfd;		/**< our own fd on the image for data I/O */
	unsigned int blocksize;
	unsigned int blockbits;
	bool ro;		/**< effective read-only state */
	bool shutdown;
	pthread_rwlock_t lock;
	pthread_mutex_t map_lock;
	pthread_mutex_t node_lock;
	struct f4_node *nodes[F4_NODE_BUCKETS];
	struct fuse_session *se;
	uint64_t fs_errors;	/**< corruption errors seen this mount */
	bool dirty;		/**< modified since the last f4_fs_sync */
	ext2_ino_t *pending_free;	/**< unlinked inodes to free (node_lock) */
	size_t npending, pending_cap;
	void *dcache;		/**< directory indexes (dcache.c) */
	pthread_t flusher;
	bool flusher_running;
	pthread_mutex_t flush_mtx;
	pthread_cond_t flush_cond;
	bool stop_flusher;
	unsigned int commit_secs;	/**< background flush interval */
};

/* fs.c: open, checks, flush, close, error policy */
int f4_fs_open(struct f4 *f4);
int f4_fs_close(struct f4 *f4);
int f4_fs_sync(struct f4 *f4, bool data_only);
int f4_err(struct f4 *f4, errcode_t err, const char *what, ext2_ino_t ino);
bool f4_writable(struct f4 *f4);
int f4_process_orphans(struct f4 *f4);

/* journal.c: jbd2 replay */
int f4_journal_replay(struct f4 *f4, const char *device);

/* inode.c: inode helpers and the node table */
static inline ext2_ino_t f4_ino(fuse_ino_t n)
{
	return n == FUSE_ROOT_ID ? EXT2_ROOT_INO : (ext2_ino_t)n;
}
static inline fuse_ino_t f4_nodeid(ext2_ino_t ino)
{
	return ino == EXT2_ROOT_INO ? FUSE_ROOT_ID : (fuse_ino_t)ino;
}
int f4_ino_valid(struct f4 *f4, fuse_ino_t n, ext2_ino_t *ino);
int f4_read_inode(struct f4 *f4, ext2_ino_t ino, struct ext2_inode_large *in);
int f4_write_inode(struct f4 *f4, ext2_ino_t ino, struct ext2_inode_large *in);
void f4_inode_to_stat(struct f4 *f4, ext2_ino_t ino,
		      const struct ext2_inode_large *in, struct stat *st);
int f4_fill_entry(struct f4 *f4, ext2_ino_t ino, struct fuse_entry_param *e);
void f4_set_time(struct ext2_inode_large *in, int which, const struct timespec *ts);
#define F4_ATIME 1
#define F4_MTIME 2
#define F4_CTIME 4
#define F4_CRTIME 8
void f4_touch(struct ext2_inode_large *in, int which);
uid_t f4_uid(const struct ext2_inode_large *in);
gid_t f4_gid(const struct ext2_inode_large *in);
void f4_set_uid(struct ext2_inode_large *in, uid_t uid);
void f4_set_gid(struct ext2_inode_large *in, gid_t gid);
void f4_node_ref(struct f4 *f4, ext2_ino_t ino, uint64_t nlookup, int nopen);
bool f4_node_unref(struct f4 *f4, ext2_ino_t ino, uint64_t nlookup, int nopen);
void f4_defer_free(struct f4 *f4, ext2_ino_t ino);
void f4_drain_frees(struct f4 *f4);
bool f4_node_busy(struct f4 *f4, ext2_ino_t ino);
void f4_node_mark_unlinked(struct f4 *f4, ext2_ino_t ino);
int f4_free_inode(struct f4 *f4, ext2_ino_t ino);
int f4_drop_link(struct f4 *f4, ext2_ino_t ino);
int f4_new_inode(struct f4 *f4, ext2_ino_t dir, mode_t mode, uid_t uid,
		 gid_t gid, dev_t rdev, ext2_ino_t *ret);
int f4_check_access(struct f4 *f4, const struct fuse_ctx *ctx,
		    const struct ext2_inode_large *in, int mask);

/* dir.c: directories */
int f4_dir_lookup(struct f4 *f4, ext2_ino_t dir, const char *name, int len,
		  ext2_ino_t *ret);
int f4_dir_link(struct f4 *f4, ext2_ino_t dir, const char *name,
		ext2_ino_t ino, mode_t mode);
int f4_dir_unlink(struct f4 *f4, ext2_ino_t dir, const char *name);
int f4_dir_is_empty(struct f4 *f4, ext2_ino_t dir);
int f4_dir_set_dotdot(struct f4 *f4, ext2_ino_t dir, ext2_ino_t parent);

/** Callback for f4_dir_read: return nonzero to stop. */
typedef int (*f4_dirent_fn)(void *priv, const char *name, int namelen,
			    ext2_ino_t ino, int ftype, off_t next_off);
int f4_dir_read(struct f4 *f4, ext2_ino_t dir, off_t off, f4_dirent_fn fn,
		void *priv);

/* map.c: file range mapping (FIEMAP, SEEK_DATA, reads, future iomap) */
int f4_map_range(struct f4 *f4, ext2_ino_t ino, struct ext2_inode_large *in,
		 blk64_t lblk, blk64_t max_len, struct f4_map *m);

/* data.c: file data */
ssize_t f4_data_read(struct f4 *f4, ext2_ino_t ino, char *buf, size_t size,
		     off_t off);
ssize_t f4_data_write(struct f4 *f4, ext2_ino_t ino, const char *buf,
		      size_t size, off_t off);
int f4_truncate(struct f4 *f4, ext2_ino_t ino, uint64_t size);
int f4_fallocate(struct f4 *f4, ext2_ino_t ino, int mode, off_t off,
		 off_t len);
int f4_seek_data(struct f4 *f4, ext2_ino_t ino, off_t off, int whence,
		 off_t *ret);
/* data.c helpers used by iomap.c */
int f4_zero_phys(struct f4 *f4, off_t phys, size_t len);
int f4_mark_written(struct f4 *f4, ext2_ino_t ino, struct ext2_inode_large *in,
		    blk64_t lblk, blk64_t n);

/* xattr.c */
void f4_op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		    const char *value, size_t size, int flags);
void f4_op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name,
		    size_t size);
void f4_op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);
void f4_op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name);

/* ops_*.c: fill the operation table */
void f4_ops_node(struct fuse_lowlevel_ops *o);
void f4_ops_file(struct fuse_lowlevel_ops *o);
struct f4 *f4_from_req(fuse_req_t req);

void f4_wrlock(struct f4 *f4);
#define f4_rdlock(f) pthread_rwlock_rdlock(&(f)->lock)
#define f4_unlock(f) pthread_rwlock_unlock(&(f)->lock)

#endif
