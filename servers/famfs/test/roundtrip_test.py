#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Round trips through our tools: mkfs, mkdir -p, creat (simple and
interleaved, pattern-filled), cp -r; then our reader (dump, cat, logplay)
and our fsck. Checks that what we write follows the reference rules (the
fixtures' format): superblock fields, first file at 2 MiB + log_len,
contiguous first fit, 2 MiB units, interleave strip sizes and one strip per
bucket, no overlaps. Also: mkfs refuses a valid fs without -f, the master
role is enforced, the writer lock serialises writers.

usage: roundtrip_test.py FAMFS_TOOL SCRATCH_DIR"""
import fcntl
import os
import re
import subprocess
import sys
import time

from famfs_testlib import check, main, pattern, run, sha256_of

TOOL, SCRATCH = sys.argv[1], sys.argv[2]
MIB = 1 << 20


def test():
    os.makedirs(SCRATCH, exist_ok=True)
    img = os.path.join(SCRATCH, 'rt.img')
    uuidf = os.path.join(SCRATCH, 'rt-master.uuid')
    other = os.path.join(SCRATCH, 'rt-client.uuid')
    for p in (img, uuidf):
        if os.path.exists(p):
            os.unlink(p)
    with open(other, 'w') as f:
        f.write('11111111-2222-4333-8444-555555555555\n')
    env = dict(os.environ, FAMFS_SYSTEM_UUID_FILE=uuidf,
               FAMFS_ALLOC_SEED='7')
    cenv = dict(os.environ, FAMFS_SYSTEM_UUID_FILE=other)
    with open(img, 'wb') as f:
        f.truncate(16 << 30)

    # mkfs: too small refused, then a real one, then refusal without -f
    small = os.path.join(SCRATCH, 'small.img')
    with open(small, 'wb') as f:
        f.truncate(1 << 30)
    p = run([TOOL, 'mkfs', small], ok=(1,), env=env)
    check(b'4 GiB' in p.stderr, 'mkfs of 1 GiB should be refused')
    os.unlink(small)
    run([TOOL, 'mkfs', img], env=env)
    check(os.path.exists(uuidf), 'mkfs creates the system uuid file')
    p = run([TOOL, 'mkfs', img], ok=(1,), env=env)
    check(b'use -f' in p.stderr, 'mkfs must refuse a valid fs')
    dump = run([TOOL, 'dump', img]).stdout.decode()
    check('magic 0x87b282ff version 48 omf 2.2' in dump, 'sb version')
    check('log_offset 0x200000 log_len 0x800000 alloc_unit 0x200000' in dump,
          'sb layout')
    check('last_index 15419' in dump and 'next_index 0' in dump, 'empty log')
    sysu = open(uuidf).read().strip()
    check('system_uuid ' + sysu in dump, 'master uuid in the superblock')
    check('size %d' % (16 << 30) in dump, 'device size')

    # namespace
    run([TOOL, 'mkdir', '-p', '-m', '0750', '-u', '1000', '-g', '1000', img,
         'a/b/c'], env=env)
    run([TOOL, 'mkdir', '-p', img, 'a/b'], env=env)   # exists: fine with -p
    p = run([TOOL, 'mkdir', img, 'a/b'], ok=(1,), env=env)
    check(b'exists' in p.stderr, 'mkdir of an existing dir')
    p = run([TOOL, 'mkdir', img, 'nope/x'], ok=(1,), env=env)
    p = run([TOOL, 'mkdir', img, '../x'], ok=(1,), env=env)
    run([TOOL, 'creat', '-s', '5000', '-S', '11', '-m', '0600', img,
         'a/small'], env=env)
    run([TOOL, 'creat', '-s', '3145735', '-S', '12', img, 'a/b/medium'],
        env=env)
    run([TOOL, 'creat', '-s', '17000000', '-S', '13', '-N', '4', '-B', '8',
         '-C', '2m', img, 'a/b/c/striped'], env=env)
    run([TOOL, 'creat', '-s', '1000000', '-S', '14', '-N', '4', '-B', '8',
         '-C', '2m', img, 'below-chunk'], env=env)
    p = run([TOOL, 'creat', '-s', '100', img, 'a/small'], ok=(1,), env=env)
    check(b'exists' in p.stderr, 'creat over an existing file')
    run([TOOL, 'creat', '-s', '0', img, 'empty'], ok=(2,), env=env)
    run([TOOL, 'creat', '-s', '1', img, 'x' * 80], ok=(1,), env=env)
    p = run([TOOL, 'creat', '-s', '100', '-N', '4', '-B', '64', '-C', '2m',
             img, 'badparams'], ok=(1,), env=env)
    check(b'bucket size' in p.stderr, 'buckets < 1 GiB refused')

    # cp -r of a real tree
    src = os.path.join(SCRATCH, 'rt-src')
    os.makedirs(os.path.join(src, 'sub', 'deeper'), exist_ok=True)
    files = {'one': b'x', 'sub/two': os.urandom(3 * MIB + 17),
             'sub/deeper/three': os.urandom(4096), 'sub/empty': b''}
    for rel, data in files.items():
        with open(os.path.join(src, rel), 'wb') as f:
            f.write(data)
    os.chmod(os.path.join(src, 'one'), 0o640)
    run([TOOL, 'cp', '-r', img, src, 'copied'], env=env)
    run([TOOL, 'cp', img, os.path.join(src, 'one'), 'a'], env=env)

    # read back through our reader
    for rel, seed, size in (('a/small', 11, 5000),
                            ('a/b/medium', 12, 3145735),
                            ('a/b/c/striped', 13, 17000000),
                            ('below-chunk', 14, 1000000)):
        data = run([TOOL, 'cat', img, rel]).stdout
        check(data == pattern(seed, size), rel + ': pattern mismatch')
    for rel, data in files.items():
        if not data:
            continue
        got = run([TOOL, 'cat', img, 'copied/' + rel]).stdout
        check(sha256_of(got) == sha256_of(data), 'cp: %s differs' % rel)
    check(run([TOOL, 'cat', img, 'a/one']).stdout == b'x', 'cp into dir')
    run([TOOL, 'cat', img, 'copied/sub/empty'], ok=(1,))

    # layout rules
    dump = run([TOOL, 'dump', img]).stdout.decode()
    exts = {}
    for line in dump.splitlines():
        m = re.match(r'\s*\d+ FILE  (\S+) size (\d+) mode (\d+) .*? '
                     r'(simple|interleave)(.*)$', line)
        if m:
            exts[m.group(1)] = (m.group(4), [
                (int(a, 16), int(b, 16)) for a, b in
                re.findall(r'\[0:(0x[0-9a-f]+)\+(0x[0-9a-f]+)\]',
                           m.group(5))], int(m.group(2)), m.group(3))
    check(exts['a/small'][1] == [(0xa00000, 0x200000)],
          'first file at 2 MiB + log_len: %r' % (exts['a/small'],))
    check(exts['a/small'][3] == '0600', 'creat -m')
    check(exts['a/b/medium'][1] == [(0xc00000, 0x400000)],
          'contiguous first fit after the first file')
    kind, strips, size, _ = exts['a/b/c/striped']
    check(kind == 'interleave' and len(strips) == 4, 'interleave 4 strips')
    bucket = (16 << 30) // 8
    check(len({o // bucket for o, _ in strips}) == 4, 'one strip per bucket')
    check(all(ln == 6 * MIB for _, ln in strips), 'strip = 3 chunks')
    check(exts['below-chunk'][0] == 'simple', 'below one chunk: simple')
    check(exts['copied/one'][3] == '0640', 'cp keeps the mode')
    used = []
    for kind, e, size, _ in exts.values():
        for o, ln in e:
            check(o % (2 * MIB) == 0 and ln % (2 * MIB) == 0, 'alignment')
            used.append((o, o + ln))
    used.sort()
    for (a0, a1), (b0, b1) in zip(used, used[1:]):
        check(a1 <= b0, 'overlap %x-%x / %x-%x' % (a0, a1, b0, b1))
    check('copied/sub/empty' not in exts, 'empty source skipped')
    fsck = run([TOOL, 'fsck', img]).stdout.decode()
    check('0 bad log entries' in fsck and 'No allocation errors' in fsck,
          'fsck clean: ' + fsck)
    check(' 8 files, 6 directories' in fsck, 'fsck counts: ' + fsck)

    # master role: a client host may not append
    before = open(img, 'rb').read(12 * MIB)
    p = run([TOOL, 'creat', '-s', '1', img, 'from-client'], ok=(1,),
            env=cenv)
    check(b'not the master' in p.stderr, 'client append refused')
    check(open(img, 'rb').read(12 * MIB) == before, 'client left no trace')

    # writer lock: a second writer waits for the first
    fd = os.open(img, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    proc = subprocess.Popen([TOOL, 'creat', '-s', '1', img, 'locked'],
                            env=env, stderr=subprocess.PIPE)
    time.sleep(0.5)
    check(proc.poll() is None, 'writer must wait for the lock')
    check(b'locked' not in run([TOOL, 'logplay', '-l', img]).stdout,
          'nothing logged while the lock is held')
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    check(proc.wait(timeout=10) == 0, 'writer proceeds after unlock')
    check(b' locked size 1' in run([TOOL, 'logplay', '-l', img]).stdout,
          'locked file logged')

    # mkfs -f replaces, -f -k kills
    run([TOOL, 'mkfs', '-f', img], env=env)
    check('next_index 0' in run([TOOL, 'dump', img]).stdout.decode(),
          'mkfs -f makes an empty log')
    run([TOOL, 'mkfs', '-f', '-k', img], env=env)
    p = run([TOOL, 'fsck', img], ok=(1,))
    check(b'magic' in p.stderr, 'killed superblock: %r' % p.stderr)
    os.unlink(img)


main(test)
