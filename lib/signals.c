// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * signals.c - signal handling for FUSE programs.
 *
 * fuse_set_signal_handlers(): SIGHUP, SIGINT and SIGTERM end the session
 * (its loop returns the signal number); SIGPIPE is ignored, so a reply to
 * an unmounted file system gives EPIPE instead of killing the server.
 * Handlers are only installed over the default disposition, so a program
 * that installed its own keeps it (as libfuse does).
 *
 * fuse_set_fail_signal_handlers(): SIGSEGV, SIGBUS, SIGILL, SIGFPE,
 * SIGABRT and SIGTRAP print a message and a backtrace to stderr, then
 * re-raise the signal with the default action (core dump as usual).
 */
#include "fuse_i.h"

#include <errno.h>
#include <execinfo.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static struct fuse_session *volatile signal_session;

static const int exit_signals[] = { SIGHUP, SIGINT, SIGTERM };
static const int fail_signals[] = {
	SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP
};

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

static void exit_handler(int sig)
{
	struct fuse_session *se = signal_session;

	if (se)
		fuse_session_exit_signal(se, sig);
}

/* Async-signal-safe output of a short message and a number. */
static void write_str(const char *s)
{
	ssize_t res = write(STDERR_FILENO, s, strlen(s));

	(void)res;
}

static void write_num(int n)
{
	char buf[16];
	int i = sizeof(buf);

	buf[--i] = '\0';
	if (n < 0)
		n = 0;
	do {
		buf[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n && i > 0);
	write_str(buf + i);
}

static void fail_handler(int sig)
{
	void *frames[64];
	int n;

	write_str("fuse: fatal signal ");
	write_num(sig);
	write_str(", backtrace:\n");
	n = backtrace(frames, N_ELEM(frames));
	backtrace_symbols_fd(frames, n, STDERR_FILENO);

	/* Die of the same signal, with its default action. */
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Install @handler for @sig if the current disposition is the default
 * (or, when @remove, put back the default if @handler is installed).
 */
static int set_one(int sig, void (*handler)(int), bool remove)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = remove ? SIG_DFL : handler;
	sigemptyset(&sa.sa_mask);
	if (!remove && handler != SIG_IGN && handler != exit_handler)
		sa.sa_flags = SA_RESETHAND;

	if (sigaction(sig, NULL, &old) == -1) {
		fuse_log(FUSE_LOG_ERR, "fuse: cannot read handler of signal %d: %s\n",
			 sig, strerror(errno));
		return -1;
	}
	if (remove ? old.sa_handler != handler : old.sa_handler != SIG_DFL)
		return 0;
	if (sigaction(sig, &sa, NULL) == -1) {
		fuse_log(FUSE_LOG_ERR, "fuse: cannot set handler of signal %d: %s\n",
			 sig, strerror(errno));
		return -1;
	}
	return 0;
}

static int claim_session(struct fuse_session *se)
{
	if (!se) {
		fuse_log(FUSE_LOG_ERR, "fuse: signal handlers need a session\n");
		return -1;
	}
	if (signal_session && signal_session != se) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse: signal handlers are already set for another session\n");
		return -1;
	}
	signal_session = se;
	return 0;
}

int fuse_set_signal_handlers(struct fuse_session *se)
{
	size_t i;

	if (claim_session(se) == -1)
		return -1;
	for (i = 0; i < N_ELEM(exit_signals); i++)
		if (set_one(exit_signals[i], exit_handler, false) == -1)
			return -1;
	if (set_one(SIGPIPE, SIG_IGN, false) == -1)
		return -1;
	return 0;
}

int fuse_set_fail_signal_handlers(struct fuse_session *se)
{
	size_t i;

	if (claim_session(se) == -1)
		return -1;
	for (i = 0; i < N_ELEM(fail_signals); i++)
		if (set_one(fail_signals[i], fail_handler, false) == -1)
			return -1;
	return 0;
}

void fuse_remove_signal_handlers(struct fuse_session *se)
{
	size_t i;

	if (signal_session != se) {
		fuse_log(FUSE_LOG_ERR,
			 "fuse: fuse_remove_signal_handlers: unknown session\n");
		return;
	}
	signal_session = NULL;
	for (i = 0; i < N_ELEM(exit_signals); i++)
		set_one(exit_signals[i], exit_handler, true);
	set_one(SIGPIPE, SIG_IGN, true);
	for (i = 0; i < N_ELEM(fail_signals); i++)
		set_one(fail_signals[i], fail_handler, true);
}
