"""The Streamlit app through the real runtime (AppTest), on real SQLite files. Widgets found by key."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from helpers import edit_ratings, evidence_of, table_row
from r2p_risk.rating_table import LEVEL_CELLS
from r2p_risk.storage.database import open_database

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


def key(at: AppTest, *parts) -> str:
    return ":".join([at.session_state["draft"].edit_id, *map(str, parts)])


def create_situation(at: AppTest, name="Upper Keldar (fictional)", country=None) -> str:
    """A situation through the form; fictional and with no country, as test data with scores must be."""
    at.text_input(key="new_situation_name").input(name)
    if country:
        at.selectbox(key="new_situation_country").select(country)
    at.text_input(key="new_situation_tags").input("Sahel, priority")
    at.button(key="FormSubmitter:new_situation-Create situation").click().run()
    assert_clean(at)
    return at.session_state["situation_id"]


def rate(at: AppTest, indicator: str, level: int) -> AppTest:
    """Go to the indicator's risk factor and set its level in the table."""
    return edit_ratings(at, indicator, level=level)


def sign(at: AppTest, name="Ana Analyst") -> AppTest:
    return at.sidebar.text_input(key="analyst_name").input(name).run()


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
    at.button(key="load_examples").click().run()
    assert "fictional" in at.success[0].value
    situations = open_database(database_url).list_situations()
    assert len(situations) == 3 and all("fictional" in s.tags for s in situations)
    at.selectbox(key="open_situation").select(situations[0].id).run()
    sign(at)
    at.button(key="open_assessment").click().run()
    charts = {}
    for page in PAGES:
        assert_clean(open_page(at, page))
        charts[page] = len(at.get("plotly_chart"))
    assert charts["profile"] >= 1 and charts["compare"] >= 2


def test_rate_save_and_find_the_ratings_in_a_new_session(database_url):
    at = sign(new_session())
    situation_id = create_situation(at)
    at.button(key="new_assessment").click().run()
    assert at.title[0].value == "Assess"
    edit_ratings(at, "1.1", level=3, confidence="high")
    assert at.session_state["draft_holder"].session == at.session_state["draft"]  # what the snapshot download reads
    assert any("1 of 11 indicators rated" in m.value and "unsaved changes" in m.value for m in at.markdown)
    assert table_row(at, "1.1")["level"] == LEVEL_CELLS[3] and "1.1" in at.selectbox(key=key(at, "factor", 1, "evidence_of")).format_func(1)
    at.text_area(key=key(at, "indicator", "1.1", "evidence")).input("Shelling of Grubačić market; <script>x</script>").run()
    at.text_area(key=key(at, "indicator", "1.1", "sources")).input("UN report | https://example.org/r | 2026-05-01").run()
    at.selectbox(key="assess_factor").select(11).run()
    assert any("incomplete" in w.value for w in at.warning)
    edit_ratings(at, 11, level=2)
    at.button(key="save_assessment").click().run()
    assert_clean(at)
    assert "Saved revision 1" in at.success[0].value

    assessment_id = at.session_state["draft"].assessment.id
    stored = open_database(database_url).load_assessment(assessment_id)
    rating = stored.rating_for("1.1")
    assert (rating.level, rating.confidence, rating.sources[0].url) == (3, "high", "https://example.org/r")
    assert stored.factor_rating_for(11).level == 2

    again = new_session({"assessment": assessment_id})  # a reload: a fresh session with the link
    assert_clean(again)
    again = open_page(again, "assess")
    assert table_row(again, "1.1")["level"] == LEVEL_CELLS[3] and table_row(again, "1.1")["confidence"] == "high"
    assert table_row(again, "1.1")["notes"] == "evidence · 1 source"
    assert "Grubačić" in again.text_area(key=key(again, "indicator", "1.1", "evidence")).value
    assert open_database(database_url).situation_of(assessment_id) == situation_id


def test_a_bad_source_line_is_reported_and_blocks_saving(database_url):
    at = sign(new_session())
    create_situation(at)
    at.button(key="new_assessment").click().run()
    evidence_of(at, "1.2")
    at.text_area(key=key(at, "indicator", "1.2", "sources")).input("Leaflet | javascript:alert(1)").run()
    assert any("sources line 1.url" in e.value and "http" in e.value for e in at.error)
    at.button(key="save_assessment").click().run()
    assert any("Not saved" in e.value for e in at.error)
    assert at.session_state["draft"].assessment.id is None


def test_saving_without_a_name_asks_for_it(database_url):
    at = new_session()
    create_situation(at)
    at.button(key="new_assessment").click().run()
    at.button(key="save_assessment").click().run()
    assert any("Your name" in e.value for e in at.error)


def test_the_second_of_two_tabs_gets_a_conflict_and_loses_nothing(database_url):
    first = sign(new_session())
    create_situation(first)
    first.button(key="new_assessment").click().run()
    first.button(key="save_assessment").click().run()
    assessment_id = first.session_state["draft"].assessment.id

    second = sign(new_session({"assessment": assessment_id}), "Bo Analyst")
    second = open_page(second, "assess")
    rate(first, "2.1", 2)
    first.button(key="save_assessment").click().run()
    rate(second, "3.1", 1)
    second.button(key="save_assessment").click().run()
    assert any("Ana Analyst" in w.value for w in second.warning), [w.value for w in second.warning]
    assert second.session_state["draft"].assessment.rating_for("3.1").level == 1  # the edit is still there

    second.button(key="conflict_overwrite").click().run()
    database = open_database(database_url)
    assert [r.revision for r in database.list_revisions(assessment_id)] == [3, 2, 1]
    assert database.load_assessment(assessment_id, 2).rating_for("2.1").level == 2
    assert database.load_assessment(assessment_id).rating_for("3.1").level == 1


