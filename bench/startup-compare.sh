#!/usr/bin/env bash
# Start-up of two or more gost trees, side by side: launch until the first byte comes back through a
# TCP forward (bench/lib/startup.py), the trees taken in turn (A B C A B C ...) so that whatever else
# the machine does hits them alike.
#
#   bench/startup-compare.sh TREE...          # e.g. /tmp/gost-before distribution/target/gost
#   ROUNDS=15 bench/startup-compare.sh ...
#
# Each TREE is a gost distribution directory (bin/gost inside). Run bin/gost-cds in each first: a tree
# without its archive starts about 0.4 s slower. Each run uses fresh free ports on 127.0.0.1; JAVA_HOME
# and JAVA_OPTS are passed to every tree alike. Prints, per tree, every run and the medians of the
# time until the port accepted, until the byte came back, and of the CPU time gost had used by then
# (user and system, all threads: less disturbed by other work on the machine than the elapsed time).
set -euo pipefail

ROUNDS=${ROUNDS:-11}
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)

die() { echo "startup-compare: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: bench/startup-compare.sh TREE..."
for tree in "$@"; do
    [ -x "$tree/bin/gost" ] || die "no bin/gost in $tree"
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for ((round = 1; round <= ROUNDS; round++)); do
    index=0
    for tree in "$@"; do
        read -r port echo_port <<<"$(python3 "$here/lib/ports.py" 2 | tr '\n' ' ')"
        python3 "$here/lib/startup.py" "$port" "$echo_port" "$work/gost-$index.log" \
            "$tree/bin/gost" -L "tcp://127.0.0.1:$port/127.0.0.1:$echo_port" >>"$work/times-$index" \
            || die "round $round, $tree failed (see above)"
        index=$((index + 1))
    done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "$ROUNDS rounds, load $(cut -d' ' -f1-3 /proc/loadavg) at the end"
printf '%-32s %9s %10s %6s  %s\n' tree accepted 'first byte' CPU 'first byte, every run'
index=0
for tree in "$@"; do
    times=$work/times-$index
    printf '%-32s %9s %10s %6s  %s\n' "$tree" "$(cut -d' ' -f1 "$times" | median)" "$(cut -d' ' -f2 "$times" | median)" \
        "$(cut -d' ' -f3 "$times" | median)" "$(cut -d' ' -f2 "$times" | tr '\n' ' ')"
    index=$((index + 1))
done
