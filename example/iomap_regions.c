/*
 * iomap_regions: the smallest mapped-I/O server. It exports regions of a
 * device or image file as files, and has no read or write code of its own:
 * it hands each file's layout to fuse_iomap, and the library serves the data
 * by whichever path the kernel offers (famfs fmap, iomap, or classic).
 *
 *   iomap_regions [-f] [-d] [-o iomap=MODE] [--dax] [--no-upload] \
 *       [--frag N] --file NAME:OFFSET:LENGTH[:SIZE] ... \
 *       --stripe NAME:CHUNK:SIZE:BASE0,BASE1,... ... \
 *       IMAGE MOUNTPOINT
 *
 * OFFSET, LENGTH, CHUNK, SIZE and BASEs are bytes (suffixes K, M, G).
 * --dax says IMAGE is DAX memory (famfs-style, 2 MiB alignment); otherwise
 * it is a block device, or a regular file standing in for one.
 */
#define FUSE_USE_VERSION 318

#include <fuse_lowlevel.h>
#include <fuse_iomap.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILES	64
#define ROOT_INO	1

struct region_file {
	char name[64];
	uint64_t size;
	struct fuse_iomap_extent ext;		/* simple file: one extent */
	uint32_t frags;				/* > 1: ext cut into this many pieces */
	uint32_t nstrips;			/* striped file: > 0 */
	uint32_t chunk;
	struct fuse_iomap_strip strips[FUSE_IOMAP_MAX_STRIPS];
};

static struct region_file files[MAX_FILES];
static unsigned int nfiles;
static uint32_t next_frags = 1;

/*
 * --frag N: the region is handed over as N extents, pairs of neighbours
 * swapped on the device so that no two consecutive extents are contiguous
 * (a worst case for mapping caches and lookups; benchmarks use it).
 */
static int set_fragmented(struct fuse_iomap *im, fuse_ino_t ino, const struct region_file *f)
{
	uint64_t piece = f->ext.length / f->frags;
	struct fuse_iomap_extent *ext;
	uint32_t i;
	int err;

	if (piece == 0 || piece % 4096 || f->ext.length % f->frags)
		return -EINVAL;
	ext = calloc(f->frags, sizeof(*ext));
	if (!ext)
		return -ENOMEM;
	for (i = 0; i < f->frags; i++) {
		uint32_t slot = (i ^ 1) < f->frags ? (i ^ 1) : i;

		ext[i] = f->ext;
		ext[i].offset = (uint64_t)i * piece;
		ext[i].length = piece;
		ext[i].dev_offset = f->ext.dev_offset + (uint64_t)slot * piece;
	}
	err = fuse_iomap_set_extents(im, ino, f->size, ext, f->frags);
	free(ext);
	return err;
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'K': v <<= 10; end++; break;
	case 'M': v <<= 20; end++; break;
	case 'G': v <<= 30; end++; break;
	default: break;
	}
	if (*end && *end != ':' && *end != ',')
		return -1;
	*out = v;
	return 0;
}

/* NAME:OFFSET:LENGTH[:SIZE] */
static int add_file(const char *spec)
{
	struct region_file *f = &files[nfiles];
	const char *p = strchr(spec, ':');
	uint64_t off, len, size;

	if (nfiles == MAX_FILES || !p || (size_t)(p - spec) >= sizeof(f->name) || p == spec)
		return -1;
	memcpy(f->name, spec, p - spec);
	if (parse_size(p + 1, &off) || !(p = strchr(p + 1, ':')) || parse_size(p + 1, &len))
		return -1;
	size = len;
	p = strchr(p + 1, ':');
	if (p && parse_size(p + 1, &size))
		return -1;
	if (size > len || len == 0)
		return -1;
	f->size = size;
	f->ext.offset = 0;
	f->ext.length = len;
	f->ext.dev_offset = off;
	f->ext.type = FUSE_IOMAP_EXT_MAPPED;
	f->frags = next_frags;
	nfiles++;
	return 0;
}

