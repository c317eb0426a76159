/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuse4fs: write-back metadata block cache (a libext2fs I/O manager). */
#ifndef F4_BCACHE_H
#define F4_BCACHE_H

#include <ext2fs/ext2fs.h>
#include <stddef.h>

/** I/O manager: unix_io_manager plus an LRU write-through block cache. */
extern io_manager f4_bcache_manager;

/** Cache capacity in bytes (0 disables) for channels opened after this. */
void f4_bcache_set_size(size_t bytes);

/**
 * Drop cached copies of [blk, blk + count) (in channel blocks).  Call after
 * writing those blocks without going through the channel.
 */
void f4_bcache_invalidate(io_channel ch, unsigned long long blk,
			  unsigned long long count);

/**
 * Write cached dirty copies of [blk, blk + count) to the device.  Call
 * before reading or partially writing those blocks without the channel.
 */
errcode_t f4_bcache_writeback(io_channel ch, unsigned long long blk,
			      unsigned long long count);

#endif
