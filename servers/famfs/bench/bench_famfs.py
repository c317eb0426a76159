#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""famfs-fuse benchmarks (classic path, real mounts; needs root + /dev/fuse).

1. read bandwidth through the mount against a memcpy from the mapped image
   (the upper bound here), for a simple and a 16-strip interleaved file;
2. mount time with a full log (15,420 entries);
3. lookups per second in a directory of 10,000 files (cold: every stat
   goes to the server).

usage: bench_famfs.py FAMFS_TOOL FAMFS_FUSE SCRATCH_DIR [FILE_MIB]
Prints one line per number. Never used as a test."""
import mmap
import os
import subprocess
import sys
import time

TOOL, FUSE, SCRATCH = sys.argv[1], sys.argv[2], sys.argv[3]
FILE_MIB = int(sys.argv[4]) if len(sys.argv) > 4 else 1024
MIB = 1 << 20
env = dict(os.environ,
           FAMFS_SYSTEM_UUID_FILE=os.path.join(SCRATCH, 'bench.uuid'))


def sh(*args):
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL)


def mount(img, mnt, *opts):
    os.makedirs(mnt, exist_ok=True)
    t0 = time.monotonic()
    sh(FUSE, *opts, img, mnt)
    return time.monotonic() - t0


def umount(mnt):
    subprocess.run(['fusermount3', '-u', mnt])


def read_all(path, bs):
    buf = bytearray(bs)
    n = 0
    with open(path, 'rb', buffering=0) as f:
        while True:
            k = f.readinto(buf)
            if not k:
                return n
            n += k


def bandwidth(img, mnt):
    sh(TOOL, 'creat', '-s', '%dm' % FILE_MIB, '-S', '1', img, 'simple')
    sh(TOOL, 'creat', '-s', '%dm' % FILE_MIB, '-S', '2', '-N', '16', '-B',
       '16', '-C', '2m', img, 'striped')
    mount(img, mnt)
    try:
        for name in ('simple', 'striped'):
            p = os.path.join(mnt, name)
            read_all(p, MIB)        # warm the image's page cache
            best = 0
            for _ in range(3):
                t0 = time.monotonic()
                n = read_all(p, MIB)
                best = max(best, n / (time.monotonic() - t0))
            print('read %s %d MiB through the mount (1 MiB reads): '
                  '%.0f MiB/s' % (name, FILE_MIB, best / MIB))
    finally:
        umount(mnt)
    # upper bound: memcpy of the same bytes from the mapped image
    with open(img, 'rb') as f:
        m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
        dst = bytearray(MIB)
        mv = memoryview(m)
        base = 0xa00000     # the simple file: first allocation
        best = 0
        for _ in range(3):
            t0 = time.monotonic()
            for off in range(0, FILE_MIB * MIB, MIB):
                dst[:] = mv[base + off:base + off + MIB]
            best = max(best, FILE_MIB * MIB / (time.monotonic() - t0))
        mv.release()
        m.close()
    print('memcpy from the mapped image (1 MiB copies): %.0f MiB/s' %
          (best / MIB))


def full_log(img, mnt):
    src = os.path.join(SCRATCH, 'bench-src')
    os.makedirs(os.path.join(src, 'd'), exist_ok=True)
    for i in range(10000):
        p = os.path.join(src, 'd', 'f%05d' % i)
        if not os.path.exists(p):
            with open(p, 'wb') as f:
                f.write(b'x')
    t0 = time.monotonic()
    sh(TOOL, 'cp', '-r', img, os.path.join(src, 'd'), 'd')
    print('famfs cp -r of 10,000 files: %.2f s' % (time.monotonic() - t0))
    sh(TOOL, 'mkdir', img, *['m%d' % i for i in range(15420 - 10001)])
    out = subprocess.run([TOOL, 'fsck', img], stdout=subprocess.PIPE,
                         env=env).stdout.decode().strip().splitlines()[-1]
    print('fsck: ' + out)
    times = []
    for _ in range(3):
        times.append(mount(img, mnt))
        umount(mnt)
    print('mount with a full 15,420-entry log: %.1f ms (best of 3, '
          'exec to mounted)' % (min(times) * 1000))
    mount(img, mnt, '-o', 'timeout=60')
    try:
        d = os.path.join(mnt, 'd')
        names = ['f%05d' % i for i in range(10000)]
        t0 = time.monotonic()
        for n in names:
            os.stat(os.path.join(d, n))
        cold = time.monotonic() - t0
        t0 = time.monotonic()
        for n in names:
            os.stat(os.path.join(d, n))
        warm = time.monotonic() - t0
        print('lookups in a 10,000-file directory: %.0f/s cold '
              '(server), %.0f/s cached (kernel)' %
              (10000 / cold, 10000 / warm))
    finally:
        umount(mnt)


def main():
    if os.geteuid() != 0 or not os.path.exists('/dev/fuse'):
        print('skipped: needs root and /dev/fuse')
        return 77
    os.makedirs(SCRATCH, exist_ok=True)
    img = os.path.join(SCRATCH, 'bench.img')
    mnt = os.path.join(SCRATCH, 'mnt-bench')
    for size, fn in ((64 << 30, bandwidth), (64 << 30, full_log)):
        if os.path.exists(img):
            os.unlink(img)
        with open(img, 'wb') as f:
            f.truncate(size)
        sh(TOOL, 'mkfs', img)
        fn(img, mnt)
        os.unlink(img)
    return 0


sys.exit(main())
