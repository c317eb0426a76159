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
 * nonempty (ignored as upstream) and similar.  allow_root is not
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

#endif /* FUSE_MOUNT_I_H_ */
