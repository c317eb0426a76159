/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause) */
/*
 * fuse_kernel.h - the FUSE wire protocol between the kernel and a server.
 *
 * This is our own description of the stock Linux FUSE userspace ABI, protocol
 * version 7.45 (Linux 6.18).  Every number and layout below was checked
 * against the kernel's include/uapi/linux/fuse.h; names are kept identical so
 * that servers written for libfuse's copy of this header build unchanged.
 *
 * Protocol history of the minors this library negotiates (7.12 .. 7.45):
 *   7.12  umask in create/mknod/mkdir, inode/entry invalidation notifications
 *   7.13  max_background / congestion_threshold in INIT
 *   7.14  splice on the device
 *   7.15  NOTIFY_STORE, NOTIFY_RETRIEVE
 *   7.16  BATCH_FORGET, fuse_ioctl_iovec for unrestricted ioctls
 *   7.17  FLOCK_LOCKS, RELEASE_FLOCK_UNLOCK
 *   7.18  IOCTL_DIR, NOTIFY_DELETE
 *   7.19  FALLOCATE
 *   7.20  AUTO_INVAL_DATA
 *   7.21  READDIRPLUS, poll events
 *   7.22  ASYNC_DIO
 *   7.23  WRITEBACK_CACHE, time_gran, RENAME2, FATTR_CTIME, NO_OPEN_SUPPORT
 *   7.24  LSEEK
 *   7.25  PARALLEL_DIROPS
 *   7.26  HANDLE_KILLPRIV, POSIX_ACL
 *   7.27  ABORT_ERROR
 *   7.28  COPY_FILE_RANGE, FOPEN_CACHE_DIR, MAX_PAGES, CACHE_SYMLINKS
 *   7.29  NO_OPENDIR_SUPPORT
 *   7.30  EXPLICIT_INVAL_DATA, IOCTL_COMPAT_X32
 *   7.31  WRITE_KILL_PRIV, SETUPMAPPING/REMOVEMAPPING (virtiofs DAX)
 *   7.32  fuse_attr.flags, FUSE_ATTR_SUBMOUNT, SUBMOUNTS
 *   7.33  HANDLE_KILLPRIV_V2, open_flags in open/create, SETXATTR_EXT
 *   7.34  SYNCFS
 *   7.35  FOPEN_NOFLUSH
 *   7.36  INIT_EXT, flags2 in INIT, SECURITY_CTX, HAS_INODE_DAX
 *   7.37  TMPFILE
 *   7.38  EXPIRE_ONLY, PARALLEL_DIRECT_WRITES, total_extlen, ext headers,
 *         EXT_GROUPS, CREATE_SUPP_GROUP, HAS_EXPIRE_ONLY
 *   7.39  DIRECT_IO_ALLOW_MMAP, STATX
 *   7.40  PASSTHROUGH (max_stack_depth, backing_id), NO_EXPORT_SUPPORT,
 *         NOTIFY_RESEND, HAS_RESEND
 *   7.41  ALLOW_IDMAP
 *   7.42  OVER_IO_URING and the io_uring structures
 *   7.43  REQUEST_TIMEOUT
 *   7.44  NOTIFY_INC_EPOCH
 *   7.45  COPY_FILE_RANGE_64, fuse_copy_file_range_out, NOTIFY_PRUNE
 */

#ifndef _LINUX_FUSE_H
#define _LINUX_FUSE_H

#include <stdint.h>
#include <stddef.h>
#include <sys/ioctl.h>

/*
 * Version negotiation: the kernel sends its (major, minor) in INIT; when the
 * majors agree both sides use the smaller minor.  A kernel with a larger
 * major gets our major back and sends a new INIT.
 */

/** Major version of the protocol described here */
#define FUSE_KERNEL_VERSION 7

/** Minor version of the protocol described here */
#define FUSE_KERNEL_MINOR_VERSION 45

/** Node id of the root directory */
#define FUSE_ROOT_ID 1

/* All structures are padded to 8 bytes so 32-bit servers work on 64-bit kernels. */

/** Attributes of an inode as the kernel caches them (88 bytes) */
struct fuse_attr {
	uint64_t	ino;
	uint64_t	size;
	uint64_t	blocks;
	uint64_t	atime;
	uint64_t	mtime;
	uint64_t	ctime;
	uint32_t	atimensec;
	uint32_t	mtimensec;
	uint32_t	ctimensec;
	uint32_t	mode;
	uint32_t	nlink;
	uint32_t	uid;
	uint32_t	gid;
	uint32_t	rdev;
	uint32_t	blksize;
	uint32_t	flags;		/* FUSE_ATTR_* (7.32) */
};

/** Timestamp in the statx(2) layout */
struct fuse_sx_time {
	int64_t		tv_sec;
	uint32_t	tv_nsec;
	int32_t		__reserved;
};

/** statx(2)-compatible attributes (256 bytes) */
struct fuse_statx {
	uint32_t	mask;
	uint32_t	blksize;
	uint64_t	attributes;
	uint32_t	nlink;
	uint32_t	uid;
	uint32_t	gid;
	uint16_t	mode;
	uint16_t	__spare0[1];
	uint64_t	ino;
	uint64_t	size;
	uint64_t	blocks;
	uint64_t	attributes_mask;
	struct fuse_sx_time	atime;
	struct fuse_sx_time	btime;
	struct fuse_sx_time	ctime;
	struct fuse_sx_time	mtime;
	uint32_t	rdev_major;
	uint32_t	rdev_minor;
	uint32_t	dev_major;
	uint32_t	dev_minor;
	uint64_t	__spare2[14];
};

/** File system statistics */
struct fuse_kstatfs {
	uint64_t	blocks;
	uint64_t	bfree;
	uint64_t	bavail;
	uint64_t	files;
	uint64_t	ffree;
	uint32_t	bsize;
	uint32_t	namelen;
	uint32_t	frsize;
	uint32_t	padding;
	uint32_t	spare[6];
};

/** A POSIX or BSD lock range */
struct fuse_file_lock {
	uint64_t	start;
	uint64_t	end;
	uint32_t	type;
	uint32_t	pid;		/* thread group id */
};

/* fuse_setattr_in.valid */
#define FATTR_MODE		(1 << 0)
#define FATTR_UID		(1 << 1)
#define FATTR_GID		(1 << 2)
#define FATTR_SIZE		(1 << 3)
#define FATTR_ATIME		(1 << 4)
#define FATTR_MTIME		(1 << 5)
#define FATTR_FH		(1 << 6)
#define FATTR_ATIME_NOW		(1 << 7)
#define FATTR_MTIME_NOW		(1 << 8)
#define FATTR_LOCKOWNER		(1 << 9)
#define FATTR_CTIME		(1 << 10)
#define FATTR_KILL_SUIDGID	(1 << 11)

/* fuse_open_out.open_flags */
#define FOPEN_DIRECT_IO			(1 << 0)	/* bypass the page cache */
#define FOPEN_KEEP_CACHE		(1 << 1)	/* keep cached data on open */
#define FOPEN_NONSEEKABLE		(1 << 2)	/* file is not seekable */
#define FOPEN_CACHE_DIR			(1 << 3)	/* cache directory contents */
#define FOPEN_STREAM			(1 << 4)	/* no file position at all */
#define FOPEN_NOFLUSH			(1 << 5)	/* no flush on close */
#define FOPEN_PARALLEL_DIRECT_WRITES	(1 << 6)	/* concurrent direct writes */
#define FOPEN_PASSTHROUGH		(1 << 7)	/* I/O goes to backing_id */

