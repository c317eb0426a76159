// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_ext.c - the extension hooks of lib/fuse_i.h: the INIT hook sees the
 * kernel's fuse_init_in and edits the reply (flags2, minor, extra bytes);
 * unknown opcodes reach the dispatch hook (or get ENOSYS when it declines);
 * the attr-flags hook sets fuse_attr.flags in plain replies; destroy runs.
 */
#include "harness.h"

#include <errno.h>
#include <string.h>

#define EXT_OPCODE	4094	/* any opcode the core does not know */
#define EXT_FLAG2	(1U << 11)

static struct {
	int init_calls, dispatch_calls, destroy_calls;
	uint32_t seen_flags2;
	size_t seen_in_len;
	size_t seen_fixed_len;
	int known_calls;	/* SYNCFS / SETUPMAPPING / REMOVEMAPPING */
	uint32_t known_opcode;
	size_t known_fixed_len;
	bool decline;		/* return -ENOSYS for the known ones */
} ex;

static int ext_init(struct fuse_session *se, void *priv,
		    const struct fuse_init_in *in, size_t in_len,
		    struct fuse_init_out *out, size_t *out_len)
{
	(void)se; (void)priv;
	ex.init_calls++;
	ex.seen_flags2 = in->flags2;
	ex.seen_in_len = in_len;
	out->flags2 |= EXT_FLAG2;
	out->minor = 99;
	memset((char *)out + sizeof(*out), 0xab, 8);
	*out_len = sizeof(*out) + 8;
	return 0;
}

static int ext_dispatch(struct fuse_req *req, void *priv,
			const struct fuse_in_header *in,
			const void *fixed, size_t fixed_len,
			const void *payload, size_t payload_len)
{
	uint64_t v;

	(void)priv; (void)payload; (void)payload_len;
	if (in->opcode == FUSE_SYNCFS || in->opcode == FUSE_SETUPMAPPING ||
	    in->opcode == FUSE_REMOVEMAPPING) {
		ex.known_calls++;
		ex.known_opcode = in->opcode;
		ex.known_fixed_len = fixed_len;
		if (ex.decline)
			return -ENOSYS;
		fuse_reply_err(req, in->opcode == FUSE_SYNCFS ? 0 : EOPNOTSUPP);
		return 0;
	}
	if (in->opcode != EXT_OPCODE)
		return -ENOSYS;
	ex.dispatch_calls++;
	ex.seen_fixed_len = fixed_len;
	if (fixed_len != sizeof(v)) {
		fuse_reply_err(req, EINVAL);
		return 0;
	}
	memcpy(&v, fixed, sizeof(v));
	fuse_reply_buf(req, (const char *)&v, sizeof(v));
	return 0;
}

static void ext_destroy(struct fuse_session *se, void *priv)
{
	(void)se; (void)priv;
	ex.destroy_calls++;
}

static uint32_t ext_attr_flags(struct fuse_session *se, void *priv,
			       uint64_t ino, uint32_t mode)
{
	(void)se; (void)priv; (void)mode;
	return ino == 5 ? FUSE_ATTR_DAX : 0;
}

static void t_getattr(fuse_req_t req, fuse_ino_t ino,
		      struct fuse_file_info *fi)
{
	struct stat st;

	(void)fi;
	memset(&st, 0, sizeof(st));
	st.st_ino = ino;
	st.st_mode = S_IFREG | 0644;
	fuse_reply_attr(req, &st, 1);
}

static const struct fuse_lowlevel_ops ops = {
	.getattr = t_getattr,
};

