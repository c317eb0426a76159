/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bpf_runtime_i.h - attaching the BPF mapping programs to a FUSE
 * connection, with a logged fallback to upcalls.  Internal to the library
 * (the fuse_iomap layer calls it); never installed.
 */
#ifndef FUSE_BPF_RUNTIME_I_H_
#define FUSE_BPF_RUNTIME_I_H_

#include <stddef.h>
#include <stdint.h>

#include "fuse_bpf_layout.h"

/** Kernel struct_ops flavours (kernel-extensions.md §7). */
enum fuse_bpf_flavour {
	/** Darrick Wong's `fuse_iomap_bpf_ops` (§7.1): block iomap. */
	FUSE_BPF_FLAVOUR_IOMAP = 1u << 0,
	/** Gregory Price's `fuse_dax_fmap_ops` (§7.2): famfs DAX. */
	FUSE_BPF_FLAVOUR_DAX_FMAP = 1u << 1,
	/** Joanne Koong's `fuse_bpf_ops` prototype (§7.3): famfs DAX. */
	FUSE_BPF_FLAVOUR_FUSE_BPF = 1u << 2,
};

/** Which path serves mappings for a connection. */
enum fuse_bpf_path {
	FUSE_BPF_PATH_UPCALL = 0,	/**< no BPF: FUSE upcalls (or classic) */
	FUSE_BPF_PATH_IOMAP,		/**< fuse_iomap_bpf_ops attached */
	FUSE_BPF_PATH_DAX_FMAP,		/**< fuse_dax_fmap_ops registered */
	FUSE_BPF_PATH_FUSE_BPF,		/**< fuse_bpf_ops attached */
};

/** Options of fuse_bpf_attach(); all-zero means defaults. */
struct fuse_bpf_opts {
	/** Flavours to try, a set of enum fuse_bpf_flavour; 0 = all, in
	 *  the order IOMAP, DAX_FMAP, FUSE_BPF. */
	unsigned int flavours;
	/** Slots of the per-file map, 1..#FUSE_BPF_SLOTS_MAX; 0 = default. */
	uint32_t nslots;
	/** log2 of the file system block size for iomap answers, 9..16;
	 *  0 = 12. */
	uint32_t blkbits;
	/** Directory with the kernel BTF files; NULL = /sys/kernel/btf. */
	const char *btf_dir;
	/** Test hook: skip the BTF presence check and try to load anyway. */
	int skip_btf_check;
	/**
	 * Gregory Price's flavour: the devdax path of each daxdev table slot
	 * (index = slot, NULL or "" = none), at most #FUSE_BPF_DAX_DEVS.
	 * Published into the program's device table as soon as it is
	 * attached, so iomap_setup can register them with
	 * bpf_fuse_dax_setup_add_device (§7.2).  Later changes go through
	 * fuse_bpf_set_dax_device().
	 */
	const char *const *dax_paths;
	/** Entries of @ref dax_paths. */
	uint32_t ndax_paths;
};

struct fuse_bpf;

/**
 * Try to attach a BPF mapping program to the connection of @p fuse_fd.
 *
 * Steps, per flavour: libbpf >= 1.4 at run time; CAP_BPF and CAP_PERFMON
 * (loading STRUCT_OPS programs needs both); the struct_ops type in kernel
 * BTF (vmlinux, then every module under /sys/kernel/btf/); open the
 * embedded object, set the connection fd, load, attach.  Every failure is
 * a fallback, never an error: the result then reports
 * #FUSE_BPF_PATH_UPCALL and a reason, which is logged once (FUSE_LOG_INFO).
 *
 * Darrick Wong's flavour needs an iomap connection, so call this after
 * INIT.  Gregory Price's flavour is registered globally by name; the INIT
 * reply must name it (fuse_bpf_ops_name()).
 *
 * @return a handle (free it with fuse_bpf_detach()), or NULL only when out
 *         of memory.
 */
struct fuse_bpf *fuse_bpf_attach(int fuse_fd, const struct fuse_bpf_opts *opts);

