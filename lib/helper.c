// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * helper.c - helpers for simple FUSE programs: command line parsing,
 * help and version printers, daemonizing, and the fuse_conn_info option
 * parser.  Behaviour follows libfuse 3.18 lib/helper.c.
 */
#include "fuse_i.h"
#include "mount_i.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CMDLINE_OPT(t, field) { t, offsetof(struct fuse_cmdline_opts, field), 1 }

static const struct fuse_opt cmdline_templates[] = {
	CMDLINE_OPT("-h", show_help),
	CMDLINE_OPT("--help", show_help),
	CMDLINE_OPT("-V", show_version),
	CMDLINE_OPT("--version", show_version),
	CMDLINE_OPT("-d", debug),
	CMDLINE_OPT("debug", debug),
	CMDLINE_OPT("-d", foreground),
	CMDLINE_OPT("debug", foreground),
	/* The session needs -d / debug too. */
	FUSE_OPT_KEY("-d", FUSE_OPT_KEY_KEEP),
	FUSE_OPT_KEY("debug", FUSE_OPT_KEY_KEEP),
	CMDLINE_OPT("-f", foreground),
	CMDLINE_OPT("-s", singlethread),
	CMDLINE_OPT("fsname=", nodefault_subtype),
	FUSE_OPT_KEY("fsname=", FUSE_OPT_KEY_KEEP),
	CMDLINE_OPT("subtype=", nodefault_subtype),
	FUSE_OPT_KEY("subtype=", FUSE_OPT_KEY_KEEP),
	CMDLINE_OPT("clone_fd", clone_fd),
	CMDLINE_OPT("max_idle_threads=%u", max_idle_threads),
	CMDLINE_OPT("max_threads=%u", max_threads),
	FUSE_OPT_END
};

void fuse_cmdline_help(void)
{
	printf("    -h   --help            print help\n"
	       "    -V   --version         print version\n"
	       "    -d   -o debug          enable debug output (implies -f)\n"
	       "    -f                     foreground operation\n"
	       "    -s                     disable multi-threaded operation\n"
	       "    -o clone_fd            use separate fuse device fd for each thread\n"
	       "                           (may improve performance)\n"
	       "    -o max_idle_threads    the maximum number of idle worker threads\n"
	       "                           allowed (default: -1)\n"
	       "    -o max_threads         the maximum number of worker threads\n"
	       "                           allowed (default: 10)\n");
}

void fuse_lowlevel_help(void)
{
	/* The options of fuse_session_new() an end user may care about. */
	printf("    -o allow_other         allow access by all users\n"
	       "    -o allow_root          allow access by root\n"
	       "    -o auto_unmount        auto unmount on process termination\n"
	       "    -o default_permissions let the kernel check permissions\n"
	       "    -o fsname=NAME         file system name shown in mount tables\n"
	       "    -o subtype=NAME        file system type is fuse.NAME\n"
	       "    -o ro                  mount read-only\n"
	       "    -o max_read=N          largest read request (bytes)\n"
	       "    -o io_uring            use FUSE-over-io_uring when available\n"
	       "    -o io_uring_q_depth=N  io_uring queue depth\n");
}

void fuse_lowlevel_version(void)
{
	const char *argv[] = { FUSERMOUNT_PROG, "-V", NULL };
	pid_t pid;

	printf("using FUSE kernel interface version %i.%i\n",
	       FUSE_KERNEL_VERSION, FUSE_KERNEL_MINOR_VERSION);
	fflush(stdout);
	/* Like libfuse, also show the mount helper's version. */
	if (fuse_mnt_spawn_helper(argv, -1, false, &pid) == 0)
		fuse_mnt_wait_helper(pid);
}

int fuse_version(void)
{
	return FUSE_VERSION;
}

const char *fuse_pkgversion(void)
{
	return PACKAGE_VERSION;
}

static int cmdline_proc(void *data, const char *arg, int key,
			struct fuse_args *outargs)
{
	struct fuse_cmdline_opts *opts = data;
	char path[PATH_MAX];

