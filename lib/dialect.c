/*
 * Kernel dialect tables: every number of the out-of-tree extensions, one
 * table per kernel series. Spec references are to
 * ../shared/spec/kernel-extensions.md.
 */
#include <errno.h>
#include <string.h>

#include "fuse_kernel.h"
#include "dialect_i.h"

/* PMD_SIZE and PAGE_SIZE on x86-64, as the famfs kernels use them (spec 6.6). */
#define X86_64_PMD_SIZE		(2ULL * 1024 * 1024)
#define X86_64_PAGE_SIZE	4096U
/* MAX_LFS_FILESIZE on 64-bit (spec 2.3). */
#define KERNEL_MAX_LFS_FILESIZE	0x7fffffffffffffffLL
/* -EFSCORRUPTED is EUCLEAN (spec conventions). */
#define KERNEL_EFSCORRUPTED	EUCLEAN
/* Upstream passthrough ioctls and struct sizes that every dialect shares. */
#define STOCK_IOCTLS						\
	.ioc.backing_open = FUSE_DEV_IOC_BACKING_OPEN,		\
	.ioc.backing_close = FUSE_DEV_IOC_BACKING_CLOSE,	\
	.ioc.sync_init = FUSE_DEV_IOC_SYNC_INIT,		\
	.size.backing_map = sizeof(struct fuse_backing_map),	\
	.op.syncfs = FUSE_SYNCFS

