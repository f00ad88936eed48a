#!/usr/bin/env bash
# bench/operations.sh: the operations figures of docs/operations.md, on 127.0.0.1.
#
#   1  reloads under load: a steady loop of new connections through a gost forward while gost is reloaded
#      BENCH_RELOADS times with SIGHUP; connections attempted / answered / refused / reset. Three times:
#      reloads that change the forward's target (the bound socket is handed over), reloads that change the
#      listener (its successor binds beside it with SO_REUSEPORT before the old socket closes), and the
#      latter again in a network namespace of its own with net.ipv4.tcp_migrate_req=1 (needs root)
#   2  Web API: milliseconds from POST /config/services of a new service to its port serving
#   3  metrics hot-path cost: gost forward throughput with -metrics over without, iperf3 (1 stream) and new
#      connections per second (wrk -H 'Connection: close' to nginx), rounds alternated; the figure is the
#      median of the rounds' ratios (each "on" round over the "off" round next to it)
#
# Environment (all optional): BENCH_RELOADS=5, BENCH_RELOAD_INTERVAL=1 (seconds between reloads),
# BENCH_THREADS=16 (client threads of the reload load), BENCH_DURATION=5 (seconds per throughput
# measurement), BENCH_REPS=9 (rounds per setting),
# BENCH_OUT=bench/results/operations-latest.md, BENCH_KEEP=1 keeps the temporary directory.
# shellcheck disable=SC2317
set -euo pipefail

BENCH_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
ROOT=$(dirname -- "$BENCH_DIR")
LIB=$BENCH_DIR/lib
GOST=$ROOT/distribution/target/gost/bin/gost
RELOADS=${BENCH_RELOADS:-5}
INTERVAL=${BENCH_RELOAD_INTERVAL:-1}
DURATION=${BENCH_DURATION:-5}
REPS=${BENCH_REPS:-9}
THREADS=${BENCH_THREADS:-16}
NETNS=
OUT=${BENCH_OUT:-$BENCH_DIR/results/operations-latest.md}

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$LIB/common.sh"

install_packages "iperf3:iperf3 wrk:wrk nginx:nginx-light curl:curl"
build_gost
WORK=$(mktemp -d /tmp/gost-bench-ops.XXXXXX)

# start NAME COMMAND...: in a session of its own, logged to $WORK/NAME.log; its pid in PIDS.
start() {
    local name=$1
    shift
    setsid "$@" >"$WORK/$name.log" 2>&1 &
    PIDS+=("$!")
}
await() { # PORT
    for _ in $(seq 300); do
        listening "$1" && return
        sleep 0.05
    done
    die "nothing listens on $1 (logs in $WORK)"
}

report=()
line() { report+=("$*"); log "$*"; }

# ---- 1: reloads under load ---------------------------------------------------------------------
read -r port api_port target_port <<<"$(ports 3 | tr '\n' ' ')"
scenarios="handler listener"
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null; then
    NETNS=gost-bench-ops-$$
    ip netns add "$NETNS"
    trap 'status=$?; ip netns delete "$NETNS" 2>/dev/null || true; (exit "$status"); cleanup' EXIT
    ip netns exec "$NETNS" ip link set lo up
    ip netns exec "$NETNS" sysctl -qw net.ipv4.tcp_migrate_req=1
    scenarios="$scenarios listener-migrate"
fi
for scenario in $scenarios; do
    mode=${scenario%-migrate}
    in_netns=()
    if [ "$scenario" = listener-migrate ]; then
        in_netns=(ip netns exec "$NETNS")
    fi
    config=$WORK/reload-$scenario.yaml
    printf 'services:\n  - name: forward\n    addr: 127.0.0.1:%s\n    handler: {type: tcp}\n    forwarder: {nodes: [{name: target, addr: 127.0.0.1:%s}]}\n' \
        "$port" "$target_port" >"$config"
    start "gost-reload-$scenario" "${in_netns[@]}" "$GOST" -C "$config"
    gost_pid=${PIDS[-1]}
    for _ in $(seq 300); do
        grep -q 'listening on' "$WORK/gost-reload-$scenario.log" 2>/dev/null && break
        sleep 0.05
    done
    # The launcher execs java in the same process, also under ip netns exec: the pid is the JVM's.
    result=$("${in_netns[@]}" python3 "$LIB/reload_load.py" --gost-pid "$gost_pid" --config "$config" --port "$port" \
        --mode "$mode" --reloads "$RELOADS" --interval "$INTERVAL" --threads "$THREADS")
    applied=$(grep -c 'SIGHUP: configuration applied' "$WORK/gost-reload-$scenario.log" || true)
    # A reload that was not applied leaves the old target serving: the figures would then measure that instead.
    not_applied=$(grep -m1 -o 'was not applied.*' "$WORK/gost-reload-$scenario.log" || true)
    line "reload-$scenario $result applied=$applied${not_applied:+ FIRST FAILURE: $not_applied}"
    kill -TERM "$gost_pid"
    for _ in $(seq 100); do kill -0 "$gost_pid" 2>/dev/null || break; sleep 0.1; done
