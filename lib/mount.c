// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mount.c - mounting and unmounting a FUSE file system on Linux.
 *
 * Root mounts directly: open /dev/fuse, mount(2) with
 * fd=,rootmode=,user_id=,group_id= and the kernel options.  Everyone else
 * (and root when mount(2) says EPERM, or when auto_unmount is asked for)
 * goes through the setuid helper fusermount3: it is started with
 * _FUSE_COMMFD=<n> naming its end of a socketpair, mounts, and sends the
 * /dev/fuse descriptor back with SCM_RIGHTS.  With auto_unmount the helper
 * stays alive, watching its socket: when the server dies, the socket
 * closes and the helper unmounts.  Debian 12's fusermount3 (3.14) has no
 * "--auto-unmount" watchdog-only mode, so auto_unmount always lets the
 * helper do the mount, for root too (libfuse 3.14 did the same).
 *
 * The option tables follow libfuse 3.18 lib/mount.c (which options go to
 * the kernel, which only to fusermount3, which are mount flags).
 */
#include "mount_i.h"
#include "fuse_opt.h"
#include "fuse_log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FUSE_DEVICE "/dev/fuse"

enum {
	KEY_KERN_FLAG,
	KEY_KERN_OPT,
	KEY_FUSERMOUNT_OPT,
	KEY_SUBTYPE_OPT,
	KEY_MTAB_OPT,
	KEY_RO,
};

struct mount_opts {
	int allow_other;
	int auto_unmount;
	int blkdev;
	unsigned long flags;	/* MS_* */
	char *fsname;
	char *subtype;
	char *subtype_opt;	/* "subtype=x" for fusermount3 */
	char *kernel_opts;	/* for mount(2) data */
	char *fusermount_opts;	/* only understood by fusermount3 */
	char *mtab_opts;	/* only for /etc/mtab */
	unsigned int max_read;
};

#define MOUNT_OPT(t, field) { t, offsetof(struct mount_opts, field), 1 }

static const struct fuse_opt mount_templates[] = {
	MOUNT_OPT("allow_other", allow_other),
	MOUNT_OPT("blkdev", blkdev),
	MOUNT_OPT("auto_unmount", auto_unmount),
	MOUNT_OPT("fsname=%s", fsname),
	MOUNT_OPT("max_read=%u", max_read),
	MOUNT_OPT("subtype=%s", subtype),
	FUSE_OPT_KEY("allow_other", KEY_KERN_OPT),
	FUSE_OPT_KEY("auto_unmount", KEY_FUSERMOUNT_OPT),
	FUSE_OPT_KEY("blkdev", KEY_FUSERMOUNT_OPT),
	FUSE_OPT_KEY("fsname=", KEY_FUSERMOUNT_OPT),
	FUSE_OPT_KEY("subtype=", KEY_SUBTYPE_OPT),
	FUSE_OPT_KEY("blksize=", KEY_KERN_OPT),
	FUSE_OPT_KEY("default_permissions", KEY_KERN_OPT),
	FUSE_OPT_KEY("context=", KEY_KERN_OPT),
	FUSE_OPT_KEY("fscontext=", KEY_KERN_OPT),
	FUSE_OPT_KEY("defcontext=", KEY_KERN_OPT),
	FUSE_OPT_KEY("rootcontext=", KEY_KERN_OPT),
	FUSE_OPT_KEY("max_read=", KEY_KERN_OPT),
	FUSE_OPT_KEY("user=", KEY_MTAB_OPT),
	FUSE_OPT_KEY("-n", KEY_MTAB_OPT),
	FUSE_OPT_KEY("-r", KEY_RO),
	FUSE_OPT_KEY("ro", KEY_KERN_FLAG),
	FUSE_OPT_KEY("rw", KEY_KERN_FLAG),
	FUSE_OPT_KEY("suid", KEY_KERN_FLAG),
	FUSE_OPT_KEY("nosuid", KEY_KERN_FLAG),
	FUSE_OPT_KEY("dev", KEY_KERN_FLAG),
	FUSE_OPT_KEY("nodev", KEY_KERN_FLAG),
	FUSE_OPT_KEY("exec", KEY_KERN_FLAG),
	FUSE_OPT_KEY("noexec", KEY_KERN_FLAG),
	FUSE_OPT_KEY("async", KEY_KERN_FLAG),
	FUSE_OPT_KEY("sync", KEY_KERN_FLAG),
	FUSE_OPT_KEY("dirsync", KEY_KERN_FLAG),
	FUSE_OPT_KEY("atime", KEY_KERN_FLAG),
	FUSE_OPT_KEY("noatime", KEY_KERN_FLAG),
	FUSE_OPT_KEY("diratime", KEY_KERN_FLAG),
	FUSE_OPT_KEY("nodiratime", KEY_KERN_FLAG),
	FUSE_OPT_KEY("lazytime", KEY_KERN_FLAG),
	FUSE_OPT_KEY("nolazytime", KEY_KERN_FLAG),
	FUSE_OPT_KEY("relatime", KEY_KERN_FLAG),
	FUSE_OPT_KEY("norelatime", KEY_KERN_FLAG),
	FUSE_OPT_KEY("strictatime", KEY_KERN_FLAG),
	FUSE_OPT_KEY("nostrictatime", KEY_KERN_FLAG),
	FUSE_OPT_END
};

