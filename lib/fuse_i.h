/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuse_i.h - private interface of the core (session, decoder, dispatch,
 * replies, notifications) to the rest of the library.  Never installed.
 *
 * Sections:
 *   1. the session and request objects (core-owned, read by the others)
 *   2. TRANSPORT INTERFACE: what a transport (/dev/fuse, custom I/O,
 *      io_uring, the kernel model's socket) provides and calls.  Stable.
 *   3. extension hooks (mapped-I/O layer, dialects)
 *   4. signal and loop helpers
 *   5. io_uring and multi-threaded loop entry points (lib/uring.c,
 *      lib/loop_mt.c)
 */
#ifndef FUSE_I_H_
#define FUSE_I_H_

#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION FUSE_MAKE_VERSION(3, 18)
#endif

#include "fuse_config.h"
#include "fuse_lowlevel.h"
#include "fuse_kernel.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

struct fuse_chan;
struct fuse_req;
struct mount_opts;

/**
 * Bind an implementation to a versioned public name, e.g.
 * FUSE_SYMVER("fuse_foo_30", "fuse_foo@FUSE_3.0").  The version node must
 * exist in lib/fuse_versionscript.
 */
#define FUSE_SYMVER(impl, sym) __asm__(".symver " impl "," sym)

/* ------------------------------------------------------------------ */
/* 1. Session and request                                              */
/* ------------------------------------------------------------------ */

/** Bytes reserved in a request buffer for the header and fixed args */
#define FUSE_BUFFER_HEADER_SIZE	0x1000

/** Default and largest number of pages per request we offer */
#define FUSE_DEFAULT_MAX_PAGES	256

/** Pages per request of kernels without FUSE_MAX_PAGES */
#define FUSE_COMPAT_MAX_PAGES	32

/** Oldest kernel protocol minor we negotiate with */
#define FUSE_MIN_KERNEL_MINOR	12

/** Number of interrupt-table buckets (power of two) */
#define FUSE_REQ_BUCKETS	64

/** Largest extra bytes an INIT hook may append to fuse_init_out */
#define FUSE_INIT_OUT_EXTRA_MAX	64

/** Extension hooks, see section 3 */
struct fuse_ll_ext {
	/**
	 * Called after the file system's init() and before the INIT reply is
	 * sent.  @a in is the kernel's fuse_init_in (zero-filled beyond what
	 * the kernel sent, @a in_len says how much it sent).  The hook may
	 * change flags, flags2, minor and any other field of @a out, and may
	 * grow *out_len up to sizeof(*out) + FUSE_INIT_OUT_EXTRA_MAX (the
	 * buffer behind @a out is that large and zero-filled).
	 * Return 0, or a positive errno to fail INIT with that error.
	 */
	int (*init)(struct fuse_session *se, void *priv,
		    const struct fuse_init_in *in, size_t in_len,
		    struct fuse_init_out *out, size_t *out_len);

	/**
	 * Called for an opcode the core does not know.  Arguments are exactly
	 * what the transport handed to fuse_ll_dispatch() (see section 2).
	 * Return 0 if the hook took the request (it must then reply to it),
	 * or -ENOSYS to let the core reply ENOSYS.
	 */
	int (*dispatch)(struct fuse_req *req, void *priv,
			const struct fuse_in_header *in,
			const void *fixed, size_t fixed_len,
			const void *payload, size_t payload_len);

	/** Called from fuse_session_destroy() (may be NULL) */
	void (*destroy)(struct fuse_session *se, void *priv);

	/**
	 * Called by fuse_session_mount() once the device fd is known and
	 * before the first request is read (may be NULL).  @a mounted is
	 * false only while mount(2) has not happened yet, the one moment
	 * pre-mount ioctls (FUSE_DEV_IOC_ADD_IOMAP) are meaningful.
	 */
	void (*premount)(struct fuse_session *se, void *priv, bool mounted);

	/**
	 * fuse_attr.flags for an inode in entry, attr and readdirplus
	 * replies the server makes with the plain (flag-less) reply
	 * functions (may be NULL).  @a mode is the inode's st_mode.
	 */
	uint32_t (*attr_flags)(struct fuse_session *se, void *priv,
			       uint64_t ino, uint32_t mode);

	void *priv;
};

/** Per-bucket list of requests that can be interrupted */
struct fuse_req_bucket {
	pthread_mutex_t lock;
	struct fuse_req *head;
};

/** A pending NOTIFY_RETRIEVE, matched by unique on NOTIFY_REPLY */
struct fuse_retrieve_req {
	uint64_t unique;
	fuse_ino_t ino;
	void *cookie;
	struct fuse_retrieve_req *next;
};

/**
 * A transport channel: where requests come from and replies go to.
 *
 * The default channel of a session (se->ch) talks to se->fd with
 * read/writev (or the custom I/O functions).  Other transports embed or
 * allocate their own and set ops.
 */
struct fuse_chan {
	/** Transport functions (never NULL) */
	const struct fuse_chan_ops *ops;
	/** Owning session */
	struct fuse_session *se;
	/** File descriptor this channel reads and writes (-1 if none) */
	int fd;
	/** Transport private data */
	void *priv;
};

/** The session (one connection) */
struct fuse_session {
	/* Set at creation, read-only afterwards */
	struct fuse_lowlevel_ops op;
	void *userdata;
	struct libfuse_version version;
	struct mount_opts *mo;
	int debug;
	int allow_root;
	uid_t owner;
	size_t bufsize;			/**< request buffer size */

	/* io_uring request (-o io_uring, -o io_uring_q_depth=N) */
	struct {
		bool enable;		/**< requested by the user */
		bool active;		/**< rings are running */
		unsigned int q_depth;
		void *priv;		/**< lib/uring.c state */
	} uring;

	/* Connection */
	int fd;				/**< /dev/fuse or custom I/O fd, -1 */
	char *mountpoint;
	struct fuse_chan ch;		/**< default channel (fd + I/O) */
	struct fuse_custom_io *io;	/**< custom I/O, NULL for /dev/fuse */
	struct fuse_conn_info conn;
	atomic_int got_init;
	atomic_int got_destroy;
	atomic_int init_called;		/**< op.init ran, destroy is owed */
	bool setxattr_ext;		/**< FUSE_SETXATTR_EXT negotiated */

	/* Exit */
	atomic_int exited;
	atomic_int exit_signal;		/**< signal that ended the session */
	int exit_efd;			/**< eventfd, readable once exited */
	int error;			/**< -errno that ended the session */

	/* Interrupts */
	struct fuse_req_bucket buckets[FUSE_REQ_BUCKETS];
	pthread_mutex_t intr_lock;
	struct fuse_req *pending_intr;	/**< INTERRUPTs before their request */
	atomic_int npending_intr;

	/* Notifications awaiting NOTIFY_REPLY */
	pthread_mutex_t notify_lock;
	struct fuse_retrieve_req *retrieves;
	uint64_t notify_ctr;

	/* Extension hooks */
	struct fuse_ll_ext ext;
};

/** State bits of a request */
enum {
	FUSE_REQ_F_URING	= 1 << 0,	/**< came over io_uring */
	FUSE_REQ_F_CFR64	= 1 << 1,	/**< COPY_FILE_RANGE_64 reply */
	FUSE_REQ_F_LISTED	= 1 << 2,	/**< in an interrupt bucket */
	FUSE_REQ_F_INTR_ENTRY	= 1 << 3,	/**< a queued INTERRUPT record */
	FUSE_REQ_F_CACHED	= 1 << 4,	/**< from the core's request cache */
};

/** A request from the kernel (or a queued interrupt record) */
struct fuse_req {
	struct fuse_session *se;
	struct fuse_chan *ch;
	uint64_t unique;
	uint32_t opcode;
	uint32_t flags;			/**< FUSE_REQ_F_* */
	struct fuse_ctx ctx;

	/* Interrupt state (protected by the bucket lock) */
	fuse_interrupt_func_t ifunc;
	void *idata;
	int interrupted;
	struct fuse_req *bnext;		/**< bucket / free-list link */

	/* Payload of this request as the transport delivered it */
	const void *payload;
	size_t payload_len;

	/** Transport private data (e.g. the io_uring ring entry) */
	void *tpriv;
};

/* ------------------------------------------------------------------ */
/* 2. TRANSPORT INTERFACE (stable)                                     */
/*                                                                      */
/* A transport:                                                         */
/*   a. owns a struct fuse_chan with its fuse_chan_ops;                 */
/*   b. gets a request object with fuse_req_alloc() (core cache) or     */
/*      embeds one and prepares it with fuse_req_init();                */
/*   c. hands each request to fuse_ll_dispatch() as (header, fixed,     */
/*      fixed_len, payload, payload_len):                               */
/*        /dev/fuse, custom I/O: fixed = bytes after the header,        */
/*          fixed_len = header.len - sizeof(header), payload = NULL;    */
/*          the decoder splits the op struct from names and data.       */
/*        io_uring: fixed = op_in area (fixed_len = its valid bytes or  */
/*          FUSE_URING_OP_IN_OUT_SZ), payload = payload buffer,          */
/*          payload_len = ring_ent_in_out.payload_sz; the first in-arg  */
/*          is in fixed, all further in-args in payload.                */
/*   d. receives every reply through ops->send (iov[0] is a filled      */
/*      fuse_out_header, len set), and every device ioctl through       */
/*      ops->ioctl;                                                     */
/*   e. gets the request back through ops->req_done once it is finished */
/*      (replied or fuse_reply_none), if it set req_done.               */
/* ------------------------------------------------------------------ */

/** Functions of a transport */
struct fuse_chan_ops {
	/**
	 * Send one message.  iov[0] is the fuse_out_header (len already
	 * the sum of all iov lengths).  @a req is the request being answered,
	 * or NULL for a notification.  Return 0 or -errno.
	 */
	int (*send)(struct fuse_chan *ch, struct fuse_req *req,
		    struct iovec *iov, int count);

	/**
	 * Device ioctl (FUSE_DEV_IOC_*).  Return the ioctl's non-negative
	 * result, or -errno.  NULL: ioctl(2) on ch->fd.
	 */
	int (*ioctl)(struct fuse_chan *ch, unsigned long cmd, void *arg);

	/**
	 * A request of this channel is finished; the transport may reuse it.
	 * NULL: the request came from fuse_req_alloc() and goes back there.
	 */
	void (*req_done)(struct fuse_chan *ch, struct fuse_req *req);

	/**
	 * fuse_req_get_payload() for this transport's io_uring requests
	 * (NULL: -ENOTSUP; requests without FUSE_REQ_F_URING never get
	 * here, the core answers -EINVAL for them).
	 */
	int (*get_payload)(struct fuse_chan *ch, struct fuse_req *req,
			   char **payload, size_t *payload_sz, void **mr);
};

/** Functions of the default channel: read/writev/ioctl on ch->fd */
extern const struct fuse_chan_ops fuse_dev_chan_ops;

/**
 * Prepare a channel for /dev/fuse I/O on @a fd (e.g. a cloned fd).
 * Uses the session's custom I/O functions when it has them.
 */
void fuse_chan_init_dev(struct fuse_chan *ch, struct fuse_session *se, int fd);

/**
 * Get a request object from the core's per-thread cache (allocation-free
 * in steady state).  @return the request, or NULL when out of memory.
 */
struct fuse_req *fuse_req_alloc(struct fuse_session *se, struct fuse_chan *ch);

/**
 * Prepare a transport-owned request (e.g. embedded in a ring entry) for
 * dispatch.  The transport must set ops->req_done to get it back.
 */
void fuse_req_init(struct fuse_req *req, struct fuse_session *se,
		   struct fuse_chan *ch);

/**
 * Decode, validate and dispatch one request (see the rules above).
 *
 * On a framing error (short header, header length disagreeing with
 * @a fixed_len for payload-less transports) the session is ended with a
 * logged reason and -EPROTO is returned; malformed arguments get an
 * EINVAL reply and 0 is returned.  @a req is consumed in every case.
 */
int fuse_ll_dispatch(struct fuse_req *req, const struct fuse_in_header *in,
		     const void *fixed, size_t fixed_len,
		     const void *payload, size_t payload_len);

/**
 * Process one raw /dev/fuse message of @a len bytes read from @a ch
 * (allocates the request from the cache and calls fuse_ll_dispatch()).
 *
 * @return 0, or -EPROTO on a framing error (session ended)
 */
int fuse_ll_process_raw(struct fuse_session *se, struct fuse_chan *ch,
			const void *buf, size_t len);

/**
 * Read one message from a /dev/fuse-style channel into @a buf (allocated
 * with se->bufsize if buf->mem is NULL).  Waits in poll(2) on the fd and
 * the session's exit eventfd, so fuse_session_exit() wakes it.
 *
 * @return bytes read; 0 when the session exited or the fs was unmounted;
 *         -EINTR / -EAGAIN to retry; other -errno on failure
 */
int fuse_chan_receive(struct fuse_session *se, struct fuse_chan *ch,
		      struct fuse_buf *buf);

/**
 * Make the calling thread wait for @a fd (a /dev/fuse fd shared with other
 * reader threads) through an exclusive epoll waiter, so one request wakes
 * one thread. @a fd < 0 drops the waiter (call it before the thread ends).
 * @return 0, or -errno when the kernel lacks EPOLLEXCLUSIVE (the caller then
 *         has to serialise its readers)
 */
int fuse_chan_exclusive_waiter(struct fuse_session *se, int fd);

/**
 * Send a reply for @a req through its channel and finish the request.
 * iov[0] is filled here; iov[1..count-1] carry the reply arguments.
 *
 * @param error 0 or a negative errno
 * @return 0 or -errno
 */
int fuse_ll_reply_iov(struct fuse_req *req, int error, struct iovec *iov,
		      int count);

/**
 * Send a notification through the session's default channel.
 * iov[0] is filled here.  @return 0, -ENOTCONN before INIT, or -errno
 */
int fuse_ll_notify_iov(struct fuse_session *se, int code, struct iovec *iov,
		       int count);

/**
 * Device ioctl through the session's default channel's transport hook.
 * @return the ioctl's non-negative result, or -errno
 */
int fuse_session_dev_ioctl(struct fuse_session *se, unsigned long cmd,
			   void *arg);

/**
 * Replace the functions of the session's default channel (e.g. the kernel
 * model's socket transport that passes fds with SCM_RIGHTS).
 */
void fuse_session_set_chan_ops(struct fuse_session *se,
			       const struct fuse_chan_ops *ops, void *priv);

/**
 * Finish a request without a reply (returns it to its transport/cache and
 * drops it from the interrupt table).
 */
void fuse_req_finish(struct fuse_req *req);

/* ------------------------------------------------------------------ */
/* 3. Extension hooks                                                  */
/* ------------------------------------------------------------------ */

/** Install the extension hooks (before the session is mounted). */
void fuse_session_set_ext(struct fuse_session *se,
			  const struct fuse_ll_ext *ext);

/** fuse_attr.flags the extension hook gives inode @a ino (0 without a hook) */
static inline uint32_t fuse_ll_ext_attr_flags(struct fuse_session *se,
					      uint64_t ino, uint32_t mode)
{
	return se->ext.attr_flags ?
		se->ext.attr_flags(se, se->ext.priv, ino, mode) : 0;
}

/** fuse_reply_entry() with fuse_attr.flags = @a attr_flags */
int fuse_reply_entry_flags(fuse_req_t req, const struct fuse_entry_param *e,
			   uint32_t attr_flags);

/** fuse_reply_create() with fuse_attr.flags = @a attr_flags */
int fuse_reply_create_flags(fuse_req_t req, const struct fuse_entry_param *e,
			    const struct fuse_file_info *fi,
			    uint32_t attr_flags);

/** fuse_reply_attr() with fuse_attr.flags = @a attr_flags */
int fuse_reply_attr_flags(fuse_req_t req, const struct stat *attr,
			  double attr_timeout, uint32_t attr_flags);

/** fuse_add_direntry_plus() with fuse_attr.flags = @a attr_flags */
size_t fuse_add_direntry_plus_flags(fuse_req_t req, char *buf,
				    size_t bufsize, const char *name,
				    const struct fuse_entry_param *e,
				    off_t off, uint32_t attr_flags);

/* Per-thread scratch buffers (lib/scratch.c) */

/** Scratch slots: one per user that may hold a buffer across another's use. */
enum {
	FUSE_SCRATCH_REPLY = 0,		/**< fuse_reply_data() gathering */
	FUSE_SCRATCH_IOMAP = 1,		/**< the iomap classic engine */
	FUSE_SCRATCH_SLOTS
};

/**
 * This thread's page-aligned buffer of at least @a size bytes for @a slot,
 * kept for reuse (contents not preserved when it grows); NULL when out of
 * memory. Freed when the thread exits.
 */
void *fuse_scratch(unsigned int slot, size_t size);

/* ------------------------------------------------------------------ */
/* 4. Signals and loops                                                */
/* ------------------------------------------------------------------ */

/**
 * End the session because signal @a sig arrived; loops then return
 * @a sig.  Async-signal-safe (called from lib/signals.c's handler).
 */
void fuse_session_exit_signal(struct fuse_session *se, int sig);

/**
 * What a loop returns when it stops: the signal that ended the session,
 * else se->error (-errno), else 0.
 */
int fuse_session_loop_result(struct fuse_session *se);

/* ------------------------------------------------------------------ */
/* 5. io_uring transport and multi-threaded loop (lib/uring.c,         */
/*    lib/loop_mt.c)                                                    */
/* ------------------------------------------------------------------ */

/**
 * Start the io_uring queues (called by the core while answering INIT,
 * before the reply is sent, when -o io_uring was given and the kernel
 * offered FUSE_OVER_IO_URING).  @return 0 or a positive errno (the core
 * then falls back to /dev/fuse and logs why).
 */
int fuse_uring_start(struct fuse_session *se);

/** Stop the io_uring queues (from fuse_session_destroy(); idempotent). */
void fuse_uring_stop(struct fuse_session *se);

/**
 * Wake ring threads after the INIT reply was sent (may be a no-op).
 */
void fuse_uring_wake(struct fuse_session *se);

#endif /* FUSE_I_H_ */
