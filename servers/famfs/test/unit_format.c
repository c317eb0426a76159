// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Unit tests of the famfs format library: CRC, superblock/log/entry
 * encode-decode round trips and rejections, path rules, layout mapping
 * against a brute-force model, allocator placement rules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "famfs_alloc.h"
#include "famfs_crc.h"
#include "famfs_format.h"
#include "famfs_le.h"

static int failures;

#define CHECK(c) do { \
	if (!(c)) { \
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
			__LINE__, #c); \
		failures++; \
	} \
} while (0)

static void test_crc(void)
{
	/* CRC-32/ISO-HDLC check value, and zlib chaining semantics */
	CHECK(famfs_crc32(0, "123456789", 9) == 0xcbf43926);
	CHECK(famfs_crc32(famfs_crc32(0, "1234", 4), "56789", 5) == 0xcbf43926);
	CHECK(famfs_crc32(0, "", 0) == 0);
}

static void make_sb(struct famfs_sb *sb)
{
	memset(sb, 0, sizeof(*sb));
	sb->magic = FAMFS_SUPER_MAGIC;
	sb->version = 48;
	sb->log_offset = FAMFS_LOG_OFFSET;
	sb->log_len = FAMFS_LOG_LEN_DEFAULT;
	sb->alloc_unit = FAMFS_ALLOC_UNIT;
	sb->omf_major = 2;
	sb->omf_minor = 2;
	sb->dev_size = 4ULL << 30;
	memset(sb->uuid, 0x11, 16);
	memset(sb->sys_uuid, 0x33, 16);
	strcpy(sb->devname, "/dev/dax0.0");
}

static void test_sb(void)
{
	uint8_t buf[FAMFS_SB_SIZE];
	char why[FAMFS_WHY_LEN];
	struct famfs_sb sb, out;

	make_sb(&sb);
	famfs_sb_encode(&sb, buf);
	CHECK(famfs_sb_decode(buf, sizeof(buf), &out, why) == 0);
	CHECK(out.dev_size == sb.dev_size && out.crc == sb.crc);
	CHECK(strcmp(out.devname, "/dev/dax0.0") == 0);
	CHECK(famfs_sb_decode(buf, 100, &out, why) == -EINVAL);

	buf[3] ^= 1;	/* magic */
	CHECK(famfs_sb_decode(buf, sizeof(buf), &out, why) == -EBADMSG);
	buf[3] ^= 1;
	buf[50] ^= 1;	/* uuid, covered by the CRC */
	CHECK(famfs_sb_decode(buf, sizeof(buf), &out, why) == -EBADMSG);
	buf[50] ^= 1;
	buf[150] ^= 1;	/* devname: not covered */
	CHECK(famfs_sb_decode(buf, sizeof(buf), &out, why) == 0);

	sb.version = 46;
	famfs_sb_encode(&sb, buf);
	CHECK(famfs_sb_decode(buf, sizeof(buf), &out, why) == -EPROTONOSUPPORT);
	sb.version = 47;
	famfs_sb_encode(&sb, buf);
	CHECK(famfs_sb_decode(buf, sizeof(buf), &out, why) == 0);
	sb.omf_major = 1;	/* 47 with an old layout */
	famfs_sb_encode(&sb, buf);
	CHECK(famfs_sb_decode(buf, sizeof(buf), &out, why) == -EPROTONOSUPPORT);
	make_sb(&sb);
	sb.log_len = 3 << 20;
	famfs_sb_encode(&sb, buf);
	CHECK(famfs_sb_decode(buf, sizeof(buf), &out, why) == -EINVAL);
	make_sb(&sb);
	sb.alloc_unit = 8192;
	famfs_sb_encode(&sb, buf);
	CHECK(famfs_sb_decode(buf, sizeof(buf), &out, why) == -EINVAL);
	make_sb(&sb);
	sb.dev_size = 4 << 20;
	famfs_sb_encode(&sb, buf);
	CHECK(famfs_sb_decode(buf, sizeof(buf), &out, why) == -EINVAL);
	/* a 64-byte device name is stored unterminated and read back */
	make_sb(&sb);
	memset(sb.devname, 'x', 64);
	sb.devname[64] = '\0';
	famfs_sb_encode(&sb, buf);
	CHECK(famfs_sb_decode(buf, sizeof(buf), &out, why) == 0);
	CHECK(strlen(out.devname) == 64);
}

