#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Compare two trees file by file: type, mode, size, content, symlink target,
# user.* xattrs.  Usage: compare.py SRC MNT [--ignore NAME...]
import os, stat, sys

def xattrs(p):
    out = {}
    try:
        names = os.listxattr(p, follow_symlinks=False)
    except OSError:
        return out
    for n in names:
        if n.startswith("user.") or n.startswith("trusted."):
            out[n] = os.getxattr(p, n, follow_symlinks=False)
    return out

def main():
    src, mnt = sys.argv[1], sys.argv[2]
    ignore = set(sys.argv[4:]) if len(sys.argv) > 3 else set()
    bad = 0
    count = 0
    for root, dirs, files in os.walk(src):
        rel = os.path.relpath(root, src)
        mroot = os.path.join(mnt, rel)
        want = sorted(dirs + files)
        have = sorted(x for x in os.listdir(mroot) if x not in ignore or rel != ".")
        if want != have:
            print("listing differs in %s: only src %s only mnt %s" % (
                rel, sorted(set(want) - set(have))[:5], sorted(set(have) - set(want))[:5]))
            bad += 1
        for name in dirs + files:
            a = os.path.join(root, name)
            b = os.path.join(mroot, name)
            count += 1
            try:
                sa, sb = os.lstat(a), os.lstat(b)
            except OSError as e:
                print("stat %s: %s" % (b, e)); bad += 1; continue
            if stat.S_IFMT(sa.st_mode) != stat.S_IFMT(sb.st_mode) or \
               stat.S_IMODE(sa.st_mode) != stat.S_IMODE(sb.st_mode):
                print("mode differs: %s %o %o" % (b, sa.st_mode, sb.st_mode)); bad += 1
            if stat.S_ISREG(sa.st_mode):
                if sa.st_size != sb.st_size:
                    print("size differs: %s %d %d" % (b, sa.st_size, sb.st_size)); bad += 1
                else:
                    with open(a, "rb") as fa, open(b, "rb") as fb:
                        while True:
                            x, y = fa.read(1 << 20), fb.read(1 << 20)
                            if x != y:
                                print("content differs: %s" % b); bad += 1; break
                            if not x:
                                break
            elif stat.S_ISLNK(sa.st_mode):
                if os.readlink(a) != os.readlink(b):
                    print("symlink differs: %s" % b); bad += 1
            elif stat.S_ISCHR(sa.st_mode) or stat.S_ISBLK(sa.st_mode):
                if sa.st_rdev != sb.st_rdev:
                    print("rdev differs: %s" % b); bad += 1
            if xattrs(a) != xattrs(b):
                print("xattrs differ: %s %s %s" % (b, xattrs(a), xattrs(b))); bad += 1
    print("compared %d entries, %d differences" % (count, bad))
    return 1 if bad else 0

sys.exit(main())
