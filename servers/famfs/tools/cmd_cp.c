// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs cp [-r] [-m MODE] [-u UID] [-g GID] [-N -B -C] DEVICE SRC... DEST
 *
 * Like cp(1): with one source and a DEST that does not exist, DEST is the
 * new name; otherwise DEST must be a directory and sources go inside it.
 * Each file gets a famfs file of the same size (empty files are skipped, as
 * the reference does). Its bytes are written straight to the device at the
 * allocated offsets and flushed BEFORE its log entry is appended, so no
 * reader ever sees the file without its contents (the reference logs
 * first and copies after). Directories need -r and become logged mkdirs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "famfs_write.h"

struct cp_opts {
	bool recursive;
	bool have_mode;
	uint64_t mode, uid, gid;
};

struct copy_src {
	int fd;
	const char *path;
};

/* Copy the source into the new file's space and flush, before it is
 * logged (famfs_wsess_creat calls this). */
static int copy_data(struct famfs_dev *d, const struct famfs_layout *l,
		     void *ctx)
{
	static uint8_t buf[1 << 20];
	const struct copy_src *src = ctx;
	uint64_t off = 0;
	ssize_t r;
	int rc;

	while (off < l->size) {
		size_t want = l->size - off;

		if (want > sizeof(buf))
			want = sizeof(buf);
		r = pread(src->fd, buf, want, off);
		if (r < 0) {
			rc = -errno;
			cli_err("cp", "%s: read: %s", src->path, strerror(errno));
			return rc;
		}
		if (r == 0) {
			cli_err("cp", "%s: shrank while copying", src->path);
			return -EIO;
		}
		rc = famfs_file_write(d, l, off, buf, r);
		if (rc)
			return rc;
		off += r;
	}
	return famfs_file_sync(d, l);
}

static int copy_file(struct famfs_wsess *s, const struct cp_opts *o,
		     const char *src, const struct stat *st, const char *dst)
{
	char why[FAMFS_WHY_LEN];
	struct copy_src csrc;
	struct famfs_node *n;
	int fd, rc;

	if (st->st_size == 0) {
		fprintf(stderr, "famfs cp: %s: empty, skipped (famfs files cannot be empty)\n",
			src);
		return 0;
	}
	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_err("cp", "%s: %s", src, strerror(errno));
		return -1;
	}
	csrc.fd = fd;
	csrc.path = src;
	rc = famfs_wsess_creat(s, dst, st->st_size,
			       o->have_mode ? o->mode : (st->st_mode & 07777),
			       o->uid, o->gid, copy_data, &csrc, &n, why);
	close(fd);
	if (rc) {
		cli_err("cp", "%s", why);
		return rc == -ENOSPC ? -2 : -1;
	}
	return 0;
}

static int copy_any(struct famfs_wsess *s, const struct cp_opts *o,
		    const char *src, const char *dst);

static int copy_dir(struct famfs_wsess *s, const struct cp_opts *o,
		    const char *src, const struct stat *st, const char *dst)
{
	char why[FAMFS_WHY_LEN], csrc[4096], cdst[4096];
	struct dirent *de;
	int rc, ret = 0;
	DIR *d;

	if (!o->recursive) {
		cli_err("cp", "%s is a directory (use -r)", src);
		return -1;
	}
	rc = famfs_wsess_mkdir(s, dst, st->st_mode & 07777, o->uid, o->gid,
			       true, why);
	if (rc) {
		cli_err("cp", "%s", why);
		return rc == -ENOSPC ? -2 : -1;
	}
	d = opendir(src);
	if (!d) {
		cli_err("cp", "%s: %s", src, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(csrc, sizeof(csrc), "%s/%s", src, de->d_name);
		snprintf(cdst, sizeof(cdst), "%s/%s", dst, de->d_name);
		rc = copy_any(s, o, csrc, cdst);
		if (rc == -2) {
			ret = -2;	/* out of space or log: stop */
			break;
		}
		if (rc)
			ret = -1;
	}
	closedir(d);
	return ret;
}

static int copy_any(struct famfs_wsess *s, const struct cp_opts *o,
		    const char *src, const char *dst)
{
	struct stat st;

	if (stat(src, &st) < 0) {
		cli_err("cp", "%s: %s", src, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return copy_dir(s, o, src, &st, dst);
	if (S_ISREG(st.st_mode))
		return copy_file(s, o, src, &st, dst);
	cli_err("cp", "%s: not a regular file or directory, skipped", src);
	return -1;
}

int cmd_cp(int argc, char **argv)
{
	struct cp_opts o = { .uid = getuid(), .gid = getgid() };
	struct famfs_ialloc ia = { 0 };
	char why[FAMFS_WHY_LEN], dst[4096], tmp[4096];
	struct famfs_wsess s;
	struct famfs_node *dn;
	int c, i, rc, err, ret = 0, nsrc;
	const char *dest;

	optind = 1;
	while ((c = getopt(argc, argv, "rm:u:g:N:B:C:h")) != -1) {
		switch (c) {
		case 'r':
			o.recursive = true;
			break;
		case 'm':
			if (cli_parse_u64(optarg, &o.mode) || o.mode > 07777)
				return 2;
			o.have_mode = true;
			break;
		case 'u':
			if (cli_parse_u64(optarg, &o.uid) || o.uid > UINT32_MAX)
				return 2;
			break;
		case 'g':
			if (cli_parse_u64(optarg, &o.gid) || o.gid > UINT32_MAX)
				return 2;
			break;
		case 'N':
			if (cli_parse_u64(optarg, &ia.nstrips))
				return 2;
			break;
		case 'B':
			if (cli_parse_u64(optarg, &ia.nbuckets))
				return 2;
			break;
		case 'C':
			if (cli_parse_size(optarg, &ia.chunk))
				return 2;
			break;
		default:
			return 2;
		}
	}
	nsrc = argc - optind - 2;
	if (nsrc < 1)
		return 2;
	rc = famfs_wsess_open(&s, cli_device(argv[optind]), false, why);
	if (rc) {
		cli_err("cp", "%s", why);
		return 1;
	}
	s.alloc.ia = ia;
	dest = argv[argc - 1];
	dn = famfs_ns_resolve(&s.ns, dest, &err);
	if (nsrc > 1 && (!dn || !S_ISDIR(dn->mode))) {
		cli_err("cp", "%s: target is not a directory", dest);
		famfs_wsess_close(&s);
		return 1;
	}
	for (i = optind + 1; i < argc - 1; i++) {
		if (dn && S_ISDIR(dn->mode)) {
			snprintf(tmp, sizeof(tmp), "%s", argv[i]);
			snprintf(dst, sizeof(dst), "%s/%s", dest, basename(tmp));
		} else {
			snprintf(dst, sizeof(dst), "%s", dest);
		}
		rc = copy_any(&s, &o, argv[i], dst);
		if (rc)
			ret = 1;
		if (rc == -2)
			break;
	}
	famfs_wsess_close(&s);
	return ret;
}
