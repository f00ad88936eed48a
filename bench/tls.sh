#!/usr/bin/env bash
# bench/tls.sh: a TLS tunnel through a gost-java client/server pair against a haproxy pair and a stunnel4 pair,
# on 127.0.0.1, in one run.
#
# One command on a fresh Debian machine: installs what is missing with apt-get (iperf3, haproxy, stunnel4,
# openssl, gcc; needs root), builds gost if distribution/target/gost/bin/gost is missing, compiles
# bench/lib/socks5_churn.c, makes an ECDSA P-256 certificate with openssl, then runs three pairs, each a client
# that takes plain TCP and a server that ends TLS, both forwarding to a fixed target:
#
#   gost-java   client: gost -L tcp://:C/TARGET -F relay+tls://:S      server: gost -L relay+tls://:S?cert..
#   haproxy     client: listen :C, server :S ssl verify none            server: bind :S ssl crt PEM
#   stunnel4    client: client = yes, accept :C, connect :S             server: accept :S, cert = PEM
#
# (gost's pair speaks GOST's relay protocol inside TLS to name the target, a few bytes per connection; the
# others forward to a target fixed in their configuration.) Each pair exists twice, once for each workload,
# which alternate the pairs BENCH_REPS times after a warm-up of each:
#
#   1  bulk throughput: iperf3 -P 4 through the pair's client port to an iperf3 server: Gbit/s
#   2  new TLS connections per second: socks5_churn through the pair to one plain gost SOCKS5 server, which
#      answers CONNECTs to a sink; every tunnel is a new TCP connection and TLS handshake between the pair
#      (resumed where the client resumes sessions: gost, haproxy and stunnel all do by default)
#
# Prints a markdown table of medians and ratios (gost-java / haproxy, gost-java / stunnel4) and saves it with the
# date, machine, load and command in bench/results/tls-latest.md. Meaningful only on an otherwise idle machine:
# the script refuses to run while the 1-minute load average is above BENCH_MAX_LOAD (default 1.5) unless
# BENCH_FORCE=1 (then the report says so).
#
# Environment (all optional):
#   BENCH_DURATION=5 BENCH_REPS=3 BENCH_STREAMS=4 BENCH_CHURN_THREADS=8 BENCH_WARMUP=5
#   BENCH_OUT=bench/results/tls-latest.md   BENCH_KEEP=1 (keep logs)   BENCH_FORCE=1   BENCH_MAX_LOAD=1.5
#
# Every process is started in a session of its own and only those sessions are killed, by pid, on exit.
set -euo pipefail

BENCH_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
ROOT=$(dirname -- "$BENCH_DIR")
GOST=$ROOT/distribution/target/gost/bin/gost
LIB=$BENCH_DIR/lib

DURATION=${BENCH_DURATION:-5}
REPS=${BENCH_REPS:-3}
STREAMS=${BENCH_STREAMS:-4}
CHURN_THREADS=${BENCH_CHURN_THREADS:-8}
WARMUP=${BENCH_WARMUP:-5}
OUT=${BENCH_OUT:-$BENCH_DIR/results/tls-latest.md}
MAX_LOAD=${BENCH_MAX_LOAD:-1.5}
PAIRS=(gost haproxy stunnel)

if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
    sed -n '2,/^# Every process/p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$BENCH_DIR/lib/common.sh"

launch() { # NAME PORT COMMAND...: starts COMMAND and waits for PORT
    local name=$1 port=$2
    shift 2
    start "$name" "$@"
    await "$name" "$LAST_PID" "$port"
}

