/*
 * fuse_iomap: mapped file I/O for FUSE servers.
 *
 * A server describes where each file's bytes live on its devices (block
 * devices, DAX memory devices, or regular files standing in for either);
 * the library makes the kernel do the data I/O by the best mechanism the
 * running kernel offers, and serves classic FUSE_READ/FUSE_WRITE from the
 * same description when the kernel offers none.
 *
 * This header is ours (not part of upstream libfuse). Its symbols live in
 * the FUSE_IOMAP_1 version node of libfuse3.so.4.
 */

#ifndef FUSE_IOMAP_H_
#define FUSE_IOMAP_H_

#include "fuse_lowlevel.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup iomap_paths Data paths
 *
 * Per connection the library picks the best path the kernel and the server
 * both support, in this order: native famfs fmap (DAX servers on a famfs
 * kernel), generic fuse-iomap (block servers on an iomap kernel), a BPF
 * mapping program inside either of those when one can be attached, and the
 * classic path, which always works. A single inode may still fall back to
 * classic (for example a famfs file whose layout exceeds the kernel's extent
 * cap); fuse_iomap_inode_path() tells.
 * @{
 */

/** The mechanism that moves a file's data. */
enum fuse_iomap_path {
	/** FUSE_READ/FUSE_WRITE, served by the library's classic engine */
	FUSE_IOMAP_PATH_CLASSIC = 0,
	/** fuse-iomap: IOMAP_BEGIN/END/IOEND upcalls, optional mapping cache */
	FUSE_IOMAP_PATH_IOMAP = 1,
	/** famfs: the whole file map handed over once (GET_FMAP) */
	FUSE_IOMAP_PATH_FMAP = 2,
	/** fuse-iomap with a fuse_iomap_bpf_ops program resolving in the kernel */
	FUSE_IOMAP_PATH_IOMAP_BPF = 3,
	/** famfs fmap with a fuse_dax_fmap_ops program resolving in the kernel */
	FUSE_IOMAP_PATH_FMAP_BPF = 4,
};

/** What the server asks for; `-o iomap=auto|fmap|iomap|bpf|classic`. */
enum fuse_iomap_mode {
	FUSE_IOMAP_MODE_AUTO = 0,	/**< best available path */
	FUSE_IOMAP_MODE_FMAP = 1,	/**< famfs fmap or classic */
	FUSE_IOMAP_MODE_IOMAP = 2,	/**< generic iomap or classic */
	FUSE_IOMAP_MODE_BPF = 3,	/**< a BPF path, else the best upcall path */
	FUSE_IOMAP_MODE_CLASSIC = 4,	/**< never use a kernel extension */
};

/** The server can serve block devices (or regular files standing in for one). */
#define FUSE_IOMAP_SERVES_BLOCK	(1u << 0)
/** The server can serve DAX memory devices (famfs-style, fixed-size files). */
#define FUSE_IOMAP_SERVES_DAX	(1u << 1)

/** @} */

/**
 * @defgroup iomap_layout Layouts
 * @{
 */

/**
 * Extent types. These are API values (the same as the layout resolver's,
 * include/fuse_iomap_resolve.h); the dialect table maps them to wire values.
 */
enum fuse_iomap_ext_type {
	FUSE_IOMAP_EXT_HOLE = 0,	/**< no storage; reads return zeros */
	FUSE_IOMAP_EXT_DELALLOC = 1,	/**< reserved, not yet allocated */
	FUSE_IOMAP_EXT_MAPPED = 2,	/**< written data at dev/dev_offset */
	FUSE_IOMAP_EXT_UNWRITTEN = 3,	/**< allocated, reads return zeros */
	FUSE_IOMAP_EXT_INLINE = 4,	/**< data kept by the server; READ/WRITE upcalls */
};

/** Extent flag: freshly allocated (the kernel zeroes around partial writes). */
#define FUSE_IOMAP_EXTF_NEW	(1u << 0)
/** Extent flag: blocks are shared; writes must go out of place. */
#define FUSE_IOMAP_EXTF_SHARED	(1u << 1)

/**
 * One extent of a file. Extents of a layout are sorted by @c offset and do
 * not overlap; gaps between them read as holes. Offsets and lengths are
 * multiples of the configured block size (2 MiB for DAX devices).
 */
struct fuse_iomap_extent {
	uint64_t offset;	/**< file offset, bytes */
	uint64_t length;	/**< bytes, > 0 */
	uint64_t dev_offset;	/**< byte address on the device (MAPPED, UNWRITTEN) */
	uint32_t dev;		/**< device id from fuse_iomap_add_device() */
	uint16_t type;		/**< enum fuse_iomap_ext_type */
	uint16_t flags;		/**< FUSE_IOMAP_EXTF_* */
};

/** One strip of an interleaved (striped) layout. */
struct fuse_iomap_strip {
	uint32_t dev;		/**< device id from fuse_iomap_add_device() */
	uint32_t reserved;	/**< must be 0 */
	uint64_t base;		/**< byte offset of the strip's first chunk on @c dev */
};

/**
 * An interleaved layout: chunk @c k of the file lives on strip
 * `k % nstrips`, at `base + (k / nstrips) * chunk` of that strip's device.
 */
struct fuse_iomap_interleave {
	uint32_t nstrips;	/**< 1 .. FUSE_IOMAP_MAX_STRIPS */
	uint32_t chunk;		/**< bytes per chunk, > 0, block aligned */
	uint64_t size;		/**< file size, bytes */
	const struct fuse_iomap_strip *strips;	/**< @c nstrips entries */
};

/** Largest strip count of an interleave (famfs's native limit). */
#define FUSE_IOMAP_MAX_STRIPS	32

/** @} */

/**
 * @defgroup iomap_config Configuration
 * @{
 */

/** Device kinds. */
enum fuse_iomap_dev_kind {
	FUSE_IOMAP_DEV_BLOCK = 1,	/**< block device node */
	FUSE_IOMAP_DEV_DAX = 2,		/**< DAX character device (/dev/daxX.Y) */
	FUSE_IOMAP_DEV_FILE = 3,	/**< regular file standing in for a device (classic path only) */
};

/** A device the server's layouts refer to. */
struct fuse_iomap_device {
	int fd;			/**< open fd; the library dups it */
	uint32_t kind;		/**< enum fuse_iomap_dev_kind */
	uint32_t dax_index;	/**< famfs daxdev table slot (0 = primary) */
	const char *path;	/**< device path (sent in GET_DAXDEV replies), may be NULL for block */
};

/**
 * File-system wide answers for FUSE_IOMAP_CONFIG. Zero fields take the
 * defaults noted; the library sets the flags of the wire reply itself.
 */
struct fuse_iomap_config {
	uint32_t blocksize;	/**< fs block size; default 4096 (2 MiB when serving DAX) */
	uint32_t max_links;	/**< 0 = not reported */
	uint8_t uuid[16];	/**< file system uuid */
	uint8_t uuid_len;	/**< 0 = not reported, else <= 16 */
	char sid[32];		/**< superblock id string, "" = not reported */
	uint32_t time_gran;	/**< timestamp granularity ns; 0 = not reported */
	int64_t time_min;	/**< with time_gran */
	int64_t time_max;	/**< with time_gran */
	int64_t maxbytes;	/**< largest file size; 0 = not reported */
	uint32_t cache_maxbytes; /**< per-inode mapping-cache budget; 0 = kernel default */
};

/** Parameters given at fuse_iomap_new(). */
struct fuse_iomap_params {
	uint32_t serves;		/**< FUSE_IOMAP_SERVES_* */
	uint32_t mode;			/**< enum fuse_iomap_mode; -o iomap= overrides */
	struct fuse_iomap_config config;
	/** Upload a file's mappings into the kernel cache at open (iomap path) */
	unsigned upload_at_open:1;
	unsigned reserved_bits:31;
	uint64_t upload_max_bytes;	/**< file bytes to upload at open; 0 = whole file within budget */
	uint64_t reserved[6];
};

/** @} */

/**
 * @defgroup iomap_ops Server callbacks
 * All optional. Return 0 or a negative errno.
 * @{
 */

/** Operation flags given to map(). */
#define FUSE_IOMAP_MAP_WRITE	(1u << 0)	/**< the caller will write the range */
#define FUSE_IOMAP_MAP_DIRECT	(1u << 1)	/**< direct I/O */
#define FUSE_IOMAP_MAP_REPORT	(1u << 2)	/**< FIEMAP / SEEK: no allocation */
#define FUSE_IOMAP_MAP_ZERO	(1u << 3)	/**< zeroing a range */
#define FUSE_IOMAP_MAP_NOWAIT	(1u << 4)	/**< do not block: return -EAGAIN instead */

/** Flags given to ioend(). */
#define FUSE_IOMAP_IOEND_F_UNWRITTEN	(1u << 0)	/**< convert unwritten extents in the range */
#define FUSE_IOMAP_IOEND_F_APPEND	(1u << 1)	/**< on-disk size grows to pos + written */
#define FUSE_IOMAP_IOEND_F_SHARED	(1u << 2)	/**< out-of-place write finished */
#define FUSE_IOMAP_IOEND_F_DIRECT	(1u << 3)	/**< it was direct I/O */

struct fuse_iomap_ops {
	/**
	 * Map [pos, pos + count) of a file whose layout is lazy
	 * (fuse_iomap_set_lazy()). Fill @p read with the extent covering
	 * @p pos; for FUSE_IOMAP_MAP_WRITE also fill @p write with where the
	 * data must go (allocate here: UNWRITTEN or MAPPED with EXTF_NEW), or
	 * leave write->length 0 for an overwrite in place. The library
	 * validates the answer as it validates whole layouts.
	 */
	int (*map)(void *userdata, fuse_ino_t ino, uint64_t pos, uint64_t count,
		   uint32_t flags, struct fuse_iomap_extent *read,
		   struct fuse_iomap_extent *write);

	/**
	 * I/O to [pos, pos + written) finished. Convert unwritten extents
	 * (FUSE_IOMAP_IOEND_F_UNWRITTEN), record the size (F_APPEND), and set
	 * @p newsize to the file's on-disk size after it.
	 */
	int (*ioend)(void *userdata, fuse_ino_t ino, uint64_t pos, uint64_t written,
		     uint32_t flags, int error, uint64_t *newsize);

	/** Freeze the file system; @p unlinked open-but-unlinked inodes. */
	int (*freeze)(void *userdata, uint64_t unlinked);
	/** Thaw after freeze(). */
	int (*unfreeze)(void *userdata);
	/** Forced shutdown: stop writing. */
	void (*shutdown)(void *userdata, uint64_t flags);
	/** Make everything durable (FUSE_SYNCFS on iomap connections). */
	int (*syncfs)(void *userdata);
};

/** @} */

/**
 * @defgroup iomap_api Functions
 * @{
 */

struct fuse_iomap;

/**
 * Take `-o iomap=auto|fmap|iomap|bpf|classic` out of @p args (before
 * fuse_session_new(), which refuses options it does not know).
 *
 * @return 0, or -EINVAL for an unknown value (with a message logged).
 */
int fuse_iomap_parse_opts(struct fuse_args *args, struct fuse_iomap_params *params);

/**
 * Attach mapped I/O to a session. Call after fuse_session_new() and before
 * fuse_session_mount(): probing the kernel needs the device fd before
 * mount(2).
 *
 * @param se the session
 * @param params what the server serves and wants; copied
 * @param ops callbacks, may be NULL; copied (@p op_size bytes)
 * @param op_size sizeof(struct fuse_iomap_ops)
 * @param userdata passed to every callback
 * @return the handle, or NULL with errno set and a message logged
 */
struct fuse_iomap *fuse_iomap_new(struct fuse_session *se,
				  const struct fuse_iomap_params *params,
				  const struct fuse_iomap_ops *ops, size_t op_size,
				  void *userdata);

/** Detach and free (after fuse_session_unmount()). */
void fuse_iomap_destroy(struct fuse_iomap *im);

/**
 * Register a device. Devices are registered with the kernel at INIT by
 * whichever path wins; the id returned here is what layouts use, whatever
 * the path. A kernel refusal (EPERM without CAP_SYS_RAWIO, ENODEV, ...)
 * moves the connection to another path with the reason logged; it does
 * not fail the mount.
 *
 * @return 0 and *id, or a negative errno (bad fd, unknown kind, table full)
 */
int fuse_iomap_add_device(struct fuse_iomap *im, const struct fuse_iomap_device *dev,
			  uint32_t *id);

/**
 * Hand over a file's whole layout as sorted extents. Validated (sorted,
 * non-overlapping, aligned, known devices, in range of each device) and
 * copied; the previous layout of @p ino is replaced and the kernel's cached
 * mappings of it invalidated.
 *
 * @return 0, or -EINVAL (with the reason logged) for a bad layout
 */
int fuse_iomap_set_extents(struct fuse_iomap *im, fuse_ino_t ino, uint64_t size,
			   const struct fuse_iomap_extent *ext, size_t count);

/** Hand over an interleaved layout. Validated and copied as above. */
int fuse_iomap_set_interleave(struct fuse_iomap *im, fuse_ino_t ino,
			      const struct fuse_iomap_interleave *il);

/**
 * Mark @p ino as lazily mapped: ranges are asked of ops->map() when needed.
 * @p size is the file size (for the classic engine).
 */
int fuse_iomap_set_lazy(struct fuse_iomap *im, fuse_ino_t ino, uint64_t size);

/** Update the size of a file with a lazy layout (after truncate or append). */
int fuse_iomap_set_size(struct fuse_iomap *im, fuse_ino_t ino, uint64_t size);

/**
 * The server changed the block map of [off, off + len) behind the kernel's
 * back (truncate, punch, fallocate): drop cached mappings of that range.
 * @p len may be UINT64_MAX for "to the end of the file".
 */
int fuse_iomap_invalidate(struct fuse_iomap *im, fuse_ino_t ino, uint64_t off,
			  uint64_t len);

/** Forget a file's layout (on unlink + forget, or when it stops being mapped). */
int fuse_iomap_forget(struct fuse_iomap *im, fuse_ino_t ino);

/**
 * Resolve @p off of @p ino: the extent covering it (holes between extents
 * come back as FUSE_IOMAP_EXT_HOLE), clipped to one chunk for interleaves.
 * O(log n) for extents, O(1) for interleaves, no allocation.
 *
 * @return 0, -ENOENT (no layout), -ENXIO (past the end of the file)
 */
int fuse_iomap_lookup(struct fuse_iomap *im, fuse_ino_t ino, uint64_t off,
		      struct fuse_iomap_extent *out);

/** The connection's path (valid after INIT). */
enum fuse_iomap_path fuse_iomap_conn_path(const struct fuse_iomap *im);

/** The path of one inode: the connection's, or classic for a fallback file. */
enum fuse_iomap_path fuse_iomap_inode_path(struct fuse_iomap *im, fuse_ino_t ino);

/** Name of the kernel dialect detected ("stock", "iomap-v7", "famfs-v10", ...). */
const char *fuse_iomap_dialect_name(const struct fuse_iomap *im);

/** The one readable line logged at mount: dialect, path, and why. */
const char *fuse_iomap_describe(const struct fuse_iomap *im);

/** Name of a path, for messages ("classic", "iomap", "fmap", ...). */
const char *fuse_iomap_path_name(enum fuse_iomap_path path);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* FUSE_IOMAP_H_ */
