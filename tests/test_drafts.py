"""Drafts of the edit in progress, per-user settings and the source library: on SQLite and PostgreSQL."""

import pytest
from helpers import make_assessment

from r2p_risk.access import LOCAL_USER, User
from r2p_risk.assessment import Situation, Source
from r2p_risk.errors import PermissionDenied, StorageError


@pytest.fixture
def situation(db):
    return db.create_situation(Situation(name="Upper Keldar (fictional)"), "ana")


def test_a_draft_is_kept_replaced_and_read_back_as_written(db, situation):
    first = make_assessment({"1.1": 2})
    written = db.keep_draft("ana", "d1", situation.id, first, None)
    assert [(d.id, d.assessment, d.base_revision, d.updated_at) for d in db.drafts("ana")] == [
        ("d1", first, None, written)
    ]
    second = make_assessment({"1.1": 3, "1.2": 1}, key_judgements="Evidence of incitement; ünïcode kept")
    later = db.keep_draft("ana", "d1", situation.id, second, None)
    assert later > written
    assert db.draft("ana", "d1").assessment == second and len(db.drafts("ana")) == 1, "the same draft, replaced"


def test_drafts_belong_to_their_owner_and_are_found_by_assessment(db, situation):
    saved = db.save_assessment(situation.id, make_assessment({"1.1": 1}), "ana", None)
    db.keep_draft("ana", "d1", situation.id, saved.model_copy(update={"key_judgements": "mine"}), saved.revision)
    db.keep_draft("ben", "d2", situation.id, saved.model_copy(update={"key_judgements": "his"}), saved.revision)
    db.keep_draft("ana", "d3", situation.id, make_assessment({"2.1": 1}), None)
    assert db.draft("ben", "d1") is None, "nobody reads another user's draft"
    assert [d.id for d in db.drafts("ana", saved.id)] == ["d1"]
    assert [d.id for d in db.drafts("ana")] == ["d3", "d1"], "newest first"
    with pytest.raises(StorageError):  # ben cannot overwrite ana's draft
        db.keep_draft("ben", "d1", situation.id, make_assessment(), None)
    assert db.draft("ana", "d1").assessment.key_judgements == "mine"
    db.discard_draft("ben", "d3")
    assert db.draft("ana", "d3") is not None
    db.discard_draft("ana", "d3")
    assert db.draft("ana", "d3") is None


def test_purging_a_situation_removes_its_drafts_and_sources(db, situation):
    db.keep_draft("ana", "d1", situation.id, make_assessment({"1.1": 1}), None)
    db.add_library_source(situation.id, Source(title="Field report", reliability="B"), "ana")
    db.delete_situation(situation.id, "ana")
    db.purge_situation(situation.id, "ana")
    assert db.drafts("ana") == []


def test_a_user_setting_is_remembered_and_replaced(db):
    assert db.user_setting("local", "analyst_name") is None
    db.set_user_setting("local", "analyst_name", "Ana Grubačić")
    db.set_user_setting("local", "analyst_name", "Ana G.")
    db.set_user_setting("ben@example.org", "analyst_name", "Ben")
    assert db.user_setting("local", "analyst_name") == "Ana G."


def test_the_source_library_adds_once_grades_and_renames(db, situation):
    report = Source(title="OHCHR report", url="https://example.org/r", reliability="A")
    db.add_library_source(situation.id, report, "ana")
    db.add_library_source(situation.id, Source(title="Local radio"), "ana")
    with pytest.raises(StorageError) as caught:
        db.add_library_source(situation.id, Source(title="OHCHR report"), "ben")
    assert caught.value.problems[0].code == "already_exists"
    db.update_library_source(situation.id, "Local radio", Source(title="Radio Keldar", reliability="D"), "ben")
    assert [(s.title, s.reliability) for s in db.library_sources(situation.id)] == [
        ("OHCHR report", "A"),
        ("Radio Keldar", "D"),
    ]
    assert [e.action for e in db.list_audit()][:3] == ["source.update", "source.add", "source.add"]
    with pytest.raises(StorageError):
        db.update_library_source(situation.id, "Radio Keldar", Source(title="OHCHR report"), "ben")


def test_drafts_as_a_user_see_only_their_own_and_viewers_keep_none(db, situation):
    db.set_role("ana@example.org", "analyst", "admin")
    db.set_role("vic@example.org", "viewer", "admin")
    ana = db.as_user(User(identity="ana@example.org", role="analyst"))
    ana.keep_draft("d1", situation.id, make_assessment({"1.1": 2}), None)
    assert [d.owner for d in ana.drafts()] == ["ana@example.org"]
    with pytest.raises(PermissionDenied):
        db.as_user(User(identity="vic@example.org", role="viewer")).keep_draft(
            "d2", situation.id, make_assessment(), None
        )
    local = db.as_user(LOCAL_USER)
    local.set_user_setting("analyst_name", "Ana")
    assert local.user_setting("analyst_name") == "Ana" and local.drafts() == []
