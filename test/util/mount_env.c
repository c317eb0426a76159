// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mount_env.c - the environment of the mount tests: an unprivileged user,
 * a mount point, a private mount namespace when the machine needs one,
 * and the reasons why setuid fusermount3 could not work.  Test code only.
 */
#include "mount_env.h"
#include "mini_server.h"
#include "mount_i.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define TEST_USER "fuseutiltest"

char mnt[PATH_MAX];
static char nsdir[64];	/* tmpfs of the private namespace, if any */
static bool ns_active;	/* we are in our own private mount namespace */
uid_t test_uid;
gid_t test_gid;

void skip(const char *why)
{
	printf("skipped: %s\n", why);
	fflush(stdout);
	exit(SKIP);
}

/* Pick the unprivileged user the test runs the library as. */
void find_user(void)
{
	struct passwd *pw;

	if (geteuid() != 0) {
		test_uid = getuid();
		test_gid = getgid();
		return;
	}
	pw = getpwnam(TEST_USER);
	if (!pw) {
		int st = system("useradd --system --no-create-home "
				"--shell /usr/sbin/nologin " TEST_USER
				" >/dev/null 2>&1");

		(void)st;
		pw = getpwnam(TEST_USER);
	}
	if (!pw)
		pw = getpwnam("nobody");
	if (!pw)
		skip("no unprivileged user (useradd failed and no 'nobody')");
	test_uid = pw->pw_uid;
	test_gid = pw->pw_gid;
}

int drop_privileges(void)
{
	if (geteuid() != 0)
		return 0;
	if (setgroups(0, NULL) == -1 || setgid(test_gid) == -1 ||
	    setuid(test_uid) == -1) {
		perror("drop privileges");
		return -1;
	}
	return 0;
}

void make_mountpoint(void)
{
	snprintf(mnt, sizeof(mnt), "/tmp/fuse-util-mnt-XXXXXX");
	if (!mkdtemp(mnt)) {
		perror("mkdtemp");
		exit(1);
	}
	if (geteuid() == 0 && chown(mnt, test_uid, test_gid) == -1) {
		perror("chown");
		exit(1);
	}
	chmod(mnt, 0755);
}

void cleanup_mountpoint(void)
{
	if (mountinfo_find(mnt, NULL, NULL, NULL, 0) == 1)
		umount2(mnt, MNT_DETACH);
	rmdir(mnt);
	if (ns_active) {
		/* Only inside our private namespace; the host is untouched. */
		umount2("/etc/fuse.conf", MNT_DETACH);
		umount2("/dev/fuse", MNT_DETACH);
		umount2(nsdir, MNT_DETACH);
		rmdir(nsdir);
	}
}

/* Why setuid fusermount3 cannot work here, or NULL if it should. */
const char *setuid_blocker(void)
{
	static char why[256];
	struct statvfs sv;
	struct stat st;
	char line[256];
	FILE *f;
	const char *prog = FUSERMOUNT_DIR "/" FUSERMOUNT_PROG;

	if (stat(prog, &st) == -1) {
		snprintf(why, sizeof(why), "%s not installed", prog);
		return why;
	}
	if (!(st.st_mode & S_ISUID) || st.st_uid != 0) {
		snprintf(why, sizeof(why), "%s is not setuid root", prog);
		return why;
	}
	if (statvfs(prog, &sv) == 0 && (sv.f_flag & ST_NOSUID)) {
		snprintf(why, sizeof(why),
			 "%s is on a nosuid file system, so the kernel refuses its setuid mount(2)",
			 prog);
		return why;
	}
	f = fopen("/proc/self/status", "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "NoNewPrivs:", 11) == 0 &&
		    atoi(line + 11) != 0) {
			fclose(f);
			return "no_new_privs is set, setuid fusermount3 cannot gain root for mount(2)";
		}
	}
	if (f)
		fclose(f);
	return NULL;
}

/* Can the test user open @path read-write, going by the mode bits? */
bool user_can_rw(const char *path)
{
	struct stat st;
	mode_t bits;

	if (stat(path, &st) == -1)
		return false;
	if (st.st_uid == test_uid)
		bits = (st.st_mode >> 6) & 7;
	else if (st.st_gid == test_gid)
		bits = (st.st_mode >> 3) & 7;
	else
		bits = st.st_mode & 7;
	return (bits & 6) == 6;
}

/*
 * Give this process (and its children) a private mount namespace with a
 * world-usable /dev/fuse (as Debian's udev rule would provide) and/or an
 * /etc/fuse.conf that has user_allow_other.  Nothing outside changes.
 */
int private_namespace(bool dev_fuse, bool allow_other)
{
	char *dir = nsdir;
	char path[128];
	FILE *f;

	snprintf(nsdir, sizeof(nsdir), "/tmp/fuse-util-ns-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	if (unshare(CLONE_NEWNS) == -1 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1) {
		perror("private mount namespace");
		rmdir(dir);
		nsdir[0] = '\0';
		return -1;
	}
	ns_active = true;
	if (mount("fuse-util-ns", dir, "tmpfs", 0, "mode=755") == -1) {
		perror("private tmpfs");
		return -1;
	}
	if (dev_fuse) {
		snprintf(path, sizeof(path), "%s/fuse", dir);
		if (mknod(path, S_IFCHR | 0666, makedev(10, 229)) == -1 ||
		    chmod(path, 0666) == -1 ||
		    mount(path, "/dev/fuse", NULL, MS_BIND, NULL) == -1) {
			perror("private /dev/fuse");
			return -1;
		}
		printf("note: /dev/fuse is not usable by uid %u on this machine (no udev rule); "
		       "using a 0666 /dev/fuse in a private mount namespace\n",
		       (unsigned)test_uid);
	}
	if (allow_other) {
		snprintf(path, sizeof(path), "%s/fuse.conf", dir);
		f = fopen(path, "w");
		if (!f || fputs("user_allow_other\n", f) < 0 || fclose(f) != 0 ||
		    chmod(path, 0644) == -1 ||
		    mount(path, "/etc/fuse.conf", NULL, MS_BIND, NULL) == -1) {
			perror("private /etc/fuse.conf");
			return -1;
		}
		printf("note: fusermount3 3.14 auto-unmounts a user's mount only if root may access it "
		       "(libfuse issue #586, fixed in 3.15); mounting with allow_other, "
		       "user_allow_other set in a private-namespace /etc/fuse.conf\n");
	}
	return 0;
}

int read_line(int fd, char *buf, size_t len, int timeout_ms)
{
	size_t n = 0;
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (n + 1 < len) {
		char c;
		ssize_t r = read(fd, &c, 1);

		if (r == 1) {
			if (c == '\n')
				break;
			buf[n++] = c;
			continue;
		}
		if (r == 0)
			break;
		if (errno != EAGAIN && errno != EINTR)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 +
		    (now.tv_nsec - start.tv_nsec) / 1000000 > timeout_ms)
			break;
		usleep(1000);
	}
	buf[n] = '\0';
	return (int)n;
}

int wait_unmounted(int timeout_ms)
{
	int waited;

	for (waited = 0; waited < timeout_ms; waited += 20) {
		if (mountinfo_find(mnt, NULL, NULL, NULL, 0) == 0)
			return 1;
		usleep(20000);
	}
	return 0;
}

