/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuse_common.h - declarations shared by every FUSE API level.
 *
 * Source-compatible with libfuse 3.18: same names, same layouts (checked by
 * the static assertions at the end), same FUSE_USE_VERSION behaviour.
 */

/** @file */

#if !defined(FUSE_H_) && !defined(FUSE_LOWLEVEL_H_)
#error "Never include <fuse_common.h> directly; use <fuse_lowlevel.h> instead."
#endif

#ifndef FUSE_COMMON_H_
#define FUSE_COMMON_H_

#include "libfuse_config.h"

#include "fuse_opt.h"
#include "fuse_log.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/** Make a version number usable in FUSE_USE_VERSION comparisons (3.18 -> 318) */
#define FUSE_MAKE_VERSION(maj, min)  ((maj) * 100 + (min))
/** Version of the library these headers describe */
#define FUSE_VERSION FUSE_MAKE_VERSION(FUSE_MAJOR_VERSION, FUSE_MINOR_VERSION)

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Information about an open file (or directory).
 *
 * The library fills the fields that come from the kernel; the file system may
 * set the "can be filled in by open" fields in open(), create() and opendir().
 * This struct is 64 bytes and part of the ABI.
 */
struct fuse_file_info {
	/** Open flags (O_*); available in open(), create() and release() */
	int32_t flags;

	/** Write caused by the page cache writing back a dirty page */
	uint32_t writepage : 1;

	/** Set in open() to bypass the page cache for this file */
	uint32_t direct_io : 1;

	/** Set in open() to keep cached data from an earlier open */
	uint32_t keep_cache : 1;

	/** The request is a flush (flush(), and release() of a flushing close) */
	uint32_t flush : 1;

	/** Set in open() to mark the file as not seekable */
	uint32_t nonseekable : 1;

	/** In release(): flock locks of lock_owner must be released */
	uint32_t flock_release : 1;

	/** Set in opendir() to let the kernel cache the directory contents */
	uint32_t cache_readdir : 1;

	/** Set in open() so that close() does not send a flush */
	uint32_t noflush : 1;

	/** Set in open() to allow concurrent direct writes to the same inode */
	uint32_t parallel_direct_writes : 1;

	/** Reserved, keep zero */
	uint32_t padding : 23;
	/** Reserved, keep zero */
	uint32_t padding2 : 32;
	/** Reserved, keep zero */
	uint32_t padding3 : 32;

	/** File handle chosen by the file system in open/create/opendir */
	uint64_t fh;

	/** Lock owner; valid in locking operations, flush and release */
	uint64_t lock_owner;

	/** Events requested in poll() (zero on kernels that do not send them) */
	uint32_t poll_events;

	/**
	 * Backing file id from fuse_passthrough_open(); set in open() or
	 * create() to let the kernel do this file's I/O directly.
	 */
	int32_t backing_id;

	/** Reserved for flags of compatibility shims, keep zero */
	uint64_t compat_flags;

	/** Reserved, keep zero */
	uint64_t reserved[2];
};

/**
 * Loop configuration of API versions before 3.12.
 *
 * Since 3.12 struct fuse_loop_config is opaque and made with
 * fuse_loop_cfg_create(); this is the old public layout.
 */
#if FUSE_USE_VERSION < FUSE_MAKE_VERSION(3, 12)
struct fuse_loop_config_v1;
struct fuse_loop_config {
#else
struct fuse_loop_config_v1 {
#endif
	/** Give every worker thread its own /dev/fuse fd (FUSE_DEV_IOC_CLONE) */
	int clone_fd;

