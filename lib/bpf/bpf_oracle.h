/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bpf_oracle.h - run the real resolver bytecode (resolve_prog.bpf.c)
 * through BPF_PROG_TEST_RUN: the mapping oracle of the kernel model's BPF
 * dialects, and the engine of the BPF tests and benchmarks.
 *
 * Needs a kernel with BPF, SEC("syscall") programs (5.14+) and the rights
 * to load them (root or CAP_BPF).  In a build without BPF every function
 * returns -EOPNOTSUPP.  Not part of the installed library: link
 * `bpf_oracle_dep` (lib/bpf/meson.build).
 */
#ifndef BPF_ORACLE_H_
#define BPF_ORACLE_H_

#include <stddef.h>
#include <stdint.h>

#include "resolve_prog.h"

struct bpf_oracle;

/**
 * The process-wide oracle, loaded on first use (thread-safe).
 * @return the oracle, or NULL with @p why (if not NULL) filled and
 *         *@p err (if not NULL) set to -errno: -EOPNOTSUPP (no BPF in this
 *         build), -EPERM (not allowed to load BPF), or a load error.
 */
struct bpf_oracle *bpf_oracle_get(char *why, size_t why_len, int *err);

/**
 * Resolve @p off in @p layout with the BPF build of the resolver.
 *
 * @param kind   RESOLVE_KIND_EXT32 (layout: struct fuse_res_ext32),
 *               RESOLVE_KIND_EXT1K (struct fuse_res_ext1k),
 *               RESOLVE_KIND_IL (struct fuse_res_interleave),
 *               RESOLVE_KIND_ILIST (struct fuse_res_ilist), or
 *               RESOLVE_KIND_FILE (struct fuse_bpf_file, nodeid != 0)
 * @param rc     the resolver's return value (0 or -errno)
 * @return 0 when the program ran; -errno when it could not be run.
 */
int bpf_oracle_resolve(int kind, const void *layout, uint64_t off,
		       struct fuse_res_out *out, int *rc);

/**
 * Store a layout in the program's maps: @p kind 1-4 at @p slot; for
 * RESOLVE_KIND_FILE the record goes to files[nodeid % slots] and, when
 * @p also_hash, to files_hash[nodeid] (benchmarks).
 */
int bpf_oracle_put(struct bpf_oracle *o, int kind, uint32_t slot,
		   const void *layout, int also_hash);

/** Run "resolve_query" on @p q (in and out).  0 or -errno. */
int bpf_oracle_query(struct bpf_oracle *o, struct resolve_query *q);

/** Run "resolve_bench" on @p b (in and out).  0 or -errno. */
int bpf_oracle_bench(struct bpf_oracle *o, struct resolve_bench *b);

/** Verifier and JIT facts of one program of the oracle's object. */
struct bpf_oracle_prog_info {
	uint32_t verified_insns;	/**< instructions the verifier processed */
	uint32_t xlated_bytes;		/**< translated program size */
	uint32_t jited_bytes;		/**< JIT image size */
};

/** Facts about program @p name ("resolve_query", "resolve_bench"). */
int bpf_oracle_prog_info(struct bpf_oracle *o, const char *name,
			 struct bpf_oracle_prog_info *info);

#endif /* BPF_ORACLE_H_ */
