// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs: one tool, famfs-like subcommands, working on a device or image
 * directly (no famfs kernel needed).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
	const char *name;
	famfs_cmd_fn fn;
	const char *usage;
} cmds[] = {
	{ "mkfs", cmd_mkfs, "[-f] [-k] [-l LOGLEN] DEVICE" },
	{ "mkdir", cmd_mkdir, "[-p] [-m MODE] [-u UID] [-g GID] DEVICE PATH..." },
	{ "creat", cmd_creat,
	  "-s SIZE [-m MODE] [-u UID] [-g GID] [-N NSTRIPS -B NBUCKETS -C CHUNK] [-S SEED] DEVICE PATH" },
	{ "cp", cmd_cp,
	  "[-r] [-m MODE] [-u UID] [-g GID] [-N NSTRIPS -B NBUCKETS -C CHUNK] DEVICE SRC... DEST" },
	{ "fsck", cmd_fsck, "[-v] DEVICE" },
	{ "logplay", cmd_logplay, "[-l] DEVICE   (replay in memory; -l lists the tree)" },
	{ "dump", cmd_dump, "DEVICE   (superblock, log header and every entry)" },
	{ "cat", cmd_cat, "DEVICE PATH   (file contents through its layout)" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: famfs COMMAND [options] ...\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  famfs %s %s\n", cmds[i].name, cmds[i].usage);
	fprintf(f, "PATH and DEST are relative to the file-system root.\n"
		   "DEVICE may also be the mount point of a famfs-fuse mount.\n"
		   "The master role is this host's system uuid (%s, or the file\n"
		   "named by $FAMFS_SYSTEM_UUID_FILE) matching the superblock.\n",
		"/opt/famfs/system_uuid");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!strcmp(argv[1], cmds[i].name)) {
			int rc = cmds[i].fn(argc - 1, argv + 1);

			if (rc == 2)
				fprintf(stderr, "usage: famfs %s %s\n",
					cmds[i].name, cmds[i].usage);
			return rc;
		}
	}
	fprintf(stderr, "famfs: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
