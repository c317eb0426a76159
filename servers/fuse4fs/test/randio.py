#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Random writes, truncates, punches and reads on a file in the mount,
# checked against an in-memory model.  usage: randio.py FILE SEED [direct]
import mmap, os, random, sys

path, seed = sys.argv[1], int(sys.argv[2])
direct = len(sys.argv) > 3
rnd = random.Random(seed)
model = bytearray()
flags = os.O_RDWR | os.O_CREAT | os.O_TRUNC
fd = os.open(path, flags, 0o644)
MAX = 3 << 20

def check(tag):
    os.lseek(fd, 0, 0)
    got = b""
    while True:
        b = os.read(fd, 1 << 20)
        if not b:
            break
        got += b
    if got != bytes(model):
        n = next((i for i in range(min(len(got), len(model))) if got[i] != model[i]), None)
        sys.exit("%s: mismatch (len %d vs %d, first diff %s)" % (tag, len(got), len(model), n))

for step in range(400):
    op = rnd.random()
    if op < 0.6:
        off = rnd.randrange(0, MAX)
        ln = rnd.choice([1, 7, 512, 4095, 4096, 4097, 65536, 300000, rnd.randrange(1, 200000)])
        data = os.urandom(ln)
        os.pwrite(fd, data, off)
        if len(model) < off:
            model.extend(b"\0" * (off - len(model)))
        model[off:off + ln] = data
    elif op < 0.7:
        size = rnd.randrange(0, MAX)
        os.ftruncate(fd, size)
        if size < len(model):
            del model[size:]
        else:
            model.extend(b"\0" * (size - len(model)))
    elif op < 0.8 and hasattr(os, "posix_fallocate"):
        off = rnd.randrange(0, MAX); ln = rnd.randrange(1, 300000)
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            r = libc.fallocate(fd, 3, ctypes.c_long(off), ctypes.c_long(ln))  # PUNCH_HOLE|KEEP_SIZE
            if r == 0:
                end = min(off + ln, len(model))
                if off < end:
                    model[off:end] = b"\0" * (end - off)
        except OSError:
            pass
    else:
        off = rnd.randrange(0, MAX); ln = rnd.randrange(1, 200000)
        got = os.pread(fd, ln, off)
        if got != bytes(model[off:off + ln]):
            sys.exit("pread mismatch at step %d off %d len %d" % (step, off, ln))
    if step % 50 == 49:
        check("step %d" % step)
os.fsync(fd)
check("final")
os.close(fd)
print("randio ok: %d bytes" % len(model))
