"""Issue 15: how fast an analyst enters ratings on the Assess screen, measured in Chromium on a real server.

    python bench/entry.py

The flow: a new assessment of a fictional situation; ten indicators of risk factor 1, each given a level, a
confidence and one line of evidence, by keyboard in the table (tests/helpers/grid.py drives it as the browser tests do),
typed at about 40 words a minute (60 ms a key); then Save. Printed: the user time of the whole entry (budget
under 3 minutes), the wait after each edit until the app says it has it (budget at most 0.5 s each), and the
time from the Save click to "Saved revision" (budget under 500 ms).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers import ARGS, CHROMIUM, grid  # noqa: E402
from helpers.browser import new_page  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

TYPING_MS = 60  # a key every 60 ms: about 40 words a minute
EVIDENCE = "Armed clashes reported in two districts (fictional)"


def _server(folder: str) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "R2P_RISK_DATABASE_URL": f"sqlite:///{folder}/entry.sqlite3"}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", f"--server.port={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return server, url
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("streamlit did not start")


def measure() -> dict[str, float]:
    grid.TYPING_DELAY_MS = TYPING_MS
    with tempfile.TemporaryDirectory(prefix="r2p-risk-entry-") as folder, sync_playwright() as playwright:
        server, url = _server(folder)
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = new_page(browser, [], viewport={"width": 1400, "height": 1600})
            grid.start_assessment(page, url, "Bench Analyst", "Bench Keldar (fictional)")
            start, changes = time.monotonic(), 0
            for row in range(1, 11):
                for column, text in (("level", grid.LEVELS[row % 4]), ("confidence", "medium"), ("evidence", EVIDENCE)):
                    grid.put(page, row, column, text)
                    changes += 1
                    grid.after_edit(page, changes)
            entry = time.monotonic() - start
            clicked = time.monotonic()
            page.get_by_role("button", name="Save", exact=True).click()
            page.get_by_text("Saved revision 1").wait_for()
            save = time.monotonic() - clicked
            browser.close()
        finally:
            server.terminate()
            server.wait(timeout=20)
    waits = grid.WAITS
    return {
        "entry_s": entry,
        "wait_median_s": statistics.median(waits),
        "wait_max_s": max(waits),
        "waits_over_half_second": sum(w > 0.5 for w in waits),
        "edits": len(waits),
        "save_s": save,
    }


def main() -> None:
    figures = measure()
    print(f"machine load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    budget = [
        ("entry_10_indicators", figures["entry_s"], "s", 180, "<"),
        ("wait_per_edit_max", figures["wait_max_s"], "s", 0.5, "<="),
        ("save", figures["save_s"], "s", 0.5, "<"),
    ]
    for name, value, unit, limit, way in budget:
        met = value < limit if way == "<" else value <= limit
        print(f"{name}: {value:.2f} {unit} (budget {way} {limit}) {'PASS' if met else 'MISS'}")
    print(
        f"waits after {figures['edits']} edits: median {figures['wait_median_s']:.2f} s, "
        f"{figures['waits_over_half_second']} over 0.5 s"
    )


if __name__ == "__main__":
    main()
