#!/usr/bin/env bash
# bench/socks5.sh: gost-java's SOCKS5 server against Dante (danted), on 127.0.0.1, in one run.
#
# One command on a fresh Debian machine: installs what is missing with apt-get (iperf3, dante-server,
# proxychains4, gcc; needs root), builds gost if distribution/target/gost/bin/gost is missing, compiles
# the tunnel client (bench/lib/socks5_churn.c), then measures both servers, alternating gost, dante,
# gost, dante ... BENCH_REPS times per workload after a warm-up of each, so that drift on a shared
# machine hits both alike:
#
#   1  CONNECT tunnel bulk throughput: iperf3 (1 stream) run under proxychains4, so that iperf3 itself
#      connects through the SOCKS5 server under test: Gbit/s received
#   2  new tunnels per second: socks5_churn, BENCH_CHURN_THREADS threads each looping connect, greeting,
#      CONNECT 127.0.0.1:sink, reply, close; a tunnel counts when the server answered 0x00
#   and for each, the server's CPU time per unit of work (its process tree, from /proc): on a busy
#   machine a server that gets less CPU is slower without being less efficient, and this shows it.
#
# Both servers run without authentication and with their defaults, except that Dante logs only errors
# (gost logs one line per connection, as it does by default). Prints a markdown table of medians and of
# gost's median divided by Dante's (target: >= 1.5 for throughput and tunnels/s), and saves it with the
# date, machine, load and command in bench/results/socks5-latest.md. Takes about two minutes.
#
# Environment (all optional):
#   BENCH_DURATION=4          seconds per measurement
#   BENCH_REPS=3              measurements per server and workload (alternating)
#   BENCH_CHURN_THREADS=8     concurrent tunnel-opening threads in workload 2
#   BENCH_WARMUP_THROUGHPUT=5 BENCH_WARMUP_TUNNELS=15   seconds of each workload per server before
#                             measuring: gost's JIT needs ~20 s of load before it runs at steady speed
#                             (cold, it opens tunnels about half as fast); Dante gets the same warm-up
#   BENCH_OUT=bench/results/socks5-latest.md   where the report goes
#   BENCH_KEEP=1              keep the temporary directory (configs and logs of every process)
#   GOST_JAVA_OPTS=...        JAVA_OPTS for gost, e.g. -XX:StartFlightRecording=... to profile it
#
# Every process is started in a session of its own and only those sessions are killed, by pid, on exit.
set -euo pipefail

BENCH_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
ROOT=$(dirname -- "$BENCH_DIR")
GOST=$ROOT/distribution/target/gost/bin/gost

DURATION=${BENCH_DURATION:-4}
REPS=${BENCH_REPS:-3}
CHURN_THREADS=${BENCH_CHURN_THREADS:-8}
OUT=${BENCH_OUT:-$BENCH_DIR/results/socks5-latest.md}
WARMUP_THROUGHPUT=${BENCH_WARMUP_THROUGHPUT:-5}
WARMUP_TUNNELS=${BENCH_WARMUP_TUNNELS:-15}
TARGET_RATIO=1.5

if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
    sed -n '2,/^# Every process/p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$BENCH_DIR/lib/common.sh"

install_missing() {
    # Debian's danted would start on port 1080 at install; common.sh's policy keeps it from starting.
    install_packages "iperf3:iperf3 danted:dante-server proxychains4:proxychains4 gcc:gcc python3:python3" libc6-dev
}

# start NAME COMMAND...: in a session of its own (its children go with it), output to $WORK/NAME.log.
LAST_PID=
start() {
    local name=$1
    shift
    setsid "$@" >"$WORK/$name.log" 2>&1 </dev/null &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}

await() { # NAME PID PORT
    for _ in $(seq 600); do
        listening "$3" && return 0
        if ! kill -0 "$2" 2>/dev/null; then
            tail -n 20 "$WORK/$1.log" >&2 || true
            die "$1 exited before listening on 127.0.0.1:$3 (log above)"
        fi
        sleep 0.05
    done
    tail -n 20 "$WORK/$1.log" >&2 || true
    die "$1 did not listen on 127.0.0.1:$3 within 30 s (log above)"
}

