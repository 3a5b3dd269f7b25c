"""Signing in to a team deployment through the real app (AppTest): OIDC with `st.user` simulated, a proxy's
header, refused settings, first user admin, disabled users, and two users in one process sharing nothing."""

import secrets
from types import SimpleNamespace

import pytest
import streamlit.config as streamlit_config
import streamlit.runtime.context as streamlit_context
from helpers import edit_ratings
from signin_app import (
    AUTH,
    PAGES,
    assert_clean,
    claims,
    keys,
    open_page,
    session,
    shown,
    signed_in,
    team_deployment,  # noqa: F401 (the team_url fixture)
    unjoined,
)

from r2p_risk.errors import SignInRefused
from r2p_risk.settings import Settings
from r2p_risk.signin import header_mode_problems, identity_from_headers
from r2p_risk.storage.database import open_database
from r2p_risk.ui import state
from r2p_risk.ui.selection import SELECTION

TAMARIS = "Northern Tamaris (fictional)"


def test_a_visitor_who_is_not_signed_in_sees_only_the_sign_in_button(team_url):
    at = session({"is_logged_in": False}).run()
    assert_clean(at)
    assert keys(at) == {state.SIGN_IN}
    assert [t.value for t in at.title] == ["r2p-risk"]
    assert open_database(team_url).list_users() == []


@pytest.mark.parametrize(
    "auth, words",
    [
        ({**AUTH, "cookie_secret": "changeme"}, "cookie_secret"),
        ({**AUTH, "cookie_secret": "x7" * 8}, "at least 32"),
        ({k: v for k, v in AUTH.items() if k != "cookie_secret"}, "cookie_secret"),
        ({k: v for k, v in AUTH.items() if k != "client_id"}, "client_id"),
    ],
    ids=["common word", "short", "missing", "no client id"],
)
def test_start_up_is_refused_with_a_weak_or_missing_sign_in_setting(team_url, auth, words):
    at = session(claims("ann@example.org"), auth=auth).run()
    assert not at.exception
    [error] = at.error
    assert "will not start" in error.value and words in error.value.replace("\\", "")
    assert not keys(at) and not at.title  # no sign-in, no page
    assert open_database(team_url).list_users() == []


def test_the_first_user_is_admin_with_users_and_audit_and_the_next_a_viewer_without(team_url):
    ann = signed_in("Ann@Example.org", "Ann Admin", groups=["desk-a"])
    assert_clean(ann)
    assert "Ann Admin" in ann.sidebar.markdown[0].value
    assert "ann@example.org · role: admin · groups: desk-a" in unjoined(ann.sidebar.caption[0].value)
    assert state.SIGN_OUT in keys(ann)
    for page in ("users", "audit"):
        assert_clean(open_page(ann, page))
    bob = signed_in("bob@example.org")
    assert "role: viewer" in bob.sidebar.caption[0].value
    for page in ("users", "audit"):  # not in the navigation at all
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            bob.switch_page(f"r2p_risk/ui/pages/{page}.py")
    assert [(u.identity, u.role) for u in open_database(team_url).list_users()] == [
        ("ann@example.org", "admin"),
        ("bob@example.org", "viewer"),
    ]


def test_a_disabled_user_is_stopped_at_their_next_click(team_url):
    signed_in("ann@example.org")
    bob = signed_in("bob@example.org")
    ann = open_page(signed_in("ann@example.org"), "users")
    ann.selectbox(key=state.USER_PICK).select("bob@example.org").run()
    ann.button(key=state.TOGGLE_USER).click().run()
    assert "disabled" in ann.success[0].value
    bob.run()
    assert "disabled" in bob.error[0].value and keys(bob) == {state.SIGN_OUT} and not bob.title
    assert "signed_in_user" not in bob.session_state


def test_signing_out_returns_to_the_sign_in_button(team_url):
    ann = signed_in("ann@example.org")
    ann.button(key=state.SIGN_OUT).click().run()
    assert keys(ann) == {state.SIGN_IN}


