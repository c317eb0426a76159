// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuse_opt.c - argument and "-o" option parser (see include/fuse_opt.h).
 *
 * Behaviour follows libfuse 3.18: the same template matching rules, the
 * same order of processing, the same shape of the remaining argument
 * list, and the same escaping inside "-o" option groups.
 */
#include "fuse_opt.h"
#include "fuse_log.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* State of one fuse_opt_parse() call. */
struct opt_parser {
	void *data;
	const struct fuse_opt *templates;
	fuse_opt_proc_t proc;
	int argc;
	char **argv;
	int pos;			/* index of the argument being parsed */
	struct fuse_args out;		/* remaining arguments */
	char *kept_opts;		/* kept "-o" options, escaped */
	int nonopt_from;		/* out.argc after "--", or 0 */
};

static int out_of_memory(void)
{
	fuse_log(FUSE_LOG_ERR, "fuse: memory allocation failed\n");
	return -1;
}

void fuse_opt_free_args(struct fuse_args *args)
{
	int i;

	if (!args)
		return;
	if (args->argv && args->allocated) {
		for (i = 0; i < args->argc; i++)
			free(args->argv[i]);
		free(args->argv);
	}
	args->argc = 0;
	args->argv = NULL;
	args->allocated = 0;
}

int fuse_opt_add_arg(struct fuse_args *args, const char *arg)
{
	char **argv;
	char *copy;

	if (args->argv && !args->allocated) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse: cannot add to an argument list not allocated by fuse_opt\n");
		return -1;
	}
	if (args->argc < 0) {
		fuse_log(FUSE_LOG_ERR, "fuse: negative argument count\n");
		return -1;
	}
	copy = strdup(arg);
	if (!copy)
		return out_of_memory();
	argv = realloc(args->argv, (args->argc + 2) * sizeof(char *));
	if (!argv) {
		free(copy);
		return out_of_memory();
	}
	args->argv = argv;
	args->allocated = 1;
	argv[args->argc++] = copy;
	argv[args->argc] = NULL;
	return 0;
}

int fuse_opt_insert_arg(struct fuse_args *args, int pos, const char *arg)
{
	char *added;

	if (pos < 0 || pos > args->argc) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse: argument position %d out of range 0..%d\n",
			 pos, args->argc);
		return -1;
	}
	if (fuse_opt_add_arg(args, arg) == -1)
		return -1;
	if (pos == args->argc - 1)
		return 0;
	added = args->argv[args->argc - 1];
	memmove(&args->argv[pos + 1], &args->argv[pos],
		(args->argc - 1 - pos) * sizeof(char *));
	args->argv[pos] = added;
	return 0;
}

/* Append @opt to the comma separated list *@opts, escaping if asked. */
static int append_opt(char **opts, const char *opt, bool escape)
{
	size_t oldlen = *opts ? strlen(*opts) : 0;
	char *buf;
	char *d;

	/* Worst case every byte is escaped. */
	buf = realloc(*opts, oldlen + 1 + 2 * strlen(opt) + 1);
	if (!buf)
		return out_of_memory();
	*opts = buf;
	d = buf + oldlen;
	if (oldlen)
		*d++ = ',';
	for (; *opt; opt++) {
		if (escape && (*opt == ',' || *opt == '\\'))
			*d++ = '\\';
		*d++ = *opt;
	}
	*d = '\0';
	return 0;
}

int fuse_opt_add_opt(char **opts, const char *opt)
{
	return append_opt(opts, opt, false);
}

int fuse_opt_add_opt_escaped(char **opts, const char *opt)
{
	return append_opt(opts, opt, true);
}

/*
 * Hand an unmatched (or FUSE_OPT_KEY) argument to the program's
 * function, then keep it (in the "-o" list if it came from one) unless
 * the function said to drop it.
 */
