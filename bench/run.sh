#!/usr/bin/env bash
# bench/run.sh: gost-java against real peers (haproxy, socat, squid, tinyproxy, nginx), on 127.0.0.1.
#
# One command on a fresh Debian machine: installs the peers and tools with apt-get (needs root, and only
# if something is missing), builds gost if distribution/target/gost/bin/gost is missing, then runs the
# workloads below. Every peer first gets an unrecorded warm-up (gost-java a longer one: the JVM compiles
# its hot paths under load), then the peers of a workload are measured in turn (A B C A B C ...)
# BENCH_REPS times, so that drift on a shared machine hits all of them alike. Prints a markdown table of
# medians, of gost-java's median divided by each peer's and of the CPU each proxy used, and saves it
# with the date, machine and command in bench/results/latest.md. Measuring takes about 11 minutes.
#
#   1  TCP forward, iperf3, 1 and 4 streams: Gbit/s       direct, haproxy, socat, gost-java
#   2  TCP forward, 1 KiB over keep-alive (wrk): req/s     direct, haproxy, gost-java
#   3  TCP forward, new connection per request: req/s      direct, haproxy, gost-java
#   4  HTTP proxy, 1 KiB absolute-form GETs: req/s         direct nginx, squid, tinyproxy, gost-java
#   5  CONNECT tunnel, iperf3: Gbit/s                      direct; gost forward -F via gost http / squid
#   6  64-byte ping-pong latency, p50 and p99: µs          direct, haproxy, gost-java
#   7  memory per idle proxied connection pair: KiB        haproxy, gost-java (RSS; heap and direct too)
#   8  start-up until the first byte comes back through a TCP forward: s   haproxy, gost-java
#   9  slow reader: most bytes held inside the proxy: KiB  haproxy, gost-java (BENCH_SLOW_READER_MIB
#      through a TCP forward to a reader taking 1 MiB/s; from the kernel's view of the two sockets)
#  10  cold: workload 3 in the first BENCH_COLD_SECONDS s after a fresh start: req/s   haproxy, gost-java
#      (each round starts both anew; the port accepts, then wrk runs 1 s at a time, so the rows for
#      second 1, 2, ... show the JIT warming up; BENCH_COLD_REPS rounds, alternating)
#
# Environment (all optional):
#   BENCH_DURATION=4        seconds per throughput/latency measurement
#   BENCH_REPS=3            measurements per peer and workload
#   BENCH_WARMUP=1          seconds of unrecorded load per peer before its first measurement
#   BENCH_JVM_WARMUP=8      ... for gost-java (a JVM compiles its hot paths first) in stream workloads
#   BENCH_JVM_WARMUP_REQUESTS=20   ... for gost-java in the request workloads (2, 3, 4), whose many code
#                           paths take the JIT about 20 s of load to compile (see docs/performance.md)
#   BENCH_STARTUP_REPS=5    start-up measurements per peer
#   BENCH_MEM_PAIRS="10000 50000"   idle pairs for workload 7 (capped by `ulimit -n`, see the table)
#   BENCH_SLOW_READER_MIB=16   MiB sent to the slow reader in workload 9 (1 MiB/s, so 16 s per peer;
#                           1024 is the issue's full 1 GiB run, 17 minutes per peer)
#   BENCH_COLD_REPS=5       rounds of workload 10 (a fresh process per peer each)
#   BENCH_COLD_SECONDS=5    seconds measured after each fresh start in workload 10
#   BENCH_GOST=distribution/target/gost/bin/gost   the gost to measure (e.g. a copy with other JVM flags)
#   BENCH_WORKLOADS="1 2 3 4 5 6 7 8 9 10"   which workloads to run
#   BENCH_OUT=bench/results/latest.md   where the report goes
#   BENCH_KEEP=1            keep the temporary directory (configs and logs of every process)
#   BENCH_VARIANT="NAME=JAVA_OPTS"   one more gost-java peer in workloads 1, 2, 3 and 6, measured in the
#                           same alternation, started with these JAVA_OPTS added (e.g.
#                           "gost-io_uring=-Dgost.transport=io_uring"); BENCH_VARIANT_GOST runs another build
#
# Everything listens on free 127.0.0.1 ports with configs generated in a temporary directory. Each
# process is started in its own session and only those sessions are killed, by pid, on exit.
# The measuring functions are handed to `alternate` by name, which shellcheck cannot follow.
# shellcheck disable=SC2317
set -euo pipefail

BENCH_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
ROOT=$(dirname -- "$BENCH_DIR")
LIB=$BENCH_DIR/lib
GOST=${BENCH_GOST:-$ROOT/distribution/target/gost/bin/gost}

