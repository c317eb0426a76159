/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * global_variant_test.c - resolve_prog.bpf.c built with
 * FUSE_RES_BPF_GLOBAL (each lookup a global BPF function, verified once)
 * must load and agree with the native build.  Reports the verifier's work
 * of both variants' query program.  Exit 77 without root.
 *
 * Usage: global_variant_test <path of resolve_prog_global.bpf.o>
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "resolve_ref.h"
#include "resolve_prog.h"

static int put(struct bpf_object *obj, const char *map, const void *val,
	       size_t len)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, map);
	uint32_t slot = 0;

	if (!m)
		return -ENOENT;
	return bpf_map__update_elem(m, &slot, sizeof(slot), val, len, BPF_ANY);
}

int main(int argc, char **argv)
{
	static struct fuse_res_ext1k big;
	static struct fuse_res_interleave il;
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	struct bpf_program *prog;
	struct bpf_object *obj;
	unsigned long n = 0, bad = 0;
	uint64_t rs = 0x61061;
	int fd, err, rep, q;

	if (argc < 2) {
		fprintf(stderr, "usage: %s resolve_prog_global.bpf.o\n", argv[0]);
		return 2;
	}
	if (geteuid() != 0) {
		printf("skipped: needs root to load BPF\n");
		return 77;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "load %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, "resolve_query");
	if (!prog)
		return 1;
	fd = bpf_program__fd(prog);
	memset(&info, 0, sizeof(info));
	if (bpf_prog_get_info_by_fd(fd, &info, &len))
		return 1;
	printf("verifier: resolve_query with global lookups: verified_insns=%u xlated=%u B\n",
	       info.verified_insns, info.xlated_prog_len);

	for (rep = 0; rep < 50; rep++) {
		int kind = rep & 1 ? RESOLVE_KIND_EXT1K : RESOLVE_KIND_IL;
		uint64_t size;

		if (kind == RESOLVE_KIND_EXT1K) {
			memset(&big, 0, sizeof(big));
			big.count = rep % 3 ? 1024 : (uint32_t)ref_below(&rs, 1025);
			big.size = ref_gen_extents(&rs, big.ext, big.count, 4096);
			size = big.size;
			err = put(obj, "ext1k_map", &big, sizeof(big));
		} else {
			ref_gen_interleave(&rs, &il, 1 + (uint32_t)ref_below(&rs, 32), 500);
			if (rep % 10 == 0)
				il.chunk = 0;
			size = il.size;
			err = put(obj, "il_map", &il, sizeof(il));
		}
		if (err) {
			fprintf(stderr, "map update: %s\n", strerror(-err));
			return 1;
		}
		for (q = 0; q < 200; q++) {
			struct resolve_query rq;
			struct fuse_res_out nr;
			LIBBPF_OPTS(bpf_test_run_opts, opts,
				.ctx_in = &rq, .ctx_size_in = sizeof(rq));
			int nrc;

			memset(&rq, 0, sizeof(rq));
			memset(&nr, 0, sizeof(nr));
			rq.kind = kind;
			rq.off = ref_below(&rs, size + size / 8 + 1);
			if (bpf_prog_test_run_opts(fd, &opts))
				return 1;
			n++;
			nrc = kind == RESOLVE_KIND_EXT1K ?
				fuse_res_ext1k_lookup(&big, rq.off, &nr) :
				fuse_res_interleave_lookup(&il, rq.off, &nr);
			if (nrc != rq.rc || (nrc == 0 && !ref_out_equal(&nr, &rq.out))) {
				if (bad++ < 5) {
					ref_out_print("bpf", rq.rc, &rq.out);
					ref_out_print("native", nrc, &nr);
				}
			}
		}
	}
	printf("global variant: %lu queries, %lu mismatches\n", n, bad);
	bpf_object__close(obj);
	return bad ? 1 : 0;
}
