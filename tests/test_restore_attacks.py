"""Issue 17, points 4 and 5: a restore cannot be weaponised. Backups that unpack far larger than they are, that were
cut, or whose rows the app could not read, are refused with every problem named (exit 2 on the command line), never a
traceback or a wrong message, on SQLite and PostgreSQL; a refused restore changes nothing in the target."""

import datetime as dt
import hashlib
import json
import os
import sqlite3
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from test_backup import contents, populate

from r2p_risk import cli
from r2p_risk.assessment import Assessment, Situation
from r2p_risk.errors import StorageError
from r2p_risk.model_inputs import model_inputs_json
from r2p_risk.sizes import SizePolicy
from r2p_risk.storage.backup import backup_database, restore_database
from r2p_risk.storage.database import open_database

MB = 1024 * 1024
TODAY = dt.date(2026, 1, 2)


@pytest.fixture(scope="module")
def backup(tmp_path_factory):
    """A good backup (format 2) of a populated SQLite database: its path. Made once for the module: every test only
    reads it (a tampered copy is written to the test's own folder)."""
    folder = tmp_path_factory.mktemp("good-backup")
    source = open_database(f"sqlite:///{folder}/source.sqlite3")
    populate(source)
    for n in range(30):  # an audit trail worth cutting
        source.create_situation(Situation(name=f"Situation {n}"), "ana")
    backup_database(source, folder / "good.zip")
    source.close()
    return folder / "good.zip"


