// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_session.c - session creation and helpers: the options
 * fuse_session_new() takes (-d, allow_root, io_uring, io_uring_q_depth)
 * and refuses (anything left over), op_size handling, custom I/O argument
 * checks, fuse_req_getgroups() against the caller's real groups.
 */
#include "harness.h"

#include <errno.h>
#include <grp.h>
#include <string.h>
#include <unistd.h>

static int ngroups_seen = -1;
static gid_t groups_seen[64];

static void t_getattr(fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi)
{
	(void)ino; (void)fi;
	ngroups_seen = fuse_req_getgroups(req, 64, groups_seen);
	fuse_reply_err(req, ENOENT);
}

static const struct fuse_lowlevel_ops ops = {
	.getattr = t_getattr,
};

static struct fuse_session *new_with(int argc, char **argv, size_t opsz)
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_session *se;

	se = fuse_session_new(&args, &ops, opsz, NULL);
	fuse_opt_free_args(&args);
	return se;
}

static void test_options(void)
{
	struct fuse_session *se;

	{
		char *av[] = { "t", "-d", "-o", "allow_root,io_uring", NULL };

		se = new_with(4, av, sizeof(ops));
		CHECK(se != NULL);
		if (se) {
			CHECK(se->debug);
			CHECK(se->allow_root);
			CHECK(se->uring.enable);
			fuse_session_destroy(se);
		}
	}
	{
		char *av[] = { "t", "-o", "io_uring_q_depth=16", NULL };

		se = new_with(3, av, sizeof(ops));
		CHECK(se != NULL);
		if (se) {
			CHECK_EQ(se->uring.q_depth, 16);
			CHECK(!se->uring.enable);
			fuse_session_destroy(se);
		}
	}
	{
		char *av[] = { "t", "-o", "no_such_option", NULL };

		CHECK(new_with(3, av, sizeof(ops)) == NULL);
	}
	{
		char *av[] = { "t", "stray-argument", NULL };

		CHECK(new_with(2, av, sizeof(ops)) == NULL);
	}
	{
		char *av[] = { "t", NULL };

		CHECK(new_with(0, av, sizeof(ops)) == NULL);
		/* a larger ops struct than the library knows: accepted, with a
		 * warning, and only the known part is used */
		se = new_with(1, av, sizeof(ops) + 64);
		CHECK(se != NULL);
		fuse_session_destroy(se);
		/* a smaller one (an old program): the rest stays NULL */
		se = new_with(1, av, offsetof(struct fuse_lowlevel_ops, tmpfile));
		CHECK(se != NULL);
		if (se) {
			CHECK(se->op.tmpfile == NULL && se->op.statx == NULL);
			CHECK(se->op.getattr == t_getattr);
			fuse_session_destroy(se);
		}
	}
}

static void test_custom_io_checks(void)
{
	char *av[] = { "t", NULL };
	struct fuse_custom_io io;
	struct fuse_session *se = new_with(1, av, sizeof(ops));

	memset(&io, 0, sizeof(io));
	CHECK_EQ(fuse_session_custom_io(se, &io, 3), -EINVAL);
	CHECK_EQ(fuse_session_custom_io(se, NULL, 3), -EINVAL);
	CHECK_EQ(fuse_session_custom_io(se, &io, -1), -EBADF);
	CHECK_EQ(fuse_session_fd(se), -1);
	fuse_session_destroy(se);
}

static void test_getgroups(void)
{
	struct fuse_getattr_in gi;
	gid_t mine[64];
	int n, i, found = 0;
	struct fk fk;
	struct {
		struct fuse_in_header h;
		struct fuse_getattr_in g;
	} m;
	char reply[64];

	n = getgroups(64, mine);
	fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
	CHECK_EQ(fk_init(&fk, 45, 0, NULL), 0);
	memset(&gi, 0, sizeof(gi));
	memset(&m, 0, sizeof(m));
	m.h.len = sizeof(m);
	m.h.opcode = FUSE_GETATTR;
	m.h.unique = 40;
	m.h.nodeid = 1;
	m.h.pid = (uint32_t)getpid();
	fk_send_raw(&fk, &m, sizeof(m));
	fk_pump(&fk);
	fk_recv(&fk, reply, sizeof(reply), 0);
	CHECK_EQ(ngroups_seen, n);
	for (i = 0; i < n && i < ngroups_seen; i++)
		if (groups_seen[i] == mine[0])
			found = 1;
	CHECK(n == 0 || found);
	fk_teardown(&fk);
}

int main(void)
{
	test_options();
	test_custom_io_checks();
	test_getgroups();
	return fk_done("test_session");
}
