#!/usr/bin/env bash
# The library benchmark: the same server source (benchfs.c) built against
# Debian's libfuse3 (3.14) and against this library, mounted one after the
# other over a tmpfs, each running the fio workloads of
# ../../../shared/spec/libfuse-api.md section 4 (sizes scaled down so one
# run takes a few minutes). Ours runs over /dev/fuse and over io_uring.
# Prints one table with medians and ratios. Never asserts on timings.
#
#   bench/lib/run.sh [BUILD_DIR]
#
# Environment: REPS (repetitions, default 1; configurations are interleaved
# round-robin so background load hits all alike), RUNTIME (seconds per
# random-read job, default 6), SIZE_MB (data file size, default 1024),
# NFILES (metadata files, default 10000), OUT (also write the table here).
# Needs root (mount), fio and python3. io_uring: sets
# /sys/module/fuse/parameters/enable_uring to Y for the run and restores it.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build}
build=$(cd "$build" 2>/dev/null && pwd) || { echo "no build dir $1" >&2; exit 1; }
OURS=$build/bench/lib/benchfs_ours
DEB=$build/bench/lib/benchfs_debian
REPS=${REPS:-1}
RUNTIME=${RUNTIME:-6}
SIZE_MB=${SIZE_MB:-1024}
NFILES=${NFILES:-10000}
URING_PARAM=/sys/module/fuse/parameters/enable_uring

