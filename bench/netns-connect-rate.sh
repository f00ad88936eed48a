#!/usr/bin/env bash
# New TCP connections per second through a gost TCP forward whose outgoing socket is made in a network
# namespace (netns.out), against the same forward without namespaces, measured in one run.
#
#   sudo bench/netns-connect-rate.sh            # gost from distribution/target/gost (mvn -DskipTests package)
#   sudo GOST=/opt/gost/bin/gost bench/netns-connect-rate.sh
#
# One gost process runs both services, so both share one JVM, one JIT and the same event loops:
#
#   plain      -L tcp://127.0.0.1:PA/198.18.x.1:T                 socket made in the default namespace,
#                                                                 target inside NS (through the veth)
#   netns.out  -L "tcp://127.0.0.1:PB/198.18.x.11:T?netns.out=NS"  socket made inside NS, target in the
#                                                                 default namespace (through the veth)
#
# Both cross the same veth pair once, in opposite directions, so what differs is where gost makes the
# socket. The target accepts, writes one byte and closes; a client connection counts once that byte and
# the close came back through gost. The client (C, epoll) keeps CONCURRENCY connections in flight.
# Rounds alternate plain, netns.out, plain, ... ROUNDS times each; the table shows every round and the
# median, then the ratio of the medians and the median of the per-round ratios (netns.out round over the
# plain round just before it), which drifts less when other work on the machine comes and goes.
# Needs root, iproute2, gcc and Java 17; uses only 127.0.0.1 and one free /24 of 198.18.0.0/15; removes the
# namespace, the veth pair, the processes it started and its temporary directory on exit. About 75 s.
set -euo pipefail

ROUNDS=${ROUNDS:-7}               # rounds per variant (at least 3)
ROUND_SECONDS=${ROUND_SECONDS:-3} # length of one measured round
WARMUP_SECONDS=${WARMUP_SECONDS:-8} # per variant, before the first round: the JIT is still at work
CONCURRENCY=${CONCURRENCY:-32}
HARD_LIMIT_SECONDS=110            # the whole run stays under 2 minutes

here=$(cd "$(dirname "$0")" && pwd)
GOST=${GOST:-$here/../distribution/target/gost/bin/gost}

die() { echo "netns-connect-rate: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root to make a network namespace (run it with sudo)"
command -v ip >/dev/null || die "needs iproute2's ip (apt-get install -y iproute2)"
command -v gcc >/dev/null || die "needs gcc to build its load client (apt-get install -y gcc)"
[ -x "$GOST" ] || die "no gost launcher at $GOST; build it with mvn -DskipTests package or set GOST="
[ "$ROUNDS" -ge 3 ] || die "ROUNDS must be 3 or more"

suffix=$(tr -dc 'a-z0-9' </dev/urandom | head -c 6 || true)
ns=gbench-$suffix
veth_out=gbo$suffix
veth_in=gbi$suffix
work=$(mktemp -d /tmp/gost-netns-bench.XXXXXX)
pids=()

cleanup() {
    local status=$?
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    ip link del dev "$veth_out" 2>/dev/null || true
    [ -e "/run/netns/$ns" ] && ip netns del "$ns"
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Kill the whole run if it overstays, wherever it hangs.
(
    sleep "$HARD_LIMIT_SECONDS" &
    sleeper=$!
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    wait "$sleeper"
    echo "netns-connect-rate: over ${HARD_LIMIT_SECONDS}s, stopping" >&2
    kill -TERM $$
) &
watchdog=$!
pids+=("$watchdog")

# --- the load tools ------------------------------------------------------------------------------------

cat >"$work/acceptclose.c" <<'EOF'
/* acceptclose ADDRESS PORT: accepts, writes one byte, closes; prints "ready" once listening. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: acceptclose ADDRESS PORT\n"); return 2; }
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
    if (inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) { fprintf(stderr, "bad address %s\n", argv[1]); return 2; }
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 4096)) { perror("listen"); return 1; }
    printf("ready\n"); fflush(stdout);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) continue;
        if (write(c, "x", 1) != 1) { /* the client left already: nothing to count */ }
        close(c);
    }
}
EOF

