/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * harness.h - a fake kernel for unit tests of the core: a session on
 * custom I/O over a SOCK_SEQPACKET socketpair (one message per request or
 * reply, like /dev/fuse), driven step by step from the test's thread.
 */
#ifndef TEST_UNIT_HARNESS_H
#define TEST_UNIT_HARNESS_H

#include "fuse_i.h"

#include <stdio.h>
#include <stdlib.h>

/** The fake kernel: its socket end and the server's session */
struct fk {
	int kfd;			/**< kernel end */
	int sfd;			/**< server end (session fd) */
	struct fuse_session *se;
	uint64_t next_unique;
};

extern int fk_failures;

/** Record a failed check and go on */
#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		fk_failures++;						\
	}								\
} while (0)

/** Compare numbers and print both on mismatch */
#define CHECK_EQ(a, b) do {						\
	unsigned long long a_ = (unsigned long long)(a);		\
	unsigned long long b_ = (unsigned long long)(b);		\
	if (a_ != b_) {							\
		fprintf(stderr, "%s:%d: %s == %llu, expected %s == %llu\n",\
			__FILE__, __LINE__, #a, a_, #b, b_);		\
		fk_failures++;						\
	}								\
} while (0)

/**
 * Create the socketpair and a session with @a ops; @a opt is an extra
 * "-o" option string or NULL.  Exits the test on failure.
 */
void fk_setup(struct fk *fk, const struct fuse_lowlevel_ops *ops,
	      size_t opsz, void *userdata, const char *opt);

/** Destroy the session and close the kernel end */
void fk_teardown(struct fk *fk);

/**
 * Send a request: header (len computed, given opcode/nodeid, uid 1000,
 * gid 1000, pid 4242) followed by @a nargs (pointer, length) pairs.
 * @return the unique id used
 */
uint64_t fk_send(struct fk *fk, uint32_t opcode, uint64_t nodeid, int nargs,
		 ...);

/** Send raw bytes as one message */
void fk_send_raw(struct fk *fk, const void *buf, size_t len);

/** Let the server receive and process one message; returns receive result */
int fk_pump(struct fk *fk);

/**
 * Read one message from the server (waits up to @a timeout_ms).
 * @return its length, 0 if none arrived
 */
size_t fk_recv(struct fk *fk, void *buf, size_t len, int timeout_ms);

/** Send a request, pump it, and read the reply (0-length if none) */
size_t fk_call(struct fk *fk, void *reply, size_t len, uint32_t opcode,
	       uint64_t nodeid, int nargs, ...);

/**
 * Complete an INIT handshake with protocol 7.@a minor and @a flags
 * (flags2 = upper half); the reply is stored in @a out (may be NULL).
 * @return the reply's error field
 */
int fk_init(struct fk *fk, uint32_t minor, uint64_t flags,
	    struct fuse_init_out *out);

/** Report and exit with the test status */
int fk_done(const char *name);

#endif
