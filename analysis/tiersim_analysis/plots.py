# SPDX-License-Identifier: MIT
"""matplotlib figures shared by report.py, compare.py and sweep.py (Agg backend, PNG files).

Every plotting function takes `runs`, a list of (label, Run) pairs — one pair for a report, several
for a comparison — and returns the PNG's file name in `out_dir`, or None when the file holds nothing
to plot (the caller says so on the page).
"""

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ticker import MaxNLocator, NullFormatter  # noqa: E402

from .metrics import (CHANNELS, COST_COLUMNS, CROSS_MODES, THREE_RATES, TIERS,  # noqa: E402
                      display_scale, metric_label)
from .run import ecdf  # noqa: E402

CJK_FONTS = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans CJK JP",
             "Noto Sans SC", "Droid Sans Fallback")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_state = {"cjk": None}
DPI = 110


def setup():
    """Font sizes and a CJK fallback font when one is installed; returns the CJK font or None."""
    available = {f.name for f in font_manager.fontManager.ttflist}
    cjk = next((name for name in CJK_FONTS if name in available), None)
    _state["cjk"] = cjk
    plt.rcParams.update({
        "font.size": 11, "axes.titlesize": 13, "axes.labelsize": 11, "legend.fontsize": 10,
        "xtick.labelsize": 10, "ytick.labelsize": 10, "figure.titlesize": 14,
        "axes.grid": True, "grid.alpha": 0.3, "savefig.bbox": "tight",
        "font.family": ["DejaVu Sans"] + ([cjk] if cjk else []),
    })
    return cjk


def safe_text(text, fallback=None):
    """`text` itself when a CJK font is available or it has no CJK characters; else `fallback`
    (or the text with its CJK characters removed) so that no glyph renders as a box."""
    text = str(text)
    if _state["cjk"] or not _CJK.search(text):
        return text
    if fallback is not None:
        return str(fallback)
    stripped = re.sub(r"\(\s*[/,]?\s*\)", "", _CJK.sub("", text))
    stripped = re.sub(r"\s+", " ", stripped).strip(" -:")
    return stripped or "?"


def _ml(name):
    """A metric's label for a plot (no CJK characters without a CJK font)."""
    return safe_text(metric_label(name))


def save(fig, out_dir, name):
    path = out_dir / name
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return name


def _colors(n):
    cmap = plt.get_cmap("tab10" if n <= 10 else "tab20")
    return [cmap(i % cmap.N) for i in range(n)]


def _legend(ax, **kw):
    handles, labels = ax.get_legend_handles_labels()
    if len(handles) > 1:
        ax.legend(**kw)


LEAD_FLOOR_H = 0.01  # lead times below this are drawn at it on the log axis


def lead_time_ecdf(runs, key, groups, out_dir, name, title):
    """ECDF of lead times (closed − created, h; log x) per group value of `key` ("tier_name",
    "type_name" or None for all tickets), one line per group (report) or per run label within
    one panel per group (compare). The /summary's p50 and p90 are marked (report)."""
    traced = [(label, run) for label, run in runs if run.traced]
    if not traced:
        return None
    closed = [(label, run, run.closed_after_warmup()) for label, run in traced]
    if key is None:
        groups = ["all"]
    else:
        groups = [g for g in groups if any((t[key] == g).any() for _, _, t in closed)]
    if not groups:
        return None
    single = len(runs) == 1
    if single or key is None:
        fig, axes = plt.subplots(figsize=(10, 6))
        panels = [(axes, None)]
    else:
        cols = min(len(groups), 2)
        rows = (len(groups) + cols - 1) // cols
        fig, axs = plt.subplots(rows, cols, figsize=(6.5 * cols, 4.2 * rows), squeeze=False)
        panels = list(zip(axs.ravel(), groups))
        for ax in axs.ravel()[len(groups):]:
            ax.set_visible(False)
    colors = _colors(max(len(groups), len(closed)))
    table = {"tier_name": "by_tier", "type_name": "by_type"}.get(key)
    for ax, group in panels:
        if single:
            label, run, t = closed[0]
            for i, g in enumerate(groups):
                sel = t if key is None else t[t[key] == g]
                if sel.empty:
                    continue
                x, y = ecdf(np.maximum(sel.lead_h, LEAD_FLOOR_H))
                ax.step(x, y, where="post", color=colors[i], label=f"{g} (n={len(sel):,})")
                quant = _summary_quantiles(run, table, g)
                if quant is not None:
                    ax.plot([max(quant[0], LEAD_FLOOR_H), max(quant[1], LEAD_FLOOR_H)], [0.5, 0.9],
                            "o", color=colors[i], markersize=6, markeredgecolor="black")
            ax.set_title(title)
        else:
            for i, (label, run, t) in enumerate(closed):
                sel = t if key is None else t[t[key] == group]
                if sel.empty:
                    continue
                x, y = ecdf(np.maximum(sel.lead_h, LEAD_FLOOR_H))
                ax.step(x, y, where="post", color=colors[i], label=f"{label} (n={len(sel):,})")
            ax.set_title(group if key is not None else title)
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("lead time, closed − created (h, log scale)")
        ax.set_ylabel("share of closed tickets ≤ x")
        if single and len(groups) > 5:
            _legend(ax, loc="center left", bbox_to_anchor=(1.01, 0.5))
        else:
            _legend(ax, loc="lower right", fontsize=9 if len(groups) > 6 else 10)
    if single:
        fig.text(0.01, -0.02, "Tickets created after the warm-up and closed by the end; lead times "
                 f"below {LEAD_FLOOR_H} h drawn at {LEAD_FLOOR_H} h. Dots: /summary p50 and p90.",
                 fontsize=9)
    elif key is not None:
        fig.suptitle(title)
        fig.tight_layout()
    return save(fig, out_dir, name)


