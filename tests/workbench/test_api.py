# SPDX-License-Identifier: MIT
"""The workbench's JSON API (docs/workbench.md) against a real `tiersim serve`: every endpoint,
bad input, requests that try to leave the workspace, and a cancelled job that must leave no
result behind."""

import http.client
import json
import os
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import ROOT

BINARY = os.environ.get("TIERSIM_BINARY", str(ROOT / "build" / "tiersim"))
S1_LEVERS = {"tiers.district.design": "approval_bureau",
             "tiers.city.design": "approval_bureau",
             "organization.generalist_windows": True}


def call(server, method, path, body=None):
    """(status, JSON body) of one request."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def raw_get(server, path):
    """Status of a GET whose path is sent exactly as written (no client-side normalisation)."""
    host = urllib.parse.urlparse(server)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response.status


def wait_for(server, job_id, states=("done", "failed", "cancelled"), timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, job = call(server, "GET", f"/api/jobs/{job_id}")
        assert status == 200
        if job["state"] in states:
            return job
        time.sleep(0.1)  # polling the job; the events stream is tested on its own
    pytest.fail(f"job {job_id} did not reach {states} in {timeout} s")


@pytest.fixture(scope="module")
def s1_job(server):
    """s0 against the approval bureau of S1, three replications: the page's main use."""
    status, job = call(server, "POST", "/api/jobs",
                       {"scenario": "s0-fragmented", "set": S1_LEVERS, "replications": 3,
                        "label": "approval bureau"})
    assert status == 202, job
    assert job["state"] in ("queued", "running")
    done = wait_for(server, job["id"])
    assert done["state"] == "done", done
    return done


def test_version_and_scenarios(server, workspace):
    status, version = call(server, "GET", "/api/version")
    assert status == 200 and version["workspace"] == str(workspace.resolve())
    status, scenarios = call(server, "GET", "/api/scenarios")
    names = [s["name"] for s in scenarios]
    assert status == 200 and "s0-fragmented" in names and "default" in names
    status, s0 = call(server, "GET", "/api/scenarios/s0-fragmented")
    assert status == 200
    assert s0["provinces"] == ["P1", "P2"]
    assert s0["levers"]["tiers.district.design"] == "fragmented"
    assert s0["levers"]["organization.generalist_windows"] is False
    assert call(server, "GET", "/api/scenarios/no-such-scenario")[0] == 404


def test_schema_groups_the_levers(server):
    status, keys = call(server, "GET", "/api/schema")
    assert status == 200
    group = {k["path"]: k["group"] for k in keys}
    assert group["strategy.rehandle"] == "strategy"
    assert group["technology.data_sharing"] == "technology"
    assert group["tiers.TIER.design"] == "organisation"
    assert group["organization.generalist_windows"] == "organisation"
    assert group["institution.three_lists"] == "institution"
    assert group["simulation.days"] is None
    assert {g for g in group.values() if g} == {"strategy", "technology", "organisation",
                                                 "institution"}


def test_validate_names_the_key(server):
    status, ok = call(server, "POST", "/api/validate",
                      {"scenario": "s0-fragmented", "set": S1_LEVERS})
    assert status == 200 and ok == {"ok": True, "errors": []}
    status, bad = call(server, "POST", "/api/validate",
                       {"scenario": "s0-fragmented",
                        "set": {"tiers.district.design": "bogus", "strategy.rehandle": 2}})
    assert status == 200 and not bad["ok"]
    keys = {e["key"] for e in bad["errors"]}
    assert keys == {"tiers.district.design", "strategy.rehandle"}
    assert all(": error: " in e["message"] for e in bad["errors"])


def test_a_tier_of_a_lever_given_as_one_number(server, workspace):
    # s0 has technology.data_sharing = 0: a street value makes it a table, the rest at 0.
    lever = {"technology.data_sharing.street": 0.5, "provinces.P1.technology.data_sharing.city": 0.25}
    status, ok = call(server, "POST", "/api/validate", {"scenario": "s0-fragmented", "set": lever})
    assert status == 200 and ok["ok"], ok
    status, saved = call(server, "POST", "/api/overlays",
                         {"name": "sharing", "scenario": "s0-fragmented", "set": lever})
    assert status == 201
    assert ("technology.data_sharing = {street = 0.5, district = 0.0, city = 0.0, province = 0.0}"
            in saved["toml"])
    levers = call(server, "GET", "/api/scenarios/workspace/sharing")[1]["levers"]
    assert levers["technology.data_sharing.street"] == 0.5
    assert levers["technology.data_sharing.district"] == 0.0
    assert levers["provinces.P1.technology.data_sharing.city"] == 0.25