	(void)outargs;
	if (key != FUSE_OPT_KEY_NONOPT)
		return 1;	/* not ours: leave it for the session */
	if (opts->mountpoint) {
		fuse_log(FUSE_LOG_ERR, "fuse: invalid argument `%s'\n", arg);
		return -1;
	}
	/* "/dev/fd/N": a parent process mounted and passes the fd. */
	if (fuse_mount_fd_from_path(arg) != -1)
		return fuse_opt_add_opt(&opts->mountpoint, arg);
	if (!realpath(arg, path)) {
		fuse_log(FUSE_LOG_ERR, "fuse: bad mount point `%s': %s\n",
			 arg, strerror(errno));
		return -1;
	}
	return fuse_opt_add_opt(&opts->mountpoint, path);
}

/* Add "-osubtype=<basename of argv[0]>" as libfuse does. */
static int add_default_subtype(const char *progname, struct fuse_args *args)
{
	const char *base = progname ? strrchr(progname, '/') : NULL;
	const char *p;
	char *opt;
	int res;

	base = base ? base + 1 : progname;
	if (!base || !*base)
		return 0;
	for (p = base; *p; p++) {
		if (*p == ',' || *p == ' ' || *p == '\\' ||
		    (unsigned char)*p < 0x20) {
			fuse_log(FUSE_LOG_DEBUG,
				 "fuse: program name `%s' unusable as subtype\n",
				 base);
			return 0;
		}
	}
	if (asprintf(&opt, "-osubtype=%s", base) < 0) {
		fuse_log(FUSE_LOG_ERR, "fuse: memory allocation failed\n");
		return -1;
	}
	res = fuse_opt_add_arg(args, opt);
	free(opt);
	return res;
}

int fuse_parse_cmdline_312(struct fuse_args *args,
			   struct fuse_cmdline_opts *opts);
int fuse_parse_cmdline_312(struct fuse_args *args,
			   struct fuse_cmdline_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	/* 3.12 defaults: no idle thread limit, at most 10 workers. */
	opts->max_idle_threads = UINT_MAX;
	opts->max_threads = 10;

	if (fuse_opt_parse(args, opts, cmdline_templates, cmdline_proc) == -1)
		goto err;
	if (!opts->nodefault_subtype && args->argc > 0 &&
	    add_default_subtype(args->argv[0], args) == -1)
		goto err;
	return 0;
err:
	free(opts->mountpoint);
	opts->mountpoint = NULL;
	return -1;
}

/* The 3.0 struct ends before max_threads. */
struct fuse_cmdline_opts_30 {
	int singlethread;
	int foreground;
	int debug;
	int nodefault_subtype;
	char *mountpoint;
	int show_version;
	int show_help;
	int clone_fd;
	unsigned int max_idle_threads;
};

_Static_assert(sizeof(struct fuse_cmdline_opts_30) ==
	       offsetof(struct fuse_cmdline_opts, max_threads),
	       "3.0 fuse_cmdline_opts is a prefix of the 3.12 one");

int fuse_parse_cmdline_30(struct fuse_args *args,
			  struct fuse_cmdline_opts *opts);
int fuse_parse_cmdline_30(struct fuse_args *args,
			  struct fuse_cmdline_opts *opts)
{
	struct fuse_cmdline_opts full;
	int res = fuse_parse_cmdline_312(args, &full);

	/* Old callers pass the smaller struct: copy only its fields. */
	memcpy(opts, &full, sizeof(struct fuse_cmdline_opts_30));
	return res;
}

/*
 * Symbol versions: fuse_parse_cmdline@FUSE_3.0 is the 3.0 layout,
 * fuse_parse_cmdline@@FUSE_3.12 the current one (as libfuse 3.18).  When
 * the library is built without versioned symbols, a plain
 * fuse_parse_cmdline with the current layout is provided instead.
 */
#if defined(FUSE_SYMVER)
FUSE_SYMVER("fuse_parse_cmdline_30", "fuse_parse_cmdline@FUSE_3.0");
FUSE_SYMVER("fuse_parse_cmdline_312", "fuse_parse_cmdline@@FUSE_3.12");
#else
#undef fuse_parse_cmdline
int fuse_parse_cmdline(struct fuse_args *args, struct fuse_cmdline_opts *opts)
{
	return fuse_parse_cmdline_312(args, opts);
}
#endif