def _summary_quantiles(run, table, group):
    if table is None:
        return run.summary.get("lead_time_p50_h"), run.summary.get("lead_time_p90_h")
    frame = run.tables.get(table)
    if frame is None:
        return None
    row = frame[frame.name == group]
    if row.empty or not np.isfinite(row.lead_time_p50_h.iloc[0]):
        return None
    return float(row.lead_time_p50_h.iloc[0]), float(row.lead_time_p90_h.iloc[0])


def grouped_bars(ax, categories, series, colors=None, scale=1.0, annotate=False):
    """Bars of several series (label -> values per category) side by side per category; a NaN
    is drawn as 'n/a'; with `annotate`, each bar is labelled with its value."""
    n = max(len(series), 1)
    width = 0.8 / n
    x = np.arange(len(categories))
    colors = colors or _colors(n)
    for i, (label, values) in enumerate(series.items()):
        vals = np.asarray(values, dtype=float) * scale
        bars = ax.bar(x - 0.4 + width * (i + 0.5), np.nan_to_num(vals), width, label=label,
                      color=colors[i])
        for b, v in zip(bars, vals):
            if not np.isfinite(v):
                ax.annotate("n/a", (b.get_x() + b.get_width() / 2, 0), ha="center", va="bottom",
                            fontsize=8, color="gray", rotation=90 if n > 1 else 0,
                            xycoords=("data", "axes fraction"), xytext=(0, 2),
                            textcoords="offset points")
        if annotate:
            ax.bar_label(bars, labels=[f"{v:.3g}" if np.isfinite(v) else "" for v in vals],
                         fontsize=8, padding=2)
    ax.set_xticks(x)
    ax.set_xticklabels([safe_text(c) for c in categories])


def _rows(run, table, names, column):
    frame = run.tables.get(table)
    if frame is None or column not in frame:
        return [np.nan] * len(names)
    values = dict(zip(frame.name, frame[column]))
    return [values.get(n, np.nan) for n in names]


def lead_time_quantiles(runs, table, out_dir, name, title):
    """/summary's lead-time p50, p90 and p99 per row of `table` (by_tier or by_type)."""
    frames = [run.tables.get(table) for _, run in runs]
    if any(f is None for f in frames):
        return None
    names = list(frames[0].name)
    width = max(8, 0.6 * len(names) * len(runs) + 3)
    fig, ax = plt.subplots(figsize=(min(width, 16), 5.5))
    if len(runs) == 1:
        series = {q: _rows(runs[0][1], table, names, f"lead_time_{q}_h") for q in ("p50", "p90", "p99")}
    else:
        series = {label: _rows(run, table, names, "lead_time_p90_h") for label, run in runs}
    grouped_bars(ax, names, series)
    ax.set_yscale("log")
    ax.set_ylabel("lead time (h, log scale)" if len(runs) == 1 else "lead time, p90 (h, log scale)")
    ax.set_xlabel({"by_tier": "closing tier", "by_type": "ticket type"}.get(table, table))
    ax.set_title(title)
    if len(names) > 5:
        plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    _legend(ax)
    return save(fig, out_dir, name)


