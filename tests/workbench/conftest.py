# SPDX-License-Identifier: MIT
"""Shared fixtures of the workbench tests: `tiersim serve` (TIERSIM_BINARY, else build/tiersim)
on a free loopback port with a fresh workspace, stopped at the end of the session."""

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 20


def free_port():
    """A port no one listens on now (the kernel's choice for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def workspace(tmp_path_factory):
    """The server's workspace folder (the server creates it)."""
    return tmp_path_factory.mktemp("workbench") / "workspace"


@pytest.fixture(scope="session")
def server(workspace):
    """The base URL of a running `tiersim serve`, e.g. http://127.0.0.1:40123."""
    binary = os.environ.get("TIERSIM_BINARY", str(ROOT / "build" / "tiersim"))
    port = free_port()
    log_path = workspace.parent / "serve.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [binary, "serve", "--port", str(port), "--workspace", str(workspace)],
            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while not answers(url + "/api/version"):
            if process.poll() is not None:
                pytest.fail(f"tiersim serve exited with {process.returncode}:\n"
                            f"{log_path.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"tiersim serve did not answer on {url} within {START_TIMEOUT_S} s:\n"
                            f"{log_path.read_text()}")
            time.sleep(0.1)  # polling the port until the server listens
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