struct mount_flag {
	const char *name;
	unsigned long flag;
	int set;	/* 1: the option sets the flag, 0: clears it */
};

static const struct mount_flag mount_flags[] = {
	{ "rw",			MS_RDONLY,	0 },
	{ "ro",			MS_RDONLY,	1 },
	{ "suid",		MS_NOSUID,	0 },
	{ "nosuid",		MS_NOSUID,	1 },
	{ "dev",		MS_NODEV,	0 },
	{ "nodev",		MS_NODEV,	1 },
	{ "exec",		MS_NOEXEC,	0 },
	{ "noexec",		MS_NOEXEC,	1 },
	{ "async",		MS_SYNCHRONOUS,	0 },
	{ "sync",		MS_SYNCHRONOUS,	1 },
	{ "atime",		MS_NOATIME,	0 },
	{ "noatime",		MS_NOATIME,	1 },
	{ "diratime",		MS_NODIRATIME,	0 },
	{ "nodiratime",		MS_NODIRATIME,	1 },
	{ "lazytime",		MS_LAZYTIME,	1 },
	{ "nolazytime",		MS_LAZYTIME,	0 },
	{ "relatime",		MS_RELATIME,	1 },
	{ "norelatime",		MS_RELATIME,	0 },
	{ "strictatime",	MS_STRICTATIME,	1 },
	{ "nostrictatime",	MS_STRICTATIME,	0 },
	{ "dirsync",		MS_DIRSYNC,	1 },
	{ NULL, 0, 0 }
};

static int apply_mount_flag(const char *name, unsigned long *flags)
{
	const struct mount_flag *f;

	for (f = mount_flags; f->name; f++) {
		if (strcmp(f->name, name) != 0)
			continue;
		if (f->set)
			*flags |= f->flag;
		else
			*flags &= ~f->flag;
		return 0;
	}
	fuse_log(FUSE_LOG_ERR, "fuse: unknown mount flag `%s'\n", name);
	return -1;
}

static int mount_opt_proc(void *data, const char *arg, int key,
			  struct fuse_args *outargs)
{
	struct mount_opts *mo = data;

	(void)outargs;
	switch (key) {
	case KEY_RO:
		return apply_mount_flag("ro", &mo->flags);
	case KEY_KERN_FLAG:
		return apply_mount_flag(arg, &mo->flags);
	case KEY_KERN_OPT:
		return fuse_opt_add_opt(&mo->kernel_opts, arg);
	case KEY_FUSERMOUNT_OPT:
		return fuse_opt_add_opt_escaped(&mo->fusermount_opts, arg);
	case KEY_SUBTYPE_OPT:
		return fuse_opt_add_opt(&mo->subtype_opt, arg);
	case KEY_MTAB_OPT:
		return fuse_opt_add_opt(&mo->mtab_opts, arg);
	}
	/* Not a mount option: leave it for the session. */
	return 1;
}

/* A subtype becomes part of the file system type name "fuse.<subtype>". */
static int check_subtype(const char *subtype)
{
	const char *p;

	if (!*subtype) {
		fuse_log(FUSE_LOG_ERR, "fuse: empty subtype= option\n");
		return -1;
	}
	for (p = subtype; *p; p++) {
		if (*p == '/' || *p == ',' || *p == ' ' || *p == '\t' ||
		    *p == '\n' || (unsigned char)*p < 0x20) {
			fuse_log(FUSE_LOG_ERR,
				 "fuse: invalid character in subtype `%s'\n",
				 subtype);
			return -1;
		}
	}
	return 0;
}

