#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Print a run's summary tables from its HDF5 file: python3 analysis/summarize.py RUN.h5"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tiersim_analysis import read_provenance, read_summary, read_table  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("run", help="a tiersim run file (.h5)")
    args = parser.parse_args()

    provenance = read_provenance(args.run)
    summary = read_summary(args.run)
    print(f"tiersim {provenance['tiersim_version']}  seed {provenance['seed']}  "
          f"threads {provenance['threads']}  wall {provenance['wall_seconds']:.2f} s")
    print(f"created {summary['created']} = closed {summary['closed']} + abandoned "
          f"{summary['abandoned']} + open at end {summary['open_at_end']}")
    columns = ["name", "closed", "response_rate", "resolution_rate", "satisfaction_rate",
               "lead_time_mean_h", "lead_time_p50_h", "lead_time_p90_h"]
    for table in ("by_tier", "by_type", "by_province"):
        frame = read_table(args.run, f"summary/{table}")
        print(f"\n{table}")
        print(frame[[c for c in columns if c in frame.columns]].to_string(index=False))


if __name__ == "__main__":
    main()
