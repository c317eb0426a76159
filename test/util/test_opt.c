// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_opt.c - behaviour of fuse_opt_parse() and friends.
 *
 * Every expectation follows the documented libfuse 3 behaviour.  The same
 * source is also built against Debian's libfuse3 (if installed) as the
 * test "opt-upstream", so both libraries must give the same answers.
 */
#include <fuse_opt.h>

#include <stddef.h>
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
	char *str;
	char *str2;
	int port;
	/* what the processing function saw */
	char seen[16][64];
	int seen_keys[16];
	int nseen;
	int proc_result;
};

#define OPT(t, f, v) { t, offsetof(struct data, f), v }

enum { KEY_X = 100, KEY_Y, KEY_FAIL };

static const struct fuse_opt templates[] = {
	OPT("num=%u", num, 0),
	OPT("lnum=%lu", lnum, 0),
	OPT("hex=%x", hex, 0),
	OPT("flag", flag, 7),
	OPT("noflag", flag, 0),
	OPT("both", flag, 1),
	OPT("both", flag2, 2),
	OPT("isset=", isset, 1),
	OPT("str=%s", str, 0),
	OPT("--name=%s", str2, 0),
	OPT("-p %u", port, 0),
	FUSE_OPT_KEY("-x", KEY_X),
	FUSE_OPT_KEY("ykey", KEY_Y),
	FUSE_OPT_KEY("fail", KEY_FAIL),
	FUSE_OPT_KEY("keepme", FUSE_OPT_KEY_KEEP),
	FUSE_OPT_KEY("dropme", FUSE_OPT_KEY_DISCARD),
	FUSE_OPT_KEY("-k", FUSE_OPT_KEY_KEEP),
	FUSE_OPT_END
};

static int proc(void *data, const char *arg, int key, struct fuse_args *out)
{
	struct data *d = data;

	(void)out;
	if (d->nseen < 16) {
		snprintf(d->seen[d->nseen], sizeof(d->seen[0]), "%s", arg);
		d->seen_keys[d->nseen] = key;
		d->nseen++;
	}
	if (key == KEY_FAIL)
		return -1;
	if (key == KEY_X)
		return 0;
	if (key == KEY_Y)
		return fuse_opt_add_arg(out, "--added-by-proc") == -1 ? -1 : 0;
	return d->proc_result;
}

/* Parse a NULL terminated argument list; the result is in *args. */
static int parse(struct fuse_args *args, const char **argv, struct data *d,
		 fuse_opt_proc_t p)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	args->argc = argc;
	args->argv = (char **)argv;
	args->allocated = 0;
	return fuse_opt_parse(args, d, templates, p);
}

static int args_equal(const struct fuse_args *args, const char **want)
{
	int i;

	for (i = 0; want[i]; i++) {
		if (i >= args->argc || strcmp(args->argv[i], want[i]) != 0)
			goto differ;
	}
	if (i != args->argc || args->argv[i] != NULL)
		goto differ;
	return 1;
differ:
	fprintf(stderr, "  got:");
	for (i = 0; i < args->argc; i++)
		fprintf(stderr, " [%s]", args->argv[i]);
	fprintf(stderr, "\n  want:");
	for (i = 0; want[i]; i++)
		fprintf(stderr, " [%s]", want[i]);
	fprintf(stderr, "\n");
	return 0;
}

static void reset(struct data *d)
{
	free(d->str);
	free(d->str2);
	memset(d, 0, sizeof(*d));
	d->proc_result = 1;
}

static void test_values(void)
{
	struct data d = { .proc_result = 1 };
	struct fuse_args args;
	const char *argv[] = { "prog", "-o", "num=42,lnum=1234567890123,hex=ff",
			       "-oflag,str=hello", "--name=bob", "mnt", NULL };
	const char *want[] = { "prog", "mnt", NULL };

	CHECK_INT(parse(&args, argv, &d, proc), 0);
	CHECK_INT(d.num, 42);
	CHECK_INT(d.lnum, 1234567890123UL);
	CHECK_INT(d.hex, 255);
	CHECK_INT(d.flag, 7);
	CHECK_STR(d.str, "hello");
	CHECK_STR(d.str2, "bob");
	CHECK(args_equal(&args, want));
	CHECK_INT(args.allocated, 1);
	/* "mnt" went to the processing function as a non-option. */
	CHECK_INT(d.nseen, 1);
	CHECK_STR(d.seen[0], "mnt");
	CHECK_INT(d.seen_keys[0], FUSE_OPT_KEY_NONOPT);
	fuse_opt_free_args(&args);
	CHECK_INT(args.argc, 0);
	CHECK(args.argv == NULL);
	CHECK_INT(args.allocated, 0);
	reset(&d);
}

