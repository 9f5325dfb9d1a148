#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The time from "run" to results in the workbench: starts `tiersim serve` on a free port with a
fresh workspace, submits a job the way the page does (POST /api/jobs), follows it to the end and
fetches what the page fetches (result, series of both arms, the league table), then prints the
seconds of each part and the cards.

    /usr/bin/python3 benchmarks/workbench_job.py                       # default, 3 replications
    /usr/bin/python3 benchmarks/workbench_job.py --scenario s0-fragmented \\
        --set tiers.district.design=approval_bureau --replications 5
"""

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url, body=None):
    data = None if body is None else json.dumps(body).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=600) as r:
        return json.loads(r.read())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiersim", default=str(ROOT / "build" / "tiersim"))
    parser.add_argument("--scenario", default="default")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                        help="a lever of the redesign (value as JSON; a bare word is a string)")
    parser.add_argument("--replications", type=int, default=3)
    args = parser.parse_args()
    levers = {}
    for item in args.set:
        key, _, value = item.partition("=")
        try:
            levers[key] = json.loads(value)
        except json.JSONDecodeError:
            levers[key] = value
    if not levers and args.scenario == "default":
        levers = {"tiers.district.design": "approval_bureau"}
    with tempfile.TemporaryDirectory() as workspace:
        port = free_port()
        server = subprocess.Popen([args.tiersim, "serve", "--port", str(port), "--workspace",
                                   workspace], stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    call(base + "/api/version")
                    break
                except OSError:
                    time.sleep(0.05)
            started = time.monotonic()
            job = call(base + "/api/jobs", {"scenario": args.scenario, "set": levers,
                                            "replications": args.replications})
            submitted = time.monotonic()
            while job["state"] not in ("done", "failed", "cancelled"):
                time.sleep(0.1)
                job = call(f"{base}/api/jobs/{job['id']}")
            done = time.monotonic()
            if job["state"] != "done":
                sys.exit(f"the job ended {job['state']}: {job['error']}")
            result = call(f"{base}/api/jobs/{job['id']}/result")
            for arm in ("baseline", "redesign"):
                call(f"{base}/api/jobs/{job['id']}/series?arm={arm}")
            call(f"{base}/api/jobs/{job['id']}/units?arm=redesign&tier=all")
            fetched = time.monotonic()
        finally:
            server.terminate()
            server.wait()
    runs = result["runs"]
    print(f"scenario {args.scenario}, {args.replications} replications of baseline and "
          f"redesign ({len(runs)} runs), levers {json.dumps(levers, ensure_ascii=False)}")
    print(f"  submit (validation):      {submitted - started:7.2f} s")
    print(f"  runs:                     {done - submitted:7.2f} s "
          f"(each run {min(r['wall_seconds'] for r in runs):.1f}–"
          f"{max(r['wall_seconds'] for r in runs):.1f} s of simulation)")
    print(f"  results, series, units:   {fetched - done:7.2f} s")
    print(f"  run to results:           {fetched - started:7.2f} s")
    print("cards (redesign − baseline, paired 95% interval):")
    for card in result["cards"]:
        d = card["diff"]
        if d["mean"] is None:
            continue
        interval = "" if d["low"] is None else f"  [{d['low']:+.4g}, {d['high']:+.4g}]"
        print(f"  {card['metric']:<20} {card['baseline']['mean']:>10.4g} -> "
              f"{card['redesign']['mean']:<10.4g} {d['mean']:+.4g}{interval}")


if __name__ == "__main__":
    main()
