"""Signing in for real and offline: `streamlit run app.py` in OIDC mode, a local mock OpenID provider
(oidc-provider-mock on loopback) and Debian's Chromium. The secrets live in a temporary folder, never in the
repository."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, free_port, wait_idle, wait_until_serving
from helpers.browser import CONTEXT, COUNT_RUNS, record_outside

pytestmark = pytest.mark.browser
ANALYST = "analyst1@example.org"


def started(command: list[str], env: dict, log: Path, ready_url: str) -> subprocess.Popen:
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    wait_until_serving(ready_url, process, log.read_text)
    return process


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """The mock provider and the app signing in through it; (app URL, provider URL, environment of the app)."""
    folder = tmp_path_factory.mktemp("signin")
    provider_port, app_port = free_port(), free_port()
    provider_url, app_url = f"http://127.0.0.1:{provider_port}", f"http://127.0.0.1:{app_port}"
    claims = {"sub": ANALYST, "email": ANALYST, "email_verified": True, "name": "Ana Analyst", "groups": ["desk-a"]}
    provider = started(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(provider_port), "--user-claims", json.dumps(claims)],
        dict(os.environ),
        folder / "provider.log",
        f"{provider_url}/.well-known/openid-configuration",
    )
    (folder / "secrets.toml").write_text(
        "[auth]\n"
        + "".join(
            f'{key} = "{value}"\n'
            for key, value in {
                "redirect_uri": f"{app_url}/oauth2callback",
                "cookie_secret": secrets.token_urlsafe(48),
                "client_id": "r2p-risk",
                "client_secret": secrets.token_urlsafe(24),
                "server_metadata_url": f"{provider_url}/.well-known/openid-configuration",
            }.items()
        )
    )
    env = {**os.environ, "R2P_RISK_AUTH": "oidc", "R2P_RISK_DATABASE_URL": f"sqlite:///{folder / 'team.sqlite3'}"}
    for identity, role in (("admin@example.org", "admin"), (ANALYST, "analyst")):  # named before anybody signs in
        subprocess.run(
            [sys.executable, "-m", "r2p_risk", "users", "set-role", identity, role], env=env, check=True, cwd=ROOT
        )
    app = started(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            f"--server.port={app_port}",
            "--secrets.files",
            str(folder / "secrets.toml"),
        ],
        env,
        folder / "app.log",
        f"{app_url}/_stcore/health",
    )
    yield app_url, provider_url, env
    for process in (app, provider):
        process.terminate()
        process.wait(timeout=20)


def test_an_analyst_signs_in_through_the_provider_works_and_signs_out_and_the_app_fetches_nothing_outside(
    deployment, browser
):
    app_url, provider_url, env = deployment
    context = browser.new_context(**CONTEXT)
    outside: list[tuple[str, str]] = []  # (what was requested, the page that asked)
    record_outside(context, outside)
    context.add_init_script(COUNT_RUNS)  # for wait_idle
    page = context.new_page()

    page.goto(app_url)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{provider_url}/oauth2/authorize*")
    page.get_by_role("button", name=ANALYST).click()  # the mock provider's page: authorise as this user
    page.get_by_text("Signed in as").wait_for()
    wait_idle(page)
    assert page.url.startswith(app_url)
    sidebar = page.get_by_test_id("stSidebar")
    shown = sidebar.inner_text().replace("\u2060", "")  # word joiners keep addresses from becoming links
    assert "Ana Analyst" in shown and f"{ANALYST} · role: analyst · groups: desk-a" in shown

    page.get_by_label("Name", exact=True).fill("Upper Keldar (fictional)")
    page.get_by_role("button", name="Create situation").click()
    page.get_by_text("Created Upper Keldar (fictional).").wait_for()
    page.get_by_role("button", name="New assessment").click()
    page.get_by_role("heading", name="Assess").wait_for()
    wait_idle(page)
    # An admin takes the role away while the Save button is on screen: the click reruns only the workspace
    # (a fragment) with the button still enabled, and the package refuses the save.
    subprocess.run(
        [sys.executable, "-m", "r2p_risk", "users", "set-role", ANALYST, "viewer"], env=env, check=True, cwd=ROOT
    )
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("not allowed to save an assessment").wait_for()

    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{provider_url}/oauth2/end_session*")
    page.get_by_role("button", name="End session").click()  # the mock provider's page again
    page.get_by_role("button", name="Sign in").wait_for()
    assert page.url.startswith(app_url)
    context.close()

    from r2p_risk.storage.database import open_database

    database = open_database(env["R2P_RISK_DATABASE_URL"])
    assert [(e.actor, e.action) for e in database.list_audit(action="situation.")] == [(ANALYST, "situation.create")]
    assert database.list_audit(action="assessment.") == []
    assert database.user(ANALYST).name == "Ana Analyst"
    # The mock provider's own pages load a style sheet from a CDN (it is test-only and works without it);
    # everything the app's pages asked for stayed on this machine.
    assert [url for url, asker in outside if not asker.startswith(provider_url)] == []
