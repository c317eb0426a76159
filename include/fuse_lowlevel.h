/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuse_lowlevel.h - the inode-based ("lowlevel") FUSE API.
 *
 * Source-compatible with libfuse 3.18.  Define FUSE_USE_VERSION before
 * including this header: 30..39 for 3.0..3.9 (old two-digit style), or
 * FUSE_MAKE_VERSION(3, N) (e.g. 312, 317, 318) for 3.10 and later.
 */

/** @file */

#ifndef FUSE_LOWLEVEL_H_
#define FUSE_LOWLEVEL_H_

#ifndef FUSE_USE_VERSION
#error FUSE_USE_VERSION not defined
#endif

#include "fuse_common.h"

#include <stdbool.h>
#include <utime.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Basic types */

/** Inode number of the root directory */
#define FUSE_ROOT_ID 1

/** Inode number type */
typedef uint64_t fuse_ino_t;

/** Request handle; valid from the op call until the reply */
typedef struct fuse_req *fuse_req_t;

/** Session handle (one mount / one connection) */
struct fuse_session;

struct statx;

/** Directory entry parameters of lookup-like replies */
struct fuse_entry_param {
	/**
	 * Inode number; 0 makes a negative entry that the kernel caches for
	 * entry_timeout (like ENOENT, but cached).
	 */
	fuse_ino_t ino;

	/**
	 * Generation; (ino, generation) must be unique for the file system's
	 * lifetime (it matters for NFS export).
	 */
	uint64_t generation;

	/** Attributes of the inode */
	struct stat attr;

	/** Attribute cache timeout in seconds */
	double attr_timeout;

	/** Name cache timeout in seconds */
	double entry_timeout;
};

/** Caller context of a request */
struct fuse_ctx {
	/** User id of the calling process */
	uid_t uid;

	/** Group id of the calling process */
	gid_t gid;

	/** Thread id of the calling process */
	pid_t pid;

	/** Umask of the calling process (create-like ops) */
	mode_t umask;
};

/** One element of forget_multi() */
struct fuse_forget_data {
	fuse_ino_t ino;
	uint64_t nlookup;
};

/**
 * Replacement I/O functions for a session that does not talk to /dev/fuse
 * directly (see fuse_session_custom_io()).  writev and read are required.
 */
struct fuse_custom_io {
	/** Send one message (iov[0] is the fuse_out_header) */
	ssize_t (*writev)(int fd, struct iovec *iov, int count, void *userdata);
	/** Receive one whole request into @a buf */
	ssize_t (*read)(int fd, void *buf, size_t buf_len, void *userdata);
	/** Optional splice(2) replacement for receiving */
	ssize_t (*splice_receive)(int fdin, off_t *offin, int fdout,
				  off_t *offout, size_t len,
				  unsigned int flags, void *userdata);
	/** Optional splice(2) replacement for sending */
	ssize_t (*splice_send)(int fdin, off_t *offin, int fdout,
			       off_t *offout, size_t len,
			       unsigned int flags, void *userdata);
	/** Optional: clone the connection fd for a worker thread (3.17) */
	int (*clone_fd)(int master_fd);
};

/** Kinds of directory entry notification (inval_entry / expire_entry) */
enum fuse_notify_entry_flags {
	FUSE_LL_INVALIDATE	= 0,		/**< drop the entry */
	FUSE_LL_EXPIRE_ONLY	= (1 << 0),	/**< only mark it expired */
};

/* to_set flags of setattr() */
#define FUSE_SET_ATTR_MODE	(1 << 0)
#define FUSE_SET_ATTR_UID	(1 << 1)
#define FUSE_SET_ATTR_GID	(1 << 2)
#define FUSE_SET_ATTR_SIZE	(1 << 3)
#define FUSE_SET_ATTR_ATIME	(1 << 4)
#define FUSE_SET_ATTR_MTIME	(1 << 5)
#define FUSE_SET_ATTR_ATIME_NOW	(1 << 7)
#define FUSE_SET_ATTR_MTIME_NOW	(1 << 8)
#define FUSE_SET_ATTR_FORCE	(1 << 9)
#define FUSE_SET_ATTR_CTIME	(1 << 10)
#define FUSE_SET_ATTR_KILL_SUID	(1 << 11)
#define FUSE_SET_ATTR_KILL_SGID	(1 << 12)
#define FUSE_SET_ATTR_FILE	(1 << 13)
#define FUSE_SET_ATTR_KILL_PRIV	(1 << 14)
#define FUSE_SET_ATTR_OPEN	(1 << 15)
#define FUSE_SET_ATTR_TIMES_SET	(1 << 16)
#define FUSE_SET_ATTR_TOUCH	(1 << 17)