DURATION=${BENCH_DURATION:-4}
REPS=${BENCH_REPS:-3}
STARTUP_REPS=${BENCH_STARTUP_REPS:-5}
MEM_PAIRS=${BENCH_MEM_PAIRS:-10000 50000}
WORKLOADS=${BENCH_WORKLOADS:-1 2 3 4 5 6 7 8 9 10}
COLD_REPS=${BENCH_COLD_REPS:-5}
COLD_SECONDS=${BENCH_COLD_SECONDS:-5}
SLOW_READER_MIB=${BENCH_SLOW_READER_MIB:-16}
OUT=${BENCH_OUT:-$BENCH_DIR/results/latest.md}
WARMUP=${BENCH_WARMUP:-1}
JVM_WARMUP=${BENCH_JVM_WARMUP:-8}
JVM_WARMUP_REQUESTS=${BENCH_JVM_WARMUP_REQUESTS:-20}
# Per workload: which peers are JVMs, and how long they warm up.
JVM_PEERS=gost-java
JVM_WARMUP_NOW=$JVM_WARMUP
VARIANT=${BENCH_VARIANT:-}
VARIANT_NAME=${VARIANT%%=*}
VARIANT_OPTS=${VARIANT#*=}
VARIANT_GOST=${BENCH_VARIANT_GOST:-$GOST}
[ -z "$VARIANT" ] || JVM_PEERS="gost-java $VARIANT_NAME"
if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
    sed -n '2,/^# The measuring functions/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
fi

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$LIB/common.sh"
trap 'log "bench: stopped by a failing command at line $LINENO: $BASH_COMMAND"' ERR

# ---------------------------------------------------------------------------------------------------
# Peers and build.

install_peers() {
    install_packages "iperf3:iperf3 haproxy:haproxy socat:socat wrk:wrk nginx:nginx-light squid:squid
        tinyproxy:tinyproxy sockperf:sockperf python3:python3 pgrep:procps"
}

# ---------------------------------------------------------------------------------------------------
# Processes.

LAST_PID=
LAST_NAME=
LAST_LOG=
STARTED=0
# start NAME COMMAND...: runs COMMAND in a session of its own (its children go with it), output to
# $WORK/NN-NAME.log (NN counts the processes started, so no log overwrites another); its pid (= session
# and group id) is in LAST_PID.
start() {
    LAST_NAME=$1
    shift
    STARTED=$((STARTED + 1))
    LAST_LOG=$WORK/$(printf '%02d' "$STARTED")-$LAST_NAME.log
    setsid "$@" >"$LAST_LOG" 2>&1 </dev/null &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}

# stop PID: SIGTERM to its session's group, SIGKILL after 5 s.
stop() {
    local pid=$1 kept=() p
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for p in "${PIDS[@]}"; do
        [ "$p" = "$pid" ] || kept+=("$p")
    done
    PIDS=("${kept[@]}")
}

stop_all() {
    local pid
    for pid in "${PIDS[@]}"; do
        stop "$pid"
    done
}

# The session (= pid of the process started) that listens on each port, for the CPU figures.
declare -A SESSION_OF_PORT=()

# await PORT: waits (30 s at most) until the process started last listens on PORT, or fails with the end
# of its log.
await() {
    local name=$LAST_NAME pid=$LAST_PID log=$LAST_LOG port=$1
    for _ in $(seq 600); do
        if listening "$port"; then
            SESSION_OF_PORT[$port]=$pid
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 20 "$log" >&2 || true
            die "$name exited before listening on 127.0.0.1:$port (log above)"
        fi
        sleep 0.05
    done
    tail -n 20 "$log" >&2 || true
    die "$name did not listen on 127.0.0.1:$port within 30 s (log above)"
}


# ---------------------------------------------------------------------------------------------------
# The peers, each on a port of its own with a generated configuration.

start_nginx() { # PORT -> LAST_PID
    local port=$1 dir=$WORK/nginx
    mkdir -p "$dir/www"
    chmod 755 "$dir" "$dir/www"
    head -c 1024 /dev/zero | tr '\0' 'x' >"$dir/www/1k"
    chmod 644 "$dir/www/1k"
    cat >"$dir/nginx.conf" <<EOF
# One worker, so that the origin costs the same CPU for every peer; no access log; keep-alive
# connections are never closed by request count.
worker_processes 1;
error_log $dir/error.log warn;
pid $dir/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
    sendfile on;
    tcp_nopush on;
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:$port backlog=4096;
        root $dir/www;
        location = /1k { }
    }
}
EOF
    start nginx nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g 'daemon off;'
    await "$port"
}

start_iperf() { # PORT
    start "iperf3-$1" iperf3 -s -B 127.0.0.1 -p "$1"
    await "$1"
}

start_sockperf() { # PORT
    start "sockperf-$1" sockperf server --tcp -i 127.0.0.1 -p "$1"
    await "$1"
}

