#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Plots and an HTML report of one tiersim run: python3 analysis/report.py RUN.h5 -o DIR

Writes DIR/report.html and its PNG plots: lead-time distributions by tier and by type, 三率 by
tier, queue length and busy staff over time per tier, coordination cost by kind, visits per case
by channel and cross-province tickets by mode, the run over its periods (三率, demand and lead
time with the timeline's steps; the street units' 三率 spread, staff moved by the adaptation
rules, cost per closed ticket), with the summary tables and the provenance. A run
written with --trace none has no /tickets: the distributions are left out and the page says so.
A file that cannot be read is one line on stderr and exit status 2; impossible values (a ticket
closed before it was created, a share outside [0, 1], …) are left out of the plots with a warning
on stderr and on the page (tiersim_analysis/checks.py).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tiersim_analysis import plots  # noqa: E402
from tiersim_analysis.checks import check_file, main_guard, warn  # noqa: E402
from tiersim_analysis.html import Page, provenance_section  # noqa: E402
from tiersim_analysis.io import SUMMARY_TABLES  # noqa: E402
from tiersim_analysis.metrics import TABLE_BLOCKS, TABLE_TITLES, TIERS  # noqa: E402
from tiersim_analysis.run import Run  # noqa: E402
from tiersim_analysis.stats import aggregate_periods  # noqa: E402


def summary_tables(page, run):
    page.h(2, "Summary tables")
    page.p(f"Metrics over tickets created after the warm-up ({run.warmup_h:g} h); "
           "rates and shares in %, times in hours, coordination cost in staff-hours.")
    tables = [("Overall", run.overall())] + [
        (TABLE_TITLES[t], run.table(t)) for t in SUMMARY_TABLES if run.table(t) is not None]
    for title, frame in tables:
        if frame.empty:
            page.h(3, title)
            page.p("no tickets in any row")
            continue
        page.h(3, title)
        for _, columns in TABLE_BLOCKS:
            cols = ["name"] + [c for c in columns if c in frame.columns]
            page.table(frame[cols])


def make_plots(run, out):
    runs = [(run.name, run)]
    figs = []
    if run.traced:
        types = list(run.tables["by_type"].name) if "by_type" in run.tables else []
        figs.append((plots.lead_time_ecdf(runs, "tier_name", list(TIERS), out, "lead_time_by_tier.png",
                                          "Lead-time distribution by closing tier"),
                     "Empirical CDF of lead times by closing tier, with /summary's p50 and p90."))
        figs.append((plots.lead_time_ecdf(runs, "type_name", types, out, "lead_time_by_type.png",
                                          "Lead-time distribution by ticket type"),
                     "Empirical CDF of lead times by ticket type, with /summary's p50 and p90."))
    figs.append((plots.lead_time_quantiles(runs, "by_tier", out, "lead_time_quantiles_by_tier.png",
                                           "Lead-time quantiles by closing tier (/summary)"),
                 "p50, p90 and p99 of lead time by closing tier, from /summary."))
    figs.append((plots.lead_time_quantiles(runs, "by_type", out, "lead_time_quantiles_by_type.png",
                                           "Lead-time quantiles by ticket type (/summary)"),
                 "p50, p90 and p99 of lead time by ticket type, from /summary."))
    figs.append((plots.three_rates(runs, out, "three_rates_by_tier.png"),
                 "三率 by closing tier; dashed: the overall rate. n/a: no ticket of the tier is rated."))
    if "by_province" in run.tables and len(run.tables["by_province"]) > 1:
        figs.append((plots.three_rates(runs, out, "three_rates_by_province.png", "by_province",
                                       "province of origin"),
                     "三率 by province of origin; dashed: the overall rate."))
    figs.append((plots.series_panels(runs, "queue_len", "tickets waiting", out, "queue_length.png",
                                     "Queue length per tier over time (at each bucket's end)"),
                 "Tickets waiting at the tier's stations at the end of each bucket."))
    figs.append((plots.series_panels(runs, "busy_staff", "busy staff (servers)", out, "busy_staff.png",
                                     "Busy staff per tier over time (at each bucket's end)"),
                 "Servers busy at the end of each bucket. The file does not record staff numbers, "
                 "so utilisation (busy / staff) is not computed."))
    figs.append((plots.coord_cost(runs, out, "coord_cost_by_kind.png"),
                 "Coordination cost in staff-hours by kind, per closing tier."))
    figs.append((plots.visits(runs, out, "visits_per_case.png"),
                 "Visits per closed service item (最多跑一次 / 不见面) by channel."))
    cross = plots.cross_province(runs, out, "cross_province.png")
    figs.append((cross, "Cross-province tickets (跨省通办) by mode."))
    return figs, cross is not None