@pytest.fixture
def target(database_url):
    """The database restored into (SQLite and PostgreSQL), holding one situation that a refused restore must keep."""
    database = open_database(database_url)
    database.create_situation(Situation(name="Kept"), "ops")
    yield database
    database.close()


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def tampered(path, out, change, checksums: bool = True):
    """The backup with `change(members)` applied; with `checksums`, the manifest's checksums made to match again,
    as an attacker who knows the format would."""
    found = members(path)
    change(found)
    try:
        manifest = json.loads(found["manifest.json"])
    except ValueError:
        manifest = None
    if checksums and isinstance(manifest, dict) and isinstance(manifest.get("checksums"), dict):
        manifest["checksums"] = {
            name: hashlib.sha256(data).hexdigest() for name, data in found.items() if name != "manifest.json"
        }
        found["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in found.items():
            archive.writestr(name, data)
    return out


def table_lines(found, table) -> list:
    return [json.loads(line) for line in found[f"tables/{table}.jsonl"].decode().splitlines()]


def set_lines(found, table, lines) -> None:
    found[f"tables/{table}.jsonl"] = "".join(json.dumps(line) + "\n" for line in lines).encode()


def edit_rows(table, edit):
    def change(found):
        header, *rows = table_lines(found, table)
        set_lines(found, table, [header, *edit(header["columns"], rows)])

    return change


def set_cell(column, value, row=0):
    def edit(columns, rows):
        rows[row][columns.index(column)] = value
        return rows

    return edit


def edit_manifest(edit):
    def change(found):
        manifest = json.loads(found["manifest.json"])
        edit(manifest)
        found["manifest.json"] = json.dumps(manifest).encode()

    return change


def refused(target, path, **kwargs) -> list:
    """Restore `path`, expecting a refusal; the codes of its problems. The target must be as it was."""
    before = contents(target)
    with pytest.raises(StorageError) as caught:
        restore_database(target, path, "cli:ops", force=True, **kwargs)
    assert contents(target) == before and [s.name for s in target.list_situations()] == ["Kept"]
    assert all(p.message for p in caught.value.problems)
    return [p.code for p in caught.value.problems]


# --- point 5: a tampered backup ---------------------------------------------------------------------------------
def cut_audit(found):
    header, *rows = table_lines(found, "audit_events")
    set_lines(found, "audit_events", [header, *rows[:5]])


@pytest.mark.parametrize(
    "change, checksums, codes",
    [
        (cut_audit, True, {"count_mismatch"}),
        (cut_audit, False, {"count_mismatch", "checksum_mismatch"}),
        (edit_rows("users", set_cell("role", "superuser")), True, {"literal_error"}),
        (edit_rows("assessment_revisions", set_cell("data_json", "garbage")), True, {"json_invalid"}),
        (
            edit_rows(
                "assessment_revisions",
                set_cell(
                    "data_json", json.dumps({"assessed_on": "2026-01-01", "analyst": "x", "id": "other", "revision": 1})
                ),
            ),
            True,
            {"inconsistent_row"},
        ),
        (
            edit_rows(
                "assessment_revisions",
                set_cell(
                    "inputs_json", model_inputs_json(Assessment(assessed_on=TODAY, analyst="x").model_dump_json())
                ),
            ),
            True,
            {"inconsistent_row"},
        ),
        (edit_rows("situations", set_cell("name", "")), True, {"string_too_short"}),
        (edit_rows("situations", set_cell("tags_json", "{")), True, {"bad_json"}),
        (edit_rows("audit_events", set_cell("action", "audit.erase")), True, {"unknown_action"}),
        (edit_rows("audit_events", set_cell("at", "yesterday")), True, {"bad_value"}),
        (edit_rows("users", set_cell("identity", "Admin@Example.org")), True, {"bad_identity"}),
        (edit_rows("assessment_revisions", set_cell("situation_id", "nowhere")), True, {"broken_reference"}),
        (edit_rows("situations", lambda columns, rows: rows + rows[:1]), True, {"count_mismatch", "duplicate_row"}),
        (edit_rows("situations", lambda columns, rows: [[*row, "x"] for row in rows]), True, {"bad_row"}),
        (edit_rows("situations", lambda columns, rows: [columns, *rows]), True, {"count_mismatch", "bad_value"}),
    ],
    ids=[
        "audit trail cut",
        "audit trail cut, checksum kept",
        "role superuser",
        "garbage assessment",
        "assessment of another id",
        "model inputs of another assessment",
        "empty name",
        "tags not JSON",
        "unknown action",
        "bad date",
        "identity not normalised",
        "revision of a missing situation",
        "duplicated row",
        "row too long",
        "row of the wrong kind",
    ],
)
def test_a_tampered_backup_is_refused_with_its_problems_and_changes_nothing(
    backup, target, tmp_path, change, checksums, codes
):
    assert set(refused(target, tampered(backup, tmp_path / "bad.zip", change, checksums))) == codes


@pytest.mark.parametrize(
    "change, code",
    [
        (lambda found: found.update({"tables/secrets.jsonl": b'{"columns": []}\n'}), "unknown_member"),
        (edit_manifest(lambda m: m["tables"].update({"secrets": 0})), "unknown_table"),
        (lambda found: found.pop("tables/users.jsonl"), "missing_member"),
        (edit_manifest(lambda m: m["tables"].pop("users")), "missing_table"),
        (lambda found: found.update({"tables/users.jsonl": b'{"columns": [\n'}), "bad_json"),
        (edit_rows("users", lambda columns, rows: rows), "count_mismatch"),  # unchanged rows: the control case is below
        (
            lambda found: found.update(
                {"tables/users.jsonl": found["tables/users.jsonl"].replace(b'"role"', b'"rank"', 1)}
            ),
            "unknown_column",
        ),
        (edit_manifest(lambda m: m.update({"tables": None})), "dict_type"),
        (edit_manifest(lambda m: m.update({"checksums": {}})), "missing_checksum"),
        (lambda found: found.update({"manifest.json": b"[1, 2"}), "bad_json"),
        (edit_manifest(lambda m: m.update({"schema_revision": "9999_future"})), "unknown_revision"),
    ],
    ids=[
        "unknown member",
        "unknown table",
        "missing member",
        "table left out",
        "bad JSON",
        "control",
        "unknown column",
        "tables null",
        "no checksums",
        "manifest not JSON",
        "future revision",
    ],
)
def test_a_malformed_backup_is_refused_in_words(backup, target, tmp_path, change, code):
    path = tampered(backup, tmp_path / "bad.zip", change, checksums=code != "missing_checksum")
    if code == "count_mismatch":  # unchanged: it restores (so every other case fails for its own reason)
        restore_database(target, path, "cli:ops", force=True)
        assert "Kept" not in [s.name for s in target.list_situations()]
        return
    assert code in refused(target, path)


# --- point 4: a restore cannot take the host down ---------------------------------------------------------------
def big_member_backup(backup, out, member: str, unpacked: int, line_break: bool):
    """The backup with `member` replaced by `unpacked` bytes of one endless row (or of many short ones), deflated."""
    found = members(backup)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in found.items():
            if name != member:
                archive.writestr(name, data)
        with archive.open(member, "w", force_zip64=True) as stream:
            stream.write(found[member].splitlines(keepends=True)[0] + b"[")
            chunk = (b'"x",' * (MB // 4)) if not line_break else (b'["x"]\n' * (MB // 6))
            for _ in range(unpacked // len(chunk)):
                stream.write(chunk)
    return out


@pytest.mark.parametrize("line_break", [False, True], ids=["one endless row", "millions of rows"])
def test_a_backup_unpacking_past_the_limit_is_refused_in_bounded_memory(backup, target, tmp_path, line_break):
    path = big_member_backup(backup, tmp_path / "bomb.zip", "tables/audit_events.jsonl", 80 * MB, line_break)
    assert path.stat().st_size < MB  # small on disk: it is what it unpacks to that counts
    tracemalloc.start()
    try:
        codes = refused(target, path, sizes=SizePolicy(restore_mb=64))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "too_large" in codes
    assert peak < 64 * MB


def test_one_endless_row_within_the_limit_is_read_a_line_at_most_at_a_time(backup, target, tmp_path):
    path = big_member_backup(backup, tmp_path / "row.zip", "tables/audit_events.jsonl", 24 * MB, line_break=False)
    tracemalloc.start()
    try:
        codes = refused(target, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "row_too_large" in codes and peak < 40 * MB  # a line at most (8 MB), never the 24 MB row


def test_a_format_1_member_is_refused_by_its_declared_size_before_it_is_unpacked(target, tmp_path):
    path = tmp_path / "v1.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "manifest.json",
            json.dumps(
                {
                    "format": "r2p-risk-backup",
                    "format_version": 1,
                    "schema_revision": "0001_initial",
                    "tables": {"situations": 0, "assessment_revisions": 0},
                }
            ),
        )
        archive.writestr("tables/assessment_revisions.json", b'{"columns": [], "rows": []}')
        with archive.open("tables/situations.json", "w", force_zip64=True) as stream:
            for _ in range(40):
                stream.write(b" " * MB)
    assert "too_large" in refused(target, path)


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_only_a_regular_file_is_read_as_a_backup(target, tmp_path, kind):
    path = {"fifo": tmp_path / "pipe", "device": "/dev/zero", "folder": tmp_path}[kind]
    if kind == "fifo":
        os.mkfifo(path)
    assert refused(target, Path(path)) == ["not_a_file"]


# --- a SQLite backup is checked the same way ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "statement, code",
    [
        ("UPDATE users SET role = 'superuser'", "literal_error"),
        ("UPDATE assessment_revisions SET revision = 'two' WHERE revision = 2", "bad_value"),
        ("UPDATE assessment_revisions SET data_json = '{}'", "missing"),
        ("DROP TABLE situation_access", "missing_table"),
    ],
    ids=["role superuser", "revision not a number", "assessment without fields", "table dropped"],
)
def test_a_tampered_sqlite_backup_is_refused(target, tmp_path, statement, code):
    source = open_database(f"sqlite:///{tmp_path}/source.sqlite3")
    populate(source)
    backup_database(source, tmp_path / "b.sqlite3")
    source.close()
    with sqlite3.connect(tmp_path / "b.sqlite3") as conn:
        conn.execute(statement)
    assert code in refused(target, tmp_path / "b.sqlite3")


def test_a_file_that_only_starts_like_sqlite_is_refused_in_words(target, tmp_path):
    (tmp_path / "b.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    assert refused(target, tmp_path / "b.sqlite3") == ["not_a_backup"]


# --- on the command line: exit 2, the problems on stderr, never a traceback --------------------------------------
def test_the_command_line_reports_a_tampered_backup_as_problems_with_exit_2(
    backup, database_url, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("R2P_RISK_DATABASE_URL", database_url)
    bad = tampered(backup, tmp_path / "bad.zip", edit_rows("users", set_cell("role", "superuser")))
    assert cli.main(["restore", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "users > row 1 > role" in err and "nothing was restored" in err
    assert cli.main(["restore", str(backup)]) == 0
    assert "role: admin" not in capsys.readouterr().err
    assert [u.role for u in open_database(database_url).list_users()] == ["admin", "viewer"]


def test_a_good_backup_of_format_2_holds_one_row_per_line_and_a_checksum_per_member(backup):
    found = members(backup)
    manifest = json.loads(found["manifest.json"])
    assert manifest["format_version"] == 2 and set(manifest["checksums"]) == set(found) - {"manifest.json"}
    for name, data in found.items():
        if name != "manifest.json":
            assert hashlib.sha256(data).hexdigest() == manifest["checksums"][name]
            assert (
                len(data.decode().splitlines())
                == manifest["tables"][name.removeprefix("tables/").removesuffix(".jsonl")] + 1
            )
