// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ll_init.c - FUSE_INIT negotiation and the feature-flag API.
 *
 * Capability precedence follows libfuse 3.18: capable_ext is filled from
 * the kernel's flags (+flags2), defaults are set with
 * fuse_set_feature_flag() (which mirrors them into the 32-bit want), the
 * file system's init() may change want (old style) or want_ext (new
 * style), and fuse_convert_to_conn_want_ext() merges the two afterwards.
 * Changes made through the flag API during init() move the baseline (they
 * count as neither style), as in upstream; the flag API itself writes
 * only into the conn it is given (see struct init_want_base).
 */
#include "fuse_i.h"
#include "ll_i.h"
#include "mount_i.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

static uint32_t lower_32(uint64_t v)
{
	return (uint32_t)(v & 0xffffffffULL);
}

static uint64_t upper_32(uint64_t v)
{
	return v & ~0xffffffffULL;
}

/*
 * The want / want_ext baseline of the INIT whose init() runs on this
 * thread.  Upstream keeps it in the session and has the flag API update it
 * through container_of(conn); ours keeps it here, and the flag API updates
 * it only when it is handed exactly the conn being initialized.  A conn
 * anywhere else (a server's copy, fuse_apply_conn_info_opts() on one) is
 * the only memory the flag API touches.
 */
struct init_want_base {
	const struct fuse_conn_info *conn;	/* NULL: no init() running */
	uint64_t want_ext;	/* want_ext before init() + flag API changes */
	uint32_t want;		/* the same for want */
};

static __thread struct init_want_base want_base;

static void base_note(const struct fuse_conn_info *conn, uint64_t set,
		      uint64_t clear)
{
	if (conn != want_base.conn)
		return;
	want_base.want_ext = (want_base.want_ext | set) & ~clear;
	want_base.want = (want_base.want | lower_32(set)) & ~lower_32(clear);
}

int fuse_convert_to_conn_want_ext(struct fuse_conn_info *conn)
{
	uint32_t base_want;
	uint64_t base_ext;

	if (conn == want_base.conn) {
		base_want = want_base.want;
		base_ext = want_base.want_ext;
	} else {
		/*
		 * No baseline (not the conn of a running INIT): take a change
		 * of the 32-bit want, the field older code writes.
		 */
		base_want = lower_32(conn->want_ext);
		base_ext = conn->want_ext;
	}

	/*
	 * want changed (and is not already reflected in want_ext): take it,
	 * unless want_ext was changed as well; then the two disagree.
	 */
	if (conn->want != base_want &&
	    lower_32(conn->want_ext) != conn->want) {
		if (conn->want_ext != base_ext) {
			fuse_log(FUSE_LOG_ERR,
				 "fuse: both conn->want and conn->want_ext were changed (want=%x want_ext=%llx, before: %x %llx)\n",
				 conn->want,
				 (unsigned long long)conn->want_ext,
				 base_want, (unsigned long long)base_ext);
			return -EINVAL;
		}
		conn->want_ext = upper_32(conn->want_ext) | conn->want;
	}
	conn->want = lower_32(conn->want_ext);
	return 0;
}

bool fuse_set_feature_flag(struct fuse_conn_info *conn, uint64_t flag)
{
	if (!(conn->capable_ext & flag))
		return false;
	conn->want_ext |= flag;
	conn->want |= lower_32(flag);
	base_note(conn, flag, 0);
	return true;
}

void fuse_unset_feature_flag(struct fuse_conn_info *conn, uint64_t flag)
{
	conn->want_ext &= ~flag;
	conn->want &= ~lower_32(flag);
	base_note(conn, 0, flag);
}

bool fuse_get_feature_flag(struct fuse_conn_info *conn, uint64_t flag)
{
	return (conn->capable_ext & flag) != 0;
}

