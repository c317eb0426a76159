// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs cat DEVICE PATH: write a file's bytes (read through its layout by
 * the format library) to stdout. Used by the tests to hash fixtures.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "famfs_write.h"

static void quiet(void *ctx, int level, const char *msg)
{
	if (level == 0)
		fprintf(stderr, "famfs cat: %s\n", msg);
}

int cmd_cat(int argc, char **argv)
{
	static uint8_t buf[1 << 20];
	char why[FAMFS_WHY_LEN];
	struct famfs_node *n;
	struct famfs_ns ns;
	struct famfs_fs fs;
	uint64_t off, len;
	int rc, err, ret = 1;

	if (argc != 3)
		return 2;
	rc = famfs_fs_open(cli_device(argv[1]), false, &fs, why);
	if (rc) {
		cli_err("cat", "%s", why);
		return 1;
	}
	if (famfs_ns_init(&ns, &fs, false, quiet, NULL))
		goto out_fs;
	if (famfs_ns_replay(&ns, &fs) < 0)
		goto out_ns;
	n = famfs_ns_resolve(&ns, argv[2], &err);
	if (!n || !S_ISREG(n->mode)) {
		cli_err("cat", "%s: %s", argv[2],
			n ? "not a regular file" : strerror(err));
		goto out_ns;
	}
	for (off = 0; off < n->layout.size; off += len) {
		len = n->layout.size - off;
		if (len > sizeof(buf))
			len = sizeof(buf);
		if (famfs_file_read(&fs.dev, &n->layout, off, buf, len)) {
			cli_err("cat", "%s: read failed at %llu", argv[2],
				(unsigned long long)off);
			goto out_ns;
		}
		if (fwrite(buf, 1, len, stdout) != len) {
			cli_err("cat", "write: %s", strerror(errno));
			goto out_ns;
		}
	}
	ret = 0;
out_ns:
	famfs_ns_free(&ns);
out_fs:
	famfs_fs_close(&fs);
	return ret;
}
