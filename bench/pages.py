"""Issue 7, item 3: the screens, measured server side with AppTest, and the cold start of the app.

An edit in a risk factor's table on the Assess screen reruns, in the browser, only the fragment
that shows the figures (the table's callback asks for it by key). AppTest's `run()` always
reruns the whole page (frame, sidebar, page); `fragment_reruns` makes AppTest send the request
for those fragments, through the same script runner. Both are measured: the fragment rerun is
what an edit costs, the whole-page rerun what a change outside the table (or a reload) costs.
AppTest compiles the app's main script again on every run (a server keeps the bytecode), for the
one-widget page too; with Streamlit's "magic" off (.streamlit/config.toml) that costs little.
"""

from __future__ import annotations

import functools
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
    for name in (
        "streamlit",
        "streamlit.runtime.caching.cache_data_api",
        "streamlit.runtime.scriptrunner_utils.script_run_context",
    ):
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


class fragment_reruns:
    """Within it, AppTest's reruns are the one an edit in the Assess table asks for: only the figures fragment runs.

    In the browser the table's callback puts the edit into the draft and calls `st.rerun` with the
    figures fragment's key; AppTest does not call callbacks for an edit written into session state,
    and the fragment takes the edit itself, so the same work runs.
    """

    def __init__(self, at):
        from r2p_risk.ui.workspace import FIGURES

        keyed = at._fragment_storage._ids_by_target_key  # AppTest's fragment storage: the ids registered under each key
        self.fragment_ids = list(keyed[FIGURES])

    def __enter__(self) -> None:
        from streamlit.testing.v1 import local_script_runner

        self.module, self.original = local_script_runner, local_script_runner.RerunData
        self.module.RerunData = functools.partial(self.original, fragment_id_queue=self.fragment_ids)

    def __exit__(self, *exc) -> None:
        self.module.RerunData = self.original


def _edit_level(at, key: str, levels, sent: list) -> None:
    """One cell edit in the risk factor table, as the browser sends it (the level of indicator 1.1)."""
    sent.append(next(levels))
    at.session_state[key] = {"edited_rows": {1: {"level": sent[-1]}}, "added_rows": [], "deleted_rows": []}
    at.run()


def assess_ratio(database_url: str, assessment_id: str, quick: bool) -> list[Figure]:
    """Rerun after one rating change on a fully rated assessment vs a page with one radio, in the same run."""
    from streamlit.testing.v1 import AppTest

    from r2p_risk.rating_table import LEVEL_CELLS

    at = _app_test(database_url)
    at.query_params["assessment"] = assessment_id
    at.run()
    at.switch_page("r2p_risk/ui/pages/assess.py").run()
    _check(at)
    from r2p_risk.ui import state

    key = state.ratings_key(1, session=at.session_state)
    levels, sent = iter([LEVEL_CELLS[1], LEVEL_CELLS[2]] * 1000), []
    repeat = 10 if quick else 40
    with script_times() as page_script:
        page = timings(lambda: _edit_level(at, key, levels, sent), repeat=repeat, warmup=2)
    quiet_streamlit()
    one = AppTest.from_string(ONE_WIDGET, default_timeout=60)
    one.run()
    numbers = iter([1, 2] * 1000)
    alone = timings(lambda: one.radio(key="level").set_value(next(numbers)).run(), repeat=repeat, warmup=2)
    with fragment_reruns(at):
        fragment_alone = timings(lambda: _edit_level(at, key, levels, sent), repeat=repeat, warmup=2)
    fragment, baseline, fragment_script, baseline_script = [], [], [], []
    for n in range(repeat + 2):  # interleaved, one of each in turn, so that both see the same load; two to warm up
        with fragment_reruns(at), script_times() as script:
            took = timings(lambda: _edit_level(at, key, levels, sent), repeat=1, warmup=0)
        fragment += took if n >= 2 else []
        fragment_script += script if n >= 2 else []
        with script_times() as script:
            took = timings(lambda: one.radio(key="level").set_value(next(numbers)).run(), repeat=1, warmup=0)
        baseline += took if n >= 2 else []
        baseline_script += script if n >= 2 else []
    _check(at)
    edited = at.session_state["draft"].assessment
    if LEVEL_CELLS[edited.rating_for("1.1").level] != sent[-1]:
        raise RuntimeError("the edits did not reach the draft")
    rated = len(edited.ratings)
    base = median_ms(baseline)
    scripts = (
        f"script alone: fragment {median_ms(fragment_script):.1f} ms, page {median_ms(page_script[-repeat:]):.1f} ms, "
        f"one-widget page {median_ms(baseline_script):.2f} ms (the rest is AppTest's harness)"
    )
    return [
        Figure(
            "page_assess_rerun_ratio",
            median_ms(fragment) / base,
            "x",
            "<= 3",
            f"an edit in the risk factor table reruns the figures fragment: {median_ms(fragment):.1f} ms "
            f"/ one-widget page {base:.1f} ms, medians of {len(fragment)} taken in turn; {rated} ratings",
        ),
        Figure(
            "page_assess_whole_page_rerun_ratio",
            median_ms(page) / base,
            "x",
            note=f"the same edit with AppTest's default whole-page rerun: {median_ms(page):.1f} ms / {base:.1f} ms",
        ),
        Figure("page_assess_fragment_rerun", median_ms(fragment), "ms", note=scripts),
        Figure(
            "page_one_widget_rerun",
            base,
            "ms",
            note=f"a page holding one radio, one click, taken in turn with the edits; each measured in a series of its "
            f"own instead: {median_ms(fragment_alone):.1f} ms / {median_ms(alone):.1f} ms = "
            f"{median_ms(fragment_alone) / median_ms(alone):.2f} x",
        ),
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
        Figure(
            "page_situations_first",
            median_ms(first),
            "ms",
            note=f"first run of a new session, {situations} situations (AppTest)",
        ),
        Figure("page_situations", median_ms(again), "ms", note=f"rerun, median of {len(again)}"),
        Figure(
            "page_compare",
            median_ms(compare),
            "ms",
            note=(
                f"heatmap {situations} x 14, ranking and trend, {len(at.get('plotly_chart'))} charts; "
                f"median of {len(compare)}"
            ),
        ),
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
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            APP,
            f"--server.port={port}",
            "--server.headless=true",
            "--browser.gatherUsageStats=false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
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
                raise RuntimeError(f"streamlit did not start: {log.read_text()}") from None
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
    return [
        Figure(
            "cold_start",
            median_ms(served) / 1000,
            "s",
            "<= 3",
            f"health after {median_ms(healthy) / 1000:.2f} s, first GET / after {median_ms(served) / 1000:.2f} s; "
            f"median of {len(served)}",
        )
    ]
