"""Roles and restricted situations in the app of a team deployment (AppTest, OIDC sign-in simulated): what each
role is shown, that the package refuses what the screen would not offer, the Users and Audit screens."""

import datetime as dt

import pytest
from helpers import edit_ratings
from signin_app import (
    AUTH,
    PAGES,
    assert_clean,
    claims,
    keys,
    open_page,
    shown,
    signed_in,
    team_deployment,  # noqa: F401 (the team_url fixture)
    unjoined,
)
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.errors import AppTestError

from r2p_risk import editing
from r2p_risk.storage.database import open_database
from r2p_risk.ui import state
from r2p_risk.ui.state import EditSession

TAMARIS = "Northern Tamaris (fictional)"


@pytest.fixture
def examples(team_url):
    """Ann (the first to sign in, so admin) has loaded the fictional examples; the database."""
    signed_in("ann@example.org", "Ann Admin").button(key=state.LOAD_EXAMPLES).click().run()
    return open_database(team_url)


def tamaris(database):
    return next(s for s in database.list_situations() if s.name == TAMARIS)


def test_a_viewer_is_shown_no_control_that_would_change_anything(examples):
    bob = signed_in("bob@example.org")
    situation = tamaris(examples)
    assert not {state.LOAD_EXAMPLES, state.CREATE_SITUATION} & keys(bob)
    bob.selectbox(key=state.OPEN_SITUATION).select(situation.id).run()
    assert not {state.NEW_ASSESSMENT, state.COPY_ASSESSMENT, state.DELETE_SITUATION} & keys(bob)
    bob.button(key=state.OPEN_ASSESSMENT).click().run()  # reading an assessment is allowed
    assert bob.title[0].value == "Assess"
    assert bob.button(key=state.SAVE_ASSESSMENT).disabled and state.RESTORE_BUTTON not in keys(bob)
    edit_ratings(bob, "1.1", level=0)  # trying ratings is allowed
    assert bob.session_state[state.DRAFT].assessment.rating_for("1.1").level == 0
    with pytest.raises(AppTestError, match="disabled"):  # as in a browser, a disabled button cannot be clicked
        bob.button(key=state.SAVE_ASSESSMENT).click()
    bob = open_page(bob, "recommendations")
    bob.checkbox(
        key=next(box.key for box in bob.checkbox if box.key.startswith(state.select_tool_key("")))
    ).check().run()
    assert state.SAVE_TOOL_SELECTION not in keys(bob) and any("analyst role" in c.value for c in bob.caption)
    bob = open_page(bob, "transfer")
    assert state.IMPORT_FILES not in keys(bob, "file_uploader") and "analyst role" in bob.info[0].value
    assert_clean(bob)
    assert examples.latest_revision(bob.session_state[state.DRAFT].assessment.id) == 1


def save_without_the_screen():
    """The app's save path called directly for the signed-in user, with no button in the way."""
    from r2p_risk.ui import identity, saving, services, state

    identity.sign_in(services.settings(), services.engine_database())
    saving.save(state.editing(), None)