static void test_log_hdr(void)
{
	uint8_t buf[FAMFS_LOG_HDR_SIZE];
	char why[FAMFS_WHY_LEN];
	struct famfs_log_hdr h = { 0 }, out;
	struct famfs_sb sb;

	make_sb(&sb);
	h.magic = FAMFS_LOG_MAGIC;
	h.len = sb.log_len;
	h.last_index = 15419;	/* spec 1.3 for 8 MiB */
	h.next_index = h.next_seqnum = 7;
	famfs_log_hdr_encode(&h, buf);
	CHECK(famfs_log_capacity(sb.log_len) == 15420);
	CHECK(famfs_log_hdr_decode(buf, &sb, &out, why) == 0);
	CHECK(out.next_index == 7);
	/* counters are outside the CRC */
	famfs_put_le64(buf + FAMFS_LOG_OFF_NEXT_IDX, 15420);
	CHECK(famfs_log_hdr_decode(buf, &sb, &out, why) == 0);
	famfs_put_le64(buf + FAMFS_LOG_OFF_NEXT_IDX, 15421);
	CHECK(famfs_log_hdr_decode(buf, &sb, &out, why) == -EINVAL);
	famfs_put_le64(buf + FAMFS_LOG_OFF_NEXT_IDX, 1);
	buf[17] ^= 1;	/* last_index */
	CHECK(famfs_log_hdr_decode(buf, &sb, &out, why) == -EBADMSG);
	/* an older entry size (352 bytes) is detected by last_index */
	h.last_index = (sb.log_len - 48) / 352 - 1;
	famfs_log_hdr_encode(&h, buf);
	CHECK(famfs_log_hdr_decode(buf, &sb, &out, why) == -EINVAL);
}

static void test_entries(void)
{
	uint8_t buf[FAMFS_ENTRY_SIZE];
	char why[FAMFS_WHY_LEN];
	struct famfs_entry e, out;

	memset(&e, 0, sizeof(e));
	e.type = FAMFS_LOG_FILE;
	e.file.flags = 2;
	e.file.uid = 1000;
	e.file.gid = 100;
	e.file.mode = 0640;
	strcpy(e.file.path, "dir/file");
	e.file.layout.kind = FAMFS_LAYOUT_INTERLEAVE;
	e.file.layout.size = 10 << 20;
	e.file.layout.chunk = 2 << 20;
	e.file.layout.next = 2;
	e.file.layout.ext[0].offset = 1ULL << 30;
	e.file.layout.ext[0].len = 6 << 20;
	e.file.layout.ext[1].offset = 2ULL << 30;
	e.file.layout.ext[1].len = 6 << 20;
	CHECK(famfs_entry_encode(&e, 5, buf) == 0);
	/* offsets of spec 1.4: count at fmap+8, nstrips at fmap+16 */
	CHECK(famfs_get_le32(buf + 16 + 104 + 8) == 1);
	CHECK(famfs_get_le64(buf + 16 + 104 + 16) == 2);
	CHECK(famfs_entry_check(buf, 5, why) == 0);
	CHECK(famfs_entry_check(buf, 4, why) == -EBADMSG);
	CHECK(famfs_entry_decode(buf, 4ULL << 30, &out, why) == 0);
	CHECK(out.file.layout.next == 2 && out.file.layout.chunk == (2 << 20));
	CHECK(out.file.uid == 1000 && out.file.mode == 0640);
	CHECK(strcmp(out.file.path, "dir/file") == 0);
	/* strip past the device end */
	CHECK(famfs_entry_decode(buf, 2ULL << 30, &out, why) == -EINVAL);
	buf[300] ^= 0x40;	/* payload byte: CRC must catch it */
	CHECK(famfs_entry_check(buf, 5, why) == -EBADMSG);

	/* strips too short for the size */
	e.file.layout.size = 13 << 20;
	CHECK(famfs_entry_encode(&e, 0, buf) == 0);
	CHECK(famfs_entry_decode(buf, 4ULL << 30, &out, why) == -EINVAL);

	/* simple: unaligned, offset 0, too few bytes, bad path */
	memset(&e, 0, sizeof(e));
	e.type = FAMFS_LOG_FILE;
	strcpy(e.file.path, "a");
	e.file.layout.kind = FAMFS_LAYOUT_SIMPLE;
	e.file.layout.size = 100;
	e.file.layout.next = 1;
	e.file.layout.ext[0].offset = 10 << 20;
	e.file.layout.ext[0].len = 2 << 20;
	famfs_entry_encode(&e, 0, buf);
	CHECK(famfs_entry_decode(buf, 4ULL << 30, &out, why) == 0);
	e.file.layout.ext[0].offset = 0;
	famfs_entry_encode(&e, 0, buf);
	CHECK(famfs_entry_decode(buf, 4ULL << 30, &out, why) == -EINVAL);
	e.file.layout.ext[0].offset = (10 << 20) + 4096;
	famfs_entry_encode(&e, 0, buf);
	CHECK(famfs_entry_decode(buf, 4ULL << 30, &out, why) == -EINVAL);
	e.file.layout.ext[0].offset = 10 << 20;
	e.file.layout.size = (2 << 20) + 1;
	famfs_entry_encode(&e, 0, buf);
	CHECK(famfs_entry_decode(buf, 4ULL << 30, &out, why) == -EINVAL);
	e.file.layout.size = 0;
	famfs_entry_encode(&e, 0, buf);
	CHECK(famfs_entry_decode(buf, 4ULL << 30, &out, why) == -EINVAL);
	e.file.layout.size = 1;
	strcpy(e.file.path, "a/../b");
	famfs_entry_encode(&e, 0, buf);
	CHECK(famfs_entry_decode(buf, 4ULL << 30, &out, why) == -EINVAL);
	/* path exactly 80 bytes, no NUL: rejected */
	famfs_entry_encode(&e, 0, buf);
	memset(buf + 16 + 24, 'p', 80);
	famfs_put_le64(buf + 536, famfs_crc32(0, buf, 536));
	CHECK(famfs_entry_decode(buf, 4ULL << 30, &out, why) == -EINVAL);

	/* mkdir and add_daxdev round trips; unknown types decode */
	memset(&e, 0, sizeof(e));
	e.type = FAMFS_LOG_MKDIR;
	e.dir.mode = 0755;
	strcpy(e.dir.path, "x/y");
	CHECK(famfs_entry_encode(&e, 3, buf) == 0);
	CHECK(famfs_entry_decode(buf, 4ULL << 30, &out, why) == 0);
	CHECK(out.type == FAMFS_LOG_MKDIR && strcmp(out.dir.path, "x/y") == 0);
	CHECK(famfs_get_le32(buf + 16 + 8) == 0755);
	memset(&e, 0, sizeof(e));
	e.type = FAMFS_LOG_ADD_DAXDEV;
	e.daxdev.index = 1;
	e.daxdev.size = 1ULL << 34;
	memset(e.daxdev.uuid, 0xab, 16);
	CHECK(famfs_entry_encode(&e, 9, buf) == 0);
	CHECK(famfs_get_le32(buf + 16 + 24) == 1);
	CHECK(famfs_entry_decode(buf, 4ULL << 30, &out, why) == 0);
	CHECK(out.daxdev.size == 1ULL << 34 && out.daxdev.uuid[15] == 0xab);
	famfs_put_le32(buf + 8, 77);
	CHECK(famfs_entry_decode(buf, 4ULL << 30, &out, why) == 0);
	CHECK(out.type == 77);
}

