/*
 * Private state of the fuse_iomap layer: devices, per-inode layouts.
 */
#ifndef IOMAP_I_H_
#define IOMAP_I_H_

#include "fuse_iomap.h"
#include "fuse_iomap_resolve.h"

#include <pthread.h>
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

	enum fuse_iomap_path path;
	const void *dialect;	/* struct fuse_dialect * (lib/dialect_i.h) */
	char describe[256];
};

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
