# SPDX-License-Identifier: MIT
"""Checks of the files the scripts read and of the values they plot, shared by every script.

Unreadable input — a missing, empty, truncated or damaged file, a file that is not HDF5, or an
HDF5 file without tiersim's layout — raises `InputError`; `main_guard` turns it into one line on
stderr, `SCRIPT: error: FILE: why`, and exit status 2 (the status argparse gives a usage error).

Impossible values — a ticket closed before it was created (negative lead time), a NaN or
negative time, a share outside [0, 1], a negative count, time or cost in a summary table — are
masked before anything is plotted (the tickets left out, the table cells set to NaN, drawn as
n/a) and each kind is reported once per file by `warn`, `SCRIPT: warning: FILE: what`; the
scripts with a page also show it there. NaN in a summary table is no problem: it is how tiersim
writes a metric of a row without tickets (a rate of a tier where no ticket was rated).
"""

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import h5py
import numpy as np

# What a file must hold to be read as tiersim's (DESIGN §4.3; docs/sweep.md): groups, and the
# attributes of /provenance and /summary that the scripts rely on.
RUN_GROUPS = ("provenance", "summary", "series", "units", "ticket_types")
SWEEP_GROUPS = ("provenance", "points", "replications", "metrics")
PROVENANCE_ATTRS = ("tiersim_version", "seed")
SUMMARY_ATTRS = ("created", "closed", "abandoned", "open_at_end", "warmup_h")

# Units (metrics.METRICS) whose values cannot be negative.
NON_NEGATIVE_UNITS = ("tickets", "items", "calls", "updates", "h", "hops", "handoffs", "returns",
                      "escalations", "reworks", "rehandles", "visits", "materials", "staff-h")


class InputError(Exception):
    """A file a script cannot read as tiersim's output: `path` and why, in a few words."""

    def __init__(self, path, why):
        super().__init__(f"{path}: {why}")
        self.path = str(path)
        self.why = why


def script_name():
    return Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "tiersim_analysis"


def main_guard(main, argv=None):
    """Runs a script's main(argv); an InputError becomes `SCRIPT: error: FILE: why` on stderr
    and exit status 2. Returns main's status (0 for None)."""
    try:
        status = main(argv) if argv is not None else main()
    except InputError as e:
        print(f"{script_name()}: error: {e.path}: {e.why}", file=sys.stderr)
        return 2
    return status or 0


def warn(path, message):
    print(f"{script_name()}: warning: {path}: {message}", file=sys.stderr)


def _attr_text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _open_error(path, error):
    """Why h5py could not open an HDF5 file, in words: truncated or damaged."""
    text = str(error)
    if "truncated" in text:
        return ("truncated HDF5 file (the file ends before the data its header describes: "
                "an interrupted copy or a full disk?)")
    return f"damaged HDF5 file ({_first_line(error)})"


def open_file(path):
    """The file opened with h5py, or InputError: missing, a folder, empty, not HDF5, damaged."""
    p = Path(path)
    if not p.exists():
        raise InputError(path, "no such file")
    if p.is_dir():
        raise InputError(path, "is a folder, not a tiersim .h5 file")
    if not os.access(p, os.R_OK):
        raise InputError(path, "cannot read the file (permission denied)")
    size = p.stat().st_size
    if size == 0:
        raise InputError(path, "empty file (0 bytes), not a tiersim .h5 file")
    try:
        is_hdf5 = h5py.is_hdf5(str(p))
    except OSError as e:
        raise InputError(path, f"cannot read the file ({e.strerror or e})") from None
    if not is_hdf5:
        raise InputError(path, f"not an HDF5 file ({size:,} bytes without an HDF5 signature)")
    try:
        return h5py.File(p, "r")
    except OSError as e:
        raise InputError(path, _open_error(path, e)) from None


def check_file(path, expect=None):
    """Checks that `path` is a readable tiersim file and returns its kind, "run" or "sweep";
    with `expect`, a file of the other kind is an InputError too."""
    with reading(path), open_file(path) as f:
        if "provenance" not in f or not isinstance(f["provenance"], h5py.Group):
            raise InputError(path, "not a tiersim file (an HDF5 file without /provenance)")
        attrs = f["provenance"].attrs
        kind = _attr_text(attrs.get("kind", "run"))
        if kind not in ("run", "sweep"):
            raise InputError(path, f"not a tiersim run or sweep file (/provenance kind {kind!r})")
        if expect == "run" and kind == "sweep":
            raise InputError(path, "a sweep file, not a run file: use analysis/sweep.py")
        if expect == "sweep" and kind == "run":
            raise InputError(path, "not a sweep file (/provenance has no kind = \"sweep\"): use "
                             "analysis/report.py for a run")
        missing = [a for a in PROVENANCE_ATTRS if a not in attrs]
        if missing:
            raise InputError(path, "not a tiersim file (/provenance has no "
                             + ", ".join(missing) + ")")
        groups = RUN_GROUPS if kind == "run" else SWEEP_GROUPS
        absent = [g for g in groups if g not in f or not isinstance(f[g], h5py.Group)]
        if absent:
            raise InputError(path, f"not a complete tiersim {kind} file (no "
                             + ", ".join("/" + g for g in absent) + ")")
        if kind == "run":
            absent = [a for a in SUMMARY_ATTRS if a not in f["summary"].attrs]
            if absent:
                raise InputError(path, "not a complete tiersim run file (/summary has no "
                                 + ", ".join(absent) + ")")
    return kind


