/*
 * fuse_iomap layouts: what the library accepts and refuses before anything
 * reaches a kernel, and what a lookup returns. No mount: a session is
 * created but never mounted.
 */
#define FUSE_USE_VERSION 318

#include <fuse_lowlevel.h>
#include <fuse_iomap.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MiB (1ULL << 20)

static int failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, "\n");					\
		failures++;						\
	}								\
} while (0)

static const struct fuse_lowlevel_ops no_ops;

static struct fuse_iomap *new_iomap(struct fuse_session **sep, uint32_t serves,
				    uint32_t *devid, uint64_t devsize, uint32_t kind)
{
	char *argv[] = { "test_layout", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(1, argv);
	struct fuse_iomap_params p = { .serves = serves };
	struct fuse_iomap_device dev = { .kind = kind, .path = "/tmp/test_layout.img" };
	struct fuse_iomap *im;
	char path[] = "/tmp/test_layout.XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0 || ftruncate(fd, devsize) < 0) {
		perror("scratch image");
		exit(1);
	}
	unlink(path);
	*sep = fuse_session_new(&args, &no_ops, sizeof(no_ops), NULL);
	fuse_opt_free_args(&args);
	if (!*sep) {
		fprintf(stderr, "fuse_session_new failed\n");
		exit(1);
	}
	im = fuse_iomap_new(*sep, &p, NULL, 0, NULL);
	if (!im) {
		fprintf(stderr, "fuse_iomap_new failed\n");
		exit(1);
	}
	dev.fd = fd;
	if (fuse_iomap_add_device(im, &dev, devid)) {
		fprintf(stderr, "fuse_iomap_add_device failed\n");
		exit(1);
	}
	close(fd);	/* the library keeps its own dup */
	return im;
}

static void test_block_extents(void)
{
	struct fuse_session *se;
	uint32_t dev;
	struct fuse_iomap *im = new_iomap(&se, FUSE_IOMAP_SERVES_BLOCK, &dev, 64 * MiB,
					  FUSE_IOMAP_DEV_FILE);
	struct fuse_iomap_extent ok[3] = {
		{ .offset = 0, .length = 8192, .dev_offset = 4096, .dev = dev,
		  .type = FUSE_IOMAP_EXT_MAPPED },
		{ .offset = 8192, .length = 4096, .type = FUSE_IOMAP_EXT_UNWRITTEN,
		  .dev = dev, .dev_offset = 1 * MiB },
		{ .offset = 65536, .length = 4096, .dev_offset = 2 * MiB, .dev = dev,
		  .type = FUSE_IOMAP_EXT_MAPPED },
	};
	struct fuse_iomap_extent bad[3];
	struct fuse_iomap_extent r;

	CHECK(fuse_iomap_set_extents(im, 10, 70000, ok, 3) == 0, "valid extents refused");

	/* lookups: inside an extent, in the gap, past the end */
	CHECK(fuse_iomap_lookup(im, 10, 5000, &r) == 0 && r.type == FUSE_IOMAP_EXT_MAPPED &&
	      r.offset == 0 && r.length == 8192 && r.dev_offset == 4096, "lookup in extent 0");
	CHECK(fuse_iomap_lookup(im, 10, 9000, &r) == 0 && r.type == FUSE_IOMAP_EXT_UNWRITTEN,
	      "lookup in the unwritten extent");
	CHECK(fuse_iomap_lookup(im, 10, 20000, &r) == 0 && r.type == FUSE_IOMAP_EXT_HOLE &&
	      r.offset == 12288 && r.length == 65536 - 12288, "hole between extents: %llu+%llu",
	      (unsigned long long)r.offset, (unsigned long long)r.length);
	CHECK(fuse_iomap_lookup(im, 10, 70000, &r) == -ENXIO, "past EOF");
	CHECK(fuse_iomap_lookup(im, 11, 0, &r) == -ENOENT, "unknown inode");

	/* overlap */
	memcpy(bad, ok, sizeof(ok));
	bad[1].offset = 4096;
	CHECK(fuse_iomap_set_extents(im, 12, 70000, bad, 3) == -EINVAL, "overlap accepted");
	/* unsorted */
	memcpy(bad, ok, sizeof(ok));
	bad[0] = ok[2];
	bad[2] = ok[0];
	CHECK(fuse_iomap_set_extents(im, 12, 70000, bad, 3) == -EINVAL, "unsorted accepted");
	/* misaligned file offset, length, device offset */
	memcpy(bad, ok, sizeof(ok));
	bad[2].offset = 65536 + 512;
	CHECK(fuse_iomap_set_extents(im, 12, 70000, bad, 3) == -EINVAL, "misaligned offset");
	memcpy(bad, ok, sizeof(ok));
	bad[2].length = 100;
	CHECK(fuse_iomap_set_extents(im, 12, 70000, bad, 3) == -EINVAL, "misaligned length");
	memcpy(bad, ok, sizeof(ok));
	bad[0].dev_offset = 100;
	CHECK(fuse_iomap_set_extents(im, 12, 70000, bad, 3) == -EINVAL, "misaligned dev offset");
	/* unknown device, device 0 for a mapped extent, hole naming a device */
	memcpy(bad, ok, sizeof(ok));
	bad[0].dev = dev + 1;
	CHECK(fuse_iomap_set_extents(im, 12, 70000, bad, 3) == -EINVAL, "unknown device");
	bad[0].dev = 0;
	CHECK(fuse_iomap_set_extents(im, 12, 70000, bad, 3) == -EINVAL, "device 0");
	memcpy(bad, ok, sizeof(ok));
	bad[1].type = FUSE_IOMAP_EXT_HOLE;
	CHECK(fuse_iomap_set_extents(im, 12, 70000, bad, 3) == -EINVAL, "hole naming a device");
	/* past the end of the device */
	memcpy(bad, ok, sizeof(ok));
	bad[2].dev_offset = 64 * MiB;
	CHECK(fuse_iomap_set_extents(im, 12, 70000, bad, 3) == -EINVAL, "past device end");
	/* zero length, overflow, unknown type, unknown flags */
	memcpy(bad, ok, sizeof(ok));
	bad[2].length = 0;
	CHECK(fuse_iomap_set_extents(im, 12, 70000, bad, 3) == -EINVAL, "empty extent");
	memcpy(bad, ok, sizeof(ok));
	bad[2].offset = UINT64_MAX - 4095;
	CHECK(fuse_iomap_set_extents(im, 12, 70000, bad, 3) == -EINVAL, "offset overflow");
	memcpy(bad, ok, sizeof(ok));
	bad[2].type = 77;
	CHECK(fuse_iomap_set_extents(im, 12, 70000, bad, 3) == -EINVAL, "unknown type");
	memcpy(bad, ok, sizeof(ok));
	bad[2].flags = 0x80;
	CHECK(fuse_iomap_set_extents(im, 12, 70000, bad, 3) == -EINVAL, "unknown flags");
	/* a refused layout left no trace */
	CHECK(fuse_iomap_lookup(im, 12, 0, &r) == -ENOENT, "refused layout was stored");

	/* replacing a layout and forgetting it */
	CHECK(fuse_iomap_set_extents(im, 10, 4096, ok, 1) == 0, "replace");
	CHECK(fuse_iomap_lookup(im, 10, 5000, &r) == -ENXIO, "replaced size");
	CHECK(fuse_iomap_forget(im, 10) == 0 && fuse_iomap_lookup(im, 10, 0, &r) == -ENOENT,
	      "forget");
	CHECK(fuse_iomap_forget(im, 10) == -ENOENT, "double forget");

	fuse_iomap_destroy(im);
	fuse_session_destroy(se);
}

