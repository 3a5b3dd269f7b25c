"""Issue 7, item 3: the screens, measured server side with AppTest, and the cold start of the app.

AppTest runs the whole script on every `run()`: it has no fragment reruns. A click on a rating in
the browser reruns only the Assess workspace fragment; here it reruns the frame, the sidebar and
the page as well, so the Assess figure is an upper bound of what a click costs on the server.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import ROOT, Figure, median_ms, timings

APP = str(ROOT / "app.py")
ONE_WIDGET = """
import streamlit as st
st.radio("Level", [None, 0, 1, 2, 3], horizontal=True, key="level")
"""


def quiet_streamlit() -> None:
    """AppTest outside a server warns about a missing runtime and script context: expected here, so not shown."""
    for name in ("streamlit", "streamlit.runtime.caching.cache_data_api", "streamlit.runtime.scriptrunner_utils.script_run_context"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _app_test(database_url: str):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    quiet_streamlit()
    os.environ["R2P_RISK_DATABASE_URL"] = database_url
    st.cache_data.clear()
    st.cache_resource.clear()
    return AppTest.from_file(APP, default_timeout=300)


def _check(at) -> None:
    if at.exception:
        raise RuntimeError("the app failed: " + "; ".join(e.message for e in at.exception))


class script_times:
    """Seconds each script run takes inside Streamlit's script thread, without AppTest's own harness."""

    def __enter__(self) -> list[float]:
        from streamlit.runtime.scriptrunner import script_runner

        self.runner, self.original, self.times = script_runner.ScriptRunner, script_runner.ScriptRunner._run_script, []
        original, times = self.original, self.times

        def timed(runner, *args, **kwargs):
            start = time.perf_counter()
            try:
                return original(runner, *args, **kwargs)
            finally:
                times.append(time.perf_counter() - start)

        self.runner._run_script = timed
        return self.times

    def __exit__(self, *exc) -> None:
        self.runner._run_script = self.original


def assess_ratio(database_url: str, assessment_id: str, quick: bool) -> list[Figure]:
    """Rerun after one rating change on a fully rated assessment vs a page with one radio, in the same run."""
    from streamlit.testing.v1 import AppTest

    at = _app_test(database_url)
    at.query_params["assessment"] = assessment_id
    at.run()
    at.switch_page("r2p_risk/ui/pages/assess.py").run()
    _check(at)
    edit_id = at.session_state["draft"].edit_id
    key = f"{edit_id}:indicator:1.1:level"
    levels = iter([1, 2] * 1000)
    repeat = 10 if quick else 40
    with script_times() as assess_script:
        assess = timings(lambda: at.radio(key=key).set_value(next(levels)).run(), repeat=repeat, warmup=2)
    _check(at)
    rated = len(at.session_state["draft"].assessment.ratings)
    quiet_streamlit()
    one = AppTest.from_string(ONE_WIDGET, default_timeout=60)
    one.run()
    with script_times() as baseline_script:
        baseline = timings(lambda: one.radio(key="level").set_value(next(levels)).run(), repeat=repeat, warmup=2)
    ratio = median_ms(assess) / median_ms(baseline)
    scripts = f"script alone {median_ms(assess_script[-repeat:]):.1f} ms vs {median_ms(baseline_script[-repeat:]):.2f} ms"
    return [
        Figure("page_assess_rerun_ratio", ratio, "x", "<= 3",
               f"Assess rerun {median_ms(assess):.0f} ms / one-widget page {median_ms(baseline):.1f} ms, medians of "
               f"{len(assess)}; {rated} ratings; AppTest reruns the whole page, the browser only the fragment"),
        Figure("page_assess_rerun", median_ms(assess), "ms",
               note=f"whole-page rerun after one rating change (AppTest); {scripts} (the rest is AppTest's harness)"),
        Figure("page_one_widget_rerun", median_ms(baseline), "ms", note="the same for a page with one radio"),
    ]


def big_pages(database_url: str, situations: int, quick: bool) -> list[Figure]:
    """The Situations screen with every situation, and the Compare screen (heatmap situations x 14)."""
    at = _app_test(database_url)
    first = timings(at.run, repeat=1, warmup=0)
    _check(at)
    again = timings(at.run, repeat=1 if quick else 3, warmup=0)
    at.switch_page("r2p_risk/ui/pages/compare.py")
    compare = timings(at.run, repeat=1 if quick else 3, warmup=0)
    _check(at)
    return [
        Figure("page_situations_first", median_ms(first), "ms", note=f"first run of a new session, {situations} situations (AppTest)"),
        Figure("page_situations", median_ms(again), "ms", note=f"rerun, median of {len(again)}"),
        Figure("page_compare", median_ms(compare), "ms",
               note=f"heatmap {situations} x 14, ranking and trend, {len(at.get('plotly_chart'))} charts; median of {len(compare)}"),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database_url: str, log: Path) -> tuple[subprocess.Popen, str, float, float]:
    """`streamlit run app.py`; returns the process, its URL, and seconds to a healthy server and to a served page."""
    port = free_port()
    env = {**os.environ, "R2P_RISK_DATABASE_URL": database_url}
    start = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", APP, f"--server.port={port}", "--server.headless=true",
         "--browser.gatherUsageStats=false"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    healthy = None
    while True:
        try:
            if healthy is None and urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                healthy = time.perf_counter() - start
            if healthy is not None and urllib.request.urlopen(f"{url}/", timeout=5).status == 200:
                return server, url, healthy, time.perf_counter() - start
        except OSError:
            if server.poll() is not None or time.perf_counter() - start > 120:
                server.kill()
                raise RuntimeError(f"streamlit did not start: {log.read_text()}")
            time.sleep(0.02)


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def cold_start(quick: bool) -> list[Figure]:
    """From `streamlit run app.py` to /_stcore/health answering and / served, on an empty database."""
    healthy, served = [], []
    with tempfile.TemporaryDirectory() as folder:
        for n in range(1 if quick else 3):
            server, _, ready, page = start_server(f"sqlite:///{folder}/cold-{n}.sqlite3", Path(folder) / "server.log")
            stop_server(server)
            healthy.append(ready)
            served.append(page)
    return [Figure("cold_start", median_ms(served) / 1000, "s", "<= 3",
                   f"health after {median_ms(healthy) / 1000:.2f} s, first GET / after {median_ms(served) / 1000:.2f} s; "
                   f"median of {len(served)}")]