def three_rates(runs, out_dir, name, table="by_tier", xlabel="closing tier"):
    """三率 — response, resolution and satisfaction rates (%) per row of `table` (by closing
    tier; by province of origin…), one panel per rate."""
    frame = runs[0][1].tables.get(table)
    if frame is None:
        return None
    names = list(TIERS) if table == "by_tier" else list(frame.name)
    shown = [safe_text(n, fallback=f"{xlabel.split()[0]} {i + 1}") for i, n in enumerate(names)]
    fig, axs = plt.subplots(1, 3, figsize=(max(15, 1.2 * len(names) * len(runs) + 6), 4.8), sharey=True)
    for ax, rate in zip(axs, THREE_RATES):
        series = {label: _rows(run, table, names, rate) for label, run in runs}
        overall = {label: run.summary.get(rate, np.nan) for label, run in runs}
        grouped_bars(ax, shown, series, scale=100.0)
        for i, (label, v) in enumerate(overall.items()):
            ax.axhline(v * 100.0, color=_colors(len(runs))[i], linestyle="--", linewidth=1,
                       label=f"{label} overall" if len(runs) > 1 else "overall")
        ax.set_title(_ml(rate))
        ax.set_xlabel(xlabel)
        ax.set_ylim(0, 105)
        if len(names) > 5:
            plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    axs[0].set_ylabel("rate (%)")
    handles, labels = axs[-1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 4),
               bbox_to_anchor=(0.5, -0.01))
    fig.suptitle(safe_text(f"三率 by {xlabel}: response, resolution and satisfaction rates "
                           "(tickets created after warm-up)",
                           fallback=f"Three rates by {xlabel}: response, resolution and "
                           "satisfaction (tickets created after warm-up)"))
    fig.tight_layout(rect=(0, 0.08 + 0.03 * (len(labels) > 4), 1, 1))
    return save(fig, out_dir, name)


def series_panels(runs, column, ylabel, out_dir, name, title):
    """A /series column over time, one panel per tier, one line per run."""
    frames = [(label, run.series_by_tier(column)) for label, run in runs]
    frames = [(label, f) for label, f in frames if f is not None]
    if not frames:
        return None
    fig, axs = plt.subplots(2, 2, figsize=(13, 7.5), sharex=True)
    colors = _colors(len(frames))
    for ax, tier in zip(axs.ravel(), TIERS):
        for i, (label, f) in enumerate(frames):
            if tier in f:
                ax.plot(f.index, f[tier], color=colors[i], label=label,
                        marker="." if len(f) < 60 else None)
        warmup = max(run.warmup_h for _, run in runs) / 24.0
        if warmup > 0:
            ax.axvspan(0, warmup, color="gray", alpha=0.12, label="warm-up")
        ax.set_title(tier)
        ax.set_ylabel(ylabel)
        top = max([float(np.nanmax(f[tier])) for _, f in frames if tier in f and len(f)] + [0.0])
        ax.set_ylim(0, max(1.0, top * 1.05))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        _legend(ax, fontsize=9)
    for ax in axs[1]:
        ax.set_xlabel("simulated time (days)")
    fig.suptitle(title)
    fig.tight_layout()
    return save(fig, out_dir, name)


