// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_mount.c - mounting through lib/mount.c (fuse_kern_mount and
 * fuse_kern_unmount), in several modes:
 *
 *   protocol <fake_fusermount>  the fusermount3 fd-passing protocol with
 *                               the stand-in helper, as an unprivileged
 *                               user: options passed, fd received, unmount
 *                               call, failures, auto_unmount watchdog
 *   fusermount                  the real setuid fusermount3 as an
 *                               unprivileged user: mount, serve INIT and
 *                               GETATTR, stat, unmount
 *   autounmount                 same with -o auto_unmount; the server is
 *                               killed with SIGKILL and the mount must go
 *   autounmount-root            same, started by root
 *   root                        direct mount(2) as root with options
 *
 * Root is needed to switch to an unprivileged user (a throwaway system
 * user created with useradd, or nobody) or to mount; without it the test
 * prints "skipped: ..." and exits 77.
 *
 * fusermount3 opens /dev/fuse with the user's fsuid.  Debian's udev rule
 * makes it 0666; machines without udev may leave it 0600, which locks
 * every user out of FUSE.  The real-helper modes then run in a private
 * mount namespace where a 0666 /dev/fuse node (on a private tmpfs) is
 * bound over /dev/fuse; nothing changes outside the test.  The real-helper modes also skip,
 * naming the reason, when this machine cannot run setuid programs
 * (fusermount3 missing or not setuid root, nosuid file system,
 * no_new_privs).
 */
#include <fuse_opt.h>
#include "mount_i.h"
#include "mini_server.h"
#include "mount_env.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static struct mount_opts *parse_opts(const char *opts)
{
	const char *argv[] = { "test_mount", "-o", opts, NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, (char **)argv);
	struct mount_opts *mo = fuse_mount_opts_parse(&args);

	fuse_opt_free_args(&args);
	return mo;
}

/* ---------------------------------------------------------------- */
/* protocol: the stand-in helper                                     */
/* ---------------------------------------------------------------- */

static char logpath[PATH_MAX];