struct mount_opts *fuse_mount_opts_parse(struct fuse_args *args)
{
	struct mount_opts *mo = calloc(1, sizeof(*mo));

	if (!mo) {
		fuse_log(FUSE_LOG_ERR, "fuse: out of memory for mount options\n");
		return NULL;
	}
	mo->flags = MS_NOSUID | MS_NODEV;
	if (args && fuse_opt_parse(args, mo, mount_templates,
				   mount_opt_proc) == -1)
		goto err;
	if (mo->subtype && check_subtype(mo->subtype) == -1)
		goto err;
	if (mo->fsname && strchr(mo->fsname, '\n')) {
		fuse_log(FUSE_LOG_ERR, "fuse: newline in fsname= option\n");
		goto err;
	}
	return mo;
err:
	fuse_mount_opts_free(mo);
	return NULL;
}

void fuse_mount_opts_free(struct mount_opts *mo)
{
	if (!mo)
		return;
	free(mo->fsname);
	free(mo->subtype);
	free(mo->subtype_opt);
	free(mo->kernel_opts);
	free(mo->fusermount_opts);
	free(mo->mtab_opts);
	free(mo);
}

unsigned int fuse_mount_opts_max_read(const struct mount_opts *mo)
{
	return mo ? mo->max_read : 0;
}

/* "rw" or "ro", then every set flag, as mount(8) would list them. */
static int flag_opts(char **opts, unsigned long flags)
{
	const struct mount_flag *f;

	if (!(flags & MS_RDONLY) && fuse_opt_add_opt(opts, "rw") == -1)
		return -1;
	for (f = mount_flags; f->name; f++)
		if (f->set && (flags & f->flag) &&
		    fuse_opt_add_opt(opts, f->name) == -1)
			return -1;
	return 0;
}

/*
 * Root path: open /dev/fuse and mount(2).
 * Returns the fd, -1 on error (logged), or -2 when mount(2) said EPERM
 * and fusermount3 should be tried.
 */
static int mount_direct(const char *mnt, const struct mount_opts *mo)
{
	struct stat st;
	char *data = NULL;
	char *type = NULL;
	char *source = NULL;
	char head[128];
	int fd, res = -1, err;

	if (stat(mnt, &st) == -1) {
		fuse_log(FUSE_LOG_ERR, "fuse: bad mount point `%s': %s\n",
			 mnt, strerror(errno));
		return -1;
	}
	fd = open(FUSE_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT || errno == ENODEV)
			fuse_log(FUSE_LOG_ERR,
				 "fuse: %s not found; is the fuse module loaded (modprobe fuse)?\n",
				 FUSE_DEVICE);
		else
			fuse_log(FUSE_LOG_ERR, "fuse: cannot open %s: %s\n",
				 FUSE_DEVICE, strerror(errno));
		return -1;
	}

	snprintf(head, sizeof(head), "fd=%d,rootmode=%o,user_id=%u,group_id=%u",
		 fd, (unsigned int)(st.st_mode & S_IFMT),
		 (unsigned int)getuid(), (unsigned int)getgid());
	if (fuse_opt_add_opt(&data, head) == -1 ||
	    (mo->kernel_opts && fuse_opt_add_opt(&data, mo->kernel_opts) == -1))
		goto out;

	if (asprintf(&type, "%s%s%s", mo->blkdev ? "fuseblk" : "fuse",
		     mo->subtype ? "." : "",
		     mo->subtype ? mo->subtype : "") < 0) {
		type = NULL;
		goto nomem;
	}
	source = strdup(mo->fsname ? mo->fsname :
			mo->subtype ? mo->subtype : FUSE_DEVICE);
	if (!source)
		goto nomem;

	res = mount(source, mnt, type, mo->flags, data);
	if (res == -1 && errno == ENODEV && mo->subtype) {
		/* A kernel without "fuse.<subtype>": old style source. */
		free(source);
		source = NULL;
		if (mo->fsname && !mo->blkdev)
			res = asprintf(&source, "%s#%s", mo->subtype,
				       mo->fsname);
		else
			res = asprintf(&source, "%s", mo->fsname ? mo->fsname :
				       (mo->blkdev ? "fuseblk" : "fuse"));
		if (res < 0) {
			source = NULL;
			goto nomem;
		}
		type[mo->blkdev ? 7 : 4] = '\0';
		res = mount(source, mnt, type, mo->flags, data);
	}
	if (res == -1) {
		err = errno;
		if (err == EPERM) {
			res = -2;
		} else {
			if (mo->blkdev && err == ENODEV &&
			    !fuse_mnt_have_fuseblk())
				fuse_log(FUSE_LOG_ERR,
					 "fuse: this kernel has no fuseblk support\n");
			else
				fuse_log(FUSE_LOG_ERR,
					 "fuse: mount(2) of %s on %s failed: %s\n",
					 type, mnt, strerror(err));
			res = -1;
		}
		goto out;
	}
	if (fuse_mnt_mtab_is_file())
		fuse_log(FUSE_LOG_WARNING,
			 "fuse: /etc/mtab is a regular file; it is not updated (not supported)\n");
	free(type);
	free(source);
	free(data);
	return fd;