def test_only_levers_may_be_set(server):
    # A key that names a file would let a request read outside the workspace.
    for key, value in (("divisions.dir", "/etc"), ("simulation.seed", 3), ("base", "default")):
        status, body = call(server, "POST", "/api/validate",
                            {"scenario": "s0-fragmented", "set": {key: value}})
        assert status == 200 and not body["ok"], key
        assert body["errors"][0]["key"] == key
    status, body = call(server, "POST", "/api/jobs",
                        {"scenario": "s0-fragmented", "set": {"divisions.dir": "/etc"}})
    assert status == 400 and body["errors"][0]["key"] == "divisions.dir"


def test_bad_job_requests(server):
    for body in ({}, {"scenario": 3}, {"scenario": "s0-fragmented", "replications": 0},
                 {"scenario": "s0-fragmented", "replications": 21},
                 {"scenario": "s0-fragmented", "days": -1},
                 {"scenario": "s0-fragmented", "set": {"strategy.rehandle": [1]}}):
        status, reply = call(server, "POST", "/api/jobs", body)
        assert status == 400 and reply["error"], body
    request = urllib.request.Request(server + "/api/jobs", data=b"{not json", method="POST")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(request, timeout=10)
    assert e.value.code == 400
    assert call(server, "GET", "/api/jobs/j999999")[0] == 404
    assert call(server, "GET", "/api/jobs/j999999/result")[0] == 404
    assert call(server, "POST", "/api/jobs/j999999/cancel")[0] == 404


def test_result_cards_with_paired_intervals(server, s1_job):
    status, result = call(server, "GET", f"/api/jobs/{s1_job['id']}/result")
    assert status == 200
    cards = {c["metric"]: c for c in result["cards"]}
    assert list(cards) == ["resolution_rate", "satisfaction_rate", "response_rate",
                           "within_limit_share", "lead_time_p50_h", "lead_time_p90_h",
                           "coord_cost_h", "visits_per_case", "abandoned_share"]
    for card in cards.values():
        assert card["diff"]["paired"] and card["baseline"]["n"] == 3
    # The bureau's handoffs cost a third of a department's (domain.md §6.3 S1): coordination
    # falls, and with common random numbers the interval says so.
    cost = cards["coord_cost_h"]["diff"]
    assert cost["low"] <= cost["mean"] <= cost["high"] < 0
    rows = result["tables"]["by_tier"]["redesign"]
    assert set(rows) == {"street", "district", "city", "province"}
    assert [r["seed"] for r in result["runs"]][:2] == [s1_job["seed"]] * 2


def test_no_redesign_gives_zero_difference(server):
    # Both arms run the same scenario with the same seeds: every difference is exactly 0.
    status, job = call(server, "POST", "/api/jobs",
                       {"scenario": "s0-fragmented", "replications": 2, "days": 14})
    assert status == 202
    assert wait_for(server, job["id"])["state"] == "done"
    result = call(server, "GET", f"/api/jobs/{job['id']}/result")[1]
    for card in result["cards"]:
        if card["baseline"]["mean"] is not None:
            assert card["diff"]["mean"] == 0.0, card["metric"]


def test_series_units_and_files(server, s1_job):
    job_id = s1_job["id"]
    status, series = call(server, "GET", f"/api/jobs/{job_id}/series?arm=baseline")
    assert status == 200 and len(series["t_h"]) == 49
    assert all(len(series[c]) == 49 for c in ("arrivals", "closed", "busy_staff", "open_staff"))
    assert sum(series["arrivals"]) > 0
    assert set(series["by_tier"]) == {"street", "district", "city", "province"}
    status, districts = call(server, "GET", f"/api/jobs/{job_id}/units?arm=redesign&tier=district")
    assert status == 200 and len(districts) == 12  # 2 provinces × 2 cities × 3 districts
    for row in districts:
        assert row["tier"] == "district" and row["closed"] > 0
        assert 0 <= row["resolution_rate"] <= 1 and 0 <= row["satisfaction_rate"] <= 1
    status, everything = call(server, "GET", f"/api/jobs/{job_id}/units?tier=all")
    assert status == 200 and {r["tier"] for r in everything} == {"street", "district", "city",
                                                                 "province"}
    assert call(server, "GET", f"/api/jobs/{job_id}/units?tier=nation")[0] == 400
    assert call(server, "GET", f"/api/jobs/{job_id}/series?arm=other")[0] == 400
    with urllib.request.urlopen(f"{server}/api/jobs/{job_id}/files/redesign-2.h5") as response:
        assert response.read(8) == b"\x89HDF\r\n\x1a\n"