# pair KIND NAME CLIENT_PORT SERVER_PORT TARGET_PORT: a client/server pair of KIND forwarding CLIENT_PORT,
# through TLS to SERVER_PORT, to TARGET_PORT.
pair() {
    local kind=$1 name=$2 c=$3 s=$4 target=$5 config
    case $kind in
        gost)
            launch "$name-server" "$s" "$GOST" -L "relay+tls://127.0.0.1:$s?certFile=$CERT&keyFile=$KEY"
            launch "$name-client" "$c" "$GOST" -L "tcp://127.0.0.1:$c/127.0.0.1:$target" \
                -F "relay+tls://127.0.0.1:$s"
            ;;
        haproxy)
            config=$WORK/$name.cfg
            cat >"$config" <<EOF
global
    # Two descriptors per connection: 20000 would ask for 40018, above this machine's hard limit of 20000.
    maxconn 4000
    # No CA bundle is read for 'verify none'; this silences the warning about it.
    ssl-server-verify none
defaults
    mode tcp
    maxconn 4000
    timeout connect 5s
    timeout client 5m
    timeout server 5m
listen tls-server
    bind 127.0.0.1:$s ssl crt $PEM
    server target 127.0.0.1:$target
listen tls-client
    bind 127.0.0.1:$c
    server tls 127.0.0.1:$s ssl verify none
EOF
            launch "$name" "$c" haproxy -db -f "$config"
            await "$name" "$LAST_PID" "$s"
            ;;
        stunnel)
            config=$WORK/$name.conf
            cat >"$config" <<EOF
foreground = yes
pid =
debug = warning
[tls-server]
accept = 127.0.0.1:$s
connect = 127.0.0.1:$target
cert = $PEM
[tls-client]
client = yes
accept = 127.0.0.1:$c
connect = 127.0.0.1:$s
EOF
            launch "$name" "$c" stunnel4 "$config"
            await "$name" "$LAST_PID" "$s"
            ;;
    esac
}

RAW=
record() { # WORKLOAD SIDE VALUE
    [ -n "$3" ] || die "no value for $1 $2 (see the lines above)"
    printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RAW"
    log "  $1  $2: $3"
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
        sleep 3 # an iperf3 server refuses a test while it still finishes the previous one
    done
    die "iperf3 -P $STREAMS through 127.0.0.1:$1 failed five times, last: $(tail -c 300 <<<"$why")"
}

tunnels() { # PORT SECONDS: new tunnels per second through the pair whose client port is PORT
    local out
    out=$("$CHURN" client "$1" "$SINK" "$2" "$CHURN_THREADS")
    log "    $out"
    awk '{ if ($4 > 0 && $4 * 100 > $2) { print "too many failures: " $0 > "/dev/stderr"; exit 1 } print $8 }' <<<"$out"
}