/* INIT flags (fuse_init_in/out.flags; bits 32..63 travel in flags2) */
#define FUSE_ASYNC_READ		(1 << 0)
#define FUSE_POSIX_LOCKS	(1 << 1)
#define FUSE_FILE_OPS		(1 << 2)
#define FUSE_ATOMIC_O_TRUNC	(1 << 3)
#define FUSE_EXPORT_SUPPORT	(1 << 4)
#define FUSE_BIG_WRITES		(1 << 5)
#define FUSE_DONT_MASK		(1 << 6)
#define FUSE_SPLICE_WRITE	(1 << 7)
#define FUSE_SPLICE_MOVE	(1 << 8)
#define FUSE_SPLICE_READ	(1 << 9)
#define FUSE_FLOCK_LOCKS	(1 << 10)
#define FUSE_HAS_IOCTL_DIR	(1 << 11)
#define FUSE_AUTO_INVAL_DATA	(1 << 12)
#define FUSE_DO_READDIRPLUS	(1 << 13)
#define FUSE_READDIRPLUS_AUTO	(1 << 14)
#define FUSE_ASYNC_DIO		(1 << 15)
#define FUSE_WRITEBACK_CACHE	(1 << 16)
#define FUSE_NO_OPEN_SUPPORT	(1 << 17)
#define FUSE_PARALLEL_DIROPS	(1 << 18)
#define FUSE_HANDLE_KILLPRIV	(1 << 19)
#define FUSE_POSIX_ACL		(1 << 20)
#define FUSE_ABORT_ERROR	(1 << 21)
#define FUSE_MAX_PAGES		(1 << 22)
#define FUSE_CACHE_SYMLINKS	(1 << 23)
#define FUSE_NO_OPENDIR_SUPPORT	(1 << 24)
#define FUSE_EXPLICIT_INVAL_DATA (1 << 25)
#define FUSE_MAP_ALIGNMENT	(1 << 26)
#define FUSE_SUBMOUNTS		(1 << 27)
#define FUSE_HANDLE_KILLPRIV_V2	(1 << 28)
#define FUSE_SETXATTR_EXT	(1 << 29)
#define FUSE_INIT_EXT		(1 << 30)
#define FUSE_INIT_RESERVED	(1 << 31)
#define FUSE_SECURITY_CTX	(1ULL << 32)
#define FUSE_HAS_INODE_DAX	(1ULL << 33)
#define FUSE_CREATE_SUPP_GROUP	(1ULL << 34)
#define FUSE_HAS_EXPIRE_ONLY	(1ULL << 35)
#define FUSE_DIRECT_IO_ALLOW_MMAP (1ULL << 36)
#define FUSE_PASSTHROUGH	(1ULL << 37)
#define FUSE_NO_EXPORT_SUPPORT	(1ULL << 38)
#define FUSE_HAS_RESEND		(1ULL << 39)
/* Old name of FUSE_DIRECT_IO_ALLOW_MMAP */
#define FUSE_DIRECT_IO_RELAX	FUSE_DIRECT_IO_ALLOW_MMAP
#define FUSE_ALLOW_IDMAP	(1ULL << 40)
#define FUSE_OVER_IO_URING	(1ULL << 41)
#define FUSE_REQUEST_TIMEOUT	(1ULL << 42)

/* CUSE INIT flags */
#define CUSE_UNRESTRICTED_IOCTL	(1 << 0)

/* fuse_release_in.release_flags */
#define FUSE_RELEASE_FLUSH		(1 << 0)
#define FUSE_RELEASE_FLOCK_UNLOCK	(1 << 1)

/* fuse_getattr_in.getattr_flags */
#define FUSE_GETATTR_FH		(1 << 0)

/* fuse_lk_in.lk_flags */
#define FUSE_LK_FLOCK		(1 << 0)

/* fuse_write_in.write_flags */
#define FUSE_WRITE_CACHE	(1 << 0)	/* from the page cache, fh guessed */
#define FUSE_WRITE_LOCKOWNER	(1 << 1)	/* lock_owner is valid */
#define FUSE_WRITE_KILL_SUIDGID	(1 << 2)	/* drop suid/sgid */
#define FUSE_WRITE_KILL_PRIV	FUSE_WRITE_KILL_SUIDGID

/* fuse_read_in.read_flags */
#define FUSE_READ_LOCKOWNER	(1 << 1)

/* fuse_ioctl_in.flags */
#define FUSE_IOCTL_COMPAT	(1 << 0)
#define FUSE_IOCTL_UNRESTRICTED	(1 << 1)
#define FUSE_IOCTL_RETRY	(1 << 2)
#define FUSE_IOCTL_32BIT	(1 << 3)
#define FUSE_IOCTL_DIR		(1 << 4)
#define FUSE_IOCTL_COMPAT_X32	(1 << 5)
/** Largest in_iovs + out_iovs of a retried ioctl */
#define FUSE_IOCTL_MAX_IOV	256

/* fuse_poll_in.flags */
#define FUSE_POLL_SCHEDULE_NOTIFY (1 << 0)

/* fuse_fsync_in.fsync_flags */
#define FUSE_FSYNC_FDATASYNC	(1 << 0)

/* fuse_attr.flags */
#define FUSE_ATTR_SUBMOUNT	(1 << 0)
#define FUSE_ATTR_DAX		(1 << 1)

/* fuse_open_in/fuse_create_in.open_flags */
#define FUSE_OPEN_KILL_SUIDGID	(1 << 0)

/* fuse_setxattr_in.setxattr_flags */
#define FUSE_SETXATTR_ACL_KILL_SGID	(1 << 0)

/* fuse_notify_inval_entry_out.flags */
#define FUSE_EXPIRE_ONLY	(1 << 0)

/** Types of request extensions (after the in-args, total_extlen * 8 bytes) */
enum fuse_ext_type {
	/* 0..31 are security context counts (fuse_secctx_header) */
	FUSE_MAX_NR_SECCTX	= 31,
	FUSE_EXT_GROUPS		= 32,
};

/** Request opcodes */
enum fuse_opcode {
	FUSE_LOOKUP		= 1,
	FUSE_FORGET		= 2,	/* no reply */
	FUSE_GETATTR		= 3,
	FUSE_SETATTR		= 4,
	FUSE_READLINK		= 5,
	FUSE_SYMLINK		= 6,
	FUSE_MKNOD		= 8,
	FUSE_MKDIR		= 9,
	FUSE_UNLINK		= 10,
	FUSE_RMDIR		= 11,
	FUSE_RENAME		= 12,
	FUSE_LINK		= 13,
	FUSE_OPEN		= 14,
	FUSE_READ		= 15,
	FUSE_WRITE		= 16,
	FUSE_STATFS		= 17,
	FUSE_RELEASE		= 18,
	FUSE_FSYNC		= 20,
	FUSE_SETXATTR		= 21,
	FUSE_GETXATTR		= 22,
	FUSE_LISTXATTR		= 23,
	FUSE_REMOVEXATTR	= 24,
	FUSE_FLUSH		= 25,
	FUSE_INIT		= 26,
	FUSE_OPENDIR		= 27,
	FUSE_READDIR		= 28,
	FUSE_RELEASEDIR		= 29,
	FUSE_FSYNCDIR		= 30,
	FUSE_GETLK		= 31,
	FUSE_SETLK		= 32,
	FUSE_SETLKW		= 33,
	FUSE_ACCESS		= 34,
	FUSE_CREATE		= 35,
	FUSE_INTERRUPT		= 36,
	FUSE_BMAP		= 37,
	FUSE_DESTROY		= 38,
	FUSE_IOCTL		= 39,
	FUSE_POLL		= 40,
	FUSE_NOTIFY_REPLY	= 41,
	FUSE_BATCH_FORGET	= 42,
	FUSE_FALLOCATE		= 43,
	FUSE_READDIRPLUS	= 44,
	FUSE_RENAME2		= 45,
	FUSE_LSEEK		= 46,
	FUSE_COPY_FILE_RANGE	= 47,
	FUSE_SETUPMAPPING	= 48,
	FUSE_REMOVEMAPPING	= 49,
	FUSE_SYNCFS		= 50,
	FUSE_TMPFILE		= 51,
	FUSE_STATX		= 52,
	FUSE_COPY_FILE_RANGE_64	= 53,

