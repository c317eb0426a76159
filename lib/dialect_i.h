/*
 * Kernel dialects: one table per kernel series of the out-of-tree mapped
 * file I/O extensions, and the detection that picks one.
 *
 * Every number of an extension (INIT bit, opcode, notification code, ioctl,
 * struct size, limit) lives in these tables. The rest of the library reads
 * numbers from the table of the detected dialect, never from literals, so a
 * renumbering upstream is a one-table edit (lib/dialect.c).
 *
 * Sources: ../shared/spec/kernel-extensions.md (cited per field in
 * dialect.c) and the reference uapi headers named in include/fuse_kernel.h.
 *
 * Private header: never installed.
 */
#ifndef FUSE_DIALECT_I_H
#define FUSE_DIALECT_I_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The kernel series the library knows. */
enum fuse_dialect_id {
	FUSE_DIALECT_STOCK = 0,		/**< upstream 7.45, no extension */
	FUSE_DIALECT_IOMAP_V7,		/**< Darrick Wong fuse-iomap v7 ("7.99") */
	FUSE_DIALECT_IOMAP_V7_BPF,	/**< same, plus fuse_iomap_bpf_ops */
	FUSE_DIALECT_FAMFS_V10,		/**< John Groves famfs V10 ("7.46"), pull */
	FUSE_DIALECT_FAMFS_POST_V10,	/**< famfs development after V10, push */
	FUSE_DIALECT_FAMFS_GP_BPF,	/**< Gregory Price fuse_dax_fmap_ops */
	/**
	 * The other stored post-V10 variant: simple extents only, interleaves
	 * must be unrolled (spec 6.6, 10.11). INIT cannot tell it from
	 * FUSE_DIALECT_FAMFS_POST_V10; a library that unrolls on push
	 * kernels works with both.
	 */
	FUSE_DIALECT_FAMFS_POST_V10_SIMPLE,
	FUSE_DIALECT_COUNT
};

/** The data path a dialect gives regular files. */
enum fuse_dialect_path {
	FUSE_DPATH_CLASSIC = 0,	/**< FUSE_READ / FUSE_WRITE upcalls */
	FUSE_DPATH_IOMAP,	/**< IOMAP_BEGIN/END/IOEND against block devices */
	FUSE_DPATH_FMAP,	/**< famfs fmap fetched at open, DAX devices */
};

/** How a famfs dialect learns its DAX devices. */
enum fuse_dialect_daxdev_model {
	FUSE_DAXDEV_NONE = 0,
	FUSE_DAXDEV_PULL,	/**< kernel sends GET_DAXDEV (V10) */
	FUSE_DAXDEV_PUSH,	/**< server calls the DAXDEV_OPEN ioctl (post-V10) */
	FUSE_DAXDEV_BPF,	/**< BPF program adds devices by path (kfunc) */
};

/** Rule for an interleave's chunk size. */
enum fuse_dialect_chunk_rule {
	FUSE_CHUNK_NONE = 0,		/**< interleave not accepted */
	FUSE_CHUNK_PMD_MULTIPLE,	/**< multiple of the PMD size (V10) */
	FUSE_CHUNK_PAGE_OR_PMD,		/**< exactly PAGE_SIZE or PMD_SIZE */
};

/* Bits of fuse_dialect.checks: what that kernel validates. */
#define FUSE_DCHK_BEGIN_REPLY	(1U << 0)  /**< spec 2.4 rules on both records */
#define FUSE_DCHK_CONFIG_REPLY	(1U << 1)  /**< spec 2.3 */
#define FUSE_DCHK_BACKING	(1U << 2)  /**< spec 4.1 BACKING_OPEN rules */
#define FUSE_DCHK_UPSERT	(1U << 3)  /**< spec 5.2 */
#define FUSE_DCHK_INVAL		(1U << 4)  /**< spec 5.3 */
#define FUSE_DCHK_DEV_INVAL	(1U << 5)  /**< spec 4.2 */
#define FUSE_DCHK_FMAP		(1U << 6)  /**< spec 6.6 parser */
#define FUSE_DCHK_DAXDEV	(1U << 7)  /**< spec 4.4 */
#define FUSE_DCHK_FMAP_OVERFLOW	(1U << 8)  /**< post-V10 overflow checks */
#define FUSE_DCHK_FMAP_NBYTES	(1U << 9)  /**< post-V10: sum(ie_nbytes) >= size */

