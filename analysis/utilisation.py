#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Staff utilisation over time on duty, per tier, from a run's /series and /queues:
python3 analysis/utilisation.py RUN.h5 [--after-hours H]

For each tier: the staff-hours worked over the staff-hours on duty (worked_h / open_staff_h,
over the whole run after H hours, by default the warm-up), the busiest bucket's ratio and when
it was (run the scenario with simulation.bucket_hours = 1 for the peak hour), and the servers
listed in /queues. A bucket with no one on duty is left out. A file that cannot be read is one
line on stderr and exit status 2.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tiersim_analysis import read_provenance, read_table  # noqa: E402
from tiersim_analysis.checks import InputError, check_file, main_guard  # noqa: E402

TIERS = ("street", "district", "city", "province")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", help="a tiersim run file (.h5)")
    parser.add_argument("--after-hours", type=float, default=None,
                        help="leave out buckets ending at or before this time (default: the warm-up)")
    args = parser.parse_args(argv)

    check_file(args.run, "run")
    series = read_table(args.run, "series")
    for column in ("worked_h", "open_staff_h"):
        if column not in series.columns:
            raise InputError(args.run, f"/series has no {column} (a file of tiersim before 2026-12)")
    queues = read_table(args.run, "queues")
    after = args.after_hours
    if after is None:
        import tomllib
        scenario = tomllib.loads(read_provenance(args.run)["scenario_toml"])
        after = 24.0 * float(scenario.get("simulation", {}).get("warmup_days", 7.0))
    print(f"{'tier':<9} {'servers':>9} {'util %':>7} {'peak %':>7} {'peak at (h)':>12}")
    for k, name in enumerate(TIERS):
        rows = series[(series.tier == k) & (series.t_h > after) & (series.open_staff_h > 0)]
        servers = int(queues.servers[queues.tier == k].sum())
        if rows.empty:
            print(f"{name:<9} {servers:>9} {'-':>7} {'-':>7} {'-':>12}")
            continue
        ratio = rows.worked_h.to_numpy() / rows.open_staff_h.to_numpy()
        peak = int(np.argmax(ratio))
        overall = rows.worked_h.sum() / rows.open_staff_h.sum()
        print(f"{name:<9} {servers:>9} {100 * overall:>7.1f} {100 * ratio[peak]:>7.1f} "
              f"{rows.t_h.to_numpy()[peak]:>12.0f}")


if __name__ == "__main__":
    sys.exit(main_guard(main))
