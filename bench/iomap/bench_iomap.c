/*
 * bench_iomap: what mapped I/O saves, measured in the kernel model, and
 * what a mapping lookup costs in the library.
 *
 *   bench_iomap IOMAP_REGIONS_BINARY
 *
 * 1. Server round trips per GiB read, sequential (1 MiB reads) and random
 *    4 KiB, for: classic (stock kernel), iomap without the mapping cache,
 *    iomap with the mappings uploaded at open, and famfs fmap. The server
 *    is example/iomap_regions, unmodified, under test/kmodel.
 * 2. fuse_iomap_lookup() cost in ns, for extent lists of 1, 32, 1k and 1M
 *    extents and interleaves of 2..16 strips, random offsets.
 * 3. Time to hand over a 1M-extent layout, and to upload mappings at open.
 *
 * Prints tables; asserts nothing about time.
 */
#define FUSE_USE_VERSION 318

#include <fuse_lowlevel.h>
#include <fuse_iomap.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kmodel.h"
#include "fuse_kernel.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* --- 1. round trips per GiB --- */

struct rt_case {
	const char *name;
	const char *dialect;
	bool dax;
	bool upload;
};

static const struct rt_case rt_cases[] = {
	{ "classic (stock kernel)", "stock", false, false },
	{ "iomap, no cache", "iomap-v7", false, false },
	{ "iomap, upload at open", "iomap-v7", false, true },
	{ "famfs fmap", "famfs-v10", true, false },
};

static uint64_t requests(const struct kmodel *km)
{
	/* server round trips caused by data I/O (not LOOKUP/OPEN/INIT) */
	return kmodel_count(km, FUSE_READ) + kmodel_count(km, FUSE_IOMAP_BEGIN) +
	       kmodel_count(km, FUSE_IOMAP_END) + kmodel_count(km, FUSE_IOMAP_IOEND) +
	       kmodel_count(km, FUSE_GET_FMAP) + kmodel_count(km, FUSE_GET_DAXDEV);
}

static int round_trips(const char *regions, const char *image)
{
	static char buf[1 << 20];
	size_t c;

	printf("\n## Server round trips per GiB read (kernel model)\n\n");
	printf("| path | sequential 1 MiB | random 4 KiB | at open (map fetch) |\n|---|---|---|---|\n");
	for (c = 0; c < sizeof(rt_cases) / sizeof(rt_cases[0]); c++) {
		const struct rt_case *rc = &rt_cases[c];
		struct kmodel_opts o;
		struct kmodel *km;
		char *argv[12];
		uint64_t before, seq, rnd4k, at_open;
		struct kmodel_file *f;
		int ferr = 0;
		const uint64_t nrand = 16384;	/* 64 MiB of 4 KiB reads */
		uint64_t off, i;
		int n = 0;

		kmodel_opts_init(&o, fuse_dialect_by_name(rc->dialect));
		o.allow_file_devices = true;
		o.timeout_ms = 20000;
		argv[n++] = (char *)regions;
		argv[n++] = "-f";
		if (rc->dax)
			argv[n++] = "--dax";
		if (!rc->upload)
			argv[n++] = "--no-upload";
		argv[n++] = "--file";
		argv[n++] = "big:2M:1G";
		argv[n++] = (char *)image;
		argv[n++] = "{}";
		argv[n] = NULL;
		km = kmodel_start(&o, argv);
		if (!km) {
			printf("| %s | failed to start | |\n", rc->name);
			continue;
		}
		/* open once (fetching or uploading the map), outside the count */
		before = requests(km);
		f = kmodel_open(km, "/big", false, &ferr);
		if (!f) {
			printf("| %s | open failed: %s | | |\n", rc->name, kmodel_last_error(km));
			kmodel_stop(km);
			continue;
		}
		at_open = requests(km) - before;
		before = requests(km);
		for (off = 0; off < GiB; off += sizeof(buf))
			if (kmodel_pread(f, off, sizeof(buf), buf) != sizeof(buf))
				break;
		seq = requests(km) - before;
		before = requests(km);
		for (i = 0; i < nrand; i++)
			kmodel_pread(f, (rnd() % (GiB / 4096)) * 4096, 4096, buf);
		rnd4k = (requests(km) - before) * (GiB / (nrand * 4096));
		kmodel_close(f);
		printf("| %s | %llu | %llu | %llu |\n", rc->name, (unsigned long long)seq,
		       (unsigned long long)rnd4k, (unsigned long long)at_open);
		kmodel_stop(km);
	}
	return 0;
}

