// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_signals.c - fuse_set_signal_handlers(), fuse_remove_signal_handlers()
 * and fuse_set_fail_signal_handlers() on an unmounted session.
 */
#define FUSE_USE_VERSION 318
#include <fuse_lowlevel.h>
#include "fuse_i.h"	/* fuse_session_loop_result() */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static const struct fuse_lowlevel_ops ops;

static struct fuse_session *new_session(void)
{
	const char *argv[] = { "test_signals", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(1, (char **)argv);
	struct fuse_session *se = fuse_session_new(&args, &ops, sizeof(ops),
						   NULL);

	fuse_opt_free_args(&args);
	return se;
}

static void (*handler_of(int sig))(int)
{
	struct sigaction sa;

	sigaction(sig, NULL, &sa);
	return sa.sa_handler;
}

static void own_handler(int sig)
{
	(void)sig;
}

static void test_exit_signals(void)
{
	struct fuse_session *se = new_session(), *se2 = new_session();
	int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	int p[2];
	size_t i;

	CHECK(se && se2);
	if (!se || !se2)
		return;
	CHECK(handler_of(SIGTERM) == SIG_DFL);
	CHECK_INT(fuse_set_signal_handlers(se), 0);
	CHECK(handler_of(SIGTERM) != SIG_DFL);
	CHECK(handler_of(SIGPIPE) == SIG_IGN);

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		fuse_session_reset(se);
		CHECK_INT(fuse_session_exited(se), 0);
		raise(sigs[i]);
		CHECK_INT(fuse_session_exited(se), 1);
		CHECK_INT(fuse_session_loop_result(se), sigs[i]);
	}

	/* SIGPIPE is ignored: writing to a closed pipe gives EPIPE. */
	CHECK_INT(pipe(p), 0);
	close(p[0]);
	CHECK_INT(write(p[1], "x", 1), -1);
	CHECK_INT(errno, EPIPE);
	close(p[1]);

	/* One session at a time. */
	CHECK_INT(fuse_set_signal_handlers(se2), -1);

	fuse_remove_signal_handlers(se);
	CHECK(handler_of(SIGTERM) == SIG_DFL);
	CHECK(handler_of(SIGINT) == SIG_DFL);
	CHECK(handler_of(SIGPIPE) == SIG_DFL);

	/* A handler the program installed itself is left alone. */
	signal(SIGHUP, own_handler);
	CHECK_INT(fuse_set_signal_handlers(se2), 0);
	CHECK(handler_of(SIGHUP) == own_handler);
	CHECK(handler_of(SIGTERM) != SIG_DFL);
	fuse_remove_signal_handlers(se2);
	CHECK(handler_of(SIGHUP) == own_handler);
	CHECK(handler_of(SIGTERM) == SIG_DFL);
	signal(SIGHUP, SIG_DFL);

	fuse_session_destroy(se);
	fuse_session_destroy(se2);
}

/* A fatal signal prints a backtrace and still kills with that signal. */
static void test_fail_signals(void)
{
	int sigs[] = { SIGSEGV, SIGABRT, SIGBUS };
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		char out[8192], want[64];
		int p[2], status;
		ssize_t n, total = 0;
		pid_t pid;

		CHECK_INT(pipe(p), 0);
		pid = fork();
		if (pid == 0) {
			struct rlimit nocore = { 0, 0 };
			struct fuse_session *se = new_session();

			setrlimit(RLIMIT_CORE, &nocore);
			dup2(p[1], 2);
			close(p[0]);
			/*
			 * Only a default disposition is replaced; under a
			 * sanitizer the runtime owns SIGSEGV/SIGBUS.
			 */
			if (handler_of(sigs[i]) != SIG_DFL)
				_exit(42);
			if (!se || fuse_set_fail_signal_handlers(se) != 0)
				_exit(3);
			raise(sigs[i]);
			_exit(4);	/* not reached */
		}
		close(p[1]);
		while ((n = read(p[0], out + total,
				 sizeof(out) - 1 - total)) > 0)
			total += n;
		out[total] = '\0';
		close(p[0]);
		CHECK_INT(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 42) {
			printf("signal %d is handled by a sanitizer runtime: not checked\n",
			       sigs[i]);
			continue;
		}
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == sigs[i]);
		snprintf(want, sizeof(want), "fatal signal %d, backtrace:\n",
			 sigs[i]);
		CHECK(strstr(out, want) != NULL);
		/* At least one frame after the header. */
		CHECK(strchr(strstr(out, want) ? strstr(out, want) +
			     strlen(want) : out, '\n') != NULL);
	}
}

int main(void)
{
	test_exit_signals();
	test_fail_signals();
	return check_report("test_signals");
}
