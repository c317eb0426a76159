/*
 * kmodel: run a FUSE server against the kernel model of one dialect.
 *
 *   kmodel [options] cat PATH -- ./server args...
 *   kmodel [options] sha256 PATH -- ./server args...
 *   kmodel [options] stat PATH -- ./server args...
 *   kmodel [options] fiemap PATH -- ./server args...
 *   kmodel [options] write PATH OFFSET -- ./server args...   (data from stdin)
 *   kmodel [options] ls DIR -- ./server args...
 *   kmodel [options] sums DIR -- ./server args...   (sha256 of every file below)
 *   kmodel dialects
 *
 * The server gets "/dev/fd/N" as its mountpoint: in place of an argument
 * "{}", else appended.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmodel.h"

static void usage(FILE *f)
{
	const char *const *n;

	fprintf(f,
		"usage: kmodel [options] CMD PATH [ARG] -- SERVER [ARGS...]\n"
		"commands: cat, sha256, stat, fiemap, ls, sums (sha256 of every file\n"
		"          below a directory), write PATH OFFSET (stdin), dialects\n"
		"options:\n"
		"  -d, --dialect NAME     kernel to model (default stock)\n"
		"  --no-offer             the kernel offers no extension bit\n"
		"  --no-rawio             no CAP_SYS_RAWIO / enable_iomap (ADD_IOMAP -> EPERM)\n"
		"  --strict-devices       only real block / DAX character devices\n"
		"  --no-bpf-btf           BPF dialects: the kernel BTF lacks the struct_ops type\n"
		"  --stats                print round trips per opcode to stderr\n"
		"  -v, --verbose          trace every message\n"
		"dialects:");
	for (n = fuse_dialect_names(); *n; n++)
		fprintf(f, " %s", *n);
	fprintf(f, "\n");
}

static int print_map(void *ctx, uint64_t off, uint64_t len, uint16_t type,
		     uint64_t addr, uint32_t dev)
{
	(void)ctx;
	printf("%llu %llu type %u dev %u addr 0x%llx\n", (unsigned long long)off,
	       (unsigned long long)len, type, dev, (unsigned long long)addr);
	return 0;
}

static int print_entry(void *ctx, const char *name, uint32_t type,
		       uint64_t ino)
{
	(void)ctx;
	printf("%s\t%s\t%llu\n", name, type == 4 ? "dir" : type == 8 ? "file" :
	       type == 10 ? "link" : "other", (unsigned long long)ino);
	return 0;
}

struct walk {
	struct kmodel *km;
	char path[4096];
	int res;
};

static int walk_entry(void *ctx, const char *name, uint32_t type,
		      uint64_t ino);

/* sha256 of every regular file under w->path, depth first */
static int walk_dir(struct walk *w)
{
	return kmodel_readdir(w->km, w->path[0] ? w->path : "/", walk_entry, w);
}

static int walk_entry(void *ctx, const char *name, uint32_t type,
		      uint64_t ino)
{
	struct walk *w = ctx;
	size_t len = strlen(w->path);
	uint32_t mode = 0;
	uint64_t size;
	uint8_t d[32];
	int i, res;

	(void)type;
	(void)ino;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	if (len + strlen(name) + 2 > sizeof(w->path))
		return 0;
	snprintf(w->path + len, sizeof(w->path) - len, "/%s", name);
	res = kmodel_stat(w->km, w->path, &size, &mode);
	if (!res && S_ISDIR(mode)) {
		res = walk_dir(w);
	} else if (!res && S_ISREG(mode)) {
		res = kmodel_sha256(w->km, w->path, d);
		if (!res) {
			for (i = 0; i < 32; i++)
				printf("%02x", d[i]);
			printf("  %s\n", w->path + 1);
		}
	}
	if (res) {
		fprintf(stderr, "kmodel: %s: %s\n", w->path, strerror(-res));
		w->res = res;
	}
	w->path[len] = '\0';
	return 0;
}

