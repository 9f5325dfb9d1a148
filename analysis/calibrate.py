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
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tiersim_analysis import calibration_metrics as metrics  # noqa: E402
from tiersim_analysis.checks import InputError, main_guard  # noqa: E402

# Student t quantiles (0.975) by degrees of freedom, for the 95% intervals.
T975 = {19: 2.093, 1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262}

WINDOW_REPLICATIONS = 20
TAIL_DAYS = 161  # the S0 run for V10: 23 weeks, so that the cohort's long cases close
TAIL_MARGIN_H = 70 * 24.0
ORDER_MARGIN_H = 25 * 24.0  # work orders of beijing created 25 days before the end: past 15 wd
SCENARIOS = ("s0-fragmented", "s1-approval-bureau", "s2-one-network", "s3-three-lists",
             "s5-inter-provincial", "beijing", "jiangsu")
HOURLY = ("--set", "simulation.bucket_hours=1")  # /series by the hour, for the peak hour


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


def check_json(tiersim, scenario):
    cmd = [tiersim, "check", scenario, "--json"]
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode not in (0, 3):
        raise InputError(tiersim, f"`check {scenario}` failed with exit status {result.returncode}")
    return json.loads(result.stdout)


def erlang_c_sojourn(lam, mu, c):
    a = lam / mu
    rho = a / c
    s = sum(a**k / math.factorial(k) for k in range(c))
    top = a**c / math.factorial(c) / (1.0 - rho)
    wait_prob = top / (s + top)
    return wait_prob / (c * mu - lam) + 1.0 / mu


def simulate(args, tmp):
    """Every replication of every scenario: {scenario: [metrics]}, the V10 tails and the V8
    window runs."""
    per = {s: [] for s in SCENARIOS}
    tails = []
    windows = {"pooled": [], "split": []}
    for r in range(args.replications):
        seed = args.seed + r
        for s in SCENARIOS:
            out = os.path.join(tmp, f"{s}-{r}.h5")
            run(args.tiersim, s, seed, out, HOURLY)
            m = metrics.core(out)
            if s == "beijing":
                m["overdue"] = metrics.work_orders(out, ORDER_MARGIN_H).late.mean()
            per[s].append(m)
            os.remove(out)
        out = os.path.join(tmp, f"tail-{r}.h5")
        run(args.tiersim, "s0-fragmented", seed, out, ("--days", str(TAIL_DAYS)))
        tails.append(metrics.tail(out, TAIL_MARGIN_H))
        os.remove(out)
    # The window queues are cheap: enough replications for a tight interval.
    for r in range(max(args.replications, WINDOW_REPLICATIONS)):
        for name, pooled in (("pooled", "true"), ("split", "false")):
            out = os.path.join(tmp, f"windows-{name}-{r}.h5")
            run(args.tiersim, "validation/windows", args.seed + r, out,
                ("--days", "1000", "--set", f"organization.generalist_windows={pooled}"))
            t = metrics.tickets(out)
            windows[name].append(t.lead_h[t.outcome == 0].mean())
    return per, tails, windows


