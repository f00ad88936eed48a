#!/usr/bin/env bash
# bench/udp.sh: UDP forwarding against socat, memory per idle UDP session, and rtcp through a SOCKS5 hop against
# a plain tcp forward, on 127.0.0.1, in one run.
#
# One command on a fresh Debian machine: installs what is missing with apt-get (iperf3, socat, gcc, python3,
# jcmd; needs root), builds gost if distribution/target/gost/bin/gost is missing, compiles bench/lib/connrate.c,
# then measures, alternating the two sides of each comparison BENCH_REPS times after a warm-up of each:
#
#   1  UDP forward at full speed: iperf3 -u -l 512 -b 0 (as fast as the sender can) through
#        gost   -L udp://127.0.0.1:P/127.0.0.1:IPERF   (and -L tcp://127.0.0.1:P/... for iperf3's control
#                                                       connection, on the same port number)
#        socat  UDP4-LISTEN:P,fork,reuseaddr UDP4:127.0.0.1:IPERF   (and a socat TCP forward for the control)
#      datagrams per second that reached the iperf3 server, and the loss its receiver counted; target
#      gost / socat >= 2; and the CPU each proxy (socat with its forked children) used per datagram received
#   2  UDP forward at a rate socat sustains: BENCH_UDP_PPS datagrams a second of 512 bytes (by default 80% of
#      the median socat reached in 1, halved until socat loses at most 1%), through both: loss, target for
#      gost <= 1%
#   3  memory per idle UDP session: BENCH_SESSIONS client sockets (bench/lib/udp_sessions.py) each send one
#      datagram through gost's forward (ttl=300s, so none expires meanwhile) to an echo server and get the
#      answer; RSS of gost after a full GC (jcmd GC.run), with the sessions minus before, per session
#   4  new connections per second through a reverse forward: bench/lib/connrate (epoll, BENCH_CONCURRENCY in
#      flight; the target writes one byte and closes) into
#        rtcp   gost -L socks5://127.0.0.1:S?bind=true   and   gost -L rtcp://127.0.0.1:R/127.0.0.1:T
#               -F socks5://127.0.0.1:S   (port R opens on the SOCKS5 hop, each connection comes back as an
#               smux stream of one MBIND connection)
#        tcp    gost -L tcp://127.0.0.1:F/127.0.0.1:T   (a plain forward)
#      ratio rtcp / tcp
#   5  bulk throughput through the same two: iperf3 -P BENCH_STREAMS, Gbit/s, ratio rtcp / tcp
#
# Prints a markdown table of medians and ratios and saves it with the date, machine, load and command in
# bench/results/udp-latest.md. Meaningful only on an otherwise idle machine: the script refuses to run while the
# 1-minute load average is above BENCH_MAX_LOAD (default 1.5) unless BENCH_FORCE=1 (then the report says so).
#
# Environment (all optional):
#   BENCH_DURATION=5 BENCH_REPS=3 BENCH_WARMUP=5 BENCH_SESSIONS=2000 BENCH_CONCURRENCY=32 BENCH_STREAMS=4
#   BENCH_UDP_PPS (workload 2's rate; default from workload 1)   BENCH_WORKLOADS="1 2 3 4 5"
#   BENCH_OUT=bench/results/udp-latest.md   BENCH_KEEP=1 (keep logs)   BENCH_FORCE=1   BENCH_MAX_LOAD=1.5
#   BENCH_GOST=distribution/target/gost/bin/gost (the gost to measure, e.g. another build)
#
# Every process is started in a session of its own and only those sessions are killed, by pid, on exit.
set -euo pipefail

BENCH_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
ROOT=$(dirname -- "$BENCH_DIR")
GOST=${BENCH_GOST:-$ROOT/distribution/target/gost/bin/gost}
LIB=$BENCH_DIR/lib

DURATION=${BENCH_DURATION:-5}
REPS=${BENCH_REPS:-3}
WARMUP=${BENCH_WARMUP:-5}
SESSIONS=${BENCH_SESSIONS:-2000}
CONCURRENCY=${BENCH_CONCURRENCY:-32}
STREAMS=${BENCH_STREAMS:-4}
WORKLOADS=${BENCH_WORKLOADS:-1 2 3 4 5}
OUT=${BENCH_OUT:-$BENCH_DIR/results/udp-latest.md}
MAX_LOAD=${BENCH_MAX_LOAD:-1.5}
DATAGRAM=512

if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
    sed -n '2,/^# Every process/p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$BENCH_DIR/lib/common.sh"

wants() { [[ " $WORKLOADS " == *" $1 "* ]]; }

