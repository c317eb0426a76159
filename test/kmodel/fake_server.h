/*
 * A scripted FUSE server for the kernel model's own tests. It drives the
 * socket directly (no libfuse session): every reply is built by hand, so a
 * test can send exactly the wrong reply it wants to see rejected.
 */
#ifndef FAKE_SERVER_H
#define FAKE_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fuse_kernel.h"

#define FS_FILE_NODEID	2
#define FS_FILE_INO	1002	/* fuse_attr.ino, differs from the nodeid */

struct fake_srv;

/** Return 1 if the request was answered, 0 for the default behaviour. */
typedef int (*fs_hook)(struct fake_srv *s, const struct fuse_in_header *h,
		       const void *in, size_t inlen);

struct fake_srv {
	int fd;
	pthread_t th;
	bool running;
	/* INIT */
	bool want_map_flag;	/* echo bit 43 if offered */
	uint32_t reply_minor;	/* 0: the kernel's */
	char ops_name[16];
	bool add_iomap;		/* ADD_IOMAP before INIT */
	int add_iomap_res;
	/* devices */
	const char *dev_path;	/* registered at IOMAP_CONFIG / pushed at INIT */
	int dev_fd;
	int backing_id;		/* result of BACKING_OPEN */
	uint32_t backing_flags;	/* flags sent with BACKING_OPEN */
	uint64_t backing_padding;
	bool push_daxdev;	/* post-V10: push dev_path as index 0 at LOOKUP */
	int push_res;
	/* the one file "f" */
	uint32_t attr_flags;
	uint64_t file_size;
	uint64_t getattr_size;	/* 0: file_size */
	uint32_t open_flags;
	uint64_t entry_valid;	/* seconds, in LOOKUP replies */
	/* canned replies (used when set) */
	const void *config_reply; size_t config_len; int config_err;
	const void *begin_reply; size_t begin_len;
	const void *fmap_reply; size_t fmap_len;
	const void *fmap_reply2; size_t fmap_len2;	/* second GET_FMAP */
	const void *daxdev_reply; size_t daxdev_len;
	int fmap_calls;
	fs_hook hook;
	void *priv;
	uint64_t requests[4097];
};

void fs_init(struct fake_srv *s);
/** Start the server thread on a new socketpair; returns the model's end. */
int fs_start(struct fake_srv *s);
void fs_join(struct fake_srv *s);

int fs_reply(struct fake_srv *s, uint64_t unique, int err, const void *p,
	     size_t len);
int fs_notify(struct fake_srv *s, int code, const void *p, size_t len);

/** A data file of @size bytes with a recognisable pattern; returns its path. */
const char *fs_make_file(const char *tag, uint64_t size);
uint8_t fs_pattern(uint64_t off);

/** The default BEGIN reply: whole file mapped on @dev at device offset 0. */
void fs_default_begin(uint32_t dev, uint64_t pos, uint64_t size,
		      struct fuse_iomap_begin_out *o);

#endif
