/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuse4fs: mapped file I/O through the library's fuse_iomap API.
 *
 * The server registers its image with fuse_iomap, answers IOMAP_CONFIG
 * from the superblock, and gives every regular file the kernel learns
 * about a lazy layout: the kernel (or the kernel model) asks map() for
 * ranges and moves the data itself.  Only the fuse4fs binary links this;
 * the rest of the server calls it through f4->iomap_hooks (NULL in the
 * walk and fuzz builds, and when the connection is classic).
 */
#ifndef F4_IOMAP_H
#define F4_IOMAP_H

#include "f4.h"

struct fuse_args;

/** Take -o iomap=... out of @args (before fuse_session_new()). */
int f4_iomap_parse(struct f4 *f4, struct fuse_args *args);

/** Attach fuse_iomap to the session and register the image (before mount). */
int f4_iomap_attach(struct f4 *f4, struct fuse_session *se);

/** Detach (after fuse_session_unmount()). */
void f4_iomap_detach(struct f4 *f4);

#endif
