#!/usr/bin/env bash
# bench/scale.sh: what one idle tunnel through gost costs the host (kernel and gost's own memory), measured at
# as many tunnels as the descriptor limit allows, and projected to 1,000,000 tunnels on one host.
#
# One command, as root (it reads /proc/slabinfo): builds gost if distribution/target/gost/bin/gost is missing,
# raises `ulimit -n` to its hard limit, then on 127.0.0.1:
#
#   A  N idle connections straight from bench/lib/holdconns.py's client to its holder (2 sockets a pair), and
#   B  N idle tunnels through `gost -L tcp://127.0.0.1:P/127.0.0.1:HOLDER` (the same 2, plus gost's 2),
#
# each pair carrying a line both ways first, then idle. Before and after each it reads the kernel's slab caches
# that a socket uses (/proc/slabinfo: active objects times their size), the Slab and SUnreclaim totals of
# /proc/meminfo (what the kernel really holds, slabs' free room included), the TCP page count of /proc/net/sockstat, the skmem of gost's sockets
# (`ss -tm`), and for gost its RSS, live heap (after a full GC) and descriptors. B minus A is what gost's two
# sockets and their epoll registrations cost the kernel per tunnel; A / 2N is one socket.
#
# Prints a markdown table (measured per tunnel, and the projection to 1,000,000 tunnels with what the kernel
# settings must allow) and saves it with the date, machine and command in bench/results/scale-latest.md.
# The slab figures include whatever else the machine does meanwhile (builds move dentry and kmalloc caches):
# run it on a quiet machine; BENCH_FORCE=1 runs it above BENCH_MAX_LOAD (default 1.5) and says so.
#
# Environment (all optional):
#   BENCH_SCALE_PAIRS   tunnels to open (default: as many as `ulimit -n` allows gost, (limit - 512) / 2)
#   BENCH_OUT=bench/results/scale-latest.md   BENCH_KEEP=1 (keep logs)   BENCH_FORCE=1   BENCH_MAX_LOAD=1.5
#   BENCH_GOST=distribution/target/gost/bin/gost   the gost to measure
#
# Every process is started in a session of its own and only those sessions are killed, by pid, on exit.
set -euo pipefail

BENCH_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
ROOT=$(dirname -- "$BENCH_DIR")
GOST=${BENCH_GOST:-$ROOT/distribution/target/gost/bin/gost}
LIB=$BENCH_DIR/lib
OUT=${BENCH_OUT:-$BENCH_DIR/results/scale-latest.md}
MAX_LOAD=${BENCH_MAX_LOAD:-1.5}
PROJECTED=1000000

if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
    sed -n '2,/^# Every process/p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
. "$BENCH_DIR/lib/common.sh"

# The slab caches an idle TCP socket holds objects in: the socket (TCP, or TCPv6 for Java's dual-stack
# sockets), its inode, its file and dentry, its epoll registration, and the small allocations around them.
CACHES="TCP TCPv6 sock_inode_cache filp dentry eventpoll_epi eventpoll_pwq kmalloc-64 kmalloc-128 kmalloc-192 kmalloc-256 kmalloc-512 kmalloc-1k skbuff_head_cache"

# snapshot FILE: one "NAME BYTES" line per cache, and the totals.
snapshot() {
    sync_caches
    {
        awk -v want=" $CACHES " 'NR > 2 && index(want, " " $1 " ") {
            # active objects * object size: a cache with free room takes new sockets without growing,
            # so whole slabs would hide them; Slab below is what the kernel really holds
            print $1, $2 * $4 }' /proc/slabinfo
        awk '/^Slab:/ { print "Slab", $2 * 1024 } /^SUnreclaim:/ { print "SUnreclaim", $2 * 1024 }' /proc/meminfo
        awk '$1 == "TCP:" { for (i = 2; i < NF; i += 2) if ($i == "mem") print "tcp_mem_pages_bytes", $(i + 1) * 4096 }' \
            /proc/net/sockstat
    } >"$1"
}
# Freed slab objects go back to their caches lazily; a moment lets RCU-freed sockets and files settle.
sync_caches() { sleep 2; }

diff_per() { # BEFORE AFTER N: "NAME BYTES_PER" lines
    awk -v n="$3" 'NR == FNR { before[$1] = $2; next } { printf "%s %.0f\n", $1, ($2 - before[$1]) / n }' "$1" "$2"
}