/**
 * Operations of a lowlevel file system.
 *
 * Every method except init, destroy, forget and forget_multi must answer its
 * request with exactly one fuse_reply_* call (from any thread, at any later
 * time).  A NULL method makes the library answer ENOSYS (or a sensible
 * default, as noted).  Members are only ever appended: pass sizeof(ops) as
 * op_size to fuse_session_new().
 */
struct fuse_lowlevel_ops {
	/**
	 * Called once after INIT was received, before any other request.
	 * May change @a conn (want flags, limits).
	 */
	void (*init) (void *userdata, struct fuse_conn_info *conn);

	/** Called once when the session ends (DESTROY or teardown) */
	void (*destroy) (void *userdata);

	/**
	 * Look up @a name in @a parent; increments the lookup count on
	 * success.  Reply: entry, err.
	 */
	void (*lookup) (fuse_req_t req, fuse_ino_t parent, const char *name);

	/**
	 * Drop @a nlookup references of @a ino.  Reply: none.
	 */
	void (*forget) (fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);

	/** Get attributes; @a fi is NULL unless called on an open file.
	 *  Reply: attr, err. */
	void (*getattr) (fuse_req_t req, fuse_ino_t ino,
			 struct fuse_file_info *fi);

	/**
	 * Set the attributes selected by @a to_set (FUSE_SET_ATTR_*).
	 * Reply: attr, err.
	 */
	void (*setattr) (fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			 int to_set, struct fuse_file_info *fi);

	/** Read a symbolic link.  Reply: readlink, err. */
	void (*readlink) (fuse_req_t req, fuse_ino_t ino);

	/** Create a node.  Reply: entry, err. */
	void (*mknod) (fuse_req_t req, fuse_ino_t parent, const char *name,
		       mode_t mode, dev_t rdev);

	/** Create a directory.  Reply: entry, err. */
	void (*mkdir) (fuse_req_t req, fuse_ino_t parent, const char *name,
		       mode_t mode);

	/** Remove a file.  Reply: err. */
	void (*unlink) (fuse_req_t req, fuse_ino_t parent, const char *name);

	/** Remove a directory.  Reply: err. */
	void (*rmdir) (fuse_req_t req, fuse_ino_t parent, const char *name);

	/** Create a symbolic link.  Reply: entry, err. */
	void (*symlink) (fuse_req_t req, const char *link, fuse_ino_t parent,
			 const char *name);

	/**
	 * Rename; @a flags are RENAME_EXCHANGE / RENAME_NOREPLACE (return
	 * EINVAL for unsupported ones).  Reply: err.
	 */
	void (*rename) (fuse_req_t req, fuse_ino_t parent, const char *name,
			fuse_ino_t newparent, const char *newname,
			unsigned int flags);

	/** Create a hard link.  Reply: entry, err. */
	void (*link) (fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		      const char *newname);

	/**
	 * Open a file.  NULL: success with fh 0.  Reply: open, err.
	 */
	void (*open) (fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi);

	/** Read data.  Reply: buf, iov, data, err. */
	void (*read) (fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		      struct fuse_file_info *fi);

	/** Write data (unless write_buf is set).  Reply: write, err. */
	void (*write) (fuse_req_t req, fuse_ino_t ino, const char *buf,
		       size_t size, off_t off, struct fuse_file_info *fi);

	/** Called on each close() of a file descriptor.  Reply: err. */
	void (*flush) (fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi);

	/** Last reference to an open file gone.  Reply: err. */
	void (*release) (fuse_req_t req, fuse_ino_t ino,
			 struct fuse_file_info *fi);

	/** Synchronise file contents.  Reply: err. */
	void (*fsync) (fuse_req_t req, fuse_ino_t ino, int datasync,
		       struct fuse_file_info *fi);

	/** Open a directory.  NULL: success with fh 0.  Reply: open, err. */
	void (*opendir) (fuse_req_t req, fuse_ino_t ino,
			 struct fuse_file_info *fi);

	/**
	 * Read directory entries made with fuse_add_direntry().
	 * Reply: buf, data, err.
	 */
	void (*readdir) (fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			 struct fuse_file_info *fi);

	/** Release an open directory.  Reply: err. */
	void (*releasedir) (fuse_req_t req, fuse_ino_t ino,
			    struct fuse_file_info *fi);

