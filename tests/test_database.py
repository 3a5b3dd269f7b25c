"""The assessment database on a real SQLite file and a real PostgreSQL server: round trips, revisions,
the bin, conflicts, concurrency. Tests taking `db` run on both; the few about files run on SQLite."""

import datetime as dt
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event
from workers import PROCESSES, save_edit, save_many, save_many_in_process

from r2p_risk.assessment import Assessment, Situation
from r2p_risk.errors import ConflictError, StorageError
from r2p_risk.review import Review
from r2p_risk.storage.database import RevisionInfo, open_database, revisions

ARABIC = "تقارير عن اعتقالات جماعية في المنطقة الشرقية"


@pytest.fixture
def situation(db):
    return db.create_situation(
        Situation(name="Eastern Region (fictional)", country="ATA", area="Kessan Highlands", tags=["great_lakes"]),
        "ana",
    )


def draft(level: int | None = None, **fields) -> Assessment:
    """A small draft assessment, rating indicator 1.1 when a level is given."""
    ratings = [] if level is None else [{"indicator": "1.1", "level": level}]
    return Assessment(
        assessed_on=fields.pop("assessed_on", dt.date(2026, 1, 15)), analyst="Test Analyst", ratings=ratings, **fields
    )


def full_assessment(**fields) -> Assessment:
    return Assessment.model_validate(
        {
            "assessed_on": "2026-04-30",
            "analyst": "Dragana Grubačić",
            "status": "final",
            "key_judgements": f"Grubačić · {ARABIC}",
            "ratings": [
                {
                    "indicator": "1.1",
                    "level": 2,
                    "confidence": "high",
                    "trend": "worsening",
                    "evidence": ARABIC,
                    "sources": [
                        {"title": "UN report", "url": "https://example.org/r", "date": "2026-04-01"},
                        {"title": "Interview notes"},
                    ],
                },
                {"indicator": "2.3", "level": None},
            ],
            "risk_factor_ratings": [{"risk_factor": 4, "level": 1, "evidence": "holistic"}],
            "selected_tools": ["fact_finding"],
            **fields,
        }
    )


def test_a_sqlite_database_is_created_in_a_new_folder(sqlite_url, tmp_path):
    open_database(sqlite_url).close()
    assert (tmp_path / "new-folder" / "risk.db").exists()


def test_situation_round_trip_keeps_every_field(db):
    made = db.create_situation(
        Situation(name="Grubačić / " + ARABIC, country="ATA", area="شمال الكسان", tags=["a", "ب"]), "ana"
    )
    assert len(made.id) == 32
    assert db.get_situation(made.id) == made
    renamed = db.update_situation(
        made.model_copy(update={"name": "Keldar (fictional)", "country": None, "tags": []}), "ben"
    )
    assert db.get_situation(made.id) == renamed and renamed.country is None


def test_assessment_round_trip_keeps_every_field_including_sources(db, situation):
    saved = db.save_assessment(situation.id, full_assessment(), "ana", None)
    assert saved.revision == 1 and len(saved.id) == 32
    assert db.load_assessment(saved.id) == saved
    assert saved.model_copy(update={"review": Review()}) == full_assessment(id=saved.id, revision=1)
    assert (saved.review.state, saved.review.reviewer, saved.review.last_editor) == (
        "final",
        "ana",
        "ana",
    )  # "final" asked: signed off
    assert db.load_assessment(saved.id).ratings[0].sources[0].date == dt.date(2026, 4, 1)
    assert db.situation_of(saved.id) == situation.id


