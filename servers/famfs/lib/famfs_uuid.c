// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * UUIDs as famfs stores them: 16 raw bytes in text order (spec 1.2).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/random.h>

#include "famfs_format.h"

void famfs_uuid_unparse(const uint8_t u[16], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int famfs_uuid_parse(const char *in, uint8_t u[16])
{
	int i, n = 0, hi, lo;

	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (in[i] != '-')
				return -EINVAL;
			continue;
		}
		hi = hexval(in[i]);
		if (hi < 0)
			return -EINVAL;
		lo = hexval(in[++i]);
		if (lo < 0)
			return -EINVAL;
		u[n++] = (uint8_t)(hi << 4 | lo);
	}
	if (in[36] != '\0' && in[36] != '\n')
		return -EINVAL;
	return 0;
}

int famfs_uuid_generate(uint8_t u[16])
{
	ssize_t n = getrandom(u, 16, 0);

	if (n != 16)
		return n < 0 ? -errno : -EIO;
	u[6] = (u[6] & 0x0f) | 0x40;	/* version 4 */
	u[8] = (u[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	return 0;
}
