/*
 * Every dialect x every path a layout-only server can take, in the kernel
 * model: example/iomap_regions runs unmodified under test/kmodel, each file
 * is read back and compared (sha256) with the bytes its layout names, and
 * the round trips show which path served the data.
 *
 *   test_paths IOMAP_REGIONS_BINARY
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmodel.h"
#include "fuse_kernel.h"
#include "bpf_oracle.h"

#define MiB (1ULL << 20)
#define IMG_SIZE (64 * MiB)

void kmodel_sha256_buf(const void *data, size_t len, uint8_t digest[32]);

static int failures;
static const char *regions;
static char image[64];
static uint8_t *img;	/* what the image holds, for the expected digests */
static bool bpf_runs;	/* this process can run the resolver bytecode */

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "FAIL %s:%d: ", __func__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, "\n");					\
		failures++;						\
	}								\
} while (0)

/* file "a": one extent, 2 MiB into the image, 4 MiB long, 3000000 bytes */
#define A_OFF (2 * MiB)
#define A_SIZE 3000000ULL
/* file "s": 3 strips of 2 MiB chunks at 16, 32, 48 MiB, 10 MiB long */
#define S_CHUNK (2 * MiB)
#define S_SIZE (10 * MiB)
static const uint64_t s_base[3] = { 16 * MiB, 32 * MiB, 48 * MiB };

static void make_image(void)
{
	uint64_t i;
	int fd;

	snprintf(image, sizeof(image), "/tmp/iomap_paths.XXXXXX");
	fd = mkstemp(image);
	img = malloc(IMG_SIZE);
	if (fd < 0 || !img) {
		perror("image");
		exit(1);
	}
	for (i = 0; i < IMG_SIZE; i++)
		img[i] = (uint8_t)((i * 2654435761ULL) >> 13) ^ (uint8_t)(i >> 20);
	if (pwrite(fd, img, IMG_SIZE, 0) != (ssize_t)IMG_SIZE) {
		perror("pwrite");
		exit(1);
	}
	close(fd);
}

static void expected_a(uint8_t d[32])
{
	kmodel_sha256_buf(img + A_OFF, A_SIZE, d);
}

static void expected_s(uint8_t d[32])
{
	uint8_t *buf = malloc(S_SIZE);
	uint64_t off;

	for (off = 0; off < S_SIZE; off++) {
		uint64_t c = off / S_CHUNK;

		buf[off] = img[s_base[c % 3] + (c / 3) * S_CHUNK + off % S_CHUNK];
	}
	kmodel_sha256_buf(buf, S_SIZE, d);
	free(buf);
}

struct pcase {
	const char *name;
	const char *dialect;
	bool dax;			/* --dax: the server serves DAX memory */
	const char *mode;		/* -o iomap=MODE, or NULL */
	bool allow_files;		/* model accepts regular files as devices */
	bool may_add_iomap;
	bool famfs_rawio;
	/*
	 * BPF_IOMAP: every mapping served by the fuse_iomap_bpf_ops program
	 * (zero IOMAP_BEGIN upcalls); BPF_FMAP: served by fuse_dax_fmap_ops
	 * (zero GET_FMAP). Both need the model to run the bytecode; without
	 * that (no BPF in the build, no CAP_BPF) they expect the fallback.
	 */
	enum { EXPECT_CLASSIC, EXPECT_IOMAP, EXPECT_FMAP, EXPECT_BPF_IOMAP,
	       EXPECT_BPF_FMAP } expect;
	bool no_bpf_btf;		/* the model kernel's BTF lacks the type */
};