	/** Synchronise directory contents.  Reply: err. */
	void (*fsyncdir) (fuse_req_t req, fuse_ino_t ino, int datasync,
			  struct fuse_file_info *fi);

	/** File system statistics.  NULL: a default.  Reply: statfs, err. */
	void (*statfs) (fuse_req_t req, fuse_ino_t ino);

	/** Set an extended attribute.  Reply: err. */
	void (*setxattr) (fuse_req_t req, fuse_ino_t ino, const char *name,
			  const char *value, size_t size, int flags);

	/**
	 * Get an extended attribute; @a size 0 asks for the length.
	 * Reply: buf, data, xattr, err.
	 */
	void (*getxattr) (fuse_req_t req, fuse_ino_t ino, const char *name,
			  size_t size);

	/** List extended attribute names.  Reply: buf, data, xattr, err. */
	void (*listxattr) (fuse_req_t req, fuse_ino_t ino, size_t size);

	/** Remove an extended attribute.  Reply: err. */
	void (*removexattr) (fuse_req_t req, fuse_ino_t ino, const char *name);

	/** Check access (unless default_permissions).  Reply: err. */
	void (*access) (fuse_req_t req, fuse_ino_t ino, int mask);

	/**
	 * Create and open a file.  NULL: the kernel falls back to mknod +
	 * open.  Reply: create, err.
	 */
	void (*create) (fuse_req_t req, fuse_ino_t parent, const char *name,
			mode_t mode, struct fuse_file_info *fi);

	/** Test a POSIX lock.  Reply: lock, err. */
	void (*getlk) (fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi, struct flock *lock);

	/** Acquire or release a POSIX lock; @a sleep for SETLKW.  Reply: err. */
	void (*setlk) (fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi,
		       struct flock *lock, int sleep);

	/** Map a file block to a device block (fuseblk only).  Reply: bmap, err. */
	void (*bmap) (fuse_req_t req, fuse_ino_t ino, size_t blocksize,
		      uint64_t idx);

#if FUSE_USE_VERSION < 35
	/** ioctl (API < 3.5: signed cmd).  Reply: ioctl, ioctl_retry, err. */
	void (*ioctl) (fuse_req_t req, fuse_ino_t ino, int cmd,
		       void *arg, struct fuse_file_info *fi, unsigned flags,
		       const void *in_buf, size_t in_bufsz, size_t out_bufsz);
#else
	/**
	 * ioctl; FUSE_IOCTL_* @a flags; @a in_buf holds in_bufsz bytes.
	 * Reply: ioctl, ioctl_iov, ioctl_retry, err.
	 */
	void (*ioctl) (fuse_req_t req, fuse_ino_t ino, unsigned int cmd,
		       void *arg, struct fuse_file_info *fi, unsigned flags,
		       const void *in_buf, size_t in_bufsz, size_t out_bufsz);
#endif

	/**
	 * Poll for events; keep @a ph (if not NULL) to call
	 * fuse_lowlevel_notify_poll() later.  Reply: poll, err.
	 */
	void (*poll) (fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi,
		      struct fuse_pollhandle *ph);

	/** Write data given as a buffer vector.  Reply: write, err. */
	void (*write_buf) (fuse_req_t req, fuse_ino_t ino,
			   struct fuse_bufvec *bufv, off_t off,
			   struct fuse_file_info *fi);

	/**
	 * Answer to fuse_lowlevel_notify_retrieve().  Reply: none.
	 */
	void (*retrieve_reply) (fuse_req_t req, void *cookie, fuse_ino_t ino,
				off_t offset, struct fuse_bufvec *bufv);

	/** Drop references of many inodes.  Reply: none. */
	void (*forget_multi) (fuse_req_t req, size_t count,
			      struct fuse_forget_data *forgets);

	/** BSD flock; @a op is LOCK_SH/LOCK_EX/LOCK_UN (+LOCK_NB).  Reply: err. */
	void (*flock) (fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi, int op);

	/** Allocate or punch space.  Reply: err. */
	void (*fallocate) (fuse_req_t req, fuse_ino_t ino, int mode,
			   off_t offset, off_t length,
			   struct fuse_file_info *fi);

	/**
	 * Read directory entries with attributes, made with
	 * fuse_add_direntry_plus() (each counts as a lookup, except "." and
	 * "..").  Reply: buf, data, err.
	 */
	void (*readdirplus) (fuse_req_t req, fuse_ino_t ino, size_t size,
			     off_t off, struct fuse_file_info *fi);

