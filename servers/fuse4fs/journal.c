// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse4fs: jbd2 journal replay.
 *
 * libext2fs has no replay code (e2fsck and debugfs carry their own), so
 * this is an implementation of the on-disk format, in three passes like
 * the kernel's fs/jbd2/recovery.c: SCAN (find the last complete
 * transaction), REVOKE (collect revoke records), REPLAY (copy logged
 * blocks home, skipping revoked ones).
 *
 * Format facts (all fields big-endian), from include/linux/jbd2.h:
 *  - block header {h_magic = 0xc03b3998, h_blocktype, h_sequence} (12 bytes);
 *    types: 1 descriptor, 2 commit, 3 sb v1, 4 sb v2, 5 revoke;
 *  - superblock: s_blocksize @0x0c, s_maxlen @0x10, s_first @0x14,
 *    s_sequence @0x18, s_start @0x1c, s_errno @0x20, s_feature_compat
 *    @0x24, s_feature_incompat @0x28, s_uuid @0x30, s_checksum @0xfc,
 *    checksummed over 1024 bytes;
 *  - incompat: REVOKE 0x1, 64BIT 0x2, ASYNC_COMMIT 0x4, CSUM_V2 0x8,
 *    CSUM_V3 0x10, FAST_COMMIT 0x20;
 *  - tags: v3 {be32 blocknr, be32 flags, be32 blocknr_high, be32 csum};
 *    otherwise {be32 blocknr, be16 csum, be16 flags, be32 blocknr_high}
 *    whose size is 12, +2 with CSUM_V2, -4 without 64BIT; flags ESCAPE 1,
 *    SAME_UUID 2 (else 16 bytes of UUID follow), DELETED 4, LAST_TAG 8;
 *  - descriptor and revoke blocks end in a 4-byte crc32c tail with v2/v3;
 *    revoke header has be32 r_count (bytes used) @12, records of 4 or 8
 *    bytes follow;
 *  - commit block: h_chksum[0] @16 = crc32c(seed, block) with v2/v3;
 *  - checksum seed = crc32c(~0, s_uuid, 16); data tag checksum =
 *    crc32c(crc32c(seed, be32 sequence), block) (v2 keeps the low 16 bits).
 */
#include "f4.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define J_MAGIC 0xc03b3998U
#define J_DESCRIPTOR 1
#define J_COMMIT 2
#define J_SB_V1 3
#define J_SB_V2 4
#define J_REVOKE 5

#define J_IN_REVOKE 0x1
#define J_IN_64BIT 0x2
#define J_IN_ASYNC 0x4
#define J_IN_CSUM2 0x8
#define J_IN_CSUM3 0x10
#define J_IN_FAST 0x20
#define J_IN_KNOWN (J_IN_REVOKE | J_IN_64BIT | J_IN_ASYNC | J_IN_CSUM2 | \
		    J_IN_CSUM3 | J_IN_FAST)

#define J_FLAG_ESCAPE 1
#define J_FLAG_SAME_UUID 2
#define J_FLAG_LAST_TAG 8

#define J_REVOKE_BUCKETS 4096

struct j_revoke {
	blk64_t blk;
	__u32 seq;
	struct j_revoke *next;
};

struct jr {
	ext2_filsys fs;
	int fd;
	unsigned int bs;
	__u32 first, maxlen, start, seq, end_seq;
	__u32 incompat;
	bool csum;		/* v2 or v3 */
	__u32 seed;
	blk64_t *map;		/* journal logical -> physical */
	char *buf, *data;
	struct j_revoke *revoke[J_REVOKE_BUCKETS];
	unsigned long replayed, revoked, bad_csum;
};

static __u32 be32(const void *p)
{
	const unsigned char *c = p;

	return ((__u32)c[0] << 24) | ((__u32)c[1] << 16) | ((__u32)c[2] << 8) | c[3];
}

static __u16 be16(const void *p)
{
	const unsigned char *c = p;

	return (__u16)((c[0] << 8) | c[1]);
}

static void put_be32(void *p, __u32 v)
{
	unsigned char *c = p;

	c[0] = v >> 24;
	c[1] = v >> 16;
	c[2] = v >> 8;
	c[3] = v;
}

static int jr_read(struct jr *j, __u32 jblk, char *buf)
{
	ssize_t n;

	if (jblk >= j->maxlen || !j->map[jblk])
		return -EIO;
	n = pread(j->fd, buf, j->bs, (off_t)(j->map[jblk] * j->bs));
	return n == (ssize_t)j->bs ? 0 : -EIO;
}

