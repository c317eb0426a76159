/*
 * libkmodel: a userspace model of a FUSE kernel of a chosen dialect.
 *
 * It plays the kernel's side of the FUSE protocol over a SOCK_SEQPACKET
 * socket: it starts an unmodified server binary with the mountpoint
 * argument "/dev/fd/N" (N = the server's end of the socket), sends INIT
 * with the dialect's minor and flags, receives device fds by SCM_RIGHTS
 * (lib/kmodel_wire_i.h), sends the requests that kernel would send, checks
 * every reply by that kernel's rules (returning that kernel's errno), moves
 * file data itself at the mapped device addresses, and counts round trips.
 *
 * Typical test:
 *
 *	struct kmodel_opts o;
 *	kmodel_opts_init(&o, fuse_dialect_by_name("iomap-v7"));
 *	struct kmodel *km = kmodel_start(&o, argv);	// server argv
 *	kmodel_sha256(km, "/dir/file", digest);
 *	uint64_t n = kmodel_count(km, FUSE_IOMAP_BEGIN);
 *	kmodel_stop(km);
 */
#ifndef KMODEL_H
#define KMODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "dialect_i.h"

struct fuse_iomap_begin_out;

struct kmodel;

/** How the modelled kernel is set up. */
struct kmodel_opts {
	const struct fuse_dialect *dialect;
	/** The kernel offers the dialect's INIT bit (false: "kernel offers nothing"). */
	bool offer_map_flag;
	/** iomap: ADD_IOMAP is allowed (enable_iomap=1 and CAP_SYS_RAWIO). */
	bool may_add_iomap;
	/** famfs: the mounter has CAP_SYS_RAWIO (the kernel offers DAX_FMAP). */
	bool famfs_rawio;
	/**
	 * Accept regular files where the kernel demands a block device
	 * (BACKING_OPEN) or a character DAX device (GET_DAXDEV / push). This
	 * machine has neither; with false the kernel's ENODEV/EINVAL apply.
	 */
	bool allow_file_devices;
	/** Wait this long for control messages before sending INIT, unless KMW_MOUNT arrives. */
	int init_delay_ms;
	/** Give up on a reply after this long. */
	int timeout_ms;
	/** Largest READ/WRITE upcall (max_read / max_write). */
	uint32_t max_io;
	/** Print every request and reply to stderr. */
	bool verbose;
	/**
	 * BPF dialects: the kernel's BTF has the dialect's struct_ops type, so
	 * the library can register its mapping program with the model
	 * (default true; false models a kernel built without it).
	 */
	bool bpf_btf;
};

/** Defaults for @dialect: offered, permitted, file devices allowed, 500 ms, 10 s. */
void kmodel_opts_init(struct kmodel_opts *o, const struct fuse_dialect *dialect);

/**
 * Start @argv[0] with @argv; every argument equal to "{}" is replaced by
 * "/dev/fd/N", or "/dev/fd/N" is appended when there is none. Then do INIT
 * (and IOMAP_CONFIG where negotiated). Returns NULL with errno set on
 * failure; kmodel_last_error() is not available then, the reason is printed.
 */
struct kmodel *kmodel_start(const struct kmodel_opts *o, char *const argv[]);

/**
 * Like kmodel_start() for a socket that is already connected to a server
 * (tests drive the other end themselves). Takes ownership of @fd.
 */
struct kmodel *kmodel_start_fd(const struct kmodel_opts *o, int fd);

/** Send DESTROY, close the socket, reap the server. Returns its wait status, or 0. */
int kmodel_stop(struct kmodel *km);

/** Resolve @path ("/a/b") with LOOKUPs from the root. Returns 0 or -errno. */
int kmodel_lookup(struct kmodel *km, const char *path, uint64_t *nodeid);

/** GETATTR of @path: size and mode. Returns 0 or -errno. */
int kmodel_stat(struct kmodel *km, const char *path, uint64_t *size,
		uint32_t *mode);

/**
 * Read @len bytes at @off of the file @path, the way the dialect's kernel
 * would (OPEN, GET_FMAP, IOMAP_BEGIN, READ, ...). Returns the bytes read
 * (short at EOF) or that kernel's -errno.
 */
ssize_t kmodel_read(struct kmodel *km, const char *path, uint64_t off,
		    size_t len, void *buf);

/** An open file of the model (OPEN done, RELEASE at kmodel_close()). */
struct kmodel_file;

/**
 * Open @path once for many reads (as an application would): LOOKUP (unless
 * the dentry is cached), OPEN, and GET_FMAP on famfs. NULL with *@err set.
 */
struct kmodel_file *kmodel_open(struct kmodel *km, const char *path,
				bool write, int *err);
/** Read through an open file; bytes or -errno. */
ssize_t kmodel_pread(struct kmodel_file *f, uint64_t off, size_t len,
		     void *buf);
/** Buffered write through a file opened for writing; -EBADF otherwise. */
ssize_t kmodel_pwrite(struct kmodel_file *f, uint64_t off, size_t len,
		      const void *buf);
/** FLUSH and RELEASE, free @f. */
int kmodel_close(struct kmodel_file *f);

/**
 * Like kmodel_read() for a node id the model has looked up (kmodel_lookup());
 * -ESTALE for a node it does not know.
 */
ssize_t kmodel_read_node(struct kmodel *km, uint64_t nodeid, uint64_t off,
			 size_t len, void *buf);

