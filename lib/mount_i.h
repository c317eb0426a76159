/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mount_i.h - private mounting interface of the library (not installed).
 *
 * The session (lib/session.c) parses the mount options out of its
 * argument list with fuse_mount_opts_parse(), mounts with
 * fuse_kern_mount() and unmounts with fuse_kern_unmount().
 */
#ifndef FUSE_MOUNT_I_H_
#define FUSE_MOUNT_I_H_

struct fuse_args;

/** Parsed mount options (opaque; lib/mount.c). */
struct mount_opts;

/**
 * Take the mount options out of @p args.
 *
 * Consumes allow_other, auto_unmount, default_permissions, fsname=,
 * subtype=, max_read=, blkdev, blksize=, ro/rw, dev/nodev, suid/nosuid,
 * exec/noexec, atime/noatime/relatime/strictatime/nodiratime, sync/async,
 * dirsync, lazytime, context=, fscontext=, defcontext=, rootcontext=,
 * user= and -n (mtab only), -r (read-only).  allow_root is not
 * consumed: the session handles it (it mounts with allow_other and
 * filters requests itself).  Options it does not know stay in @p args.
 *
 * @param args the argument list (modified)
 * @return the options, or NULL with a logged message on bad input or
 *         allocation failure
 */
struct mount_opts *fuse_mount_opts_parse(struct fuse_args *args);

/**
 * Free options returned by fuse_mount_opts_parse().
 *
 * @param mo the options (NULL allowed)
 */
void fuse_mount_opts_free(struct mount_opts *mo);

/**
 * The max_read= value given (0 if none); the session compares it with the
 * value its init() callback leaves in fuse_conn_info.max_read.
 *
 * @param mo the options (NULL allowed: 0)
 */
unsigned int fuse_mount_opts_max_read(const struct mount_opts *mo);

/**
 * Mount a FUSE file system at @p mountpoint.
 *
 * As root: open /dev/fuse and call mount(2).  Otherwise (or when mount(2)
 * is refused with EPERM): run fusermount3 and receive the /dev/fuse fd
 * over a socket (SCM_RIGHTS).  With auto_unmount, fusermount3 is kept
 * running as a watchdog that unmounts when the server dies.
 *
 * @param mountpoint the directory to mount on
 * @param mo the mount options (may be NULL for defaults)
 * @return the /dev/fuse file descriptor, or -1 with a logged reason
 */
int fuse_kern_mount(const char *mountpoint, struct mount_opts *mo);

/**
 * Unmount a file system mounted by fuse_kern_mount() and close @p fd.
 *
 * @param mountpoint the mount point (NULL: only close @p fd)
 * @param fd the /dev/fuse descriptor (-1: none)
 */
void fuse_kern_unmount(const char *mountpoint, int fd);

/**
 * Recognise the "/dev/fd/N" mount point convention: the caller (a parent
 * process) has already mounted and passes the open /dev/fuse fd N.
 *
 * @param mountpoint the mount point string
 * @return N if @p mountpoint is "/dev/fd/N" and N is an open fd, else -1
 */
int fuse_mount_fd_from_path(const char *mountpoint);

/*
 * Helpers shared by lib/mount.c and lib/mount_util.c; not for the rest
 * of the library.
 */
#include <stdbool.h>
#include <sys/types.h>

/** Name of the setuid mount helper, as in libfuse 3. */
#define FUSERMOUNT_PROG "fusermount3"
/** Directory searched first for it (then $PATH). */
#define FUSERMOUNT_DIR "/usr/bin"
/** Environment variable naming the helper's end of the socket. */
#define FUSE_COMMFD_ENV "_FUSE_COMMFD"

/**
 * Tests only: run @p path instead of fusermount3 (NULL restores the
 * default).  Used by test/util to exercise the fd-passing protocol with a
 * stand-in helper where the setuid helper cannot mount.  Not exported
 * from the shared library.
 */
void fuse_mount_set_helper_path(const char *path);

/**
 * Start the mount helper with @p argv (argv[0] is replaced by the
 * helper's path).  If @p commfd >= 0 it is inherited by the child and
 * named in _FUSE_COMMFD.  With @p quiet, the child's stdout and stderr
 * go to /dev/null.
 *
 * @return 0 and *@p pid, or -1 with a logged reason
 */
int fuse_mnt_spawn_helper(const char *const argv[], int commfd, bool quiet,
			  pid_t *pid);

/**
 * Wait for a helper started by fuse_mnt_spawn_helper().
 *
 * @return its exit status (0-255), or -1 if it was killed or could not be
 *         waited for (logged)
 */
int fuse_mnt_wait_helper(pid_t pid);

/**
 * Receive one file descriptor sent with SCM_RIGHTS on @p sock (the
 * fusermount3 protocol: one data byte plus the descriptor).
 *
 * @return the descriptor (close-on-exec), -1 on error (logged), or -2 if
 *         the peer closed the socket without sending one
 */
int fuse_mnt_receive_fd(int sock);

/** @return true if /proc/filesystems lists fuseblk */
bool fuse_mnt_have_fuseblk(void);

/**
 * @return true if /etc/mtab is a regular file that mount(8) would
 *         update; false when it is a link to /proc (modern systems) or
 *         missing
 */
bool fuse_mnt_mtab_is_file(void);

#endif /* FUSE_MOUNT_I_H_ */
