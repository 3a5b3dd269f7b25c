"""The assessment database: situations, and every saved revision of every assessment.

SQLAlchemy Core on SQLite (the default; WAL, `BEGIN IMMEDIATE` for writes only) or PostgreSQL.
Nothing is overwritten: each save adds a revision, and a save based on a revision older than the
latest is refused with a `ConflictError` naming who saved the newer one. Situations are deleted
softly (to a bin) and can be restored; only a deleted situation can be purged for good.
Every database failure becomes a `StorageError` naming the database and what could not be done.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from functools import partial
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import (
    and_,
    create_engine,
    delete,
    event,
    exc,
    func,
    insert,
    inspect,
    select,
    true,
    update,
)
from sqlalchemy.engine import URL, Connection, Engine, Row, make_url

from r2p_risk.assessment import Assessment, Situation
from r2p_risk.errors import (
    ConflictError,
    Problem,
    StorageError,
    problems_from_validation_error,
)
from r2p_risk.storage.tables import metadata, revisions, situations


@dataclass(frozen=True)
class SituationHistory:
    situation: Situation
    assessments: list[Assessment]  # the latest revision of each assessment, oldest assessed_on first


@dataclass(frozen=True)
class RevisionInfo:
    assessment_id: str
    revision: int
    saved_by: str
    saved_at: dt.datetime
    status: str
    assessed_on: dt.date
    note: str


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def open_database(url: str, now: Callable[[], dt.datetime] = utc_now) -> Database:
    """Connect to the database at `url`, creating its folder (SQLite) and its tables if missing."""
    database = Database(url, now)
    database.create_schema()
    return database


_REASONS = (  # (words in the driver's message, what to tell people)
    ("readonly", "the database is read-only"),
    ("locked", "the database is busy with another save; try again"),
    ("disk is full", "the disk is full"),
    ("unable to open", "the database file could not be opened (check the folder and its permissions)"),
    ("disk i/o", "the disk could not be read or written"),
    ("connect", "the database server could not be reached"),
)


class Database:
    """One database, safe to share between threads; every method runs in its own short transaction."""

    def __init__(self, url: str, now: Callable[[], dt.datetime] = utc_now):
        parsed = make_url(url)
        self.url = url if parsed.password is None else parsed.render_as_string(hide_password=True)  # safe to show
        self._password = parsed.password
        sqlite_file = parsed.get_backend_name() == "sqlite" and (parsed.database or ":memory:") != ":memory:"
        self._name = f"file {parsed.database.removeprefix('file:')}" if sqlite_file else self.url
        self._now = now
        try:
            self.engine = _create_engine(parsed)
        except OSError as error:  # the folder of a SQLite file could not be made
            raise StorageError([self._problem("open the database", error)], "could not open the database") from None
        self._writer = self.engine.execution_options(write=True)

    def close(self) -> None:
        self.engine.dispose()

    def create_schema(self) -> None:
        with self._transaction("open the database") as conn:
            missing = set(metadata.tables) - set(inspect(conn).get_table_names())
        if missing:
            with self._transaction("create the database tables", write=True) as conn:
                metadata.create_all(conn)  # checks again inside the write lock

    def create_situation(self, situation: Situation, actor: str) -> Situation:
        created = situation.model_copy(update={"id": situation.id or uuid.uuid4().hex})
        now = self._now()
        try:
            with self._transaction("create the situation", write=True) as conn:
                conn.execute(insert(situations).values(
                    id=created.id, **_situation_values(created), created_at=now, created_by=actor,
                    updated_at=now, updated_by=actor))
        except ConflictError:
            raise _error("already_exists", f"situation {created.id}", "a situation with this id already exists") from None
        return created

    def update_situation(self, situation: Situation, actor: str) -> Situation:
        with self._transaction("update the situation", write=True) as conn:
            self._open_situation(conn, situation.id)
            conn.execute(update(situations).where(situations.c.id == situation.id).values(
                **_situation_values(situation), updated_at=self._now(), updated_by=actor))
        return situation

    def get_situation(self, situation_id: str, include_deleted: bool = False) -> Situation:
        with self._transaction("read the situation") as conn:
            row = self._situation_row(conn, situation_id)
        if row.deleted_at is not None and not include_deleted:
            raise _not_found(f"situation {situation_id}", "this situation was deleted")
        return _situation(row)

    def list_situations(self, include_deleted: bool = False) -> list[Situation]:
        """Situations by name; those in the bin only when `include_deleted`."""
        with self._transaction("list the situations") as conn:
            return [_situation(row) for row in conn.execute(_situations_where(_shown(include_deleted)))]

    def deleted_situations(self) -> list[Situation]:
        with self._transaction("list the deleted situations") as conn:
            return [_situation(row) for row in conn.execute(_situations_where(situations.c.deleted_at.is_not(None)))]

    def delete_situation(self, situation_id: str, actor: str) -> None:
        """Move a situation to the bin; its assessments stay. Deleting it again changes nothing."""
        with self._transaction("delete the situation", write=True) as conn:
            if self._situation_row(conn, situation_id).deleted_at is None:
                self._mark_deleted(conn, situation_id, actor, deleted=True)

    def restore_situation(self, situation_id: str, actor: str) -> None:
        with self._transaction("restore the situation", write=True) as conn:
            if self._situation_row(conn, situation_id).deleted_at is not None:
                self._mark_deleted(conn, situation_id, actor, deleted=False)

    def purge_situation(self, situation_id: str) -> None:
        """Remove a deleted situation and every revision of its assessments, for good."""
        with self._transaction("purge the situation", write=True) as conn:
            if self._situation_row(conn, situation_id).deleted_at is None:
                raise _error("not_deleted", f"situation {situation_id}", "only a deleted situation can be purged; delete it first")
            conn.execute(delete(revisions).where(revisions.c.situation_id == situation_id))
            conn.execute(delete(situations).where(situations.c.id == situation_id))

    def save_assessment(self, situation_id: str, assessment: Assessment, actor: str,
                        based_on_revision: int | None, note: str = "") -> Assessment:
        """Save a new revision; refused with a ConflictError when somebody saved after `based_on_revision`.

        An assessment without an id is new (revision 1); one with an id unknown here is imported as new.
        """
        if assessment.id is None and based_on_revision is not None:
            raise ValueError("a new assessment (without an id) cannot be based on a revision")
        assessment_id = assessment.id or uuid.uuid4().hex
        try:
            with self._transaction("save the assessment", write=True) as conn:
                return self._add_revision(conn, situation_id, assessment.model_copy(update={"id": assessment_id}),
                                          actor, based_on_revision, note)
        except ConflictError as error:
            if isinstance(error.__cause__, exc.IntegrityError):  # PostgreSQL: another save inserted this revision first
                with self._transaction("save the assessment") as conn:
                    _check_base(assessment_id, situation_id, self._latest_row(conn, assessment_id), based_on_revision)
            raise

    def restore_revision(self, assessment_id: str, revision: int, actor: str) -> Assessment:
        """Copy an old revision as the new latest one; the revisions in between stay."""
        with self._transaction("restore the revision", write=True) as conn:
            old = conn.execute(select(revisions).where(
                revisions.c.assessment_id == assessment_id, revisions.c.revision == revision)).first()
            if old is None:
                raise _not_found(f"assessment {assessment_id}", f"there is no revision {revision}")
            latest = self._latest_row(conn, assessment_id, required=True)
            return self._add_revision(conn, old.situation_id, _assessment(old), actor, latest.revision,
                                      f"restored from revision {revision}")

    def load_assessment(self, assessment_id: str, revision: int | None = None) -> Assessment:
        """The given revision of an assessment, or its latest when `revision` is None."""
        query = select(revisions).where(revisions.c.assessment_id == assessment_id)
        query = query.order_by(revisions.c.revision.desc()).limit(1) if revision is None else query.where(revisions.c.revision == revision)
        with self._transaction("load the assessment") as conn:
            row = conn.execute(query).first()
        if row is None:
            raise _not_found(f"assessment {assessment_id}", "no such assessment" if revision is None else f"there is no revision {revision}")
        return _assessment(row)

    def situation_of(self, assessment_id: str) -> str:
        with self._transaction("find the situation of the assessment") as conn:
            return self._latest_row(conn, assessment_id, required=True).situation_id

    def latest_revision(self, assessment_id: str) -> int:
        with self._transaction("read the latest revision") as conn:
            return self._latest_row(conn, assessment_id, required=True).revision

    def list_assessments(self, situation_id: str) -> list[Assessment]:
        """The latest revision of each assessment of a situation, by assessed_on then id."""
        with self._transaction("list the assessments") as conn:
            self._situation_row(conn, situation_id)
            rows = conn.execute(_latest_revisions(revisions.c.situation_id == situation_id)).all()
        return [_assessment(row) for row in rows]

    def list_revisions(self, assessment_id: str) -> list[RevisionInfo]:
        """Every revision of an assessment, newest first."""
        columns = [revisions.c[field.name] for field in fields(RevisionInfo)]
        query = select(*columns).where(revisions.c.assessment_id == assessment_id).order_by(revisions.c.revision.desc())
        with self._transaction("list the revisions") as conn:
            rows = conn.execute(query).all()
        if not rows:
            raise _not_found(f"assessment {assessment_id}", "no such assessment")
        return [RevisionInfo(**row._mapping) for row in rows]

    def situation_histories(self, include_deleted: bool = False) -> list[SituationHistory]:
        """Every situation by name, with the latest revision of each of its assessments: two queries."""
        shown = _shown(include_deleted)
        with self._transaction("read the situation histories") as conn:
            situation_rows = conn.execute(_situations_where(shown)).all()
            revision_rows = conn.execute(_latest_revisions(
                revisions.c.situation_id.in_(select(situations.c.id).where(shown)))).all()
        by_situation: dict[str, list[Assessment]] = {row.id: [] for row in situation_rows}
        for row in revision_rows:
            if row.situation_id in by_situation:  # PostgreSQL: a situation added between the two queries
                by_situation[row.situation_id].append(_assessment(row))
        return [SituationHistory(_situation(row), by_situation[row.id]) for row in situation_rows]

    def counts(self) -> dict[str, int]:
        """Everything stored, deleted situations and their assessments included."""
        query = select(
            select(func.count()).select_from(situations).scalar_subquery().label("situations"),
            select(func.count(revisions.c.assessment_id.distinct())).scalar_subquery().label("assessments"),
            select(func.count()).select_from(revisions).scalar_subquery().label("revisions"),
        )
        with self._transaction("count the saved records") as conn:
            return dict(conn.execute(query).one()._mapping)

    @contextmanager
    def _transaction(self, operation: str, write: bool = False) -> Iterator[Connection]:
        """A short transaction; `write` takes the SQLite write lock at BEGIN so check-then-insert is atomic."""
        try:
            with (self._writer if write else self.engine).begin() as conn:
                yield conn
        except exc.IntegrityError as error:  # a unique or foreign key constraint: somebody else wrote first
            raise ConflictError([Problem("conflict", "database", f"could not {operation}: somebody changed the same "
                                         "record at the same moment; reload and try again")], "somebody else saved at the same moment") from error
        except exc.DBAPIError as error:
            raise StorageError([self._problem(operation, error)], f"could not {operation}") from error

    def _problem(self, operation: str, error: BaseException) -> Problem:
        """A plain message naming the operation and the database (never its password), with the driver's words."""
        detail = (str(getattr(error, "orig", None) or error).strip() or type(error).__name__).splitlines()[0]
        if self._password:
            detail = detail.replace(self._password, "***")
        reason = next((words for key, words in _REASONS if key in detail.lower().replace("read-only", "readonly")), None)
        text = f"{reason} ({detail})" if reason else detail
        return Problem("database_unavailable", "database", f"could not {operation}: {text}; database {self._name}")

    def _situation_row(self, conn: Connection, situation_id: str) -> Row:
        row = conn.execute(select(situations).where(situations.c.id == situation_id)).first()
        if row is None:
            raise _not_found(f"situation {situation_id}", "no such situation")
        return row

    def _open_situation(self, conn: Connection, situation_id: str | None) -> None:
        if self._situation_row(conn, situation_id).deleted_at is not None:
            raise _error("deleted", f"situation {situation_id}", "this situation was deleted; restore it before changing it")

    def _mark_deleted(self, conn: Connection, situation_id: str, actor: str, deleted: bool) -> None:
        now = self._now()
        conn.execute(update(situations).where(situations.c.id == situation_id).values(
            deleted_at=now if deleted else None, deleted_by=actor if deleted else None, updated_at=now, updated_by=actor))

    def _latest_row(self, conn: Connection, assessment_id: str, required: bool = False) -> Row | None:
        latest = conn.execute(select(revisions.c.revision, revisions.c.situation_id, revisions.c.saved_by, revisions.c.saved_at)
                              .where(revisions.c.assessment_id == assessment_id)
                              .order_by(revisions.c.revision.desc()).limit(1)).first()
        if latest is None and required:
            raise _not_found(f"assessment {assessment_id}", "no such assessment")
        return latest

    def _add_revision(self, conn: Connection, situation_id: str, assessment: Assessment, actor: str,
                      based_on: int | None, note: str) -> Assessment:
        """Check that nobody saved after `based_on`, then insert the next revision, in the caller's write transaction."""
        self._open_situation(conn, situation_id)
        latest = self._latest_row(conn, assessment.id)
        _check_base(assessment.id, situation_id, latest, based_on)
        saved = assessment.model_copy(update={"revision": (latest.revision if latest else 0) + 1})
        conn.execute(insert(revisions).values(
            assessment_id=saved.id, revision=saved.revision, situation_id=situation_id, assessed_on=saved.assessed_on,
            analyst=saved.analyst, status=saved.status, saved_by=actor, saved_at=self._now(), note=note,
            data_json=saved.model_dump_json()))
        return saved


