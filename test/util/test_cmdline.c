// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_cmdline.c - fuse_parse_cmdline(), conn_info options, versions and
 * fuse_daemonize().  Also built against Debian's libfuse3 (if installed)
 * with UPSTREAM_LIBFUSE defined, for the parts both libraries share.
 */
#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 318
#endif
#include <fuse_lowlevel.h>
#ifndef UPSTREAM_LIBFUSE
#include "fuse_i.h"	/* white box: a session's own conn */
#include "mount_i.h"	/* fuse_mount_fd_from_path() */
#endif

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static int args_equal(const struct fuse_args *args, const char **want)
{
	int i;

	for (i = 0; want[i]; i++)
		if (i >= args->argc || strcmp(args->argv[i], want[i]) != 0)
			goto differ;
	if (i == args->argc)
		return 1;
differ:
	fprintf(stderr, "  got:");
	for (i = 0; i < args->argc; i++)
		fprintf(stderr, " [%s]", args->argv[i]);
	fprintf(stderr, "\n");
	return 0;
}

static int parse(const char **argv, struct fuse_args *args,
		 struct fuse_cmdline_opts *opts)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	args->argc = argc;
	args->argv = (char **)argv;
	args->allocated = 0;
	return fuse_parse_cmdline(args, opts);
}

static void test_cmdline(void)
{
	struct fuse_cmdline_opts o;
	struct fuse_args args;
	char real_tmp[PATH_MAX];

	CHECK(realpath("/tmp", real_tmp) != NULL);
	{
		const char *argv[] = { "/usr/bin/myfs", "-d", "-s", "-o",
				       "clone_fd,max_threads=5,max_idle_threads=2,foo",
				       "/tmp", NULL };
		const char *want[] = { "/usr/bin/myfs", "-o", "foo", "-d",
				       "-osubtype=myfs", NULL };

		CHECK_INT(parse(argv, &args, &o), 0);
		CHECK_INT(o.debug, 1);
		CHECK_INT(o.foreground, 1);
		CHECK_INT(o.singlethread, 1);
		CHECK_INT(o.clone_fd, 1);
		CHECK_INT(o.max_threads, 5);
		CHECK_INT(o.max_idle_threads, 2);
		CHECK_INT(o.show_help, 0);
		CHECK_INT(o.show_version, 0);
		CHECK_STR(o.mountpoint, real_tmp);
		CHECK(args_equal(&args, want));
		free(o.mountpoint);
		fuse_opt_free_args(&args);
	}
	/* Defaults; fsname= suppresses the default subtype and is kept. */
	{
		const char *argv[] = { "prog", "-f", "-ofsname=x", NULL };
		const char *want[] = { "prog", "-o", "fsname=x", NULL };

		CHECK_INT(parse(argv, &args, &o), 0);
		CHECK_INT(o.foreground, 1);
		CHECK_INT(o.debug, 0);
		CHECK_INT(o.singlethread, 0);
		CHECK_INT(o.max_threads, 10);
		CHECK(o.max_idle_threads == UINT_MAX);
		CHECK_INT(o.nodefault_subtype, 1);
		CHECK(o.mountpoint == NULL);
		CHECK(args_equal(&args, want));
		fuse_opt_free_args(&args);
	}
	{
		const char *argv[] = { "prog", "-o", "subtype=mine,debug", NULL };
		const char *want[] = { "prog", "-o", "subtype=mine,debug", NULL };

		CHECK_INT(parse(argv, &args, &o), 0);
		CHECK_INT(o.debug, 1);
		CHECK(args_equal(&args, want));
		fuse_opt_free_args(&args);
	}
	/* Help and version flags. */
	{
		const char *argv[] = { "prog", "-h", "--version", NULL };

		CHECK_INT(parse(argv, &args, &o), 0);
		CHECK_INT(o.show_help, 1);
		CHECK_INT(o.show_version, 1);
		fuse_opt_free_args(&args);
	}
	/* Two mount points, or a missing one, are errors. */
	{
		const char *argv[] = { "prog", "/tmp", "/", NULL };

		CHECK_INT(parse(argv, &args, &o), -1);
	}
	{
		const char *argv[] = { "prog", "/nonexistent/fuse-util-test",
				       NULL };

		CHECK_INT(parse(argv, &args, &o), -1);
	}
	/* "/dev/fd/N" with N open is kept as is. */
	{
		char mp[64];
		int fd = open("/dev/null", O_RDWR);
		const char *argv[] = { "prog", mp, NULL };

		snprintf(mp, sizeof(mp), "/dev/fd/%d", fd);
		CHECK_INT(parse(argv, &args, &o), 0);
		CHECK_STR(o.mountpoint, mp);
		free(o.mountpoint);
		fuse_opt_free_args(&args);
		close(fd);
	}
}

