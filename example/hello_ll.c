// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hello_ll: the smallest useful lowlevel server.
 *
 * The file system has a root directory with one read-only file, "hello"
 * (or the name given with --name=), whose content is "Hello World!\n"
 * (or the string given with --contents=).
 *
 *   hello_ll [--name=NAME] [--contents=TEXT] [fuse options] <mountpoint>
 */
#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 318
#endif

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <fuse_lowlevel.h>

#include "ll_run.h"

#define HELLO_INO 2

static struct hello_opts {
	const char *name;
	const char *contents;
} hello;

static void hello_stat(fuse_ino_t ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	if (ino == FUSE_ROOT_ID) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	} else {
		st->st_mode = S_IFREG | 0444;
		st->st_nlink = 1;
		st->st_size = strlen(hello.contents);
	}
}

static int hello_valid_ino(fuse_ino_t ino)
{
	return ino == FUSE_ROOT_ID || ino == HELLO_INO;
}

static void hello_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;

	if (parent != FUSE_ROOT_ID) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	if (strcmp(name, hello.name) != 0) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.ino = HELLO_INO;
	e.attr_timeout = 1.0;
	e.entry_timeout = 1.0;
	hello_stat(HELLO_INO, &e.attr);
	fuse_reply_entry(req, &e);
}

static void hello_getattr(fuse_req_t req, fuse_ino_t ino,
			  struct fuse_file_info *fi)
{
	struct stat st;

	if (!hello_valid_ino(ino)) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	hello_stat(ino, &st);
	fuse_reply_attr(req, &st, 1.0);
}

/* Add one entry to buf if it fits; returns the new length or 0 when full. */
static size_t hello_dirent(fuse_req_t req, char *buf, size_t len, size_t size,
			   const char *name, fuse_ino_t ino, off_t next)
{
	struct stat st = { .st_ino = ino };
	size_t need;

	st.st_mode = ino == FUSE_ROOT_ID ? S_IFDIR : S_IFREG;
	need = fuse_add_direntry(req, buf + len, size - len, name, &st, next);
	if (need > size - len)
		return 0;
	return len + need;
}

static void hello_readdir(fuse_req_t req, fuse_ino_t ino, size_t size,
			  off_t off, struct fuse_file_info *fi)
{
	const char *names[] = { ".", "..", hello.name };
	const fuse_ino_t inos[] = { FUSE_ROOT_ID, FUSE_ROOT_ID, HELLO_INO };
	size_t len = 0;
	char *buf;
	off_t i;

	if (ino != FUSE_ROOT_ID) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	buf = calloc(1, size ? size : 1);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/* off is the index of the next entry to return. */
	for (i = off < 0 ? 3 : off; i < 3; i++) {
		size_t next = hello_dirent(req, buf, len, size, names[i],
					   inos[i], i + 1);
		if (!next)
			break;
		len = next;
	}
	fuse_reply_buf(req, buf, len);
	free(buf);
}

static void hello_open(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	if (ino == FUSE_ROOT_ID)
		fuse_reply_err(req, EISDIR);
	else if (ino != HELLO_INO)
		fuse_reply_err(req, ENOENT);
	else if ((fi->flags & O_ACCMODE) != O_RDONLY)
		fuse_reply_err(req, EACCES);
	else
		fuse_reply_open(req, fi);
}

static void hello_read(fuse_req_t req, fuse_ino_t ino, size_t size,
		       off_t off, struct fuse_file_info *fi)
{
	size_t len = strlen(hello.contents);

	if (ino != HELLO_INO) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	if (off < 0 || (size_t)off >= len) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	if (size > len - off)
		size = len - off;
	fuse_reply_buf(req, hello.contents + off, size);
}

static const struct fuse_lowlevel_ops hello_ops = {
	.lookup = hello_lookup,
	.getattr = hello_getattr,
	.readdir = hello_readdir,
	.open = hello_open,
	.read = hello_read,
};

#define HELLO_OPT(t, p) { t, offsetof(struct hello_opts, p), 1 }
static const struct fuse_opt hello_opt_spec[] = {
	HELLO_OPT("--name=%s", name),
	HELLO_OPT("--contents=%s", contents),
	FUSE_OPT_END
};

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);

	/* fuse_opt_parse() frees a %s option's old value: no literals. */
	if (fuse_opt_parse(&args, &hello, hello_opt_spec, NULL) == -1)
		return 1;
	if (!hello.name)
		hello.name = "hello";
	if (!hello.contents)
		hello.contents = "Hello World!\n";
	if (!*hello.name || strchr(hello.name, '/') ||
	    !strcmp(hello.name, ".") || !strcmp(hello.name, "..")) {
		fprintf(stderr, "hello_ll: invalid --name\n");
		return 1;
	}
	return ll_run(&args,
		      "usage: hello_ll [--name=NAME] [--contents=TEXT] [options] <mountpoint>",
		      &hello_ops, sizeof(hello_ops), NULL, NULL, NULL);
}
