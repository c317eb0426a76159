// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs logplay [-l] DEVICE
 *
 * Replays the log into an in-memory namespace (what famfs-fuse serves)
 * and prints the summary; -l also lists every object with its mode, owner,
 * size and layout. Exit 1 if the replay stopped at a bad entry or skipped
 * entries.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>

#include "cli.h"
#include "famfs_ns.h"

static void report(void *ctx, int level, const char *msg)
{
	fprintf(stderr, "famfs logplay: %s\n", msg);
}

static void list(const struct famfs_ns *ns, const struct famfs_node *n,
		 const char *prefix)
{
	char path[4096];
	uint32_t i;

	for (i = 0; i < n->nkids; i++) {
		const struct famfs_node *k = famfs_ns_get(ns, n->kids[i]);

		snprintf(path, sizeof(path), "%s%s%s", prefix,
			 *prefix ? "/" : "", k->name);
		if (S_ISDIR(k->mode)) {
			printf("d %04o %u:%u %s/\n", k->mode & 07777, k->uid,
			       k->gid, path);
			list(ns, k, path);
			continue;
		}
		printf("f %04o %u:%u %s size %" PRIu64, k->mode & 07777,
		       k->uid, k->gid, path, k->layout.size);
		if (k->layout.kind == FAMFS_LAYOUT_INTERLEAVE)
			printf(" interleave %u x 0x%" PRIx64, k->layout.next,
			       k->layout.chunk);
		for (uint32_t j = 0; j < k->layout.next; j++)
			printf(" [0x%" PRIx64 "+0x%" PRIx64 "]",
			       k->layout.ext[j].offset, k->layout.ext[j].len);
		printf("\n");
	}
}

int cmd_logplay(int argc, char **argv)
{
	char why[FAMFS_WHY_LEN];
	struct famfs_ns ns;
	struct famfs_fs fs;
	int c, rc, lflag = 0;
	int64_t n;

	optind = 1;
	while ((c = getopt(argc, argv, "lh")) != -1) {
		if (c == 'l')
			lflag = 1;
		else
			return 2;
	}
	if (optind != argc - 1)
		return 2;
	rc = famfs_fs_open(cli_device(argv[optind]), false, &fs, why);
	if (rc) {
		cli_err("logplay", "%s", why);
		return 1;
	}
	if (famfs_ns_init(&ns, &fs, false, report, NULL)) {
		famfs_fs_close(&fs);
		return 1;
	}
	n = famfs_ns_replay(&ns, &fs);
	if (n >= 0 && lflag)
		list(&ns, famfs_ns_get(&ns, FAMFS_INO_ROOT), "");
	if (n >= 0)
		printf("famfs logplay: %llu log entries; %llu new files; %llu new directories; "
		       "%llu existed; %llu errors%s\n",
		       (unsigned long long)ns.st.entries,
		       (unsigned long long)ns.st.files,
		       (unsigned long long)ns.st.dirs,
		       (unsigned long long)ns.st.existed,
		       (unsigned long long)ns.st.errors,
		       ns.stopped ? "; stopped at a bad entry" : "");
	rc = n < 0 || ns.stopped || ns.st.errors ? 1 : 0;
	famfs_ns_free(&ns);
	famfs_fs_close(&fs);
	return rc;
}