def _create_engine(url: URL) -> Engine:
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if url.database and url.database != ":memory:" and not url.query.get("uri"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
        dbapi_connection.execute(f"PRAGMA {pragma}")


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


def _shown(include_deleted: bool):
    return true() if include_deleted else situations.c.deleted_at.is_(None)


def _situations_where(condition):
    return select(situations).where(condition).order_by(situations.c.name, situations.c.id)


def _latest_revisions(which):
    """The latest revision of every assessment whose revisions match `which`, by assessed_on then id."""
    newest = (select(revisions.c.assessment_id, func.max(revisions.c.revision).label("revision"))
              .where(which).group_by(revisions.c.assessment_id).subquery())
    return (select(revisions.c.assessment_id, revisions.c.revision, revisions.c.situation_id, revisions.c.data_json)
            .join(newest, and_(revisions.c.assessment_id == newest.c.assessment_id, revisions.c.revision == newest.c.revision))
            .order_by(revisions.c.assessed_on, revisions.c.assessment_id))


def _check_base(assessment_id: str, situation_id: str, latest: Row | None, based_on: int | None) -> None:
    where = f"assessment {assessment_id}"
    if latest is None:
        if based_on is not None:
            raise _not_found(where, "this assessment no longer exists")
        return
    if latest.situation_id != situation_id:
        raise _error("wrong_situation", where, f"this assessment belongs to situation {latest.situation_id}, not {situation_id}")
    if latest.revision != based_on:
        when = f"{latest.saved_at:%Y-%m-%d %H:%M} UTC"
        opened = "an assessment with this id already exists" if based_on is None else f"you started from revision {based_on}"
        raise ConflictError([Problem("conflict", where, f"{latest.saved_by} saved revision {latest.revision} on {when}; "
                                     f"{opened}. Reload the assessment to see their changes, then save again.")],
                            "somebody saved a newer revision")


def _situation_values(situation: Situation) -> dict:
    return {"name": situation.name, "country": situation.country, "area": situation.area,
            "tags_json": json.dumps(situation.tags, ensure_ascii=False)}


def _situation(row: Row) -> Situation:
    data = {"id": row.id, "name": row.name, "country": row.country, "area": row.area, "tags": json.loads(row.tags_json)}
    return _validated(lambda: Situation.model_validate(data), f"situation {row.id}")


def _assessment(row: Row) -> Assessment:
    return _validated(lambda: Assessment.model_validate_json(row.data_json), f"assessment {row.assessment_id} revision {row.revision}")


def _validated(build: Callable, where: str):
    try:
        return build()
    except ValidationError as error:
        raise StorageError(problems_from_validation_error(error, f"{where} > "), f"{where} in the database is not valid") from None


def _error(code: str, where: str, message: str) -> StorageError:
    return StorageError([Problem(code, where, message)], message)


_not_found = partial(_error, "not_found")