launch() { # NAME PORT COMMAND...: starts COMMAND and waits until it listens on TCP PORT; the pid is in LAST_PID
    local name=$1 port=$2
    shift 2
    start "$name" "$@"
    await "$name" "$LAST_PID" "$port"
}

udp_bound() { # PORT: a UDP socket is bound to PORT (from /proc, as listening does for TCP)
    local hex
    hex=$(printf '%04X' "$1")
    awk -v want=":$hex" 'substr($2, length($2) - 4) == want { found = 1 } END { exit !found }' \
        /proc/net/udp /proc/net/udp6 2>/dev/null
}

await_udp() { # NAME PID PORT
    for _ in $(seq 600); do
        udp_bound "$3" && return 0
        kill -0 "$2" 2>/dev/null || { tail -n 20 "$WORK/$1.log" >&2; die "$1 exited before binding udp $3"; }
        sleep 0.05
    done
    die "$1 did not bind udp 127.0.0.1:$3 within 30 s"
}

RAW=
record() { # WORKLOAD SIDE VALUE
    [ -n "$3" ] || die "no value for $1 $2 (see the lines above)"
    printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RAW"
    log "  $1  $2: $3"
}

# session_ticks SESSION: CPU clock ticks (user + system) used so far by the processes of a session, including
# children they have reaped (socat forks one per client).
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

