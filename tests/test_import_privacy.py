"""Issue 17, point 6: importing tells nothing about situations hidden from the importer, and leaves nothing behind.

An analyst imports snapshots whose ids are those of a situation, or of an assessment, restricted to somebody else.
Every answer (the plan, what was stored, the problems) is the same as for ids that nobody has; visibility is
checked before anything else; and a snapshot that cannot be stored leaves no situation behind, not even a deleted
one the analyst could not purge. On SQLite and PostgreSQL.
"""

import datetime as dt
import uuid

import pytest
from helpers import make_assessment

from r2p_risk.assessment import Situation
from r2p_risk.errors import StorageError
from r2p_risk.snapshot import build_snapshot, dump_snapshot
from r2p_risk.storage.transfer import apply_import, plan_import, read_import_files

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def hidden(db):
    """A situation restricted to carol, with an assessment; dan, an analyst, may not see it. Its (situation,
    assessment) ids."""
    db.set_role("admin@example.org", "admin", "cli")
    for who in ("carol@example.org", "dan@example.org"):
        db.set_role(who, "analyst", "cli")
    situation = db.create_situation(Situation(name="Restricted desk file"), "admin@example.org")
    saved = db.save_assessment(situation.id, make_assessment({"1.1": 3}), "carol@example.org", None)
    db.set_situation_access(situation.id, "admin@example.org", users=["carol@example.org"])
    return situation.id, saved.id


def as_user(db, identity):
    return db.as_user(db.user(identity))


def snapshot_file(model, name, situation_id=None, assessment_id=None, revision=None) -> tuple[str, bytes]:
    assessment = make_assessment({"2.1": 1}, id=assessment_id, revision=revision)
    snapshot = build_snapshot(Situation(id=situation_id, name=name), assessment, model.framework, model.params, NOW)
    return "file.json", dump_snapshot(snapshot).encode()


def answer(database, model, file, own: dict[str, str]) -> str:
    """Everything the import tells the importer, with the snapshot's own ids and name written as placeholders."""
    plan = plan_import(database, read_import_files([file], model))
    report = apply_import(database, plan, "dan", skip_invalid=True)
    said = [(e.action, e.message, e.problems) for e in plan.entries] + [
        (o.stored, o.message, o.problems) for o in report.outcomes
    ]
    text = repr(said)
    for value, placeholder in own.items():
        text = text.replace(value, placeholder)
    return text


@pytest.mark.parametrize("which", ["situation id", "assessment id", "both ids", "a later revision"])
def test_a_hidden_id_is_answered_exactly_as_an_id_nobody_has(db, model, hidden, which):
    hidden_situation, hidden_assessment = hidden
    dan = as_user(db, "dan@example.org")

    def import_with(situation_id, assessment_id, name):
        file = snapshot_file(
            model,
            name,
            situation_id if "assessment" not in which else None,
            assessment_id if which != "situation id" else None,
            2 if "revision" in which else None,
        )
        return answer(dan, model, file, {situation_id: "<situation>", assessment_id: "<assessment>", name: "<name>"})

    with_hidden = import_with(hidden_situation, hidden_assessment, "Import A")
    with_nobodys = import_with(uuid.uuid4().hex, uuid.uuid4().hex, "Import B")
    assert with_hidden == with_nobodys
    assert (
        "stored as revision 1" in with_hidden
        and "belongs to" not in with_hidden
        and "already exists" not in with_hidden
    )
    carol = as_user(db, "carol@example.org")  # the hidden situation and its assessment are untouched
    assert [(a.id, a.revision) for a in carol.list_assessments(hidden_situation)] == [(hidden_assessment, 1)]
    assert db.load_assessment(hidden_assessment).rating_for("2.1") is None


def test_visibility_is_checked_before_anything_else_when_saving(db, hidden):
    hidden_situation, hidden_assessment = hidden
    dan = as_user(db, "dan@example.org")
    mine = dan.create_situation(Situation(id=hidden_situation, name="Mine"))  # the id is taken where dan cannot see
    assert mine.id != hidden_situation and [s.id for s in dan.list_situations()] == [mine.id]
    stored = dan.save_assessment(mine.id, make_assessment({"1.2": 1}, id=hidden_assessment), "dan", None)
    assert stored.id != hidden_assessment and stored.revision == 1
    answers = []
    for assessment_id in (hidden_assessment, uuid.uuid4().hex):  # a revision of the hidden one, and of one nobody has
        with pytest.raises(StorageError) as caught:
            dan.save_assessment(mine.id, make_assessment({"1.2": 2}, id=assessment_id), "dan", 1)
        answers.append([(p.code, p.where.replace(assessment_id, "<id>"), p.message) for p in caught.value.problems])
    assert answers[0] == answers[1] == [("not_found", "assessment <id>", "this assessment no longer exists")]
    assert db.latest_revision(hidden_assessment) == 1


def test_a_snapshot_that_cannot_be_stored_leaves_no_situation_behind(db, model, hidden):
    dan = as_user(db, "dan@example.org")
    shared = uuid.uuid4().hex
    plan = plan_import(dan, read_import_files([snapshot_file(model, "New here", "new-here", shared)], model))
    assert [e.action for e in plan.entries] == ["new_situation"]
    elsewhere = dan.create_situation(Situation(name="Elsewhere"))
    dan.save_assessment(elsewhere.id, make_assessment({"1.1": 1}, id=shared), "dan", None)  # the id arrives first
    report = apply_import(dan, plan, "dan")
    assert report.failed is not None and report.failed.problems
    assert {s.name for s in db.list_situations(include_deleted=True)} == {"Restricted desk file", "Elsewhere"}
    assert db.counts()["situations"] == 2 and not db.deleted_situations()
