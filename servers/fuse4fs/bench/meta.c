// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Metadata benchmark: create N empty files in one directory, syncfs, stat
 * them, unlink them.  Prints JSON with the seconds of each phase.
 * usage: meta DIR N
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double t, create, sync1, stat_s, unlink_s;
	char p[4096];
	struct stat st;
	int n, i, fd, dfd;

	if (argc != 3)
		return 64;
	n = atoi(argv[2]);
	if (mkdir(argv[1], 0755) && errno != EEXIST)
		return perror("mkdir"), 1;
	dfd = open(argv[1], O_RDONLY | O_DIRECTORY);
	t = now();
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/f%06d", argv[1], i);
		fd = open(p, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0)
			return perror(p), 1;
		close(fd);
	}
	create = now() - t;
	t = now();
	syncfs(dfd);
	sync1 = now() - t;
	t = now();
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/f%06d", argv[1], i);
		if (stat(p, &st))
			return perror(p), 1;
	}
	stat_s = now() - t;
	t = now();
	for (i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/f%06d", argv[1], i);
		if (unlink(p))
			return perror(p), 1;
	}
	unlink_s = now() - t;
	printf("{\"create\":%.4f,\"syncfs\":%.4f,\"stat\":%.4f,\"unlink\":%.4f}\n",
	       create, sync1, stat_s, unlink_s);
	return 0;
}
