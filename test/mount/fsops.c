// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fsops: system calls the shell cannot make directly, for the mount tests.
 *
 *   fsops rename <none|noreplace|exchange> <from> <to> <expect>
 *   fsops copy <from> <to> <len>          copy_file_range, offsets 0
 *   fsops seek <file> <data|hole> <off>   prints the resulting offset
 *   fsops punch <file> <off> <len>        FALLOC_FL_PUNCH_HOLE|KEEP_SIZE
 *   fsops hold <file> <seconds>           mmap the file, fault its first
 *                                         page in, keep it mapped (so that
 *                                         drop_caches cannot evict it)
 *
 * <expect> is 0 or an errno name (EEXIST, ENOENT, EINVAL, ENOTEMPTY).
 * Exit status 0 when the call did what was expected, 1 otherwise (with
 * a message naming what happened), 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "0", 0 }, { "EEXIST", EEXIST }, { "ENOENT", ENOENT },
	{ "EINVAL", EINVAL }, { "ENOTEMPTY", ENOTEMPTY },
};

static int parse_errno(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(s, errnos[i].name))
			return errnos[i].value;
	fprintf(stderr, "fsops: unknown errno name %s\n", s);
	exit(2);
}

static long long parse_num(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || *end || v < 0) {
		fprintf(stderr, "fsops: bad number %s\n", s);
		exit(2);
	}
	return v;
}

static int do_rename(char **argv)
{
	unsigned int flags;
	int expect = parse_errno(argv[4]);
	int err;

	if (!strcmp(argv[1], "none"))
		flags = 0;
	else if (!strcmp(argv[1], "noreplace"))
		flags = RENAME_NOREPLACE;
	else if (!strcmp(argv[1], "exchange"))
		flags = RENAME_EXCHANGE;
	else
		return 2;
	err = renameat2(AT_FDCWD, argv[2], AT_FDCWD, argv[3], flags) ?
	      errno : 0;
	if (err != expect) {
		fprintf(stderr, "rename(%s) %s -> %s: got %s, expected %s\n",
			argv[1], argv[2], argv[3],
			err ? strerror(err) : "success", argv[4]);
		return 1;
	}
	return 0;
}

static int do_copy(char **argv)
{
	long long len = parse_num(argv[3]), done = 0;
	int in = open(argv[1], O_RDONLY);
	int out = open(argv[2], O_WRONLY | O_CREAT, 0644);
	ssize_t n;

	if (in < 0 || out < 0) {
		perror("open");
		return 1;
	}
	while (done < len) {
		n = copy_file_range(in, NULL, out, NULL, len - done, 0);
		if (n < 0) {
			perror("copy_file_range");
			return 1;
		}
		if (n == 0)
			break;
		done += n;
	}
	if (done != len) {
		fprintf(stderr, "copy_file_range: copied %lld of %lld\n",
			done, len);
		return 1;
	}
	return close(out) ? 1 : 0;
}

static int do_seek(char **argv)
{
	int whence = !strcmp(argv[2], "data") ? SEEK_DATA : SEEK_HOLE;
	int fd = open(argv[1], O_RDONLY);
	off_t r;

	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	r = lseek(fd, parse_num(argv[3]), whence);
	if (r < 0) {
		printf("%s\n", errno == ENXIO ? "ENXIO" : strerror(errno));
		return 0;
	}
	printf("%lld\n", (long long)r);
	return 0;
}

static int do_punch(char **argv)
{
	int fd = open(argv[1], O_RDWR);

	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      parse_num(argv[2]), parse_num(argv[3]))) {
		perror("fallocate(PUNCH_HOLE)");
		return 1;
	}
	return 0;
}

static int do_hold(char **argv)
{
	long long secs = parse_num(argv[2]);
	volatile const char *p;
	int fd = open(argv[1], O_RDONLY);

	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	(void)p[0];
	printf("held\n");
	fflush(stdout);
	sleep(secs);
	return 0;
}

int main(int argc, char *argv[])
{
	if (argc == 6 && !strcmp(argv[1], "rename"))
		return do_rename(argv + 1);
	if (argc == 5 && !strcmp(argv[1], "copy"))
		return do_copy(argv + 1);
	if (argc == 5 && !strcmp(argv[1], "seek"))
		return do_seek(argv + 1);
	if (argc == 5 && !strcmp(argv[1], "punch"))
		return do_punch(argv + 1);
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return do_hold(argv + 1);
	fprintf(stderr, "usage: see the comment at the top of fsops.c\n");
	return 2;
}
