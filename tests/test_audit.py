"""The audit trail: every change recorded with who, when, before and after, in the change's own transaction."""

import csv
import datetime as dt
import io

import pytest

from r2p_risk.assessment import Assessment, Situation
from r2p_risk.errors import ConflictError
from r2p_risk.storage import revisions as revisions_module
from r2p_risk.storage.audit import AUDIT_ACTIONS, assessment_fields, changes
from r2p_risk.storage.database import Database


def rated(**levels) -> Assessment:
    return Assessment(
        assessed_on=dt.date(2026, 1, 15),
        analyst="Ana",
        ratings=[{"indicator": i[1:].replace("_", "."), "level": level} for i, level in levels.items()],
    )


def test_every_kind_of_change_is_recorded_with_who_what_and_when(db):
    situation = db.create_situation(Situation(name="Keldar (fictional)"), "ana")
    db.update_situation(situation.model_copy(update={"name": "Upper Keldar (fictional)"}), "ben")
    first = db.save_assessment(situation.id, rated(i1_1=1), "ana", None)
    db.save_assessment(situation.id, rated(i1_1=2).model_copy(update={"id": first.id}), "ben", 1)
    db.restore_revision(first.id, 1, "cai")
    db.save_assessment(situation.id, rated(i2_1=0).model_copy(update={"id": "from-file"}), "imp", None, action="import")
    db.set_situation_access(situation.id, "adm", users=["Ana@example.org"], groups=["desk"])
    db.ensure_user("adm@example.org")
    db.ensure_user("ana@example.org")
    db.set_role("ana@example.org", "analyst", "adm@example.org")
    db.disable_user("ana@example.org", "adm@example.org")
    db.delete_situation(situation.id, "ben")
    db.restore_situation(situation.id, "ben")
    db.delete_situation(situation.id, "ben")
    db.purge_situation(situation.id, "adm")
    events = list(reversed(db.list_audit()))
    assert [(e.action, e.actor) for e in events] == [
        ("situation.create", "ana"),
        ("situation.update", "ben"),
        ("assessment.save", "ana"),
        ("assessment.save", "ben"),
        ("assessment.restore", "cai"),
        ("import", "imp"),
        ("access.change", "adm"),
        ("user.create", "adm@example.org"),
        ("user.create", "ana@example.org"),
        ("user.set_role", "adm@example.org"),
        ("user.disable", "adm@example.org"),
        ("situation.delete", "ben"),
        ("situation.restore", "ben"),
        ("situation.delete", "ben"),
        ("situation.purge", "adm"),
    ]
    assert [e.at.minute for e in events] == sorted(e.at.minute for e in events) and events[0].at.tzinfo is not None
    by_action = {e.action: e for e in events}
    assert (by_action["situation.update"].before, by_action["situation.update"].after) == (
        {"name": "Keldar (fictional)"},
        {"name": "Upper Keldar (fictional)"},
    )
    assert (by_action["user.set_role"].target, by_action["user.set_role"].before, by_action["user.set_role"].after) == (
        "ana@example.org",
        {"role": "viewer"},
        {"role": "analyst"},
    )
    assert by_action["access.change"].after == {"group": ["desk"], "user": ["ana@example.org"]}
    assert by_action["situation.purge"].before == {"name": "Upper Keldar (fictional)", "assessments": 2, "revisions": 4}
    elsewhere = {
        "user.enable",
        "database.restore",
        "database.backup",
        "user.bind",
        "export",  # test_backup, test_signin, test_exports
        "source.add",
        "source.update",
    }  # test_drafts
    elsewhere |= {a for a in AUDIT_ACTIONS if a.startswith(("review.", "round."))}  # test_review_storage, test_rounds
    assert {e.action for e in events} | elsewhere == set(AUDIT_ACTIONS)
    assert len(db.list_audit(situation_id=situation.id)) == 11  # purged, yet its trail is all there


