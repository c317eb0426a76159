// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_init.c - INIT negotiation: sizes per kernel minor, flags/flags2,
 * max_pages, defaults, want / want_ext precedence, refusal cases.
 */
#include "harness.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

enum init_mode {
	MODE_NONE,		/* leave want alone */
	MODE_WANT_OLD,		/* old style: conn->want |= WRITEBACK_CACHE */
	MODE_WANT_EXT,		/* new style: want_ext |= WRITEBACK_CACHE */
	MODE_SET_FLAG,		/* fuse_set_feature_flag(WRITEBACK_CACHE) */
	MODE_CLEAR_OLD,		/* conn->want &= ~ASYNC_READ */
	MODE_BOTH,		/* change want and want_ext differently */
	MODE_UNKNOWN,		/* want a flag the kernel does not offer */
	MODE_PASSTHROUGH,	/* want passthrough, stack depth 1 */
	MODE_FLAG_AND_OLD,	/* set_feature_flag(WRITEBACK) + want |= DONT_MASK */
	MODE_FLAG_THEN_CLEAR,	/* set_feature_flag(WRITEBACK), want &= ~it */
	MODE_UNSET_FLAG,	/* fuse_unset_feature_flag(ASYNC_READ) */
	MODE_COPY,		/* flag API and conn-info opts on a copy only */
};

static enum init_mode mode;
static struct fuse_conn_info seen;
static int init_calls, destroy_calls;

static void t_init(void *ud, struct fuse_conn_info *conn)
{
	(void)ud;
	init_calls++;
	seen = *conn;
	switch (mode) {
	case MODE_NONE:
		break;
	case MODE_WANT_OLD:
		conn->want |= FUSE_CAP_WRITEBACK_CACHE;
		break;
	case MODE_WANT_EXT:
		conn->want_ext |= FUSE_CAP_WRITEBACK_CACHE;
		break;
	case MODE_SET_FLAG:
		CHECK(fuse_set_feature_flag(conn, FUSE_CAP_WRITEBACK_CACHE));
		CHECK(!fuse_set_feature_flag(conn, FUSE_CAP_POSIX_ACL));
		break;
	case MODE_CLEAR_OLD:
		conn->want &= ~FUSE_CAP_ASYNC_READ;
		break;
	case MODE_BOTH:
		conn->want |= FUSE_CAP_WRITEBACK_CACHE;
		conn->want_ext |= FUSE_CAP_DONT_MASK;
		break;
	case MODE_UNKNOWN:
		conn->want_ext |= FUSE_CAP_POSIX_ACL;
		break;
	case MODE_PASSTHROUGH:
		conn->max_backing_stack_depth = 1;
		CHECK(fuse_set_feature_flag(conn, FUSE_CAP_PASSTHROUGH));
		break;
	case MODE_FLAG_AND_OLD:
		/* Flag-API changes are not "want changed" (upstream 3.18):
		 * mixing them with an old-style change is no conflict. */
		CHECK(fuse_set_feature_flag(conn, FUSE_CAP_WRITEBACK_CACHE));
		conn->want |= FUSE_CAP_DONT_MASK;
		break;
	case MODE_FLAG_THEN_CLEAR:
		CHECK(fuse_set_feature_flag(conn, FUSE_CAP_WRITEBACK_CACHE));
		conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
		break;
	case MODE_UNSET_FLAG:
		fuse_unset_feature_flag(conn, FUSE_CAP_ASYNC_READ);
		conn->want |= FUSE_CAP_DONT_MASK;
		break;
	case MODE_COPY: {
		/* A copy outside any session, as servers keep them, and
		 * fuse_apply_conn_info_opts() on it: the session's conn and
		 * the memory behind the copy stay untouched. */
		struct {
			struct fuse_conn_info c;
			unsigned char after[512];
		} cp;
		char *argv[] = { "x", "-o", "writeback_cache,sync_read",
				 NULL };
		struct fuse_args args = FUSE_ARGS_INIT(3, argv);
		struct fuse_conn_info_opts *co;
		size_t i;

		memset(cp.after, 0x5a, sizeof(cp.after));
		cp.c = *conn;
		co = fuse_parse_conn_info_opts(&args);
		CHECK(co != NULL);
		if (co) {
			fuse_apply_conn_info_opts(co, &cp.c);
			free(co);
		}
		fuse_opt_free_args(&args);
		CHECK(fuse_set_feature_flag(&cp.c, FUSE_CAP_DONT_MASK));
		fuse_unset_feature_flag(&cp.c, FUSE_CAP_AUTO_INVAL_DATA);
		CHECK(cp.c.want_ext & FUSE_CAP_WRITEBACK_CACHE);
		CHECK(cp.c.want & FUSE_CAP_WRITEBACK_CACHE);
		CHECK(!(cp.c.want_ext & FUSE_CAP_ASYNC_READ));
		CHECK(cp.c.want_ext & FUSE_CAP_DONT_MASK);
		CHECK(!(cp.c.want & FUSE_CAP_AUTO_INVAL_DATA));
		for (i = 0; i < sizeof(cp.after); i++)
			if (cp.after[i] != 0x5a)
				break;
		CHECK_EQ(i, sizeof(cp.after));
		break;
	}
	}
}

