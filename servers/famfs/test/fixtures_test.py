#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every fixture read by the format library, checked against its manifest:
superblock fields, log counters, fsck summary, every FILE and MKDIR entry
(path, size, mode, uid, gid, flags, layout, extents, log index), the
replayed namespace, and the sha256 of every file read through its layout.

usage: fixtures_test.py FAMFS_TOOL SCRATCH_DIR"""
import re
import sys

from famfs_testlib import (NAMES, check, extract, main, manifest, run,
                           sha256_of)

TOOL, SCRATCH = sys.argv[1], sys.argv[2]


def parse_dump(out):
    files, dirs, hdr = {}, {}, {}
    for line in out.splitlines():
        m = re.match(r'log header: .* last_index (\d+) .* next_seqnum (\d+) '
                     r'next_index (\d+)', line)
        if m:
            hdr = dict(last=int(m.group(1)), seq=int(m.group(2)),
                       next=int(m.group(3)))
        m = re.match(r'\s*(\d+) FILE  (\S+) size (\d+) mode (\d+) uid (\d+) '
                     r'gid (\d+) flags (\d+) (simple|interleave)'
                     r'(?: nstrips (\d+) chunk (0x[0-9a-f]+))?(.*)$', line)
        if m:
            exts = [dict(devindex=int(a), offset=int(b, 16), length=int(c, 16))
                    for a, b, c in re.findall(
                        r'\[(\d+):(0x[0-9a-f]+)\+(0x[0-9a-f]+)\]',
                        m.group(11))]
            layout = 'simple' if m.group(8) == 'simple' else {
                'interleave': {'nstrips': int(m.group(9)),
                               'chunk': int(m.group(10), 16)}}
            files[m.group(2)] = dict(
                log_index=int(m.group(1)), size=int(m.group(3)),
                mode=m.group(4), uid=int(m.group(5)), gid=int(m.group(6)),
                flags=int(m.group(7)), layout=layout, extents=exts)
        m = re.match(r'\s*(\d+) MKDIR (\S+) mode (\d+) uid (\d+) gid (\d+)',
                     line)
        if m:
            dirs[m.group(2)] = dict(log_index=int(m.group(1)),
                                    mode=m.group(3), uid=int(m.group(4)),
                                    gid=int(m.group(5)))
        check('BAD' not in line, 'dump reports damage: ' + line)
    return hdr, files, dirs


def one(name):
    m = manifest(name)
    img = extract(name, SCRATCH)
    dump = run([TOOL, 'dump', img]).stdout.decode()
    sb = m['superblock']
    check('magic %s version %d omf %s ' % (sb['magic'], sb['version'],
                                           sb['omf_version']) in dump,
          name + ': superblock magic/version/omf')
    for k in ('fs_uuid', 'dev_uuid', 'system_uuid'):
        check(sb[k] in dump, '%s: %s %s' % (name, k, sb[k]))
    check('daxdev "%s" size %d' % (sb['daxdev_name'], sb['dev_size']) in dump,
          name + ': daxdev name/size')
    check('log_offset 0x%x log_len 0x%x alloc_unit 0x%x' %
          (m['log_offset'], m['log_len'], m['alloc_unit']) in dump,
          name + ': log offset/len/alloc unit')
    hdr, files, dirs = parse_dump(dump)
    check(hdr['last'] == m['log_last_index'], name + ': last index')
    check(hdr['next'] == m['entries'], name + ': entries')
    check(m['log_capacity'] - hdr['next'] == m['log_free_entries'],
          name + ': free entries')
    check(len(files) == len(m['files']), '%s: %d files, manifest %d' %
          (name, len(files), len(m['files'])))
    check(len(dirs) == len(m['dirs']), name + ': dir count')
    for f in m['files']:
        g = files.get(f['path'])
        check(g is not None, '%s: file %s missing' % (name, f['path']))
        for k in ('log_index', 'size', 'mode', 'uid', 'gid', 'flags',
                  'layout', 'extents'):
            check(g[k] == f[k], '%s: %s: %s is %r, manifest %r' %
                  (name, f['path'], k, g[k], f[k]))
        data = run([TOOL, 'cat', img, f['path']]).stdout
        check(len(data) == f['size'], '%s: %s: read %d bytes' %
              (name, f['path'], len(data)))
        check(sha256_of(data) == f['sha256'], '%s: %s: sha256 mismatch' %
              (name, f['path']))
    for d in m['dirs']:
        g = dirs.get(d['path'])
        check(g is not None, '%s: dir %s missing' % (name, d['path']))
        for k in ('log_index', 'mode', 'uid', 'gid'):
            check(g[k] == d[k], '%s: dir %s: %s' % (name, d['path'], k))
    fsck = run([TOOL, 'fsck', img], ok=(m['fsck_exit'],)).stdout.decode()
    want = m['fsck'].rsplit(' (exit', 1)[0]
    check(want in fsck, '%s: fsck summary %r not in %r' % (name, want, fsck))
    lp = run([TOOL, 'logplay', '-l', img]).stdout.decode()
    check('%d log entries; %d new files; %d new directories' %
          (m['entries'], len(m['files']), len(m['dirs'])) in lp,
          name + ': logplay summary')
    for f in m['files']:
        check(' %s size %d' % (f['path'], f['size']) in lp,
              '%s: %s not in the replayed namespace' % (name, f['path']))
    print('%s: %d files, %d dirs verified' % (name, len(files), len(dirs)))


def test():
    for name in NAMES:
        one(name)


main(test)