def coord_cost(runs, out_dir, name):
    """Coordination cost (staff-h) by kind, stacked, per closing tier; one panel per run."""
    n = len(runs)
    fig, axs = plt.subplots(1, n, figsize=(max(8, 4.5 * n), 5.2), squeeze=False, sharey=True)
    kinds = [c[len("coord_"):-2] for c in COST_COLUMNS]
    colors = _colors(len(kinds))
    top = 0.0
    for ax, (label, run) in zip(axs[0], runs):
        frame = run.tables.get("by_tier")
        if frame is None:
            continue
        bottom = np.zeros(len(frame))
        for kind, col, color in zip(kinds, COST_COLUMNS, colors):
            vals = np.nan_to_num(frame[col].to_numpy(dtype=float))
            ax.bar(list(frame.name), vals, bottom=bottom, label=kind, color=color)
            bottom += vals
        ax.set_title(label if n > 1 else "Coordination cost by kind and tier")
        ax.set_xlabel("closing tier")
        top = max(top, float(bottom.max()) if len(bottom) else 0.0)
    axs[0][0].set_ylabel("coordination cost (staff-hours)")
    axs[0][0].set_ylim(0, max(1.0, top * 1.08))
    axs[0][-1].legend(title="kind", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    if n > 1:
        fig.suptitle("Coordination cost by kind and tier (tickets created after warm-up)")
    fig.tight_layout()
    return save(fig, out_dir, name)


def visits(runs, out_dir, name):
    """Visits per case by channel (/summary) and, when traced, the share of cases with 0, 1, 2
    and 3+ visits among closed window and online items."""
    traced = [(label, run) for label, run in runs if run.traced]
    fig, axs = plt.subplots(1, 2 if traced else 1, figsize=(14 if traced else 8, 5), squeeze=False)
    ax = axs[0][0]
    channels = [c for c in CHANNELS
                if any(np.isfinite(_rows(run, "by_channel", [c], "visits_per_case")[0]) for _, run in runs)]
    if not channels:
        plt.close(fig)
        return None
    grouped_bars(ax, channels, {label: _rows(run, "by_channel", channels, "visits_per_case")
                                for label, run in runs}, annotate=True)
    ax.set_title("Visits per case by channel")
    ax.set_xlabel("channel")
    ax.set_ylabel("visits per closed service item")
    _legend(ax)
    if traced:
        ax = axs[0][1]
        bins = ["0", "1", "2", "3+"]
        cats, shares = [], []
        for label, run in traced:
            t = run.closed_after_warmup()
            for ch in channels:
                sel = t[t.channel_name == ch].visits.to_numpy()
                if len(sel) == 0:
                    continue
                counts = [np.mean(sel == 0), np.mean(sel == 1), np.mean(sel == 2), np.mean(sel >= 3)]
                cats.append(ch if len(traced) == 1 else f"{label}\n{ch}")
                shares.append(np.array(counts) * 100.0)
        bottom = np.zeros(len(cats))
        for j, (b, color) in enumerate(zip(bins, _colors(4))):
            vals = np.array([s[j] for s in shares])
            ax.bar(cats, vals, bottom=bottom, label=f"{b} visits", color=color)
            bottom += vals
        ax.set_ylabel("share of closed cases (%)")
        ax.set_xlabel("channel")
        ax.set_title("Distribution of visits per case")
        ax.legend(loc="upper right", fontsize=9)
        if len(cats) > 4:
            plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    fig.tight_layout()
    return save(fig, out_dir, name)


def cross_province(runs, out_dir, name):
    """Cross-province tickets (跨省通办) by mode: counts by outcome and mean lead time. None when
    no run has any."""
    frames = [(label, run.cross_tickets()) for label, run in runs]
    if all(f is None or not (f.created.fillna(0) > 0).any() for _, f in frames):
        return None
    modes = list(CROSS_MODES)
    fig, axs = plt.subplots(1, 2, figsize=(14, 5))
    if len(runs) == 1:
        f = frames[0][1]
        open_ = f.created - f.closed - f.abandoned
        grouped_bars(axs[0], modes, {"created": f.created, "closed": f.closed,
                                     "abandoned": f.abandoned, "open at end": open_}, annotate=True)
        axs[0].set_title("Cross-province tickets by mode")
    else:
        grouped_bars(axs[0], modes, {label: f.created if f is not None else [np.nan] * 3
                                     for label, f in frames}, annotate=True)
        axs[0].set_title("Cross-province tickets created by mode")
    axs[0].set_xlabel("cross-province mode")
    axs[0].set_ylabel("tickets (created after warm-up)")
    _legend(axs[0])
    grouped_bars(axs[1], modes, {label: (f.lead_time_mean_h if f is not None else [np.nan] * 3)
                                 for label, f in frames}, annotate=True)
    axs[1].set_title("Mean lead time of cross-province tickets")
    axs[1].set_xlabel("cross-province mode")
    axs[1].set_ylabel("lead time, mean (h)")
    _legend(axs[1])
    fig.tight_layout()
    return save(fig, out_dir, name)


def metric_intervals(table, metrics, out_dir, name, title):
    """One panel per metric: each label's mean with its 95% interval (error bars where there
    are replications). `table` is compare()'s long table restricted to one (table, name)."""
    metrics = [m for m in metrics if m in set(table.metric)]
    if not metrics:
        return None
    cols = min(3, len(metrics))
    rows = (len(metrics) + cols - 1) // cols
    labels = list(dict.fromkeys(table.label))
    fig, axs = plt.subplots(rows, cols, figsize=(5.2 * cols, 0.25 * len(labels) + 3.6 * rows),
                            squeeze=False)
    colors = _colors(len(labels))
    for ax, metric in zip(axs.ravel(), metrics):
        sel = table[table.metric == metric].set_index("label").reindex(labels)
        scale = display_scale(metric)
        mean = sel["mean"].to_numpy(dtype=float) * scale
        low = sel["ci95_low"].to_numpy(dtype=float) * scale
        high = sel["ci95_high"].to_numpy(dtype=float) * scale
        err = np.vstack([np.where(np.isfinite(low), mean - low, 0), np.where(np.isfinite(high), high - mean, 0)])
        y = np.arange(len(labels))
        for i in range(len(labels)):
            if not np.isfinite(mean[i]):  # a failed sweep point: no replication to average
                ax.annotate("no data", (0.02, y[i]), xycoords=("axes fraction", "data"),
                            va="center", fontsize=9, color="gray")
                continue
            ax.errorbar(mean[i], y[i], xerr=err[:, i:i + 1], fmt="o", color=colors[i], capsize=5,
                        markersize=8)
        ax.margins(x=0.15, y=0.2)
        ax.set_yticks(y)
        ax.set_yticklabels([safe_text(lb) for lb in labels])
        ax.invert_yaxis()
        ax.set_xlabel(_ml(metric))
        ax.set_title(_ml(metric).split(" (")[0])
    for ax in axs.ravel()[len(metrics):]:
        ax.set_visible(False)
    fig.suptitle(title)
    fig.tight_layout()
    return save(fig, out_dir, name)


MAX_LINES = 8  # lines per sweep panel; beyond it the other keys' later combinations are left out


def _key_positions(points, key, order):
    """x positions of a varied key: the values themselves when numeric, else their rank in the
    order of --vary."""
    col = points[key]
    if np.issubdtype(col.dtype, np.number):
        return col.to_numpy(dtype=float), None
    ranks = {v: i for i, v in enumerate(order)}
    return np.array([ranks.get(v, np.nan) for v in col], dtype=float), list(order)


def _short(key):
    return key.split(".")[-1] if len(key) > 28 else key


def sweep_lines(points, frame, metric, keys, orders, out_dir, name, title):
    """`metric` against each varied key (one panel per key), one line per combination of the
    other keys, with the 95% confidence band. `frame`: /metrics rows of one group row, indexed by
    point."""
    sel = frame[frame.metric == metric].set_index("point").reindex(points.point)
    if sel["mean"].isna().all():
        return None
    scale = display_scale(metric)
    fig, axs = plt.subplots(1, len(keys), figsize=(6.5 * len(keys), 5), squeeze=False)
    for ax, key in zip(axs[0], keys):
        x, ticks = _key_positions(points, key, orders[key])
        others = [k for k in keys if k != key]
        combos = points[others].drop_duplicates() if others else points.iloc[:1][[]]
        colors = _colors(min(len(combos), MAX_LINES))
        for i, (_, combo) in enumerate(combos.iloc[:MAX_LINES].iterrows()):
            mask = np.ones(len(points), dtype=bool)
            for k in others:
                mask &= (points[k] == combo[k]).to_numpy()
            order = np.argsort(x[mask])
            xs = x[mask][order]
            mean = sel["mean"].to_numpy(dtype=float)[mask][order] * scale
            low = sel["ci95_low"].to_numpy(dtype=float)[mask][order] * scale
            high = sel["ci95_high"].to_numpy(dtype=float)[mask][order] * scale
            label = ", ".join(f"{_short(k)}={fmt_key(combo[k])}" for k in others) or metric_label(metric)
            ok = np.isfinite(mean)  # a failed point leaves a gap in neither the line nor the band
            ax.plot(xs[ok], mean[ok], marker="o", color=colors[i], label=safe_text(label))
            band = ok & np.isfinite(low) & np.isfinite(high)
            ax.fill_between(xs[band], low[band], high[band], color=colors[i], alpha=0.2, linewidth=0)
            ax.errorbar(xs[band], mean[band], yerr=[mean[band] - low[band], high[band] - mean[band]],
                        fmt="none", ecolor=colors[i], capsize=3, alpha=0.8)
            failed = ~ok
            if failed.any():
                ax.plot(xs[failed], np.zeros(failed.sum()), "x", color=colors[i], markersize=10,
                        transform=ax.get_xaxis_transform(), clip_on=False)
        if ticks is not None:
            ax.set_xticks(range(len(ticks)))
            ax.set_xticklabels([safe_text(t) for t in ticks])
        elif len(np.unique(x[np.isfinite(x)])) <= 12:
            ax.set_xticks(np.unique(x[np.isfinite(x)]))
        ax.set_xlabel(key)
        ax.set_ylabel(_ml(metric))
        extra = f"; first {MAX_LINES} of {len(combos)} lines" if len(combos) > MAX_LINES else ""
        ax.set_title(f"against {_short(key)}{extra}")
        _legend(ax, fontsize=9)
    fig.suptitle(safe_text(f"{title}: mean and 95% confidence band (× = failed point)"))
    fig.tight_layout()
    return save(fig, out_dir, name)


def _num(v, digits):
    """A number for a cell label: no exponent for thousands (3,660 not 3.66e+03)."""
    return f"{v:,.0f}" if abs(v) >= 10 ** digits else f"{v:.{digits}g}"


def fmt_key(v):
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def sweep_heatmap(points, frame, metric, keys, orders, out_dir, name, title):
    """Heat map of `metric`'s mean over two varied keys, each cell annotated with mean ± half
    width of its 95% interval; failed points grey."""
    k1, k2 = keys
    sel = frame[frame.metric == metric].set_index("point").reindex(points.point)
    if sel["mean"].isna().all():
        return None
    scale = display_scale(metric)
    v1 = sorted(points[k1].unique(), key=lambda v: orders[k1].index(v) if v in orders[k1] else v) \
        if not np.issubdtype(points[k1].dtype, np.number) else sorted(points[k1].unique())
    v2 = sorted(points[k2].unique(), key=lambda v: orders[k2].index(v) if v in orders[k2] else v) \
        if not np.issubdtype(points[k2].dtype, np.number) else sorted(points[k2].unique())
    grid = np.full((len(v1), len(v2)), np.nan)
    half = np.full_like(grid, np.nan)
    for (_, p), (_, m) in zip(points.iterrows(), sel.iterrows()):
        i, j = v1.index(p[k1]), v2.index(p[k2])
        grid[i, j] = m["mean"] * scale
        half[i, j] = (m["ci95_high"] - m["ci95_low"]) / 2 * scale
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(v2) + 3), max(4, 0.9 * len(v1) + 2)))
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("lightgray")
    im = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, aspect="auto", origin="lower")
    finite = grid[np.isfinite(grid)]
    mid = (finite.min() + finite.max()) / 2 if len(finite) else 0
    for i in range(len(v1)):
        for j in range(len(v2)):
            if np.isfinite(grid[i, j]):
                text = _num(grid[i, j], 3) + (f"\n±{_num(half[i, j], 2)}" if np.isfinite(half[i, j]) else "")
                color = "white" if grid[i, j] < mid else "black"
            else:
                text, color = "failed", "black"
            ax.text(j, i, text, ha="center", va="center", fontsize=9, color=color)
    ax.set_xticks(range(len(v2)))
    ax.set_xticklabels([safe_text(fmt_key(v)) for v in v2])
    ax.set_yticks(range(len(v1)))
    ax.set_yticklabels([safe_text(fmt_key(v)) for v in v1])
    ax.set_xlabel(k2)
    ax.set_ylabel(k1)
    ax.grid(False)
    fig.colorbar(im, ax=ax, label=_ml(metric))
    ax.set_title(safe_text(f"{title} (mean ± 95% half-width)"))
    return save(fig, out_dir, name)
