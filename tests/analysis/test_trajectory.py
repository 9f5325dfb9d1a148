# SPDX-License-Identifier: MIT
"""analysis/trajectory.py on runs with a reform timeline: periods, intervals over runs, the plot."""

import os
import subprocess
import sys
from pathlib import Path

import h5py
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "analysis" / "trajectory.py"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    exe = os.environ.get("TIERSIM_EXE", str(ROOT / "build" / "tiersim"))
    folder = tmp_path_factory.mktemp("trajectory")
    out = []
    for seed in (1, 2):
        path = folder / f"steps-{seed}.h5"
        subprocess.run([exe, "run", "validation/timeline_steps", "--seed", str(seed), "-q",
                        "--trace", "none", "-o", str(path)], check=True, stdout=subprocess.DEVNULL)
        out.append(path)
    return out


def trajectory(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True,
                          text=True)


def test_periods_match_the_series(runs):
    result = trajectory(runs[0], "--period-days", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    rows = [line for line in lines if "–" in line and "%" not in line]
    # After the one-day warm-up: days 1–2, 2–4, 4–6, and the rest of the run, 6–7.
    assert [row.split()[0] for row in rows] == ["1–2", "2–4", "4–6", "6–7"]
    with h5py.File(runs[0]) as f:
        s = f["series"]
        t = s["t_h"][:]
        w = (t > 24) & (t <= 48)
        resolution = s["hotline_solved"][w].sum() / s["hotline_surveyed"][w].sum()
    assert f"{100 * resolution:.1f}" in rows[0]
    assert any(line.startswith("timeline: day 1 bureaus") for line in lines)


def test_replications_give_intervals_and_a_plot(runs, tmp_path):
    result = trajectory(*runs, "--period-days", "3", "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2 run(s)")
    assert "±" in result.stdout
    assert (tmp_path / "trajectory.png").stat().st_size > 10_000


def test_a_file_without_rates_is_refused(runs, tmp_path):
    old = tmp_path / "old.h5"
    old.write_bytes(runs[0].read_bytes())
    with h5py.File(old, "a") as f:
        del f["series/hotline_closed"]  # as a file of tiersim before the rate columns
    result = trajectory(old)
    assert result.returncode == 2
    assert "hotline_closed" in result.stderr
