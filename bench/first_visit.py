"""Issue 15: the first visit to each screen right after a server start, beside a bare Streamlit page, in Chromium.

    python bench/first_visit.py [--rounds N] [--plain] [--reference]

For each screen, a fresh server started the way people start the app (the launcher `python -m r2p_risk.ui.serve`
that scripts/run and `r2p-risk app` run: it warms imports and caches before the server answers) on a temporary
SQLite file holding the fictional examples; beside it, a bare page that only writes a title, started the plain way
(`streamlit run`). Once a server's health check answers, Chromium opens the screen's address and the clock stops
when the screen's heading is shown and the script is idle (looked for at every frame, in the page). The ratio is the
screen's median over the bare page's median, measured in turn in the same run (budget <= 1.5x).

Also printed: the time from starting the process to the health check answering (warming moves work there), and a
second visit to the same server in a new session (and a new browser context): what the screen costs on a server
that has served it once, the floor warming can reach. `--plain` also measures each screen with the app started by
`streamlit run app.py`, as before the launcher; `--reference` the bare page with one table and with one chart
added, once a round. The machine's load average is printed: these figures mean little on a busy machine.
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
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers import ARGS, CHROMIUM  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

BARE = 'import streamlit as st\nst.title("Bare page")\n'
REFERENCES = {  # --reference: the bare page with what the screens draw, for the share of the time that is theirs
    "one table": BARE + 'import pandas as pd\nst.dataframe(pd.DataFrame({"a": [1, 2, 3]}))\n',
    "one chart": BARE + "import plotly.graph_objects as go\nst.plotly_chart(go.Figure(go.Bar(x=[1, 2], y=[2, 1])))\n",
}
SCREENS = {
    "": "Situations",
    "assess": "Assess",
    "profile": "Risk profile",
    "recommendations": "Recommended response tools",
    "compare": "Compare situations",
    "transfer": "Export and import",
    "framework": "Framework of Analysis and scoring model",
}
# the screen's heading shown and the script idle, looked for in the page at every frame the browser draws (Playwright's
# own waits look again only every 500 ms after the first 270 ms: a page shown after 1.3 s would be seen at 1.77 s)
SHOWN = """heading => {
  const app = document.querySelector("[data-testid=stApp]");
  return app !== null && app.dataset.testScriptState === "notRunning"
         && document.querySelector("[data-testid=stStatusWidget]") === null
         && [...document.querySelectorAll("h1")].some(h => h.textContent.trim() === heading);
}"""


LAUNCHER = [sys.executable, "-m", "r2p_risk.ui.serve"]  # run from ROOT, so this checkout's package
PLAIN = [sys.executable, "-m", "streamlit", "run"]


def _start(command: list[str], database: Path) -> tuple[subprocess.Popen, str, float]:
    """The server, its URL and the seconds from starting the process to its health check answering."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "R2P_RISK_DATABASE_URL": f"sqlite:///{database}"}
    options = [f"--server.port={port}", "--server.headless=true", "--browser.gatherUsageStats=false"]
    start = time.monotonic()
    server = subprocess.Popen(
        [*command, *options, "--server.address=127.0.0.1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return server, url, time.monotonic() - start
        except OSError as error:
            if server.poll() is not None:
                raise RuntimeError(f"the server did not start: {command}") from error
            time.sleep(0.05)


def _open(browser, url: str, heading: str) -> float:
    """Seconds from asking for `url` in a new page (a new session) to its heading shown and the script idle."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    start = time.monotonic()
    page.goto(url)
    page.wait_for_function(SHOWN, arg=heading, polling="raf", timeout=120_000)
    seconds = time.monotonic() - start
    page.close()
    return seconds


def _visits(browser, command: list[str], database: Path, path: str, heading: str) -> tuple[float, float, float]:
    """A fresh server: (seconds to its health check answering, the first visit, a second visit in a new session)."""
    server, url, healthy = _start(command, database)
    try:
        return healthy, _open(browser, f"{url}/{path}", heading), _open(browser, f"{url}/{path}", heading)
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


def _load() -> str:
    """The load average over 1, 5 and 15 minutes."""
    return " / ".join(Path("/proc/loadavg").read_text().split()[:3])


def _median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--plain", action="store_true", help="also the app started by `streamlit run app.py`")
    parser.add_argument("--reference", action="store_true", help="also the bare page with one table, one chart")
    arguments = parser.parse_args()
    load = _load()
    starts: dict[str, list[float]] = {"bare": [], "launcher": [], "plain": []}
    first: dict[str, list[float]] = defaultdict(list)  # "bare", a screen, or "plain <screen>"
    again: dict[str, list[float]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="r2p-risk-first-") as folder, sync_playwright() as playwright:
        bare, database = Path(folder) / "bare.py", Path(folder) / "first.sqlite3"
        bare.write_text(BARE, encoding="utf-8")
        _with_examples(database)
        references = {}
        for name, text in REFERENCES.items() if arguments.reference else ():
            references[name] = Path(folder) / f"{name.replace(' ', '_')}.py"
            references[name].write_text(text, encoding="utf-8")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(arguments.rounds):  # in turn, so a busy spell slows all alike
            for name, script in references.items():
                _, seconds, second = _visits(browser, [*PLAIN, str(script)], database, "", "Bare page")
                first[name].append(seconds)
                again[name].append(second)
            for path, heading in SCREENS.items():
                name = path or "situations"
                runs = [
                    ("bare", "bare", [*PLAIN, str(bare)], "", "Bare page"),
                    ("launcher", name, LAUNCHER, path, heading),
                ]
                if arguments.plain:
                    runs.append(("plain", f"plain {name}", [*PLAIN, str(ROOT / "app.py")], path, heading))
                for start, key, command, address, title in runs:
                    healthy, seconds, second = _visits(browser, command, database, address, title)
                    starts[start].append(healthy)
                    first[key].append(seconds)
                    again[key].append(second)
        browser.close()
    base, base_again = _median(first["bare"]), _median(again["bare"])
    print(
        f"machine load average (1 / 5 / 15 min): {load} at the start, {_load()} at the end, on {os.cpu_count()} cores"
    )
    print(
        f"bare Streamlit page: first visit after a start {base:.2f} s, a second visit (new session) "
        f"{base_again:.2f} s (medians of {len(first['bare'])})"
    )
    for name in references:
        print(
            f"bare page with {name}: first visit {_median(first[name]):.2f} s = {_median(first[name]) / base:.2f}x "
            f"the bare page, a second visit {_median(again[name]):.2f} s = {_median(again[name]) / base_again:.2f}x"
        )
    print(
        "start to a healthy server: "
        + ", ".join(f"{name} {_median(values):.2f} s" for name, values in starts.items() if values)
    )
    for path in SCREENS:
        name = path or "situations"
        ratio = _median(first[name]) / base
        before = (
            f"; started by streamlit run: {_median(first[f'plain {name}']):.2f} s = "
            f"{_median(first[f'plain {name}']) / base:.2f}x"
            if arguments.plain
            else ""
        )
        print(
            f"first_visit_{name}: {_median(first[name]):.2f} s = {ratio:.2f}x the bare page (budget <= 1.5x) "
            f"{'PASS' if ratio <= 1.5 else 'MISS'}; a second visit {_median(again[name]):.2f} s = "
            f"{_median(again[name]) / base_again:.2f}x the bare page's{before}"
        )


if __name__ == "__main__":
    main()