/** The numbers and rules of one kernel series. 0 means "absent". */
struct fuse_dialect {
	enum fuse_dialect_id id;
	const char *name;	/**< short name: "stock", "iomap-v7", ... */
	const char *series;	/**< who and which revision */
	const char *source;	/**< where the numbers come from */
	uint32_t minor;		/**< FUSE minor the kernel sends */
	enum fuse_dialect_path path;
	bool bpf;		/**< a BPF mapping program accelerates the path */
	const char *bpf_ops_type; /**< struct_ops type name in kernel BTF */

	/* INIT negotiation */
	uint64_t map_flag;	/**< 64-bit INIT flag of the extension */
	const char *map_flag_name;
	const char *map_flag_doc;	/**< what the bit means in this series */
	uint32_t min_reply_minor; /**< reply minor needed to use the path */
	bool init_ops_name;	/**< fuse_init_out carries ops_name */
	uint32_t ops_name_offset; /**< byte offset in fuse_init_out */
	uint32_t ops_name_len;

	/* opcodes */
	struct {
		uint32_t iomap_begin, iomap_end, iomap_ioend, iomap_config;
		uint32_t freeze_fs, unfreeze_fs, shutdown_fs, syncfs;
		uint32_t get_fmap, get_daxdev;
	} op;
	/* notification codes */
	struct {
		int32_t iomap_dev_inval, iomap_upsert, iomap_inval;
	} notify;
	/* device ioctls; 0 = not available in this dialect or number unknown */
	struct {
		unsigned long backing_open, backing_close;
		unsigned long iomap_support, add_iomap, set_nofs;
		unsigned long iomap_set_blocksize, daxdev_open, sync_init;
	} ioc;
	bool daxdev_open_number_unknown; /**< push exists, ioctl number unknown */
	/* wire sizes (bytes) */
	struct {
		uint32_t iomap_io, begin_in, begin_out, end_in;
		uint32_t ioend_in, ioend_out, config_in, config_out_max;
		uint32_t upsert, inval, dev_inval, freezefs_in, shutdownfs_in;
		uint32_t fmap_header, fmap_simple_ext, fmap_iext, daxdev_out;
		uint32_t get_fmap_in;	/**< 0: no in-arg (V10) */
		uint32_t backing_map;
	} size;
	/* values with a meaning in this series */
	struct {
		uint16_t type_hole, type_delalloc, type_mapped, type_unwritten;
		uint16_t type_inline, type_nocache, type_retry_cache;
		uint16_t type_pure_overwrite;
		uint16_t f_valid_from_server;	/**< FUSE_IOMAP_F_* a server may send */
		uint16_t f_size_changed, f_stale, f_want_end, f_new, f_shared;
		uint32_t dev_null;
		uint64_t null_addr, inval_to_eof;
		uint32_t backing_type_iomap, backing_type_mask;
		uint64_t config_flags_known;
		uint32_t op_write, op_zero, op_report, op_direct, op_unshare;
		uint32_t op_writeback, op_atomic, op_swapfile, op_fault;
		uint32_t ioend_shared, ioend_unwritten, ioend_direct;
		uint32_t ioend_append, ioend_writeback, ioend_swapoff;
		uint32_t attr_exclusive, attr_iomap;
		uint64_t support_fileio, support_atomic;
		uint16_t fmap_version;
		uint32_t ext_simple, ext_interleave;
	} val;
	/* limits */
	struct {
		uint32_t backing_id_max;	/**< ids are 1..max */
		uint32_t cache_default, cache_min, cache_max;
		int64_t maxbytes;		/**< kernel's MAX_LFS_FILESIZE */
		uint32_t famfs_max_extents;	/**< 0: no cap */
		uint32_t famfs_max_strips;
		uint64_t famfs_align;		/**< PMD_SIZE */
		uint32_t page_size;
		uint32_t daxdev_slots;		/**< MAX_DAXDEVS */
		uint32_t fmap_first_buf;	/**< first GET_FMAP buffer */
		uint32_t fmap_buf_max;		/**< largest fmap accepted */
		enum fuse_dialect_chunk_rule chunk_rule;
		bool famfs_multi_dev;		/**< parser accepts dev_index != 0 */
		uint32_t bpf_max_strips;	/**< Gregory's BPF map limit */
	} lim;
	enum fuse_dialect_daxdev_model daxdev;
	uint32_t checks;	/**< FUSE_DCHK_* this kernel enforces */
	int corrupt_errno;	/**< errno of a failed mapping check */
};

