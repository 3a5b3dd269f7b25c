"""The launcher (r2p_risk/ui/serve.py) warms the server before the first session (issue 15): started as people start
the app, on a real port, it has opened the database through the sessions' own cache before anybody connected, and
the first visit to each screen imports no module anew and reuses that cache. How much faster that is lives in
bench/first_visit.py, not here."""

import os
import re
import urllib.request

import pytest
from helpers import start_streamlit, wait_idle
from helpers.browser import SCREENS, new_page
from helpers.servers import stop

pytestmark = pytest.mark.browser

# imported by Streamlit itself at the end of its start, when the health check may already answer
STARTED_LATE = {"streamlit.web.skills"}
IMPORTED = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", re.MULTILINE)  # python -X importtime, on stderr


def database_lookups(url: str) -> dict[str, int]:
    """Hits and misses of the cache holding the database engine (`services._database`), from Streamlit's metrics."""
    text = urllib.request.urlopen(f"{url}/_stcore/metrics?families=cache_lookups", timeout=10).read().decode()
    found = {}
    for line in text.splitlines():
        if line.startswith("cache_lookups_total{") and 'cache="r2p_risk.ui.services._database"' in line:
            found[re.search(r'result="(\w+)"', line).group(1)] = int(line.rsplit(" ", 1)[1])
    return found


@pytest.fixture
def examples_database(tmp_path, model):
    from r2p_risk.storage.database import open_database
    from r2p_risk.storage.examples import load_examples

    database = open_database(f"sqlite:///{tmp_path / 'examples.sqlite3'}")
    load_examples(database, model, "Test Analyst")
    database.close()
    return tmp_path / "examples.sqlite3"


def test_the_launcher_warms_before_the_first_session_and_no_screen_imports_anew(examples_database, browser, tmp_path):
    log = tmp_path / "launcher.log"
    env = {**os.environ, "R2P_RISK_DATABASE_URL": f"sqlite:///{examples_database}", "PYTHONPROFILEIMPORTTIME": "1"}
    server, url = start_streamlit(env, log, launcher=True)
    try:
        assert database_lookups(url) == {"hit": 0, "miss": 1}  # filled by the launcher: nobody has connected yet
        assert "r2p_risk.ui.serve: warmed in" in log.read_text()
        started = len(log.read_text())
        page = new_page(browser, [])  # each address loaded anew: a new session of the server's
        for path, heading in SCREENS.items():
            page.goto(f"{url}/{path}")
            page.get_by_role("heading", name=heading, exact=True).first.wait_for()
            wait_idle(page)
        page.context.close()
        imported = set(IMPORTED.findall(log.read_text()[started:]))
        assert imported <= STARTED_LATE, f"the first visits imported what the launcher did not: {sorted(imported)}"
        lookups = database_lookups(url)
        assert lookups["miss"] == 1 and lookups["hit"] >= len(SCREENS)  # every session took the launcher's engine
    finally:
        stop(server)
