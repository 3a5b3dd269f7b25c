"""Issue 17, points 3, 9 and 12, as deployed: compose.yaml, .streamlit/config.toml and docs/deploy.md keep the app
offline, on one address, with one size limit and the proxy's secret; and nobody on a screen sees where the database is.

There is no Docker here: compose.yaml is read, and the app is started as it starts it (with a wildcard address, the
worst case), with every name the process looks up outside this machine recorded and refused (tests/offline_hook).
"""

import os
import re
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request

import pytest
import streamlit as st
import yaml
from helpers import ROOT
from streamlit.testing.v1 import AppTest

from r2p_risk.settings import Settings
from r2p_risk.signin import listens_on_wildcard

COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
APP_ENV = COMPOSE["services"]["app"]["environment"]
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
DEPLOY = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")


def substituted(value: str, variables: dict[str, str]) -> str:
    """A compose value with ${NAME}, ${NAME:-default} and ${NAME:?message} filled in as compose does."""

    def one(match):
        name, kind, rest = match.group(1), match.group(2) or "", match.group(3) or ""
        if name in variables:
            return variables[name]
        if kind == ":?":
            raise KeyError(f"compose needs {name}: {rest}")
        return rest

    return re.sub(r"\$\{(\w+)(:-|:\?)?([^}]*)\}", one, str(value))


def test_compose_names_the_public_address_listens_on_no_wildcard_and_passes_the_proxy_secret():
    assert APP_ENV["STREAMLIT_BROWSER_SERVER_ADDRESS"].startswith("${R2P_RISK_PUBLIC_HOST:?")  # required, never guessed
    with pytest.raises(KeyError, match="R2P_RISK_PUBLIC_HOST"):
        substituted(APP_ENV["STREAMLIT_BROWSER_SERVER_ADDRESS"], {})
    assert not listens_on_wildcard(substituted(APP_ENV["STREAMLIT_SERVER_ADDRESS"], {}))
    assert APP_ENV["STREAMLIT_SERVER_HEADLESS"] == "true" and APP_ENV["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"
    assert "R2P_RISK_AUTH_PROXY_SECRET" in APP_ENV
    app = COMPOSE["services"]["app"]
    assert not any(
        option.startswith("--server.address") for option in app["command"]
    )  # the image's 0.0.0.0 is replaced
    assert "STREAMLIT_SERVER_ADDRESS" in " ".join(app["healthcheck"]["test"])  # checked where it listens
    assert app["ports"] == ["127.0.0.1:8501:8501"]


def start_as_compose(tmp_path, environment: dict, config: str) -> tuple[subprocess.Popen, list[str]]:
    """`streamlit run app.py` started headless on a wildcard address with `environment` and the Streamlit settings
    `config` (from a working folder of its own); what it looked up outside."""
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "config.toml").write_text(config, encoding="utf-8")
    # a copy of the frame beside those settings (Streamlit also reads the settings beside the script); the start-up
    # checked here happens before any script runs
    (tmp_path / "app.py").write_text((ROOT / "app.py").read_text(encoding="utf-8"), encoding="utf-8")
    lookups = tmp_path / "lookups.txt"
    lookups.write_text("")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        **environment,
        "PYTHONPATH": str(ROOT / "tests" / "offline_hook"),
        "R2P_RISK_TEST_LOOKUPS": str(lookups),
        "R2P_RISK_DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}",
        "STREAMLIT_SERVER_ADDRESS": "0.0.0.0",
        "STREAMLIT_SERVER_PORT": str(port),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, server.stdout.read()
            time.sleep(0.1)
    output = ""
    while "You can now view" not in output and time.monotonic() < deadline:  # the start-up banner: where the lookup was
        output += server.stdout.readline()
    while "URL" not in output.split("You can now view")[-1] and time.monotonic() < deadline:
        output += server.stdout.readline()
    server.terminate()
    server.wait(timeout=20)
    return server, lookups.read_text().split()