/* Kernel INIT flag -> library capability */
static const struct {
	uint64_t kflag;
	uint64_t cap;
} cap_map[] = {
	{ FUSE_ASYNC_READ,		FUSE_CAP_ASYNC_READ },
	{ FUSE_POSIX_LOCKS,		FUSE_CAP_POSIX_LOCKS },
	{ FUSE_ATOMIC_O_TRUNC,		FUSE_CAP_ATOMIC_O_TRUNC },
	{ FUSE_EXPORT_SUPPORT,		FUSE_CAP_EXPORT_SUPPORT },
	{ FUSE_DONT_MASK,		FUSE_CAP_DONT_MASK },
	{ FUSE_FLOCK_LOCKS,		FUSE_CAP_FLOCK_LOCKS },
	{ FUSE_AUTO_INVAL_DATA,		FUSE_CAP_AUTO_INVAL_DATA },
	{ FUSE_DO_READDIRPLUS,		FUSE_CAP_READDIRPLUS },
	{ FUSE_READDIRPLUS_AUTO,	FUSE_CAP_READDIRPLUS_AUTO },
	{ FUSE_ASYNC_DIO,		FUSE_CAP_ASYNC_DIO },
	{ FUSE_WRITEBACK_CACHE,		FUSE_CAP_WRITEBACK_CACHE },
	{ FUSE_NO_OPEN_SUPPORT,		FUSE_CAP_NO_OPEN_SUPPORT },
	{ FUSE_PARALLEL_DIROPS,		FUSE_CAP_PARALLEL_DIROPS },
	{ FUSE_POSIX_ACL,		FUSE_CAP_POSIX_ACL },
	{ FUSE_HANDLE_KILLPRIV,		FUSE_CAP_HANDLE_KILLPRIV },
	{ FUSE_HANDLE_KILLPRIV_V2,	FUSE_CAP_HANDLE_KILLPRIV_V2 },
	{ FUSE_CACHE_SYMLINKS,		FUSE_CAP_CACHE_SYMLINKS },
	{ FUSE_NO_OPENDIR_SUPPORT,	FUSE_CAP_NO_OPENDIR_SUPPORT },
	{ FUSE_EXPLICIT_INVAL_DATA,	FUSE_CAP_EXPLICIT_INVAL_DATA },
	{ FUSE_SETXATTR_EXT,		FUSE_CAP_SETXATTR_EXT },
	{ FUSE_DIRECT_IO_ALLOW_MMAP,	FUSE_CAP_DIRECT_IO_ALLOW_MMAP },
	{ FUSE_PASSTHROUGH,		FUSE_CAP_PASSTHROUGH },
	{ FUSE_NO_EXPORT_SUPPORT,	FUSE_CAP_NO_EXPORT_SUPPORT },
	{ FUSE_OVER_IO_URING,		FUSE_CAP_OVER_IO_URING },
};

/* Library capability -> INIT reply flag (the reverse, for what is wanted) */
static uint64_t want_to_flags(uint64_t want)
{
	uint64_t out = 0;
	size_t i;

	for (i = 0; i < sizeof(cap_map) / sizeof(cap_map[0]); i++) {
		if (cap_map[i].cap == FUSE_CAP_NO_OPEN_SUPPORT ||
		    cap_map[i].cap == FUSE_CAP_NO_OPENDIR_SUPPORT ||
		    cap_map[i].cap == FUSE_CAP_OVER_IO_URING ||
		    cap_map[i].cap == FUSE_CAP_PASSTHROUGH)
			continue;	/* capable-only, or handled apart */
		if (want & cap_map[i].cap)
			out |= cap_map[i].kflag;
	}
	return out;
}

/* Bytes of fuse_init_in a kernel of this minor sends */
static size_t init_in_size(uint32_t minor)
{
	if (minor < 6)
		return 8;
	if (minor < 36)
		return 16;
	return sizeof(struct fuse_init_in);
}

static void init_fail(struct fuse_req *req, int err, const char *why)
{
	struct fuse_session *se = req->se;

	fuse_log(FUSE_LOG_ERR, "fuse: INIT failed: %s\n", why);
	fuse_reply_err(req, err);
	se->error = -err;
	fuse_session_exit(se);
}

