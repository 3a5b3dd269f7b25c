"""Issue 7, item 5: peak resident memory of the app process serving Compare over 10,000 revisions.

A real `streamlit run app.py` on the benchmark database; Debian's Chromium (headless, through
Playwright, the same launch as tests/conftest.py) opens the Compare screen and waits until the
script has finished and both charts are drawn; then the server's peak resident set (VmHWM in
/proc/<pid>/status) is read.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import Figure, skipped
from bench.pages import start_server, stop_server

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
]


def peak_rss_mb(pid: int) -> tuple[float, float]:
    """(peak, current) resident memory of a process in MB, from /proc."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmHWM"].split()[0]) / 1024, int(fields["VmRSS"].split()[0]) / 1024


def run(database_url: str, situations: int) -> list[Figure]:
    if not Path("/proc/self/status").exists():
        return [skipped("memory_compare_peak_rss", "needs Linux /proc")]
    if not Path(CHROMIUM).exists():
        return [skipped("memory_compare_peak_rss", f"no browser at {CHROMIUM}")]
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        server, url, _, _ = start_server(database_url, Path(folder) / "server.log")
        try:
            started, _ = peak_rss_mb(server.pid)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                begin = time.perf_counter()
                page.goto(f"{url}/compare", timeout=300_000)
                page.get_by_text("Trend over time").wait_for(timeout=300_000)
                page.wait_for_timeout(300)
                page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=300_000)
                page.locator(".js-plotly-plot").nth(1).wait_for(timeout=300_000)  # the heatmap and the trend, drawn
                shown = time.perf_counter() - begin
                charts = page.locator(".js-plotly-plot").count()
                browser.close()
            peak, now = peak_rss_mb(server.pid)
        finally:
            stop_server(server)
    return [
        Figure(
            "memory_compare_peak_rss",
            peak,
            "MB",
            note=f"app process serving Compare over {situations} situations; {started:.0f} MB after start, "
            f"{now:.0f} MB at the end; page shown in {shown:.1f} s in Chromium, {charts} charts",
        ),
    ]
