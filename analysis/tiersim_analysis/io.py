# SPDX-License-Identifier: MIT
"""Tables of a tiersim run file as pandas DataFrames.

Every table of the file (/tickets, /events, /series, /units, /ticket_types, /summary/by_*) is a
group of 1-D column datasets of equal length, so a DataFrame is one column per dataset.
Coordination cost by kind is one column per kind: coord_handoff_h, coord_meeting_h,
coord_return_h, coord_leader_h, coord_cross_h (in /tickets, /series and the summary tables).
A file that cannot be read (missing, empty, truncated, not HDF5, not tiersim's layout) raises
checks.InputError naming it.
"""

import h5py
import pandas as pd

from .checks import InputError, open_file, reading

# The /summary tables, one row per group (DESIGN §2.7): by closing tier, ticket type, province
# of origin, channel the ticket arrived by (window, hotline, online, grid) and cross-province
# mode (online, proxy, joint).
SUMMARY_TABLES = ("by_tier", "by_type", "by_province", "by_channel", "by_cross_mode")

# Kinds of coordination cost, in the order of the simulator's CostKind.
COST_KINDS = ("handoff", "meeting", "return", "leader", "cross")


def _decode(values):
    if values.dtype.kind in ("O", "S"):
        return [v.decode("utf-8") if isinstance(v, bytes) else v for v in values]
    return values


def read_table(path, group):
    """The columns of `group` (e.g. "tickets", "summary/by_tier") as a DataFrame."""
    with reading(path), open_file(path) as f:
        if group not in f or not isinstance(f[group], h5py.Group):
            raise InputError(path, f"not tiersim's layout (no table /{group})")
        g = f[group]
        return pd.DataFrame({name: _decode(g[name][()]) for name in g if isinstance(g[name], h5py.Dataset)})


def read_summary(path):
    """The /summary attributes (conservation line and overall metrics) as a dict."""
    with reading(path), open_file(path) as f:
        return {k: (v.item() if hasattr(v, "item") else v) for k, v in f["summary"].attrs.items()}


def read_provenance(path):
    """The /provenance attributes: version, resolved scenario, seed, threads, wall time…"""
    with reading(path), open_file(path) as f:
        out = {}
        for k, v in f["provenance"].attrs.items():
            if isinstance(v, bytes):
                v = v.decode("utf-8")
            out[k] = v.item() if hasattr(v, "item") else v
        return out
