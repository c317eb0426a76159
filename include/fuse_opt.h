/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuse_opt.h - command line and "-o" option parsing for FUSE programs.
 *
 * Source compatible with libfuse 3.18's fuse_opt.h: same types, macros,
 * constants and functions, same parsing behaviour.
 */
#ifndef FUSE_OPT_H_
#define FUSE_OPT_H_

/** @file
 *
 * Option parsing for FUSE file systems.
 *
 * A program describes the options it understands with an array of
 * struct fuse_opt terminated by FUSE_OPT_END and calls fuse_opt_parse().
 *
 * Each template (fuse_opt.templ) is one of:
 *
 *  - "-x", "-foo", "--foo", "foo": matches that exact option.
 *  - "-x ", "--foo ": the option takes a parameter, given either glued
 *    ("-xvalue") or as the next argument ("-x value").
 *  - "-x=", "--foo=", "foo=": matches any option that starts with the
 *    template (the parameter follows the '=').
 *  - "-x %u", "foo=%s", "bar=%lu" ...: as above, and the parameter is
 *    converted with the scanf-like format after the separator and stored
 *    at data + offset.  "%s" stores a newly allocated copy of the string
 *    (any previous pointer stored there is freed).  Every other format is
 *    passed to sscanf(3), which must convert exactly one value.
 *
 * Options given with "-o opt1,opt2=val" are split at commas; a comma or a
 * backslash inside an option is written as "\," or "\\", and "\NNN" (three
 * octal digits) stands for that byte.
 *
 * When an option matches a template whose offset is not -1U, the value
 * is stored (the fuse_opt.value integer for templates without a format)
 * and the option is removed from the output.  When the offset is -1U
 * (see FUSE_OPT_KEY()), the processing function is called with the
 * template's value as key; a result of 1 keeps the option, 0 discards
 * it, -1 is an error.  Options that match no template are passed to the
 * processing function with key FUSE_OPT_KEY_OPT, non-options (and
 * everything after "--") with key FUSE_OPT_KEY_NONOPT; without a
 * processing function they are kept.  The special keys
 * FUSE_OPT_KEY_KEEP and FUSE_OPT_KEY_DISCARD keep or drop an option
 * without calling the processing function.
 *
 * A template may match more than once: every matching entry of the
 * array is processed, in order.
 */

#ifdef __cplusplus
extern "C" {
#endif

/**
 * One option template.
 */
struct fuse_opt {
	/** Matching template and optional parameter format */
	const char *templ;

	/**
	 * Offset of the variable to set inside the data argument of
	 * fuse_opt_parse(), or -1U to call the processing function.
	 */
	unsigned long offset;

	/**
	 * Value stored in the variable (an int) when the template has no
	 * format; the key given to the processing function when offset is
	 * -1U.
	 */
	int value;
};

/**
 * Template that calls the processing function with @p key.
 */
#define FUSE_OPT_KEY(templ, key) { templ, -1U, key }

/**
 * Last entry of an option array.
 */
#define FUSE_OPT_END { NULL, 0, 0 }

/**
 * Argument list.
 */
struct fuse_args {
	/** Number of arguments */
	int argc;

	/** Argument vector, NULL terminated */
	char **argv;

	/** Whether argv and its strings are owned (allocated) by the list */
	int allocated;
};

/**
 * Initializer for struct fuse_args.
 */
#define FUSE_ARGS_INIT(argc, argv) { argc, argv, 0 }

/**
 * Key for an option that matched no template.
 */
#define FUSE_OPT_KEY_OPT     -1

/**
 * Key for a non-option argument (does not start with '-', or comes after
 * "--").
 */
#define FUSE_OPT_KEY_NONOPT  -2

/**
 * Special key: keep the option without calling the processing function.
 */
#define FUSE_OPT_KEY_KEEP -3

/**
 * Special key: drop the option without calling the processing function.
 */
#define FUSE_OPT_KEY_DISCARD -4

/**
 * Processing function called for options that are not stored directly.
 *
 * @param data the user data given to fuse_opt_parse()
 * @param arg the whole argument or option (for "-o" options: one option
 *            without the "-o" and unescaped)
 * @param key the template's value, FUSE_OPT_KEY_OPT or FUSE_OPT_KEY_NONOPT
 * @param outargs the output argument list being built
 * @return -1 on error, 0 to discard the argument, 1 to keep it
 */
typedef int (*fuse_opt_proc_t)(void *data, const char *arg, int key,
			       struct fuse_args *outargs);

/**
 * Parse an argument list.
 *
 * On success @p args is replaced by the remaining arguments (argv[0],
 * then a single "-o a,b,..." holding the kept "-o" options, then the
 * other kept arguments), and the old list is freed if it was allocated.
 * A trailing "--" with nothing after it is dropped.
 *
 * @param args the argument list (in: input; out: remaining arguments)
 * @param data user data for stored values and for @p proc
 * @param opts option templates, ended by FUSE_OPT_END (may be NULL)
 * @param proc processing function (may be NULL)
 * @return 0 on success, -1 on error (a message has been logged)
 */
int fuse_opt_parse(struct fuse_args *args, void *data,
		   const struct fuse_opt opts[], fuse_opt_proc_t proc);

/**
 * Append an option to a comma separated option string.
 *
 * @param opts pointer to the string (NULL string allowed); reallocated
 * @param opt the option to append, copied as is
 * @return 0 on success, -1 on allocation failure
 */
int fuse_opt_add_opt(char **opts, const char *opt);

/**
 * Append an option to a comma separated option string, escaping commas
 * and backslashes in it.
 *
 * @param opts pointer to the string (NULL string allowed); reallocated
 * @param opt the option to append
 * @return 0 on success, -1 on allocation failure
 */
int fuse_opt_add_opt_escaped(char **opts, const char *opt);

/**
 * Append a copy of an argument to an argument list.
 *
 * @param args the argument list (must be allocated or empty)
 * @param arg the argument
 * @return 0 on success, -1 on allocation failure
 */
int fuse_opt_add_arg(struct fuse_args *args, const char *arg);

/**
 * Insert a copy of an argument at a position of an argument list.
 *
 * @param args the argument list (must be allocated or empty)
 * @param pos the index the new argument gets (0 ... argc)
 * @param arg the argument
 * @return 0 on success, -1 on failure
 */
int fuse_opt_insert_arg(struct fuse_args *args, int pos, const char *arg);

/**
 * Free an argument list if it is allocated, and reset it to empty.
 *
 * @param args the argument list
 */
void fuse_opt_free_args(struct fuse_args *args);

/**
 * Check whether an option matches one of the templates.
 *
 * @param opts option templates, ended by FUSE_OPT_END
 * @param opt a single option (as found inside "-o")
 * @return 1 if it matches, 0 otherwise
 */
int fuse_opt_match(const struct fuse_opt opts[], const char *opt);

#ifdef __cplusplus
}
#endif

#endif /* FUSE_OPT_H_ */
