// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse4fs: opening, checking, flushing and closing the file system, and the
 * errors= policy.
 */
#include "f4.h"
#include "bcache.h"
#include "dcache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

static bool f4_err_is_corruption(errcode_t err)
{
	switch (err) {
	case EXT2_ET_DIR_CORRUPTED:
	case EXT2_ET_DIR_CSUM_INVALID:
	case EXT2_ET_EXTENT_HEADER_BAD:
	case EXT2_ET_EXTENT_INDEX_BAD:
	case EXT2_ET_EXTENT_LEAF_BAD:
	case EXT2_ET_EXTENT_CSUM_INVALID:
	case EXT2_ET_EXTENT_INVALID_LENGTH:
	case EXT2_ET_INODE_CSUM_INVALID:
	case EXT2_ET_INODE_CORRUPTED:
	case EXT2_ET_EXT_ATTR_CSUM_INVALID:
	case EXT2_ET_BAD_EA_HEADER:
	case EXT2_ET_BAD_EA_BLOCK_NUM:
	case EXT2_ET_BAD_EA_HASH:
	case EXT2_ET_EA_BAD_NAME_LEN:
	case EXT2_ET_EA_BAD_VALUE_OFFSET:
	case EXT2_ET_EA_BAD_VALUE_SIZE:
	case EXT2_ET_EA_INODE_CORRUPTED:
	case EXT2_ET_BAD_BLOCK_NUM:
	case EXT2_ET_BAD_INODE_NUM:
	case EXT2_ET_BAD_IND_BLOCK:
	case EXT2_ET_BAD_DIND_BLOCK:
	case EXT2_ET_BAD_TIND_BLOCK:
	case EXT2_ET_FILESYSTEM_CORRUPTED:
	case EXT2_ET_BLOCK_BITMAP_CSUM_INVALID:
	case EXT2_ET_INODE_BITMAP_CSUM_INVALID:
	case EXT2_ET_SB_CSUM_INVALID:
	case EXT2_ET_INLINE_DATA_NO_BLOCK:
		return true;
	default:
		return false;
	}
}

/* Record a corruption in the superblock the way the kernel does. */
static void f4_record_error(struct f4 *f4, ext2_ino_t ino)
{
	struct ext2_super_block *sb = f4->fs->super;
	time_t now = time(NULL);

	if (!sb->s_first_error_time) {
		sb->s_first_error_time = (__u32)now;
		sb->s_first_error_ino = ino;
	}
	sb->s_last_error_time = (__u32)now;
	sb->s_last_error_ino = ino;
	sb->s_error_count++;
	sb->s_state |= EXT2_ERROR_FS;
	ext2fs_mark_super_dirty(f4->fs);
}

/**
 * Translate a libext2fs error to a negative-free errno and apply errors=.
 * Returns the errno (positive) to hand to the kernel.
 */
int f4_err(struct f4 *f4, errcode_t err, const char *what, ext2_ino_t ino)
{
	int mode;

	if (err == 0)
		return 0;
	if (err > 0 && err < 4096)
		return (int)err;
	if (f4_err_is_corruption(err)) {
		fprintf(stderr, "fuse4fs: %s: inode %u: %s\n", what, ino,
			error_message(err));
		__atomic_add_fetch(&f4->fs_errors, 1, __ATOMIC_RELAXED);
		mode = f4->o.errors;
		if (mode == F4_ERRORS_DEFAULT) {
			switch (f4->fs->super->s_errors) {
			case EXT2_ERRORS_RO:
				mode = F4_ERRORS_RO;
				break;
			case EXT2_ERRORS_PANIC:
				mode = F4_ERRORS_PANIC;
				break;
			default:
				mode = F4_ERRORS_CONTINUE;
			}
		}
		if (f4->fs->flags & EXT2_FLAG_RW)
			f4_record_error(f4, ino);
		if (mode == F4_ERRORS_PANIC) {
			fprintf(stderr, "fuse4fs: errors=panic: aborting\n");
			abort();
		}
		if (mode == F4_ERRORS_RO && !f4->ro) {
			fprintf(stderr, "fuse4fs: remounting read-only\n");
			f4->ro = true;
		}
		return EIO;
	}
	switch (err) {
	case EXT2_ET_NO_MEMORY:
		return ENOMEM;
	case EXT2_ET_BLOCK_ALLOC_FAIL:
	case EXT2_ET_INODE_ALLOC_FAIL:
	case EXT2_ET_DIR_NO_SPACE:
	case EXT2_ET_EA_NO_SPACE:
	case EXT2_ET_INLINE_DATA_NO_SPACE:
	case EXT2_ET_EXTENT_NO_SPACE:
	case EXT2_ET_TOOSMALL:
		return ENOSPC;
	case EXT2_ET_FILE_NOT_FOUND:
		return ENOENT;
	case EXT2_ET_DIR_EXISTS:
	case EXT2_ET_FILE_EXISTS:
		return EEXIST;
	case EXT2_ET_RO_FILSYS:
		return EROFS;
	case EXT2_ET_EA_KEY_NOT_FOUND:
		return ENODATA;
	case EXT2_ET_FILE_TOO_BIG:
		return EFBIG;
	case EXT2_ET_UNIMPLEMENTED:
	case EXT2_ET_OP_NOT_SUPPORTED:
		return EOPNOTSUPP;
	case EXT2_ET_INVALID_ARGUMENT:
		return EINVAL;
	case EXT2_ET_MISSING_EA_FEATURE:
		return ENOTSUP;
	default:
		fprintf(stderr, "fuse4fs: %s: inode %u: %s\n", what, ino,
			error_message(err));
		return EIO;
	}
}

