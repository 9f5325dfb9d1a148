# SPDX-License-Identifier: MIT
"""compare.py: differences and confidence intervals on simulator runs and on known numbers."""

import h5py
import numpy as np
import pandas as pd
from scipy import stats

from conftest import check_html, check_png, script
from tiersim_analysis.stats import mean_ci, paired_diff_ci, welch_diff_ci


def test_intervals_match_scipy():
    a = np.array([0.61, 0.64, 0.58, 0.66, 0.63])
    b = np.array([0.70, 0.69, 0.65, 0.74, 0.71])
    ci = mean_ci(a)
    low, high = stats.t.interval(0.95, len(a) - 1, loc=a.mean(), scale=stats.sem(a))
    assert np.isclose(ci.low, low) and np.isclose(ci.high, high) and ci.n == 5
    d = paired_diff_ci(b, a)
    rel = stats.ttest_rel(b, a).confidence_interval(0.95)
    assert np.isclose(d.mean, (b - a).mean()) and np.isclose(d.low, rel.low) and np.isclose(d.high, rel.high)
    w = welch_diff_ci(b, a)
    va, vb = a.var(ddof=1) / 5, b.var(ddof=1) / 5
    dof = (va + vb) ** 2 / (va ** 2 / 4 + vb ** 2 / 4)
    half = stats.t.ppf(0.975, dof) * np.sqrt(va + vb)
    assert np.isclose(w.low, b.mean() - a.mean() - half) and np.isclose(w.high, b.mean() - a.mean() + half)
    assert np.isnan(mean_ci([1.0]).low) and mean_ci([1.0, np.nan, 3.0]).n == 2


def test_a_file_compared_with_itself_differs_by_nothing(runs, tmp_path):
    out = tmp_path / "cmp"
    script("compare.py", runs["s0"], runs["s0"], "-o", out)
    images = check_html(out / "compare.html")
    for name in ["key_metrics.png", "lead_time_ecdf.png", "lead_time_ecdf_by_tier.png",
                 "three_rates_by_tier.png", "queue_length.png", "busy_staff.png"]:
        assert name in images, name
    long = pd.read_csv(out / "compare.csv")
    assert list(dict.fromkeys(long.label)) == ["s0-fragmented", "s0-fragmented (2)"]
    second = long[long.label == "s0-fragmented (2)"]
    finite = second["diff"].notna()
    assert finite.sum() > 100
    assert (second.loc[finite, "diff"] == 0).all()
    assert (second.loc[second.diff_pct.notna(), "diff_pct"] == 0).all()
    assert {"overall", "by_tier", "by_type", "by_province", "by_channel", "by_cross_mode"} <= set(long.table)


def test_differences_of_replicated_groups(runs, tmp_path):
    """Two configurations × two seeds: the same seeds on both sides, so the interval of the
    difference is the paired one, checked against the per-file values with scipy."""
    out = tmp_path / "cmp"
    script("compare.py", "--group", f"S0={runs['s0_seed1']},{runs['s0_seed2']}",
           "--group", f"S1={runs['s1_seed1']},{runs['s1_seed2']}", "-o", out)
    check_html(out / "compare.html")
    long = pd.read_csv(out / "compare.csv", keep_default_na=False, na_values=[""])
    for metric in ["resolution_rate", "lead_time_mean_h", "coord_cost_h"]:
        a = [h5py.File(runs[f"s0_seed{s}"], "r")["summary"].attrs[metric] for s in (1, 2)]
        b = [h5py.File(runs[f"s1_seed{s}"], "r")["summary"].attrs[metric] for s in (1, 2)]
        row = long[(long.table == "overall") & (long.metric == metric) & (long.label == "S1")].iloc[0]
        assert bool(row.paired)
        assert np.isclose(row["mean"], np.mean(b))
        assert np.isclose(row["diff"], np.mean(b) - np.mean(a))
        assert np.isclose(row.diff_pct, 100 * (np.mean(b) - np.mean(a)) / abs(np.mean(a)))
        d = np.array(b) - np.array(a)
        low, high = stats.t.interval(0.95, 1, loc=d.mean(), scale=stats.sem(d))
        assert np.isclose(row.diff_low, low) and np.isclose(row.diff_high, high)
        base = long[(long.table == "overall") & (long.metric == metric) & (long.label == "S0")].iloc[0]
        low, high = stats.t.interval(0.95, 1, loc=np.mean(a), scale=stats.sem(a))
        assert np.isclose(base.ci95_low, low) and np.isclose(base.ci95_high, high)
    text = (out / "compare.html").read_text(encoding="utf-8")
    assert "paired" in text and ">By closing tier<" in text


def test_sweep_points_as_configurations(sweep_expected, tmp_path):
    """A sweep file's points are configurations with their replications; crn seeds pair them."""
    path, expected = sweep_expected
    out = tmp_path / "cmp"
    script("compare.py", path, "-o", out, "--labels", "fx")
    check_png(out / "key_metrics.png")
    check_html(out / "compare.html")
    long = pd.read_csv(out / "compare.csv", keep_default_na=False, na_values=[""])
    labels = list(dict.fromkeys(long.label))
    assert len(labels) == 6 and labels[0] == "fx: intake_staff=2, design=fragmented"
    with h5py.File(path, "r") as f:
        reps = f["replications"]
        point = reps["point"][()]
        values = reps["resolution_rate"][()]
    a, b = values[point == 0], values[point == 1]
    row = long[(long.metric == "resolution_rate") & (long.label == labels[1])].iloc[0]
    assert np.isclose(row["mean"], expected[(1, "overall", "", "resolution_rate")][0])
    assert np.isclose(row.ci95_low, expected[(1, "overall", "", "resolution_rate")][1])
    rel = stats.ttest_rel(b, a).confidence_interval(0.95)
    assert bool(row.paired) and np.isclose(row.diff_low, rel.low) and np.isclose(row.diff_high, rel.high)


def test_bad_group_is_a_usage_error(runs, tmp_path):
    result = script("compare.py", "--group", "nofiles", "-o", tmp_path / "x", check=False)
    assert result.returncode == 2 and "LABEL=FILE" in result.stderr