static int dispatch(struct opt_parser *p, const char *arg, int key,
		    bool in_group)
{
	int res;

	if (key == FUSE_OPT_KEY_DISCARD)
		return 0;
	if (key != FUSE_OPT_KEY_KEEP && p->proc) {
		res = p->proc(p->data, arg, key, &p->out);
		if (res == -1 || res == 0)
			return res;
	}
	if (in_group)
		return append_opt(&p->kept_opts, arg, true);
	return fuse_opt_add_arg(&p->out, arg);
}

/*
 * Does template @t match @arg?  On a match, *@sepp is the index in @t of
 * the '=' or ' ' separator for templates that take a parameter, or 0 for
 * an exact match.
 */
static bool template_matches(const char *t, const char *arg, unsigned *sepp)
{
	const char *sep = strchr(t, '=');
	size_t prefix;

	if (!sep)
		sep = strchr(t, ' ');
	if (sep && (sep[1] == '\0' || sep[1] == '%')) {
		/* "name=" must match including the '='; "-x " without. */
		prefix = sep - t + (*sep == '=' ? 1 : 0);
		if (strlen(arg) >= prefix && strncmp(arg, t, prefix) == 0) {
			*sepp = sep - t;
			return true;
		}
	}
	if (strcmp(t, arg) == 0) {
		*sepp = 0;
		return true;
	}
	return false;
}

static const struct fuse_opt *next_match(const struct fuse_opt *o,
					 const char *arg, unsigned *sepp)
{
	for (; o && o->templ; o++)
		if (template_matches(o->templ, arg, sepp))
			return o;
	return NULL;
}

int fuse_opt_match(const struct fuse_opt opts[], const char *opt)
{
	unsigned sep;

	return next_match(opts, opt, &sep) != NULL;
}

/* Convert @param with @format ("%s" or a scanf conversion) into @var. */
static int store_param(void *var, const char *format, const char *param,
		       const char *arg)
{
	if (format[0] != '%') {
		fuse_log(FUSE_LOG_ERR,
			 "fuse: bad option template format `%s'\n", format);
		return -1;
	}
	if (format[1] == 's') {
		char **slot = var;
		char *copy = strdup(param);

		if (!copy)
			return out_of_memory();
		free(*slot);
		*slot = copy;
		return 0;
	}
	if (sscanf(param, format, var) != 1) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse: invalid parameter in option `%s'\n", arg);
		return -1;
	}
	return 0;
}

static int apply_template(struct opt_parser *p, const struct fuse_opt *o,
			  unsigned sep, const char *arg, bool in_group)
{
	const char *param;
	void *var;

	if (o->offset == -1U)
		return dispatch(p, arg, o->value, in_group) == -1 ? -1 : 0;

	var = (char *)p->data + o->offset;
	if (sep && o->templ[sep + 1]) {
		param = arg + sep;
		if (o->templ[sep] == '=')
			param++;
		return store_param(var, o->templ + sep + 1, param, arg);
	}
	*(int *)var = o->value;
	return 0;
}

/* "-x value": glue the next argument to the option and apply it. */
static int apply_with_next_arg(struct opt_parser *p, const struct fuse_opt *o,
			       unsigned sep, const char *arg, bool in_group)
{
	const char *value;
	char *joined;
	int res;

	if (p->pos + 1 >= p->argc) {
		fuse_log(FUSE_LOG_ERR, "fuse: missing argument after `%s'\n",
			 arg);
		return -1;
	}
	value = p->argv[++p->pos];
	joined = malloc(sep + strlen(value) + 1);
	if (!joined)
		return out_of_memory();
	memcpy(joined, arg, sep);
	strcpy(joined + sep, value);
	res = apply_template(p, o, sep, joined, in_group);
	free(joined);
	return res;
}

