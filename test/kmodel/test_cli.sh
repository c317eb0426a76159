#!/bin/sh
# The kmodel CLI against an unmodified libfuse server: sha256 of the file
# must match the bytes the server holds, and `dialects` must list every table.
set -u
KMODEL=$1
SERVER=$2
want=$(python3 -c 'import hashlib; print(hashlib.sha256(bytes((i * 7) & 255 for i in range(300000))).hexdigest())') || {
	echo "skipped: python3 unavailable"; exit 77; }
for d in stock iomap-v7 famfs-v10; do
	got=$("$KMODEL" --dialect "$d" sha256 /f -- "$SERVER" | cut -d' ' -f1)
	if [ "$got" != "$want" ]; then
		echo "FAIL $d: sha256 $got, want $want"
		exit 1
	fi
	echo "ok $d: $got"
done
n=$("$KMODEL" dialects | wc -l)
[ "$n" -eq 7 ] || { echo "FAIL: $n dialects listed"; exit 1; }
if "$KMODEL" --dialect nonsense sha256 /f -- "$SERVER" 2>/dev/null; then
	echo "FAIL: unknown dialect accepted"
	exit 1
fi
if "$KMODEL" --dialect stock cat /missing -- "$SERVER" 2>/dev/null; then
	echo "FAIL: missing file read"
	exit 1
fi
echo "ok cli"
