# SPDX-License-Identifier: MIT
"""The analysis package reads a file the simulator wrote earlier in the test run."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "analysis"))

from tiersim_analysis import (COST_KINDS, SUMMARY_TABLES, read_provenance,  # noqa: E402
                              read_summary, read_table)


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


def test_every_metric_is_written(run_file):
    coord = [f"coord_{kind}_h" for kind in COST_KINDS]
    tickets = read_table(run_file, "tickets")
    for column in ["reworks", "rehandles", "channel", "home_province", "cross_mode"] + coord:
        assert column in tickets.columns, column
    series = read_table(run_file, "series")
    for column in ["returns", "escalations", "leader", "materials_requested", "visits",
                   "repeat_calls", "abandoned", "data_applied", "coord_cost_h"] + coord:
        assert column in series.columns, column
    metrics = ["created", "closed", "abandoned", "surveyed", "service_items", "repeat_calls",
               "data_updates", "response_rate", "leader_share", "abandoned_share",
               "repeat_call_share", "visits_per_case", "at_most_one_visit_share",
               "no_visit_share", "materials_requested_per_case", "data_freshness_mean_h",
               "data_freshness_p90_h", "data_rejected_share", "coord_cost_h"] + coord
    for table in SUMMARY_TABLES:
        frame = read_table(run_file, f"summary/{table}")
        for column in metrics:
            assert column in frame.columns, (table, column)
    assert list(read_table(run_file, "summary/by_channel").name) == [
        "window", "hotline", "online", "grid"]
    assert list(read_table(run_file, "summary/by_cross_mode").name) == [
        "online", "proxy", "joint", "trip_home"]
    summary = read_summary(run_file)
    for name in ["abandoned_after_warmup", "service_items", "data_updates", "no_visit_share"] + coord:
        assert name in summary, name


def test_summarize_script_runs(run_file):
    result = subprocess.run(["/usr/bin/python3", str(ROOT / "analysis" / "summarize.py"), str(run_file)],
                            check=True, capture_output=True, text=True)
    assert "by_tier" in result.stdout
    assert "by_channel" in result.stdout
    assert "coord_handoff_h" in result.stdout


def test_utilisation_per_tier_is_worked_over_on_duty(runs):
    """analysis/utilisation.py: the printed share is the /series ratio after the warm-up, and
    the servers are those of /queues."""
    from conftest import script

    out = script("utilisation.py", runs["s0_none"]).stdout.splitlines()
    assert out[0].split() == ["tier", "servers", "util", "%", "peak", "%", "peak", "at", "(h)"]
    series = read_table(runs["s0_none"], "series")
    queues = read_table(runs["s0_none"], "queues")
    rows = {line.split()[0]: line.split() for line in out[1:]}
    for k, name in enumerate(("street", "district", "city", "province")):
        assert int(rows[name][1]) == int(queues.servers[queues.tier == k].sum())
        on_duty = series[(series.tier == k) & (series.t_h > 7 * 24.0) & (series.open_staff_h > 0)]
        if on_duty.empty:
            continue
        share = on_duty.worked_h.sum() / on_duty.open_staff_h.sum()
        assert 0.0 < share < 1.0
        assert float(rows[name][2]) == pytest.approx(100 * share, abs=0.051)
        assert float(rows[name][3]) >= float(rows[name][2])


def test_series_by_province_has_a_row_per_bucket_longer_than_a_period(tmp_path):
    """bench/mmc's buckets are a year, longer than adaptation.period_days (30): each bucket is
    then a period of its own. It used to leave eleven empty rows after each bucket's, so that the
    flows sat at the wrong times."""
    exe = os.environ.get("TIERSIM_EXE", str(ROOT / "build" / "tiersim"))
    out = tmp_path / "mmc.h5"
    subprocess.run([exe, "run", "bench/mmc", "--days", str(3 * 365), "--trace", "none", "-q",
                    "-o", str(out)], check=True, stdout=subprocess.DEVNULL)
    series = read_table(out, "series")
    by_province = read_table(out, "series_by_province")
    assert len(series) == 3 * 4  # three yearly buckets, four tiers
    assert len(by_province) == len(series)  # one province
    for column in ("t_h", "tier", "arrivals", "closed", "queue_len", "busy_staff"):
        assert (by_province[column].to_numpy() == series[column].to_numpy()).all(), column
    assert (series.arrivals[series.tier == 0] > 0).all()