	/** Idle worker threads kept before they exit */
	unsigned int max_idle_threads;
};

/*
 * Capability bits for fuse_conn_info.capable / .want and their 64-bit
 * counterparts capable_ext / want_ext.  Use fuse_set_feature_flag() and
 * friends to change them.
 */

/** Concurrent read requests per file handle. Default: on. */
#define FUSE_CAP_ASYNC_READ		(1UL << 0)

/** Remote POSIX locks (getlk/setlk). Default: on when getlk and setlk exist. */
#define FUSE_CAP_POSIX_LOCKS		(1UL << 1)

/** open() handles O_TRUNC. Default: on. */
#define FUSE_CAP_ATOMIC_O_TRUNC		(1UL << 3)

/** Lookups of "." and ".." are handled (NFS export). Default: off. */
#define FUSE_CAP_EXPORT_SUPPORT		(1UL << 4)

/** The kernel does not apply the umask on create. Default: off. */
#define FUSE_CAP_DONT_MASK		(1UL << 6)

/**
 * Use splice(2) to write replies to the device. Default: off.
 * (Accepted as a hint; this library currently always uses writev.)
 */
#define FUSE_CAP_SPLICE_WRITE		(1UL << 7)

/** Move pages instead of copying when splicing. Default: off. (Hint.) */
#define FUSE_CAP_SPLICE_MOVE		(1UL << 8)

/**
 * Use splice(2) to read requests. Default: on when write_buf exists.
 * (Accepted as a hint; this library currently always uses read.)
 */
#define FUSE_CAP_SPLICE_READ		(1UL << 9)

/** Remote BSD flock locks. Default: on when flock exists. */
#define FUSE_CAP_FLOCK_LOCKS		(1UL << 10)

/** ioctl on directories. Default: on. */
#define FUSE_CAP_IOCTL_DIR		(1UL << 11)

/**
 * Check attribute validity on every read and drop cached data when mtime
 * changed. Default: on.
 */
#define FUSE_CAP_AUTO_INVAL_DATA	(1UL << 12)

/** READDIRPLUS. Default: on when readdirplus exists. */
#define FUSE_CAP_READDIRPLUS		(1UL << 13)

/** Adaptive READDIRPLUS. Default: on when readdirplus exists. */
#define FUSE_CAP_READDIRPLUS_AUTO	(1UL << 14)

/** Asynchronous direct I/O submission. Default: on. */
#define FUSE_CAP_ASYNC_DIO		(1UL << 15)

/** Writeback caching of buffered writes. Default: off. */
#define FUSE_CAP_WRITEBACK_CACHE	(1UL << 16)

/** ENOSYS from open() means success for all later opens (capable only). */
#define FUSE_CAP_NO_OPEN_SUPPORT	(1UL << 17)

/** Lookups and readdirs of one directory may run in parallel. Default: on. */
#define FUSE_CAP_PARALLEL_DIROPS	(1UL << 18)

/** POSIX ACLs enforced by the kernel (implies default_permissions). Default: off. */
#define FUSE_CAP_POSIX_ACL		(1UL << 19)

/** The file system clears suid/sgid on write, truncate and chown. Default: on. */
#define FUSE_CAP_HANDLE_KILLPRIV	(1UL << 20)

/** Like HANDLE_KILLPRIV with the VFS's rules (CAP_FSETID, group exec). Default: off. */
#define FUSE_CAP_HANDLE_KILLPRIV_V2	(1UL << 21)

/** The kernel caches readlink replies. Default: off. */
#define FUSE_CAP_CACHE_SYMLINKS		(1UL << 23)

/** ENOSYS from opendir() means success for all later opendirs (capable only). */
#define FUSE_CAP_NO_OPENDIR_SUPPORT	(1UL << 24)

/** Cached data is only dropped on explicit invalidation. Default: off. */
#define FUSE_CAP_EXPLICIT_INVAL_DATA	(1UL << 25)

/** The kernel supports fuse_lowlevel_notify_expire_entry() (capable only). */
#define FUSE_CAP_EXPIRE_ONLY		(1UL << 26)

/** setxattr receives the extended flags (fuse_setxattr_in). Default: off. */
#define FUSE_CAP_SETXATTR_EXT		(1UL << 27)

/** Shared mmap allowed on direct_io files. Default: off. */
#define FUSE_CAP_DIRECT_IO_ALLOW_MMAP	(1UL << 28)
/** Old name of FUSE_CAP_DIRECT_IO_ALLOW_MMAP */
#define FUSE_CAP_DIRECT_IO_RELAX	FUSE_CAP_DIRECT_IO_ALLOW_MMAP

/** Kernel passthrough of file I/O to backing files. Default: off. */
#define FUSE_CAP_PASSTHROUGH		(1UL << 29)

/** Refuse NFS export explicitly. Default: off. */
#define FUSE_CAP_NO_EXPORT_SUPPORT	(1UL << 30)

/** FUSE over io_uring (requested with -o io_uring). */
#define FUSE_CAP_OVER_IO_URING		(1UL << 31)

/**
 * Values of fuse_conn_info.max_backing_stack_depth.  The kernel allows a
 * stack of FILESYSTEM_MAX_STACK_DEPTH (2) including the FUSE layer.
 */
/** Backing files may not be on a stacked fs; others may stack over us */
#define FUSE_BACKING_STACKED_UNDER	(0)
/** Backing files may be on a stacked fs; nothing may stack over us */
#define FUSE_BACKING_STACKED_OVER	(1)

/* Flags of fuse_ioctl() (the same values as the kernel's) */
#define FUSE_IOCTL_COMPAT	(1 << 0)
#define FUSE_IOCTL_UNRESTRICTED	(1 << 1)
#define FUSE_IOCTL_RETRY	(1 << 2)
#define FUSE_IOCTL_DIR		(1 << 4)

/** Largest in_count + out_count of fuse_reply_ioctl_retry() */
#define FUSE_IOCTL_MAX_IOV	256

/**
 * Connection parameters, passed to the init() method.
 *
 * Read-only fields come from the kernel; the file system may lower the
 * tunables and choose features in want / want_ext.  128 bytes, part of the ABI.
 */
struct fuse_conn_info {
	/** Protocol major version (read-only) */
	uint32_t proto_major;