static const struct pcase cases[] = {
	{ "stock kernel offers nothing", "stock", false, NULL, true, true, true, EXPECT_CLASSIC, false },
	{ "stock kernel, DAX server", "stock", true, NULL, true, true, true, EXPECT_CLASSIC, false },
	{ "iomap kernel, block server", "iomap-v7", false, NULL, true, true, true, EXPECT_IOMAP, false },
	{ "iomap kernel, -o iomap=classic", "iomap-v7", false, "classic", true, true, true, EXPECT_CLASSIC, false },
	{ "iomap kernel without CAP_SYS_RAWIO", "iomap-v7", false, NULL, true, false, true, EXPECT_CLASSIC, false },
	{ "iomap kernel refuses a file as bdev", "iomap-v7", false, NULL, false, true, true, EXPECT_CLASSIC, false },
	{ "iomap kernel, DAX-only server", "iomap-v7", true, NULL, true, true, true, EXPECT_CLASSIC, false },
	{ "famfs V10 kernel, DAX server", "famfs-v10", true, NULL, true, true, true, EXPECT_FMAP, false },
	{ "famfs V10 kernel, -o iomap=iomap", "famfs-v10", true, "iomap", true, true, true, EXPECT_CLASSIC, false },
	{ "famfs V10 kernel without CAP_SYS_RAWIO", "famfs-v10", true, NULL, true, true, false, EXPECT_CLASSIC, false },
	{ "famfs V10 kernel, block server", "famfs-v10", false, NULL, true, true, true, EXPECT_CLASSIC, false },
	{ "famfs post-V10 push kernel", "famfs-post-v10", true, NULL, true, true, true, EXPECT_FMAP, false },
	/* the post-V10 variant without interleave: stripes are unrolled into simple extents */
	{ "famfs post-V10 simple-only kernel", "famfs-post-v10-simple", true, NULL, true, true, true, EXPECT_FMAP, false },
	/* BPF dialects whose kernel BTF lacks the struct_ops type: the fallback */
	{ "iomap+BPF kernel, no type in BTF: upcalls", "iomap-v7-bpf", false, NULL, true, true, true, EXPECT_IOMAP, true },
	{ "iomap+BPF kernel, no type, -o iomap=bpf", "iomap-v7-bpf", false, "bpf", true, true, true, EXPECT_IOMAP, true },
	{ "famfs BPF-only kernel, no type: classic", "famfs-gp-bpf", true, NULL, true, true, true, EXPECT_CLASSIC, true },
	/* BPF dialects running the library's program (real bytecode, test_run) */
	{ "iomap+BPF kernel: BPF served", "iomap-v7-bpf", false, NULL, true, true, true, EXPECT_BPF_IOMAP, false },
	{ "iomap+BPF kernel, -o iomap=bpf: BPF served", "iomap-v7-bpf", false, "bpf", true, true, true, EXPECT_BPF_IOMAP, false },
	{ "iomap+BPF kernel, -o iomap=iomap: upcalls", "iomap-v7-bpf", false, "iomap", true, true, true, EXPECT_IOMAP, false },
	{ "iomap+BPF kernel without CAP_SYS_RAWIO", "iomap-v7-bpf", false, NULL, true, false, true, EXPECT_CLASSIC, false },
	{ "famfs BPF-only kernel: BPF served", "famfs-gp-bpf", true, NULL, true, true, true, EXPECT_BPF_FMAP, false },
	{ "famfs BPF-only kernel, -o iomap=classic", "famfs-gp-bpf", true, "classic", true, true, true, EXPECT_CLASSIC, false },
};

/* sha256 of a file read with one read(2) */
static int sha_whole(struct kmodel *km, const char *path, uint64_t size, uint8_t d[32])
{
	uint8_t *buf = malloc(size);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	n = kmodel_read(km, path, 0, size, buf);
	if (n == (ssize_t)size)
		kmodel_sha256_buf(buf, size, d);
	free(buf);
	return n == (ssize_t)size ? 0 : n < 0 ? (int)n : -EIO;
}

/* The image byte that file byte @off of "/s" names (3 strips, 2 MiB chunks). */
static uint8_t s_byte(uint64_t off)
{
	uint64_t c = off / S_CHUNK;

	return img[s_base[c % 3] + (c / 3) * S_CHUNK + off % S_CHUNK];
}

/*
 * Gregory's kernel takes the program's addr as the address of the
 * requested offset (spec 7.2). Reads that start inside a segment, at
 * random offsets and of random lengths, must give the bytes the layout
 * names there: an answer for the segment start would shift them.
 */