def test_each_save_adds_a_revision_and_overwrites_nothing(db, situation):
    first = db.save_assessment(situation.id, draft(1), "ana", None)
    second = save_edit(db, situation.id, first, "second")
    third = db.save_assessment(situation.id, second.model_copy(update={"status": "final"}), "ben", 2, note="signed off")
    assert (second.revision, third.revision, db.latest_revision(first.id)) == (2, 3, 3)
    assert [db.load_assessment(first.id, n) for n in (1, 2, 3)] == [first, second, third]
    assert db.list_revisions(first.id) == [
        RevisionInfo(
            first.id,
            3,
            "ben",
            dt.datetime(2026, 5, 1, 10, 4, tzinfo=dt.UTC),
            "final",
            dt.date(2026, 1, 15),
            "signed off",
        ),
        RevisionInfo(
            first.id, 2, "ana", dt.datetime(2026, 5, 1, 10, 3, tzinfo=dt.UTC), "draft", dt.date(2026, 1, 15), ""
        ),
        RevisionInfo(
            first.id, 1, "ana", dt.datetime(2026, 5, 1, 10, 2, tzinfo=dt.UTC), "draft", dt.date(2026, 1, 15), ""
        ),
    ]
    assert db.counts() == {"situations": 1, "assessments": 1, "revisions": 3}


def test_restore_revision_copies_it_as_the_new_latest_revision(db, situation):
    first = db.save_assessment(situation.id, draft(key_judgements="original"), "ana", None)
    save_edit(db, situation.id, first, "changed")
    restored = db.restore_revision(first.id, 1, "ben")
    assert restored == db.load_assessment(first.id) and restored.review.last_editor == "ben"  # restoring is an edit
    assert restored.model_copy(update={"review": first.review}) == first.model_copy(update={"revision": 3})
    assert [(r.revision, r.saved_by, r.note) for r in db.list_revisions(first.id)][0] == (
        3,
        "ben",
        "restored from revision 1",
    )
    assert db.load_assessment(first.id, 2).key_judgements == "changed"


def test_second_tab_saving_a_stale_revision_gets_a_conflict_and_the_first_save_is_intact(db, situation):
    first = db.save_assessment(situation.id, draft(), "ana", None)
    tab_a, tab_b = db.load_assessment(first.id), db.load_assessment(first.id)
    saved_a = save_edit(db, situation.id, tab_a, "from tab A", actor="Bob Okafor")
    with pytest.raises(ConflictError) as caught:
        save_edit(db, situation.id, tab_b, "from tab B")
    problem = caught.value.problems[0]
    assert problem.code == "conflict" and "Bob Okafor" in problem.message and "2026-05-01 10:03 UTC" in problem.message
    assert "revision 2" in problem.message and "revision 1" in problem.message
    assert db.load_assessment(first.id) == saved_a and db.latest_revision(first.id) == 2


def test_saving_an_existing_id_as_new_is_a_conflict_and_an_unknown_id_is_imported(db, situation):
    first = db.save_assessment(situation.id, draft(), "ana", None)
    with pytest.raises(ConflictError):
        db.save_assessment(situation.id, first, "ben", None)
    imported = db.save_assessment(situation.id, draft(id="from_snapshot_1"), "ben", None)
    assert (imported.id, imported.revision) == ("from_snapshot_1", 1)


@pytest.mark.parametrize("case, code", [("deleted", "deleted"), ("unknown", "not_found"), ("other", "wrong_situation")])
def test_saving_to_a_deleted_unknown_or_other_situation_is_refused(db, situation, case, code):
    first = db.save_assessment(situation.id, draft(), "ana", None)
    other = db.create_situation(Situation(name="Other"), "ana")
    target = {"deleted": situation.id, "unknown": "no_such_situation", "other": other.id}[case]
    if case == "deleted":
        db.delete_situation(situation.id, "ana")
    with pytest.raises(StorageError) as caught:
        db.save_assessment(target, first, "ana", 1)
    assert caught.value.problems[0].code == code
    assert db.latest_revision(first.id) == 1


def test_soft_delete_hides_a_situation_restore_brings_it_back(db, situation):
    kept = db.create_situation(Situation(name="Another"), "ana")
    assessment = db.save_assessment(situation.id, draft(), "ana", None)
    db.delete_situation(situation.id, "ben")
    assert db.list_situations() == [kept] and db.deleted_situations() == [situation]
    assert [h.situation for h in db.situation_histories()] == [kept]
    assert [h.situation.name for h in db.situation_histories(include_deleted=True)] == [
        "Another",
        "Eastern Region (fictional)",
    ]
    assert db.get_situation(situation.id, include_deleted=True) == situation
    with pytest.raises(StorageError, match="deleted"):
        db.get_situation(situation.id)
    db.restore_situation(situation.id, "ana")
    assert db.list_situations() == [kept, situation] and db.deleted_situations() == []
    assert db.list_assessments(situation.id) == [assessment]


