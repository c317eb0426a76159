// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target: superblock decoding. Property: whatever decodes must
 * re-encode to a superblock that decodes to the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "famfs_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t buf[FAMFS_SB_SIZE];
	char why[FAMFS_WHY_LEN];
	struct famfs_sb sb, again;

	if (famfs_sb_decode(data, size, &sb, why))
		return 0;
	famfs_sb_encode(&sb, buf);
	if (famfs_sb_decode(buf, sizeof(buf), &again, why))
		abort();
	if (again.version != sb.version || again.log_len != sb.log_len ||
	    again.dev_size != sb.dev_size || again.crc != sb.crc ||
	    memcmp(again.uuid, sb.uuid, 16) ||
	    strcmp(again.devname, sb.devname))
		abort();
	return 0;
}