/* NAME:CHUNK:SIZE:BASE0,BASE1,... */
static int add_stripe(const char *spec)
{
	struct region_file *f = &files[nfiles];
	const char *p = strchr(spec, ':');
	uint64_t chunk, size, base;

	if (nfiles == MAX_FILES || !p || (size_t)(p - spec) >= sizeof(f->name) || p == spec)
		return -1;
	memcpy(f->name, spec, p - spec);
	if (parse_size(p + 1, &chunk) || chunk == 0 || chunk > UINT32_MAX ||
	    !(p = strchr(p + 1, ':')) || parse_size(p + 1, &size) || !(p = strchr(p + 1, ':')))
		return -1;
	f->chunk = (uint32_t)chunk;
	f->size = size;
	do {
		if (f->nstrips == FUSE_IOMAP_MAX_STRIPS || parse_size(p + 1, &base))
			return -1;
		f->strips[f->nstrips++].base = base;
	} while ((p = strchr(p + 1, ',')));
	nfiles++;
	return 0;
}

static void file_stat(fuse_ino_t ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	if (ino == ROOT_INO) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return;
	}
	st->st_mode = S_IFREG | 0644;
	st->st_nlink = 1;
	st->st_size = files[ino - 2].size;
	st->st_blksize = 4096;
	st->st_blocks = (st->st_size + 511) / 512;
}

static void rg_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e = { 0 };
	unsigned int i;

	if (parent != ROOT_INO) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	for (i = 0; i < nfiles; i++) {
		if (strcmp(files[i].name, name) == 0) {
			e.ino = i + 2;
			e.attr_timeout = 1.0;
			e.entry_timeout = 1.0;
			file_stat(e.ino, &e.attr);
			fuse_reply_entry(req, &e);
			return;
		}
	}
	fuse_reply_err(req, ENOENT);
}

static void rg_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct stat st;

	(void)fi;
	if (ino != ROOT_INO && (ino < 2 || ino >= nfiles + 2)) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	file_stat(ino, &st);
	fuse_reply_attr(req, &st, 1.0);
}

static void rg_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	char buf[4096];
	size_t used = 0;
	off_t i;

	(void)fi;
	if (ino != ROOT_INO) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	if (size > sizeof(buf))
		size = sizeof(buf);
	/* offsets: 1 = ".", 2 = "..", 3.. = files */
	for (i = off; i < (off_t)nfiles + 2; i++) {
		struct stat st = { 0 };
		const char *name = i == 0 ? "." : i == 1 ? ".." : files[i - 2].name;
		size_t n;

		st.st_ino = i < 2 ? ROOT_INO : (fuse_ino_t)i;
		st.st_mode = i < 2 ? S_IFDIR : S_IFREG;
		n = fuse_add_direntry(req, buf + used, size - used, name, &st, i + 1);
		if (n > size - used)
			break;
		used += n;
	}
	fuse_reply_buf(req, buf, used);
}

static void rg_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	if (ino == ROOT_INO) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	fuse_reply_open(req, fi);
}

static const struct fuse_lowlevel_ops rg_ops = {
	.lookup = rg_lookup,
	.getattr = rg_getattr,
	.readdir = rg_readdir,
	.open = rg_open,
	/* no read, no write: fuse_iomap serves the data */
};