/* --- 3. upload of a heavily fragmented file --- */

static void upload_bench(const char *regions)
{
	static char buf[1 << 20];
	char image[] = "/tmp/bench_iomap_frag.XXXXXX";
	const char *frags[] = { "1024", "1048576" };
	size_t k;
	int fd = mkstemp(image);

	if (fd < 0 || ftruncate(fd, 4 * GiB + 4 * MiB) < 0) {
		perror("image");
		return;
	}
	close(fd);
	printf("\n## Upload at open of a fragmented 4 GiB file (iomap-v7, kernel model)\n\n");
	printf("| extents | server start (set_extents) | OPEN + upload | cached mapping bytes after open | round trips per GiB read after open |\n|---|---|---|---|---|\n");
	for (k = 0; k < 2; k++) {
		struct kmodel_opts o;
		struct kmodel *km;
		struct kmodel_file *f;
		char *argv[] = { (char *)regions, "-f", "--frag", (char *)frags[k],
				 "--file", "frag:4M:4G", image, "{}", NULL };
		double t0, t1, t2;
		uint64_t before, off;
		long long cached;
		int ferr = 0;

		kmodel_opts_init(&o, fuse_dialect_by_name("iomap-v7"));
		o.allow_file_devices = true;
		o.timeout_ms = 60000;
		t0 = now_ns();
		km = kmodel_start(&o, argv);
		t1 = now_ns();
		if (!km) {
			printf("| %s | failed to start | | | |\n", frags[k]);
			continue;
		}
		f = kmodel_open(km, "/frag", false, &ferr);
		t2 = now_ns();
		if (!f) {
			printf("| %s | %.0f ms | open failed: %d | | |\n", frags[k], (t1 - t0) / 1e6, ferr);
			kmodel_stop(km);
			continue;
		}
		cached = (long long)kmodel_cache_bytes(km, "/frag");
		before = requests(km);
		for (off = 0; off < GiB; off += sizeof(buf))
			if (kmodel_pread(f, off, sizeof(buf), buf) != sizeof(buf))
				break;
		printf("| %s | %.0f ms | %.1f ms | %lld | %llu |\n", frags[k], (t1 - t0) / 1e6,
		       (t2 - t1) / 1e6, cached,
		       (unsigned long long)(requests(km) - before));
		kmodel_close(f);
		kmodel_stop(km);
	}
	unlink(image);
}

/* --- 2. lookup cost --- */

static const struct fuse_lowlevel_ops no_ops;

static struct fuse_iomap *make_im(struct fuse_session **se, uint32_t serves, int fd,
				  uint32_t *dev)
{
	char *argv[] = { "bench_iomap", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(1, argv);
	struct fuse_iomap_params p = { .serves = serves };
	struct fuse_iomap_device d = { .fd = fd, .kind = FUSE_IOMAP_DEV_FILE };
	struct fuse_iomap *im;

	*se = fuse_session_new(&args, &no_ops, sizeof(no_ops), NULL);
	fuse_opt_free_args(&args);
	im = *se ? fuse_iomap_new(*se, &p, NULL, 0, NULL) : NULL;
	if (!im || fuse_iomap_add_device(im, &d, dev)) {
		fprintf(stderr, "bench_iomap: setup failed\n");
		exit(1);
	}
	return im;
}

/* @seq: offsets walk the file in 4 KiB steps (streaming I/O); else random. */
static double time_lookups(struct fuse_iomap *im, fuse_ino_t ino, uint64_t size, bool seq)
{
	const int n = 2000000;
	struct fuse_iomap_extent e;
	uint64_t sink = 0, off = 0;
	double t0, t1;
	int i;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if (seq) {
			off += 4096;
			if (off >= size)
				off = 0;
		} else {
			off = rnd() % size;
		}
		fuse_iomap_lookup(im, ino, off, &e);
		sink += e.dev_offset;
	}
	t1 = now_ns();
	if (sink == 42)
		printf(" ");
	return (t1 - t0) / n;
}

