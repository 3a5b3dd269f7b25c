"""Free ports, and servers started as subprocesses and waited for until they answer (never a fixed wait).

Several test processes run at once (pytest-xdist): a port found free may be taken by another worker before the
server binds it, so `start_streamlit` tries again on a new port when that happens."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from helpers.paths import ROOT

PORT_TAKEN = "is already in use"  # what streamlit prints when its port was taken


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, log: Callable[[], str], timeout: float = 60) -> bytes:
    """Poll `url` until it answers and return the answer; RuntimeError with the server's log when the process ends
    first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return urllib.request.urlopen(url, timeout=1).read()
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not come up:\n{log()}") from None
            time.sleep(0.1)  # the next poll, not a wait for something to happen


def start_streamlit(
    env: dict,
    log: Path,
    *arguments: str,
    app: str = "app.py",
    cwd: Path = ROOT,
    tries: int = 3,
    launcher: bool = False,
) -> tuple[subprocess.Popen, str]:
    """`streamlit run app` on a free loopback port, serving once its health endpoint answers: (process, its URL).
    With `launcher`, the app's launcher instead (`python -m r2p_risk.ui.serve`, what scripts/run and `r2p-risk app`
    start: it warms imports and caches, then runs app.py; `app` is not used). Its output goes to `log`; stop it with
    `stop(process)`."""
    start = [sys.executable, "-m", "r2p_risk.ui.serve"] if launcher else [sys.executable, "-m", "streamlit", "run", app]
    for attempt in range(tries):
        port = free_port()
        with log.open("w") as out:
            process = subprocess.Popen(
                [*start, f"--server.port={port}", *arguments],
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(f"{url}/_stcore/health", process, log.read_text)
            return process, url
        except RuntimeError:
            stop(process)
            if PORT_TAKEN not in log.read_text() or attempt == tries - 1:
                raise
    raise AssertionError("unreachable")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
