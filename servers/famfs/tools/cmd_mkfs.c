// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs mkfs [-f] [-k] [-l LOGLEN] DEVICE
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "famfs_write.h"

int cmd_mkfs(int argc, char **argv)
{
	struct famfs_mkfs_opts o = { 0 };
	char why[FAMFS_WHY_LEN], u[37];
	struct famfs_dev d;
	struct famfs_sb sb;
	int c, rc;

	optind = 1;
	while ((c = getopt(argc, argv, "fkl:h")) != -1) {
		switch (c) {
		case 'f':
			o.force = true;
			break;
		case 'k':
			o.kill = true;
			break;
		case 'l':
			if (cli_parse_size(optarg, &o.log_len)) {
				cli_err("mkfs", "bad log length '%s'", optarg);
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	if (optind != argc - 1)
		return 2;
	o.devname = argv[optind];
	rc = famfs_dev_open(argv[optind], true, &d, why);
	if (rc) {
		cli_err("mkfs", "%s", why);
		return 1;
	}
	/* Flock like every writer, so mkfs never races an append. */
	if (famfs_dev_lock(&d, true)) {
		cli_err("mkfs", "%s: another writer holds the lock", d.path);
		famfs_dev_close(&d);
		return 1;
	}
	rc = famfs_mkfs(&d, &o, why);
	if (rc) {
		cli_err("mkfs", "%s", why);
		famfs_dev_close(&d);
		return 1;
	}
	if (o.kill) {
		printf("famfs mkfs: %s: superblock invalidated\n", d.path);
	} else {
		famfs_sb_decode(d.base, d.size, &sb, why);
		famfs_uuid_unparse(sb.uuid, u);
		printf("famfs mkfs: %s: %llu bytes, log %llu bytes (%llu entries), uuid %s\n",
		       d.path, (unsigned long long)sb.dev_size,
		       (unsigned long long)sb.log_len,
		       (unsigned long long)famfs_log_capacity(sb.log_len), u);
	}
	famfs_dev_close(&d);
	return 0;
}
