"""Reading a backup into a staging SQLite file, bounded and checked, before anything is restored from it.

A backup is hostile until checked. The file must be a regular file within the restore limit
(`R2P_RISK_MAX_RESTORE_MB`). A SQLite backup is copied as it is. A ZIP backup is read member by
member as a stream, never whole: its manifest must say which tables it holds at which schema
revision, how many rows each has and (format 2) each member's SHA-256; every member must be one
of those tables, stored or deflated, and no more than the limit may be unpacked in all. Format 2
holds one JSON row per line (`tables/<table>.jsonl`, the first line naming the columns), so a
row is read at a time and no line may pass `SizePolicy.backup_row_bytes`; a format 1 member
(`tables/<table>.json`, from before) is read whole and may have `V1_MEMBER_BYTES`. Every value
is checked against its column (type, length, null) as it is read. Every problem found is
collected, never just the first, and the backup is refused as a whole if there is any.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import stat
import zipfile
import zlib
from pathlib import Path
from typing import Literal

from pydantic import NonNegativeInt, ValidationError
from sqlalchemy import Engine, MetaData, Table, create_engine, exc, insert

from r2p_risk.errors import Problem, StorageError, problems_from_validation_error
from r2p_risk.models import StrictModel
from r2p_risk.sizes import DEFAULT_SIZES, SizePolicy
from r2p_risk.snapshot import readable_problems
from r2p_risk.storage import schema

FORMAT = "r2p-risk-backup"
FORMAT_VERSION = 2
SQLITE_HEADER = b"SQLite format 3\x00"
MANIFEST = "manifest.json"
MANIFEST_BYTES = 1_000_000
V1_MEMBER_BYTES = 32_000_000
BATCH = 500
MAX_PROBLEMS = 100
_ZIP_FAILURES = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError, ValueError)


class BackupManifest(StrictModel):
    format: Literal["r2p-risk-backup"]
    format_version: Literal[1, 2]
    schema_revision: str
    source: str | None = None
    created_at: str | None = None
    tables: dict[str, NonNegativeInt]
    checksums: dict[str, str] = {}  # member -> SHA-256 (hex); every member of format 2


def member_name(table: str, format_version: int) -> str:
    return f"tables/{table}.json" + ("l" if format_version >= 2 else "")


def stage_backup(path: Path, staging: Path, sizes: SizePolicy = DEFAULT_SIZES) -> Engine:
    """The backup at `path` as a SQLite database in `staging`, at the schema revision it was made at."""
    _check_file(path, sizes)
    with open(path, "rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header == SQLITE_HEADER:
        shutil.copyfile(path, staging)
        if Path(f"{path}-wal").is_file():  # a live database file given as the backup: take its journal too
            shutil.copyfile(f"{path}-wal", f"{staging}-wal")
        return create_engine(f"sqlite:///{staging}")
    if not zipfile.is_zipfile(path):
        raise backup_error(
            [Problem("not_a_backup", path.name, "this is neither an r2p-risk backup (.zip) nor a SQLite database")]
        )
    engine = create_engine(f"sqlite:///{staging}")
    try:
        with zipfile.ZipFile(path) as archive:
            _ZipReader(archive, path.name, sizes).stage(engine)
    except _ZIP_FAILURES as error:
        engine.dispose()
        raise backup_error([Problem("damaged_zip", path.name, f"the ZIP file cannot be read ({error})")]) from None
    return engine


def backup_error(problems: list[Problem]) -> StorageError:
    return StorageError(readable_problems(problems, MAX_PROBLEMS), "the backup was refused; nothing was restored")


def _check_file(path: Path, sizes: SizePolicy) -> None:
    try:
        info = path.stat()
    except OSError as error:
        raise backup_error(
            [Problem("unreadable", str(path), f"the backup could not be read ({error.strerror})")]
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise backup_error([Problem("not_a_file", str(path), "is not a regular file; give the backup file itself")])
    if info.st_size > sizes.restore_bytes:
        raise backup_error(
            [
                Problem(
                    "too_large",
                    str(path),
                    f"is {info.st_size:,} bytes; a backup may have {sizes.restore_bytes:,} (R2P_RISK_MAX_RESTORE_MB)",
                )
            ]
        )


class _ZipReader:
    def __init__(self, archive: zipfile.ZipFile, name: str, sizes: SizePolicy):
        self.archive, self.name, self.sizes = archive, name, sizes
        self.problems: list[Problem] = []

    def stage(self, engine: Engine) -> None:
        manifest = self._manifest()
        with engine.begin() as conn:
            schema.upgrade_schema(conn, to=manifest.schema_revision)
        tables = MetaData()
        tables.reflect(engine)
        known = {name for name in tables.tables if name != "alembic_version"}
        self._check_members(manifest, known)
        with engine.begin() as conn:
            for table in (t for t in tables.sorted_tables if t.name in manifest.tables and t.name in known):
                if len(self.problems) > MAX_PROBLEMS:
                    break
                self._stage_table(conn, table, manifest)
        if self.problems:
            engine.dispose()
            raise backup_error(self.problems)

    def _manifest(self) -> BackupManifest:
        try:
            info = self.archive.getinfo(MANIFEST)
        except KeyError:
            raise backup_error(
                [Problem("not_a_backup", self.name, "this ZIP file has no r2p-risk manifest.json")]
            ) from None
        where = f"{self.name} > {MANIFEST}"
        data = self._read_whole(info, MANIFEST_BYTES)
        try:
            raw = json.loads(data)
        except ValueError as error:
            raise backup_error([Problem("bad_json", where, f"not valid JSON ({error})")]) from None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT or raw.get("format_version") not in (1, 2):
            raise backup_error(
                [Problem("not_a_backup", where, f"not an r2p-risk backup of format version 1 or {FORMAT_VERSION}")]
            )
        if raw.get("schema_revision") not in schema.known_revisions():
            raise backup_error(
                [
                    Problem(
                        "unknown_revision",
                        where,
                        f"schema revision {str(raw.get('schema_revision'))[:40]!r} is "
                        "unknown to this version of r2p-risk; restore it with the version that made it, or a newer one",
                    )
                ]
            )
        try:
            return BackupManifest.model_validate(raw)
        except ValidationError as error:
            raise backup_error(problems_from_validation_error(error, f"{where} > ")) from None

    def _check_members(self, manifest: BackupManifest, known: set[str]) -> None:
        infos = self.archive.infolist()
        expected = {member_name(table, manifest.format_version): table for table in manifest.tables}
        for table in sorted(set(manifest.tables) - known):
            self.problems.append(
                Problem(
                    "unknown_table",
                    f"{self.name} > {MANIFEST}",
                    f"lists table {table!r}, which schema revision {manifest.schema_revision} does not have",
                )
            )
        for table in sorted(known - set(manifest.tables)):
            self.problems.append(
                Problem(
                    "missing_table",
                    f"{self.name} > {MANIFEST}",
                    f"does not list table {table!r}; a backup holds every table",
                )
            )
        present = {info.filename for info in infos}
        for member in sorted(set(expected) - present):
            self.problems.append(
                Problem("missing_member", f"{self.name} > {member}", "is listed in the manifest but not in the ZIP")
            )
        for info in infos:
            if info.filename != MANIFEST and info.filename not in expected:
                self.problems.append(
                    Problem("unknown_member", f"{self.name} > {info.filename}", "is not a table the manifest lists")
                )
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                self.problems.append(
                    Problem(
                        "unsupported_compression",
                        f"{self.name} > {info.filename}",
                        "is compressed in a way r2p-risk backups never are",
                    )
                )
            if manifest.format_version >= 2 and info.filename in expected and info.filename not in manifest.checksums:
                self.problems.append(
                    Problem("missing_checksum", f"{self.name} > {info.filename}", "has no checksum in the manifest")
                )
        total = sum(info.file_size for info in infos)
        if total > self.sizes.restore_bytes:
            self.problems.append(
                Problem(
                    "too_large",
                    self.name,
                    f"unpacks to {total:,} bytes; a backup may have "
                    f"{self.sizes.restore_bytes:,} (R2P_RISK_MAX_RESTORE_MB)",
                )
            )
        if self.problems:
            raise backup_error(self.problems)

    def _read_whole(self, info: zipfile.ZipInfo, limit: int) -> bytes:
        if info.file_size > limit:
            raise backup_error(
                [
                    Problem(
                        "too_large",
                        f"{self.name} > {info.filename}",
                        f"unpacks to {info.file_size:,} bytes; at most {limit:,} are read",
                    )
                ]
            )
        with self.archive.open(info) as stream:
            return stream.read(limit + 1)

    def _stage_table(self, conn, table: Table, manifest: BackupManifest) -> None:
        member = member_name(table.name, manifest.format_version)
        where = f"{self.name} > {member}"
        info = self.archive.getinfo(member)
        digest = hashlib.sha256()
        rows = (
            _JsonlRows(self.archive, info, self.sizes.backup_row_bytes, digest)
            if manifest.format_version >= 2
            else _WholeRows(self._read_whole(info, V1_MEMBER_BYTES), digest)
        )
        columns, count, batch = None, 0, []
        for place, item in rows:
            if isinstance(item, Problem):
                self.problems.append(Problem(item.code, f"{where} > {place}", item.message))
            elif columns is None:
                columns = self._columns(table, item, where)
                if columns is None:
                    return
            else:
                count += 1
                values = row_values(table, columns, item, f"{where} > {place}", self.problems)
                if values is not None:
                    batch.append(values)
                if len(batch) == BATCH:
                    self._insert(conn, table, batch, where)
                    batch = []
            if len(self.problems) > MAX_PROBLEMS:
                return
        self._insert(conn, table, batch, where)
        if columns is None:
            self.problems.append(Problem("bad_member", where, "holds no column names"))
        if count != manifest.tables[table.name]:
            self.problems.append(
                Problem(
                    "count_mismatch",
                    where,
                    f"holds {count:,} rows; the manifest says "
                    f"{manifest.tables[table.name]:,}: rows were added or removed",
                )
            )
        expected = manifest.checksums.get(member)
        if expected is not None and digest.hexdigest() != expected.lower():
            self.problems.append(
                Problem("checksum_mismatch", where, "its SHA-256 differs from the manifest's: the file was changed")
            )

    def _columns(self, table: Table, header, where: str) -> list[str] | None:
        names = header.get("columns") if isinstance(header, dict) else None
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or len(set(names)) != len(names):
            self.problems.append(
                Problem("bad_member", where, 'does not start with the list of its columns ({"columns": [...]})')
            )
            return None
        wanted = [c.name for c in table.columns]
        unknown, missing = [n for n in names if n not in wanted], [n for n in wanted if n not in names]
        self.problems += [
            Problem("unknown_column", where, f"column {n!r} is not a column of {table.name}") for n in unknown
        ]
        self.problems += [Problem("missing_column", where, f"column {n!r} of {table.name} is missing") for n in missing]
        return None if unknown or missing else names

    def _insert(self, conn, table: Table, batch: list[dict], where: str) -> None:
        if not batch:
            return
        try:
            conn.execute(insert(table), batch)
        except exc.IntegrityError as error:
            detail = str(error.orig).split(":", 1)[-1].strip()
            self.problems.append(Problem("duplicate_row", where, f"two rows have the same key ({detail})"))


class _JsonlRows:
    """(place, parsed JSON or a Problem) of a format 2 member, one line at a time."""

    def __init__(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, digest):
        self.archive, self.info, self.limit, self.digest = archive, info, limit, digest

    def __iter__(self):
        with self.archive.open(self.info) as stream:
            number = 0
            while True:
                line = stream.readline(self.limit + 1)
                if not line:
                    return
                number += 1
                self.digest.update(line)
                if len(line) > self.limit:
                    yield f"line {number}", Problem("row_too_large", "", f"is longer than {self.limit:,} bytes")
                    return
                yield f"line {number}", _parsed(line)


class _WholeRows:
    """(place, parsed JSON or a Problem) of a format 1 member: the columns, then each row."""

    def __init__(self, data: bytes, digest):
        self.data = data
        digest.update(data)

    def __iter__(self):
        parsed = _parsed(self.data)
        rows = parsed.get("rows") if isinstance(parsed, dict) else None
        if isinstance(parsed, Problem) or not isinstance(rows, list):
            yield (
                "the whole",
                parsed
                if isinstance(parsed, Problem)
                else Problem("bad_member", "", 'is not {"columns": [...], "rows": [...]}'),
            )
            return
        yield "columns", parsed
        for number, row in enumerate(rows):
            yield f"rows[{number}]", row


def _parsed(data: bytes):
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as error:
        return Problem("bad_json", "", f"not valid JSON ({str(error)[:200]})")


def row_values(table: Table, columns: list[str], row, where: str, problems: list[Problem]) -> dict | None:
    """One backup row as the values of `table`'s columns, or None with its problems added."""
    if not isinstance(row, list) or len(row) != len(columns):
        problems.append(Problem("bad_row", where, f"a row must be a list of {len(columns)} values"))
        return None
    values, found = {}, []
    for name, value in zip(columns, row, strict=True):
        try:
            values[name] = column_value(table.c[name], value)
        except ValueError as error:
            found.append(Problem("bad_value", f"{where} > {name}", str(error)))
    problems += found
    return None if found else values