static void check_mid_segment(struct kmodel *km, const struct pcase *c)
{
	static uint8_t buf[3 * MiB];
	uint64_t st = 0x5eed, off, len, k, want;
	unsigned int i, bad = 0, mid = 0;
	ssize_t n;

	for (i = 0; i < 200; i++) {
		bool s = i & 1;
		uint64_t size = s ? S_SIZE : A_SIZE;

		st = st * 6364136223846793005ULL + 1442695040888963407ULL;
		off = (st >> 17) % size;
		st = st * 6364136223846793005ULL + 1442695040888963407ULL;
		len = 1 + (st >> 17) % (i % 4 < 2 ? 8192 : sizeof(buf));
		want = len < size - off ? len : size - off;
		n = kmodel_read(km, s ? "/s" : "/a", off, len, buf);
		if (n != (ssize_t)want) {
			CHECK(0, "%s: read %s at %llu+%llu: %zd (%s)", c->name,
			      s ? "/s" : "/a", (unsigned long long)off,
			      (unsigned long long)len, n, kmodel_last_error(km));
			continue;
		}
		mid += s ? off % S_CHUNK != 0 : off != 0;
		for (k = 0; k < want; k++)
			if (buf[k] != (s ? s_byte(off + k) : img[A_OFF + off + k]))
				break;
		if (k < want && bad++ < 3)
			CHECK(0, "%s: %s read at %llu+%llu: wrong byte at +%llu",
			      c->name, s ? "/s" : "/a", (unsigned long long)off,
			      (unsigned long long)len, (unsigned long long)k);
	}
	CHECK(bad == 0 && mid > 150, "%s: mid-segment reads: %u wrong, %u mid",
	      c->name, bad, mid);
}