/* fuse-iomap v7, spec sections 1.2, 2, 3, 4.1-4.2, 5, 8.1. */
#define IOMAP_V7_FIELDS							\
	.source = "kernelorg-mirror/linux_kernel_git_djwong_xfs-linux "	\
		  "include/uapi/linux/fuse.h (7.99); spec 1.2-5",	\
	.minor = FUSE_IOMAP_KERNEL_MINOR_VERSION,			\
	.path = FUSE_DPATH_IOMAP,					\
	.map_flag = FUSE_IOMAP,						\
	.map_flag_name = "IOMAP",					\
	.map_flag_doc = "kernel can do file I/O through iomap against "	\
			"registered block devices; offered only after "	\
			"FUSE_DEV_IOC_ADD_IOMAP (spec 1.2)",		\
	.min_reply_minor = FUSE_IOMAP_KERNEL_MINOR_VERSION,		\
	STOCK_IOCTLS,							\
	.op.iomap_begin = FUSE_IOMAP_BEGIN,				\
	.op.iomap_end = FUSE_IOMAP_END,					\
	.op.iomap_ioend = FUSE_IOMAP_IOEND,				\
	.op.iomap_config = FUSE_IOMAP_CONFIG,				\
	.op.freeze_fs = FUSE_FREEZE_FS,					\
	.op.unfreeze_fs = FUSE_UNFREEZE_FS,				\
	.op.shutdown_fs = FUSE_SHUTDOWN_FS,				\
	.notify.iomap_dev_inval = FUSE_NOTIFY_IOMAP_DEV_INVAL,		\
	.notify.iomap_upsert = FUSE_NOTIFY_IOMAP_UPSERT_MAPPINGS,	\
	.notify.iomap_inval = FUSE_NOTIFY_IOMAP_INVAL_MAPPINGS,		\
	.ioc.iomap_support = FUSE_DEV_IOC_IOMAP_SUPPORT,		\
	.ioc.add_iomap = FUSE_DEV_IOC_ADD_IOMAP,			\
	.ioc.set_nofs = FUSE_DEV_IOC_SET_NOFS,				\
	.ioc.iomap_set_blocksize = FUSE_DEV_IOC_IOMAP_SET_BLOCKSIZE,	\
	.size.iomap_io = sizeof(struct fuse_iomap_io),			\
	.size.begin_in = sizeof(struct fuse_iomap_begin_in),		\
	.size.begin_out = sizeof(struct fuse_iomap_begin_out),		\
	.size.end_in = sizeof(struct fuse_iomap_end_in),		\
	.size.ioend_in = sizeof(struct fuse_iomap_ioend_in),		\
	.size.ioend_out = sizeof(struct fuse_iomap_ioend_out),		\
	.size.config_in = sizeof(struct fuse_iomap_config_in),		\
	.size.config_out_max = sizeof(struct fuse_iomap_config_out),	\
	.size.upsert = sizeof(struct fuse_iomap_upsert_mappings_out),	\
	.size.inval = sizeof(struct fuse_iomap_inval_mappings_out),	\
	.size.dev_inval = sizeof(struct fuse_iomap_dev_inval_out),	\
	.size.freezefs_in = sizeof(struct fuse_freezefs_in),		\
	.size.shutdownfs_in = sizeof(struct fuse_shutdownfs_in),	\
	.val.type_hole = FUSE_IOMAP_TYPE_HOLE,				\
	.val.type_delalloc = FUSE_IOMAP_TYPE_DELALLOC,			\
	.val.type_mapped = FUSE_IOMAP_TYPE_MAPPED,			\
	.val.type_unwritten = FUSE_IOMAP_TYPE_UNWRITTEN,		\
	.val.type_inline = FUSE_IOMAP_TYPE_INLINE,			\
	.val.type_nocache = FUSE_IOMAP_TYPE_NOCACHE,			\
	.val.type_retry_cache = FUSE_IOMAP_TYPE_RETRY_CACHE,		\
	.val.type_pure_overwrite = FUSE_IOMAP_TYPE_PURE_OVERWRITE,	\
	/* spec 2.4 rule 2: bits 0-7 only */				\
	.val.f_valid_from_server = FUSE_IOMAP_F_NEW |			\
		FUSE_IOMAP_F_DIRTY | FUSE_IOMAP_F_SHARED |		\
		FUSE_IOMAP_F_MERGED | FUSE_IOMAP_F_BOUNDARY |		\
		FUSE_IOMAP_F_ANON_WRITE | FUSE_IOMAP_F_ATOMIC_BIO |	\
		FUSE_IOMAP_F_WANT_IOMAP_END,				\
	.val.f_size_changed = FUSE_IOMAP_F_SIZE_CHANGED,		\
	.val.f_stale = FUSE_IOMAP_F_STALE,				\
	.val.f_want_end = FUSE_IOMAP_F_WANT_IOMAP_END,			\
	.val.f_new = FUSE_IOMAP_F_NEW,					\
	.val.f_shared = FUSE_IOMAP_F_SHARED,				\
	.val.dev_null = FUSE_IOMAP_DEV_NULL,				\
	.val.null_addr = FUSE_IOMAP_NULL_ADDR,				\
	.val.inval_to_eof = FUSE_IOMAP_INVAL_TO_EOF,			\
	.val.backing_type_iomap = FUSE_BACKING_TYPE_IOMAP,		\
	.val.backing_type_mask = FUSE_BACKING_TYPE_MASK,		\
	/* spec 2.3: currently 0x7F */					\
	.val.config_flags_known = FUSE_IOMAP_CONFIG_SID |		\
		FUSE_IOMAP_CONFIG_UUID | FUSE_IOMAP_CONFIG_BLOCKSIZE |	\
		FUSE_IOMAP_CONFIG_MAX_LINKS | FUSE_IOMAP_CONFIG_TIME |	\
		FUSE_IOMAP_CONFIG_MAXBYTES |				\
		FUSE_IOMAP_CONFIG_CACHE_MAXBYTES,			\
	.val.op_write = FUSE_IOMAP_OP_WRITE,				\
	.val.op_zero = FUSE_IOMAP_OP_ZERO,				\
	.val.op_report = FUSE_IOMAP_OP_REPORT,				\
	.val.op_direct = FUSE_IOMAP_OP_DIRECT,				\
	.val.op_unshare = FUSE_IOMAP_OP_UNSHARE,			\
	.val.op_writeback = FUSE_IOMAP_OP_WRITEBACK,			\
	.val.op_atomic = FUSE_IOMAP_OP_ATOMIC,				\
	.val.op_swapfile = FUSE_IOMAP_OP_SWAPFILE,			\
	.val.op_fault = FUSE_IOMAP_OP_FAULT,				\
	.val.ioend_shared = FUSE_IOMAP_IOEND_SHARED,			\
	.val.ioend_unwritten = FUSE_IOMAP_IOEND_UNWRITTEN,		\
	.val.ioend_direct = FUSE_IOMAP_IOEND_DIRECT,			\
	.val.ioend_append = FUSE_IOMAP_IOEND_APPEND,			\
	.val.ioend_writeback = FUSE_IOMAP_IOEND_WRITEBACK,		\
	.val.ioend_swapoff = FUSE_IOMAP_IOEND_SWAPOFF,			\
	.val.attr_exclusive = FUSE_ATTR_EXCLUSIVE,			\
	.val.attr_iomap = FUSE_ATTR_IOMAP,				\
	.val.support_fileio = FUSE_IOMAP_SUPPORT_FILEIO,		\
	.val.support_atomic = FUSE_IOMAP_SUPPORT_ATOMIC,		\
	/* spec 4.1: IDR range [1, 1025) */				\
	.lim.backing_id_max = 1024,					\
	/* spec 2.3: default 256 KiB, clamped to [256 B, 2 MiB] */	\
	.lim.cache_default = 256 * 1024,				\
	.lim.cache_min = 256,						\
	.lim.cache_max = 2 * 1024 * 1024,				\
	.lim.maxbytes = KERNEL_MAX_LFS_FILESIZE,			\
	.lim.page_size = X86_64_PAGE_SIZE,				\
	.checks = FUSE_DCHK_BEGIN_REPLY | FUSE_DCHK_CONFIG_REPLY |	\
		  FUSE_DCHK_BACKING | FUSE_DCHK_UPSERT |		\
		  FUSE_DCHK_INVAL | FUSE_DCHK_DEV_INVAL,		\
	.corrupt_errno = KERNEL_EFSCORRUPTED

