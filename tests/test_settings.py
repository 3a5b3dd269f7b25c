"""Issue 16 (its settings and logging item, with issue 17): settings through pydantic-settings, every bad value a
problem naming its variable (exit 2, no traceback; a message in the app), and the operator's log: errors shown and
actions refused or denied, at the configured level, without evidence, names or identities."""

import logging
import subprocess
import sys

import pytest
import streamlit as st
from helpers import ROOT, make_assessment
from signin_app import (
    claims,
    session,
    team_deployment,  # noqa: F401 (the team_url fixture)
)
from streamlit.testing.v1 import AppTest

from r2p_risk import cli
from r2p_risk.assessment import Situation
from r2p_risk.errors import PermissionDenied
from r2p_risk.logs import configure_logging, user_ref
from r2p_risk.settings import Settings, SettingsError, load_settings
from r2p_risk.storage.database import open_database

BAD = [
    ("R2P_RISK_AUTH", "bogus", "Input should be 'none', 'oidc' or 'header'"),
    ("R2P_RISK_FRAMEWORKS_DIR", "/nonexistent", "/nonexistent is not a folder"),
    ("R2P_RISK_LOG_LEVEL", "chatty", "Input should be 'DEBUG', 'INFO', 'WARNING' or 'ERROR'"),
    ("R2P_RISK_MAX_UPLOAD_MB", "fifty", "valid integer"),
    ("R2P_RISK_MAX_RESTORE_MB", "0", "greater than or equal to 1"),
]


@pytest.mark.parametrize("variable, value, words", BAD, ids=[b[0] for b in BAD])
def test_a_bad_value_is_a_problem_naming_its_variable(monkeypatch, variable, value, words):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    [problem] = caught.value.problems
    assert problem.where == variable and words in problem.message and problem.code.startswith("bad_setting_")


def test_every_bad_value_is_reported_at_once_and_a_secret_never_shown(monkeypatch):
    monkeypatch.setenv("R2P_RISK_AUTH", "bogus")
    monkeypatch.setenv("R2P_RISK_MAX_UPLOAD_MB", "-1")
    monkeypatch.setenv("R2P_RISK_AUTH_PROXY_SECRET", "s3cr3t-value-that-must-not-show")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert [p.where for p in caught.value.problems] == ["R2P_RISK_AUTH", "R2P_RISK_MAX_UPLOAD_MB"]
    monkeypatch.setenv("R2P_RISK_AUTH", "header")
    monkeypatch.setenv("R2P_RISK_MAX_UPLOAD_MB", "50")
    assert "s3cr3t" not in repr(load_settings()) and "s3cr3t" not in str(load_settings().model_dump())


@pytest.mark.parametrize("value", ["", "none", " None "])
def test_an_empty_variable_counts_as_unset(monkeypatch, value):
    monkeypatch.setenv("R2P_RISK_AUTH", value)
    monkeypatch.setenv("R2P_RISK_LOG_LEVEL", "")
    assert (load_settings().auth, load_settings().log_level) == ("none", "INFO")


@pytest.mark.parametrize("variable, value, words", BAD, ids=[b[0] for b in BAD])
def test_the_command_line_reports_a_bad_setting_with_exit_2_and_no_traceback(
    monkeypatch, capsys, variable, value, words
):
    monkeypatch.setenv(variable, value)
    assert cli.main(["framework"]) == 2
    err = capsys.readouterr().err
    assert f"{variable}: " in err and words in err and "Traceback" not in err


def test_a_bad_setting_stops_the_installed_command_too():
    done = subprocess.run(
        [sys.executable, "-m", "r2p_risk", "framework"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "R2P_RISK_AUTH": "bogus"},
    )
    assert done.returncode == 2 and "R2P_RISK_AUTH: Input should be" in done.stderr and "Traceback" not in done.stderr


def test_the_app_shows_a_bad_setting_by_its_name_and_logs_it(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("R2P_RISK_DATABASE_URL", f"sqlite:///{tmp_path / 'app.sqlite3'}")
    monkeypatch.setenv("R2P_RISK_AUTH", "bogus")
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception and "R2P\\_RISK\\_AUTH" in at.error[0].value and not at.title
    assert "shown to the user: r2p-risk cannot start with these settings (bad_setting_literal_error)" in caplog.text


# --- the operator's log ------------------------------------------------------------------------------------------
def test_the_log_level_is_the_setting(monkeypatch):
    logger = configure_logging(Settings(log_level="warning").log_level)
    assert logger.level == logging.WARNING and not logging.getLogger("r2p_risk.storage").isEnabledFor(logging.INFO)
    assert (
        configure_logging("DEBUG") is logger
        and len([h for h in logger.handlers if type(h).__name__ == "_OperatorHandler"]) == 1
    )
    configure_logging("INFO")


def test_a_denied_action_is_logged_by_role_and_reference_without_identity_or_evidence(db, caplog):
    db.set_role("admin@example.org", "admin", "cli")
    viewer = db.as_user(db.ensure_user("vic@example.org", "Vic Viewer"))
    situation = db.create_situation(Situation(name="Secret desk file"), "admin@example.org")
    with caplog.at_level(logging.INFO, logger="r2p_risk"), pytest.raises(PermissionDenied):
        viewer.save_assessment(situation.id, make_assessment({"1.1": 3}, key_judgements="WITNESS NAME"), "Vic", None)
    assert f"denied: assessment.save for {user_ref('vic@example.org')} (role viewer)" in caplog.text
    for private in ("vic@example.org", "Vic Viewer", "WITNESS NAME", "Secret desk file"):
        assert private not in caplog.text


def test_a_refused_sign_in_is_logged_without_the_identity(team_url, caplog):
    open_database(team_url).ensure_user("ann@example.org")
    open_database(team_url).ensure_user("bob@example.org")
    open_database(team_url).disable_user("bob@example.org", "ann@example.org")
    with caplog.at_level(logging.INFO, logger="r2p_risk"):
        at = session(claims("bob@example.org", "Bob Smith")).run()
    assert "disabled" in at.error[0].value
    assert f"sign-in refused: {user_ref('bob@example.org')} is disabled" in caplog.text
    assert "bob@example.org" not in caplog.text and "Bob Smith" not in caplog.text
