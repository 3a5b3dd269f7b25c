"""The assessment database: situations, and every saved revision of every assessment.

SQLAlchemy Core on SQLite (the default; WAL, `BEGIN IMMEDIATE` for writes only) or PostgreSQL,
its schema brought to the newest Alembic revision on open (`schema.py`). Nothing is overwritten:
each save adds a revision (`revisions.py`). Situations are deleted softly (to a bin) and can be
restored; only a deleted situation can be purged for good. Every change is an audit event in the
same transaction (`audit.py`). Review steps are revisions too (`reviews.py`); rounds of independent
ratings by several analysts are in `rounds.py`, their assessments left out of every list. Users,
roles and restricted situations are in `users.py`;
`Database.as_user(user)` is the same API with the user's role and access enforced. The watch list
and Compare read `situation_overviews`: score summaries stored per revision and model (`scores.py`).
Every database failure becomes a `StorageError` naming the database and what could not be done.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, exc, func, insert, select, true, update
from sqlalchemy.engine import Connection, Row, make_url

from r2p_risk.assessment import Assessment, Situation
from r2p_risk.errors import ConflictError, Problem, StorageError
from r2p_risk.overview import ScoredAssessment, SituationOverview, model_key
from r2p_risk.snapshot import Provenance
from r2p_risk.storage import schema
from r2p_risk.storage.audit import AuditTrail, changes, record_event
from r2p_risk.storage.drafts import AssessmentDrafts, Draft
from r2p_risk.storage.engine import engine_for, failure, masked_url, not_found, storage_error
from r2p_risk.storage.reviews import AssessmentReviews
from r2p_risk.storage.revisions import (
    AssessmentRevisions,
    RevisionInfo,
    assessment_from_row,
    latest_revisions,
    validated,
)
from r2p_risk.storage.rounds import RatingRounds, listed
from r2p_risk.storage.scores import ScoreSummaries, latest_with_summaries, summary_from_row
from r2p_risk.storage.sources import SourceLibrary
from r2p_risk.storage.tables import (
    assessment_scores,
    drafts,
    metadata,
    rating_rounds,
    revisions,
    round_members,
    situation_access,
    situation_sources,
    situations,
)
from r2p_risk.storage.users import UserAccounts

__all__ = ["Database", "Draft", "RevisionInfo", "SituationHistory", "metadata", "open_database", "revisions", "utc_now"]

if TYPE_CHECKING:
    from r2p_risk.access import User
    from r2p_risk.storage.user_database import UserDatabase


@dataclass(frozen=True)
class SituationHistory:
    situation: Situation
    assessments: list[Assessment]  # the latest revision of each assessment, oldest assessed_on first


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def open_database(url: str, now: Callable[[], dt.datetime] = utc_now) -> Database:
    """Connect to the database at `url`, creating its folder (SQLite) and bringing its tables to the newest schema."""
    database = Database(url, now)
    database.create_schema()
    return database


class Database(
    AssessmentRevisions,
    AssessmentReviews,
    RatingRounds,
    AssessmentDrafts,
    SourceLibrary,
    ScoreSummaries,
    UserAccounts,
    AuditTrail,
):
    """One database, safe to share between threads; every method runs in its own short transaction."""

    def __init__(self, url: str, now: Callable[[], dt.datetime] = utc_now):
        try:
            parsed = make_url(url)
            parsed.get_dialect()  # an unknown database kind or a missing driver fails here, in words
        except (exc.ArgumentError, exc.NoSuchModuleError, ImportError) as error:
            raise StorageError(
                [
                    Problem(
                        "bad_database_url",
                        "R2P_RISK_DATABASE_URL",
                        f"not a database URL this app can use ({type(error).__name__}); "
                        "expected e.g. sqlite:///path/file.sqlite3 or postgresql+psycopg://user@host/db",
                    )
                ],
                "could not open the database",
            ) from None
        self.url, self._secrets = masked_url(parsed)  # for the operator: the command line and the log, never a screen
        is_file = parsed.get_backend_name() == "sqlite" and parsed.database != ":memory:"
        sqlite_file = parsed.database if is_file else None
        self._name = f"file {sqlite_file.removeprefix('file:')}" if sqlite_file else self.url
        self._now = now
        try:
            self.engine = engine_for(parsed)
        except OSError as error:  # the folder of a SQLite file could not be made
            raise StorageError([self._problem("open the database", error)], "could not open the database") from None
        self._writer = self.engine.execution_options(write=True)

    def close(self) -> None:
        self.engine.dispose()

    @property
    def backend(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    def create_schema(self) -> None:
        """Create or upgrade the tables to the newest schema revision; safe when several processes start at once."""
        with self._transaction("open the database") as conn:
            if schema.is_current(conn):
                return
        with self._transaction("upgrade the database tables", write=True) as conn:
            schema.upgrade_schema(conn)  # checks again inside the write lock

    def schema_revision(self) -> str | None:
        with self._transaction("read the schema revision") as conn:
            return schema.schema_revision(conn)

    def as_user(self, user: User) -> UserDatabase:
        """The same methods, as `user`: their role and the situations they may see are enforced."""
        from r2p_risk.storage.user_database import UserDatabase

        return UserDatabase(self, user)

    def create_situation(
        self, situation: Situation, actor: str, *, action: str = "situation.create", origin: Provenance | None = None
    ) -> Situation:
        """Add a situation; `action="import"` records it in the audit trail as imported, keeping who created it
        and when from `origin` (an imported snapshot's provenance) when it says."""
        created = situation.model_copy(update={"id": situation.id or uuid.uuid4().hex})
        now = self._now()
        try:
            with self._transaction("create the situation", write=True) as conn:
                self._insert_situation(conn, created, now, actor, action, origin)
        except ConflictError:
            raise storage_error(
                "already_exists", f"situation {created.id}", "a situation with this id already exists"
            ) from None
        return created

    @staticmethod
    def _insert_situation(
        conn: Connection, created: Situation, now: dt.datetime, actor: str, action: str, origin: Provenance | None
    ) -> None:
        """Insert a new situation with its audit event; an imported one keeps who created it and when from `origin`
        (its snapshot's provenance) when that says."""
        made_by = origin.situation_created_by if origin and origin.situation_created_by else actor
        made_at = origin.situation_created_at if origin and origin.situation_created_at else now
        conn.execute(
            insert(situations).values(
                id=created.id,
                **_situation_values(created),
                created_at=made_at,
                created_by=made_by,
                updated_at=now,
                updated_by=actor,
            )
        )
        record_event(conn, now, actor, action, situation_id=created.id, after=_situation_fields(created))

    def create_situation_with_assessment(
        self,
        situation: Situation,
        assessment: Assessment,
        actor: str,
        note: str = "",
        *,
        action: str = "import",
        origin: Provenance | None = None,
    ) -> tuple[Situation, Assessment]:
        """A new situation and the first revision of an assessment in it, in one transaction: both are stored, or
        neither. `origin` (an imported snapshot's provenance) keeps who created the situation and saved the revision,
        and when."""
        situation_id = situation.id or uuid.uuid4().hex
        created = situation.model_copy(update={"id": situation_id})
        now = self._now()
        try:
            with self._transaction("import the assessment", write=True) as conn:
                self._insert_situation(conn, created, now, actor, action, origin)
                saved = self._add_revision(
                    conn,
                    situation_id,
                    assessment.model_copy(update={"id": assessment.id or uuid.uuid4().hex}),
                    actor,
                    None,
                    note,
                    action,
                    origin=origin,
                )
        except ConflictError:
            raise storage_error(
                "already_exists", f"situation {created.id}", "a situation with this id already exists"
            ) from None
        return created, saved

    def situation_exists(self, situation_id: str) -> bool:
        """Whether a situation with this id is stored, deleted or not."""
        with self._transaction("read the situation") as conn:
            return conn.execute(select(situations.c.id).where(situations.c.id == situation_id)).first() is not None

    def update_situation(self, situation: Situation, actor: str) -> Situation:
        if situation.id is None:
            raise not_found("situation (without an id)", "no such situation; a new situation is created, not updated")
        with self._transaction("update the situation", write=True) as conn:
            old = _situation(self._open_situation(conn, situation.id))
            now = self._now()
            conn.execute(
                update(situations)
                .where(situations.c.id == situation.id)
                .values(**_situation_values(situation), updated_at=now, updated_by=actor)
            )
            before, after = changes(_situation_fields(old), _situation_fields(situation))
            if after:
                record_event(
                    conn, now, actor, "situation.update", situation_id=situation.id, before=before, after=after
                )
        return situation

    def get_situation(self, situation_id: str, include_deleted: bool = False) -> Situation:
        with self._transaction("read the situation") as conn:
            row = self._situation_row(conn, situation_id)
        if row.deleted_at is not None and not include_deleted:
            raise not_found(f"situation {situation_id}", "this situation was deleted")
        return _situation(row)

    def situation_origins(self) -> dict[str, tuple[str, dt.datetime]]:
        """Who created each situation and when, by id."""
        with self._transaction("read who created the situations") as conn:
            rows = conn.execute(select(situations.c.id, situations.c.created_by, situations.c.created_at))
            return {row.id: (row.created_by, row.created_at) for row in rows}

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

    def purge_situation(self, situation_id: str, actor: str = "unknown") -> None:
        """Remove a deleted situation, its access list and every revision of its assessments, for good.

        Its audit events stay: they record that it existed, who changed what, and who purged it.
        """
        with self._transaction("purge the situation", write=True) as conn:
            row = self._situation_row(conn, situation_id)
            if row.deleted_at is None:
                raise storage_error(
                    "not_deleted",
                    f"situation {situation_id}",
                    "only a deleted situation can be purged; delete it first",
                )
            gone = conn.execute(
                select(
                    func.count(revisions.c.assessment_id.distinct()).label("assessments"),
                    func.count().label("revisions"),
                ).where(revisions.c.situation_id == situation_id)
            ).one()
            conn.execute(delete(assessment_scores).where(assessment_scores.c.situation_id == situation_id))
            conn.execute(delete(drafts).where(drafts.c.situation_id == situation_id))
            conn.execute(delete(situation_sources).where(situation_sources.c.situation_id == situation_id))
            rounds = select(rating_rounds.c.id).where(rating_rounds.c.situation_id == situation_id)
            conn.execute(delete(round_members).where(round_members.c.round_id.in_(rounds)))
            conn.execute(delete(rating_rounds).where(rating_rounds.c.situation_id == situation_id))
            conn.execute(delete(revisions).where(revisions.c.situation_id == situation_id))
            conn.execute(delete(situation_access).where(situation_access.c.situation_id == situation_id))
            conn.execute(delete(situations).where(situations.c.id == situation_id))
            record_event(
                conn,
                self._now(),
                actor,
                "situation.purge",
                situation_id=situation_id,
                before={"name": row.name, **gone._mapping},
            )

    def list_assessments(self, situation_id: str) -> list[Assessment]:
        """The latest revision of each assessment of a situation, by assessed_on then id (independent ratings of
        rounds left out)."""
        with self._transaction("list the assessments") as conn:
            self._situation_row(conn, situation_id)
            rows = conn.execute(latest_revisions((revisions.c.situation_id == situation_id) & listed())).all()
        return [assessment_from_row(row) for row in rows]

    def situation_histories(self, include_deleted: bool = False) -> list[SituationHistory]:
        """Every situation by name, with the latest revision of each of its assessments: two queries."""
        shown = _shown(include_deleted)
        with self._transaction("read the situation histories") as conn:
            situation_rows = conn.execute(_situations_where(shown)).all()
            revision_rows = conn.execute(
                latest_revisions(revisions.c.situation_id.in_(select(situations.c.id).where(shown)) & listed())
            ).all()
        by_situation: dict[str, list[Assessment]] = {row.id: [] for row in situation_rows}
        for row in revision_rows:
            if row.situation_id in by_situation:  # PostgreSQL: a situation added between the two queries
                by_situation[row.situation_id].append(assessment_from_row(row))
        return [SituationHistory(_situation(row), by_situation[row.id]) for row in situation_rows]

    def situation_overviews(self, model, include_deleted: bool = False) -> list[SituationOverview]:
        """Every situation by name with the latest revision of each assessment and its score summary."""
        key, shown = model_key(model), _shown(include_deleted)
        with self._transaction("read the situation overviews") as conn:
            situation_rows = conn.execute(_situations_where(shown)).all()
            rows = conn.execute(
                latest_with_summaries(
                    revisions.c.situation_id.in_(select(situations.c.id).where(shown)) & listed(), key
                )
            ).all()
        missing = self._summarise_missing(
            [(row.assessment_id, row.revision) for row in rows if row.summary_json is None], model, key
        )
        by_situation: dict[str, list[ScoredAssessment]] = {row.id: [] for row in situation_rows}
        for row in rows:
            if row.situation_id in by_situation:  # PostgreSQL: a situation added between the two queries
                summary = missing.get((row.assessment_id, row.revision)) or summary_from_row(row)
                by_situation[row.situation_id].append(
                    ScoredAssessment(row.assessment_id, row.revision, row.assessed_on, summary)
                )
        return [SituationOverview(_situation(row), by_situation[row.id]) for row in situation_rows]

    def counts(self, situation_ids: Iterable[str] | None = None) -> dict[str, int]:
        """Everything stored (or only in `situation_ids`), deleted situations and their assessments included."""
        ids = None if situation_ids is None else list(situation_ids)

        def among(column):
            return true() if ids is None else column.in_(ids)

        query = select(
            select(func.count())
            .select_from(situations)
            .where(among(situations.c.id))
            .scalar_subquery()
            .label("situations"),
            select(func.count(revisions.c.assessment_id.distinct()))
            .where(among(revisions.c.situation_id))
            .scalar_subquery()
            .label("assessments"),
            select(func.count())
            .select_from(revisions)
            .where(among(revisions.c.situation_id))
            .scalar_subquery()
            .label("revisions"),
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
            raise ConflictError(
                [
                    Problem(
                        "conflict",
                        "database",
                        f"could not {operation}: somebody changed the same "
                        "record at the same moment; reload and try again",
                    )
                ],
                "somebody else saved at the same moment",
            ) from error
        except exc.DBAPIError as error:
            raise StorageError([self._problem(operation, error)], f"could not {operation}") from error

    def _problem(self, operation: str, error: BaseException) -> Problem:
        return failure(operation, error, self._name, self._secrets)

    def _situation_row(self, conn: Connection, situation_id: str) -> Row:
        row = conn.execute(select(situations).where(situations.c.id == situation_id)).first()
        if row is None:
            raise not_found(f"situation {situation_id}", "no such situation")
        return row

    def _open_situation(self, conn: Connection, situation_id: str) -> Row:
        row = self._situation_row(conn, situation_id)
        if row.deleted_at is not None:
            raise storage_error(
                "deleted", f"situation {situation_id}", "this situation was deleted; restore it before changing it"
            )
        return row

    def _mark_deleted(self, conn: Connection, situation_id: str, actor: str, deleted: bool) -> None:
        now = self._now()
        conn.execute(
            update(situations)
            .where(situations.c.id == situation_id)
            .values(
                deleted_at=now if deleted else None,
                deleted_by=actor if deleted else None,
                updated_at=now,
                updated_by=actor,
            )
        )
        record_event(
            conn,
            now,
            actor,
            "situation.delete" if deleted else "situation.restore",
            situation_id=situation_id,
            before={"deleted": not deleted},
            after={"deleted": deleted},
        )


def _shown(include_deleted: bool):
    return true() if include_deleted else situations.c.deleted_at.is_(None)


def _situations_where(condition):
    return select(situations).where(condition).order_by(situations.c.name, situations.c.id)


def _situation_values(situation: Situation) -> dict:
    return {
        "name": situation.name,
        "country": situation.country,
        "area": situation.area,
        "tags_json": json.dumps(situation.tags, ensure_ascii=False),
        "review_every_months": situation.review_every_months,
    }


def _situation_fields(situation: Situation) -> dict:
    return situation.model_dump(mode="json", exclude={"id"})


def _situation(row: Row) -> Situation:
    data = {
        "id": row.id,
        "name": row.name,
        "country": row.country,
        "area": row.area,
        "tags": json.loads(row.tags_json),
        "review_every_months": row.review_every_months,
    }
    return validated(lambda: Situation.model_validate(data), f"situation {row.id}")