	/* CUSE */
	CUSE_INIT		= 4096,

	/* Never sent; a byte-swapped INIT reveals an endianness mismatch */
	CUSE_INIT_BSWAP_RESERVED	= 1048576,	/* CUSE_INIT << 8 */
	FUSE_INIT_BSWAP_RESERVED	= 436207616,	/* FUSE_INIT << 24 */
};

/** Notification codes (fuse_out_header.error of an unsolicited message) */
enum fuse_notify_code {
	FUSE_NOTIFY_POLL	= 1,
	FUSE_NOTIFY_INVAL_INODE	= 2,
	FUSE_NOTIFY_INVAL_ENTRY	= 3,
	FUSE_NOTIFY_STORE	= 4,
	FUSE_NOTIFY_RETRIEVE	= 5,
	FUSE_NOTIFY_DELETE	= 6,
	FUSE_NOTIFY_RESEND	= 7,
	FUSE_NOTIFY_INC_EPOCH	= 8,
	FUSE_NOTIFY_PRUNE	= 9,
	FUSE_NOTIFY_CODE_MAX,
};

/** The read buffer must hold at least this many bytes */
#define FUSE_MIN_READ_BUFFER 8192

#define FUSE_COMPAT_ENTRY_OUT_SIZE 120

/** Reply to LOOKUP, MKNOD, MKDIR, SYMLINK, LINK (and first part of CREATE) */
struct fuse_entry_out {
	uint64_t	nodeid;
	uint64_t	generation;	/* (nodeid, generation) unique for the fs lifetime */
	uint64_t	entry_valid;	/* name cache timeout, seconds */
	uint64_t	attr_valid;	/* attribute cache timeout, seconds */
	uint32_t	entry_valid_nsec;
	uint32_t	attr_valid_nsec;
	struct fuse_attr attr;
};

struct fuse_forget_in {
	uint64_t	nlookup;
};

struct fuse_forget_one {
	uint64_t	nodeid;
	uint64_t	nlookup;
};

struct fuse_batch_forget_in {
	uint32_t	count;
	uint32_t	dummy;
};

struct fuse_getattr_in {
	uint32_t	getattr_flags;
	uint32_t	dummy;
	uint64_t	fh;
};

#define FUSE_COMPAT_ATTR_OUT_SIZE 96

struct fuse_attr_out {
	uint64_t	attr_valid;
	uint32_t	attr_valid_nsec;
	uint32_t	dummy;
	struct fuse_attr attr;
};

struct fuse_statx_in {
	uint32_t	getattr_flags;
	uint32_t	reserved;
	uint64_t	fh;
	uint32_t	sx_flags;
	uint32_t	sx_mask;
};

struct fuse_statx_out {
	uint64_t	attr_valid;
	uint32_t	attr_valid_nsec;
	uint32_t	flags;
	uint64_t	spare[2];
	struct fuse_statx stat;
};

#define FUSE_COMPAT_MKNOD_IN_SIZE 8

struct fuse_mknod_in {
	uint32_t	mode;
	uint32_t	rdev;
	uint32_t	umask;
	uint32_t	padding;
};

struct fuse_mkdir_in {
	uint32_t	mode;
	uint32_t	umask;
};

struct fuse_rename_in {
	uint64_t	newdir;
};

struct fuse_rename2_in {
	uint64_t	newdir;
	uint32_t	flags;
	uint32_t	padding;
};

struct fuse_link_in {
	uint64_t	oldnodeid;
};

struct fuse_setattr_in {
	uint32_t	valid;
	uint32_t	padding;
	uint64_t	fh;
	uint64_t	size;
	uint64_t	lock_owner;
	uint64_t	atime;
	uint64_t	mtime;
	uint64_t	ctime;
	uint32_t	atimensec;
	uint32_t	mtimensec;
	uint32_t	ctimensec;
	uint32_t	mode;
	uint32_t	unused4;
	uint32_t	uid;
	uint32_t	gid;
	uint32_t	unused5;
};

struct fuse_open_in {
	uint32_t	flags;
	uint32_t	open_flags;	/* FUSE_OPEN_* */
};

struct fuse_create_in {
	uint32_t	flags;
	uint32_t	mode;
	uint32_t	umask;
	uint32_t	open_flags;	/* FUSE_OPEN_* */
};

struct fuse_open_out {
	uint64_t	fh;
	uint32_t	open_flags;
	int32_t		backing_id;
};

struct fuse_release_in {
	uint64_t	fh;
	uint32_t	flags;
	uint32_t	release_flags;
	uint64_t	lock_owner;
};

struct fuse_flush_in {
	uint64_t	fh;
	uint32_t	unused;
	uint32_t	padding;
	uint64_t	lock_owner;
};

struct fuse_read_in {
	uint64_t	fh;
	uint64_t	offset;
	uint32_t	size;
	uint32_t	read_flags;
	uint64_t	lock_owner;
	uint32_t	flags;
	uint32_t	padding;
};

#define FUSE_COMPAT_WRITE_IN_SIZE 24

struct fuse_write_in {
	uint64_t	fh;
	uint64_t	offset;
	uint32_t	size;
	uint32_t	write_flags;
	uint64_t	lock_owner;
	uint32_t	flags;
	uint32_t	padding;
};

struct fuse_write_out {
	uint32_t	size;
	uint32_t	padding;
};

#define FUSE_COMPAT_STATFS_SIZE 48

struct fuse_statfs_out {
	struct fuse_kstatfs st;
};

struct fuse_fsync_in {
	uint64_t	fh;
	uint32_t	fsync_flags;
	uint32_t	padding;
};

#define FUSE_COMPAT_SETXATTR_IN_SIZE 8

struct fuse_setxattr_in {
	uint32_t	size;
	uint32_t	flags;
	uint32_t	setxattr_flags;	/* only with FUSE_SETXATTR_EXT */
	uint32_t	padding;
};

struct fuse_getxattr_in {
	uint32_t	size;
	uint32_t	padding;
};

struct fuse_getxattr_out {
	uint32_t	size;
	uint32_t	padding;
};

struct fuse_lk_in {
	uint64_t	fh;
	uint64_t	owner;
	struct fuse_file_lock lk;
	uint32_t	lk_flags;
	uint32_t	padding;
};

struct fuse_lk_out {
	struct fuse_file_lock lk;
};

struct fuse_access_in {
	uint32_t	mask;
	uint32_t	padding;
};

struct fuse_init_in {
	uint32_t	major;
	uint32_t	minor;
	uint32_t	max_readahead;
	uint32_t	flags;
	uint32_t	flags2;		/* 7.36, with FUSE_INIT_EXT */
	uint32_t	unused[11];
};

#define FUSE_COMPAT_INIT_OUT_SIZE 8
#define FUSE_COMPAT_22_INIT_OUT_SIZE 24

struct fuse_init_out {
	uint32_t	major;
	uint32_t	minor;
	uint32_t	max_readahead;
	uint32_t	flags;
	uint16_t	max_background;
	uint16_t	congestion_threshold;
	uint32_t	max_write;
	uint32_t	time_gran;
	uint16_t	max_pages;
	uint16_t	map_alignment;
	uint32_t	flags2;
	uint32_t	max_stack_depth;
	uint16_t	request_timeout;
	uint16_t	unused[11];
};

#define CUSE_INIT_INFO_MAX 4096

