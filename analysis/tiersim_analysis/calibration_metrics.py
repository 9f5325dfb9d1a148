# SPDX-License-Identifier: MIT
"""The quantities that analysis/calibrate.py compares with domain.md, each computed from one run
file (/tickets, /series, /queues, /units, /summary). Every function takes the path of a run and
returns a float (nan where the run has no ticket of the kind)."""

import numpy as np

from .checks import check_file, impossible_tickets, open_file, reading, warn
from .io import read_table

HOTLINE = 1  # channel codes of /tickets
WINDOW = 0
ONLINE = 2
HUNG_UP = 3  # outcome code of a caller who hung up waiting for an operator
APPROVAL_TYPES = ("promise_item", "compound_item")
CROSS_MODES = {"online": 1, "proxy": 2, "joint": 3, "trip_home": 4}
EPOCH = np.datetime64("2018-01-01")  # a Monday: hour 0 of a run is Monday 00:00


def run_facts(path):
    """(warm-up hours, end hours, type names) of a run."""
    check_file(path, "run")
    with reading(path), open_file(path) as f:
        warmup_h = float(f["summary"].attrs["warmup_h"])
        end_h = float(f["provenance"].attrs["end_h"])
        names = [n.decode() if isinstance(n, bytes) else n for n in f["ticket_types/name"][()]]
    return warmup_h, end_h, names


def tickets(path):
    """Every ticket created after the warm-up, with `type_name` and `lead_h` (nan while open)."""
    warmup_h, end_h, names = run_facts(path)
    t = read_table(path, "tickets")
    bad, problems = impossible_tickets(t)
    for p in problems:
        warn(path, f"/tickets: {p}; left out")
    t = t[~bad & (t.created_h >= warmup_h)].copy()
    t["type_name"] = [names[i] for i in t.type]
    t["lead_h"] = np.where(t.outcome == 0, t.closed_h - t.created_h, np.nan)
    t.attrs["days"] = (end_h - warmup_h) / 24.0
    t.attrs["end_h"] = end_h
    return t


def residents(path):
    units = read_table(path, "units")
    return float(units.population[units.tier == 3].sum())


def hotline_seats(path):
    queues = read_table(path, "queues")
    return float(queues.servers[queues.queue == "intake:hotline"].sum())


def summary_attr(path, name):
    with reading(path), open_file(path) as f:
        return float(f["summary"].attrs[name])


def core(path):
    """The V1–V6 quantities over tickets closed after the warm-up."""
    t = tickets(path)
    closed = t[t.outcome == 0]
    approval = closed[closed.type_name.isin(APPROVAL_TYPES)]
    compound = closed[closed.type_name == "compound_item"]
    items = closed[closed.channel.isin((WINDOW, ONLINE))]
    hot = closed[closed.channel == HOTLINE]
    surveyed = hot[hot.satisfied >= 0]
    calls = t[(t.channel == HOTLINE) & (t.parent < 0)]
    return {
        "approval_time_h": approval.lead_h.mean(),
        "compound_time_h": compound.lead_h.mean(),
        "compound_wd": working_days(compound).mean(),
        "materials_per_item": items.materials_requested.mean(),
        "hotline_resolution": (surveyed.solved == 1).mean(),
        "hotline_satisfaction": (surveyed.satisfied == 1).mean(),
        "hotline_dispatched": (hot.hops > 0).mean(),
        "calls_per_10k_day": len(calls) / t.attrs["days"] / residents(path) * 1e4,
        "connection_rate": 1.0 - (calls.outcome == HUNG_UP).mean(),
        "seats_per_100k": hotline_seats(path) / residents(path) * 1e5,
        "peak_calls_per_seat_8h": peak_calls(calls, path),
        "urgent_response_in_time": urgent(closed).responded_in_time.mean(),
        "urgent_median_h": urgent(closed).lead_h.median(),
        "freshness_median_d": closed[closed.type_name == "data_update"].lead_h.median() / 24.0,
        "at_most_one_visit": summary_attr(path, "at_most_one_visit_share"),
        **{f"cross_{m}_d": cross_days(closed, code) for m, code in CROSS_MODES.items()},
        **peak_utilisation(path),
    }


def urgent(closed):
    return closed[closed.type_name == "urgent"]


def working_days(rows):
    """Working days (Monday–Friday) from creation to closing, fractional."""
    start = rows.created_h.to_numpy() / 24.0
    end = rows.closed_h.to_numpy() / 24.0
    whole = np.busday_count(EPOCH + np.floor(start).astype(int), EPOCH + np.floor(end).astype(int))
    return whole + (end - np.floor(end)) - (start - np.floor(start))


def cross_days(closed, code):
    rows = closed[(closed.type_name == "cross_item") & (closed.cross_mode == code)]
    return rows.lead_h.mean() / 24.0


def peak_calls(calls, path):
    """Calls in the busiest hour of the week (the mean over the weeks measured) per seat,
    scaled to an 8-hour shift (V9)."""
    hour_of_week = np.floor(calls.created_h.to_numpy()).astype(int) % 168
    per_hour = np.bincount(hour_of_week, minlength=168) / (calls.attrs["days"] / 7.0)
    return float(per_hour.max()) / hotline_seats(path) * 8.0


def peak_utilisation(path):
    """Per tier, staff-hours worked over staff-hours on duty in the busiest /series bucket after
    the warm-up (the peak hour when the run has 1-hour buckets)."""
    warmup_h, _, _ = run_facts(path)
    series = read_table(path, "series")
    out = {}
    for k, name in enumerate(("street", "district", "city", "province")):
        rows = series[(series.tier == k) & (series.t_h > warmup_h) & (series.open_staff_h > 0)]
        ratio = rows.worked_h.to_numpy() / rows.open_staff_h.to_numpy()
        out[f"peak_util_{name}"] = float(ratio.max()) if len(ratio) else float("nan")
    return out


def work_orders(path, margin_h):
    """Hotline tickets dispatched to a department (hops > 0) and created at least `margin_h`
    before the end, with `late`: closed past the limit, or open past it at the end."""
    t = tickets(path)
    t = t[(t.channel == HOTLINE) & (t.hops > 0) & (t.created_h < t.attrs["end_h"] - margin_h)]
    open_late = (t.outcome != 0) & (t.deadline_h < t.attrs["end_h"])
    closed_late = (t.outcome == 0) & (t.resolved_in_time == 0)
    return t.assign(late=open_late | closed_late)


def tail(path, margin_h):
    """V10 on a long S0 run: median / mean lead time of work orders and their on-time share."""
    orders = work_orders(path, margin_h)
    closed = orders[orders.outcome == 0]
    return {"median_over_mean": closed.lead_h.median() / closed.lead_h.mean(),
            "within_limit": 1.0 - orders.late.mean()}