static double set_extents(struct fuse_iomap *im, fuse_ino_t ino, uint32_t dev,
			  uint64_t count)
{
	struct fuse_iomap_extent *ext = calloc(count, sizeof(*ext));
	double t0, t1;
	uint64_t i;
	int err;

	for (i = 0; i < count; i++) {
		/* 4 KiB extents, scattered over a 64 GiB device in reverse */
		ext[i].offset = i * 8192;
		ext[i].length = 4096;
		ext[i].dev = dev;
		ext[i].dev_offset = (count - i) * 8192;
		ext[i].type = FUSE_IOMAP_EXT_MAPPED;
	}
	t0 = now_ns();
	err = fuse_iomap_set_extents(im, ino, count * 8192, ext, count);
	t1 = now_ns();
	free(ext);
	if (err) {
		fprintf(stderr, "bench_iomap: set_extents(%llu): %s\n",
			(unsigned long long)count, strerror(-err));
		exit(1);
	}
	return t1 - t0;
}

static void lookups(void)
{
	static const uint64_t counts[] = { 1, 32, 1024, 1048576 };
	struct fuse_session *se;
	struct fuse_iomap *im;
	uint32_t dev;
	char path[] = "/tmp/bench_iomap.XXXXXX";
	int fd = mkstemp(path);
	size_t i;
	uint32_t s;

	if (fd < 0 || ftruncate(fd, 64 * GiB) < 0) {
		perror("bench image");
		exit(1);
	}
	unlink(path);
	im = make_im(&se, FUSE_IOMAP_SERVES_BLOCK, fd, &dev);

	printf("\n## fuse_iomap_lookup() cost (random offsets, warm)\n\n");
	printf("(the random-offset time includes the xorshift generator, ~2 ns)\n\n");
	printf("| layout | ns per lookup, random offsets | ns per lookup, sequential 4 KiB steps | set_extents (validate + copy + index) |\n|---|---|---|---|\n");
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		double set = set_extents(im, 100 + i, dev, counts[i]);
		double rns = time_lookups(im, 100 + i, counts[i] * 8192, false);
		double sns = time_lookups(im, 100 + i, counts[i] * 8192, true);

		printf("| %llu extents | %.1f | %.1f | %.2f ms |\n", (unsigned long long)counts[i],
		       rns, sns, set / 1e6);
	}
	fuse_iomap_destroy(im);
	fuse_session_destroy(se);

	im = make_im(&se, FUSE_IOMAP_SERVES_DAX, fd, &dev);
	for (s = 2; s <= 16; s *= 2) {
		struct fuse_iomap_strip strips[16];
		struct fuse_iomap_interleave il = { .nstrips = s, .chunk = 2 * MiB,
						    .size = 1 * GiB, .strips = strips };
		uint32_t k;

		for (k = 0; k < s; k++) {
			strips[k].dev = dev;
			strips[k].reserved = 0;
			strips[k].base = (uint64_t)k * 2 * GiB;
		}
		if (fuse_iomap_set_interleave(im, 200 + s, &il)) {
			fprintf(stderr, "bench_iomap: interleave %u failed\n", s);
			exit(1);
		}
		printf("| interleave, %u strips | %.1f | %.1f | |\n", s,
		       time_lookups(im, 200 + s, il.size, false),
		       time_lookups(im, 200 + s, il.size, true));
	}
	fuse_iomap_destroy(im);
	fuse_session_destroy(se);
	close(fd);
}

int main(int argc, char *argv[])
{
	char image[] = "/tmp/bench_iomap_img.XXXXXX";
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s IOMAP_REGIONS_BINARY\n", argv[0]);
		return 2;
	}
	fd = mkstemp(image);
	if (fd < 0 || ftruncate(fd, GiB + 4 * MiB) < 0) {
		perror("image");
		return 1;
	}
	close(fd);
	printf("# bench_iomap (machine: %ld CPUs)\n", sysconf(_SC_NPROCESSORS_ONLN));
	if (getenv("BENCH_IOMAP_LOOKUPS_ONLY") == NULL) {
		round_trips(argv[1], image);
		upload_bench(argv[1]);
	}
	unlink(image);
	lookups();
	return 0;
}