struct cuse_init_in {
	uint32_t	major;
	uint32_t	minor;
	uint32_t	unused;
	uint32_t	flags;
};

struct cuse_init_out {
	uint32_t	major;
	uint32_t	minor;
	uint32_t	unused;
	uint32_t	flags;
	uint32_t	max_read;
	uint32_t	max_write;
	uint32_t	dev_major;
	uint32_t	dev_minor;
	uint32_t	spare[10];
};

struct fuse_interrupt_in {
	uint64_t	unique;
};

struct fuse_bmap_in {
	uint64_t	block;
	uint32_t	blocksize;
	uint32_t	padding;
};

struct fuse_bmap_out {
	uint64_t	block;
};

struct fuse_ioctl_in {
	uint64_t	fh;
	uint32_t	flags;
	uint32_t	cmd;
	uint64_t	arg;
	uint32_t	in_size;
	uint32_t	out_size;
};

struct fuse_ioctl_iovec {
	uint64_t	base;
	uint64_t	len;
};

struct fuse_ioctl_out {
	int32_t		result;
	uint32_t	flags;
	uint32_t	in_iovs;
	uint32_t	out_iovs;
};

struct fuse_poll_in {
	uint64_t	fh;
	uint64_t	kh;
	uint32_t	flags;
	uint32_t	events;
};

struct fuse_poll_out {
	uint32_t	revents;
	uint32_t	padding;
};

struct fuse_notify_poll_wakeup_out {
	uint64_t	kh;
};

struct fuse_fallocate_in {
	uint64_t	fh;
	uint64_t	offset;
	uint64_t	length;
	uint32_t	mode;
	uint32_t	padding;
};

/** High bit of fuse_in_header.unique: the kernel resends this request */
#define FUSE_UNIQUE_RESEND (1ULL << 63)

/** uid/gid the kernel sends when an idmapped mount cannot map the caller */
#define FUSE_INVALID_UIDGID ((uint32_t)(-1))

/** Header of every request (40 bytes) */
struct fuse_in_header {
	uint32_t	len;
	uint32_t	opcode;
	uint64_t	unique;
	uint64_t	nodeid;
	uint32_t	uid;
	uint32_t	gid;
	uint32_t	pid;
	uint16_t	total_extlen;	/* extension bytes / 8 (7.38) */
	uint16_t	padding;
};

/** Header of every reply and notification (16 bytes) */
struct fuse_out_header {
	uint32_t	len;
	int32_t		error;
	uint64_t	unique;
};

struct fuse_dirent {
	uint64_t	ino;
	uint64_t	off;
	uint32_t	namelen;
	uint32_t	type;
	char name[];
};

/* Variable-length records are aligned to 8 bytes */
#define FUSE_REC_ALIGN(x) \
	(((x) + sizeof(uint64_t) - 1) & ~(sizeof(uint64_t) - 1))

#define FUSE_NAME_OFFSET offsetof(struct fuse_dirent, name)
#define FUSE_DIRENT_ALIGN(x) FUSE_REC_ALIGN(x)
#define FUSE_DIRENT_SIZE(d) \
	FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + (d)->namelen)

struct fuse_direntplus {
	struct fuse_entry_out entry_out;
	struct fuse_dirent dirent;
};

#define FUSE_NAME_OFFSET_DIRENTPLUS \
	offsetof(struct fuse_direntplus, dirent.name)
#define FUSE_DIRENTPLUS_SIZE(d) \
	FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET_DIRENTPLUS + (d)->dirent.namelen)

struct fuse_notify_inval_inode_out {
	uint64_t	ino;
	int64_t		off;
	int64_t		len;
};

struct fuse_notify_inval_entry_out {
	uint64_t	parent;
	uint32_t	namelen;
	uint32_t	flags;		/* FUSE_EXPIRE_ONLY */
};

struct fuse_notify_delete_out {
	uint64_t	parent;
	uint64_t	child;
	uint32_t	namelen;
	uint32_t	padding;
};

struct fuse_notify_store_out {
	uint64_t	nodeid;
	uint64_t	offset;
	uint32_t	size;
	uint32_t	padding;
};

struct fuse_notify_retrieve_out {
	uint64_t	notify_unique;
	uint64_t	nodeid;
	uint64_t	offset;
	uint32_t	size;
	uint32_t	padding;
};

/** In-argument of NOTIFY_REPLY; same size as fuse_write_in */
struct fuse_notify_retrieve_in {
	uint64_t	dummy1;
	uint64_t	offset;
	uint32_t	size;
	uint32_t	dummy2;
	uint64_t	dummy3;
	uint64_t	dummy4;
};

/** NOTIFY_PRUNE: followed by count node ids (uint64_t) */
struct fuse_notify_prune_out {
	uint32_t	count;
	uint32_t	padding;
	uint64_t	spare;
};

/** Argument of FUSE_DEV_IOC_BACKING_OPEN */
struct fuse_backing_map {
	int32_t		fd;
	uint32_t	flags;
	uint64_t	padding;
};

/* ioctls on /dev/fuse */
#define FUSE_DEV_IOC_MAGIC		229
#define FUSE_DEV_IOC_CLONE		_IOR(FUSE_DEV_IOC_MAGIC, 0, uint32_t)
#define FUSE_DEV_IOC_BACKING_OPEN	_IOW(FUSE_DEV_IOC_MAGIC, 1, \
					     struct fuse_backing_map)
#define FUSE_DEV_IOC_BACKING_CLOSE	_IOW(FUSE_DEV_IOC_MAGIC, 2, uint32_t)
/* Recent upstream: INIT is answered before mount(2) returns (ENOTTY before) */
#define FUSE_DEV_IOC_SYNC_INIT		_IO(FUSE_DEV_IOC_MAGIC, 3)

struct fuse_lseek_in {
	uint64_t	fh;
	uint64_t	offset;
	uint32_t	whence;
	uint32_t	padding;
};

struct fuse_lseek_out {
	uint64_t	offset;
};

struct fuse_copy_file_range_in {
	uint64_t	fh_in;
	uint64_t	off_in;
	uint64_t	nodeid_out;
	uint64_t	fh_out;
	uint64_t	off_out;
	uint64_t	len;
	uint64_t	flags;
};

/** Reply of FUSE_COPY_FILE_RANGE_64 */
struct fuse_copy_file_range_out {
	uint64_t	bytes_copied;
};

#define FUSE_SETUPMAPPING_FLAG_WRITE (1ull << 0)
#define FUSE_SETUPMAPPING_FLAG_READ (1ull << 1)
struct fuse_setupmapping_in {
	uint64_t	fh;
	uint64_t	foffset;
	uint64_t	len;
	uint64_t	flags;
	uint64_t	moffset;
};

struct fuse_removemapping_in {
	uint32_t	count;	/* fuse_removemapping_one records follow */
};

struct fuse_removemapping_one {
	uint64_t	moffset;
	uint64_t	len;
};

#define FUSE_REMOVEMAPPING_MAX_ENTRY \
	(PAGE_SIZE / sizeof(struct fuse_removemapping_one))

struct fuse_syncfs_in {
	uint64_t	padding;
};

/* Security context extension: header, then per context fuse_secctx, name, label */
struct fuse_secctx {
	uint32_t	size;
	uint32_t	padding;
};

struct fuse_secctx_header {
	uint32_t	size;
	uint32_t	nr_secctx;
};

/** Generic request extension header; type > FUSE_MAX_NR_SECCTX */
struct fuse_ext_header {
	uint32_t	size;	/* including this header */
	uint32_t	type;	/* enum fuse_ext_type */
};

/** FUSE_EXT_GROUPS payload */
struct fuse_supp_groups {
	uint32_t	nr_groups;
	uint32_t	groups[];
};

