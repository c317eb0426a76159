// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs creat -s SIZE [-m MODE] [-u UID] [-g GID]
 *             [-N NSTRIPS -B NBUCKETS -C CHUNK] [-S SEED] DEVICE PATH
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "famfs_write.h"

/* Fill a new file with the fixtures' pattern for *seed, then flush. */
static int fill(struct famfs_dev *d, const struct famfs_layout *l, void *ctx)
{
	static uint8_t buf[1 << 20];
	uint64_t seed = *(uint64_t *)ctx, off, len;
	int rc;

	for (off = 0; off < l->size; off += len) {
		len = l->size - off;
		if (len > sizeof(buf))
			len = sizeof(buf);
		cli_pattern_fill(seed, off, buf, len);
		rc = famfs_file_write(d, l, off, buf, len);
		if (rc)
			return rc;
	}
	return famfs_file_sync(d, l);
}

int cmd_creat(int argc, char **argv)
{
	uint64_t size = 0, mode, uid = getuid(), gid = getgid(), seed = 0;
	struct famfs_ialloc ia = { 0 };
	char why[FAMFS_WHY_LEN];
	struct famfs_wsess s;
	struct famfs_node *n;
	bool have_seed = false;
	mode_t um;
	int c, rc;

	um = umask(0);
	umask(um);
	mode = 0644 & ~um;
	optind = 1;
	while ((c = getopt(argc, argv, "s:m:u:g:N:B:C:S:h")) != -1) {
		switch (c) {
		case 's':
			if (cli_parse_size(optarg, &size))
				return 2;
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
		case 'N':
			if (cli_parse_u64(optarg, &ia.nstrips))
				return 2;
			break;
		case 'B':
			if (cli_parse_u64(optarg, &ia.nbuckets))
				return 2;
			break;
		case 'C':
			if (cli_parse_size(optarg, &ia.chunk))
				return 2;
			break;
		case 'S':
			if (cli_parse_u64(optarg, &seed))
				return 2;
			have_seed = true;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 2 || !size) {
		if (!size)
			cli_err("creat", "-s SIZE (> 0) is required");
		return 2;
	}
	rc = famfs_wsess_open(&s, cli_device(argv[optind]), false, why);
	if (rc) {
		cli_err("creat", "%s", why);
		return 1;
	}
	s.alloc.ia = ia;
	rc = famfs_wsess_creat(&s, argv[optind + 1], size, mode, uid, gid,
			       have_seed ? fill : NULL, &seed, &n, why);
	if (rc) {
		cli_err("creat", "%s", why);
		famfs_wsess_close(&s);
		return 1;
	}
	famfs_wsess_close(&s);
	return 0;
}