int main(void)
{
	struct fuse_ll_ext ext = {
		.init = ext_init,
		.dispatch = ext_dispatch,
		.destroy = ext_destroy,
		.attr_flags = ext_attr_flags,
	};
	char reply[256];
	struct fuse_out_header *oh = (void *)reply;
	struct fuse_init_in in;
	struct fuse_getattr_in gi;
	struct fk fk;
	uint64_t v = 0x1234;
	size_t n;

	fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
	fuse_session_set_ext(fk.se, &ext);

	memset(&in, 0, sizeof(in));
	in.major = 7;
	in.minor = 45;
	in.flags = FUSE_INIT_EXT | FUSE_MAX_PAGES;
	in.flags2 = 1U << 10;
	n = fk_call(&fk, reply, sizeof(reply), FUSE_INIT, 0, 1, &in,
		    sizeof(in));
	CHECK_EQ(ex.init_calls, 1);
	CHECK_EQ(ex.seen_flags2, 1U << 10);
	CHECK_EQ(ex.seen_in_len, sizeof(in));
	CHECK_EQ(n, sizeof(*oh) + sizeof(struct fuse_init_out) + 8);
	CHECK_EQ(oh->error, 0);
	{
		struct fuse_init_out *o = (void *)(oh + 1);

		CHECK_EQ(o->minor, 99);
		CHECK(o->flags2 & EXT_FLAG2);
		CHECK_EQ((unsigned char)reply[n - 1], 0xab);
	}

	n = fk_call(&fk, reply, sizeof(reply), EXT_OPCODE, 1, 1, &v, sizeof(v));
	CHECK_EQ(ex.dispatch_calls, 1);
	CHECK_EQ(ex.seen_fixed_len, sizeof(v));
	CHECK_EQ(n, sizeof(*oh) + sizeof(v));
	CHECK(!memcmp(oh + 1, &v, sizeof(v)));

	n = fk_call(&fk, reply, sizeof(reply), EXT_OPCODE + 1, 1, 0);
	CHECK_EQ(ex.dispatch_calls, 1);
	CHECK_EQ(n, sizeof(*oh));
	CHECK_EQ(oh->error, -ENOSYS);

	memset(&gi, 0, sizeof(gi));
	n = fk_call(&fk, reply, sizeof(reply), FUSE_GETATTR, 5, 1, &gi,
		    sizeof(gi));
	CHECK_EQ(n, sizeof(*oh) + sizeof(struct fuse_attr_out));
	CHECK_EQ(((struct fuse_attr_out *)(oh + 1))->attr.flags,
		 FUSE_ATTR_DAX);
	n = fk_call(&fk, reply, sizeof(reply), FUSE_GETATTR, 6, 1, &gi,
		    sizeof(gi));
	CHECK_EQ(((struct fuse_attr_out *)(oh + 1))->attr.flags, 0);

	/*
	 * Opcodes the core knows but has no lowlevel op for: length-checked
	 * by the core, then offered to the hook; ENOSYS only if it declines.
	 */
	{
		struct fuse_syncfs_in sy;
		struct fuse_setupmapping_in su;
		struct {
			struct fuse_removemapping_in in;
			struct fuse_removemapping_one one[2];
		} rm;
		uint32_t junk = 0;

		memset(&sy, 0, sizeof(sy));
		memset(&su, 0, sizeof(su));
		memset(&rm, 0, sizeof(rm));

		n = fk_call(&fk, reply, sizeof(reply), FUSE_SYNCFS, 1, 1, &sy,
			    sizeof(sy));
		CHECK_EQ(n, sizeof(*oh));
		CHECK_EQ(oh->error, 0);
		CHECK_EQ(ex.known_calls, 1);
		CHECK_EQ(ex.known_opcode, FUSE_SYNCFS);
		CHECK_EQ(ex.known_fixed_len, sizeof(sy));

		/* too short, trailing bytes: EINVAL, the hook never sees it */
		n = fk_call(&fk, reply, sizeof(reply), FUSE_SYNCFS, 1, 1, &sy,
			    (size_t)4);
		CHECK_EQ(oh->error, -EINVAL);
		n = fk_call(&fk, reply, sizeof(reply), FUSE_SYNCFS, 1, 2, &sy,
			    sizeof(sy), &junk, sizeof(junk));
		CHECK_EQ(oh->error, -EINVAL);
		CHECK_EQ(ex.known_calls, 1);

		n = fk_call(&fk, reply, sizeof(reply), FUSE_SETUPMAPPING, 1, 1,
			    &su, sizeof(su));
		CHECK_EQ(oh->error, -EOPNOTSUPP);
		CHECK_EQ(ex.known_calls, 2);
		CHECK_EQ(ex.known_opcode, FUSE_SETUPMAPPING);

		/* REMOVEMAPPING: count entries must follow, exactly */
		rm.in.count = 2;
		n = fk_call(&fk, reply, sizeof(reply), FUSE_REMOVEMAPPING, 1, 2,
			    &rm.in, sizeof(rm.in), rm.one, sizeof(rm.one));
		CHECK_EQ(oh->error, -EOPNOTSUPP);
		CHECK_EQ(ex.known_calls, 3);
		CHECK_EQ(ex.known_opcode, FUSE_REMOVEMAPPING);
		n = fk_call(&fk, reply, sizeof(reply), FUSE_REMOVEMAPPING, 1, 2,
			    &rm.in, sizeof(rm.in), rm.one, sizeof(rm.one[0]));
		CHECK_EQ(oh->error, -EINVAL);
		rm.in.count = 0xffffffffU;
		n = fk_call(&fk, reply, sizeof(reply), FUSE_REMOVEMAPPING, 1, 2,
			    &rm.in, sizeof(rm.in), rm.one, sizeof(rm.one));
		CHECK_EQ(oh->error, -EINVAL);
		CHECK_EQ(ex.known_calls, 3);

		/* the hook declines: ENOSYS */
		ex.decline = true;
		n = fk_call(&fk, reply, sizeof(reply), FUSE_SYNCFS, 1, 1, &sy,
			    sizeof(sy));
		CHECK_EQ(n, sizeof(*oh));
		CHECK_EQ(oh->error, -ENOSYS);
		CHECK_EQ(ex.known_calls, 4);
		ex.decline = false;
	}

	fk_teardown(&fk);
	CHECK_EQ(ex.destroy_calls, 1);

	/* Without a hook: ENOSYS after the length check */
	{
		struct fuse_syncfs_in sy;

		memset(&sy, 0, sizeof(sy));
		fk_setup(&fk, &ops, sizeof(ops), NULL, NULL);
		CHECK_EQ(fk_init(&fk, 45, FUSE_INIT_EXT, NULL), 0);
		n = fk_call(&fk, reply, sizeof(reply), FUSE_SYNCFS, 1, 1, &sy,
			    sizeof(sy));
		CHECK_EQ(oh->error, -ENOSYS);
		n = fk_call(&fk, reply, sizeof(reply), FUSE_SYNCFS, 1, 1, &sy,
			    (size_t)2);
		CHECK_EQ(oh->error, -EINVAL);
		fk_teardown(&fk);
	}
	return fk_done("test_ext");
}