/* FUSE over io_uring (7.42) */

/** Size of the in/out header area of a ring entry */
#define FUSE_URING_IN_OUT_HEADER_SZ 128
/** Size of the per-opcode first-argument area of a ring entry */
#define FUSE_URING_OP_IN_OUT_SZ 128

/** Ring entry bookkeeping shared with the kernel */
struct fuse_uring_ent_in_out {
	uint64_t	flags;
	uint64_t	commit_id;	/* echoed in the commit SQE */
	uint32_t	payload_sz;	/* bytes used in the payload buffer */
	uint32_t	padding;
	uint64_t	reserved;
};

/** Header buffer of one ring entry (iov[0] of the registration) */
struct fuse_uring_req_header {
	char in_out[FUSE_URING_IN_OUT_HEADER_SZ];	/* fuse_in/out_header */
	char op_in[FUSE_URING_OP_IN_OUT_SZ];		/* first in-arg */
	struct fuse_uring_ent_in_out ring_ent_in_out;
};

/** IORING_OP_URING_CMD command numbers */
enum fuse_uring_cmd {
	FUSE_IO_URING_CMD_INVALID = 0,
	FUSE_IO_URING_CMD_REGISTER = 1,		/* register buffers, fetch */
	FUSE_IO_URING_CMD_COMMIT_AND_FETCH = 2,	/* reply, fetch next */
};

/** Command area of the SQE (fits the 80-byte SQE128 command area) */
struct fuse_uring_cmd_req {
	uint64_t	flags;
	uint64_t	commit_id;
	uint16_t	qid;
	uint8_t		padding[6];
};

/* Wire sizes checked at compile time (C11; C++ users have static_assert) */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(struct fuse_in_header) == 40, "fuse_in_header");
_Static_assert(sizeof(struct fuse_out_header) == 16, "fuse_out_header");
_Static_assert(sizeof(struct fuse_attr) == 88, "fuse_attr");
_Static_assert(sizeof(struct fuse_entry_out) == 128, "fuse_entry_out");
_Static_assert(sizeof(struct fuse_init_in) == 64, "fuse_init_in");
_Static_assert(sizeof(struct fuse_init_out) == 64, "fuse_init_out");
_Static_assert(sizeof(struct fuse_statx) == 256, "fuse_statx");
_Static_assert(sizeof(struct fuse_setattr_in) == 88, "fuse_setattr_in");
_Static_assert(sizeof(struct fuse_write_in) ==
	       sizeof(struct fuse_notify_retrieve_in), "notify_retrieve_in");
_Static_assert(sizeof(struct fuse_uring_req_header) == 288,
	       "fuse_uring_req_header");
_Static_assert(sizeof(struct fuse_uring_cmd_req) == 24, "fuse_uring_cmd_req");
#endif

/* === Out-of-tree extensions (fuse-iomap, famfs, BPF): owned by the dialect area; see lib/dialect_i.h === */
/*
 * None of the definitions in this block is merged upstream. They are the
 * proposals of three kernel series, and they collide:
 *
 *  - bit 43 of the INIT flags is FUSE_IOMAP (Darrick Wong's fuse-iomap) and
 *    FUSE_DAX_FMAP (John Groves's famfs, Gregory Price's BPF variant);
 *  - opcode 54 is FUSE_GET_FMAP (famfs) and FUSE_BATCHED_REQUEST (Joanne
 *    Koong's prototype).
 *
 * Both names are defined. The library never reads these numbers directly:
 * the dialect table of the kernel series it detected (lib/dialect.c)
 * decides which meaning applies. The names exist so that the tables, the
 * tests and readers can cite them.
 *
 * Sources, per group below:
 *  [IOMAP]  kernelorg-mirror/linux_kernel_git_djwong_xfs-linux
 *           include/uapi/linux/fuse.h (7.99, PATCHSET v7); spec
 *           kernel-extensions.md sections 1.2, 2, 3, 4.1-4.2, 5, 8.1.
 *  [FAMFS]  jagalactic/linux include/uapi/linux/fuse.h and fs/fuse/famfs.c
 *           ("[PATCH V10 00/10] famfs: port into fuse"); spec sections 1.3,
 *           4.4, 6.
 *  [GREG]   gourryinverse/linux include/uapi/linux/fuse.h; spec section 1.4.
 *  [JOANNE] joannekoong/libfuse branch famfs_bpf include/fuse_kernel.h;
 *           spec sections 7.3 and 10.
 *
 * Sizes and offsets are checked at compile time below.
 */


#if defined(__cplusplus)
#define FUSE_EXT_ASSERT(e, msg) static_assert(e, msg)
#else
#define FUSE_EXT_ASSERT(e, msg) _Static_assert(e, msg)
#endif

/* --- INIT flag bits (64-bit word; bits 32..63 travel in flags2) --- */

/** [IOMAP] bit 43: the connection can do file I/O through iomap. */
#define FUSE_IOMAP		(1ULL << 43)
/** [FAMFS][GREG] bit 43: the kernel runs famfs DAX fmaps. Same bit as FUSE_IOMAP. */
#define FUSE_DAX_FMAP		(1ULL << 43)
/** [FAMFS] bit 42 in early famfs revisions only; upstream now uses 42 for FUSE_REQUEST_TIMEOUT. */
#define FUSE_DAX_FMAP_OBSOLETE_BIT42	(1ULL << 42)
/** [JOANNE] one libfuse branch uses bit 43 for request batching (spec 10.1). */
#define FUSE_REQUEST_BATCHING	(1ULL << 43)
/** [IOMAP] early revisions only (obsolete). */
#define FUSE_IOMAP_DIRECTIO	(1ULL << 44)
/** [IOMAP] early revisions only (obsolete); later renamed FUSE_IOMAP_FILEIO. */
#define FUSE_IOMAP_PAGECACHE	(1ULL << 45)
#define FUSE_IOMAP_FILEIO	FUSE_IOMAP_PAGECACHE

/** [IOMAP] The "magic" minor of the fuse-iomap v7 uapi. */
#define FUSE_IOMAP_KERNEL_MINOR_VERSION	99
/** [FAMFS][GREG] The minor of the famfs V10 and Gregory Price uapis. */
#define FUSE_FAMFS_KERNEL_MINOR_VERSION	46

/* --- per-inode fuse_attr.flags bits [IOMAP] (1<<0 and 1<<1 are upstream) --- */
#define FUSE_ATTR_EXCLUSIVE	(1 << 2)	/* honoured with negotiated minor >= 99 */
#define FUSE_ATTR_IOMAP		(1 << 3)	/* needs EXCLUSIVE, regular file, iomap conn */
#define FUSE_ATTR_ATOMIC	(1 << 4)
#define FUSE_ATTR_SYNC		(1 << 5)
#define FUSE_ATTR_IMMUTABLE	(1 << 6)
#define FUSE_ATTR_APPEND	(1 << 7)

/* --- opcodes --- */
enum fuse_ext_opcode {
	/* [FAMFS] V10 and post-V10 numbering (RFC v2 used 53/54). */
	FUSE_GET_FMAP		= 54,
	FUSE_GET_DAXDEV		= 55,
	/* [JOANNE] prototype; collides with FUSE_GET_FMAP. */
	FUSE_BATCHED_REQUEST	= 54,

	/* [IOMAP] v7: just below CUSE_INIT (4096). */
	FUSE_FREEZE_FS		= 4089,
	FUSE_UNFREEZE_FS	= 4090,
	FUSE_SHUTDOWN_FS	= 4091,
	FUSE_IOMAP_CONFIG	= 4092,
	FUSE_IOMAP_IOEND	= 4093,
	FUSE_IOMAP_BEGIN	= 4094,
	FUSE_IOMAP_END		= 4095,
};