/** The active path; *@p reason (if not NULL) gets a readable sentence. */
enum fuse_bpf_path fuse_bpf_path(const struct fuse_bpf *b, const char **reason);

/** Short name of a path ("upcall", "iomap-bpf", ...). */
const char *fuse_bpf_path_name(enum fuse_bpf_path path);

/** Name of the registered ops (for `fuse_init_out.ops_name`), or NULL. */
const char *fuse_bpf_ops_name(const struct fuse_bpf *b);

/**
 * Publish a file's layout to the attached program.  Call it before
 * replying to OPEN; change it only while no I/O uses the file.
 * @return 0; -EOPNOTSUPP when no program is attached; -EINVAL for a bad
 *         record or nodeid 0; -EBUSY when the nodeid's slot belongs to
 *         another file (this file is then served by upcalls); or the
 *         map update's -errno.
 */
int fuse_bpf_set_file(struct fuse_bpf *b, const struct fuse_bpf_file *rec);

/**
 * Publish (or, with @p path NULL or "", withdraw) the devdax path of
 * daxdev table slot @p index for Gregory Price's flavour.  Its
 * iomap_setup registers the devices a file uses from this table
 * (bpf_fuse_dax_setup_add_device, §7.2); call it before the OPEN replies
 * of files on that device.
 * @return 0; -EOPNOTSUPP when no fuse_dax_fmap_ops program is attached;
 *         -EINVAL for @p index >= #FUSE_BPF_DAX_DEVS; -ENAMETOOLONG for a
 *         path of #FUSE_BPF_DAX_PATH_MAX bytes or more; or the map
 *         update's -errno.
 */
int fuse_bpf_set_dax_device(struct fuse_bpf *b, uint32_t index, const char *path);

/** Withdraw a file's layout (at RELEASE/FORGET).  -ENOENT if not set. */
int fuse_bpf_clear_file(struct fuse_bpf *b, uint64_t nodeid);

/** Detach the program (closes the link) and free the handle.  NULL is ok. */
void fuse_bpf_detach(struct fuse_bpf *b);

/* ---- building blocks, also used by the tests ---- */

/**
 * Build a record from an extent list (validated with
 * fuse_res_extents_check()).  @return 0, -EINVAL, or -E2BIG for more than
 * #FUSE_RES_EXT_MAX_FAMFS extents (serve such files by upcall).
 */
int fuse_bpf_file_from_extents(struct fuse_bpf_file *rec, uint64_t nodeid,
			       const struct fuse_res_ext *ext, uint32_t count,
			       uint64_t size);

/** Build a record from an interleave (validated).  0 or -EINVAL/-ERANGE. */
int fuse_bpf_file_from_interleave(struct fuse_bpf_file *rec, uint64_t nodeid,
				  const struct fuse_res_interleave *il);

/**
 * Is the struct_ops type @p ops_type (e.g. "fuse_iomap_bpf_ops") in the
 * kernel BTF under @p btf_dir (NULL = /sys/kernel/btf)?  Both the type and
 * its value type `bpf_struct_ops_<type>` must exist.
 * @return 1 (found; @p where gets "vmlinux" or the module name), 0 (absent),
 *         or -errno when vmlinux BTF cannot be read.
 */
int fuse_bpf_btf_has_struct_ops(const char *btf_dir, const char *ops_type,
				char *where, size_t where_len);

/** libbpf at run time >= 1.4?  0, or -EOPNOTSUPP with @p why filled. */
int fuse_bpf_check_libbpf(char *why, size_t why_len);

/** CAP_BPF + CAP_PERFMON (or CAP_SYS_ADMIN)?  0, or -EPERM with @p why. */
int fuse_bpf_check_caps(char *why, size_t why_len);

/** Was the library built with BPF?  1 or 0; @p why says why not. */
int fuse_bpf_built_in(const char **why);

#endif /* FUSE_BPF_RUNTIME_I_H_ */
