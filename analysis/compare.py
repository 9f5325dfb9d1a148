#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Compare tiersim runs side by side: python3 analysis/compare.py A.h5 B.h5 … -o DIR

Each positional run file is one configuration (label: --labels, else its scenario name); a
positional sweep file gives one configuration per point (its replications from /replications).
Replications of a configuration given as run files: --group LABEL=a1.h5,a2.h5 (repeatable).
The first configuration is the baseline: every other one is shown with its difference to it,
absolute and in %, and — where both have replications — the 95% t-interval of the difference
(paired over replications when their seeds match, i.e. common random numbers; Welch otherwise).

Writes DIR/compare.html, DIR/compare.csv (the long table: table, name, metric, label, n, mean,
ci95_low, ci95_high, sd, diff, diff_pct, diff_low, diff_high, paired) and overlay plots.
A file that cannot be read is one line on stderr and exit status 2; impossible values are left
out with a warning on stderr and on the page (tiersim_analysis/checks.py).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tiersim_analysis import plots  # noqa: E402
from tiersim_analysis.checks import main_guard, warn  # noqa: E402
from tiersim_analysis.comparison import compare, group_from_runs, groups_from_sweep  # noqa: E402
from tiersim_analysis.html import Page, esc, provenance_section  # noqa: E402
from tiersim_analysis.io import SUMMARY_TABLES  # noqa: E402
from tiersim_analysis.metrics import (KEY_METRICS, TABLE_TITLES, TIERS, fmt, fmt_metric,  # noqa: E402
                                      metric_label)
from tiersim_analysis.run import file_kind  # noqa: E402

PLOT_METRICS = ("resolution_rate", "satisfaction_rate", "response_rate", "lead_time_mean_h",
                "coord_cost_h", "visits_per_case")


def parse_groups(parser, args):
    groups = []
    labels = args.labels or []
    if labels and len(labels) != len(args.files):
        parser.error(f"--labels gives {len(labels)} labels for {len(args.files)} files")
    for i, path in enumerate(args.files):
        label = labels[i] if labels else None
        if file_kind(path) == "sweep":
            groups += groups_from_sweep(path, label or Path(path).stem)
        else:
            groups.append((label, [path]))
    for spec in args.group or []:
        label, sep, files = spec.partition("=")
        if not sep or not label or not files:
            parser.error(f"--group {spec}: expected LABEL=FILE[,FILE…]")
        paths = [p for p in files.split(",") if p]
        if any(file_kind(p) == "sweep" for p in paths):
            parser.error(f"--group {label}: give run files (a sweep file goes as a positional)")
        groups.append((label, paths))
    out = []
    for g in groups:
        if isinstance(g, tuple):
            label, paths = g
            g = group_from_runs(label or "?", paths)
            if label is None:
                g.label = g.runs[0].name
        out.append(g)
    seen = {}
    for g in out:  # unique labels: the same scenario twice becomes "s0", "s0 (2)"
        seen[g.label] = seen.get(g.label, 0) + 1
        if seen[g.label] > 1:
            g.label = f"{g.label} ({seen[g.label]})"
    if len(out) < 1:
        parser.error("nothing to compare: give run files, sweep files or --group")
    if args.baseline:
        first = [g for g in out if g.label == args.baseline]
        if not first:
            parser.error(f"--baseline {args.baseline}: no such label ({', '.join(g.label for g in out)})")
        out = first + [g for g in out if g is not first[0]]
    return out