# udp_run PORT SECONDS BITRATE [SESSION]: "PPS LOSS_PERCENT CPU_US" of iperf3 -u through PORT: datagrams a second
# the server received, the share of the sent ones it counted as lost, and the CPU time the proxy's session used
# per datagram received, in µs (0 without SESSION). BITRATE 0 sends as fast as iperf3 can. The CPU figure depends
# far less than the rate on what else runs: on two cores the sender at full speed takes one of them.
udp_run() {
    local out value why='' ticks=0
    for _ in 1 2 3 4 5; do
        [ -z "${4:-}" ] || ticks=$(session_ticks "$4")
        out=$(timeout -k 2 $(($2 + 30)) iperf3 -u -c 127.0.0.1 -p "$1" -l "$DATAGRAM" -b "$3" -t "$2" -J \
            2>/dev/null) || true
        [ -z "${4:-}" ] || ticks=$(($(session_ticks "$4") - ticks))
        if value=$(python3 -c 'import json, sys
d = json.load(sys.stdin)
if "error" in d: sys.exit(d["error"])
r = d["end"]["sum_received"]
received = r["packets"] - r["lost_packets"]
if received <= 0: sys.exit("nothing arrived")
print("%.0f %.3f %.2f" % (received / r["seconds"], 100.0 * r["lost_packets"] / r["packets"],
                          1e6 * int(sys.argv[1]) / int(sys.argv[2]) / received))' "$ticks" "$CLOCK_TICKS" <<<"$out" 2>&1); then
            echo "$value"
            return
        fi
        why=$value
        sleep 2 # an iperf3 server refuses a test while it still finishes the previous one
    done
    die "iperf3 -u through 127.0.0.1:$1 failed five times, last: $(tail -c 300 <<<"$why")"
}

throughput() { # PORT SECONDS: Gbit/s received by iperf3 -P STREAMS through PORT
    local out value why=''
    for _ in 1 2 3 4 5; do
        out=$(timeout -k 2 $(($2 + 60)) iperf3 -c 127.0.0.1 -p "$1" -P "$STREAMS" -t "$2" -J 2>/dev/null) || true
        if value=$(python3 -c 'import json, sys
d = json.load(sys.stdin)
if "error" in d: sys.exit(d["error"])
print("%.3f" % (d["end"]["sum_received"]["bits_per_second"] / 1e9))' <<<"$out" 2>&1); then
            echo "$value"
            return
        fi
        why=$value
        sleep 3
    done
    die "iperf3 -P $STREAMS through 127.0.0.1:$1 failed five times, last: $(tail -c 300 <<<"$why")"
}

connections() { # PORT SECONDS: new connections per second through PORT
    local out
    out=$(timeout -k 2 $(($2 + 30)) "$CONNRATE" client "$1" "$2" "$CONCURRENCY")
    log "    $out"
    # More than 1% failed (beyond the ones in flight when the time ran out): the figure would flatter.
    awk -v c="$CONCURRENCY" '{ if ($4 > c && $4 * 100 > $2) { print "too many failures: " $0 > "/dev/stderr"; exit 1 }
        print $8 }' <<<"$out"
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

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

report() {
    python3 - "$RAW" <<'EOF'
import statistics, sys
results = {}
for line in open(sys.argv[1], encoding="utf-8"):
    workload, side, value = line.rstrip("\n").split("\t")
    results.setdefault(workload, {}).setdefault(side, []).append(float(value))

def med(workload, side):
    values = results.get(workload, {}).get(side)
    return (statistics.median(values), values) if values else (None, None)

def runs(*series):
    return " / ".join(", ".join(f"{v:g}" for v in values) for values in series if values)

rows = ["| workload | gost-java | baseline | ratio | target | runs (gost-java / baseline) |",
        "| --- | ---: | ---: | ---: | --- | --- |"]
failed = False
g, gr = med("max_pps", "gost")
s, sr = med("max_pps", "socat")
if g is not None and s is not None:
    met = g >= 2 * s
    failed |= not met
    rows.append(f"| 1. UDP forward at full speed, 512-byte datagrams/s received: gost / socat | {g:.0f} | {s:.0f} "
                f"| {g / s:.2f} | ≥ 2 {'met' if met else 'MISSED'} | {runs(gr, sr)} |")
    gl, glr = med("max_loss", "gost")
    sl, slr = med("max_loss", "socat")
    rows.append(f"| 1. ... loss at full speed, %: gost / socat | {gl:.2f} | {sl:.2f} | | | {runs(glr, slr)} |")
    gc, gcr = med("max_cpu", "gost")
    sc, scr = med("max_cpu", "socat")
    if gc is not None and sc is not None and gc > 0:
        rows.append(f"| 1. ... proxy CPU per datagram received, µs: gost / socat (ratio socat / gost) | {gc:.2f} "
                    f"| {sc:.2f} | {sc / gc:.2f} | | {runs(gcr, scr)} |")
rate = results.get("rate", {}).get("pps")
gl, glr = med("rate_loss", "gost")
sl, slr = med("rate_loss", "socat")
if gl is not None and sl is not None:
    met = gl <= 1.0
    failed |= not met
    rows.append(f"| 2. UDP forward at {rate[0]:.0f} datagrams/s (socat sustains it), loss %: gost / socat "
                f"| {gl:.2f} | {sl:.2f} | | gost ≤ 1 {'met' if met else 'MISSED'} | {runs(glr, slr)} |")
    gc, gcr = med("rate_cpu", "gost")
    sc, scr = med("rate_cpu", "socat")
    if gc is not None and sc is not None and gc > 0:
        rows.append(f"| 2. ... proxy CPU per datagram, µs: gost / socat (ratio socat / gost) | {gc:.2f} | {sc:.2f} "
                    f"| {sc / gc:.2f} | | {runs(gcr, scr)} |")
m, mr = med("session_kib", "gost")
if m is not None:
    rows.append(f"| 3. RSS per idle UDP session, KiB (after a full GC) | {m:.2f} | | | | {runs(mr)} |")
r, rr = med("conn_rate", "rtcp")
t, tr = med("conn_rate", "tcp")
if r is not None and t is not None:
    rows.append(f"| 4. new connections/s: rtcp through a SOCKS5 hop / plain tcp forward | {r:.0f} | {t:.0f} "
                f"| {r / t:.2f} | | {runs(rr, tr)} |")
r, rr = med("bulk", "rtcp")
t, tr = med("bulk", "tcp")
if r is not None and t is not None:
    rows.append(f"| 5. bulk throughput (iperf3), Gbit/s: rtcp through a SOCKS5 hop / plain tcp forward | {r:.2f} "
                f"| {t:.2f} | {r / t:.2f} | | {runs(rr, tr)} |")
print("\n".join(rows))
sys.exit(3 if failed else 0)
EOF
}

udp_forwards() { # starts the gost and socat UDP forwards to the iperf3 server (and TCP ones for its control)
    launch iperf3 "$IPERF" iperf3 -s -B 127.0.0.1 -p "$IPERF"
    # One gost process, both forwards on one port number: iperf3 sends its control connection over TCP and
    # its datagrams over UDP to the same port. Logging stays at its default (info), as a user runs it.
    launch gost-udp "$G_UDP" "$GOST" -L "udp://127.0.0.1:$G_UDP/127.0.0.1:$IPERF" \
        -L "tcp://127.0.0.1:$G_UDP/127.0.0.1:$IPERF"
    GOST_UDP_PID=$LAST_PID
    await_udp gost-udp "$LAST_PID" "$G_UDP"
    start socat-udp socat "UDP4-LISTEN:$S_UDP,bind=127.0.0.1,fork,reuseaddr" "UDP4:127.0.0.1:$IPERF"
    SOCAT_UDP_PID=$LAST_PID
    await_udp socat-udp "$LAST_PID" "$S_UDP"
    launch socat-tcp "$S_UDP" socat "TCP4-LISTEN:$S_UDP,bind=127.0.0.1,fork,reuseaddr" "TCP4:127.0.0.1:$IPERF"
}

measure_udp() {
    local side rep values port
    declare -A PORT_OF=([gost]=$G_UDP [socat]=$S_UDP) SESSION_OF=([gost]=$GOST_UDP_PID [socat]=$SOCAT_UDP_PID)
    if wants 1 || { wants 2 && [ -z "${BENCH_UDP_PPS:-}" ]; }; then
        log "bench: 1. UDP forward at full speed (iperf3 -u -l $DATAGRAM -b 0)"
        for side in gost socat; do udp_run "${PORT_OF[$side]}" "$WARMUP" 0 >/dev/null; done
        for ((rep = 1; rep <= REPS; rep++)); do
            for side in gost socat; do
                read -r pps loss cpu <<<"$(udp_run "${PORT_OF[$side]}" "$DURATION" 0 "${SESSION_OF[$side]}")"
                record max_pps "$side" "$pps"
                record max_loss "$side" "$loss"
                record max_cpu "$side" "$cpu"
            done
        done
    fi
    wants 2 || return 0
    local rate=${BENCH_UDP_PPS:-}
    if [ -z "$rate" ]; then
        values=$(awk -F'\t' '$1 == "max_pps" && $2 == "socat" { print $3 }' "$RAW")
        # shellcheck disable=SC2086 # one value per line
        rate=$(awk -v m="$(median $values)" 'BEGIN { printf "%.0f", m * 0.8 }')
        # Halved until socat keeps its loss at 1% or less: the rate must be one socat sustains.
        for _ in 1 2 3 4; do
            read -r _ loss _ <<<"$(udp_run "$S_UDP" "$DURATION" $((rate * DATAGRAM * 8)))"
            awk -v l="$loss" 'BEGIN { exit !(l <= 1) }' && break
            log "  socat lost $loss% at $rate datagrams/s; halving"
            rate=$((rate / 2))
        done
    fi
    record rate pps "$rate"
    log "bench: 2. UDP forward at $rate datagrams/s"
    for ((rep = 1; rep <= REPS; rep++)); do
        for side in gost socat; do
            read -r _ loss cpu <<<"$(udp_run "${PORT_OF[$side]}" "$DURATION" $((rate * DATAGRAM * 8)) "${SESSION_OF[$side]}")"
            record rate_loss "$side" "$loss"
            record rate_cpu "$side" "$cpu"
        done
    done
}

measure_sessions() {
    log "bench: 3. memory per idle UDP session ($SESSIONS)"
    local echo_port forward before after opened=$WORK/sessions holder
    read -r echo_port forward <<<"$(ports 2 | tr '\n' ' ')"
    start udp-echo python3 "$LIB/udp_sessions.py" echo "$echo_port"
    await_udp udp-echo "$LAST_PID" "$echo_port"
    # ttl=300s: no session expires while they are counted (the default, 5s, would close them meanwhile).
    launch gost-sessions "$forward" "$GOST" -L "udp://127.0.0.1:$forward/127.0.0.1:$echo_port?ttl=300s" \
        -L "tcp://127.0.0.1:$forward/127.0.0.1:$echo_port"
    local gost=$LAST_PID
    await_udp gost-sessions "$gost" "$forward"
    # A warm-up of 200 sessions first, so that the code paths and pools exist before the baseline is read.
    start warm-sessions python3 "$LIB/udp_sessions.py" hold "127.0.0.1:$forward" 200 "$opened.warm" 60
    await_count "$opened.warm" 200 60 || die "200 warm-up sessions through gost were not answered"
    kill -TERM -- "-$LAST_PID" 2>/dev/null || true
    settle "$gost"
    before=$(rss_kib "$gost")
    start sessions python3 "$LIB/udp_sessions.py" hold "127.0.0.1:$forward" "$SESSIONS" "$opened" 120
    holder=$LAST_PID
    await_count "$opened" "$SESSIONS" 120 || die "$SESSIONS sessions through gost were not all answered"
    settle "$gost"
    after=$(rss_kib "$gost")
    kill -TERM -- "-$holder" 2>/dev/null || true
    record session_kib gost "$(awk -v a="$after" -v b="$before" -v n="$SESSIONS" 'BEGIN { printf "%.2f", (a - b) / n }')"
}

measure_reverse() {
    local sink iperf hop rtcp_conn rtcp_bulk tcp_conn tcp_bulk side rep
    read -r sink iperf hop rtcp_conn rtcp_bulk tcp_conn tcp_bulk <<<"$(ports 7 | tr '\n' ' ')"
    launch sink "$sink" "$CONNRATE" sink "$sink"
    launch iperf3-reverse "$iperf" iperf3 -s -B 127.0.0.1 -p "$iperf"
    launch hop "$hop" "$GOST" -L "socks5://127.0.0.1:$hop?bind=true"
    # The reverse ports open on the hop, so they are awaited there; the client that asked only dials out.
    start rtcp "$GOST" -L "rtcp://127.0.0.1:$rtcp_conn/127.0.0.1:$sink" \
        -L "rtcp://127.0.0.1:$rtcp_bulk/127.0.0.1:$iperf" -F "socks5://127.0.0.1:$hop"
    await rtcp "$LAST_PID" "$rtcp_conn"
    await rtcp "$LAST_PID" "$rtcp_bulk"
    launch tcp "$tcp_conn" "$GOST" -L "tcp://127.0.0.1:$tcp_conn/127.0.0.1:$sink" \
        -L "tcp://127.0.0.1:$tcp_bulk/127.0.0.1:$iperf"
    await tcp "$LAST_PID" "$tcp_bulk"
    declare -A CONN=([rtcp]=$rtcp_conn [tcp]=$tcp_conn) BULK=([rtcp]=$rtcp_bulk [tcp]=$tcp_bulk)
    if wants 4; then
        log "bench: 4. new connections per second, rtcp through a SOCKS5 hop and a plain tcp forward"
        for side in rtcp tcp; do connections "${CONN[$side]}" "$WARMUP" >/dev/null; done
        for ((rep = 1; rep <= REPS; rep++)); do
            for side in rtcp tcp; do record conn_rate "$side" "$(connections "${CONN[$side]}" "$DURATION")"; done
        done
    fi
    if wants 5; then
        log "bench: 5. bulk throughput, iperf3 -P $STREAMS"
        for side in rtcp tcp; do throughput "${BULK[$side]}" "$WARMUP" >/dev/null; done
        for ((rep = 1; rep <= REPS; rep++)); do
            for side in rtcp tcp; do record bulk "$side" "$(throughput "${BULK[$side]}" "$DURATION")"; done
        done
    fi
}

main() {
    local load
    load=$(cut -d' ' -f1 /proc/loadavg)
    if awk -v l="$load" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }' && [ "${BENCH_FORCE:-0}" != 1 ]; then
        die "load average $load is above $MAX_LOAD: the figures would measure the other work; BENCH_FORCE=1 runs anyway"
    fi
    install_packages "iperf3:iperf3 socat:socat gcc:gcc python3:python3 jcmd:openjdk-17-jdk-headless" libc6-dev
    build_gost
    WORK=$(mktemp -d /tmp/gost-bench-udp.XXXXXX)
    RAW=$WORK/raw.tsv
    : >"$RAW"
    CONNRATE=$WORK/connrate
    gcc -O2 -o "$CONNRATE" "$LIB/connrate.c"

    local load_before load_after
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    log "bench: load before: $load_before; $REPS x ${DURATION}s per side"
    read -r IPERF G_UDP S_UDP <<<"$(ports 3 | tr '\n' ' ')"
    if wants 1 || wants 2; then
        udp_forwards
        measure_udp
    fi
    if wants 3; then measure_sessions; fi
    if wants 4 || wants 5; then measure_reverse; fi
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)

    local table status=0
    table=$(report) || status=$?
    [ "$status" = 0 ] || [ "$status" = 3 ] || die "the report failed"
    mkdir -p "$(dirname -- "$OUT")"
    {
        echo "# UDP forwarding and reverse forwarding"
        echo
        echo "$(date -u '+%Y-%m-%d %H:%M UTC'), \`bench/udp.sh\` (BENCH_DURATION=$DURATION BENCH_REPS=$REPS" \
             "BENCH_SESSIONS=$SESSIONS BENCH_CONCURRENCY=$CONCURRENCY BENCH_STREAMS=$STREAMS BENCH_WORKLOADS=\"$WORKLOADS\"), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')."
        echo "Machine: $(nproc) CPUs, $(uname -sr), $(java -version 2>&1 | head -n 1); $(iperf3 --version | head -n 1 | cut -d' ' -f1-2); $(socat -V | grep -m1 -o 'socat version [0-9.]*')."
        echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after.$([ "${BENCH_FORCE:-0}" = 1 ] && echo " Run with BENCH_FORCE=1: the machine was busy, the figures are not comparable.")"
        echo
        echo "$table"
    } >"$OUT"
    echo
    cat "$OUT"
}

main "$@"