static int run(struct kmodel *km, const char *cmd, const char *path,
	       const char *arg)
{
	if (strcmp(cmd, "ls") == 0)
		return kmodel_readdir(km, path, print_entry, NULL);
	if (strcmp(cmd, "sums") == 0) {
		struct walk w = { .km = km, .res = 0 };
		int res;

		snprintf(w.path, sizeof(w.path), "%s",
			 strcmp(path, "/") == 0 ? "" : path);
		res = walk_dir(&w);
		return res ? res : w.res;
	}
	if (strcmp(cmd, "cat") == 0) {
		static char buf[1 << 20];
		uint64_t off = 0;

		for (;;) {
			ssize_t n = kmodel_read(km, path, off, sizeof(buf), buf);

			if (n < 0)
				return (int)n;
			if (n == 0)
				return 0;
			if (fwrite(buf, 1, n, stdout) != (size_t)n)
				return -EIO;
			off += n;
		}
	}
	if (strcmp(cmd, "sha256") == 0) {
		uint8_t d[32];
		int i, res = kmodel_sha256(km, path, d);

		if (res)
			return res;
		for (i = 0; i < 32; i++)
			printf("%02x", d[i]);
		printf("  %s\n", path);
		return 0;
	}
	if (strcmp(cmd, "stat") == 0) {
		uint64_t size;
		uint32_t mode;
		int res = kmodel_stat(km, path, &size, &mode);

		if (res)
			return res;
		printf("size %llu mode 0%o\n", (unsigned long long)size, mode);
		return 0;
	}
	if (strcmp(cmd, "fiemap") == 0)
		return kmodel_fiemap(km, path, print_map, NULL);
	if (strcmp(cmd, "write") == 0) {
		static char buf[1 << 20];
		uint64_t off = arg ? strtoull(arg, NULL, 0) : 0;
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
			ssize_t w = kmodel_write(km, path, off, n, buf);

			if (w < 0)
				return (int)w;
			if ((size_t)w != n)
				return -EIO;
			off += n;
		}
		return 0;
	}
	return -EINVAL;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dialect", required_argument, NULL, 'd' },
		{ "no-offer", no_argument, NULL, 'O' },
		{ "no-rawio", no_argument, NULL, 'R' },
		{ "strict-devices", no_argument, NULL, 'S' },
		{ "no-bpf-btf", no_argument, NULL, 'B' },
		{ "stats", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct fuse_dialect *d = fuse_dialect_get(FUSE_DIALECT_STOCK);
	struct kmodel_opts o;
	bool stats = false, noffer = false, norawio = false, strict = false;
	bool verbose = false, nobtf = false;
	const char *cmd, *path, *arg = NULL;
	struct kmodel *km;
	int c, res, sep;

	while ((c = getopt_long(argc, argv, "+d:vh", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			d = fuse_dialect_by_name(optarg);
			if (!d) {
				fprintf(stderr, "kmodel: unknown dialect '%s'\n", optarg);
				usage(stderr);
				return 2;
			}
			break;
		case 'O': noffer = true; break;
		case 'R': norawio = true; break;
		case 'S': strict = true; break;
		case 'B': nobtf = true; break;
		case 's': stats = true; break;
		case 'v': verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc && strcmp(argv[optind], "dialects") == 0) {
		const char *const *n;

		for (n = fuse_dialect_names(); *n; n++) {
			const struct fuse_dialect *x = fuse_dialect_by_name(*n);

			printf("%-22s minor %-3u path %-7s %s\n", x->name, x->minor,
			       fuse_dialect_path_name(x->path), x->series);
		}
		return 0;
	}
	for (sep = optind; sep < argc && strcmp(argv[sep], "--"); sep++)
		;
	if (sep - optind < 2 || sep + 1 >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	path = argv[optind + 1];
	if (sep - optind > 2)
		arg = argv[optind + 2];
	kmodel_opts_init(&o, d);
	o.offer_map_flag = !noffer;
	o.may_add_iomap = !norawio;
	o.famfs_rawio = !norawio;
	o.allow_file_devices = !strict;
	o.bpf_btf = !nobtf;
	o.verbose = verbose;
	km = kmodel_start(&o, argv + sep + 1);
	if (!km) {
		fprintf(stderr, "kmodel: cannot start the server: %s\n",
			strerror(errno));
		return 1;
	}
	res = run(km, cmd, path, arg);
	if (res)
		fprintf(stderr, "kmodel: %s %s: %s%s%s\n", cmd, path,
			strerror(-res), kmodel_last_error(km)[0] ? " -- " : "",
			kmodel_last_error(km));
	if (stats)
		kmodel_print_stats(km, stderr);
	kmodel_stop(km);
	return res ? 1 : 0;
}
