#!/usr/bin/env python3
"""report.py RAW OUT.md: medians of bench/run's measurements, printed as
"figure value unit" lines and written as the Markdown table of
docs/performance.md (refd, supervisord, ceiling and the two ratios, with
the target each figure has, if any)."""
import argparse
import math
import statistics
import sys
from collections import defaultdict

# figure: (description, better) -- "lower" for times and sizes.
ROWS = [
    ("getState.tcp.keepalive.c1.rps", "getState, TCP keep-alive, 1 client", "higher"),
    ("getState.tcp.keepalive.c1.p50", "  p50", "lower"),
    ("getState.tcp.keepalive.c1.p99", "  p99", "lower"),
    ("getState.tcp.keepalive.c16.rps", "getState, TCP keep-alive, 16 clients", "higher"),
    ("getState.tcp.keepalive.c16.p99", "  p99", "lower"),
    ("getState.tcp.newconn.c1.rps", "getState, TCP new connection, 1 client", "higher"),
    ("getState.tcp.newconn.c16.rps", "getState, TCP new connection, 16 clients", "higher"),
    ("getState.unix.keepalive.c1.rps", "getState, unix keep-alive, 1 client", "higher"),
    ("getState.unix.keepalive.c16.rps", "getState, unix keep-alive, 16 clients", "higher"),
    ("getState.unix.newconn.c1.rps", "getState, unix new connection, 1 client", "higher"),
    ("getState.unix.newconn.c16.rps", "getState, unix new connection, 16 clients", "higher"),
    ("getState.p{m}.rps", "getState, {m} processes (TCP keep-alive, 1 client)", "higher"),
    ("getState.p{b}.rps", "getState, {b} processes", "higher"),
    ("getState.p{b}.p99", "  p99", "lower"),
    ("getAllProcessInfo.p{s}.rps", "getAllProcessInfo, {s} processes", "higher"),
    ("getAllProcessInfo.p{s}.p50", "  p50 (a reply over 4 KiB)", "lower"),
    ("getAllProcessInfo.p{m}.rps", "getAllProcessInfo, {m} processes", "higher"),
    ("getAllProcessInfo.p{m}.p50", "  p50", "lower"),
    ("getAllProcessInfo.p{b}.rps", "getAllProcessInfo, {b} processes, 1 client", "higher"),
    ("getAllProcessInfo.p{b}.p50", "  p50", "lower"),
    ("getAllProcessInfo.p{b}.p99", "  p99", "lower"),
    ("getAllProcessInfo.p{b}.c16.rps", "getAllProcessInfo, {b} processes, 16 clients", "higher"),
    ("rss.p0", "RSS, 0 programs", "lower"),
    ("uss.p0", "  private (RSS less shared pages)", "lower"),
    ("rss.p{m}", "RSS, {m} running", "lower"),
    ("uss.p{m}", "  private", "lower"),
    ("rss.p{b}", "RSS, {b} running", "lower"),
    ("uss.p{b}", "  private", "lower"),
    ("idle.p{m}.wakeups", "wakeups idle, {m} children", "lower"),
    ("idle.p{m}.cpu", "CPU idle, {m} children", "lower"),
    ("startAll.p{m}", "startAllProcesses(wait), {m}", "lower"),
    ("startup.p{b}", "daemon start until {b} RUNNING", "lower"),
    ("startup.p{b}", "  against the floor holding 5 fds per child", "lower", "startup.p{b}.held"),
    ("stopAll.p{m}", "stopAllProcesses(wait), {m}", "lower"),
    ("shutdown.p{b}", "shutdown with {b} children", "lower"),
    ("shutdown.p{b}", "  against the floor holding 5 fds per child", "lower", "shutdown.p{b}.held"),
    ("log.mbps", "child output to its log", "higher"),
    ("log.cpu", "  daemon CPU for it", "lower"),
]
MACHINE = ["machine.idle"]
SCALE = [("scale.startup", "start until all RUNNING"), ("rss.scale", "RSS, all running"),
         ("uss.scale", "  private"), ("scale.fds", "open descriptors"),
         ("scale.getAllProcessInfo", "one getAllProcessInfo"), ("scale.shutdown", "shutdown")]


