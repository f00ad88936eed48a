#!/usr/bin/env bash
# bench/match.sh: what 100,000 admission and bypass rules cost (issue 17: "100,000 CIDR rules cost < 2 µs per
# check, loaded in under a second; reloading them does not pause traffic"), measured with JMH on the runtime's
# own objects (bench/jmh, built with the Maven profile jmh, which the normal build and CI leave out).
#
#   1  a check against 100,000 rules, ns: a bypass (the target as text: parsed, then one binary search) over IPv4
#      CIDRs, IPv6 CIDRs and domain suffixes, and an admission (the client's address as bytes) over IPv4 and
#      IPv6 CIDRs; hits and misses, each a different address of 4,096 drawn at set-up; target < 2000 ns
#   2  loading a 100,000-line file as an admission's and a bypass's file source, through ControlServices.put (read,
#      compile, register: what a start, a configuration reload and the Web API do): ms, cold (the first load in a
#      fresh JVM, as at start-up; five forks) and warm (a later reload); target < 1000 ms
#   3  reloading under traffic: one thread checks clients against the admission while another reloads it from
#      its file over and over; the check's p50, p99.9 and largest latency, against the same check alone
#
# One command after a checkout: builds the benchmarks offline if Maven has JMH (else it fetches JMH 1.37 from
# Maven Central once), runs them and saves a markdown table with the date, machine, load and command in
# bench/results/match-latest.md (JMH's own output and JSON beside it: match-latest.txt, match-latest.json).
# Meaningful only on an otherwise idle machine: refuses to run while the 1-minute load average is above
# BENCH_MAX_LOAD (default 1.5) unless BENCH_FORCE=1 (then the report says so). About 6 minutes; BENCH_QUICK=1
# runs every benchmark briefly, without the cold loads (to check that it works; the figures are rougher).
#
# Environment (all optional):
#   BENCH_QUICK=1   BENCH_OUT=bench/results/match-latest.md   BENCH_FORCE=1   BENCH_MAX_LOAD=1.5
#   BENCH_PATTERN=regexp (which benchmarks, e.g. 'Load')   BENCH_JMH_ARGS="..." (more JMH options, e.g. -prof gc)
set -euo pipefail

BENCH_DIR=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
ROOT=$(dirname -- "$BENCH_DIR")
OUT=${BENCH_OUT:-$BENCH_DIR/results/match-latest.md}
MAX_LOAD=${BENCH_MAX_LOAD:-1.5}
MODULE=$BENCH_DIR/jmh

if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
fi

log() { printf '%s\n' "$*" >&2; }
die() { log "bench: $*"; exit 1; }

load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }' && [ "${BENCH_FORCE:-0}" != 1 ]; then
    die "load average $load is above $MAX_LOAD: the figures would measure the other work; BENCH_FORCE=1 runs anyway"
fi

log "bench: building the benchmarks (./mvnw -Pjmh -pl bench/jmh -am -DskipTests package)"
build() { (cd "$ROOT" && ./mvnw -q "$@" -Pjmh -pl bench/jmh -am -DskipTests package); }
build -o || { log "bench: JMH is not in the local Maven repository; fetching it from Maven Central"; build; }
[ -s "$MODULE/target/benchmark.classpath" ] || die "the build did not write $MODULE/target/benchmark.classpath"

WORK=$(mktemp -d /tmp/gost-bench-match.XXXXXX)
trap 'rm -rf -- "$WORK"' EXIT
JSON=$WORK/jmh.json
args=(-rf json -rff "$JSON")
if [ -n "${BENCH_PATTERN:-}" ]; then
    pattern=$BENCH_PATTERN
    [ "${BENCH_QUICK:-0}" != 1 ] || args+=(-wi 2 -i 2 -w 1s -r 1s -f 1)
elif [ "${BENCH_QUICK:-0}" = 1 ]; then
    # Fewer and shorter iterations, one fork for the cold loads: enough to see that everything runs.
    args+=(-wi 2 -i 2 -w 1s -r 1s)
    pattern='MatchBenchmark|LoadBenchmark.*Warm'
    args+=(-f 1)
else
    pattern='MatchBenchmark|LoadBenchmark'
fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "bench: load before: $load_before; running JMH"
# shellcheck disable=SC2086 # BENCH_JMH_ARGS is a list of options
java -cp "$MODULE/target/classes:$(cat "$MODULE/target/benchmark.classpath")" org.openjdk.jmh.Main \
    "${args[@]}" ${BENCH_JMH_ARGS:-} "$pattern" | tee "$WORK/jmh.txt" >&2
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