SHIPPED = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
BEFORE = re.sub(
    r"(?m)^serverAddress = .*\n(^ +#.*\n)*", "", SHIPPED
)  # the shipped settings without browser.serverAddress


@pytest.mark.parametrize(
    "config, public_host, looked_up",
    [
        (BEFORE, None, True),
        (SHIPPED, None, False),
        (BEFORE, "risk.example.org", False),
        (SHIPPED, "risk.example.org", False),
    ],
    ids=["before: the lookup the issue found", "the shipped settings", "compose's setting alone", "as compose runs it"],
)
def test_started_as_compose_starts_it_the_app_looks_nothing_up_outside(tmp_path, config, public_host, looked_up):
    assert "serverAddress" not in BEFORE and "serverAddress" in SHIPPED
    environment = {
        key: substituted(value, {"R2P_RISK_PUBLIC_HOST": public_host or ""})
        for key, value in APP_ENV.items()
        if key.startswith("STREAMLIT_") and key not in ("STREAMLIT_SECRETS_FILES", "STREAMLIT_SERVER_ADDRESS")
    }
    if public_host is None:
        environment.pop("STREAMLIT_BROWSER_SERVER_ADDRESS")
    _, lookups = start_as_compose(tmp_path, environment, config)
    if looked_up:  # the test can tell: Streamlit asks a service outside for this machine's address
        assert lookups and all("checkip" in name for name in lookups)
    else:
        assert lookups == []


def test_the_shipped_streamlit_settings_keep_the_app_on_this_machine_with_the_one_upload_limit():
    assert CONFIG["server"]["address"] == "127.0.0.1" and not listens_on_wildcard(CONFIG["server"]["address"])
    assert CONFIG["server"]["maxUploadSize"] == Settings().max_upload_mb == Settings().sizes.upload_mb
    assert CONFIG["browser"]["serverAddress"] and CONFIG["browser"]["gatherUsageStats"] is False
    assert CONFIG["client"]["showErrorDetails"] in ("type", "none")


def test_the_proxy_example_lets_the_upload_limit_through_strips_identities_and_sends_the_secret():
    assert re.findall(r"client_max_body_size (\d+)m;", DEPLOY) == [str(Settings().sizes.proxy_body_mb)]
    snippet = DEPLOY.split("`/etc/nginx/snippets/r2p-risk-proxy.conf`")[1].split("```nginx")[1].split("```")[0]
    assert 'proxy_set_header X-Forwarded-Email "";' in snippet and 'proxy_set_header X-Forwarded-Groups "";' in snippet
    assert "include /etc/nginx/r2p-risk-secret.conf;" in snippet
    assert 'proxy_set_header X-R2P-Risk-Proxy-Secret "' in DEPLOY
    header_mode = DEPLOY.split("# inside `location /_stcore/stream` and `location /`:")[1].split("```")[0]
    assert "proxy_set_header X-Forwarded-Email  $r2p_email;" in header_mode  # set after the include: replacing it


# --- point 12: nobody sees where the database is or its credentials --------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://ana:hunter2-secret@127.0.0.1:{port}/riskdb?connect_timeout=3",
        "postgresql+psycopg://ana@127.0.0.1:{port}/riskdb?password=hunter2-secret&connect_timeout=3",
    ],
    ids=["password in the URL", "password as a query parameter"],
)
def test_when_the_database_is_down_the_screen_says_so_without_connection_details(monkeypatch, url, caplog):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("R2P_RISK_DATABASE_URL", url.format(port=port))
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    finally:
        st.cache_resource.clear()
    shown = "\n".join(e.value for e in at.error)
    assert "the database server could not be reached" in shown
    for detail in ("hunter2", "ana", "127.0.0.1", str(port), "riskdb", "psycopg", "connection"):
        assert detail not in shown, detail
    assert "hunter2" not in caplog.text and f"127.0.0.1:{port}/riskdb" in caplog.text  # the operator's log has where