	/** Copy a range between files.  Reply: write, err. */
	void (*copy_file_range) (fuse_req_t req, fuse_ino_t ino_in,
				 off_t off_in, struct fuse_file_info *fi_in,
				 fuse_ino_t ino_out, off_t off_out,
				 struct fuse_file_info *fi_out, size_t len,
				 int flags);

	/** SEEK_DATA / SEEK_HOLE.  Reply: lseek, err. */
	void (*lseek) (fuse_req_t req, fuse_ino_t ino, off_t off, int whence,
		       struct fuse_file_info *fi);

	/**
	 * Create an unnamed temporary file (O_TMPFILE) and open it.
	 * Reply: create, err.
	 */
	void (*tmpfile) (fuse_req_t req, fuse_ino_t parent,
			 mode_t mode, struct fuse_file_info *fi);

	/**
	 * statx(2): @a flags are AT_STATX_* sync flags, @a mask the wanted
	 * STATX_* fields.  Reply: statx, err.
	 */
	void (*statx) (fuse_req_t req, fuse_ino_t ino, int flags, int mask,
		       struct fuse_file_info *fi);
};

/* Replies.  All return 0 on success or -errno if sending failed; the request
 * is gone afterwards in both cases. */

/**
 * Reply with an error (positive errno) or success without data (0).
 *
 * @param req request handle
 * @param err errno, or 0
 * @return 0 or -errno
 */
int fuse_reply_err(fuse_req_t req, int err);

/**
 * Finish a request that has no reply (forget, forget_multi, retrieve_reply).
 *
 * @param req request handle
 */
void fuse_reply_none(fuse_req_t req);

/**
 * Reply with a directory entry (lookup, mknod, mkdir, symlink, link).
 *
 * @param req request handle
 * @param e entry parameters
 * @return 0 or -errno
 */
int fuse_reply_entry(fuse_req_t req, const struct fuse_entry_param *e);

/**
 * Reply to create() or tmpfile() with an entry and an open file.
 *
 * @param req request handle
 * @param e entry parameters
 * @param fi open file parameters
 * @return 0 or -errno
 */
int fuse_reply_create(fuse_req_t req, const struct fuse_entry_param *e,
		      const struct fuse_file_info *fi);

/**
 * Reply with attributes (getattr, setattr).
 *
 * @param req request handle
 * @param attr attributes
 * @param attr_timeout cache timeout in seconds
 * @return 0 or -errno
 */
int fuse_reply_attr(fuse_req_t req, const struct stat *attr,
		    double attr_timeout);

/**
 * Reply with the target of a symbolic link.
 *
 * @param req request handle
 * @param link NUL-terminated target
 * @return 0 or -errno
 */
int fuse_reply_readlink(fuse_req_t req, const char *link);

/**
 * Register @a fd as a backing file for kernel passthrough.
 *
 * @param req request handle (open or create)
 * @param fd file to pass through to
 * @return backing id (> 0) to put in fi->backing_id, or 0 on failure
 *         (logged)
 */
int fuse_passthrough_open(fuse_req_t req, int fd);

/**
 * Release a backing id from fuse_passthrough_open().
 *
 * @param req any request of the session
 * @param backing_id the id
 * @return 0, or -1 on failure (logged)
 */
int fuse_passthrough_close(fuse_req_t req, int backing_id);

/**
 * Reply to open() or opendir().
 *
 * @param req request handle
 * @param fi open file parameters (fh, flags, backing_id)
 * @return 0 or -errno
 */
int fuse_reply_open(fuse_req_t req, const struct fuse_file_info *fi);

/**
 * Reply with the number of bytes written (write, write_buf, copy_file_range).
 *
 * @param req request handle
 * @param count bytes written
 * @return 0 or -errno
 */
int fuse_reply_write(fuse_req_t req, size_t count);

/**
 * Reply with data.
 *
 * @param req request handle
 * @param buf data (may be NULL when @a size is 0)
 * @param size bytes
 * @return 0 or -errno
 */
int fuse_reply_buf(fuse_req_t req, const char *buf, size_t size);

/**
 * Reply with data from a buffer vector (memory or file descriptors).
 *
 * @param req request handle
 * @param bufv data
 * @param flags FUSE_BUF_* copy flags
 * @return 0 or -errno
 */
int fuse_reply_data(fuse_req_t req, struct fuse_bufvec *bufv,
		    enum fuse_buf_copy_flags flags);

/**
 * Reply with data scattered over @a count iovecs.
 *
 * @param req request handle
 * @param iov data
 * @param count number of iovecs
 * @return 0 or -errno
 */
