#!/usr/bin/env bash
# bench/ws.sh: one stream's bulk echo over the WebSocket transports, next to plain socks5, gost-java against itself.
#
# For each transport T it starts a server `gost -L socks5+T://127.0.0.1:S` and a client
# `gost -L socks5://127.0.0.1:C -F socks5+T://127.0.0.1:S`, then echoes BENCH_MIB MiB over ONE connection
# through the client's SOCKS5 port to an echo server (bench/lib/echo_transfer.py), checking every byte, and
# prints MiB/s (echoed bytes per second of the whole round trip). T is, by default: "" (plain socks5, the
# baseline), ws, mws (smux over ws), mtcp (smux over tcp), and wss and mwss when BENCH_TLS=1. After one
# unrecorded warm-up echo per transport the transports are measured in turn, BENCH_REPS times; the table gives
# the median and every run, and is saved in BENCH_OUT (bench/results/ws-latest.md). A transfer that takes
# longer than BENCH_DEADLINE seconds counts as failed.
#
# Environment (all optional):
#   BENCH_MIB=16 BENCH_REPS=3 BENCH_DEADLINE=120 BENCH_TRANSPORTS="socks5 ws mws mtcp" BENCH_TLS=0
#   BENCH_OUT=bench/results/ws-latest.md   BENCH_KEEP=1 (keep logs)
#   BENCH_JAVA_OPTS="" (JVM options of every gost, e.g. -Dio.netty.leakDetection.level=paranoid)
#
# Every process is started in a session of its own and only those sessions are killed, by pid, on exit.
set -euo pipefail

BENCH_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
ROOT=$(dirname -- "$BENCH_DIR")
GOST=$ROOT/distribution/target/gost/bin/gost
LIB=$BENCH_DIR/lib

MIB=${BENCH_MIB:-16}
REPS=${BENCH_REPS:-3}
DEADLINE=${BENCH_DEADLINE:-120}
OUT=${BENCH_OUT:-$BENCH_DIR/results/ws-latest.md}
TRANSPORTS=${BENCH_TRANSPORTS:-socks5 ws mws mtcp}
if [ "${BENCH_TLS:-0}" = 1 ]; then
    TRANSPORTS="$TRANSPORTS wss mwss"
fi

if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
    sed -n '2,/^# Every process/p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$BENCH_DIR/lib/common.sh"

echo_once() { # SOCKS_PORT: one bounded echo; prints MiB/s, or FAILED
    local out
    if out=$(python3 "$LIB/echo_transfer.py" client "$1" "$ECHO" "$MIB" "$DEADLINE" 2>&1); then
        log "    $out"
        awk '{ print $(NF - 1) }' <<<"$out"
    else
        log "    $out"
        echo FAILED
    fi
}

main() {
    install_packages "python3:python3"
    build_gost
    WORK=$(mktemp -d /tmp/gost-bench-ws.XXXXXX)
    local raw=$WORK/raw.tsv load_before load_after transport
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    ECHO=$(ports 1)
    start echo python3 "$LIB/echo_transfer.py" server "$ECHO"
    await echo "$LAST_PID" "$ECHO"

    declare -A CLIENT
    for transport in $TRANSPORTS; do
        local server client scheme
        read -r server client <<<"$(ports 2 | tr '\n' ' ')"
        if [ "$transport" = socks5 ]; then
            scheme=socks5
        else
            scheme=socks5+$transport
        fi
        start "server-$transport" env JAVA_OPTS="${BENCH_JAVA_OPTS:-}" "$GOST" -L "$scheme://127.0.0.1:$server"
        await "server-$transport" "$LAST_PID" "$server"
        start "client-$transport" env JAVA_OPTS="${BENCH_JAVA_OPTS:-}" "$GOST" -L "socks5://127.0.0.1:$client" -F "$scheme://127.0.0.1:$server"
        await "client-$transport" "$LAST_PID" "$client"
        CLIENT[$transport]=$client
    done

    log "bench: load before: $load_before; $MIB MiB echoed over one connection, $REPS runs per transport"
    for transport in $TRANSPORTS; do
        log "  warm-up $transport"
        echo_once "${CLIENT[$transport]}" >/dev/null
    done
    local rep
    for ((rep = 1; rep <= REPS; rep++)); do
        for transport in $TRANSPORTS; do
            log "  $transport, run $rep"
            printf '%s\t%s\n' "$transport" "$(echo_once "${CLIENT[$transport]}")" >>"$raw"
        done
    done
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)

    mkdir -p "$(dirname -- "$OUT")"
    {
        echo "# One stream's echo over the WebSocket transports"
        echo
        echo "$(date -u '+%Y-%m-%d %H:%M UTC'), bench/ws.sh (BENCH_MIB=$MIB BENCH_REPS=$REPS" \
             "BENCH_JAVA_OPTS='${BENCH_JAVA_OPTS:-}')," \
             "commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) CPUs," \
             "load average before: $load_before; after: $load_after."
        echo
        python3 - "$raw" $TRANSPORTS <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1], encoding="utf-8"):
    transport, value = line.rstrip("\n").split("\t")
    runs.setdefault(transport, []).append(value)
print("| transport | MiB/s (median) | runs |")
print("| --- | ---: | --- |")
for transport in sys.argv[2:]:
    values = runs.get(transport, [])
    numbers = [float(v) for v in values if v != "FAILED"]
    median = f"{statistics.median(numbers):.1f}" if len(numbers) == len(values) and numbers else "FAILED"
    print(f"| {'socks5' if transport == 'socks5' else 'socks5+' + transport} | {median} | {', '.join(values)} |")
EOF
    } >"$OUT"
    echo
    cat "$OUT"
}

main "$@"
