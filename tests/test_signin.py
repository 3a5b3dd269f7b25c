"""Signing in to a team deployment through the real app (AppTest): OIDC with `st.user` simulated, a proxy's
header, refused settings, first user admin, disabled users, and two users in one process sharing nothing."""

from types import SimpleNamespace

import pytest
import streamlit.runtime.context as streamlit_context
from signin_app import AUTH, PAGES, assert_clean, keys, open_page, session, shown, signed_in
from signin_app import team_deployment  # noqa: F401 (the team_url fixture)

from conftest import edit_ratings
from r2p_risk.settings import Settings
from r2p_risk.storage.database import open_database
from r2p_risk.ui.identity import identity_from_headers

TAMARIS = "Northern Tamaris (fictional)"


def test_a_visitor_who_is_not_signed_in_sees_only_the_sign_in_button(team_url):
    at = session({"is_logged_in": False}).run()
    assert_clean(at)
    assert keys(at) == {"sign_in"}
    assert [t.value for t in at.title] == ["r2p-risk"]
    assert open_database(team_url).list_users() == []


@pytest.mark.parametrize("auth, words", [
    ({**AUTH, "cookie_secret": "changeme"}, "cookie_secret"),
    ({**AUTH, "cookie_secret": "x7" * 8}, "at least 32"),
    ({k: v for k, v in AUTH.items() if k != "cookie_secret"}, "cookie_secret"),
    ({k: v for k, v in AUTH.items() if k != "client_id"}, "client_id"),
], ids=["common word", "short", "missing", "no client id"])
def test_start_up_is_refused_with_a_weak_or_missing_sign_in_setting(team_url, auth, words):
    at = session({"is_logged_in": True, "email": "ann@example.org"}, auth=auth).run()
    assert not at.exception
    [error] = at.error
    assert "will not start" in error.value and words in error.value.replace("\\", "")
    assert not keys(at) and not at.title  # no sign-in, no page
    assert open_database(team_url).list_users() == []


def test_the_first_user_is_admin_with_users_and_audit_and_the_next_a_viewer_without(team_url):
    ann = signed_in("Ann@Example.org", "Ann Admin", groups=["desk-a"])
    assert_clean(ann)
    assert "Ann Admin" in ann.sidebar.markdown[0].value
    assert "ann@example.org · role: admin · groups: desk-a" in ann.sidebar.caption[0].value
    assert "sign_out" in keys(ann)
    for page in ("users", "audit"):
        assert_clean(open_page(ann, page))
    bob = signed_in("bob@example.org")
    assert "role: viewer" in bob.sidebar.caption[0].value
    for page in ("users", "audit"):  # not in the navigation at all
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            bob.switch_page(f"r2p_risk/ui/pages/{page}.py")
    assert [(u.identity, u.role) for u in open_database(team_url).list_users()] == [
        ("ann@example.org", "admin"), ("bob@example.org", "viewer")]


def test_a_disabled_user_is_stopped_at_their_next_click(team_url):
    signed_in("ann@example.org")
    bob = signed_in("bob@example.org")
    ann = open_page(signed_in("ann@example.org"), "users")
    ann.selectbox(key="user_pick").select("bob@example.org").run()
    ann.button(key="toggle_user").click().run()
    assert "disabled" in ann.success[0].value
    bob.run()
    assert "disabled" in bob.error[0].value and keys(bob) == {"sign_out"} and not bob.title
    assert "signed_in_user" not in bob.session_state


def test_signing_out_returns_to_the_sign_in_button(team_url):
    ann = signed_in("ann@example.org")
    ann.button(key="sign_out").click().run()
    assert keys(ann) == {"sign_in"}


# --- header mode: an authenticating proxy sets the identity header --------------------------------------
@pytest.mark.parametrize("headers, expected", [
    ({"X-Forwarded-Email": " eve@example.org ", "X-Forwarded-Groups": "desk-b, desk-a,,"}, ("eve@example.org", ["desk-a", "desk-b"])),
    ({"X-Forwarded-Email": "eve@example.org"}, ("eve@example.org", [])),
    ({"X-Forwarded-Email": "  "}, None),
    ({}, None),
])
def test_identity_from_the_proxy_headers(headers, expected):
    assert identity_from_headers(headers, Settings()) == expected