int fuse_reply_iov(fuse_req_t req, const struct iovec *iov, int count);

/**
 * Reply with file system statistics.
 *
 * @param req request handle
 * @param stbuf statistics
 * @return 0 or -errno
 */
int fuse_reply_statfs(fuse_req_t req, const struct statvfs *stbuf);

/**
 * Reply with the size an xattr value or name list needs.
 *
 * @param req request handle
 * @param count bytes needed
 * @return 0 or -errno
 */
int fuse_reply_xattr(fuse_req_t req, size_t count);

/**
 * Reply to getlk() with a conflicting lock (or F_UNLCK).
 *
 * @param req request handle
 * @param lock lock description
 * @return 0 or -errno
 */
int fuse_reply_lock(fuse_req_t req, const struct flock *lock);

/**
 * Reply to bmap().
 *
 * @param req request handle
 * @param idx device block index
 * @return 0 or -errno
 */
int fuse_reply_bmap(fuse_req_t req, uint64_t idx);

/* Directory entries */

/**
 * Add a directory entry to a readdir buffer.
 *
 * Only st_ino and the type bits of st_mode are used.  With @a buf NULL or
 * too small nothing is written.
 *
 * @param req request handle
 * @param buf buffer, or NULL
 * @param bufsize remaining room in @a buf
 * @param name entry name
 * @param stbuf attributes
 * @param off offset of the next entry
 * @return bytes the entry needs
 */
size_t fuse_add_direntry(fuse_req_t req, char *buf, size_t bufsize,
			 const char *name, const struct stat *stbuf,
			 off_t off);

/**
 * Add an entry with attributes to a readdirplus buffer.
 *
 * @param req request handle
 * @param buf buffer, or NULL
 * @param bufsize remaining room in @a buf
 * @param name entry name
 * @param e entry parameters (ino 0: no lookup count taken)
 * @param off offset of the next entry
 * @return bytes the entry needs
 */
size_t fuse_add_direntry_plus(fuse_req_t req, char *buf, size_t bufsize,
			      const char *name,
			      const struct fuse_entry_param *e, off_t off);

/**
 * Ask the kernel to retry an unrestricted ioctl with these buffers.
 *
 * @param req request handle
 * @param in_iov input areas
 * @param in_count number of input areas
 * @param out_iov output areas
 * @param out_count number of output areas
 * @return 0 or -errno
 */
int fuse_reply_ioctl_retry(fuse_req_t req,
			   const struct iovec *in_iov, size_t in_count,
			   const struct iovec *out_iov, size_t out_count);

/**
 * Reply to ioctl().
 *
 * @param req request handle
 * @param result return value of the ioctl
 * @param buf output data
 * @param size bytes of output data
 * @return 0 or -errno
 */
int fuse_reply_ioctl(fuse_req_t req, int result, const void *buf, size_t size);

/**
 * Reply to ioctl() with output data in iovecs.
 *
 * @param req request handle
 * @param result return value of the ioctl
 * @param iov output data
 * @param count number of iovecs
 * @return 0 or -errno
 */
int fuse_reply_ioctl_iov(fuse_req_t req, int result, const struct iovec *iov,
			 int count);

/**
 * Reply to poll().
 *
 * @param req request handle
 * @param revents ready events
 * @return 0 or -errno
 */
int fuse_reply_poll(fuse_req_t req, unsigned revents);

/**
 * Reply to lseek().
 *
 * @param req request handle
 * @param off resulting offset
 * @return 0 or -errno
 */
int fuse_reply_lseek(fuse_req_t req, off_t off);

/**
 * Reply to statx().
 *
 * @param req request handle
 * @param flags reply flags (0)
 * @param statx attributes in the statx(2) layout
 * @param attr_timeout cache timeout in seconds
 * @return 0 or -errno
 */
int fuse_reply_statx(fuse_req_t req, int flags, struct statx *statx,
		     double attr_timeout);

/* Notifications.  Return 0, -errno, or -ENOSYS if the kernel is too old. */

/**
 * Tell the kernel that a polled file handle has events.
 *
 * @param ph handle from poll()
 * @return 0 or -errno
 */
int fuse_lowlevel_notify_poll(struct fuse_pollhandle *ph);

/**
 * Drop cached attributes and a data range of an inode.
 *
 * @param se session
 * @param ino inode
 * @param off start of the data range; negative: attributes only
 * @param len length; 0 means to the end of the file
 * @return 0 or -errno
 */
int fuse_lowlevel_notify_inval_inode(struct fuse_session *se, fuse_ino_t ino,
				     off_t off, off_t len);