def test_purge_is_only_allowed_after_delete_and_removes_the_revisions(db, situation):
    assessment = db.save_assessment(situation.id, draft(), "ana", None)
    with pytest.raises(StorageError) as caught:
        db.purge_situation(situation.id)
    assert caught.value.problems[0].code == "not_deleted" and db.counts()["revisions"] == 1
    db.delete_situation(situation.id, "ana")
    db.purge_situation(situation.id)
    assert db.counts() == {"situations": 0, "assessments": 0, "revisions": 0}
    with pytest.raises(StorageError, match="no such assessment"):
        db.load_assessment(assessment.id)


def test_situation_histories_hold_latest_revisions_only_and_empty_situations(db, situation):
    empty = db.create_situation(Situation(name="A quiet place"), "ana")
    older = db.save_assessment(situation.id, draft(assessed_on=dt.date(2025, 6, 1)), "ana", None)
    newer = db.save_assessment(situation.id, draft(assessed_on=dt.date(2026, 2, 1)), "ana", None)
    older_v2 = save_edit(db, situation.id, older, "revised")
    histories = db.situation_histories()
    assert [(h.situation, h.assessments) for h in histories] == [(empty, []), (situation, [older_v2, newer])]
    assert db.list_assessments(situation.id) == [older_v2, newer]


def test_situation_histories_use_two_queries_however_many_situations(db):
    def selects() -> int:
        statements = []
        listen = lambda conn, cursor, statement, *rest: statements.append(statement)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        db.situation_histories()
        event.remove(db.engine, "before_cursor_execute", listen)
        return sum(s.lstrip().upper().startswith("SELECT") for s in statements)

    assert selects() == 2
    for n in range(5):
        made = db.create_situation(Situation(name=f"Situation {n}"), "ana")
        db.save_assessment(made.id, draft(), "ana", None)
    assert selects() == 2 and len(db.situation_histories()) == 5


@pytest.mark.parametrize(
    "call",
    [
        lambda db: db.get_situation("missing"),
        lambda db: db.list_assessments("missing"),
        lambda db: db.delete_situation("missing", "ana"),
        lambda db: db.load_assessment("missing"),
        lambda db: db.load_assessment("known", 7),
        lambda db: db.list_revisions("missing"),
        lambda db: db.latest_revision("missing"),
        lambda db: db.situation_of("missing"),
        lambda db: db.restore_revision("known", 7, "ana"),
        lambda db: db.update_situation(Situation(id="missing", name="x"), "ana"),
    ],
)
def test_unknown_situations_and_assessments_are_not_found(db, situation, call):
    db.save_assessment(situation.id, draft(id="known"), "ana", None)
    with pytest.raises(StorageError) as caught:
        call(db)
    assert [p.code for p in caught.value.problems] == ["not_found"]