/* --- notification codes [IOMAP] v7 (DEV_INVAL was 9 earlier) --- */
enum fuse_ext_notify_code {
	FUSE_NOTIFY_IOMAP_DEV_INVAL		= 99,
	FUSE_NOTIFY_IOMAP_UPSERT_MAPPINGS	= 100,
	FUSE_NOTIFY_IOMAP_INVAL_MAPPINGS	= 101,
};

/* --- backing types in fuse_backing_map.flags [IOMAP] section 4.1 --- */
#define FUSE_BACKING_TYPE_MASK		(0xFF)
#define FUSE_BACKING_TYPE_PASSTHROUGH	(0)
#define FUSE_BACKING_TYPE_IOMAP		(1)
#define FUSE_BACKING_MAX_TYPE		(FUSE_BACKING_TYPE_IOMAP)

/* --- device ioctls [IOMAP] section 4.2 (magic 229) --- */

/** FUSE_DEV_IOC_IOMAP_SUPPORT result bits. */
#define FUSE_IOMAP_SUPPORT_FILEIO	(1ULL << 0)
#define FUSE_IOMAP_SUPPORT_ATOMIC	(1ULL << 1)

/** Argument of FUSE_DEV_IOC_IOMAP_SUPPORT (16 B). */
struct fuse_iomap_support {
	uint64_t	flags;
	uint64_t	padding;
};

/** Argument of FUSE_DEV_IOC_IOMAP_SET_BLOCKSIZE (8 B). */
struct fuse_iomap_backing_info {
	uint32_t	backing_id;
	uint32_t	blocksize;
};

#ifndef FUSE_DEV_IOC_MAGIC
#define FUSE_DEV_IOC_MAGIC		229
#endif
#ifndef FUSE_DEV_IOC_SYNC_INIT
/* upstream, recent: _IO(229, 3) = 0xE503 */
#define FUSE_DEV_IOC_SYNC_INIT		_IO(FUSE_DEV_IOC_MAGIC, 3)
#endif
/* 0x8010E563 */
#define FUSE_DEV_IOC_IOMAP_SUPPORT	_IOR(FUSE_DEV_IOC_MAGIC, 99, \
					     struct fuse_iomap_support)
/* 0x4004E564 */
#define FUSE_DEV_IOC_SET_NOFS		_IOW(FUSE_DEV_IOC_MAGIC, 100, uint32_t)
/* 0xE565; an earlier revision used _IO(229, 99) = 0xE563 */
#define FUSE_DEV_IOC_ADD_IOMAP		_IO(FUSE_DEV_IOC_MAGIC, 101)
/* 0x4008E566; an earlier revision used _IOW(229, 99, ...) = 0x4008E563 */
#define FUSE_DEV_IOC_IOMAP_SET_BLOCKSIZE _IOW(FUSE_DEV_IOC_MAGIC, 102, \
					     struct fuse_iomap_backing_info)
/*
 * [FAMFS] post-V10 FUSE_DEV_IOC_DAXDEV_OPEN (push a devdax fd, argument a
 * struct fuse_backing_map with the device index overlaying padding): its
 * number was not found in any stored source (spec 4.4, 10.10), so it is
 * deliberately not defined here.
 */

/* --- FREEZE / SHUTDOWN in-args [IOMAP] section 2.7 --- */
struct fuse_freezefs_in {
	uint64_t	unlinked;
};

struct fuse_shutdownfs_in {
	uint64_t	flags;
};

/* --- mapping types [IOMAP] section 3.1 (u16) --- */
#define FUSE_IOMAP_TYPE_HOLE		(0)
#define FUSE_IOMAP_TYPE_DELALLOC	(1)
#define FUSE_IOMAP_TYPE_MAPPED		(2)
#define FUSE_IOMAP_TYPE_UNWRITTEN	(3)
#define FUSE_IOMAP_TYPE_INLINE		(4)
#define FUSE_IOMAP_TYPE_NOCACHE		(253)	/* upserts only: do not cache */
#define FUSE_IOMAP_TYPE_RETRY_CACHE	(254)	/* BEGIN read slot: look again */
#define FUSE_IOMAP_TYPE_PURE_OVERWRITE	(255)	/* write slot only */

#define FUSE_IOMAP_DEV_NULL		(0U)	/* null device cookie */
#define FUSE_IOMAP_NULL_ADDR		(~0ULL)	/* addr is not valid */
#define FUSE_IOMAP_INVAL_TO_EOF		(~0ULL)	/* inval length: to EOF */

/* --- mapping flags [IOMAP] section 3.2 (u16) --- */
#define FUSE_IOMAP_F_NEW		(1U << 0)
#define FUSE_IOMAP_F_DIRTY		(1U << 1)
#define FUSE_IOMAP_F_SHARED		(1U << 2)
#define FUSE_IOMAP_F_MERGED		(1U << 3)
#define FUSE_IOMAP_F_BOUNDARY		(1U << 4)
#define FUSE_IOMAP_F_ANON_WRITE		(1U << 5)
#define FUSE_IOMAP_F_ATOMIC_BIO		(1U << 6)
#define FUSE_IOMAP_F_WANT_IOMAP_END	(1U << 7)
/* kernel -> server only, in IOMAP_END's map.flags */
#define FUSE_IOMAP_F_SIZE_CHANGED	(1U << 8)
#define FUSE_IOMAP_F_STALE		(1U << 9)

/* --- operation flags [IOMAP] section 3.3 (u32) --- */
#define FUSE_IOMAP_OP_WRITE		(1U << 0)
#define FUSE_IOMAP_OP_ZERO		(1U << 1)
#define FUSE_IOMAP_OP_REPORT		(1U << 2)
#define FUSE_IOMAP_OP_FAULT		(1U << 3)
#define FUSE_IOMAP_OP_DIRECT		(1U << 4)
#define FUSE_IOMAP_OP_NOWAIT		(1U << 5)
#define FUSE_IOMAP_OP_OVERWRITE_ONLY	(1U << 6)
#define FUSE_IOMAP_OP_UNSHARE		(1U << 7)
#define FUSE_IOMAP_OP_DAX		(1U << 8)	/* defined, never sent */
#define FUSE_IOMAP_OP_ATOMIC		(1U << 9)
#define FUSE_IOMAP_OP_DONTCACHE		(1U << 10)
#define FUSE_IOMAP_OP_SWAPFILE		(1U << 30)
#define FUSE_IOMAP_OP_WRITEBACK		(1U << 31)

/* --- ioend flags [IOMAP] section 3.4 (u32) --- */
#define FUSE_IOMAP_IOEND_SHARED		(1U << 0)
#define FUSE_IOMAP_IOEND_UNWRITTEN	(1U << 1)
#define FUSE_IOMAP_IOEND_BOUNDARY	(1U << 2)
#define FUSE_IOMAP_IOEND_DIRECT		(1U << 3)
#define FUSE_IOMAP_IOEND_APPEND		(1U << 4)
#define FUSE_IOMAP_IOEND_WRITEBACK	(1U << 5)
#define FUSE_IOMAP_IOEND_SWAPOFF	(1U << 6)

/* --- IOMAP_CONFIG reply field flags [IOMAP] section 2.3 --- */
#define FUSE_IOMAP_CONFIG_SID		(1ULL << 0)
#define FUSE_IOMAP_CONFIG_UUID		(1ULL << 1)
#define FUSE_IOMAP_CONFIG_BLOCKSIZE	(1ULL << 2)
#define FUSE_IOMAP_CONFIG_MAX_LINKS	(1ULL << 3)
#define FUSE_IOMAP_CONFIG_TIME		(1ULL << 4)
#define FUSE_IOMAP_CONFIG_MAXBYTES	(1ULL << 5)
#define FUSE_IOMAP_CONFIG_CACHE_MAXBYTES (1ULL << 6)

