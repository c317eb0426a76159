#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""famfs on a block device (a loop device over an image): mkfs, creat,
fsck and cat through BLKGETSIZE64 + mmap of the block device, a real mount
of the block device, and the same bytes read back from the image file.

usage: blockdev_test.py FAMFS_TOOL FAMFS_FUSE SCRATCH_DIR
Needs root, losetup and /dev/fuse (exit 77 otherwise)."""
import os
import shutil
import subprocess
import sys

from famfs_testlib import check, main, pattern, run, sha256_of, skip

TOOL, FUSE, SCRATCH = sys.argv[1], sys.argv[2], sys.argv[3]


def test():
    if os.geteuid() != 0:
        skip('needs root')
    if not shutil.which('losetup'):
        skip('no losetup')
    os.makedirs(SCRATCH, exist_ok=True)
    img = os.path.join(SCRATCH, 'blk.img')
    with open(img, 'wb') as f:
        f.truncate(4 << 30)
    p = subprocess.run(['losetup', '-f', '--show', img],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        os.unlink(img)
        skip('no loop device: ' + p.stderr.decode().strip())
    dev = p.stdout.decode().strip()
    env = dict(os.environ,
               FAMFS_SYSTEM_UUID_FILE=os.path.join(SCRATCH, 'blk.uuid'))
    mnt = os.path.join(SCRATCH, 'mnt-blk')
    mounted = False
    try:
        run([TOOL, 'mkfs', dev], env=env)
        check(('daxdev "%s" size %d' % (dev, 4 << 30)).encode() in
              run([TOOL, 'dump', dev]).stdout, 'block device size')
        run([TOOL, 'mkdir', dev, 'd'], env=env)
        run([TOOL, 'creat', '-s', '3000001', '-S', '21', dev, 'd/f'],
            env=env)
        want = pattern(21, 3000001)
        check(run([TOOL, 'cat', dev, 'd/f']).stdout == want, 'cat on block')
        check(b'No allocation errors' in run([TOOL, 'fsck', dev]).stdout,
              'fsck on block')
        if os.path.exists('/dev/fuse') and os.access(FUSE, os.X_OK):
            os.makedirs(mnt, exist_ok=True)
            run([FUSE, dev, mnt], env=env)
            mounted = True
            with open(os.path.join(mnt, 'd/f'), 'rb') as fh:
                check(sha256_of(fh.read()) == sha256_of(want),
                      'read through a mount of the block device')
            subprocess.run(['fusermount3', '-u', mnt])
            mounted = False
    finally:
        if mounted:
            subprocess.run(['umount', '-l', mnt])
        subprocess.run(['losetup', '-d', dev])
    check(run([TOOL, 'cat', img, 'd/f']).stdout == want,
          'the image file holds the same bytes')
    os.unlink(img)


main(test)
