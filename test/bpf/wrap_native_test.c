/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wrap_native_test.c - hand-computed cases for the struct_ops wrappers'
 * decisions (lib/bpf/fuse_bpf_wrap.h): which iomap_begin requests the BPF
 * program answers and with what, and the famfs answers.  The BPF builds of
 * the same functions are compared with these natively in bpf-vs-native
 * and bpf-struct-ops-dummy.  Runs without BPF.
 */
#include <stdio.h>
#include <string.h>

#include "fuse_bpf_layout.h"
#include "fuse_bpf_wrap.h"

static unsigned int passed, failed;

#define CHECK(cond, what)						\
	do {								\
		if (cond) {						\
			passed++;					\
		} else {						\
			failed++;					\
			fprintf(stderr, "FAIL line %d: %s\n", __LINE__, what); \
		}							\
	} while (0)

static struct fuse_res_out seg(uint64_t off, uint64_t len, uint64_t addr,
			       uint32_t dev, uint16_t type, uint16_t flags)
{
	struct fuse_res_out r = { off, len, addr, dev, type, flags, 0, 0 };

	return r;
}

static void test_begin(void)
{
	struct fuse_bpf_begin_out o;
	struct fuse_res_out r;
	int h;

	/* read of a mapped extent: read = the extent, write = PURE_OVERWRITE */
	r = seg(8192, 16384, 1 << 20, 3, FUSE_RES_TYPE_MAPPED, 0x1ff);
	memset(&o, 0, sizeof(o));
	h = fuse_bpf_begin_decide(0, &r, 10000, 0, 12, &o);
	CHECK(h == FUSE_BPF_FIB_HANDLED, "mapped read handled");
	CHECK(o.read.offset == 8192 && o.read.length == 16384 &&
	      o.read.addr == 1 << 20 && o.read.dev == 3 &&
	      o.read.type == FUSE_RES_TYPE_MAPPED, "read mapping");
	CHECK(o.read.flags == 0xff, "flags limited to bits 0-7");
	CHECK(o.write.type == FUSE_BPF_TYPE_PURE_OVERWRITE &&
	      o.write.addr == FUSE_RES_NULL_ADDR && o.write.dev == 0 &&
	      o.write.offset == 8192 && o.write.length == 16384,
	      "write slot pure overwrite");

	/* overwrite in place: handled; shared blocks: server (COW) */
	r.flags = 0;
	CHECK(fuse_bpf_begin_decide(0, &r, 8192, FUSE_BPF_OP_WRITE, 12, &o) ==
	      FUSE_BPF_FIB_HANDLED, "overwrite handled");
	r.flags = FUSE_BPF_F_SHARED;
	CHECK(fuse_bpf_begin_decide(0, &r, 8192, FUSE_BPF_OP_WRITE, 12, &o) ==
	      FUSE_BPF_FIB_FALLBACK, "shared write -> server");
	r.flags = 0;
	CHECK(fuse_bpf_begin_decide(0, &r, 8192, FUSE_BPF_OP_WRITEBACK, 12, &o) ==
	      FUSE_BPF_FIB_HANDLED, "writeback of mapped blocks handled");

	/* holes: reads answered with HOLE, writes need allocation */
	r = seg(0, 8192, FUSE_RES_NULL_ADDR, 0, FUSE_RES_TYPE_HOLE, 0);
	CHECK(fuse_bpf_begin_decide(0, &r, 0, 0, 12, &o) == FUSE_BPF_FIB_HANDLED &&
	      o.read.type == FUSE_RES_TYPE_HOLE &&
	      o.read.addr == FUSE_RES_NULL_ADDR && o.read.dev == 0,
	      "hole read handled");
	CHECK(fuse_bpf_begin_decide(0, &r, 0, FUSE_BPF_OP_WRITE, 12, &o) ==
	      FUSE_BPF_FIB_FALLBACK, "hole write -> server");
	CHECK(fuse_bpf_begin_decide(0, &r, 0, FUSE_BPF_OP_ZERO, 12, &o) ==
	      FUSE_BPF_FIB_FALLBACK, "hole zeroing -> server");
	r.type = FUSE_RES_TYPE_UNWRITTEN;
	r.addr = 4096;
	r.dev = 1;
	CHECK(fuse_bpf_begin_decide(0, &r, 0, FUSE_BPF_OP_WRITE, 12, &o) ==
	      FUSE_BPF_FIB_FALLBACK, "unwritten write -> server");
	CHECK(fuse_bpf_begin_decide(0, &r, 0, 0, 12, &o) == FUSE_BPF_FIB_HANDLED &&
	      o.read.type == FUSE_RES_TYPE_UNWRITTEN && o.read.addr == 4096,
	      "unwritten read handled");

	/* requests that always go to the server, and bad inputs */
	r = seg(0, 8192, 1 << 20, 1, FUSE_RES_TYPE_MAPPED, 0);
	CHECK(fuse_bpf_begin_decide(0, &r, 0, FUSE_BPF_OP_ATOMIC, 12, &o) ==
	      FUSE_BPF_FIB_FALLBACK, "atomic -> server");
	CHECK(fuse_bpf_begin_decide(0, &r, 0, FUSE_BPF_OP_SWAPFILE, 12, &o) ==
	      FUSE_BPF_FIB_FALLBACK, "swapfile -> server");
	CHECK(fuse_bpf_begin_decide(FUSE_RES_ERANGE, &r, 0, 0, 12, &o) ==
	      FUSE_BPF_FIB_FALLBACK, "resolver error -> server");
	CHECK(fuse_bpf_begin_decide(0, &r, 8192, 0, 12, &o) ==
	      FUSE_BPF_FIB_FALLBACK, "segment not covering pos");
	CHECK(fuse_bpf_begin_decide(0, &r, 0, 0, 8, &o) ==
	      FUSE_BPF_FIB_FALLBACK, "block size 256 refused");
	r.length = 6000;
	CHECK(fuse_bpf_begin_decide(0, &r, 0, 0, 12, &o) ==
	      FUSE_BPF_FIB_FALLBACK, "unaligned length -> server");
	CHECK(fuse_bpf_begin_decide(0, &r, 0, 0, 9, &o) ==
	      FUSE_BPF_FIB_FALLBACK, "6000 not a multiple of 512 either");
	r.length = 8192;
	r.dev = 0;
	CHECK(fuse_bpf_begin_decide(0, &r, 0, 0, 12, &o) ==
	      FUSE_BPF_FIB_FALLBACK, "mapped on DEV_NULL refused");
	r.dev = 1;
	r.type = 9;
	CHECK(fuse_bpf_begin_decide(0, &r, 0, 0, 12, &o) ==
	      FUSE_BPF_FIB_FALLBACK, "unknown type refused");
}

