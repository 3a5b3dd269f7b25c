"""Backups of either database and restoring them: complete, consistent, refusing to overwrite, source untouched."""

import datetime as dt
import hashlib
import json
import threading
import zipfile

import pytest
from sqlalchemy import select

from r2p_risk import cli
from r2p_risk.assessment import Assessment, Situation
from r2p_risk.errors import StorageError
from r2p_risk.model_inputs import model_inputs_json
from r2p_risk.storage.backup import backup_database, restore_database
from r2p_risk.storage.backup_checks import DERIVED
from r2p_risk.storage.database import open_database
from r2p_risk.storage.tables import metadata, revisions


@pytest.fixture
def other_url(request, database_url, tmp_path):
    """A second empty database on the same kind of server as `database_url`."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path}/target/risk.db"
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)


def populate(db) -> None:
    """A bit of everything: users, a restricted situation, revisions, a deleted situation, audit events."""
    db.ensure_user("ada@example.org", "Ada")
    db.ensure_user("ana@example.org", "Ana", groups=["desk-east"])
    kept = db.create_situation(Situation(name="Grubačić · وادي الكسان (fictional)", country="ATA", tags=["a"]), "ana")
    first = db.save_assessment(
        kept.id,
        Assessment(
            assessed_on=dt.date(2026, 1, 2),
            analyst="Ana",
            ratings=[{"indicator": "1.1", "level": 2, "evidence": "رأي"}],
        ),
        "ana",
        None,
    )
    db.save_assessment(kept.id, first.model_copy(update={"status": "final"}), "ben", 1, note="signed off")
    db.set_situation_access(kept.id, "ada@example.org", groups=["desk-east"])
    gone = db.create_situation(Situation(name="In the bin"), "ana")
    db.delete_situation(gone.id, "ana")


def contents(db) -> dict[str, list[tuple]]:
    with db.engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in metadata.sorted_tables
        }


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", ["backup.zip", "backup.sqlite3"])
def test_a_backup_restores_everything_into_an_empty_database(database_url, other_url, tmp_path, name, model):
    source, target = open_database(database_url), open_database(other_url)
    populate(source)
    source.situation_overviews(model)  # score summaries: derived, so computed again after a restore, never restored
    before = contents(source)
    if name.endswith(".sqlite3") and source.backend == "postgresql":
        with pytest.raises(StorageError, match=r"name the file \*.zip"):
            backup_database(source, tmp_path / name)
        return
    counts = backup_database(source, tmp_path / name)
    assert counts["assessment_revisions"] == 2 and contents(source) == before and not list(tmp_path.glob("*.partial"))
    kept = digest(tmp_path / name)
    restored = restore_database(target, tmp_path / name, "cli:ops")
    assert (
        restored == {table: n for table, n in counts.items() if table not in DERIVED}
        and digest(tmp_path / name) == kept
    )
    after = contents(target)
    restore_event = after["audit_events"].pop()
    assert after["assessment_scores"] == [] and counts["assessment_scores"] == 1
    assert {**after, "assessment_scores": before["assessment_scores"]} == before
    assert restore_event[2:4] == ("cli:ops", "database.restore")
    assert target.situation_overviews(model) == source.situation_overviews(model)
    assert (
        target.as_user(target.ensure_user("ana@example.org", "Ana", groups=["desk-east"])).list_situations()[0].country
        == "ATA"
    )
    situation_id = before["assessment_revisions"][0][2]
    assert target.save_assessment(situation_id, target.list_assessments(situation_id)[0], "cai", 2).revision == 3
    source.close()
    target.close()


def test_restore_refuses_a_database_holding_data_unless_forced(database_url, other_url, tmp_path):
    source, target = open_database(database_url), open_database(other_url)
    populate(source)
    backup_database(source, tmp_path / "backup.zip")
    target.create_situation(Situation(name="Already here"), "ana")
    with pytest.raises(StorageError) as caught:
        restore_database(target, tmp_path / "backup.zip", "ops")
    assert caught.value.problems[0].code == "not_empty" and [s.name for s in target.list_situations()] == [
        "Already here"
    ]
    restore_database(target, tmp_path / "backup.zip", "ops", force=True)
    assert [s.name for s in target.list_situations()] == ["Grubačić · وادي الكسان (fictional)"]
    source.close()
    target.close()


def test_a_backup_taken_while_analysts_save_is_consistent(database_url, other_url, tmp_path):
    source, target = open_database(database_url), open_database(other_url)
    situation = source.create_situation(Situation(name="Busy"), "ana")
    latest = source.save_assessment(
        situation.id, Assessment(assessed_on=dt.date(2026, 1, 2), analyst="Ana"), "ana", None
    )
    stop = threading.Event()

    def keep_saving():
        nonlocal latest
        while not stop.is_set():
            latest = source.save_assessment(situation.id, latest, "ana", latest.revision)

    writer = threading.Thread(target=keep_saving)
    writer.start()
    try:
        for n in range(3):
            backup_database(source, tmp_path / f"b{n}.zip")
    finally:
        stop.set()
        writer.join()
    restore_database(target, tmp_path / "b2.zip", "ops")
    saves = target.list_audit(action="assessment.save")
    assert len(saves) == target.latest_revision(latest.id) == saves[0].revision  # every revision has its event, no more
    source.close()
    target.close()


@pytest.mark.postgres
def test_a_laptop_sqlite_database_moves_to_postgresql_and_back(sqlite_url, postgres_url, tmp_path):
    laptop, server = open_database(sqlite_url), open_database(postgres_url)
    populate(laptop)
    backup_database(laptop, tmp_path / "laptop.sqlite3")
    restore_database(server, tmp_path / "laptop.sqlite3", "ops")
    backup_database(server, tmp_path / "server.zip")
    again = open_database(f"sqlite:///{tmp_path}/again.db")
    restore_database(again, tmp_path / "server.zip", "ops")
    assert contents(again)["assessment_revisions"] == contents(laptop)["assessment_revisions"]
    assert [e.action for e in again.list_audit(limit=2)] == ["database.restore", "database.restore"]
    for database in (laptop, server, again):
        database.close()


def test_a_backup_of_an_older_schema_is_upgraded_on_restore(database_url, tmp_path):
    now = "2025-01-02T10:00:00+00:00"
    situation = ["s1", "Old", None, None, "[]", now, "ana", now, "ana", None, None]
    data = Assessment(id="a1", revision=1, assessed_on=dt.date(2025, 1, 1), analyst="Ana").model_dump_json()
    revision = ["a1", 1, "s1", "2025-01-01", "Ana", "draft", "ana", now, "", data]
    with zipfile.ZipFile(tmp_path / "old.zip", "w") as archive:
        archive.writestr(
            "manifest.json",
            json.dumps(
                {
                    "format": "r2p-risk-backup",
                    "format_version": 1,
                    "schema_revision": "0001_initial",
                    "tables": {"situations": 1, "assessment_revisions": 1},
                }
            ),
        )
        columns = [
            c.name for c in metadata.tables["situations"].columns if c.name != "review_every_months"
        ]  # as at 0001
        archive.writestr("tables/situations.json", json.dumps({"columns": columns, "rows": [situation]}))
        archive.writestr(
            "tables/assessment_revisions.json",
            json.dumps(
                {
                    "columns": [
                        c.name
                        for c in metadata.tables["assessment_revisions"].columns
                        if c.name not in ("imported_by", "imported_at", "inputs_json")
                    ],
                    "rows": [revision],
                }
            ),
        )
    target = open_database(database_url)
    restore_database(target, tmp_path / "old.zip", "ops")
    assert target.load_assessment("a1").analyst == "Ana" and target.list_situations()[0].name == "Old"
    with target.engine.connect() as conn:  # made by migration 0008 on the way
        assert conn.execute(select(revisions.c.inputs_json)).scalar_one() == model_inputs_json(data)
    target.close()


@pytest.mark.parametrize(
    "content, code", [(b"hello", "not_a_backup"), ("zip", "not_a_backup"), ("future", "unknown_revision")]
)
def test_a_file_that_is_no_backup_is_refused_in_words(database_url, tmp_path, content, code):
    path = tmp_path / "file.zip"
    if content == "zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("other.txt", "x")
    elif content == "future":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr(
                "manifest.json",
                json.dumps({"format": "r2p-risk-backup", "format_version": 1, "schema_revision": "0099_x"}),
            )
    else:
        path.write_bytes(content)
    target = open_database(database_url)
    with pytest.raises(StorageError) as caught:
        restore_database(target, path, "ops")
    assert caught.value.problems[0].code == code and target.counts()["situations"] == 0
    target.close()


def test_backup_and_restore_on_the_command_line(database_url, other_url, tmp_path, monkeypatch, capsys):
    source = open_database(database_url)
    populate(source)
    source.close()
    monkeypatch.setenv("R2P_RISK_DATABASE_URL", database_url)
    assert cli.main(["backup", "-o", str(tmp_path / "b.zip")]) == 0
    assert "situations 2" in capsys.readouterr().out
    monkeypatch.setenv("R2P_RISK_DATABASE_URL", other_url)
    assert cli.main(["restore", str(tmp_path / "b.zip")]) == 0
    assert cli.main(["restore", str(tmp_path / "b.zip")]) == 2
    assert "--force" in capsys.readouterr().err
    assert cli.main(["restore", "--force", str(tmp_path / "b.zip")]) == 0
    assert cli.main(["backup", "-o", str(tmp_path / "no-such-folder" / "b.zip")]) == 2
    assert "could not be written" in capsys.readouterr().err
