"""Shared fixtures: the shipped model, assessments built in one line, databases on SQLite and PostgreSQL,
and the browser test rig."""

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from postgres_server import start_postgres
from r2p_risk.assessment import Assessment
from r2p_risk.storage.files import load_model

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ROOT / "frameworks"
EXAMPLES = ROOT / "data" / "examples"


@pytest.fixture(scope="session")
def model():
    return load_model(FRAMEWORKS)


@pytest.fixture(scope="session")
def framework(model):
    return model.framework


@pytest.fixture(scope="session")
def params(model):
    return model.params


def make_assessment(levels: dict[str, int | None] | None = None, whole: dict[int, int | None] | None = None, **fields) -> Assessment:
    """An assessment rating the given indicators (id -> level) and risk factors as a whole."""
    ratings = [{"indicator": i, "level": level, "confidence": "medium"} for i, level in (levels or {}).items()]
    wholes = [{"risk_factor": n, "level": level, "confidence": "medium"} for n, level in (whole or {}).items()]
    return Assessment(assessed_on=fields.pop("assessed_on", dt.date(2026, 1, 15)), analyst=fields.pop("analyst", "Test Analyst"),
                      ratings=ratings, risk_factor_ratings=wholes, **fields)


# --- databases: every storage test runs on SQLite and on a throwaway PostgreSQL ----------------------
@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for the whole run (see tests/postgres_server.py); fails, never skips, when there is none."""
    try:
        server = start_postgres()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server):
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def sqlite_url(tmp_path):
    """The URL of a SQLite file in a folder that does not exist yet."""
    return f"sqlite:///{tmp_path}/new-folder/risk.db"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request):
    """An empty database, once on SQLite and once on PostgreSQL (`-m postgres` / `-m "not postgres"` pick one)."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")


class Clock:
    """A minute later at every call, so saved_at values are known and distinct."""

    def __init__(self):
        self.time = dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.time += dt.timedelta(minutes=1)
        return self.time


@pytest.fixture
def db(database_url):
    """The database at `database_url` (SQLite and PostgreSQL), its clock a `Clock`."""
    from r2p_risk.storage.database import open_database

    database = open_database(database_url, now=Clock())
    yield database
    database.close()


# --- end to end: a real `streamlit run app.py` and Debian's Chromium driven by Playwright -----------
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost"]
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "http://localhost", "data:", "blob:", "about:")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    database = tmp_path_factory.mktemp("e2e") / "e2e.sqlite3"
    port = free_port()
    env = {**os.environ, "R2P_RISK_DATABASE_URL": f"sqlite:///{database}"}
    log = open(database.with_suffix(".log"), "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", f"--server.port={port}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start: {database.with_suffix('.log').read_text()}") from None
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page; `page.outside_requests` lists every request that tried to leave this machine."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    outside: list[str] = []

    def route(route):
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    context.on("request", lambda request: None if request.url.startswith(LOCAL) else outside.append(request.url))
    page = context.new_page()
    page.on("websocket", lambda ws: None if ws.url.startswith(LOCAL) else outside.append(ws.url))
    page.outside_requests = outside
    yield page
    context.close()


def wait_idle(page) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=30_000)


# --- the Assess screen's risk factor tables, as AppTest edits them ------------------------------------
def edit_ratings(at, target: str | int, **cells):
    """Edit one row of a risk factor's table (an indicator id, or a risk factor number for its whole-factor row)
    as the browser does: AppTest cannot type into st.data_editor, so its edit state is written before the run.
    Levels are given as numbers (None: unknown); the risk factor is opened first."""
    from r2p_risk.rating_table import LEVEL_CELLS, UNKNOWN

    number = target if isinstance(target, int) else int(target.split(".")[0])
    if at.session_state["assess_factor"] != number:
        at.selectbox(key="assess_factor").select(number).run()
    key = ":".join([at.session_state["draft"].edit_id, "factor", str(number), "ratings"])
    items = list(at.data_editor(key=key).value["item"])
    row = items.index(f"RF {number}" if isinstance(target, int) else target)
    if "level" in cells:
        cells["level"] = UNKNOWN if cells["level"] is None else LEVEL_CELLS[cells["level"]]
    at.session_state[key] = {"edited_rows": {row: cells}, "added_rows": [], "deleted_rows": []}
    return at.run()


def table_row(at, target: str | int) -> dict:
    """The row of a risk factor's table as the screen shows it (the risk factor must be open)."""
    number = target if isinstance(target, int) else int(target.split(".")[0])
    key = ":".join([at.session_state["draft"].edit_id, "factor", str(number), "ratings"])
    frame = at.data_editor(key=key).value
    return frame[frame["item"] == (f"RF {number}" if isinstance(target, int) else target)].iloc[0].to_dict()


def evidence_of(at, target: str | int):
    """Choose the row whose evidence and sources are edited below the table (the risk factor must be open)."""
    number = target if isinstance(target, int) else int(target.split(".")[0])
    key = ":".join([at.session_state["draft"].edit_id, "factor", str(number), "evidence_of"])
    items = [f"RF {number}"] + [i.id for i in load_model(FRAMEWORKS).framework.risk_factor(number).indicators]
    return at.selectbox(key=key).select(items.index(f"RF {number}" if isinstance(target, int) else target)).run()
