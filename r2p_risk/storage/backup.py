"""Backups: a consistent copy of either database, and restoring one into an empty database.

Two formats. A SQLite database is copied with SQLite's online backup API into a single
self-contained SQLite file. A file named `*.zip` (and every PostgreSQL backup) is the portable
format: `manifest.json` (format, version, schema revision, row counts) and one
`tables/<table>.json` per table (`columns`, `rows`), all read in one snapshot transaction.

Restoring reads either format into either database (so a laptop's SQLite file can seed a team's
PostgreSQL): the backup is first rebuilt in a temporary SQLite file at its own schema revision
and upgraded to the newest, then its rows are copied into the target in one transaction. The
target must be empty unless `force`; the backup file is only ever read.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path

from sqlalchemy import MetaData, delete, exc, exists, insert, or_, select, text

from r2p_risk.errors import Problem, StorageError
from r2p_risk.storage import schema
from r2p_risk.storage.audit import record_event
from r2p_risk.storage.database import Database, open_database
from r2p_risk.storage.tables import metadata

FORMAT = "r2p-risk-backup"
FORMAT_VERSION = 1
SQLITE_HEADER = b"SQLite format 3\x00"


def backup_database(database: Database, path: Path) -> dict[str, int]:
    """Write a consistent copy of `database` to `path`; returns the rows copied per table."""
    if path.suffix.lower() != ".zip" and database.backend != "sqlite":
        raise _error("zip_needed", str(path), "a PostgreSQL database is backed up in the portable format: name the file *.zip")
    partial = path.with_name(path.name + ".partial")
    try:
        partial.unlink(missing_ok=True)
        counts = _write_zip(database, partial) if path.suffix.lower() == ".zip" else _copy_sqlite(database, partial)
        partial.replace(path)
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise _error("backup_failed", str(path), f"the backup could not be written ({getattr(error, 'strerror', None) or error})") from None
    except exc.DBAPIError as error:
        partial.unlink(missing_ok=True)
        raise StorageError([database._problem("back up the database", error)], "could not back up the database") from error
    return counts


def restore_database(database: Database, path: Path, actor: str, force: bool = False) -> dict[str, int]:
    """Replace the (empty, unless `force`) `database` with the backup at `path`; returns the rows restored."""
    with tempfile.TemporaryDirectory(prefix="r2p-restore-") as folder:
        staging = _staging_copy(path, Path(folder) / "backup.sqlite3")
        try:
            return _copy_rows(staging, database, path.name, actor, force)
        finally:
            staging.close()


def _copy_sqlite(database: Database, target: Path) -> dict[str, int]:
    raw = database.engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(copy)  # one step: a consistent snapshot, even while others write
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            return {table.name: copy.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0] for table in metadata.sorted_tables}
        finally:
            copy.close()
    finally:
        raw.close()


def _write_zip(database: Database, target: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with database.engine.connect() as conn, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        if database.backend == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")  # one snapshot for every table
        with conn.begin():
            revision = schema.schema_revision(conn)
            for table in metadata.sorted_tables:
                rows = [list(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))]
                counts[table.name] = len(rows)
                archive.writestr(f"tables/{table.name}.json", json.dumps(
                    {"columns": [c.name for c in table.columns], "rows": rows}, ensure_ascii=False, default=_iso))
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "schema_revision": revision,
                    "source": database.backend, "created_at": dt.datetime.now(dt.UTC).isoformat(), "tables": counts}
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return counts


def _staging_copy(path: Path, staging: Path) -> Database:
    """The backup as a SQLite database at the newest schema revision, in `staging`."""
    try:
        with open(path, "rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise _error("unreadable", str(path), f"the backup could not be read ({error.strerror})") from None
    if header == SQLITE_HEADER:
        shutil.copyfile(path, staging)
        if Path(f"{path}-wal").exists():  # a live database file given as the backup: take its journal too
            shutil.copyfile(f"{path}-wal", f"{staging}-wal")
    elif zipfile.is_zipfile(path):
        _unpack_zip(path, staging)
    else:
        raise _error("not_a_backup", str(path), "this is neither an r2p-risk backup (.zip) nor a SQLite database")
    return open_database(f"sqlite:///{staging}")


def _unpack_zip(path: Path, staging: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except (KeyError, ValueError):
            raise _error("not_a_backup", str(path), "this ZIP file has no r2p-risk manifest.json") from None
        revision = manifest.get("schema_revision")
        if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
            raise _error("not_a_backup", f"{path} > manifest.json", f"not an r2p-risk backup of format version {FORMAT_VERSION}")
        if revision not in schema.known_revisions():
            raise _error("unknown_revision", f"{path} > manifest.json", f"schema revision {revision} is unknown to "
                         "this version of r2p-risk; restore it with the version that made it, or a newer one")
        database = Database(f"sqlite:///{staging}")
        try:
            with database._transaction("prepare the backup", write=True) as conn:
                schema.upgrade_schema(conn, to=revision)
                tables = MetaData()
                tables.reflect(conn)
                for name in manifest["tables"]:
                    _insert_json(conn, tables.tables[name], json.loads(archive.read(f"tables/{name}.json")))
        finally:
            database.close()


def _insert_json(conn, table, data: dict) -> None:
    parse = {dt.datetime: lambda v: dt.datetime.fromisoformat(v).astimezone(dt.UTC), dt.date: dt.date.fromisoformat}
    converters = [parse.get(_python_type(table.c[name])) for name in data["columns"]]
    rows = [{name: value if value is None or convert is None else convert(value)
             for name, convert, value in zip(data["columns"], converters, row)} for row in data["rows"]]
    if rows:
        conn.execute(insert(table), rows)


def _copy_rows(source: Database, target: Database, name: str, actor: str, force: bool) -> dict[str, int]:
    counts: dict[str, int] = {}
    with source.engine.connect() as reader, target._transaction("restore the backup", write=True) as conn:
        if not force and conn.execute(select(or_(*(exists(select(t)) for t in metadata.sorted_tables)))).scalar():
            raise _error("not_empty", "database", f"the database {target.url} already holds data; restore only into an "
                         "empty database, or pass --force to replace everything in it")
        for table in reversed(metadata.sorted_tables):
            conn.execute(delete(table))
        for table in metadata.sorted_tables:
            counts[table.name] = 0
            for rows in reader.execute(select(table)).mappings().partitions(500):
                conn.execute(insert(table), [dict(row) for row in rows])
                counts[table.name] += len(rows)
        if target.backend == "postgresql":  # the next audit event continues after the restored ones
            conn.execute(text("SELECT setval(pg_get_serial_sequence('audit_events', 'id'), "
                              "COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM audit_events"))
        record_event(conn, target._now(), actor, "database.restore", after={"file": name, "rows": counts})
    return counts


def _python_type(column):
    try:
        return column.type.python_type
    except NotImplementedError:
        return None


def _iso(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in a backup")


def _error(code: str, where: str, message: str) -> StorageError:
    return StorageError([Problem(code, where, message)], message)