static __u32 jr_next(struct jr *j, __u32 jblk)
{
	jblk++;
	if (jblk >= j->maxlen)
		jblk = j->first;
	return jblk;
}

static bool jr_csum_ok(struct jr *j, char *buf, unsigned int off)
{
	__u32 want = be32(buf + off), got;

	put_be32(buf + off, 0);
	got = ext2fs_crc32c_le(j->seed, (unsigned char *)buf, j->bs);
	put_be32(buf + off, want);
	return got == want;
}

static unsigned int jr_tag_bytes(struct jr *j)
{
	unsigned int sz;

	if (j->incompat & J_IN_CSUM3)
		return 16;
	sz = 12;
	if (j->incompat & J_IN_CSUM2)
		sz += 2;
	return (j->incompat & J_IN_64BIT) ? sz : sz - 4;
}

static void jr_revoke_add(struct jr *j, blk64_t blk, __u32 seq)
{
	struct j_revoke *r;

	for (r = j->revoke[blk % J_REVOKE_BUCKETS]; r; r = r->next) {
		if (r->blk == blk) {
			if ((int32_t)(seq - r->seq) > 0)
				r->seq = seq;
			return;
		}
	}
	r = malloc(sizeof(*r));
	if (!r)
		return;	/* worst case: an old block version gets replayed */
	r->blk = blk;
	r->seq = seq;
	r->next = j->revoke[blk % J_REVOKE_BUCKETS];
	j->revoke[blk % J_REVOKE_BUCKETS] = r;
}

static bool jr_revoked(struct jr *j, blk64_t blk, __u32 seq)
{
	struct j_revoke *r;

	for (r = j->revoke[blk % J_REVOKE_BUCKETS]; r; r = r->next)
		if (r->blk == blk)
			return (int32_t)(seq - r->seq) <= 0;
	return false;
}

enum { PASS_SCAN, PASS_REVOKE, PASS_REPLAY };

static int jr_replay_block(struct jr *j, blk64_t home, __u32 seq,
			   const char *tag, unsigned int flags, __u32 dblk)
{
	__u32 c;
	ssize_t n;

	if (jr_read(j, dblk, j->data))
		return -EIO;
	if (j->csum) {
		unsigned char sb[4];

		put_be32(sb, seq);
		c = ext2fs_crc32c_le(j->seed, sb, 4);
		c = ext2fs_crc32c_le(c, (unsigned char *)j->data, j->bs);
		if ((j->incompat & J_IN_CSUM3) ? c != be32(tag + 12) :
		    (c & 0xffff) != be16(tag + 4)) {
			j->bad_csum++;
			return 0;	/* skip the damaged copy, like e2fsck */
		}
	}
	if (jr_revoked(j, home, seq)) {
		j->revoked++;
		return 0;
	}
	if (home < j->fs->super->s_first_data_block ||
	    home >= ext2fs_blocks_count(j->fs->super)) {
		fprintf(stderr, "fuse4fs: journal: block %llu out of range\n",
			(unsigned long long)home);
		return 0;
	}
	if (flags & J_FLAG_ESCAPE)
		put_be32(j->data, J_MAGIC);
	n = pwrite(j->fd, j->data, j->bs, (off_t)(home * j->bs));
	if (n != (ssize_t)j->bs)
		return -EIO;
	j->replayed++;
	return 0;
}

