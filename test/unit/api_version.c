// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * api_version.c - built once per FUSE_USE_VERSION (30, 31, 35, 312, 317,
 * 318) against the shared library: the header maps the versioned API the
 * way upstream does (loop_mt 3.1/3.2/3.12 forms, parse_cmdline, ioctl cmd
 * type, custom_io 3.0/3.17), and the program links and runs through the
 * versioned symbols.
 */
#include <fuse_lowlevel.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#if FUSE_USE_VERSION < 35
static void v_ioctl(fuse_req_t req, fuse_ino_t ino, int cmd, void *arg,
		    struct fuse_file_info *fi, unsigned flags,
		    const void *in, size_t in_sz, size_t out_sz)
#else
static void v_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd,
		    void *arg, struct fuse_file_info *fi, unsigned flags,
		    const void *in, size_t in_sz, size_t out_sz)
#endif
{
	(void)ino; (void)cmd; (void)arg; (void)fi; (void)flags; (void)in;
	(void)in_sz; (void)out_sz;
	fuse_reply_err(req, ENOTTY);
}

static const struct fuse_lowlevel_ops ops = {
	.ioctl = v_ioctl,
};

static ssize_t v_writev(int fd, struct iovec *iov, int count, void *ud)
{
	(void)ud;
	return writev(fd, iov, count);
}

static ssize_t v_read(int fd, void *buf, size_t len, void *ud)
{
	(void)ud;
	return read(fd, buf, len);
}

int main(int argc, char **argv)
{
	char *av[] = { argv[0], "-d", "/mnt", NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, av);
	struct fuse_cmdline_opts opts;
	struct fuse_custom_io io;
	struct fuse_session *se;
	int sv[2];

	(void)argc;
	memset(&opts, 0, sizeof(opts));
	if (fuse_parse_cmdline(&args, &opts) != 0 || !opts.debug ||
	    !opts.mountpoint || strcmp(opts.mountpoint, "/mnt")) {
		fprintf(stderr, "fuse_parse_cmdline failed\n");
		return 1;
	}
	free(opts.mountpoint);
	se = fuse_session_new(&args, &ops, sizeof(ops), NULL);
	fuse_opt_free_args(&args);
	if (!se) {
		fprintf(stderr, "fuse_session_new failed\n");
		return 1;
	}
	memset(&io, 0, sizeof(io));
	io.writev = v_writev;
	io.read = v_read;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1 ||
	    fuse_session_custom_io(se, &io, sv[1]) != 0) {
		fprintf(stderr, "fuse_session_custom_io failed\n");
		return 1;
	}
	/* Declared by the header at every level (exported at FUSE_3.3) */
	{
		int (*oc)(const char *, const char *) = fuse_open_channel;

		if (!oc)
			return 1;
	}
	/* The loop_mt form this API level sees (not run: no kernel here) */
#if FUSE_USE_VERSION < 32
	{
		int (*mt)(struct fuse_session *, int) = fuse_session_loop_mt_31;

		if (!mt)
			return 1;
	}
#elif FUSE_USE_VERSION < FUSE_MAKE_VERSION(3, 12)
	{
		int (*mt)(struct fuse_session *, struct fuse_loop_config *) =
			fuse_session_loop_mt_32;

		if (!mt)
			return 1;
	}
#else
	{
		struct fuse_loop_config *cfg = fuse_loop_cfg_create();
		int (*mt)(struct fuse_session *, struct fuse_loop_config *) =
			fuse_session_loop_mt;

		if (!cfg || !mt)
			return 1;
		fuse_loop_cfg_set_max_threads(cfg, 4);
		fuse_loop_cfg_destroy(cfg);
	}
#endif
	fuse_session_exit(se);
	if (fuse_session_loop(se) != 0) {
		fprintf(stderr, "exited loop did not return 0\n");
		return 1;
	}
	fuse_session_destroy(se);
	close(sv[0]);
	printf("api_version %d: ok\n", FUSE_USE_VERSION);
	return 0;
}