/* famfs fields shared by V10, post-V10 and Gregory's tree (spec 1.3, 4.4, 6). */
#define FAMFS_COMMON_FIELDS						\
	.minor = FUSE_FAMFS_KERNEL_MINOR_VERSION,			\
	.path = FUSE_DPATH_FMAP,					\
	.map_flag = FUSE_DAX_FMAP,					\
	.map_flag_name = "DAX_FMAP",					\
	.map_flag_doc = "kernel runs famfs DAX fmaps (GET_FMAP at open); "	\
			"offered with CONFIG_FUSE_FAMFS_DAX and "		\
			"CAP_SYS_RAWIO at mount (spec 1.3)",		\
	.min_reply_minor = 0,						\
	STOCK_IOCTLS,							\
	.size.fmap_header = sizeof(struct fuse_famfs_fmap_header),	\
	.size.fmap_simple_ext = sizeof(struct fuse_famfs_simple_ext),	\
	.size.fmap_iext = sizeof(struct fuse_famfs_iext),		\
	.val.fmap_version = FUSE_FAMFS_FMAP_VERSION,			\
	.val.ext_simple = FUSE_FAMFS_EXT_SIMPLE,			\
	.val.ext_interleave = FUSE_FAMFS_EXT_INTERLEAVE,		\
	.lim.famfs_align = X86_64_PMD_SIZE,				\
	.lim.page_size = X86_64_PAGE_SIZE,				\
	.lim.maxbytes = KERNEL_MAX_LFS_FILESIZE,			\
	.lim.famfs_multi_dev = false /* spec 6.6: dev_index must be 0 */