/** [IOMAP] One mapping record (32 B). */
struct fuse_iomap_io {
	uint64_t	offset;	/* file offset of mapping, bytes */
	uint64_t	length;	/* length of mapping, bytes */
	uint64_t	addr;	/* device address, bytes, or FUSE_IOMAP_NULL_ADDR */
	uint16_t	type;	/* FUSE_IOMAP_TYPE_* */
	uint16_t	flags;	/* FUSE_IOMAP_F_* */
	uint32_t	dev;	/* backing id, or FUSE_IOMAP_DEV_NULL */
};

/** [IOMAP] FUSE_IOMAP_BEGIN in-arg (32 B). */
struct fuse_iomap_begin_in {
	uint32_t	opflags;	/* FUSE_IOMAP_OP_* */
	uint32_t	reserved;	/* zero */
	uint64_t	attr_ino;	/* fuse_attr.ino of the inode */
	uint64_t	pos;		/* file position, bytes */
	uint64_t	count;		/* operation length, bytes */
};

/** [IOMAP] FUSE_IOMAP_BEGIN reply (64 B, exact). */
struct fuse_iomap_begin_out {
	struct fuse_iomap_io	read;	/* read file data from here */
	struct fuse_iomap_io	write;	/* write file data to here */
};

/** [IOMAP] FUSE_IOMAP_END in-arg (72 B). */
struct fuse_iomap_end_in {
	uint32_t	opflags;
	uint32_t	reserved;
	uint64_t	attr_ino;
	uint64_t	pos;
	uint64_t	count;
	int64_t		written;	/* bytes processed */
	struct fuse_iomap_io	map;	/* the mapping the kernel used */
};

/** [IOMAP] FUSE_IOMAP_IOEND in-arg (48 B). */
struct fuse_iomap_ioend_in {
	uint32_t	flags;		/* FUSE_IOMAP_IOEND_* */
	int32_t		error;		/* negative errno or 0 */
	uint64_t	attr_ino;
	uint64_t	pos;
	uint64_t	new_addr;	/* see spec 2.6: unreliable for writeback */
	uint64_t	written;
	uint32_t	dev;
	uint32_t	pad;		/* zero */
};

/** [IOMAP] FUSE_IOMAP_IOEND reply (8 B). */
struct fuse_iomap_ioend_out {
	uint64_t	newsize;	/* new on-disk size */
};

/** [IOMAP] FUSE_IOMAP_CONFIG in-arg (64 B). */
struct fuse_iomap_config_in {
	uint64_t	flags;		/* FUSE_IOMAP_CONFIG_* the kernel knows */
	int64_t		maxbytes;	/* kernel's largest file size */
	uint32_t	cache_maxbytes;	/* default per-inode cache budget */
	uint32_t	zero;
	uint64_t	padding[5];
};

/** [IOMAP] FUSE_IOMAP_CONFIG reply (argvar, at most 104 B). */
struct fuse_iomap_config_out {
	uint64_t	flags;		/* FUSE_IOMAP_CONFIG_* */
	char		s_id[32];
	char		s_uuid[16];
	uint8_t		s_uuid_len;	/* <= 16 */
	uint8_t		s_pad[3];	/* zero */
	uint32_t	s_blocksize;
	uint32_t	s_max_links;
	uint32_t	s_time_gran;
	int64_t		s_time_min;
	int64_t		s_time_max;
	int64_t		s_maxbytes;
	uint32_t	cache_maxbytes;
};

/** [IOMAP] A byte range (16 B). */
struct fuse_range {
	uint64_t	offset;
	uint64_t	length;
};

/** [IOMAP] FUSE_NOTIFY_IOMAP_DEV_INVAL payload (24 B). */
struct fuse_iomap_dev_inval_out {
	uint32_t	dev;		/* backing id */
	uint32_t	reserved;	/* zero */
	struct fuse_range	range;	/* bytes on the device */
};

/** [IOMAP] FUSE_NOTIFY_IOMAP_UPSERT_MAPPINGS payload (80 B). */
struct fuse_iomap_upsert_mappings_out {
	uint64_t	nodeid;
	uint64_t	attr_ino;
	struct fuse_iomap_io	read;
	struct fuse_iomap_io	write;
};

/** [IOMAP] FUSE_NOTIFY_IOMAP_INVAL_MAPPINGS payload (48 B). */
struct fuse_iomap_inval_mappings_out {
	uint64_t	nodeid;
	uint64_t	attr_ino;
	struct fuse_range	read;	/* length 0: skip; TO_EOF: to EOF */
	struct fuse_range	write;
};

/* --- famfs [FAMFS] sections 4.4 and 6 --- */
#define FUSE_FAMFS_FMAP_VERSION	1
#define FAMFS_FMAP_VERSION	FUSE_FAMFS_FMAP_VERSION	/* jagalactic/linux spelling */
#define FAMFS_FMAP_MAX		32768	/* largest fmap message (uapi) */
#define FUSE_FAMFS_MAX_EXTENTS	32	/* V8-V10 cap; none post-V10 */
#define FUSE_FAMFS_MAX_STRIPS	32

enum fuse_famfs_file_type {
	FUSE_FAMFS_FILE_REG		= 0,
	FUSE_FAMFS_FILE_SUPERBLOCK	= 1,
	FUSE_FAMFS_FILE_LOG		= 2,
};

enum famfs_ext_type {
	FUSE_FAMFS_EXT_SIMPLE		= 0,
	FUSE_FAMFS_EXT_INTERLEAVE	= 1,
};

/** [FAMFS] fmap header (32 B). reserved0 is fmap_size post-V10. */
struct fuse_famfs_fmap_header {
	uint8_t		file_type;	/* enum fuse_famfs_file_type */
	uint8_t		reserved;
	uint16_t	fmap_version;	/* FUSE_FAMFS_FMAP_VERSION */
	uint32_t	ext_type;	/* enum famfs_ext_type */
	uint32_t	nextents;
	uint32_t	reserved0;	/* V10: 0; post-V10: fmap_size */
	uint64_t	file_size;
	uint64_t	reserved1;
};

/** [FAMFS] simple extent (24 B), also one strip of an interleave. */
struct fuse_famfs_simple_ext {
	uint32_t	se_devindex;
	uint32_t	reserved;
	uint64_t	se_offset;
	uint64_t	se_len;
};

/** [FAMFS] interleaved extent (24 B), followed by ie_nstrips simple extents. */
struct fuse_famfs_iext {
	uint32_t	ie_nstrips;
	uint32_t	ie_chunk_size;
	uint64_t	ie_nbytes;
	uint64_t	reserved;
};

/** [FAMFS] defined by the V10 uapi but not sent (the index is in nodeid). */
struct fuse_get_daxdev_in {
	uint32_t	daxdev_num;
};

#define FUSE_DAXDEV_NAME_MAX	256

/** [FAMFS] FUSE_GET_DAXDEV reply (280 B, exact). */
struct fuse_daxdev_out {
	uint16_t	index;
	uint16_t	reserved;
	uint32_t	reserved2;
	uint64_t	reserved3;
	uint64_t	reserved4;
	char		name[FUSE_DAXDEV_NAME_MAX];
};

/* --- Gregory Price's fuse_init_out.ops_name [GREG] section 1.4 --- */
#define FUSE_DAX_FMAP_OPS_NAME_LEN	16

/**
 * [GREG] fuse_init_out as Gregory Price's tree lays it out (64 B): the tail
 * of upstream's unused[11] carries the name of a registered
 * fuse_dax_fmap_ops struct_ops instance.
 */