table=$(python3 - "$JSON" <<'EOF'
import json, sys
results = {r["benchmark"].rsplit(".", 1)[1]: r for r in json.load(open(sys.argv[1], encoding="utf-8"))}

def number(value):
    """JMH writes "NaN" (a string) for an error it cannot estimate from one or two iterations."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")

def score(name):
    r = results.get(name)
    return None if r is None else r["primaryMetric"]

rows = ["| what | figure | target | JMH score ± error |", "| --- | ---: | --- | --- |"]
checks = [("bypassIpv4Hit", "bypass, 100,000 IPv4 CIDRs, hit (target as text)"),
          ("bypassIpv4Miss", "bypass, 100,000 IPv4 CIDRs, miss"),
          ("bypassIpv6Hit", "bypass, 100,000 IPv6 CIDRs, hit"),
          ("bypassIpv6Miss", "bypass, 100,000 IPv6 CIDRs, miss"),
          ("bypassDomainHit", "bypass, 100,000 domain suffixes, hit (www.dN.example.net)"),
          ("bypassDomainMiss", "bypass, 100,000 domain suffixes, miss"),
          ("admissionIpv4Hit", "admission, 100,000 IPv4 CIDRs, hit (client as bytes)"),
          ("admissionIpv4Miss", "admission, 100,000 IPv4 CIDRs, miss"),
          ("admissionIpv6Hit", "admission, 100,000 IPv6 CIDRs, hit"),
          ("admissionIpv6Miss", "admission, 100,000 IPv6 CIDRs, miss")]
failed = False
for name, title in checks:
    m = score(name)
    if m is None:
        continue
    met = m["score"] < 2000
    failed |= not met
    rows.append(f"| 1. {title}, ns per check | {m['score']:.0f} | < 2000 {'met' if met else 'MISSED'} "
                f"| {m['score']:.1f} ± {number(m['scoreError']):.1f} {m['scoreUnit']} |")
loads = [("admissionFileCold", "admission from a 100,000-line file, cold (first load in a fresh JVM)"),
         ("admissionFileWarm", "admission from a 100,000-line file, warm (a later reload)"),
         ("bypassFileCold", "bypass from a 100,000-line file, cold"),
         ("bypassFileWarm", "bypass from a 100,000-line file, warm")]
for name, title in loads:
    m = score(name)
    if m is None:
        continue
    met = m["score"] < 1000
    failed |= not met
    runs = ", ".join(f"{v:.0f}" for fork in m.get("rawData", []) for v in fork)
    rows.append(f"| 2. {title}, ms | {m['score']:.0f} | < 1000 {'met' if met else 'MISSED'} "
                f"| {m['score']:.0f} ± {number(m['scoreError']):.0f} {m['scoreUnit']} (runs: {runs}) |")
group = results.get("reload", {}).get("secondaryMetrics", {})  # a @Group's members are its secondary metrics
for m, title in [(score("admitAlone"), "check alone"), (group.get("admitWhileReloading"), "check while the file reloads")]:
    if not m:
        continue
    p = m.get("scorePercentiles", {})
    rows.append(f"| 3. {title}: p50 / p99.9 / max, ns | {p.get('50.0', 0):.0f} / {p.get('99.9', 0):.0f} / "
                f"{p.get('100.0', 0):.0f} | | mean {m['score']:.1f} {m['scoreUnit']} |")
r = group.get("reloadWhileChecking")
if r:
    rows.append(f"| 3. ... the reloads meanwhile (each a full load of the file), mean, ms | {r['score'] / 1e6:.0f} "
                f"| | {r['score']:.0f} {r['scoreUnit']} |")
print("\n".join(rows))
sys.exit(3 if failed else 0)
EOF
) || status=$?
[ "${status:-0}" = 0 ] || [ "${status:-0}" = 3 ] || die "the report failed (JMH's output: above)"

mkdir -p "$(dirname -- "$OUT")"
{
    echo "# 100,000 admission and bypass rules"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), \`bench/match.sh\`$([ "${BENCH_QUICK:-0}" = 1 ] && echo ' (BENCH_QUICK=1: short runs)'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), JMH 1.37."
    echo "Machine: $(nproc) CPUs, $(uname -sr), $(java -version 2>&1 | head -n 1)."
    echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after.$([ "${BENCH_FORCE:-0}" = 1 ] && echo " Run with BENCH_FORCE=1: the machine was busy, the figures are not comparable.")"
    echo
    echo "$table"
} >"$OUT"
cp "$WORK/jmh.txt" "${OUT%.md}.txt"
cp "$JSON" "${OUT%.md}.json"
echo
cat "$OUT"
