#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Calibration of the named scenarios against published reform effects (domain.md §5, V1–V10).

Runs the embedded scenarios s0-fragmented, s1-approval-bureau, s2-one-network and beijing (and
validation/windows for V8) for R replications with common seeds, computes each target from the
/tickets table, and prints the simulated value (mean and 95% confidence interval over the
replications) beside the published one and the band it must fall in. With --check the exit
status is 1 when a mean falls outside its band (V8: when the interval misses Erlang-C).

    /usr/bin/python3 analysis/calibrate.py --tiersim build/tiersim [--replications 3] [--check]

Definitions (over tickets created after the warm-up and closed before the end):
  approval time   mean completion (closed − created) of 承诺件 and 一件事 (promise_item,
                  compound_item), V6 compares S2 with S0; V5 compares S1 with S0 on the
                  multi-department 一件事 items alone, where consolidation acts;
  materials       materials requested per window/online item (V6);
  resolution      solved / called back over 12345 tickets; satisfaction likewise (V1, V2);
  dispatched      share of 12345 tickets that left the hotline for a department (hops > 0; the
                  1% of suggestions decided at the hotline's own tier count as answered) (V4);
  tail shape      median / mean resolution time of 12345 work orders (hotline tickets
                  dispatched to a department, hops > 0), over those created at least ten
                  weeks before the end of a 23-week S0 run, so that the long cases are in
                  (a mean over what closed by the end of a short run is biased low) (V10);
  pooled windows  mean time in system at pooled and split windows against Erlang C (V8).

A simulator that is missing or fails, or a run file that cannot be read, is one line on stderr
and exit status 2; tickets closed before they were created are left out with a warning.
"""

import argparse
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tiersim_analysis.checks import (InputError, check_file, impossible_tickets,  # noqa: E402
                                     main_guard, open_file, reading, warn)
from tiersim_analysis.io import read_table  # noqa: E402

# Student t quantiles (0.975) by degrees of freedom, for the 95% intervals.
T975 = {19: 2.093, 1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}

APPROVAL_TYPES = ("promise_item", "compound_item")
HOTLINE = 1  # channel code of 12345
WINDOW_REPLICATIONS = 20
COHORT_MARGIN_H = 70 * 24.0
TAIL_DAYS = 161  # the S0 run for V10: 23 weeks, so that the cohort's long cases close


def t975(df):
    return T975.get(df, 1.96)


def mean_ci(values):
    v = np.asarray(values, dtype=float)
    if len(v) < 2:
        return float(v.mean()), float("nan")
    return float(v.mean()), t975(len(v) - 1) * float(v.std(ddof=1)) / math.sqrt(len(v))


def run(tiersim, scenario, seed, out, extra=()):
    cmd = [tiersim, "run", scenario, "--seed", str(seed), "-q", "-o", out, *extra]
    try:
        result = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        raise InputError(tiersim, f"cannot run the simulator ({e.strerror or e})") from None
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1][:300]
        raise InputError(tiersim, f"`run {scenario} --seed {seed}` failed with exit status "
                         f"{result.returncode}: {last}")


def closed_tickets(path, cohort=False):
    """Tickets created after the warm-up and closed. With `cohort`, only those created at least
    COHORT_MARGIN_H before the end, so that long cases have had time to close (a mean over
    whatever closed by the end is biased low by the cases still open)."""
    check_file(path, "run")
    with reading(path), open_file(path) as f:
        warmup_h = float(f["summary"].attrs["warmup_h"])
        end_h = float(f["provenance"].attrs["end_h"])
        names = [n.decode() if isinstance(n, bytes) else n for n in f["ticket_types/name"][()]]
    t = read_table(path, "tickets")
    bad, problems = impossible_tickets(t)
    for p in problems:
        warn(path, f"/tickets: {p}; left out")
    t = t[~bad]
    latest = end_h - COHORT_MARGIN_H if cohort else end_h
    t = t[(t.created_h >= warmup_h) & (t.created_h < latest) & (t.outcome == 0)].copy()
    t["type_name"] = [names[i] for i in t.type]
    t["lead_h"] = t.closed_h - t.created_h
    return t


def metrics(path):
    t = closed_tickets(path)
    approval = t[t.type_name.isin(APPROVAL_TYPES)]
    compound = t[t.type_name == "compound_item"]
    items = t[t.channel.isin((0, 2))]
    hot = t[t.channel == HOTLINE]
    surveyed = hot[hot.satisfied >= 0]

    return {
        "approval_time_h": approval.lead_h.mean(),
        "compound_time_h": compound.lead_h.mean(),
        "materials_per_item": items.materials_requested.mean(),
        "hotline_resolution": (surveyed.solved == 1).mean(),
        "hotline_satisfaction": (surveyed.satisfied == 1).mean(),
        "hotline_dispatched": (hot.hops > 0).mean(),
        "lead_mean_h": t.lead_h.mean(),
    }


def tail_shape(path):
    cohort = closed_tickets(path, cohort=True)
    orders = cohort[(cohort.channel == HOTLINE) & (cohort.hops > 0)]
    return orders.lead_h.median() / orders.lead_h.mean()


def erlang_c_sojourn(lam, mu, c):
    a = lam / mu
    rho = a / c
    s = sum(a**k / math.factorial(k) for k in range(c))
    top = a**c / math.factorial(c) / (1.0 - rho)
    wait_prob = top / (s + top)
    return wait_prob / (c * mu - lam) + 1.0 / mu


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tiersim", default="build/tiersim", help="the simulator binary")
    p.add_argument("--replications", type=int, default=3)
    p.add_argument("--seed", type=int, default=1, help="seed of the first replication")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args(argv)

    scenarios = ("s0-fragmented", "s1-approval-bureau", "s2-one-network", "beijing")
    per = {s: [] for s in scenarios}
    windows = {"pooled": [], "split": []}
    tails = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.replications):
            seed = args.seed + r
            for s in scenarios:
                out = os.path.join(tmp, f"{s}-{r}.h5")
                run(args.tiersim, s, seed, out)
                per[s].append(metrics(out))
            out = os.path.join(tmp, f"tail-{r}.h5")
            run(args.tiersim, "s0-fragmented", seed, out, ("--days", str(TAIL_DAYS)))
            tails.append(tail_shape(out))
        # The window queues are cheap: enough replications for a tight interval.
        for r in range(max(args.replications, WINDOW_REPLICATIONS)):
            seed = args.seed + r
            for name, pooled in (("pooled", "true"), ("split", "false")):
                out = os.path.join(tmp, f"windows-{name}-{r}.h5")
                run(args.tiersim, "validation/windows", seed, out,
                    ("--days", "1000", "--set", f"organization.generalist_windows={pooled}"))
                windows[name].append(closed_tickets(out).lead_h.mean())

    def values(s, key):
        return [m[key] for m in per[s]]

    def change(s, base, key):
        return [m[key] / b[key] - 1.0 for m, b in zip(per[s], per[base])]

    rows = []  # (id, target, published, low, high, values, scale, unit)
    rows.append(("V5", "S1 vs S0: 一件事 completion time", "−34.4%", -0.45, -0.25,
                 change("s1-approval-bureau", "s0-fragmented", "compound_time_h"), 100, "%"))
    rows.append(("V6", "S2 vs S0: materials requested", "−50 to −60%", -0.60, -0.50,
                 change("s2-one-network", "s0-fragmented", "materials_per_item"), 100, "%"))
    rows.append(("V6", "S2 vs S0: approval completion time", "−62%", -0.70, -0.50,
                 change("s2-one-network", "s0-fragmented", "approval_time_h"), 100, "%"))
    rows.append(("V1", "S0 hotline resolution", "53%", 0.50, 0.60,
                 values("s0-fragmented", "hotline_resolution"), 100, "%"))
    rows.append(("V2", "S0 hotline satisfaction", "64.6%", 0.60, 0.70,
                 values("s0-fragmented", "hotline_satisfaction"), 100, "%"))
    rows.append(("V1", "S3+S4 (beijing) hotline resolution", "89–97%", 0.90, 1.00,
                 values("beijing", "hotline_resolution"), 100, "%"))
    rows.append(("V2", "S3+S4 (beijing) hotline satisfaction", "92–97%", 0.90, 1.00,
                 values("beijing", "hotline_satisfaction"), 100, "%"))
    rows.append(("V4", "S0 share of hotline intake dispatched", "41% (15–50%)", 0.35, 0.50,
                 values("s0-fragmented", "hotline_dispatched"), 100, "%"))
    rows.append(("V10", "S0 hotline work orders median/mean", "≈1/3", 0.25, 0.45,
                 tails, 1, ""))

    failed = 0
    print(f"calibration: {args.replications} replications, seeds {args.seed}..{args.seed + args.replications - 1}"
          " (mean ± 95% CI)\n")
    print(f"{'id':4} {'target':42} {'published':>14} {'band':>15} {'simulated':>18}  ok")
    for vid, target, published, low, high, vals, scale, unit in rows:
        m, h = mean_ci(vals)
        ok = low <= m <= high
        failed += 0 if ok else 1
        band = f"{low * scale:+.0f}..{high * scale:+.0f}{unit}" if unit else f"{low:.2f}..{high:.2f}"
        if unit == "%" and low >= 0:
            band = f"{low * scale:.0f}..{high * scale:.0f}%"
        sim = f"{m * scale:.1f} ± {h * scale:.1f}{unit}" if unit else f"{m:.3f} ± {h:.3f}"
        print(f"{vid:4} {target:42} {published:>14} {band:>15} {sim:>18}  {'yes' if ok else 'NO'}")
    for name, c in (("pooled", 4), ("split", 2)):
        lam = 3.2 if name == "pooled" else 1.6
        theory = erlang_c_sojourn(lam, 1.0, c)
        m, h = mean_ci(windows[name])
        ok = abs(m - theory) <= h if not math.isnan(h) else False
        failed += 0 if ok else 1
        print(f"{'V8':4} {name + ' windows: time in system (h)':42} {'Erlang C':>14} {theory:>15.3f} "
              f"{m:>11.3f} ± {h:.3f}  {'yes' if ok else 'NO'}")
    if args.check and failed:
        print(f"\n{failed} target(s) missed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main_guard(main))