def wide_table(long, table, metrics_order):
    """Rows (name, metric); per label its mean [interval]; per later label Δ, Δ% and Δ's interval."""
    sel = long[long.table == table]
    labels = list(dict.fromkeys(long.label))
    base = labels[0]
    order = {m: i for i, m in enumerate(metrics_order)}
    names = list(dict.fromkeys(sel.name))
    metrics = sorted(set(sel.metric), key=lambda m: (order.get(m, len(order)), m))
    head = ['<th class="name">name</th>' if table != "overall" else "", '<th class="name">metric</th>']
    for lb in labels:
        head.append(f"<th>{esc(lb)}</th>")
    for lb in labels[1:]:
        head.append(f"<th>Δ {esc(lb)} − {esc(base)}</th><th>Δ%</th><th>Δ 95% CI</th>")
    body = []
    idx = sel.set_index(["name", "metric", "label"])
    for name in names:
        for m in metrics:
            cells = [f'<td class="name">{esc(name)}</td>' if table != "overall" else "",
                     f'<td class="name">{esc(metric_label(m))}</td>']
            present = False
            for lb in labels:
                if (name, m, lb) in idx.index:
                    r = idx.loc[(name, m, lb)]
                    present = present or r["n"] > 0
                    text = fmt_metric(m, r["mean"])
                    if r["n"] >= 2:
                        text += f" [{fmt_metric(m, r['ci95_low'])}, {fmt_metric(m, r['ci95_high'])}]"
                    cells.append(f"<td>{esc(text)}</td>")
                else:
                    cells.append("<td>–</td>")
            for lb in labels[1:]:
                if (name, m, lb) in idx.index:
                    r = idx.loc[(name, m, lb)]
                    ci = ""
                    if r["diff_low"] == r["diff_low"]:  # not NaN
                        ci = f"[{fmt_metric(m, r['diff_low'])}, {fmt_metric(m, r['diff_high'])}]"
                        ci += " paired" if r["paired"] else " Welch"
                    cls = ""
                    if r["diff_low"] > 0 or r["diff_high"] < 0:
                        cls = ' class="pos"' if r["diff"] > 0 else ' class="neg"'
                    cells.append(f"<td{cls}>{esc(fmt_metric(m, r['diff']))}</td>"
                                 f"<td>{esc(fmt(r['diff_pct']))}</td><td>{esc(ci)}</td>")
                else:
                    cells.append("<td>–</td><td>–</td><td>–</td>")
            if present:
                body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="scroll"><table><tr>{"".join(head)}</tr>{"".join(body)}</table></div>'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", help="run files (one configuration each) or sweep files")
    parser.add_argument("-o", "--output", required=True, help="output folder (created)")
    parser.add_argument("--labels", nargs="+", help="a label per positional file")
    parser.add_argument("--group", action="append", metavar="LABEL=FILE[,FILE…]",
                        help="replications of one configuration (repeatable)")
    parser.add_argument("--baseline", metavar="LABEL",
                        help="the configuration the others are compared with (default: the first: "
                        "the positional files come before the --group ones)")
    parser.add_argument("--all-metrics", action="store_true",
                        help="tables with every metric, not only the key ones")
    args = parser.parse_args(argv)
    groups = parse_groups(parser, args)
    warnings = [w for g in groups for w in g.warnings]
    for path, w in warnings:
        warn(path, w)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    plots.setup()

    long = compare(groups)
    long.to_csv(out / "compare.csv", index=False)
    page = Page("tiersim comparison — " + " vs ".join(g.label for g in groups[:4])
                + (" …" if len(groups) > 4 else ""))
    for path, w in warnings:
        page.note(f"Impossible values in {path}: {w}.")
    page.h(2, "Configurations")
    page.p(f"Baseline: {groups[0].label}. Differences are against it; intervals are 95% t-intervals "
           "over replications, paired where the replications' seeds match (common random numbers).")
    rows = "".join(f'<tr><td class="name">{esc(g.label)}</td><td>{g.replications}</td>'
                   f'<td class="name">{esc(", ".join(str(s) for s in g.seeds))}</td>'
                   f'<td class="name">{esc("; ".join(g.sources))}</td></tr>' for g in groups)
    page.raw('<table><tr><th class="name">label</th><th>replications</th><th class="name">seeds</th>'
             f'<th class="name">files</th></tr>{rows}</table>')

    page.h(2, "Plots")
    overall = long[(long.table == "overall")]
    page.image(plots.metric_intervals(overall, PLOT_METRICS, out, "key_metrics.png",
                                      "Key metrics per configuration (mean, 95% interval)"),
               "Means over replications; error bars: 95% t-interval where there are replications.")
    runs = [(g.label, g.mean_run()) for g in groups if g.runs]
    if len(runs) < len(groups):
        page.note("Configurations from sweep points have only their overall metrics per "
                  "replication: the overlay plots show the configurations given as run files.")
    if runs:
        if not all(r.traced for _, r in runs):
            page.note("Some runs were written with --trace none (no /tickets): lead-time ECDFs "
                      "show only the traced ones.")
        figs = [
            (plots.lead_time_ecdf(runs, None, [], out, "lead_time_ecdf.png",
                                  "Lead-time distribution, all closed tickets"),
             "ECDF of lead times (tickets created after the warm-up and closed), replications pooled."),
            (plots.lead_time_ecdf(runs, "tier_name", list(TIERS), out, "lead_time_ecdf_by_tier.png",
                                  "Lead-time distribution by closing tier"), "ECDF per closing tier."),
            (plots.three_rates(runs, out, "three_rates_by_tier.png"), "三率 by closing tier."),
            (plots.series_panels(runs, "queue_len", "tickets waiting", out, "queue_length.png",
                                 "Queue length per tier over time"),
             "Tickets waiting at each bucket's end (mean over replications)."),
            (plots.series_panels(runs, "busy_staff", "busy staff (servers)", out, "busy_staff.png",
                                 "Busy staff per tier over time"),
             "Servers busy at each bucket's end (mean over replications)."),
            (plots.coord_cost(runs, out, "coord_cost_by_kind.png"),
             "Coordination cost by kind and tier (mean over replications)."),
            (plots.visits(runs, out, "visits_per_case.png"), "Visits per case by channel."),
            (plots.cross_province(runs, out, "cross_province.png"),
             "Cross-province tickets by mode (mean over replications)."),
        ]
        for name, caption in figs:
            page.image(name, caption)

    page.h(2, "Tables")
    page.p("Each cell: mean [95% interval when there are replications]. Δ: difference to the "
           f"baseline ({groups[0].label}); green/red where its interval excludes 0. Rates in %, "
           "times in hours, coordination cost in staff-hours. All rows: compare.csv.")
    tables = ["overall"] + [t for t in SUMMARY_TABLES if (long.table == t).any()]
    for t in tables:
        page.h(3, TABLE_TITLES.get(t, t))
        sel = long if args.all_metrics or t == "overall" else long[long.metric.isin(KEY_METRICS)]
        page.raw(wide_table(sel, t, KEY_METRICS))

    page.h(2, "Provenance")
    for g in groups:
        if g.runs:
            provenance_section(page, g.runs[0].provenance, g.label)
    page.write(out / "compare.html")
    print(out / "compare.html")


if __name__ == "__main__":
    sys.exit(main_guard(main))
