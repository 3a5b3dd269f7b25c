"""Backups: a consistent copy of either database, and restoring one into an empty database.

Two formats. A SQLite database is copied with SQLite's online backup API into a single
self-contained SQLite file. A file named `*.zip` (and every PostgreSQL backup) is the portable
format, version 2: `manifest.json` (format, version, schema revision, row counts, and the SHA-256
of every member) and one `tables/<table>.jsonl` per table, its first line the column names and
then one row per line, all read in one snapshot transaction and written as a stream.

Restoring reads either format into either database (so a laptop's SQLite file can seed a team's
PostgreSQL), and trusts nothing in the file: it is first rebuilt in a temporary SQLite file,
bounded and checked as it is read (`backup_read.py`), upgraded to the newest schema, and every row
is checked with the models the app uses (`backup_checks.py`). Only a backup without a single problem
is copied into the target, in one transaction: a restore completes or changes nothing. The target
must be empty unless `force`; the backup file is only ever read. Backups and restores are audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

from sqlalchemy import Engine, delete, exc, exists, insert, inspect, or_, select, text

from r2p_risk.errors import ConflictError, Problem, StorageError
from r2p_risk.sizes import DEFAULT_SIZES, SizePolicy
from r2p_risk.storage import schema
from r2p_risk.storage.audit import record_event
from r2p_risk.storage.backup_checks import DERIVED, check_staged
from r2p_risk.storage.backup_read import FORMAT, FORMAT_VERSION, backup_error, member_name, sqlite_problem, stage_backup
from r2p_risk.storage.database import Database
from r2p_risk.storage.tables import metadata

BATCH = 500


def backup_database(database: Database, path: Path, actor: str | None = None) -> dict[str, int]:
    """Write a consistent copy of `database` to `path`; returns the rows copied per table.

    With an `actor`, the backup is recorded in the audit trail once the file is complete.
    """
    if path.suffix.lower() != ".zip" and database.backend != "sqlite":
        raise _error(
            "zip_needed", str(path), "a PostgreSQL database is backed up in the portable format: name the file *.zip"
        )
    partial = path.with_name(path.name + ".partial")
    try:
        partial.unlink(missing_ok=True)
        counts = _write_zip(database, partial) if path.suffix.lower() == ".zip" else _copy_sqlite(database, partial)
        partial.replace(path)
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise _error(
            "backup_failed", str(path), f"the backup could not be written ({getattr(error, 'strerror', None) or error})"
        ) from None
    except exc.DBAPIError as error:
        partial.unlink(missing_ok=True)
        raise StorageError(
            [database._problem("back up the database", error)], "could not back up the database"
        ) from error
    if actor is not None:
        database.record_event(actor, "database.backup", after={"file": path.name, "rows": counts})
    return counts


def restore_database(
    database: Database, path: Path, actor: str, force: bool = False, sizes: SizePolicy = DEFAULT_SIZES
) -> dict[str, int]:
    """Replace the (empty, unless `force`) `database` with the backup at `path`; returns the rows restored.

    StorageError lists every problem of a backup that is damaged, tampered with or too large; nothing changes then.
    """
    with tempfile.TemporaryDirectory(prefix="r2p-restore-") as folder:
        staging = stage_backup(path, Path(folder) / "backup.sqlite3", sizes)
        try:
            try:
                with staging.begin() as conn:
                    if schema.schema_revision(conn) is None and not inspect(conn).has_table("situations"):
                        raise backup_error(
                            [Problem("not_a_backup", path.name, "this SQLite database is not one of r2p-risk")]
                        )
                    schema.upgrade_schema(conn)
                problems = check_staged(staging, sizes)
            except (exc.DBAPIError, sqlite3.DatabaseError) as error:
                raise sqlite_problem(path.name, error) from None
            if problems:
                raise backup_error(problems)
            return _copy_rows(staging, database, path.name, actor, force)
        finally:
            staging.dispose()


def _copy_sqlite(database: Database, target: Path) -> dict[str, int]:
    raw = database.engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        try:
            driver = raw.driver_connection
            if driver is None:
                raise StorageError(
                    [Problem("closed", "database", "the connection to the database is closed")],
                    "could not back up the database",
                )
            driver.backup(copy)  # one step: a consistent snapshot, even while others write
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            # table names come from our own schema (metadata), never from input
            return {
                table.name: copy.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]  # noqa: S608
                for table in metadata.sorted_tables
            }
        finally:
            copy.close()
    finally:
        raw.close()


def _write_zip(database: Database, target: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    checksums: dict[str, str] = {}
    with database.engine.connect() as conn, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        if database.backend == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")  # one snapshot for every table
        with conn.begin():
            revision = schema.schema_revision(conn)
            for table in metadata.sorted_tables:
                member = member_name(table.name, FORMAT_VERSION)
                counts[table.name], checksums[member] = _write_table(conn, table, archive, member)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_revision": revision,
            "source": database.backend,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "tables": counts,
            "checksums": checksums,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return counts


def _write_table(conn, table, archive: zipfile.ZipFile, member: str) -> tuple[int, str]:
    """One table as JSON Lines, streamed from the database into the ZIP; (rows, SHA-256)."""
    digest, count = hashlib.sha256(), 0
    with archive.open(member, "w", force_zip64=True) as stream:

        def write(value) -> None:
            line = (json.dumps(value, ensure_ascii=False, default=_iso) + "\n").encode("utf-8")
            digest.update(line)
            stream.write(line)

        write({"columns": [c.name for c in table.columns]})
        for row in conn.execution_options(yield_per=BATCH).execute(select(table).order_by(*table.primary_key.columns)):
            write(list(row))
            count += 1
    return count, digest.hexdigest()


def _copy_rows(source: Engine, target: Database, name: str, actor: str, force: bool) -> dict[str, int]:
    """The checked rows into the target, in one transaction; derived tables are left to be computed again."""
    counts: dict[str, int] = {}
    try:
        with source.connect() as reader, target._transaction("restore the backup", write=True) as conn:
            if not force and conn.execute(select(or_(*(exists(select(t)) for t in metadata.sorted_tables)))).scalar():
                raise _error(
                    "not_empty",
                    "database",
                    "the database already holds data; restore only into an empty "
                    "database, or pass --force to replace everything in it",
                )
            for table in reversed(metadata.sorted_tables):
                conn.execute(delete(table))
            for table in (t for t in metadata.sorted_tables if t.name not in DERIVED):
                counts[table.name] = 0
                for rows in reader.execute(select(table)).mappings().partitions(BATCH):
                    conn.execute(insert(table), [dict(row) for row in rows])
                    counts[table.name] += len(rows)
            if target.backend == "postgresql":  # the next audit event continues after the restored ones
                conn.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence('audit_events', 'id'), "
                        "COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM audit_events"
                    )
                )
            record_event(conn, target._now(), actor, "database.restore", after={"file": name, "rows": counts})
    except ConflictError as error:  # a rule of the target database that the checked rows still break
        detail = str(getattr(error.__cause__, "orig", error.__cause__)).splitlines()[0][:200]
        raise backup_error(
            [Problem("refused_by_database", "database", f"the database refused the backup's rows ({detail})")]
        ) from None
    return counts


def _iso(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a backup")


def _error(code: str, where: str, message: str) -> StorageError:
    return StorageError([Problem(code, where, message)], message)