def targets(v, s, m, b):
    """figure -> (target text, met?) from the medians v[(subject, figure)]."""
    def g(subj, fig):
        return v.get((subj, fig.format(s=s, m=m, b=b)), (math.nan, ""))[0]
    t = {}
    r, c = g("refd", "getState.tcp.keepalive.c1.rps"), g("ceiling", "getState.tcp.keepalive.c1.rps")
    t["getState.tcp.keepalive.c1.rps"] = ("≥ 0.7 × ceiling", r >= 0.7 * c)
    # Each load run is paired with one against the trivial server moments
    # later: compare refd's share of the ceiling, which the machine's swings
    # between runs do not move.
    r10, rb = g("refd", "getState.tcp.keepalive.c1.rps"), g("refd", "getState.p{b}.rps")
    c10, cb = g("ceiling", "getState.tcp.keepalive.c1.rps"), g("ceiling", "getState.p{b}.rps")
    t[f"getState.p{b}.rps"] = (f"≥ 0.9 × the {s}-process figure (as shares of the ceiling)",
                               (rb / cb) >= 0.9 * (r10 / c10) if cb and c10 else False)
    t[f"getAllProcessInfo.p{b}.rps"] = ("≥ 500 req/s", g("refd", "getAllProcessInfo.p{b}.rps") >= 500)
    t[f"getAllProcessInfo.p{s}.p50"] = ("no 40 ms step", g("refd", "getAllProcessInfo.p{s}.p50") < 10)
    t["rss.p0"] = ("≤ 2 MB", g("refd", "rss.p0") <= 2048)
    t[f"rss.p{b}"] = ("≤ 5 MB", g("refd", "rss.p{b}") <= 5120)
    t[f"idle.p{m}.wakeups"] = ("≤ 1/60", g("refd", "idle.p{m}.wakeups") <= 1 / 60)
    t[f"startAll.p{m}"] = ("≤ 1.5 × floor", g("refd", "startAll.p{m}") <= 1.5 * g("ceiling", "startAll.p{m}"))
    t[f"startup.p{b}"] = ("≤ 1 s", g("refd", "startup.p{b}") <= 1000)
    t[f"shutdown.p{b}"] = ("≤ 0.5 s", g("refd", "shutdown.p{b}") <= 500)
    t["log.mbps"] = ("≥ 0.7 × ceiling", g("refd", "log.mbps") >= 0.7 * g("ceiling", "log.mbps"))
    t["log.cpu"] = ("< supervisord", g("refd", "log.cpu") < g("supervisord", "log.cpu"))
    return t


def fmt(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    a = abs(x)
    if a == 0:
        return "0"
    if a >= 100:
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 0.1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def ratio(a, b):
    if a is None or b is None or math.isnan(a) or math.isnan(b) or b == 0:
        return None
    return a / b


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("out")
    ap.add_argument("--machine", default="")
    ap.add_argument("--params", default="")
    ap.add_argument("--scale", default="")
    a = ap.parse_args()
    vals = defaultdict(list)
    units = {}
    for line in open(a.raw):
        f = line.split()
        if len(f) != 4:
            continue
        try:
            x = float(f[2])
        except ValueError:
            continue
        vals[(f[0], f[1])].append(x)
        units[f[1]] = f[3]
    med = {k: (statistics.median(xs), len(xs)) for k, xs in vals.items() if xs}
    for (subj, fig), (x, n) in sorted(med.items()):
        print(f"{subj}.{fig} {x:.6g} {units[fig]}")

    sizes = sorted({int(fig.split(".")[1][1:]) for (_, fig) in med if fig.startswith("getAllProcessInfo.p")})
    s, m, b = (sizes + [10, 100, 1000])[:3] if len(sizes) >= 3 else (10, 100, 1000)
    tg = targets(med, s, m, b)
    out = []
    out.append(f"Machine: {a.machine}  \nRun: {a.params}; medians of the repetitions.\n")
    out.append("| figure | unit | refd | supervisord | ceiling | refd/ceiling | refd/supervisord | target | met |")
    out.append("|---|---|--:|--:|--:|--:|--:|---|---|")
    for row in ROWS:
        fig_t, desc_t, better = row[:3]
        fig = fig_t.format(s=s, m=m, b=b)
        cfig = row[3].format(s=s, m=m, b=b) if len(row) > 3 else fig
        desc = desc_t.format(s=s, m=m, b=b)
        r = med.get(("refd", fig), (None, 0))[0]
        sv = med.get(("supervisord", fig), (None, 0))[0]
        c = med.get(("ceiling", cfig), (None, 0))[0]
        if r is None and sv is None and c is None:
            continue
        unit = units.get(fig, "")
        tt, met = tg.get(fig, ("", None)) if len(row) == 3 else ("", None)
        metx = "" if met is None else ("yes" if met else "**no**")
        out.append(f"| {desc} | {unit} | {fmt(r)} | {fmt(sv)} | {fmt(c)} | {fmt(ratio(r, c))} | "
                   f"{fmt(ratio(r, sv))} | {tt} | {metx} |")
    sc = [(f, d, med.get(("refd", f), (None, 0))[0], med.get(("supervisord", f), (None, 0))[0],
           med.get(("ceiling", f), (None, 0))[0]) for f, d in SCALE]
    if any(x[2] is not None or x[3] is not None for x in sc):
        out.append(f"\nScale ({a.scale} programs; the floor holds 5 descriptors per child):\n")
        out.append("| figure | unit | refd | supervisord | floor | refd/floor | refd/supervisord |")
        out.append("|---|---|--:|--:|--:|--:|--:|")
        for f, d, r, sv, c in sc:
            out.append(f"| {d} | {units.get(f, '')} | {fmt(r)} | {fmt(sv)} | {fmt(c)} | "
                       f"{fmt(ratio(r, c))} | {fmt(ratio(r, sv))} |")
    idle = {subj: xs for (subj, fig), xs in vals.items() if fig == "machine.idle"}
    if idle:
        out.append("\nCPU idle before each block (the rest of the machine's load), %: " +
                   "; ".join(f"{k} {', '.join(str(int(x)) for x in v)}" for k, v in sorted(idle.items())))
    text = "\n".join(out) + "\n"
    with open(a.out, "w") as fh:
        fh.write(text)
    print()
    print(text)


if __name__ == "__main__":
    main()