static void t_destroy(void *ud)
{
	(void)ud;
	destroy_calls++;
}

static void t_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size,
			  off_t off, struct fuse_file_info *fi)
{
	(void)ino; (void)size; (void)off; (void)fi;
	fuse_reply_buf(req, NULL, 0);
}

static const struct fuse_lowlevel_ops ops = {
	.init = t_init,
	.destroy = t_destroy,
	.readdir = t_readdirplus,
	.readdirplus = t_readdirplus,
};

/* Kernel flags as Linux 6.18 offers them (a representative subset) */
static const uint64_t kflags = FUSE_ASYNC_READ | FUSE_POSIX_LOCKS |
	FUSE_ATOMIC_O_TRUNC | FUSE_EXPORT_SUPPORT | FUSE_BIG_WRITES |
	FUSE_DONT_MASK | FUSE_FLOCK_LOCKS | FUSE_HAS_IOCTL_DIR |
	FUSE_AUTO_INVAL_DATA | FUSE_DO_READDIRPLUS | FUSE_READDIRPLUS_AUTO |
	FUSE_ASYNC_DIO | FUSE_WRITEBACK_CACHE | FUSE_NO_OPEN_SUPPORT |
	FUSE_PARALLEL_DIROPS | FUSE_HANDLE_KILLPRIV | FUSE_ABORT_ERROR |
	FUSE_MAX_PAGES | FUSE_CACHE_SYMLINKS | FUSE_NO_OPENDIR_SUPPORT |
	FUSE_EXPLICIT_INVAL_DATA | FUSE_INIT_EXT | FUSE_PASSTHROUGH |
	FUSE_HAS_RESEND | FUSE_OVER_IO_URING | FUSE_REQUEST_TIMEOUT;

static void test_modern(void)
{
	struct fuse_init_out out;
	struct fk fk;
	uint64_t oflags;

	mode = MODE_NONE;
	init_calls = destroy_calls = 0;
	fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
	CHECK_EQ(fk_init(&fk, 45, kflags, &out), 0);
	CHECK_EQ(init_calls, 1);
	CHECK_EQ(out.major, 7);
	CHECK_EQ(out.minor, FUSE_KERNEL_MINOR_VERSION);
	oflags = out.flags | ((uint64_t)out.flags2 << 32);
	CHECK(oflags & FUSE_INIT_EXT);
	CHECK(oflags & FUSE_ASYNC_READ);
	CHECK(oflags & FUSE_AUTO_INVAL_DATA);
	CHECK(oflags & FUSE_ASYNC_DIO);
	CHECK(oflags & FUSE_ATOMIC_O_TRUNC);
	CHECK(oflags & FUSE_BIG_WRITES);
	CHECK(oflags & FUSE_DO_READDIRPLUS);
	CHECK(oflags & FUSE_READDIRPLUS_AUTO);
	CHECK(oflags & FUSE_MAX_PAGES);
	/* Not wanted by default, or only capable */
	CHECK(!(oflags & FUSE_WRITEBACK_CACHE));
	CHECK(!(oflags & FUSE_POSIX_LOCKS));
	CHECK(!(oflags & FUSE_FLOCK_LOCKS));
	CHECK(!(oflags & FUSE_NO_OPEN_SUPPORT));
	CHECK(!(oflags & FUSE_PASSTHROUGH));
	CHECK(!(oflags & FUSE_OVER_IO_URING));	/* -o io_uring not given */
	CHECK(!(oflags & FUSE_REQUEST_TIMEOUT));
	CHECK_EQ(out.max_write, 256 * getpagesize());
	CHECK_EQ(out.max_pages, 256);
	CHECK_EQ(out.time_gran, 1);
	CHECK_EQ(out.max_readahead, 131072);

	/* What init() saw */
	CHECK_EQ(seen.proto_major, 7);
	CHECK_EQ(seen.proto_minor, 45);
	CHECK(seen.capable_ext & FUSE_CAP_PASSTHROUGH);
	CHECK(seen.capable_ext & FUSE_CAP_OVER_IO_URING);
	CHECK(seen.capable_ext & FUSE_CAP_EXPIRE_ONLY);
	CHECK(seen.capable_ext & FUSE_CAP_IOCTL_DIR);
	CHECK_EQ(seen.capable, (uint32_t)seen.capable_ext);
	CHECK_EQ(seen.want, (uint32_t)seen.want_ext);
	CHECK(seen.want_ext & FUSE_CAP_READDIRPLUS);
	/* custom I/O without splice functions: no splice capability */
	CHECK(!(seen.capable_ext & FUSE_CAP_SPLICE_READ));
	CHECK(!(seen.capable_ext & FUSE_CAP_SPLICE_WRITE));

	/* A second INIT is refused */
	{
		struct fuse_init_out o2;

		CHECK_EQ(fk_init(&fk, 45, kflags, &o2), -EIO);
	}
	/* DESTROY calls destroy() once, and teardown does not again */
	{
		char r[64];
		size_t n = fk_call(&fk, r, sizeof(r), FUSE_DESTROY, 0, 0);

		CHECK_EQ(n, sizeof(struct fuse_out_header));
	}
	fk_teardown(&fk);
	CHECK_EQ(destroy_calls, 1);
}