def test_events_stream_ends_with_the_final_job(server, s1_job):
    with urllib.request.urlopen(f"{server}/api/jobs/{s1_job['id']}/events", timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/event-stream")
        text = r.read().decode()
    assert "event: end" in text
    final = json.loads(text.split("event: end\ndata: ")[1].split("\n")[0])
    assert final["state"] == "done" and final["progress"] == 1.0


def test_requests_cannot_leave_the_workspace(server, workspace, s1_job, tmp_path):
    job_id = s1_job["id"]
    outside = tmp_path / "secret.h5"
    outside.write_bytes(b"\x89HDF\r\n\x1a\nsecret")
    # A link inside a job folder that points out of the workspace is not followed.
    (workspace / "jobs" / job_id / "redesign-9.h5").symlink_to(outside)
    for path in (f"/api/jobs/{job_id}/files/redesign-9.h5",
                 f"/api/jobs/{job_id}/files/../job.json",
                 f"/api/jobs/{job_id}/files/%2e%2e%2fjob.json",
                 f"/api/jobs/{job_id}/files/..%2f..%2f..%2fsecret.h5",
                 "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                 "/api/scenarios/..%2f..%2fetc%2fpasswd",
                 "/api/scenarios/workspace/..%2f..%2fjobs"):
        assert raw_get(server, path) in (400, 404), path
    for name in ("../evil", "/tmp/evil", "a/b", "", "x" * 65):
        status, body = call(server, "POST", "/api/overlays",
                            {"name": name, "scenario": "s0-fragmented", "set": {}})
        assert status == 400, name
    assert not (workspace.parent / "evil.toml").exists()


def test_cancelled_job_leaves_no_result(server, workspace):
    status, job = call(server, "POST", "/api/jobs",
                       {"scenario": "s0-fragmented", "replications": 6, "days": 365})
    assert status == 202
    wait_for(server, job["id"], states=("running",), timeout=30)
    status, cancelled = call(server, "POST", f"/api/jobs/{job['id']}/cancel")
    assert status == 200 and cancelled["state"] == "cancelled"
    assert call(server, "GET", f"/api/jobs/{job['id']}/result")[0] == 409
    assert call(server, "GET", f"/api/jobs/{job['id']}/units")[0] == 409
    assert call(server, "POST", f"/api/jobs/{job['id']}/cancel")[0] == 409
    left = sorted(p.name for p in (workspace / "jobs" / job["id"]).iterdir())
    assert left == ["job.json", "redesign.toml"]
    listed = {j["id"]: j["state"] for j in call(server, "GET", "/api/jobs")[1]}
    assert listed[job["id"]] == "cancelled"


def test_saved_overlay_runs_on_the_command_line(server, workspace, tmp_path):
    status, saved = call(server, "POST", "/api/overlays",
                         {"name": "bureau", "scenario": "s0-fragmented", "set": S1_LEVERS})
    assert status == 201
    assert 'base = "s0-fragmented"' in saved["toml"]
    path = workspace / "scenarios" / "bureau.toml"
    assert path.read_text() == saved["toml"]
    names = [s["name"] for s in call(server, "GET", "/api/scenarios")[1]]
    assert "workspace/bureau" in names
    assert call(server, "GET", "/api/scenarios/workspace/bureau")[1]["levers"][
        "tiers.district.design"] == "approval_bureau"
    run = subprocess.run([BINARY, "run", str(path), "--days", "10", "--trace", "none", "-q",
                          "-o", str(tmp_path / "bureau.h5")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_remote_host_needs_a_flag(workspace):
    run = subprocess.run([BINARY, "serve", "--host", "0.0.0.0", "--port", "0",
                          "--workspace", str(workspace)], capture_output=True, text=True,
                         timeout=30)
    assert run.returncode == 2 and "--allow-remote" in run.stderr


def test_stops_cleanly_while_a_job_streams(tmp_path):
    # SIGTERM with a job running and its events stream open: the server cancels the job, ends
    # the stream and exits 0, leaving the job marked cancelled and no run file.
    import signal
    import threading
    from conftest import answers, free_port
    port = free_port()
    workspace = tmp_path / "workspace"
    server = subprocess.Popen([BINARY, "serve", "--port", str(port), "--workspace",
                               str(workspace)], stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while not answers(url + "/api/version") and time.monotonic() < deadline:
            time.sleep(0.05)  # polling the port until the server listens
        status, job = call(url, "POST", "/api/jobs",
                           {"scenario": "s0-fragmented", "replications": 6, "days": 365})
        assert status == 202
        wait_for(url, job["id"], states=("running",), timeout=30)
        streamed = []
        reader = threading.Thread(target=lambda: streamed.append(
            urllib.request.urlopen(f"{url}/api/jobs/{job['id']}/events", timeout=30).read()))
        reader.start()
        time.sleep(0.5)  # the stream is open and has sent its first event
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        reader.join(timeout=30)
        assert not reader.is_alive() and streamed and b"event: progress" in streamed[0]
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    folder = workspace / "jobs" / job["id"]
    assert json.loads((folder / "job.json").read_text())["state"] == "cancelled"
    assert not list(folder.glob("*.h5"))
