# bench/lib/common.sh: what bench/run.sh and bench/socks5.sh share. Sourced, not run.
# shellcheck shell=bash
#
# Expects ROOT (the checkout) and GOST (its bin/gost) to be set. Provides log and die, the cleanup of
# everything a script started (by pid, each in a session of its own, listed in PIDS) and of its WORK
# directory, install_packages, build_gost, listening, ports, and start/await for a process of its own
# that listens on a port (LAST_PID holds the pid start gave).

# The peers live in sbin, which a non-root PATH may lack.
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

log() { printf '%s\n' "$*" >&2; }
die() { log "bench: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------------
# Cleanup: only the sessions this script started, then the temporary directory.

PIDS=()
CREATED_POLICY=
WORK=
cleanup() {
    local status=$? pid
    trap - EXIT INT TERM
    for pid in "${PIDS[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    if [ -n "$CREATED_POLICY" ]; then
        rm -f /usr/sbin/policy-rc.d
    fi
    if [ -n "$WORK" ]; then
        if [ "${BENCH_KEEP:-0}" = 1 ]; then
            log "bench: kept $WORK"
        else
            rm -rf -- "$WORK"
        fi
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# install_packages "COMMAND:PACKAGE ..." [EXTRA_PACKAGE ...]: apt-get installs the package of every
# command that is missing (and the extra packages with them); nothing when all are there.
install_packages() {
    local missing=() entry
    for entry in $1; do
        command -v "${entry%%:*}" >/dev/null 2>&1 || missing+=("${entry#*:}")
    done
    shift
    [ "${#missing[@]}" -eq 0 ] && return
    [ "$(id -u)" = 0 ] || die "missing ${missing[*]}: run as root so that apt-get can install them"
    log "bench: installing ${missing[*]}"
    # Debian's packages start their daemons on install; the bench starts its own on free ports.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        CREATED_POLICY=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" "$@" >/dev/null
    if [ -n "$CREATED_POLICY" ]; then
        rm -f /usr/sbin/policy-rc.d
        CREATED_POLICY=
    fi
}

build_gost() {
    if [ ! -x "$GOST" ]; then
        log "bench: building gost (./mvnw -q -DskipTests package)"
        (cd "$ROOT" && ./mvnw -q -DskipTests package)
    fi
    [ -x "$GOST" ] || die "the build did not produce $GOST"
}

# listening PORT: something listens on PORT (read from /proc, so no connection is made: a probe through
# a forward would reach the target, and an iperf3 server takes any connection for a test). Java's
# sockets are IPv6 ones bound to ::ffff:127.0.0.1, so /proc/net/tcp6 counts too.
listening() {
    local hex
    hex=$(printf '%04X' "$1")
    awk -v want=":$hex" 'substr($2, length($2) - 4) == want && $4 == "0A" { found = 1 } END { exit !found }' \
        /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# ports COUNT: COUNT free ports on 127.0.0.1, one per line (see lib/ports.py).
ports() { python3 "$ROOT/bench/lib/ports.py" "$1"; }

LAST_PID=
start() { # NAME COMMAND...: in a session of its own, output to $WORK/NAME.log
    local name=$1
    shift
    setsid "$@" >"$WORK/$name.log" 2>&1 </dev/null &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}

await() { # NAME PID PORT
    for _ in $(seq 600); do
        listening "$3" && return 0
        kill -0 "$2" 2>/dev/null || { tail -n 20 "$WORK/$1.log" >&2; die "$1 exited before listening on $3"; }
        sleep 0.05
    done
    die "$1 did not listen on 127.0.0.1:$3 within 30 s"
}
