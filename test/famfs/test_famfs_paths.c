/*
 * famfs-fuse under the kernel model: every file of every famfs fixture
 * (a1-empty, a2-tree, a3-interleaved) read by the unmodified famfs-fuse
 * binary under each kernel dialect, compared with the manifest's sha256,
 * with the round trips showing which path moved the data:
 *
 *   stock                  classic: READ upcalls, no GET_FMAP/IOMAP_BEGIN
 *   famfs-v10              fmap: GET_FMAP once per opened file, GET_DAXDEV,
 *                          zero READ
 *   famfs-post-v10         fmap with the GET_FMAP in-arg, daxdev pushed
 *   famfs-post-v10-simple  the same, stripes unrolled into simple extents
 *   iomap-v7               iomap: the image file stands in for a block
 *                          device, zero READ
 *
 * .meta/.superblock and .meta/.log are read too and compared with the
 * image's own bytes. Per dialect and fixture it also checks the policy
 * famfs-fuse keeps: a same-bytes write inside a file works, a write at
 * the end fails and the size does not change, .meta/.superblock (and
 * .meta/.log on a client) refuse a write open.
 *
 *   test_famfs_paths FAMFS_FUSE FIXTURES_DIR    ($FAMFS_FIXTURES overrides)
 *
 * Exit 77 ("skipped: ...") without the fixtures or tar.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kmodel.h"
#include "fuse_kernel.h"

#define MiB (1ULL << 20)
#define SB_SIZE (2 * MiB)	/* famfs superblock region; the log follows */

static int failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "FAIL %s:%d: ", __func__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, "\n");					\
		failures++;						\
	}								\
} while (0)

static void skip(const char *fmt, const char *arg)
{
	printf("skipped: ");
	printf(fmt, arg);
	printf("\n");
	exit(77);
}

/* --- the manifest (pretty-printed JSON, one key per line) --- */

struct mfile {
	char path[128];
	uint64_t size;
	char sha[65];
};