struct fuse_init_out_dax_fmap_ops {
	uint32_t	major;
	uint32_t	minor;
	uint32_t	max_readahead;
	uint32_t	flags;
	uint16_t	max_background;
	uint16_t	congestion_threshold;
	uint32_t	max_write;
	uint32_t	time_gran;
	uint16_t	max_pages;
	uint16_t	map_alignment;
	uint32_t	flags2;
	uint32_t	max_stack_depth;
	uint16_t	request_timeout;
	uint16_t	unused[3];
	char		ops_name[FUSE_DAX_FMAP_OPS_NAME_LEN];
};

/*
 * [IOMAP] "[PATCH 21/23] fuse: allow more statx fields" (spec 8.3): the
 * 112-byte tail of struct fuse_statx (upstream __spare2[14], at @144) is
 * defined as below. struct fuse_statx keeps its upstream layout in the stock
 * part of this header; this is the overlay for that tail.
 */
struct fuse_statx_iomap_tail {
	uint64_t	mnt_id;
	uint32_t	dio_mem_align;
	uint32_t	dio_offset_align;
	uint64_t	subvol;
	uint32_t	atomic_write_unit_min;
	uint32_t	atomic_write_unit_max;
	uint32_t	atomic_write_segments_max;
	uint32_t	dio_read_offset_align;
	uint32_t	atomic_write_unit_max_opt;
	uint32_t	__spare2[1];
	uint64_t	__spare3[8];
};

/*
 * Not defined here, because they reuse the name struct fuse_iomap_io with
 * another layout and exist only inside BPF programs (lib/bpf): Gregory
 * Price's variant (@28 dev_index, a DAX table slot; spec 7.2) and Joanne
 * Koong's 40-byte variant (u64 id @32; spec 7.3). The BPF context types
 * (fuse_dax_fmap_parse_ctx, fuse_dax_fmap_resolve_ctx) are BTF types, not
 * wire structures, and live there too.
 */

/* --- Darrick Wong's BPF return values (spec 7.1; not wire) --- */
enum fuse_iomap_bpf_ret {
	FIB_FALLBACK	= 0,	/* not handled: do the upcall */
	FIB_HANDLED	= 1,	/* the program filled outarg */
};

/* --- compile-time layout checks (spec tables) --- */
FUSE_EXT_ASSERT(sizeof(struct fuse_iomap_support) == 16, "iomap_support");
FUSE_EXT_ASSERT(sizeof(struct fuse_iomap_backing_info) == 8, "backing_info");
FUSE_EXT_ASSERT(sizeof(struct fuse_freezefs_in) == 8, "freezefs_in");
FUSE_EXT_ASSERT(sizeof(struct fuse_shutdownfs_in) == 8, "shutdownfs_in");
FUSE_EXT_ASSERT(sizeof(struct fuse_iomap_io) == 32, "iomap_io");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_io, addr) == 16, "iomap_io.addr");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_io, type) == 24, "iomap_io.type");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_io, flags) == 26, "iomap_io.flags");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_io, dev) == 28, "iomap_io.dev");
FUSE_EXT_ASSERT(sizeof(struct fuse_iomap_begin_in) == 32, "begin_in");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_begin_in, attr_ino) == 8, "begin_in.attr_ino");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_begin_in, count) == 24, "begin_in.count");
FUSE_EXT_ASSERT(sizeof(struct fuse_iomap_begin_out) == 64, "begin_out");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_begin_out, write) == 32, "begin_out.write");
FUSE_EXT_ASSERT(sizeof(struct fuse_iomap_end_in) == 72, "end_in");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_end_in, written) == 32, "end_in.written");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_end_in, map) == 40, "end_in.map");
FUSE_EXT_ASSERT(sizeof(struct fuse_iomap_ioend_in) == 48, "ioend_in");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_ioend_in, new_addr) == 24, "ioend_in.new_addr");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_ioend_in, dev) == 40, "ioend_in.dev");
FUSE_EXT_ASSERT(sizeof(struct fuse_iomap_ioend_out) == 8, "ioend_out");
FUSE_EXT_ASSERT(sizeof(struct fuse_iomap_config_in) == 64, "config_in");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_config_in, cache_maxbytes) == 16, "config_in.cache");
FUSE_EXT_ASSERT(sizeof(struct fuse_iomap_config_out) == 104, "config_out");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_config_out, s_uuid) == 40, "config_out.s_uuid");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_config_out, s_uuid_len) == 56, "config_out.uuid_len");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_config_out, s_blocksize) == 60, "config_out.bs");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_config_out, s_time_min) == 72, "config_out.tmin");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_config_out, s_maxbytes) == 88, "config_out.maxb");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_config_out, cache_maxbytes) == 96, "config_out.cache");
FUSE_EXT_ASSERT(sizeof(struct fuse_range) == 16, "range");
FUSE_EXT_ASSERT(sizeof(struct fuse_iomap_dev_inval_out) == 24, "dev_inval_out");
FUSE_EXT_ASSERT(sizeof(struct fuse_iomap_upsert_mappings_out) == 80, "upsert_out");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_upsert_mappings_out, write) == 48, "upsert.write");
FUSE_EXT_ASSERT(sizeof(struct fuse_iomap_inval_mappings_out) == 48, "inval_out");
FUSE_EXT_ASSERT(offsetof(struct fuse_iomap_inval_mappings_out, write) == 32, "inval.write");
FUSE_EXT_ASSERT(sizeof(struct fuse_famfs_fmap_header) == 32, "fmap_header");
FUSE_EXT_ASSERT(offsetof(struct fuse_famfs_fmap_header, nextents) == 8, "fmap.nextents");
FUSE_EXT_ASSERT(offsetof(struct fuse_famfs_fmap_header, reserved0) == 12, "fmap.reserved0");
FUSE_EXT_ASSERT(offsetof(struct fuse_famfs_fmap_header, file_size) == 16, "fmap.file_size");
FUSE_EXT_ASSERT(sizeof(struct fuse_famfs_simple_ext) == 24, "simple_ext");
FUSE_EXT_ASSERT(sizeof(struct fuse_famfs_iext) == 24, "iext");
FUSE_EXT_ASSERT(sizeof(struct fuse_get_daxdev_in) == 4, "get_daxdev_in");
FUSE_EXT_ASSERT(sizeof(struct fuse_daxdev_out) == 280, "daxdev_out");
FUSE_EXT_ASSERT(offsetof(struct fuse_daxdev_out, name) == 24, "daxdev_out.name");
FUSE_EXT_ASSERT(sizeof(struct fuse_statx_iomap_tail) == 112, "statx tail");
FUSE_EXT_ASSERT(offsetof(struct fuse_statx_iomap_tail, atomic_write_unit_min) == 24, "statx awu");
FUSE_EXT_ASSERT(offsetof(struct fuse_statx_iomap_tail, __spare3) == 48, "statx spare3");
FUSE_EXT_ASSERT(offsetof(struct fuse_statx, __spare2) == 144 &&
		sizeof(struct fuse_statx) == 144 + 112, "statx tail at @144");
FUSE_EXT_ASSERT(sizeof(struct fuse_init_out_dax_fmap_ops) == 64, "init_out ops_name");
FUSE_EXT_ASSERT(sizeof(struct fuse_init_out_dax_fmap_ops) ==
		sizeof(struct fuse_init_out), "ops_name overlay size");
FUSE_EXT_ASSERT(offsetof(struct fuse_init_out_dax_fmap_ops, flags2) == 32, "init_out.flags2");
FUSE_EXT_ASSERT(offsetof(struct fuse_init_out_dax_fmap_ops, request_timeout) == 40, "rt");
FUSE_EXT_ASSERT(offsetof(struct fuse_init_out_dax_fmap_ops, ops_name) == 48, "ops_name");

/* === end of extensions === */

#endif /* _LINUX_FUSE_H */