def proxy_headers(monkeypatch, headers: list[tuple[str, str]]) -> None:
    """What the proxy sent with the page's request: only Streamlit's source of st.context.headers is replaced."""
    monkeypatch.setattr(streamlit_context, "_get_client_context", lambda: SimpleNamespace(headers=headers))


def test_header_mode_signs_in_the_identity_the_proxy_sets(team_url, monkeypatch):
    monkeypatch.setenv("R2P_RISK_AUTH", "header")
    proxy_headers(monkeypatch, [("x-forwarded-email", "Eve@Example.org"), ("X-Forwarded-Groups", "desk-a,desk-b")])
    at = session({}, auth={}).run()  # no secrets needed behind a proxy
    assert_clean(at)
    assert "eve@example.org · role: admin · groups: desk-a, desk-b" in at.sidebar.caption[0].value
    assert "sign_out" not in keys(at)  # signing out is the proxy's business


def test_header_mode_without_the_header_lets_nobody_in(team_url, monkeypatch):
    monkeypatch.setenv("R2P_RISK_AUTH", "header")
    proxy_headers(monkeypatch, [("Host", "risk.example.org")])
    at = session({"is_logged_in": True, "email": "mallory@example.org"}, auth={}).run()
    assert "X-Forwarded-Email" in at.error[0].value and not at.title and not keys(at)
    assert open_database(team_url).list_users() == []


# --- issue 8: isolation of two users' sessions in one server process ------------------------------------
def test_isolation_two_users_in_one_process_never_see_each_others_restricted_situations_drafts_or_selections(team_url):
    ann = signed_in("ann@example.org", "Ann Admin")
    ann.button(key="load_examples").click().run()
    database = open_database(team_url)
    tamaris = next(s for s in database.list_situations() if s.name == TAMARIS)
    hidden_assessment = database.list_assessments(tamaris.id)[-1].id
    carol, dan = signed_in("carol@example.org", groups=["desk-a"]), signed_in("dan@example.org", groups=["desk-b"])
    for who in ("carol@example.org", "dan@example.org"):
        database.set_role(who, "analyst", "test")
    database.set_situation_access(tamaris.id, "test", users=["carol@example.org"])

    carol.run().selectbox(key="open_situation").select(tamaris.id).run()
    carol.button(key="new_assessment").click().run()
    edit_ratings(carol, "1.1", level=3)
    carol = open_page(carol, "recommendations")
    carol.selectbox(key="recommendations_situation").select(tamaris.id).run()
    tool = next(box.key for box in carol.checkbox if box.key.startswith("select_tool:")).split(":", 1)[1]
    carol.checkbox(key=f"select_tool:{tool}").check().run()  # reruns only the selection bar, as in the browser
    carol.run()
    assert_clean(carol)
    assert TAMARIS in shown(carol)  # what dan must not see is on carol's screen

    dan = signed_in("dan@example.org", groups=["desk-b"], query={"assessment": hidden_assessment})  # a link he got
    assert "no longer exists" in dan.warning[0].value
    for page in PAGES:
        open_page(dan, page)
        assert not dan.exception
        assert TAMARIS not in shown(dan), page
    mine = {k: dan.session_state[k] for k in ("draft", "situation_id", "tool_selection") if k in dan.session_state}
    assert "draft" not in mine and mine.get("situation_id") != tamaris.id
    assert not {"draft", hidden_assessment} & set(mine.get("tool_selection", {}))
    assert dan.session_state["signed_in_user"].identity == "dan@example.org"

    carol.run()  # and the other way round: carol's edit is still hers, untouched by dan's session
    assert carol.session_state["signed_in_user"].identity == "carol@example.org"
    assert carol.session_state["draft"].assessment.rating_for("1.1").level == 3
    assert tool in next(iter(carol.session_state["tool_selection"].values()))
    assert database.list_assessments(tamaris.id)[-1].id == hidden_assessment  # nothing saved by anybody
