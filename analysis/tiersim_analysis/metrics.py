# SPDX-License-Identifier: MIT
"""Names, units and codes of tiersim's metrics, shared by the report, compare and sweep scripts.

Codes in /tickets and /series (DESIGN §4.3): tier 0 street … 3 province; channel 0 window,
1 hotline, 2 online, 3 grid; cross_mode 0 none, 1 online, 2 proxy, 3 joint; outcome 0 resolved,
1 abandoned, 2 open at end, 3 hung up (the caller hung up waiting for intake:
channels.CHANNEL.patience_min; /summary counts it as abandoned too).
"""

import math

import numpy as np

from .io import COST_KINDS

TIERS = ("street", "district", "city", "province")
CHANNELS = ("window", "hotline", "online", "grid")
CROSS_MODES = ("online", "proxy", "joint")  # codes 1, 2, 3; 0 is "not cross-province"
OUTCOME_RESOLVED = 0

# 三率: response, resolution and satisfaction rates.
THREE_RATES = ("response_rate", "resolution_rate", "satisfaction_rate")
COST_COLUMNS = tuple(f"coord_{kind}_h" for kind in COST_KINDS)

# name -> (label, unit). Unit "share" is a fraction in the file, shown in % in plots and tables.
METRICS = {
    "created": ("tickets created", "tickets"),
    "closed": ("tickets closed", "tickets"),
    "abandoned": ("tickets abandoned", "tickets"),
    "open_at_end": ("tickets open at end", "tickets"),
    "created_after_warmup": ("created after warm-up", "tickets"),
    "closed_after_warmup": ("closed after warm-up", "tickets"),
    "abandoned_after_warmup": ("abandoned after warm-up", "tickets"),
    "surveyed": ("surveyed", "tickets"),
    "service_items": ("service items closed", "items"),
    "repeat_calls": ("repeat calls", "calls"),
    "data_updates": ("data updates", "updates"),
    "response_rate": ("response rate", "share"),
    "resolution_rate": ("resolution rate", "share"),
    "satisfaction_rate": ("satisfaction rate", "share"),
    "within_limit_share": ("resolved within time limit", "share"),
    "lead_time_mean_h": ("lead time, mean", "h"),
    "lead_time_p50_h": ("lead time, median", "h"),
    "lead_time_p90_h": ("lead time, 90th percentile", "h"),
    "lead_time_p99_h": ("lead time, 99th percentile", "h"),
    "hops_per_ticket": ("hops per ticket", "hops"),
    "handoffs_per_ticket": ("handoffs per ticket", "handoffs"),
    "returns_per_ticket": ("returns per ticket", "returns"),
    "escalations_per_ticket": ("escalations per ticket", "escalations"),
    "reworks_per_ticket": ("reworks per ticket", "reworks"),
    "rehandles_per_ticket": ("rehandles per ticket", "rehandles"),
    "leader_share": ("share with leader intervention", "share"),
    "abandoned_share": ("abandoned share", "share"),
    "repeat_call_share": ("repeat-call share", "share"),
    "visits_per_case": ("visits per case", "visits"),
    "at_most_one_visit_share": ("at most one visit (最多跑一次)", "share"),
    "no_visit_share": ("no visit (不见面)", "share"),
    "materials_requested_per_case": ("materials requested per case", "materials"),
    "data_freshness_mean_h": ("data freshness, mean", "h"),
    "data_freshness_p90_h": ("data freshness, 90th percentile", "h"),
    "data_rejected_share": ("data updates rejected", "share"),
    "coord_cost_h": ("coordination cost", "staff-h"),
    "warmup_h": ("warm-up", "h"),
}
for _kind in COST_KINDS:
    METRICS[f"coord_{_kind}_h"] = (f"coordination cost, {_kind}", "staff-h")

# The metrics the compare and sweep pages show first, in this order.
KEY_METRICS = ("created", "closed", "response_rate", "resolution_rate", "satisfaction_rate",
               "within_limit_share", "lead_time_mean_h", "lead_time_p50_h", "lead_time_p90_h",
               "lead_time_p99_h", "coord_cost_h") + COST_COLUMNS + (
                   "hops_per_ticket", "handoffs_per_ticket", "returns_per_ticket",
                   "escalations_per_ticket", "leader_share", "abandoned_share",
                   "repeat_call_share", "visits_per_case", "at_most_one_visit_share",
                   "no_visit_share", "materials_requested_per_case", "data_freshness_mean_h")


def metric_label(name):
    """'resolution rate (%)', 'lead time, mean (h)': a metric's label with its unit."""
    label, unit = METRICS.get(name, (name, ""))
    if unit == "share":
        unit = "%"
    return f"{label} ({unit})" if unit else label


def is_share(name):
    return METRICS.get(name, ("", ""))[1] == "share"


def display_scale(name):
    """Factor from the file's value to the displayed one (100 for shares)."""
    return 100.0 if is_share(name) else 1.0


def fmt(value, digits=3):
    """A number for a table cell: integers with thousands separators, '–' for NaN."""
    if value is None:
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isnan(v):
            return "–"
        if math.isinf(v):
            return "∞" if v > 0 else "−∞"
        if v == int(v) and abs(v) < 1e15:
            return f"{int(v):,}"
        if abs(v) >= 1000:
            return f"{v:,.1f}"
        return f"{v:.{digits + 1}g}"
    return str(value)


def fmt_metric(name, value, digits=3):
    """A metric's value as displayed: shares in %, others as they are."""
    if isinstance(value, (float, np.floating, int, np.integer)) and is_share(name):
        return fmt(float(value) * 100.0, digits)
    return fmt(value, digits)


# The summary tables in three blocks of columns, as the report shows them.
TABLE_BLOCKS = (
    ("Volumes, 三率 and lead times",
     ("created", "closed", "abandoned", "response_rate", "resolution_rate", "satisfaction_rate",
      "within_limit_share", "lead_time_mean_h", "lead_time_p50_h", "lead_time_p90_h",
      "lead_time_p99_h")),
    ("Routing and citizens",
     ("hops_per_ticket", "handoffs_per_ticket", "returns_per_ticket", "escalations_per_ticket",
      "reworks_per_ticket", "rehandles_per_ticket", "leader_share", "abandoned_share",
      "repeat_call_share")),
    ("Service items and data",
     ("service_items", "visits_per_case", "at_most_one_visit_share", "no_visit_share",
      "materials_requested_per_case", "data_updates", "data_freshness_mean_h",
      "data_rejected_share")),
    ("Coordination cost (staff-hours)", ("coord_cost_h",) + COST_COLUMNS),
)

PROVENANCE_KEYS = ("scenario_name", "tiersim_version", "kind", "seed", "days", "threads", "ranks", "vary",
                   "trace", "created_utc", "wall_seconds", "events", "interrupted", "replications",
                   "crn", "points")

TABLE_TITLES = {"overall": "Overall", "by_tier": "By closing tier", "by_type": "By ticket type",
                "by_province": "By province of origin", "by_channel": "By channel",
                "by_cross_mode": "By cross-province mode"}
