// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ll_decode.c - the request decoder and dispatcher.
 *
 * One transport-neutral entry, fuse_ll_dispatch(): every length is checked
 * against the opcode's structures before a field is read.  The op's fixed
 * struct is copied to an aligned local, the variable part (names, data)
 * is bounds-checked by the op's decoder.  Malformed arguments get EINVAL
 * (requests that take no reply are dropped with a log line); a framing
 * error ends the session.
 */
#include "fuse_i.h"
#include "ll_i.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#define OFFSET_MAX 0x7fffffffffffffffLL

/* Largest fixed struct of any opcode we decode (fuse_setattr_in, 88) */
#define FIXED_MAX 128

/* Op flags */
#define OPF_NOREPLY	(1 << 0)	/* the kernel expects no reply */
#define OPF_NOINTR	(1 << 1)	/* never interrupted: skip the table */
#define OPF_ROOTOK	(1 << 2)	/* allowed for others with allow_root */
#define OPF_EXT		(1 << 3)	/* no lowlevel op: offer to the ext hook */

typedef void (*ll_handler)(struct fuse_req *req, fuse_ino_t nodeid,
			   const void *arg, const char *var, size_t var_len);

struct ll_op {
	ll_handler fn;
	uint16_t fixed;		/* size of the op's first in-argument */
	uint16_t flags;
	const char *name;
};

/* Reject a malformed request: EINVAL, or a log line if it takes no reply */
static void bad_request(struct fuse_req *req, const char *why)
{
	if (req->se->debug)
		fuse_log(FUSE_LOG_DEBUG, "fuse: malformed request %" PRIu64
			 " (opcode %u): %s\n", req->unique, req->opcode, why);
	fuse_reply_err(req, EINVAL);
}

static void drop_request(struct fuse_req *req, const char *why)
{
	fuse_log(FUSE_LOG_ERR, "fuse: dropping malformed request %" PRIu64
		 " (opcode %u): %s\n", req->unique, req->opcode, why);
	fuse_req_finish(req);
}

/*
 * Take one NUL-terminated string from the front of (*var, *len).
 * Returns NULL if there is no terminator inside the buffer.
 */
static const char *take_str(const char **var, size_t *len)
{
	const char *s = *var;
	const char *nul;

	if (!*len)
		return NULL;
	nul = memchr(s, '\0', *len);
	if (!nul)
		return NULL;
	*len -= (size_t)(nul - s) + 1;
	*var = nul + 1;
	return s;
}

/* Exactly one name and nothing else */
static const char *one_name(struct fuse_req *req, const char *var,
			    size_t len)
{
	const char *name = take_str(&var, &len);

	if (!name || len) {
		bad_request(req, name ? "trailing bytes after name" :
			    "name not terminated");
		return NULL;
	}
	return name;
}

static bool no_var(struct fuse_req *req, size_t len)
{
	if (len) {
		bad_request(req, "unexpected trailing bytes");
		return false;
	}
	return true;
}

static bool off_ok(struct fuse_req *req, uint64_t off)
{
	if (off > (uint64_t)OFFSET_MAX) {
		bad_request(req, "offset out of range");
		return false;
	}
	return true;
}

#define OP(se) ((se)->op)

