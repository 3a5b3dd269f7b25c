"""Assessment revisions: saving (never overwriting), restoring, loading; the `Database` methods.

Each save adds a revision; a save based on a revision older than the latest is refused with a
`ConflictError` naming who saved the newer one, unless the revisions since were review steps only
(a comment, a submission, a sign-off: `reviews.py`), which never make an edit stale. Every save is
an audit event in its transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Literal, overload

from pydantic import ValidationError
from sqlalchemy import and_, exc, func, insert, select
from sqlalchemy.engine import Connection, Row

from r2p_risk.assessment import Assessment
from r2p_risk.editing import size_in_a_snapshot
from r2p_risk.errors import ConflictError, Problem, StorageError, problems_from_validation_error
from r2p_risk.model_inputs import model_inputs_json
from r2p_risk.sizes import ASSESSMENT_BYTES, megabytes
from r2p_risk.snapshot import Provenance
from r2p_risk.storage.audit import assessment_fields, changes, record_event
from r2p_risk.storage.engine import not_found, storage_error
from r2p_risk.storage.parts import DatabasePart
from r2p_risk.storage.tables import revisions


@dataclass(frozen=True)
class RevisionInfo:
    assessment_id: str
    revision: int
    saved_by: str
    saved_at: dt.datetime
    status: str
    assessed_on: dt.date
    note: str
    imported_by: str | None = None  # set when the revision was imported: who imported it, and when
    imported_at: dt.datetime | None = None


class AssessmentRevisions(DatabasePart):
    """Mixed into `Database`, which provides `_transaction`, `_now` and `_open_situation`."""

    def save_assessment(
        self,
        situation_id: str,
        assessment: Assessment,
        actor: str,
        based_on_revision: int | None,
        note: str = "",
        *,
        action: str = "assessment.save",
        approve=None,
        origin: Provenance | None = None,
    ) -> Assessment:
        """Save a new revision; refused with a ConflictError when somebody saved after `based_on_revision`.

        An assessment without an id is new (revision 1); one with an id unknown here is imported as new.
        `action="import"` records the save in the audit trail as an import, and beside the revision; the
        revision keeps who saved it and when from `origin` (an imported snapshot's provenance). The review
        record is the package's (review_rules.py): a save keeps the stored one, an import keeps its file's, and a
        save asking for "final" signs the assessment off, after `approve(prepared revision)` (the user's rights) agrees.
        """
        if assessment.id is None and based_on_revision is not None:
            raise ValueError("a new assessment (without an id) cannot be based on a revision")
        assessment_id = assessment.id or uuid.uuid4().hex
        try:
            with self._transaction("save the assessment", write=True) as conn:
                return self._add_revision(
                    conn,
                    situation_id,
                    assessment.model_copy(update={"id": assessment_id}),
                    actor,
                    based_on_revision,
                    note,
                    action,
                    approve,
                    origin,
                )
        except ConflictError as error:
            if isinstance(error.__cause__, exc.IntegrityError):  # PostgreSQL: another save inserted this revision first
                with self._transaction("save the assessment") as conn:
                    check_base(assessment_id, situation_id, self._latest_row(conn, assessment_id), based_on_revision)
            raise

    def restore_revision(self, assessment_id: str, revision: int, actor: str) -> Assessment:
        """Copy an old revision as the new latest one; the revisions in between stay."""
        with self._transaction("restore the revision", write=True) as conn:
            old = conn.execute(
                select(revisions).where(revisions.c.assessment_id == assessment_id, revisions.c.revision == revision)
            ).first()
            if old is None:
                raise not_found(f"assessment {assessment_id}", f"there is no revision {revision}")
            latest = self._latest_row(conn, assessment_id, required=True)
            return self._add_revision(
                conn,
                old.situation_id,
                assessment_from_row(old),
                actor,
                latest.revision,
                f"restored from revision {revision}",
                "assessment.restore",
            )

    def load_assessment(self, assessment_id: str, revision: int | None = None) -> Assessment:
        """The given revision of an assessment, or its latest when `revision` is None."""
        query = select(revisions).where(revisions.c.assessment_id == assessment_id)
        query = (
            query.order_by(revisions.c.revision.desc()).limit(1)
            if revision is None
            else query.where(revisions.c.revision == revision)
        )
        with self._transaction("load the assessment") as conn:
            row = conn.execute(query).first()
        if row is None:
            raise not_found(
                f"assessment {assessment_id}",
                "no such assessment" if revision is None else f"there is no revision {revision}",
            )
        return assessment_from_row(row)

    def find_situation_of(self, assessment_id: str) -> str | None:
        """The situation of an assessment, or None when no assessment has this id."""
        with self._transaction("find the situation of the assessment") as conn:
            latest = self._latest_row(conn, assessment_id)
        return None if latest is None else latest.situation_id

    def situation_of(self, assessment_id: str) -> str:
        with self._transaction("find the situation of the assessment") as conn:
            return self._latest_row(conn, assessment_id, required=True).situation_id

    def latest_revision(self, assessment_id: str) -> int:
        with self._transaction("read the latest revision") as conn:
            return self._latest_row(conn, assessment_id, required=True).revision

    def list_revisions(self, assessment_id: str) -> list[RevisionInfo]:
        """Every revision of an assessment, newest first."""
        columns = [revisions.c[field.name] for field in fields(RevisionInfo)]
        query = select(*columns).where(revisions.c.assessment_id == assessment_id).order_by(revisions.c.revision.desc())
        with self._transaction("list the revisions") as conn:
            rows = conn.execute(query).all()
        if not rows:
            raise not_found(f"assessment {assessment_id}", "no such assessment")
        return [RevisionInfo(**row._mapping) for row in rows]

    @overload
    def _latest_row(self, conn: Connection, assessment_id: str, required: Literal[True], data: bool = False) -> Row: ...

    @overload
    def _latest_row(
        self, conn: Connection, assessment_id: str, required: bool = False, data: bool = False
    ) -> Row | None: ...

    def _latest_row(
        self, conn: Connection, assessment_id: str, required: bool = False, data: bool = False
    ) -> Row | None:
        columns = [
            revisions.c.assessment_id,
            revisions.c.revision,
            revisions.c.situation_id,
            revisions.c.saved_by,
            revisions.c.saved_at,
        ]
        latest = conn.execute(
            select(*columns, *([revisions.c.data_json] if data else []))
            .where(revisions.c.assessment_id == assessment_id)
            .order_by(revisions.c.revision.desc())
            .limit(1)
        ).first()
        if latest is None and required:
            raise not_found(f"assessment {assessment_id}", "no such assessment")
        return latest

    def _add_revision(
        self,
        conn: Connection,
        situation_id: str,
        assessment: Assessment,
        actor: str,
        based_on: int | None,
        note: str,
        action: str,
        approve=None,
        origin: Provenance | None = None,
    ) -> Assessment:
        """Check that nobody saved after `based_on` (review steps aside), apply the review rules, insert the next
        revision."""
        if assessment.id is None:
            raise ValueError("a revision is added to an assessment with an id")
        self._open_situation(conn, situation_id)
        latest = self._latest_row(conn, assessment.id, data=True)
        check_base(assessment.id, situation_id, latest, self._past_review_steps(conn, assessment.id, latest, based_on))
        now = self._now()
        prepared, signed = self._reviewed(conn, latest, assessment, actor, action, approve, now)  # reviews.py
        saved = self._insert_revision(conn, situation_id, prepared, actor, latest, note, action, now, origin)
        if signed:
            record_event(
                conn,
                now,
                actor,
                "review.sign_off",
                situation_id=situation_id,
                assessment_id=saved.id,
                revision=saved.revision,
            )
        return saved

    def _insert_revision(
        self,
        conn: Connection,
        situation_id: str,
        assessment: Assessment,
        actor: str,
        latest: Row | None,
        note: str,
        action: str,
        now: dt.datetime | None = None,
        origin: Provenance | None = None,
    ) -> Assessment:
        """Insert `assessment` as the revision after `latest`, with its audit event (what changed since `latest`); an
        imported revision keeps who saved it and when from `origin` (its snapshot's provenance)."""
        saved = assessment.model_copy(update={"revision": (latest.revision if latest else 0) + 1})
        now, data_json = now or self._now(), saved.model_dump_json()
        if size_in_a_snapshot(saved) > ASSESSMENT_BYTES:
            raise storage_error(
                "too_large",
                f"assessment {saved.id}",
                f"the assessment is larger than the "
                f"{megabytes(ASSESSMENT_BYTES)} an assessment may hold; shorten its evidence",
            )
        imported = action == "import"
        authorship = (
            {"saved_by": origin.saved_by, "saved_at": origin.saved_at}
            if origin
            else {"saved_by": actor, "saved_at": now}
        )
        conn.execute(
            insert(revisions).values(
                assessment_id=saved.id,
                revision=saved.revision,
                situation_id=situation_id,
                assessed_on=saved.assessed_on,
                analyst=saved.analyst,
                status=saved.status,
                note=origin.note if origin else note,
                data_json=data_json,
                imported_by=actor if imported else None,
                imported_at=now if imported else None,
                inputs_json=model_inputs_json(data_json),
                **authorship,
            )
        )
        before, after = changes(assessment_fields(latest.data_json if latest else None), assessment_fields(data_json))
        if origin:  # the revision keeps its own note; the audit trail says whose revision was imported, and from where
            after = {
                **(after or {}),
                "revision saved by": origin.saved_by,
                "revision saved at": origin.saved_at.isoformat(),
                "import": note,
            }
        record_event(
            conn,
            now,
            actor,
            action,
            situation_id=situation_id,
            assessment_id=saved.id,
            revision=saved.revision,
            before=before,
            after=after,
        )
        return saved


def latest_revisions(which):
    """The latest revision of every assessment whose revisions match `which`, by assessed_on then id."""
    newest = (
        select(revisions.c.assessment_id, func.max(revisions.c.revision).label("revision"))
        .where(which)
        .group_by(revisions.c.assessment_id)
        .subquery()
    )
    return (
        select(revisions.c.assessment_id, revisions.c.revision, revisions.c.situation_id, revisions.c.data_json)
        .join(
            newest, and_(revisions.c.assessment_id == newest.c.assessment_id, revisions.c.revision == newest.c.revision)
        )
        .order_by(revisions.c.assessed_on, revisions.c.assessment_id)
    )


def check_base(assessment_id: str, situation_id: str, latest: Row | None, based_on: int | None) -> None:
    where = f"assessment {assessment_id}"
    if latest is None:
        if based_on is not None:
            raise not_found(where, "this assessment no longer exists")
        return
    if latest.situation_id != situation_id:
        raise storage_error(
            "wrong_situation", where, f"this assessment belongs to situation {latest.situation_id}, not {situation_id}"
        )
    if latest.revision != based_on:
        when = f"{latest.saved_at:%Y-%m-%d %H:%M} UTC"
        opened = (
            "an assessment with this id already exists" if based_on is None else f"you started from revision {based_on}"
        )
        raise ConflictError(
            [
                Problem(
                    "conflict",
                    where,
                    f"{latest.saved_by} saved revision {latest.revision} on {when}; "
                    f"{opened}. Reload the assessment to see their changes, then save again.",
                )
            ],
            "somebody saved a newer revision",
        )


def assessment_from_row(row: Row) -> Assessment:
    return validated(
        lambda: Assessment.model_validate_json(row.data_json), f"assessment {row.assessment_id} revision {row.revision}"
    )


def validated(build: Callable, where: str):
    try:
        return build()
    except ValidationError as error:
        raise StorageError(
            problems_from_validation_error(error, f"{where} > "), f"{where} in the database is not valid"
        ) from None