nomem:
	fuse_log(FUSE_LOG_ERR, "fuse: out of memory while mounting\n");
	res = -1;
out:
	free(type);
	free(source);
	free(data);
	close(fd);
	return res;
}

/* fusermount3 helpers kept alive for auto_unmount, one per mount. */
struct watchdog {
	struct watchdog *next;
	char *mountpoint;
	int sock;
	pid_t pid;
};

static pthread_mutex_t watchdog_lock = PTHREAD_MUTEX_INITIALIZER;
static struct watchdog *watchdogs;

static void watchdog_add(const char *mnt, int sock, pid_t pid)
{
	struct watchdog *w = calloc(1, sizeof(*w));

	if (w)
		w->mountpoint = strdup(mnt);
	if (!w || !w->mountpoint) {
		/* The helper still watches the socket; we just cannot reap it. */
		fuse_log(FUSE_LOG_WARNING,
			 "fuse: out of memory tracking the auto_unmount helper\n");
		free(w);
		return;
	}
	w->sock = sock;
	w->pid = pid;
	pthread_mutex_lock(&watchdog_lock);
	w->next = watchdogs;
	watchdogs = w;
	pthread_mutex_unlock(&watchdog_lock);
}

/* Close the watchdog's socket (it then exits) and reap it, briefly. */
static void watchdog_release(const char *mnt)
{
	struct watchdog **pp, *w = NULL;
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	pthread_mutex_lock(&watchdog_lock);
	for (pp = &watchdogs; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->mountpoint, mnt) == 0) {
			w = *pp;
			*pp = w->next;
			break;
		}
	}
	pthread_mutex_unlock(&watchdog_lock);
	if (!w)
		return;
	close(w->sock);
	for (i = 0; i < 200; i++) {
		pid_t r = waitpid(w->pid, NULL, WNOHANG);

		if (r == w->pid || (r == -1 && errno != EINTR))
			break;
		nanosleep(&ts, NULL);
	}
	free(w->mountpoint);
	free(w);
}

/*
 * Mount through fusermount3.  Returns the fd or -1 (logged unless
 * @quiet, in which case the helper's output is also silenced).
 */
static int mount_fusermount(const char *mnt, const struct mount_opts *mo,
			    const char *opts, bool quiet)
{
	const char *argv[] = {
		FUSERMOUNT_PROG, "-o", opts ? opts : "", "--", mnt, NULL
	};
	int sv[2];
	pid_t pid;
	int fd, status;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		fuse_log(FUSE_LOG_ERR, "fuse: socketpair: %s\n",
			 strerror(errno));
		return -1;
	}
	/* sv[0] goes to the helper; ours must not leak into other children. */
	fcntl(sv[1], F_SETFD, FD_CLOEXEC);
	if (fuse_mnt_spawn_helper(argv, sv[0], quiet, &pid) == -1) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	close(sv[0]);

	fd = fuse_mnt_receive_fd(sv[1]);
	if (fd >= 0 && mo->auto_unmount) {
		/* The helper now waits for sv[1] to close. */
		watchdog_add(mnt, sv[1], pid);
		return fd;
	}
	close(sv[1]);
	status = fuse_mnt_wait_helper(pid);
	if (fd == -2) {
		if (!quiet)
			fuse_log(FUSE_LOG_ERR,
				 "fuse: %s did not mount %s (exit status %d; see its message above)\n",
				 FUSERMOUNT_PROG, mnt, status);
		return -1;
	}
	return fd;
}

