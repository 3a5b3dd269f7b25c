"""AppTest sessions of a team deployment: people signed in through OIDC (`st.user` simulated by AppTest)."""

import json
import re
import secrets
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ["situations", "assess", "profile", "recommendations", "compare", "transfer", "framework"]
ISSUER = "http://127.0.0.1:9400"
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": secrets.token_urlsafe(48),
    "client_id": "r2p-risk",
    "client_secret": secrets.token_urlsafe(24),
    "server_metadata_url": "http://127.0.0.1:9400/.well-known/openid-configuration",
}


@pytest.fixture(name="team_url")
def team_deployment(tmp_path, monkeypatch):
    """A team deployment (R2P_RISK_AUTH=oidc) on a new SQLite file; its URL."""
    url = f"sqlite:///{tmp_path / 'team.sqlite3'}"
    monkeypatch.setenv("R2P_RISK_DATABASE_URL", url)
    monkeypatch.setenv("R2P_RISK_AUTH", "oidc")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield url
    st.cache_resource.clear()


def session(user: dict, auth: dict | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = AUTH if auth is None else auth
    at.user = user
    at.query_params.update(query or {})
    return at


def claims(email: str, name: str = "", groups=(), **more) -> dict:
    """What the identity provider says of a signed-in account: its subject derived from the e-mail, which it
    verified."""
    return {
        "is_logged_in": True,
        "iss": ISSUER,
        "sub": f"sub-{email.lower()}",
        "email": email,
        "email_verified": True,
        "name": name,
        "groups": list(groups),
        **more,
    }


def signed_in(email: str, name: str = "", groups=(), query: dict | None = None) -> AppTest:
    """A new browser session of somebody signed in with the identity provider, after its first run."""
    return session(claims(email, name, groups), query=query).run()


def open_page(at: AppTest, page: str) -> AppTest:
    return at.switch_page(f"r2p_risk/ui/pages/{page}.py").run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def keys(at: AppTest, kind: str = "button") -> set[str]:
    return {w.key for w in at.get(kind) if w.key}


ESCAPED = re.compile(r"\\([\\`*_{}\[\]()<>#|~$&])")  # a character `feedback.plain` escaped for Markdown


def unjoined(text: str) -> str:
    """Text as people read it: without the invisible word joiners that keep addresses from becoming links."""
    return text.replace("\u2060", "")


def shown(at: AppTest) -> str:
    """Everything the session shows as text: messages, labels, options of pickers, tables and charts."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in at.get(kind)]
    for kind in ("selectbox", "multiselect", "radio"):
        for widget in at.get(kind):
            parts += [widget.label, *map(str, widget.options)]
    parts += [w.label for kind in ("button", "checkbox", "expander", "download_button") for w in at.get(kind)]
    parts += [frame.value.to_string() for frame in at.dataframe]
    parts += [ESCAPED.sub(r"\1", frame.value.to_string()) for frame in at.table]  # Markdown cells, text escaped
    parts += [json.dumps(json.loads(chart.proto.spec), ensure_ascii=False) for chart in at.get("plotly_chart")]
    return unjoined("\n".join(parts))
