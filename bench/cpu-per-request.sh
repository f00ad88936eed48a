#!/usr/bin/env bash
# bench/cpu-per-request.sh: where the CPU of one proxied 1 KiB request goes, per process, on this machine.
#
# Runs wrk (-t1 -c50, the load of bench/run.sh workloads 2 and 3) against nginx directly, through haproxy and
# through gost-java (the transports named in BENCH_TRANSPORTS), first over keep-alive, then with a new
# connection per request (Connection: close). For each it prints the rate and the CPU time per request of
# wrk, of nginx, of the proxy and of the whole machine (all CPUs' busy time from /proc/stat), in µs. What it
# answers: how much CPU a relay may spend per request before it lowers the rate, when the client and the
# origin already share the same two cores (issue 19's keep-alive and new-connection rows).
#
#   BENCH_DURATION=5            seconds per measurement (after 20 s of unrecorded load for gost-java)
#   BENCH_TRANSPORTS="epoll io_uring"   gost-java transports to measure (-Dgost.transport=...)
#   BENCH_GOST=distribution/target/gost/bin/gost
#   BENCH_OUT=bench/results/cpu-per-request-latest.md
#
# Only loopback; every process is started here, in its own session, and stopped by pid at exit.
set -euo pipefail

BENCH_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
ROOT=$(dirname -- "$BENCH_DIR")
GOST=${BENCH_GOST:-$ROOT/distribution/target/gost/bin/gost}
DURATION=${BENCH_DURATION:-5}
TRANSPORTS=${BENCH_TRANSPORTS:-epoll io_uring}
OUT=${BENCH_OUT:-$BENCH_DIR/results/cpu-per-request-latest.md}
if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
    sed -n '2,/^# Only loopback/p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi
for tool in wrk nginx haproxy python3; do
    command -v "$tool" >/dev/null || { echo "cpu-per-request: $tool is missing (bench/run.sh installs it)" >&2; exit 1; }
done
[ -x "$GOST" ] || { echo "cpu-per-request: $GOST is missing; build with ./mvnw -q -DskipTests package" >&2; exit 1; }

WORK=$(mktemp -d /tmp/gost-cpu-per-request.XXXXXX)
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

ports() { python3 "$BENCH_DIR/lib/ports.py" "$1"; }
start() { # NAME COMMAND... -> LAST_PID
    local name=$1
    shift
    setsid "$@" >"$WORK/$name.log" 2>&1 </dev/null &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}
