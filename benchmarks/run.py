#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Whole-run benchmark runner (issue 5): runs the fixed workloads of scenarios/bench/ and PHOLD at
several thread counts, repeats each, and writes a CSV and a Markdown table.

    /usr/bin/python3 benchmarks/run.py                      # 1 and 2 threads, 3 repeats
    /usr/bin/python3 benchmarks/run.py --threads 1,2,4,8,16 --repeat 5
    /usr/bin/python3 benchmarks/run.py --quick              # small versions, 1 repeat

Columns: workload, threads, tickets (created), events (processed; committed for PHOLD), wall
seconds of the simulation loop as the simulator reports it (median, min, max over the repeats),
tickets/s and events/s on the median, CPU seconds of the child (user + system, median), peak RSS
of the child (getrusage), bytes per ticket in flight and the speed-up of the median over one
thread. Bytes per ticket in flight = (peak RSS - the RSS of the same workload run for a few
simulated minutes) / tickets in flight, where tickets in flight is the number open at the end
(the high-water mark of a model that is still filling up, a sample of the stationary count of one
that is not); it is left out below 1,000 tickets in flight, where it means nothing. The Little's
law mean (created x mean lead time / horizon) is in the CSV too.

For mmc and tandem (with or without a ticket trace) the runner also times the hand-written
reference of the same queues (benchmarks/reference/queues.cpp, `build/tiersim_reference`) on
as many tickets, and gives both in tickets per CPU second of the whole process (tiersim's
writer thread counts) and tiersim's ratio to it: "x reference" = reference / tiersim, so 2.0
means tiersim needs twice the CPU time per ticket.

The memory check runs a workload at D and 2D days (one thread) and reports the growth of the
peak RSS, which should stay under 10 %.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# name -> (scenario, trace, --days by mode: None = the scenario's own length)
WORKLOADS = {
    "mmc": ("bench/mmc", "none", {"full": None, "quick": 13020.8333, "smoke": 100.0}),
    "mmc+tickets": ("bench/mmc", "tickets", {"full": None, "quick": 13020.8333, "smoke": 100.0}),
    "tandem": ("bench/tandem", "none", {"full": None, "quick": 2604.1667, "smoke": 100.0}),
    "tandem+tickets": ("bench/tandem", "tickets",
                       {"full": None, "quick": 2604.1667, "smoke": 100.0}),
    "province": ("bench/province", "none", {"full": None, "quick": 3.0, "smoke": 0.25}),
    "national": ("bench/national", "tickets", {"full": None, "quick": 0.5, "smoke": 0.02}),
    # Realistic load (issue 14): the embedded default scenario, Jiangsu and Shanghai at their
    # census populations and the staffing per 10,000 residents of the fidelity calibration, for
    # beside `province`, whose units have fixed staff counts.
    "realistic": ("default", "none", {"full": None, "quick": 3.0, "smoke": 0.25}),
    # Issue 14's month of the whole country with a ticket trace (about 5 minutes on 2 cores, 10
    # on one): asked for by name only, not in the default list.
    "national-month": ("bench/national", "tickets", {"full": 30.0, "quick": 1.0, "smoke": 0.02}),
}
OPT_IN = {"national-month"}
PHOLD = {"lps": 1024, "events_per_lp": 16, "remote": 0.25, "lookahead": 0.1, "mean": 1.0}
PHOLD_END = {"full": 2000.0, "quick": 200.0, "smoke": 5.0}
# Horizon doubling: workload -> D in days by mode; 2D is run as well.
MEMORY = {"tandem": {"full": 13020.8333, "quick": 1302.0833, "smoke": 50.0},
          "mmc": {"full": 65104.1667, "quick": 6510.4167, "smoke": 50.0}}
BASELINE_DAYS = 0.01  # a few simulated minutes: the set-up's memory
REFERENCE = {"mmc": "mmc", "mmc+tickets": "mmc", "tandem": "tandem", "tandem+tickets": "tandem"}


