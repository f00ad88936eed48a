#!/usr/bin/env bash
# bench/limiter.sh: how close gost-java's traffic limiter keeps a tunnel to its rate, and what an unlimited
# limiter line costs bulk throughput. Not run in CI; run it alone on a quiet machine.
#
#   1  accuracy: for each rate in BENCH_RATES (GOST's units), gost forwards a local port to socat serving
#      /dev/zero with -L "tcp://127.0.0.1:P/127.0.0.1:SOURCE?limiter.conn.out=RATE", and socat reads from
#      it for BENCH_DURATION seconds: bytes received / seconds against the rate (goal: within +-10%).
#   2  cost: the same forward without a limiter and with a line that never binds (1TB/s): the drop in
#      bulk throughput is the limiter's cost (goal: <= 5%).
#
# The 100,000-CIDR matching cost is measured by AddressTableTest (load time) and would be measured per lookup
# with a JMH benchmark over AddressTable.lookup; none is in the tree yet.
#
# Environment: BENCH_RATES="64KB 1MB 100MB 1GB", BENCH_DURATION=5.
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
socat -u "TCP-LISTEN:$SOURCE,bind=127.0.0.1,fork,reuseaddr" OPEN:/dev/zero & PIDS+=($!)

measure() { # $1 = gost forward port: bytes/s received in DURATION seconds
  timeout "$DURATION" socat -u "TCP:127.0.0.1:$1" - 2>/dev/null | wc -c | awk -v d="$DURATION" '{ printf "%d", $1 / d }'
}

echo "| limit | achieved | ratio |"
echo "|---|---|---|"
for rate in $RATES; do
  PORT=$(free_port)
  "$GOST" -L "tcp://127.0.0.1:$PORT/127.0.0.1:$SOURCE?limiter.conn.out=$rate" >/dev/null 2>&1 & PIDS+=($!)
  until (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do sleep 0.2; done
  got=$(measure "$PORT")
  want=$(bytes_of "$rate")
  echo "| $rate/s | $got B/s | $(awk -v g="$got" -v w="$want" 'BEGIN { printf "%.3f", g / w }') |"
done

PLAIN=$(free_port)
LIMITED=$(free_port)
"$GOST" -L "tcp://127.0.0.1:$PLAIN/127.0.0.1:$SOURCE" >/dev/null 2>&1 & PIDS+=($!)
"$GOST" -L "tcp://127.0.0.1:$LIMITED/127.0.0.1:$SOURCE?limiter.conn.out=1TB" >/dev/null 2>&1 & PIDS+=($!)
for port in "$PLAIN" "$LIMITED"; do
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.2; done
done
plain=$(measure "$PLAIN")
limited=$(measure "$LIMITED")
echo
echo "bulk: without limiter $plain B/s, with a 1TB/s line $limited B/s, cost $(awk -v p="$plain" -v l="$limited" 'BEGIN { printf "%.1f%%", (1 - l / p) * 100 }')"
