# SPDX-License-Identifier: MIT
"""Reading a tiersim sweep file (`tiersim sweep … -o SWEEP.h5`) as DataFrames.

Layout: /provenance (attrs, kind = "sweep", vary = JSON [{"key", "values"}]), /points (one row
per point: point, one column per varied key, status, error, replications_done), /replications
(one row per run = point · R + replication: run, point, replication, seed, status, error, events
and one float64 column per overall metric), /metrics (long format: point, group, name, metric,
mean, ci95_low, ci95_high, sd, n), /point/NNNN/summary (the means over replications in the layout
of a run's /summary) and, with --trace, /runs/NNNN/{tickets,events}.
"""

import json

import h5py
import numpy as np

from .io import read_provenance, read_table

REPLICATION_COLUMNS = ("run", "point", "replication", "seed", "status", "error", "events")


def read_sweep_provenance(path):
    """The /provenance attributes, with `vary` parsed into [{"key": …, "values": […]}, …]."""
    prov = read_provenance(path)
    vary = prov.get("vary", "[]")
    prov["vary"] = json.loads(vary) if isinstance(vary, str) else list(vary)
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


def metric_frame(metrics, group="overall", name=""):
    """Rows of /metrics for one group row (overall: name "")."""
    sel = metrics[(metrics.group == group) & (metrics.name == name)]
    return sel.reset_index(drop=True)


def point_summary_groups(path):
    with h5py.File(path, "r") as f:
        return sorted(f["point"].keys()) if "point" in f else []


def read_point_summary(path, point):
    """The means over replications of a point, as (attributes dict, {table: DataFrame})."""
    base = f"point/{int(point):04d}/summary"
    with h5py.File(path, "r") as f:
        g = f[base]
        attrs = {k: (v.item() if hasattr(v, "item") else v) for k, v in g.attrs.items()}
        tables = [k for k in g.keys() if isinstance(g[k], h5py.Group)]
    return attrs, {t: read_table(path, f"{base}/{t}") for t in tables}

