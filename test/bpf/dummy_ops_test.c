/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dummy_ops_test.c - run the resolver as a BPF_PROG_TYPE_STRUCT_OPS
 * program (resolve_dummy.bpf.c on the stock kernel's bpf_dummy_ops) and
 * compare 5,000 answers (each struct_ops test run builds a trampoline, ~0.5 ms) with the native build.  Reports the verifier's
 * work.  Exit 77 without root.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "resolve_ref.h"
#include "fuse_bpf_layout.h"
#include "fuse_bpf_wrap.h"
#include "resolve_dummy.skel.h"

static int io_equal(const struct fuse_bpf_io *a, const struct fuse_bpf_io *b)
{
	return a->offset == b->offset && a->length == b->length &&
	       a->addr == b->addr && a->type == b->type &&
	       a->flags == b->flags && a->dev == b->dev;
}

int main(void)
{
	struct resolve_dummy *skel;
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	unsigned long n = 0, bad = 0, famfs_mid = 0;
	uint64_t rs = 0xd0d0;
	int fd, err, rep, q;

	if (geteuid() != 0) {
		printf("skipped: needs root to load BPF\n");
		return 77;
	}
	skel = resolve_dummy__open_and_load();
	if (!skel) {
		fprintf(stderr, "load resolve_dummy (STRUCT_OPS on bpf_dummy_ops): %s\n",
			strerror(errno));
		return 1;
	}
	fd = bpf_program__fd(skel->progs.resolve_dummy_test_1);
	memset(&info, 0, sizeof(info));
	err = bpf_prog_get_info_by_fd(fd, &info, &len);
	if (err) {
		fprintf(stderr, "prog info: %s\n", strerror(-err));
		return 1;
	}
	printf("verifier: STRUCT_OPS bpf_dummy_ops.test_1 (type %u) verified_insns=%u xlated=%u B jited=%u B\n",
	       info.type, info.verified_insns, info.xlated_prog_len,
	       info.jited_prog_len);

	for (rep = 0; rep < 50; rep++) {
		struct fuse_bpf_file *f = &skel->bss->dummy_file;
		uint64_t size;

		memset(f, 0, sizeof(*f));
		f->nodeid = 1 + rep;
		f->dev_bitmap = rep % 4 ? 1u << (rep % 24) : (uint32_t)ref_rand(&rs);
		if (rep & 1) {
			uint32_t c = rep % 3 ? 32 : (uint32_t)ref_below(&rs, 33);

			f->kind = FUSE_BPF_FILE_EXTENTS;
			f->u.ext.count = c;
			f->u.ext.size = ref_gen_extents(&rs, f->u.ext.ext, c, 4096);
			size = f->u.ext.size;
		} else {
			f->kind = FUSE_BPF_FILE_INTERLEAVE;
			ref_gen_interleave(&rs, &f->u.il, rep % 3 ? 32 :
					   1 + (uint32_t)ref_below(&rs, 32), 300);
			if (rep % 10 == 0)
				f->u.il.chunk = 0;	/* must be rejected */
			size = f->u.il.size;
		}
		for (q = 0; q < 100; q++) {
			/* ctx: the u64 arguments; a NULL state pointer */
			__u64 args[1] = { 0 };
			LIBBPF_OPTS(bpf_test_run_opts, opts,
				.ctx_in = args, .ctx_size_in = sizeof(args));
			struct fuse_bpf_begin_out nb;
			struct fuse_bpf_io nio;
			struct fuse_res_out nr;
			uint64_t ndevs = 0;
			uint64_t off = ref_below(&rs, size + size / 8 + 1);
			uint32_t opf = q & 1 ? FUSE_BPF_OP_WRITE : 0;
			int nrc, nbrc, nfrc, nsrc;

			skel->bss->dummy_off = off;
			skel->bss->dummy_opflags = opf;
			err = bpf_prog_test_run_opts(fd, &opts);
			n++;
			if (err) {
				fprintf(stderr, "test_run: %s\n", strerror(-err));
				return 1;
			}
			memset(&nr, 0, sizeof(nr));
			memset(&nb, 0, sizeof(nb));
			nrc = fuse_bpf_file_lookup(f, off, &nr);
			nbrc = fuse_bpf_begin_decide(nrc, &nr, off, opf, 12, &nb);
			memset(&nio, 0, sizeof(nio));
			nfrc = fuse_bpf_famfs_decide(nrc, &nr, off, 24, &nio);
			nsrc = fuse_bpf_dax_setup_devs(f, 24, &ndevs);
			if (nfrc == 0 && nio.offset != off)
				bad++;	/* not the requested-offset form */
			if (nfrc == 0 && nr.offset != off)
				famfs_mid++;
			if (nrc != skel->bss->dummy_rc ||
			    nfrc != skel->bss->dummy_famfs_rc ||
			    !io_equal(&nio, &skel->bss->dummy_famfs) ||
			    nsrc != skel->bss->dummy_setup_rc ||
			    (nsrc == 0 && ndevs != skel->bss->dummy_setup_devs) ||
			    (nrc == 0 && !ref_out_equal(&nr, &skel->bss->dummy_out)) ||
			    nbrc != skel->bss->dummy_begin_rc ||
			    !io_equal(&nb.read, &skel->bss->dummy_begin.read) ||
			    !io_equal(&nb.write, &skel->bss->dummy_begin.write)) {
				if (bad++ < 5) {
					fprintf(stderr, "mismatch off=%" PRIu64 "\n", off);
					ref_out_print("bpf", skel->bss->dummy_rc,
						      &skel->bss->dummy_out);
					ref_out_print("native", nrc, &nr);
				}
			}
		}
	}
	/* the weak, absent add_device kfunc was pruned, not called */
	if (skel->data->dummy_add_device_rc != 0) {
		fprintf(stderr, "weak kfunc: rc %d\n", skel->data->dummy_add_device_rc);
		bad++;
	}
	printf("STRUCT_OPS test_run: %lu queries, %lu mismatches, %lu famfs answers from inside a segment\n",
	       n, bad, famfs_mid);
	if (famfs_mid == 0)
		bad++;
	resolve_dummy__destroy(skel);
	return bad ? 1 : 0;
}