#ifndef UPSTREAM_LIBFUSE
int fuse_parse_cmdline_30(struct fuse_args *args,
			  struct fuse_cmdline_opts *opts);

/* The 3.0 entry point writes only the 3.0 struct (no max_threads). */
static void test_cmdline_30(void)
{
	struct {
		char opts[offsetof(struct fuse_cmdline_opts, max_threads)];
		unsigned char guard[16];
	} s;
	struct fuse_cmdline_opts *o = (struct fuse_cmdline_opts *)(void *)&s;
	const char *argv[] = { "prog", "-s", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(2, (char **)argv);
	size_t i;

	memset(&s, 0xa5, sizeof(s));
	CHECK_INT(fuse_parse_cmdline_30(&args, o), 0);
	CHECK_INT(o->singlethread, 1);
	for (i = 0; i < sizeof(s.guard); i++)
		CHECK_INT(s.guard[i], 0xa5);
	fuse_opt_free_args(&args);
}
#endif

#ifndef UPSTREAM_LIBFUSE
static void test_fd_path(void)
{
	char path[64];
	int fd = open("/dev/null", O_RDONLY);

	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	CHECK_INT(fuse_mount_fd_from_path(path), fd);
	close(fd);
	CHECK_INT(fuse_mount_fd_from_path(path), -1);	/* closed */
	CHECK_INT(fuse_mount_fd_from_path("/dev/fd/"), -1);
	CHECK_INT(fuse_mount_fd_from_path("/dev/fd/1x"), -1);
	CHECK_INT(fuse_mount_fd_from_path("/dev/fd/-1"), -1);
	CHECK_INT(fuse_mount_fd_from_path("/dev/fd/ 1"), -1);
	CHECK_INT(fuse_mount_fd_from_path("/dev/fd/99999999999999999999"), -1);
	CHECK_INT(fuse_mount_fd_from_path("/dev/fdx/1"), -1);
	CHECK_INT(fuse_mount_fd_from_path("/tmp"), -1);
	CHECK_INT(fuse_mount_fd_from_path(NULL), -1);
	CHECK_INT(fuse_mount_fd_from_path("/dev/fd/1"), 1);
}
#endif

/* Run @fn with stdout going into @out. */
static void capture_stdout(void (*fn)(void), char *out, size_t len)
{
	int p[2], saved;
	ssize_t n, total = 0;

	fflush(stdout);
	if (pipe(p) == -1)
		return;
	saved = dup(1);
	dup2(p[1], 1);
	close(p[1]);
	fn();
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	while ((n = read(p[0], out + total, len - 1 - total)) > 0)
		total += n;
	out[total] = '\0';
	close(p[0]);
}

static void test_help(void)
{
	char out[4096];

	capture_stdout(fuse_cmdline_help, out, sizeof(out));
	CHECK(strstr(out, "    -d   -o debug          enable debug output (implies -f)\n") != NULL);
	CHECK(strstr(out, "-o max_threads") != NULL);
	CHECK(strstr(out, "-o clone_fd") != NULL);
	capture_stdout(fuse_lowlevel_help, out, sizeof(out));
	CHECK(strstr(out, "    -o allow_other         allow access by all users\n") != NULL);
	CHECK(strstr(out, "-o auto_unmount") != NULL);
	capture_stdout(fuse_lowlevel_version, out, sizeof(out));
	CHECK(strstr(out, "using FUSE kernel interface version 7.") != NULL);
	CHECK(strstr(out, "fusermount3 version: ") != NULL);
}

static void test_versions(void)
{
	CHECK(fuse_version() >= 314);
#ifndef UPSTREAM_LIBFUSE
	CHECK_INT(fuse_version(), 318);
	CHECK_STR(fuse_pkgversion(), "3.18.0");
#endif
}

static void test_conn_opts(void)
{
	const char *argv[] = { "prog", "-o",
			       "max_write=4096,writeback_cache,no_splice_read,other,time_gran=10,max_readahead=0",
			       NULL };
	const char *want[] = { "prog", "-o", "other", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, (char **)argv);
	struct fuse_conn_info_opts *co;
	struct fuse_conn_info *conn;
#ifdef UPSTREAM_LIBFUSE
	struct fuse_conn_info own;

	conn = &own;
#else
	/*
	 * fuse_set_feature_flag() works on the conn inside a session, so
	 * use a real (unmounted) session's conn.
	 */
	static const struct fuse_lowlevel_ops ops;
	const char *sargv[] = { "prog", NULL };
	struct fuse_args sargs = FUSE_ARGS_INIT(1, (char **)sargv);
	struct fuse_session *se = fuse_session_new(&sargs, &ops, sizeof(ops),
						   NULL);

	CHECK(se != NULL);
	if (!se)
		return;
	conn = &se->conn;
#endif

	co = fuse_parse_conn_info_opts(&args);
	CHECK(co != NULL);
	if (!co)
		return;
	CHECK(args_equal(&args, want));
	memset(conn, 0, sizeof(*conn));
	conn->max_write = 1 << 20;
	conn->max_readahead = 1 << 20;
	conn->max_background = 12;
	conn->capable = FUSE_CAP_WRITEBACK_CACHE | FUSE_CAP_SPLICE_READ |
			FUSE_CAP_ASYNC_READ;
	conn->want = FUSE_CAP_SPLICE_READ | FUSE_CAP_ASYNC_READ;
#ifndef UPSTREAM_LIBFUSE
	conn->capable_ext = conn->capable;
	conn->want_ext = conn->want;
#endif
	fuse_apply_conn_info_opts(co, conn);
	CHECK_INT(conn->max_write, 4096);
	CHECK_INT(conn->max_readahead, 0);
	CHECK_INT(conn->max_background, 12);
	CHECK_INT(conn->time_gran, 10);
	CHECK(conn->want & FUSE_CAP_WRITEBACK_CACHE);
	CHECK(!(conn->want & FUSE_CAP_SPLICE_READ));
	CHECK(conn->want & FUSE_CAP_ASYNC_READ);
#ifndef UPSTREAM_LIBFUSE
	CHECK(conn->want_ext & FUSE_CAP_WRITEBACK_CACHE);
	CHECK(!(conn->want_ext & FUSE_CAP_SPLICE_READ));
	CHECK(conn->want_ext & FUSE_CAP_ASYNC_READ);
	fuse_session_destroy(se);
	fuse_opt_free_args(&sargs);
#endif
	free(co);
	fuse_opt_free_args(&args);

	/* A bad number is an error. */
	{
		const char *bad[] = { "prog", "-omax_write=x", NULL };
		struct fuse_args a2 = FUSE_ARGS_INIT(2, (char **)bad);

		CHECK(fuse_parse_conn_info_opts(&a2) == NULL);
	}
}

/*
 * fuse_daemonize(0): the parent exits 0 only after the child detached;
 * the child runs in a new session with cwd "/" and stdio on /dev/null.
 */
static void test_daemonize(void)
{
	char report[] = "/tmp/fuse-util-daemon-XXXXXX";
	int rfd = mkstemp(report);
	pid_t pid;
	int status, i;
	char buf[256] = "";

	CHECK(rfd >= 0);
	pid = fork();
	if (pid == 0) {
		char cwd[PATH_MAX], line[PATH_MAX + 64];
		int n;

		if (fuse_daemonize(0) != 0)
			_exit(3);
		if (!getcwd(cwd, sizeof(cwd)))
			_exit(4);
		n = snprintf(line, sizeof(line), "sid=%d pid=%d cwd=%s stdout=%d\n",
			     (int)getsid(0), (int)getpid(), cwd,
			     isatty(1) ? 1 : (int)write(1, "", 0));
		if (pwrite(rfd, line, n, 0) != n)
			_exit(5);
		_exit(0);
	}
	CHECK_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	for (i = 0; i < 200; i++) {
		ssize_t n = pread(rfd, buf, sizeof(buf) - 1, 0);

		if (n > 0) {
			buf[n] = '\0';
			break;
		}
		usleep(10000);
	}
	{
		int sid = -1, dpid = -2, out = -1;
		char cwd[64] = "";

		CHECK_INT(sscanf(buf, "sid=%d pid=%d cwd=%63s stdout=%d", &sid,
				 &dpid, cwd, &out), 4);
		CHECK_INT(sid, dpid);
		CHECK(dpid != pid);
		CHECK_STR(cwd, "/");
		CHECK_INT(out, 0);
	}
	close(rfd);
	unlink(report);

	/* Foreground: no fork, just chdir("/"). */
	pid = fork();
	if (pid == 0) {
		char cwd[8];

		if (chdir("/tmp") != 0 || fuse_daemonize(1) != 0)
			_exit(1);
		_exit(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") == 0 ? 0 : 2);
	}
	CHECK_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
	test_cmdline();
#ifndef UPSTREAM_LIBFUSE
	test_cmdline_30();
	test_fd_path();
#endif
	test_help();
	test_versions();
	test_conn_opts();
	test_daemonize();
	return check_report("test_cmdline");
}
