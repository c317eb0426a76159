#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fuse4fs vs Debian's fuse2fs vs kernel ext4 (loop device), one run each on
# copies of the same freshly made image.  Needs root, fio, fuse2fs.
# usage: bench.sh path/to/fuse4fs [SIZE_MB] [RAND_SECONDS] [NFILES]
set -u
F4=${1:?usage: bench.sh fuse4fs [size_mb] [rand_s] [nfiles]}
SIZE=${2:-1024}
RT=${3:-20}
NF=${4:-10000}
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/f4bench.XXXXXX)
M=$W/mnt
mkdir -p "$M"
trap 'mountpoint -q "$M" && umount "$M"; rm -rf "$W"' EXIT
for c in fio fuse2fs mke2fs losetup cc; do
	command -v $c >/dev/null || { echo "skipped: no $c"; exit 77; }
done
cc -O2 -o "$W/meta" "$HERE/meta.c" || exit 1
mke2fs -q -F -t ext4 "$W/base.img" 4G || exit 1
drop() { sync; echo 3 > /proc/sys/vm/drop_caches; }
jq_bw() {	# fio json -> MiB/s or IOPS
	python3 -c "import json,sys; j=json.load(open(sys.argv[1]))['jobs'][0][sys.argv[2]]; print(round(j['bw']/1024,1) if sys.argv[3]=='bw' else round(j['iops']))" "$@"
}
run() {
	local sys=$1 img=$W/$1.img pid= loop=
	cp --sparse=always "$W/base.img" "$img"
	case $sys in
	fuse4fs) "$F4" -f "$img" "$M" > "$W/$sys.log" 2>&1 & pid=$! ;;
	fuse2fs) fuse2fs -f "$img" "$M" > "$W/$sys.log" 2>&1 & pid=$! ;;
	kernel) loop=$(losetup -f --show "$img"); mount -t ext4 "$loop" "$M" ;;
	esac
	for i in $(seq 100); do mountpoint -q "$M" && break; sleep 0.1; done
	local F="--ioengine=psync --numjobs=1 --output-format=json --filename=$M/seqfile"
	fio --name=sw $F --rw=write --bs=1M --size=${SIZE}M --end_fsync=1 > "$W/$sys.sw.json"
	drop
	fio --name=sr $F --rw=read --bs=1M --size=${SIZE}M > "$W/$sys.sr.json"
	drop
	fio --name=rb $F --rw=randread --bs=4k --size=${SIZE}M --runtime=$RT --time_based > "$W/$sys.rb.json"
	drop
	fio --name=rd $F --rw=randread --bs=4k --size=${SIZE}M --runtime=$RT --time_based --direct=1 > "$W/$sys.rd.json"
	"$W/meta" "$M/d" "$NF" > "$W/$sys.meta.json"
	umount "$M"
	[ -n "$pid" ] && wait "$pid"
	[ -n "$loop" ] && losetup -d "$loop"
	if e2fsck -fn "$img" > /dev/null 2>&1; then echo "$sys: e2fsck clean"; else echo "$sys: e2fsck NOT clean"; fi
	rm -f "$img"
	echo "$sys $(jq_bw "$W/$sys.sw.json" write bw) $(jq_bw "$W/$sys.sr.json" read bw)" \
	     "$(jq_bw "$W/$sys.rb.json" read iops) $(jq_bw "$W/$sys.rd.json" read iops)" \
	     "$(python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(j['create'], j['stat'], j['unlink'])" "$W/$sys.meta.json")" \
	     >> "$W/results"
}
echo "load before: $(cat /proc/loadavg)"
for s in fuse4fs fuse2fs kernel; do run $s; done
echo "load after: $(cat /proc/loadavg)"
python3 - "$W/results" "$SIZE" "$RT" "$NF" <<'PY'
import sys
rows = {l.split()[0]: [float(x) for x in l.split()[1:]] for l in open(sys.argv[1])}
names = ["seq write MiB/s", "seq read MiB/s", "4k randread buffered IOPS",
         "4k randread O_DIRECT IOPS", "create %s files s" % sys.argv[4],
         "stat s", "unlink s"]
higher = [True, True, True, True, False, False, False]
f4, f2, k = rows["fuse4fs"], rows["fuse2fs"], rows["kernel"]
print("size %s MiB, random %s s, %s files" % tuple(sys.argv[2:5]))
print("| metric | fuse4fs | fuse2fs | kernel ext4 | fuse4fs/fuse2fs | fuse4fs/kernel |")
print("|---|---|---|---|---|---|")
for i, n in enumerate(names):
    def ratio(a, b):
        if a == 0 or b == 0:
            return "-"
        return "%.2f" % ((a / b) if higher[i] else (b / a))
    print("| %s | %g | %g | %g | %s | %s |" % (n, f4[i], f2[i], k[i], ratio(f4[i], f2[i]), ratio(f4[i], k[i])))
print("(ratios: >1 means fuse4fs is better)")
PY
