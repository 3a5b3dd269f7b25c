"""Who is signed in to this session: nobody (single-user mode), the account of Streamlit's OIDC sign-in
(`st.login`), or the identity an authenticating reverse proxy puts in a request header.

`sign_in` runs at the top of every full run of app.py. It refuses to go on when the sign-in settings are
incomplete or unsafe (`r2p_risk.signin` has the rules), asks for a sign-in when there is none, registers
the user (the first becomes admin, later ones viewers) and keeps the `User` in this session's state only.
The role shown here decides which buttons appear; the package checks it again, from the database, on
every read and write (`Database.as_user`). Every refusal is logged for the operator, without identities.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import streamlit as st

from r2p_risk.access import LOCAL_USER, User, can
from r2p_risk.errors import Problem, R2PError, SignInRefused, StorageError
from r2p_risk.logs import problem_codes, user_ref
from r2p_risk.settings import Settings, check_cookie_secret
from r2p_risk.signin import (
    account_from_claims,
    groups_from,
    header_mode_problems,
    identity_from_headers,
    single_user_problems,
)
from r2p_risk.storage.database import Database
from r2p_risk.ui import state
from r2p_risk.ui.feedback import plain, show_problems, unreachable

log = logging.getLogger(__name__)
OIDC_KEYS = ("redirect_uri", "client_id", "client_secret", "server_metadata_url")  # besides cookie_secret
NOT_STARTING = "r2p-risk will not start: the sign-in settings are incomplete or unsafe"

__all__ = ["allowed", "auth_settings_problems", "current_user", "identity_from_headers", "sign_in"]


def sign_in(settings: Settings, database: Database) -> User:
    """The user of this session, signed in and registered; stops the script (with a message) otherwise."""
    if settings.auth == "none":
        _refuse_start(
            single_user_problems(settings, _holds_team_data(database)), "r2p-risk will not start in single-user mode"
        )
        return _keep(LOCAL_USER)
    try:
        user = _oidc_user(settings, database) if settings.auth == "oidc" else _header_user(settings, database)
    except SignInRefused as refused:
        log.warning("sign-in refused (%s mode): %s", settings.auth, problem_codes(refused.problems))
        _refuse(f"{refused.summary}: " + "; ".join(str(problem) for problem in refused.problems), settings)
    if user.disabled:
        log.warning("sign-in refused: %s is disabled", user_ref(user.identity))
        _refuse(f"The account {user.identity} is disabled. Ask an admin of this deployment to enable it.", settings)
    return _keep(user)


def _holds_team_data(database: Database) -> bool:
    """Whether the database is a team's; while it cannot be reached nothing in it can be read either, so the
    edit on screen stays usable (and downloadable), and the check is made again at the next run."""
    try:
        return database.holds_team_data()
    except StorageError as error:
        if not unreachable(error):
            raise
        return False


def current_user() -> User:
    """The user `sign_in` found for this session (app.py signs in before any page runs)."""
    user = st.session_state.get(state.USER)
    if user is None:
        raise RuntimeError("nobody is signed in: app.py calls identity.sign_in() before any page runs")
    return user


def allowed(action: str) -> bool:
    """Whether the signed-in user's role allows `action` (see r2p_risk.access.ACTIONS): for showing buttons."""
    return can(current_user(), action)


def auth_settings_problems(auth: Mapping) -> list[Problem]:
    """What is missing or unsafe in the [auth] section of secrets.toml."""
    problems = [
        Problem("missing_setting", f"[auth] {key}", "is not set in secrets.toml")
        for key in OIDC_KEYS
        if not auth.get(key)
    ]
    try:
        check_cookie_secret(auth.get("cookie_secret"))
    except R2PError as error:
        problems += error.problems
    return problems


def _oidc_user(settings: Settings, database: Database) -> User:
    _refuse_start(auth_settings_problems(_auth_secrets()), NOT_STARTING)
    claims: dict[str, Any] = st.user.to_dict()  # JSON claims, lists too (groups): wider than Streamlit's type
    if not claims.get("is_logged_in"):
        _sign_in_page()
    account = account_from_claims(claims)
    groups = claims.get(settings.auth_groups_claim) or []
    return database.sign_in_oidc(
        account, str(claims.get("name") or ""), groups_from(groups.split(",") if isinstance(groups, str) else groups)
    )


def _header_user(settings: Settings, database: Database) -> User:
    _refuse_start(header_mode_problems(settings, st.get_option("server.address")), NOT_STARTING)
    headers = st.context.headers
    found = identity_from_headers([(name, value) for name in headers for value in headers.get_all(name)], settings)
    if found is None:
        raise SignInRefused(
            [
                Problem(
                    "no_identity",
                    settings.auth_header,
                    "the request carries no identity; open r2p-risk through your organisation's sign-in proxy",
                )
            ],
            "Nobody is signed in",
        )
    identity, groups = found
    return database.ensure_user(identity, "", groups)


def _refuse_start(problems: list[Problem], summary: str) -> None:
    """Stop here, with every problem on screen and in the log, unless there is none."""
    if problems:
        log.error("%s: %s", summary, problem_codes(problems))
        show_problems(problems, summary)
        _stop()


def _auth_secrets() -> Mapping:
    if not st.secrets.load_if_toml_exists():
        return {}
    auth = st.secrets.get("auth", {})
    return auth if isinstance(auth, Mapping) else {}


def _sign_in_page() -> None:
    st.title("r2p-risk")
    st.write("Sign in with your organisation's account to continue.")
    if st.button("Sign in", key=state.SIGN_IN, type="primary"):
        st.login()
    _stop()


def _refuse(message: str, settings: Settings) -> None:
    st.error(plain(message), icon="⛔")
    if settings.auth == "oidc":
        st.button("Sign out", key=state.SIGN_OUT, on_click=st.logout)
    _stop()


def _stop() -> None:
    st.session_state.pop(state.USER, None)
    st.stop()


def _keep(user: User) -> User:
    previous = st.session_state.get(state.USER)
    if previous is not None and previous.identity != user.identity:
        st.session_state.clear()  # somebody else in this session now: nothing of the previous user stays
    st.session_state[state.USER] = user
    return user