await() { # PORT
    for _ in $(seq 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "cpu-per-request: nothing listens on $1" >&2
    exit 1
}
# ticks PID...: user+system clock ticks of these processes and all their threads (children included).
ticks() {
    local total=0 pid t
    for pid in "$@"; do
        for t in /proc/"$pid"/task/*/stat; do
            [ -r "$t" ] || continue
            total=$((total + $(awk '{ print $14 + $15 }' "$t" 2>/dev/null || echo 0)))
        done
    done
    echo "$total"
}
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
HZ=$(getconf CLK_TCK)

read -r NGINX HA <<<"$(ports 2 | tr '\n' ' ')"
mkdir -p "$WORK/www"
head -c 1024 /dev/zero | tr '\0' 'x' >"$WORK/www/1k"
cat >"$WORK/nginx.conf" <<EOF
worker_processes 1;
error_log $WORK/nginx-error.log warn;
pid $WORK/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
    sendfile on;
    tcp_nopush on;
    default_type application/octet-stream;
    server { listen 127.0.0.1:$NGINX backlog=4096; root $WORK/www; location = /1k { } }
}
EOF
start nginx nginx -p "$WORK" -e "$WORK/nginx-error.log" -c "$WORK/nginx.conf" -g 'daemon off;'
NGINX_PID=$LAST_PID
await "$NGINX"
cat >"$WORK/haproxy.cfg" <<EOF
global
    maxconn 2000
defaults
    mode tcp
    maxconn 2000
    timeout connect 5s
    timeout client 5m
    timeout server 5m
    option splice-auto
listen forward
    bind 127.0.0.1:$HA
    server nginx 127.0.0.1:$NGINX
EOF
start haproxy haproxy -db -f "$WORK/haproxy.cfg"
HA_PID=$LAST_PID
await "$HA"
declare -A PROXY_PID=([direct]="" [haproxy]=$HA_PID)
declare -A PORT_OF=([direct]=$NGINX [haproxy]=$HA)
PEERS=(direct haproxy)
for transport in $TRANSPORTS; do
    port=$(ports 1)
    JAVA_OPTS="${JAVA_OPTS:+$JAVA_OPTS }-Dgost.transport=$transport" start "gost-$transport" "$GOST" \
        -L "tcp://127.0.0.1:$port/127.0.0.1:$NGINX"
    await "$port"
    PROXY_PID[gost-$transport]=$LAST_PID
    PORT_OF[gost-$transport]=$port
    PEERS+=("gost-$transport")
    # The JIT compiles the relay's paths under load first: 10 s of each kind, not recorded.
    wrk -t1 -c50 -d10s "http://127.0.0.1:$port/1k" >/dev/null
    wrk -t1 -c50 -d10s -H 'Connection: close' "http://127.0.0.1:$port/1k" >/dev/null
done

# measure PEER KIND: one wrk run; prints a table row.
measure() {
    local peer=$1 kind=$2 port=${PORT_OF[$1]} proxy=${PROXY_PID[$1]} header=() wrk_pid
    [ "$kind" = close ] && header=(-H 'Connection: close')
    local n0 p0 b0 began
    n0=$(ticks "$NGINX_PID" $(pgrep -P "$NGINX_PID" || true))
    p0=0
    [ -z "$proxy" ] || p0=$(ticks "$proxy")
    b0=$(busy_ticks)
    began=$(date +%s%N)
    wrk -t1 -c50 -d"${DURATION}s" "${header[@]}" "http://127.0.0.1:$port/1k" >"$WORK/wrk.out" &
    wrk_pid=$!
    local w_last=0 t
    while kill -0 "$wrk_pid" 2>/dev/null; do
        t=$(ticks "$wrk_pid")
        [ "$t" -gt 0 ] && w_last=$t
        sleep 0.2
    done
    wait "$wrk_pid"
    local elapsed=$(($(date +%s%N) - began)) n1 p1 b1 rate
    n1=$(ticks "$NGINX_PID" $(pgrep -P "$NGINX_PID" || true))
    p1=0
    [ -z "$proxy" ] || p1=$(ticks "$proxy")
    b1=$(busy_ticks)
    rate=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk.out")
    awk -v peer="$peer" -v kind="$kind" -v rate="$rate" -v w="$w_last" -v n=$((n1 - n0)) -v p=$((p1 - p0)) \
        -v b=$((b1 - b0)) -v hz="$HZ" -v ns="$elapsed" -v proxied="${proxy:+1}" 'BEGIN {
        reqs = rate * ns / 1e9; us = 1e6 / hz / reqs
        printf "| %s | %s | %.0f | %.1f | %.1f | %s | %.1f | %.2f |\n", kind, peer, rate, w * us, n * us,
            proxied ? sprintf("%.1f", p * us) : "-", b * us, b / hz / (ns / 1e9)
    }'
}

{
    echo "# CPU per proxied request: latest run"
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs, $(uname -r); load average before: $(cut -d' ' -f1 /proc/loadavg)"
    echo "- wrk -t1 -c50, ${DURATION} s each, nginx (1 worker) serving 1 KiB; gost-java warmed 20 s per transport;" \
        "wrk's CPU is sampled until it exits (a lower bound)"
    echo "- gost-java: $("$GOST" -V 2>/dev/null | head -n 1)$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null | sed 's/^/, commit /')"
    echo
    echo "| requests | peer | req/s | wrk µs/req | nginx µs/req | proxy µs/req | machine µs/req | machine busy (cores) |"
    echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    for kind in keep-alive close; do
        for round in 1 2; do
            for peer in "${PEERS[@]}"; do
                measure "$peer" "$kind"
            done
        done
    done
} | tee "$WORK/report.md"
mkdir -p "$(dirname "$OUT")"
cp "$WORK/report.md" "$OUT"
echo "cpu-per-request: saved $OUT" >&2
