"""Who is signed in to this session: nobody (single-user mode), the user of Streamlit's OIDC sign-in
(`st.login`), or the identity an authenticating reverse proxy puts in a request header.

`sign_in` runs at the top of every full run of app.py. It refuses to go on when the sign-in settings
are incomplete or unsafe, asks for a sign-in when there is none, registers the user (the first
becomes admin, later ones viewers) and keeps the `User` in this session's state only. The role
shown here decides which buttons appear; the package checks it again, from the database, on
every read and write (`Database.as_user`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import streamlit as st

from r2p_risk.access import LOCAL_USER, User, can
from r2p_risk.errors import Problem, R2PError
from r2p_risk.settings import Settings, check_cookie_secret
from r2p_risk.storage.database import Database
from r2p_risk.ui import state
from r2p_risk.ui.feedback import plain, show_problems

OIDC_KEYS = ("redirect_uri", "client_id", "client_secret", "server_metadata_url")  # besides cookie_secret


def sign_in(settings: Settings, database: Database) -> User:
    """The user of this session, signed in and registered; stops the script (with a message) otherwise."""
    if settings.auth == "none":
        return _keep(LOCAL_USER)
    if settings.auth == "oidc":
        identity, name, groups = _oidc_identity(settings)
    else:
        identity, name, groups = _header_identity(settings)
    user = database.ensure_user(identity, name, groups)
    if user.disabled:
        _refuse(f"The account {user.identity} is disabled. Ask an admin of this deployment to enable it.", settings)
    return _keep(user)


def current_user() -> User:
    """The user `sign_in` found for this session (app.py signs in before any page runs)."""
    user = st.session_state.get(state.USER)
    if user is None:
        raise RuntimeError("nobody is signed in: app.py calls identity.sign_in() before any page runs")
    return user


def allowed(action: str) -> bool:
    """Whether the signed-in user's role allows `action` (see r2p_risk.access.ACTIONS): for showing buttons."""
    return can(current_user(), action)


def identity_from_headers(headers: Mapping[str, str], settings: Settings) -> tuple[str, list[str]] | None:
    """The identity and groups an authenticating proxy set, or None when it set no identity."""
    identity = (headers.get(settings.auth_header) or "").strip()
    if not identity:
        return None
    return identity, _groups((headers.get(settings.auth_groups_header) or "").split(","))


def auth_settings_problems(auth: Mapping) -> list[Problem]:
    """What is missing or unsafe in the [auth] section of secrets.toml."""
    problems = [Problem("missing_setting", f"[auth] {key}", "is not set in secrets.toml") for key in OIDC_KEYS if not auth.get(key)]
    try:
        check_cookie_secret(auth.get("cookie_secret"))
    except R2PError as error:
        problems += error.problems
    return problems


def _oidc_identity(settings: Settings) -> tuple[str, str, list[str]]:
    problems = auth_settings_problems(_auth_secrets())
    if problems:
        show_problems(problems, "r2p-risk will not start: the sign-in settings are incomplete or unsafe")
        _stop()
    claims = st.user.to_dict()
    if not claims.get("is_logged_in"):
        _sign_in_page()
    identity = str(claims.get("email") or claims.get("sub") or "")
    if not identity.strip():
        _refuse("The identity provider sent neither an e-mail address nor a subject for this account.", settings)
    groups = claims.get(settings.auth_groups_claim) or []
    return identity, str(claims.get("name") or ""), _groups(groups.split(",") if isinstance(groups, str) else groups)


def _header_identity(settings: Settings) -> tuple[str, str, list[str]]:
    found = identity_from_headers(st.context.headers, settings)
    if found is None:
        _refuse(f"Nobody is signed in: the request carries no {settings.auth_header} header. Open r2p-risk through "
                "your organisation's sign-in proxy.", settings)
    identity, groups = found
    return identity, "", groups


def _auth_secrets() -> Mapping:
    if not st.secrets.load_if_toml_exists():
        return {}
    auth = st.secrets.get("auth", {})
    return auth if isinstance(auth, Mapping) else {}


def _groups(values: Iterable) -> list[str]:
    return sorted({str(value).strip() for value in values if str(value).strip()})


def _sign_in_page() -> None:
    st.title("r2p-risk")
    st.write("Sign in with your organisation's account to continue.")
    if st.button("Sign in", key="sign_in", type="primary"):
        st.login()
    _stop()


def _refuse(message: str, settings: Settings) -> None:
    st.error(plain(message), icon="⛔")
    if settings.auth == "oidc":
        st.button("Sign out", key="sign_out", on_click=st.logout)
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