static uint64_t init_flags_with(enum init_mode m, struct fuse_conn_info *c)
{
	struct fuse_init_out out;
	struct fk fk;
	int err;

	mode = m;
	fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
	err = fk_init(&fk, 45, kflags, &out);
	if (c)
		*c = fk.se->conn;
	fk_teardown(&fk);
	if (err)
		return (uint64_t)-1;
	return out.flags | ((uint64_t)out.flags2 << 32);
}

static void test_want_rules(void)
{
	struct fuse_conn_info c;
	uint64_t f;

	f = init_flags_with(MODE_WANT_OLD, &c);
	CHECK(f != (uint64_t)-1 && (f & FUSE_WRITEBACK_CACHE));
	CHECK(c.want_ext & FUSE_CAP_WRITEBACK_CACHE);
	CHECK_EQ(c.want, (uint32_t)c.want_ext);

	f = init_flags_with(MODE_WANT_EXT, &c);
	CHECK(f != (uint64_t)-1 && (f & FUSE_WRITEBACK_CACHE));
	CHECK(c.want & FUSE_CAP_WRITEBACK_CACHE);

	f = init_flags_with(MODE_SET_FLAG, NULL);
	CHECK(f != (uint64_t)-1 && (f & FUSE_WRITEBACK_CACHE));

	f = init_flags_with(MODE_CLEAR_OLD, &c);
	CHECK(f != (uint64_t)-1 && !(f & FUSE_ASYNC_READ));
	CHECK(!(c.want_ext & FUSE_CAP_ASYNC_READ));

	/* Both changed: logged and left as they are; want_ext decides the
	 * reply (as upstream 3.18) */
	f = init_flags_with(MODE_BOTH, &c);
	CHECK(f != (uint64_t)-1);
	CHECK(f & FUSE_DONT_MASK);
	CHECK(!(f & FUSE_WRITEBACK_CACHE));
	CHECK(c.want & FUSE_CAP_WRITEBACK_CACHE);

	/* A flag the kernel does not offer: INIT fails with EPROTO */
	{
		struct fuse_init_out out;
		struct fk fk;

		mode = MODE_UNKNOWN;
		fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
		CHECK_EQ(fk_init(&fk, 45, kflags, &out), -EPROTO);
		CHECK(fuse_session_exited(fk.se));
		fk_teardown(&fk);
	}

	/* Flag API and old-style want together: both taken */
	f = init_flags_with(MODE_FLAG_AND_OLD, &c);
	CHECK(f != (uint64_t)-1);
	CHECK(f & FUSE_WRITEBACK_CACHE);
	CHECK(f & FUSE_DONT_MASK);
	CHECK_EQ(c.want, (uint32_t)c.want_ext);

	/* Set through the API, then cleared old style: cleared */
	f = init_flags_with(MODE_FLAG_THEN_CLEAR, &c);
	CHECK(f != (uint64_t)-1);
	CHECK(!(f & FUSE_WRITEBACK_CACHE));
	CHECK(!(c.want_ext & FUSE_CAP_WRITEBACK_CACHE));

	f = init_flags_with(MODE_UNSET_FLAG, &c);
	CHECK(f != (uint64_t)-1);
	CHECK(!(f & FUSE_ASYNC_READ));
	CHECK(f & FUSE_DONT_MASK);

	/* Work on a copy changes nothing in the session */
	f = init_flags_with(MODE_COPY, &c);
	CHECK(f != (uint64_t)-1);
	CHECK(!(f & FUSE_WRITEBACK_CACHE));
	CHECK(!(f & FUSE_DONT_MASK));
	CHECK(f & FUSE_ASYNC_READ);
	CHECK(f & FUSE_AUTO_INVAL_DATA);
	CHECK_EQ(c.want, (uint32_t)c.want_ext);

	f = init_flags_with(MODE_PASSTHROUGH, NULL);
	CHECK(f != (uint64_t)-1 && (f & FUSE_PASSTHROUGH));
	{
		struct fuse_init_out out;
		struct fk fk;

		mode = MODE_PASSTHROUGH;
		fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
		CHECK_EQ(fk_init(&fk, 45, kflags, &out), 0);
		CHECK_EQ(out.max_stack_depth, 2);
		fk_teardown(&fk);
	}
}

