"""The Streamlit app through the real runtime (AppTest), on real SQLite files. Widgets found by key."""

from pathlib import Path

import pytest
import streamlit as st
from helpers import edit_ratings, table_row
from streamlit.testing.v1 import AppTest

from r2p_risk.rating_table import LEVEL_CELLS
from r2p_risk.storage.database import open_database
from r2p_risk.ui import state

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ["situations", "assess", "profile", "recommendations", "compare", "transfer", "framework", "audit"]


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    monkeypatch.setenv("R2P_RISK_DATABASE_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield url
    st.cache_resource.clear()


def new_session(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if query:
        at.query_params.update(query)
    return at.run()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def open_page(at: AppTest, page: str) -> AppTest:
    return at.switch_page(f"r2p_risk/ui/pages/{page}.py").run()


def create_situation(at: AppTest, name="Upper Keldar (fictional)", country=None) -> str:
    """A situation through the form; fictional and with no country, as test data with scores must be."""
    at.text_input(key=state.NEW_SITUATION_NAME).input(name)
    if country:
        at.selectbox(key=state.NEW_SITUATION_COUNTRY).select(country)
    at.text_input(key=state.NEW_SITUATION_TAGS).input("Sahel, priority")
    at.button(key=state.CREATE_SITUATION).click().run()
    assert_clean(at)
    return at.session_state[state.SITUATION]


def rate(at: AppTest, indicator: str, level: int) -> AppTest:
    """Go to the indicator's risk factor and set its level in the table."""
    return edit_ratings(at, indicator, level=level)


def sign(at: AppTest, name="Ana Analyst") -> AppTest:
    return at.sidebar.text_input(key=state.ANALYST).input(name).run()


@pytest.fixture(autouse=True)
def local_mode(monkeypatch):
    monkeypatch.delenv("R2P_RISK_AUTH", raising=False)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_an_empty_database(database_url, page):
    at = open_page(new_session(), page)
    assert_clean(at)
    assert at.title


def test_every_page_renders_with_the_examples_loaded(database_url):
    at = new_session()
    at.button(key=state.LOAD_EXAMPLES).click().run()
    assert "fictional" in at.success[0].value
    situations = open_database(database_url).list_situations()
    assert len(situations) == 3 and all("fictional" in s.tags for s in situations)
    at.selectbox(key=state.OPEN_SITUATION).select(situations[0].id).run()
    sign(at)
    at.button(key=state.OPEN_ASSESSMENT).click().run()
    charts = {}
    for page in PAGES:
        assert_clean(open_page(at, page))
        charts[page] = len(at.get("plotly_chart"))
    assert charts["profile"] >= 1 and charts["compare"] >= 2


def test_rate_save_and_find_the_ratings_in_a_new_session(database_url):
    at = sign(new_session())
    situation_id = create_situation(at)
    at.button(key=state.NEW_ASSESSMENT).click().run()
    assert at.title[0].value == "Assess"
    edit_ratings(at, "1.1", level=3, confidence="high")
    assert (
        at.session_state[state.DRAFT_HOLDER].session == at.session_state[state.DRAFT]
    )  # what the snapshot download reads
    assert any("1 of 11 indicators rated" in m.value and "unsaved changes" in m.value for m in at.markdown)
    assert table_row(at, "1.1")["level"] == LEVEL_CELLS[3]
    at.text_input(key=state.SOURCE_FIELDS["title"]).input("UN report")
    at.text_input(key=state.SOURCE_FIELDS["url"]).input("https://example.org/r")
    at.selectbox(key=state.SOURCE_FIELDS["grade"]).select("B")
    at.button(key=state.ADD_SOURCE).click().run()
    edit_ratings(
        at, "1.1", evidence="Shelling of Grubačić market; <script>x</script>", sources=["UN report", "Radio Keldar"]
    )
    assert [s.title for s in open_database(database_url).library_sources(situation_id)] == ["Radio Keldar", "UN report"]
    at.selectbox(key=state.FACTOR).select(11).run()
    assert any("incomplete" in w.value for w in at.warning)
    edit_ratings(at, 11, level=2)
    at.button(key=state.SAVE_ASSESSMENT).click().run()
    assert_clean(at)
    assert "Saved revision 1" in at.success[0].value

    assessment_id = at.session_state[state.DRAFT].assessment.id
    stored = open_database(database_url).load_assessment(assessment_id)
    rating = stored.rating_for("1.1")
    assert (rating.level, rating.confidence, rating.sources[0].url, rating.sources[0].reliability) == (
        3,
        "high",
        "https://example.org/r",
        "B",
    )
    assert rating.sources[1].title == "Radio Keldar" and rating.evidence.startswith("Shelling")
    assert stored.factor_rating_for(11).level == 2

    again = new_session({"assessment": assessment_id})  # a reload: a fresh session with the link
    assert_clean(again)
    again = open_page(again, "assess")
    assert table_row(again, "1.1")["level"] == LEVEL_CELLS[3] and table_row(again, "1.1")["confidence"] == "high"
    assert list(table_row(again, "1.1")["sources"]) == ["UN report", "Radio Keldar"]
    assert "Grubačić" in table_row(again, "1.1")["evidence"]
    assert open_database(database_url).situation_of(assessment_id) == situation_id


def test_an_edit_the_browser_sends_just_after_a_save_is_kept(database_url):
    """A cell committed as Save is clicked can reach the app after the save: the table the browser edited is the one
    still drawn (same widget), so the edit lands in the next draft, shown as unsaved, not in a table drawn no more."""
    at = sign(new_session())
    create_situation(at)
    at.button(key=state.NEW_ASSESSMENT).click().run()
    rate(at, "1.1", 2)
    key = state.ratings_key(1, session=at.session_state)
    widget = at.data_editor(key=key).id
    at.button(key=state.SAVE_ASSESSMENT).click().run()
    assert "Saved revision 1" in at.success[0].value
    assert state.ratings_key(1, session=at.session_state) == key and at.data_editor(key=key).id == widget
    edit_ratings(at, "1.2", evidence="Committed as Save was clicked")
    assert_clean(at)
    draft = at.session_state[state.DRAFT]
    assert draft.dirty and draft.assessment.revision == 1
    assert (draft.assessment.rating_for("1.1").level, draft.assessment.rating_for("1.2").evidence) == (
        2,
        "Committed as Save was clicked",
    )
    assert any("unsaved changes" in m.value for m in at.markdown)


def test_a_bad_web_address_for_a_library_source_is_refused_in_words(database_url):
    at = sign(new_session())
    situation_id = create_situation(at)
    at.button(key=state.NEW_ASSESSMENT).click().run()
    at.text_input(key=state.SOURCE_FIELDS["title"]).input("Leaflet")
    at.text_input(key=state.SOURCE_FIELDS["url"]).input("javascript:alert(1)")
    at.button(key=state.ADD_SOURCE).click().run()
    assert any("source.url" in e.value and "http" in e.value for e in at.error)
    assert open_database(database_url).library_sources(situation_id) == []


def test_saving_without_a_name_asks_for_it(database_url):
    at = new_session()
    create_situation(at)
    at.button(key=state.NEW_ASSESSMENT).click().run()
    at.button(key=state.SAVE_ASSESSMENT).click().run()
    assert any("Your name" in e.value for e in at.error)


def test_the_second_of_two_tabs_gets_a_conflict_and_loses_nothing(database_url):
    first = sign(new_session())
    create_situation(first)
    first.button(key=state.NEW_ASSESSMENT).click().run()
    first.button(key=state.SAVE_ASSESSMENT).click().run()
    assessment_id = first.session_state[state.DRAFT].assessment.id

    second = sign(new_session({"assessment": assessment_id}), "Bo Analyst")
    second = open_page(second, "assess")
    rate(first, "2.1", 2)
    first.button(key=state.SAVE_ASSESSMENT).click().run()
    rate(second, "3.1", 1)
    rate(second, "2.1", 3)  # the same field as the first tab's edit, differently
    second.button(key=state.SAVE_ASSESSMENT).click().run()
    assert any("Ana Analyst" in w.value for w in second.warning), [w.value for w in second.warning]
    assert second.session_state[state.DRAFT].assessment.rating_for("3.1").level == 1  # the edit is still there
    assert second.button(key=state.CONFLICT_SAVE_MERGE).disabled, "a choice is needed where both changed the same field"
    second.radio(key=state.merge_choice_key("indicator:2.1:level")).set_value("mine").run()
    second.button(key=state.CONFLICT_SAVE_MERGE).click().run()
    assert_clean(second)
    database = open_database(database_url)
    assert [r.revision for r in database.list_revisions(assessment_id)] == [3, 2, 1]
    merged = database.load_assessment(assessment_id)
    assert (merged.rating_for("3.1").level, merged.rating_for("2.1").level) == (1, 3), "mine where both changed"
    assert merged.rating_for("2.1").confidence is None and "Saved revision 3" in second.success[0].value


def test_a_conflict_keeps_both_sides_where_they_touch_different_fields(database_url):
    first = sign(new_session())
    create_situation(first)
    first.button(key=state.NEW_ASSESSMENT).click().run()
    first.button(key=state.SAVE_ASSESSMENT).click().run()
    assessment_id = first.session_state["draft"].assessment.id
    second = open_page(sign(new_session({"assessment": assessment_id}), "Bo Analyst"), "assess")
    edit_ratings(first, "2.1", level=2, evidence="Their evidence")
    first.button(key=state.SAVE_ASSESSMENT).click().run()
    edit_ratings(second, "2.1", confidence="high")
    rate(second, "5.1", 1)
    second.button(key=state.SAVE_ASSESSMENT).click().run()
    assert not second.button(key=state.CONFLICT_SAVE_MERGE).disabled
    assert not [r for r in second.radio if r.key.startswith("merge_choice:")], "nothing to choose"
    second.button(key=state.CONFLICT_SAVE_MERGE).click().run()
    merged = open_database(database_url).load_assessment(assessment_id)
    rating = merged.rating_for("2.1")
    assert (rating.level, rating.evidence, rating.confidence, merged.rating_for("5.1").level) == (
        2,
        "Their evidence",
        "high",
        1,
    )


def test_deleting_needs_confirmation_and_can_be_undone(database_url):
    at = sign(new_session())
    situation_id = create_situation(at)
    assert at.button(key=state.DELETE_SITUATION).disabled
    at.checkbox(key=state.CONFIRM_DELETE).check().run()
    at.button(key=state.DELETE_SITUATION).click().run()
    database = open_database(database_url)
    assert database.list_situations() == []
    at.button(key=state.restore_situation_key(situation_id)).click().run()
    assert [s.id for s in database.list_situations()] == [situation_id]


def saved_revisions(*levels: int) -> AppTest:
    """A new assessment saved once per level of indicator 1.1, in order."""
    at = sign(new_session())
    create_situation(at)
    at.button(key=state.NEW_ASSESSMENT).click().run()
    for level in levels:
        rate(at, "1.1", level)
        at.button(key=state.SAVE_ASSESSMENT).click().run()
    return at


def test_an_older_revision_can_be_restored_as_a_new_one(database_url):
    at = saved_revisions(1, 3)
    at.selectbox(key=state.RESTORE_REVISION).select(1).run()
    at.button(key=state.RESTORE_BUTTON).click().run()
    assessment_id = at.session_state[state.DRAFT].assessment.id
    database = open_database(database_url)
    assert database.latest_revision(assessment_id) == 3
    assert database.load_assessment(assessment_id).rating_for("1.1").level == 1
    assert table_row(at, "1.1")["level"] == LEVEL_CELLS[1]


def test_copying_the_latest_assessment_keeps_its_ratings(database_url):
    at = new_session()
    at.button(key=state.LOAD_EXAMPLES).click().run()
    situation = next(s for s in open_database(database_url).list_situations() if "Tamaris" in s.name)
    at.selectbox(key=state.OPEN_SITUATION).select(situation.id).run()
    sign(at)
    at.button(key=state.COPY_ASSESSMENT).click().run()
    draft = at.session_state[state.DRAFT]
    assert draft.assessment.id is None and draft.assessment.status == "draft" and len(draft.assessment.ratings) == 110


# The Recommendations screen's flows are in tests/test_recommendations_screen.py.


def test_import_shows_the_plan_first_and_stores_only_on_confirmation(database_url):
    from helpers import EXAMPLES

    at = sign(open_page(new_session(), "transfer"))
    files = [(p.name, p.read_bytes(), "application/json") for p in sorted(EXAMPLES.glob("tamaris-*.json"))]
    uploader = at.file_uploader(key=state.IMPORT_FILES)
    for name, content, mime in files + [
        ("broken.json", b'{"format": "r2p-risk-snapshot", "schema_version": 1}', "application/json")
    ]:
        uploader.upload(name, content, mime)
    at.run()
    assert not at.exception and any("broken.json" in e.value for e in at.error)
    database = open_database(database_url)
    assert database.list_situations() == []  # nothing before confirming
    assert at.button(key=state.CONFIRM_IMPORT).disabled
    at.checkbox(key=state.IMPORT_SKIP_INVALID).check().run()
    at.button(key=state.CONFIRM_IMPORT).click().run()
    [situation] = database.list_situations()
    assert "Tamaris" in situation.name and len(database.list_assessments(situation.id)) == 3
    assert "Imported 3 snapshot(s)" in at.success[0].value


def test_bulk_export_offers_a_zip(database_url):
    at = new_session()
    at.button(key=state.LOAD_EXAMPLES).click().run()
    at = open_page(at, "transfer")
    at.button(key=state.PREPARE_EXPORT).click().run()
    assert not at.exception
    assert at.download_button(key=state.DOWNLOAD_EXPORT)


def test_local_mode_needs_no_sign_in_records_the_typed_name_and_has_no_users_screen(database_url):
    at = sign(new_session(), "Ana Analyst")
    assert at.sidebar.text_input(key=state.ANALYST).value == "Ana Analyst" and state.SIGN_OUT not in [
        b.key for b in at.button
    ]
    create_situation(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("r2p_risk/ui/pages/users.py")
    at = open_page(at, "audit")
    assert_clean(at)
    assert list(at.dataframe[0].value["actor"]) == ["Ana Analyst"]
    assert list(at.dataframe[0].value["action"]) == ["situation.create"]


def test_restoring_over_unsaved_table_edits_asks_first(database_url):
    at = saved_revisions(1, 2)
    rate(at, "1.1", 3)  # unsaved
    at.selectbox(key=state.RESTORE_REVISION).select(1).run()
    assert at.button(key=state.RESTORE_BUTTON).disabled and not at.checkbox(key=state.RESTORE_CONFIRM).value
    assessment_id = at.session_state[state.DRAFT].assessment.id
    assert open_database(database_url).latest_revision(assessment_id) == 2
    at.checkbox(key=state.RESTORE_CONFIRM).check().run()
    at.button(key=state.RESTORE_BUTTON).click().run()
    assert open_database(database_url).load_assessment(assessment_id).rating_for("1.1").level == 1
    assert table_row(at, "1.1")["level"] == LEVEL_CELLS[1] and not at.session_state[state.DRAFT].dirty


def test_a_reload_offers_the_unsaved_draft_and_restoring_it_loses_nothing(database_url):
    at = saved_revisions(1)
    edit_ratings(at, "1.2", level=2, evidence="Typed before the reload")
    at.text_area(key=state.detail_key("key_judgements", session=at.session_state)).input("Worse since March.").run()
    assessment_id = at.session_state["draft"].assessment.id
    again = open_page(new_session({"assessment": assessment_id}), "assess")  # a reload: a new session with the link
    assert_clean(again)
    assert any("Unsaved draft from" in w.value and "revision 1" in w.value for w in again.warning)
    assert "draft" not in again.session_state, "nothing opens until the analyst chooses"
    again.button(key=state.DRAFT_RESTORE).click().run()
    edit = again.session_state["draft"]
    assert edit.dirty and edit.base_revision == 1 and edit.assessment.key_judgements == "Worse since March."
    assert (
        table_row(again, "1.2")["evidence"] == "Typed before the reload"
        and table_row(again, "1.1")["level"] == LEVEL_CELLS[1]
    )
    again.button(key=state.SAVE_ASSESSMENT).click().run()
    assert open_database(database_url).load_assessment(assessment_id).rating_for("1.2").level == 2
    assert open_database(database_url).drafts("local") == [], "saved: the draft is done with"
    fresh = open_page(new_session({"assessment": assessment_id}), "assess")
    assert (
        not any("Unsaved draft" in w.value for w in fresh.warning)
        and fresh.session_state["draft"].assessment.revision == 2
    )


def test_a_discarded_draft_opens_the_saved_revision_and_a_new_assessment_survives_a_restart(database_url):
    at = saved_revisions(1)
    rate(at, "1.1", 3)
    assessment_id = at.session_state["draft"].assessment.id
    again = open_page(new_session({"assessment": assessment_id}), "assess")
    again.button(key=state.DRAFT_DISCARD).click().run()
    assert table_row(again, "1.1")["level"] == LEVEL_CELLS[1] and open_database(database_url).drafts("local") == []
    situations = open_page(again, "situations")
    situations.selectbox(key=state.OPEN_SITUATION).select(situations.session_state[state.SITUATION]).run()
    situations.button(key=state.NEW_ASSESSMENT).click().run()
    situations = open_page(situations, "assess")
    assert situations.query_params["draft"] == situations.session_state["draft"].edit_id
    rate(situations, "2.1", 2)  # a new assessment, never saved
    st.cache_resource.clear()  # a server restart: nothing of the old process is left
    restarted = new_session()  # and the user comes back at the start page
    assert_clean(restarted)
    restarted.button(key=state.restore_draft_key(open_database(database_url).drafts("local")[0].id)).click().run()
    restarted = open_page(restarted, "assess")
    restarted.selectbox(key=state.FACTOR).select(2).run()
    assert (
        table_row(restarted, "2.1")["level"] == LEVEL_CELLS[2]
        and restarted.session_state["draft"].assessment.id is None
    )


def test_the_typed_name_survives_a_reload(database_url):
    sign(new_session(), "Ana Grubačić")
    again = new_session()
    assert again.sidebar.text_input(key=state.ANALYST).value == "Ana Grubačić"


def test_an_empty_assessment_saves_and_is_listed_as_not_enough_assessed_everywhere(database_url):
    at = sign(new_session())
    situation_id = create_situation(at)
    at.button(key=state.NEW_ASSESSMENT).click().run()
    at.button(key=state.SAVE_ASSESSMENT).click().run()
    assert_clean(at)
    assert "Saved revision 1" in at.success[0].value and "Not enough assessed" in at.success[0].value
    situations = open_page(at, "situations")
    watch = situations.dataframe[0].value
    assert list(watch["status"]) == ["Not enough assessed"] and list(watch["risk_class"]) == ["Not determined"]
    assert "Not enough assessed" in situations.selectbox(key=state.PICK_ASSESSMENT).options[0]
    profile = open_page(at, "profile")
    assert "Not enough assessed" in profile.selectbox(key=state.pick_assessment_key("profile")).options[0]
    compare = open_page(at, "compare")
    assert "Not enough assessed" in list(compare.dataframe[0].value["status"])
    assert open_database(database_url).list_assessments(situation_id)[0].ratings == []


def test_a_click_on_a_watch_list_row_opens_that_situation(database_url):
    at = new_session()
    at.button(key=state.LOAD_EXAMPLES).click().run()
    situations = open_database(database_url).list_situations()
    second = at.session_state["watch_list_ids"][1]
    at.session_state["watch_list"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert at.session_state[state.SITUATION] == second and at.selectbox(key=state.OPEN_SITUATION).value == second
    name = next(s.name for s in situations if s.id == second)
    assert name in [h.value.replace("\\", "") for h in at.subheader]


def test_what_to_assess_next_is_drawn_once_opened_and_opens_the_risk_factor_of_its_first_indicator(database_url):
    at = sign(new_session())
    create_situation(at)
    at.button(key=state.NEW_ASSESSMENT).click().run()
    edit_ratings(at, "10.1", level=2)
    assert [e.label for e in at.expander if "assess next" in e.label] == ["What to assess next"]
    assert not [b for b in at.button if b.label.startswith("Open risk factor")]  # folded: not drawn
    at.session_state[state.ASSESS_NEXT] = True  # as a click on its label does
    at.run()
    assert_clean(at)
    opens = [b for b in at.button if b.label.startswith("Open risk factor")]
    assert 1 <= len(opens) <= 10
    assert any(c.value.startswith(f"The {len(opens)} unassessed indicators") for c in at.caption)
    first = opens[0]
    number = int(first.label.removeprefix("Open risk factor "))
    assert first.key.startswith(state.assess_next_key(""))
    edit_ratings(at, "10.2", level=1)  # an edit redraws the figures: the list stays open
    assert [b.label for b in at.button if b.label.startswith("Open risk factor")]
    assert at.session_state[state.FACTOR] != number  # a risk factor other than the one open
    at.button(key=first.key).click().run()
    assert at.session_state[state.FACTOR] == number
    assert any(h.value.startswith(f"Risk factor {number}:") for h in at.subheader)


def test_a_thin_alarm_and_a_recorded_finding_are_said_plainly_on_screen(database_url):
    at = sign(new_session())
    create_situation(at)
    at.button(key=state.NEW_ASSESSMENT).click().run()
    edit_ratings(at, "10.1", level=2)  # one manifesto
    assert any("status **Serious concern (provisional)**" in m.value and "1 of 143" in m.value for m in at.markdown)
    assert any(e.label.startswith("What to assess next") for e in at.expander)
    at = open_page(at, "profile")
    assert_clean(at)
    assert at.metric[0].value == "Serious concern (provisional)" and at.metric[1].value == "Not determined"
    assert any("Provisional" in w.value for w in at.warning)
    assert any("could be" in c.value for c in at.caption), "each crime's score comes with its range"
    assert any("not the UN's" in c.value and "R2P Monitor" in c.value for c in at.caption)

    at = open_page(at, "assess")
    at.selectbox(key=state.FINDING_NEW["crime"]).select("genocide")
    at.radio(key=state.FINDING_NEW["state"]).set_value("ongoing")
    at.text_area(key=state.FINDING_NEW["evidence"]).input(
        "Fictional: killings of the Vessany reported by the fictional commission."
    )
    at.button(key=state.FINDING_ADD).click().run()
    assert_clean(at)
    assert [f.crime for f in at.session_state[state.DRAFT].assessment.atrocity_findings] == ["genocide"]
    at = open_page(at, "profile")
    assert at.metric[0].value == "Current crisis", "a recorded ongoing finding is no provisional alarm"
    assert any("Recorded finding: Genocide ongoing" in t.value for t in at.text)


def test_a_finding_without_evidence_is_refused_and_nothing_is_recorded(database_url):
    at = sign(new_session())
    create_situation(at)
    at.button(key=state.NEW_ASSESSMENT).click().run()
    at.radio(key=state.FINDING_NEW["state"]).set_value("ended")
    at.button(key=state.FINDING_ADD).click().run()
    assert any("evidence" in e.value and "not recorded" in e.value for e in at.error)
    assert at.session_state[state.DRAFT].assessment.atrocity_findings == []