/**
 * Drop a cached directory entry.
 *
 * @param se session
 * @param parent directory
 * @param name entry name
 * @param namelen length of @a name
 * @return 0 or -errno
 */
int fuse_lowlevel_notify_inval_entry(struct fuse_session *se, fuse_ino_t parent,
				     const char *name, size_t namelen);

/**
 * Mark a cached directory entry as expired without dropping it (needs
 * FUSE_CAP_EXPIRE_ONLY).
 *
 * @param se session
 * @param parent directory
 * @param name entry name
 * @param namelen length of @a name
 * @return 0 or -errno (-ENOSYS without kernel support)
 */
int fuse_lowlevel_notify_expire_entry(struct fuse_session *se, fuse_ino_t parent,
				      const char *name, size_t namelen);

/**
 * Tell the kernel that an entry was deleted (and drop it).
 *
 * @param se session
 * @param parent directory
 * @param child inode of the deleted entry
 * @param name entry name
 * @param namelen length of @a name
 * @return 0 or -errno
 */
int fuse_lowlevel_notify_delete(struct fuse_session *se,
				fuse_ino_t parent, fuse_ino_t child,
				const char *name, size_t namelen);

/**
 * Put data into the kernel's page cache of an inode.
 *
 * @param se session
 * @param ino inode
 * @param offset file offset
 * @param bufv data
 * @param flags FUSE_BUF_* copy flags
 * @return 0 or -errno
 */
int fuse_lowlevel_notify_store(struct fuse_session *se, fuse_ino_t ino,
			       off_t offset, struct fuse_bufvec *bufv,
			       enum fuse_buf_copy_flags flags);

/**
 * Ask the kernel for cached data of an inode; the data arrives in the
 * retrieve_reply() method with @a cookie.
 *
 * @param se session
 * @param ino inode
 * @param size bytes wanted
 * @param offset file offset
 * @param cookie passed back to retrieve_reply()
 * @return 0 or -errno
 */
int fuse_lowlevel_notify_retrieve(struct fuse_session *se, fuse_ino_t ino,
				  size_t size, off_t offset, void *cookie);

/**
 * Invalidate all cached entries and attributes at once by starting a new
 * epoch (protocol 7.44).
 *
 * @param se session
 * @return 0 or -errno (-ENOSYS on older kernels)
 */
int fuse_lowlevel_notify_increment_epoch(struct fuse_session *se);

/* Request utilities */

/**
 * @param req request handle
 * @return the userdata given to fuse_session_new()
 */
void *fuse_req_userdata(fuse_req_t req);

/**
 * @param req request handle
 * @return the caller context (valid until the reply)
 */
const struct fuse_ctx *fuse_req_ctx(fuse_req_t req);

/**
 * Get the supplementary groups of the caller (from /proc).
 *
 * @param req request handle
 * @param size room in @a list
 * @param list array for the groups
 * @return number of groups (may exceed @a size), or -errno
 */
int fuse_req_getgroups(fuse_req_t req, int size, gid_t list[]);

/** Callback run when a request is interrupted */
typedef void (*fuse_interrupt_func_t)(fuse_req_t req, void *data);

/**
 * Register (or, with @a func NULL, clear) an interrupt callback.  If the
 * request was already interrupted it runs at once.
 *
 * @param req request handle
 * @param func callback
 * @param data its argument
 */
void fuse_req_interrupt_func(fuse_req_t req, fuse_interrupt_func_t func,
			     void *data);

/**
 * @param req request handle
 * @return 1 if the kernel interrupted the request, else 0
 */
int fuse_req_interrupted(fuse_req_t req);

/**
 * @param req request handle
 * @return true if the request came over io_uring
 */
bool fuse_req_is_uring(fuse_req_t req);

/**
 * Get the payload buffer of an io_uring request (write data, names).
 *
 * @param req request handle
 * @param payload set to the buffer
 * @param payload_sz set to its size
 * @param mr set to a memory registration handle, or NULL
 * @return 0, or -ENOTSUP when the request did not come over io_uring
 */
int fuse_req_get_payload(fuse_req_t req, char **payload, size_t *payload_sz,
			 void **mr);

/* Help and version printers */

/** Print the library and protocol versions */
void fuse_lowlevel_version(void);

/** Print the options fuse_session_new() understands */
void fuse_lowlevel_help(void);

/** Print the options fuse_parse_cmdline() understands */
void fuse_cmdline_help(void);

/* Command line */