/* The flag API on a conn that lives in no session */
static void test_flag_api_standalone(void)
{
	struct {
		unsigned char before[256];
		struct fuse_conn_info c;
		unsigned char after[1024];
	} w;
	size_t i;

	memset(&w, 0x5a, sizeof(w));
	memset(&w.c, 0, sizeof(w.c));
	w.c.capable_ext = FUSE_CAP_WRITEBACK_CACHE | FUSE_CAP_ASYNC_READ;
	w.c.capable = (uint32_t)w.c.capable_ext;
	CHECK(fuse_set_feature_flag(&w.c, FUSE_CAP_WRITEBACK_CACHE));
	CHECK(fuse_set_feature_flag(&w.c, FUSE_CAP_ASYNC_READ));
	CHECK(!fuse_set_feature_flag(&w.c, FUSE_CAP_POSIX_ACL));
	CHECK_EQ(w.c.want_ext, FUSE_CAP_WRITEBACK_CACHE | FUSE_CAP_ASYNC_READ);
	CHECK_EQ(w.c.want, FUSE_CAP_WRITEBACK_CACHE | FUSE_CAP_ASYNC_READ);
	fuse_unset_feature_flag(&w.c, FUSE_CAP_ASYNC_READ);
	CHECK_EQ(w.c.want_ext, FUSE_CAP_WRITEBACK_CACHE);
	CHECK_EQ(w.c.want, FUSE_CAP_WRITEBACK_CACHE);
	CHECK(fuse_get_feature_flag(&w.c, FUSE_CAP_ASYNC_READ));
	CHECK(!fuse_get_feature_flag(&w.c, FUSE_CAP_POSIX_ACL));
	/* Without a session to compare with: want's change is taken */
	w.c.want |= FUSE_CAP_ASYNC_READ;
	CHECK_EQ(fuse_convert_to_conn_want_ext(&w.c), 0);
	CHECK(w.c.want_ext & FUSE_CAP_ASYNC_READ);
	CHECK_EQ(w.c.want, (uint32_t)w.c.want_ext);
	for (i = 0; i < sizeof(w.before); i++)
		if (w.before[i] != 0x5a)
			break;
	CHECK_EQ(i, sizeof(w.before));
	for (i = 0; i < sizeof(w.after); i++)
		if (w.after[i] != 0x5a)
			break;
	CHECK_EQ(i, sizeof(w.after));
}

