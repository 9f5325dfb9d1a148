# SPDX-License-Identifier: MIT
"""The scripts on files they cannot read and on impossible values (tiersim_analysis/checks.py):
unreadable input is one line `SCRIPT: error: FILE: why` on stderr and exit status 2, never a
traceback; impossible values are left out with a warning on stderr and on the page."""

import re
import shutil

import h5py
import numpy as np
import pytest

from conftest import check_html, script
from tiersim_analysis.checks import InputError, check_file
from tiersim_analysis.run import Run
from tiersim_analysis.sweep_io import mask_metrics, read_metrics

# Every script that reads a run or sweep file, with the arguments that follow the file.
SCRIPTS = {
    "report.py": lambda f, out: [f, "-o", out],
    "summarize.py": lambda f, out: [f],
    "sweep.py": lambda f, out: [f, "-o", out],
    "compare.py": lambda f, out: [f, "-o", out],
}


@pytest.fixture(scope="module")
def bad_files(runs, tmp_path_factory):
    """name -> (path, what the message says): one file per way a file can be unreadable."""
    folder = tmp_path_factory.mktemp("bad")
    source = runs["s0_none"]
    data = source.read_bytes()
    files = {}

    files["missing"] = (folder / "missing.h5", "no such file")
    (folder / "empty.h5").write_bytes(b"")
    files["empty"] = (folder / "empty.h5", "empty file")
    (folder / "half.h5").write_bytes(data[: len(data) // 2])
    files["truncated"] = (folder / "half.h5", "truncated HDF5 file")
    (folder / "tail.h5").write_bytes(data[:-100])
    files["truncated_tail"] = (folder / "tail.h5", "truncated HDF5 file")
    (folder / "text.h5").write_text("created,closed\n1,2\n")
    files["not_hdf5"] = (folder / "text.h5", "not an HDF5 file")
    with h5py.File(folder / "foreign.h5", "w") as f:
        f["x"] = np.arange(3)
    files["foreign"] = (folder / "foreign.h5", r"not a tiersim file \(an HDF5 file without /provenance\)")
    shutil.copy(source, folder / "no_series.h5")
    with h5py.File(folder / "no_series.h5", "r+") as f:
        del f["series"]
    files["no_series"] = (folder / "no_series.h5", r"not a complete tiersim run file \(no /series\)")
    shutil.copy(source, folder / "no_summary_attr.h5")
    with h5py.File(folder / "no_summary_attr.h5", "r+") as f:
        del f["summary"].attrs["created"]
    files["no_summary_attr"] = (folder / "no_summary_attr.h5",
                              r"not a complete tiersim run file \(/summary has no created\)")
    return files


@pytest.mark.parametrize("case", ["missing", "empty", "truncated", "truncated_tail", "not_hdf5",
                                  "foreign", "no_series", "no_summary_attr"])
@pytest.mark.parametrize("name", list(SCRIPTS))
def test_unreadable_input_is_one_line_and_exit_2(bad_files, tmp_path, name, case):
    path, why = bad_files[case]
    if name == "sweep.py" and case in ("no_series", "no_summary_attr"):
        why = "not a sweep file"  # a run file, whatever it lacks
    result = script(name, *SCRIPTS[name](path, tmp_path / "out"), check=False)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.match(rf"^{re.escape(name)}: error: {re.escape(str(path))}: {why}", lines[0]), lines[0]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_bad_file_in_a_group_is_named(bad_files, runs, tmp_path):
    path, _ = bad_files["truncated"]
    result = script("compare.py", "--group", f"A={runs['s0_seed1']},{path}", "-o", tmp_path / "o",
                    check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"compare.py: error: {path}: truncated HDF5 file")


def test_a_truncated_sweep_file(sweep_file, tmp_path):
    data = sweep_file.read_bytes()
    cut = tmp_path / "cut.h5"
    cut.write_bytes(data[: len(data) * 2 // 3])
    result = script("sweep.py", cut, "-o", tmp_path / "out", check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"sweep.py: error: {cut}: truncated HDF5 file")


def test_a_sweep_file_without_metrics(sweep_file, tmp_path):
    path = tmp_path / "nometrics.h5"
    shutil.copy(sweep_file, path)
    with h5py.File(path, "r+") as f:
        del f["metrics"]
    result = script("sweep.py", path, "-o", tmp_path / "out", check=False)
    assert result.returncode == 2
    assert f"sweep.py: error: {path}: not a complete tiersim sweep file (no /metrics)" in result.stderr


def test_check_file_kinds(runs, sweep_file, bad_files):
    assert check_file(runs["s0_none"]) == "run"
    assert check_file(sweep_file, "sweep") == "sweep"
    with pytest.raises(InputError) as e:
        check_file(sweep_file, "run")
    assert e.value.path == str(sweep_file) and "use analysis/sweep.py" in e.value.why
    with pytest.raises(InputError) as e:
        check_file(bad_files["empty"][0])
    assert e.value.why.startswith("empty file")


def test_calibrate_without_the_simulator(tmp_path):
    missing = tmp_path / "no-tiersim"
    result = script("calibrate.py", "--tiersim", missing, "--replications", "1", check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith(f"calibrate.py: error: {missing}: cannot run the simulator")


@pytest.fixture(scope="module")
def impossible_run(runs, tmp_path_factory):
    """A copy of the traced s0 run with 25 resolved tickets closed 5 h before they were created,
    one NaN created_h and the street's resolution rate set to 1.7."""
    path = tmp_path_factory.mktemp("impossible") / "impossible.h5"
    shutil.copy(runs["s0"], path)
    with h5py.File(path, "r+") as f:
        t = f["tickets"]
        created, closed, outcome = t["created_h"][()], t["closed_h"][()], t["outcome"][()]
        warmup = float(f["summary"].attrs["warmup_h"])
        picked = np.flatnonzero((outcome == 0) & (created > warmup))[:26]
        closed[picked[:25]] = created[picked[:25]] - 5.0
        created[picked[25]] = np.nan
        t["closed_h"][...] = closed
        t["created_h"][...] = created
        rate = f["summary/by_tier/resolution_rate"][()]
        rate[0] = 1.7  # street
        f["summary/by_tier/resolution_rate"][...] = rate
    return path


def test_clean_run_has_no_warnings(runs, tmp_path):
    assert Run(runs["s0"]).warnings == []
    result = script("report.py", runs["s0"], "-o", tmp_path / "r")
    assert "warning" not in result.stderr
    assert "Impossible values" not in (tmp_path / "r" / "report.html").read_text(encoding="utf-8")


def test_impossible_values_are_masked(runs, impossible_run):
    clean, bad = Run(runs["s0"]), Run(impossible_run)
    assert len(bad.tickets) == len(clean.tickets) - 26
    lead = bad.closed_after_warmup().lead_h
    assert (lead >= 0).all() and np.isfinite(lead).all()
    assert len(lead) == len(clean.closed_after_warmup()) - 26
    street = bad.table("by_tier").set_index("name").resolution_rate
    assert np.isnan(street["street"])
    assert street["district"] == clean.table("by_tier").set_index("name").resolution_rate["district"]
    text = "\n".join(bad.warnings)
    assert "25 ticket(s) closed before they were created (negative lead time, down to -5 h)" in text
    assert "1 ticket(s) with a NaN or negative created_h" in text
    assert "resolution_rate outside [0, 1] (1.7, row street)" in text


def test_report_warns_on_impossible_values(impossible_run, tmp_path):
    out = tmp_path / "report"
    result = script("report.py", impossible_run, "-o", out)
    warnings = [l for l in result.stderr.splitlines() if l.startswith("report.py: warning:")]
    assert len(warnings) == 3, result.stderr
    assert all(f": warning: {impossible_run}: " in w for w in warnings)
    assert any("negative lead time" in w for w in warnings)
    page = out / "report.html"
    check_html(page)
    text = page.read_text(encoding="utf-8")
    assert text.count('class="note">Impossible values in the file') == 3
    assert "negative lead time" in text and "outside [0, 1]" in text


def test_compare_and_summarize_warn_on_impossible_values(runs, impossible_run, tmp_path):
    result = script("compare.py", runs["s0"], impossible_run, "-o", tmp_path / "c")
    assert result.stderr.count(f"compare.py: warning: {impossible_run}: ") == 3
    assert "negative lead time" in (tmp_path / "c" / "compare.html").read_text(encoding="utf-8")
    result = script("summarize.py", impossible_run)
    assert result.stderr.strip().splitlines() == [
        f"summarize.py: warning: {impossible_run}: /summary/by_tier: resolution_rate outside "
        "[0, 1] (1.7, row street), not plotted"]
    assert "170.0" not in result.stdout and "by_tier" in result.stdout


def test_sweep_warns_on_impossible_means(sweep_file, tmp_path):
    path = tmp_path / "bad_sweep.h5"
    shutil.copy(sweep_file, path)
    with h5py.File(path, "r+") as f:
        m = f["metrics"]
        metric = m["metric"].asstr()[()]
        group = m["group"].asstr()[()]
        mean = m["mean"][()]
        target = np.flatnonzero((metric == "resolution_rate") & (group == "overall"))[0]
        mean[target] = -0.25
        m["mean"][...] = mean
        reps = f["replications"]
        rate = reps["satisfaction_rate"][()]
        rate[0] = 2.0
        reps["satisfaction_rate"][...] = rate
    masked, problems = mask_metrics(read_metrics(path))
    assert len(problems) == 1 and "resolution_rate impossible (-0.25" in problems[0]
    assert np.isnan(masked["mean"].iloc[target]) and np.isnan(masked["ci95_low"].iloc[target])
    assert masked["mean"].notna().sum() == read_metrics(path)["mean"].notna().sum() - 1

    out = tmp_path / "sweep"
    result = script("sweep.py", path, "-o", out)
    assert result.stderr.count(f"sweep.py: warning: {path}: /metrics: resolution_rate") == 1
    check_html(out / "sweep.html")
    assert "Impossible values in the file: /metrics: resolution_rate" in (
        out / "sweep.html").read_text(encoding="utf-8")
    result = script("compare.py", path, "-o", tmp_path / "cmp")
    assert f"compare.py: warning: {path}: /replications: satisfaction_rate outside [0, 1] (2" in result.stderr
