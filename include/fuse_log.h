/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuse_log.h - the logging interface of the FUSE library.
 *
 * Source compatible with libfuse 3.18's fuse_log.h.
 */
#ifndef FUSE_LOG_H_
#define FUSE_LOG_H_

/** @file
 *
 * Logging.  Every message of the library goes through fuse_log(); by
 * default it is written to stderr, a program may install its own sink
 * with fuse_set_log_func() or switch to syslog with
 * fuse_log_enable_syslog().
 */

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Severity of a log message.  The values are the syslog(3) priorities
 * (LOG_EMERG = 0 ... LOG_DEBUG = 7).
 */
enum fuse_log_level {
	FUSE_LOG_EMERG,
	FUSE_LOG_ALERT,
	FUSE_LOG_CRIT,
	FUSE_LOG_ERR,
	FUSE_LOG_WARNING,
	FUSE_LOG_NOTICE,
	FUSE_LOG_INFO,
	FUSE_LOG_DEBUG
};

/**
 * Log sink.
 *
 * Must be thread-safe: it can be called from any thread, and from
 * functions that run before a session exists (for example
 * fuse_parse_cmdline()).
 *
 * @param level severity
 * @param fmt printf(3) format, usually ending in a newline
 * @param ap the format's arguments
 */
typedef void (*fuse_log_func_t)(enum fuse_log_level level,
				const char *fmt, va_list ap);

/**
 * Install a log sink for the whole process.
 *
 * @param func the new sink, or NULL to go back to the default (stderr)
 */
void fuse_set_log_func(fuse_log_func_t func);

/**
 * Emit a log message through the current sink.
 *
 * @param level severity (FUSE_LOG_ERR, FUSE_LOG_DEBUG, ...)
 * @param fmt printf(3) format, usually ending in a newline
 */
void fuse_log(enum fuse_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Make the default sink write to syslog(3) instead of stderr.
 *
 * @param ident, option, facility as for openlog(3)
 */
void fuse_log_enable_syslog(const char *ident, int option, int facility);

/**
 * Close syslog (see fuse_log_enable_syslog()) and go back to stderr.
 * Call it at teardown.
 */
void fuse_log_close_syslog(void);

#ifdef __cplusplus
}
#endif

#endif /* FUSE_LOG_H_ */