cat >"$work/connrate.c" <<'EOF'
/* connrate ADDRESS PORT SECONDS CONCURRENCY: keeps CONCURRENCY connections in flight for SECONDS; each
   connects, reads the target's byte and end of stream, and closes. Prints "<completed> <failed> <per second>". */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
static struct sockaddr_in target;
static int ep, inflight;
static unsigned char got_byte[1 << 20];
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static int start_one(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0 || fd >= (int)sizeof got_byte) { if (fd >= 0) close(fd); return -1; }
    if (connect(fd, (struct sockaddr *)&target, sizeof target) && errno != EINPROGRESS) { close(fd); return -1; }
    struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.fd = fd };
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    got_byte[fd] = 0;
    inflight++;
    return 0;
}
int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: connrate ADDRESS PORT SECONDS CONCURRENCY\n"); return 2; }
    target.sin_family = AF_INET;
    target.sin_port = htons(atoi(argv[2]));
    inet_pton(AF_INET, argv[1], &target.sin_addr);
    double seconds = atof(argv[3]);
    int concurrency = atoi(argv[4]);
    long completed = 0, failed = 0;
    ep = epoll_create1(0);
    struct epoll_event evs[256];
    double start = now(), deadline = start + seconds;
    while (now() < deadline) {
        while (inflight < concurrency) {
            if (start_one()) { failed++; break; }
        }
        int n = epoll_wait(ep, evs, 256, 50);
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            char buf[64];
            ssize_t k;
            int finished = 0, ok = 0;
            while ((k = read(fd, buf, sizeof buf)) > 0) got_byte[fd] = 1;
            if (k == 0) { finished = 1; ok = got_byte[fd]; }
            else if (errno != EAGAIN) { finished = 1; }
            if (finished) {
                close(fd); /* also leaves the epoll set */
                inflight--;
                if (ok) completed++; else failed++;
            }
        }
    }
    double elapsed = now() - start;
    printf("%ld %ld %.0f\n", completed, failed, completed / elapsed);
    return 0;
}
EOF

gcc -O2 -o "$work/acceptclose" "$work/acceptclose.c"
gcc -O2 -o "$work/connrate" "$work/connrate.c"

# --- the namespace -------------------------------------------------------------------------------------

# A /24 of 198.18.0.0/15 that no interface uses yet.
used=$(ip -4 -o addr show | grep -oE '198\.1[89]\.[0-9]+\.' || true)
subnet=
for _ in $(seq 200); do
    candidate="198.$((18 + RANDOM % 2)).$((RANDOM % 256))."
    if ! grep -qF "$candidate" <<<"$used"; then subnet=$candidate; break; fi
done
[ -n "$subnet" ] || die "no free /24 in 198.18.0.0/15"
inside=${subnet}1
outside=${subnet}11

ip netns add "$ns"
ip link add dev "$veth_out" type veth peer name "$veth_in" netns "$ns"
ip addr add "$outside/24" dev "$veth_out"
ip link set dev "$veth_out" up
ip -n "$ns" addr add "$inside/24" dev "$veth_in"
ip -n "$ns" link set dev lo up
ip -n "$ns" link set dev "$veth_in" up

# --- ports and processes -------------------------------------------------------------------------------

free_port() {
    local port
    for _ in $(seq 100); do
        port=$((20000 + RANDOM % 10000))
        if [ -z "$(ss -Hltn "sport = :$port")" ]; then echo "$port"; return; fi
    done
    die "no free port"
}
target_port=$(free_port)
plain_port=$(free_port)
netns_port=$(free_port)
while [ "$netns_port" = "$plain_port" ]; do netns_port=$(free_port); done