/**
 * Buffered write; same rules. On iomap files: BEGIN(WRITE) for the source of
 * partial blocks, then immediate writeback (BEGIN(WRITEBACK), IOEND) since
 * the model keeps no page cache. Returns bytes written or -errno.
 */
ssize_t kmodel_write(struct kmodel *km, const char *path, uint64_t off,
		     size_t len, const void *buf);

/**
 * O_DIRECT write: on iomap files BEGIN(WRITE|DIRECT) and the blocks go
 * straight to the destination; @off and @len must be 512-aligned (EINVAL);
 * ENOSYS/ENOTBLK fall back to buffered. Elsewhere like kmodel_write().
 */
ssize_t kmodel_write_direct(struct kmodel *km, const char *path, uint64_t off,
			    size_t len, const void *buf);

/** SHA-256 of the whole file @path. Returns 0 or -errno. */
int kmodel_sha256(struct kmodel *km, const char *path, uint8_t digest[32]);

/**
 * FIEMAP-like report through IOMAP_BEGIN(REPORT) on iomap files; @cb is
 * called for each mapping. Returns 0 or -errno (-EOPNOTSUPP elsewhere).
 */
int kmodel_fiemap(struct kmodel *km, const char *path,
		  int (*cb)(void *ctx, uint64_t off, uint64_t len,
			    uint16_t type, uint64_t addr, uint32_t dev),
		  void *ctx);

/** SEEK_DATA / SEEK_HOLE on @path. Returns the offset or -errno (-ENXIO at EOF). */
int64_t kmodel_seek(struct kmodel *km, const char *path, uint64_t off,
		    int whence);

/** syncfs, freeze, thaw, shutdown as the dialect sends them. 0 or -errno. */
int kmodel_syncfs(struct kmodel *km);
int kmodel_freeze(struct kmodel *km);
int kmodel_unfreeze(struct kmodel *km);
int kmodel_shutdown(struct kmodel *km);

/** Send FORGET for @path's node with its lookup count (no reply). */
int kmodel_forget(struct kmodel *km, const char *path);

/**
 * List the directory @path (OPENDIR, READDIR or READDIRPLUS, RELEASEDIR);
 * @cb gets each entry, and a nonzero return stops the listing. Returns 0
 * or -errno (-EIO for records the kernel rejects).
 */
int kmodel_readdir(struct kmodel *km, const char *path,
		   int (*cb)(void *ctx, const char *name, uint32_t type,
			     uint64_t ino),
		   void *ctx);

/** Round trips (requests sent) with this opcode. */
uint64_t kmodel_count(const struct kmodel *km, uint32_t opcode);

/** Requests of every opcode, and reply bytes moved. */
uint64_t kmodel_count_total(const struct kmodel *km);

/** Print the per-opcode counts. */
void kmodel_print_stats(const struct kmodel *km, FILE *f);

/** Negotiated state after INIT. */
bool kmodel_iomap_on(const struct kmodel *km);
bool kmodel_famfs_on(const struct kmodel *km);
uint32_t kmodel_minor(const struct kmodel *km);
uint32_t kmodel_blocksize(const struct kmodel *km);
const char *kmodel_ops_name(const struct kmodel *km);

/**
 * BPF dialects: mappings the registered program answered itself (iomap:
 * FIB_HANDLED and valid, so no IOMAP_BEGIN upcall; famfs-gp-bpf: every
 * iomap_begin the DAX path called).
 */
uint64_t kmodel_count_bpf(const struct kmodel *km);
/** iomap-v7-bpf: program calls that returned FIB_FALLBACK (upcall sent). */
uint64_t kmodel_count_bpf_fallback(const struct kmodel *km);
/**
 * Name of the registered BPF mapping program, or NULL; then @why (if not
 * NULL) gets why none runs (not registered, or the model could not load
 * the bytecode: no BPF in this build, no CAP_BPF).
 */
const char *kmodel_bpf_program(const struct kmodel *km, const char **why);
/**
 * Ask the registered iomap program about @pos of @path as the kernel
 * would before an IOMAP_BEGIN upcall. Returns 1 (FIB_HANDLED, @out filled
 * and validated as a BEGIN reply), 0 (FIB_FALLBACK), or -errno (no
 * program, bad answer: EUCLEAN).
 */
int kmodel_bpf_iomap_begin(struct kmodel *km, const char *path, uint64_t pos,
			   uint32_t opflags, struct fuse_iomap_begin_out *out);

/** Result of the last notification the server sent (0 or -errno). */
int kmodel_last_notify_error(const struct kmodel *km);

/** The last error message of the model ("" if none). */
const char *kmodel_last_error(const struct kmodel *km);

/** Number of registered iomap backing devices / valid daxdev slots. */
unsigned int kmodel_backing_count(const struct kmodel *km);
unsigned int kmodel_daxdev_count(const struct kmodel *km);

/** Bytes of cached mappings of @path's inode (-errno if none). */
int64_t kmodel_cache_bytes(struct kmodel *km, const char *path);

/** Self-contained SHA-256 (FIPS 180-4). */
void kmodel_sha256_buf(const void *data, size_t len, uint8_t digest[32]);

struct kmodel_sha256_ctx {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t fill;
};
void kmodel_sha256_init(struct kmodel_sha256_ctx *c);
void kmodel_sha256_update(struct kmodel_sha256_ctx *c, const void *data,
			  size_t len);
void kmodel_sha256_final(struct kmodel_sha256_ctx *c, uint8_t digest[32]);

#endif /* KMODEL_H */