static void test_dax_interleave(void)
{
	struct fuse_session *se;
	uint32_t dev;
	struct fuse_iomap *im = new_iomap(&se, FUSE_IOMAP_SERVES_DAX, &dev, 256 * MiB,
					  FUSE_IOMAP_DEV_DAX);
	struct fuse_iomap_strip strips[4];
	struct fuse_iomap_interleave il = { .nstrips = 4, .chunk = 2 * MiB,
					    .size = 20 * MiB, .strips = strips };
	struct fuse_iomap_extent one = { .offset = 0, .length = 2 * MiB, .dev = dev,
					 .dev_offset = 4096, .type = FUSE_IOMAP_EXT_MAPPED };
	struct fuse_iomap_extent r;
	uint32_t i;

	for (i = 0; i < 4; i++) {
		strips[i].dev = dev;
		strips[i].reserved = 0;
		strips[i].base = (8 + 8 * i) * MiB;
	}
	CHECK(fuse_iomap_set_interleave(im, 20, &il) == 0, "valid interleave refused");
	/* the worked example of the spec (6.5): 15 MiB -> strip 3, row 1, 1 MiB in */
	CHECK(fuse_iomap_lookup(im, 20, 15 * MiB, &r) == 0 &&
	      r.dev_offset + (15 * MiB - r.offset) == strips[3].base + 2 * MiB + 1 * MiB &&
	      r.length == 2 * MiB, "interleave arithmetic");
	CHECK(fuse_iomap_lookup(im, 20, 20 * MiB, &r) == -ENXIO, "interleave EOF");

	/* DAX wants 2 MiB units */
	CHECK(fuse_iomap_set_extents(im, 21, 4096, &one, 1) == -EINVAL, "misaligned DAX extent");
	il.chunk = 1 * MiB;
	CHECK(fuse_iomap_set_interleave(im, 21, &il) == -EINVAL, "1 MiB chunk on DAX");
	il.chunk = 2 * MiB;
	il.nstrips = 0;
	CHECK(fuse_iomap_set_interleave(im, 21, &il) == -EINVAL, "zero strips");
	il.nstrips = FUSE_IOMAP_MAX_STRIPS + 1;
	CHECK(fuse_iomap_set_interleave(im, 21, &il) == -EINVAL, "too many strips");
	il.nstrips = 4;
	il.chunk = 0;
	CHECK(fuse_iomap_set_interleave(im, 21, &il) == -EINVAL, "zero chunk");
	il.chunk = 2 * MiB;
	il.size = 1ULL << 40;	/* strips would run past the 256 MiB device */
	CHECK(fuse_iomap_set_interleave(im, 21, &il) == -EINVAL, "strips past device end");
	il.size = 20 * MiB;
	strips[1].reserved = 1;
	CHECK(fuse_iomap_set_interleave(im, 21, &il) == -EINVAL, "reserved strip field");

	CHECK(fuse_iomap_conn_path(im) == FUSE_IOMAP_PATH_CLASSIC, "path before INIT");
	fuse_iomap_destroy(im);
	fuse_session_destroy(se);
}