/* Brute-force model of the mapping rules of spec 1.5. */
static uint64_t model(const struct famfs_layout *l, uint64_t o)
{
	uint64_t i, acc = 0;

	if (l->kind == FAMFS_LAYOUT_INTERLEAVE) {
		uint64_t n = o / l->chunk;

		return l->ext[n % l->next].offset + (n / l->next) * l->chunk +
		       o % l->chunk;
	}
	for (i = 0; i < l->next; i++) {
		if (o < acc + l->ext[i].len)
			return l->ext[i].offset + (o - acc);
		acc += l->ext[i].len;
	}
	return UINT64_MAX;
}

static void test_layout(void)
{
	char why[FAMFS_WHY_LEN];
	struct famfs_layout l;
	uint64_t o, dev, n, step;
	unsigned int i;

	memset(&l, 0, sizeof(l));
	l.kind = FAMFS_LAYOUT_SIMPLE;
	l.next = 3;
	for (i = 0; i < 3; i++) {
		l.ext[i].offset = (uint64_t)(10 - 3 * i) << 21;
		l.ext[i].len = (uint64_t)(i + 1) << 21;
	}
	l.size = (6ULL << 21) - 5;
	CHECK(famfs_layout_validate(&l, 1ULL << 32, why, sizeof(why)) == 0);
	for (o = 0, step = 4093; o < l.size; o += step) {
		CHECK(famfs_layout_map(&l, o, &dev, &n) == 0);
		CHECK(dev == model(&l, o));
		CHECK(n > 0 && o + n <= l.size);
		CHECK(model(&l, o + n - 1) == dev + n - 1);
	}
	CHECK(famfs_layout_map(&l, l.size, &dev, &n) == -EINVAL);

	memset(&l, 0, sizeof(l));
	l.kind = FAMFS_LAYOUT_INTERLEAVE;
	l.next = 5;
	l.chunk = 4 << 20;
	for (i = 0; i < 5; i++) {
		l.ext[i].offset = (uint64_t)(i * 7 + 1) << 30;
		l.ext[i].len = 12 << 20;
	}
	l.size = 5 * (12ULL << 20) - 3;
	CHECK(famfs_layout_validate(&l, 64ULL << 30, why, sizeof(why)) == 0);
	for (o = 0, step = 65537; o < l.size; o += step) {
		CHECK(famfs_layout_map(&l, o, &dev, &n) == 0);
		CHECK(dev == model(&l, o));
		CHECK(model(&l, o + n - 1) == dev + n - 1);
	}
	/* a size that would overflow the chunk arithmetic */
	l.size = UINT64_MAX;
	CHECK(famfs_layout_validate(&l, 64ULL << 30, why, sizeof(why)) ==
	      -EINVAL);
	l.size = 5 * (12ULL << 20) - 3;
	/* last strip one chunk short: the file's last chunk would not fit */
	l.ext[4].len = 8 << 20;
	CHECK(famfs_layout_validate(&l, 64ULL << 30, why, sizeof(why)) ==
	      -EINVAL);
	l.ext[4].len = 12 << 20;
	l.chunk = 3 << 20;
	CHECK(famfs_layout_validate(&l, 64ULL << 30, why, sizeof(why)) ==
	      -EINVAL);
}

