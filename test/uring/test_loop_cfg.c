/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuse_loop_cfg_*: defaults as upstream (max_threads 10, idle -1,
 * clone_fd 0), setters, v1 conversion, and the version check of the 3.12
 * loop entry point (a config that is neither 3.12 nor a plausible v1 struct
 * is refused before the session is touched).
 */
#include "fuse_i.h"
#include "uring_i.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int fuse_session_loop_mt_312(struct fuse_session *se,
			     struct fuse_loop_config *config);

static int failures;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
			__LINE__, #cond); \
		failures++; \
	} \
} while (0)

int main(void)
{
	struct fuse_loop_config *c = fuse_loop_cfg_create();
	struct fuse_loop_config_v1 v1 = { .clone_fd = 1, .max_idle_threads = 3 };
	struct { int first; unsigned int rest[8]; } garbage = { .first = 77 };

	CHECK(c != NULL);
	if (!c)
		return 1;
	CHECK(c->version_id == FUSE_LOOP_CFG_V2_ID);
	CHECK(c->max_threads == 10);
	CHECK(c->max_idle_threads == -1);
	CHECK(c->clone_fd == 0);

	fuse_loop_cfg_set_max_threads(c, 4);
	CHECK(c->max_threads == 4);
	fuse_loop_cfg_set_max_threads(c, 0);	/* refused: default */
	CHECK(c->max_threads == 10);
	fuse_loop_cfg_set_idle_threads(c, 2);
	CHECK(c->max_idle_threads == 2);
	fuse_loop_cfg_set_idle_threads(c, (unsigned int)-1);
	CHECK(c->max_idle_threads == -1);
	fuse_loop_cfg_set_clone_fd(c, 5);
	CHECK(c->clone_fd == 1);
	fuse_loop_cfg_set_clone_fd(c, 0);
	CHECK(c->clone_fd == 0);

	fuse_loop_cfg_convert(c, &v1);
	CHECK(c->clone_fd == 1);
	CHECK(c->max_idle_threads == 3);
	CHECK(c->version_id == FUSE_LOOP_CFG_V2_ID);

	/* Not a 3.12 config, and 77 is no clone_fd: refused up front. */
	CHECK(fuse_session_loop_mt_312((struct fuse_session *)&garbage,
				       (struct fuse_loop_config *)&garbage) ==
	      -EINVAL);
	CHECK(fuse_session_loop_mt_312(NULL, c) == -EINVAL);

	fuse_loop_cfg_destroy(c);
	fuse_loop_cfg_destroy(NULL);
	if (failures) {
		fprintf(stderr, "%d failure(s)\n", failures);
		return 1;
	}
	printf("loop config: all checks passed\n");
	return 0;
}
