// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * session.c - the session object: creation (options), custom I/O,
 * mounting, exit / reset, destruction, and the versioned entry points.
 */
#include "fuse_i.h"
#include "kmodel_wire_i.h"
#include "ll_i.h"
#include "mount_i.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

struct fuse_session *
fuse_session_new_versioned(struct fuse_args *args,
			   const struct fuse_lowlevel_ops *op,
			   size_t op_size, struct libfuse_version *version,
			   void *userdata)
{
	struct fuse_session *se;
	size_t i;

	if (!args || !op) {
		fuse_log(FUSE_LOG_ERR, "fuse: fuse_session_new() needs arguments and operations\n");
		return NULL;
	}
	if (args->argc == 0) {
		fuse_log(FUSE_LOG_ERR, "fuse: empty argv passed to fuse_session_new()\n");
		return NULL;
	}
	if (op_size > sizeof(struct fuse_lowlevel_ops)) {
		fuse_log(FUSE_LOG_ERR, "fuse: warning: library too old, some operations may not work\n");
		op_size = sizeof(struct fuse_lowlevel_ops);
	}

	se = calloc(1, sizeof(*se));
	if (!se) {
		fuse_log(FUSE_LOG_ERR, "fuse: failed to allocate fuse object\n");
		return NULL;
	}
	se->fd = -1;
	se->exit_efd = -1;
	se->conn.max_write = UINT_MAX;
	se->conn.max_readahead = UINT_MAX;
	se->bufsize = FUSE_DEFAULT_MAX_PAGES * (size_t)getpagesize() +
		      FUSE_BUFFER_HEADER_SIZE;
	se->owner = getuid();
	memcpy(&se->op, op, op_size);
	se->userdata = userdata;
	if (version)
		se->version = *version;
	/*
	 * Interrupt callbacks run under their bucket's lock and usually reply,
	 * which takes the same lock again: the bucket locks are recursive.
	 */
	{
		pthread_mutexattr_t attr;

		pthread_mutexattr_init(&attr);
		pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
		for (i = 0; i < FUSE_REQ_BUCKETS; i++)
			pthread_mutex_init(&se->buckets[i].lock, &attr);
		pthread_mutexattr_destroy(&attr);
	}
	pthread_mutex_init(&se->intr_lock, NULL);
	pthread_mutex_init(&se->notify_lock, NULL);
	fuse_chan_init_dev(&se->ch, se, -1);

	se->exit_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (se->exit_efd == -1) {
		fuse_log(FUSE_LOG_ERR, "fuse: eventfd: %s\n", strerror(errno));
		goto fail;
	}

	if (fuse_ll_parse_session_opts(se, args) == -1)
		goto fail;
	if (se->allow_root) {
		/*
		 * The kernel is told to allow everybody; the decoder then
		 * refuses others than the owner and root.
		 */
		if (fuse_opt_add_arg(args, "-oallow_other") == -1)
			goto fail;
	}
	se->mo = fuse_mount_opts_parse(args);
	if (!se->mo)
		goto fail;
	se->conn.max_read = fuse_mount_opts_max_read(se->mo);

	if (args->argc == 1 && args->argv[0][0] == '-') {
		fuse_log(FUSE_LOG_ERR, "fuse: warning: argv[0] looks like an option, but will be ignored\n");
	} else if (args->argc != 1) {
		int j;

		fuse_log(FUSE_LOG_ERR, "fuse: unknown option(s): `");
		for (j = 1; j < args->argc - 1; j++)
			fuse_log(FUSE_LOG_ERR, "%s ", args->argv[j]);
		fuse_log(FUSE_LOG_ERR, "%s'\n", args->argv[j]);
		goto fail;
	}

	if (se->debug)
		fuse_log(FUSE_LOG_DEBUG, "FUSE library version: %s\n",
			 PACKAGE_VERSION);
	return se;

fail:
	fuse_session_destroy(se);
	return NULL;
}

/* Entry point of binaries built against 3.0 .. 3.16 headers */
struct fuse_session *fuse_session_new_30(struct fuse_args *args,
					 const struct fuse_lowlevel_ops *op,
					 size_t op_size, void *userdata);
FUSE_SYMVER("fuse_session_new_30", "fuse_session_new@FUSE_3.0");
struct fuse_session *fuse_session_new_30(struct fuse_args *args,
					 const struct fuse_lowlevel_ops *op,
					 size_t op_size, void *userdata)
{
	struct libfuse_version version = { 3, 0, 0, 0 };

	return fuse_session_new_versioned(args, op, op_size, &version,
					  userdata);
}

FUSE_SYMVER("fuse_session_custom_io_317", "fuse_session_custom_io@@FUSE_3.17");
int fuse_session_custom_io_317(struct fuse_session *se,
			       const struct fuse_custom_io *io,
			       size_t op_size, int fd)
{
	struct fuse_custom_io *copy;

	if (!se)
		return -EINVAL;
	if (fd < 0) {
		fuse_log(FUSE_LOG_ERR, "fuse: invalid file descriptor value %d passed to fuse_session_custom_io()\n",
			 fd);
		return -EBADF;
	}
	if (!io) {
		fuse_log(FUSE_LOG_ERR, "fuse: no custom I/O functions given\n");
		return -EINVAL;
	}
	if (!io->writev || !io->read) {
		fuse_log(FUSE_LOG_ERR, "fuse: custom I/O needs at least writev() and read()\n");
		return -EINVAL;
	}
	if (se->fd != -1) {
		fuse_log(FUSE_LOG_ERR, "fuse: session already connected\n");
		return -EBUSY;
	}
	copy = calloc(1, sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, io, op_size < sizeof(*copy) ? op_size : sizeof(*copy));
	se->io = copy;
	se->fd = fd;
	se->ch.fd = fd;
	return 0;
}

