# SPDX-License-Identifier: MIT
"""One run file loaded once for the report and compare scripts.

`Run(path)` reads /provenance, /summary (attributes and tables), /series, /units, /ticket_types
and, when the run was traced (--trace tickets or events), the columns of /tickets that the plots
need. `run.tickets` is None for a run written with --trace none. A file that is not a readable
run file raises checks.InputError; impossible values (a ticket closed before it was created, a
share outside [0, 1], …) are masked on loading (checks.py) and listed in `run.warnings`.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from .checks import check_file, impossible_tickets, mask_summary, mask_table, open_file, reading
from .io import SUMMARY_TABLES, read_provenance, read_summary, read_table
from .metrics import CHANNELS, COST_COLUMNS, CROSS_MODES, OUTCOME_RESOLVED, TIERS

TICKET_COLUMNS = ("type", "created_h", "closed_h", "tier_resolved", "channel", "cross_mode",
                  "outcome", "visits")


def file_kind(path):
    """'sweep' for a sweep file, 'run' for a run file (by /provenance's kind attribute), after
    checking that it is a readable tiersim file (checks.check_file: InputError otherwise)."""
    return check_file(path)


class Run:
    def __init__(self, path):
        self.path = Path(path)
        check_file(path, "run")
        self.warnings = []  # impossible values found in the file, masked (checks.py)
        self.provenance = read_provenance(path)
        self.summary, problems = mask_summary(read_summary(path))
        self.warnings += problems
        with reading(path), open_file(path) as f:
            present = set(f.keys())
            tables = set(f["summary"].keys()) if "summary" in f else set()
        self.tables = {}
        for t in SUMMARY_TABLES:
            if t in tables:
                self.tables[t], problems = mask_table(read_table(path, f"summary/{t}"), f"/summary/{t}")
                self.warnings += problems
        self.series = read_table(path, "series") if "series" in present else None
        self.units = read_table(path, "units") if "units" in present else None
        self.ticket_types = read_table(path, "ticket_types") if "ticket_types" in present else None
        self.warmup_h = float(self.summary.get("warmup_h", 0.0))
        self.tickets = None
        if "tickets" in present:
            with reading(path), open_file(path) as f:
                g = f["tickets"]
                self.tickets = pd.DataFrame({c: g[c][()] for c in TICKET_COLUMNS if c in g})
            bad, problems = impossible_tickets(self.tickets)
            if bad.any():
                self.tickets = self.tickets[~bad].reset_index(drop=True)
                self.warnings += [f"/tickets: {p}; left out of the plots" for p in problems]

    @property
    def name(self):
        return str(self.provenance.get("scenario_name", self.path.stem))

    @property
    def traced(self):
        return self.tickets is not None

    def type_names(self):
        if self.ticket_types is None:
            return {}
        return dict(zip(self.ticket_types.id, self.ticket_types.name))

    def closed_after_warmup(self):
        """The tickets created after the warm-up and resolved before the end (the population of
        /summary's lead-time quantiles), with lead_h = closed_h − created_h and decoded names."""
        if self.tickets is None:
            return None
        t = self.tickets
        t = t[(t.outcome == OUTCOME_RESOLVED) & (t.created_h >= self.warmup_h)].copy()
        t["lead_h"] = t.closed_h - t.created_h
        t["tier_name"] = [TIERS[i] if 0 <= i < len(TIERS) else "?" for i in t.tier_resolved]
        names = self.type_names()
        t["type_name"] = [names.get(i, str(i)) for i in t.type]
        t["channel_name"] = [CHANNELS[i] if 0 <= i < len(CHANNELS) else "?" for i in t.channel]
        return t

    def series_by_tier(self, column):
        """column of /series as a frame: index time in days, one column per tier name."""
        if self.series is None or column not in self.series:
            return None
        s = self.series.pivot_table(index="t_h", columns="tier", values=column, aggfunc="sum")
        s.index = s.index / 24.0
        s.columns = [TIERS[int(c)] if 0 <= int(c) < len(TIERS) else str(c) for c in s.columns]
        return s

    def table(self, name):
        """A summary table, with the channel and cross-mode rows that have no tickets dropped."""
        frame = self.tables.get(name)
        if frame is None:
            return None
        if name in ("by_channel", "by_cross_mode") and "created" in frame:
            frame = frame[frame.created > 0]
        return frame

    def overall(self):
        """The overall metrics as a one-row table like the by_* tables (name "overall"), with
        created, closed and abandoned counted after the warm-up as in the by_* tables."""
        row = {"name": "overall"}
        row.update({k: v for k, v in self.summary.items()})
        for k in ("created", "closed", "abandoned"):
            if f"{k}_after_warmup" in row:
                row[k] = row[f"{k}_after_warmup"]
        return pd.DataFrame([row])

    def cross_tickets(self):
        """Cross-province ticket counts by mode (created, closed, abandoned, open) from /summary."""
        frame = self.tables.get("by_cross_mode")
        if frame is None:
            return None
        return frame.set_index("name").reindex(list(CROSS_MODES))


def coord_by(frame):
    """The coordination-cost columns of a summary table, indexed by its row names."""
    cols = [c for c in COST_COLUMNS if c in frame]
    return frame.set_index("name")[cols]


def ecdf(values):
    """Sorted values and their empirical cumulative probabilities."""
    v = np.sort(np.asarray(values, dtype=float))
    return v, np.arange(1, len(v) + 1) / max(len(v), 1)


class MeanRun:
    """Replications of one configuration seen as one run by the plots: summary values and tables
    are means over the replications, series are mean series, tickets are pooled."""

    def __init__(self, runs):
        if not runs:
            raise ValueError("MeanRun needs at least one run")
        self.runs = list(runs)
        first = self.runs[0]
        self.provenance = first.provenance
        self.warmup_h = first.warmup_h
        self.path = first.path
        keys = [k for k, v in first.summary.items() if isinstance(v, (int, float, np.number))]
        self.summary = {k: float(np.nanmean([r.summary.get(k, np.nan) for r in self.runs]))
                        if len(self.runs) > 1 else first.summary[k] for k in keys}
        self.tables = {}
        for name, frame in first.tables.items():
            if len(self.runs) == 1:
                self.tables[name] = frame
                continue
            frames = [r.tables[name] for r in self.runs if name in r.tables]
            numeric = [c for c in frame.columns if c != "name"]
            stacked = pd.concat([f.set_index("name")[numeric] for f in frames])
            mean = stacked.groupby(level=0, sort=False).mean().reset_index()
            self.tables[name] = mean[["name"] + numeric]
        self.ticket_types = first.ticket_types
        self.units = first.units
        self.warnings = [w for r in self.runs for w in r.warnings]

    name = Run.name
    table = Run.table
    overall = Run.overall
    cross_tickets = Run.cross_tickets

    @property
    def traced(self):
        return all(r.traced for r in self.runs)

    @property
    def series(self):
        return self.runs[0].series

    def closed_after_warmup(self):
        if not self.traced:
            return None
        return pd.concat([r.closed_after_warmup() for r in self.runs], ignore_index=True)

    def series_by_tier(self, column):
        frames = [r.series_by_tier(column) for r in self.runs]
        if any(f is None for f in frames):
            return None
        if len(frames) == 1:
            return frames[0]
        return sum(frames) / len(frames)