HAPROXY_MAXCONN=2000
# Splice pipes: two descriptors each, and by default maxconn/4 of them, which would not fit in
# `ulimit -n` beside the connections of workload 7; a few streams at a time need only a few.
HAPROXY_MAXPIPES=200
start_haproxy() { # PORT TARGET_PORT[,TARGET_PORT...]
    local port=$1 targets=$2 config=$WORK/haproxy-$1.cfg target
    {
        cat <<EOF
# TCP mode, splicing when haproxy thinks it pays (option splice-auto); no logs.
global
    maxconn $HAPROXY_MAXCONN
    maxpipes $HAPROXY_MAXPIPES
defaults
    mode tcp
    maxconn $HAPROXY_MAXCONN
    timeout connect 5s
    timeout client 5m
    timeout server 5m
    option splice-auto
listen forward
    bind 127.0.0.1:$port
    balance roundrobin
EOF
        for target in ${targets//,/ }; do
            echo "    server target-$target 127.0.0.1:$target"
        done
    } >"$config"
    start "haproxy-$port" haproxy -db -f "$config"
    await "$port"
}

start_socat() { # PORT TARGET_PORT
    start "socat-$1" socat "TCP-LISTEN:$1,bind=127.0.0.1,fork,reuseaddr,backlog=4096" "TCP:127.0.0.1:$2"
    await "$1"
}

# start_gost NAME PORT ARGS...: gost-java with the product's defaults (info logging, to its log file).
start_gost() {
    local name=$1 port=$2
    shift 2
    start "$name" "$GOST" "$@"
    await "$port"
}

# start_variant TARGET_PORT: with BENCH_VARIANT, starts the variant as a TCP forward to TARGET_PORT on a
# free port and sets VARIANT_SPEC to its NAME=PORT for `alternate`; without, VARIANT_SPEC is empty.
VARIANT_SPEC=()
start_variant() {
    VARIANT_SPEC=()
    [ -n "$VARIANT" ] || return 0
    local port
    port=$(ports 1)
    JAVA_OPTS="${JAVA_OPTS:+$JAVA_OPTS }$VARIANT_OPTS" start "$VARIANT_NAME" "$VARIANT_GOST" \
        -L "tcp://127.0.0.1:$port/127.0.0.1:$1"
    await "$port"
    VARIANT_SPEC=("$VARIANT_NAME=$port")
}

start_squid() { # PORT
    local port=$1 dir=$WORK/squid-$1 user=proxy
    mkdir -p "$dir"
    # Run as root, squid switches to cache_effective_user and must still write its pid and log files.
    if [ "$(id -u)" = 0 ] && id proxy >/dev/null 2>&1; then
        chown proxy "$dir"
    else
        user=$(id -un)
    fi
    chmod 755 "$dir"
    cat >"$dir/squid.conf" <<EOF
# No cache, no access log: squid at its cheapest. localhost and CONNECT are acls squid predefines.
http_port 127.0.0.1:$port
http_access allow localhost
http_access deny all
cache deny all
cache_mem 8 MB
cache_effective_user $user
pid_filename $dir/squid.pid
cache_log $dir/cache.log
access_log none
cache_store_log none
coredump_dir $dir
shutdown_lifetime 1 seconds
EOF
    start "squid-$port" squid -N -f "$dir/squid.conf"
    await "$port"
}

start_tinyproxy() { # PORT
    local port=$1 config=$WORK/tinyproxy-$1.conf
    cat >"$config" <<EOF
Port $port
Listen 127.0.0.1
Allow 127.0.0.1
MaxClients 200
Timeout 60
LogLevel Error
EOF
    start "tinyproxy-$port" tinyproxy -d -c "$config"
    await "$port"
}

# ---------------------------------------------------------------------------------------------------
# Measurements. Each prints lines "METRIC|VALUE|NOTE" (through emit); VALUE is empty when it failed, and
# NOTE then says why. Not tabs: `read` would merge an empty field between two of them.

emit() { # METRIC VALUE NOTE
    local note=${3//|//}
    note=${note//$'\n'/ }
    printf '%s|%s|%s\n' "$1" "$2" "${note//$'\t'/ }"
}

RAW=
describe() { # ID TITLE UNIT higher|lower
    printf 'workload\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RAW"
}

record() { # ID PEER VALUE NOTE [CORES]
    printf 'result\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4//$'\t'/ }" "${5:-}" >>"$RAW"
    if [ -n "$3" ]; then
        log "  $1  $2: $3${5:+, ${5} cores}${4:+ ($4)}"
    else
        log "  $1  $2: FAILED ($4)"
    fi
}

# iperf METRIC PORT STREAMS SECONDS: receiver Gbit/s. Retries twice: an iperf3 server refuses a test
# while it is still finishing the previous one ("the server is busy").
iperf() {
    local metric=$1 port=$2 streams=$3 seconds=$4 out value
    for _ in 1 2 3; do
        out=$(timeout --foreground -k 2 $((seconds + 20)) \
            iperf3 -c 127.0.0.1 -p "$port" -P "$streams" -t "$seconds" -J 2>&1) || true
        if value=$(python3 -c 'import json,sys
d = json.loads(sys.argv[1])
if "error" in d: sys.exit(d["error"])
print("%.3f" % (d["end"]["sum_received"]["bits_per_second"] / 1e9))' "$out" 2>&1); then
            emit "$metric" "$value" ""
            return
        fi
        sleep 1
    done
    emit "$metric" "" "iperf3: $value"
}

# wrk_rps METRIC SECONDS WRK_ARGS...: requests/s of `wrk -t1 -c50`, and its errors as the note.
wrk_rps() {
    local metric=$1 seconds=$2 out rps errors
    shift 2
    out=$(timeout --foreground -k 2 $((seconds + 20)) wrk -t1 -c50 -d"${seconds}s" "$@" 2>&1) || true
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    errors=$(awk '
        /Socket errors:/ { gsub(",", ""); for (i = 3; i < NF; i += 2) if ($(i + 1) > 0) e = e " " $i " " $(i + 1) }
        /Non-2xx or 3xx responses:/ { e = e " non-2xx " $NF }
        END { if (e != "") print "errors:" e }' <<<"$out")
    if [ -n "$rps" ]; then
        emit "$metric" "$rps" "$errors"
    else
        emit "$metric" "" "wrk: $(cut -c1-200 <<<"$out")"
    fi
}

# latency PORT SECONDS: p50 and p99 of sockperf's 64-byte TCP ping-pong, in µs.
latency() {
    local port=$1 seconds=$2 out p50 p99
    out=$(timeout --foreground -k 2 $((seconds + 20)) \
        sockperf ping-pong --tcp -i 127.0.0.1 -p "$port" -m 64 -t "$seconds" 2>&1) || true
    p50=$(sed -n 's/.*percentile 50\.000 = *\([0-9.]*\).*/\1/p' <<<"$out")
    p99=$(sed -n 's/.*percentile 99\.000 = *\([0-9.]*\).*/\1/p' <<<"$out")
    if [ -n "$p50" ] && [ -n "$p99" ]; then
        emit 6a "$p50" ""
        emit 6b "$p99" ""
    else
        local why
        why="sockperf: $(tr '\n' ' ' <<<"$out" | tail -c 200)"
        emit 6a "" "$why"
        emit 6b "" "$why"
    fi
}

# session_ticks SESSION: CPU clock ticks (user + system) used so far by the processes of a session,
# including children they have reaped (socat forks one per connection).
session_ticks() {
    local pids
    pids=$(pgrep -s "$1" | sed 's|.*|/proc/&/stat|') || true
    # shellcheck disable=SC2086 # one path per pid
    { [ -z "$pids" ] || cat $pids 2>/dev/null; } | awk '{
        sub(/^.*\) /, "")   # the command name may hold spaces; fields now start at "state"
        ticks += $12 + $13 + $14 + $15
    } END { print ticks + 0 }'
}

CLOCK_TICKS=$(getconf CLK_TCK)

# alternate FUNCTION PEER=PORT... -- EXTRA_ARGS: a warm-up of every peer (JVM_WARMUP_NOW seconds for those
# in JVM_PEERS, WARMUP for the others), then BENCH_REPS rounds of
# FUNCTION PORT SECONDS EXTRA_ARGS for each peer in turn, recorded under the peer's name with the CPU
# the process listening on PORT used meanwhile, in cores (none for "direct").
alternate() {
    local fn=$1 spec rep metric value note peer port session ticks began elapsed cores
    shift
    local specs=()
    while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
        specs+=("$1")
        shift
    done
    [ "$#" -gt 0 ] && shift
    for spec in "${specs[@]}"; do
        if [[ " $JVM_PEERS " == *" ${spec%%=*} "* ]]; then
            "$fn" "${spec#*=}" "$JVM_WARMUP_NOW" "$@" >/dev/null
        else
            "$fn" "${spec#*=}" "$WARMUP" "$@" >/dev/null
        fi
    done
    for ((rep = 1; rep <= REPS; rep++)); do
        for spec in "${specs[@]}"; do
            peer=${spec%%=*}
            port=${spec#*=}
            session=
            [ "$peer" = direct ] || session=${SESSION_OF_PORT[$port]:-}
            [ -z "$session" ] || ticks=$(session_ticks "$session")
            began=$(date +%s%N)
            "$fn" "$port" "$DURATION" "$@" >"$WORK/measure.out"
            elapsed=$(($(date +%s%N) - began))
            cores=
            if [ -n "$session" ]; then
                cores=$(awk -v t="$(($(session_ticks "$session") - ticks))" -v hz="$CLOCK_TICKS" \
                    -v ns="$elapsed" 'BEGIN { printf "%.2f", t / hz / (ns / 1e9) }')
            fi
            while IFS='|' read -r metric value note; do
                record "$metric" "$peer" "$value" "$note" "$cores"
            done <"$WORK/measure.out"
        done
    done
}

# ---------------------------------------------------------------------------------------------------
# The workloads.

workload_1() {
    local iperf_port ha so go
    read -r iperf_port ha so go <<<"$(ports 4 | tr '\n' ' ')"
    describe 1a "1. TCP forward, iperf3, 1 stream" Gbit/s higher
    describe 1b "1. TCP forward, iperf3, 4 streams" Gbit/s higher
    start_iperf "$iperf_port"
    start_haproxy "$ha" "$iperf_port"
    start_socat "$so" "$iperf_port"
    start_gost gost-tcp "$go" -L "tcp://127.0.0.1:$go/127.0.0.1:$iperf_port"
    start_variant "$iperf_port"
    one() { iperf 1a "$1" 1 "$2"; }
    four() { iperf 1b "$1" 4 "$2"; }
    alternate one direct="$iperf_port" haproxy="$ha" socat="$so" gost-java="$go" "${VARIANT_SPEC[@]}"
    # The same relay code as one stream: gost-java is warm already.
    JVM_WARMUP_NOW=$WARMUP alternate four direct="$iperf_port" haproxy="$ha" socat="$so" gost-java="$go" \
        "${VARIANT_SPEC[@]}"
    stop_all
}

start_http_forwards() { # -> NGINX HA GO
    read -r NGINX HA GO <<<"$(ports 3 | tr '\n' ' ')"
    start_nginx "$NGINX"
    start_haproxy "$HA" "$NGINX"
    start_gost gost-tcp "$GO" -L "tcp://127.0.0.1:$GO/127.0.0.1:$NGINX"
    start_variant "$NGINX"
}

workload_2() {
    describe 2 "2. TCP forward, 1 KiB responses over keep-alive (wrk -t1 -c50)" req/s higher
    start_http_forwards
    keepalive() { wrk_rps 2 "$2" "http://127.0.0.1:$1/1k"; }
    JVM_WARMUP_NOW=$JVM_WARMUP_REQUESTS alternate keepalive direct="$NGINX" haproxy="$HA" gost-java="$GO" "${VARIANT_SPEC[@]}"
    stop_all
}

workload_3() {
    describe 3 "3. TCP forward, new connection per request (Connection: close)" req/s higher
    start_http_forwards
    per_request() { wrk_rps 3 "$2" -H 'Connection: close' "http://127.0.0.1:$1/1k"; }
    JVM_WARMUP_NOW=$JVM_WARMUP_REQUESTS alternate per_request direct="$NGINX" haproxy="$HA" gost-java="$GO" \
        "${VARIANT_SPEC[@]}"
    stop_all
}

workload_4() {
    local nginx squid tiny go
    read -r nginx squid tiny go <<<"$(ports 4 | tr '\n' ' ')"
    describe 4 "4. HTTP proxy, 1 KiB absolute-form GETs over keep-alive (wrk -t1 -c50)" req/s higher
    start_nginx "$nginx"
    start_squid "$squid"
    start_tinyproxy "$tiny"
    start_gost gost-http "$go" -L "http://127.0.0.1:$go"
    proxied() { wrk_rps 4 "$2" -s "$LIB/absolute-form.lua" "http://127.0.0.1:$1/" -- "http://127.0.0.1:$3/1k"; }
    JVM_WARMUP_NOW=$JVM_WARMUP_REQUESTS alternate proxied direct="$nginx" squid="$squid" tinyproxy="$tiny" gost-java="$go" -- "$nginx"
    stop_all
}

workload_5() {
    local iperf_port squid gohttp via_gost via_squid
    read -r iperf_port squid gohttp via_gost via_squid <<<"$(ports 5 | tr '\n' ' ')"
    describe 5 "5. CONNECT tunnel, iperf3 1 stream (gost tcp forward -F http://PROXY)" Gbit/s higher
    start_iperf "$iperf_port"
    start_squid "$squid"
    start_gost gost-http "$gohttp" -L "http://127.0.0.1:$gohttp"
    start_gost gost-via-gost "$via_gost" -L "tcp://127.0.0.1:$via_gost/127.0.0.1:$iperf_port" \
        -F "http://127.0.0.1:$gohttp"
    start_gost gost-via-squid "$via_squid" -L "tcp://127.0.0.1:$via_squid/127.0.0.1:$iperf_port" \
        -F "http://127.0.0.1:$squid"
    # The CPU that counts is the HTTP proxy's, not that of the gost forward in front of it.
    SESSION_OF_PORT[$via_gost]=${SESSION_OF_PORT[$gohttp]}
    SESSION_OF_PORT[$via_squid]=${SESSION_OF_PORT[$squid]}
    tunnel() { iperf 5 "$1" 1 "$2"; }
    # Both tunnelled rows go through a gost-java forward, which needs its warm-up in either case.
    JVM_PEERS="gost-java squid" alternate tunnel direct="$iperf_port" squid="$via_squid" gost-java="$via_gost"
    stop_all
}

workload_6() {
    local server ha go
    read -r server ha go <<<"$(ports 3 | tr '\n' ' ')"
    describe 6a "6. TCP forward, 64 B ping-pong latency p50 (sockperf)" µs lower
    describe 6b "6. TCP forward, 64 B ping-pong latency p99 (sockperf)" µs lower
    start_sockperf "$server"
    start_haproxy "$ha" "$server"
    start_gost gost-tcp "$go" -L "tcp://127.0.0.1:$go/127.0.0.1:$server"
    start_variant "$server"
    alternate latency direct="$server" haproxy="$ha" gost-java="$go" "${VARIANT_SPEC[@]}"
    stop_all
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
heap_used_kib() { # PID
    jcmd "$1" GC.heap_info | sed -n 's/.*heap .*total [0-9]*K, used \([0-9]*\)K.*/\1/p' | head -n 1
}
nmt_diff_kib() { # PID CATEGORY: committed KiB added since the NMT baseline
    jcmd "$1" VM.native_memory summary.diff scale=KB | awk -v cat="$2" '
        $0 ~ "^-? *" cat " \\(" {
            if (match($0, /committed=[0-9]+KB [+-][0-9]+KB/)) {
                split(substr($0, RSTART, RLENGTH), f, " "); sub(/KB/, "", f[2]); print f[2] + 0; exit
            }
            print 0; exit
        }'
}
per_pair() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.2f", (b - a) / n }'; }

# await_count FILE N SECONDS: the holdconns status file says N.
await_count() {
    local file=$1 want=$2 deadline=$((SECONDS + $3))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if [ "$(cat "$file" 2>/dev/null || true)" = "$want" ]; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# settle PEER PID: for gost-java a full GC first, so that the heap holds live objects only and the RSS
# figures before and after are taken from the same state; then a moment for the allocator to return
# memory.
settle() {
    if [ "$1" = gost-java ]; then
        jcmd "$2" GC.run >/dev/null
    fi
    sleep 1
}

# memory PEER PAIRS: RSS (and for gost-java heap and direct memory) per idle proxied connection pair.
# The pairs are used, then idle: the holder greets each connection and the client sends a line, so both
# directions have carried a few bytes, as a keep-alive connection between requests has.
memory() {
    local peer=$1 pairs=$2 holders proxy='' pid client rss0 rss1 heap0 heap1 direct fds
    local held=$WORK/held-$peer-$pairs opened=$WORK/opened-$peer-$pairs targets="" port
    # One holder port per 25,000 pairs: the proxy's connections to one address run out of ports at ~28k.
    holders=$(((pairs + 24999) / 25000))
    for port in $(ports $((holders + 1))); do
        if [ -z "$proxy" ]; then
            proxy=$port
        else
            targets=${targets:+$targets,}$port
        fi
    done
    start "holder-$peer-$pairs" python3 "$LIB/holdconns.py" server "$targets" "$held"
    for port in ${targets//,/ }; do
        await "$port"
    done
    if [ "$peer" = gost-java ]; then
        # NMT summary tells direct memory (Netty's buffers are counted under "Other") from the heap.
        JAVA_OPTS="${JAVA_OPTS:-} -XX:NativeMemoryTracking=summary" \
            start_gost "gost-mem-$pairs" "$proxy" -L "tcp://127.0.0.1:$proxy/127.0.0.1:${targets//,/,127.0.0.1:}"
    else
        start_haproxy "$proxy" "$targets"
    fi
    pid=$LAST_PID
    # Warm-up: 200 pairs opened and closed, so that classes, JIT and pools are in the idle figure.
    start "client-warm-$peer-$pairs" python3 "$LIB/holdconns.py" client "127.0.0.1:$proxy" 200 "$opened.warm" 60
    client=$LAST_PID
    if ! await_count "$opened.warm" 200 60 || ! await_count "$held" 200 30; then
        die "$peer: the 200 warm-up pairs did not open (BENCH_KEEP=1 keeps the logs)"
    fi
    stop "$client"
    await_count "$held" 0 30 || die "$peer: the warm-up pairs did not close"
    settle "$peer" "$pid"
    rss0=$(rss_kib "$pid")
    if [ "$peer" = gost-java ]; then
        heap0=$(heap_used_kib "$pid")
        jcmd "$pid" VM.native_memory baseline >/dev/null
    fi
    start "client-$peer-$pairs" python3 "$LIB/holdconns.py" client "127.0.0.1:$proxy" "$pairs" "$opened" 120
    client=$LAST_PID
    if ! await_count "$opened" "$pairs" 120 || ! await_count "$held" "$pairs" 30; then
        emit "7rss-$pairs" "" "only $(cat "$held") of $pairs pairs reached the holder"
        stop_all
        return
    fi
    sleep 1
    settle "$peer" "$pid"
    rss1=$(rss_kib "$pid")
    fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l)
    emit "7rss-$pairs" "$(per_pair "$rss0" "$rss1" "$pairs")" \
        "RSS $((rss0 / 1024)) MiB idle, $((rss1 / 1024)) MiB with the pairs ($fds descriptors)"
    if [ "$peer" = gost-java ]; then
        heap1=$(heap_used_kib "$pid")
        direct=$(nmt_diff_kib "$pid" Other)
        emit "7heap-$pairs" "$(per_pair "$heap0" "$heap1" "$pairs")" "used heap after a full GC"
        emit "7direct-$pairs" "$(per_pair 0 "$direct" "$pairs")" "NMT Other (Netty's buffers), committed"
    fi
    stop_all
}

workload_7() {
    local want pairs cap measured=" " peer metric value note
    # Each pair is two descriptors in the proxy; the client and the holder need one each per pair.
    cap=$((($(ulimit -n) - 512) / 2 / 100 * 100))
    for want in $MEM_PAIRS; do
        pairs=$((want < cap ? want : cap))
        note=
        if [ "$pairs" -lt "$want" ]; then
            note="$want pairs need ~$((2 * want + 512)) descriptors; ulimit -n is $(ulimit -n) (hard limit $(ulimit -Hn))"
        fi
        if [[ $measured == *" $pairs "* ]]; then
            describe "7rss-$want" "7. RSS per idle pair, $want pairs" KiB lower
            record "7rss-$want" gost-java "" "skipped: $note"
            continue
        fi
        measured+="$pairs "
        describe "7rss-$pairs" "7. RSS per idle pair, $pairs pairs" KiB lower
        describe "7heap-$pairs" "7. live heap per idle pair, $pairs pairs" KiB lower
        describe "7direct-$pairs" "7. direct memory per idle pair, $pairs pairs" KiB lower
        for peer in haproxy gost-java; do
            # Not in a pipe or process substitution: memory starts processes, and a subshell's would
            # escape the cleanup on exit.
            memory "$peer" "$pairs" >"$WORK/memory.out"
            while IFS='|' read -r metric value note2; do
                if [ "$peer" = haproxy ] && [[ $metric == 7rss-* ]]; then
                    note2="${note:+$note; }$note2"
                fi
                record "$metric" "$peer" "$value" "$note2"
            done <"$WORK/memory.out"
        done
    done
}

# startup PEER PORT ECHO_PORT COMMAND...: one start-up measurement (launch until the first byte has come
# back through the forward on PORT from the echo on ECHO_PORT), recorded with the time the port accepted.
startup() {
    local peer=$1 port=$2 echo_port=$3 value accepted cpu
    shift 3
    if value=$(python3 "$LIB/startup.py" "$port" "$echo_port" "$WORK/startup-$peer.log" "$@" 2>&1); then
        read -r accepted value cpu <<<"$value"
        record 8 "$peer" "$value" "port accepted at $accepted s, $cpu s CPU"
    else
        record 8 "$peer" "" "$value"
    fi
}

workload_8() {
    local port echo_port rep config
    describe 8 "8. start-up: launch until the first byte comes back through the forward" s lower
    for ((rep = 1; rep <= STARTUP_REPS; rep++)); do
        # Fresh ports each time, so that no socket of the previous run is in the way. startup.py serves
        # the echo on the target port.
        read -r port echo_port <<<"$(ports 2 | tr '\n' ' ')"
        config=$WORK/haproxy-startup-$rep.cfg
        printf 'defaults\n    mode tcp\n    timeout connect 5s\n    timeout client 1m\n    timeout server 1m\nlisten forward\n    bind 127.0.0.1:%s\n    server target 127.0.0.1:%s\n' \
            "$port" "$echo_port" >"$config"
        startup haproxy "$port" "$echo_port" haproxy -db -f "$config"
        read -r port echo_port <<<"$(ports 2 | tr '\n' ' ')"
        startup gost-java "$port" "$echo_port" "$GOST" -L "tcp://127.0.0.1:$port/127.0.0.1:$echo_port"
    done
}

# slow_reader PEER PROXY_PORT READER_PORT: one slow-reader run through the forward on PROXY_PORT, recorded.
slow_reader() {
    local peer=$1 value held mib seconds samples
    if value=$(python3 "$LIB/slowreader.py" "$2" "$3" "$SLOW_READER_MIB" 1024 2>&1); then
        IFS='|' read -r held mib seconds samples <<<"$value"
        record 9 "$peer" "$held" "$mib MiB at 1 MiB/s in $seconds s, $samples samples"
    else
        record 9 "$peer" "" "$value"
    fi
}

workload_9() {
    local hap go reader config
    describe 9 "9. slow reader: most bytes held inside the proxy (TCP forward to a reader at 1 MiB/s)" KiB lower
    read -r hap go reader <<<"$(ports 3 | tr '\n' ' ')"
    config=$WORK/haproxy-slow-reader.cfg
    printf 'defaults\n    mode tcp\n    timeout connect 5s\n    timeout client 1m\n    timeout server 1m\nlisten forward\n    bind 127.0.0.1:%s\n    option splice-auto\n    server target 127.0.0.1:%s\n' \
        "$hap" "$reader" >"$config"
    start haproxy-slow-reader haproxy -db -f "$config"
    await "$hap"
    start_gost gost-slow-reader "$go" -L "tcp://127.0.0.1:$go/127.0.0.1:$reader"
    # The reader port is bound by each run anew; the forwards dial it only when the sender connects.
    slow_reader haproxy "$hap" "$reader"
    slow_reader gost-java "$go" "$reader"
}

# cold_round PEER NGINX_PORT COMMAND...: starts COMMAND (a forward to nginx on a fresh port, given as
# PORT in COMMAND's words), waits until the port accepts, and records COLD_SECONDS one-second wrk runs of
# workload 3 through it: req/s per second (10-N) and over all of them (10), with the proxy's CPU from the
# moment the port accepted (its start-up before that is not counted).
cold_round() {
    local peer=$1 port=$2 pid ticks began elapsed second out requests seconds total=0 total_seconds=0 per=""
    shift 2
    start "cold-$peer" "$@"
    pid=$LAST_PID
    await "$port"
    ticks=$(session_ticks "$pid")
    began=$(date +%s%N)
    for ((second = 1; second <= COLD_SECONDS; second++)); do
        out=$(timeout --foreground -k 2 20 wrk -t1 -c50 -d1s -H 'Connection: close' "http://127.0.0.1:$port/1k" 2>&1) || true
        # "12345 requests in 1.00s, ..." (wrk prints ms for short runs: "in 999.12ms")
        read -r requests seconds <<<"$(awk '/ requests in / { t = $4; sub(/,$/, "", t)
            if (t ~ /ms$/) { sub(/ms$/, "", t); t /= 1000 } else if (t ~ /s$/) sub(/s$/, "", t)
            print $1, t }' <<<"$out")"
        if [ -z "$requests" ]; then
            record 10 "$peer" "" "second $second: wrk: $(cut -c1-200 <<<"$out")"
            stop "$pid"
            return
        fi
        record "10-$second" "$peer" "$(awk -v r="$requests" -v t="$seconds" 'BEGIN { printf "%.0f", r / t }')" ""
        total=$((total + requests))
        total_seconds=$(awk -v a="$total_seconds" -v b="$seconds" 'BEGIN { print a + b }')
        per+="${per:+, }$(awk -v r="$requests" -v t="$seconds" 'BEGIN { printf "%.0f", r / t }')"
    done
    elapsed=$(($(date +%s%N) - began))
    record 10 "$peer" "$(awk -v r="$total" -v t="$total_seconds" 'BEGIN { printf "%.0f", r / t }')" \
        "per second: $per" \
        "$(awk -v t="$(($(session_ticks "$pid") - ticks))" -v hz="$CLOCK_TICKS" -v ns="$elapsed" \
            'BEGIN { printf "%.2f", t / hz / (ns / 1e9) }')"
    stop "$pid"
}

workload_10() {
    local nginx port rep second config
    describe 10 "10. cold: new connection per request, first ${COLD_SECONDS} s after a fresh start (Connection: close)" req/s higher
    for ((second = 1; second <= COLD_SECONDS; second++)); do
        describe "10-$second" "10. ... second $second after the port accepted" req/s higher
    done
    read -r nginx <<<"$(ports 1)"
    start_nginx "$nginx"
    # nginx itself is warm: only the proxies start cold.
    wrk_rps 10 "$WARMUP" -H 'Connection: close' "http://127.0.0.1:$nginx/1k" >/dev/null
    for ((rep = 1; rep <= COLD_REPS; rep++)); do
        # Fresh ports each round, so that no socket of the previous process is in the way.
        read -r port <<<"$(ports 1)"
        config=$WORK/haproxy-cold-$rep.cfg
        # The configuration of workload 3's haproxy.
        printf 'global\n    maxconn %s\n    maxpipes %s\ndefaults\n    mode tcp\n    maxconn %s\n    timeout connect 5s\n    timeout client 5m\n    timeout server 5m\n    option splice-auto\nlisten forward\n    bind 127.0.0.1:%s\n    server target 127.0.0.1:%s\n' \
            "$HAPROXY_MAXCONN" "$HAPROXY_MAXPIPES" "$HAPROXY_MAXCONN" "$port" "$nginx" >"$config"
        cold_round haproxy "$port" haproxy -db -f "$config"
        read -r port <<<"$(ports 1)"
        cold_round gost-java "$port" "$GOST" -L "tcp://127.0.0.1:$port/127.0.0.1:$nginx"
    done
    stop_all
}

# ---------------------------------------------------------------------------------------------------

main() {
    local began=$SECONDS load_before load_after w want_fds table cpu
    install_peers
    build_gost
    command -v jcmd >/dev/null 2>&1 || die "jcmd (from the JDK that builds gost) is not on PATH"
    # Workload 7 holds many connections; raise the descriptor limit as far as this machine allows.
    want_fds=0
    for w in $MEM_PAIRS; do
        [ $((2 * w + 512)) -gt "$want_fds" ] && want_fds=$((2 * w + 512))
    done
    if [ "$want_fds" -gt "$(ulimit -n)" ]; then
        ulimit -n "$want_fds" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
    fi
    HAPROXY_MAXCONN=$((($(ulimit -n) - 2 * HAPROXY_MAXPIPES - 200) / 2))

    WORK=$(mktemp -d /tmp/gost-bench.XXXXXX)
    chmod 755 "$WORK"
    RAW=$WORK/results.tsv
    : >"$RAW"
    load_before=$(cut -d' ' -f1 /proc/loadavg)
    log "bench: load $load_before; $REPS x ${DURATION}s per peer; workloads $WORKLOADS; work dir $WORK"
    for w in $WORKLOADS; do
        log "bench: workload $w"
        "workload_$w"
    done
    load_after=$(cut -d' ' -f1 /proc/loadavg)

    table=$(python3 "$LIB/report.py" "$RAW")
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    mkdir -p "$(dirname -- "$OUT")"
    {
        echo "# gost-java benchmark: latest run"
        echo
        echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo "- Machine: $(nproc) cores ($cpu), Linux $(uname -r), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
        echo "- Load average (1 min): $load_before before, $load_after after; the whole run took $((SECONDS - began)) s"
        echo "- Command: \`bench/run.sh\` with BENCH_DURATION=$DURATION BENCH_REPS=$REPS BENCH_STARTUP_REPS=$STARTUP_REPS BENCH_COLD_REPS=$COLD_REPS BENCH_COLD_SECONDS=$COLD_SECONDS BENCH_MEM_PAIRS=\"$MEM_PAIRS\" BENCH_WORKLOADS=\"$WORKLOADS\" BENCH_WARMUP=$WARMUP BENCH_JVM_WARMUP=$JVM_WARMUP BENCH_JVM_WARMUP_REQUESTS=$JVM_WARMUP_REQUESTS"
        echo "- gost-java: ${BENCH_GOST:+$GOST, }${JAVA_OPTS:+JAVA_OPTS=\"$JAVA_OPTS\", }$("$GOST" -V 2>/dev/null | head -n 1)$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null | sed 's/^/, commit /')"
        [ -z "$VARIANT" ] || echo "- $VARIANT_NAME: ${BENCH_VARIANT_GOST:+$VARIANT_GOST, }JAVA_OPTS=\"${JAVA_OPTS:+$JAVA_OPTS }$VARIANT_OPTS\""
        echo "- Peers: $(haproxy -v | head -n 1 | cut -d' ' -f1-3), $(squid -v | head -n 1), $(nginx -v 2>&1 | cut -d' ' -f3), tinyproxy $(tinyproxy -v | cut -d' ' -f2), $(socat -V | sed -n 's/^socat version \([^ ]*\).*/socat \1/p'), $(iperf3 -v | head -n 1 | cut -d' ' -f1-2), $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2), sockperf $(sockperf --version 2>&1 | sed -n 's/.*version \([^ ]*\).*/\1/p' | head -n 1)"
        echo
        echo "$table"
    } >"$OUT"
    echo
    echo "$table"
    log ""
    log "bench: saved $OUT"
}

main "$@"