def test_read_only_database_refuses_to_save_with_a_clear_message_and_keeps_the_data(sqlite_url, tmp_path, caplog):
    db = open_database(sqlite_url)
    situation = db.create_situation(Situation(name="Eastern Region"), "ana")
    saved = db.save_assessment(situation.id, draft(), "ana", None)
    path = tmp_path / "new-folder" / "risk.db"
    read_only = open_database(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        assert read_only.load_assessment(saved.id) == saved
        with pytest.raises(StorageError) as caught:
            save_edit(read_only, situation.id, saved, "not allowed")
    finally:
        read_only.close()
    problem = caught.value.problems[0]
    assert (
        problem.code == "database_unavailable" and str(path) not in problem.message
    )  # people see no connection detail
    assert problem.message == "could not save the assessment: the database is read-only"
    assert (
        "could not save the assessment: the database is read-only (attempt to write a readonly database); "
        f"database file {path}" in caplog.text
    )  # the operator does
    assert db.load_assessment(saved.id) == saved and db.counts()["revisions"] == 1
    db.close()


@pytest.mark.parametrize(
    "credentials, query",
    [("ana:hunter2-secret@", "connect_timeout=5"), ("ana@", "password=hunter2-secret&connect_timeout=5")],
    ids=["password in the URL", "password as a query parameter"],
)
def test_an_unreachable_server_is_a_storage_error_that_shows_no_credential_or_connection_detail(
    caplog, credentials, query
):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StorageError) as caught:
        open_database(f"postgresql+psycopg://{credentials}127.0.0.1:{port}/risk?{query}")
    problem = caught.value.problems[0]
    assert problem.code == "database_unavailable"
    assert problem.message == "could not open the database: the database server could not be reached"
    assert "hunter2" not in str(caught.value) and "hunter2" not in caplog.text
    assert (
        f"ana:***@127.0.0.1:{port}/risk" in caplog.text
        or f"ana@127.0.0.1:{port}/risk?connect_timeout=5&password=***" in caplog.text
    )


def test_a_situation_id_cannot_be_used_twice(db, situation):
    with pytest.raises(StorageError) as caught:
        db.create_situation(Situation(id=situation.id, name="Copy"), "ana")
    assert caught.value.problems[0].code == "already_exists" and db.list_situations() == [situation]


def test_a_folder_that_cannot_be_made_is_a_storage_error(tmp_path):  # SQLite only: a file
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(StorageError) as caught:
        open_database(f"sqlite:///{tmp_path}/a-file/risk.db")
    assert caught.value.problems[0].code == "database_unavailable"
    assert caught.value.problems[0].message.startswith("could not open the database")


def test_broken_data_in_the_database_is_reported_with_its_place(db, situation):
    saved = db.save_assessment(situation.id, draft(2), "ana", None)
    broken = saved.model_dump_json().replace('"level":2', '"level":9')
    with db.engine.begin() as conn:
        conn.execute(revisions.update().values(data_json=broken))
    with pytest.raises(StorageError) as caught:
        db.load_assessment(saved.id)
    assert [p.where for p in caught.value.problems] == [f"assessment {saved.id} revision 1 > ratings[0].level"]


def assert_all_saved(db, assessment_id: str, workers: int, saves: int):
    revisions = db.list_revisions(assessment_id)
    assert [r.revision for r in revisions] == list(range(1 + workers * saves, 0, -1))
    by_actor = [r.saved_by for r in revisions]
    assert all(by_actor.count(f"worker {n}") == saves for n in range(workers))


def test_six_threads_saving_the_same_assessment_lose_no_revision_and_are_told_of_conflicts(db, situation):
    first = db.save_assessment(situation.id, draft(), "ana", None)
    start = threading.Barrier(6)
    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(save_many, db, situation.id, first.id, f"worker {n}", 20, start) for n in range(6)]
        conflicts = [future.result() for future in futures]
    assert_all_saved(db, first.id, 6, 20)
    assert sum(conflicts) > 0  # six writers on one assessment: stale saves were refused, then redone


@pytest.mark.processes
def test_three_processes_saving_the_same_assessment_lose_no_revision(db, situation, database_url):
    first = db.save_assessment(situation.id, draft(), "ana", None)
    start = PROCESSES.Barrier(3)
    workers = [
        PROCESSES.Process(
            target=save_many_in_process, args=(database_url, situation.id, first.id, f"worker {n}", 20, start)
        )
        for n in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    assert_all_saved(db, first.id, 3, 20)


@pytest.mark.parametrize("url", ["nonsense", "oracle+nodriver://x/y", "sqlite+nope:///x.db"])
def test_an_unusable_database_url_is_a_clear_error_not_a_traceback(url):
    with pytest.raises(StorageError) as error:
        open_database(url)
    assert error.value.problems[0].where == "R2P_RISK_DATABASE_URL"