await_count() { # FILE N SECONDS
    for _ in $(seq $(($3 * 10))); do
        [ "$(cat "$1" 2>/dev/null || echo 0)" = "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
heap_used_kib() {
    jcmd "$1" GC.heap_info | sed -n 's/.*heap .*total [0-9]*K, used \([0-9]*\)K.*/\1/p' | head -n 1
}
heap_committed_kib() {
    jcmd "$1" GC.heap_info | sed -n 's/.*heap .*total \([0-9]*\)K, used.*/\1/p' | head -n 1
}

# skmem_bytes FILTER: the buffer memory the kernel charges to the TCP sockets that match the ss FILTER (ss -tm:
# receive and send queues, forward allocation, write queue), summed.
skmem_bytes() {
    ss -tmnH "$1" | awk '
        /skmem:/ { if (match($0, /skmem:\([^)]*\)/)) { s = substr($0, RSTART + 7, RLENGTH - 8); n = split(s, f, ",")
            for (i = 1; i <= n; i++) if (f[i] ~ /^(r|t|f|w)[0-9]/) { sub(/^[a-z]+/, "", f[i]); total += f[i] } } }
        END { print total + 0 }'
}

# open_pairs NAME TARGET_PORT N STATUS: N client connections to TARGET_PORT, all established and idle.
open_pairs() {
    start "$1" python3 "$LIB/holdconns.py" client "127.0.0.1:$2" "$3" "$4" 300
    CLIENT=$LAST_PID
    await_count "$4" "$3" 300 || die "$1: not all of $3 connections opened (see $WORK/$1.log)"
    await_count "$HELD" $(($3 + HELD_BASE)) 60 || die "$1: the holder did not get all $3 connections"
}

close_pairs() {
    kill -TERM -- "-$CLIENT" 2>/dev/null || true
    await_count "$HELD" "$HELD_BASE" 60 || die "the holder still holds connections after the client ended"
}

main() {
    local load
    load=$(cut -d' ' -f1 /proc/loadavg)
    if awk -v l="$load" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }' && [ "${BENCH_FORCE:-0}" != 1 ]; then
        die "load average $load is above $MAX_LOAD: the slab figures would measure the other work; BENCH_FORCE=1 runs anyway"
    fi
    [ -r /proc/slabinfo ] || die "/proc/slabinfo is not readable: run as root"
    install_packages "python3:python3 jcmd:openjdk-17-jdk-headless ss:iproute2"
    build_gost
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    local cap pairs
    cap=$((($(ulimit -n) - 512) / 2 / 100 * 100))
    pairs=${BENCH_SCALE_PAIRS:-$cap}
    [ "$pairs" -le "$cap" ] || die "$pairs tunnels need ~$((2 * pairs + 512)) descriptors in gost; ulimit -n is $(ulimit -n)"
    WORK=$(mktemp -d /tmp/gost-bench-scale.XXXXXX)
    chmod 755 "$WORK"
    local load_before
    load_before=$(cut -d' ' -f1-3 /proc/loadavg)
    log "bench: load $load_before; $pairs pairs; ulimit -n $(ulimit -n); work dir $WORK"

    # One holder port per 25,000 pairs: connections to one address run out of ephemeral ports at ~28k.
    local holders=$(((pairs + 24999) / 25000)) targets="" port proxy
    read -r proxy <<<"$(ports 1)"
    for port in $(ports "$holders"); do targets=${targets:+$targets,}$port; done
    HELD=$WORK/held
    HELD_BASE=0
    start holder python3 "$LIB/holdconns.py" server "$targets" "$HELD"
    for port in ${targets//,/ }; do await holder "$LAST_PID" "$port"; done
    local first_target=${targets%%,*}

    # A: straight to the holder (only through the first holder port: the client spreads source addresses).
    log "bench: A. $pairs idle connections straight to the holder"
    open_pairs warm-direct "$first_target" 200 "$WORK/warm-direct"
    close_pairs
    snapshot "$WORK/a0"
    open_pairs direct "$first_target" "$pairs" "$WORK/direct"
    snapshot "$WORK/a1"
    close_pairs

    # B: through gost.
    log "bench: B. $pairs idle tunnels through gost"
    start gost "$GOST" -L "tcp://127.0.0.1:$proxy/127.0.0.1:${targets//,/,127.0.0.1:}"
    local gost=$LAST_PID
    await gost "$gost" "$proxy"
    open_pairs warm-gost "$proxy" 200 "$WORK/warm-gost"
    close_pairs
    jcmd "$gost" GC.run >/dev/null
    snapshot "$WORK/b0"
    local rss0 heap0 rss1 heap1 committed1 fds skmem
    rss0=$(rss_kib "$gost")
    heap0=$(heap_used_kib "$gost")
    open_pairs tunnels "$proxy" "$pairs" "$WORK/tunnels"
    jcmd "$gost" GC.run >/dev/null
    snapshot "$WORK/b1"
    rss1=$(rss_kib "$gost")
    heap1=$(heap_used_kib "$gost")
    committed1=$(heap_committed_kib "$gost")
    fds=$(find "/proc/$gost/fd" -mindepth 1 -maxdepth 1 | wc -l)
    # gost's own sockets only: those it accepted (local port = the forward's) and those it dialed (peer port = a
    # holder's); the client's and the holder's ends are left out.
    skmem=$(skmem_bytes "( sport = :$proxy )")
    for port in ${targets//,/ }; do skmem=$((skmem + $(skmem_bytes "( dport = :$port )"))); done
    close_pairs
    local load_after
    load_after=$(cut -d' ' -f1-3 /proc/loadavg)

    diff_per "$WORK/a0" "$WORK/a1" "$pairs" >"$WORK/a"
    diff_per "$WORK/b0" "$WORK/b1" "$pairs" >"$WORK/b"
    local table
    table=$(python3 - "$WORK/a" "$WORK/b" "$pairs" "$rss0" "$rss1" "$heap0" "$heap1" "$committed1" "$fds" "$skmem" \
        "$PROJECTED" "$CACHES" <<'EOF'
import sys
a_path, b_path = sys.argv[1:3]
pairs, rss0, rss1, heap0, heap1, committed, fds, skmem, projected = (int(v) for v in sys.argv[3:12])
caches = sys.argv[12].split()
a = dict((l.split()[0], int(l.split()[1])) for l in open(a_path))
b = dict((l.split()[0], int(l.split()[1])) for l in open(b_path))
rows = ["| per idle tunnel (measured at %s) | straight, per pair (2 sockets) | through gost, per tunnel (4 sockets) | gost's 2 sockets (B − A) |" % f"{pairs:,}",
        "| --- | ---: | ---: | ---: |"]
for name in caches + ["Slab", "SUnreclaim", "tcp_mem_pages_bytes"]:
    if name in a or name in b:
        rows.append(f"| {name} | {a.get(name, 0):,} B | {b.get(name, 0):,} B | {b.get(name, 0) - a.get(name, 0):,} B |")
kernel = sum(b.get(n, 0) - a.get(n, 0) for n in caches)
slab = b.get("Slab", 0) - a.get("Slab", 0)
rss = (rss1 - rss0) * 1024 / pairs
heap = (heap1 - heap0) * 1024 / pairs
rows += ["", "| gost, per tunnel | measured | × %s |" % f"{projected:,}", "| --- | ---: | ---: |"]
def gib(v): return f"{v * projected / 2**30:.2f} GiB"
rows.append(f"| kernel, the caches above (B − A) | {kernel:,} B | {gib(kernel)} |")
rows.append(f"| kernel, all slab (B − A) | {slab:,} B | {gib(slab)} |")
rows.append(f"| kernel, socket buffers of gost's sockets (ss -tm skmem, idle) | {skmem / pairs:,.0f} B | {gib(skmem / pairs)} |")
rows.append(f"| gost RSS (after a full GC) | {rss:,.0f} B | {gib(rss)} |")
rows.append(f"| gost live heap (after a full GC) | {heap:,.0f} B | {gib(heap)} |")
rows.append(f"| descriptors in gost | {(fds - 0) / pairs:.3f} ({fds:,} for {pairs:,} + the idle process) | {2 * projected + (fds - 2 * pairs):,} |")
rows.append(f"| heap committed with the tunnels | {committed // 1024:,} MiB for {pairs:,} | |")
print("\n".join(rows))
EOF
)
    mkdir -p "$(dirname -- "$OUT")"
    {
        echo "# Idle tunnels: cost per tunnel, measured, and projected to 1,000,000"
        echo
        echo "$(date -u '+%Y-%m-%d %H:%M UTC'), \`bench/scale.sh\` with $pairs tunnels (ulimit -n $(ulimit -n)), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')."
        echo "Machine: $(nproc) CPUs, $(uname -sr), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(java -version 2>&1 | head -n 1)."
        echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after.$([ "${BENCH_FORCE:-0}" = 1 ] && echo " Run with BENCH_FORCE=1: the machine was busy, slab figures include other work.")"
        echo "Kernel settings here: fs.nr_open $(sysctl -n fs.nr_open), fs.file-max $(sysctl -n fs.file-max), ip_local_port_range $(sysctl -n net.ipv4.ip_local_port_range | tr '\t' '-'), tcp_mem $(sysctl -n net.ipv4.tcp_mem | tr '\t' ' ') pages, somaxconn $(sysctl -n net.core.somaxconn), nf_conntrack_max $(sysctl -n net.netfilter.nf_conntrack_max 2>/dev/null || echo 'n/a (no conntrack)')."
        echo
        echo "$table"
    } >"$OUT"
    echo
    cat "$OUT"
}

main "$@"