struct manifest {
	uint64_t log_len;
	struct mfile *files;
	size_t nfiles;
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	buf = malloc(n + 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The string value of a `"key": "value"` line into @out. */
static int str_value(const char *p, char *out, size_t cap)
{
	const char *q = strchr(p, ':');
	const char *e;

	if (!q || !(q = strchr(q, '"')) || !(e = strchr(q + 1, '"')) ||
	    (size_t)(e - q - 1) >= cap)
		return -1;
	memcpy(out, q + 1, e - q - 1);
	out[e - q - 1] = '\0';
	return 0;
}

static int num_value(const char *p, uint64_t *v)
{
	const char *q = strchr(p, ':');
	char *end;

	if (!q)
		return -1;
	errno = 0;
	*v = strtoull(q + 1, &end, 10);
	return errno || end == q + 1 ? -1 : 0;
}

static int parse_manifest(const char *path, struct manifest *m)
{
	char *text = slurp(path), *line, *save = NULL;
	bool in_files = false;
	struct mfile *cur = NULL;

	memset(m, 0, sizeof(*m));
	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		while (*line == ' ')
			line++;
		if (!strncmp(line, "\"log_len\":", 10)) {
			if (num_value(line, &m->log_len))
				goto bad;
		} else if (!strncmp(line, "\"files\":", 8)) {
			in_files = true;
		} else if (!strncmp(line, "\"dirs\":", 7)) {
			in_files = false;
		} else if (in_files && !strncmp(line, "\"path\":", 7)) {
			struct mfile *nf = realloc(m->files, (m->nfiles + 1) * sizeof(*nf));

			if (!nf)
				goto bad;
			m->files = nf;
			cur = &m->files[m->nfiles++];
			memset(cur, 0, sizeof(*cur));
			cur->path[0] = '/';
			if (str_value(line, cur->path + 1, sizeof(cur->path) - 1))
				goto bad;
		} else if (in_files && cur && !strncmp(line, "\"size\":", 7)) {
			if (num_value(line, &cur->size))
				goto bad;
		} else if (in_files && cur && !strncmp(line, "\"sha256\":", 9)) {
			if (str_value(line, cur->sha, sizeof(cur->sha)) || strlen(cur->sha) != 64)
				goto bad;
		}
	}
	free(text);
	for (size_t i = 0; i < m->nfiles; i++)
		if (!m->files[i].size || !m->files[i].sha[0])
			return -1;
	return m->log_len ? 0 : -1;
bad:
	free(text);
	return -1;
}

static void hex(const uint8_t d[32], char out[65])
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* sha256 of [off, off + len) of the image, read directly */
static int image_sha(const char *img, uint64_t off, uint64_t len, char out[65])
{
	struct kmodel_sha256_ctx c;
	uint8_t *buf = malloc(MiB), d[32];
	int fd = open(img, O_RDONLY);
	int err = 0;

	if (fd < 0 || !buf) {
		err = -1;
		goto out;
	}
	kmodel_sha256_init(&c);
	while (len) {
		size_t n = len < MiB ? len : MiB;

		if (pread(fd, buf, n, off) != (ssize_t)n) {
			err = -1;
			goto out;
		}
		kmodel_sha256_update(&c, buf, n);
		off += n;
		len -= n;
	}
	kmodel_sha256_final(&c, d);
	hex(d, out);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

/* --- extracting a fixture --- */

static int run_tar(const char *archive, const char *dir)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execlp("tar", "tar", "-xSf", archive, "-C", dir, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* --- one fixture under one dialect --- */

struct dcase {
	const char *dialect;
	const char *mode;	/* -o iomap=MODE, or NULL */
	enum { PATH_CLASSIC, PATH_FMAP, PATH_IOMAP, PATH_FMAP_BPF, PATH_IOMAP_BPF } path;
	int daxdev_pulls;	/* fmap: GET_DAXDEV upcalls (V10 pulls, post-V10 is pushed) */
};

static const struct dcase dialects[] = {
	{ "stock", NULL, PATH_CLASSIC, 0 },
	{ "famfs-v10", NULL, PATH_FMAP, 1 },
	{ "famfs-post-v10", NULL, PATH_FMAP, 0 },
	{ "famfs-post-v10-simple", NULL, PATH_FMAP, 0 },
	{ "iomap-v7", NULL, PATH_IOMAP, 0 },
	/* -o iomap=MODE reaches the library through famfs-fuse's parser */
	{ "famfs-v10", "classic", PATH_CLASSIC, 0 },
	{ "iomap-v7", "fmap", PATH_CLASSIC, 0 },
	/* BPF inside fmap and iomap: the model runs the library's real bytecode */
	{ "famfs-gp-bpf", NULL, PATH_FMAP_BPF, 0 },
	{ "iomap-v7-bpf", NULL, PATH_IOMAP_BPF, 0 },
};

static const char *famfs_fuse;

/* Read @path through an open file (OPEN once), 1 MiB at a time. */
static int read_sha(struct kmodel *km, const char *path, uint64_t size, char out[65])
{
	struct kmodel_sha256_ctx c;
	struct kmodel_file *f;
	uint8_t *buf = malloc(MiB), d[32];
	uint64_t off = 0;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	f = kmodel_open(km, path, false, &err);
	if (!f) {
		free(buf);
		return err ? err : -EIO;
	}
	kmodel_sha256_init(&c);
	for (;;) {
		ssize_t n = kmodel_pread(f, off, MiB, buf);

		if (n < 0) {
			err = (int)n;
			break;
		}
		if (n == 0)
			break;
		kmodel_sha256_update(&c, buf, n);
		off += n;
		if (off > size)
			break;
	}
	kmodel_close(f);
	free(buf);
	if (err)
		return err;
	if (off != size)
		return -EMSGSIZE;
	kmodel_sha256_final(&c, d);
	hex(d, out);
	return 0;
}

/*
 * The policy famfs-fuse keeps on every path: writing the same bytes back
 * inside a file works; a write at the end of the file fails (famfs files
 * never grow) and the size stays; .meta/.superblock is never writable.
 */
static void check_policy(struct kmodel *km, const char *tag, const struct mfile *mf,
			 bool classic, bool iomap)
{
	uint8_t buf[4096];
	size_t n;
	struct kmodel_file *f;
	uint64_t size = 0, end;
	uint32_t mode = 0;
	ssize_t r;
	int err = 0;

	f = kmodel_open(km, "/.meta/.superblock", true, &err);
	CHECK(!f && err == -EACCES, "%s: write open of .meta/.superblock: %d", tag, err);
	if (f)
		kmodel_close(f);
	/* famfs-fuse runs with -o client: the log is the master's to write */
	f = kmodel_open(km, "/.meta/.log", true, &err);
	CHECK(!f && err == -EACCES, "%s: client write open of .meta/.log: %d", tag, err);
	if (f)
		kmodel_close(f);
	if (!mf)
		return;
	n = mf->size < sizeof(buf) ? mf->size : sizeof(buf);
	r = kmodel_read(km, mf->path, 0, n, buf);
	CHECK(r == (ssize_t)n, "%s: %s: read %zd", tag, mf->path, r);
	f = kmodel_open(km, mf->path, true, &err);
	CHECK(f, "%s: %s: write open: %d (%s)", tag, mf->path, err, kmodel_last_error(km));
	if (!f)
		return;
	r = kmodel_pwrite(f, 0, n, buf);
	CHECK(r == (ssize_t)n, "%s: %s: same-bytes write: %zd (%s)", tag, mf->path, r,
	      kmodel_last_error(km));
	/*
	 * Past the end: the library's classic engine says EFBIG at the end
	 * already. On fmap and iomap the kernel writes through the mapping
	 * without asking; the model's famfs kernel writes nothing past EOF
	 * (returns 0), and on iomap a block past the file's last one is
	 * refused at IOEND (EFBIG). Inside the last block an iomap kernel
	 * may extend its own i_size: kernel policy, not the server's.
	 */
	end = (mf->size + 4095) / 4096 * 4096;
	if (classic) {
		r = kmodel_pwrite(f, mf->size, 1, buf);
		CHECK(r == -EFBIG, "%s: %s: a write at the end: %zd, want -EFBIG", tag,
		      mf->path, r);
	}
	r = kmodel_pwrite(f, end, 1, buf);
	CHECK(classic || iomap ? r == -EFBIG : r <= 0,
	      "%s: %s: a write past the last block: %zd", tag, mf->path, r);
	kmodel_close(f);
	CHECK(kmodel_stat(km, mf->path, &size, &mode) == 0 && size == mf->size,
	      "%s: %s: size %llu after the writes, want %llu", tag, mf->path,
	      (unsigned long long)size, (unsigned long long)mf->size);
}

static void run_one(const char *name, const char *img, const struct manifest *m,
		    const char *sb_sha, const char *log_sha, const struct dcase *dc)
{
	const struct fuse_dialect *d = fuse_dialect_by_name(dc->dialect);
	char tag[128], mode[32];
	char *argv[10];
	struct kmodel_opts o;
	struct kmodel *km;
	uint64_t opened = 0, reads, fmaps, begins;
	size_t i;
	int n = 0;

	snprintf(tag, sizeof(tag), "%s x %s%s%s", name, dc->dialect,
		 dc->mode ? " -o iomap=" : "", dc->mode ? dc->mode : "");
	if (!d) {
		CHECK(0, "%s: no such dialect", tag);
		return;
	}
	kmodel_opts_init(&o, d);
	o.timeout_ms = 20000;
	argv[n++] = (char *)famfs_fuse;
	argv[n++] = "-f";
	argv[n++] = "-o";
	argv[n++] = "client,refresh_ms=0";
	if (dc->mode) {
		snprintf(mode, sizeof(mode), "iomap=%s", dc->mode);
		argv[n++] = "-o";
		argv[n++] = mode;
	}
	argv[n++] = (char *)img;
	argv[n++] = "{}";
	argv[n] = NULL;
	km = kmodel_start(&o, argv);
	CHECK(km, "%s: the model did not start famfs-fuse", tag);
	if (!km)
		return;

	for (i = 0; i < m->nfiles + 2; i++) {
		const char *path = i == 0 ? "/.meta/.superblock" :
				   i == 1 ? "/.meta/.log" : m->files[i - 2].path;
		uint64_t size = i == 0 ? SB_SIZE : i == 1 ? m->log_len : m->files[i - 2].size;
		const char *want = i == 0 ? sb_sha : i == 1 ? log_sha : m->files[i - 2].sha;
		char got[65] = "";
		int err = read_sha(km, path, size, got);

		opened++;
		CHECK(err == 0, "%s: %s: read: %s (%s)", tag, path, strerror(-err),
		      kmodel_last_error(km));
		CHECK(err || strcmp(got, want) == 0, "%s: %s: sha256 %s, manifest %s", tag,
		      path, got, want);
	}

	reads = kmodel_count(km, FUSE_READ);
	fmaps = kmodel_count(km, FUSE_GET_FMAP);
	begins = kmodel_count(km, FUSE_IOMAP_BEGIN);
	switch (dc->path) {
	case PATH_CLASSIC:
		CHECK(!kmodel_famfs_on(km) && !kmodel_iomap_on(km), "%s: an extension is on", tag);
		CHECK(reads > 0, "%s: no READ upcalls on the classic path", tag);
		CHECK(fmaps == 0 && begins == 0, "%s: GET_FMAP %llu, IOMAP_BEGIN %llu", tag,
		      (unsigned long long)fmaps, (unsigned long long)begins);
		break;
	case PATH_FMAP:
		CHECK(kmodel_famfs_on(km), "%s: famfs not negotiated", tag);
		CHECK(reads == 0, "%s: %llu READ upcalls on the fmap path", tag,
		      (unsigned long long)reads);
		CHECK(fmaps == opened, "%s: GET_FMAP %llu for %llu opened files", tag,
		      (unsigned long long)fmaps, (unsigned long long)opened);
		CHECK(kmodel_daxdev_count(km) == 1, "%s: %u daxdevs", tag,
		      kmodel_daxdev_count(km));
		CHECK(kmodel_count(km, FUSE_GET_DAXDEV) == (uint64_t)dc->daxdev_pulls,
		      "%s: GET_DAXDEV %llu, want %d", tag,
		      (unsigned long long)kmodel_count(km, FUSE_GET_DAXDEV), dc->daxdev_pulls);
		break;
	case PATH_FMAP_BPF:
	case PATH_IOMAP_BPF:
		/*
		 * Without BPF in the build (or without the right to load it) the
		 * library falls back: gp-bpf to classic, iomap-bpf to upcalls.
		 */
		if (kmodel_count_bpf(km) == 0 && opened) {
			printf("%-45s note: no BPF program ran (fallback)\n", tag);
			CHECK(dc->path == PATH_FMAP_BPF ? reads > 0 : reads == 0,
			      "%s: the fallback did not serve the data", tag);
			break;
		}
		CHECK(reads == 0 && fmaps == 0, "%s: READ %llu, GET_FMAP %llu with BPF", tag,
		      (unsigned long long)reads, (unsigned long long)fmaps);
		CHECK(kmodel_count_bpf_fallback(km) == 0, "%s: %llu BPF fallbacks", tag,
		      (unsigned long long)kmodel_count_bpf_fallback(km));
		break;
	case PATH_IOMAP:
		CHECK(kmodel_iomap_on(km), "%s: iomap not negotiated", tag);
		CHECK(reads == 0, "%s: %llu READ upcalls on the iomap path", tag,
		      (unsigned long long)reads);
		CHECK(fmaps == 0, "%s: GET_FMAP on the iomap path", tag);
		CHECK(kmodel_backing_count(km) == 1, "%s: %u backing devices", tag,
		      kmodel_backing_count(km));
		break;
	}
	printf("%-45s %2llu files ok: READ %llu, GET_FMAP %llu, GET_DAXDEV %llu, "
	       "IOMAP_BEGIN %llu, total %llu\n", tag, (unsigned long long)opened,
	       (unsigned long long)reads, (unsigned long long)fmaps,
	       (unsigned long long)kmodel_count(km, FUSE_GET_DAXDEV),
	       (unsigned long long)begins, (unsigned long long)kmodel_count_total(km));

	check_policy(km, tag, m->nfiles ? &m->files[0] : NULL,
		     dc->path == PATH_CLASSIC ||
		     (dc->path == PATH_FMAP_BPF && kmodel_count_bpf(km) == 0),
		     dc->path == PATH_IOMAP || dc->path == PATH_IOMAP_BPF);
	if (failures)
		kmodel_print_stats(km, stderr);
	kmodel_stop(km);
}

static const char *const fixtures[] = { "a1-empty", "a2-tree", "a3-interleaved" };

int main(int argc, char *argv[])
{
	char scratch[] = "/tmp/famfs_paths.XXXXXX";
	const char *dir;
	char path[4096];
	size_t i, k;

	if (argc != 3) {
		fprintf(stderr, "usage: %s FAMFS_FUSE FIXTURES_DIR\n", argv[0]);
		return 2;
	}
	famfs_fuse = argv[1];
	dir = getenv("FAMFS_FIXTURES") ? getenv("FAMFS_FIXTURES") : argv[2];
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s.tar.xz", dir, fixtures[i]);
		if (access(path, R_OK))
			skip("no famfs fixtures (%s missing)", path);
	}
	if (access(famfs_fuse, X_OK))
		skip("no famfs-fuse binary at %s", famfs_fuse);
	if (!mkdtemp(scratch)) {
		perror("mkdtemp");
		return 1;
	}

	for (i = 0; i < 3; i++) {
		char img[4096], sb_sha[65], log_sha[65];
		struct manifest m;
		bool bad;
		int rc;

		snprintf(path, sizeof(path), "%s/%s.manifest.json", dir, fixtures[i]);
		bad = parse_manifest(path, &m) != 0;
		CHECK(!bad, "%s: cannot parse", path);
		snprintf(path, sizeof(path), "%s/%s.tar.xz", dir, fixtures[i]);
		rc = run_tar(path, scratch);
		if (rc == 127) {
			rmdir(scratch);
			skip("no tar to extract %s", path);
		}
		CHECK(rc == 0, "tar -xSf %s: exit %d", path, rc);
		snprintf(img, sizeof(img), "%s/%s.img", scratch, fixtures[i]);
		if (rc || bad) {
			unlink(img);
			free(m.files);
			continue;
		}
		CHECK(image_sha(img, 0, SB_SIZE, sb_sha) == 0 &&
		      image_sha(img, SB_SIZE, m.log_len, log_sha) == 0,
		      "%s: cannot read the image", img);
		for (k = 0; k < sizeof(dialects) / sizeof(dialects[0]); k++)
			run_one(fixtures[i], img, &m, sb_sha, log_sha, &dialects[k]);
		unlink(img);	/* a3 is 16 GiB apparent: one image at a time */
		free(m.files);
	}
	rmdir(scratch);
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("PASS\n");
	return 0;
}