bool f4_writable(struct f4 *f4)
{
	return !f4->ro && !f4->shutdown && (f4->fs->flags & EXT2_FLAG_RW);
}

/* Feature checks: which features we can write safely. */
static const char *f4_rw_blocker(ext2_filsys fs)
{
	struct ext2_super_block *sb = fs->super;

	if (ext2fs_has_feature_bigalloc(sb))
		return "bigalloc";
	if (ext2fs_has_feature_quota(sb))
		return "quota";
	if (ext2fs_has_feature_encrypt(sb))
		return "encrypt";
	if (ext2fs_has_feature_casefold(sb))
		return "casefold";
	if (ext2fs_has_feature_verity(sb))
		return "verity";
	if (ext2fs_has_feature_shared_blocks(sb))
		return "shared_blocks";
	if (ext2fs_has_feature_orphan_present(sb))
		return "orphan_present (orphan file in use)";
	if (ext2fs_has_feature_journal_dev(sb))
		return "journal_dev";
	return NULL;
}

/* Recompute the summary counters from the group descriptors (like e2fsck). */
static void f4_fix_counts(ext2_filsys fs)
{
	blk64_t fb = 0;
	__u64 fi = 0;
	dgrp_t g;

	for (g = 0; g < fs->group_desc_count; g++) {
		fb += ext2fs_bg_free_blocks_count(fs, g);
		fi += ext2fs_bg_free_inodes_count(fs, g);
	}
	if (fb <= ext2fs_blocks_count(fs->super))
		ext2fs_free_blocks_count_set(fs->super, fb);
	if (fi <= fs->super->s_inodes_count)
		fs->super->s_free_inodes_count = (__u32)fi;
}

/**
 * Open the image: replay the journal if needed, check the superblock,
 * decide ro/rw, load bitmaps, mark the fs in use, process orphans.
 */
