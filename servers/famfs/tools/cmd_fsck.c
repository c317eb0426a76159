// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs fsck [-v] DEVICE
 *
 * Validates the superblock and log header, checks every log entry and
 * builds the allocation bitmap, reporting what the reference fsck reports:
 * entries used, bad entries, files, directories, allocation collisions
 * (cross-linked units). Exit status: 0 clean, 1 damage found, 2 usage.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "famfs_alloc.h"

static void report(void *ctx, const char *msg)
{
	printf("  %s\n", msg);
}

int cmd_fsck(int argc, char **argv)
{
	char why[FAMFS_WHY_LEN], u[3][37];
	struct famfs_scan sc;
	struct famfs_fs fs;
	int c, rc, verbose = 0;
	uint64_t free_bytes;

	optind = 1;
	while ((c = getopt(argc, argv, "vh")) != -1) {
		if (c == 'v')
			verbose++;
		else
			return 2;
	}
	if (optind != argc - 1)
		return 2;
	rc = famfs_fs_open(cli_device(argv[optind]), false, &fs, why);
	if (rc) {
		cli_err("fsck", "%s", why);
		return 1;
	}
	famfs_uuid_unparse(fs.sb.uuid, u[0]);
	famfs_uuid_unparse(fs.sb.dev_uuid, u[1]);
	famfs_uuid_unparse(fs.sb.sys_uuid, u[2]);
	printf("famfs superblock: version %llu, OMF %u.%u, device %s (%llu bytes)\n"
	       "  uuid %s, device uuid %s, system uuid %s\n"
	       "  log at 0x%llx, %llu bytes\n",
	       (unsigned long long)fs.sb.version, fs.sb.omf_major,
	       fs.sb.omf_minor, fs.sb.devname,
	       (unsigned long long)fs.sb.dev_size, u[0], u[1], u[2],
	       (unsigned long long)fs.sb.log_offset,
	       (unsigned long long)fs.sb.log_len);
	rc = famfs_scan_log(&fs, NULL, &sc, report, NULL, why);
	if (rc) {
		cli_err("fsck", "%s: %s", argv[optind], why);
		famfs_fs_close(&fs);
		return 1;
	}
	free_bytes = sc.alloc_sum > fs.sb.dev_size ? 0 :
		     fs.sb.dev_size - sc.alloc_sum;
	if (verbose)
		printf("  space: %llu bytes allocated, %llu free, file bytes %llu\n",
		       (unsigned long long)sc.alloc_sum,
		       (unsigned long long)free_bytes,
		       (unsigned long long)sc.fsize_sum);
	printf("%llu of %llu entries used, %llu bad log entries detected, "
	       "%llu files, %llu directories; ",
	       (unsigned long long)sc.entries,
	       (unsigned long long)sc.capacity,
	       (unsigned long long)sc.bad_entries,
	       (unsigned long long)sc.files, (unsigned long long)sc.dirs);
	if (sc.collisions)
		printf("%llu allocation collisions found\n",
		       (unsigned long long)sc.collisions);
	else
		printf("No allocation errors found\n");
	famfs_fs_close(&fs);
	return sc.bad_entries || sc.collisions ? 1 : 0;
}