# --- issue 17.1: a person is their provider account (issuer + subject); an e-mail counts only when verified -------
def test_an_unverified_email_of_the_preset_admin_signs_in_as_a_new_viewer_not_as_the_admin(team_url):
    database = open_database(team_url)
    database.set_role("admin@example.org", "admin", "cli:ops")  # named admin before anybody signed in
    mallory = session(claims("admin@example.org", "Mallory", sub="mallory-123", email_verified=False)).run()
    assert_clean(mallory)
    caption = unjoined(mallory.sidebar.caption[0].value)
    assert "role: viewer" in caption and "admin@example.org" not in caption
    for page in ("users", "audit"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            mallory.switch_page(f"r2p_risk/ui/pages/{page}.py")
    assert [(u.identity, u.role) for u in database.list_users()] == [
        ("admin@example.org", "admin"),
        ("oidc:127.0.0.1:mallory-123", "viewer"),
    ]


@pytest.mark.parametrize("verified", [False, "false", None, "yes"], ids=["false", "string false", "absent", "not true"])
def test_the_email_counts_only_when_the_provider_verified_it(team_url, verified):
    open_database(team_url).set_role("admin@example.org", "admin", "cli:ops")
    extra = {} if verified is None else {"email_verified": verified}
    at = session(
        {k: v for k, v in claims("admin@example.org", sub="s-1").items() if k != "email_verified"} | extra
    ).run()
    assert "role: viewer" in unjoined(at.sidebar.caption[0].value)


def test_a_verified_email_binds_the_preset_user_once_and_never_again_to_another_account(team_url):
    database = open_database(team_url)
    database.set_role("admin@example.org", "admin", "cli:ops")
    first = session(claims("Admin@Example.org", "The Admin", sub="real-admin", email_verified="true")).run()
    assert "admin@example.org · role: admin" in unjoined(first.sidebar.caption[0].value)
    again = session(claims("renamed@example.org", "The Admin", sub="real-admin")).run()  # a new e-mail, same account
    assert "admin@example.org · role: admin" in unjoined(again.sidebar.caption[0].value)
    other = session(claims("admin@example.org", "Other", sub="someone-else")).run()  # verified, but the user is bound
    assert "oidc:127.0.0.1:someone-else · role: viewer" in unjoined(other.sidebar.caption[0].value)
    assert [(e.action, e.target) for e in database.list_audit(action="user.")][::-1] == [
        ("user.set_role", "admin@example.org"),
        ("user.bind", "admin@example.org"),
        ("user.create", "oidc:127.0.0.1:someone-else"),
    ]


def test_a_token_without_issuer_or_subject_lets_nobody_in(team_url):
    at = session({k: v for k, v in claims("ann@example.org").items() if k != "sub"}).run()
    assert "sub" in at.error[0].value and not at.title and keys(at) == {state.SIGN_OUT}
    assert open_database(team_url).list_users() == []


# --- issue 17.2: a team database refuses single-user mode ------------------------------------------------------
@pytest.mark.parametrize("auth", [None, "", "none", "NONE"], ids=["unset", "empty", "none", "upper case"])
def test_a_database_holding_users_or_access_rules_refuses_single_user_mode(tmp_path, monkeypatch, auth):
    from test_app import new_session

    from r2p_risk.assessment import Situation

    url = f"sqlite:///{tmp_path / 'team.sqlite3'}"
    database = open_database(url)
    hidden = database.create_situation(Situation(name="Restricted desk file"), "ann")
    database.set_situation_access(hidden.id, "ann", users=["ann@example.org"])  # access rules, no user yet
    monkeypatch.setenv("R2P_RISK_DATABASE_URL", url)
    if auth is None:
        monkeypatch.delenv("R2P_RISK_AUTH", raising=False)
    else:
        monkeypatch.setenv("R2P_RISK_AUTH", auth)
    at = new_session().run()
    assert not at.exception and "R2P_RISK_AUTH" in at.error[0].value.replace("\\", "")
    assert not at.title and "Restricted desk file" not in shown(at) and "signed_in_user" not in at.session_state
    database.set_situation_access(hidden.id, "ann")  # no rules left, but a user
    database.ensure_user("ann@example.org")
    assert "R2P_RISK_AUTH" in new_session().run().error[0].value.replace("\\", "")


# --- issue 17.3: header mode trusts only the proxy: its secret, one value per header, no wildcard address --------
PROXY_SECRET = secrets.token_urlsafe(48)
SECRET_HEADER = ("X-R2P-Risk-Proxy-Secret", PROXY_SECRET)


def behind_proxy(**values) -> Settings:
    return Settings(auth="header", auth_proxy_secret=PROXY_SECRET, **values)


@pytest.mark.parametrize(
    "headers, expected",
    [
        (
            [SECRET_HEADER, ("X-Forwarded-Email", " eve@example.org "), ("X-Forwarded-Groups", "desk-b, desk-a,,")],
            ("eve@example.org", ["desk-a", "desk-b"]),
        ),
        ([SECRET_HEADER, ("x-forwarded-email", "eve@example.org")], ("eve@example.org", [])),
        ([SECRET_HEADER, ("X-Forwarded-Email", "  ")], None),
        ([SECRET_HEADER], None),
    ],
)
def test_identity_from_the_proxy_headers(headers, expected):
    assert identity_from_headers(headers, behind_proxy()) == expected


@pytest.mark.parametrize(
    "headers, code",
    [
        (
            [SECRET_HEADER, ("X-Forwarded-Email", "admin@example.org"), ("X-Forwarded-Email", "eve@example.org")],
            "repeated_header",
        ),
        ([SECRET_HEADER, ("X-Forwarded-Email", "admin@example.org, eve@example.org")], "repeated_header"),
        (
            [
                SECRET_HEADER,
                ("X-Forwarded-Email", "eve@example.org"),
                ("X-Forwarded-Groups", "admins"),
                ("X-Forwarded-Groups", "x"),
            ],
            "repeated_header",
        ),
        ([("X-Forwarded-Email", "admin@example.org")], "not_from_proxy"),
        ([("X-R2P-Risk-Proxy-Secret", "guess"), ("X-Forwarded-Email", "admin@example.org")], "not_from_proxy"),
        ([SECRET_HEADER, SECRET_HEADER, ("X-Forwarded-Email", "admin@example.org")], "not_from_proxy"),
    ],
    ids=["identity twice", "identity appended", "groups twice", "no secret", "wrong secret", "secret twice"],
)
def test_a_request_the_proxy_did_not_make_alone_is_refused(headers, code):
    with pytest.raises(SignInRefused) as refused:
        identity_from_headers(headers, behind_proxy())
    assert [p.code for p in refused.value.problems] == [code]


@pytest.mark.parametrize(
    "address, secret, codes",
    [
        ("127.0.0.1", PROXY_SECRET, []),
        ("unix:///run/r2p-risk/app.sock", None, []),
        ("unix:///run/r2p-risk/app.sock", PROXY_SECRET, []),
        ("0.0.0.0", PROXY_SECRET, ["wildcard_address"]),
        ("::", PROXY_SECRET, ["wildcard_address"]),
        (None, PROXY_SECRET, ["wildcard_address"]),
        ("127.0.0.1", None, ["missing_secret"]),
        ("127.0.0.1", "changeme", ["weak_secret", "weak_secret", "weak_secret"]),
        ("0.0.0.0", None, ["wildcard_address", "missing_secret"]),
    ],
    ids=lambda value: "strong-secret" if value == PROXY_SECRET else None,
)  # the same test ids in every xdist worker
def test_header_mode_starts_only_on_one_address_with_a_strong_secret_or_on_a_unix_socket(address, secret, codes):
    settings = Settings(auth="header", auth_proxy_secret=secret)
    assert [p.code for p in header_mode_problems(settings, address)] == codes


def proxy_headers(monkeypatch, headers: list[tuple[str, str]]) -> None:
    """What the proxy sent with the page's request: only Streamlit's source of st.context.headers is replaced."""
    monkeypatch.setattr(streamlit_context, "_get_client_context", lambda: SimpleNamespace(headers=headers))


@pytest.fixture
def header_mode(team_url, monkeypatch):
    monkeypatch.setenv("R2P_RISK_AUTH", "header")
    monkeypatch.setenv("R2P_RISK_AUTH_PROXY_SECRET", PROXY_SECRET)
    return team_url


def test_header_mode_signs_in_the_identity_the_proxy_sets(header_mode, monkeypatch):
    proxy_headers(
        monkeypatch, [SECRET_HEADER, ("x-forwarded-email", "Eve@Example.org"), ("X-Forwarded-Groups", "desk-a,desk-b")]
    )
    at = session({}, auth={}).run()  # no secrets.toml needed behind a proxy
    assert_clean(at)
    assert "eve@example.org · role: admin · groups: desk-a, desk-b" in unjoined(at.sidebar.caption[0].value)
    assert state.SIGN_OUT not in keys(at)  # signing out is the proxy's business


def test_header_mode_without_the_header_lets_nobody_in(header_mode, monkeypatch):
    proxy_headers(monkeypatch, [SECRET_HEADER, ("Host", "risk.example.org")])
    at = session(claims("mallory@example.org"), auth={}).run()
    assert "X-Forwarded-Email" in at.error[0].value and not at.title and not keys(at)
    assert open_database(header_mode).list_users() == []


@pytest.mark.parametrize(
    "headers",
    [
        [("X-Forwarded-Email", "admin@example.org")],
        [SECRET_HEADER, ("X-Forwarded-Email", "eve@example.org"), ("X-Forwarded-Email", "admin@example.org")],
    ],
    ids=["straight to the app", "appended by the proxy"],
)
def test_a_client_choosing_its_identity_gets_nobody_in(header_mode, monkeypatch, headers):
    open_database(header_mode).set_role("admin@example.org", "admin", "cli:ops")
    proxy_headers(monkeypatch, headers)
    at = session({}, auth={}).run()
    assert at.error and not at.title and not at.sidebar.caption
    assert [u.identity for u in open_database(header_mode).list_users()] == ["admin@example.org"]


@pytest.mark.parametrize(
    "address, secret, words",
    [
        ("0.0.0.0", PROXY_SECRET, "server.address"),
        ("127.0.0.1", "", "R2P_RISK_AUTH_PROXY_SECRET"),
    ],
    ids=["wildcard address", "no proxy secret"],
)
def test_header_mode_refuses_to_start_on_a_wildcard_address_or_without_the_secret(
    header_mode, monkeypatch, address, secret, words
):
    monkeypatch.setenv("R2P_RISK_AUTH_PROXY_SECRET", secret)
    proxy_headers(monkeypatch, [SECRET_HEADER, ("X-Forwarded-Email", "eve@example.org")])
    shipped = streamlit_config.get_option("server.address")
    assert shipped == "127.0.0.1"  # .streamlit/config.toml
    streamlit_config.set_option("server.address", address)
    try:
        at = session({}, auth={}).run()
    finally:
        streamlit_config.set_option("server.address", shipped)
    assert "will not start" in at.error[0].value and words in at.error[0].value.replace("\\", "")
    assert not at.title and open_database(header_mode).list_users() == []


# --- issue 8: isolation of two users' sessions in one server process ------------------------------------
def test_isolation_two_users_in_one_process_never_see_each_others_restricted_situations_drafts_or_selections(team_url):
    ann = signed_in("ann@example.org", "Ann Admin")
    ann.button(key=state.LOAD_EXAMPLES).click().run()
    database = open_database(team_url)
    tamaris = next(s for s in database.list_situations() if s.name == TAMARIS)
    hidden_assessment = database.list_assessments(tamaris.id)[-1].id
    carol, dan = signed_in("carol@example.org", groups=["desk-a"]), signed_in("dan@example.org", groups=["desk-b"])
    for who in ("carol@example.org", "dan@example.org"):
        database.set_role(who, "analyst", "test")
    database.set_situation_access(tamaris.id, "test", users=["carol@example.org"])

    carol.run().selectbox(key=state.OPEN_SITUATION).select(tamaris.id).run()
    carol.button(key=state.NEW_ASSESSMENT).click().run()
    edit_ratings(carol, "1.1", level=3)
    carol = open_page(carol, "recommendations")
    carol.selectbox(key=state.pick_situation_key("recommendations")).select(tamaris.id).run()
    tool = next(box.key for box in carol.checkbox if box.key.startswith(state.select_tool_key(""))).removeprefix(
        state.select_tool_key("")
    )
    carol.checkbox(key=state.select_tool_key(tool)).check().run()  # reruns only the selection bar, as in the browser
    carol.run()
    assert_clean(carol)
    assert TAMARIS in shown(carol)  # what dan must not see is on carol's screen

    dan = signed_in("dan@example.org", groups=["desk-b"], query={"assessment": hidden_assessment})  # a link he got
    assert "no longer exists" in dan.warning[0].value
    for page in PAGES:
        open_page(dan, page)
        assert not dan.exception
        assert TAMARIS not in shown(dan), page
    mine = {k: dan.session_state[k] for k in (state.DRAFT, state.SITUATION, SELECTION) if k in dan.session_state}
    assert state.DRAFT not in mine and mine.get(state.SITUATION) != tamaris.id
    assert not {"draft", hidden_assessment} & set(mine.get(SELECTION, {}))
    assert dan.session_state[state.USER].identity == "dan@example.org"

    carol.run()  # and the other way round: carol's edit is still hers, untouched by dan's session
    assert carol.session_state[state.USER].identity == "carol@example.org"
    assert carol.session_state[state.DRAFT].assessment.rating_for("1.1").level == 3
    assert tool in next(iter(carol.session_state[SELECTION].values()))
    assert database.list_assessments(tamaris.id)[-1].id == hidden_assessment  # nothing saved by anybody