def column_value(column, value):
    """`value` for `column`: the column's type, length and null rule, dates parsed; ValueError says why not."""
    if value is None:
        if not column.nullable or column.primary_key:
            raise ValueError("is empty, and this column never is")
        return None
    kind = _python_type(column)
    if kind is dt.datetime or kind is dt.date:
        if not isinstance(value, str):
            raise ValueError("is not a date")
        try:
            parsed = dt.datetime.fromisoformat(value) if kind is dt.datetime else dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value[:40]!r} is not a date") from None
        return parsed.astimezone(dt.UTC) if kind is dt.datetime else parsed
    if kind is bool:
        if not isinstance(value, bool) and value not in (0, 1):
            raise ValueError("is not true or false")
        return bool(value)
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2**63 - 1:
            raise ValueError("is not a whole number")
        return value
    if not isinstance(value, str):
        raise ValueError("is not text")
    length = getattr(column.type, "length", None)
    if length is not None and len(value) > length:
        raise ValueError(f"is {len(value):,} characters long; this column holds {length:,}")
    return value


def _python_type(column):
    try:
        return column.type.python_type
    except NotImplementedError:
        return None


def sqlite_problem(name: str, error: BaseException) -> StorageError:
    """A SQLite backup (or the staging copy of one) that SQLite cannot use."""
    detail = str(getattr(error, "orig", None) or error).splitlines()[0][:200]
    return backup_error([Problem("not_a_backup", name, f"not an r2p-risk database SQLite can read ({detail})")])