FUSE_SYMVER("fuse_session_custom_io_30", "fuse_session_custom_io@FUSE_3.0");
int fuse_session_custom_io_30(struct fuse_session *se,
			      const struct fuse_custom_io *io, int fd)
{
	/* The 3.0 structure ends before clone_fd. */
	return fuse_session_custom_io_317(se, io,
					  offsetof(struct fuse_custom_io,
						   clone_fd), fd);
}

int fuse_session_mount(struct fuse_session *se, const char *mountpoint)
{
	int fd;

	if (!se || !mountpoint) {
		fuse_log(FUSE_LOG_ERR, "fuse: no mount point\n");
		return -1;
	}
	if (se->fd != -1) {
		fuse_log(FUSE_LOG_ERR, "fuse: session already mounted\n");
		return -1;
	}

	/* Keep 0, 1 and 2 taken, so the device never lands on stdio. */
	do {
		fd = open("/dev/null", O_RDWR);
		if (fd > 2)
			close(fd);
	} while (fd >= 0 && fd <= 2);

	/* /dev/fd/N: the parent already opened and mounted the device. */
	fd = fuse_mount_fd_from_path(mountpoint);
	if (fd != -1) {
		se->fd = fd;
		se->ch.fd = fd;
		/* kernel model sessions: device ioctls become control messages */
		fuse_kmodel_session_attach(se);
	} else {
		fd = fuse_kern_mount(mountpoint, se->mo);
		if (fd == -1)
			return -1;
		se->mountpoint = strdup(mountpoint);
		if (!se->mountpoint) {
			fuse_kern_unmount(mountpoint, fd);
			return -1;
		}
	}
	/* Non-blocking reads let the loops wait on the exit eventfd too. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	se->fd = fd;
	se->ch.fd = fd;
	if (se->ext.premount)
		se->ext.premount(se, se->ext.priv, !fuse_kmodel_is_model_fd(fd));
	/* The kernel model sends INIT once the pre-mount ioctls are done. */
	if (fuse_kmodel_session_ready(se) < 0) {
		fuse_log(FUSE_LOG_ERR, "fuse: the kernel model did not take the ready signal\n");
		return -1;
	}
	return 0;
}

int fuse_session_fd(struct fuse_session *se)
{
	return se->fd;
}

void fuse_session_unmount(struct fuse_session *se)
{
	if (!se || !se->mountpoint)
		return;
	fuse_kern_unmount(se->mountpoint, se->fd);
	free(se->mountpoint);
	se->mountpoint = NULL;
	se->fd = -1;
	se->ch.fd = -1;
}

void fuse_session_exit(struct fuse_session *se)
{
	uint64_t one = 1;
	ssize_t r;

	atomic_store(&se->exited, 1);
	if (se->exit_efd >= 0) {
		r = write(se->exit_efd, &one, sizeof(one));
		(void)r;
	}
}

void fuse_session_exit_signal(struct fuse_session *se, int sig)
{
	int zero = 0;

	atomic_compare_exchange_strong(&se->exit_signal, &zero, sig);
	fuse_session_exit(se);
}

void fuse_session_reset(struct fuse_session *se)
{
	uint64_t v;
	ssize_t r;

	atomic_store(&se->exited, 0);
	atomic_store(&se->exit_signal, 0);
	se->error = 0;
	if (se->exit_efd >= 0) {
		r = read(se->exit_efd, &v, sizeof(v));
		(void)r;
	}
}

int fuse_session_exited(struct fuse_session *se)
{
	return atomic_load(&se->exited);
}

int fuse_session_loop_result(struct fuse_session *se)
{
	int sig = atomic_load(&se->exit_signal);

	if (sig)
		return sig;
	return se->error;
}

void fuse_session_set_ext(struct fuse_session *se,
			  const struct fuse_ll_ext *ext)
{
	if (ext)
		se->ext = *ext;
	else
		memset(&se->ext, 0, sizeof(se->ext));
}

void fuse_session_destroy(struct fuse_session *se)
{
	size_t i;

	if (!se)
		return;
	fuse_uring_stop(se);
	if (atomic_exchange(&se->init_called, 0) && se->op.destroy)
		se->op.destroy(se->userdata);
	if (se->ext.destroy)
		se->ext.destroy(se, se->ext.priv);
	if (se->fd != -1)
		close(se->fd);
	if (se->exit_efd != -1)
		close(se->exit_efd);
	fuse_ll_retrieves_free(se);
	fuse_req_pending_free(se);
	if (se->mo)
		fuse_mount_opts_free(se->mo);
	for (i = 0; i < FUSE_REQ_BUCKETS; i++)
		pthread_mutex_destroy(&se->buckets[i].lock);
	pthread_mutex_destroy(&se->intr_lock);
	pthread_mutex_destroy(&se->notify_lock);
	free(se->mountpoint);
	free(se->io);
	free(se);
}