	/** Protocol minor version (read-only) */
	uint32_t proto_minor;

	/** Largest WRITE payload the file system accepts */
	uint32_t max_write;

	/**
	 * Largest READ the kernel sends; 0 means the kernel's limit.
	 * Must also be given as the max_read= mount option.
	 */
	uint32_t max_read;

	/** Maximum readahead */
	uint32_t max_readahead;

	/** Low 32 capability bits the kernel offers (read-only) */
	uint32_t capable;

	/**
	 * Low 32 capability bits the file system wants.
	 *
	 * Kept for old code; a change here is merged into want_ext after
	 * init() (see fuse_convert_to_conn_want_ext()).
	 */
	uint32_t want;

	/** Maximum number of pending background requests */
	uint32_t max_background;

	/** Pending background requests at which the kernel sees congestion */
	uint32_t congestion_threshold;

	/** Timestamp granularity in ns (power of 10; 0 = 1 s) */
	uint32_t time_gran;

	/**
	 * Stacking depth of passthrough backing files (0 disables
	 * passthrough; at most FILESYSTEM_MAX_STACK_DEPTH of the kernel).
	 */
	uint32_t max_backing_stack_depth;

	/** Do not handle FUSE_INTERRUPT (saves a lock per request) */
	uint32_t no_interrupt : 1;

	/** Reserved, keep zero */
	uint32_t padding : 31;

	/** All capability bits the kernel offers (read-only) */
	uint64_t capable_ext;

	/** All capability bits the file system wants */
	uint64_t want_ext;

	/** Request timeout in seconds the kernel enforces (0 = none) */
	uint16_t request_timeout;

	/** Reserved, keep zero */
	uint16_t reserved[31];
};

struct fuse_session;
struct fuse_pollhandle;
struct fuse_conn_info_opts;

/**
 * Parse options that override fields of struct fuse_conn_info.
 *
 * Recognised: max_write=N, max_readahead=N, max_background=N,
 * congestion_threshold=N, [no_]async_read / sync_read, atomic_o_trunc,
 * no_remote_lock, no_remote_flock, no_remote_posix_lock, [no_]splice_write,
 * [no_]splice_move, [no_]splice_read, [no_]auto_inval_data,
 * readdirplus=yes|no|auto, [no_]async_dio, [no_]writeback_cache,
 * time_gran=N.  Known options are removed from @a args.
 *
 * @param args argument vector (input and output)
 * @return parsed options (free with free()), or NULL on error
 */
struct fuse_conn_info_opts *fuse_parse_conn_info_opts(struct fuse_args *args);

/**
 * Apply options parsed by fuse_parse_conn_info_opts() to @a conn.
 * Call it from the init() method.
 *
 * @param opts parsed options
 * @param conn connection information to change
 */
void fuse_apply_conn_info_opts(struct fuse_conn_info_opts *opts,
			       struct fuse_conn_info *conn);

/**
 * Go to the background unless @a foreground is set; in both cases redirect
 * stdio to /dev/null and chdir to "/" (foreground keeps stdio).
 *
 * @param foreground stay in the foreground
 * @return 0 on success, -1 on failure
 */
int fuse_daemonize(int foreground);

/**
 * Mount a file system and return its /dev/fuse descriptor.
 *
 * Opens /dev/fuse and mounts it on @a mountpoint with the comma-separated
 * mount @a options (the same -o options fuse_session_new() accepts for
 * the mount, e.g. "allow_other,fsname=x"); without the privilege to mount
 * it goes through fusermount3.  The caller then drives the descriptor
 * itself, for example with fuse_session_custom_io() or by handing it to a
 * session as a /dev/fd/N mountpoint.
 *
 * @param mountpoint where to mount
 * @param options mount options (may be NULL or empty)
 * @return the /dev/fuse file descriptor, or -1 on failure (logged)
 */
int fuse_open_channel(const char *mountpoint, const char *options);

/**
 * @return the library version as FUSE_VERSION (e.g. 318)
 */
int fuse_version(void);

/**
 * @return the full library version as a string (e.g. "3.18.0")
 */
const char *fuse_pkgversion(void);

/**
 * Free a poll handle received in the poll() method.
 *
 * @param ph the handle (NULL is allowed)
 */
void fuse_pollhandle_destroy(struct fuse_pollhandle *ph);

/* Data buffers */

/** Flags of struct fuse_buf */
enum fuse_buf_flags {
	/** The buffer is a file descriptor (.fd), not memory (.mem) */
	FUSE_BUF_IS_FD		= (1 << 1),

