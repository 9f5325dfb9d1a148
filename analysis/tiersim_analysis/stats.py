# SPDX-License-Identifier: MIT
"""Student-t confidence intervals over replications (means and differences of means).

All intervals are two-sided at level `level` (default 95%). With fewer than two finite values the
bounds are NaN. Replications with a non-finite value (a rate with no tickets to rate) are left out.
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass
class Interval:
    mean: float
    low: float
    high: float
    sd: float
    n: int

    @property
    def half_width(self):
        return (self.high - self.low) / 2.0


def _finite(values):
    v = np.asarray(values, dtype=float).ravel()
    return v[np.isfinite(v)]


def mean_ci(values, level=0.95):
    """Mean of `values` and its t-interval: mean ± t(1-α/2, n-1) · sd / √n."""
    v = _finite(values)
    n = len(v)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, math.nan, 0)
    mean = float(v.mean())
    if n < 2:
        return Interval(mean, math.nan, math.nan, math.nan, n)
    sd = float(v.std(ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2.0, n - 1)) * sd / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, sd, n)


def paired_diff_ci(b, a, level=0.95):
    """Mean of b − a over paired replications (common random numbers) and its t-interval.

    Pairs where either value is not finite are dropped."""
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    if len(a) != len(b):
        raise ValueError("paired difference needs as many replications on both sides")
    keep = np.isfinite(a) & np.isfinite(b)
    return mean_ci(b[keep] - a[keep], level)


def welch_diff_ci(b, a, level=0.95):
    """Difference of means b − a of independent samples and its Welch t-interval.

    The returned sd is the standard error of the difference; n is the smaller sample."""
    a, b = _finite(a), _finite(b)
    if len(a) == 0 or len(b) == 0:
        return Interval(math.nan, math.nan, math.nan, math.nan, 0)
    diff = float(b.mean() - a.mean())
    n = min(len(a), len(b))
    if len(a) < 2 or len(b) < 2:
        return Interval(diff, math.nan, math.nan, math.nan, n)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0.0:
        return Interval(diff, diff, diff, 0.0, n)
    dof = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    half = float(stats.t.ppf(0.5 + level / 2.0, dof)) * se
    return Interval(diff, diff - half, diff + half, se, n)


def interval_text(interval, scale=1.0, digits=3):
    """"m ± h" of an interval scaled by `scale`; "m" alone without bounds; "-" without a mean."""
    if not np.isfinite(interval.mean):
        return "-"
    text = f"{interval.mean * scale:.{digits}f}"
    if np.isfinite(interval.low):
        text += f" ± {(interval.high - interval.mean) * scale:.{digits}f}"
    return text


def aggregate_periods(per_run, first, stop):
    """Rows (start, end, intervals…) over the periods every run has: per period, the mean and
    95% t-interval over runs of each value at positions first … stop-1 of the runs' rows
    (start, end, values…)."""
    n = min(len(p) for p in per_run)
    rows = []
    for i in range(n):
        values = [np.array([p[i][k] for p in per_run], dtype=float) for k in range(first, stop)]
        rows.append((per_run[0][i][0], per_run[0][i][1], *[mean_ci(v) for v in values]))
    return rows
