#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Real FUSE mounts of famfs-fuse (classic data path).

- every fixture: every file's sha256 against the manifest, attributes,
  directory listings, .meta/.superblock and .meta/.log contents;
- refused operations (create, mkdir, unlink, rename, truncate, extend) and
  data writes inside a file (read back through the mount and the tool);
- a bad superblock refuses the mount with a non-zero exit and a message;
- a bad log entry mounts what comes before it and logs the reason;
- two hosts: a master mount and a client mount of one image; files the
  master's tools create appear on the client within 1 second (lookup,
  readdir, and statfs through the periodic check); the client's .log is
  read-only; data written on one mount is read on the other.

usage: mount_test.py FAMFS_TOOL FAMFS_FUSE SCRATCH_DIR
Needs root and /dev/fuse (exit 77 otherwise)."""
import errno
import os
import shutil
import struct
import subprocess
import sys
import time
import zlib

from famfs_testlib import (NAMES, Fail, check, extract, main, manifest, run,
                           sha256_of, skip)

TOOL, FUSE, SCRATCH = sys.argv[1], sys.argv[2], sys.argv[3]
MIB = 1 << 20
mounted = []


def mount(img, mnt, env=None, opts=(), ok=(0,)):
    os.makedirs(mnt, exist_ok=True)
    p = run([FUSE, '-o', 'refresh_ms=200'] + list(opts) + [img, mnt],
            ok=ok, env=env)
    if p.returncode == 0:
        mounted.append(mnt)
        check(os.path.ismount(mnt), mnt + ' is not mounted')
    return p


def umount(mnt):
    subprocess.run(['fusermount3', '-u', mnt], stderr=subprocess.DEVNULL)
    if os.path.ismount(mnt):
        subprocess.run(['umount', '-l', mnt])
    if mnt in mounted:
        mounted.remove(mnt)


def fails(fn, want):
    try:
        fn()
    except OSError as e:
        check(e.errno in want, '%r: errno %d, want %r' % (fn, e.errno, want))
        return
    raise Fail('%r should have failed' % fn)


def verify_fixture(name):
    m = manifest(name)
    img = extract(name, SCRATCH)
    mnt = os.path.join(SCRATCH, 'mnt-' + name)
    mount(img, mnt, opts=['-o', 'ro'])
    try:
        for f in m['files']:
            p = os.path.join(mnt, f['path'])
            st = os.stat(p)
            check(st.st_size == f['size'], '%s size' % f['path'])
            check('%04o' % (st.st_mode & 0o7777) == f['mode'],
                  '%s mode' % f['path'])
            check(st.st_uid == f['uid'] and st.st_gid == f['gid'],
                  '%s owner' % f['path'])
            with open(p, 'rb') as fh:
                data = fh.read()
            check(sha256_of(data) == f['sha256'], '%s: sha256 through the '
                  'mount' % f['path'])
        for d in m['dirs']:
            st = os.stat(os.path.join(mnt, d['path']))
            check('%04o' % (st.st_mode & 0o7777) == d['mode'], d['path'])
        # listings: every logged object in its parent, nothing else
        want = {}
        for o in m['files'] + m['dirs']:
            par, _, leaf = o['path'].rpartition('/')
            want.setdefault(par, set()).add(leaf)
        want.setdefault('', set()).add('.meta')
        for par, names in want.items():
            got = set(os.listdir(os.path.join(mnt, par)))
            check(got == names, '%s: readdir %r, want %r' % (par, got, names))
        with open(img, 'rb') as raw:
            sb = raw.read(2 * MIB)
            log = raw.read(m['log_len'])
        with open(os.path.join(mnt, '.meta/.superblock'), 'rb') as fh:
            check(fh.read() == sb, '.meta/.superblock content')
        with open(os.path.join(mnt, '.meta/.log'), 'rb') as fh:
            check(fh.read() == log, '.meta/.log content')
        print('%s: %d files verified through the mount' %
              (name, len(m['files'])))
    finally:
        umount(mnt)


def test_ops(env):
    img = os.path.join(SCRATCH, 'ops.img')
    if os.path.exists(img):
        os.unlink(img)
    with open(img, 'wb') as f:
        f.truncate(4 << 30)
    run([TOOL, 'mkfs', img], env=env)
    run([TOOL, 'mkdir', img, 'd'], env=env)
    run([TOOL, 'creat', '-s', '5000', '-S', '3', img, 'd/f'], env=env)
    mnt = os.path.join(SCRATCH, 'mnt-ops')
    mount(img, mnt, env=env)
    try:
        f = os.path.join(mnt, 'd/f')
        fails(lambda: open(os.path.join(mnt, 'new'), 'w'),
              (errno.ENOTSUP, errno.EOPNOTSUPP))
        fails(lambda: os.mkdir(os.path.join(mnt, 'x')), (errno.ENOTSUP,))
        fails(lambda: os.unlink(f), (errno.ENOTSUP,))
        fails(lambda: os.rename(f, f + '2'), (errno.ENOTSUP,))
        fails(lambda: os.truncate(f, 1), (errno.EPERM,))
        fails(lambda: os.truncate(f, 10000), (errno.EPERM,))
        fails(lambda: os.chmod(f, 0o600), (errno.EPERM,))
        fd = os.open(f, os.O_RDWR)
        try:
            check(os.pwrite(fd, b'HELLO', 100) == 5, 'write inside')
            check(os.pwrite(fd, b'0123456789', 4995) == 5, 'short at EOF')
            fails(lambda: os.pwrite(fd, b'x', 5000), (errno.EFBIG,))
            check(os.fstat(fd).st_size == 5000, 'size unchanged')
        finally:
            os.close(fd)
        with open(f, 'rb') as fh:
            data = fh.read()
        check(data[100:105] == b'HELLO' and data[4995:] == b'01234',
              'written bytes read back')
        check(run([TOOL, 'cat', img, 'd/f']).stdout == data,
              'written bytes are on the image at the layout offsets')
        fails(lambda: open(os.path.join(mnt, '.meta/.superblock'), 'r+b'),
              (errno.EACCES,))
        st = os.statvfs(mnt)
        check(st.f_bsize == 2 * MIB and st.f_blocks == 2048, 'statfs')
        check(st.f_files == 15420 and st.f_ffree == 15418, 'statfs files')
        # the image shrinks under the mount: EIO, and the server lives
        with open(img, 'r+b') as fh:
            fh.truncate(10 * MIB + 100)
        def rd():
            with open(f, 'rb') as fh:
                fh.read()
        fails(rd, (errno.EIO,))
        fd = os.open(f, os.O_RDWR)
        try:
            fails(lambda: os.pwrite(fd, b'x', 4000), (errno.EIO,))
        finally:
            os.close(fd)
        check(os.listdir(os.path.join(mnt, 'd')) == ['f'], 'server alive')
        with open(img, 'r+b') as fh:
            fh.truncate(4 << 30)
    finally:
        umount(mnt)

    # bad superblock: mount refused
    bad = os.path.join(SCRATCH, 'badsb.img')
    shutil.copyfile(img, bad)
    with open(bad, 'r+b') as fh:
        fh.seek(48)
        fh.write(b'\xee')
    p = mount(bad, os.path.join(SCRATCH, 'mnt-bad'), ok=None)
    check(p.returncode != 0, 'bad superblock must refuse the mount')
    check(b'CRC' in p.stderr, 'bad sb message: %r' % p.stderr)
    check(not os.path.ismount(os.path.join(SCRATCH, 'mnt-bad')), 'mounted')
    # bad entry: what precedes it is served, the reason is logged
    shutil.copyfile(img, bad)
    with open(bad, 'r+b') as fh:
        fh.seek(2 * MIB + 48 + 544 + 300)
        fh.write(b'\x77')
    p = mount(bad, os.path.join(SCRATCH, 'mnt-bad'))
    try:
        check(b'stopped at log entry 1' in p.stderr, 'reason: %r' % p.stderr)
        check(os.listdir(os.path.join(SCRATCH, 'mnt-bad', 'd')) == [],
              'entries after the bad one are not served')
    finally:
        umount(os.path.join(SCRATCH, 'mnt-bad'))
    os.unlink(bad)
    os.unlink(img)


def walk(mnt):
    """Read everything under a mount; errors are fine, a dead server not."""
    n = 0
    for root, dirs, files in os.walk(mnt):
        for f in files:
            try:
                with open(os.path.join(root, f), 'rb') as fh:
                    while fh.read(1 << 20):
                        pass
                n += 1
            except OSError:
                pass
    return n


def test_damaged_mounts(env):
    """Randomly damaged images never crash the server."""
    import random
    rnd = random.Random(99)
    img = os.path.join(SCRATCH, 'rnd.img')
    mnt = os.path.join(SCRATCH, 'mnt-rnd')
    base = extract('a2-tree', SCRATCH)
    good = open(base, 'rb').read(12 * MIB)
    shutil.copyfile(base, img)
    mounts = 0
    for i in range(12):
        with open(img, 'r+b') as fh:
            fh.seek(0)
            fh.write(good)
            for _ in range(rnd.choice((1, 4, 16))):
                where = rnd.randrange(8)
                if where == 0:
                    off = rnd.randrange(0, 200)
                elif where == 1:
                    off = rnd.randrange(2 * MIB, 2 * MIB + 48)
                else:
                    off = rnd.randrange(2 * MIB + 48, 2 * MIB + 48 + 19 * 544)
                fh.seek(off)
                fh.write(bytes([rnd.randrange(256)]))
                if where > 1 and rnd.randrange(2):
                    # re-sign the entry: reach the field validators
                    e = 2 * MIB + 48 + (off - 2 * MIB - 48) // 544 * 544
                    fh.seek(e)
                    ent = fh.read(536)
                    fh.write(struct.pack('<Q', zlib.crc32(ent)))
        p = mount(img, mnt, ok=None)
        if p.returncode != 0:
            check(p.returncode > 0 and p.stderr, 'refusal has a message')
            continue
        try:
            mounts += 1
            walk(mnt)
            check(os.path.ismount(mnt) and os.listdir(mnt) is not None,
                  'server died on damaged image %d' % i)
        finally:
            umount(mnt)
    print('damaged images: %d of 12 mounted, no crash' % mounts)
    os.unlink(img)


def test_hosts(env, cenv):
    img = os.path.join(SCRATCH, 'hosts.img')
    if os.path.exists(img):
        os.unlink(img)
    with open(img, 'wb') as f:
        f.truncate(4 << 30)
    run([TOOL, 'mkfs', img], env=env)
    run([TOOL, 'mkdir', img, 'shared'], env=env)
    m_mnt = os.path.join(SCRATCH, 'mnt-master')
    c_mnt = os.path.join(SCRATCH, 'mnt-client')
    mount(img, m_mnt, env=env)
    mount(img, c_mnt, env=cenv)
    try:
        check(os.stat(os.path.join(m_mnt, '.meta/.log')).st_mode & 0o777 ==
              0o644, 'master .log 0644')
        check(os.stat(os.path.join(c_mnt, '.meta/.log')).st_mode & 0o777 ==
              0o444, 'client .log 0444')
        fails(lambda: open(os.path.join(c_mnt, '.meta/.log'), 'r+b'),
              (errno.EACCES,))
        os.listdir(os.path.join(c_mnt, 'shared'))
        ffree = os.statvfs(c_mnt).f_ffree
        worst = 0.0
        for i in range(5):
            name = 'shared/n%d' % i
            run([TOOL, 'creat', '-s', '4096', '-S', str(i), img, name],
                env=env)
            t0 = time.monotonic()
            if i % 2:   # lookup path
                while not os.path.exists(os.path.join(c_mnt, name)):
                    check(time.monotonic() - t0 < 1.0, name + ': > 1 s')
                    time.sleep(0.01)
            else:       # readdir path
                while 'n%d' % i not in os.listdir(
                        os.path.join(c_mnt, 'shared')):
                    check(time.monotonic() - t0 < 1.0, name + ': > 1 s')
                    time.sleep(0.01)
            worst = max(worst, time.monotonic() - t0)
        # statfs issues no lookup: only the periodic check updates it
        run([TOOL, 'creat', '-s', '4096', img, 'shared/quiet'], env=env)
        t0 = time.monotonic()
        while os.statvfs(c_mnt).f_ffree != ffree - 6:
            check(time.monotonic() - t0 < 1.0, 'periodic check > 1 s')
            time.sleep(0.02)
        print('client saw new files within %.3f s (periodic %.3f s)' %
              (worst, time.monotonic() - t0))
        # the tools accept a mount point for DEVICE
        run([TOOL, 'creat', '-s', '4096', '-S', '9', m_mnt, 'shared/via'],
            env=env)
        t0 = time.monotonic()
        while not os.path.exists(os.path.join(c_mnt, 'shared/via')):
            check(time.monotonic() - t0 < 1.0, 'via mount point: > 1 s')
            time.sleep(0.01)
        check(run([TOOL, 'cat', c_mnt, 'shared/via']).stdout ==
              open(os.path.join(c_mnt, 'shared/via'), 'rb').read(),
              'cat through a mount point')
        # a client reading while the master copies files in: a file is
        # never visible before its contents
        src = os.path.join(SCRATCH, 'mnt-src')
        os.makedirs(src, exist_ok=True)
        for i in range(100):
            with open(os.path.join(src, 'c%03d' % i), 'w') as fh:
                fh.write('content of c%03d\n' % i)
        run([TOOL, 'mkdir', img, 'busy'], env=env)
        cp = subprocess.Popen([TOOL, 'cp', img] +
                              [os.path.join(src, 'c%03d' % i)
                               for i in range(100)] + ['busy'], env=env,
                              stderr=subprocess.PIPE)
        bad, seen, rounds = [], set(), 0
        while cp.poll() is None or rounds < 3:
            if cp.poll() is not None:
                rounds += 1
            for n in os.listdir(os.path.join(c_mnt, 'busy')):
                with open(os.path.join(c_mnt, 'busy', n)) as fh:
                    got = fh.read()
                seen.add(n)
                if got != 'content of %s\n' % n:
                    bad.append((n, got))
        check(cp.wait() == 0, 'cp failed: %r' % cp.stderr.read())
        check(not bad, 'client saw files before their contents: %r' %
              bad[:3])
        check(len(seen) == 100, 'client saw %d of 100 files' % len(seen))
        # data: written through the master mount, read on the client
        with open(os.path.join(c_mnt, 'shared/n1'), 'rb') as fh:
            fh.read()
        with open(os.path.join(m_mnt, 'shared/n1'), 'r+b') as fh:
            fh.write(b'from-master')
        with open(os.path.join(c_mnt, 'shared/n1'), 'rb') as fh:
            check(fh.read(11) == b'from-master', 'client reads master data')
        p = run([TOOL, 'creat', '-s', '1', img, 'shared/c'], ok=(1,),
                env=cenv)
        check(b'not the master' in p.stderr, 'client cannot append')
    finally:
        umount(c_mnt)
        umount(m_mnt)
    os.unlink(img)


def test():
    if os.geteuid() != 0:
        skip('needs root')
    if not os.path.exists('/dev/fuse'):
        skip('no /dev/fuse')
    if not os.access(FUSE, os.X_OK):
        skip('famfs-fuse not built')
    os.makedirs(SCRATCH, exist_ok=True)
    uuidf = os.path.join(SCRATCH, 'mnt-master.uuid')
    cuuid = os.path.join(SCRATCH, 'mnt-client.uuid')
    with open(cuuid, 'w') as f:
        f.write('aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\n')
    env = dict(os.environ, FAMFS_SYSTEM_UUID_FILE=uuidf)
    cenv = dict(os.environ, FAMFS_SYSTEM_UUID_FILE=cuuid)
    try:
        for name in NAMES:
            verify_fixture(name)
        test_ops(env)
        test_damaged_mounts(env)
        test_hosts(env, cenv)
    finally:
        for mnt in list(mounted):
            umount(mnt)


main(test)
