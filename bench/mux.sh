#!/usr/bin/env bash
# bench/mux.sh: smux multiplexing and the relay protocol, gost-java against itself, on 127.0.0.1, in one run.
#
# One command on a fresh Debian machine: installs what is missing with apt-get (iperf3, gcc, python3; needs
# root), builds gost if distribution/target/gost/bin/gost is missing, compiles bench/lib/socks5_churn.c, then
# runs pairs of gost processes (a client `gost -L ... -F URL` and a server `gost -L URL`) and measures,
# alternating the two sides of each comparison BENCH_REPS times after a warm-up of each:
#
#   1  bulk throughput of 100 concurrent connections: iperf3 -P 100 through the client's port forward
#      (-L tcp://:F/127.0.0.1:IPERF), over relay+mtcp (every connection a stream of ONE smux session: the
#      client runs one I/O thread, so its dialer keeps one session) against over relay (100 separate TCP
#      connections, same client settings): Gbit/s; target mtcp / tcp >= 0.8. BENCH_MUX=mtls compares
#      relay+mtls (one TLS connection) with relay+tls (100 TLS connections) instead, the task's TLS figure
#   2  memory per idle stream: BENCH_IDLE idle connections through the same pairs to a holder
#      (bench/lib/holdconns.py), RSS of client and server after a full GC, per connection, mtcp against tcp
#   3  new tunnels per second through a chain: socks5_churn into the client's SOCKS5 port, whose chain hop is
#      relay (nodelay=true on both ends, so the request really crosses before the reply) against socks5
#
# Each gost logs one line per connection, as it does by default. Prints a markdown table of medians and
# ratios and saves it with the date, machine, load and command in bench/results/mux-latest.md. Meaningful
# only on an otherwise idle machine: the script refuses to run while the 1-minute load average is above
# BENCH_MAX_LOAD (default 1.5) unless BENCH_FORCE=1 (then the report says so).
#
# Environment (all optional):
#   BENCH_DURATION=5 BENCH_REPS=3 BENCH_IDLE=2000 BENCH_CHURN_THREADS=8 BENCH_WARMUP=5 BENCH_MUX=mtcp|mtls
#   BENCH_OUT=bench/results/mux-latest.md   BENCH_KEEP=1 (keep logs)   BENCH_FORCE=1   BENCH_MAX_LOAD=1.5
#
# Every process is started in a session of its own and only those sessions are killed, by pid, on exit.
set -euo pipefail

BENCH_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
ROOT=$(dirname -- "$BENCH_DIR")
GOST=$ROOT/distribution/target/gost/bin/gost
LIB=$BENCH_DIR/lib

DURATION=${BENCH_DURATION:-5}
REPS=${BENCH_REPS:-3}
IDLE=${BENCH_IDLE:-2000}
CHURN_THREADS=${BENCH_CHURN_THREADS:-8}
WARMUP=${BENCH_WARMUP:-5}
OUT=${BENCH_OUT:-$BENCH_DIR/results/mux-latest.md}
MAX_LOAD=${BENCH_MAX_LOAD:-1.5}
# The multiplexed transport of workloads 1 and 2 and its one-connection-per-stream baseline.
MUX=${BENCH_MUX:-mtcp}
case "$MUX" in
    mtcp) PLAIN=relay ;;
    mtls) PLAIN=relay+tls ;;
    *) echo "bench: BENCH_MUX must be mtcp or mtls, not '$MUX'" >&2; exit 2 ;;
esac

if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
    sed -n '2,/^# Every process/p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$BENCH_DIR/lib/common.sh"

gost() { # NAME PORT JAVA_OPTS ARGS...: starts bin/gost and waits for PORT; the pid is in LAST_PID
    local name=$1 port=$2 opts=$3
    shift 3
    start "$name" env JAVA_OPTS="$opts" "$GOST" "$@"
    await "$name" "$LAST_PID" "$port"
}

RAW=
record() { # WORKLOAD SIDE VALUE
    [ -n "$3" ] || die "no value for $1 $2 (see the lines above)"
    printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RAW"
    log "  $1  $2: $3"
}