/** Result of fuse_parse_cmdline() */
struct fuse_cmdline_opts {
	int singlethread;
	int foreground;
	int debug;
	int nodefault_subtype;
	char *mountpoint;
	int show_version;
	int show_help;
	int clone_fd;
	unsigned int max_idle_threads;	/* discouraged: thread churn */

	/* Added in 3.12 */
	unsigned int max_threads;
};

/**
 * Parse -h/--help, -V/--version, -d/-o debug, -f, -s, -o clone_fd,
 * -o max_idle_threads=N, -o max_threads=N and the mount point; add a
 * subtype= option from argv[0] unless one is given.
 *
 * @param args argument vector; parsed entries are removed
 * @param opts result (mountpoint is malloc'ed)
 * @return 0 on success, -1 on failure
 */
#if (defined(LIBFUSE_BUILT_WITH_VERSIONED_SYMBOLS))
int fuse_parse_cmdline(struct fuse_args *args,
		       struct fuse_cmdline_opts *opts);
#else
#if FUSE_USE_VERSION < FUSE_MAKE_VERSION(3, 12)
/** fuse_parse_cmdline() of API before 3.12 (no max_threads) */
int fuse_parse_cmdline_30(struct fuse_args *args,
			  struct fuse_cmdline_opts *opts);
#define fuse_parse_cmdline(args, opts) fuse_parse_cmdline_30(args, opts)
#else
/** fuse_parse_cmdline() of API 3.12+ */
int fuse_parse_cmdline_312(struct fuse_args *args,
			   struct fuse_cmdline_opts *opts);
#define fuse_parse_cmdline(args, opts) fuse_parse_cmdline_312(args, opts)
#endif
#endif

/* Session lifecycle */

/**
 * Create a session (implementation behind fuse_session_new()).
 *
 * Parses and removes -d/-o debug, -o allow_root, -o io_uring,
 * -o io_uring_q_depth=N and the mount options from @a args; any option
 * left over is an error.
 *
 * @param args argument vector
 * @param op operations
 * @param op_size sizeof(*op) of the caller
 * @param version library version the caller was compiled against
 * @param userdata passed to the operations
 * @return the session, or NULL on failure (logged)
 */
struct fuse_session *
fuse_session_new_versioned(struct fuse_args *args,
			   const struct fuse_lowlevel_ops *op,
			   size_t op_size, struct libfuse_version *version,
			   void *userdata);

/**
 * Create a session, recording the library version of these headers.
 *
 * @param args argument vector
 * @param op operations
 * @param op_size sizeof(*op)
 * @param userdata passed to the operations
 * @return the session, or NULL on failure
 */
static inline struct fuse_session *
fuse_session_new_fn(struct fuse_args *args, const struct fuse_lowlevel_ops *op,
		    size_t op_size, void *userdata)
{
	struct libfuse_version version = {
		FUSE_MAJOR_VERSION, FUSE_MINOR_VERSION, FUSE_HOTFIX_VERSION, 0
	};

	return fuse_session_new_versioned(args, op, op_size, &version,
					  userdata);
}
#define fuse_session_new(args, op, op_size, userdata) \
	fuse_session_new_fn(args, op, op_size, userdata)

/**
 * Use custom I/O functions instead of read/writev on a /dev/fuse fd
 * (3.17 form, with the size of struct fuse_custom_io).
 *
 * @param se session (not mounted)
 * @param io I/O functions; writev and read are required
 * @param op_size sizeof(*io) of the caller
 * @param fd connection fd passed to the functions
 * @return 0, -EINVAL, -ENOMEM or -EBUSY
 */
int fuse_session_custom_io_317(struct fuse_session *se,
			       const struct fuse_custom_io *io,
			       size_t op_size, int fd);

/**
 * Use custom I/O functions (3.0 form, without the size argument).
 *
 * @param se session (not mounted)
 * @param io I/O functions
 * @param fd connection fd
 * @return 0 or -errno
 */
int fuse_session_custom_io_30(struct fuse_session *se,
			      const struct fuse_custom_io *io, int fd);

#if FUSE_USE_VERSION >= FUSE_MAKE_VERSION(3, 17)
/**
 * Use custom I/O functions instead of /dev/fuse.
 *
 * @param se session
 * @param io I/O functions
 * @param fd connection fd
 * @return 0 or -errno
 */
static inline int fuse_session_custom_io_fn(struct fuse_session *se,
					    const struct fuse_custom_io *io,
					    int fd)
{
	return fuse_session_custom_io_317(se, io, sizeof(*io), fd);
}
#else
/**
 * Use custom I/O functions instead of /dev/fuse (API before 3.17).
 *
 * @param se session
 * @param io I/O functions
 * @param fd connection fd
 * @return 0 or -errno
 */