	/** Seek to .pos before using the file descriptor */
	FUSE_BUF_FD_SEEK	= (1 << 2),

	/** Retry fd I/O until .size bytes were moved, EOF, or an error */
	FUSE_BUF_FD_RETRY	= (1 << 3)
};

/** Flags of fuse_buf_copy() */
enum fuse_buf_copy_flags {
	/** Never use splice(2); copy through memory */
	FUSE_BUF_NO_SPLICE	= (1 << 1),

	/** Always splice between fds; -EINVAL if that is impossible */
	FUSE_BUF_FORCE_SPLICE	= (1 << 2),

	/** Try SPLICE_F_MOVE when splicing */
	FUSE_BUF_SPLICE_MOVE	= (1 << 3),

	/** Use SPLICE_F_NONBLOCK on the pipe */
	FUSE_BUF_SPLICE_NONBLOCK = (1 << 4)
};

/**
 * One data buffer: memory or a file descriptor.
 */
struct fuse_buf {
	/** Bytes of data */
	size_t size;

	/** FUSE_BUF_* flags */
	enum fuse_buf_flags flags;

	/** Memory, unless FUSE_BUF_IS_FD */
	void *mem;

	/** File descriptor, if FUSE_BUF_IS_FD */
	int fd;

	/** Position in the file, if FUSE_BUF_FD_SEEK */
	off_t pos;

	/**
	 * Allocated size of .mem when the library allocated it (0 when the
	 * caller owns the memory).
	 */
	size_t mem_size;
};

/**
 * A vector of data buffers with a read position (idx, off).
 *
 * Allocate it dynamically to hold more than one buffer.
 */
struct fuse_bufvec {
	/** Number of buffers */
	size_t count;

	/** Index of the current buffer */
	size_t idx;

	/** Offset within the current buffer */
	size_t off;

