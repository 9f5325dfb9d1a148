# SPDX-License-Identifier: MIT
"""Reading a tiersim sweep file (`tiersim sweep … -o SWEEP.h5`) as DataFrames.

Layout: /provenance (attrs, kind = "sweep", vary = JSON [{"key", "values"}]), /points (one row
per point: point, one column per varied key, status, error, replications_done), /replications
(one row per run = point · R + replication: run, point, replication, seed, status, error, events
and one float64 column per overall metric), /metrics (long format: point, group, name, metric,
mean, ci95_low, ci95_high, sd, n), /point/NNNN/summary (the means over replications in the layout
of a run's /summary) and, with --trace, /runs/NNNN/{tickets,events}. A file that is not a
readable sweep file raises checks.InputError (check it first with checks.check_file(path,
"sweep")); `mask_metrics` and `mask_replications` set impossible values to NaN.
"""

import json

import h5py
import numpy as np

from .checks import InputError, impossible_values, mask_table, open_file, reading
from .io import read_provenance, read_table

REPLICATION_COLUMNS = ("run", "point", "replication", "seed", "status", "error", "events")


def read_sweep_provenance(path):
    """The /provenance attributes, with `vary` parsed into [{"key": …, "values": […]}, …]."""
    prov = read_provenance(path)
    vary = prov.get("vary", "[]")
    try:
        prov["vary"] = json.loads(vary) if isinstance(vary, str) else list(vary)
        if not all(isinstance(v, dict) and "key" in v and "values" in v for v in prov["vary"]):
            raise ValueError("not a list of {key, values}")
    except (ValueError, TypeError) as e:
        raise InputError(path, f"not tiersim's sweep layout (/provenance vary: {e})") from None
    return prov


def varied_keys(prov):
    return [v["key"] for v in prov["vary"]]


def read_points(path):
    return read_table(path, "points")


def read_replications(path):
    return read_table(path, "replications")


def read_metrics(path):
    return read_table(path, "metrics")


def replication_metrics(replications):
    """The metric columns of /replications (everything but the bookkeeping columns)."""
    return [c for c in replications.columns
            if c not in REPLICATION_COLUMNS and np.issubdtype(replications[c].dtype, np.number)]


def point_labels(points, keys):
    """'key=value, key=value' per point, with each key shortened to its last component."""
    labels = []
    for _, row in points.iterrows():
        parts = []
        for k in keys:
            v = row[k]
            if isinstance(v, (float, np.floating)) and float(v).is_integer():
                v = int(v)
            parts.append(f"{k.split('.')[-1]}={v}")
        labels.append(", ".join(parts))
    return labels


def mask_metrics(metrics):
    """/metrics with the mean and interval of impossible means (a share outside [0, 1], a
    negative time…) set to NaN, and what was masked, one line per metric."""
    problems = []
    bad = np.zeros(len(metrics), dtype=bool)
    for metric in dict.fromkeys(metrics.metric):
        rows = (metrics.metric == metric).to_numpy()
        m = rows & impossible_values(metrics["mean"].to_numpy(), metric)
        if m.any():
            sel = metrics[m]
            where = sel.group.iloc[0] + (f"/{sel.name.iloc[0]}" if sel.name.iloc[0] else "")
            problems.append(f"/metrics: {metric} impossible ({sel['mean'].iloc[0]:.6g} at point "
                            f"{sel.point.iloc[0]}, {where}; {int(m.sum())} row(s)), not plotted")
            bad |= m
    if not bad.any():
        return metrics, problems
    out = metrics.copy()
    for col in ("mean", "ci95_low", "ci95_high", "sd"):
        if col in out:
            out.loc[bad, col] = np.nan
    return out, problems


def mask_replications(replications):
    """/replications with impossible metric values set to NaN, and what was masked."""
    metrics = replication_metrics(replications)
    frame, problems = mask_table(replications[metrics], "/replications")
    if not problems:
        return replications, problems
    out = replications.copy()
    out[metrics] = frame
    return out, problems


def metric_frame(metrics, group="overall", name=""):
    """Rows of /metrics for one group row (overall: name "")."""
    sel = metrics[(metrics.group == group) & (metrics.name == name)]
    return sel.reset_index(drop=True)


def point_summary_groups(path):
    with reading(path), open_file(path) as f:
        return sorted(f["point"].keys()) if "point" in f else []


def read_point_summary(path, point):
    """The means over replications of a point, as (attributes dict, {table: DataFrame})."""
    base = f"point/{int(point):04d}/summary"
    with reading(path), open_file(path) as f:
        g = f[base]
        attrs = {k: (v.item() if hasattr(v, "item") else v) for k, v in g.attrs.items()}
        tables = [k for k in g.keys() if isinstance(g[k], h5py.Group)]
    return attrs, {t: read_table(path, f"{base}/{t}") for t in tables}