static int jr_pass(struct jr *j, int pass)
{
	unsigned int tb = jr_tag_bytes(j), off, limit, flags, rcount, rsz;
	__u32 jblk = j->start, seq = j->seq, type, steps = 0;
	blk64_t home;
	char *tag;
	int ret;

	while (steps++ <= j->maxlen) {
		if (pass != PASS_SCAN && seq == j->end_seq)
			break;
		if (jr_read(j, jblk, j->buf))
			return -EIO;
		if (be32(j->buf) != J_MAGIC || be32(j->buf + 8) != seq)
			break;
		type = be32(j->buf + 4);
		if (type == J_DESCRIPTOR) {
			if (j->csum && !jr_csum_ok(j, j->buf, j->bs - 4)) {
				if (pass == PASS_SCAN)
					break;
				return -EIO;
			}
			limit = j->bs - (j->csum ? 4 : 0);
			off = 12;
			while (off + tb <= limit) {
				tag = j->buf + off;
				flags = (j->incompat & J_IN_CSUM3) ? be32(tag + 4) :
					be16(tag + 6);
				home = be32(tag);
				if (j->incompat & J_IN_64BIT)
					home |= (blk64_t)be32(tag + 8) << 32;
				jblk = jr_next(j, jblk);
				if (pass == PASS_REPLAY) {
					ret = jr_replay_block(j, home, seq, tag,
							      flags, jblk);
					if (ret)
						return ret;
				}
				off += tb;
				if (!(flags & J_FLAG_SAME_UUID))
					off += 16;
				if (flags & J_FLAG_LAST_TAG)
					break;
				if (steps++ > j->maxlen)
					return -EUCLEAN;
			}
			jblk = jr_next(j, jblk);
			continue;
		}
		if (type == J_COMMIT) {
			if (pass == PASS_SCAN && j->csum &&
			    !jr_csum_ok(j, j->buf, 16))
				break;	/* torn commit: transaction incomplete */
			seq++;
			jblk = jr_next(j, jblk);
			continue;
		}
		if (type == J_REVOKE) {
			if (j->csum && !jr_csum_ok(j, j->buf, j->bs - 4)) {
				if (pass == PASS_SCAN)
					break;
				return -EIO;
			}
			rcount = be32(j->buf + 12);
			rsz = (j->incompat & J_IN_64BIT) ? 8 : 4;
			if (rcount > j->bs - (j->csum ? 4 : 0) || rcount < 16)
				return -EUCLEAN;
			if (pass == PASS_REVOKE) {
				for (off = 16; off + rsz <= rcount; off += rsz) {
					home = rsz == 8 ?
					       ((blk64_t)be32(j->buf + off) << 32) |
					       be32(j->buf + off + 4) :
					       be32(j->buf + off);
					jr_revoke_add(j, home, seq);
				}
			}
			jblk = jr_next(j, jblk);
			continue;
		}
		break;
	}
	if (pass == PASS_SCAN)
		j->end_seq = seq;
	return 0;
}

static int jr_load(struct jr *j, struct ext2_inode *jin)
{
	__u32 i;
	errcode_t err;

	j->map = calloc(j->maxlen, sizeof(*j->map));
	if (!j->map)
		return -ENOMEM;
	for (i = 0; i < j->maxlen; i++) {
		err = ext2fs_bmap2(j->fs, j->fs->super->s_journal_inum, jin, NULL,
				   0, i, NULL, &j->map[i]);
		if (err)
			return -EIO;
		if (j->map[i] >= ext2fs_blocks_count(j->fs->super))
			return -EUCLEAN;
	}
	return 0;
}

/**
 * Replay the internal journal of @device.  Returns 0 or -errno.  On
 * success the journal is empty and needs_recovery is cleared.
 */
