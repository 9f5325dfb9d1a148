# SPDX-License-Identifier: MIT
"""A small sweep file in exactly the layout `tiersim sweep` writes, built with h5py from known
numbers, for the tests of sweep.py and compare.py.

    /provenance   attrs: tiersim_version, kind = "sweep", scenario_name, scenario_toml, seed,
                  replications, crn, vary (JSON), points, threads, ranks, created_utc,
                  wall_seconds, trace
    /points       point, one column per varied key (float64 or UTF-8), status, error,
                  replications_done
    /replications run, point, replication, seed, status, error, events, one float64 column per
                  overall metric
    /metrics      point, group, name, metric, mean, ci95_low, ci95_high, sd, n
    /point/NNNN/summary  attributes = overall means, by_tier/… tables of means
"""

import json

import h5py
import numpy as np
from scipy import stats

TIERS = ("street", "district", "city", "province")
METRICS = ("created", "closed", "response_rate", "resolution_rate", "satisfaction_rate",
           "lead_time_mean_h", "lead_time_p90_h", "coord_cost_h", "visits_per_case")
STR = h5py.string_dtype("utf-8")


def _column(group, name, values, dtype=None):
    values = list(values)
    if dtype is STR or (dtype is None and values and isinstance(values[0], str)):
        group.create_dataset(name, data=np.array(values, dtype=object), dtype=STR)
    else:
        group.create_dataset(name, data=np.asarray(values, dtype=dtype))


def _value(metric, keys, replication, tier=None):
    """A deterministic, smooth value with replication noise, NaN for the province's rates; every
    value is possible (shares in [0, 1], positive times), so that none is masked (checks.py)."""
    staff, sharing = keys
    noise = np.sin(1.7 * replication + 0.3 * staff + 1.1 * replication * sharing + (tier or 0)) * 0.01
    share = 0.55 + 0.05 * staff + 0.2 * sharing + noise
    if tier is not None:
        if metric.endswith("_rate") and tier == 3:
            return np.nan
        share -= 0.03 * tier
    return {
        "created": 1000.0 + 10 * replication,
        "closed": 900.0 + 5 * staff + replication,
        "response_rate": min(0.99, share + 0.3),
        "resolution_rate": share,
        "satisfaction_rate": min(0.99, share + 0.05),
        "lead_time_mean_h": 40.0 / staff - 5.0 * sharing + 2 * noise * 100,
        "lead_time_p90_h": 90.0 / staff - 10.0 * sharing + 2 * noise * 100,
        "coord_cost_h": 500.0 - 50.0 * sharing + 30 * staff + 100 * noise,
        "visits_per_case": 2.0 - 1.5 * sharing + noise,
    }[metric]


def write_sweep(path, staff=(2.0, 3.0, 4.0), sharing=(0.0, 1.0), replications=3, failed_point=None,
                string_key=False):
    """A sweep over tiers.street.intake_staff × technology.data_sharing (the last varies fastest),
    or over intake_staff alone when sharing is None.

    With failed_point, that point has status "failed", an error, no complete replication and NaN
    metrics. With string_key, the second key is organization.design with string values. Returns
    the expected means: {(point, group, name, metric): (mean, low, high, sd, n)}."""
    sharing_labels = ["fragmented", "approval_bureau"] if string_key else None
    single = sharing is None
    sharing = (0.0,) if single else sharing
    points = [(s, h) for s in staff for h in range(len(sharing))]
    R = replications
    expected = {}
    with h5py.File(path, "w") as f:
        key2 = "organization.design" if string_key else "technology.data_sharing"
        values2 = sharing_labels if string_key else [f"{v:g}" for v in sharing]
        vary = [{"key": "tiers.street.intake_staff", "values": [f"{v:g}" for v in staff]}]
        if not single:
            vary.append({"key": key2, "values": values2})
        prov = f.create_group("provenance")
        for k, v in dict(tiersim_version="0.1.0", kind="sweep", scenario_name="fixture",
                         scenario_toml="[simulation]\ndays = 10\n", seed=42, replications=R, crn=1,
                         vary=json.dumps(vary), points=len(points), threads=2, ranks=1,
                         created_utc="2026-11-27T00:00:00Z", wall_seconds=1.5, trace="none").items():
            prov.attrs[k] = v

        g = f.create_group("points")
        status = ["failed" if p == failed_point else "complete" for p in range(len(points))]
        _column(g, "point", range(len(points)), np.int64)
        _column(g, vary[0]["key"], [p[0] for p in points], np.float64)
        if single:
            pass
        elif string_key:
            _column(g, key2, [sharing_labels[p[1]] for p in points], STR)
        else:
            _column(g, key2, [sharing[p[1]] for p in points], np.float64)
        _column(g, "status", status, STR)
        _column(g, "error", ["overload guard: street intake" if s == "failed" else "" for s in status], STR)
        _column(g, "replications_done", [0 if s == "failed" else R for s in status], np.int64)

        rows = []
        for p, (s, h) in enumerate(points):
            for r in range(R):
                ok = status[p] == "complete"
                vals = {m: (_value(m, (s, sharing[h]), r) if ok else np.nan) for m in METRICS}
                rows.append(dict(run=p * R + r, point=p, replication=r, seed=1000 + r,
                                 status="complete" if ok else "failed",
                                 error="" if ok else "overload guard: street intake",
                                 events=12345 + r if ok else 0, **vals))
        g = f.create_group("replications")
        for c, dt in (("run", np.int64), ("point", np.int64), ("replication", np.int64),
                      ("seed", np.uint64), ("status", STR), ("error", STR), ("events", np.int64)):
            _column(g, c, [row[c] for row in rows], dt)
        for m in METRICS:
            _column(g, m, [row[m] for row in rows], np.float64)

        long = []
        for p, (s, h) in enumerate(points):
            ok = status[p] == "complete"
            for group, names in (("overall", [""]), ("by_tier", list(TIERS))):
                for name in names:
                    tier = None if group == "overall" else TIERS.index(name)
                    for m in METRICS:
                        v = np.array([_value(m, (s, sharing[h]), r, tier) for r in range(R)]) if ok \
                            else np.full(R, np.nan)
                        v = v[np.isfinite(v)]
                        n = len(v)
                        mean = v.mean() if n else np.nan
                        sd = v.std(ddof=1) if n > 1 else np.nan
                        half = stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n) if n > 1 else np.nan
                        long.append((p, group, name, m, mean, mean - half, mean + half, sd, n))
                        expected[(p, group, name, m)] = (mean, mean - half, mean + half, sd, n)
        g = f.create_group("metrics")
        for i, (c, dt) in enumerate((("point", np.int64), ("group", STR), ("name", STR), ("metric", STR),
                                     ("mean", np.float64), ("ci95_low", np.float64),
                                     ("ci95_high", np.float64), ("sd", np.float64), ("n", np.int64))):
            _column(g, c, [row[i] for row in long], dt)

        for p in range(len(points)):
            sg = f.create_group(f"point/{p:04d}/summary")
            for m in METRICS:
                sg.attrs[m] = expected[(p, "overall", "", m)][0]
            tg = sg.create_group("by_tier")
            _column(tg, "name", list(TIERS), STR)
            for m in METRICS:
                _column(tg, m, [expected[(p, "by_tier", t, m)][0] for t in TIERS], np.float64)
    return expected
