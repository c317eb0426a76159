/* libkmodel internals shared by its source files. */
#ifndef KM_I_H
#define KM_I_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>

#include "fuse_kernel.h"
#include "kmodel.h"
#include "kmodel_wire_i.h"

#define KM_MAX_OPCODE	4097	/* counts opcodes 0..CUSE_INIT */
#define KM_RECV_MAX	(17u * 1024 * 1024)	/* > largest fmap (16 MiB) */
#define KM_MAX_BACKING	1025	/* ids 1..1024 (spec 4.1) */
#define KM_MAX_DAXDEV	64

/** One fork of the model's mapping cache: sorted, non-overlapping. */
struct km_fork {
	struct fuse_iomap_io *v;
	size_t n, cap;
};

struct km_cache {
	struct km_fork rd, wr;
	bool has_wr;		/* write fork exists (spec 5.1) */
};

/** A parsed famfs fmap (spec 6.3-6.5), flattened. */
struct km_strip {
	uint32_t dev;
	uint64_t off, len;
};

struct km_fmap_ext {
	bool interleave;
	uint64_t nbytes;	/* logical bytes (simple: len) */
	uint32_t chunk;
	uint32_t nstrips;	/* 1 for simple */
	struct km_strip *strips;
};

struct km_fmap {
	uint8_t file_type;
	uint64_t file_size;
	uint32_t n;
	struct km_fmap_ext *e;
	uint64_t dev_bitmap;
	bool bad;		/* post-V10: a device was missing */
};

struct fuse_bpf_file;
struct bpf_oracle;

/*
 * A BPF mapping program registered through KMW_BPF_REGISTER (spec 7.1,
 * 7.2): the model keeps its per-file ARRAY map and runs the resolver
 * bytecode on the records through BPF_PROG_TEST_RUN (km_bpf.c).
 */
struct km_bpf {
	bool registered;
	uint32_t flavour;	/* FUSE_BPF_FLAVOUR_* */
	uint32_t nslots;
	uint32_t blkbits;
	char name[17];
	struct fuse_bpf_file **map;	/* nslots values; NULL = all zero */
	struct bpf_oracle *oracle;
	uint64_t served;	/* mappings the program answered */
	uint64_t fallbacks;	/* FIB_FALLBACK answers (iomap) */
	uint64_t updates;	/* map updates received */
	char why[256];		/* why no program runs, if one was refused */
};

struct km_inode {
	uint64_t nodeid;
	uint64_t nlookup;
	struct fuse_attr attr;
	uint64_t disk_size;	/* the kernel's i_disk_size (iomap) */
	bool iomap;		/* EXCLUSIVE|IOMAP honoured on this inode */
	uint32_t open_flags;	/* FOPEN_* of the last OPEN reply */
	struct km_cache *cache;
	struct km_fmap *fmap;
	struct fuse_bpf_file *bpf_meta;	/* Gregory's per-inode meta buffer */
	bool bad;
};

struct km_dentry {
	uint64_t parent;
	uint64_t nodeid;
	int64_t expires_ms;	/* CLOCK_MONOTONIC */
	char name[256];
};

struct km_backing {
	int fd;			/* -1: free */
	uint64_t size;		/* device size in bytes */
	uint32_t blocksize;
};

struct km_daxdev {
	bool valid;
	bool failed;		/* post-V10: failed before, now -EIO */
	int fd;
	uint64_t size;
	char name[FUSE_DAXDEV_NAME_MAX];
};

struct kmodel {
	struct kmodel_opts o;
	const struct fuse_dialect *d;
	int fd;
	pid_t pid;
	uint64_t unique;
	uint64_t counts[KM_MAX_OPCODE];
	uint64_t other_count;
	char *rbuf;		/* receive buffer, KM_RECV_MAX */

	/* state before and after INIT */
	bool may_iomap;		/* ADD_IOMAP succeeded */
	bool mounted_msg;	/* KMW_MOUNT seen */
	bool init_sent;
	bool init_done;
	uint32_t minor;		/* negotiated */
	uint64_t init_flags;	/* what the kernel offered */
	uint64_t reply_flags;	/* what the server answered */
	bool iomap;		/* fc->iomap */
	bool famfs;		/* fc->famfs_iomap */
	char ops_name[FUSE_DAX_FMAP_OPS_NAME_LEN + 1];
	uint32_t max_write;
	uint32_t readahead;	/* negotiated max_readahead, >= one page */
	uint32_t blocksize;	/* iomap config s_blocksize, default 4096 */
	int64_t s_maxbytes;
	uint32_t cache_maxbytes;
	bool end_enosys, ioend_enosys;
	bool no_flush;		/* FLUSH got ENOSYS once */
	bool frozen;

	struct km_backing backing[KM_MAX_BACKING];
	struct km_daxdev dax[KM_MAX_DAXDEV];

	/* separately allocated: pointers stay valid while the table grows */
	struct km_inode **inodes;
	size_t ninodes, capinodes;

	/* dentry cache: (parent, name) -> nodeid until entry_valid expires */
	struct km_dentry *dentries;
	size_t ndentries, capdentries;

	struct km_bpf bpf;

	int last_notify_err;
	char err[256];
};