def test_a_viewer_cannot_save_even_when_the_screen_is_bypassed(examples):
    situation = tamaris(examples)
    before = examples.list_assessments(situation.id)
    at = AppTest.from_function(save_without_the_screen, default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = claims("bob@example.org")
    at.session_state[state.DRAFT] = EditSession(
        "forged", situation.id, editing.new_assessment("Bob", dt.date(2026, 5, 1)), None, True
    )
    at.run()
    assert any("not allowed to save an assessment" in e.value for e in at.error), [e.value for e in at.error]
    assert examples.list_assessments(situation.id) == before
    assert examples.list_audit(actor="bob@example.org", action="assessment.save") == []


def test_an_analyst_demoted_while_editing_loses_save_at_the_next_click_and_keeps_the_edit(examples):
    """(When the click reruns only the workspace fragment, the stale Save button is refused by the package:
    tests/test_signin_browser.py, since AppTest always reruns the whole script.)"""
    examples.set_role("bob@example.org", "analyst", "test")
    bob = signed_in("bob@example.org")
    bob.selectbox(key=state.OPEN_SITUATION).select(tamaris(examples).id).run()
    bob.button(key=state.NEW_ASSESSMENT).click().run()
    assert not bob.button(key=state.SAVE_ASSESSMENT).disabled
    examples.set_role("bob@example.org", "viewer", "ann@example.org")  # meanwhile, an admin takes the role away
    bob.button(key=state.SAVE_ASSESSMENT).click().run()  # the button this session still showed
    assert bob.button(key=state.SAVE_ASSESSMENT).disabled and "role: viewer" in bob.sidebar.caption[0].value
    assert len(examples.list_assessments(tamaris(examples).id)) == 3
    assert bob.session_state[state.DRAFT].assessment.id is None and bob.session_state[state.DRAFT].dirty


def test_an_admin_makes_a_viewer_an_analyst_who_can_then_save(examples):
    bob = signed_in("bob@example.org", "Bob Analyst")
    ann = open_page(signed_in("ann@example.org", "Ann Admin"), "users")
    assert "bob@example.org" in ann.dataframe[0].value["identity"].tolist()
    ann.selectbox(key=state.USER_PICK).select("bob@example.org").run()
    ann.radio(key=state.user_role_key("bob@example.org")).set_value("analyst").run()
    ann.button(key=state.SET_ROLE).click().run()
    assert "bob@example.org is now analyst" in unjoined(ann.success[0].value)
    bob.run()
    assert "role: analyst" in bob.sidebar.caption[0].value
    bob.selectbox(key=state.OPEN_SITUATION).select(tamaris(examples).id).run()
    bob.button(key=state.NEW_ASSESSMENT).click().run()
    bob.button(key=state.SAVE_ASSESSMENT).click().run()
    assert_clean(bob)
    saved = examples.load_assessment(bob.session_state[state.DRAFT].assessment.id)
    assert saved.analyst == "Bob Analyst"
    assert examples.list_revisions(saved.id)[0].saved_by == "bob@example.org"


def test_the_last_admin_can_neither_demote_nor_disable_themselves(examples):
    ann = open_page(signed_in("ann@example.org"), "users")
    ann.selectbox(key=state.USER_PICK).select("ann@example.org").run()
    assert ann.button(key=state.TOGGLE_USER).disabled
    ann.radio(key=state.user_role_key("ann@example.org")).set_value("viewer").run()
    ann.button(key=state.SET_ROLE).click().run()
    assert "last enabled admin" in ann.error[0].value
    assert examples.user("ann@example.org").role == "admin"


def test_a_situation_restricted_to_a_group_is_seen_by_its_members_only(examples):
    situation = tamaris(examples)
    ina, otto = signed_in("ina@example.org", groups=["desk-a"]), signed_in("otto@example.org", groups=["desk-b"])
    ann = open_page(signed_in("ann@example.org"), "users")
    ann.selectbox(key=state.ACCESS_SITUATION).select(situation.id).run()
    assert "Open to every signed-in user" in shown(ann)
    ann.multiselect(key=state.access_groups_key(situation.id)).select("desk-a").run()
    ann.button(key=state.SAVE_ACCESS).click().run()
    assert [(r.kind, r.principal) for r in examples.situation_access(situation.id)] == [("group", "desk-a")]
    for page in PAGES:
        assert TAMARIS not in shown(open_page(otto, page)), page
        assert not otto.exception
    for page in ("situations", "profile", "recommendations", "compare", "transfer"):
        assert TAMARIS in shown(open_page(ina, page)), page
    ann.button(key=state.OPEN_ACCESS).click().run()
    assert TAMARIS in shown(open_page(otto, "compare"))


def test_the_audit_screen_lists_changes_with_who_made_them_and_offers_the_csv(examples):
    examples.set_role("bob@example.org", "analyst", "ann@example.org")
    bob = signed_in("bob@example.org")
    bob.selectbox(key=state.OPEN_SITUATION).select(tamaris(examples).id).run()
    bob.button(key=state.NEW_ASSESSMENT).click().run()
    bob.button(key=state.SAVE_ASSESSMENT).click().run()
    ann = open_page(signed_in("ann@example.org"), "audit")
    assert_clean(ann)
    table = ann.dataframe[0].value
    assert {"ann@example.org", "bob@example.org"} <= set(table["actor"])
    assert {"situation.create", "assessment.save", "user.set_role"} <= set(table["action"])
    ann.selectbox(key=state.AUDIT_ACTOR).select("bob@example.org").run()
    assert set(ann.dataframe[0].value["actor"]) == {"bob@example.org"}
    assert list(ann.dataframe[0].value["action"]) == ["assessment.save", "user.bind"]  # his first sign-in bound him
    assert list(ann.dataframe[0].value["situation"]) == [TAMARIS, ""]
    ann.selectbox(key=state.AUDIT_ACTION).select("user.set_role").run()
    assert ann.dataframe[0].value.empty  # bob changed no roles
    ann.selectbox(key=state.AUDIT_ACTOR).select(None).run()
    assert list(ann.dataframe[0].value["after"]) == ['{"role": "analyst"}']
    today = dt.datetime.now(dt.UTC).date()
    ann.date_input(key=state.AUDIT_DATES).set_value((today - dt.timedelta(days=9), today - dt.timedelta(days=1))).run()
    assert ann.dataframe[0].value.empty
    assert keys(ann) == {state.SIGN_OUT, state.PREPARE_AUDIT} and not ann.get(
        "data_editor"
    )  # nothing on it changes the record
    ann.button(key=state.PREPARE_AUDIT).click().run()
    assert ann.download_button(key=state.DOWNLOAD_AUDIT).label == "Save the CSV"
    [event] = examples.list_audit(action="export")
    assert (event.actor, event.after["of"]) == ("ann@example.org", "audit trail")