def test_deleting_needs_confirmation_and_can_be_undone(database_url):
    at = sign(new_session())
    situation_id = create_situation(at)
    assert at.button(key="delete_situation").disabled
    at.checkbox(key="confirm_delete").check().run()
    at.button(key="delete_situation").click().run()
    database = open_database(database_url)
    assert database.list_situations() == []
    at.button(key=f"restore:{situation_id}").click().run()
    assert [s.id for s in database.list_situations()] == [situation_id]


def saved_revisions(*levels: int) -> AppTest:
    """A new assessment saved once per level of indicator 1.1, in order."""
    at = sign(new_session())
    create_situation(at)
    at.button(key="new_assessment").click().run()
    for level in levels:
        rate(at, "1.1", level)
        at.button(key="save_assessment").click().run()
    return at


def test_an_older_revision_can_be_restored_as_a_new_one(database_url):
    at = saved_revisions(1, 3)
    at.selectbox(key="restore_revision").select(1).run()
    at.button(key="restore_button").click().run()
    assessment_id = at.session_state["draft"].assessment.id
    database = open_database(database_url)
    assert database.latest_revision(assessment_id) == 3
    assert database.load_assessment(assessment_id).rating_for("1.1").level == 1
    assert table_row(at, "1.1")["level"] == LEVEL_CELLS[1]


def test_copying_the_latest_assessment_keeps_its_ratings(database_url):
    at = new_session()
    at.button(key="load_examples").click().run()
    situation = next(s for s in open_database(database_url).list_situations() if "Tamaris" in s.name)
    at.selectbox(key="open_situation").select(situation.id).run()
    sign(at)
    at.button(key="copy_assessment").click().run()
    draft = at.session_state["draft"]
    assert draft.assessment.id is None and draft.assessment.status == "draft" and len(draft.assessment.ratings) == 110


# The Recommendations screen's flows are in tests/test_recommendations_screen.py.


def test_import_shows_the_plan_first_and_stores_only_on_confirmation(database_url):
    from helpers import EXAMPLES
    at = sign(open_page(new_session(), "transfer"))
    files = [(p.name, p.read_bytes(), "application/json") for p in sorted(EXAMPLES.glob("tamaris-*.json"))]
    uploader = at.file_uploader(key="import_files")
    for name, content, mime in files + [("broken.json", b'{"format": "r2p-risk-snapshot", "schema_version": 1}', "application/json")]:
        uploader.upload(name, content, mime)
    at.run()
    assert not at.exception and any("broken.json" in e.value for e in at.error)
    database = open_database(database_url)
    assert database.list_situations() == []  # nothing before confirming
    assert at.button(key="confirm_import").disabled
    at.checkbox(key="import_skip_invalid").check().run()
    at.button(key="confirm_import").click().run()
    [situation] = database.list_situations()
    assert "Tamaris" in situation.name and len(database.list_assessments(situation.id)) == 3
    assert "Imported 3 snapshot(s)" in at.success[0].value


def test_bulk_export_offers_a_zip(database_url):
    at = new_session()
    at.button(key="load_examples").click().run()
    at = open_page(at, "transfer")
    at.button(key="prepare_export").click().run()
    assert not at.exception
    assert at.download_button(key="download_export")


def test_local_mode_needs_no_sign_in_records_the_typed_name_and_has_no_users_screen(database_url):
    at = sign(new_session(), "Ana Analyst")
    assert at.sidebar.text_input(key="analyst_name").value == "Ana Analyst" and "sign_out" not in [b.key for b in at.button]
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
    at.selectbox(key="restore_revision").select(1).run()
    assert at.button(key="restore_button").disabled and not at.checkbox(key="restore_confirm").value
    assessment_id = at.session_state["draft"].assessment.id
    assert open_database(database_url).latest_revision(assessment_id) == 2
    at.checkbox(key="restore_confirm").check().run()
    at.button(key="restore_button").click().run()
    assert open_database(database_url).load_assessment(assessment_id).rating_for("1.1").level == 1
    assert table_row(at, "1.1")["level"] == LEVEL_CELLS[1] and not at.session_state["draft"].dirty


def test_a_thin_alarm_and_a_recorded_finding_are_said_plainly_on_screen(database_url):
    at = sign(new_session())
    create_situation(at)
    at.button(key="new_assessment").click().run()
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
    at.selectbox(key="finding_new_crime").select("genocide")
    at.radio(key="finding_new_state").set_value("ongoing")
    at.text_area(key="finding_new_evidence").input("Fictional: killings of the Vessany reported by the fictional commission.")
    at.button(key="finding_add").click().run()
    assert_clean(at)
    assert [f.crime for f in at.session_state["draft"].assessment.atrocity_findings] == ["genocide"]
    at = open_page(at, "profile")
    assert at.metric[0].value == "Current crisis", "a recorded ongoing finding is no provisional alarm"
    assert any("Recorded finding: Genocide ongoing" in t.value for t in at.text)


def test_a_finding_without_evidence_is_refused_and_nothing_is_recorded(database_url):
    at = sign(new_session())
    create_situation(at)
    at.button(key="new_assessment").click().run()
    at.radio(key="finding_new_state").set_value("ended")
    at.button(key="finding_add").click().run()
    assert any("evidence" in e.value and "not recorded" in e.value for e in at.error)
    assert at.session_state["draft"].assessment.atrocity_findings == []
