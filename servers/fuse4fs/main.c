// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse4fs: command line, mount sequence, background flusher, main loop.
 *
 * usage: fuse4fs [options] IMAGE_OR_DEVICE MOUNTPOINT
 */
#include "f4.h"
#include "bcache.h"
#include "iomap.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fuse_opt.h>

enum {
	KEY_HELP,
	KEY_VERSION,
	KEY_RO,
	KEY_RW,
	KEY_ERRORS,
	KEY_DEBUG,
};

#define F4_OPT(t, p, v) { t, offsetof(struct f4_opts, p), v }

static const struct fuse_opt f4_optspec[] = {
	F4_OPT("fakeroot", fakeroot, 1),
	F4_OPT("norecovery", norecovery, 1),
	F4_OPT("noload", norecovery, 1),
	F4_OPT("force", force, 1),
	F4_OPT("writeback", writeback, 1),
	F4_OPT("nowriteback", writeback, 0),
	F4_OPT("entry_timeout=%lf", entry_timeout, 0),
	F4_OPT("attr_timeout=%lf", attr_timeout, 0),
	F4_OPT("commit=%u", commit, 0),
	F4_OPT("cache_mb=%u", cache_mb, 0),
	FUSE_OPT_KEY("ro", KEY_RO),
	FUSE_OPT_KEY("rw", KEY_RW),
	FUSE_OPT_KEY("errors=", KEY_ERRORS),
	FUSE_OPT_KEY("fuse4fs_debug", KEY_DEBUG),
	FUSE_OPT_KEY("-h", KEY_HELP),
	FUSE_OPT_KEY("--help", KEY_HELP),
	FUSE_OPT_KEY("-V", KEY_VERSION),
	FUSE_OPT_KEY("--version", KEY_VERSION),
	FUSE_OPT_END
};

static void f4_usage(const char *prog)
{
	printf("usage: %s [options] IMAGE_OR_DEVICE MOUNTPOINT\n\n"
	       "fuse4fs options:\n"
	       "    -o ro                  read-only mount\n"
	       "    -o rw                  read-write mount (default)\n"
	       "    -o fakeroot            let every user act as root\n"
	       "    -o norecovery|noload   do not replay the journal (implies ro)\n"
	       "    -o force               mount rw even if the fs has errors\n"
	       "    -o errors=continue|remount-ro|panic\n"
	       "                           what to do on corruption (default: superblock)\n"
	       "    -o writeback|nowriteback  kernel writeback cache (default on)\n"
	       "    -o entry_timeout=S     dentry cache timeout (default 30)\n"
	       "    -o attr_timeout=S      attribute cache timeout (default 30)\n"
	       "    -o commit=S            background flush interval (default 5)\n"
	       "    -o cache_mb=N          metadata block cache size (default 64)\n"
	       "    -o iomap=auto|iomap|classic\n"
	       "                           data path (fuse_iomap: mapped I/O where the\n"
	       "                           kernel offers fuse-iomap, else classic)\n"
	       "    -o fuse4fs_debug       print fuse4fs debugging messages\n"
	       "    -o allow_other, -o default_permissions, -o io_uring and\n"
	       "    the other FUSE options below are passed to the library.\n\n",
	       prog);
}

static int f4_opt_proc(void *data, const char *arg, int key,
		       struct fuse_args *outargs)
{
	struct f4_opts *o = data;
	const char *v;

	switch (key) {
	case FUSE_OPT_KEY_NONOPT:
		if (!o->device) {
			o->device = strdup(arg);
			return 0;
		}
		return 1;	/* the mount point: fuse_parse_cmdline takes it */
	case KEY_RO:
		o->ro = 1;
		return 1;
	case KEY_RW:
		o->ro = 0;
		o->rw = 1;
		return 0;
	case KEY_ERRORS:
		v = arg + strlen("errors=");
		if (!strcmp(v, "continue"))
			o->errors = F4_ERRORS_CONTINUE;
		else if (!strcmp(v, "remount-ro"))
			o->errors = F4_ERRORS_RO;
		else if (!strcmp(v, "panic"))
			o->errors = F4_ERRORS_PANIC;
		else {
			fprintf(stderr, "fuse4fs: bad errors= value: %s\n", v);
			return -1;
		}
		return 0;
	case KEY_DEBUG:
		o->debug = 1;
		return 0;
	case KEY_HELP:
		o->show_help = 1;
		return fuse_opt_add_arg(outargs, "-h") ? -1 : 0;
	case KEY_VERSION:
		o->show_version = 1;
		return fuse_opt_add_arg(outargs, "-V") ? -1 : 0;
	}
	return 1;
}