report() {
    python3 - "$RAW" <<'EOF'
import statistics, sys
results = {}
for line in open(sys.argv[1], encoding="utf-8"):
    workload, side, value = line.rstrip("\n").split("\t")
    results.setdefault(workload, {}).setdefault(side, []).append(float(value))
rows = ["| workload | gost-java | haproxy | stunnel4 | gost / haproxy | gost / stunnel4 | runs (gost / haproxy / stunnel4) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
titles = {"throughput": "1. TLS tunnel bulk throughput (iperf3), Gbit/s",
          "tunnels": "2. new TLS tunnels per second (socks5_churn)"}
for workload, title in titles.items():
    sides = results.get(workload, {})
    if not all(side in sides for side in ("gost", "haproxy", "stunnel")):
        continue
    g, h, s = (statistics.median(sides[side]) for side in ("gost", "haproxy", "stunnel"))
    runs = " / ".join(", ".join(f"{v:.2f}" for v in sides[side]) for side in ("gost", "haproxy", "stunnel"))
    rows.append(f"| {title} | {g:.2f} | {h:.2f} | {s:.2f} | {g / h:.2f} | {g / s:.2f} | {runs} |")
print("\n".join(rows))
EOF
}

main() {
    local load
    load=$(cut -d' ' -f1 /proc/loadavg)
    if awk -v l="$load" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }' && [ "${BENCH_FORCE:-0}" != 1 ]; then
        die "load average $load is above $MAX_LOAD: the figures would measure the other work; BENCH_FORCE=1 runs anyway"
    fi
    install_packages "iperf3:iperf3 haproxy:haproxy stunnel4:stunnel4 openssl:openssl gcc:gcc python3:python3" \
        libc6-dev
    build_gost
    WORK=$(mktemp -d /tmp/gost-bench-tls.XXXXXX)
    RAW=$WORK/raw.tsv
    CHURN=$WORK/socks5_churn
    gcc -O2 -pthread -o "$CHURN" "$LIB/socks5_churn.c"
    CERT=$WORK/cert.pem
    KEY=$WORK/key.pem
    PEM=$WORK/combined.pem
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$KEY" -out "$CERT" -days 2 \
        -subj /CN=localhost 2>/dev/null
    cat "$CERT" "$KEY" >"$PEM"

    local load_before load_after
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    read -r IPERF SINK SOCKS <<<"$(ports 3 | tr '\n' ' ')"
    start iperf3 iperf3 -s -B 127.0.0.1 -p "$IPERF"
    await iperf3 "$LAST_PID" "$IPERF"
    start sink "$CHURN" sink "$SINK" 2
    await sink "$LAST_PID" "$SINK"
    launch socks "$SOCKS" "$GOST" -L "socks5://127.0.0.1:$SOCKS"

    declare -A BULK CHURN_PORT
    local kind c s
    for kind in "${PAIRS[@]}"; do
        read -r c s <<<"$(ports 2 | tr '\n' ' ')"
        pair "$kind" "$kind-bulk" "$c" "$s" "$IPERF"
        BULK[$kind]=$c
        read -r c s <<<"$(ports 2 | tr '\n' ' ')"
        pair "$kind" "$kind-churn" "$c" "$s" "$SOCKS"
        CHURN_PORT[$kind]=$c
    done

    log "bench: load before: $load_before; $REPS x ${DURATION}s per pair"
    log "bench: 1. iperf3 -P $STREAMS through each pair"
    local rep
    for kind in "${PAIRS[@]}"; do throughput "${BULK[$kind]}" "$WARMUP" >/dev/null; done
    for ((rep = 1; rep <= REPS; rep++)); do
        for kind in "${PAIRS[@]}"; do
            record throughput "$kind" "$(throughput "${BULK[$kind]}" "$DURATION")"
        done
    done
    log "bench: 2. new TLS tunnels per second through each pair"
    for kind in "${PAIRS[@]}"; do tunnels "${CHURN_PORT[$kind]}" "$WARMUP" >/dev/null; done
    for ((rep = 1; rep <= REPS; rep++)); do
        for kind in "${PAIRS[@]}"; do
            record tunnels "$kind" "$(tunnels "${CHURN_PORT[$kind]}" "$DURATION")"
        done
    done
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)

    local table
    table=$(report) || die "the report failed"
    mkdir -p "$(dirname -- "$OUT")"
    {
        echo "# TLS tunnels: gost-java, haproxy and stunnel4 pairs"
        echo
        echo "$(date -u '+%Y-%m-%d %H:%M UTC'), \`bench/tls.sh\` (BENCH_DURATION=$DURATION BENCH_REPS=$REPS" \
             "BENCH_STREAMS=$STREAMS BENCH_CHURN_THREADS=$CHURN_THREADS), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')."
        echo "Machine: $(nproc) CPUs, $(uname -sr), $(java -version 2>&1 | head -n 1); $(haproxy -v | head -n 1 | cut -d' ' -f1-3); $(stunnel4 -version 2>&1 | grep -m1 -o 'stunnel [0-9.]*'); $(openssl version)."
        echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after.$([ "${BENCH_FORCE:-0}" = 1 ] && echo " Run with BENCH_FORCE=1: the machine was busy, the figures are not comparable.")"
        echo
        echo "$table"
    } >"$OUT"
    echo
    cat "$OUT"
}

main "$@"
