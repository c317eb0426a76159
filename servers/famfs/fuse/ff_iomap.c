// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs-fuse data path: every file's layout is handed to fuse_iomap, which
 * serves the data by whichever path the kernel offers (famfs GET_FMAP and
 * GET_DAXDEV on famfs kernels, IOMAP_BEGIN on iomap kernels, its classic
 * READ/WRITE engine on a stock kernel). famfs-fuse has no read/write code
 * of its own; it only keeps its policy (open() refuses what may not be
 * written, sizes never change).
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "ff.h"

/* The device kind the library is told, from what famfs_dev_open() found. */
static uint32_t iomap_kind(enum famfs_dev_kind k)
{
	switch (k) {
	case FAMFS_DEV_DAX:
		return FUSE_IOMAP_DEV_DAX;
	case FAMFS_DEV_BLOCK:
		return FUSE_IOMAP_DEV_BLOCK;
	case FAMFS_DEV_FILE:
	default:
		/* stands in for either; a real kernel refuses it for iomap/fmap */
		return FUSE_IOMAP_DEV_FILE;
	}
}

int ff_iomap_add_devices(struct ff *ff)
{
	struct fuse_iomap_device dev = {
		.fd = ff->fs.dev.fd,
		.kind = iomap_kind(ff->fs.dev.kind),
		.dax_index = 0,
		.path = ff->fs.dev.path,
	};
	int rc;

	rc = fuse_iomap_add_device(ff->im, &dev, &ff->devid[0]);
	if (rc) {
		fuse_log(FUSE_LOG_ERR, "famfs-fuse: cannot register %s with fuse_iomap: %s\n",
			 ff->fs.dev.path, strerror(-rc));
		return rc;
	}
	/*
	 * Daxdevs added by ADD_DAXDEV log entries (slots 1..) carry only a
	 * uuid and a size on the media, no path: there is nothing to open
	 * and register. The format library refuses layouts naming them
	 * (devindex != 0), so no file needs them today.
	 */
	if (ff->ns.ndaxdevs > 1)
		fuse_log(FUSE_LOG_WARNING,
			 "famfs-fuse: %u extra daxdev(s) in the log are not registered (the log names no device path)\n",
			 ff->ns.ndaxdevs - 1);
	return 0;
}

/* Device id of a famfs daxdev index, or 0 if it is not registered. */
static uint32_t devid_of(const struct ff *ff, uint64_t devindex)
{
	return devindex < FAMFS_MAX_DAXDEVS ? ff->devid[devindex] : 0;
}

int ff_iomap_publish(struct ff *ff, const struct famfs_node *n)
{
	const struct famfs_layout *l = &n->layout;
	struct fuse_iomap_extent ext[FAMFS_MAX_SIMPLE_EXT];
	struct fuse_iomap_strip strips[FUSE_IOMAP_MAX_STRIPS];
	uint64_t start = 0;
	uint32_t i;
	int rc = -EINVAL;

	if (!ff->im || !S_ISREG(n->mode))
		return 0;
	if (l->kind == FAMFS_LAYOUT_SIMPLE && l->next >= 1 &&
	    l->next <= FAMFS_MAX_SIMPLE_EXT) {
		/* extents tile the file from offset 0, in log order */
		memset(ext, 0, sizeof(ext));
		for (i = 0; i < l->next; i++) {
			ext[i].offset = start;
			ext[i].length = l->ext[i].len;
			ext[i].dev_offset = l->ext[i].offset;
			ext[i].dev = devid_of(ff, l->ext[i].devindex);
			ext[i].type = FUSE_IOMAP_EXT_MAPPED;
			if (!ext[i].dev || start + l->ext[i].len < start)
				goto bad;
			start += l->ext[i].len;
		}
		if (start < l->size)
			goto bad;
		rc = fuse_iomap_set_extents(ff->im, n->ino, l->size, ext, l->next);
	} else if (l->kind == FAMFS_LAYOUT_INTERLEAVE && l->next >= 1 &&
		   l->next <= FUSE_IOMAP_MAX_STRIPS && l->chunk &&
		   l->chunk <= UINT32_MAX) {
		struct fuse_iomap_interleave il = {
			.nstrips = l->next,
			.chunk = (uint32_t)l->chunk,
			.size = l->size,
			.strips = strips,
		};

		memset(strips, 0, sizeof(strips));
		for (i = 0; i < l->next; i++) {
			strips[i].dev = devid_of(ff, l->ext[i].devindex);
			strips[i].base = l->ext[i].offset;
			if (!strips[i].dev)
				goto bad;
		}
		rc = fuse_iomap_set_interleave(ff->im, n->ino, &il);
	}
	if (!rc)
		return 0;
bad:
	fuse_log(FUSE_LOG_ERR,
		 "famfs-fuse: inode %llu (%s): layout not accepted by fuse_iomap (%s); its data reads EIO\n",
		 (unsigned long long)n->ino, n->name, strerror(-rc));
	return rc;
}

int ff_iomap_publish_all(struct ff *ff)
{
	uint64_t i;
	int bad = 0;

	for (i = 0; i < ff->ns.nodes_cap; i++) {
		struct famfs_node *n = ff->ns.nodes[i];

		if (n && S_ISREG(n->mode) && ff_iomap_publish(ff, n))
			bad++;
	}
	return bad;
}
