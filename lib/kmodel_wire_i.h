/*
 * The kernel model's socket protocol for device ioctls.
 *
 * When a server runs against the kernel model (test/kmodel), its session fd
 * is one end of a SOCK_SEQPACKET socketpair instead of /dev/fuse. FUSE
 * requests, replies and notifications travel over it unchanged, one message
 * each. Device ioctls cannot: they become control messages, told apart from
 * FUSE replies by their first 32 bits (KMW_MAGIC, which can never be the
 * length of a FUSE message: a fuse_out_header.len is at most a few MiB).
 *
 * Every control message carries, by SCM_RIGHTS, a fresh reply socket (first
 * fd) and optionally the device fd (second fd). The model answers on the
 * reply socket only, so a library thread reading the session fd can never
 * swallow an ioctl answer meant for another thread.
 *
 * Private header: shared by lib/transport_kmodel.c and test/kmodel.
 */
#ifndef FUSE_KMODEL_WIRE_I_H
#define FUSE_KMODEL_WIRE_I_H

#include <stdint.h>

#define KMW_MAGIC	0xfffe4b4dU	/* "KM" with the top bits set */
#define KMW_MAX_FDS	2

/** Control operations: one per device ioctl the model understands. */
enum kmw_op {
	KMW_BACKING_OPEN = 1,	/**< arg: fuse_backing_map (fd field ignored); fd 2 = device */
	KMW_BACKING_CLOSE,	/**< arg: uint32_t backing id */
	KMW_IOMAP_SUPPORT,	/**< reply arg: fuse_iomap_support */
	KMW_ADD_IOMAP,		/**< no arg */
	KMW_SET_NOFS,		/**< arg: uint32_t 0/1 */
	KMW_IOMAP_SET_BLOCKSIZE, /**< arg: fuse_iomap_backing_info */
	KMW_DAXDEV_OPEN,	/**< arg: fuse_backing_map, index at byte 8 (u64); fd 2 = devdax */
	KMW_SYNC_INIT,		/**< no arg */
	KMW_MOUNT,		/**< no arg: the server is about to serve (send INIT now) */
	/*
	 * BPF mapping programs (spec 7.1, 7.2). No kernel here has the
	 * struct_ops types, so on a model session the library's BPF runtime
	 * (lib/bpf/bpf_runtime.c) registers its program with the model, which
	 * plays the kernel's BTF and struct_ops registration, and writes the
	 * per-file map records to the model instead of a kernel map. The model
	 * runs the real resolver bytecode on those records (BPF_PROG_TEST_RUN).
	 */
	KMW_BPF_PROBE,		/**< arg: u32 FUSE_BPF_FLAVOUR_* bit; result 1 if the
				     modelled kernel's BTF has that struct_ops type, else 0 */
	KMW_BPF_REGISTER,	/**< payload: struct kmw_bpf_reg (load + attach) */
	KMW_BPF_MAP_UPDATE,	/**< arg: u32 slot; payload: one map value
				     (struct fuse_bpf_file, kmw_bpf_reg.value_size bytes) */
};

/** Or'ed into kmw_req.op: the model sends no reply (and needs no reply socket). */
#define KMW_NOREPLY	0x80000000U

/** Largest payload after a struct kmw_req. */
#define KMW_PAYLOAD_MAX	4096

/** KMW_BPF_REGISTER payload, 32 bytes. */
struct kmw_bpf_reg {
	uint32_t	flavour;	/**< one FUSE_BPF_FLAVOUR_* bit */
	uint32_t	nslots;		/**< max_entries of the per-file ARRAY map */
	uint32_t	blkbits;	/**< the program's fuse_blkbits (iomap answers) */
	uint32_t	value_size;	/**< bytes per map value (sizeof(struct fuse_bpf_file)) */
	char		name[16];	/**< struct_ops name, NUL-terminated */
};

/**
 * A control request (library -> model), 32 bytes, optionally followed in
 * the same packet by a payload of at most #KMW_PAYLOAD_MAX bytes (only the
 * KMW_BPF_REGISTER and KMW_BPF_MAP_UPDATE ops carry one).
 */
struct kmw_req {
	uint32_t	magic;		/**< KMW_MAGIC */
	uint32_t	op;		/**< enum kmw_op */
	uint64_t	seq;		/**< echoed in the reply */
	uint8_t		arg[16];
};

/** A control reply (model -> library on the reply socket), 32 bytes. */
struct kmw_reply {
	uint32_t	magic;		/**< KMW_MAGIC */
	int32_t		result;		/**< >= 0 result, or -errno like ioctl(2) */
	uint64_t	seq;
	uint8_t		arg[16];	/**< out-arg (IOMAP_SUPPORT) */
};

/* lib/transport_kmodel.c */

/** Whether @fd is a socket (then it is a kernel-model session). */
int fuse_kmodel_is_model_fd(int fd);

/**
 * Issue a device ioctl on a kernel-model session: @cmd is an ioctl number
 * from the iomap or stock dialect tables; @arg as for ioctl(2). Returns the
 * ioctl result (>= 0) or -errno; -ENOTTY for an ioctl the model protocol
 * does not carry (FUSE_DEV_IOC_CLONE: a socket session cannot be cloned).
 */
int fuse_kmodel_ioctl(int fd, unsigned long cmd, void *arg);

/**
 * famfs post-V10 push (FUSE_DEV_IOC_DAXDEV_OPEN, whose ioctl number is
 * unknown, spec 4.4): register @devfd as daxdev @index. Returns >= 0 or
 * -errno.
 */
int fuse_kmodel_daxdev_open(int fd, int devfd, uint32_t index);

/** Tell the model the server is ready for INIT. Returns 0 or -errno. */
int fuse_kmodel_mounted(int fd);

/**
 * BPF on a model session: does the modelled kernel's BTF have the
 * struct_ops type of @flavour (a FUSE_BPF_FLAVOUR_* bit)? 1, 0, or -errno
 * (-ENOTTY from a model that predates these ops).
 */
int fuse_kmodel_bpf_probe(int fd, uint32_t flavour);

/** Register (load and attach) a mapping program with the model. 0 or -errno. */
int fuse_kmodel_bpf_register(int fd, const struct kmw_bpf_reg *reg);

/**
 * Write one per-file map value at @slot. With @wait 0 the update is posted
 * without waiting for the answer (for callers that may run while the model
 * is not reading, e.g. on FORGET); then 0 means "sent".
 */
int fuse_kmodel_bpf_map_update(int fd, uint32_t slot, const void *value,
			       size_t len, int wait);

/* lib/transport_kmodel_session.c (libfuse only) */
struct fuse_session;

/**
 * If the session fd is a socket, route device ioctls through the model
 * protocol. Call right after the session fd is known (fuse_session_mount
 * with "/dev/fd/N"). Returns 1 if attached, 0 if not a model session.
 */
int fuse_kmodel_session_attach(struct fuse_session *se);

/**
 * Tell the model the server is ready for INIT (after its pre-mount probes,
 * i.e. when the loop starts). Returns 0 (also for non-model sessions) or
 * -errno.
 */
int fuse_kmodel_session_ready(struct fuse_session *se);

#endif /* FUSE_KMODEL_WIRE_I_H */