static void test_old_kernels(void)
{
	struct fuse_init_out out;
	struct fk fk;
	char reply[256];
	size_t n;

	mode = MODE_NONE;
	/* 7.12: 16-byte fuse_init_in, 24-byte reply, no MAX_PAGES */
	{
		struct fuse_init_in in = { .major = 7, .minor = 12,
					   .max_readahead = 65536,
					   .flags = FUSE_ASYNC_READ };

		fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
		n = fk_call(&fk, reply, sizeof(reply), FUSE_INIT, 0, 1, &in,
			    (size_t)16);
		CHECK_EQ(n, sizeof(struct fuse_out_header) +
			 FUSE_COMPAT_22_INIT_OUT_SIZE);
		memcpy(&out, reply + sizeof(struct fuse_out_header), 24);
		CHECK_EQ(out.minor, FUSE_KERNEL_MINOR_VERSION);
		CHECK(out.flags & FUSE_ASYNC_READ);
		CHECK(!(out.flags & FUSE_MAX_PAGES));
		CHECK_EQ(out.max_write, 32 * getpagesize());
		CHECK_EQ(fk.se->conn.proto_minor, 12);
		/* notifications newer than 7.12 report ENOSYS */
		CHECK_EQ(fuse_lowlevel_notify_delete(fk.se, 1, 2, "x", 1),
			 -ENOSYS);
		CHECK_EQ(fuse_lowlevel_notify_store(fk.se, 1, 0, NULL, 0),
			 -EINVAL);
		CHECK_EQ(fuse_lowlevel_notify_increment_epoch(fk.se), -ENOSYS);
		CHECK_EQ(fuse_lowlevel_notify_expire_entry(fk.se, 1, "x", 1),
			 -ENOSYS);
		fk_teardown(&fk);
	}
	/* 7.23 with a 16-byte struct: full 64-byte reply */
	fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
	CHECK_EQ(fk_init(&fk, 23, FUSE_ASYNC_READ | FUSE_MAX_PAGES, &out), 0);
	CHECK_EQ(out.max_pages, 256);
	CHECK_EQ(out.flags2, 0);
	fk_teardown(&fk);

	/* 7.11 is too old */
	fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
	CHECK_EQ(fk_init(&fk, 11, 0, &out), -EPROTO);
	CHECK(fuse_session_exited(fk.se));
	fk_teardown(&fk);

	/* Wrong struct size for the minor: EINVAL, session continues */
	{
		struct fuse_init_in in = { .major = 7, .minor = 40 };

		fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
		n = fk_call(&fk, reply, sizeof(reply), FUSE_INIT, 0, 1, &in,
			    (size_t)16);
		CHECK_EQ(n, sizeof(struct fuse_out_header));
		CHECK_EQ(((struct fuse_out_header *)reply)->error, -EINVAL);
		CHECK(!fuse_session_exited(fk.se));
		n = fk_call(&fk, reply, sizeof(reply), FUSE_INIT, 0, 1, &in,
			    (size_t)4);
		CHECK_EQ(((struct fuse_out_header *)reply)->error, -EINVAL);
		fk_teardown(&fk);
	}

	/* Major 8: we answer 7.45 and wait for another INIT */
	{
		struct fuse_init_in in = { .major = 8, .minor = 0 };

		fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
		n = fk_call(&fk, reply, sizeof(reply), FUSE_INIT, 0, 1, &in,
			    sizeof(in));
		CHECK_EQ(((struct fuse_out_header *)reply)->error, 0);
		memcpy(&out, reply + sizeof(struct fuse_out_header),
		       sizeof(out));
		CHECK_EQ(out.major, 7);
		CHECK(!atomic_load(&fk.se->got_init));
		CHECK_EQ(fk_init(&fk, 45, kflags, &out), 0);
		fk_teardown(&fk);
	}
}

static void test_before_init(void)
{
	struct fk fk;
	char reply[128];
	size_t n;

	mode = MODE_NONE;
	fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
	n = fk_call(&fk, reply, sizeof(reply), FUSE_GETATTR, 1, 1,
		    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", (size_t)16);
	CHECK_EQ(n, sizeof(struct fuse_out_header));
	CHECK_EQ(((struct fuse_out_header *)reply)->error, -EIO);
	fk_teardown(&fk);
}

static void test_uring_request(void)
{
	struct fuse_init_out out;
	struct fk fk;

	/* -o io_uring with a kernel that offers it: the transport's start
	 * decides; without a working ring the flag must not be sent. */
	mode = MODE_NONE;
	fk_setup(&fk, &ops, sizeof(ops), NULL, "io_uring");
	CHECK(fk.se->uring.enable);
	CHECK_EQ(fk_init(&fk, 45, kflags, &out), 0);
	if (!fk.se->uring.active)
		CHECK(!(out.flags2 & (FUSE_OVER_IO_URING >> 32)));
	fk_teardown(&fk);
}

int main(void)
{
	test_modern();
	test_want_rules();
	test_flag_api_standalone();
	test_old_kernels();
	test_before_init();
	test_uring_request();
	return fk_done("test_init");
}
