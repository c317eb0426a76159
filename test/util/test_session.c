// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_session.c - the public path end to end: fuse_session_new(),
 * fuse_set_signal_handlers(), fuse_session_mount() (through the real
 * fusermount3 for "user", mount(2) for "root"), fuse_session_loop() ended
 * by SIGTERM (the loop returns the signal number), fuse_session_unmount().
 * Mode "devfd": the test mounts with mount(2) itself and hands the server
 * "/dev/fd/N" (the convention mount helpers use); the server must use
 * that descriptor and leave unmounting to its parent.
 */
#define FUSE_USE_VERSION 318
#include <fuse_lowlevel.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mini_server.h"
#include "mount_env.h"
#include "check.h"

static int to_parent = -1, from_parent = -1;
static char mount_arg[PATH_MAX];	/* what the server passes to mount */

static void ll_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct stat st;

	(void)fi;
	if (ino != FUSE_ROOT_ID) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	memset(&st, 0, sizeof(st));
	st.st_ino = FUSE_ROOT_ID;
	st.st_mode = S_IFDIR | 0750;
	st.st_nlink = 2;
	st.st_uid = getuid();
	st.st_gid = getgid();
	fuse_reply_attr(req, &st, 0);
}

static void ll_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	(void)parent;
	(void)name;
	fuse_reply_err(req, ENOENT);
}

static const struct fuse_lowlevel_ops ops = {
	.getattr = ll_getattr,
	.lookup = ll_lookup,
};

/* In the server process: check the mount, tell the parent, then SIGTERM. */
static void *prober(void *arg)
{
	struct stat st;
	char line[16];

	(void)arg;
	if (stat(mnt, &st) == -1)
		dprintf(to_parent, "S %d\n", errno);
	else
		dprintf(to_parent, "M %llu %o %u\n",
			(unsigned long long)st.st_ino,
			(unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
	if (read_line(from_parent, line, sizeof(line), 30000) >= 1)
		kill(getpid(), SIGTERM);
	return NULL;
}

static int server(bool drop)
{
	const char *argv[] = { "test_session", "-o",
			       "fsname=utilsess,subtype=utilsess", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, (char **)argv);
	struct fuse_session *se;
	pthread_t t;
	int res;

	if (drop && drop_privileges() == -1)
		return 1;
	se = fuse_session_new(&args, &ops, sizeof(ops), NULL);
	fuse_opt_free_args(&args);
	if (!se)
		return 2;
	if (fuse_set_signal_handlers(se) != 0)
		return 3;
	if (fuse_session_mount(se, mount_arg) != 0) {
		dprintf(to_parent, "F\n");
		return 4;
	}
	pthread_create(&t, NULL, prober, NULL);
	res = fuse_session_loop(se);
	pthread_join(t, NULL);
	fuse_session_unmount(se);
	fuse_remove_signal_handlers(se);
	fuse_session_destroy(se);
	dprintf(to_parent, "R %d\n", res);
	return 0;
}

int main(int argc, char *argv[])
{
	bool user = argc > 1 && strcmp(argv[1], "user") == 0;
	bool devfd = argc > 1 && strcmp(argv[1], "devfd") == 0;
	int devfd_fd = -1;
	int up[2], down[2], status, res = -1;
	char line[128], fstype[256], source[256], opts[1024];
	unsigned long long ino = 0;
	unsigned int mode = 0, uid = 0;
	pid_t pid;

	if (geteuid() != 0)
		skip("needs root (to mount, or to switch to a test user)");
	if (access("/dev/fuse", R_OK | W_OK) != 0)
		skip("/dev/fuse is not usable");
	setvbuf(stdout, NULL, _IONBF, 0);
	find_user();
	if (user) {
		const char *why = setuid_blocker();

		if (why) {
			char msg[512];

			snprintf(msg, sizeof(msg),
				 "cannot test fusermount3 as a user: %s", why);
			skip(msg);
		}
		if (!user_can_rw("/dev/fuse") &&
		    private_namespace(true, false) == -1)
			skip("could not make the private mount namespace the test needs");
	}
	make_mountpoint();
	snprintf(mount_arg, sizeof(mount_arg), "%s", mnt);
	if (devfd) {
		char data[128];

		devfd_fd = open("/dev/fuse", O_RDWR);
		snprintf(data, sizeof(data),
			 "fd=%d,rootmode=40000,user_id=0,group_id=0", devfd_fd);
		if (devfd_fd < 0 ||
		    mount("utilsess", mnt, "fuse.utilsess", MS_NOSUID | MS_NODEV,
			  data) == -1) {
			perror("mount for /dev/fd/N");
			return 1;
		}
		snprintf(mount_arg, sizeof(mount_arg), "/dev/fd/%d", devfd_fd);
	}
	if (pipe(up) == -1 || pipe(down) == -1)
		return 1;
	pid = fork();
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		to_parent = up[1];
		from_parent = down[0];
		fcntl(from_parent, F_SETFL, O_NONBLOCK);
		_exit(server(user));
	}
	close(up[1]);
	close(down[0]);
	if (devfd_fd >= 0)
		close(devfd_fd);	/* the server has it now */
	fcntl(up[0], F_SETFL, O_NONBLOCK);

	read_line(up[0], line, sizeof(line), 20000);
	CHECK_INT(sscanf(line, "M %llu %o %u", &ino, &mode, &uid), 3);
	CHECK_INT(ino, 1);
	CHECK_INT(mode, 0750);
	CHECK_INT(uid, user ? test_uid : 0);
	CHECK_INT(mountinfo_find(mnt, fstype, source, opts, 256), 1);
	CHECK_STR(fstype, "fuse.utilsess");
	CHECK_STR(source, "utilsess");

	dprintf(down[1], "go\n");
	read_line(up[0], line, sizeof(line), 20000);
	CHECK_INT(sscanf(line, "R %d", &res), 1);
	CHECK_INT(res, SIGTERM);
	CHECK_INT(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (devfd) {
		/* The server does not unmount what it did not mount. */
		CHECK_INT(mountinfo_find(mnt, NULL, NULL, NULL, 0), 1);
		CHECK_INT(umount2(mnt, 0), 0);
	}
	CHECK(wait_unmounted(2000));
	cleanup_mountpoint();
	return check_report(user ? "test_session user" :
			    devfd ? "test_session devfd" : "test_session root");
}