static void *f4_flusher(void *arg)
{
	struct f4 *f4 = arg;
	struct timespec ts;

	pthread_mutex_lock(&f4->flush_mtx);
	while (!f4->stop_flusher) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += f4->commit_secs;
		pthread_cond_timedwait(&f4->flush_cond, &f4->flush_mtx, &ts);
		if (f4->stop_flusher)
			break;
		pthread_mutex_unlock(&f4->flush_mtx);
		f4_wrlock(f4);
		if (f4->dirty && f4_writable(f4))
			f4_fs_sync(f4, false);
		f4_unlock(f4);
		pthread_mutex_lock(&f4->flush_mtx);
	}
	pthread_mutex_unlock(&f4->flush_mtx);
	return NULL;
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts cmd;
	struct fuse_loop_config *cfg = NULL;
	struct fuse_lowlevel_ops ops;
	struct fuse_session *se = NULL;
	struct f4 *f4;
	char *extra = NULL;
	int ret = 1;

	f4 = calloc(1, sizeof(*f4));
	if (!f4)
		return 1;
	f4->devfd = -1;
	f4->o.writeback = 1;
	f4->o.entry_timeout = 30.0;
	f4->o.attr_timeout = 30.0;
	f4->o.commit = 5;
	f4->o.cache_mb = 64;
	pthread_rwlock_init(&f4->lock, NULL);
	pthread_mutex_init(&f4->map_lock, NULL);
	pthread_mutex_init(&f4->node_lock, NULL);
	pthread_mutex_init(&f4->flush_mtx, NULL);
	pthread_cond_init(&f4->flush_cond, NULL);
	srandom((unsigned int)time(NULL) ^ (unsigned int)getpid());

	if (fuse_opt_parse(&args, &f4->o, f4_optspec, f4_opt_proc))
		goto out_args;
	/* -o iomap=auto|iomap|classic: the library's option (iomap.c) */
	if (f4_iomap_parse(f4, &args))
		goto out_args;
	if (fuse_parse_cmdline(&args, &cmd) != 0)
		goto out_args;
	if (f4->o.show_help || cmd.show_help) {
		f4_usage(argv[0]);
		fuse_cmdline_help();
		fuse_lowlevel_help();
		ret = 0;
		goto out_cmd;
	}
	if (f4->o.show_version || cmd.show_version) {
		{ const char *ver = NULL; ext2fs_get_library_version(&ver, NULL); printf("fuse4fs (libext2fs %s)\n", ver ? ver : "?"); }
		fuse_lowlevel_version();
		ret = 0;
		goto out_cmd;
	}
	if (!f4->o.device || !cmd.mountpoint) {
		fprintf(stderr, "usage: %s [options] IMAGE_OR_DEVICE MOUNTPOINT\n"
			"       %s --help\n", argv[0], argv[0]);
		goto out_cmd;
	}
	if (f4->o.entry_timeout < 0 || f4->o.attr_timeout < 0 ||
	    f4->o.commit < 1 || f4->o.commit > 3600) {
		fprintf(stderr, "fuse4fs: bad timeout or commit value\n");
		goto out_cmd;
	}
	f4->o.debug |= cmd.debug;
	f4->commit_secs = (unsigned int)f4->o.commit;
	f4->o.mountpoint = cmd.mountpoint;

	if (f4->o.cache_mb > 65536) {
		fprintf(stderr, "fuse4fs: cache_mb too large\n");
		goto out_cmd;
	}
	f4_bcache_set_size((size_t)f4->o.cache_mb << 20);
	add_error_table(&et_ext2_error_table);
	if (f4_fs_open(f4))
		goto out_cmd;

	if (asprintf(&extra, "-osubtype=ext%d,fsname=%s,default_permissions%s",
		     ext2fs_has_feature_extents(f4->fs->super) ? 4 :
		     ext2fs_has_feature_journal(f4->fs->super) ? 3 : 2,
		     f4->o.device, f4->ro ? ",ro" : "") < 0 ||
	    fuse_opt_add_arg(&args, extra)) {
		fprintf(stderr, "fuse4fs: out of memory\n");
		goto out_fs;
	}
	memset(&ops, 0, sizeof(ops));
	f4_ops_node(&ops);
	f4_ops_file(&ops);
	ops.getxattr = f4_op_getxattr;
	ops.setxattr = f4_op_setxattr;
	ops.listxattr = f4_op_listxattr;
	ops.removexattr = f4_op_removexattr;
	se = fuse_session_new(&args, &ops, sizeof(ops), f4);
	if (!se)
		goto out_fs;
	f4->se = se;
	if (f4_iomap_attach(f4, se))
		goto out_se;
	if (fuse_set_signal_handlers(se))
		goto out_se;
	if (fuse_session_mount(se, cmd.mountpoint))
		goto out_sig;
	if (fuse_daemonize(cmd.foreground))
		goto out_unmount;
	if (!f4->ro) {
		if (pthread_create(&f4->flusher, NULL, f4_flusher, f4) == 0)
			f4->flusher_running = true;
		else
			fprintf(stderr, "fuse4fs: no background flusher\n");
	}
	if (cmd.singlethread) {
		ret = fuse_session_loop(se);
	} else {
		cfg = fuse_loop_cfg_create();
		if (!cfg) {
			ret = 1;
			goto out_flusher;
		}
		fuse_loop_cfg_set_clone_fd(cfg, (unsigned int)cmd.clone_fd);
		/*
		 * Metadata is serialised by one lock: more than a few workers
		 * only add lock handoffs.  10 is fuse_parse_cmdline's default,
		 * so an explicit -o max_threads=N other than 10 is honoured.
		 */
		fuse_loop_cfg_set_max_threads(cfg, cmd.max_threads == 10 ? 4 :
					      cmd.max_threads);
		ret = fuse_session_loop_mt(se, cfg);
		fuse_loop_cfg_destroy(cfg);
	}
out_flusher:
	if (f4->flusher_running) {
		pthread_mutex_lock(&f4->flush_mtx);
		f4->stop_flusher = true;
		pthread_cond_signal(&f4->flush_cond);
		pthread_mutex_unlock(&f4->flush_mtx);
		pthread_join(f4->flusher, NULL);
	}
out_unmount:
	fuse_session_unmount(se);
out_sig:
	fuse_remove_signal_handlers(se);
out_se:
	f4_iomap_detach(f4);
	fuse_session_destroy(se);
out_fs:
	f4->shutdown = false;
	if (f4_fs_close(f4) && ret == 0)
		ret = 1;
	free(extra);
out_cmd:
	free(cmd.mountpoint);
out_args:
	fuse_opt_free_args(&args);
	f4_iomap_detach(f4);	/* parsed options, if not attached */
	free(f4->o.device);
	free(f4);
	return ret ? 1 : 0;
}