void fuse_ll_do_init(struct fuse_req *req, const void *argp, size_t len)
{
	struct fuse_session *se = req->se;
	struct fuse_conn_info *conn = &se->conn;
	struct fuse_init_in arg;
	union {
		struct fuse_init_out out;
		char b[sizeof(struct fuse_init_out) + FUSE_INIT_OUT_EXTRA_MAX];
	} o;
	struct fuse_init_out *out = &o.out;
	size_t outsize = sizeof(*out);
	uint64_t inflags = 0, outflags = 0;
	size_t bufsize = se->bufsize;
	size_t pagesize = (size_t)getpagesize();
	unsigned int max_read_mo;
	bool enable_uring = false;

	memset(&arg, 0, sizeof(arg));
	memset(&o, 0, sizeof(o));
	if (len < 8) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	memcpy(&arg, argp, len < sizeof(arg) ? len : sizeof(arg));

	if (se->debug)
		fuse_log(FUSE_LOG_DEBUG, "INIT: %u.%u flags=0x%08x flags2=0x%08x max_readahead=0x%08x\n",
			 arg.major, arg.minor, arg.flags, arg.flags2,
			 arg.max_readahead);

	out->major = FUSE_KERNEL_VERSION;
	out->minor = FUSE_KERNEL_MINOR_VERSION;

	if (arg.major < 7) {
		init_fail(req, EPROTO, "kernel protocol major below 7");
		return;
	}
	if (arg.major > 7) {
		/* Answer with our version and wait for a 7.x INIT. */
		fuse_ll_reply_ok(req, out, sizeof(*out));
		return;
	}
	if (len != init_in_size(arg.minor) &&
	    !(arg.minor > FUSE_KERNEL_MINOR_VERSION &&
	      len >= init_in_size(arg.minor))) {
		fuse_reply_err(req, EINVAL);
		return;
	}
	if (arg.minor < FUSE_MIN_KERNEL_MINOR) {
		init_fail(req, EPROTO, "kernel protocol older than 7.12");
		return;
	}

	conn->proto_major = arg.major;
	conn->proto_minor = arg.minor;
	conn->capable_ext = 0;
	conn->want_ext = 0;
	conn->want = 0;

	if (arg.max_readahead < conn->max_readahead)
		conn->max_readahead = arg.max_readahead;
	inflags = arg.flags;
	if (inflags & FUSE_INIT_EXT)
		inflags |= (uint64_t)arg.flags2 << 32;
	for (size_t i = 0; i < sizeof(cap_map) / sizeof(cap_map[0]); i++)
		if (inflags & cap_map[i].kflag)
			conn->capable_ext |= cap_map[i].cap;
	if (arg.minor >= 38 || (inflags & FUSE_HAS_EXPIRE_ONLY))
		conn->capable_ext |= FUSE_CAP_EXPIRE_ONLY;
	if (arg.minor >= 18)
		conn->capable_ext |= FUSE_CAP_IOCTL_DIR;
	/*
	 * The splice capabilities are library-side hints (nothing goes to
	 * the kernel).  They are offered as upstream offers them, so servers
	 * that ask for them keep working, but this library currently moves
	 * all data with read/writev: asking for them changes nothing.
	 */
	if (arg.minor >= 14) {
		if (!se->io || se->io->splice_send)
			conn->capable_ext |= FUSE_CAP_SPLICE_WRITE |
					     FUSE_CAP_SPLICE_MOVE;
		if (!se->io || se->io->splice_receive)
			conn->capable_ext |= FUSE_CAP_SPLICE_READ;
	}
	if (!(inflags & FUSE_MAX_PAGES)) {
		size_t max = FUSE_COMPAT_MAX_PAGES * pagesize +
			     FUSE_BUFFER_HEADER_SIZE;

		if (bufsize > max)
			bufsize = max;
	}

	fuse_set_feature_flag(conn, FUSE_CAP_ASYNC_READ);
	fuse_set_feature_flag(conn, FUSE_CAP_AUTO_INVAL_DATA);
	fuse_set_feature_flag(conn, FUSE_CAP_ASYNC_DIO);
	fuse_set_feature_flag(conn, FUSE_CAP_IOCTL_DIR);
	fuse_set_feature_flag(conn, FUSE_CAP_ATOMIC_O_TRUNC);
	if (se->op.write_buf)
		fuse_set_feature_flag(conn, FUSE_CAP_SPLICE_READ);
	if (se->op.getlk && se->op.setlk)
		fuse_set_feature_flag(conn, FUSE_CAP_POSIX_LOCKS);
	if (se->op.flock)
		fuse_set_feature_flag(conn, FUSE_CAP_FLOCK_LOCKS);
	if (se->op.readdirplus)
		fuse_set_feature_flag(conn, FUSE_CAP_READDIRPLUS);
	if (se->op.readdirplus && se->op.readdir)
		fuse_set_feature_flag(conn, FUSE_CAP_READDIRPLUS_AUTO);
	fuse_set_feature_flag(conn, FUSE_CAP_OVER_IO_URING);

	conn->time_gran = 1;
	conn->capable = lower_32(conn->capable_ext);

	if (se->op.init) {
		struct init_want_base saved = want_base;

		/* The defaults above are the baseline of init()'s changes. */
		want_base.conn = conn;
		want_base.want = conn->want;
		want_base.want_ext = conn->want_ext;
		atomic_store(&se->init_called, 1);
		se->op.init(se->userdata, conn);
		/* As upstream: a conflict is logged, want_ext then wins. */
		fuse_convert_to_conn_want_ext(conn);
		want_base = saved;
	}

	if (conn->want_ext & ~conn->capable_ext) {
		fuse_log(FUSE_LOG_ERR, "fuse: unknown connection 'want' flags: 0x%08llx\n",
			 (unsigned long long)(conn->want_ext &
					      ~conn->capable_ext));
		init_fail(req, EPROTO, "file system wants flags the kernel does not offer");
		return;
	}

	max_read_mo = se->mo ? fuse_mount_opts_max_read(se->mo) : 0;
	if (conn->max_read != max_read_mo) {
		fuse_log(FUSE_LOG_ERR, "fuse: init() and fuse_session_new() requested different maximum read size (%u vs %u)\n",
			 conn->max_read, max_read_mo);
		init_fail(req, EPROTO, "max_read mismatch");
		return;
	}

	if (bufsize < FUSE_MIN_READ_BUFFER) {
		fuse_log(FUSE_LOG_ERR, "fuse: warning: buffer size too small: %zu\n",
			 bufsize);
		bufsize = FUSE_MIN_READ_BUFFER;
	}
	if (conn->max_write > bufsize - FUSE_BUFFER_HEADER_SIZE)
		conn->max_write = (uint32_t)(bufsize - FUSE_BUFFER_HEADER_SIZE);
	if (conn->max_write < 4096)
		conn->max_write = 4096;
	se->bufsize = conn->max_write + FUSE_BUFFER_HEADER_SIZE;

	if (inflags & FUSE_MAX_PAGES) {
		outflags |= FUSE_MAX_PAGES;
		out->max_pages = (uint16_t)((conn->max_write - 1) / pagesize + 1);
	}
	outflags |= FUSE_BIG_WRITES;
	outflags |= want_to_flags(conn->want_ext);
	if (conn->want_ext & FUSE_CAP_PASSTHROUGH) {
		outflags |= FUSE_PASSTHROUGH;
		/* The kernel counts the FUSE layer itself. */
		out->max_stack_depth = conn->max_backing_stack_depth + 1;
	}
	if (se->uring.enable && (conn->want_ext & FUSE_CAP_OVER_IO_URING)) {
		outflags |= FUSE_OVER_IO_URING;
		enable_uring = true;
	} else if (se->uring.enable) {
		fuse_log(FUSE_LOG_INFO, "fuse: io_uring requested, staying on /dev/fuse: %s\n",
			 !(conn->capable_ext & FUSE_CAP_OVER_IO_URING) ?
			 "the kernel does not offer FUSE_OVER_IO_URING (see /sys/module/fuse/parameters/enable_uring)" :
			 "the file system turned FUSE_CAP_OVER_IO_URING off");
	}
	if ((inflags & FUSE_REQUEST_TIMEOUT) && conn->request_timeout) {
		outflags |= FUSE_REQUEST_TIMEOUT;
		out->request_timeout = conn->request_timeout;
	}
	se->setxattr_ext = (conn->want_ext & FUSE_CAP_SETXATTR_EXT) != 0;

	out->max_readahead = conn->max_readahead;
	out->max_write = conn->max_write;
	if (arg.minor >= 13) {
		if (conn->max_background >= (1 << 16))
			conn->max_background = (1 << 16) - 1;
		if (conn->congestion_threshold > conn->max_background)
			conn->congestion_threshold = conn->max_background;
		if (!conn->congestion_threshold)
			conn->congestion_threshold =
				conn->max_background * 3 / 4;
		out->max_background = (uint16_t)conn->max_background;
		out->congestion_threshold =
			(uint16_t)conn->congestion_threshold;
	}
	if (arg.minor >= 23)
		out->time_gran = conn->time_gran;
	if (arg.minor < 5)
		outsize = FUSE_COMPAT_INIT_OUT_SIZE;
	else if (arg.minor < 23)
		outsize = FUSE_COMPAT_22_INIT_OUT_SIZE;

	if (enable_uring) {
		int rc = fuse_uring_start(se);

		if (rc) {
			fuse_log(FUSE_LOG_INFO, "fuse: io_uring not used, staying on /dev/fuse: %s\n",
				 strerror(rc));
			outflags &= ~FUSE_OVER_IO_URING;
			enable_uring = false;
		}
	}
	if (inflags & FUSE_INIT_EXT) {
		outflags |= FUSE_INIT_EXT;
		out->flags2 = (uint32_t)(outflags >> 32);
	}
	out->flags = (uint32_t)outflags;

	if (se->ext.init) {
		int err = se->ext.init(se, se->ext.priv, &arg, len, out,
				       &outsize);

		if (err > 0) {
			init_fail(req, err, "extension rejected INIT");
			return;
		}
		if (outsize > sizeof(o))
			outsize = sizeof(o);
	}

	if (se->debug)
		fuse_log(FUSE_LOG_DEBUG, "   INIT: %u.%u flags=0x%08x flags2=0x%08x max_write=0x%08x max_pages=%u\n",
			 out->major, out->minor, out->flags, out->flags2,
			 out->max_write, out->max_pages);

	/* Before the reply: the next request may arrive at once. */
	atomic_store(&se->got_init, 1);
	fuse_ll_reply_ok(req, out, outsize);
	if (enable_uring)
		fuse_uring_wake(se);
}
