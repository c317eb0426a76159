// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs-fuse [options] DEVICE_OR_IMAGE MOUNTPOINT
 *
 * Serves a famfs from its on-media log: the namespace is replayed into
 * memory at mount and kept current (lookup misses, readdir, and a periodic
 * check). Data moves through fuse_iomap: every file's layout is handed to
 * the library, which serves it by the best path the kernel offers (famfs
 * fmap, iomap, or classic READ/WRITE). The master (system uuid ==
 * superblock's) gets a writable .meta/.log; everyone else is a client.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fuse_opt.h>

#include "ff.h"

struct ff_cfg {
	char *device;
	double timeout;
	unsigned int refresh_ms;
	int client;
	int ro;
};

#define FF_OPT(t, p, v) { t, offsetof(struct ff_cfg, p), v }

static const struct fuse_opt ff_optspec[] = {
	FF_OPT("timeout=%lf", timeout, 0),
	FF_OPT("refresh_ms=%u", refresh_ms, 0),
	FF_OPT("client", client, 1),
	FF_OPT("ro", ro, 1),
	FUSE_OPT_KEY("ro", FUSE_OPT_KEY_KEEP),
	FUSE_OPT_END
};

static int ff_optproc(void *data, const char *arg, int key,
		      struct fuse_args *outargs)
{
	struct ff_cfg *cfg = data;

	if (key == FUSE_OPT_KEY_NONOPT && !cfg->device) {
		cfg->device = strdup(arg);
		return 0;	/* consumed; the next one is the mountpoint */
	}
	return 1;
}

static void usage(const char *prog)
{
	printf("usage: %s [options] DEVICE_OR_IMAGE MOUNTPOINT\n\n"
	       "famfs options:\n"
	       "    -o timeout=SECONDS   entry/attribute cache timeout (default 1.0)\n"
	       "    -o refresh_ms=MS     periodic log check (default 250, 0 = off)\n"
	       "    -o client            client role even on the master host\n"
	       "    -o ro                open the device read-only\n"
	       "    -o iomap=MODE        data path: auto (default), fmap, iomap, bpf, classic\n"
	       "The master role: $FAMFS_SYSTEM_UUID_FILE (default %s)\n"
	       "holds the superblock's system uuid.\n\n",
	       prog, FAMFS_SYSTEM_UUID_FILE);
}

/* Whether an -o option starting with @p name was given. */
static bool has_opt(const struct fuse_args *args, const char *name)
{
	int i;

	for (i = 1; i < args->argc; i++)
		if (strstr(args->argv[i], name))
			return true;
	return false;
}

static void ns_log(void *ctx, int level, const char *msg)
{
	fuse_log(level == 0 ? FUSE_LOG_ERR :
		 level == 1 ? FUSE_LOG_WARNING : FUSE_LOG_INFO,
		 "famfs-fuse: %s\n", msg);
}

static int open_fs(struct ff *ff, const struct ff_cfg *cfg)
{
	char why[FAMFS_WHY_LEN];
	int64_t n;
	uint64_t i;
	int rc;

	rc = famfs_fs_open(cfg->device, !cfg->ro, &ff->fs, why);
	if (rc) {
		fprintf(stderr, "famfs-fuse: cannot mount: %s\n", why);
		return -1;
	}
	ff->readonly = cfg->ro;
	ff->master = !cfg->client && famfs_is_master(&ff->fs.sb);
	if (famfs_ns_init(&ff->ns, &ff->fs, ff->master && !cfg->ro, ns_log,
			  ff)) {
		fprintf(stderr, "famfs-fuse: out of memory\n");
		return -1;
	}
	n = famfs_ns_replay(&ff->ns, &ff->fs);
	if (n < 0) {
		fprintf(stderr, "famfs-fuse: cannot mount %s: bad log header\n",
			cfg->device);
		return -1;
	}
	ff->alloc_bytes = FAMFS_LOG_OFFSET + ff->fs.sb.log_len;
	for (i = 0; i < ff->ns.nodes_cap; i++) {
		struct famfs_node *node = ff->ns.nodes[i];

		if (node && node->log_index >= 0 && S_ISREG(node->mode))
			ff->alloc_bytes += famfs_layout_alloc_bytes(&node->layout);
	}
	fuse_log(FUSE_LOG_INFO,
		 "famfs-fuse: %s: %llu entries, %llu files, %llu directories, role %s%s\n",
		 cfg->device, (unsigned long long)ff->ns.st.entries,
		 (unsigned long long)ff->ns.st.files,
		 (unsigned long long)ff->ns.st.dirs,
		 ff->master ? "master" : "client",
		 ff->ns.stopped ? " (replay stopped at a bad entry)" : "");
	return 0;
}

int main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct ff_cfg cfg = { .timeout = 1.0, .refresh_ms = 250 };
	struct fuse_cmdline_opts opts;
	struct fuse_loop_config *lcfg;
	struct fuse_iomap_params iparams = {
		.serves = FUSE_IOMAP_SERVES_DAX | FUSE_IOMAP_SERVES_BLOCK,
		/* whole, fixed layouts: the kernel's mapping cache can hold them */
		.upload_at_open = 1,
		/*
		 * The fs block size the iomap path reports: 4 KiB (an iomap
		 * kernel takes at most a page). famfs's 2 MiB units are
		 * multiples of it; extents on a DAX device are still held to
		 * 2 MiB by the library, and the fmap path ignores it.
		 */
		.config.blocksize = 4096,
	};
	static struct ff ff;
	int ret = 1;

	if (fuse_opt_parse(&args, &cfg, ff_optspec, ff_optproc) == -1)
		return 1;
	/* before fuse_session_new(), which refuses options it does not know */
	if (fuse_iomap_parse_opts(&args, &iparams))
		return 1;
	if (fuse_parse_cmdline(&args, &opts) != 0)
		return 1;
	if (opts.show_help) {
		usage(argv[0]);
		fuse_cmdline_help();
		fuse_lowlevel_help();
		ret = 0;
		goto out_args;
	}
	if (opts.show_version) {
		printf("famfs-fuse (famfs OMF %d.%d, version %d)\n",
		       FAMFS_OMF_MAJOR, FAMFS_OMF_MINOR, FAMFS_VERSION_CURRENT);
		fuse_lowlevel_version();
		ret = 0;
		goto out_args;
	}
	if (!cfg.device || !opts.mountpoint) {
		usage(argv[0]);
		goto out_args;
	}
	if (cfg.timeout < 0 || cfg.timeout > 86400 * 365) {
		fprintf(stderr, "famfs-fuse: bad timeout\n");
		goto out_args;
	}
	pthread_rwlock_init(&ff.lock, NULL);
	pthread_mutex_init(&ff.refresh_mu, NULL);
	ff.timeout = cfg.timeout;
	ff.refresh_ms = cfg.refresh_ms;
	clock_gettime(CLOCK_REALTIME, &ff.mtime);
	if (open_fs(&ff, &cfg))
		goto out_args;

	/* Name the mount after the device (type fuse.famfs) so the famfs
	 * tool can find the device from a mount point. */
	if (!has_opt(&args, "fsname=") && !strchr(cfg.device, ',')) {
		char *real = realpath(cfg.device, NULL);
		char *opt = NULL;

		if (real && asprintf(&opt, "-ofsname=%s", real) > 0)
			fuse_opt_add_arg(&args, opt);
		free(opt);
		free(real);
	}
	if (!has_opt(&args, "subtype="))
		fuse_opt_add_arg(&args, "-osubtype=famfs");

	ff.se = fuse_session_new(&args, &ff_ops, sizeof(ff_ops), &ff);
	if (!ff.se)
		goto out_fs;
	/* after fuse_session_new(), before fuse_session_mount() (it probes) */
	ff.im = fuse_iomap_new(ff.se, &iparams, NULL, 0, &ff);
	if (!ff.im) {
		fprintf(stderr, "famfs-fuse: fuse_iomap: %s\n", strerror(errno));
		goto out_se;
	}
	if (ff_iomap_add_devices(&ff))
		goto out_se;
	/* the layouts replayed so far; ff_refresh() publishes new ones */
	pthread_rwlock_wrlock(&ff.lock);
	if (ff_iomap_publish_all(&ff))
		fuse_log(FUSE_LOG_WARNING,
			 "famfs-fuse: some layouts were refused (logged above); those files read EIO\n");
	pthread_rwlock_unlock(&ff.lock);
	if (fuse_set_signal_handlers(ff.se) != 0)
		goto out_se;
	if (fuse_session_mount(ff.se, opts.mountpoint) != 0)
		goto out_sig;
	if (fuse_daemonize(opts.foreground) != 0)
		goto out_unmount;
	if (ff_refresher_start(&ff)) {
		fuse_log(FUSE_LOG_ERR, "famfs-fuse: no refresh thread\n");
		goto out_unmount;
	}
	if (opts.singlethread) {
		ret = fuse_session_loop(ff.se);
	} else {
		lcfg = fuse_loop_cfg_create();
		if (!lcfg) {
			ret = 1;
			goto out_refresh;
		}
		fuse_loop_cfg_set_clone_fd(lcfg, opts.clone_fd);
		fuse_loop_cfg_set_max_threads(lcfg, opts.max_threads);
		ret = fuse_session_loop_mt(ff.se, lcfg);
		fuse_loop_cfg_destroy(lcfg);
	}
	ret = ret ? 1 : 0;
out_refresh:
	ff_refresher_stop(&ff);
out_unmount:
	fuse_session_unmount(ff.se);
out_sig:
	fuse_remove_signal_handlers(ff.se);
out_se:
	fuse_iomap_destroy(ff.im);	/* after unmount; NULL-safe */
	ff.im = NULL;
	fuse_session_destroy(ff.se);
out_fs:
	famfs_ns_free(&ff.ns);
	famfs_fs_close(&ff.fs);
out_args:
	free(opts.mountpoint);
	free(cfg.device);
	fuse_opt_free_args(&args);
	return ret;
}
