// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_log.c - fuse_log() goes to the installed sink, NULL restores
 * stderr, and syslog mode takes messages away from stderr.
 */
#include <fuse_log.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "check.h"

static char captured[1024];
static enum fuse_log_level captured_level;
static int calls;

static void sink(enum fuse_log_level level, const char *fmt, va_list ap)
{
	vsnprintf(captured, sizeof(captured), fmt, ap);
	captured_level = level;
	calls++;
}

/* Run fuse_log() with stderr redirected; return what reached stderr. */
static void log_to_stderr_capture(char *out, size_t outlen,
				  enum fuse_log_level level, const char *msg)
{
	int p[2], saved;
	ssize_t n;

	fflush(stderr);
	if (pipe(p) == -1) {
		out[0] = '\0';
		return;
	}
	saved = dup(2);
	dup2(p[1], 2);
	close(p[1]);
	fuse_log(level, "%s", msg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	n = read(p[0], out, outlen - 1);
	out[n > 0 ? n : 0] = '\0';
	close(p[0]);
}

int main(void)
{
	char out[256];

	CHECK_INT(FUSE_LOG_EMERG, LOG_EMERG);
	CHECK_INT(FUSE_LOG_ERR, LOG_ERR);
	CHECK_INT(FUSE_LOG_DEBUG, LOG_DEBUG);

	fuse_set_log_func(sink);
	fuse_log(FUSE_LOG_WARNING, "value %d and %s\n", 42, "text");
	CHECK_INT(calls, 1);
	CHECK_STR(captured, "value 42 and text\n");
	CHECK_INT(captured_level, FUSE_LOG_WARNING);
	fuse_log(FUSE_LOG_DEBUG, "debug too\n");
	CHECK_INT(calls, 2);
	CHECK_INT(captured_level, FUSE_LOG_DEBUG);

	/* Back to the default: stderr. */
	fuse_set_log_func(NULL);
	log_to_stderr_capture(out, sizeof(out), FUSE_LOG_ERR, "to stderr\n");
	CHECK_STR(out, "to stderr\n");
	CHECK_INT(calls, 2);

	/* Syslog mode: nothing on stderr. */
	fuse_log_enable_syslog("fuse-util-test", LOG_PID, LOG_USER);
	log_to_stderr_capture(out, sizeof(out), FUSE_LOG_DEBUG,
			      "fuse-util-test syslog message\n");
	CHECK_STR(out, "");
	fuse_log_close_syslog();
	log_to_stderr_capture(out, sizeof(out), FUSE_LOG_INFO, "again\n");
	CHECK_STR(out, "again\n");

	return check_report("test_log");
}