await_line() { # file text
    for _ in $(seq 600); do grep -q "$2" "$1" 2>/dev/null && return; sleep 0.1; done
    die "timed out waiting for '$2' in $1: $(cat "$1")"
}
await_port() { # port
    for _ in $(seq 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done
    die "gost did not listen on 127.0.0.1:$1; its log: $(cat "$work/gost.log")"
}

ip netns exec "$ns" "$work/acceptclose" "$inside" "$target_port" >"$work/target-in-ns.log" 2>&1 &
pids+=($!)
"$work/acceptclose" "$outside" "$target_port" >"$work/target-default.log" 2>&1 &
pids+=($!)
await_line "$work/target-in-ns.log" ready
await_line "$work/target-default.log" ready

plain_service="tcp://127.0.0.1:$plain_port/$inside:$target_port"
netns_service="tcp://127.0.0.1:$netns_port/$outside:$target_port?netns.out=$ns"
# Per-connection log lines would measure the logger; warnings and errors still show.
JAVA_OPTS="-Dgost.log.level=warn ${JAVA_OPTS:-}" "$GOST" -L "$plain_service" -L "$netns_service" \
    >"$work/gost.log" 2>&1 &
pids+=($!)
await_port "$plain_port"
await_port "$netns_port"

measure() { # port seconds -> connections per second
    local result
    result=$(timeout $(( $2 + 10 )) "$work/connrate" 127.0.0.1 "$1" "$2" "$CONCURRENCY")
    read -r completed failed rate <<<"$result"
    if [ "$failed" -gt $(( completed / 100 + CONCURRENCY )) ]; then
        die "port $1: $failed of $((completed + failed)) connections failed; gost log: $(tail -20 "$work/gost.log")"
    fi
    echo "$rate"
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "warming up ${WARMUP_SECONDS}s per variant ..." >&2
measure "$plain_port" "$WARMUP_SECONDS" >/dev/null
measure "$netns_port" "$WARMUP_SECONDS" >/dev/null

plain=()
netns=()
for round in $(seq "$ROUNDS"); do
    plain+=("$(measure "$plain_port" "$ROUND_SECONDS")")
    netns+=("$(measure "$netns_port" "$ROUND_SECONDS")")
    echo "round $round: plain ${plain[-1]}/s, netns.out ${netns[-1]}/s" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

plain_median=$(median "${plain[@]}")
netns_median=$(median "${netns[@]}")
ratio=$(awk -v a="$netns_median" -v b="$plain_median" 'BEGIN { printf "%.2f", a / b }')
# Each round's netns.out against the plain round just before it: steadier than the ratio of the medians
# when other work on the machine comes and goes.
round_ratios=()
for i in "${!plain[@]}"; do
    round_ratios+=("$(awk -v a="${netns[$i]}" -v b="${plain[$i]}" 'BEGIN { printf "%.2f", a / b }')")
done
round_ratio_median=$(median "${round_ratios[@]}")
joined() { local IFS=,; echo "$*" | sed 's/,/, /g'; }

cat <<EOF

New TCP connections per second through one gost TCP forward ($(nproc) CPUs, load average $load_before before, $load_after after;
$CONCURRENCY connections in flight, $ROUNDS rounds of ${ROUND_SECONDS}s per variant, alternating).

| Forward | Socket to the target made in | Rounds (connections/s) | Median |
|---|---|---|---|
| \`-L tcp://127.0.0.1:PA/198.18.x.1:T\` | default namespace | $(joined "${plain[@]}") | $plain_median |
| \`-L "tcp://127.0.0.1:PB/198.18.x.11:T?netns.out=NS"\` | NS (\`netns.out\`) | $(joined "${netns[@]}") | $netns_median |

netns.out / plain: **$ratio** (ratio of the medians; target: 0.90 or more); per round: $(joined "${round_ratios[@]}"), median **$round_ratio_median**
EOF
kill "$watchdog" 2>/dev/null || true
