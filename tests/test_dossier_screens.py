"""The Dossier, Review and Consensus screens and the watch list's new columns, through the real Streamlit runtime
(AppTest): widgets found by key; single-user mode on a SQLite file, and a team deployment with people signed in."""

import datetime as dt
from pathlib import Path

import pytest
import streamlit as st
from helpers import edit_ratings
from signin_app import (
    signed_in,
    team_deployment,  # noqa: F401 (the team_url fixture)
)
from streamlit.testing.v1 import AppTest

from r2p_risk.storage.database import open_database
from r2p_risk.ui import state

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ["dossier", "review", "consensus"]
TAMARIS = "Northern Tamaris (fictional)"


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("R2P_RISK_DATABASE_URL", url)
    monkeypatch.delenv("R2P_RISK_AUTH", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield url
    st.cache_resource.clear()


def new_session(name: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    if name:
        at.sidebar.text_input(key=state.ANALYST).input(name).run()
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    return at.switch_page(f"r2p_risk/ui/pages/{page}.py").run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def texts(at: AppTest) -> str:
    return "\n".join(
        str(e.value) for kind in ("markdown", "caption", "info", "warning", "success", "text") for e in at.get(kind)
    )


def dossier_key(at: AppTest, *parts) -> str:
    return state.dossier_key(*parts, session=at.session_state)


def create_and_start(at: AppTest, name: str = "Upper Keldar (fictional)") -> str:
    at.text_input(key=state.NEW_SITUATION_NAME).input(name)
    at.button(key=state.CREATE_SITUATION).click().run()
    at.button(key=state.NEW_ASSESSMENT).click().run()
    return at.session_state[state.SITUATION]


@pytest.mark.parametrize("page", PAGES)
def test_the_new_screens_render_on_an_empty_database_and_with_the_examples(database_url, page):
    at = open_page(new_session(), page)
    assert_clean(at)
    assert at.title[0].value == page.capitalize()
    at = new_session("Ana")
    at.button(key=state.LOAD_EXAMPLES).click().run()
    assert_clean(open_page(at, page))


def test_the_watch_list_and_compare_show_the_next_trigger_and_the_review(database_url):
    at = new_session("Ana")
    at.button(key=state.LOAD_EXAMPLES).click().run()
    frame = at.dataframe[0].value.set_index("situation")
    today = dt.date.today()
    referendum = (dt.date(2026, 12, 12) - today).days
    if referendum > 1:  # the examples' dates are fixed; the screen counts from today
        assert (
            frame.loc["Kessan Highlands, Federation of Orlavia (fictional)", "next_trigger"]
            == f"in {referendum} days: Constitutional referendum"
        )
    assert all(text.startswith(("due ", "⚠ due since", "⚠ not signed off")) for text in frame["review"])
    compare = open_page(at, "compare")
    assert "review" in compare.dataframe[0].value.columns


def test_an_analyst_writes_the_dossier_beside_the_ratings_and_saves_it_with_the_assessment(database_url):
    at = new_session("Ana Analyst")
    situation_id = create_and_start(at)
    edit_ratings(at, "8.8", level=2)
    at = open_page(at, "dossier")
    at.text_input(key=dossier_key(at, "population", "name")).input("Seltani of the river valleys")
    at.selectbox(key=dossier_key(at, "population", "identity")).select("religious")
    at.text_input(key=dossier_key(at, "population", "size")).input("about 40,000")
    at.multiselect(key=dossier_key(at, "population", "indicators")).select("9.1").select("7.14")
    at.button(key=dossier_key(at, "population", "add")).click().run()
    at.text_input(key=dossier_key(at, "trigger", "title")).input("Census")
    at.date_input(key=dossier_key(at, "trigger", "date")).set_value(dt.date.today() + dt.timedelta(days=12))
    at.multiselect(key=dossier_key(at, "trigger", "indicators")).select("8.8")
    at.button(key=dossier_key(at, "trigger", "add")).click().run()
    at.text_input(key=dossier_key(at, "perpetrator", "name")).input("Valley Guard")
    at.selectbox(key=dossier_key(at, "perpetrator", "kind")).select("militia")
    at.button(key=dossier_key(at, "perpetrator", "add")).click().run()
    at.text_area(key=dossier_key(at, "scenario", "worst_case")).input("Expulsions from the valleys").run()
    at.text_area(key=dossier_key(at, "narrative", "background")).input("A census is coming.").run()
    at.button(key=dossier_key(at, "developments", "seed")).click().run()
    assert_clean(at)
    assert "in 12 days" in texts(at) and "Seltani of the river valleys" in texts(at)
    at.button(key=state.DOSSIER_SAVE).click().run()
    assert_clean(at)
    assert "Saved revision 1" in at.success[0].value
    stored = open_database(database_url).list_assessments(situation_id)[0]
    dossier = stored.dossier
    assert (dossier.populations_at_risk[0].identity, dossier.populations_at_risk[0].indicators) == (
        "religious",
        ["9.1", "7.14"],
    )
    assert (dossier.triggers[0].title, dossier.triggers[0].indicators, dossier.perpetrators[0].kind) == (
        "Census",
        ["8.8"],
        "militia",
    )
    assert (
        dossier.scenario("worst_case") == "Expulsions from the valleys"
        and dossier.narrative.background == "A census is coming."
    )
    assert (
        len(dossier.developments_to_monitor) == 5 and stored.rating_for("8.8").level == 2
    )  # the ratings saved with it

    at.button(key=dossier_key(at, "populations_at_risk", 0, "remove")).click().run()
    assert (
        at.session_state[state.DRAFT].assessment.dossier.populations_at_risk == []
        and at.session_state[state.DRAFT].dirty
    )


def test_a_bad_item_is_refused_in_words_and_nothing_is_kept(database_url):
    at = open_page(new_session("Ana"), "situations")
    create_and_start(at)
    at = open_page(at, "dossier")
    at.button(key=dossier_key(at, "trigger", "add")).click().run()  # no title
    assert at.error and "title" in at.error[0].value and at.session_state[state.DRAFT].assessment.dossier.triggers == []


def test_a_team_reviews_with_four_eyes_comments_block_sign_off_until_resolved(team_url):
    database = open_database(team_url)
    for identity, role in (("ana@example.org", "analyst"), ("rita@example.org", "reviewer")):
        database.set_role(identity, role, "setup")
    ana = signed_in("ana@example.org", "Ana Analyst")
    create_and_start(ana)
    edit_ratings(ana, "7.14", level=2)
    ana.button(key=state.SAVE_ASSESSMENT).click().run()
    ana = open_page(ana, "review")
    assert state.REVIEW_SIGN_OFF not in {b.key for b in ana.button}  # analysts do not sign off
    ana.button(key=state.REVIEW_SUBMIT).click().run()
    assert_clean(ana)
    assert "Submitted for review" in ana.success[0].value

    rita = open_page(signed_in("rita@example.org", "Rita Reviewer"), "review")
    rita.radio(key=state.REVIEW_COMMENT_ON).set_value("indicator").run()
    rita.selectbox(key=state.review_comment_target_key("indicator")).select("7.14")
    rita.text_area(key=state.REVIEW_COMMENT_TEXT).input("Which broadcasts? Name the source.")
    rita.button(key=state.REVIEW_COMMENT_ADD).click().run()
    assert_clean(rita)
    assert (
        rita.button(key=state.REVIEW_SIGN_OFF).disabled
        and rita.button(key=state.REVIEW_SIGN_OFF).help == "1 comment(s) are open"
    )
    rita.button(key=state.REVIEW_RETURN).click().run()
    assert "Returned" in rita.success[0].value

    ana = open_page(ana, "review")
    comment = database.list_assessments(ana.session_state[state.SITUATION])[0].review.comments[0]
    ana.button(key=state.review_resolve_key(comment.id)).click().run()
    ana.button(key=state.REVIEW_SUBMIT).click().run()
    rita = open_page(rita, "review")
    assert not rita.button(key=state.REVIEW_SIGN_OFF).disabled
    rita.button(key=state.REVIEW_SIGN_OFF).click().run()
    assert_clean(rita)
    assert "Signed off" in rita.success[0].value
    final = database.list_assessments(ana.session_state[state.SITUATION])[0]
    assert (final.status, final.review.reviewer) == ("final", "rita@example.org")
    assert [e.action for e in reversed(database.list_audit(action="review."))] == [
        "review.submit",
        "review.comment",
        "review.return",
        "review.resolve",
        "review.submit",
        "review.sign_off",
    ]


def test_the_reviewer_who_edited_last_sees_why_she_cannot_sign_off(team_url):
    database = open_database(team_url)
    database.set_role("rita@example.org", "reviewer", "setup")
    rita = signed_in("rita@example.org", "Rita Reviewer")
    create_and_start(rita)
    edit_ratings(rita, "1.1", level=1)
    rita.button(key=state.SAVE_ASSESSMENT).click().run()
    rita = open_page(rita, "review")
    rita.button(key=state.REVIEW_SUBMIT).click().run()
    assert rita.button(key=state.REVIEW_SIGN_OFF).disabled
    assert (
        rita.button(key=state.REVIEW_SIGN_OFF).help == "you edited it last: another reviewer signs it off (four eyes)"
    )
    assert "Cannot sign off now" in texts(rita)


def test_two_analysts_rate_blind_see_the_consensus_and_the_lead_reconciles(database_url):
    ana = new_session("Ana")
    create_and_start(ana)
    ana = open_page(ana, "consensus")
    ana.button(key=state.CONSENSUS_OPEN).click().run()
    ana.button(key=state.CONSENSUS_JOIN).click().run()
    assert ana.title[0].value == "Assess"
    ana = open_page(ana, "assess")  # AppTest stays on the page it was switched to; the script switched to Assess
    edit_ratings(ana, "7.14", level=0)
    ana.button(key=state.SAVE_ASSESSMENT).click().run()
    ana = open_page(ana, "consensus")
    ana.button(key=state.CONSENSUS_SUBMIT).click().run()
    assert "Submitted" in ana.success[0].value and "appears once two analysts" in texts(ana)

    ben = open_page(new_session("Ben"), "consensus")
    ben.button(key=state.CONSENSUS_JOIN).click().run()
    ben = open_page(ben, "assess")
    edit_ratings(ben, "7.14", level=3)
    ben.button(key=state.SAVE_ASSESSMENT).click().run()
    ben = open_page(ben, "consensus")
    assert "You see their ratings once you submit yours" in texts(ben)
    ben.button(key=state.CONSENSUS_SUBMIT).click().run()
    assert "2 analysts; disagreement on 7.14" in texts(ben)
    assert state.CONSENSUS_RECONCILE not in {b.key for b in ben.button}  # Ana leads

    ana = open_page(ana, "consensus")
    analysts, factors, indicators = (frame.value for frame in ana.dataframe)
    rows = indicators.set_index("indicator")
    assert (rows.loc["7.14", "Ana"], rows.loc["7.14", "Ben"], rows.loc["7.14", "diverging"]) == ("0", "3", "Ana, Ben")
    assert "could be" in factors.set_index("risk_factor").loc["7", "Ana"]
    assert list(analysts["analyst"]) == ["Ana", "Ben"] and analysts["status"].iloc[0] == "Not enough assessed"
    ana.button(key=state.CONSENSUS_RECONCILE).click().run()
    assert_clean(ana)
    assert ana.title[0].value == "Assess" and ana.session_state[state.DRAFT].assessment.consensus.analysts == [
        "Ana",
        "Ben",
    ]
    ana = open_page(ana, "review")
    assert "Reconciled from independent ratings: 2 analysts; disagreement on 7.14" in texts(ana)
