# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared helpers for the famfs tests (suite 'famfs')."""
import hashlib
import json
import os
import subprocess
import sys

FIXTURES = os.environ.get('FAMFS_FIXTURES',
                          os.path.join(os.path.dirname(__file__), '..', '..',
                                       '..', '..', 'shared', 'fixtures',
                                       'famfs'))
NAMES = ['a1-empty', 'a2-tree', 'a3-interleaved']


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def run(args, ok=(0,), **kw):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       **kw)
    if ok is not None and p.returncode not in ok:
        raise Fail('%s: exit %d\nstdout: %s\nstderr: %s' %
                   (' '.join(args), p.returncode, p.stdout[-2000:],
                    p.stderr[-2000:]))
    return p


def manifest(name):
    with open(os.path.join(FIXTURES, name + '.manifest.json')) as f:
        return json.load(f)


def extract(name, scratch):
    """Extract a fixture image (sparse) into scratch once; return its path."""
    os.makedirs(scratch, exist_ok=True)
    img = os.path.join(scratch, name + '.img')
    stamp = img + '.ok'
    if not (os.path.exists(img) and os.path.exists(stamp)):
        run(['tar', '-xSf', os.path.join(FIXTURES, name + '.tar.xz'),
             '-C', scratch])
        open(stamp, 'w').close()
    return img


def sha256_of(data):
    return hashlib.sha256(data).hexdigest()


def pattern(seed, size):
    """The fixtures' content pattern (fixtures README)."""
    mask = (1 << 64) - 1
    x = seed ^ 0x9E3779B97F4A7C15
    if x == 0:
        x = 1
    words = []
    for _ in range(512):
        x ^= (x << 13) & mask
        x ^= x >> 7
        x ^= (x << 17) & mask
        words.append(x.to_bytes(8, 'little'))
    b = b''.join(words)
    out = bytearray()
    k = 0
    while len(out) < size:
        out += k.to_bytes(8, 'little') + seed.to_bytes(8, 'little') + b[16:]
        k += 1
    return bytes(out[:size])


def skip(why):
    print('skipped: ' + why)
    sys.exit(77)


def main(fn):
    try:
        fn()
    except Fail as e:
        print('FAIL: %s' % e)
        sys.exit(1)
    print('PASS')
