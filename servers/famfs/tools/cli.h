/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file cli.h
 * The famfs command-line tool: subcommands and shared helpers.
 */
#ifndef FAMFS_CLI_H
#define FAMFS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "famfs_alloc.h"

/** A subcommand: returns the process exit status. */
typedef int (*famfs_cmd_fn)(int argc, char **argv);

int cmd_mkfs(int argc, char **argv);
int cmd_mkdir(int argc, char **argv);
int cmd_creat(int argc, char **argv);
int cmd_cp(int argc, char **argv);
int cmd_fsck(int argc, char **argv);
int cmd_logplay(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_cat(int argc, char **argv);

/** Parse a size with an optional k/m/g/t suffix (powers of 1024). */
int cli_parse_size(const char *s, uint64_t *out);

/** Parse an unsigned number (strtoull base 0: 0x.. and 0.. octal work). */
int cli_parse_u64(const char *s, uint64_t *out);

/**
 * The device to use for a DEVICE argument: the argument itself, or, when
 * it is the mount point of a famfs-fuse mount (type fuse.famfs or fuse.famfs-fuse), the
 * device that mount serves (its fsname).
 */
const char *cli_device(const char *arg);

/** Print "famfs <cmd>: <msg>" to stderr. */
void cli_err(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Fill a buffer with the fixtures' content pattern (see
 * ../shared/fixtures/famfs/README.md) for file offset @p off.
 */
void cli_pattern_fill(uint64_t seed, uint64_t off, uint8_t *buf, size_t len);

#endif /* FAMFS_CLI_H */
