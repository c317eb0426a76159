// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Shared helpers of the famfs tool.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "famfs_le.h"

int cli_parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

int cli_parse_size(const char *s, uint64_t *out)
{
	unsigned int shift = 0;
	char *end;
	uint64_t v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	case 't': case 'T':
		shift = 40;
		break;
	default:
		return -EINVAL;
	}
	if (*end && end[1])
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

void cli_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "famfs %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void pattern_block0(uint64_t seed, uint8_t blk[4096])
{
	uint64_t x = seed ^ 0x9E3779B97F4A7C15ULL;
	int i;

	if (!x)
		x = 1;
	for (i = 0; i < 512; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		famfs_put_le64(blk + i * 8, x);
	}
}

void cli_pattern_fill(uint64_t seed, uint64_t off, uint8_t *buf, size_t len)
{
	static uint8_t blk[4096];
	static uint64_t blk_seed;
	static bool have;
	uint64_t k, in;
	size_t n;

	if (!have || blk_seed != seed) {
		pattern_block0(seed, blk);
		blk_seed = seed;
		have = true;
	}
	while (len) {
		k = off / 4096;
		in = off % 4096;
		famfs_put_le64(blk, k);
		famfs_put_le64(blk + 8, seed);
		n = 4096 - in;
		if (n > len)
			n = len;
		memcpy(buf, blk + in, n);
		buf += n;
		off += n;
		len -= n;
	}
}

const char *cli_device(const char *arg)
{
	static char dev[4096];
	char line[8192], real[4096], mnt[4096], type[256], src[4096];
	struct stat st;
	FILE *f;

	if (stat(arg, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    !realpath(arg, real))
		return arg;
	f = fopen("/proc/self/mountinfo", "r");
	if (!f)
		return arg;
	dev[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");

		/* id parent maj:min root mountpoint ... - type source opts */
		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%255s %4095s", type, src) != 2)
			continue;
		if (!strcmp(mnt, real) && (!strcmp(type, "fuse.famfs") ||
					   !strcmp(type, "fuse.famfs-fuse")))
			snprintf(dev, sizeof(dev), "%s", src);
	}
	fclose(f);
	return dev[0] ? dev : arg;
}
