/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mount_env.h - shared set-up of the mount tests (see mount_env.c). */
#ifndef UTIL_TEST_MOUNT_ENV_H_
#define UTIL_TEST_MOUNT_ENV_H_

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SKIP 77

extern char mnt[PATH_MAX];	/* the mount point of the test */
extern uid_t test_uid;		/* the unprivileged user */
extern gid_t test_gid;

/** Print "skipped: <why>" and exit 77. */
void skip(const char *why) __attribute__((noreturn));
/** Pick (or create with useradd) the unprivileged test user. */
void find_user(void);
/** Become the test user (no-op when not root). @return 0 or -1 */
int drop_privileges(void);
/** Create the mount point, owned by the test user. */
void make_mountpoint(void);
/** Unmount what is left, remove the mount point, leave the namespace. */
void cleanup_mountpoint(void);
/** Why setuid fusermount3 cannot work here, or NULL. */
const char *setuid_blocker(void);
/** Can the test user open @p path read-write (mode bits)? */
bool user_can_rw(const char *path);
/**
 * Enter a private mount namespace with a 0666 /dev/fuse (@p dev_fuse)
 * and/or an /etc/fuse.conf with user_allow_other (@p allow_other).
 * @return 0 or -1
 */
int private_namespace(bool dev_fuse, bool allow_other);
/** Read one line from @p fd (non-blocking) within @p timeout_ms. */
int read_line(int fd, char *buf, size_t len, int timeout_ms);
/** @return 1 once @c mnt is no longer mounted, 0 after @p timeout_ms */
int wait_unmounted(int timeout_ms);

#endif