int f4_fs_open(struct f4 *f4)
{
	int flags = EXT2_FLAG_64BITS | EXT2_FLAG_SKIP_MMP;
	const char *blocker;
	ext2_filsys fs = NULL;
	errcode_t err;
	bool want_rw = !f4->o.ro;
	int ret;

	/* Peek read-only first: journal state and features. */
	err = ext2fs_open2(f4->o.device, NULL, flags, 0, 0, unix_io_manager, &fs);
	if (err) {
		fprintf(stderr, "fuse4fs: %s: cannot open: %s\n", f4->o.device,
			error_message(err));
		return -EINVAL;
	}
	if (ext2fs_has_feature_journal_needs_recovery(fs->super)) {
		ext2fs_close_free(&fs);
		if (f4->o.norecovery) {
			fprintf(stderr, "fuse4fs: journal needs recovery; "
				"norecovery given: mounting read-only without replay\n");
			want_rw = false;
		} else {
			ret = f4_journal_replay(f4, f4->o.device);
			if (ret) {
				fprintf(stderr, "fuse4fs: journal replay failed: %s\n",
					strerror(-ret));
				return ret;
			}
		}
	} else {
		ext2fs_close_free(&fs);
	}
	if (f4->o.norecovery)
		want_rw = false;

	if (want_rw)
		flags |= EXT2_FLAG_RW;
	err = ext2fs_open2(f4->o.device, NULL, flags, 0, 0, f4_bcache_manager,
			   &fs);
	if (err == EXT2_ET_RO_UNSUPP_FEATURE && want_rw) {
		fprintf(stderr, "fuse4fs: unsupported read-only-compatible "
			"feature: mounting read-only\n");
		want_rw = false;
		flags &= ~EXT2_FLAG_RW;
		err = ext2fs_open2(f4->o.device, NULL, flags, 0, 0,
				   f4_bcache_manager, &fs);
	}
	if (err) {
		fprintf(stderr, "fuse4fs: %s: cannot open: %s\n", f4->o.device,
			error_message(err));
		return -EINVAL;
	}
	f4->fs = fs;
	fs->priv_data = f4;
	f4->blocksize = fs->blocksize;
	f4->blockbits = (unsigned int)(fs->super->s_log_block_size + 10);
	if (fs->blocksize < 1024 || fs->blocksize > 65536 ||
	    (1U << f4->blockbits) != fs->blocksize) {
		fprintf(stderr, "fuse4fs: bad block size\n");
		goto fail;
	}
	if (ext2fs_has_feature_journal_needs_recovery(fs->super) && want_rw) {
		fprintf(stderr, "fuse4fs: journal still needs recovery\n");
		goto fail;
	}

	if (want_rw && (fs->super->s_state & EXT2_ERROR_FS) && !f4->o.force) {
		fprintf(stderr, "fuse4fs: %s: file system has errors; run e2fsck "
			"(or use -o ro, or -o force)\n", f4->o.device);
		goto fail;
	}
	blocker = f4_rw_blocker(fs);
	if (want_rw && blocker) {
		fprintf(stderr, "fuse4fs: feature %s is not supported for "
			"writing: mounting read-only\n", blocker);
		want_rw = false;
		fs->flags &= ~EXT2_FLAG_RW;
	}
	if (!(fs->super->s_state & EXT2_VALID_FS))
		fprintf(stderr, "fuse4fs: warning: mounting unchecked fs\n");

	/*
	 * Metadata goes through the write-through block cache (bcache.c);
	 * the data path invalidates what it writes with its own fd.
	 */
	err = ext2fs_create_inode_cache(fs, 1024);
	if (err)
		goto fail_err;
	err = ext2fs_read_bitmaps(fs);
	if (err)
		goto fail_err;

	f4->devfd = open(f4->o.device, (want_rw ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (f4->devfd < 0) {
		perror("fuse4fs: open device");
		goto fail;
	}
	f4->ro = !want_rw;
	if (want_rw) {
		fs->flags |= EXT2_FLAG_MASTER_SB_ONLY;
		fs->super->s_mnt_count++;
		fs->super->s_mtime = (__u32)time(NULL);
		fs->super->s_state &= ~EXT2_VALID_FS;
		f4_fix_counts(fs);
		ext2fs_mark_super_dirty(fs);
		ret = f4_process_orphans(f4);
		if (ret)
			goto fail;
		ret = f4_fs_sync(f4, false);
		if (ret)
			goto fail;
	}
	return 0;
fail_err:
	fprintf(stderr, "fuse4fs: %s: %s\n", f4->o.device, error_message(err));
fail:
	if (f4->devfd >= 0)
		close(f4->devfd);
	f4->devfd = -1;
	fs->flags &= ~EXT2_FLAG_DIRTY;
	ext2fs_free(fs);
	f4->fs = NULL;
	return -EINVAL;
}

/** Make everything durable: metadata through libext2fs, then the device. */
int f4_fs_sync(struct f4 *f4, bool data_only)
{
	ext2_filsys fs = f4->fs;
	errcode_t err;

	if (!(fs->flags & EXT2_FLAG_RW))
		return 0;
	if (!data_only) {
		err = ext2fs_write_bitmaps(fs);
		if (err)
			return f4_err(f4, err, "write bitmaps", 0);
		ext2fs_mark_super_dirty(fs);
		err = ext2fs_flush2(fs, EXT2_FLAG_FLUSH_NO_SYNC);
		if (err)
			return f4_err(f4, err, "flush", 0);
	}
	err = io_channel_flush(fs->io);
	if (err)
		return f4_err(f4, err, "flush", 0);
	if (fsync(f4->devfd) < 0)
		return errno;
	f4->dirty = false;
	return 0;
}

int f4_fs_close(struct f4 *f4)
{
	ext2_filsys fs = f4->fs;
	errcode_t err;
	int ret = 0;

	if (!fs)
		return 0;
	f4_dcache_destroy(f4);
	/* queued frees, then unlinked inodes the kernel never forgot */
	if (fs->flags & EXT2_FLAG_RW) {
		f4->shutdown = false;
		f4_drain_frees(f4);
		unsigned int b;

		for (b = 0; b < F4_NODE_BUCKETS; b++) {
			struct f4_node *n;

			while ((n = f4->nodes[b]) != NULL) {
				f4->nodes[b] = n->next;
				if (n->unlinked)
					f4_free_inode(f4, n->ino);
				free(n);
			}
		}
	}
	if (fs->flags & EXT2_FLAG_RW) {
		if (!(fs->super->s_state & EXT2_ERROR_FS) && !f4->fs_errors)
			fs->super->s_state |= EXT2_VALID_FS;
		fs->flags &= ~EXT2_FLAG_MASTER_SB_ONLY;
		ext2fs_mark_super_dirty(fs);
	}
	free(f4->pending_free);
	f4->pending_free = NULL;
	f4->npending = 0;
	err = ext2fs_close_free(&f4->fs);
	if (err) {
		fprintf(stderr, "fuse4fs: close: %s\n", error_message(err));
		ret = -EIO;
	}
	if (f4->devfd >= 0) {
		if (fsync(f4->devfd) < 0 && errno != EINVAL && errno != EBADF)
			ret = -errno;
		close(f4->devfd);
		f4->devfd = -1;
	}
	return ret;
}
