#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Plots and an HTML page of a tiersim sweep: python3 analysis/sweep.py SWEEP.h5 -o DIR

For each chosen metric (--metric, repeatable or comma-separated; default resolution_rate,
satisfaction_rate, lead_time_mean_h, coord_cost_h, visits_per_case), the metric's mean over the
replications against each varied key with its 95% confidence band, from the file's /metrics,
and a heat map when two keys were varied. --group/--name pick a row of a summary table instead of
the overall metrics (e.g. --group by_tier --name street). Writes DIR/sweep.html and the PNGs.
A file that cannot be read is one line on stderr and exit status 2; impossible means (a share
outside [0, 1], a negative time) are left out with a warning on stderr and on the page.
"""

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tiersim_analysis import plots  # noqa: E402
from tiersim_analysis.checks import check_file, main_guard, warn  # noqa: E402
from tiersim_analysis.html import Page, esc, provenance_section  # noqa: E402
from tiersim_analysis.metrics import fmt, fmt_metric, metric_label  # noqa: E402
from tiersim_analysis.sweep_io import (mask_metrics, read_metrics, read_points,  # noqa: E402
                                       read_sweep_provenance, varied_keys)

DEFAULT_METRICS = ("resolution_rate", "satisfaction_rate", "lead_time_mean_h", "coord_cost_h",
                   "visits_per_case")


def file_stem(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sweep", help="a tiersim sweep file (.h5)")
    parser.add_argument("-o", "--output", required=True, help="output folder (created)")
    parser.add_argument("--metric", action="append",
                        help="metric to plot (repeatable or comma-separated; 'all' for every one)")
    parser.add_argument("--group", default="overall",
                        help="/metrics group: overall (default), by_tier, by_type, by_province, …")
    parser.add_argument("--name", default="", help="row of --group, e.g. street (with --group by_tier)")
    args = parser.parse_args(argv)
    if args.group != "overall" and not args.name:
        parser.error(f"--group {args.group} needs --name (a row of the table, e.g. street)")

    check_file(args.sweep, "sweep")
    prov = read_sweep_provenance(args.sweep)
    keys = varied_keys(prov)
    orders = {v["key"]: list(v["values"]) for v in prov["vary"]}
    points = read_points(args.sweep)
    metrics, problems = mask_metrics(read_metrics(args.sweep))
    for w in problems:
        warn(args.sweep, w)
    name = args.name if args.group != "overall" else ""
    frame = metrics[(metrics.group == args.group) & (metrics.name == name)]
    available = list(dict.fromkeys(frame.metric))
    if frame.empty:
        groups = sorted(set(zip(metrics.group, metrics.name)))
        parser.error(f"no metrics for group {args.group!r} name {name!r}; the file has "
                     + ", ".join(f"{g}/{n}" if n else g for g, n in groups[:20]))
    if args.metric:
        wanted = [m for spec in args.metric for m in spec.split(",") if m]
        if "all" in wanted:
            wanted = available
        unknown = [m for m in wanted if m not in available]
        if unknown:
            parser.error(f"unknown metric {', '.join(unknown)}; the file has {', '.join(available)}")
    else:
        wanted = [m for m in DEFAULT_METRICS if m in available]

    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    plots.setup()
    where = "overall" if args.group == "overall" else f"{args.group} = {name}"
    page = Page(f"tiersim sweep — {prov.get('scenario_name', Path(args.sweep).stem)}")
    failed = points[points.status != "complete"]
    page.p(f"{args.sweep}: {len(points)} points × {prov.get('replications')} replications, "
           f"common random numbers {'on' if int(prov.get('crn', 0)) else 'off'}; varied: "
           + "; ".join(f"{v['key']} ∈ {{{', '.join(map(str, v['values']))}}}" for v in prov["vary"])
           + f". Metrics: {where}; bands are 95% t-intervals of the mean over replications.")
    for w in problems:
        page.note(f"Impossible values in the file: {w}.")
    if len(failed):
        page.note(f"{len(failed)} point(s) not complete: "
                  + "; ".join(f"point {r.point} {r.status}: {r.error}" for r in failed.itertuples())
                  + ". They have no mean and are marked × (lines) or 'failed' (heat map).")

    page.h(2, "Plots")
    for metric in wanted:
        stem = file_stem(metric if args.group == "overall" else f"{args.group}_{name}_{metric}")
        title = metric_label(metric).split(" (")[0] + ("" if args.group == "overall" else f" ({where})")
        page.h(3, metric_label(metric))
        page.image(plots.sweep_lines(points, frame, metric, keys, orders, out, f"sweep_{stem}.png", title),
                   f"{metric_label(metric)} against each varied key, 95% band over replications.")
        if len(keys) == 2:
            page.image(plots.sweep_heatmap(points, frame, metric, keys, orders, out,
                                           f"heatmap_{stem}.png", title),
                       f"{metric_label(metric)} over {keys[0]} × {keys[1]}.")

    page.h(2, "Points")
    indexed = frame.set_index(["point", "metric"])
    head = "".join(f'<th class="name">{esc(k)}</th>' for k in ["point"] + keys + ["status"])
    head += "<th>replications</th>" + "".join(f"<th>{esc(metric_label(m))}</th>" for m in wanted)
    head += '<th class="name">error</th>'
    body = []
    for r in points.itertuples(index=False):
        row = dict(zip(points.columns, r))
        cells = f'<td class="name">{row["point"]}</td>'
        cells += "".join(f'<td class="name">{esc(plots.fmt_key(row[k]))}</td>' for k in keys)
        cells += f'<td class="name">{esc(row["status"])}</td><td>{fmt(row["replications_done"])}</td>'
        for m in wanted:
            if (row["point"], m) in indexed.index:
                x = indexed.loc[(row["point"], m)]
                text = fmt_metric(m, x["mean"])
                if x["n"] >= 2 and x["ci95_low"] == x["ci95_low"]:
                    text += f" [{fmt_metric(m, x['ci95_low'])}, {fmt_metric(m, x['ci95_high'])}]"
                cells += f"<td>{esc(text)}</td>"
            else:
                cells += "<td>–</td>"
        cells += f'<td class="name">{esc(row.get("error", ""))}</td>'
        body.append(f"<tr>{cells}</tr>")
    page.raw(f'<div class="scroll"><table><tr>{head}</tr>{"".join(body)}</table></div>')
    page.p("Each cell: mean [95% interval] over the replications with a finite value.")

    prov_shown = dict(prov)
    prov_shown["vary"] = "; ".join(f"{v['key']} = {', '.join(map(str, v['values']))}" for v in prov["vary"])
    provenance_section(page, prov_shown)
    page.write(out / "sweep.html")
    print(out / "sweep.html")


if __name__ == "__main__":
    sys.exit(main_guard(main))