int fuse_daemonize(int foreground)
{
	char done = 0;
	int pipefd[2];
	int nullfd;
	pid_t pid;

	if (foreground) {
		if (chdir("/") == -1)
			fuse_log(FUSE_LOG_WARNING, "fuse_daemonize: chdir /: %s\n",
				 strerror(errno));
		return 0;
	}

	/*
	 * The parent waits until the child reports that it has finished
	 * detaching, so that the program's caller sees a ready file system
	 * when the parent exits (exit status 0), or an error (status 1).
	 */
	if (pipe2(pipefd, O_CLOEXEC) == -1) {
		fuse_log(FUSE_LOG_ERR, "fuse_daemonize: pipe: %s\n",
			 strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == -1) {
		fuse_log(FUSE_LOG_ERR, "fuse_daemonize: fork: %s\n",
			 strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid > 0) {
		ssize_t n;

		close(pipefd[1]);
		do {
			n = read(pipefd[0], &done, 1);
		} while (n == -1 && errno == EINTR);
		_exit(n == 1 && done == 1 ? 0 : 1);
	}

	close(pipefd[0]);
	if (setsid() == -1) {
		fuse_log(FUSE_LOG_ERR, "fuse_daemonize: setsid: %s\n",
			 strerror(errno));
		close(pipefd[1]);
		return -1;
	}
	if (chdir("/") == -1)
		fuse_log(FUSE_LOG_WARNING, "fuse_daemonize: chdir /: %s\n",
			 strerror(errno));
	nullfd = open("/dev/null", O_RDWR);
	if (nullfd != -1) {
		dup2(nullfd, 0);
		dup2(nullfd, 1);
		dup2(nullfd, 2);
		if (nullfd > 2)
			close(nullfd);
	}
	done = 1;
	if (write(pipefd[1], &done, 1) != 1)
		fuse_log(FUSE_LOG_WARNING,
			 "fuse_daemonize: cannot notify the parent\n");
	close(pipefd[1]);
	return 0;
}

/* Options that change struct fuse_conn_info (see fuse_common.h). */
struct fuse_conn_info_opts {
	int atomic_o_trunc;
	int no_remote_posix_lock;
	int no_remote_flock;
	int splice_write;
	int splice_move;
	int splice_read;
	int no_splice_write;
	int no_splice_move;
	int no_splice_read;
	int auto_inval_data;
	int no_auto_inval_data;
	int no_readdirplus;
	int no_readdirplus_auto;
	int async_dio;
	int no_async_dio;
	int writeback_cache;
	int no_writeback_cache;
	int async_read;
	int sync_read;
	unsigned int max_write;
	unsigned int max_readahead;
	unsigned int max_background;
	unsigned int congestion_threshold;
	unsigned int time_gran;
	int set_max_write;
	int set_max_readahead;
	int set_max_background;
	int set_congestion_threshold;
	int set_time_gran;
};

#define CONN_OPT(t, field, v) \
	{ t, offsetof(struct fuse_conn_info_opts, field), v }

static const struct fuse_opt conn_info_templates[] = {
	CONN_OPT("max_write=%u", max_write, 0),
	CONN_OPT("max_write=", set_max_write, 1),
	CONN_OPT("max_readahead=%u", max_readahead, 0),
	CONN_OPT("max_readahead=", set_max_readahead, 1),
	CONN_OPT("max_background=%u", max_background, 0),
	CONN_OPT("max_background=", set_max_background, 1),
	CONN_OPT("congestion_threshold=%u", congestion_threshold, 0),
	CONN_OPT("congestion_threshold=", set_congestion_threshold, 1),
	CONN_OPT("sync_read", sync_read, 1),
	CONN_OPT("async_read", async_read, 1),
	CONN_OPT("atomic_o_trunc", atomic_o_trunc, 1),
	CONN_OPT("no_remote_lock", no_remote_posix_lock, 1),
	CONN_OPT("no_remote_lock", no_remote_flock, 1),
	CONN_OPT("no_remote_flock", no_remote_flock, 1),
	CONN_OPT("no_remote_posix_lock", no_remote_posix_lock, 1),
	CONN_OPT("splice_write", splice_write, 1),
	CONN_OPT("no_splice_write", no_splice_write, 1),
	CONN_OPT("splice_move", splice_move, 1),
	CONN_OPT("no_splice_move", no_splice_move, 1),
	CONN_OPT("splice_read", splice_read, 1),
	CONN_OPT("no_splice_read", no_splice_read, 1),
	CONN_OPT("auto_inval_data", auto_inval_data, 1),
	CONN_OPT("no_auto_inval_data", no_auto_inval_data, 1),
	CONN_OPT("readdirplus=no", no_readdirplus, 1),
	CONN_OPT("readdirplus=yes", no_readdirplus, 0),
	CONN_OPT("readdirplus=yes", no_readdirplus_auto, 1),
	CONN_OPT("readdirplus=auto", no_readdirplus, 0),
	CONN_OPT("readdirplus=auto", no_readdirplus_auto, 0),
	CONN_OPT("async_dio", async_dio, 1),
	CONN_OPT("no_async_dio", no_async_dio, 1),
	CONN_OPT("writeback_cache", writeback_cache, 1),
	CONN_OPT("no_writeback_cache", no_writeback_cache, 1),
	CONN_OPT("time_gran=%u", time_gran, 0),
	CONN_OPT("time_gran=", set_time_gran, 1),
	FUSE_OPT_END
};

struct fuse_conn_info_opts *fuse_parse_conn_info_opts(struct fuse_args *args)
{
	struct fuse_conn_info_opts *opts = calloc(1, sizeof(*opts));

	if (!opts) {
		fuse_log(FUSE_LOG_ERR, "fuse: out of memory for conn info options\n");
		return NULL;
	}
	if (fuse_opt_parse(args, opts, conn_info_templates, NULL) == -1) {
		free(opts);
		return NULL;
	}
	return opts;
}

static void want_cap(struct fuse_conn_info *conn, int on, int off,
		     uint64_t cap)
{
	if (on)
		fuse_set_feature_flag(conn, cap);
	if (off)
		fuse_unset_feature_flag(conn, cap);
}

void fuse_apply_conn_info_opts(struct fuse_conn_info_opts *opts,
			       struct fuse_conn_info *conn)
{
	if (opts->set_max_write)
		conn->max_write = opts->max_write;
	if (opts->set_max_background)
		conn->max_background = opts->max_background;
	if (opts->set_congestion_threshold)
		conn->congestion_threshold = opts->congestion_threshold;
	if (opts->set_time_gran)
		conn->time_gran = opts->time_gran;
	if (opts->set_max_readahead)
		conn->max_readahead = opts->max_readahead;

	want_cap(conn, opts->splice_read, opts->no_splice_read,
		 FUSE_CAP_SPLICE_READ);
	want_cap(conn, opts->splice_write, opts->no_splice_write,
		 FUSE_CAP_SPLICE_WRITE);
	want_cap(conn, opts->splice_move, opts->no_splice_move,
		 FUSE_CAP_SPLICE_MOVE);
	want_cap(conn, opts->auto_inval_data, opts->no_auto_inval_data,
		 FUSE_CAP_AUTO_INVAL_DATA);
	want_cap(conn, 0, opts->no_readdirplus, FUSE_CAP_READDIRPLUS);
	want_cap(conn, 0, opts->no_readdirplus_auto,
		 FUSE_CAP_READDIRPLUS_AUTO);
	want_cap(conn, opts->async_dio, opts->no_async_dio,
		 FUSE_CAP_ASYNC_DIO);
	want_cap(conn, opts->writeback_cache, opts->no_writeback_cache,
		 FUSE_CAP_WRITEBACK_CACHE);
	want_cap(conn, opts->async_read, opts->sync_read,
		 FUSE_CAP_ASYNC_READ);
	want_cap(conn, 0, opts->no_remote_posix_lock, FUSE_CAP_POSIX_LOCKS);
	want_cap(conn, 0, opts->no_remote_flock, FUSE_CAP_FLOCK_LOCKS);
	/* atomic_o_trunc is accepted but, as in libfuse, not applied. */
}

/*
 * fuse_open_channel() (libfuse API, version node FUSE_3.3):
 * mount @mountpoint with the comma separated @options and return the
 * /dev/fuse descriptor, or -1 with a logged reason.
 */
int fuse_open_channel(const char *mountpoint, const char *options);
int fuse_open_channel(const char *mountpoint, const char *options)
{
	const char *argv[] = { "", "-o", options ? options : "", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, (char **)argv);
	struct mount_opts *mo;
	int fd;

	mo = fuse_mount_opts_parse(&args);
	fuse_opt_free_args(&args);
	if (!mo)
		return -1;
	fd = fuse_kern_mount(mountpoint, mo);
	fuse_mount_opts_free(mo);
	return fd;
}