/* One option, either a command line argument or one item of "-o". */
static int parse_option(struct opt_parser *p, const char *arg, bool in_group)
{
	const struct fuse_opt *o;
	unsigned sep;
	int res;

	o = next_match(p->templates, arg, &sep);
	if (!o)
		return dispatch(p, arg, FUSE_OPT_KEY_OPT, in_group);
	for (; o; o = next_match(o + 1, arg, &sep)) {
		if (sep && o->templ[sep] == ' ' && arg[sep] == '\0')
			res = apply_with_next_arg(p, o, sep, arg, in_group);
		else
			res = apply_template(p, o, sep, arg, in_group);
		if (res == -1)
			return -1;
	}
	return 0;
}

/*
 * Split "a,b\,c,d\\e,\054" into options, undoing the escapes: "\x" is
 * x, "\NNN" (first digit 0-3, then two octal digits) is that byte.
 */
static int parse_group(struct opt_parser *p, const char *group)
{
	char *buf = strdup(group);
	const char *s = group;
	char *d;

	if (!buf)
		return out_of_memory();
	d = buf;
	for (;;) {
		if (*s == ',' || *s == '\0') {
			*d = '\0';
			if (parse_option(p, buf, true) == -1) {
				free(buf);
				return -1;
			}
			if (*s == '\0')
				break;
			d = buf;
		} else if (s[0] == '\\' && s[1] != '\0') {
			s++;
			if (s[0] >= '0' && s[0] <= '3' &&
			    s[1] >= '0' && s[1] <= '7' &&
			    s[2] >= '0' && s[2] <= '7') {
				*d++ = (char)((s[0] - '0') * 64 +
					      (s[1] - '0') * 8 + (s[2] - '0'));
				s += 2;
			} else {
				*d++ = *s;
			}
		} else {
			*d++ = *s;
		}
		s++;
	}
	free(buf);
	return 0;
}

static int parse_arg(struct opt_parser *p, const char *arg)
{
	if (p->nonopt_from || arg[0] != '-')
		return dispatch(p, arg, FUSE_OPT_KEY_NONOPT, false);
	if (arg[1] == 'o') {
		if (arg[2])
			return parse_group(p, arg + 2);
		if (p->pos + 1 >= p->argc) {
			fuse_log(FUSE_LOG_ERR,
				 "fuse: missing argument after `%s'\n", arg);
			return -1;
		}
		return parse_group(p, p->argv[++p->pos]);
	}
	if (arg[1] == '-' && arg[2] == '\0') {
		if (fuse_opt_add_arg(&p->out, arg) == -1)
			return -1;
		p->nonopt_from = p->out.argc;
		return 0;
	}
	return parse_option(p, arg, false);
}

static int parse_all(struct opt_parser *p)
{
	struct fuse_args *out = &p->out;

	if (fuse_opt_add_arg(out, p->argv[0]) == -1)
		return -1;
	for (p->pos = 1; p->pos < p->argc; p->pos++)
		if (parse_arg(p, p->argv[p->pos]) == -1)
			return -1;

	if (p->kept_opts &&
	    (fuse_opt_insert_arg(out, 1, "-o") == -1 ||
	     fuse_opt_insert_arg(out, 2, p->kept_opts) == -1))
		return -1;

	/* A "--" with nothing after it is dropped. */
	if (p->nonopt_from && p->nonopt_from == out->argc &&
	    strcmp(out->argv[out->argc - 1], "--") == 0) {
		free(out->argv[--out->argc]);
		out->argv[out->argc] = NULL;
	}
	return 0;
}

int fuse_opt_parse(struct fuse_args *args, void *data,
		   const struct fuse_opt opts[], fuse_opt_proc_t proc)
{
	struct opt_parser p = {
		.data = data,
		.templates = opts,
		.proc = proc,
	};
	struct fuse_args old;
	int res;

	if (!args || !args->argv || args->argc <= 0)
		return 0;
	p.argc = args->argc;
	p.argv = args->argv;

	res = parse_all(&p);
	if (res != -1) {
		/* Swap: the caller gets the result, we free the input. */
		old = *args;
		*args = p.out;
		p.out = old;
	}
	free(p.kept_opts);
	fuse_opt_free_args(&p.out);
	return res;
}
