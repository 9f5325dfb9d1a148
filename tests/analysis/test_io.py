# SPDX-License-Identifier: MIT
"""The analysis package reads a file the simulator wrote earlier in the test run."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "analysis"))

from tiersim_analysis import read_provenance, read_summary, read_table  # noqa: E402


@pytest.fixture(scope="module")
def run_file(tmp_path_factory):
    exe = os.environ.get("TIERSIM_EXE", str(ROOT / "build" / "tiersim"))
    out = tmp_path_factory.mktemp("run") / "jackson.h5"
    subprocess.run([exe, "run", "validation/jackson", "--days", "20", "-q", "-o", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def test_tickets_table_conserves(run_file):
    tickets = read_table(run_file, "tickets")
    summary = read_summary(run_file)
    assert len(tickets) == summary["created"]
    assert summary["created"] == summary["closed"] + summary["abandoned"] + summary["open_at_end"]
    closed = tickets[tickets.outcome == 0]
    assert (closed.closed_h >= closed.created_h).all()


def test_summary_tables_and_provenance(run_file):
    by_tier = read_table(run_file, "summary/by_tier")
    assert list(by_tier.name) == ["street", "district", "city", "province"]
    provenance = read_provenance(run_file)
    assert "[ticket_types.t]" in provenance["scenario_toml"]


def test_summarize_script_runs(run_file):
    result = subprocess.run(["/usr/bin/python3", str(ROOT / "analysis" / "summarize.py"), str(run_file)],
                            check=True, capture_output=True, text=True)
    assert "by_tier" in result.stdout
