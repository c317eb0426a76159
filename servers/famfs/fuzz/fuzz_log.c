// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fuzz target: log header and entry parsing, namespace replay, fsck scan,
 * and layout mapping.
 *
 * Input: one mode byte, then the log bytes (header + entries). Mode bit 0
 * re-signs the header CRC, bit 1 stamps every entry's seqnum and CRC, so
 * the fuzzer reaches the decoders behind the integrity checks.
 * Properties: nothing crashes; every offset of every replayed file maps
 * inside the device.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "famfs_alloc.h"
#include "famfs_crc.h"
#include "famfs_le.h"
#include "famfs_ns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DEV_MEM (FAMFS_LOG_OFFSET + FAMFS_LOG_LEN_DEFAULT)
#define MAX_ENTRIES 64	/* keeps each run fast */

static uint8_t *mem;

static void check_node(const struct famfs_node *n, uint64_t dev_size)
{
	uint64_t off, devoff, len, step;

	step = n->layout.size / 7 + 1;
	for (off = 0; off < n->layout.size; off += step) {
		if (famfs_layout_map(&n->layout, off, &devoff, &len))
			abort();
		if (len == 0 || devoff >= dev_size || len > dev_size - devoff ||
		    off + len > n->layout.size)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t loglen = FAMFS_LOG_HDR_SIZE + MAX_ENTRIES * FAMFS_ENTRY_SIZE;
	struct famfs_bitmap bm = { 0 };
	char why[FAMFS_WHY_LEN];
	struct famfs_scan sc;
	struct famfs_fs fs;
	struct famfs_ns ns;
	uint8_t mode, *log;
	uint64_t i, n;

	if (size < 1)
		return 0;
	if (!mem) {
		mem = calloc(1, DEV_MEM);
		if (!mem)
			abort();
	}
	mode = data[0];
	data++;
	size--;
	log = mem + FAMFS_LOG_OFFSET;
	memset(log, 0, loglen);
	memcpy(log, data, size < loglen ? size : loglen);

	memset(&fs, 0, sizeof(fs));
	fs.dev.fd = -1;
	fs.dev.base = mem;
	fs.dev.size = DEV_MEM;
	fs.sb.magic = FAMFS_SUPER_MAGIC;
	fs.sb.version = FAMFS_VERSION_CURRENT;
	fs.sb.log_offset = FAMFS_LOG_OFFSET;
	fs.sb.log_len = FAMFS_LOG_LEN_DEFAULT;
	fs.sb.alloc_unit = FAMFS_ALLOC_UNIT;
	fs.sb.dev_size = 16ULL << 30;

	if (mode & 1) {
		famfs_put_le64(log + FAMFS_LOG_OFF_CRC,
			       famfs_crc32(0, log, FAMFS_LOG_CRC_LEN));
	}
	n = famfs_get_le64(log + FAMFS_LOG_OFF_NEXT_IDX);
	if (n > MAX_ENTRIES) {	/* bound the work, keep the header valid */
		n = MAX_ENTRIES;
		famfs_put_le64(log + FAMFS_LOG_OFF_NEXT_IDX, n);
	}
	if (mode & 2) {
		for (i = 0; i < n; i++) {
			uint8_t *e = log + FAMFS_LOG_HDR_SIZE +
				     i * FAMFS_ENTRY_SIZE;

			famfs_put_le64(e, i);
			famfs_put_le64(e + FAMFS_ENTRY_OFF_CRC,
				       famfs_crc32(0, e, FAMFS_ENTRY_CRC_LEN));
		}
	}
	if (famfs_ns_init(&ns, &fs, true, NULL, NULL))
		return 0;
	famfs_ns_replay(&ns, &fs);
	famfs_ns_replay(&ns, &fs);	/* incremental: must be a no-op */
	for (i = 0; i < ns.nodes_cap; i++)
		if (ns.nodes[i] && ns.nodes[i]->log_index >= 0 &&
		    !(ns.nodes[i]->mode & 0040000))
			check_node(ns.nodes[i], fs.sb.dev_size);
	famfs_ns_free(&ns);
	if (famfs_scan_log(&fs, &bm, &sc, NULL, NULL, why) == 0) {
		if (sc.files + sc.dirs + sc.bad_entries + sc.daxdevs +
		    sc.other != sc.entries)
			abort();
		famfs_bitmap_free(&bm);
	}
	return 0;
}
