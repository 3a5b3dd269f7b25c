"""The Recommendations screen through the real runtime (AppTest): the best tools first and the rest one click
away, the tools held back with their condition, and the selection saved in one action, also while the
assessment is open on the Assess screen (issue 15, item 5)."""

from pathlib import Path

import pytest
import streamlit as st
from helpers import FRAMEWORKS, edit_ratings
from streamlit.testing.v1 import AppTest

from r2p_risk.recommend import recommend_tools
from r2p_risk.scoring import score_assessment
from r2p_risk.storage.database import open_database
from r2p_risk.storage.files import load_catalogue, load_model
from r2p_risk.ui import state

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("R2P_RISK_DATABASE_URL", url)
    monkeypatch.delenv("R2P_RISK_AUTH", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield url
    st.cache_resource.clear()


def session_with_examples(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.button(key=state.LOAD_EXAMPLES).click().run()
    if query:
        at.query_params.update(query)
        at.run()
    return at.sidebar.text_input(key=state.ANALYST).input("Ana Analyst").run()


def open_page(at: AppTest, page: str) -> AppTest:
    return at.switch_page(f"r2p_risk/ui/pages/{page}.py").run()


def tamaris(database_url):
    database = open_database(database_url)
    situation = next(s for s in database.list_situations() if "Tamaris" in s.name)
    return database, situation, database.list_assessments(situation.id)[-1]  # the latest, which the screen shows first


def ticks(at: AppTest) -> list[str]:
    return [
        box.key.removeprefix(state.select_tool_key(""))
        for box in at.checkbox
        if box.key.startswith(state.select_tool_key(""))
    ]


def tick(at: AppTest, tool: str) -> AppTest:
    """Tick a tool as the browser does: its callback reruns only the selection bar, which AppTest keeps alone in its
    tree; the run after it draws the whole screen again, as the browser still shows it."""
    at.checkbox(key=state.select_tool_key(tool)).check().run()
    assert any("selected for the briefing" in m.value for m in at.markdown) and not ticks(at)  # only the bar reran
    return at.run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_the_best_fitting_tools_come_first_grouped_and_the_rest_one_click_away(database_url):
    at = session_with_examples()
    _, situation, assessment = tamaris(database_url)
    at = open_page(at, "recommendations")
    at.selectbox(key=state.pick_situation_key("recommendations")).select(situation.id).run()
    assert_clean(at)
    model = load_model(FRAMEWORKS)
    catalogue = load_catalogue(FRAMEWORKS, model.framework)
    found = recommend_tools(
        score_assessment(assessment, model.framework, model.params),
        assessment,
        catalogue,
        model.framework,
        model.params,
    )
    assert sorted(ticks(at)) == sorted(r.tool_id for r in found.tools[: catalogue.ranking.shown])
    assert [h.value for h in at.subheader][:1] == ["Stage: Ongoing atrocities"]
    assert any("Why:" in m.value and "Fits the current stage: ongoing atrocities" in m.value for m in at.markdown)
    at.toggle(key=state.SHOW_ALL_TOOLS).set_value(True).run()
    assert sorted(ticks(at)) == sorted(r.tool_id for r in found.tools)


def test_tools_held_back_are_listed_with_the_condition_under_which_they_would_fit(database_url):
    at = open_page(session_with_examples(), "recommendations")
    database = open_database(database_url)
    varesia = next(s for s in database.list_situations() if "Varesia" in s.name)
    at.selectbox(key=state.pick_situation_key("recommendations")).select(varesia.id).run()
    assert_clean(at)
    held = next(e for e in at.expander if e.label.startswith("If the situation escalates"))
    assert any(
        "If the status reaches Imminent risk" in m.value and "Pressing for targeted sanctions" in m.value
        for m in held.markdown
    )
    assert "un_targeted_sanctions" not in ticks(at)


def test_ticked_tools_are_saved_in_one_action_and_the_screen_says_so(database_url):
    at = session_with_examples()
    database, situation, assessment = tamaris(database_url)
    at = open_page(at, "recommendations")
    at.selectbox(key=state.pick_situation_key("recommendations")).select(situation.id).run()
    first, second = ticks(at)[:2]
    tick(at, first)
    tick(at, second)
    assert any("2 tools selected for the briefing** (not saved yet)" in m.value for m in at.markdown)
    at.button(key=state.SAVE_TOOL_SELECTION).click().run()
    assert_clean(at)
    saved = database.load_assessment(assessment.id)
    assert saved.revision == 2 and sorted(saved.selected_tools) == sorted([first, second])
    assert [s.value for s in at.success] == [
        f"Saved the selection of 2 tools as revision 2 of the assessment of {assessment.assessed_on}."
    ]
    assert at.checkbox(key=state.select_tool_key(first)).value and state.SAVE_TOOL_SELECTION not in [
        b.key for b in at.button
    ]


def test_the_selection_is_saved_while_the_assessment_is_open_on_assess(database_url):
    at = session_with_examples()
    database, situation, assessment = tamaris(database_url)
    at.query_params["assessment"] = assessment.id
    at = open_page(at.run(), "assess")
    assert at.session_state[state.DRAFT].assessment.id == assessment.id and not at.session_state[state.DRAFT].dirty
    at = open_page(at, "recommendations")
    tool = ticks(at)[0]
    tick(at, tool)
    at.button(key=state.SAVE_TOOL_SELECTION).click().run()
    assert_clean(at)
    assert database.load_assessment(assessment.id).selected_tools == [tool]
    draft = at.session_state[state.DRAFT]
    assert draft.base_revision == 2 and draft.assessment.selected_tools == [tool] and not draft.dirty
    assert at.success[0].value.startswith("Saved the selection of 1 tools as revision 2")


def test_the_selection_is_saved_beside_unsaved_edits_on_assess_which_are_kept_and_save_without_conflict(database_url):
    at = session_with_examples()
    database, situation, assessment = tamaris(database_url)
    at.query_params["assessment"] = assessment.id
    at = open_page(at.run(), "assess")
    at = edit_ratings(at, "1.2", level=0)
    assert at.session_state[state.DRAFT].dirty
    at = open_page(at, "recommendations")
    assert at.selectbox(key=state.pick_assessment_key("recommendations")).value == "__draft__"
    tool = ticks(at)[0]
    tick(at, tool)
    at.button(key=state.SAVE_TOOL_SELECTION).click().run()
    assert_clean(at)
    stored = database.load_assessment(assessment.id)
    assert stored.revision == 2 and stored.selected_tools == [tool]
    assert stored.rating_for("1.2").level == assessment.rating_for("1.2").level  # the unsaved edit is not saved with it
    assert "Your unsaved edits on the Assess screen are kept" in at.success[0].value
    draft = at.session_state[state.DRAFT]
    assert draft.dirty and draft.base_revision == 2 and draft.assessment.selected_tools == [tool]
    assert draft.assessment.rating_for("1.2").level == 0
    at = open_page(at, "assess")
    at.button(key=state.SAVE_ASSESSMENT).click().run()
    assert_clean(at)
    final = database.load_assessment(assessment.id)
    assert final.revision == 3 and final.selected_tools == [tool] and final.rating_for("1.2").level == 0


def test_recommendations_filter_by_venue(database_url):
    at = open_page(session_with_examples(), "recommendations")
    at.selectbox(key=state.pick_situation_key("recommendations")).select(tamaris(database_url)[1].id).run()
    at.multiselect(key=state.FILTER_VENUE).select("human_rights_council").run()
    assert ticks(at) and all(t.startswith("hrc_") or t == "state_requested_investigation" for t in ticks(at)), ticks(at)