def targets(per, tails, census):
    """(id, target, published, low, high, values, scale, unit, source) rows."""
    def values(s, key):
        return [m[key] for m in per[s]]

    def change(s, base, key):
        return [m[key] / b[key] - 1.0 for m, b in zip(per[s], per[base])]

    def ratio(s, base, key):
        return [m[key] / b[key] for m, b in zip(per[s], per[base])]

    def diff(s, base, key):
        return [m[key] - b[key] for m, b in zip(per[s], per[base])]

    s0, bj = "s0-fragmented", "beijing"
    per_procedure = [v / 3.0 / 24.0 for v in values(s0, "compound_time_h")]
    cut = [1.0 - o["cross_online_d"] / h["cross_trip_home_d"] for o, h in zip(per["s5-inter-provincial"], per[s0])]
    return [
        ("V1", "S0 hotline resolution", "53%", 0.50, 0.60, values(s0, "hotline_resolution"), 100, "%", "§5 [B1]"),
        ("V2", "S0 hotline satisfaction", "64.6%", 0.60, 0.70, values(s0, "hotline_satisfaction"), 100, "%", "§5 [B1]"),
        ("V1", "S3 − S0 hotline resolution (points)", "+10 to +20", 0.10, 0.20,
         diff("s3-three-lists", s0, "hotline_resolution"), 100, "pt", "§6.3 S3 [A]"),
        ("V1", "S3+S4 (beijing) hotline resolution", "89–97%", 0.89, 0.97, values(bj, "hotline_resolution"), 100, "%", "§5 [B1][B6]"),
        ("V2", "S3+S4 (beijing) hotline satisfaction", "92–97%", 0.90, 0.98, values(bj, "hotline_satisfaction"), 100, "%", "§5 [B1]"),
        ("V3", "beijing / S0 hotline calls a day", "×1.55 → ×3.4", 2.0, 3.5,
         ratio(bj, s0, "calls_per_10k_day"), 1, "×", "§1.5 [B2][B4]"),
        ("V4", "S0 share of hotline intake dispatched", "41% (15–50%)", 0.35, 0.50, values(s0, "hotline_dispatched"), 100, "%", "§1.5 [B2][B7]"),
        ("V4", "beijing share of hotline intake dispatched", "41% (15–50%)", 0.35, 0.50, values(bj, "hotline_dispatched"), 100, "%", "§1.5 [B2][B7]"),
        ("V5", "S1 vs S0: 一件事 completion time", "−34.4%", -0.45, -0.25,
         change("s1-approval-bureau", s0, "compound_time_h"), 100, "%", "§5 [G15]"),
        ("V6", "S2 vs S0: materials requested", "−50 to −60%", -0.60, -0.50,
         change("s2-one-network", s0, "materials_per_item"), 100, "%", "§5 [G1][G12]"),
        ("V6", "S2 vs S0: approval completion time", "−62%", -0.70, -0.50,
         change("s2-one-network", s0, "approval_time_h"), 100, "%", "§5 [G2]"),
        ("V6", "S2 最多跑一次 share of items", "≥55% (year 1)", 0.55, 1.00,
         values("s2-one-network", "at_most_one_visit"), 100, "%", "§2 [G1]"),
        ("V7", "S0 business start, days per procedure", "22.9 d / 7 = 3.3", 2.5, 4.5,
         per_procedure, 1, "d", "§5 [G18] [D]"),
        ("V7", "jiangsu business start (working days)", "≤3 wd (3550)", 0.0, 3.5,
         values("jiangsu", "compound_wd"), 1, "wd", "§6.3 [G6]"),
        ("V9", "beijing calls per seat per 8 h, peak hour", "80–100 [B4]; ≈70 [D]", 60.0, 100.0,
         values(bj, "peak_calls_per_seat_8h"), 1, "", "§1.3 [B4]"),
        ("V10", "S0 work orders median/mean", "≈1/3", 0.25, 0.45,
         [x["median_over_mean"] for x in tails], 1, "", "§1.6 [R8]"),
        ("V10", "S0 work orders within the limit", "85–99%", 0.85, 0.99,
         [x["within_limit"] for x in tails], 100, "%", "§1.6 [R8b][C8]"),
        ("M1", "S0 hotline seats per 100k residents", "2.3 (2019)–3.4", 2.3, 3.4,
         values(s0, "seats_per_100k"), 1, "", "§1.5 [B21][B1]"),
        ("M1", "beijing hotline seats per 100k residents", "2.7–3.2 on duty", 2.3, 3.4,
         values(bj, "seats_per_100k"), 1, "", "§1.3 [B4]"),
        ("M1", "default hotline seats per 100k (check)", "2.3–3.4", 2.3, 3.4,
         [census["staff_per_100k"]["hotline"]], 1, "", "§1.5"),
        ("M8", "beijing 12345 connection rate (接通率)", "≥95%; 98.16%", 0.95, 1.00,
         values(bj, "connection_rate"), 100, "%", "§1.3 [H2][C4]"),
        ("M2", "S0 street staff at the peak hour", "80–100% [A]", 0.80, 1.00,
         values(s0, "peak_util_street"), 100, "%", "[A]"),
        ("M2", "S0 district staff at the peak hour", "80–100% [A]", 0.80, 1.00,
         values(s0, "peak_util_district"), 100, "%", "[A]"),
        ("M2", "beijing street staff at the peak hour", "80–100% [A]", 0.80, 1.00,
         values(bj, "peak_util_street"), 100, "%", "[A]"),
        ("M2", "beijing district staff at the peak hour", "80–100% [A]", 0.80, 1.00,
         values(bj, "peak_util_district"), 100, "%", "[A]"),
        ("M3", "S0 urgent (H6) feedback within 2 h", "≤2 h", 0.90, 1.00,
         values(s0, "urgent_response_in_time"), 100, "%", "§1.3 [B11]"),
        ("M3", "S0 urgent (H6) median resolution (h)", "≈4 h", 1.0, 8.0,
         values(s0, "urgent_median_h"), 1, "h", "§6.2 H6"),
        ("M4", "S0 grid data freshness, median (days)", "1–7+ d", 2.0, 10.0,
         values(s0, "freshness_median_d"), 1, "d", "§6.2 D1"),
        ("M5", "S5 全程网办 vs a trip home: elapsed time", "−50 to −80%", 0.50, 0.80,
         cut, 100, "%", "§6.3 S5 [A]"),
        ("M5", "S5 代收代办 − 全程网办 (days)", "+2 to +6 d", 2.0, 6.0,
         [m["cross_proxy_d"] - m["cross_online_d"] for m in per["s5-inter-provincial"]], 1, "d", "§6.3 S5 [A]"),
        ("M6", "default residents, Jiangsu (census)", "84,748,016", 84_748_016 * 0.999, 84_748_016 * 1.001,
         [census["provinces"]["江苏省"]], 1e-6, "M", "2020 census"),
        ("M6", "default residents, Shanghai (census)", "24,870,937", 24_870_937 * 0.999, 24_870_937 * 1.001,
         [census["provinces"]["上海市"]], 1e-6, "M", "2020 census"),
        ("M7", "beijing overdue work orders", "0.1–1%", 0.001, 0.01,
         values(bj, "overdue"), 100, "%", "§6.2 [C8][C13]"),
    ]