static void test_unknown_kept(void)
{
	struct data d = { .proc_result = 1 };
	struct fuse_args args;
	const char *argv[] = { "prog", "-o", "a,num=1", "-z", "-o", "b=2",
			       "x", NULL };
	const char *want[] = { "prog", "-o", "a,b=2", "-z", "x", NULL };

	CHECK_INT(parse(&args, argv, &d, proc), 0);
	CHECK(args_equal(&args, want));
	CHECK_INT(d.num, 1);
	CHECK_INT(d.nseen, 4);
	CHECK_STR(d.seen[0], "a");
	CHECK_INT(d.seen_keys[0], FUSE_OPT_KEY_OPT);
	CHECK_STR(d.seen[1], "-z");
	CHECK_INT(d.seen_keys[1], FUSE_OPT_KEY_OPT);
	CHECK_STR(d.seen[2], "b=2");
	CHECK_STR(d.seen[3], "x");
	CHECK_INT(d.seen_keys[3], FUSE_OPT_KEY_NONOPT);
	fuse_opt_free_args(&args);
	reset(&d);

	/* Without a processing function everything unknown is kept. */
	{
		const char *argv2[] = { "prog", "-oa,b", "c", NULL };
		const char *want2[] = { "prog", "-o", "a,b", "c", NULL };

		CHECK_INT(parse(&args, argv2, &d, NULL), 0);
		CHECK(args_equal(&args, want2));
		fuse_opt_free_args(&args);
	}
	/* Processing function returning 0 drops everything it sees. */
	{
		const char *argv3[] = { "prog", "-oa,b", "c", "-d", NULL };
		const char *want3[] = { "prog", NULL };

		d.proc_result = 0;
		CHECK_INT(parse(&args, argv3, &d, proc), 0);
		CHECK(args_equal(&args, want3));
		fuse_opt_free_args(&args);
		reset(&d);
	}
}

static void test_escapes(void)
{
	struct data d = { .proc_result = 1 };
	struct fuse_args args;
	/* "\," is a comma, "\\" a backslash, "\054" octal for ','. */
	const char *argv[] = { "prog", "-o",
			       "str=a\\,b\\\\c,other=1\\,2,x\\054y,str2", NULL };
	const char *want[] = { "prog", "-o", "other=1\\,2,x\\,y,str2", NULL };

	CHECK_INT(parse(&args, argv, &d, proc), 0);
	CHECK_STR(d.str, "a,b\\c");
	CHECK(args_equal(&args, want));
	/* The processing function sees the unescaped option. */
	CHECK_STR(d.seen[0], "other=1,2");
	CHECK_STR(d.seen[1], "x,y");
	fuse_opt_free_args(&args);
	reset(&d);

	/* A trailing backslash stays a backslash; \4 is not octal. */
	{
		const char *argv2[] = { "prog", "-ostr=a\\4\\", NULL };

		CHECK_INT(parse(&args, argv2, &d, proc), 0);
		CHECK_STR(d.str, "a4\\");
		fuse_opt_free_args(&args);
		reset(&d);
	}
	/* Empty items between commas reach the processing function. */
	{
		const char *argv3[] = { "prog", "-o", "flag,,noflag", NULL };
		const char *want3[] = { "prog", "-o", "", NULL };

		CHECK_INT(parse(&args, argv3, &d, proc), 0);
		CHECK_INT(d.flag, 0);
		CHECK_INT(d.nseen, 1);
		CHECK_STR(d.seen[0], "");
		CHECK(args_equal(&args, want3));
		fuse_opt_free_args(&args);
		reset(&d);
	}
}