/* km_core.c */
void km_err(struct kmodel *km, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/**
 * Send a request and wait for its reply; control messages and
 * notifications that arrive meanwhile are handled. On return *out points
 * into km->rbuf (valid until the next call), *outlen is the payload length.
 * Returns the reply's error (0 or -errno), or a -errno of the model itself
 * (timeouts, framing errors: -EIO/-ETIMEDOUT/-ENOTCONN).
 */
int km_call(struct kmodel *km, uint32_t opcode, uint64_t nodeid,
	    const void *in1, size_t len1, const void *in2, size_t len2,
	    void **out, size_t *outlen);
/** Send a request that has no reply (FORGET). */
int km_send_noreply(struct kmodel *km, uint32_t opcode, uint64_t nodeid,
		    const void *in, size_t len);
struct km_inode *km_inode_get(struct kmodel *km, uint64_t nodeid);
/** Expire dentries: (@parent, @name) if @name, and any naming @nodeid if nonzero. */
void km_dcache_drop(struct kmodel *km, uint64_t parent, const char *name,
		    uint64_t nodeid);
struct km_inode *km_inode_add(struct kmodel *km, uint64_t nodeid);
int km_resolve(struct kmodel *km, const char *path, struct km_inode **ino);

/* km_ctl.c: device ioctls that arrive as control messages */
void km_handle_control(struct kmodel *km, const struct kmw_req *req,
		       const void *payload, size_t plen,
		       const int *fds, int nfds);

/* km_bpf.c: the BPF mapping programs (spec 7.1, 7.2) */
int km_bpf_probe(struct kmodel *km, uint32_t flavour);
int km_bpf_register(struct kmodel *km, const void *payload, size_t plen);
int km_bpf_map_update(struct kmodel *km, uint32_t slot, const void *payload,
		      size_t plen);
/**
 * Darrick's iomap_begin hook: 1 = FIB_HANDLED (@o filled, not yet
 * validated), 0 = FIB_FALLBACK (send the upcall).
 */
int km_bpf_iomap_begin(struct kmodel *km, struct km_inode *ino,
		       uint32_t opflags, uint64_t pos,
		       struct fuse_iomap_begin_out *o);
/** Gregory's iomap_setup at open: 0 or the open's -errno. */
int km_bpf_fmap_setup(struct kmodel *km, struct km_inode *ino);
/** DAX I/O through Gregory's iomap_begin. */
ssize_t km_bpf_fmap_rw(struct kmodel *km, struct km_inode *ino, uint64_t off,
		       size_t len, void *buf, bool write);
void km_bpf_free(struct kmodel *km);
/** A fuse_dax_fmap_ops program is registered (Gregory's dialect). */
bool km_bpf_fmap_registered(const struct kmodel *km);

/* km_notify.c */
int km_handle_notify(struct kmodel *km, int32_t code, const void *p,
		     size_t len);

/* km_init.c */
int km_do_init(struct kmodel *km);

/* km_iomap.c */
int km_iomap_check_mapping(struct kmodel *km, struct km_inode *ino,
			   const struct fuse_iomap_io *m, bool write_slot,
			   bool from_upsert, uint64_t pos, bool have_pos);
ssize_t km_iomap_read(struct kmodel *km, struct km_inode *ino, uint64_t off,
		      size_t len, void *buf);
ssize_t km_iomap_write(struct kmodel *km, struct km_inode *ino, uint64_t off,
		       size_t len, const void *buf, bool direct);
int km_iomap_report(struct kmodel *km, struct km_inode *ino, uint64_t pos,
		    struct fuse_iomap_io *out);
int km_iomap_begin(struct kmodel *km, struct km_inode *ino, uint32_t opflags,
		   uint64_t pos, uint64_t count, struct fuse_iomap_begin_out *o);

/* km_cache.c */
int km_cache_upsert(struct kmodel *km, struct km_inode *ino,
		    const struct fuse_iomap_io *rd, const struct fuse_iomap_io *wr);
void km_cache_remove(struct km_fork *f, uint64_t off, uint64_t len);
bool km_cache_lookup(const struct km_fork *f, uint64_t pos,
		     struct fuse_iomap_io *out);
size_t km_cache_bytes(const struct km_cache *c);
void km_cache_free(struct km_cache *c);

/* km_fmap.c */
int km_fmap_fetch(struct kmodel *km, struct km_inode *ino);
int km_fmap_parse(struct kmodel *km, const void *buf, size_t len,
		  struct km_fmap **out);
void km_fmap_free(struct km_fmap *f);
ssize_t km_fmap_rw(struct kmodel *km, struct km_inode *ino, uint64_t off,
		   size_t len, void *buf, bool write);
int km_daxdev_install(struct kmodel *km, uint32_t index, const char *path,
		      int fd);

/* km_file.c */
int km_open(struct kmodel *km, struct km_inode *ino, bool write, uint64_t *fh);
void km_release(struct kmodel *km, struct km_inode *ino, uint64_t fh);

/** pread/pwrite all of it; short device -> -EIO. */
int km_pio(int fd, void *buf, size_t len, uint64_t off, bool write);

#endif /* KM_I_H */
