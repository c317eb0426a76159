// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_opt.c - libFuzzer target for the option parsers: fuse_opt_parse()
 * with a template set covering every kind of template, the mount option
 * parser (fuse_mount_opts_parse) and the conn_info option parser.  The
 * input is split at NUL bytes into an argument vector.
 *
 * Built with -Dfuzz=true (clang).  Without FUZZING_ENGINE the same entry
 * point is run by a small main over a few built-in inputs (suite 'unit').
 */
#define FUSE_USE_VERSION 318
#include <fuse_lowlevel.h>
#include "mount_i.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct data {
	unsigned int u;
	unsigned long lu;
	unsigned int x;
	int flag;
	int port;
	char *s;
};

#define OPT(t, f, v) { t, offsetof(struct data, f), v }

static const struct fuse_opt templates[] = {
	OPT("u=%u", u, 0), OPT("lu=%lu", lu, 0), OPT("x=%x", x, 0),
	OPT("flag", flag, 1), OPT("pre=", flag, 2), OPT("s=%s", s, 0),
	OPT("-p %u", port, 0), OPT("-q ", flag, 3),
	FUSE_OPT_KEY("k", 1), FUSE_OPT_KEY("keep", FUSE_OPT_KEY_KEEP),
	FUSE_OPT_KEY("drop", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_END
};

static int proc(void *data, const char *arg, int key, struct fuse_args *out)
{
	(void)data;
	if (key == 1)
		return fuse_opt_add_arg(out, arg) == -1 ? -1 : 0;
	return arg[0] == 'z' ? 0 : 1;
}

static void quiet(enum fuse_log_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
}

/* Split @data at NULs into a fresh argument list (argv[0] = "fuzz"). */
static struct fuse_args make_args(const uint8_t *data, size_t size)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	char *buf = malloc(size + 1);
	size_t start = 0, i;

	if (!buf)
		return args;
	memcpy(buf, data, size);
	buf[size] = '\0';
	fuse_opt_add_arg(&args, "fuzz");
	for (i = 0; i <= size && args.argc < 64; i++) {
		if (i == size || buf[i] == '\0') {
			fuse_opt_add_arg(&args, buf + start);
			start = i + 1;
		}
	}
	free(buf);
	return args;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuse_args args;
	struct fuse_conn_info_opts *co;
	struct mount_opts *mo;
	struct data d = { 0 };

	fuse_set_log_func(quiet);

	args = make_args(data, size);
	fuse_opt_parse(&args, &d, templates, proc);
	free(d.s);
	fuse_opt_free_args(&args);

	args = make_args(data, size);
	mo = fuse_mount_opts_parse(&args);
	fuse_mount_opts_free(mo);
	fuse_opt_free_args(&args);

	args = make_args(data, size);
	co = fuse_parse_conn_info_opts(&args);
	free(co);
	fuse_opt_free_args(&args);
	return 0;
}

#ifndef FUZZING_ENGINE
#define INPUT(s) { s, sizeof(s) - 1 }

int main(void)
{
	static const struct {
		const char *p;
		size_t n;
	} inputs[] = {
		INPUT("-o\0u=1,lu=2,x=ff,flag,pre=q,s=a\\,b\0-p\0" "9"),
		INPUT("-ofsname=a\\054b,subtype=x,allow_other,ro,max_read=7\0mnt"),
		INPUT("-omax_write=9,readdirplus=auto,no_splice_read\0--\0-o"),
		INPUT("-q\0-o\0-p"),
		INPUT("-o\\\0\\\\\0k\0keep\0drop\0zz"),
		INPUT(""),
	};
	size_t i;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
		LLVMFuzzerTestOneInput((const uint8_t *)inputs[i].p,
				       inputs[i].n);
	return 0;
}
#endif
