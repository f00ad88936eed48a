#!/usr/bin/env python3
"""Turns the bench script's raw results into one markdown table of medians and ratios to gost-java.

  report.py RESULTS_TSV

RESULTS_TSV holds two kinds of tab-separated lines, in the order the workloads ran:

  workload  ID  TITLE  UNIT  higher|lower     describes a workload (once, before its results)
  result    ID  PEER  VALUE  [NOTE  [CORES]]  one measurement; VALUE empty if it failed (NOTE says why);
                                            CORES: CPU the proxy used meanwhile, in cores

For each workload and peer the table gives the median of the runs, every run, and gost-java's median
divided by the peer's: above 1 means gost-java is higher (better for throughput, worse for latency,
memory and start-up; the workload's title says which way is better), and the median CPU the proxy
used during the measurements, in cores (1.00 = one core busy all the time).
"""
import statistics
import sys

REFERENCE = "gost-java"


def number(value, unit):
    if unit in ("req/s",):
        return f"{value:,.0f}"
    if unit in ("s",):
        return f"{value:.3f}"
    if unit in ("Gbit/s", "µs", "KiB"):
        return f"{value:.2f}" if value < 100 else f"{value:,.0f}"
    return f"{value:g}"


def load(path):
    workloads = {}
    order = []
    for line in open(path, encoding="utf-8"):
        fields = line.rstrip("\n").split("\t")
        if fields[0] == "workload":
            _, ident, title, unit, better = fields[:5]
            if ident not in workloads:
                order.append(ident)
            workloads[ident] = {"title": title, "unit": unit, "better": better, "peers": {}}
        elif fields[0] == "result":
            ident, peer, value = fields[1:4]
            note = fields[4] if len(fields) > 4 else ""
            cores = fields[5] if len(fields) > 5 else ""
            entry = workloads[ident]["peers"].setdefault(peer, {"values": [], "notes": [], "cores": []})
            if value:
                entry["values"].append(float(value))
            if cores:
                entry["cores"].append(float(cores))
            if note and note not in entry["notes"]:
                entry["notes"].append(note)
    return [workloads[ident] for ident in order]


def table(workloads):
    rows = ["| workload | peer | median | runs | gost-java ÷ peer | proxy CPU (cores) | notes |",
            "| --- | --- | ---: | --- | ---: | ---: | --- |"]
    for workload in workloads:
        unit = workload["unit"]
        title = f"{workload['title']} ({unit}, {workload['better']} is better)"
        medians = {peer: statistics.median(entry["values"])
                   for peer, entry in workload["peers"].items() if entry["values"]}
        reference = medians.get(REFERENCE)
        for peer, entry in workload["peers"].items():
            median = medians.get(peer)
            runs = ", ".join(number(v, unit) for v in entry["values"]) or "—"
            if median is None:
                shown, ratio = "not measured", "—"
            else:
                shown = f"**{number(median, unit)}**"
                ratio = f"{reference / median:.2f}×" if reference is not None and median > 0 else "—"
            cores = f"{statistics.median(entry['cores']):.2f}" if entry["cores"] else ""
            rows.append(f"| {title} | {peer} | {shown} | {runs} | {ratio} | {cores} | {'; '.join(entry['notes'])} |")
            title = ""
    return "\n".join(rows)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(table(load(sys.argv[1])))
