// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs dump DEVICE: the superblock, the log header and every entry.
 * Damage is printed, not fatal; exit 1 if anything was bad.
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "famfs_fs.h"

static void dump_entry(const struct famfs_entry *e, uint64_t i)
{
	char u[37];
	uint32_t j;

	switch (e->type) {
	case FAMFS_LOG_FILE:
		printf("%6" PRIu64 " FILE  %s size %" PRIu64 " mode %04o uid %u gid %u flags %u %s",
		       i, e->file.path, e->file.layout.size, e->file.mode,
		       e->file.uid, e->file.gid, e->file.flags,
		       e->file.layout.kind == FAMFS_LAYOUT_SIMPLE ? "simple" :
								    "interleave");
		if (e->file.layout.kind == FAMFS_LAYOUT_INTERLEAVE)
			printf(" nstrips %u chunk 0x%" PRIx64, e->file.layout.next,
			       e->file.layout.chunk);
		for (j = 0; j < e->file.layout.next; j++)
			printf(" [%" PRIu64 ":0x%" PRIx64 "+0x%" PRIx64 "]",
			       e->file.layout.ext[j].devindex,
			       e->file.layout.ext[j].offset,
			       e->file.layout.ext[j].len);
		printf("\n");
		break;
	case FAMFS_LOG_MKDIR:
		printf("%6" PRIu64 " MKDIR %s mode %04o uid %u gid %u\n", i,
		       e->dir.path, e->dir.mode, e->dir.uid, e->dir.gid);
		break;
	case FAMFS_LOG_ADD_DAXDEV:
		famfs_uuid_unparse(e->daxdev.uuid, u);
		printf("%6" PRIu64 " ADD_DAXDEV index %u size %" PRIu64 " uuid %s\n",
		       i, e->daxdev.index, e->daxdev.size, u);
		break;
	default:
		printf("%6" PRIu64 " type %u (ignored)\n", i, e->type);
	}
}

int cmd_dump(int argc, char **argv)
{
	uint8_t buf[FAMFS_ENTRY_SIZE];
	char why[FAMFS_WHY_LEN], u[3][37];
	struct famfs_log_hdr h;
	struct famfs_entry e;
	struct famfs_fs fs;
	int rc, bad = 0;
	uint64_t i;

	if (argc != 2)
		return 2;
	rc = famfs_fs_open(cli_device(argv[1]), false, &fs, why);
	if (rc) {
		cli_err("dump", "%s", why);
		return 1;
	}
	famfs_uuid_unparse(fs.sb.uuid, u[0]);
	famfs_uuid_unparse(fs.sb.dev_uuid, u[1]);
	famfs_uuid_unparse(fs.sb.sys_uuid, u[2]);
	printf("superblock: magic 0x%" PRIx64 " version %" PRIu64 " omf %u.%u crc 0x%08x flags %u\n"
	       "  log_offset 0x%" PRIx64 " log_len 0x%" PRIx64 " alloc_unit 0x%" PRIx64 "\n"
	       "  uuid %s\n  dev_uuid %s\n  system_uuid %s\n"
	       "  daxdev \"%s\" size %" PRIu64 "\n",
	       fs.sb.magic, fs.sb.version, fs.sb.omf_major, fs.sb.omf_minor,
	       fs.sb.crc, fs.sb.flags, fs.sb.log_offset, fs.sb.log_len,
	       fs.sb.alloc_unit, u[0], u[1], u[2], fs.sb.devname,
	       fs.sb.dev_size);
	rc = famfs_fs_log_hdr(&fs, &h, why);
	if (rc) {
		printf("log header: BAD: %s\n", why);
		famfs_fs_close(&fs);
		return 1;
	}
	printf("log header: magic 0x%" PRIx64 " len 0x%" PRIx64 " last_index %" PRIu64
	       " crc 0x%08x next_seqnum %" PRIu64 " next_index %" PRIu64 "\n",
	       h.magic, h.len, h.last_index, h.crc, h.next_seqnum,
	       h.next_index);
	for (i = 0; i < h.next_index; i++) {
		rc = famfs_fs_read_entry(&fs, i, buf, why);
		if (!rc)
			rc = famfs_entry_decode(buf, fs.sb.dev_size, &e, why);
		if (rc) {
			printf("%6" PRIu64 " BAD: %s\n", i, why);
			bad = 1;
			continue;
		}
		dump_entry(&e, i);
	}
	famfs_fs_close(&fs);
	return bad;
}
