# SPDX-License-Identifier: MIT
"""report.py on runs the simulator writes: tickets, --trace none and --trace events."""

import h5py

from conftest import check_html, check_png, script, tiersim
from tiersim_analysis.metrics import metric_label

PLOTS = ["lead_time_by_tier.png", "lead_time_by_type.png", "lead_time_quantiles_by_tier.png",
         "lead_time_quantiles_by_type.png", "three_rates_by_tier.png", "queue_length.png",
         "busy_staff.png", "coord_cost_by_kind.png", "visits_per_case.png"]
TABLE_METRICS = ["response_rate", "resolution_rate", "satisfaction_rate", "lead_time_p50_h",
                 "lead_time_p90_h", "visits_per_case", "coord_cost_h", "coord_handoff_h",
                 "coord_cross_h"]


def test_report_of_traced_run(runs, tmp_path):
    out = tmp_path / "report"
    script("report.py", runs["s0"], "-o", out)
    page = out / "report.html"
    images = check_html(page)
    for name in PLOTS:
        check_png(out / name)
        assert name in images, name
    assert "cross_province.png" not in images  # s0 has no cross-province tickets
    text = page.read_text(encoding="utf-8")
    assert "No cross-province tickets" in text
    for heading in ["Overall", "By closing tier", "By ticket type", "By province of origin",
                    "By channel", "Provenance"]:
        assert f">{heading}<" in text, heading
    for metric in TABLE_METRICS:
        assert metric_label(metric).replace("&", "&amp;") in text, metric
    with h5py.File(runs["s0"], "r") as f:
        seed = f["provenance"].attrs["seed"]
    assert f"<td class=\"name\">{seed}</td>" in text
    assert "<details><summary>resolved scenario (TOML)</summary><pre>" in text
    assert "[ticket_types." in text


def test_report_of_untraced_run_says_so(runs, tmp_path):
    out = tmp_path / "report"
    script("report.py", runs["s0_none"], "-o", out)
    images = check_html(out / "report.html")
    assert "lead_time_by_tier.png" not in images and not (out / "lead_time_by_tier.png").exists()
    for name in ["lead_time_quantiles_by_tier.png", "three_rates_by_tier.png", "queue_length.png",
                 "coord_cost_by_kind.png", "visits_per_case.png"]:
        assert name in images, name
    assert "--trace none" in (out / "report.html").read_text(encoding="utf-8")


def test_report_of_events_run_with_cross_province_tickets(runs, tmp_path):
    out = tmp_path / "report"
    script("report.py", runs["s5_events"], "-o", out)
    images = check_html(out / "report.html")
    for name in PLOTS + ["cross_province.png"]:
        assert name in images, name
    text = (out / "report.html").read_text(encoding="utf-8")
    assert ">By cross-province mode<" in text and "No cross-province tickets" not in text


def test_lead_times_match_the_summary_quantiles(runs):
    """The distributions drawn are of the population /summary's quantiles are over."""
    import numpy as np
    from tiersim_analysis.run import Run
    run = Run(runs["s0"])
    t = run.closed_after_warmup()
    assert len(t) == run.summary["closed_after_warmup"]
    for tier, frame in t.groupby("tier_name"):
        row = run.tables["by_tier"].set_index("name").loc[tier]
        assert len(frame) == row.closed
        assert np.isclose(frame.lead_h.mean(), row.lead_time_mean_h, rtol=1e-9), tier
        # the simulator's quantiles come from a histogram: within a few percent of the exact ones
        assert np.isclose(np.median(frame.lead_h), row.lead_time_p50_h, rtol=0.02, atol=0.01), tier
        assert np.isclose(np.quantile(frame.lead_h, 0.9), row.lead_time_p90_h, rtol=0.02, atol=0.01), tier


def test_report_refuses_a_sweep_file(sweep_file, tmp_path):
    result = script("report.py", sweep_file, "-o", tmp_path / "x", check=False)
    assert result.returncode == 2 and "sweep.py" in result.stderr


def test_no_cjk_glyphs_without_a_cjk_font():
    from tiersim_analysis import plots
    plots.setup()
    saved = plots._state["cjk"]
    try:
        plots._state["cjk"] = None
        assert plots.safe_text("street") == "street"
        assert plots.safe_text("江苏省", fallback="province 2") == "province 2"
        assert plots.safe_text("at most one visit (最多跑一次) (%)") == "at most one visit (%)"
        plots._state["cjk"] = "WenQuanYi Micro Hei"
        assert plots.safe_text("江苏省", fallback="province 2") == "江苏省"
    finally:
        plots._state["cjk"] = saved


def test_report_over_time(tmp_path):
    # Three weeks and more: the run by week, with the adaptation figure; shorter: a note.
    run = tmp_path / "s0-22d.h5"
    tiersim("run", "validation/adaptation", "--days", "22", "--threads", "2", "-q", "-o", run)
    out = tmp_path / "report"
    script("report.py", run, "-o", out)
    images = check_html(out / "report.html")
    for name in ["trajectory.png", "adaptation.png"]:
        assert name in images, name
        check_png(out / name)
    text = (out / "report.html").read_text(encoding="utf-8")
    assert ">Over time<" in text and "Periods of 7 days after the warm-up" in text


def test_report_of_a_short_run_has_no_trajectory(runs, tmp_path):
    out = tmp_path / "report"
    script("report.py", runs["s0"], "-o", out)
    images = check_html(out / "report.html")
    assert "trajectory.png" not in images
    assert "shorter than three weeks" in (out / "report.html").read_text(encoding="utf-8")