die() { echo "bench/lib: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "skipped: needs root (mount)"; exit 77; }
[ -c /dev/fuse ] || { echo "skipped: no /dev/fuse"; exit 77; }
command -v fio >/dev/null || die "fio not installed"
command -v python3 >/dev/null || die "python3 not installed"
[ -x "$OURS" ] || die "$OURS not built"

W=$(mktemp -d /tmp/bench-lib.XXXXXX) || die "mktemp"
T=$W/tmpfs
M=$W/mnt
RES=$W/results.tsv
NOTES=$W/notes
mkdir "$T" "$M"
: > "$RES"
: > "$NOTES"
PID=
uring_orig=

cleanup() {
	if [ -n "$PID" ]; then
		umount "$M" 2>/dev/null || umount -l "$M" 2>/dev/null
		kill "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
	umount "$T" 2>/dev/null
	[ -n "$uring_orig" ] && echo "$uring_orig" > "$URING_PARAM" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

mount -t tmpfs -o size=$((SIZE_MB * 2 + 1024))m bench-lib-tmpfs "$T" ||
	die "cannot mount tmpfs"
echo "bench/lib: writing ${SIZE_MB} MiB of random data to tmpfs" >&2
dd if=/dev/urandom of="$T/data" bs=1M count="$SIZE_MB" status=none ||
	die "cannot write the data file"

if [ -e "$URING_PARAM" ]; then
	uring_orig=$(cat "$URING_PARAM")
	echo Y > "$URING_PARAM" 2>/dev/null ||
		echo "io_uring: cannot set enable_uring" >> "$NOTES"
else
	echo "io_uring: kernel has no enable_uring parameter" >> "$NOTES"
fi

is_mounted() {
	awk -v m="$M" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo
}

# start <config> <cmd...>: mount; returns non-zero with a note on failure.
start() {
	local cfg=$1 i

	shift
	env --default-signal=INT,TERM "$@" --source="$T" -f "$M" \
		> "$W/$cfg.log" 2>&1 &
	PID=$!
	for i in $(seq 1 200); do
		if is_mounted; then
			# The first access waits for INIT (and ring setup).
			timeout 10 stat "$M/data" >/dev/null ||
				{ echo "$cfg: stat after mount failed" >> "$NOTES"; stop; return 1; }
			return 0
		fi
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "$cfg: did not mount: $(tail -n 1 "$W/$cfg.log")" >> "$NOTES"
	stop
	return 1
}

stop() {
	is_mounted && { umount "$M" || umount -l "$M"; }
	for _ in $(seq 1 100); do
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$PID" 2>/dev/null
	wait "$PID" 2>/dev/null
	PID=
}

# fio_val <metric> <fio args...>: prints the metric from fio's JSON.
fio_val() {
	local metric=$1

	shift
	timeout $((RUNTIME * 4 + 120)) fio --output-format=json "$@" \
		> "$W/fio.json" 2> "$W/fio.err" || { echo "fail"; return; }
	python3 - "$metric" "$W/fio.json" <<'PY'
import json, sys
metric, path = sys.argv[1], sys.argv[2]
text = open(path).read()
job = json.loads(text[text.index('{'):])['jobs'][0]
if job.get('error'):
    print('fail')
elif metric == 'iops':
    print('%.0f' % max(job['read']['iops'], job['write']['iops']))
elif metric == 'read_mib':
    print('%.0f' % (job['read']['bw'] / 1024.0))
elif metric == 'write_mib':
    print('%.0f' % (job['write']['bw'] / 1024.0))
PY
}

workloads() {
	local cfg=$1 F=$M v

	v=$(fio_val iops --name=rr4k-dio1 --filename="$F/data" --rw=randread \
		--bs=4k --size=${SIZE_MB}m --direct=1 --ioengine=psync \
		--time_based --runtime="$RUNTIME" --ramp_time=1)
	printf '%s\trr4k-dio1\t%s\n' "$cfg" "$v" >> "$RES"
	# The same with fio pinned to one CPU: the per-CPU io_uring queues
	# (and /dev/fuse wake-ups) are then not defeated by fio migrating
	# between the two CPUs, which the scheduler does on every other wake-up.
	v=$(fio_val iops --name=rr4k-dio1p --filename="$F/data" --rw=randread \
		--bs=4k --size=${SIZE_MB}m --direct=1 --ioengine=psync \
		--cpus_allowed=0 --time_based --runtime="$RUNTIME" --ramp_time=1)
	printf '%s\trr4k-dio1p\t%s\n' "$cfg" "$v" >> "$RES"
	v=$(fio_val iops --name=rr4k-dio16 --filename="$F/data" --rw=randread \
		--bs=4k --size=${SIZE_MB}m --direct=1 --ioengine=libaio \
		--iodepth=16 --time_based --runtime="$RUNTIME" --ramp_time=1)
	printf '%s\trr4k-dio16\t%s\n' "$cfg" "$v" >> "$RES"
	v=$(fio_val read_mib --name=sr1m --filename="$F/data" --rw=read \
		--bs=1m --size=${SIZE_MB}m --ioengine=psync --invalidate=1)
	printf '%s\tsr1m\t%s\n' "$cfg" "$v" >> "$RES"
	v=$(fio_val write_mib --name=sw1m --filename="$F/wfile" --rw=write \
		--bs=1m --size=${SIZE_MB}m --ioengine=psync --end_fsync=1)
	printf '%s\tsw1m\t%s\n' "$cfg" "$v" >> "$RES"
	rm -f "$T/wfile"
	mkdir -p "$F/meta"
	for op in create stat delete; do
		v=$(fio_val iops --name=meta --ioengine=file$op \
			--directory="$F/meta" --nrfiles="$NFILES" --filesize=4k \
			--bs=4k --openfiles=1 --fallocate=none \
			--file_service_type=sequential)
		printf '%s\t%s\t%s\n' "$cfg" "$op" "$v" >> "$RES"
	done
	rm -rf "$T/meta"
}

na() {
	local cfg=$1 w

	for w in rr4k-dio1 rr4k-dio1p rr4k-dio16 sr1m sw1m create stat delete; do
		printf '%s\t%s\tn/a\n' "$cfg" "$w" >> "$RES"
	done
}

run_cfg() {
	local cfg=$1

	shift
	echo "bench/lib: $cfg" >&2
	# The parameter is global: another program may have reset it since.
	[ "$cfg" = uring ] && [ -w "$URING_PARAM" ] && echo Y > "$URING_PARAM"
	if ! start "$cfg" "$@"; then
		na "$cfg"
		return
	fi
	if [ "$cfg" = uring ] &&
	   ! ls -l "/proc/$PID/fd" 2>/dev/null | grep -q 'io_uring'; then
		echo "uring: the server has no io_uring fd (fell back to /dev/fuse; enable_uring=$(cat "$URING_PARAM" 2>/dev/null))" >> "$NOTES"
		stop
		na "$cfg"
		return
	fi
	echo "$cfg: server threads: $(ps -L -o comm= -p "$PID" | sort | uniq -c |
		awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }')" >> "$NOTES"
	workloads "$cfg"
	stop
}

for rep in $(seq 1 "$REPS"); do
	if [ -x "$DEB" ]; then
		run_cfg debian "$DEB"
	else
		echo "debian: benchfs_debian not built (libfuse3-dev missing at configure time)" >> "$NOTES"
		na debian
	fi
	run_cfg devfuse "$OURS"
	run_cfg uring "$OURS" -o io_uring
done

{
	echo "bench/lib: $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -r), $(nproc) CPUs, fio $(fio --version | sed 's/fio-//'), REPS=$REPS RUNTIME=${RUNTIME}s SIZE=${SIZE_MB}MiB NFILES=$NFILES"
	python3 - "$RES" "$NFILES" <<'PY'
import sys, statistics
rows = [('rr4k-dio1', '4k randread O_DIRECT QD1, IOPS'),
        ('rr4k-dio1p', '4k randread O_DIRECT QD1, fio pinned to CPU 0, IOPS'),
        ('rr4k-dio16', '4k randread O_DIRECT QD16 libaio, IOPS'),
        ('sr1m', '1 MiB seq read, MiB/s'),
        ('sw1m', '1 MiB seq write (+fsync), MiB/s'),
        ('create', 'create NFILES files, ops/s'),
        ('stat', 'stat NFILES files, ops/s'),
        ('delete', 'unlink NFILES files, ops/s')]
vals = {}
for line in open(sys.argv[1]):
    cfg, w, v = line.rstrip('\n').split('\t')
    vals.setdefault((cfg, w), []).append(v)

def med(cfg, w):
    v = vals.get((cfg, w), [])
    nums = [float(x) for x in v if x not in ('n/a', 'fail', '')]
    if not nums:
        return None, (v[0] if v else 'n/a') or 'fail'
    m = statistics.median(nums)
    txt = '%.0f' % m
    if len(nums) > 1:
        txt += ' [%.0f-%.0f]' % (min(nums), max(nums))
    return m, txt

def ratio(a, b):
    return '%.2fx' % (a / b) if a is not None and b else 'n/a'

print('| workload | debian-3.14 | ours /dev/fuse | ours io_uring | ours/debian | uring/devfuse |')
print('|---|---|---|---|---|---|')
for w, label in rows:
    d, dt = med('debian', w)
    o, ot = med('devfuse', w)
    u, ut = med('uring', w)
    print('| %s | %s | %s | %s | %s | %s |' % (
        label.replace('NFILES', sys.argv[2]), dt, ot, ut, ratio(o, d),
        ratio(u, o)))
PY
	sed 's/^/note: /' "$NOTES" | sort -u
} | tee "${OUT:-/dev/null}"
