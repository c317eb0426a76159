#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Corrupt images and a full log.

- superblock: bad magic, bad CRC, unsupported version, truncated image:
  fsck/dump/logplay/creat exit 1 with a message, no crash;
- log header: bad CRC;
- a bad entry in the middle (CRC, seqnum): logplay stops there with the
  reason, fsck counts a bad entry and exits 1, writers refuse to append;
- a valid entry with a bad layout: skipped and reported, the rest replays;
- cross-linked allocations: fsck reports collisions, exits 1;
- random byte damage over the superblock and log: the tools never die on
  a signal;
- full log: the 15421st entry is refused with "log full" and the image is
  byte-for-byte unchanged.

usage: damage_test.py FAMFS_TOOL SCRATCH_DIR"""
import os
import random
import shutil
import struct
import sys
import zlib

from famfs_testlib import check, main, run

TOOL, SCRATCH = sys.argv[1], sys.argv[2]
MIB = 1 << 20
LOG = 2 * MIB
ENT = 544


def entry_off(i):
    return LOG + 48 + i * ENT


def patch(img, off, data):
    with open(img, 'r+b') as f:
        f.seek(off)
        f.write(data)


def read(img, off, n):
    with open(img, 'rb') as f:
        f.seek(off)
        return f.read(n)


def fresh(name, env):
    img = os.path.join(SCRATCH, name)
    if os.path.exists(img):
        os.unlink(img)
    with open(img, 'wb') as f:
        f.truncate(4 << 30)
    run([TOOL, 'mkfs', img], env=env)
    return img


def no_signal(args, env=None):
    p = run(args, ok=None, env=env)
    check(p.returncode >= 0, '%s died on signal %d' % (args, -p.returncode))
    return p


def test():
    os.makedirs(SCRATCH, exist_ok=True)
    uuidf = os.path.join(SCRATCH, 'dmg.uuid')
    env = dict(os.environ, FAMFS_SYSTEM_UUID_FILE=uuidf)
    img = fresh('dmg.img', env)
    run([TOOL, 'mkdir', img, 'd'], env=env)
    for i in range(4):
        run([TOOL, 'creat', '-s', str(3 * MIB), img, 'd/f%d' % i], env=env)
    good = read(img, 0, 12 * MIB)

    # superblock damage
    for what, off, data, msg in (
            ('magic', 0, b'\x5a', b'magic'),
            ('crc', 48, b'\x99', b'CRC'),
            ('version', 8, struct.pack('<Q', 49), b'version')):
        if what == 'version':   # keep the CRC valid: re-sign
            sb = bytearray(read(img, 0, 200))
            sb[8:16] = struct.pack('<Q', 49)
            sb[96:104] = struct.pack('<Q', zlib.crc32(bytes(sb[:96])))
            patch(img, 0, bytes(sb))
        else:
            patch(img, off, bytes([read(img, off, 1)[0] ^ data[0]]))
        for cmd in (['fsck', img], ['dump', img], ['logplay', img],
                    ['cat', img, 'd/f0']):
            p = run([TOOL] + cmd, ok=(1,), env=env)
            check(msg in p.stderr, '%s: %s: %r' % (what, cmd[0], p.stderr))
        p = run([TOOL, 'creat', '-s', '1', img, 'x'], ok=(1,), env=env)
        patch(img, 0, good[:200])
    run([TOOL, 'fsck', img])

    # version 47 with the current layout (OMF 2.1) is accepted; 46 is not
    for ver, minor, ok in ((47, 1, 0), (46, 1, 1), (47, 0, 0)):
        sb = bytearray(good[:200])
        sb[8:16] = struct.pack('<Q', ver)
        sb[44:48] = struct.pack('<I', minor)
        sb[96:104] = struct.pack('<Q', zlib.crc32(bytes(sb[:96])))
        patch(img, 0, bytes(sb))
        p = run([TOOL, 'fsck', img], ok=(ok,))
        if ok:
            check(b'version 46' in p.stderr, 'v46: %r' % p.stderr)
        else:
            check(b'4 files, 1 directories' in p.stdout, 'v%d' % ver)
    patch(img, 0, good[:200])

    # out of space: nothing logged, the log is unchanged
    before = read(img, LOG, 48 + 8 * ENT)
    p = run([TOOL, 'creat', '-s', str(4090 * MIB), img, 'huge'], ok=(1,),
            env=env)
    check(b'out of space' in p.stderr, 'ENOSPC message: %r' % p.stderr)
    check(read(img, LOG, 48 + 8 * ENT) == before, 'ENOSPC left a trace')

    # image shorter than the superblock says
    short = os.path.join(SCRATCH, 'short.img')
    shutil.copyfile(img, short)
    with open(short, 'r+b') as f:
        f.truncate(2 << 30)
    p = run([TOOL, 'fsck', short], ok=(1,))
    check(b'device has' in p.stderr, 'truncated image: %r' % p.stderr)
    os.unlink(short)

    # log header CRC
    patch(img, LOG + 17, b'\x01')
    p = run([TOOL, 'fsck', img], ok=(1,))
    check(b'log header CRC' in p.stderr, 'log header CRC: %r' % p.stderr)
    run([TOOL, 'creat', '-s', '1', img, 'x'], ok=(1,), env=env)
    patch(img, LOG, good[LOG:LOG + 48])

    # bad entry in the middle: entry 2 (d/f1)
    e2 = entry_off(2)
    patch(img, e2 + 200, bytes([good[e2 + 200] ^ 0x10]))
    p = run([TOOL, 'logplay', '-l', img], ok=(1,))
    out = p.stdout.decode()
    check(b'stopped at log entry 2' in p.stderr and b'CRC' in p.stderr,
          'logplay reason: %r' % p.stderr)
    check('d/f0' in out and 'd/f1' not in out and 'd/f2' not in out,
          'replay stops at the bad entry: ' + out)
    p = run([TOOL, 'fsck', img], ok=(1,))
    check(b'1 bad log entries' in p.stdout and b'4 files' not in p.stdout,
          'fsck bad entry: %r' % p.stdout)
    p = run([TOOL, 'creat', '-s', '1', img, 'x'], ok=(1,), env=env)
    check(b'damaged' in p.stderr, 'append on a damaged log: %r' % p.stderr)
    patch(img, e2, good[e2:e2 + ENT])
    patch(img, e2, struct.pack('<Q', 7))        # seqnum != index
    p = run([TOOL, 'logplay', img], ok=(1,))
    check(b'sequence number' in p.stderr, 'seqnum: %r' % p.stderr)
    patch(img, e2, good[e2:e2 + ENT])

    # valid CRC, bad layout (offset 0): skipped, the rest replays
    ent = bytearray(good[e2:e2 + ENT])
    ent[16 + 104 + 16 + 8:16 + 104 + 16 + 16] = struct.pack('<Q', 0)
    ent[536:544] = struct.pack('<Q', zlib.crc32(bytes(ent[:536])))
    patch(img, e2, bytes(ent))
    p = run([TOOL, 'logplay', '-l', img], ok=(1,))
    check(b'offset 0' in p.stderr, 'bad layout reason: %r' % p.stderr)
    check(b'd/f2' in p.stdout and b'd/f1' not in p.stdout,
          'skip and continue: %r' % p.stdout)
    patch(img, e2, good[e2:e2 + ENT])

    # cross-link: entry 3 gets entry 2's extent
    e3 = entry_off(3)
    ent = bytearray(good[e3:e3 + ENT])
    ent[16 + 104 + 16:16 + 104 + 40] = good[e2 + 16 + 104 + 16:
                                            e2 + 16 + 104 + 40]
    ent[536:544] = struct.pack('<Q', zlib.crc32(bytes(ent[:536])))
    patch(img, e3, bytes(ent))
    p = run([TOOL, 'fsck', img], ok=(1,))
    check(b'2 allocation collisions' in p.stdout and b'd/f2' in p.stdout,
          'collisions: %r' % p.stdout)
    patch(img, e3, good[e3:e3 + ENT])
    run([TOOL, 'fsck', img])

    # random damage: never a signal
    rnd = random.Random(1234)
    for i in range(80):
        off = rnd.choice([rnd.randrange(0, 200), rnd.randrange(LOG, LOG + 48),
                          rnd.randrange(LOG + 48, entry_off(6))])
        patch(img, off, bytes([rnd.randrange(256)]))
        for cmd in (['fsck', img], ['logplay', '-l', img], ['dump', img],
                    ['cat', img, 'd/f3']):
            no_signal([TOOL] + cmd)
        if i % 10 == 9:
            patch(img, 0, good)
    patch(img, 0, good)
    run([TOOL, 'fsck', img])

    # a crash between the entry write and the header update: the entry
    # is not counted, readers ignore it, the next append replaces it
    hdr = read(img, LOG, 48)
    nxt = struct.unpack('<Q', hdr[40:48])[0]
    torn = bytearray(read(img, entry_off(1), ENT))      # a valid FILE entry
    torn[0:8] = struct.pack('<Q', nxt)
    torn[536:544] = struct.pack('<Q', zlib.crc32(bytes(torn[:536])))
    patch(img, entry_off(nxt), bytes(torn))
    out = run([TOOL, 'logplay', '-l', img]).stdout
    check(b'%d log entries' % nxt in out, 'uncounted entry replayed')
    run([TOOL, 'fsck', img])
    run([TOOL, 'creat', '-s', '1', img, 'after-crash'], env=env)
    out = run([TOOL, 'logplay', '-l', img]).stdout
    check(b' after-crash size 1' in out and
          b'%d log entries' % (nxt + 1) in out, 'append after a torn entry')
    run([TOOL, 'fsck', img])

    # full log
    full = fresh('full.img', env)
    names = ['d%d' % i for i in range(15420)]
    run([TOOL, 'mkdir', full] + names, env=env)
    p = run([TOOL, 'fsck', full])
    check(b'15420 of 15420 entries used' in p.stdout, 'full: %r' % p.stdout)
    before = read(full, 0, 12 * MIB)
    p = run([TOOL, 'creat', '-s', '1', full, 'one-more'], ok=(1,), env=env)
    check(b'log full' in p.stderr, 'full log message: %r' % p.stderr)
    p = run([TOOL, 'mkdir', full, 'one-more'], ok=(1,), env=env)
    check(b'log full' in p.stderr, 'full log mkdir: %r' % p.stderr)
    check(read(full, 0, 12 * MIB) == before, 'full log: image changed')
    check(b'15420 log entries' in run([TOOL, 'logplay', full]).stdout,
          'full log replays')
    os.unlink(full)
    os.unlink(img)


main(test)
