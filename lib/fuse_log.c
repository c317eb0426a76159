// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuse_log.c - the library's log sink: stderr by default, syslog on
 * request, or a function installed by the program.
 */
#include "fuse_log.h"

#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>

static bool log_to_syslog;

static void default_log_func(enum fuse_log_level level, const char *fmt,
			     va_list ap)
{
	if (log_to_syslog) {
		/* fuse_log_level values are the syslog priorities. */
		vsyslog((int)level, fmt, ap);
		return;
	}
	vfprintf(stderr, fmt, ap);
}

static fuse_log_func_t log_func = default_log_func;

void fuse_set_log_func(fuse_log_func_t func)
{
	log_func = func ? func : default_log_func;
}

void fuse_log(enum fuse_log_level level, const char *fmt, ...)
{
	fuse_log_func_t func = log_func;
	va_list ap;

	va_start(ap, fmt);
	func(level, fmt, ap);
	va_end(ap);
}

void fuse_log_enable_syslog(const char *ident, int option, int facility)
{
	openlog(ident, option, facility);
	log_to_syslog = true;
}

void fuse_log_close_syslog(void)
{
	log_to_syslog = false;
	closelog();
}