# Targets that the model is known to miss, with the reason (docs/model.md, "Known limits"): they
# are printed and counted, but do not fail --check.
KNOWN_LIMITS = {
    "V10 S0 work orders within the limit":
        "V10's tail (median/mean 1/3) and a 7-wd limit for every H3 case cannot both hold: "
        "the complex cases' 15-day limit (P 10–20%, §6.2 H3) is not modelled",
}


def band_text(low, high, scale, unit):
    if unit == "%":
        return f"{low * scale:g}..{high * scale:g}%" if low >= 0 else f"{low * scale:+g}..{high * scale:+g}%"
    if unit == "pt":
        return f"+{low * scale:.0f}..+{high * scale:.0f}"
    if unit == "M":
        return f"{low * scale:.2f}..{high * scale:.2f}M"
    return f"{low * scale:.2f}..{high * scale:.2f}{unit}"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tiersim", default="build/tiersim", help="the simulator binary")
    p.add_argument("--replications", type=int, default=3)
    p.add_argument("--seed", type=int, default=1, help="seed of the first replication")
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        per, tails, windows = simulate(args, tmp)
    report = check_json(args.tiersim, "default")
    census = {"staff_per_100k": report["staff_per_100k"],
              "provinces": {row["name"]: row["residents"] for row in report["provinces"]}}

    failed, limits = [], []
    print(f"calibration: {args.replications} replications, seeds {args.seed}..{args.seed + args.replications - 1}"
          " (mean ± 95% CI); a target is met when the mean is inside its band\n")
    print(f"{'id':4} {'target':46} {'published':>22} {'band':>15} {'simulated':>18}  ok  source")
    for vid, target, published, low, high, vals, scale, unit, source in targets(per, tails, census):
        m, h = mean_ci(vals)
        ok = low <= m <= high
        known = f"{vid} {target}" in KNOWN_LIMITS
        if not ok:
            (limits if known else failed).append(f"{vid} {target}")
        shown = "%" if unit == "%" else unit
        sim = f"{m * scale:.1f} ± {h * scale:.1f}{shown}" if not math.isnan(h) else f"{m * scale:.2f}{shown}"
        if unit in ("", "×", "M"):
            sim = f"{m * scale:.3f} ± {h * scale:.3f}{unit}" if not math.isnan(h) else f"{m * scale:.3f}{unit}"
        print(f"{vid:4} {target:46} {published:>22} {band_text(low, high, scale, unit):>15} {sim:>18}  "
              f"{'yes' if ok else ('lim' if known else 'NO '):3} {source}")
    for name, c in (("pooled", 4), ("split", 2)):
        lam = 3.2 if name == "pooled" else 1.6
        theory = erlang_c_sojourn(lam, 1.0, c)
        m, h = mean_ci(windows[name])
        ok = abs(m - theory) <= h if not math.isnan(h) else False
        if not ok:
            failed.append(f"V8 {name} windows")
        print(f"{'V8':4} {name + ' windows: time in system (h)':46} {'Erlang C':>22} {theory:>15.3f} "
              f"{m:>11.3f} ± {h:.3f}  {'yes' if ok else 'NO ':3} §5 [R5]")
    for name in limits:
        print(f"\nknown limit, missed: {name}: {KNOWN_LIMITS[name]}")
    if failed:
        print(f"\n{len(failed)} target(s) missed: " + "; ".join(failed), file=sys.stderr)
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main_guard(main))