int f4_journal_replay(struct f4 *f4, const char *device)
{
	struct jr j;
	struct ext2_inode jin;
	char *jsb = NULL;
	ext2_filsys fs = NULL;
	errcode_t err;
	__u32 jerrno = 0, i;
	int ret;

	memset(&j, 0, sizeof(j));
	j.fd = -1;
	err = ext2fs_open2(device, NULL, EXT2_FLAG_64BITS | EXT2_FLAG_SKIP_MMP,
			   0, 0, unix_io_manager, &fs);
	if (err)
		return -EIO;
	j.fs = fs;
	j.bs = fs->blocksize;
	if (!fs->super->s_journal_inum) {
		fprintf(stderr, "fuse4fs: external journals are not supported\n");
		ret = -ENOTSUP;
		goto out;
	}
	if (fs->super->s_journal_inum > fs->super->s_inodes_count) {
		ret = -EUCLEAN;
		goto out;
	}
	err = ext2fs_read_inode(fs, fs->super->s_journal_inum, &jin);
	if (err) {
		ret = -EIO;
		goto out;
	}
	j.fd = open(device, O_RDWR | O_CLOEXEC);
	if (j.fd < 0) {
		ret = -errno;
		goto out;
	}
	j.buf = malloc(j.bs);
	j.data = malloc(j.bs);
	jsb = malloc(j.bs);
	if (!j.buf || !j.data || !jsb) {
		ret = -ENOMEM;
		goto out;
	}
	/* journal superblock: logical block 0 */
	{
		blk64_t p0 = 0;

		err = ext2fs_bmap2(fs, fs->super->s_journal_inum, &jin, NULL, 0,
				   0, NULL, &p0);
		if (err || !p0 || p0 >= ext2fs_blocks_count(fs->super) ||
		    pread(j.fd, jsb, j.bs, (off_t)(p0 * j.bs)) != (ssize_t)j.bs) {
			ret = -EIO;
			goto out;
		}
	}
	if (be32(jsb) != J_MAGIC ||
	    (be32(jsb + 4) != J_SB_V1 && be32(jsb + 4) != J_SB_V2) ||
	    be32(jsb + 0x0c) != j.bs) {
		fprintf(stderr, "fuse4fs: bad journal superblock\n");
		ret = -EUCLEAN;
		goto out;
	}
	j.maxlen = be32(jsb + 0x10);
	j.first = be32(jsb + 0x14);
	j.seq = be32(jsb + 0x18);
	j.start = be32(jsb + 0x1c);
	jerrno = be32(jsb + 0x20);
	if (be32(jsb + 4) == J_SB_V2)
		j.incompat = be32(jsb + 0x28);
	if (j.maxlen < 2 || (blk64_t)j.maxlen * j.bs > EXT2_I_SIZE(&jin) ||
	    j.maxlen > ext2fs_blocks_count(fs->super) ||
	    j.maxlen > (1U << 22) ||
	    j.first == 0 || j.first >= j.maxlen || j.start >= j.maxlen) {
		fprintf(stderr, "fuse4fs: bad journal geometry\n");
		ret = -EUCLEAN;
		goto out;
	}
	if (j.incompat & ~J_IN_KNOWN) {
		fprintf(stderr, "fuse4fs: unknown journal features 0x%x\n",
			j.incompat);
		ret = -ENOTSUP;
		goto out;
	}
	if (j.incompat & J_IN_FAST) {
		fprintf(stderr, "fuse4fs: fast-commit journals are not "
			"replayed; run e2fsck\n");
		ret = -ENOTSUP;
		goto out;
	}
	j.csum = j.incompat & (J_IN_CSUM2 | J_IN_CSUM3);
	if (j.csum)
		j.seed = ext2fs_crc32c_le(~0U, (unsigned char *)jsb + 0x30, 16);
	if (j.start == 0) {
		ret = 0;	/* journal empty: only the flag was left set */
		goto clear;
	}
	ret = jr_load(&j, &jin);
	if (ret)
		goto out;
	ret = jr_pass(&j, PASS_SCAN);
	if (!ret && (j.incompat & J_IN_REVOKE))
		ret = jr_pass(&j, PASS_REVOKE);
	if (!ret)
		ret = jr_pass(&j, PASS_REPLAY);
	if (ret)
		goto out;
	if (fsync(j.fd) < 0) {
		ret = -errno;
		goto out;
	}
	fprintf(stderr, "fuse4fs: journal replayed: transactions %u..%u, "
		"%lu blocks, %lu revoked, %lu bad checksums\n", j.seq,
		j.end_seq, j.replayed, j.revoked, j.bad_csum);
	/* mark the journal empty */
	put_be32(jsb + 0x18, j.end_seq);
	put_be32(jsb + 0x1c, 0);
	if (j.csum) {
		put_be32(jsb + 0xfc, 0);
		put_be32(jsb + 0xfc, ext2fs_crc32c_le(~0U, (unsigned char *)jsb,
						      1024));
	}
	if (pwrite(j.fd, jsb, j.bs, (off_t)(j.map[0] * j.bs)) != (ssize_t)j.bs ||
	    fsync(j.fd) < 0) {
		ret = -EIO;
		goto out;
	}
clear:
	/* the superblock on disk may have been replayed: reopen it */
	ext2fs_free(fs);
	fs = NULL;
	err = ext2fs_open2(device, NULL, EXT2_FLAG_64BITS | EXT2_FLAG_SKIP_MMP |
			   EXT2_FLAG_RW, 0, 0, unix_io_manager, &fs);
	if (err) {
		ret = -EIO;
		goto out;
	}
	ext2fs_clear_feature_journal_needs_recovery(fs->super);
	if (jerrno) {
		fprintf(stderr, "fuse4fs: journal recorded error %d\n",
			(int)jerrno);
		fs->super->s_state |= EXT2_ERROR_FS;
	}
	ext2fs_mark_super_dirty(fs);
	err = ext2fs_close_free(&fs);
	ret = err ? -EIO : 0;
out:
	if (fs)
		ext2fs_free(fs);
	if (j.fd >= 0)
		close(j.fd);
	for (i = 0; i < J_REVOKE_BUCKETS; i++) {
		while (j.revoke[i]) {
			struct j_revoke *r = j.revoke[i];

			j.revoke[i] = r->next;
			free(r);
		}
	}
	free(j.map);
	free(j.buf);
	free(j.data);
	free(jsb);
	return ret;
}
