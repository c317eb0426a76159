// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the input is an ext2/3/4 image; open it read-write
 * (journal replay, orphan processing) and walk it with fuse4fs's code.
 */

#include "walk.h"

#include <stdio.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct f4_walk_stats st;
	char path[64];
	int fd;

	if (!init) {
		add_error_table(&et_ext2_error_table);
		init = 1;
	}
	if (size < 2048 || size > (64U << 20))
		return 0;
	fd = memfd_create("f4fuzz", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	f4_walk_image(path, true, 2000, &st, false);
	close(fd);
	return 0;
}
