#!/usr/bin/env bash
# bench/limiter.sh: how close gost-java's traffic limiter keeps a tunnel to its rate, and what an unlimited
# limiter line costs bulk throughput. Not run in CI; run it alone on a quiet machine.
#
#   1  accuracy: for each rate in BENCH_RATES (GOST's units), gost forwards a local port to a source of bytes
#      with -L "tcp://127.0.0.1:P/127.0.0.1:SOURCE?limiter.conn.out=RATE" and a reader takes them for
#      BENCH_DURATION seconds: bytes received / seconds against the rate (goal: within +-10%). Below 64 MB/s
#      the source is socat serving /dev/zero and the reader socat; from 64 MB/s on (socat's 8 KiB writes top out
#      near 200 MB/s) it is iperf3 in reverse (-R: its server sends through the forward, the client receives).
#   2  cost: iperf3 through a forward without a limiter and through one with in and out lines that never bind
#      (1TB/s), alternated BENCH_REPS times: the drop in the median is the limiter's cost (goal: <= 5%).
#
# The 100,000-CIDR matching cost is measured by AddressTableTest (load time) and would be measured per lookup
# with a JMH benchmark over AddressTable.lookup; none is in the tree yet.
#
# Environment: BENCH_RATES="64KB 1MB 100MB 1GB", BENCH_DURATION=5, BENCH_REPS=5 (cost rounds).
# Every process is started by this script and killed by pid on exit.
set -euo pipefail

BENCH_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
ROOT=$(dirname -- "$BENCH_DIR")
GOST=$ROOT/distribution/target/gost/bin/gost
RATES=${BENCH_RATES:-"64KB 1MB 100MB 1GB"}
DURATION=${BENCH_DURATION:-5}
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { python3 "$BENCH_DIR/lib/ports.py" 1; }

bytes_of() { # "64KB" -> bytes (GOST's units: multiples of 1024)
  python3 - "$1" <<'PY'
import re, sys
m = re.fullmatch(r"(\d+(?:\.\d+)?)(B|KB|MB|GB|TB)?", sys.argv[1])
print(int(float(m.group(1)) * 1024 ** "B KB MB GB TB".split().index(m.group(2) or "B")))
PY
}

# A source of endless zeros on a TCP port.
SOURCE=$(free_port)
# -U: the bytes flow from /dev/zero (right) to each accepted connection (left).
socat -U "TCP-LISTEN:$SOURCE,bind=127.0.0.1,fork,reuseaddr" OPEN:/dev/zero & PIDS+=($!)
# The fast source: iperf3's server, which sends in reverse tests (and receives in the cost rounds below).
IPERF=$(free_port)
iperf3 -s -B 127.0.0.1 -p "$IPERF" >/dev/null 2>&1 & PIDS+=($!)
FAST_FROM=$((64 * 1024 * 1024))

measure() { # $1 = gost forward port: bytes/s received in DURATION seconds
  # timeout ends the reader with status 124, which is how every measurement ends: not a failure.
  { timeout "$DURATION" socat -u "TCP:127.0.0.1:$1" - 2>/dev/null || true; } | wc -c \
    | awk -v d="$DURATION" '{ printf "%d", $1 / d }'
}

echo "| limit | achieved | ratio | source |"
echo "|---|---|---|---|"
measure_fast() { # $1 = gost forward port to iperf3's server: bytes/s the client received in DURATION seconds
  iperf3 -c 127.0.0.1 -p "$1" -R -t "$DURATION" -J 2>/dev/null \
    | python3 -c 'import json,sys; print("%d" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 8))'
}

for rate in $RATES; do
  PORT=$(free_port)
  want=$(bytes_of "$rate")
  if [ "$want" -ge "$FAST_FROM" ]; then
    "$GOST" -L "tcp://127.0.0.1:$PORT/127.0.0.1:$IPERF?limiter.conn.out=$rate" >/dev/null 2>&1 & PIDS+=($!)
    # waited for by looking: a probe's connection would reach iperf3's server as a test that never starts
    until ss -Hltn "sport = :$PORT" | grep -q .; do sleep 0.2; done
    got=$(measure_fast "$PORT"); source=iperf3
  else
    "$GOST" -L "tcp://127.0.0.1:$PORT/127.0.0.1:$SOURCE?limiter.conn.out=$rate" >/dev/null 2>&1 & PIDS+=($!)
    until (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do sleep 0.2; done
    got=$(measure "$PORT"); source=socat
  fi
  echo "| $rate/s | $got B/s | $(awk -v g="$got" -v w="$want" 'BEGIN { printf "%.3f", g / w }') | $source |"
done

# Cost: iperf3 (its own sender and receiver, far faster than socat's 8 KiB writes) through a forward without a
# limiter and through one with a line that never binds, rounds alternated so drift hits both alike.
PLAIN=$(free_port)
LIMITED=$(free_port)
"$GOST" -L "tcp://127.0.0.1:$PLAIN/127.0.0.1:$IPERF" >/dev/null 2>&1 & PIDS+=($!)
"$GOST" -L "tcp://127.0.0.1:$LIMITED/127.0.0.1:$IPERF?limiter.conn.out=1TB&limiter.conn.in=1TB" >/dev/null 2>&1 & PIDS+=($!)
# Waited for by looking, not by connecting: a probe's connection would reach iperf3's server as a test that
# never starts, and the server answers "busy" for a while after it.
for port in "$PLAIN" "$LIMITED"; do
  until ss -Hltn "sport = :$port" | grep -q .; do sleep 0.2; done
done
gbits() { # PORT: Gbit/s received by iperf3's server through the forward at PORT
  iperf3 -c 127.0.0.1 -p "$1" -t "$DURATION" -J 2>/dev/null \
    | python3 -c 'import json,sys; print("%.3f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))'
}
gbits "$PLAIN" >/dev/null; gbits "$LIMITED" >/dev/null # warm-up: the JIT compiles both paths
plain_runs=(); limited_runs=()
for _ in $(seq "${BENCH_REPS:-5}"); do
  plain_runs+=("$(gbits "$PLAIN")"); limited_runs+=("$(gbits "$LIMITED")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
plain=$(median "${plain_runs[@]}")
limited=$(median "${limited_runs[@]}")
echo
echo "bulk (iperf3, Gbit/s): without limiter $plain (${plain_runs[*]}), with 1TB/s in and out lines $limited" \
  "(${limited_runs[*]}), cost $(awk -v p="$plain" -v l="$limited" 'BEGIN { printf "%.1f%%", (1 - l / p) * 100 }')"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