static void do_lookup(struct fuse_req *req, fuse_ino_t nodeid,
		      const void *arg, const char *var, size_t len)
{
	const char *name = one_name(req, var, len);

	(void)arg;
	if (!name)
		return;
	if (OP(req->se).lookup)
		OP(req->se).lookup(req, nodeid, name);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_forget(struct fuse_req *req, fuse_ino_t nodeid,
		      const void *arg, const char *var, size_t len)
{
	const struct fuse_forget_in *in = arg;

	(void)var;
	if (len) {
		drop_request(req, "trailing bytes");
		return;
	}
	if (OP(req->se).forget)
		OP(req->se).forget(req, nodeid, in->nlookup);
	else
		fuse_reply_none(req);
}

static void do_batch_forget(struct fuse_req *req, fuse_ino_t nodeid,
			    const void *arg, const char *var, size_t len)
{
	const struct fuse_batch_forget_in *in = arg;
	struct fuse_session *se = req->se;
	size_t i, count = in->count;

	(void)nodeid;
	if (count > len / sizeof(struct fuse_forget_one) ||
	    count * sizeof(struct fuse_forget_one) != len) {
		drop_request(req, "forget count disagrees with length");
		return;
	}
	if (OP(se).forget_multi) {
		/* The wire records are fuse_forget_data compatible; copy them
		 * to aligned memory the file system may keep using. */
		struct fuse_forget_data *fd = NULL;

		if (count) {
			fd = malloc(count * sizeof(*fd));
			if (!fd) {
				drop_request(req, "out of memory");
				return;
			}
			memcpy(fd, var, count * sizeof(*fd));
		}
		OP(se).forget_multi(req, count, fd);
		free(fd);
		return;
	}
	if (OP(se).forget) {
		for (i = 0; i < count; i++) {
			struct fuse_forget_one f;
			struct fuse_req *dummy;

			memcpy(&f, var + i * sizeof(f), sizeof(f));
			dummy = fuse_req_alloc(se, NULL);
			if (!dummy)
				break;
			dummy->unique = req->unique;
			dummy->opcode = FUSE_FORGET;
			dummy->ctx = req->ctx;
			OP(se).forget(dummy, f.nodeid, f.nlookup);
		}
	}
	fuse_reply_none(req);
}

static void do_getattr(struct fuse_req *req, fuse_ino_t nodeid,
		       const void *arg, const char *var, size_t len)
{
	const struct fuse_getattr_in *in = arg;
	struct fuse_file_info fi, *fip = NULL;

	(void)var;
	if (!no_var(req, len))
		return;
	if (in->getattr_flags & FUSE_GETATTR_FH) {
		memset(&fi, 0, sizeof(fi));
		fi.fh = in->fh;
		fip = &fi;
	}
	if (OP(req->se).getattr)
		OP(req->se).getattr(req, nodeid, fip);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_setattr(struct fuse_req *req, fuse_ino_t nodeid,
		       const void *arg, const char *var, size_t len)
{
	const struct fuse_setattr_in *in = arg;
	struct fuse_file_info fi, *fip = NULL;
	struct stat st;
	int valid;

	(void)var;
	if (!no_var(req, len))
		return;
	if (!OP(req->se).setattr) {
		fuse_reply_err(req, ENOSYS);
		return;
	}
	memset(&st, 0, sizeof(st));
	st.st_mode = in->mode;
	st.st_uid = in->uid;
	st.st_gid = in->gid;
	st.st_size = (off_t)in->size;
	st.st_atim.tv_sec = (time_t)in->atime;
	st.st_mtim.tv_sec = (time_t)in->mtime;
	st.st_ctim.tv_sec = (time_t)in->ctime;
	st.st_atim.tv_nsec = in->atimensec;
	st.st_mtim.tv_nsec = in->mtimensec;
	st.st_ctim.tv_nsec = in->ctimensec;
	if (in->valid & FATTR_FH) {
		memset(&fi, 0, sizeof(fi));
		fi.fh = in->fh;
		fip = &fi;
	}
	/* FATTR_* and FUSE_SET_ATTR_* share bit values; FATTR_KILL_SUIDGID
	 * arrives as FUSE_SET_ATTR_KILL_SUID (bit 11), as upstream does. */
	valid = (int)(in->valid & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID |
				   FUSE_SET_ATTR_GID | FUSE_SET_ATTR_SIZE |
				   FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME |
				   FUSE_SET_ATTR_KILL_SUID |
				   FUSE_SET_ATTR_KILL_SGID |
				   FUSE_SET_ATTR_ATIME_NOW |
				   FUSE_SET_ATTR_MTIME_NOW |
				   FUSE_SET_ATTR_CTIME));
	if ((valid & FUSE_SET_ATTR_SIZE) && !off_ok(req, in->size))
		return;
	OP(req->se).setattr(req, nodeid, &st, valid, fip);
}

static void do_readlink(struct fuse_req *req, fuse_ino_t nodeid,
			const void *arg, const char *var, size_t len)
{
	(void)arg; (void)var;
	if (!no_var(req, len))
		return;
	if (OP(req->se).readlink)
		OP(req->se).readlink(req, nodeid);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_mknod(struct fuse_req *req, fuse_ino_t nodeid,
		     const void *arg, const char *var, size_t len)
{
	const struct fuse_mknod_in *in = arg;
	const char *name = one_name(req, var, len);

	if (!name)
		return;
	req->ctx.umask = in->umask;
	if (OP(req->se).mknod)
		OP(req->se).mknod(req, nodeid, name, in->mode, in->rdev);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_mkdir(struct fuse_req *req, fuse_ino_t nodeid,
		     const void *arg, const char *var, size_t len)
{
	const struct fuse_mkdir_in *in = arg;
	const char *name = one_name(req, var, len);

	if (!name)
		return;
	req->ctx.umask = in->umask;
	if (OP(req->se).mkdir)
		OP(req->se).mkdir(req, nodeid, name, in->mode | S_IFDIR);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_unlink(struct fuse_req *req, fuse_ino_t nodeid,
		      const void *arg, const char *var, size_t len)
{
	const char *name = one_name(req, var, len);

	(void)arg;
	if (!name)
		return;
	if (OP(req->se).unlink)
		OP(req->se).unlink(req, nodeid, name);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_rmdir(struct fuse_req *req, fuse_ino_t nodeid,
		     const void *arg, const char *var, size_t len)
{
	const char *name = one_name(req, var, len);

	(void)arg;
	if (!name)
		return;
	if (OP(req->se).rmdir)
		OP(req->se).rmdir(req, nodeid, name);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_symlink(struct fuse_req *req, fuse_ino_t nodeid,
		       const void *arg, const char *var, size_t len)
{
	const char *name = take_str(&var, &len);
	const char *link = name ? take_str(&var, &len) : NULL;

	(void)arg;
	if (!name || !link || len) {
		bad_request(req, "bad symlink names");
		return;
	}
	if (OP(req->se).symlink)
		OP(req->se).symlink(req, link, nodeid, name);
	else
		fuse_reply_err(req, ENOSYS);
}

static void rename_common(struct fuse_req *req, fuse_ino_t nodeid,
			  uint64_t newdir, unsigned int flags,
			  const char *var, size_t len)
{
	const char *oldname = take_str(&var, &len);
	const char *newname = oldname ? take_str(&var, &len) : NULL;

	if (!oldname || !newname || len) {
		bad_request(req, "bad rename names");
		return;
	}
	if (OP(req->se).rename)
		OP(req->se).rename(req, nodeid, oldname, newdir, newname,
				   flags);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_rename(struct fuse_req *req, fuse_ino_t nodeid,
		      const void *arg, const char *var, size_t len)
{
	const struct fuse_rename_in *in = arg;

	rename_common(req, nodeid, in->newdir, 0, var, len);
}

static void do_rename2(struct fuse_req *req, fuse_ino_t nodeid,
		       const void *arg, const char *var, size_t len)
{
	const struct fuse_rename2_in *in = arg;

	rename_common(req, nodeid, in->newdir, in->flags, var, len);
}

static void do_link(struct fuse_req *req, fuse_ino_t nodeid,
		    const void *arg, const char *var, size_t len)
{
	const struct fuse_link_in *in = arg;
	const char *name = one_name(req, var, len);

	if (!name)
		return;
	if (OP(req->se).link)
		OP(req->se).link(req, in->oldnodeid, nodeid, name);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_open(struct fuse_req *req, fuse_ino_t nodeid,
		    const void *arg, const char *var, size_t len)
{
	const struct fuse_open_in *in = arg;
	struct fuse_file_info fi;

	(void)var;
	if (!no_var(req, len))
		return;
	memset(&fi, 0, sizeof(fi));
	fi.flags = (int32_t)in->flags;
	if (OP(req->se).open)
		OP(req->se).open(req, nodeid, &fi);
	else
		fuse_reply_open(req, &fi);
}

static void do_opendir(struct fuse_req *req, fuse_ino_t nodeid,
		       const void *arg, const char *var, size_t len)
{
	const struct fuse_open_in *in = arg;
	struct fuse_file_info fi;

	(void)var;
	if (!no_var(req, len))
		return;
	memset(&fi, 0, sizeof(fi));
	fi.flags = (int32_t)in->flags;
	if (OP(req->se).opendir)
		OP(req->se).opendir(req, nodeid, &fi);
	else
		fuse_reply_open(req, &fi);
}

static void read_fi(struct fuse_file_info *fi, const struct fuse_read_in *in)
{
	memset(fi, 0, sizeof(*fi));
	fi->fh = in->fh;
	if (in->read_flags & FUSE_READ_LOCKOWNER)
		fi->lock_owner = in->lock_owner;
	fi->flags = (int32_t)in->flags;
}

/* READ, READDIR and READDIRPLUS share fuse_read_in and the op's signature. */
typedef void (*read_like_fn)(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			     struct fuse_file_info *fi);

static void do_read_like(struct fuse_req *req, fuse_ino_t nodeid, const void *arg,
			 size_t len, read_like_fn fn)
{
	const struct fuse_read_in *in = arg;
	struct fuse_file_info fi;

	if (!no_var(req, len) || !off_ok(req, in->offset))
		return;
	if (!fn) {
		fuse_reply_err(req, ENOSYS);
		return;
	}
	read_fi(&fi, in);
	fn(req, nodeid, in->size, (off_t)in->offset, &fi);
}

static void do_read(struct fuse_req *req, fuse_ino_t nodeid,
		    const void *arg, const char *var, size_t len)
{
	(void)var;
	do_read_like(req, nodeid, arg, len, OP(req->se).read);
}

static void do_readdir(struct fuse_req *req, fuse_ino_t nodeid,
		       const void *arg, const char *var, size_t len)
{
	(void)var;
	do_read_like(req, nodeid, arg, len, OP(req->se).readdir);
}

static void do_readdirplus(struct fuse_req *req, fuse_ino_t nodeid,
			   const void *arg, const char *var, size_t len)
{
	(void)var;
	do_read_like(req, nodeid, arg, len, OP(req->se).readdirplus);
}

static void do_write(struct fuse_req *req, fuse_ino_t nodeid,
		     const void *arg, const char *var, size_t len)
{
	const struct fuse_write_in *in = arg;
	struct fuse_session *se = req->se;
	struct fuse_file_info fi;

	if (len != in->size) {
		bad_request(req, "write size disagrees with data length");
		return;
	}
	if (!off_ok(req, in->offset))
		return;
	memset(&fi, 0, sizeof(fi));
	fi.fh = in->fh;
	fi.writepage = (in->write_flags & FUSE_WRITE_CACHE) != 0;
	if (in->write_flags & FUSE_WRITE_LOCKOWNER)
		fi.lock_owner = in->lock_owner;
	fi.flags = (int32_t)in->flags;

	if (OP(se).write_buf) {
		struct fuse_bufvec bufv = FUSE_BUFVEC_INIT(len);

		bufv.buf[0].mem = (void *)var;
		OP(se).write_buf(req, nodeid, &bufv, (off_t)in->offset, &fi);
	} else if (OP(se).write) {
		OP(se).write(req, nodeid, var, len, (off_t)in->offset, &fi);
	} else {
		fuse_reply_err(req, ENOSYS);
	}
}

static void do_statfs(struct fuse_req *req, fuse_ino_t nodeid,
		      const void *arg, const char *var, size_t len)
{
	(void)arg; (void)var;
	if (!no_var(req, len))
		return;
	if (OP(req->se).statfs) {
		OP(req->se).statfs(req, nodeid);
	} else {
		struct statvfs buf;

		memset(&buf, 0, sizeof(buf));
		buf.f_namemax = 255;
		buf.f_bsize = 512;
		fuse_reply_statfs(req, &buf);
	}
}

static void release_fi(struct fuse_file_info *fi,
		       const struct fuse_release_in *in)
{
	memset(fi, 0, sizeof(*fi));
	fi->flags = (int32_t)in->flags;
	fi->fh = in->fh;
	fi->flush = (in->release_flags & FUSE_RELEASE_FLUSH) != 0;
	fi->flock_release = (in->release_flags & FUSE_RELEASE_FLOCK_UNLOCK) != 0;
	fi->lock_owner = in->lock_owner;
}

static void do_release(struct fuse_req *req, fuse_ino_t nodeid,
		       const void *arg, const char *var, size_t len)
{
	struct fuse_file_info fi;

	(void)var;
	if (!no_var(req, len))
		return;
	release_fi(&fi, arg);
	if (OP(req->se).release)
		OP(req->se).release(req, nodeid, &fi);
	else
		fuse_reply_err(req, 0);
}

static void do_releasedir(struct fuse_req *req, fuse_ino_t nodeid,
			  const void *arg, const char *var, size_t len)
{
	struct fuse_file_info fi;

	(void)var;
	if (!no_var(req, len))
		return;
	release_fi(&fi, arg);
	if (OP(req->se).releasedir)
		OP(req->se).releasedir(req, nodeid, &fi);
	else
		fuse_reply_err(req, 0);
}

/* FSYNC and FSYNCDIR share fuse_fsync_in and the op's signature. */
typedef void (*fsync_like_fn)(fuse_req_t req, fuse_ino_t ino, int datasync,
			      struct fuse_file_info *fi);

static void do_fsync_like(struct fuse_req *req, fuse_ino_t nodeid, const void *arg,
			  size_t len, fsync_like_fn fn)
{
	const struct fuse_fsync_in *in = arg;
	struct fuse_file_info fi;

	if (!no_var(req, len))
		return;
	if (!fn) {
		fuse_reply_err(req, ENOSYS);
		return;
	}
	memset(&fi, 0, sizeof(fi));
	fi.fh = in->fh;
	fn(req, nodeid, (in->fsync_flags & FUSE_FSYNC_FDATASYNC) != 0, &fi);
}

static void do_fsync(struct fuse_req *req, fuse_ino_t nodeid,
		     const void *arg, const char *var, size_t len)
{
	(void)var;
	do_fsync_like(req, nodeid, arg, len, OP(req->se).fsync);
}

static void do_fsyncdir(struct fuse_req *req, fuse_ino_t nodeid,
			const void *arg, const char *var, size_t len)
{
	(void)var;
	do_fsync_like(req, nodeid, arg, len, OP(req->se).fsyncdir);
}

static void do_setxattr(struct fuse_req *req, fuse_ino_t nodeid,
			const void *arg, const char *var, size_t len)
{
	const struct fuse_setxattr_in *in = arg;
	const char *name = take_str(&var, &len);

	if (!name || len != in->size) {
		bad_request(req, "bad setxattr name or value size");
		return;
	}
	if (OP(req->se).setxattr)
		OP(req->se).setxattr(req, nodeid, name, var, in->size,
				     (int)in->flags);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_getxattr(struct fuse_req *req, fuse_ino_t nodeid,
			const void *arg, const char *var, size_t len)
{
	const struct fuse_getxattr_in *in = arg;
	const char *name = one_name(req, var, len);

	if (!name)
		return;
	if (OP(req->se).getxattr)
		OP(req->se).getxattr(req, nodeid, name, in->size);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_listxattr(struct fuse_req *req, fuse_ino_t nodeid,
			 const void *arg, const char *var, size_t len)
{
	const struct fuse_getxattr_in *in = arg;

	(void)var;
	if (!no_var(req, len))
		return;
	if (OP(req->se).listxattr)
		OP(req->se).listxattr(req, nodeid, in->size);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_removexattr(struct fuse_req *req, fuse_ino_t nodeid,
			   const void *arg, const char *var, size_t len)
{
	const char *name = one_name(req, var, len);

	(void)arg;
	if (!name)
		return;
	if (OP(req->se).removexattr)
		OP(req->se).removexattr(req, nodeid, name);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_flush(struct fuse_req *req, fuse_ino_t nodeid,
		     const void *arg, const char *var, size_t len)
{
	const struct fuse_flush_in *in = arg;
	struct fuse_file_info fi;

	(void)var;
	if (!no_var(req, len))
		return;
	memset(&fi, 0, sizeof(fi));
	fi.fh = in->fh;
	fi.flush = 1;
	fi.lock_owner = in->lock_owner;
	if (OP(req->se).flush)
		OP(req->se).flush(req, nodeid, &fi);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_init(struct fuse_req *req, fuse_ino_t nodeid,
		    const void *arg, const char *var, size_t len)
{
	(void)nodeid; (void)arg;
	/* INIT is decoded whole: the op struct's size depends on the minor */
	fuse_ll_do_init(req, var, len);
}

static bool lock_from_wire(struct fuse_req *req, const struct fuse_file_lock *l,
			   struct flock *fl)
{
	memset(fl, 0, sizeof(*fl));
	if (l->start > (uint64_t)OFFSET_MAX ||
	    (l->end != (uint64_t)OFFSET_MAX && l->end < l->start) ||
	    l->end > (uint64_t)OFFSET_MAX) {
		bad_request(req, "bad lock range");
		return false;
	}
	fl->l_type = (short)l->type;
	fl->l_whence = SEEK_SET;
	fl->l_start = (off_t)l->start;
	if (l->end == (uint64_t)OFFSET_MAX)
		fl->l_len = 0;
	else
		fl->l_len = (off_t)(l->end - l->start + 1);
	fl->l_pid = (pid_t)l->pid;
	return true;
}

static void do_getlk(struct fuse_req *req, fuse_ino_t nodeid,
		     const void *arg, const char *var, size_t len)
{
	const struct fuse_lk_in *in = arg;
	struct fuse_file_info fi;
	struct flock fl;

	(void)var;
	if (!no_var(req, len) || !lock_from_wire(req, &in->lk, &fl))
		return;
	memset(&fi, 0, sizeof(fi));
	fi.fh = in->fh;
	fi.lock_owner = in->owner;
	if (OP(req->se).getlk)
		OP(req->se).getlk(req, nodeid, &fi, &fl);
	else
		fuse_reply_err(req, ENOSYS);
}

static void setlk_common(struct fuse_req *req, fuse_ino_t nodeid,
			 const void *arg, size_t len, int sleep)
{
	const struct fuse_lk_in *in = arg;
	struct fuse_file_info fi;
	struct flock fl;

	if (!no_var(req, len))
		return;
	memset(&fi, 0, sizeof(fi));
	fi.fh = in->fh;
	fi.lock_owner = in->owner;

	if (in->lk_flags & FUSE_LK_FLOCK) {
		int op;

		switch (in->lk.type) {
		case F_RDLCK:
			op = LOCK_SH;
			break;
		case F_WRLCK:
			op = LOCK_EX;
			break;
		case F_UNLCK:
			op = LOCK_UN;
			break;
		default:
			bad_request(req, "bad flock type");
			return;
		}
		if (!sleep)
			op |= LOCK_NB;
		if (OP(req->se).flock)
			OP(req->se).flock(req, nodeid, &fi, op);
		else
			fuse_reply_err(req, ENOSYS);
		return;
	}
	if (!lock_from_wire(req, &in->lk, &fl))
		return;
	if (OP(req->se).setlk)
		OP(req->se).setlk(req, nodeid, &fi, &fl, sleep);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_setlk(struct fuse_req *req, fuse_ino_t nodeid,
		     const void *arg, const char *var, size_t len)
{
	(void)var;
	setlk_common(req, nodeid, arg, len, 0);
}

static void do_setlkw(struct fuse_req *req, fuse_ino_t nodeid,
		      const void *arg, const char *var, size_t len)
{
	(void)var;
	setlk_common(req, nodeid, arg, len, 1);
}

static void do_access(struct fuse_req *req, fuse_ino_t nodeid,
		      const void *arg, const char *var, size_t len)
{
	const struct fuse_access_in *in = arg;

	(void)var;
	if (!no_var(req, len))
		return;
	if (OP(req->se).access)
		OP(req->se).access(req, nodeid, (int)in->mask);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_create(struct fuse_req *req, fuse_ino_t nodeid,
		      const void *arg, const char *var, size_t len)
{
	const struct fuse_create_in *in = arg;
	const char *name = one_name(req, var, len);
	struct fuse_file_info fi;

	if (!name)
		return;
	memset(&fi, 0, sizeof(fi));
	fi.flags = (int32_t)in->flags;
	req->ctx.umask = in->umask;
	if (OP(req->se).create)
		OP(req->se).create(req, nodeid, name, in->mode, &fi);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_tmpfile(struct fuse_req *req, fuse_ino_t nodeid,
		       const void *arg, const char *var, size_t len)
{
	const struct fuse_create_in *in = arg;
	struct fuse_file_info fi;

	(void)var;
	if (!no_var(req, len))
		return;
	memset(&fi, 0, sizeof(fi));
	fi.flags = (int32_t)in->flags;
	req->ctx.umask = in->umask;
	if (OP(req->se).tmpfile)
		OP(req->se).tmpfile(req, nodeid, in->mode, &fi);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_interrupt(struct fuse_req *req, fuse_ino_t nodeid,
			 const void *arg, const char *var, size_t len)
{
	const struct fuse_interrupt_in *in = arg;

	(void)nodeid; (void)var;
	if (len) {
		drop_request(req, "trailing bytes");
		return;
	}
	if (req->se->debug)
		fuse_log(FUSE_LOG_DEBUG, "INTERRUPT: %" PRIu64 "\n", in->unique);
	if (!req->se->conn.no_interrupt)
		fuse_req_interrupt_unique(req->se, in->unique);
	fuse_req_finish(req);
}

static void do_bmap(struct fuse_req *req, fuse_ino_t nodeid,
		    const void *arg, const char *var, size_t len)
{
	const struct fuse_bmap_in *in = arg;

	(void)var;
	if (!no_var(req, len))
		return;
	if (OP(req->se).bmap)
		OP(req->se).bmap(req, nodeid, in->blocksize, in->block);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_destroy(struct fuse_req *req, fuse_ino_t nodeid,
		       const void *arg, const char *var, size_t len)
{
	struct fuse_session *se = req->se;

	(void)nodeid; (void)arg; (void)var; (void)len;
	atomic_store(&se->got_destroy, 1);
	atomic_store(&se->got_init, 0);
	if (atomic_exchange(&se->init_called, 0) && OP(se).destroy)
		OP(se).destroy(se->userdata);
	fuse_reply_err(req, 0);
}

static void do_ioctl(struct fuse_req *req, fuse_ino_t nodeid,
		     const void *arg, const char *var, size_t len)
{
	const struct fuse_ioctl_in *in = arg;
	struct fuse_session *se = req->se;
	struct fuse_file_info fi;

	if (len != in->in_size) {
		bad_request(req, "ioctl in_size disagrees with data length");
		return;
	}
	if ((in->flags & FUSE_IOCTL_DIR) &&
	    !(se->conn.want_ext & FUSE_CAP_IOCTL_DIR)) {
		fuse_reply_err(req, ENOTTY);
		return;
	}
	if (!OP(se).ioctl) {
		fuse_reply_err(req, ENOSYS);
		return;
	}
	memset(&fi, 0, sizeof(fi));
	fi.fh = in->fh;
	OP(se).ioctl(req, nodeid, in->cmd, (void *)(uintptr_t)in->arg, &fi,
		     in->flags, len ? var : NULL, len, in->out_size);
}

static void do_poll(struct fuse_req *req, fuse_ino_t nodeid,
		    const void *arg, const char *var, size_t len)
{
	const struct fuse_poll_in *in = arg;
	struct fuse_pollhandle *ph = NULL;
	struct fuse_file_info fi;

	(void)var;
	if (!no_var(req, len))
		return;
	if (!OP(req->se).poll) {
		fuse_reply_err(req, ENOSYS);
		return;
	}
	memset(&fi, 0, sizeof(fi));
	fi.fh = in->fh;
	fi.poll_events = in->events;
	if (in->flags & FUSE_POLL_SCHEDULE_NOTIFY) {
		ph = malloc(sizeof(*ph));
		if (!ph) {
			fuse_reply_err(req, ENOMEM);
			return;
		}
		ph->kh = in->kh;
		ph->se = req->se;
	}
	OP(req->se).poll(req, nodeid, &fi, ph);
}

static void do_notify_reply(struct fuse_req *req, fuse_ino_t nodeid,
			    const void *arg, const char *var, size_t len)
{
	const struct fuse_notify_retrieve_in *in = arg;

	if (len != in->size) {
		drop_request(req, "retrieve size disagrees with data length");
		return;
	}
	fuse_ll_do_notify_reply(req, nodeid, in, var, len);
}

static void do_fallocate(struct fuse_req *req, fuse_ino_t nodeid,
			 const void *arg, const char *var, size_t len)
{
	const struct fuse_fallocate_in *in = arg;
	struct fuse_file_info fi;

	(void)var;
	if (!no_var(req, len) || !off_ok(req, in->offset) ||
	    !off_ok(req, in->length))
		return;
	memset(&fi, 0, sizeof(fi));
	fi.fh = in->fh;
	if (OP(req->se).fallocate)
		OP(req->se).fallocate(req, nodeid, (int)in->mode,
				      (off_t)in->offset, (off_t)in->length,
				      &fi);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_lseek(struct fuse_req *req, fuse_ino_t nodeid,
		     const void *arg, const char *var, size_t len)
{
	const struct fuse_lseek_in *in = arg;
	struct fuse_file_info fi;

	(void)var;
	if (!no_var(req, len) || !off_ok(req, in->offset))
		return;
	memset(&fi, 0, sizeof(fi));
	fi.fh = in->fh;
	if (OP(req->se).lseek)
		OP(req->se).lseek(req, nodeid, (off_t)in->offset,
				  (int)in->whence, &fi);
	else
		fuse_reply_err(req, ENOSYS);
}

static void cfr_common(struct fuse_req *req, fuse_ino_t nodeid,
		       const void *arg, size_t len)
{
	const struct fuse_copy_file_range_in *in = arg;
	struct fuse_file_info fi_in, fi_out;

	if (!no_var(req, len) || !off_ok(req, in->off_in) ||
	    !off_ok(req, in->off_out))
		return;
	memset(&fi_in, 0, sizeof(fi_in));
	memset(&fi_out, 0, sizeof(fi_out));
	fi_in.fh = in->fh_in;
	fi_out.fh = in->fh_out;
	if (OP(req->se).copy_file_range)
		OP(req->se).copy_file_range(req, nodeid, (off_t)in->off_in,
					    &fi_in, in->nodeid_out,
					    (off_t)in->off_out, &fi_out,
					    (size_t)in->len, (int)in->flags);
	else
		fuse_reply_err(req, ENOSYS);
}

static void do_copy_file_range(struct fuse_req *req, fuse_ino_t nodeid,
			       const void *arg, const char *var, size_t len)
{
	(void)var;
	cfr_common(req, nodeid, arg, len);
}

static void do_copy_file_range_64(struct fuse_req *req, fuse_ino_t nodeid,
				  const void *arg, const char *var, size_t len)
{
	(void)var;
	req->flags |= FUSE_REQ_F_CFR64;
	cfr_common(req, nodeid, arg, len);
}

static void do_statx(struct fuse_req *req, fuse_ino_t nodeid,
		     const void *arg, const char *var, size_t len)
{
	const struct fuse_statx_in *in = arg;
	struct fuse_file_info fi, *fip = NULL;

	(void)var;
	if (!no_var(req, len))
		return;
	if (in->getattr_flags & FUSE_GETATTR_FH) {
		memset(&fi, 0, sizeof(fi));
		fi.fh = in->fh;
		fip = &fi;
	}
	if (OP(req->se).statx)
		OP(req->se).statx(req, nodeid, (int)in->sx_flags,
				  (int)in->sx_mask, fip);
	else
		fuse_reply_err(req, ENOSYS);
}

/*
 * Opcodes the core knows but the 3.18 lowlevel API has no method for
 * (SYNCFS, SETUPMAPPING, REMOVEMAPPING).  fuse_ll_dispatch() checks the
 * fixed struct's length; these check the rest, then the extension hook
 * (e.g. the mapped-I/O layer's syncfs) gets the request; ENOSYS if it
 * declines or there is none.  Each returns false after replying EINVAL.
 */
static bool ext_only_valid(struct fuse_req *req, const void *arg,
			   size_t len)
{
	if (req->opcode == FUSE_REMOVEMAPPING) {
		const struct fuse_removemapping_in *in = arg;
		size_t one = sizeof(struct fuse_removemapping_one);

		if (in->count > len / one || in->count * one != len) {
			bad_request(req, "removemapping count disagrees with length");
			return false;
		}
		return true;
	}
	return no_var(req, len);
}

/* Fallback of the ll_ops table for those opcodes (not reached normally) */
static void do_ext_only(struct fuse_req *req, fuse_ino_t nodeid,
			const void *arg, const char *var, size_t len)
{
	(void)nodeid; (void)var;
	if (ext_only_valid(req, arg, len))
		fuse_reply_err(req, ENOSYS);
}

#define SZ(t) ((uint16_t)sizeof(struct t))

static const struct ll_op ll_ops[] = {
	[FUSE_LOOKUP]	   = { do_lookup,	0, 0, "LOOKUP" },
	[FUSE_FORGET]	   = { do_forget, SZ(fuse_forget_in),
			       OPF_NOREPLY | OPF_NOINTR, "FORGET" },
	[FUSE_GETATTR]	   = { do_getattr, SZ(fuse_getattr_in), 0, "GETATTR" },
	[FUSE_SETATTR]	   = { do_setattr, SZ(fuse_setattr_in), 0, "SETATTR" },
	[FUSE_READLINK]	   = { do_readlink,	0, 0, "READLINK" },
	[FUSE_SYMLINK]	   = { do_symlink,	0, 0, "SYMLINK" },
	[FUSE_MKNOD]	   = { do_mknod, SZ(fuse_mknod_in), 0, "MKNOD" },
	[FUSE_MKDIR]	   = { do_mkdir, SZ(fuse_mkdir_in), 0, "MKDIR" },
	[FUSE_UNLINK]	   = { do_unlink,	0, 0, "UNLINK" },
	[FUSE_RMDIR]	   = { do_rmdir,	0, 0, "RMDIR" },
	[FUSE_RENAME]	   = { do_rename, SZ(fuse_rename_in), 0, "RENAME" },
	[FUSE_LINK]	   = { do_link, SZ(fuse_link_in), 0, "LINK" },
	[FUSE_OPEN]	   = { do_open, SZ(fuse_open_in), 0, "OPEN" },
	[FUSE_READ]	   = { do_read, SZ(fuse_read_in), OPF_ROOTOK, "READ" },
	[FUSE_WRITE]	   = { do_write, SZ(fuse_write_in), OPF_ROOTOK, "WRITE" },
	[FUSE_STATFS]	   = { do_statfs,	0, 0, "STATFS" },
	[FUSE_RELEASE]	   = { do_release, SZ(fuse_release_in), OPF_ROOTOK,
			       "RELEASE" },
	[FUSE_FSYNC]	   = { do_fsync, SZ(fuse_fsync_in), OPF_ROOTOK, "FSYNC" },
	[FUSE_SETXATTR]	   = { do_setxattr, FUSE_COMPAT_SETXATTR_IN_SIZE, 0,
			       "SETXATTR" },
	[FUSE_GETXATTR]	   = { do_getxattr, SZ(fuse_getxattr_in), 0,
			       "GETXATTR" },
	[FUSE_LISTXATTR]   = { do_listxattr, SZ(fuse_getxattr_in), 0,
			       "LISTXATTR" },
	[FUSE_REMOVEXATTR] = { do_removexattr, 0, 0, "REMOVEXATTR" },
	[FUSE_FLUSH]	   = { do_flush, SZ(fuse_flush_in), 0, "FLUSH" },
	[FUSE_INIT]	   = { do_init, 0, OPF_NOINTR | OPF_ROOTOK, "INIT" },
	[FUSE_OPENDIR]	   = { do_opendir, SZ(fuse_open_in), 0, "OPENDIR" },
	[FUSE_READDIR]	   = { do_readdir, SZ(fuse_read_in), OPF_ROOTOK,
			       "READDIR" },
	[FUSE_RELEASEDIR]  = { do_releasedir, SZ(fuse_release_in), OPF_ROOTOK,
			       "RELEASEDIR" },
	[FUSE_FSYNCDIR]	   = { do_fsyncdir, SZ(fuse_fsync_in), OPF_ROOTOK,
			       "FSYNCDIR" },
	[FUSE_GETLK]	   = { do_getlk, SZ(fuse_lk_in), OPF_ROOTOK, "GETLK" },
	[FUSE_SETLK]	   = { do_setlk, SZ(fuse_lk_in), OPF_ROOTOK, "SETLK" },
	[FUSE_SETLKW]	   = { do_setlkw, SZ(fuse_lk_in), OPF_ROOTOK, "SETLKW" },
	[FUSE_ACCESS]	   = { do_access, SZ(fuse_access_in), 0, "ACCESS" },
	[FUSE_CREATE]	   = { do_create, SZ(fuse_create_in), 0, "CREATE" },
	[FUSE_INTERRUPT]   = { do_interrupt, SZ(fuse_interrupt_in),
			       OPF_NOREPLY | OPF_NOINTR | OPF_ROOTOK,
			       "INTERRUPT" },
	[FUSE_BMAP]	   = { do_bmap, SZ(fuse_bmap_in), 0, "BMAP" },
	[FUSE_DESTROY]	   = { do_destroy, 0, OPF_NOINTR | OPF_ROOTOK,
			       "DESTROY" },
	[FUSE_IOCTL]	   = { do_ioctl, SZ(fuse_ioctl_in), 0, "IOCTL" },
	[FUSE_POLL]	   = { do_poll, SZ(fuse_poll_in), OPF_ROOTOK, "POLL" },
	[FUSE_NOTIFY_REPLY] = { do_notify_reply, SZ(fuse_notify_retrieve_in),
				OPF_NOREPLY | OPF_NOINTR | OPF_ROOTOK,
				"NOTIFY_REPLY" },
	[FUSE_BATCH_FORGET] = { do_batch_forget, SZ(fuse_batch_forget_in),
				OPF_NOREPLY | OPF_NOINTR, "BATCH_FORGET" },
	[FUSE_FALLOCATE]   = { do_fallocate, SZ(fuse_fallocate_in), 0,
			       "FALLOCATE" },
	[FUSE_READDIRPLUS] = { do_readdirplus, SZ(fuse_read_in), OPF_ROOTOK,
			       "READDIRPLUS" },
	[FUSE_RENAME2]	   = { do_rename2, SZ(fuse_rename2_in), 0, "RENAME2" },
	[FUSE_LSEEK]	   = { do_lseek, SZ(fuse_lseek_in), 0, "LSEEK" },
	[FUSE_COPY_FILE_RANGE] = { do_copy_file_range,
				   SZ(fuse_copy_file_range_in), 0,
				   "COPY_FILE_RANGE" },
	[FUSE_SETUPMAPPING] = { do_ext_only, SZ(fuse_setupmapping_in), OPF_EXT,
				"SETUPMAPPING" },
	[FUSE_REMOVEMAPPING] = { do_ext_only, SZ(fuse_removemapping_in),
				 OPF_EXT, "REMOVEMAPPING" },
	[FUSE_SYNCFS]	   = { do_ext_only, SZ(fuse_syncfs_in), OPF_EXT,
			       "SYNCFS" },
	[FUSE_TMPFILE]	   = { do_tmpfile, SZ(fuse_create_in), 0, "TMPFILE" },
	[FUSE_STATX]	   = { do_statx, SZ(fuse_statx_in), 0, "STATX" },
	[FUSE_COPY_FILE_RANGE_64] = { do_copy_file_range_64,
				      SZ(fuse_copy_file_range_in), 0,
				      "COPY_FILE_RANGE_64" },
};

#define LL_NOPS (sizeof(ll_ops) / sizeof(ll_ops[0]))

const char *fuse_ll_opname(uint32_t opcode);
const char *fuse_ll_opname(uint32_t opcode)
{
	if (opcode < LL_NOPS && ll_ops[opcode].name)
		return ll_ops[opcode].name;
	return "???";
}

static int framing_error(struct fuse_req *req, const char *why)
{
	struct fuse_session *se = req->se;

	fuse_log(FUSE_LOG_ERR, "fuse: framing error, ending session: %s\n",
		 why);
	se->error = -EPROTO;
	fuse_req_finish(req);
	fuse_session_exit(se);
	return -EPROTO;
}

int fuse_ll_dispatch(struct fuse_req *req, const struct fuse_in_header *inp,
		     const void *fixed, size_t fixed_len,
		     const void *payload, size_t payload_len)
{
	struct fuse_session *se = req->se;
	union {
		uint64_t align;
		char b[FIXED_MAX];
	} fx;
	struct fuse_in_header in;
	const struct ll_op *op = NULL;
	const char *var;
	size_t need, var_len, extlen;

	if (!inp)
		return framing_error(req, "no request header");
	memcpy(&in, inp, sizeof(in));
	if (!fixed && fixed_len)
		return framing_error(req, "missing request body");
	if (!payload && in.len != sizeof(in) + fixed_len)
		return framing_error(req, "header length disagrees with "
				     "the bytes received");
	req->unique = in.unique;
	req->opcode = in.opcode;
	req->ctx.uid = in.uid;
	req->ctx.gid = in.gid;
	req->ctx.pid = (pid_t)in.pid;
	req->payload = payload;
	req->payload_len = payload_len;

	if (in.opcode < LL_NOPS && ll_ops[in.opcode].fn)
		op = &ll_ops[in.opcode];

	if (se->debug)
		fuse_log(FUSE_LOG_DEBUG,
			 "unique: %" PRIu64 ", opcode: %s (%u), nodeid: %"
			 PRIu64 ", insize: %u, pid: %u\n", in.unique,
			 op ? op->name : "???", in.opcode, in.nodeid, in.len,
			 in.pid);

	/* Ordering rules of the protocol */
	if (!atomic_load(&se->got_init)) {
		if (in.opcode != FUSE_INIT) {
			if (op && (op->flags & OPF_NOREPLY))
				fuse_req_finish(req);
			else
				fuse_reply_err(req, EIO);
			return 0;
		}
	} else if (in.opcode == FUSE_INIT) {
		fuse_reply_err(req, EIO);
		return 0;
	}

	if (se->allow_root && in.uid != se->owner && in.uid != 0 &&
	    !(op && (op->flags & OPF_ROOTOK))) {
		if (op && (op->flags & OPF_NOREPLY))
			fuse_req_finish(req);
		else
			fuse_reply_err(req, EACCES);
		return 0;
	}

	if (!op) {
		if (se->ext.dispatch &&
		    se->ext.dispatch(req, se->ext.priv, &in, fixed, fixed_len,
				     payload, payload_len) != -ENOSYS)
			return 0;
		fuse_reply_err(req, ENOSYS);
		return 0;
	}

	/* Split the op's fixed struct from the variable part. */
	need = op->fixed;
	if (in.opcode == FUSE_SETXATTR && se->setxattr_ext)
		need = sizeof(struct fuse_setxattr_in);
	if (!payload) {
		if (fixed_len < need) {
			if (op->flags & OPF_NOREPLY)
				drop_request(req, "request too short");
			else
				bad_request(req, "request too short");
			return 0;
		}
		var = (const char *)fixed + need;
		var_len = fixed_len - need;
	} else {
		if (fixed_len < need) {
			if (op->flags & OPF_NOREPLY)
				drop_request(req, "op header too short");
			else
				bad_request(req, "op header too short");
			return 0;
		}
		var = payload;
		var_len = payload_len;
	}
	if (need)
		memcpy(fx.b, fixed, need);

	/* Request extensions (security context, groups) trail the args. */
	extlen = (size_t)in.total_extlen * 8;
	if (extlen) {
		if (extlen > var_len) {
			if (op->flags & OPF_NOREPLY)
				drop_request(req, "extension past the end");
			else
				bad_request(req, "extension past the end");
			return 0;
		}
		var_len -= extlen;
	}
	if (!var_len)
		var = NULL;

	if (!(op->flags & OPF_NOINTR))
		fuse_req_track(req);

	if ((op->flags & OPF_EXT) && se->ext.dispatch) {
		if (!ext_only_valid(req, fx.b, var_len))
			return 0;
		/* The hook gets exactly what the transport handed in. */
		if (se->ext.dispatch(req, se->ext.priv, &in, fixed, fixed_len,
				     payload, payload_len) != -ENOSYS)
			return 0;
		fuse_reply_err(req, ENOSYS);
		return 0;
	}

	op->fn(req, in.nodeid, fx.b, var ? var : "", var_len);
	return 0;
}

int fuse_ll_process_raw(struct fuse_session *se, struct fuse_chan *ch,
			const void *buf, size_t len)
{
	struct fuse_in_header in;
	struct fuse_req *req;

	if (len < sizeof(in)) {
		fuse_log(FUSE_LOG_ERR, "fuse: framing error, ending session: "
			 "short read of %zu bytes\n", len);
		se->error = -EPROTO;
		fuse_session_exit(se);
		return -EPROTO;
	}
	memcpy(&in, buf, sizeof(in));
	req = fuse_req_alloc(se, ch);
	if (!req) {
		/* Tell the kernel, so the caller does not hang. */
		struct fuse_out_header out = {
			.len = sizeof(out), .error = -ENOMEM,
			.unique = in.unique,
		};
		struct iovec iov = { &out, sizeof(out) };

		if (in.opcode != FUSE_FORGET &&
		    in.opcode != FUSE_BATCH_FORGET &&
		    in.opcode != FUSE_INTERRUPT &&
		    in.opcode != FUSE_NOTIFY_REPLY)
			ch->ops->send(ch, NULL, &iov, 1);
		return 0;
	}
	return fuse_ll_dispatch(req, &in, (const char *)buf + sizeof(in),
				len - sizeof(in), NULL, 0);
}