static const struct fuse_dialect dialects[FUSE_DIALECT_COUNT] = {
	[FUSE_DIALECT_STOCK] = {
		.id = FUSE_DIALECT_STOCK,
		.name = "stock",
		.series = "upstream FUSE 7.45",
		.source = "include/fuse_kernel.h (stock part)",
		.minor = 45,
		.path = FUSE_DPATH_CLASSIC,
		STOCK_IOCTLS,
		.lim.page_size = X86_64_PAGE_SIZE,
		.lim.maxbytes = KERNEL_MAX_LFS_FILESIZE,
	},
	[FUSE_DIALECT_IOMAP_V7] = {
		.id = FUSE_DIALECT_IOMAP_V7,
		.name = "iomap-v7",
		.series = "Darrick J. Wong fuse-iomap PATCHSET v7 (7.99)",
		IOMAP_V7_FIELDS,
	},
	[FUSE_DIALECT_IOMAP_V7_BPF] = {
		.id = FUSE_DIALECT_IOMAP_V7_BPF,
		.name = "iomap-v7-bpf",
		.series = "fuse-iomap v7 with fuse_iomap_bpf_ops (RFC 8/8)",
		.bpf = true,
		.bpf_ops_type = "fuse_iomap_bpf_ops",	/* spec 7.1 */
		IOMAP_V7_FIELDS,
	},
	[FUSE_DIALECT_FAMFS_V10] = {
		.id = FUSE_DIALECT_FAMFS_V10,
		.name = "famfs-v10",
		.series = "John Groves famfs in fuse, PATCH V10 (7.46)",
		.source = "jagalactic/linux include/uapi/linux/fuse.h, "
			  "fs/fuse/famfs.c (V10); spec 1.3, 4.4, 6",
		FAMFS_COMMON_FIELDS,
		.op.get_fmap = FUSE_GET_FMAP,
		.op.get_daxdev = FUSE_GET_DAXDEV,
		.size.daxdev_out = sizeof(struct fuse_daxdev_out),
		.size.get_fmap_in = 0,			/* spec 6.2: no in-arg */
		.lim.famfs_max_extents = FUSE_FAMFS_MAX_EXTENTS,
		.lim.famfs_max_strips = FUSE_FAMFS_MAX_STRIPS,
		.lim.daxdev_slots = 24,			/* spec 4.4 MAX_DAXDEVS */
		.lim.fmap_first_buf = X86_64_PAGE_SIZE,	/* one page */
		.lim.fmap_buf_max = X86_64_PAGE_SIZE,
		.lim.chunk_rule = FUSE_CHUNK_PMD_MULTIPLE,
		.daxdev = FUSE_DAXDEV_PULL,
		.checks = FUSE_DCHK_FMAP | FUSE_DCHK_DAXDEV,
		.corrupt_errno = EINVAL,
	},
	[FUSE_DIALECT_FAMFS_POST_V10] = {
		.id = FUSE_DIALECT_FAMFS_POST_V10,
		.name = "famfs-post-v10",
		.series = "famfs development after V10 (push model)",
		.source = "jagalactic/linux fs/fuse/famfs.c (newest stored); "
			  "spec 4.4, 6.2, 6.6, 10.9-10.12",
		FAMFS_COMMON_FIELDS,
		.op.get_fmap = FUSE_GET_FMAP,
		/* the fmap path no longer sends GET_DAXDEV (spec 4.4) */
		.size.get_fmap_in = sizeof(struct fuse_getxattr_in),
		.ioc.daxdev_open = 0,
		.daxdev_open_number_unknown = true,	/* spec 10.10 */
		.lim.famfs_max_extents = 0,		/* no cap post-V10 */
		.lim.famfs_max_strips = FUSE_FAMFS_MAX_STRIPS,
		.lim.daxdev_slots = 64,
		.lim.fmap_first_buf = X86_64_PAGE_SIZE,
		.lim.fmap_buf_max = 16 * 1024 * 1024,	/* FMAP_BUFSIZE_MAX */
		/* the stricter of the two stored post-V10 variants */
		.lim.chunk_rule = FUSE_CHUNK_PAGE_OR_PMD,
		.daxdev = FUSE_DAXDEV_PUSH,
		.checks = FUSE_DCHK_FMAP | FUSE_DCHK_DAXDEV |
			  FUSE_DCHK_FMAP_OVERFLOW | FUSE_DCHK_FMAP_NBYTES,
		.corrupt_errno = EINVAL,
	},
	[FUSE_DIALECT_FAMFS_POST_V10_SIMPLE] = {
		.id = FUSE_DIALECT_FAMFS_POST_V10_SIMPLE,
		.name = "famfs-post-v10-simple",
		.series = "famfs after V10, variant without interleave",
		.source = "jagalactic/linux fs/fuse/famfs.c (SIMPLE-only stored "
			  "version); spec 6.6, 10.11",
		FAMFS_COMMON_FIELDS,
		.op.get_fmap = FUSE_GET_FMAP,
		.size.get_fmap_in = sizeof(struct fuse_getxattr_in),
		.daxdev_open_number_unknown = true,
		.lim.famfs_max_extents = 0,
		.lim.famfs_max_strips = 0,
		.lim.daxdev_slots = 64,
		.lim.fmap_first_buf = X86_64_PAGE_SIZE,
		.lim.fmap_buf_max = 16 * 1024 * 1024,
		.lim.chunk_rule = FUSE_CHUNK_NONE,	/* unroll stripes */
		.daxdev = FUSE_DAXDEV_PUSH,
		.checks = FUSE_DCHK_FMAP | FUSE_DCHK_DAXDEV |
			  FUSE_DCHK_FMAP_OVERFLOW,
		.corrupt_errno = EINVAL,
	},
	[FUSE_DIALECT_FAMFS_GP_BPF] = {
		.id = FUSE_DIALECT_FAMFS_GP_BPF,
		.name = "famfs-gp-bpf",
		.series = "Gregory Price fuse_dax_fmap_ops (7.46)",
		.source = "gourryinverse/linux include/uapi/linux/fuse.h, "
			  "include/linux/fuse_dax_fmap_ops.h; spec 1.4, 7.2",
		FAMFS_COMMON_FIELDS,
		.bpf = true,
		.bpf_ops_type = "fuse_dax_fmap_ops",
		.init_ops_name = true,
		.ops_name_offset = offsetof(struct fuse_init_out_dax_fmap_ops,
					    ops_name),
		.ops_name_len = FUSE_DAX_FMAP_OPS_NAME_LEN,
		/* 54/55 are reserved there, never sent (spec 6.1) */
		.lim.famfs_max_strips = FUSE_FAMFS_MAX_STRIPS,
		.lim.bpf_max_strips = 16,		/* FAMFS_BPF_MAX_STRIPS */
		.lim.daxdev_slots = 24,
		.lim.chunk_rule = FUSE_CHUNK_PMD_MULTIPLE,
		.daxdev = FUSE_DAXDEV_BPF,
		.checks = FUSE_DCHK_DAXDEV,
		.corrupt_errno = EIO,	/* dev_index >= slots gives -EIO */
	},
};

static const char *const dialect_names[FUSE_DIALECT_COUNT + 1] = {
	"stock", "iomap-v7", "iomap-v7-bpf", "famfs-v10", "famfs-post-v10",
	"famfs-gp-bpf", "famfs-post-v10-simple", NULL
};

const struct fuse_dialect *fuse_dialect_get(enum fuse_dialect_id id)
{
	if ((unsigned int)id >= FUSE_DIALECT_COUNT)
		return NULL;
	return &dialects[id];
}

const struct fuse_dialect *fuse_dialect_by_name(const char *name)
{
	unsigned int i;

	if (!name)
		return NULL;
	for (i = 0; i < FUSE_DIALECT_COUNT; i++)
		if (strcmp(dialects[i].name, name) == 0)
			return &dialects[i];
	return NULL;
}

const char *const *fuse_dialect_names(void)
{
	return dialect_names;
}

const char *fuse_dialect_path_name(enum fuse_dialect_path path)
{
	switch (path) {
	case FUSE_DPATH_CLASSIC:
		return "classic";
	case FUSE_DPATH_IOMAP:
		return "iomap";
	case FUSE_DPATH_FMAP:
		return "fmap";
	}
	return "unknown";
}
