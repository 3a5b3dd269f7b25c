"""Issue 15: the first visit to each screen right after a server start, beside a bare Streamlit page, in Chromium.

    python bench/first_visit.py [--rounds N]

For each screen (and for a bare page that only writes a title), a fresh `streamlit run` on a temporary SQLite file
holding the fictional examples; once its health check answers, Chromium opens the screen's address and the clock
stops when the screen's heading is shown and the script is idle. The ratio is the screen's median over the bare
page's median, measured in turn in the same run (budget <= 1.5x). The machine's load average is printed: these
figures mean little on a busy machine.
"""

from __future__ import annotations

import argparse
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

from helpers import ARGS, CHROMIUM  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

BARE = 'import streamlit as st\nst.title("Bare page")\n'
SCREENS = {
    "": "Situations",
    "assess": "Assess",
    "profile": "Risk profile",
    "recommendations": "Recommended response tools",
    "compare": "Compare situations",
    "transfer": "Export and import",
    "framework": "Framework of Analysis and scoring model",
}
IDLE = (
    "() => { const app = document.querySelector('[data-testid=stApp]');"
    " return app && app.dataset.testScriptState === 'notRunning'"
    " && !document.querySelector('[data-testid=stStatusWidget]'); }"
)


def _start(script: Path, database: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "R2P_RISK_DATABASE_URL": f"sqlite:///{database}"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            f"--server.port={port}",
            "--server.headless=true",
            "--browser.gatherUsageStats=false",
            "--server.address=127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return server, url
        except OSError as error:
            if server.poll() is not None:
                raise RuntimeError(f"streamlit did not start: {script}") from error
            time.sleep(0.05)


def _first_visit(browser, script: Path, database: Path, path: str, heading: str) -> float:
    server, url = _start(script, database)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        start = time.monotonic()
        page.goto(f"{url}/{path}")
        page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=120_000)
        page.wait_for_function(IDLE, timeout=120_000)
        seconds = time.monotonic() - start
        page.close()
        return seconds
    finally:
        server.terminate()
        server.wait(timeout=30)


def _with_examples(database: Path) -> None:
    from r2p_risk.storage.database import open_database
    from r2p_risk.storage.examples import load_examples
    from r2p_risk.storage.files import load_model

    db = open_database(f"sqlite:///{database}")
    load_examples(db, load_model(ROOT / "frameworks"), "Bench Analyst")
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="r2p-risk-first-") as folder, sync_playwright() as playwright:
        bare, database = Path(folder) / "bare.py", Path(folder) / "first.sqlite3"
        bare.write_text(BARE, encoding="utf-8")
        _with_examples(database)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        times: dict[str, list[float]] = {"bare": [], **{path or "situations": [] for path in SCREENS}}
        for _ in range(rounds):  # in turn, so a busy spell slows both alike
            for path, heading in SCREENS.items():
                times["bare"].append(_first_visit(browser, bare, database, "", "Bare page"))
                times[path or "situations"].append(_first_visit(browser, ROOT / "app.py", database, path, heading))
        browser.close()
    base = statistics.median(times["bare"])
    print(
        f"machine load average: {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end, on {os.cpu_count()} cores"
    )
    print(f"bare Streamlit page, first visit after a start: {base:.2f} s (median of {len(times['bare'])})")
    for name, values in times.items():
        if name != "bare":
            ratio = statistics.median(values) / base
            print(
                f"first_visit_{name}: {statistics.median(values):.2f} s = {ratio:.2f}x the bare page (budget <= 1.5x) "
                f"{'PASS' if ratio <= 1.5 else 'MISS'}"
            )


if __name__ == "__main__":
    main()