static void test_templates(void)
{
	struct data d = { .proc_result = 1 };
	struct fuse_args args;

	/* "-p %u": glued or separate parameter. */
	{
		const char *argv[] = { "prog", "-p", "8080", NULL };
		const char *want[] = { "prog", NULL };

		CHECK_INT(parse(&args, argv, &d, proc), 0);
		CHECK_INT(d.port, 8080);
		CHECK(args_equal(&args, want));
		fuse_opt_free_args(&args);
		reset(&d);
	}
	{
		const char *argv[] = { "prog", "-p99", NULL };

		CHECK_INT(parse(&args, argv, &d, proc), 0);
		CHECK_INT(d.port, 99);
		fuse_opt_free_args(&args);
		reset(&d);
	}
	/* Missing parameter after "-p". */
	{
		const char *argv[] = { "prog", "-p", NULL };

		CHECK_INT(parse(&args, argv, &d, proc), -1);
		reset(&d);
	}
	/* Bad number. */
	{
		const char *argv[] = { "prog", "-onum=abc", NULL };

		CHECK_INT(parse(&args, argv, &d, proc), -1);
		reset(&d);
	}
	/* "isset=" (no format) matches any value and stores the int. */
	{
		const char *argv[] = { "prog", "-oisset=whatever", NULL };
		const char *want[] = { "prog", NULL };

		CHECK_INT(parse(&args, argv, &d, proc), 0);
		CHECK_INT(d.isset, 1);
		CHECK(args_equal(&args, want));
		fuse_opt_free_args(&args);
		reset(&d);
	}
	/* Exact templates do not match prefixes: "flagx" is unknown. */
	{
		const char *argv[] = { "prog", "-oflagx", NULL };
		const char *want[] = { "prog", "-o", "flagx", NULL };

		CHECK_INT(parse(&args, argv, &d, proc), 0);
		CHECK_INT(d.flag, 0);
		CHECK(args_equal(&args, want));
		fuse_opt_free_args(&args);
		reset(&d);
	}
	/* Every matching template is applied, in order. */
	{
		const char *argv[] = { "prog", "-oboth", NULL };

		CHECK_INT(parse(&args, argv, &d, proc), 0);
		CHECK_INT(d.flag, 1);
		CHECK_INT(d.flag2, 2);
		fuse_opt_free_args(&args);
		reset(&d);
	}
	/* Later values win; "%s" frees the earlier string. */
	{
		const char *argv[] = { "prog", "-ostr=one,num=1", "-ostr=two,num=2",
				       NULL };

		CHECK_INT(parse(&args, argv, &d, proc), 0);
		CHECK_STR(d.str, "two");
		CHECK_INT(d.num, 2);
		fuse_opt_free_args(&args);
		reset(&d);
	}
}

static void test_keys(void)
{
	struct data d = { .proc_result = 1 };
	struct fuse_args args;
	const char *argv[] = { "prog", "-x", "-oykey,keepme,dropme", "-k",
			       "-ofail2", NULL };
	const char *want[] = { "prog", "-o", "keepme,fail2", "--added-by-proc",
			       "-k", NULL };

	CHECK_INT(parse(&args, argv, &d, proc), 0);
	CHECK(args_equal(&args, want));
	/* KEEP and DISCARD never reach the processing function. */
	CHECK_INT(d.nseen, 3);
	CHECK_STR(d.seen[0], "-x");
	CHECK_INT(d.seen_keys[0], KEY_X);
	CHECK_STR(d.seen[1], "ykey");
	CHECK_INT(d.seen_keys[1], KEY_Y);
	CHECK_STR(d.seen[2], "fail2");
	fuse_opt_free_args(&args);
	reset(&d);

	/* An error from the processing function fails the parse and
	 * leaves the arguments alone. */
	{
		const char *argv2[] = { "prog", "-ofail", "x", NULL };

		CHECK_INT(parse(&args, argv2, &d, proc), -1);
		CHECK(args.argv == (char **)argv2);
		CHECK_INT(args.argc, 3);
		CHECK_INT(args.allocated, 0);
		reset(&d);
	}
}

