/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file famfs_write.h
 * Writing famfs: mkfs, the master role, crash-safe log appends, and a
 * writer session (lock + namespace + allocator) for mkdir/creat/cp.
 */
#ifndef FAMFS_WRITE_H
#define FAMFS_WRITE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "famfs_alloc.h"
#include "famfs_ns.h"

/** Default system uuid file (as the reference). */
#define FAMFS_SYSTEM_UUID_FILE "/opt/famfs/system_uuid"
/** Environment variable that overrides it (tests simulate hosts). */
#define FAMFS_SYSTEM_UUID_ENV "FAMFS_SYSTEM_UUID_FILE"

/**
 * Read this host's system uuid (text file), creating it with a random uuid
 * when @p create is set and it does not exist.
 * @return 0 or -errno with @p why set
 */
int famfs_system_uuid(uint8_t uuid[16], bool create, char *why);

/** True when this host is the master of @p sb (system uuid matches). */
bool famfs_is_master(const struct famfs_sb *sb);

/** mkfs options. */
struct famfs_mkfs_opts {
	uint64_t log_len;	/**< 0 = 8 MiB; power of two >= 8 MiB */
	bool force;		/**< overwrite a valid famfs */
	bool kill;		/**< only invalidate (zero the magic) */
	const char *devname;	/**< stored in the superblock (<= 64 bytes) */
};

/**
 * Make a famfs on an open writable device: zero the log region, write the
 * log header, then the superblock (version 48, OMF 2.2, fresh uuids, this
 * host as master), flushing each. Refuses a device smaller than 4 GiB and,
 * without force, a device holding a valid famfs.
 * @return 0 or -errno with @p why set
 */
int famfs_mkfs(struct famfs_dev *d, const struct famfs_mkfs_opts *o,
	       char *why);

/**
 * Append one entry (caller holds the writer lock). The entry is written
 * and flushed with seqnum = its index and its CRC, then the header's
 * counters are bumped and flushed. A full log returns -ENOSPC and writes
 * nothing.
 * @param index_out receives the entry's index
 * @return 0 or -errno with @p why set
 */
int famfs_log_append(struct famfs_fs *fs, const struct famfs_entry *e,
		     uint64_t *index_out, char *why);

/** A writer session: master check, lock, namespace, allocator. */
struct famfs_wsess {
	struct famfs_fs fs;
	struct famfs_ns ns;
	struct famfs_allocator alloc;
};

/**
 * Open a writer session: open read-write, check the master role, take the
 * lock (waits unless @p nonblock), replay the log and build the bitmap.
 * @return 0 or -errno with @p why set
 */
int famfs_wsess_open(struct famfs_wsess *s, const char *dev, bool nonblock,
		     char *why);

/** Close a session (drops the lock). */
void famfs_wsess_close(struct famfs_wsess *s);

/**
 * Create a directory (logged MKDIR). With @p parents, missing parents are
 * created and an existing directory is not an error.
 * @return 0 or -errno (EEXIST, ENOENT, ENOTDIR, ENOSPC...) with @p why set
 */
int famfs_wsess_mkdir(struct famfs_wsess *s, const char *path, mode_t mode,
		      uid_t uid, gid_t gid, bool parents, char *why);

/**
 * Fills a new file's space before it is logged.
 * @return 0 or -errno (the file is then not created)
 */
typedef int (*famfs_fill_fn)(struct famfs_dev *d, const struct famfs_layout *l,
			     void *ctx);

/**
 * Create a file: allocate (per s->alloc.ia), call @p fill (if not NULL) to
 * write and flush the contents at the allocated offsets, then log it and
 * add it to the namespace. Because the data is in place before the entry
 * exists, no reader (on any host) ever sees the file without its contents.
 * @param out receives the new node
 * @return 0 or -errno with @p why set; on failure nothing is logged
 */
int famfs_wsess_creat(struct famfs_wsess *s, const char *path, uint64_t size,
		      mode_t mode, uid_t uid, gid_t gid, famfs_fill_fn fill,
		      void *fill_ctx, struct famfs_node **out, char *why);

/**
 * Write @p len bytes at file offset @p off of a file through its layout
 * (straight into the mapped device).
 * @return 0 or -EINVAL if the range passes the end of the file
 */
int famfs_file_write(struct famfs_dev *d, const struct famfs_layout *l,
		     uint64_t off, const void *buf, uint64_t len);

/** Flush every extent of a file to the device. @return 0 or -errno */
int famfs_file_sync(struct famfs_dev *d, const struct famfs_layout *l);

/** Read through a layout; the counterpart of famfs_file_write(). */
int famfs_file_read(const struct famfs_dev *d, const struct famfs_layout *l,
		    uint64_t off, void *buf, uint64_t len);

#endif /* FAMFS_WRITE_H */
