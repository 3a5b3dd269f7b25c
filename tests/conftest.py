"""Shared fixtures only: the shipped model, databases on SQLite and PostgreSQL, and the browser test rig.
What tests share besides fixtures lives in tests/helpers; tests never import from this file."""

import os
import shutil
import tempfile

import pytest
from helpers import ARGS, CHROMIUM, FRAMEWORKS, ROOT, Clock
from helpers.apptest import scan_components_once
from helpers.browser import new_page, what_the_pages_show
from helpers.schedule import start_order
from helpers.servers import start_streamlit, stop
from helpers.tree import OWN_DATABASE, TREE_BEFORE, tree_state
from playwright.sync_api import sync_playwright
from postgres_server import start_postgres

from r2p_risk.storage.files import load_model


@pytest.fixture(scope="session")
def model():
    return load_model(FRAMEWORKS)


@pytest.fixture(scope="session")
def framework(model):
    return model.framework


@pytest.fixture(scope="session")
def params(model):
    return model.params


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


@pytest.fixture
def db(database_url):
    """The database at `database_url` (SQLite and PostgreSQL), its clock a `Clock`."""
    from r2p_risk.storage.database import open_database

    database = open_database(database_url, now=Clock())
    yield database
    database.close()


# --- end to end: the app's real server (the launcher, then app.py) and Debian's Chromium driven by Playwright ---
@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The app as scripts/run starts it (the launcher, then app.py) on a free port and an empty SQLite file of its own
    (one per test module and worker)."""
    database = tmp_path_factory.mktemp("e2e") / "e2e.sqlite3"
    server, url = start_streamlit(
        {**os.environ, "R2P_RISK_DATABASE_URL": f"sqlite:///{database}"},
        database.with_suffix(".log"),
        cwd=ROOT,
        launcher=True,
    )
    yield url
    stop(server)


@pytest.fixture(scope="session")
def browser():
    """One Chromium per test process, started at its first browser test: each test's pages live in contexts of their
    own (no cookie, storage or cache shared), so nothing but the start is shared."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def tall_page(browser):
    """A page tall enough to show the longest risk factor's table whole; requests leaving the machine are refused."""
    page = new_page(browser, [], viewport={"width": 1400, "height": 1600})
    yield page
    page.context.close()


@pytest.fixture
def page(browser):
    """A fresh page; `page.outside_requests` lists every request that tried to leave this machine."""
    page = new_page(browser, [])
    yield page
    page.context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test's report shows what the pages open in its browser showed when it failed."""
    report = yield
    browser = getattr(item, "funcargs", {}).get("browser")  # the fixture, asked by the test or by its page
    if report.failed and call.when == "call" and browser is not None:
        shown = what_the_pages_show(browser)
        if shown:
            report.sections.append(("what the pages showed", shown))
    return report


# --- the longest modules start first (see tests/helpers/schedule.py)
def pytest_collection_modifyitems(items):
    start_order(items)


# --- no test writes the checkout's default database (data/r2p-risk.sqlite3): one that opens the database without
# naming one gets a file of its own process (each xdist worker its own), never the checkout's or another worker's
def pytest_configure(config):
    scan_components_once()  # see tests/helpers/apptest.py
    if not os.environ.get("R2P_RISK_DATABASE_URL") or os.environ.get(OWN_DATABASE):
        folder = tempfile.mkdtemp(prefix="r2p-risk-tests-")
        os.environ["R2P_RISK_DATABASE_URL"] = f"sqlite:///{folder}/default.sqlite3"
        os.environ[OWN_DATABASE] = folder


def pytest_unconfigure(config):
    folder = os.environ.get(OWN_DATABASE)
    if folder and os.environ.get("R2P_RISK_DATABASE_URL", "").startswith(f"sqlite:///{folder}/"):
        shutil.rmtree(folder, ignore_errors=True)


# --- a test run leaves the working tree as it found it (git status), checked once, by the main process ---------
def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # not in an xdist worker
        session.config.stash[TREE_BEFORE] = tree_state()


def pytest_sessionfinish(session, exitstatus):
    before = session.config.stash.get(TREE_BEFORE, None)
    if before is None or hasattr(session.config, "workerinput"):
        return
    changed = sorted(set(tree_state()) - set(before))
    if changed:
        session.config.get_terminal_writer().line(
            "The tests changed the working tree (git status --porcelain), and a test run must leave it clean:\n  "
            + "\n  ".join(changed),
            red=True,
            bold=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