# cpu_ticks PID: CPU time (clock ticks) of PID, of its reaped children and of its live descendants.
cpu_ticks() {
    local total=0 pid fields
    read -r -a fields < <(sed 's/.*) //' "/proc/$1/stat")
    # After "(comm) ", field 14 of stat (utime) is index 11; stime, cutime, cstime follow.
    total=$((fields[11] + fields[12] + fields[13] + fields[14]))
    for pid in $(descendants "$1"); do
        if read -r -a fields < <(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null); then
            total=$((total + fields[11] + fields[12]))
        fi
    done
    echo "$total"
}
descendants() {
    local child
    for child in $(ps -o pid= --ppid "$1"); do
        echo "$child"
        descendants "$child"
    done
}

RAW=
record() { # WORKLOAD SERVER VALUE CPU_TICKS
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RAW"
    log "  $1  $2: $3 (CPU $(awk -v t="$4" -v hz="$HZ" 'BEGIN { printf "%.2f", t / hz }') s)"
}

# throughput PORT SECONDS: Gbit/s that iperf3, connecting through the SOCKS5 server on PORT, received.
throughput() {
    local out
    for _ in 1 2 3; do
        # An iperf3 server refuses a test while it still finishes the previous one: retry.
        out=$(timeout -k 2 $(($2 + 20)) proxychains4 -q -f "$WORK/proxychains-$1.conf" \
            iperf3 -c 127.0.0.1 -p "$IPERF" -t "$2" -J 2>/dev/null) || true
        if python3 -c 'import json, sys
d = json.loads(sys.argv[1])
if "error" in d: sys.exit(d["error"])
print("%.3f" % (d["end"]["sum_received"]["bits_per_second"] / 1e9))' "$out" 2>/dev/null; then
            return
        fi
        sleep 1
    done
    die "iperf3 through 127.0.0.1:$1 failed three times: $(tail -c 300 <<<"$out")"
}

# tunnels PORT SECONDS: new tunnels per second through the SOCKS5 server on PORT.
tunnels() {
    local out
    out=$("$CHURN" client "$1" "$SINK" "$2" "$CHURN_THREADS")
    log "    $out"
    awk '{ if ($4 > 0 && $4 * 100 > $2) { print "too many failures: " $0 > "/dev/stderr"; exit 1 } print $8 }' <<<"$out"
}

# measure WORKLOAD FUNCTION WARMUP_SECONDS: warm-up of both, then REPS rounds of gost, dante.
measure() {
    local workload=$1 fn=$2 warmup=$3 rep server port pid before value
    for server in gost dante; do
        port=${PORT[$server]}
        "$fn" "$port" "$warmup" >/dev/null
    done
    for ((rep = 1; rep <= REPS; rep++)); do
        for server in gost dante; do
            port=${PORT[$server]}
            pid=${SERVER_PID[$server]}
            before=$(cpu_ticks "$pid")
            value=$("$fn" "$port" "$DURATION")
            record "$workload" "$server" "$value" $(($(cpu_ticks "$pid") - before))
        done
    done
}

report() {
    python3 - "$RAW" "$DURATION" "$TARGET_RATIO" <<'EOF'
import statistics, sys
raw, duration, target = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
hz = 100.0
titles = {
    "throughput": ("1. CONNECT tunnel bulk throughput, iperf3 1 stream via proxychains4", "Gbit/s",
                   "CPU s per GB", lambda value, cpu: cpu / (value * duration / 8)),
    "tunnels": ("2. New tunnels per second (connect, CONNECT, reply, close)", "tunnels/s",
                "CPU ms per 1000 tunnels", lambda value, cpu: 1e6 * cpu / (value * duration)),
}
results = {}
for line in open(raw, encoding="utf-8"):
    workload, server, value, ticks = line.rstrip("\n").split("\t")
    results.setdefault(workload, {}).setdefault(server, []).append((float(value), int(ticks) / hz))
rows = ["| workload | gost-java median | dante median | gost ÷ dante | target | runs gost / dante |",
        "| --- | ---: | ---: | ---: | --- | --- |"]
verdicts = []
for workload, (title, unit, cpu_unit, per_work) in titles.items():
    servers = results.get(workload, {})
    med = {s: statistics.median(v for v, _ in runs) for s, runs in servers.items()}
    cpu = {s: statistics.median(per_work(v, c) for v, c in runs) for s, runs in servers.items()}
    ratio = med["gost"] / med["dante"]
    met = ratio >= target
    verdicts.append(met)
    runs = " / ".join(", ".join(f"{v:.2f}" if unit == "Gbit/s" else f"{v:.0f}" for v, _ in servers[s])
                      for s in ("gost", "dante"))
    fmt = (lambda x: f"{x:.2f}") if unit == "Gbit/s" else (lambda x: f"{x:,.0f}")
    rows.append(f"| {title} ({unit}) | {fmt(med['gost'])} | {fmt(med['dante'])} | {ratio:.2f} | "
                f"≥ {target} {'met' if met else 'MISSED'} | {runs} |")
    rows.append(f"| &nbsp;&nbsp;server CPU, {cpu_unit} (lower is better) | {cpu['gost']:.2f} | "
                f"{cpu['dante']:.2f} | {cpu['gost'] / cpu['dante']:.2f} | | |")
print("\n".join(rows))
sys.exit(0 if all(verdicts) else 3)
EOF
}