static void test_alloc(void)
{
	struct famfs_allocator a;
	struct famfs_layout l;
	char why[FAMFS_WHY_LEN];
	unsigned int i, j;

	memset(&a, 0, sizeof(a));
	a.dev_size = 16ULL << 30;
	a.bm.nbits = a.dev_size / FAMFS_ALLOC_UNIT;
	a.bm.bits = calloc(1, a.bm.nbits / 8 + 1);
	for (i = 0; i < 5; i++)	/* sb + 8 MiB log */
		a.bm.bits[0] |= 1u << i;
	CHECK(famfs_alloc_file(&a, 5000, &l, why) == 0);
	CHECK(l.ext[0].offset == 0xa00000 && l.ext[0].len == 0x200000);
	CHECK(famfs_alloc_file(&a, 3145735, &l, why) == 0);
	CHECK(l.ext[0].offset == 0xc00000 && l.ext[0].len == 0x400000);
	CHECK(famfs_alloc_file(&a, 0, &l, why) == -EINVAL);
	CHECK(famfs_alloc_file(&a, 17ULL << 30, &l, why) == -ENOSPC);

	a.ia.nbuckets = 8;
	a.ia.nstrips = 4;
	a.ia.chunk = 2 << 20;
	a.seed = 42;
	CHECK(famfs_alloc_file(&a, 10 << 20, &l, why) == 0);
	CHECK(l.kind == FAMFS_LAYOUT_INTERLEAVE && l.next == 4);
	for (i = 0; i < 4; i++) {
		CHECK(l.ext[i].len == 4 << 20);	/* ceil(5/4) chunks */
		CHECK(l.ext[i].offset % (2ULL << 30) == 0 ||
		      l.ext[i].offset == 0x1000000);
		for (j = 0; j < i; j++)	/* one strip per bucket */
			CHECK(l.ext[i].offset >> 31 != l.ext[j].offset >> 31);
	}
	/* below one chunk: contiguous from the start */
	a.ia.chunk = 4 << 20;
	CHECK(famfs_alloc_file(&a, 1 << 20, &l, why) == 0);
	CHECK(l.kind == FAMFS_LAYOUT_SIMPLE);
	a.ia.nstrips = 9;
	CHECK(famfs_alloc_file(&a, 64 << 20, &l, why) == -EINVAL);
	a.ia.nbuckets = 32;	/* 512 MiB buckets */
	a.ia.nstrips = 4;
	CHECK(famfs_alloc_file(&a, 64 << 20, &l, why) == -EINVAL);
	a.ia.nbuckets = 8;
	a.ia.chunk = 6 << 20;	/* not a power of two */
	CHECK(famfs_alloc_file(&a, 64 << 20, &l, why) == -EINVAL);
	free(a.bm.bits);
}

static void test_uuid(void)
{
	uint8_t u[16], v[16];
	char s[37];

	CHECK(famfs_uuid_parse("5835579e-5220-44bc-a156-ed49985b7e02", u) == 0);
	CHECK(u[0] == 0x58 && u[15] == 0x02);
	famfs_uuid_unparse(u, s);
	CHECK(strcmp(s, "5835579e-5220-44bc-a156-ed49985b7e02") == 0);
	CHECK(famfs_uuid_parse("5835579e-5220-44bc-a156-ed49985b7e0", u) != 0);
	CHECK(famfs_uuid_parse("5835579e+5220-44bc-a156-ed49985b7e02", u) != 0);
	CHECK(famfs_uuid_generate(u) == 0 && famfs_uuid_generate(v) == 0);
	CHECK(memcmp(u, v, 16) != 0 && (u[6] >> 4) == 4);
}

int main(void)
{
	test_crc();
	test_sb();
	test_log_hdr();
	test_entries();
	test_layout();
	test_alloc();
	test_uuid();
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("PASS\n");
	return 0;
}
