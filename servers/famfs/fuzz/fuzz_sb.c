// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target: superblock decoding.
 *
 * Input: one mode byte, then the superblock bytes. Mode bit 0 re-signs the
 * CRC over bytes [0, 96) so the fuzzer reaches the field validators.
 * Property: whatever decodes re-encodes to a superblock that decodes to
 * the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "famfs_crc.h"
#include "famfs_format.h"
#include "famfs_le.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t in[4096], buf[FAMFS_SB_SIZE];
	char why[FAMFS_WHY_LEN];
	struct famfs_sb sb, again;
	uint8_t mode;

	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	if (size > sizeof(in))
		size = sizeof(in);
	memcpy(in, data, size);
	if ((mode & 1) && size >= FAMFS_SB_SIZE)
		famfs_put_le64(in + FAMFS_SB_OFF_CRC,
			       famfs_crc32(0, in, FAMFS_SB_CRC_LEN));
	if (famfs_sb_decode(in, size, &sb, why))
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