static char *read_log(void)
{
	static char buf[8192];
	FILE *f = fopen(logpath, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void clear_log(void)
{
	FILE *f = fopen(logpath, "w");

	if (f)
		fclose(f);
}

static int count_lines(const char *s, const char *prefix)
{
	int n = 0;

	for (; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : NULL) {
		if (strncmp(s, prefix, strlen(prefix)) == 0)
			n++;
	}
	return n;
}

static void protocol_checks(void)
{
	const char *argv[] = { "prog", "-o",
		"allow_other,default_permissions,fsname=my\\,fs,subtype=sub,max_read=65536,ro,noatime,unknown_opt",
		NULL };
	const char *left_want[] = { "prog", "-o", "unknown_opt" };
	struct fuse_args args = FUSE_ARGS_INIT(3, (char **)argv);
	struct mount_opts *mo;
	char want[PATH_MAX + 256];
	struct stat st;
	int fd, i;

	mo = fuse_mount_opts_parse(&args);
	CHECK(mo != NULL);
	if (!mo)
		return;
	CHECK_INT(args.argc, 3);
	for (i = 0; i < 3 && i < args.argc; i++)
		CHECK_STR(args.argv[i], left_want[i]);
	CHECK_INT(fuse_mount_opts_max_read(mo), 65536);
	fuse_opt_free_args(&args);

	/* Mount: the helper gets the options and sends /dev/fuse back. */
	clear_log();
	fd = fuse_kern_mount(mnt, mo);
	CHECK(fd >= 0);
	snprintf(want, sizeof(want),
		 "mount uid=%u commfd=",
		 (unsigned)getuid());
	CHECK(strncmp(read_log(), want, strlen(want)) == 0);
	snprintf(want, sizeof(want),
		 " opts=ro,nosuid,nodev,noatime,allow_other,default_permissions,max_read=65536,fsname=my\\,fs,subtype=sub mnt=%s\n",
		 mnt);
	CHECK(strstr(read_log(), want) != NULL);
	if (!strstr(read_log(), want))
		fprintf(stderr, "  log: %s  want: %s", read_log(), want);
	CHECK_INT(count_lines(read_log(), "mount "), 1);
	if (fd >= 0) {
		bool is_fuse = strstr(read_log(), "sent /dev/fuse\n") != NULL;

		CHECK_INT(fstat(fd, &st), 0);
		CHECK(S_ISCHR(st.st_mode));
		if (is_fuse)
			CHECK(major(st.st_rdev) == 10 && minor(st.st_rdev) == 229);
		else
			CHECK(major(st.st_rdev) == 1 && minor(st.st_rdev) == 3);
		CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		/*
		 * Not really mounted.  An unconnected /dev/fuse fd polls
		 * POLLERR, so the library treats the mount as gone and does
		 * not call the helper; any other fd does not.
		 */
		clear_log();
		fuse_kern_unmount(mnt, fd);
		CHECK_INT(count_lines(read_log(), "unmount"), is_fuse ? 0 : 1);
		CHECK(fcntl(fd, F_GETFD) == -1);	/* closed */
	}
	/* Without an fd the helper is asked to unmount (lazily, quietly). */
	clear_log();
	fuse_kern_unmount(mnt, -1);
	snprintf(want, sizeof(want), "unmount args=-u -q -z mnt=%s\n", mnt);
	CHECK_STR(read_log(), want);

	/* The helper fails: no fd, an error. */
	setenv("FAKE_FUSERMOUNT_MODE", "fail", 1);
	CHECK_INT(fuse_kern_mount(mnt, mo), -1);
	/* The helper answers without a descriptor. */
	setenv("FAKE_FUSERMOUNT_MODE", "nofd", 1);
	CHECK_INT(fuse_kern_mount(mnt, mo), -1);
	/* The helper rejects subtype=: the library retries without it. */
	setenv("FAKE_FUSERMOUNT_MODE", "reject-subtype", 1);
	clear_log();
	fd = fuse_kern_mount(mnt, mo);
	CHECK(fd >= 0);
	CHECK_INT(count_lines(read_log(), "mount "), 2);
	CHECK(strstr(read_log(), "fsname=my\\,fs mnt=") != NULL);
	if (fd >= 0)
		close(fd);
	unsetenv("FAKE_FUSERMOUNT_MODE");
	fuse_mount_opts_free(mo);

	/* A missing helper is reported, not crashed on. */
	fuse_mount_set_helper_path("/nonexistent/fusermount3");
	mo = parse_opts("auto_unmount");
	CHECK_INT(fuse_kern_mount(mnt, mo), -1);
	fuse_mount_opts_free(mo);
}

/* auto_unmount: the helper stays as a watchdog until the socket closes. */
static void protocol_auto_unmount(const char *fake)
{
	struct mount_opts *mo;
	int p[2], fd, i;
	pid_t pid;
	char c = 0;

	fuse_mount_set_helper_path(fake);

	/* Clean unmount: the library closes the socket and reaps the helper. */
	clear_log();
	mo = parse_opts("auto_unmount");
	fd = fuse_kern_mount(mnt, mo);
	CHECK(fd >= 0);
	CHECK(strstr(read_log(), "opts=rw,nosuid,nodev,auto_unmount mnt=") != NULL);
	CHECK_INT(count_lines(read_log(), "auto-unmount"), 0);
	fuse_kern_unmount(mnt, -1);
	CHECK_INT(count_lines(read_log(), "unmount args=-u -q -z"), 1);
	CHECK_INT(count_lines(read_log(), "auto-unmount"), 1);
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	if (fd >= 0)
		close(fd);

	/* The server dies: the watchdog notices. */
	clear_log();
	CHECK_INT(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		fd = fuse_kern_mount(mnt, mo);
		c = fd >= 0 ? 'm' : 'f';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	CHECK_INT(read(p[0], &c, 1), 1);
	CHECK_INT(c, 'm');
	CHECK_INT(count_lines(read_log(), "auto-unmount"), 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (i = 0; i < 250 && !count_lines(read_log(), "auto-unmount"); i++)
		usleep(20000);
	CHECK_INT(count_lines(read_log(), "auto-unmount"), 1);
	close(p[0]);
	fuse_mount_opts_free(mo);
}

static int mode_protocol(const char *fake)
{
	int fd;
	pid_t pid;
	int status;

	snprintf(logpath, sizeof(logpath), "/tmp/fuse-util-fakelog-XXXXXX");
	fd = mkstemp(logpath);
	if (fd == -1) {
		perror("mkstemp");
		return 1;
	}
	close(fd);
	if (geteuid() == 0 && chown(logpath, test_uid, test_gid) == -1) {
		perror("chown");
		return 1;
	}
	setenv("FAKE_FUSERMOUNT_LOG", logpath, 1);

	pid = fork();
	if (pid == 0) {
		if (drop_privileges() == -1)
			_exit(1);
		printf("protocol test as uid %u with stand-in helper %s\n",
		       (unsigned)getuid(), fake);
		fuse_mount_set_helper_path(fake);
		protocol_checks();
		protocol_auto_unmount(fake);
		_exit(check_report("test_mount protocol"));
	}
	waitpid(pid, &status, 0);
	unlink(logpath);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* ---------------------------------------------------------------- */
/* fusermount / autounmount: the real setuid helper                  */
/* ---------------------------------------------------------------- */

/*
 * Child: mount with @opts, serve, stat the root, report "M <ino> <uid>"
 * (or "F" if the mount failed) on @out; then wait for "u" on @in,
 * unmount, and report "U <errno that ended the server>".
 */
static int real_child(const char *opts, int in, int out, bool drop)
{
	struct mini_server srv = { 0 };
	struct mount_opts *mo;
	struct stat st;
	char line[64];
	int fd;

	if (drop && drop_privileges() == -1)
		return 1;
	mo = parse_opts(opts);
	if (!mo)
		return 1;
	fd = fuse_kern_mount(mnt, mo);
	fuse_mount_opts_free(mo);
	if (fd < 0) {
		dprintf(out, "F\n");
		return 0;
	}
	srv.uid = getuid();
	srv.gid = getgid();
	if (mini_start(&srv, fd) != 0)
		return 1;
	if (stat(mnt, &st) == -1) {
		dprintf(out, "S %d\n", errno);
		return 1;
	}
	dprintf(out, "M %llu %u\n", (unsigned long long)st.st_ino,
		(unsigned)st.st_uid);
	if (read_line(in, line, sizeof(line), 30000) < 1 || line[0] != 'u')
		return 1;
	fuse_kern_unmount(mnt, fd);
	pthread_join(srv.thread, NULL);
	dprintf(out, "U %d %d %d\n", srv.end_errno, srv.inits, srv.getattrs);
	return 0;
}

static int mode_real(bool auto_unmount, bool as_root)
{
	const char *blocker = setuid_blocker();
	char opts[128], line[128], fstype[256], source[256], mopts[1024];
	int to_child[2], from_child[2], status;
	unsigned long long ino = 0;
	unsigned int uid = 0;
	pid_t pid;

	if (!as_root && blocker) {
		char why[512];

		snprintf(why, sizeof(why),
			 "cannot test the real fusermount3 as a user: %s (the fd-passing protocol is covered by util-mount-protocol)",
			 blocker);
		skip(why);
	}
	if (!as_root) {
		bool dev = !user_can_rw("/dev/fuse");

		if ((dev || auto_unmount) &&
		    private_namespace(dev, auto_unmount) == -1)
			skip("could not make the private mount namespace the test needs");
	}
	snprintf(opts, sizeof(opts), "%sfsname=utiltest,subtype=utiltest",
		 auto_unmount && !as_root ? "auto_unmount,allow_other," :
		 auto_unmount ? "auto_unmount," : "");
	if (pipe(to_child) == -1 || pipe(from_child) == -1)
		return 1;
	pid = fork();
	if (pid == 0) {
		close(to_child[1]);
		close(from_child[0]);
		_exit(real_child(opts, to_child[0], from_child[1], !as_root));
	}
	close(to_child[0]);
	close(from_child[1]);
	fcntl(from_child[0], F_SETFL, O_NONBLOCK);

	read_line(from_child[0], line, sizeof(line), 20000);
	if (line[0] == 'F') {
		waitpid(pid, NULL, 0);
		fprintf(stderr, "fusermount3 could not mount (see above)\n");
		return 1;
	}
	CHECK_INT(sscanf(line, "M %llu %u", &ino, &uid), 2);
	CHECK_INT(ino, 1);
	CHECK_INT(uid, as_root ? 0 : test_uid);

	/* The mount as the kernel sees it. */
	CHECK_INT(mountinfo_find(mnt, fstype, source, mopts, 256), 1);
	CHECK_STR(fstype, "fuse.utiltest");
	CHECK_STR(source, "utiltest");
	snprintf(line, sizeof(line), "user_id=%u,", as_root ? 0 : test_uid);
	CHECK(strstr(mopts, line) != NULL);
	CHECK(strstr(mopts, "nosuid") && strstr(mopts, "nodev"));

	if (!auto_unmount) {
		dprintf(to_child[1], "u\n");
		read_line(from_child[0], line, sizeof(line), 20000);
		{
			int err = -1, inits = 0, getattrs = 0;

			CHECK_INT(sscanf(line, "U %d %d %d", &err, &inits,
					 &getattrs), 3);
			/* ENODEV: unmounted; EBADF: its fd was closed. */
			CHECK(err == ENODEV || err == EBADF);
			CHECK_INT(inits, 1);
			CHECK(getattrs >= 1);
		}
		CHECK(wait_unmounted(100));
		waitpid(pid, &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	} else {
		/* The server dies without unmounting. */
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		CHECK(wait_unmounted(5000));
	}
	close(to_child[1]);
	close(from_child[0]);
	return check_report(auto_unmount ? "test_mount autounmount" :
			    "test_mount fusermount");
}

/* ---------------------------------------------------------------- */
/* root: direct mount(2)                                             */
/* ---------------------------------------------------------------- */

static int mode_root(void)
{
	struct mini_server srv = { 0 };
	struct mount_opts *mo;
	char fstype[256], source[256], mopts[1024];
	struct stat st;
	int fd;

	mo = parse_opts("fsname=utilroot,subtype=utilsub,default_permissions,allow_other,ro,max_read=32768");
	CHECK(mo != NULL);
	if (!mo)
		return 1;
	fd = fuse_kern_mount(mnt, mo);
	fuse_mount_opts_free(mo);
	CHECK(fd >= 0);
	if (fd < 0)
		return 1;
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	srv.uid = 0;
	srv.gid = 0;
	CHECK_INT(mini_start(&srv, fd), 0);
	CHECK_INT(stat(mnt, &st), 0);
	CHECK_INT(st.st_ino, 1);
	CHECK(S_ISDIR(st.st_mode));

	CHECK_INT(mountinfo_find(mnt, fstype, source, mopts, 256), 1);
	CHECK_STR(fstype, "fuse.utilsub");
	CHECK_STR(source, "utilroot");
	CHECK(strncmp(mopts, "ro,nosuid,nodev", 15) == 0);
	CHECK(strstr(mopts, "user_id=0,group_id=0") != NULL);
	CHECK(strstr(mopts, "default_permissions") != NULL);
	CHECK(strstr(mopts, "allow_other") != NULL);
	CHECK(strstr(mopts, "max_read=32768") != NULL);
	if (check_failures)
		fprintf(stderr, "  mountinfo: %s %s %s\n", fstype, source, mopts);

	fuse_kern_unmount(mnt, fd);
	pthread_join(srv.thread, NULL);
	CHECK(srv.end_errno == ENODEV || srv.end_errno == EBADF);
	CHECK_INT(srv.inits, 1);
	CHECK(wait_unmounted(100));

	/* A mount point that does not exist is reported. */
	mo = parse_opts("rw");
	CHECK_INT(fuse_kern_mount("/nonexistent/fuse-util", mo), -1);
	fuse_mount_opts_free(mo);
	return check_report("test_mount root");
}

int main(int argc, char *argv[])
{
	int res;

	if (argc < 2) {
		fprintf(stderr, "usage: %s protocol <fake>|fusermount|autounmount|autounmount-root|root\n",
			argv[0]);
		return 2;
	}
	if (strcmp(argv[1], "protocol") != 0) {
		/* The stand-in helper needs no /dev/fuse; the rest does. */
		if (geteuid() != 0 && strcmp(argv[1], "fusermount") != 0)
			skip("needs root");
		if (geteuid() != 0 && access("/dev/fuse", R_OK | W_OK) != 0)
			skip("/dev/fuse is not usable by this user, and only root could work around it (private namespace)");
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	find_user();
	make_mountpoint();

	if (strcmp(argv[1], "protocol") == 0 && argc > 2)
		res = mode_protocol(argv[2]);
	else if (strcmp(argv[1], "fusermount") == 0)
		res = mode_real(false, false);
	else if (strcmp(argv[1], "autounmount") == 0)
		res = mode_real(true, false);
	else if (strcmp(argv[1], "autounmount-root") == 0)
		res = mode_real(true, true);
	else if (strcmp(argv[1], "root") == 0)
		res = mode_root();
	else
		res = 2;
	cleanup_mountpoint();
	return res;
}