def over_time(page, path, out, days):
    """The run over its periods: 三率, demand and lead time with the timeline's steps marked
    (trajectory.py), and the street units' 三率 spread, the staff the rules moved and the cost
    per closed ticket (adaptation.py). Weeks for a run of three weeks or more, months from 90
    days, years from three years."""
    import adaptation
    import trajectory

    period = 365 if days >= 3 * 365 else 30 if days >= 90 else 7 if days >= 21 else None
    page.h(2, "Over time")
    if period is None:
        page.p("The run is shorter than three weeks: no trajectory by period.")
        return
    rows = aggregate_periods([trajectory.periods_of(path, period)], 2, 7)
    steps = trajectory.timeline_of(path)
    if rows:
        page.image(trajectory.draw(out, rows, steps),
                   f"Periods of {period} days after the warm-up: the hotline's resolution and "
                   "satisfaction, the share within the limit, hotline closings a day and (with "
                   "/tickets) the median lead time of the tickets closed in the period; grey "
                   "lines: the timeline's steps.")
    adapt = aggregate_periods([adaptation.periods_of(path, "street")], 2, 7)
    if adapt:
        page.image(adaptation.draw(out, adapt, "street"),
                   "Per period of adaptation.period_days (/unit_series): the spread of the "
                   "street units' 三率 score (10th percentile, median, 90th), the servers the "
                   "adaptation rules had moved (/adaptation) and the yuan per closed ticket "
                   "(/costs).")
    if steps:
        page.p("Timeline: " + "; ".join(f"day {d:.0f} {label}" for d, label in steps))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", help="a tiersim run file (.h5)")
    parser.add_argument("-o", "--output", required=True, help="output folder (created)")
    args = parser.parse_args(argv)
    check_file(args.run, "run")
    run = Run(args.run)
    for w in run.warnings:
        warn(args.run, w)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    plots.setup()

    page = Page(f"tiersim report — {run.name}")
    s = run.summary
    page.p(f"{args.run}: seed {run.provenance.get('seed')}, {run.provenance.get('days')} days "
           f"(warm-up {run.warmup_h / 24:g} days). Whole run: created {s.get('created', 0):,} = "
           f"closed {s.get('closed', 0):,} + abandoned {s.get('abandoned', 0):,} + open at end "
           f"{s.get('open_at_end', 0):,}; after the warm-up: created "
           f"{s.get('created_after_warmup', 0):,}, closed {s.get('closed_after_warmup', 0):,}.")
    for w in run.warnings:
        page.note(f"Impossible values in the file: {w}.")
    if not run.traced:
        page.note("This run was written with --trace none: the file has no /tickets table, so the "
                  "lead-time distributions and the visit distribution are not shown; the lead-time "
                  "quantiles and every other plot come from /summary and /series.")
    figs, has_cross = make_plots(run, out)
    page.h(2, "Plots")
    for name, caption in figs:
        page.image(name, caption)
    if not has_cross:
        page.note("No cross-province tickets (跨省通办) in this run: no plot by cross-province mode.")
    over_time(page, args.run, out, float(run.provenance.get("end_h", 0.0)) / 24.0)
    summary_tables(page, run)
    provenance_section(page, run.provenance)
    page.write(out / "report.html")
    print(out / "report.html")


if __name__ == "__main__":
    sys.exit(main_guard(main))
