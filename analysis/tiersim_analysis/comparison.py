# SPDX-License-Identifier: MIT
"""Side-by-side comparison of configurations, each with one or more replications.

A `Group` is one configuration: a label, its per-replication metric values keyed by
(table, name, metric) — table "overall" (name "") or a /summary table such as "by_tier" — and the
seed of each replication. Groups come from run files (one file per replication) or from the
points of a sweep file (its /replications rows, overall metrics only).

Differences are taken against the first group. When both groups have at least two replications
and the same seeds in the same order (common random numbers: replication r sees the same
demand), the interval is the paired t-interval of the per-replication differences; otherwise it
is Welch's t-interval of the difference of means; with a single replication on either side there
is no interval, only the difference.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .run import MeanRun, Run
from .stats import mean_ci, paired_diff_ci, welch_diff_ci
from .sweep_io import (mask_replications, point_labels, read_points, read_replications,
                       read_sweep_provenance, replication_metrics, varied_keys)


@dataclass
class Group:
    label: str
    samples: dict = field(default_factory=dict)  # (table, name, metric) -> list per replication
    seeds: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    runs: list = field(default_factory=list)  # Run objects when the group comes from run files
    warnings: list = field(default_factory=list)  # (file, impossible values masked), checks.py

    @property
    def replications(self):
        return len(self.seeds)

    def mean_run(self):
        return MeanRun(self.runs) if self.runs else None


def _numeric(v):
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def group_from_runs(label, paths):
    runs = [Run(p) for p in paths]
    g = Group(label=label, seeds=[r.provenance.get("seed") for r in runs],
              sources=[str(p) for p in paths], runs=runs,
              warnings=[(str(r.path), w) for r in runs for w in r.warnings])
    for run in runs:
        for metric, v in run.summary.items():
            if _numeric(v):
                g.samples.setdefault(("overall", "", metric), []).append(float(v))
        for table, frame in run.tables.items():
            for _, row in frame.iterrows():
                for metric in frame.columns:
                    if metric != "name" and _numeric(row[metric]):
                        g.samples.setdefault((table, row["name"], metric), []).append(float(row[metric]))
    n = len(runs)
    for key in list(g.samples):  # a row missing from some replication: NaN there
        if len(g.samples[key]) != n:
            g.samples[key] = g.samples[key] + [np.nan] * (n - len(g.samples[key]))
    return g


def groups_from_sweep(path, prefix=None):
    """One group per point of a sweep file; replications that did not complete are left out."""
    prov = read_sweep_provenance(path)
    keys = varied_keys(prov)
    points = read_points(path)
    reps, problems = mask_replications(read_replications(path))
    metrics = replication_metrics(reps)
    groups = []
    for (_, row), text in zip(points.iterrows(), point_labels(points, keys)):
        sel = reps[(reps.point == row.point) & (reps.status == "complete")].sort_values("replication")
        label = f"{prefix}: {text}" if prefix else text
        g = Group(label=label, seeds=[int(s) for s in sel.seed], sources=[f"{path} point {row.point}"])
        for m in metrics:
            g.samples[("overall", "", m)] = sel[m].to_numpy(dtype=float).tolist()
        groups.append(g)
    if groups:  # the file's warnings once, with its first point
        groups[0].warnings = [(str(path), w) for w in problems]
    return groups


def paired(a, b):
    return (a.replications >= 2 and a.replications == b.replications and a.seeds == b.seeds)


def compare(groups):
    """The long comparison table: one row per (table, name, metric, label) with the group's mean
    and 95% interval and, for every group after the first, the difference to the first (absolute,
    %, and its 95% interval) and whether it is paired."""
    base = groups[0]
    keys = list(base.samples)
    for g in groups[1:]:
        keys += [k for k in g.samples if k not in base.samples and k not in keys]
    rows = []
    for table, name, metric in keys:
        a = base.samples.get((table, name, metric))
        for g in groups:
            v = g.samples.get((table, name, metric))
            if v is None:
                continue
            ci = mean_ci(v)
            row = {"table": table, "name": name, "metric": metric, "label": g.label, "n": ci.n,
                   "mean": ci.mean, "ci95_low": ci.low, "ci95_high": ci.high, "sd": ci.sd,
                   "diff": np.nan, "diff_pct": np.nan, "diff_low": np.nan, "diff_high": np.nan,
                   "paired": False}
            if g is not base and a is not None:
                is_paired = paired(base, g)
                d = paired_diff_ci(v, a) if is_paired else welch_diff_ci(v, a)
                base_mean = mean_ci(a).mean
                row.update(diff=d.mean, diff_low=d.low, diff_high=d.high, paired=is_paired,
                           diff_pct=(100.0 * d.mean / abs(base_mean)
                                     if np.isfinite(base_mean) and base_mean != 0 else np.nan))
            rows.append(row)
    return pd.DataFrame(rows)