main() {
    install_missing
    build_gost
    WORK=$(mktemp -d /tmp/gost-bench-socks5.XXXXXX)
    RAW=$WORK/raw.tsv
    HZ=$(getconf CLK_TCK)
    CHURN=$WORK/socks5_churn
    gcc -O2 -pthread -o "$CHURN" "$BENCH_DIR/lib/socks5_churn.c"

    local load_before load_after gost_port dante_port table status=0
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    read -r IPERF SINK gost_port dante_port <<<"$(ports 4 | tr '\n' ' ')"
    declare -gA PORT=([gost]=$gost_port [dante]=$dante_port)
    declare -gA SERVER_PID=()

    start iperf3 iperf3 -s -B 127.0.0.1 -p "$IPERF"
    await iperf3 "$LAST_PID" "$IPERF"
    start sink "$CHURN" sink "$SINK" 2
    await sink "$LAST_PID" "$SINK"

    start gost env JAVA_OPTS="${GOST_JAVA_OPTS:-}" "$GOST" -L "socks5://127.0.0.1:$gost_port"
    SERVER_PID[gost]=$LAST_PID
    await gost "$LAST_PID" "$gost_port"

    local user_lines=()
    if [ "$(id -u)" = 0 ]; then
        user_lines=("user.privileged: root" "user.unprivileged: nobody")
    fi
    printf '%s\n' "logoutput: $WORK/danted-events.log" "internal: 127.0.0.1 port = $dante_port" "external: lo" \
        "clientmethod: none" "socksmethod: none" "${user_lines[@]}" \
        "client pass {" "  from: 127.0.0.0/8 to: 0.0.0.0/0" "  log: error" "}" \
        "socks pass {" "  from: 127.0.0.0/8 to: 0.0.0.0/0" "  log: error" "}" >"$WORK/danted.conf"
    # Without -D, danted stays in the foreground: the pid held is its mother process.
    start dante danted -f "$WORK/danted.conf"
    SERVER_PID[dante]=$LAST_PID
    await dante "$LAST_PID" "$dante_port"

    local server
    for server in gost dante; do
        printf '%s\n' strict_chain quiet_mode "tcp_read_time_out 15000" "tcp_connect_time_out 8000" \
            "[ProxyList]" "socks5 127.0.0.1 ${PORT[$server]}" >"$WORK/proxychains-${PORT[$server]}.conf"
    done

    log "bench: load before: $load_before; $REPS x ${DURATION}s per server and workload"
    log "bench: 1. bulk throughput"
    measure throughput throughput "$WARMUP_THROUGHPUT"
    log "bench: 2. new tunnels per second"
    measure tunnels tunnels "$WARMUP_TUNNELS"
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)

    table=$(report) || status=$?
    [ "$status" = 0 ] || [ "$status" = 3 ] || die "the report failed"
    local java_version dante_version
    java_version=$(java -version 2>&1 | head -n 1)
    dante_version=$(danted -v 2>&1 | head -n 1 | cut -d' ' -f1-2)
    mkdir -p "$(dirname -- "$OUT")"
    {
        echo "# SOCKS5: gost-java against Dante"
        echo
        echo "$(date -u '+%Y-%m-%d %H:%M UTC'), \`bench/socks5.sh\` (BENCH_DURATION=$DURATION BENCH_REPS=$REPS" \
             "BENCH_CHURN_THREADS=$CHURN_THREADS), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')."
        echo "Machine: $(nproc) CPUs, $(uname -sr), $java_version, $dante_version, iperf3 $(iperf3 -v | head -n 1 | cut -d' ' -f2)."
        echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after."
        echo "Servers alternate gost, dante, gost, dante ... after a warm-up of each (${WARMUP_THROUGHPUT}s iperf3, ${WARMUP_TUNNELS}s tunnels); medians of $REPS runs."
        echo
        echo "$table"
    } >"$OUT"
    echo
    cat "$OUT"
    log "bench: saved $OUT"
    return "$status"
}

main "$@"