static inline int fuse_session_custom_io_fn(struct fuse_session *se,
					    const struct fuse_custom_io *io,
					    int fd)
{
	return fuse_session_custom_io_30(se, io, fd);
}
#endif
#define fuse_session_custom_io(se, io, fd) fuse_session_custom_io_fn(se, io, fd)

/**
 * Mount the file system.
 *
 * @param se session
 * @param mountpoint directory, or /dev/fd/N for an fd opened and mounted
 *        by a parent process
 * @return 0 on success, -1 on failure (logged)
 */
int fuse_session_mount(struct fuse_session *se, const char *mountpoint);

/**
 * Serve requests in the calling thread until the session ends.
 *
 * @param se session
 * @return 0 (unmounted / fuse_session_exit()), -errno, or the number of the
 *         signal that ended it
 */
int fuse_session_loop(struct fuse_session *se);

#if FUSE_USE_VERSION < 32
/**
 * Multi-threaded loop of API 3.0/3.1.
 *
 * @param se session
 * @param clone_fd give every worker its own /dev/fuse fd
 * @return 0, -errno, or the number of the signal that ended it
 */
int fuse_session_loop_mt_31(struct fuse_session *se, int clone_fd);
#define fuse_session_loop_mt(se, clone_fd) fuse_session_loop_mt_31(se, clone_fd)
#elif FUSE_USE_VERSION < FUSE_MAKE_VERSION(3, 12)
/**
 * Multi-threaded loop of API 3.2 .. 3.11 (public struct fuse_loop_config).
 *
 * @param se session
 * @param config loop configuration (NULL: defaults)
 * @return 0, -errno, or the number of the signal that ended it
 */
int fuse_session_loop_mt_32(struct fuse_session *se,
			    struct fuse_loop_config *config);
#define fuse_session_loop_mt(se, config) fuse_session_loop_mt_32(se, config)
#else
#if (defined(LIBFUSE_BUILT_WITH_VERSIONED_SYMBOLS))
/**
 * Serve requests with a pool of worker threads until the session ends.
 *
 * @param se session
 * @param config loop configuration (NULL: defaults)
 * @return 0, -errno, or the number of the signal that ended it
 */
int fuse_session_loop_mt(struct fuse_session *se,
			 struct fuse_loop_config *config);
#else
/**
 * Multi-threaded loop of API 3.12+ (opaque fuse_loop_config), for builds
 * without symbol versioning.
 *
 * @param se session
 * @param config loop configuration (NULL: defaults)
 * @return 0, -errno, or the number of the signal that ended it
 */
int fuse_session_loop_mt_312(struct fuse_session *se,
			     struct fuse_loop_config *config);
#define fuse_session_loop_mt(se, config) fuse_session_loop_mt_312(se, config)
#endif
#endif

/**
 * End the session: every loop returns soon.  Async-signal-safe.
 *
 * @param se session
 */
void fuse_session_exit(struct fuse_session *se);

/**
 * Clear the exited state so a loop may run again.
 *
 * @param se session
 */
void fuse_session_reset(struct fuse_session *se);

/**
 * @param se session
 * @return non-zero once the session was told to exit
 */
int fuse_session_exited(struct fuse_session *se);

/**
 * Unmount the file system (no-op if it is not mounted).
 *
 * @param se session
 */
void fuse_session_unmount(struct fuse_session *se);

/**
 * Destroy the session (calls destroy() if init() ran) and free it.
 *
 * @param se session
 */
void fuse_session_destroy(struct fuse_session *se);

/* Custom event loops */

/**
 * @param se session
 * @return the /dev/fuse (or custom I/O) fd, -1 before mount
 */
int fuse_session_fd(struct fuse_session *se);

/**
 * Decode and dispatch one request read with fuse_session_receive_buf().
 *
 * @param se session
 * @param buf the request
 */
void fuse_session_process_buf(struct fuse_session *se,
			      const struct fuse_buf *buf);

/**
 * Read one request.  An empty @a buf gets a buffer allocated (free
 * buf->mem when done).
 *
 * @param se session
 * @param buf buffer
 * @return bytes read, 0 at unmount, -EINTR/-EAGAIN to retry, or -errno
 */
int fuse_session_receive_buf(struct fuse_session *se, struct fuse_buf *buf);

#ifdef __cplusplus
}
#endif

#endif /* FUSE_LOWLEVEL_H_ */