def test_an_assessment_save_records_only_the_ratings_and_fields_that_changed(db):
    situation = db.create_situation(Situation(name="Keldar (fictional)"), "ana")
    first = db.save_assessment(situation.id, rated(i1_1=1, i1_2=0), "ana", None)
    changed = rated(i1_1=2, i1_2=0).model_copy(update={"id": first.id, "status": "final"})
    db.save_assessment(situation.id, changed, "ben", 1)
    created, edited = reversed(db.list_audit(action="assessment."))
    assert created.before is None and created.after["ratings[1.1]"]["level"] == 1 and created.revision == 1
    review_before = {key: value for key, value in edited.before.items() if key.startswith("review.")}
    review_after = {key: value for key, value in edited.after.items() if key.startswith("review.")}
    assert {key: value for key, value in edited.before.items() if key not in review_before} == {
        "status": "draft",
        "ratings[1.1]": {**edited.before["ratings[1.1]"], "level": 1},
    }
    assert {key: value for key, value in edited.after.items() if key not in review_after} == {
        "status": "final",
        "ratings[1.1]": {**edited.before["ratings[1.1]"], "level": 2},
    }
    assert (
        review_before["review.state"] == "draft" and review_after["review.state"] == "final"
    )  # "final" asked: signed off
    assert (
        review_before["review.last_editor"],
        review_after["review.last_editor"],
        review_after["review.reviewer"],
    ) == ("ana", "ben", "ben")
    assert (edited.situation_id, edited.assessment_id, edited.revision) == (situation.id, first.id, 2)


def test_changes_and_flattening_are_pure():
    assert changes({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == ({"b": 2, "c": None}, {"b": 3, "c": 4})
    assert changes(None, {"a": 1}) == (None, {"a": 1})
    flat = assessment_fields(rated(i3_4=2).model_dump_json())
    assert "ratings[3.4]" in flat and "id" not in flat and "indicator" not in flat["ratings[3.4]"]


def test_a_refused_save_records_nothing_and_a_failed_record_undoes_the_save(db, monkeypatch):
    situation = db.create_situation(Situation(name="Keldar (fictional)"), "ana")
    first = db.save_assessment(situation.id, rated(i1_1=1), "ana", None)
    with pytest.raises(ConflictError):
        db.save_assessment(situation.id, first, "ben", None)
    assert len(db.list_audit()) == 2

    def broken(*args, **kwargs):
        raise RuntimeError("the audit insert failed")

    monkeypatch.setattr(revisions_module, "record_event", broken)
    with pytest.raises(RuntimeError):
        db.save_assessment(situation.id, first, "ben", 1)
    assert db.latest_revision(first.id) == 1 and len(db.list_audit()) == 2


def test_the_trail_filters_by_actor_action_situation_and_time(db):
    one = db.create_situation(Situation(name="One"), "ana")
    two = db.create_situation(Situation(name="Two"), "ben")
    db.delete_situation(one.id, "ben")
    assert [e.action for e in db.list_audit(actor="ben")] == ["situation.delete", "situation.create"]
    assert [e.situation_id for e in db.list_audit(action="situation.create")] == [two.id, one.id]
    assert [e.action for e in db.list_audit(situation_id=one.id)] == ["situation.delete", "situation.create"]
    at = [e.at for e in reversed(db.list_audit())]
    assert [e.situation_id for e in db.list_audit(since=at[1], until=at[2])] == [two.id]
    assert len(db.list_audit(limit=2)) == 2 and db.list_audit(actor="nobody") == []


def test_the_csv_export_neutralises_formulas(db):
    db.create_situation(Situation(name='=HYPERLINK("http://evil")'), "=cmd|' /C calc'!A0")
    data = db.audit_csv()
    assert data.startswith("\ufeff".encode())
    header, row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header == [
        "id",
        "at",
        "actor",
        "action",
        "situation_id",
        "assessment_id",
        "revision",
        "target",
        "before",
        "after",
    ]
    assert row[2] == "'=cmd|' /C calc'!A0" and row[3] == "situation.create" and "HYPERLINK" in row[9]


def test_the_app_has_no_method_to_change_or_remove_audit_events():
    mutators = [name for name in dir(Database) if "audit" in name.lower() and name not in {"list_audit", "audit_csv"}]
    assert mutators == []
