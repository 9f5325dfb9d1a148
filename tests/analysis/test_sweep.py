# SPDX-License-Identifier: MIT
"""sweep.py on sweep files in the layout `tiersim sweep` writes (sweep_fixture.py)."""

import re

import h5py
import numpy as np

from conftest import check_html, check_png, script
from tiersim_analysis.metrics import fmt_metric
from tiersim_analysis.sweep_io import read_metrics, read_points, read_sweep_provenance, varied_keys

DEFAULT = ["resolution_rate", "satisfaction_rate", "lead_time_mean_h", "coord_cost_h", "visits_per_case"]


def test_readers(sweep_expected):
    path, expected = sweep_expected
    prov = read_sweep_provenance(path)
    assert prov["kind"] == "sweep"
    assert varied_keys(prov) == ["tiers.street.intake_staff", "organization.design"]
    points = read_points(path)
    assert list(points["organization.design"][:2]) == ["fragmented", "approval_bureau"]
    metrics = read_metrics(path)
    assert len(metrics) == len(expected)
    for row in metrics.itertuples():
        mean, low, high, sd, n = expected[(row.point, row.group, row.name, row.metric)]
        assert n == row.n
        assert np.isclose(row.mean, mean, equal_nan=True) and np.isclose(row.ci95_low, low, equal_nan=True)


def test_default_metrics_two_keys(sweep_file, tmp_path):
    out = tmp_path / "sweep"
    script("sweep.py", sweep_file, "-o", out)
    images = check_html(out / "sweep.html")
    for metric in DEFAULT:
        for name in (f"sweep_{metric}.png", f"heatmap_{metric}.png"):
            check_png(out / name)
            assert name in images
    text = (out / "sweep.html").read_text(encoding="utf-8")
    assert "point 3 failed: overload guard" in text


def test_page_means_and_bands_are_the_files(sweep_expected, tmp_path):
    """Every (point, metric) cell of the page shows /metrics' mean and 95% interval."""
    path, expected = sweep_expected
    out = tmp_path / "sweep"
    script("sweep.py", path, "-o", out, "--metric", "resolution_rate,lead_time_mean_h",
           "--metric", "coord_cost_h")
    check_html(out / "sweep.html")
    text = (out / "sweep.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td class=\"name\">(\d+)</td>(.*?)</tr>", text)
    assert len(rows) == 6
    for point, cells in rows:
        for metric in ["resolution_rate", "lead_time_mean_h", "coord_cost_h"]:
            mean, low, high, _, _ = expected[(int(point), "overall", "", metric)]
            cell = f"{fmt_metric(metric, mean)} [{fmt_metric(metric, low)}, {fmt_metric(metric, high)}]"
            assert f"<td>{cell}</td>" in cells, (point, metric, cell)
    assert not (out / "sweep_satisfaction_rate.png").exists()


def test_group_row_and_single_key(tmp_path):
    from sweep_fixture import write_sweep
    path = tmp_path / "one.h5"
    write_sweep(path, sharing=None, replications=4)
    out = tmp_path / "sweep"
    script("sweep.py", path, "-o", out, "--group", "by_tier", "--name", "street", "--metric", "all")
    images = check_html(out / "sweep.html")
    assert "sweep_by_tier_street_resolution_rate.png" in images
    assert not any(name.startswith("heatmap_") for name in images)  # heat maps need two keys


def test_bad_metric_and_run_file_are_usage_errors(sweep_file, tmp_path):
    result = script("sweep.py", sweep_file, "-o", tmp_path / "x", "--metric", "nonsense", check=False)
    assert result.returncode == 2 and "unknown metric nonsense" in result.stderr
    run_file = tmp_path / "run.h5"  # a run file's /provenance has no kind = "sweep"
    with h5py.File(run_file, "w") as f:
        f.create_group("provenance").attrs["seed"] = 1
    result = script("sweep.py", run_file, "-o", tmp_path / "x", check=False)
    assert result.returncode == 2 and "not a sweep file" in result.stderr


def test_a_sweep_the_simulator_writes(tmp_path):
    """sweep.py and compare.py on a real `tiersim sweep` file (skipped by a tiersim without it)."""
    import os
    import subprocess
    from conftest import ROOT
    exe = os.environ.get("TIERSIM_EXE", str(ROOT / "build" / "tiersim"))
    usage = subprocess.run([exe, "--help"], capture_output=True, text=True).stdout
    if not any(line.split()[:1] == ["sweep"] for line in usage.splitlines()):
        import pytest
        pytest.skip("this tiersim has no sweep subcommand")
    path = tmp_path / "sweep.h5"
    subprocess.run([exe, "sweep", "s0-fragmented", "--days", "9", "--vary",
                    "technology.data_sharing=0,1", "--replications", "2", "--threads", "2", "-q",
                    "-o", path], check=True, stdout=subprocess.DEVNULL)
    out = tmp_path / "plots"
    script("sweep.py", path, "-o", out, "--metric", "resolution_rate,coord_cost_h")
    images = check_html(out / "sweep.html")
    assert images == ["sweep_resolution_rate.png", "sweep_coord_cost_h.png"]
    metrics = read_metrics(path)
    text = (out / "sweep.html").read_text(encoding="utf-8")
    with h5py.File(path, "r") as f:
        reps = f["replications"]
        point, values = reps["point"][()], reps["coord_cost_h"][()]
    for p in (0, 1):
        row = metrics[(metrics.point == p) & (metrics.group == "overall")
                      & (metrics.metric == "coord_cost_h")].iloc[0]
        assert np.isclose(row["mean"], values[point == p].mean())
        cell = (f"{fmt_metric('coord_cost_h', row['mean'])} [{fmt_metric('coord_cost_h', row.ci95_low)}, "
                f"{fmt_metric('coord_cost_h', row.ci95_high)}]")
        assert f"<td>{cell}</td>" in text
    script("compare.py", path, "-o", tmp_path / "cmp")
    check_html(tmp_path / "cmp" / "compare.html")