@contextmanager
def reading(path):
    """Errors that h5py raises while reading `path` (a damaged chunk, a missing group or
    column) become an InputError naming the file."""
    try:
        yield
    except InputError:
        raise
    except KeyError as e:
        raise InputError(path, f"not tiersim's layout ({_first_line(e)})") from None
    except (OSError, RuntimeError) as e:
        raise InputError(path, f"damaged HDF5 file ({_first_line(e)})") from None


def _first_line(error):
    text = str(error.args[0] if isinstance(error, KeyError) and error.args else error)
    return text.splitlines()[0][:200] if text else type(error).__name__


def impossible_tickets(tickets):
    """(mask of the /tickets rows that cannot be, [what is wrong, …]): a NaN or negative
    created_h, a resolved ticket with a NaN closed_h or closed before it was created."""
    bad = np.zeros(len(tickets), dtype=bool)
    problems = []
    if "created_h" in tickets:
        created = tickets.created_h.to_numpy(dtype=float)
        m = ~np.isfinite(created) | (created < 0)
        if m.any():
            problems.append(f"{int(m.sum()):,} ticket(s) with a NaN or negative created_h")
        bad |= m
        if "closed_h" in tickets and "outcome" in tickets:
            closed = tickets.closed_h.to_numpy(dtype=float)
            resolved = tickets.outcome.to_numpy() == 0
            m = resolved & ~np.isfinite(closed)
            if m.any():
                problems.append(f"{int(m.sum()):,} resolved ticket(s) with a NaN closed_h")
            bad |= m
            with np.errstate(invalid="ignore"):
                m = resolved & (closed < created)
            if m.any():
                lead = closed[m] - created[m]
                problems.append(f"{int(m.sum()):,} ticket(s) closed before they were created "
                                f"(negative lead time, down to {lead.min():.3g} h)")
            bad |= m
    return bad, problems


def impossible_values(values, name):
    """Mask of `values` of metric `name` that cannot be: a share outside [0, 1], a negative
    count, time or cost (NaN is allowed: a row without tickets has no value)."""
    from .metrics import METRICS
    unit = METRICS.get(name, (name, ""))[1]
    v = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        if unit == "share":
            return (v < 0) | (v > 1) | np.isinf(v)
        if unit in NON_NEGATIVE_UNITS:
            return (v < 0) | np.isinf(v)
    return np.zeros(v.shape, dtype=bool)


def mask_table(frame, where):
    """`frame` (a summary table) with its impossible cells set to NaN, and what was masked:
    ["where: resolution rate 1.3 (row street) outside [0, 1]", …], one line per column."""
    from .metrics import METRICS
    problems = []
    out = frame
    for col in frame.columns:
        if col == "name" or not np.issubdtype(frame[col].dtype, np.number):
            continue
        m = impossible_values(frame[col].to_numpy(), col)
        if not m.any():
            continue
        if out is frame:
            out = frame.copy()
        rows = list(frame.name[m]) if "name" in frame else []
        first = frame[col].to_numpy()[m][0]
        unit = METRICS.get(col, (col, ""))[1]
        what = "outside [0, 1]" if unit == "share" else "negative or infinite"
        problems.append(f"{where}: {col} {what} ({first:.6g}"
                        + (f", row {rows[0]}" if rows else "")
                        + (f", {int(m.sum())} values" if m.sum() > 1 else "") + "), not plotted")
        out[col] = out[col].astype(float)
        out.loc[m, col] = np.nan
    return out, problems


def mask_summary(summary, where="/summary"):
    """The /summary attributes with impossible values set to NaN, and what was masked."""
    problems = []
    out = dict(summary)
    for k, v in summary.items():
        if isinstance(v, (int, float, np.number)) and not isinstance(v, bool):
            if impossible_values([v], k)[0]:
                problems.append(f"{where}: {k} = {float(v):.6g} is impossible, not shown")
                out[k] = np.nan
    return out, problems
