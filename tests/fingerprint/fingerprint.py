#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fingerprint tests (after OMNeT++'s): what tiersim writes, reduced to checksums and stored.

A commit that should not change any output (a refactoring, a speed-up) must leave every
fingerprint as it is; a commit that changes output on purpose updates them with --update and
says why in its message.

  fingerprint.py run --tiersim EXE --scenario NAME --expected FILE [--update]
                     [--run-arg=ARG]... [--launcher=WORD]...
      runs NAME (embedded) at a fixed seed and a short horizon with --trace events, then
      `check --json`, and compares one line per dataset and attribute outside /provenance
      (path, dtype, shape, SHA-256 of the bytes) and the SHA-256 of the check output with FILE.
      With --run-arg (threads, scheduler) or --launcher (mpirun) the same FILE must match: the
      determinism contract says those never change a bit.
  fingerprint.py invalid --tiersim EXE --source DIR --expected FILE [--update]
      runs `check` on every DIR/scenarios/invalid/*.toml (from DIR, so the paths in the
      diagnostics are relative) and compares the exit codes and stderr with FILE.

Exit 0 when they match (or after --update), 1 with a diff when they do not.
"""
import argparse
import difflib
import glob
import hashlib
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

# The run of every scenario: a fixed seed, a short horizon with a warm-up day, every event.
RUN_ARGS = ["--seed", "7", "--trace", "events", "-q"]
HORIZON = ("3", "1")  # days, warm-up days
SHORT_HORIZON = {"bench/national": ("0.5", "0")}  # 41,352 streets: half a day is ~1 M events


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def value_bytes(value) -> bytes:
    """The bytes of a dataset's or attribute's value, strings length-prefixed."""
    array = np.asarray(value)
    if array.dtype.kind in "OSU":
        out = bytearray()
        for item in array.reshape(-1):
            raw = item if isinstance(item, bytes) else str(item).encode("utf-8")
            out += len(raw).to_bytes(8, "little") + raw
        return bytes(out)
    return np.ascontiguousarray(array).tobytes()


def h5_lines(path: str) -> list[str]:
    lines = []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if name == "provenance" or name.startswith("provenance/"):
                return
            for key in sorted(obj.attrs):
                value = obj.attrs[key]
                lines.append(f"attr /{name}@{key} {np.asarray(value).dtype.str} "
                             f"{digest(value_bytes(value))}")
            if isinstance(obj, h5py.Dataset):
                data = obj.asstr()[()] if h5py.check_string_dtype(obj.dtype) else obj[()]
                lines.append(f"data /{name} {obj.dtype.str} {obj.shape} "
                             f"{digest(value_bytes(data))}")
        f.visititems(visit)
    return sorted(lines)


def compare(actual: list[str], expected_file: str, update: bool, what: str) -> int:
    text = "\n".join(actual) + "\n"
    if update:
        os.makedirs(os.path.dirname(expected_file), exist_ok=True)
        with open(expected_file, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"{what}: recorded {len(actual)} lines in {expected_file}")
        return 0
    if not os.path.exists(expected_file):
        print(f"{what}: no fingerprint recorded at {expected_file} (run with --update)")
        return 1
    with open(expected_file, encoding="utf-8") as f:
        expected = f.read()
    if expected == text:
        print(f"{what}: {len(actual)} fingerprint lines match")
        return 0
    sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                               "expected", "actual"))
    print(f"{what}: the output differs from {expected_file}; if the change is on purpose, "
          "rerun with --update and say why in the commit message")
    return 1


def command_run(args) -> int:
    days, warmup = SHORT_HORIZON.get(args.scenario, HORIZON)
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "run.h5")
        run = [args.tiersim, "run", args.scenario, "--days", days,
               "--set", f"simulation.warmup_days={warmup}", "-o", out] + RUN_ARGS + args.run_arg
        subprocess.run(args.launcher + run, check=True, stdout=subprocess.DEVNULL)
        lines = h5_lines(out)
    check = subprocess.run([args.tiersim, "check", args.scenario, "--json"], check=True,
                           capture_output=True)
    lines.append(f"check --json {digest(check.stdout)}")
    return compare(lines, args.expected, args.update, args.scenario)


def command_invalid(args) -> int:
    files = sorted(glob.glob(os.path.join(args.source, "scenarios", "invalid", "*.toml")))
    if not files:
        print(f"no scenarios/invalid/*.toml under {args.source}")
        return 1
    lines = []
    for path in files:
        rel = os.path.relpath(path, args.source)
        result = subprocess.run([args.tiersim, "check", rel], cwd=args.source,
                                capture_output=True, text=True)
        lines.append(f"== {rel}: exit {result.returncode}")
        # Diagnostics that resolve a path name it in full: the clone may be anywhere.
        stderr = result.stderr.replace(os.path.abspath(args.source), "<source>")
        lines.extend(stderr.rstrip("\n").split("\n") if stderr else [])
    return compare(lines, args.expected, args.update, "invalid corpus")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run")
    run.add_argument("--tiersim", required=True)
    run.add_argument("--scenario", required=True)
    run.add_argument("--expected", required=True)
    run.add_argument("--update", action="store_true")
    run.add_argument("--run-arg", action="append", default=[],
                     help="one more argument for `tiersim run` (repeatable): --run-arg=--threads "
                          "--run-arg=4; the output must not depend on it")
    run.add_argument("--launcher", action="append", default=[],
                     help="a word of the command that starts tiersim (repeatable): mpirun, -n, 2")
    invalid = sub.add_parser("invalid")
    invalid.add_argument("--tiersim", required=True)
    invalid.add_argument("--source", required=True)
    invalid.add_argument("--expected", required=True)
    invalid.add_argument("--update", action="store_true")
    args = parser.parse_args()
    return command_run(args) if args.command == "run" else command_invalid(args)


if __name__ == "__main__":
    sys.exit(main())
