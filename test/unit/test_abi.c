// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_abi.c - layouts and numbers that binaries built against upstream
 * libfuse 3.18 and the kernel rely on: public struct sizes and offsets,
 * wire struct sizes, capability bits, ioctl numbers, version macros.
 */
#include "harness.h"

#include <stddef.h>

int main(void)
{
	/* public structs (upstream test/test_abi.c checks the same) */
	CHECK_EQ(sizeof(struct fuse_file_info), 64);
	CHECK_EQ(offsetof(struct fuse_file_info, fh), 16);
	CHECK_EQ(offsetof(struct fuse_file_info, lock_owner), 24);
	CHECK_EQ(offsetof(struct fuse_file_info, poll_events), 32);
	CHECK_EQ(offsetof(struct fuse_file_info, backing_id), 36);
	CHECK_EQ(offsetof(struct fuse_file_info, compat_flags), 40);
	CHECK_EQ(sizeof(struct fuse_conn_info), 128);
	CHECK_EQ(offsetof(struct fuse_conn_info, want), 24);
	CHECK_EQ(offsetof(struct fuse_conn_info, time_gran), 36);
	CHECK_EQ(offsetof(struct fuse_conn_info, max_backing_stack_depth), 40);
	CHECK_EQ(offsetof(struct fuse_conn_info, capable_ext), 48);
	CHECK_EQ(offsetof(struct fuse_conn_info, want_ext), 56);
	CHECK_EQ(offsetof(struct fuse_conn_info, request_timeout), 64);
	CHECK_EQ(sizeof(struct fuse_loop_config_v1), 8);
	CHECK_EQ(sizeof(struct libfuse_version), 16);
	CHECK_EQ(offsetof(struct fuse_custom_io, clone_fd), 32);
	/* 46 members: 44 up to 3.14 plus tmpfile and statx */
	CHECK_EQ(sizeof(struct fuse_lowlevel_ops), 46 * sizeof(void *));
	CHECK_EQ(offsetof(struct fuse_lowlevel_ops, statx),
		 45 * sizeof(void *));

	/* capability bits */
	CHECK_EQ(FUSE_CAP_ASYNC_READ, 1UL << 0);
	CHECK_EQ(FUSE_CAP_HANDLE_KILLPRIV_V2, 1UL << 21);
	CHECK_EQ(FUSE_CAP_EXPIRE_ONLY, 1UL << 26);
	CHECK_EQ(FUSE_CAP_PASSTHROUGH, 1UL << 29);
	CHECK_EQ(FUSE_CAP_OVER_IO_URING, 1UL << 31);

	/* wire structs, protocol 7.45 */
	CHECK_EQ(FUSE_KERNEL_VERSION, 7);
	CHECK_EQ(FUSE_KERNEL_MINOR_VERSION, 45);
	CHECK_EQ(sizeof(struct fuse_in_header), 40);
	CHECK_EQ(sizeof(struct fuse_out_header), 16);
	CHECK_EQ(sizeof(struct fuse_attr), 88);
	CHECK_EQ(sizeof(struct fuse_entry_out), 128);
	CHECK_EQ(sizeof(struct fuse_attr_out), 104);
	CHECK_EQ(sizeof(struct fuse_init_in), 64);
	CHECK_EQ(sizeof(struct fuse_init_out), 64);
	CHECK_EQ(offsetof(struct fuse_init_out, request_timeout), 40);
	CHECK_EQ(sizeof(struct fuse_setattr_in), 88);
	CHECK_EQ(sizeof(struct fuse_open_out), 16);
	CHECK_EQ(sizeof(struct fuse_read_in), 40);
	CHECK_EQ(sizeof(struct fuse_write_in), 40);
	CHECK_EQ(sizeof(struct fuse_lk_in), 48);
	CHECK_EQ(sizeof(struct fuse_ioctl_in), 32);
	CHECK_EQ(sizeof(struct fuse_statx), 256);
	CHECK_EQ(sizeof(struct fuse_statx_out), 288);
	CHECK_EQ(sizeof(struct fuse_statx_in), 24);
	CHECK_EQ(sizeof(struct fuse_copy_file_range_in), 56);
	CHECK_EQ(sizeof(struct fuse_notify_retrieve_in), 40);
	CHECK_EQ(sizeof(struct fuse_write_in),
		 sizeof(struct fuse_notify_retrieve_in));
	CHECK_EQ(sizeof(struct fuse_backing_map), 16);
	CHECK_EQ(sizeof(struct fuse_uring_req_header), 288);
	CHECK_EQ(sizeof(struct fuse_uring_ent_in_out), 32);
	CHECK_EQ(sizeof(struct fuse_uring_cmd_req), 24);
	CHECK_EQ(FUSE_NAME_OFFSET, 24);
	CHECK_EQ(FUSE_NAME_OFFSET_DIRENTPLUS, 152);
	CHECK_EQ(FUSE_STATX, 52);
	CHECK_EQ(FUSE_COPY_FILE_RANGE_64, 53);
	CHECK_EQ(FUSE_NOTIFY_INC_EPOCH, 8);
	CHECK_EQ(FUSE_NOTIFY_PRUNE, 9);
	CHECK_EQ(FUSE_OVER_IO_URING, 1ULL << 41);
	CHECK_EQ(FUSE_REQUEST_TIMEOUT, 1ULL << 42);

	/* device ioctls: _IOR/_IOW('\xe5', nr, type) */
	CHECK_EQ(FUSE_DEV_IOC_CLONE, 0x8004e500);
	CHECK_EQ(FUSE_DEV_IOC_BACKING_OPEN, 0x4010e501);
	CHECK_EQ(FUSE_DEV_IOC_BACKING_CLOSE, 0x4004e502);

	/* versions */
	CHECK_EQ(FUSE_MAKE_VERSION(3, 18), 318);
	CHECK_EQ(FUSE_VERSION, 318);
	CHECK_EQ(fuse_version(), 318);
	return fk_done("test_abi");
}
