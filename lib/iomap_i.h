/*
 * Private state of the fuse_iomap layer: devices, per-inode layouts.
 */
#ifndef IOMAP_I_H_
#define IOMAP_I_H_

#include "fuse_iomap.h"
#include "fuse_iomap_resolve.h"
#include "fuse_i.h"
#include "dialect_i.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

/* At most this many devices; the fuse-iomap kernel allocates backing ids in [1, 1025). */
#define IOMAP_MAX_DEVICES	1024

/* Largest extent count of one file layout: the resolver's native bound. */
#define IOMAP_MAX_EXTENTS	FUSE_RES_EXT_MAX_LARGE

/* Alignment famfs requires of DAX extents and chunks (PMD size on x86-64). */
#define IOMAP_DAX_ALIGN		(2u << 20)

struct iomap_dev {
	int fd;			/* our dup of the server's fd */
	uint32_t kind;		/* enum fuse_iomap_dev_kind */
	uint32_t dax_index;	/* famfs daxdev table slot */
	char *path;		/* may be NULL */
	uint64_t size;		/* bytes, 0 = unknown */
	void *map;		/* classic engine: mmap of DAX devices and files */
	bool map_ro;		/* map is PROT_READ only (the fd was read-only) */
	int kernel_id;		/* iomap backing id, 0 = not registered */
};

enum iomap_layout_kind {
	IOMAP_LAYOUT_EXTENTS = 1,
	IOMAP_LAYOUT_INTERLEAVE = 2,
	IOMAP_LAYOUT_LAZY = 3,
};

struct iomap_layout {
	uint64_t ino;
	uint32_t kind;		/* enum iomap_layout_kind */
	uint32_t slot;		/* dense slot (BPF array maps) */
	uint64_t size;		/* file size, bytes */
	/* IOMAP_LAYOUT_EXTENTS: resolver records, same layout as the API's */
	uint32_t count;
	struct fuse_res_ext *ext;
	size_t ext_bytes;	/* allocation size of ext (huge-page backed when large) */
	/*
	 * Bucket index of large extent lists (iomap_layout.c): bidx[b] is the
	 * first extent ending past b << bshift; bidx[nbuckets] = count.
	 */
	uint32_t *bidx;
	size_t bidx_bytes;
	uint32_t bshift;
	uint64_t nbuckets;
	uint64_t ext_end;	/* end of the last extent */
	/* IOMAP_LAYOUT_INTERLEAVE */
	struct fuse_res_interleave *il;
	/* the path this inode takes if not the connection's (per-inode fallback) */
	bool classic_fallback;
};

/* Open-addressing table of layouts keyed by inode number. */
struct iomap_table {
	pthread_rwlock_t lock;
	size_t cap;		/* power of two */
	size_t used;		/* live entries */
	size_t tombs;		/* deleted markers */
	struct iomap_layout **slots;
	uint32_t next_slot;
};

struct fuse_iomap {
	struct fuse_session *se;
	struct fuse_iomap_params params;
	struct fuse_iomap_ops ops;
	void *userdata;

	pthread_mutex_t dev_lock;
	uint32_t ndevs;
	struct iomap_dev devs[IOMAP_MAX_DEVICES];

	struct iomap_table layouts;

	/* Negotiation (set at INIT) */
	enum fuse_iomap_path path;
	const struct fuse_dialect *dialect;	/* what the kernel speaks */
	struct fuse_dialect_probe probe;
	struct fuse_dialect_choice choice;
	bool extension_off;	/* a registration failed: everything classic */
	bool init_done;
	atomic_int daxdevs_pushed;
	struct fuse_bpf *bpf;	/* attached mapping program, or NULL */
	char describe[320];

	/* The server's operations, called for files without layouts */
	struct fuse_lowlevel_ops srv_op;
};

struct fuse_bpf;

/* iomap_core.c */
uint32_t iomap_kernel_dev(const struct fuse_iomap *im, uint32_t id);
uint32_t iomap_dax_index(const struct fuse_iomap *im, uint32_t id);
int iomap_dev_ioctl(struct fuse_iomap *im, unsigned long cmd, void *arg);
int iomap_register_block_devices(struct fuse_iomap *im);
int iomap_push_dax_devices(struct fuse_iomap *im);
void iomap_fall_back(struct fuse_iomap *im, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* iomap_ops.c: the extension opcodes (fuse_ll_ext.dispatch) */
int iomap_dispatch(struct fuse_req *req, void *priv, const struct fuse_in_header *in,
		   const void *fixed, size_t fixed_len,
		   const void *payload, size_t payload_len);

/* iomap_hooks.c */
void iomap_hooks_install(struct fuse_iomap *im);
void iomap_hooks_remove(struct fuse_iomap *im);
void iomap_layout_changed(struct fuse_iomap *im, uint64_t ino, uint64_t off, uint64_t len);
uint32_t iomap_attr_flags(struct fuse_iomap *im, uint64_t ino, uint32_t mode);
void iomap_bpf_attach_iomap(struct fuse_iomap *im);
void iomap_bpf_publish(struct fuse_iomap *im, uint64_t ino);

/* iomap_classic.c */
ssize_t iomap_classic_read(struct fuse_iomap *im, fuse_ino_t ino, char *buf,
			   size_t size, uint64_t off);
ssize_t iomap_classic_write(struct fuse_iomap *im, fuse_ino_t ino, const char *buf,
			    size_t size, uint64_t off, uint64_t *newsize);

/* iomap_layout.c */
int iomap_table_init(struct iomap_table *t);
void iomap_table_destroy(struct iomap_table *t);
int iomap_table_put(struct iomap_table *t, struct iomap_layout *l);
int iomap_table_remove(struct iomap_table *t, uint64_t ino);
/* Caller holds t->lock (read or write). */
struct iomap_layout *iomap_table_get(struct iomap_table *t, uint64_t ino);

int iomap_check_extents(struct fuse_iomap *im, uint64_t size,
			const struct fuse_iomap_extent *ext, size_t count);
int iomap_check_interleave(struct fuse_iomap *im,
			   const struct fuse_iomap_interleave *il);
int iomap_layout_resolve(const struct iomap_layout *l, uint64_t off,
			 struct fuse_iomap_extent *out);
uint32_t iomap_blocksize(const struct fuse_iomap *im);

#endif /* IOMAP_I_H_ */