	/** The buffers */
	struct fuse_buf buf[1];
};

/**
 * Version of the library a program was compiled against; passed by the
 * inline fuse_session_new() to fuse_session_new_versioned().
 */
struct libfuse_version {
	uint32_t major;
	uint32_t minor;
	uint32_t hotfix;
	uint32_t padding;
};

/** Initialise a fuse_bufvec holding one memory buffer of @a size__ bytes */
#define FUSE_BUFVEC_INIT(size__)					\
	((struct fuse_bufvec) {						\
		/* .count= */ 1,					\
		/* .idx =  */ 0,					\
		/* .off =  */ 0,					\
		/* .buf =  */ { /* [0] = */ {				\
			/* .size =  */ (size__),			\
			/* .flags = */ (enum fuse_buf_flags) 0,		\
			/* .mem =   */ NULL,				\
			/* .fd =    */ -1,				\
			/* .pos =   */ 0,				\
			/* .mem_size = */ 0,				\
		} }							\
	} )

/**
 * @param bufv buffer vector
 * @return total number of data bytes in @a bufv
 */
size_t fuse_buf_size(const struct fuse_bufvec *bufv);

/**
 * Copy data from one buffer vector to another.
 *
 * @param dst destination
 * @param src source
 * @param flags FUSE_BUF_* copy flags
 * @return bytes copied, or -errno
 */
ssize_t fuse_buf_copy(struct fuse_bufvec *dst, struct fuse_bufvec *src,
		      enum fuse_buf_copy_flags flags);

/* Signal handling */

/**
 * End the session on SIGHUP, SIGINT and SIGTERM; ignore SIGPIPE.
 *
 * Only one session per process may have handlers installed.
 *
 * @param se the session to end
 * @return 0 on success, -1 on failure
 */
int fuse_set_signal_handlers(struct fuse_session *se);

/**
 * Print a backtrace and end the session on SIGSEGV, SIGBUS, SIGILL, SIGFPE
 * and SIGABRT.
 *
 * @param se the session to end
 * @return 0 on success, -1 on failure
 */
int fuse_set_fail_signal_handlers(struct fuse_session *se);

/**
 * Restore the default handlers installed by fuse_set_signal_handlers().
 *
 * @param se the session given to fuse_set_signal_handlers()
 */
void fuse_remove_signal_handlers(struct fuse_session *se);

/* Multi-threaded loop configuration (opaque since 3.12) */

/**
 * @return a new loop configuration with defaults (max_threads 10,
 *         max_idle_threads -1 = unlimited, clone_fd 0), or NULL
 */
struct fuse_loop_config *fuse_loop_cfg_create(void);

/** Free a configuration from fuse_loop_cfg_create() */
void fuse_loop_cfg_destroy(struct fuse_loop_config *config);

/** Set the number of idle worker threads kept alive */
void fuse_loop_cfg_set_idle_threads(struct fuse_loop_config *config,
				    unsigned int value);

/** Set the maximum number of worker threads */
void fuse_loop_cfg_set_max_threads(struct fuse_loop_config *config,
				   unsigned int value);

/** Enable (1) or disable (0) one /dev/fuse fd per worker */
void fuse_loop_cfg_set_clone_fd(struct fuse_loop_config *config,
				unsigned int value);

/**
 * Copy the settings of an old (pre-3.12) configuration into @a config.
 *
 * @param config configuration to update
 * @param v1_conf old configuration
 */
void fuse_loop_cfg_convert(struct fuse_loop_config *config,
			   struct fuse_loop_config_v1 *v1_conf);

/* Feature flags */

/**
 * Enable a capability if the kernel offers it.
 *
 * Sets @a flag in conn->want_ext (and in conn->want for the low 32 bits)
 * if conn->capable_ext has it.  Only @a conn is written, so this works on
 * any struct fuse_conn_info, including a copy outside the session.
 *
 * @param conn connection information (in init())
 * @param flag one FUSE_CAP_* bit
 * @return true if it was enabled, false if the kernel lacks it
 */
bool fuse_set_feature_flag(struct fuse_conn_info *conn, uint64_t flag);

/**
 * Disable a capability.
 *
 * Clears @a flag in conn->want_ext and conn->want; only @a conn is written.
 *
 * @param conn connection information (in init())
 * @param flag one FUSE_CAP_* bit
 */
void fuse_unset_feature_flag(struct fuse_conn_info *conn, uint64_t flag);

/**
 * Test a capability bit.
 *
 * Like libfuse 3.18 this reports what the kernel offers (capable_ext),
 * not what is wanted; test conn->want_ext for the latter.
 *
 * @param conn connection information
 * @param flag one FUSE_CAP_* bit
 * @return true if the kernel offers the capability
 */
bool fuse_get_feature_flag(struct fuse_conn_info *conn, uint64_t flag);

/**
 * Merge a change of the 32-bit conn->want into conn->want_ext.
 *
 * The library calls it after init(); it is exported for tests.  If only
 * want changed, its value replaces the low 32 bits of want_ext; if both
 * changed and disagree, that is an error.  Afterwards want mirrors the low
 * 32 bits of want_ext.  "Changed" means against the values before init(),
 * moved by what fuse_set_feature_flag() / fuse_unset_feature_flag() did
 * during init().  On a conn that is not the one of an init() running in
 * this thread there is no such baseline: if want and the low 32 bits of
 * want_ext disagree, want is taken.
 *
 * @param conn connection information
 * @return 0 on success, -EINVAL if want and want_ext were both changed
 */
int fuse_convert_to_conn_want_ext(struct fuse_conn_info *conn);

/* Compatibility */

#if !defined(FUSE_USE_VERSION) || FUSE_USE_VERSION < 30
#  error only API version 30 or greater is supported
#endif

#ifdef __cplusplus
}
#endif

/* The interface uses a 64-bit off_t; build with -D_FILE_OFFSET_BITS=64. */
#if !defined(__cplusplus)
_Static_assert(sizeof(off_t) == 8, "fuse: off_t must be 64bit");
_Static_assert(sizeof(struct fuse_file_info) == 64,
	       "fuse: struct fuse_file_info must be 64 bytes");
_Static_assert(sizeof(struct fuse_conn_info) == 128,
	       "fuse: struct fuse_conn_info must be 128 bytes");
#else
static_assert(sizeof(off_t) == 8, "fuse: off_t must be 64bit");
static_assert(sizeof(struct fuse_file_info) == 64,
	      "fuse: struct fuse_file_info must be 64 bytes");
static_assert(sizeof(struct fuse_conn_info) == 128,
	      "fuse: struct fuse_conn_info must be 128 bytes");
#endif

#endif /* FUSE_COMMON_H_ */
