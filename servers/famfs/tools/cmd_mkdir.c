// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs mkdir [-p] [-m MODE] [-u UID] [-g GID] DEVICE PATH...
 */
#include <getopt.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "famfs_write.h"

int cmd_mkdir(int argc, char **argv)
{
	uint64_t mode = 0755, uid = getuid(), gid = getgid();
	char why[FAMFS_WHY_LEN];
	struct famfs_wsess s;
	bool parents = false;
	int c, i, rc, ret = 0;
	mode_t um = umask(0);

	umask(um);
	mode &= ~um;	/* like mkdir(1): 0755 & ~umask unless -m */
	optind = 1;
	while ((c = getopt(argc, argv, "pm:u:g:h")) != -1) {
		switch (c) {
		case 'p':
			parents = true;
			break;
		case 'm':
			if (cli_parse_u64(optarg, &mode) || mode > 07777)
				return 2;
			break;
		case 'u':
			if (cli_parse_u64(optarg, &uid) || uid > UINT32_MAX)
				return 2;
			break;
		case 'g':
			if (cli_parse_u64(optarg, &gid) || gid > UINT32_MAX)
				return 2;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind < 2)
		return 2;
	rc = famfs_wsess_open(&s, cli_device(argv[optind]), false, why);
	if (rc) {
		cli_err("mkdir", "%s", why);
		return 1;
	}
	for (i = optind + 1; i < argc; i++) {
		rc = famfs_wsess_mkdir(&s, argv[i], mode, uid, gid, parents,
				       why);
		if (rc) {
			cli_err("mkdir", "%s", why);
			ret = 1;
		}
	}
	famfs_wsess_close(&s);
	return ret;
}
