# SPDX-License-Identifier: MIT
"""Shared fixtures of the analysis tests: small run files the simulator writes during the test
run (TIERSIM_EXE, else build/tiersim), a sweep file in tiersim's layout, and checks of the PNG
and HTML outputs."""

import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ANALYSIS = ROOT / "analysis"
PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
sys.path.insert(0, str(ANALYSIS))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def tiersim(*args):
    exe = os.environ.get("TIERSIM_EXE", str(ROOT / "build" / "tiersim"))
    subprocess.run([exe, *map(str, args)], check=True, stdout=subprocess.DEVNULL)


def script(name, *args, check=True):
    """Runs analysis/NAME with arguments; returns the CompletedProcess."""
    result = subprocess.run([PYTHON, str(ANALYSIS / name), *map(str, args)], capture_output=True,
                            text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"{name} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


class Runs:
    """Run files written on first use (each test file asks only for the ones it needs):
    s0 — s0-fragmented for 10 days with the default trace (tickets); s0_none — with --trace none;
    s5_events — s5-inter-provincial (cross-province tickets) with --trace events; s0_seed1/2 and
    s1_seed1/2 — s0 and s1-approval-bureau with seeds 1 and 2 (--trace none)."""

    COMMON = ("--days", "10", "--threads", "2", "-q")
    SPECS = {
        "s0": ("s0-fragmented",),
        "s0_none": ("s0-fragmented", "--trace", "none"),
        "s5_events": ("s5-inter-provincial", "--trace", "events"),
        "s0_seed1": ("s0-fragmented", "--trace", "none", "--seed", "1"),
        "s0_seed2": ("s0-fragmented", "--trace", "none", "--seed", "2"),
        "s1_seed1": ("s1-approval-bureau", "--trace", "none", "--seed", "1"),
        "s1_seed2": ("s1-approval-bureau", "--trace", "none", "--seed", "2"),
    }

    def __init__(self, folder):
        self.folder = folder

    def __getitem__(self, key):
        path = self.folder / f"{key}.h5"
        if not path.exists():
            tiersim("run", *self.SPECS[key], *self.COMMON, "-o", path)
        return path


@pytest.fixture(scope="session")
def runs(tmp_path_factory):
    return Runs(tmp_path_factory.mktemp("runs"))


def png_size(path):
    """(width, height) of a PNG file, asserting its signature and IHDR chunk."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR", f"{path} has no IHDR chunk"
    width, height = struct.unpack(">II", data[16:24])
    assert b"IEND" in data[-12:], f"{path} is truncated"
    return width, height


def check_png(path, min_width=400, min_height=250, max_side=6000):
    width, height = png_size(path)
    assert min_width <= width <= max_side and min_height <= height <= max_side, (path, width, height)
    assert Path(path).stat().st_size > 5000, f"{path} is suspiciously small"


def check_html(page):
    """Every <img> of the page points to an existing, valid PNG; returns the image names."""
    text = Path(page).read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    images = re.findall(r'<img src="([^"]+)"', text)
    for name in images:
        check_png(Path(page).parent / name)
    return images


@pytest.fixture(scope="session")
def sweep_file(tmp_path_factory):
    """2 numeric keys (3 × 2 points) × 3 replications, point 3 failed; see sweep_fixture.py."""
    from sweep_fixture import write_sweep
    path = tmp_path_factory.mktemp("sweep") / "sweep.h5"
    write_sweep(path, failed_point=3)
    return path


@pytest.fixture(scope="session")
def sweep_expected(tmp_path_factory):
    """A sweep file with a string-valued key and the expected means and intervals it holds."""
    from sweep_fixture import write_sweep
    path = tmp_path_factory.mktemp("sweep_str") / "sweep_str.h5"
    return path, write_sweep(path, string_key=True)