static void usage(const char *prog)
{
	printf("usage: %s [options] --file NAME:OFFSET:LENGTH[:SIZE] ... IMAGE MOUNTPOINT\n"
	       "    --file NAME:OFFSET:LENGTH[:SIZE]   a file of one extent\n"
	       "    --stripe NAME:CHUNK:SIZE:B0,B1,..  a file striped over bases B0.. of IMAGE\n"
	       "    --dax                              IMAGE is DAX memory (2 MiB units)\n"
	       "    --no-upload                        iomap: do not upload mappings at open\n"
	       "    --frag N                           next --file: N extents, not contiguous\n"
	       "    -o iomap=auto|fmap|iomap|bpf|classic\n", prog);
	fuse_cmdline_help();
	fuse_lowlevel_help();
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fuse_iomap_params params = { 0 };
	struct fuse_cmdline_opts opts;
	struct fuse_session *se = NULL;
	struct fuse_iomap *im = NULL;
	struct fuse_iomap_device dev = { 0 };
	const char *image = NULL;
	bool dax = false, upload = true;
	uint32_t devid;
	struct stat st;
	int i, fd, ret = 1;

	/* our own arguments first; the rest goes to libfuse */
	fuse_opt_add_arg(&args, argv[0]);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--file") == 0 && i + 1 < argc) {
			if (add_file(argv[++i])) {
				fprintf(stderr, "%s: bad --file '%s'\n", argv[0], argv[i]);
				return 1;
			}
		} else if (strcmp(argv[i], "--stripe") == 0 && i + 1 < argc) {
			if (add_stripe(argv[++i])) {
				fprintf(stderr, "%s: bad --stripe '%s'\n", argv[0], argv[i]);
				return 1;
			}
		} else if (strcmp(argv[i], "--dax") == 0) {
			dax = true;
		} else if (strcmp(argv[i], "--no-upload") == 0) {
			upload = false;
		} else if (strcmp(argv[i], "--frag") == 0 && i + 1 < argc) {
			next_frags = (uint32_t)strtoul(argv[++i], NULL, 0);
			if (next_frags == 0) {
				fprintf(stderr, "%s: bad --frag '%s'\n", argv[0], argv[i]);
				return 1;
			}
		} else if (!image && argv[i][0] != '-' && i + 1 < argc &&
			   (i == 1 || strcmp(argv[i - 1], "-o") != 0)) {
			image = argv[i];
		} else {
			fuse_opt_add_arg(&args, argv[i]);
		}
	}
	if (fuse_iomap_parse_opts(&args, &params) || fuse_parse_cmdline(&args, &opts))
		return 1;
	if (opts.show_help || !image || !opts.mountpoint) {
		usage(argv[0]);
		return opts.show_help ? 0 : 1;
	}

	fd = open(image, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], image, strerror(errno));
		return 1;
	}
	params.serves = dax ? FUSE_IOMAP_SERVES_DAX : FUSE_IOMAP_SERVES_BLOCK;
	params.upload_at_open = upload;

	se = fuse_session_new(&args, &rg_ops, sizeof(rg_ops), NULL);
	if (!se)
		goto out;
	im = fuse_iomap_new(se, &params, NULL, 0, NULL);
	if (!im)
		goto out;
	dev.fd = fd;
	dev.kind = dax ? FUSE_IOMAP_DEV_DAX :
		   S_ISBLK(st.st_mode) ? FUSE_IOMAP_DEV_BLOCK : FUSE_IOMAP_DEV_FILE;
	dev.path = image;
	if (fuse_iomap_add_device(im, &dev, &devid))
		goto out;
	for (i = 0; i < (int)nfiles; i++) {
		struct region_file *f = &files[i];
		int err;

		if (f->nstrips) {
			struct fuse_iomap_interleave il = {
				.nstrips = f->nstrips, .chunk = f->chunk,
				.size = f->size, .strips = f->strips,
			};
			uint32_t s;

			for (s = 0; s < f->nstrips; s++)
				f->strips[s].dev = devid;
			err = fuse_iomap_set_interleave(im, i + 2, &il);
		} else if (f->frags > 1) {
			f->ext.dev = devid;
			err = set_fragmented(im, i + 2, f);
		} else {
			f->ext.dev = devid;
			err = fuse_iomap_set_extents(im, i + 2, f->size, &f->ext, 1);
		}
		if (err) {
			fprintf(stderr, "%s: file %s: bad layout: %s\n", argv[0], f->name,
				strerror(-err));
			goto out;
		}
	}
	if (fuse_set_signal_handlers(se) != 0)
		goto out;
	if (fuse_session_mount(se, opts.mountpoint) != 0)
		goto out_signals;
	fuse_daemonize(opts.foreground);
	ret = fuse_session_loop(se) ? 1 : 0;
	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out:
	fuse_iomap_destroy(im);
	if (se)
		fuse_session_destroy(se);
	free(opts.mountpoint);
	fuse_opt_free_args(&args);
	close(fd);
	return ret;
}
