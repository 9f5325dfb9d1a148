#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Units that adapt and what a run costs, period by period, with 95% intervals over replications:
python3 analysis/adaptation.py RUN.h5 [RUN2.h5 ...] [--tier TIER] [-o OUT_DIR]

Reads /unit_series (every unit's closings and 三率 per period of adaptation.period_days),
/adaptation (what the rules did) and /costs. For each period of the table: the spread of the 三率
score among the units of TIER (default street) with ranking.min_surveyed callbacks or more in the
period (10th percentile, median, 90th percentile of each unit's weighted score, as the ranking
computes it, so that a ranking's effect on the laggards shows even where no ranking runs), the servers the rules had moved at the
period's end (leader attention's reserve staff and project teams'), and the yuan spent per closed
ticket. With several runs of one scenario (other seeds) each figure is the mean with its 95%
t-interval. With -o it also draws adaptation.png. A file that cannot be read, or one without
/unit_series (tiersim before 2026-12), is one line on stderr and exit 2.
"""

import argparse
import sys
import tomllib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tiersim_analysis import read_provenance, read_table  # noqa: E402
from tiersim_analysis.checks import InputError, check_file, main_guard  # noqa: E402
from tiersim_analysis.stats import aggregate_periods, interval_text  # noqa: E402

TIERS = ("street", "district", "city", "province")
WEIGHTS = {"weight_response": 0.10, "weight_resolution": 0.45, "weight_satisfaction": 0.45}
# Servers a rule adds (+) or withdraws (-) with each action of /adaptation.
MOVES = {"attention_start": 1, "attention_end": -1, "team_arrived": 1, "team_released": -1}


def table_or_none(path, name):
    try:
        return read_table(path, name)
    except Exception:  # a run without rules has no /adaptation
        return None


def periods_of(path, tier):
    """Per period end (days): score p10, median, p90; servers moved; yuan per closed ticket."""
    units = table_or_none(path, "unit_series")
    if units is None:
        raise InputError(path, "no /unit_series (a file of tiersim before 2026-12)")
    scenario = tomllib.loads(read_provenance(path)["scenario_toml"])
    ranking = scenario.get("adaptation", {}).get("ranking", {})
    w = {k: float(ranking.get(k, v)) for k, v in WEIGHTS.items()}
    min_surveyed = int(ranking.get("min_surveyed", 20))
    tier_of = read_table(path, "units").set_index("id").tier
    units = units[units.unit.map(tier_of) == TIERS.index(tier)]
    actions = table_or_none(path, "adaptation")
    costs = table_or_none(path, "costs")
    out = []
    start_h = 0.0
    for end_h, rows in units.groupby("t_h", sort=True):
        rows = rows[(rows.closed > 0) & (rows.surveyed > 0) & (rows.surveyed >= min_surveyed)]
        score = (w["weight_response"] * rows.responded_in_time / rows.closed +
                 w["weight_resolution"] * rows.solved / rows.surveyed +
                 w["weight_satisfaction"] * rows.satisfied / rows.surveyed)
        p10, p50, p90 = (np.percentile(score, q) if len(score) else np.nan for q in (10, 50, 90))
        moved = 0.0
        if actions is not None:
            done = actions[actions.t_h <= end_h]
            sign = done.action_name.map(lambda a: MOVES.get(str(a), 0))
            moved = float((sign * done.value).sum())
        per_closed = np.nan
        if costs is not None:
            c = costs[(costs.t_h > start_h) & (costs.t_h <= end_h)]
            per_closed = c.total_yuan.sum() / c.closed.sum() if c.closed.sum() > 0 else np.nan
        out.append((start_h / 24.0, end_h / 24.0, p10, p50, p90, moved, per_closed))
        start_h = end_h
    return out


def fmt(interval, scale=1.0, digits=3):
    return interval_text(interval, scale, digits)


def draw(out_dir, rows, tier):
    from tiersim_analysis import plots
    import matplotlib.pyplot as plt

    plots.setup()
    mid = [(a + b) / 2 for a, b, *_ in rows]
    fig, (spread, staff, cost) = plt.subplots(3, 1, figsize=(9, 9), sharex=True)
    for k, label in ((2, "10th percentile"), (3, "median"), (4, "90th percentile")):
        spread.plot(mid, [r[k].mean for r in rows], marker="o", label=label)
    spread.fill_between(mid, [r[2].mean for r in rows], [r[4].mean for r in rows], alpha=0.15)
    spread.set_ylabel(f"三率 score of the {tier} units")
    spread.legend(loc="lower right")
    staff.plot([r[1] for r in rows], [r[5].mean for r in rows], marker="o", color="tab:green")
    staff.set_ylabel("servers moved by the rules\n(at each period's end)")
    cost.plot(mid, [r[6].mean for r in rows], marker="o", color="tab:red")
    cost.set_ylabel("yuan per closed ticket")
    cost.set_xlabel("day of the run")
    fig.suptitle("units that adapt: the ranking's spread, staff moved and cost per period")
    return plots.save(fig, out_dir, "adaptation.png")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", help="run files (.h5) of one scenario, one per seed")
    parser.add_argument("--tier", choices=TIERS, default="street",
                        help="the units whose score spread is shown (default street)")
    parser.add_argument("-o", "--out", help="folder for adaptation.png")
    args = parser.parse_args(argv)
    per_run = []
    for path in args.runs:
        check_file(path, "run")
        per_run.append(periods_of(path, args.tier))
    rows = aggregate_periods(per_run, 2, 7)
    print(f"{len(args.runs)} run(s); {args.tier} units; mean ± 95% half-width over runs")
    print(f"{'days':>13}  {'score p10':>14}  {'median':>14}  {'p90':>14}  "
          f"{'servers moved':>14}  {'yuan/closed':>14}")
    for start, stop, p10, p50, p90, moved, cost in rows:
        print(f"{start:>6.0f}–{stop:<6.0f}  {fmt(p10):>14}  {fmt(p50):>14}  {fmt(p90):>14}  "
              f"{fmt(moved, digits=1):>14}  {fmt(cost, digits=1):>14}")
    if args.out:
        out_dir = Path(args.out)
        out_dir.mkdir(parents=True, exist_ok=True)
        print("plot:", out_dir / draw(out_dir, rows, args.tier))


if __name__ == "__main__":
    sys.exit(main_guard(main))