static void test_famfs(void)
{
	struct fuse_bpf_io io;
	struct fuse_res_out r;
	uint64_t devs;

	/* segment [2 MiB, 4 MiB) at device address 6 MiB on device 5 */
	r = seg(2 << 20, 2 << 20, 6 << 20, 5, FUSE_RES_TYPE_MAPPED, 0);
	memset(&io, 0, sizeof(io));
	CHECK(fuse_bpf_famfs_decide(0, &r, 2 << 20, 24, &io) == 0 &&
	      io.offset == 2 << 20 && io.length == 2 << 20 &&
	      io.addr == 6 << 20 && io.dev == 5 &&
	      io.type == FUSE_RES_TYPE_MAPPED, "famfs mapping at the segment start");
	/* the kernel takes addr as the address of the requested offset (§7.2) */
	memset(&io, 0, sizeof(io));
	CHECK(fuse_bpf_famfs_decide(0, &r, (2 << 20) + 12345, 24, &io) == 0 &&
	      io.offset == (2 << 20) + 12345 && io.addr == (6 << 20) + 12345 &&
	      io.length == (2 << 20) - 12345 && io.dev == 5,
	      "famfs mapping from inside the segment");
	CHECK(fuse_bpf_famfs_decide(0, &r, (4 << 20) - 1, 24, &io) == 0 &&
	      io.offset == (4 << 20) - 1 && io.addr == (8 << 20) - 1 &&
	      io.length == 1, "famfs mapping of the segment's last byte");
	CHECK(fuse_bpf_famfs_decide(0, &r, 4 << 20, 24, &io) == -5,
	      "pos at the segment end -> EIO");
	CHECK(fuse_bpf_famfs_decide(0, &r, (2 << 20) - 1, 24, &io) == -5,
	      "pos before the segment -> EIO");
	CHECK(fuse_bpf_famfs_decide(0, &r, 2 << 20, 5, &io) == -5,
	      "dev index >= table -> EIO");
	/* an address sum that would wrap, or reach NULL_ADDR, is refused */
	r = seg(0, 1 << 20, FUSE_RES_NULL_ADDR - 4096, 1, FUSE_RES_TYPE_MAPPED, 0);
	CHECK(fuse_bpf_famfs_decide(0, &r, 4095, 24, &io) == 0 &&
	      io.addr == FUSE_RES_NULL_ADDR - 1 && io.length == (1 << 20) - 4095,
	      "largest address");
	CHECK(fuse_bpf_famfs_decide(0, &r, 4096, 24, &io) == -5,
	      "addr + distance reaching NULL_ADDR -> EIO");
	CHECK(fuse_bpf_famfs_decide(0, &r, 8192, 24, &io) == -5,
	      "addr + distance wrapping -> EIO");
	/* a segment ending at the largest offset */
	r = seg(FUSE_RES_OFF_MAX - 4095, 4096, 1 << 30, 2, FUSE_RES_TYPE_MAPPED, 0);
	CHECK(fuse_bpf_famfs_decide(0, &r, FUSE_RES_OFF_MAX, 24, &io) == 0 &&
	      io.length == 1 && io.addr == (1ULL << 30) + 4095,
	      "last byte of the largest file");
	r = seg(0, 0, 0, 0, FUSE_RES_TYPE_MAPPED, 0);
	CHECK(fuse_bpf_famfs_decide(0, &r, 0, 24, &io) == -5, "empty segment -> EIO");
	r = seg(2 << 20, 2 << 20, 6 << 20, 5, FUSE_RES_TYPE_HOLE, 0);
	CHECK(fuse_bpf_famfs_decide(0, &r, 2 << 20, 24, &io) == -5, "famfs hole -> EIO");
	CHECK(fuse_bpf_famfs_decide(FUSE_RES_ERANGE, &r, 2 << 20, 24, &io) ==
	      FUSE_RES_ERANGE, "resolver error passed on");

	/* iomap_setup's device set */
	{
		struct fuse_bpf_file f;

		memset(&f, 0, sizeof(f));
		f.dev_bitmap = (1u << 0) | (1u << 23);
		CHECK(fuse_bpf_dax_setup_devs(&f, 24, &devs) == 0 &&
		      devs == ((1u << 0) | (1u << 23)), "setup devices");
		f.dev_bitmap = 1u << 24;
		CHECK(fuse_bpf_dax_setup_devs(&f, 24, &devs) == -22,
		      "device index past the table -> EINVAL");
		f.dev_bitmap = 1u << 31;
		CHECK(fuse_bpf_dax_setup_devs(&f, 32, &devs) == 0 &&
		      devs == 1u << 31, "32-slot table takes every bit");
		f.kind = FUSE_BPF_FILE_INTERLEAVE;
		f.u.il.nstrips = 3;
		f.u.il.strip[0].dev = 2;
		f.u.il.strip[1].dev = 7;
		f.u.il.strip[2].dev = 40;
		CHECK(fuse_bpf_file_used_devs(&f) == ((1u << 2) | (1u << 7) | (1u << 31)),
		      "used devices of an interleave (>= 32 -> bit 31)");
	}
}

static void test_slots(void)
{
	struct fuse_bpf_file f;
	struct fuse_res_out r;

	CHECK(fuse_bpf_slot(4097, 4096) == 1, "slot = nodeid % nslots");
	CHECK(fuse_bpf_slot(5, 0) == FUSE_BPF_SLOTS_MAX, "0 slots -> out of range");
	memset(&f, 0, sizeof(f));
	f.nodeid = 9;
	f.kind = 3;
	CHECK(fuse_bpf_file_lookup(&f, 0, &r) == FUSE_RES_EINVAL, "unknown kind");
	f.kind = FUSE_BPF_FILE_EXTENTS;
	f.u.ext.size = 4096;
	CHECK(fuse_bpf_file_lookup(&f, 0, &r) == 0 &&
	      r.type == FUSE_RES_TYPE_HOLE && r.length == 4096, "empty extent list");
}

int main(void)
{
	test_begin();
	test_famfs();
	test_slots();
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
