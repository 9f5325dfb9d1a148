# SPDX-License-Identifier: MIT
"""analysis/adaptation.py on runs whose rules act every day: periods, intervals, the plot."""

import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "analysis" / "adaptation.py"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    exe = os.environ.get("TIERSIM_EXE", str(ROOT / "build" / "tiersim"))
    folder = tmp_path_factory.mktemp("adaptation")
    out = []
    for seed in (1, 2):
        path = folder / f"adaptation-{seed}.h5"
        subprocess.run([exe, "run", "validation/adaptation", "--seed", str(seed), "-q",
                        "--trace", "none", "-o", str(path)], check=True, stdout=subprocess.DEVNULL)
        out.append(path)
    return out


def adaptation(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True,
                          text=True)


def test_periods_match_the_unit_table_and_the_rules(runs):
    result = adaptation(runs[0])
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if "–" in line]
    # validation/adaptation: a period a day over seven days.
    assert [row[0] for row in rows] == [f"{d}–{d + 1}" for d in range(7)]
    with h5py.File(runs[0]) as f:
        u, a, c = f["unit_series"], f["adaptation"], f["costs"]
        tier = f["units"]["tier"][:]
        first = (u["t_h"][:] == 24.0) & (tier[u["unit"][:]] == 0) & (u["surveyed"][:] >= 5)
        score = (0.1 * u["responded_in_time"][first] / u["closed"][first] +
                 0.45 * u["solved"][first] / u["surveyed"][first] +
                 0.45 * u["satisfied"][first] / u["surveyed"][first])
        names = [n.decode() for n in a["action_name"][:]]
        sign = np.array([{"attention_start": 1, "attention_end": -1, "team_arrived": 1,
                          "team_released": -1}.get(n, 0) for n in names])
        moved = (sign * a["value"][:])[a["t_h"][:] <= 24.0].sum()
        day = c["t_h"][:] <= 24.0
        per_closed = c["total_yuan"][day].sum() / c["closed"][day].sum()
    assert rows[0][2] == f"{np.median(score):.3f}"
    assert float(rows[0][4]) == pytest.approx(moved, abs=0.05)
    assert float(rows[0][5]) == pytest.approx(per_closed, abs=0.05)
    assert moved > 0


def test_replications_give_intervals_and_a_plot(runs, tmp_path):
    result = adaptation(*runs, "-o", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2 run(s); street units")
    assert "±" in result.stdout
    assert (tmp_path / "adaptation.png").stat().st_size > 10_000


def test_a_file_without_the_unit_table_is_refused(runs, tmp_path):
    old = tmp_path / "old.h5"
    old.write_bytes(runs[0].read_bytes())
    with h5py.File(old, "a") as f:
        del f["unit_series"]  # as a file of tiersim before the per-unit table
    result = adaptation(old)
    assert result.returncode == 2
    assert "unit_series" in result.stderr