/** The table of one dialect, or NULL for an unknown id. */
const struct fuse_dialect *fuse_dialect_get(enum fuse_dialect_id id);

/** The table with this short name ("iomap-v7", ...), or NULL. */
const struct fuse_dialect *fuse_dialect_by_name(const char *name);

/** Names of every dialect, NULL-terminated (for --help texts). */
const char *const *fuse_dialect_names(void);

/** Name of a path ("classic", "iomap", "fmap"). */
const char *fuse_dialect_path_name(enum fuse_dialect_path path);

/**
 * Device-ioctl transport: the core's hook (doc/internals.md contract 3).
 * Returns 0 or a positive result on success, -errno on failure.
 */
typedef int (*fuse_dialect_ioctl_fn)(void *ctx, unsigned long cmd, void *arg);

/** What the ioctl probes before mount found. */
struct fuse_dialect_probe {
	bool done;		/**< probes were run */
	int support_err;	/**< 0, or -errno of IOMAP_SUPPORT */
	uint64_t support_flags;	/**< FUSE_IOMAP_SUPPORT_* on success */
	bool add_iomap_tried;
	int add_iomap_err;	/**< 0, or -errno of ADD_IOMAP (EPERM: no CAP_SYS_RAWIO / enable_iomap) */
};

/**
 * Probe the device before mount (spec 9.1 point 2): IOMAP_SUPPORT, then
 * ADD_IOMAP when @want_iomap and the kernel supports file I/O through iomap.
 * The numbers come from the fuse-iomap dialect table. Never fails: the
 * results are recorded in @out.
 */
void fuse_dialect_probe_device(fuse_dialect_ioctl_fn ioctl_fn, void *ctx,
			       bool want_iomap, struct fuse_dialect_probe *out);

/** What the server can serve, for the choice at INIT. */
struct fuse_dialect_want {
	bool block;	/**< block devices (iomap) */
	bool dax;	/**< DAX memory devices (famfs fmap) */
	bool bpf;	/**< allow a BPF variant when the kernel has it */
	bool bpf_iomap_avail;	/**< fuse_iomap_bpf_ops found in kernel BTF */
	bool bpf_fmap_avail;	/**< fuse_dax_fmap_ops found in kernel BTF */
	bool famfs_push;	/**< prefer the post-V10 push dialect for famfs */
};

/** The dialect chosen at INIT and why. */
struct fuse_dialect_choice {
	const struct fuse_dialect *kernel; /**< what the kernel speaks */
	enum fuse_dialect_path path;	/**< what this connection uses */
	uint32_t kernel_minor;
	uint64_t kernel_flags;		/**< 64-bit INIT flags from the kernel */
	bool bit43;			/**< the kernel offered bit 43 */
	uint64_t reply_flag;		/**< flag to set in the INIT reply (or 0) */
	uint32_t reply_minor;		/**< minor to put in the reply */
	char reason[160];
};

/**
 * Pick the dialect from the kernel's INIT (spec 9.1): bit 43 from minor 99 is
 * FUSE_IOMAP, from minor 46 FUSE_DAX_FMAP; probes and the server's @want
 * decide the path. @probe may be NULL (no probes were run).
 * Returns 0; the decision and its reason are in @out.
 */
int fuse_dialect_detect(uint32_t major, uint32_t minor, uint64_t flags,
			const struct fuse_dialect_probe *probe,
			const struct fuse_dialect_want *want,
			struct fuse_dialect_choice *out);

/**
 * Format the one readable mount line, e.g.
 * "fuse: dialect famfs-v10 (minor 46, bit 43 = DAX_FMAP): path fmap, because ...".
 * Returns the length snprintf would have written.
 */
int fuse_dialect_describe(const struct fuse_dialect_choice *c, char *buf,
			  size_t size);

/**
 * Whether the kernel's BTF (/sys/kernel/btf/vmlinux and /sys/kernel/btf/fuse)
 * names the struct_ops type @type_name. False if BTF is unreadable.
 */
bool fuse_dialect_btf_has_type(const char *type_name);

#endif /* FUSE_DIALECT_I_H */
