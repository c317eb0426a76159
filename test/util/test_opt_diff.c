// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_opt_diff.c - differential test of fuse_opt_parse(): random argument
 * lists are parsed by ours and by Debian's libfuse3 (loaded with dlopen,
 * its fuse_opt.c is the same as libfuse 3.18's), and the results must be
 * identical: return value, remaining arguments, stored values, and the
 * sequence of processing-function calls.  Skips (77) without libfuse3.
 *
 * Ours is compiled into this program (not exported: no -rdynamic), so
 * the loaded library's internal calls still bind to its own functions.
 */
#include <fuse_opt.h>
#include <fuse_log.h>

#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

struct data {
	unsigned int num;
	unsigned long lnum;
	unsigned int hex;
	int flag;
	int flag2;
	int isset;
	int port;
	char *str;
	char *calls;	/* "key:arg;" per processing-function call */
};

#define OPT(t, f, v) { t, offsetof(struct data, f), v }

static const struct fuse_opt templates[] = {
	OPT("num=%u", num, 0),
	OPT("lnum=%lu", lnum, 0),
	OPT("hex=%x", hex, 0),
	OPT("flag", flag, 7),
	OPT("both", flag, 1),
	OPT("both", flag2, 2),
	OPT("isset=", isset, 1),
	OPT("str=%s", str, 0),
	OPT("-p %u", port, 0),
	FUSE_OPT_KEY("-x", 100),
	FUSE_OPT_KEY("key", 101),
	FUSE_OPT_KEY("keep", FUSE_OPT_KEY_KEEP),
	FUSE_OPT_KEY("drop", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("-k ", 102),
	FUSE_OPT_END
};

typedef int (*parse_fn)(struct fuse_args *, void *, const struct fuse_opt *,
			fuse_opt_proc_t);
typedef void (*free_fn)(struct fuse_args *);
typedef void (*setlog_fn)(fuse_log_func_t);

static void quiet(enum fuse_log_level l, const char *f, va_list ap)
{
	(void)l;
	(void)f;
	(void)ap;
}

static void append(char **s, const char *a, int key)
{
	size_t old = *s ? strlen(*s) : 0;
	char *n = realloc(*s, old + strlen(a) + 24);

	if (!n)
		abort();
	sprintf(n + old, "%d:%s;", key, a);
	*s = n;
}

static int proc(void *data, const char *arg, int key, struct fuse_args *out)
{
	struct data *d = data;

	append(&d->calls, arg, key);
	if (strstr(arg, "fail"))
		return -1;
	if (arg[0] == 'd')
		return 0;
	if (key == 101)
		return fuse_opt_add_arg(out, "--from-proc") == -1 ? -1 : 0;
	return 1;
}

static const char *tokens[] = {
	"-o", "-o", "-o", "-oflag", "-onum=12", "-onum=x", "-ohex=1f",
	"-olnum=99999999999", "-ostr=a\\,b", "-ostr=\\054z\\\\", "-oboth,key",
	"-okeep,drop,dz,unk", "-oisset=q", "-ofail", "num=3,str=s,flag",
	"a,b\\,c,,d", "x\\", "--", "-p", "8080", "-p77", "-x", "-k", "kv",
	"-z", "mnt", "", "-", "-oo=1", "str=", "-k5", "--name", "both",
	"-o\\", "fail", "dee",
};

static void random_args(char **argv, int *argc, unsigned int *seed)
{
	int n = 1 + rand_r(seed) % 8, i;

	argv[0] = "prog";
	for (i = 1; i <= n; i++)
		argv[i] = (char *)tokens[rand_r(seed) %
					(sizeof(tokens) / sizeof(tokens[0]))];
	argv[i] = NULL;
	*argc = n + 1;
}

static int same_result(int r1, struct fuse_args *a1, struct data *d1,
		       int r2, struct fuse_args *a2, struct data *d2)
{
	int i;

	if (r1 != r2)
		return 0;
	if (d1->num != d2->num || d1->lnum != d2->lnum ||
	    d1->hex != d2->hex || d1->flag != d2->flag ||
	    d1->flag2 != d2->flag2 || d1->isset != d2->isset ||
	    d1->port != d2->port)
		return 0;
	if ((d1->str == NULL) != (d2->str == NULL) ||
	    (d1->str && strcmp(d1->str, d2->str) != 0))
		return 0;
	if ((d1->calls == NULL) != (d2->calls == NULL) ||
	    (d1->calls && strcmp(d1->calls, d2->calls) != 0))
		return 0;
	if (r1 == -1)
		return 1;
	if (a1->argc != a2->argc)
		return 0;
	for (i = 0; i < a1->argc; i++)
		if (strcmp(a1->argv[i], a2->argv[i]) != 0)
			return 0;
	return a1->argv[a1->argc] == NULL && a2->argv[a2->argc] == NULL;
}

int main(void)
{
	void *up = dlopen("libfuse3.so.3", RTLD_NOW | RTLD_LOCAL);
	parse_fn up_parse;
	free_fn up_free;
	setlog_fn up_setlog;
	unsigned int seed = 12345;
	int iter, mismatches = 0;

	if (!up) {
		printf("skipped: Debian's libfuse3.so.3 not installed (%s)\n",
		       dlerror());
		return 77;
	}
	up_parse = (parse_fn)dlsym(up, "fuse_opt_parse");
	up_free = (free_fn)dlsym(up, "fuse_opt_free_args");
	up_setlog = (setlog_fn)dlsym(up, "fuse_set_log_func");
	if (!up_parse || !up_free || !up_setlog) {
		printf("skipped: libfuse3.so.3 lacks fuse_opt symbols\n");
		return 77;
	}
	fuse_set_log_func(quiet);
	up_setlog(quiet);

	for (iter = 0; iter < 20000; iter++) {
		char *argv[16];
		int argc;
		struct fuse_args a1, a2;
		struct data d1 = { 0 }, d2 = { 0 };
		int r1, r2;

		random_args(argv, &argc, &seed);
		a1 = (struct fuse_args)FUSE_ARGS_INIT(argc, argv);
		a2 = (struct fuse_args)FUSE_ARGS_INIT(argc, argv);
		r1 = fuse_opt_parse(&a1, &d1, templates, proc);
		r2 = up_parse(&a2, &d2, templates, proc);
		if (!same_result(r1, &a1, &d1, r2, &a2, &d2)) {
			int i;

			if (mismatches++ < 5) {
				fprintf(stderr, "mismatch (ours %d, upstream %d) for:", r1, r2);
				for (i = 0; i < argc; i++)
					fprintf(stderr, " [%s]", argv[i]);
				fprintf(stderr, "\n  calls ours: %s\n  calls up:   %s\n",
					d1.calls ? d1.calls : "", d2.calls ? d2.calls : "");
				if (r1 != -1 && r2 != -1) {
					fprintf(stderr, "  ours:");
					for (i = 0; i < a1.argc; i++)
						fprintf(stderr, " [%s]", a1.argv[i]);
					fprintf(stderr, "\n  up:  ");
					for (i = 0; i < a2.argc; i++)
						fprintf(stderr, " [%s]", a2.argv[i]);
					fprintf(stderr, "\n");
				}
			}
		}
		if (r1 != -1)
			fuse_opt_free_args(&a1);
		if (r2 != -1)
			up_free(&a2);
		free(d1.str);
		free(d2.str);
		free(d1.calls);
		free(d2.calls);
	}
	CHECK_INT(mismatches, 0);
	printf("test_opt_diff: 20000 random argument lists compared with libfuse3\n");
	dlclose(up);
	return check_report("test_opt_diff");
}
