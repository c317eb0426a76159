#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write the seed corpus of fuzz_decode: one valid request per opcode in the
/dev/fuse shape (first byte 0) and, for ops with arguments, the io_uring
shape (first byte 1).  Layouts follow include/fuse_kernel.h (7.45).

Usage: make_corpus.py OUTDIR
"""
import os
import struct
import sys

HDR = struct.Struct('<IIQQIIIHH')   # fuse_in_header, 40 bytes


def hdr(opcode, body_len, nodeid=1, unique=100):
    return HDR.pack(HDR.size + body_len, opcode, unique, nodeid,
                    1000, 1000, 4242, 0, 0)


def z(n):
    return b'\0' * n


def name(s):
    return s.encode() + b'\0'


read_in = struct.pack('<QQIIQII', 7, 4096, 4096, 0, 0, 0, 0)
write_data = b'hello, fuzz'
write_in = struct.pack('<QQIIQII', 7, 0, len(write_data), 0, 0, 0, 0)
lk_in = struct.pack('<QQQQIIII', 7, 9, 0, 99, 1, 4242, 0, 0)
flock_in = struct.pack('<QQQQIIII', 7, 9, 0, 0x7fffffffffffffff, 1, 4242, 1, 0)
setattr_in = struct.pack('<IIQQQQQQIIIIIIII', 0x3f | (1 << 6), 0, 7, 100, 0,
                         1, 2, 3, 4, 5, 6, 0o644, 0, 1000, 1000, 0)
ioctl_data = b'abcd'
ioctl_in = struct.pack('<QIIQII', 7, 0, 0x5401, 0x1000, len(ioctl_data), 16)
retrieve_data = b'cached bytes'
retrieve_in = struct.pack('<QQIIQQ', 0, 0, len(retrieve_data), 0, 0, 0)
forgets = struct.pack('<QQQQ', 2, 1, 3, 5)

# opcode: (fixed struct bytes, variable bytes)
seeds = {
    'lookup': (1, b'', name('file')),
    'forget': (2, struct.pack('<Q', 3), b''),
    'getattr': (3, struct.pack('<IIQ', 1, 0, 7), b''),
    'setattr': (4, setattr_in, b''),
    'readlink': (5, b'', b''),
    'symlink': (6, b'', name('link') + name('target')),
    'mknod': (8, struct.pack('<IIII', 0o100644, 0, 0o22, 0), name('node')),
    'mkdir': (9, struct.pack('<II', 0o755, 0o22), name('dir')),
    'unlink': (10, b'', name('file')),
    'rmdir': (11, b'', name('dir')),
    'rename': (12, struct.pack('<Q', 1), name('a') + name('b')),
    'link': (13, struct.pack('<Q', 5), name('hard')),
    'open': (14, struct.pack('<II', 2, 0), b''),
    'read': (15, read_in, b''),
    'write': (16, write_in, write_data),
    'statfs': (17, b'', b''),
    'release': (18, struct.pack('<QIIQ', 7, 2, 1, 9), b''),
    'fsync': (20, struct.pack('<QII', 7, 1, 0), b''),
    'setxattr': (21, struct.pack('<II', 5, 0), name('user.x') + b'value'),
    'getxattr': (22, struct.pack('<II', 64, 0), name('user.x')),
    'listxattr': (23, struct.pack('<II', 64, 0), b''),
    'removexattr': (24, b'', name('user.x')),
    'flush': (25, struct.pack('<QIIQ', 7, 0, 0, 9), b''),
    'init': (26, struct.pack('<IIII', 7, 45, 65536, 0) + z(48), b''),
    'opendir': (27, struct.pack('<II', 0, 0), b''),
    'readdir': (28, read_in, b''),
    'releasedir': (29, struct.pack('<QIIQ', 7, 0, 0, 0), b''),
    'fsyncdir': (30, struct.pack('<QII', 7, 0, 0), b''),
    'getlk': (31, lk_in, b''),
    'setlk': (32, lk_in, b''),
    'setlkw': (33, flock_in, b''),
    'access': (34, struct.pack('<II', 4, 0), b''),
    'create': (35, struct.pack('<IIII', 0o101, 0o100644, 0o22, 0), name('new')),
    'interrupt': (36, struct.pack('<Q', 100), b''),
    'bmap': (37, struct.pack('<QII', 3, 4096, 0), b''),
    'destroy': (38, b'', b''),
    'ioctl': (39, ioctl_in, ioctl_data),
    'poll': (40, struct.pack('<QQII', 7, 11, 1, 1), b''),
    'notify_reply': (41, retrieve_in, retrieve_data),
    'batch_forget': (42, struct.pack('<II', 2, 0), forgets),
    'fallocate': (43, struct.pack('<QQQII', 7, 0, 4096, 0, 0), b''),
    'readdirplus': (44, read_in, b''),
    'rename2': (45, struct.pack('<QII', 1, 1, 0), name('a') + name('b')),
    'lseek': (46, struct.pack('<QQII', 7, 0, 3, 0), b''),
    'copy_file_range': (47, struct.pack('<QQQQQQQ', 7, 0, 2, 8, 0, 4096, 0), b''),
    'syncfs': (50, struct.pack('<Q', 0), b''),
    'tmpfile': (51, struct.pack('<IIII', 2, 0o100600, 0o22, 0), b''),
    'statx': (52, struct.pack('<IIQII', 0, 0, 0, 0, 0x7ff), b''),
    'copy_file_range_64': (53, struct.pack('<QQQQQQQ', 7, 0, 2, 8, 0, 1 << 33, 0), b''),
    'unknown': (4000, struct.pack('<Q', 1), b''),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else 'corpus'
    os.makedirs(out, exist_ok=True)
    for label, (op, fixed, var) in seeds.items():
        body = fixed + var
        with open(os.path.join(out, 'dev-' + label), 'wb') as f:
            f.write(b'\0' + hdr(op, len(body)) + body)
        if op in (26, 36):
            continue
        with open(os.path.join(out, 'uring-' + label), 'wb') as f:
            f.write(b'\1' + hdr(op, len(body)) + bytes([len(fixed)]) +
                    fixed + var)
    # a framing error and a short message
    with open(os.path.join(out, 'dev-framing'), 'wb') as f:
        f.write(b'\0' + hdr(3, 100) + z(16))
    with open(os.path.join(out, 'dev-short'), 'wb') as f:
        f.write(b'\0' + z(12))


if __name__ == '__main__':
    main()
