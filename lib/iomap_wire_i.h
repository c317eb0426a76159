/*
 * fuse_iomap wire encoders (lib/iomap_wire.c): pure functions from layouts
 * to the structures a kernel dialect reads.
 */
#ifndef IOMAP_WIRE_I_H_
#define IOMAP_WIRE_I_H_

#include "fuse_iomap.h"
#include "fuse_kernel.h"
#include "dialect_i.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Wire type of an API extent type in dialect @d. */
uint16_t iomap_wire_type(const struct fuse_dialect *d, uint16_t api_type);

/**
 * Encode @e as a fuse_iomap_io: block-aligned, @kernel_dev as device cookie
 * for extents on a device. Returns 0, -ENODEV (device not registered with
 * the kernel), -EINVAL (empty).
 */
int iomap_wire_io(const struct fuse_dialect *d, const struct fuse_iomap_extent *e,
		  uint32_t kernel_dev, uint32_t blocksize, struct fuse_iomap_io *io);

/** The write slot "overwrite in place": @read with type PURE_OVERWRITE. */
void iomap_wire_pure_overwrite(const struct fuse_dialect *d,
			       const struct fuse_iomap_io *read,
			       struct fuse_iomap_io *write);

/**
 * IOMAP_CONFIG reply from the server's config; only fields the kernel said
 * it knows (@kernel_known, from fuse_iomap_config_in.flags). Returns the
 * reply size.
 */
size_t iomap_wire_config(const struct fuse_dialect *d, const struct fuse_iomap_config *c,
			 uint32_t blocksize, uint64_t kernel_known,
			 struct fuse_iomap_config_out *out);

/** GET_DAXDEV reply for daxdev @index at @path. */
void iomap_wire_daxdev(const char *path, uint32_t index, struct fuse_daxdev_out *out);

/** What a famfs fmap is built from: an extent list or an interleave. */
struct iomap_fmap_src {
	uint8_t file_type;			/**< enum fuse_famfs_file_type */
	uint64_t size;				/**< file size */
	const struct fuse_iomap_extent *ext;	/**< simple layout, or NULL */
	size_t count;
	const struct fuse_iomap_interleave *il;	/**< interleave, or NULL */
	const uint32_t *devindex;		/**< daxdev index per extent / strip */
};

/** Output buffer of an fmap. */
struct iomap_fmap_buf {
	char *data;
	size_t len;
	size_t cap;
};

/**
 * Encode a famfs fmap (header + simple extents, or one interleaved extent
 * with its strips; an interleave is unrolled into simple extents where the
 * dialect has none). Checks the dialect's rules (extent cap, 2 MiB
 * alignment, daxdev 0 only, chunk rule) and fails with a logged reason:
 * -EFBIG (over a cap), -EINVAL (the kernel would refuse it), -E2BIG (does
 * not fit in @b).
 */
int iomap_wire_fmap(const struct fuse_dialect *d, const struct iomap_fmap_src *src,
		    struct iomap_fmap_buf *b);

#endif /* IOMAP_WIRE_I_H_ */