static void test_opts(void)
{
	char *argv1[] = { "x", "-o", "iomap=fmap,ro", NULL };
	char *argv2[] = { "x", "-o", "iomap=bogus", NULL };
	struct fuse_args a1 = FUSE_ARGS_INIT(3, argv1), a2 = FUSE_ARGS_INIT(3, argv2);
	struct fuse_iomap_params p = { 0 };
	int i;
	bool ro_left = false;

	CHECK(fuse_iomap_parse_opts(&a1, &p) == 0 && p.mode == FUSE_IOMAP_MODE_FMAP,
	      "-o iomap=fmap");
	for (i = 0; i < a1.argc; i++) {
		CHECK(!strstr(a1.argv[i], "iomap"), "iomap= left in args: %s", a1.argv[i]);
		if (strstr(a1.argv[i], "ro"))
			ro_left = true;
	}
	CHECK(ro_left, "other options must stay");
	CHECK(fuse_iomap_parse_opts(&a2, &p) == -EINVAL, "-o iomap=bogus accepted");
	fuse_opt_free_args(&a1);
	fuse_opt_free_args(&a2);
}

/* Indexed lookups (large lists) agree with a linear walk on random layouts. */
static void test_random_layouts(void)
{
	struct fuse_session *se;
	uint32_t dev;
	struct fuse_iomap *im = new_iomap(&se, FUSE_IOMAP_SERVES_BLOCK, &dev, 1ULL << 40,
					  FUSE_IOMAP_DEV_FILE);
	uint64_t seed = 12345;
	int round;

	for (round = 0; round < 40; round++) {
		size_t count = 1 + (round * 997) % 6000, i, q;
		struct fuse_iomap_extent *ext = calloc(count, sizeof(*ext));
		uint64_t off = 0, size;

		for (i = 0; i < count; i++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			off += ((seed >> 33) % 4) * 4096;		/* gap 0..3 blocks */
			ext[i].offset = off;
			ext[i].length = (1 + (seed >> 40) % 64) * 4096;	/* skewed sizes */
			ext[i].dev = dev;
			ext[i].dev_offset = (seed >> 20) % (1ULL << 27) * 4096;
			ext[i].type = (seed >> 50) % 5 == 0 ? FUSE_IOMAP_EXT_UNWRITTEN
							    : FUSE_IOMAP_EXT_MAPPED;
			off += ext[i].length;
		}
		size = off + (round % 3) * 10000;
		CHECK(fuse_iomap_set_extents(im, 1000 + round, size, ext, count) == 0,
		      "random layout %d refused", round);
		for (q = 0; q < 3000; q++) {
			struct fuse_iomap_extent r;
			uint64_t o, hs = 0, he = size;
			size_t k;
			int err;

			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			o = (seed >> 11) % (size + 5000);
			err = fuse_iomap_lookup(im, 1000 + round, o, &r);
			if (o >= size) {
				CHECK(err == -ENXIO, "round %d: %llu past EOF gave %d", round,
				      (unsigned long long)o, err);
				continue;
			}
			for (k = 0; k < count; k++) {
				if (ext[k].offset <= o && o < ext[k].offset + ext[k].length)
					break;
				if (ext[k].offset + ext[k].length <= o)
					hs = ext[k].offset + ext[k].length;
				else if (ext[k].offset > o) {
					he = ext[k].offset;
					break;
				}
			}
			if (k < count && ext[k].offset <= o) {
				CHECK(err == 0 && r.offset == ext[k].offset &&
				      r.length == ext[k].length &&
				      r.dev_offset == ext[k].dev_offset && r.type == ext[k].type,
				      "round %d: lookup %llu: extent %zu expected", round,
				      (unsigned long long)o, k);
			} else {
				CHECK(err == 0 && r.type == FUSE_IOMAP_EXT_HOLE && r.offset == hs &&
				      r.offset + r.length == he,
				      "round %d: lookup %llu: hole [%llu, %llu) expected, got %d [%llu, +%llu)",
				      round, (unsigned long long)o, (unsigned long long)hs,
				      (unsigned long long)he, err, (unsigned long long)r.offset,
				      (unsigned long long)r.length);
			}
			if (failures > 20)
				break;
		}
		free(ext);
	}
	fuse_iomap_destroy(im);
	fuse_session_destroy(se);
}

int main(void)
{
	test_random_layouts();
	test_block_extents();
	test_dax_interleave();
	test_opts();
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("test_layout: all checks passed\n");
	return 0;
}