throughput() { # PORT SECONDS: Gbit/s received by iperf3 -P 100 through the forward on PORT
    local out value why=''
    for _ in 1 2 3 4 5; do
        out=$(timeout -k 2 $(($2 + 60)) iperf3 -c 127.0.0.1 -p "$1" -P 100 -t "$2" -J 2>/dev/null) || true
        # On stdin: the report of 100 streams is longer than an argument may be.
        if value=$(python3 -c 'import json, sys
d = json.load(sys.stdin)
if "error" in d: sys.exit(d["error"])
print("%.3f" % (d["end"]["sum_received"]["bits_per_second"] / 1e9))' <<<"$out" 2>&1); then
            echo "$value"
            return
        fi
        why=$value
        # An iperf3 server refuses a test while it still finishes the previous one (100 streams take a moment).
        sleep 3
    done
    die "iperf3 -P 100 through 127.0.0.1:$1 failed five times, last: $(tail -c 300 <<<"$why")"
}

tunnels() { # PORT SECONDS: new tunnels per second through the SOCKS5 port PORT
    local out
    out=$("$CHURN" client "$1" "$SINK" "$2" "$CHURN_THREADS")
    log "    $out"
    awk '{ if ($4 > 0 && $4 * 100 > $2) { print "too many failures: " $0 > "/dev/stderr"; exit 1 } print $8 }' <<<"$out"
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
settle() { jcmd "$1" GC.run >/dev/null 2>&1 || true; sleep 1; }

await_count() { # FILE N SECONDS
    for _ in $(seq $(($3 * 10))); do
        [ "$(cat "$1" 2>/dev/null || echo 0)" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# memory SIDE CLIENT_PID SERVER_PID FORWARD_PORT: KiB of RSS per idle connection (client + server).
memory() {
    local side=$1 client=$2 server=$3 port=$4 before after opened=$WORK/opened-$1 holder
    start "warm-$side" python3 "$LIB/holdconns.py" client "127.0.0.1:$port" 200 "$opened.warm" 60
    await_count "$opened.warm" 200 60 || die "warm-up connections through $side did not open"
    kill -TERM -- "-$LAST_PID" 2>/dev/null || true
    sleep 2
    settle "$client"
    settle "$server"
    before=$(($(rss_kib "$client") + $(rss_kib "$server")))
    start "idle-$side" python3 "$LIB/holdconns.py" client "127.0.0.1:$port" "$IDLE" "$opened" 120
    holder=$LAST_PID
    await_count "$opened" "$IDLE" 120 || die "$IDLE idle connections through $side did not open"
    sleep 1
    settle "$client"
    settle "$server"
    after=$(($(rss_kib "$client") + $(rss_kib "$server")))
    kill -TERM -- "-$holder" 2>/dev/null || true
    record memory "$side" "$(awk -v a="$after" -v b="$before" -v n="$IDLE" 'BEGIN { printf "%.2f", (a - b) / n }')"
}

report() {
    python3 - "$RAW" "relay+$MUX" "$PLAIN" <<'EOF'
import statistics, sys
results = {}
for line in open(sys.argv[1], encoding="utf-8"):
    workload, side, value = line.rstrip("\n").split("\t")
    results.setdefault(workload, {}).setdefault(side, []).append(float(value))
rows = ["| workload | measured | baseline | ratio | target | runs (measured / baseline) |",
        "| --- | ---: | ---: | ---: | --- | --- |"]
mux, plain = sys.argv[2], sys.argv[3]
spec = [("throughput", f"1. iperf3 -P 100, Gbit/s: {mux} (one session) / {plain} (100 connections)",
         "mtcp", "tcp", 0.8, True),
        ("memory", f"2. RSS per idle connection, KiB (client + server): {mux} / {plain}", "mtcp", "tcp", None, False),
        ("tunnels", "3. new tunnels/s through a chain hop: relay / socks5", "relay", "socks5", None, True)]
failed = False
for workload, title, measured, baseline, target, higher in spec:
    sides = results.get(workload, {})
    if measured not in sides or baseline not in sides:
        continue
    m, b = statistics.median(sides[measured]), statistics.median(sides[baseline])
    ratio = m / b if b else float("nan")
    verdict = ""
    if target is not None:
        met = ratio >= target
        failed |= not met
        verdict = f"≥ {target} {'met' if met else 'MISSED'}"
    runs = " / ".join(", ".join(f"{v:.2f}" for v in sides[s]) for s in (measured, baseline))
    rows.append(f"| {title} | {m:.2f} | {b:.2f} | {ratio:.2f} | {verdict} | {runs} |")
print("\n".join(rows))
sys.exit(3 if failed else 0)
EOF
}

main() {
    local load
    load=$(cut -d' ' -f1 /proc/loadavg)
    if awk -v l="$load" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }' && [ "${BENCH_FORCE:-0}" != 1 ]; then
        die "load average $load is above $MAX_LOAD: the figures would measure the other work; BENCH_FORCE=1 runs anyway"
    fi
    install_packages "iperf3:iperf3 gcc:gcc python3:python3 jcmd:openjdk-17-jdk-headless" libc6-dev
    build_gost
    WORK=$(mktemp -d /tmp/gost-bench-mux.XXXXXX)
    RAW=$WORK/raw.tsv
    CHURN=$WORK/socks5_churn
    gcc -O2 -pthread -o "$CHURN" "$LIB/socks5_churn.c"

    local load_before load_after
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    read -r IPERF SINK HOLD S_MTCP S_TCP S_SOCKS F_MTCP F_TCP C_RELAY C_SOCKS <<<"$(ports 10 | tr '\n' ' ')"

    start iperf3 iperf3 -s -B 127.0.0.1 -p "$IPERF"
    await iperf3 "$LAST_PID" "$IPERF"
    start sink "$CHURN" sink "$SINK" 2
    await sink "$LAST_PID" "$SINK"
    local held=$WORK/held
    start holder python3 "$LIB/holdconns.py" server "$HOLD" "$held"
    await holder "$LAST_PID" "$HOLD"

    declare -A CLIENT_PID SERVER_PID FORWARD
    gost server-mtcp "$S_MTCP" "" -L "relay+$MUX://127.0.0.1:$S_MTCP"
    SERVER_PID[mtcp]=$LAST_PID
    gost server-tcp "$S_TCP" "" -L "$PLAIN://127.0.0.1:$S_TCP"
    SERVER_PID[tcp]=$LAST_PID
    # One I/O thread on the client: its mtcp dialer keeps one session per thread, so this is one session.
    gost client-mtcp "$F_MTCP" "-Dio.netty.eventLoopThreads=1" -L "tcp://127.0.0.1:$F_MTCP/127.0.0.1:$IPERF" \
        -F "relay+$MUX://127.0.0.1:$S_MTCP"
    CLIENT_PID[mtcp]=$LAST_PID
    FORWARD[mtcp]=$F_MTCP
    gost client-tcp "$F_TCP" "-Dio.netty.eventLoopThreads=1" -L "tcp://127.0.0.1:$F_TCP/127.0.0.1:$IPERF" \
        -F "$PLAIN://127.0.0.1:$S_TCP"
    CLIENT_PID[tcp]=$LAST_PID
    FORWARD[tcp]=$F_TCP

    log "bench: load before: $load_before; $REPS x ${DURATION}s per side"
    log "bench: 1. iperf3 -P 100"
    local side rep
    for side in mtcp tcp; do throughput "${FORWARD[$side]}" "$WARMUP" >/dev/null; done
    for ((rep = 1; rep <= REPS; rep++)); do
        for side in mtcp tcp; do
            record throughput "$side" "$(throughput "${FORWARD[$side]}" "$DURATION")"
        done
    done

    log "bench: 2. memory per idle connection ($IDLE)"
    local hold_mtcp hold_tcp
    read -r hold_mtcp hold_tcp <<<"$(ports 2 | tr '\n' ' ')"
    gost hold-mtcp "$hold_mtcp" "-Dio.netty.eventLoopThreads=1" -L "tcp://127.0.0.1:$hold_mtcp/127.0.0.1:$HOLD" \
        -F "relay+$MUX://127.0.0.1:$S_MTCP"
    memory mtcp "$LAST_PID" "${SERVER_PID[mtcp]}" "$hold_mtcp"
    gost hold-tcp "$hold_tcp" "-Dio.netty.eventLoopThreads=1" -L "tcp://127.0.0.1:$hold_tcp/127.0.0.1:$HOLD" \
        -F "$PLAIN://127.0.0.1:$S_TCP"
    memory tcp "$LAST_PID" "${SERVER_PID[tcp]}" "$hold_tcp"

    log "bench: 3. new tunnels per second through a relay hop and a socks5 hop"
    local s_relay_nd
    s_relay_nd=$(ports 1)
    gost server-relay-nodelay "$s_relay_nd" "" -L "relay://127.0.0.1:$s_relay_nd?nodelay=true"
    gost server-socks "$S_SOCKS" "" -L "socks5://127.0.0.1:$S_SOCKS"
    gost client-relay "$C_RELAY" "" -L "socks5://127.0.0.1:$C_RELAY" -F "relay://127.0.0.1:$s_relay_nd?nodelay=true"
    gost client-socks "$C_SOCKS" "" -L "socks5://127.0.0.1:$C_SOCKS" -F "socks5://127.0.0.1:$S_SOCKS"
    tunnels "$C_RELAY" "$WARMUP" >/dev/null
    tunnels "$C_SOCKS" "$WARMUP" >/dev/null
    for ((rep = 1; rep <= REPS; rep++)); do
        record tunnels relay "$(tunnels "$C_RELAY" "$DURATION")"
        record tunnels socks5 "$(tunnels "$C_SOCKS" "$DURATION")"
    done
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)

    local table status=0
    table=$(report) || status=$?
    [ "$status" = 0 ] || [ "$status" = 3 ] || die "the report failed"
    mkdir -p "$(dirname -- "$OUT")"
    {
        echo "# Multiplexing and the relay protocol"
        echo
        echo "$(date -u '+%Y-%m-%d %H:%M UTC'), \`bench/mux.sh\` (BENCH_DURATION=$DURATION BENCH_REPS=$REPS" \
             "BENCH_IDLE=$IDLE BENCH_CHURN_THREADS=$CHURN_THREADS BENCH_MUX=$MUX), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')."
        echo "Machine: $(nproc) CPUs, $(uname -sr), $(java -version 2>&1 | head -n 1)."
        echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after.$([ "${BENCH_FORCE:-0}" = 1 ] && echo " Run with BENCH_FORCE=1: the machine was busy, the figures are not comparable.")"
        echo
        echo "$table"
    } >"$OUT"
    echo
    cat "$OUT"
}

main "$@"