done

# ---- 2: API POST to serving --------------------------------------------------------------------
read -r port api_port target_port <<<"$(ports 3 | tr '\n' ' ')"
python3 -c 'import socket,sys,threading
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(512)
while True:
    c,_=s.accept(); c.sendall(b"hi\n"); c.close()' "$target_port" &
PIDS+=("$!")
start gost-api "$GOST" -L "tcp://127.0.0.1:$port/127.0.0.1:$target_port" -api "admin:pw@127.0.0.1:$api_port"
await "$api_port"
# The first changes load the API's and the planner's classes: a few unrecorded ones first.
python3 "$LIB/api_timing.py" --api "http://127.0.0.1:$api_port" --auth admin:pw --target "$target_port" --count 10 >/dev/null
line "api $(python3 "$LIB/api_timing.py" --api "http://127.0.0.1:$api_port" --auth admin:pw --target "$target_port" --count 50)"

# ---- 3: metrics hot-path cost ------------------------------------------------------------------
read -r off_port on_port metrics_port iperf_port nginx_port <<<"$(ports 5 | tr '\n' ' ')"
start iperf3 iperf3 -s -B 127.0.0.1 -p "$iperf_port"
mkdir -p "$WORK/nginx/www"
head -c 1024 /dev/zero >"$WORK/nginx/www/1k"
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    server { listen 127.0.0.1:$nginx_port; root $WORK/nginx/www; location = /1k { } }
}
EOF
start nginx nginx -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" -g 'daemon off;'
await "$iperf_port"
await "$nginx_port"
read -r off_web on_web <<<"$(ports 2 | tr '\n' ' ')"
start gost-metrics-off "$GOST" -L "tcp://127.0.0.1:$off_port/127.0.0.1:$iperf_port" -L "tcp://127.0.0.1:$off_web/127.0.0.1:$nginx_port"
start gost-metrics-on "$GOST" -L "tcp://127.0.0.1:$on_port/127.0.0.1:$iperf_port" -L "tcp://127.0.0.1:$on_web/127.0.0.1:$nginx_port" \
    -metrics "127.0.0.1:$metrics_port"
await "$off_port"; await "$on_port"; await "$metrics_port"
gbits() { iperf3 -c 127.0.0.1 -p "$1" -t "$DURATION" -J | python3 -c 'import json,sys; print("%.3f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e9))'; }
rps() { wrk -t1 -c50 -d"${DURATION}s" -H 'Connection: close' "http://127.0.0.1:$1/1k" | awk '/^Requests\/sec:/ { print $2 }'; }
# JIT warm-up of both, unrecorded.
for p in "$off_port" "$on_port"; do gbits "$p" >/dev/null; done
for p in "$off_web" "$on_web"; do rps "$p" >/dev/null; rps "$p" >/dev/null; done
off_g=(); on_g=(); off_r=(); on_r=(); ratio_g=(); ratio_r=()
for round in $(seq "$REPS"); do
    # Which goes first alternates, so that drift on a shared machine hits both alike.
    if [ $((round % 2)) = 1 ]; then
        a=$(gbits "$off_port"); b=$(gbits "$on_port"); c=$(rps "$off_web"); d=$(rps "$on_web")
    else
        b=$(gbits "$on_port"); a=$(gbits "$off_port"); d=$(rps "$on_web"); c=$(rps "$off_web")
    fi
    off_g+=("$a"); on_g+=("$b"); off_r+=("$c"); on_r+=("$d")
    ratio_g+=("$(python3 -c "print(round($b/$a,3))")"); ratio_r+=("$(python3 -c "print(round($d/$c,3))")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
curl -s "http://127.0.0.1:$metrics_port/metrics" | grep -E '^gost_service_requests_total' >"$WORK/scraped.txt" || true
line "metrics iperf3-gbit off=$(median "${off_g[@]}") on=$(median "${on_g[@]}") median-ratio=$(median "${ratio_g[@]}") ratios=[${ratio_g[*]}]"
line "metrics new-conn-rps off=$(median "${off_r[@]}") on=$(median "${on_r[@]}") median-ratio=$(median "${ratio_r[@]}") ratios=[${ratio_r[*]}]"
line "metrics scraped: $(tr '\n' ' ' <"$WORK/scraped.txt")"

mkdir -p "$(dirname "$OUT")"
{
    echo "# bench/operations.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "$(nproc) CPUs, $(uname -r), $(java -version 2>&1 | head -1)"
    echo
    echo '```'
    printf '%s\n' "${report[@]}"
    echo '```'
} >"$OUT"
log "bench: wrote $OUT"