static void run_case(const struct pcase *c)
{
	const struct fuse_dialect *d = fuse_dialect_by_name(c->dialect);
	int expect = c->expect;
	struct kmodel_opts o;
	struct kmodel *km;
	uint8_t got[32], want[32];
	char *argv[16];
	int n = 0;

	if (!d) {
		CHECK(0, "%s: no dialect %s", c->name, c->dialect);
		return;
	}
	kmodel_opts_init(&o, d);
	o.allow_file_devices = c->allow_files;
	o.may_add_iomap = c->may_add_iomap;
	o.famfs_rawio = c->famfs_rawio;
	o.bpf_btf = !c->no_bpf_btf;
	o.timeout_ms = 5000;
	if (!bpf_runs && expect == EXPECT_BPF_IOMAP)
		expect = EXPECT_IOMAP;		/* the program cannot run: upcalls */
	if (!bpf_runs && expect == EXPECT_BPF_FMAP)
		expect = EXPECT_CLASSIC;	/* no program, no DAX fmap */

	argv[n++] = (char *)regions;
	argv[n++] = "-f";
	if (c->dax)
		argv[n++] = "--dax";
	if (c->mode) {
		static char opt[64];

		snprintf(opt, sizeof(opt), "iomap=%s", c->mode);
		argv[n++] = "-o";
		argv[n++] = opt;
	}
	argv[n++] = "--file";
	argv[n++] = "a:2M:4M:3000000";
	argv[n++] = "--stripe";
	argv[n++] = "s:2M:10M:16M,32M,48M";
	argv[n++] = image;
	argv[n++] = "{}";
	argv[n] = NULL;

	km = kmodel_start(&o, argv);
	CHECK(km, "%s: the model did not start the server", c->name);
	if (!km)
		return;

	CHECK(kmodel_sha256(km, "/a", got) == 0, "%s: sha256 /a: %s", c->name,
	      kmodel_last_error(km));
	expected_a(want);
	CHECK(memcmp(got, want, 32) == 0, "%s: /a content differs", c->name);
	if (expect == EXPECT_BPF_FMAP) {
		/* and with one read(2): program asked at segment starts only */
		CHECK(sha_whole(km, "/a", A_SIZE, got) == 0, "%s: read /a: %s",
		      c->name, kmodel_last_error(km));
		CHECK(memcmp(got, want, 32) == 0, "%s: /a content differs", c->name);
	}
	CHECK(kmodel_sha256(km, "/s", got) == 0, "%s: sha256 /s: %s", c->name,
	      kmodel_last_error(km));
	expected_s(want);
	CHECK(memcmp(got, want, 32) == 0, "%s: /s content differs", c->name);
	if (expect == EXPECT_BPF_FMAP) {
		CHECK(sha_whole(km, "/s", S_SIZE, got) == 0, "%s: read /s: %s",
		      c->name, kmodel_last_error(km));
		CHECK(memcmp(got, want, 32) == 0, "%s: /s content differs", c->name);
	}

	switch (expect) {
	case EXPECT_CLASSIC:
		CHECK(kmodel_count(km, FUSE_READ) > 0, "%s: no READ upcalls on the classic path",
		      c->name);
		CHECK(!kmodel_iomap_on(km) || kmodel_count(km, FUSE_IOMAP_BEGIN) == 0,
		      "%s: IOMAP_BEGIN on the classic path", c->name);
		break;
	case EXPECT_IOMAP:
		CHECK(kmodel_iomap_on(km), "%s: iomap not negotiated", c->name);
		CHECK(kmodel_count(km, FUSE_READ) == 0, "%s: %llu READ upcalls on the iomap path",
		      c->name, (unsigned long long)kmodel_count(km, FUSE_READ));
		CHECK(kmodel_backing_count(km) == 1, "%s: backing devices: %u", c->name,
		      kmodel_backing_count(km));
		break;
	case EXPECT_FMAP:
		CHECK(kmodel_famfs_on(km), "%s: famfs not negotiated", c->name);
		CHECK(kmodel_count(km, FUSE_READ) == 0, "%s: READ upcalls on the fmap path",
		      c->name);
		CHECK(kmodel_count(km, FUSE_GET_FMAP) == 2, "%s: GET_FMAP count %llu", c->name,
		      (unsigned long long)kmodel_count(km, FUSE_GET_FMAP));
		CHECK(kmodel_daxdev_count(km) == 1, "%s: daxdevs %u", c->name,
		      kmodel_daxdev_count(km));
		break;
	case EXPECT_BPF_IOMAP:
		CHECK(kmodel_iomap_on(km), "%s: iomap not negotiated", c->name);
		CHECK(kmodel_bpf_program(km, NULL) != NULL, "%s: no BPF program", c->name);
		CHECK(kmodel_count(km, FUSE_READ) == 0, "%s: READ upcalls", c->name);
		CHECK(kmodel_count(km, FUSE_IOMAP_BEGIN) == 0,
		      "%s: %llu IOMAP_BEGIN upcalls for published files", c->name,
		      (unsigned long long)kmodel_count(km, FUSE_IOMAP_BEGIN));
		CHECK(kmodel_count_bpf(km) > 0, "%s: no BPF-served mapping", c->name);
		break;
	case EXPECT_BPF_FMAP:
		CHECK(kmodel_famfs_on(km), "%s: famfs not negotiated", c->name);
		CHECK(kmodel_bpf_program(km, NULL) != NULL, "%s: no BPF program", c->name);
		CHECK(kmodel_count(km, FUSE_READ) == 0, "%s: READ upcalls", c->name);
		CHECK(kmodel_count(km, FUSE_GET_FMAP) == 0, "%s: GET_FMAP sent", c->name);
		CHECK(kmodel_count_bpf(km) > 0, "%s: no BPF-served mapping", c->name);
		CHECK(kmodel_daxdev_count(km) == 1, "%s: daxdevs %u", c->name,
		      kmodel_daxdev_count(km));
		check_mid_segment(km, c);
		break;
	}
	if (failures)
		kmodel_print_stats(km, stderr);
	if (expect == EXPECT_BPF_IOMAP || expect == EXPECT_BPF_FMAP)
		printf("%-45s ok (%llu mappings served by BPF)\n", c->name,
		       (unsigned long long)kmodel_count_bpf(km));
	else if (expect != c->expect)
		printf("%-45s ok (fallback: BPF cannot run here)\n", c->name);
	else
		printf("%-45s ok\n", c->name);
	kmodel_stop(km);
}

int main(int argc, char *argv[])
{
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s IOMAP_REGIONS_BINARY\n", argv[0]);
		return 2;
	}
	regions = argv[1];
	{
		char why[256];
		int err;

		bpf_runs = bpf_oracle_get(why, sizeof(why), &err) != NULL;
		if (!bpf_runs)
			printf("BPF programs cannot run here (%s): the BPF cases "
			       "expect the fallback paths\n", why);
	}
	make_image();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	unlink(image);
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	return 0;
}