def run_measured(argv):
    """Runs argv with fork/exec + wait4 to get its own rusage."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            try:
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        _, status, usage = os.wait4(pid, 0)
        wall = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            sys.exit(f"run.py: {' '.join(argv)} failed ({code}):\n{err.read().decode()}")
        return (out.read().decode(), wall, usage.ru_utime + usage.ru_stime,
                usage.ru_maxrss * 1024)


def tiersim_run(exe, scenario, trace, days, threads, workdir):
    output = Path(workdir) / "run.h5"
    argv = [exe, "run", scenario, "--json", "-q", "--trace", trace, "--threads", str(threads),
            "-o", str(output)]
    if days is not None:
        argv += ["--days", repr(days)]
        if days < 10.0:  # shorter than some warm-ups: measure from the start
            argv += ["--set", "simulation.warmup_days=0"]
    text, wall, cpu, rss = run_measured(argv)
    j = json.loads(text)
    horizon_h = j["end_h"]
    lead = j["overall"].get("lead_time_mean_h")
    created = j["tickets"]["created"]
    little = created * lead / horizon_h if lead is not None and horizon_h > 0 else float("nan")
    output.unlink(missing_ok=True)
    return {"tickets": created, "events": j["events"], "sim_wall": j["wall_seconds"],
            "wall": wall, "cpu": cpu, "rss": rss, "open": j["tickets"]["open_at_end"],
            "little": little}


def phold_run(exe, end, threads):
    argv = [exe, "bench", "phold", "--json", "--threads", str(threads), "--end", repr(end),
            "--lps", str(PHOLD["lps"]), "--events-per-lp", str(PHOLD["events_per_lp"]),
            "--remote", repr(PHOLD["remote"]), "--lookahead", repr(PHOLD["lookahead"]),
            "--mean", repr(PHOLD["mean"])]
    text, wall, cpu, rss = run_measured(argv)
    j = json.loads(text)
    return {"tickets": 0, "events": j["committed"], "sim_wall": j["wall_seconds"], "wall": wall,
            "cpu": cpu, "rss": rss, "open": 0, "little": float("nan"),
            "checksum": j["checksum"]}


def reference_run(exe, model, tickets):
    """CPU seconds of the hand-written reference on `tickets` tickets, and its mean sojourn."""
    text, _, cpu, _ = run_measured([exe, model, str(tickets), "1"])
    return cpu, json.loads(text)["mean_sojourn_h"]


def fmt_int(x):
    return f"{x:,.0f}"


def fmt_rate(x):
    if x >= 1e6:
        return f"{x / 1e6:.2f} M"
    if x >= 1e3:
        return f"{x / 1e3:.0f} k"
    return f"{x:.0f}"


def machine_line():
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    return (f"{platform.node()}: {os.cpu_count()} logical CPUs ({model}), "
            f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def target_lines(rows, memory, mode):
    """Issue 14's targets, each with what this run measured and whether it is met."""
    at = {(r["workload"], r["threads"]): r for r in rows}
    out = []

    def add(target, measured, met):
        out.append(f"| {target} | {measured} | {'met' if met else '**missed**'} |")

    for w in ("mmc", "tandem"):
        r = at.get((w, 1))
        if r and r["x_reference"]:
            add(f"`{w}` `--trace none` within 2x of the hand-written program (CPU s, 1 thread)",
                f"{r['x_reference']:.2f}x", r["x_reference"] <= 2.0)
        t = at.get((w + "+tickets", 1))
        if r and t and r["cpu_median_s"] > 0:
            ratio = t["cpu_median_s"] / r["cpu_median_s"]
            add(f"`{w}` with `--trace tickets` at most 1.3x `--trace none` (CPU s, 1 thread)",
                f"{ratio:.2f}x ({t['cpu_median_s']:.2f} / {r['cpu_median_s']:.2f} s)",
                ratio <= 1.3)
    p1, p2 = at.get(("phold", 1)), at.get(("phold", 2))
    if p1:
        add("PHOLD >= 10 M committed events/s on 1 thread", fmt_rate(p1["events_per_s"]),
            p1["events_per_s"] >= 10e6)
    if p2:
        add("PHOLD on 2 threads >= 1.85x one", f"{p2['speedup']:.2f}x", p2["speedup"] >= 1.85)
    for w in ("province", "national", "realistic"):
        r2 = at.get((w, 2))
        if r2:
            add(f"`{w}` on 2 threads >= 1.8x one", f"{r2['speedup']:.2f}x", r2["speedup"] >= 1.8)
    for w in ("province", "national", "realistic"):
        per = [r["bytes_per_ticket"] for r in rows
               if r["workload"] == w and r["bytes_per_ticket"] is not None]
        if per:
            add(f"`{w}` <= 200 bytes per ticket in flight",
                f"{min(per):,.0f}–{max(per):,.0f}", max(per) <= 200)
    month = at.get(("national-month", 2))
    if month and mode == "full":
        add("`national` for 30 days with `--trace tickets` under 10 minutes on 2 cores",
            f"{month['process_wall_median_s']:.0f} s, peak RSS {month['peak_rss_bytes'] / 2**30:.2f} GiB",
            month["process_wall_median_s"] < 600.0)
    national = [r["peak_rss_bytes"] for r in rows if r["workload"] == "national"]
    if national and mode == "full":
        add("`national` (one week) under 2.5 GiB", f"{max(national) / 2**30:.2f} GiB",
            max(national) < 2.5 * 2**30)
    for m in memory:
        add(f"`{m['workload']}` peak RSS flat as the horizon doubles (<= 5 %)",
            f"{m['growth_percent']:+.1f} %", m["growth_percent"] <= 5.0)
    if not out:
        return []
    head = ["", "Issue 14's targets" + ("" if mode == "full" else
                                       f" ({mode} mode: smaller workloads than the targets')"),
            "", "| target | measured | verdict |", "|---|---|---|"]
    return head + out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiersim", default=str(ROOT / "build" / "tiersim"),
                        help="simulator binary (default: build/tiersim)")
    parser.add_argument("--reference", default=None,
                        help="the hand-written reference (default: tiersim_reference beside "
                             "the simulator)")
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per workload and thread count (default 3, --quick 1)")
    parser.add_argument("--quick", action="store_true", help="small versions of every workload")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny versions, to check that everything runs (the CTest bench-smoke)")
    parser.add_argument("--workloads",
                        default=",".join([w for w in WORKLOADS if w not in OPT_IN] + ["phold"]),
                        help="comma-separated subset of: " + ", ".join(list(WORKLOADS) + ["phold"]))
    parser.add_argument("--no-memory", action="store_true", help="skip the horizon-doubling check")
    parser.add_argument("--out", default=str(ROOT / "build" / "bench-results"),
                        help="folder for results.csv, results.md and memory.csv")
    args = parser.parse_args()

    exe = str(Path(args.tiersim).resolve())
    if not os.access(exe, os.X_OK):
        sys.exit(f"run.py: error: no simulator at {exe} (build it, or pass --tiersim)")
    reference = str(Path(args.reference or Path(exe).parent / "tiersim_reference").resolve())
    if not os.access(reference, os.X_OK):
        sys.exit(f"run.py: error: no reference at {reference} (build the target "
                 "tiersim_reference, or pass --reference)")
    threads = [int(t) for t in args.threads.split(",") if t]
    if not threads or min(threads) < 1:
        sys.exit("run.py: error: --threads needs positive integers, e.g. 1,2,4")
    if 1 not in threads:
        threads = [1] + threads  # the speed-up needs one thread
    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    repeat = args.repeat if args.repeat is not None else (3 if mode == "full" else 1)
    if repeat < 1:
        sys.exit("run.py: error: --repeat must be >= 1")
    workloads = [w for w in args.workloads.split(",") if w]
    for w in workloads:
        if w not in WORKLOADS and w != "phold":
            sys.exit(f"run.py: error: unknown workload '{w}'")
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    machine_start = machine_line()
    started = datetime.datetime.now(datetime.timezone.utc)

    rows = []
    with tempfile.TemporaryDirectory(prefix="tiersim-bench-") as work:
        for w in workloads:
            baseline = None
            if w != "phold":
                scenario, trace, days_by_mode = WORKLOADS[w]
                days = days_by_mode[mode]
                baseline = tiersim_run(exe, scenario, "none", BASELINE_DAYS, 1, work)["rss"]
            for t in threads:
                runs = []
                for _ in range(repeat):
                    if w == "phold":
                        runs.append(phold_run(exe, PHOLD_END[mode], t))
                    else:
                        runs.append(tiersim_run(exe, scenario, trace, days, t, work))
                    print(f"{w} threads {t}: {runs[-1]['sim_wall']:.2f} s", file=sys.stderr)
                first = runs[0]
                if any(r["events"] != first["events"] or r["tickets"] != first["tickets"]
                       for r in runs):
                    sys.exit(f"run.py: {w}: repeats differ in tickets or events")
                walls = [r["sim_wall"] for r in runs]
                med = statistics.median(walls)
                cpu = statistics.median(r["cpu"] for r in runs)
                ref_cpu = ref_sojourn = None
                if w in REFERENCE and t == threads[0]:
                    ref = [reference_run(reference, REFERENCE[w], first["tickets"])
                           for _ in range(repeat)]
                    ref_cpu = statistics.median(c for c, _ in ref)
                    ref_sojourn = ref[0][1]
                elif w in REFERENCE:
                    ref_cpu, ref_sojourn = next((r["reference_cpu_s"], r["reference_sojourn_h"])
                                                for r in rows if r["workload"] == w)
                rss = max(r["rss"] for r in runs)
                in_flight = first["open"]
                per_ticket = ((rss - baseline) / in_flight
                              if baseline is not None and in_flight >= 1000 else None)
                rows.append({
                    "workload": w, "threads": t, "tickets": first["tickets"],
                    "events": first["events"], "wall_median_s": med, "wall_min_s": min(walls),
                    "wall_max_s": max(walls),
                    "tickets_per_s": first["tickets"] / med if med > 0 else 0.0,
                    "events_per_s": first["events"] / med if med > 0 else 0.0,
                    "cpu_median_s": cpu,
                    "tickets_per_cpu_s": first["tickets"] / cpu if cpu > 0 else 0.0,
                    "reference_cpu_s": ref_cpu, "reference_sojourn_h": ref_sojourn,
                    "x_reference": cpu / ref_cpu if ref_cpu else None,
                    "process_wall_median_s": statistics.median(r["wall"] for r in runs),
                    "peak_rss_bytes": rss, "baseline_rss_bytes": baseline or 0,
                    "in_flight_at_end": in_flight, "in_flight_little": first["little"],
                    "bytes_per_ticket": per_ticket, "repeats": repeat,
                    "checksum": first.get("checksum", ""),
                })
        one = {r["workload"]: r["wall_median_s"] for r in rows if r["threads"] == 1}
        for r in rows:
            r["speedup"] = one[r["workload"]] / r["wall_median_s"] if r["wall_median_s"] else 0.0

        memory = []
        if not args.no_memory:
            for w, d_by_mode in MEMORY.items():
                if w not in workloads:
                    continue
                scenario = WORKLOADS[w][0]
                d = d_by_mode[mode]
                a = tiersim_run(exe, scenario, "none", d, 1, work)
                b = tiersim_run(exe, scenario, "none", 2 * d, 1, work)
                memory.append({"workload": w, "days": d, "rss_d_bytes": a["rss"],
                               "rss_2d_bytes": b["rss"],
                               "growth_percent": 100.0 * (b["rss"] / a["rss"] - 1.0)})

    machine_end = machine_line()
    fields = ["workload", "threads", "tickets", "events", "wall_median_s", "wall_min_s",
              "wall_max_s", "tickets_per_s", "events_per_s", "cpu_median_s",
              "tickets_per_cpu_s", "reference_cpu_s", "reference_sojourn_h", "x_reference",
              "process_wall_median_s", "peak_rss_bytes", "baseline_rss_bytes", "in_flight_at_end",
              "in_flight_little", "bytes_per_ticket", "speedup", "repeats", "checksum"]
    with open(out_dir / "results.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for r in rows:
            writer.writerow(r)
    if memory:
        with open(out_dir / "memory.csv", "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(memory[0]))
            writer.writeheader()
            writer.writerows(memory)

    lines = [f"tiersim benchmark runner, {mode} mode, {repeat} repeat(s), "
             f"{started:%Y-%m-%d %H:%M} UTC",
             "",
             f"- at start: {machine_start}",
             f"- at end: {machine_end}",
             "",
             "| workload | threads | tickets | events | wall s median (min–max) | tickets/s | "
             "events/s | CPU s | tickets/CPU-s | reference tickets/CPU-s | x reference | "
             "peak RSS MiB | bytes/ticket in flight | speed-up |",
             "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        per = f"{r['bytes_per_ticket']:,.0f}" if r["bytes_per_ticket"] is not None else "n/a"
        tickets = fmt_int(r["tickets"]) if r["workload"] != "phold" else "–"
        tps = fmt_rate(r["tickets_per_s"]) if r["workload"] != "phold" else "–"
        per_cpu = fmt_rate(r["tickets_per_cpu_s"]) if r["workload"] != "phold" else "–"
        ref_rate = (fmt_rate(r["tickets"] / r["reference_cpu_s"])
                    if r["reference_cpu_s"] else "–")
        ratio = f"{r['x_reference']:.2f}" if r["x_reference"] else "–"
        lines.append(
            f"| {r['workload']} | {r['threads']} | {tickets} | {fmt_int(r['events'])} | "
            f"{r['wall_median_s']:.2f} ({r['wall_min_s']:.2f}–{r['wall_max_s']:.2f}) | {tps} | "
            f"{fmt_rate(r['events_per_s'])} | {r['cpu_median_s']:.2f} | {per_cpu} | "
            f"{ref_rate} | {ratio} | "
            f"{r['peak_rss_bytes'] / 2**20:,.0f} | {per} | {r['speedup']:.2f} |")
    if memory:
        lines += ["", "Peak RSS as the horizon doubles (one thread, --trace none):", "",
                  "| workload | D days | RSS at D MiB | RSS at 2D MiB | growth |",
                  "|---|---:|---:|---:|---:|"]
        for m in memory:
            lines.append(f"| {m['workload']} | {m['days']:,.1f} | {m['rss_d_bytes'] / 2**20:,.1f} | "
                         f"{m['rss_2d_bytes'] / 2**20:,.1f} | {m['growth_percent']:+.1f} % |")
    lines += target_lines(rows, memory, mode)
    text = "\n".join(lines) + "\n"
    (out_dir / "results.md").write_text(text)
    print(text)
    print(f"wrote {out_dir / 'results.csv'} and {out_dir / 'results.md'}", file=sys.stderr)


if __name__ == "__main__":
    main()