static int mount_with_helper(const char *mnt, const struct mount_opts *mo,
			     char **opts)
{
	char *with_subtype = NULL;
	int fd;

	if (mo->fusermount_opts &&
	    fuse_opt_add_opt(opts, mo->fusermount_opts) == -1)
		return -1;
	if (!mo->subtype)
		return mount_fusermount(mnt, mo, *opts, false);

	/* Try with subtype first, quietly; older helpers may refuse it. */
	if (fuse_opt_add_opt(&with_subtype, *opts ? *opts : "") == -1 ||
	    fuse_opt_add_opt(&with_subtype, mo->subtype_opt) == -1) {
		free(with_subtype);
		return -1;
	}
	fd = mount_fusermount(mnt, mo, with_subtype, true);
	free(with_subtype);
	if (fd < 0)
		fd = mount_fusermount(mnt, mo, *opts, false);
	return fd;
}

int fuse_kern_mount(const char *mountpoint, struct mount_opts *mo)
{
	struct mount_opts defaults = { .flags = MS_NOSUID | MS_NODEV };
	char *opts = NULL;
	int fd = -1;

	if (!mountpoint || !*mountpoint) {
		fuse_log(FUSE_LOG_ERR, "fuse: no mount point given\n");
		return -1;
	}
	if (!mo)
		mo = &defaults;

	if (flag_opts(&opts, mo->flags) == -1 ||
	    (mo->kernel_opts && fuse_opt_add_opt(&opts, mo->kernel_opts) == -1) ||
	    (mo->mtab_opts && fuse_opt_add_opt(&opts, mo->mtab_opts) == -1))
		goto out;

	if (mo->auto_unmount && !mo->allow_other && geteuid() != 0)
		fuse_log(FUSE_LOG_INFO,
			 "fuse: note: fusermount3 older than 3.15 can only auto_unmount mounts root may access (allow_other or allow_root; libfuse issue #586)\n");

	fd = -2;
	if (!mo->auto_unmount && geteuid() == 0)
		fd = mount_direct(mountpoint, mo);
	else if (!mo->auto_unmount && access(FUSE_DEVICE, R_OK | W_OK) == 0)
		/* Maybe an unprivileged user namespace allows it. */
		fd = mount_direct(mountpoint, mo);
	if (fd == -2)
		fd = mount_with_helper(mountpoint, mo, &opts);
out:
	free(opts);
	return fd < 0 ? -1 : fd;
}

void fuse_kern_unmount(const char *mountpoint, int fd)
{
	const char *argv[] = {
		FUSERMOUNT_PROG, "-u", "-q", "-z", "--", mountpoint, NULL
	};
	struct pollfd pfd;
	pid_t pid;
	int res = 0, status;

	if (fd != -1) {
		pfd.fd = fd;
		pfd.events = 0;
		pfd.revents = 0;
		res = poll(&pfd, 1, 0);
		/*
		 * Close first: a synchronous unmount could otherwise wait on
		 * this very connection.
		 */
		close(fd);
	}
	if (!mountpoint)
		return;
	if (fd != -1 && res == 1 && (pfd.revents & POLLERR)) {
		/* Already unmounted, or the connection was aborted. */
		watchdog_release(mountpoint);
		return;
	}

	if (umount2(mountpoint, MNT_DETACH) == 0 || errno == EINVAL) {
		watchdog_release(mountpoint);
		return;
	}
	if (geteuid() == 0) {
		fuse_log(FUSE_LOG_ERR, "fuse: unmounting %s: %s\n",
			 mountpoint, strerror(errno));
		watchdog_release(mountpoint);
		return;
	}
	if (fuse_mnt_spawn_helper(argv, -1, false, &pid) == 0) {
		status = fuse_mnt_wait_helper(pid);
		if (status > 0)
			fuse_log(FUSE_LOG_ERR,
				 "fuse: %s -u %s failed (status %d)\n",
				 FUSERMOUNT_PROG, mountpoint, status);
	}
	watchdog_release(mountpoint);
}
