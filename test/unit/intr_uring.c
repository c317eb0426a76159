// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * intr_uring.c - FUSE_INTERRUPT for a request that came over io_uring, on
 * a real mount (suite 'mount': needs root, /dev/fuse and a kernel with
 * FUSE-over-io_uring; enable_uring is set for the mount and restored).
 *
 * A child reads a direct-I/O file; the server holds the READ (it arrived
 * over the ring) and registers an interrupt callback that answers EINTR.
 * The child gets SIGUSR1 (handler without SA_RESTART), the kernel sends
 * FUSE_INTERRUPT over /dev/fuse, and the child's read must return EINTR.
 * Before the core tracked io_uring requests, the INTERRUPT found nothing
 * and the read hung.
 */
#define FUSE_USE_VERSION 318
#include <fuse_lowlevel.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PARAM "/sys/module/fuse/parameters/enable_uring"
#define FILE_INO 2

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static fuse_req_t held;			/* the READ being held */
static atomic_int read_seen, read_was_uring, intr_calls, held_replied;

static void fill_stat(fuse_ino_t ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	if (ino == FUSE_ROOT_ID) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	} else {
		st->st_mode = S_IFREG | 0644;
		st->st_nlink = 1;
		st->st_size = 4096;
	}
}

static void t_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;

	if (parent != FUSE_ROOT_ID || strcmp(name, "f")) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.ino = FILE_INO;
	fill_stat(FILE_INO, &e.attr);
	fuse_reply_entry(req, &e);
}

static void t_getattr(fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi)
{
	struct stat st;

	(void)fi;
	fill_stat(ino, &st);
	fuse_reply_attr(req, &st, 0);
}

static void t_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	fi->direct_io = 1;	/* a synchronous, interruptible READ */
	fuse_reply_open(req, fi);
}

/* Called under the core's interrupt lock: answer the held READ. */
static void on_interrupt(fuse_req_t req, void *data)
{
	(void)data;
	atomic_fetch_add(&intr_calls, 1);
	pthread_mutex_lock(&lock);
	if (held == req) {
		held = NULL;
		atomic_store(&held_replied, 1);
		fuse_reply_err(req, EINTR);
	}
	pthread_mutex_unlock(&lock);
}

static void t_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		   struct fuse_file_info *fi)
{
	(void)ino; (void)size; (void)off; (void)fi;
	atomic_store(&read_was_uring, fuse_req_is_uring(req));
	pthread_mutex_lock(&lock);
	held = req;
	pthread_mutex_unlock(&lock);
	atomic_store(&read_seen, 1);
	fuse_req_interrupt_func(req, on_interrupt, NULL);
}

static const struct fuse_lowlevel_ops ops = {
	.lookup = t_lookup,
	.getattr = t_getattr,
	.open = t_open,
	.read = t_read,
};

static void *loop_thread(void *arg)
{
	fuse_session_loop(arg);
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static int child_read(const char *path)
{
	struct sigaction sa;
	char buf[4096];
	ssize_t n;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;	/* no SA_RESTART */
	sigaction(SIGUSR1, &sa, NULL);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror("child: open");
		return 2;
	}
	n = read(fd, buf, sizeof(buf));
	if (n < 0 && errno == EINTR)
		return 0;
	fprintf(stderr, "child: read returned %zd (%s), expected EINTR\n",
		n, n < 0 ? strerror(errno) : "data");
	return 1;
}

static int read_param(char *v)
{
	FILE *f = fopen(PARAM, "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%1s", v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

static int write_param(const char *v)
{
	FILE *f = fopen(PARAM, "w");
	int ok;

	if (!f)
		return -1;
	ok = fputs(v, f) >= 0;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	char *argv[] = { "intr_uring", "-o", "io_uring", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	char dir[] = "/tmp/intr-uring.XXXXXX";
	char mnt[64], path[80];
	struct fuse_session *se = NULL;
	pthread_t th;
	char old[2] = "";
	double t0;
	pid_t pid;
	int status = 0, ret = 1, mounted = 0, st;

	if (geteuid() != 0) {
		printf("skipped: needs root (mount(2) and %s)\n", PARAM);
		return 77;
	}
	if (access("/dev/fuse", R_OK | W_OK) != 0) {
		printf("skipped: no /dev/fuse\n");
		return 77;
	}
	if (read_param(old) != 0) {
		printf("skipped: kernel without FUSE-over-io_uring (%s)\n",
		       PARAM);
		return 77;
	}
	if (old[0] != 'Y' && write_param("Y") != 0) {
		printf("skipped: cannot enable %s\n", PARAM);
		return 77;
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		goto restore;
	}
	snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
	snprintf(path, sizeof(path), "%s/f", mnt);
	mkdir(mnt, 0755);

	se = fuse_session_new(&args, &ops, sizeof(ops), NULL);
	if (!se || fuse_session_mount(se, mnt) != 0) {
		fprintf(stderr, "cannot mount\n");
		goto out_dir;
	}
	mounted = 1;
	pthread_create(&th, NULL, loop_thread, se);

	pid = fork();
	if (pid == 0)
		_exit(child_read(path));

	/* Wait for the READ to be held by the server */
	t0 = now();
	while (!atomic_load(&read_seen) && now() - t0 < 10)
		usleep(10000);
	if (!atomic_load(&read_seen)) {
		fprintf(stderr, "the READ never arrived\n");
		kill(pid, SIGKILL);
		goto out_wait;
	}
	if (!atomic_load(&read_was_uring)) {
		printf("skipped: io_uring did not come up (the READ arrived over /dev/fuse)\n");
		ret = 77;
	}
	kill(pid, SIGUSR1);

out_wait:
	/* The child must come back on its own (EINTR) within 10 s */
	t0 = now();
	while ((st = waitpid(pid, &status, WNOHANG)) == 0 && now() - t0 < 10)
		usleep(10000);
	if (st == 0) {
		fprintf(stderr, "the read did not return after the signal: the INTERRUPT did not find the io_uring request\n");
		pthread_mutex_lock(&lock);
		if (held) {
			fuse_reply_err(held, EIO);
			held = NULL;
		}
		pthread_mutex_unlock(&lock);
		waitpid(pid, &status, 0);
		ret = 1;
	} else if (ret != 77) {
		ret = (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		       atomic_load(&intr_calls) >= 1 &&
		       atomic_load(&held_replied)) ? 0 : 1;
		if (ret)
			fprintf(stderr, "child status %d, interrupt callbacks %d\n",
				status, atomic_load(&intr_calls));
	}

	fuse_session_exit(se);
	if (umount2(mnt, MNT_DETACH) != 0)
		perror("umount");
	pthread_join(th, NULL);
	fuse_session_unmount(se);
out_dir:
	if (se)
		fuse_session_destroy(se);
	rmdir(mnt);
	rmdir(dir);
restore:
	if (old[0] && old[0] != 'Y')
		write_param(old);
	fuse_opt_free_args(&args);
	if (ret == 0)
		printf("intr_uring: ok (INTERRUPT over /dev/fuse answered a READ from the ring)\n");
	else if (ret == 1 && !mounted)
		fprintf(stderr, "intr_uring: mount failed\n");
	return ret;
}
