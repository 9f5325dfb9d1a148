#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Print a run's summary tables from its HDF5 file: python3 analysis/summarize.py RUN.h5

A file that cannot be read is one line on stderr and exit status 2; impossible values (a share
outside [0, 1], a negative time or count) are printed as NaN with a warning on stderr.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tiersim_analysis import (COST_KINDS, SUMMARY_TABLES, read_provenance,  # noqa: E402
                              read_summary, read_table)
from tiersim_analysis.checks import check_file, main_guard, mask_summary, mask_table, warn  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", help="a tiersim run file (.h5)")
    args = parser.parse_args(argv)

    check_file(args.run, "run")
    provenance = read_provenance(args.run)
    summary, problems = mask_summary(read_summary(args.run))
    tables = {}
    for table in SUMMARY_TABLES:
        tables[table], found = mask_table(read_table(args.run, f"summary/{table}"), f"/summary/{table}")
        problems += found
    for w in problems:
        warn(args.run, w)
    print(f"tiersim {provenance['tiersim_version']}  seed {provenance['seed']}  "
          f"threads {provenance.get('threads', '?')}  wall {float(provenance.get('wall_seconds', 0)):.2f} s")
    print(f"created {summary['created']} = closed {summary['closed']} + abandoned "
          f"{summary['abandoned']} + open at end {summary['open_at_end']}")
    blocks = [
        ["name", "closed", "response_rate", "resolution_rate", "satisfaction_rate",
         "lead_time_mean_h", "lead_time_p50_h", "lead_time_p90_h"],
        ["name", "created", "abandoned_share", "repeat_call_share", "visits_per_case",
         "at_most_one_visit_share", "no_visit_share", "materials_requested_per_case",
         "data_freshness_mean_h", "data_rejected_share"],
        ["name", "coord_cost_h"] + [f"coord_{kind}_h" for kind in COST_KINDS],
    ]
    for table in SUMMARY_TABLES:
        frame = tables[table]
        if table in ("by_channel", "by_cross_mode"):
            frame = frame[frame.created > 0]  # only the channels and modes that have tickets
            if frame.empty:
                continue
        print(f"\n{table}")
        for columns in blocks:
            print(frame[[c for c in columns if c in frame.columns]].to_string(index=False))
        if "connection_rate" in frame.columns:  # callers hang up (channels.CHANNEL.patience_min)
            print(frame[["name", "created", "hung_up", "connection_rate"]].to_string(index=False))


if __name__ == "__main__":
    sys.exit(main_guard(main))
