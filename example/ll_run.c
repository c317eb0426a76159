// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ll_run: the common main() tail of the lowlevel example servers.
 * See ll_run.h.
 */
#include "ll_run.h"

#include <stdio.h>
#include <stdlib.h>

static int run_loop(struct fuse_session *se, struct fuse_cmdline_opts *opts)
{
	struct fuse_loop_config *cfg;
	int ret;

	if (opts->singlethread)
		return fuse_session_loop(se);

	cfg = fuse_loop_cfg_create();
	if (!cfg) {
		fprintf(stderr, "fuse_loop_cfg_create failed\n");
		return -1;
	}
	fuse_loop_cfg_set_clone_fd(cfg, opts->clone_fd);
	fuse_loop_cfg_set_idle_threads(cfg, opts->max_idle_threads);
	fuse_loop_cfg_set_max_threads(cfg, opts->max_threads);
	ret = fuse_session_loop_mt(se, cfg);
	fuse_loop_cfg_destroy(cfg);
	return ret;
}

int ll_run(struct fuse_args *args, const char *usage,
	   const struct fuse_lowlevel_ops *ops, size_t op_size,
	   void *userdata, ll_run_hook started, ll_run_hook stopping)
{
	struct fuse_cmdline_opts opts = { 0 };
	struct fuse_session *se = NULL;
	int status = 1;
	int ret;

	if (fuse_parse_cmdline(args, &opts) != 0)
		goto out_args;

	if (opts.show_help) {
		printf("%s\n", usage);
		fuse_cmdline_help();
		fuse_lowlevel_help();
		status = 0;
		goto out_args;
	}
	if (opts.show_version) {
		printf("FUSE library version %s\n", fuse_pkgversion());
		fuse_lowlevel_version();
		status = 0;
		goto out_args;
	}
	if (!opts.mountpoint) {
		fprintf(stderr, "%s\nsee --help for the options\n", usage);
		goto out_args;
	}

	se = fuse_session_new(args, ops, op_size, userdata);
	if (!se)
		goto out_args;
	if (fuse_set_signal_handlers(se) != 0)
		goto out_session;
	if (fuse_session_mount(se, opts.mountpoint) != 0)
		goto out_signals;

	fuse_daemonize(opts.foreground);

	if (started && started(se, userdata) != 0)
		goto out_unmount;

	ret = run_loop(se, &opts);
	/*
	 * The loops return 0, -errno, or the number of the signal that ended
	 * them; a signal is the normal way to stop a server.
	 */
	status = ret < 0 ? 1 : 0;
	if (stopping)
		stopping(se, userdata);

out_unmount:
	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out_session:
	fuse_session_destroy(se);
out_args:
	free(opts.mountpoint);
	fuse_opt_free_args(args);
	return status;
}
