#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The 三率 and demand of a run over time, period by period, with 95% intervals over replications:
python3 analysis/trajectory.py RUN.h5 [RUN2.h5 ...] [--period-days D] [-o OUT_DIR]

Reads /series (the counters of closings by closing time) and /timeline. For each period of D
days (default 365; the first starts after the warm-up, the last is what the run has left): the
hotline's resolution and satisfaction (solved and satisfied among the hotline tickets asked at the callback, as V1 and V2
count them), the hotline closings a day and their ratio to the first period (V3), over every
channel the share closed within the limit, and (from /tickets, where the run wrote them) the
median lead time of the tickets closed in the period. With several runs of one scenario (other seeds) each
figure is the mean with its 95% t-interval. With -o it also draws trajectory.png, the rates and
the demand over the periods with the timeline's steps marked. A file that cannot be read, or a
/series without the rate columns (tiersim before 2026-12), is one line on stderr and exit 2.
"""

import argparse
import re
import sys
import tomllib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tiersim_analysis import read_provenance, read_table  # noqa: E402
from tiersim_analysis.checks import InputError, check_file, main_guard  # noqa: E402
from tiersim_analysis.stats import aggregate_periods, interval_text  # noqa: E402

RATE_COLUMNS = ("hotline_closed", "hotline_surveyed", "hotline_solved", "hotline_satisfied",
                "closed", "in_time")


def ratio(a, b):
    return a / b if b > 0 else float("nan")


def lead_times_of(path, warmup_h):
    """(closing hour, lead time in hours) of the tickets created after the warm-up and closed, or
    None for a run written with --trace none (no /tickets)."""
    try:
        tickets = read_table(path, "tickets")
    except Exception:
        return None
    closed = tickets[(tickets.outcome == 0) & (tickets.created_h >= warmup_h)]
    return closed.closed_h.to_numpy(), (closed.closed_h - closed.created_h).to_numpy()


def periods_of(path, period_days):
    """Per period: (start day, end day, resolution, satisfaction, calls a day, within limit,
    median lead time in hours of the tickets closed in it: NaN without /tickets)."""
    series = read_table(path, "series")
    missing = [c for c in RATE_COLUMNS if c not in series.columns]
    if missing:
        raise InputError(path, f"/series has no {missing[0]} (a file of tiersim before 2026-12)")
    scenario = tomllib.loads(read_provenance(path)["scenario_toml"])
    warmup = float(scenario.get("simulation", {}).get("warmup_days", 7.0))
    end_day = float(series.t_h.max()) / 24.0
    bucket_days = float(scenario.get("simulation", {}).get("bucket_hours", 24.0)) / 24.0
    leads = lead_times_of(path, warmup * 24.0)
    out = []
    start = warmup
    while start + bucket_days <= end_day + 1e-9:
        stop = min(end_day, (np.floor(start / period_days) + 1) * period_days)
        # A bucket belongs to the period its end falls in.
        rows = series[(series.t_h > start * 24.0) & (series.t_h <= stop * 24.0)]
        days = rows.t_h.nunique() * bucket_days
        sums = rows[list(RATE_COLUMNS)].sum()
        lead = float("nan")
        if leads is not None:
            in_period = (leads[0] > start * 24.0) & (leads[0] <= stop * 24.0)
            lead = float(np.median(leads[1][in_period])) if in_period.any() else float("nan")
        out.append((start, stop,
                    ratio(sums.hotline_solved, sums.hotline_surveyed),
                    ratio(sums.hotline_satisfied, sums.hotline_surveyed),
                    ratio(sums.hotline_closed, days),
                    ratio(sums.in_time, sums.closed),
                    lead))
        start = stop
    return out


def timeline_of(path):
    try:
        table = read_table(path, "timeline")
    except Exception:  # a run without a timeline has no /timeline
        return []
    # A ramp's steps ("portal (3/12)") are marked once, where the ramp's first step is.
    steps, seen = [], set()
    for day, label in zip(table.day, table.label):
        for part in str(label).split("; "):
            name = re.sub(r" \(\d+/\d+\)$", "", part)
            if name not in seen:
                seen.add(name)
                steps.append((float(day), name))
    return steps


def fmt(interval, scale=100.0, digits=1):
    return interval_text(interval, scale, digits)


def draw(out_dir, rows, steps):
    from tiersim_analysis import plots
    import matplotlib.pyplot as plt

    plots.setup()
    mid = [(a + b) / 2 for a, b, *_ in rows]
    has_lead = any(np.isfinite(r[6].mean) for r in rows)
    fig, axes = plt.subplots(3 if has_lead else 2, 1, figsize=(9, 10 if has_lead else 7),
                             sharex=True)
    rates, demand = axes[0], axes[1]
    for k, label in ((1, "hotline resolution"), (2, "hotline satisfaction"), (4, "within limit")):
        mean = [r[k + 1].mean * 100 for r in rows]
        err = [(r[k + 1].high - r[k + 1].mean) * 100 if np.isfinite(r[k + 1].low) else 0
               for r in rows]
        rates.errorbar(mid, mean, yerr=err, marker="o", capsize=3, label=label)
    rates.set_ylabel("%")
    rates.legend(loc="lower right")
    calls = [r[4].mean for r in rows]
    err = [(r[4].high - r[4].mean) if np.isfinite(r[4].low) else 0 for r in rows]
    demand.errorbar(mid, calls, yerr=err, marker="o", capsize=3, color="tab:purple")
    demand.set_ylabel("hotline tickets closed a day")
    if has_lead:
        lead = axes[2]
        err = [(r[6].high - r[6].mean) if np.isfinite(r[6].low) else 0 for r in rows]
        lead.errorbar(mid, [r[6].mean for r in rows], yerr=err, marker="o", capsize=3,
                      color="tab:brown")
        lead.set_ylabel("median lead time, h\n(tickets closed in the period)")
    axes[-1].set_xlabel("day of the run")
    for ax in axes:
        for day, label in steps:
            ax.axvline(day, color="grey", alpha=0.4, linewidth=0.8)
    for day, label in steps[:12]:
        rates.annotate(plots.safe_text(label)[:28], (day, rates.get_ylim()[0]), rotation=90,
                       fontsize=7, alpha=0.7, va="bottom")
    fig.suptitle("trajectory over the run's periods (95% intervals over replications)")
    return plots.save(fig, out_dir, "trajectory.png")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", help="run files (.h5) of one scenario, one per seed")
    parser.add_argument("--period-days", type=float, default=365.0,
                        help="length of a period in days (default 365)")
    parser.add_argument("-o", "--out", help="folder for trajectory.png")
    args = parser.parse_args(argv)
    if not args.period_days > 0:
        parser.error("--period-days must be > 0")
    per_run = []
    for path in args.runs:
        check_file(path, "run")
        per_run.append(periods_of(path, args.period_days))
    rows = aggregate_periods(per_run, 2, 7)
    first_calls = rows[0][4].mean if rows else float("nan")
    print(f"{len(args.runs)} run(s); mean ± 95% half-width over runs")
    print(f"{'days':>13}  {'resolution %':>14}  {'satisfaction %':>14}  {'calls/day':>14}  "
          f"{'× first':>7}  {'in limit %':>12}  {'lead p50 h':>12}")
    for start, stop, res, sat, calls, limit, lead in rows:
        print(f"{start:>6.0f}–{stop:<6.0f}  {fmt(res):>14}  {fmt(sat):>14}  "
              f"{fmt(calls, 1.0, 0):>14}  {calls.mean / first_calls:>7.2f}  {fmt(limit):>12}  "
              f"{fmt(lead, 1.0, 1):>12}")
    steps = timeline_of(args.runs[0])
    if steps:
        print("timeline: " + "; ".join(f"day {d:.0f} {label}" for d, label in steps[:8]) +
              (f"; … {len(steps) - 8} more" if len(steps) > 8 else ""))
    if args.out:
        out_dir = Path(args.out)
        out_dir.mkdir(parents=True, exist_ok=True)
        print("plot:", out_dir / draw(out_dir, rows, steps))


if __name__ == "__main__":
    sys.exit(main_guard(main))