static void test_double_dash(void)
{
	struct data d = { .proc_result = 1 };
	struct fuse_args args;

	/* After "--" everything is a non-option. */
	{
		const char *argv[] = { "prog", "--", "-oflag", "-x", NULL };
		const char *want[] = { "prog", "--", "-oflag", "-x", NULL };

		CHECK_INT(parse(&args, argv, &d, proc), 0);
		CHECK_INT(d.flag, 0);
		CHECK(args_equal(&args, want));
		CHECK_INT(d.nseen, 2);
		CHECK_INT(d.seen_keys[0], FUSE_OPT_KEY_NONOPT);
		CHECK_INT(d.seen_keys[1], FUSE_OPT_KEY_NONOPT);
		fuse_opt_free_args(&args);
		reset(&d);
	}
	/* A trailing "--" is dropped. */
	{
		const char *argv[] = { "prog", "a", "--", NULL };
		const char *want[] = { "prog", "a", NULL };

		CHECK_INT(parse(&args, argv, &d, proc), 0);
		CHECK(args_equal(&args, want));
		fuse_opt_free_args(&args);
		reset(&d);
	}
	/* "-o" at the end is an error. */
	{
		const char *argv[] = { "prog", "-o", NULL };

		CHECK_INT(parse(&args, argv, &d, proc), -1);
		reset(&d);
	}
	/* An empty argument list is left alone. */
	{
		const char *argv[] = { NULL };

		CHECK_INT(parse(&args, argv, &d, proc), 0);
		CHECK_INT(args.argc, 0);
		reset(&d);
	}
}

static void test_helpers(void)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	char *opts = NULL;
	static const struct fuse_opt t[] = {
		{ "foo=%u", 0, 0 }, { "bar", 0, 0 }, { "-b ", 0, 0 },
		FUSE_OPT_END
	};

	CHECK_INT(fuse_opt_add_arg(&args, "one"), 0);
	CHECK_INT(fuse_opt_add_arg(&args, "three"), 0);
	CHECK_INT(fuse_opt_insert_arg(&args, 1, "two"), 0);
	CHECK_INT(fuse_opt_insert_arg(&args, 0, "zero"), 0);
	CHECK_INT(fuse_opt_insert_arg(&args, 4, "four"), 0);
	{
		const char *want[] = { "zero", "one", "two", "three", "four",
				       NULL };
		CHECK(args_equal(&args, want));
	}
	fuse_opt_free_args(&args);

	CHECK_INT(fuse_opt_add_opt(&opts, "a"), 0);
	CHECK_INT(fuse_opt_add_opt(&opts, "b=1,2"), 0);
	CHECK_INT(fuse_opt_add_opt_escaped(&opts, "c=x,y\\z"), 0);
	CHECK_STR(opts, "a,b=1,2,c=x\\,y\\\\z");
	free(opts);
	opts = NULL;
	CHECK_INT(fuse_opt_add_opt_escaped(&opts, ""), 0);
	CHECK_STR(opts, "");
	free(opts);

	CHECK_INT(fuse_opt_match(t, "foo=3"), 1);
	CHECK_INT(fuse_opt_match(t, "foo"), 0);
	CHECK_INT(fuse_opt_match(t, "bar"), 1);
	CHECK_INT(fuse_opt_match(t, "barx"), 0);
	CHECK_INT(fuse_opt_match(t, "-bvalue"), 1);
	CHECK_INT(fuse_opt_match(t, "-b"), 1);
	CHECK_INT(fuse_opt_match(t, "baz"), 0);
	CHECK_INT(fuse_opt_match(NULL, "bar"), 0);

	/* Parsing a list that fuse_opt owns replaces and frees it. */
	{
		struct data d = { .proc_result = 1 };
		const char *want[] = { "prog", "-o", "z", NULL };

		CHECK_INT(fuse_opt_add_arg(&args, "prog"), 0);
		CHECK_INT(fuse_opt_add_arg(&args, "-oflag,z"), 0);
		CHECK_INT(fuse_opt_parse(&args, &d, templates, proc), 0);
		CHECK_INT(d.flag, 7);
		CHECK(args_equal(&args, want));
		fuse_opt_free_args(&args);
		reset(&d);
	}
}

int main(void)
{
	test_values();
	test_unknown_kept();
	test_escapes();
	test_templates();
	test_keys();
	test_double_dash();
	test_helpers();
	return check_report("test_opt");
}
