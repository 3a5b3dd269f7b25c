"""Drafts: the edit in progress of each user, kept in the database as they work; and small per-user settings.

A draft belongs to one user (`owner`, their identity) and one situation; it holds the assessment as
edited and the revision the edit started from. It is written at every change the user commits, read
back after a reload, a crash, a lost connection or a server restart, and deleted when the edit is
saved or discarded. Drafts are the user's own unsaved work, not part of the record: they are not
audited, exported or shown to anybody else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Row

from r2p_risk.assessment import Assessment
from r2p_risk.storage.parts import DatabasePart
from r2p_risk.storage.revisions import validated
from r2p_risk.storage.tables import drafts, user_settings


@dataclass(frozen=True)
class Draft:
    id: str
    owner: str
    situation_id: str
    assessment: Assessment  # as edited; its id is None for an assessment never saved
    base_revision: int | None
    updated_at: dt.datetime


class AssessmentDrafts(DatabasePart):
    """Mixed into `Database`, which provides `_transaction` and `_now`."""

    def keep_draft(
        self, owner: str, draft_id: str, situation_id: str, assessment: Assessment, base_revision: int | None
    ) -> dt.datetime:
        """Write the user's draft `draft_id` (replacing what it held); the time it was written."""
        now = self._now()
        values = {
            "situation_id": situation_id,
            "assessment_id": assessment.id,
            "base_revision": base_revision,
            "data_json": assessment.model_dump_json(),
            "updated_at": now,
        }
        with self._transaction("keep the draft", write=True) as conn:
            changed = conn.execute(
                update(drafts).where(drafts.c.id == draft_id, drafts.c.owner == owner).values(**values)
            )
            if changed.rowcount == 0:
                conn.execute(insert(drafts).values(id=draft_id, owner=owner, **values))
        return now

    def draft(self, owner: str, draft_id: str) -> Draft | None:
        with self._transaction("read the draft") as conn:
            row = conn.execute(select(drafts).where(drafts.c.id == draft_id, drafts.c.owner == owner)).first()
        return None if row is None else _draft(row)

    def drafts(self, owner: str, assessment_id: str | None = None) -> list[Draft]:
        """The user's drafts, newest first; only those of one assessment when `assessment_id` is given."""
        query = select(drafts).where(drafts.c.owner == owner).order_by(drafts.c.updated_at.desc(), drafts.c.id)
        if assessment_id is not None:
            query = query.where(drafts.c.assessment_id == assessment_id)
        with self._transaction("list the drafts") as conn:
            return [_draft(row) for row in conn.execute(query)]

    def discard_draft(self, owner: str, draft_id: str) -> None:
        """Delete the user's draft; discarding one that is gone changes nothing."""
        with self._transaction("discard the draft", write=True) as conn:
            conn.execute(delete(drafts).where(drafts.c.id == draft_id, drafts.c.owner == owner))

    def user_setting(self, identity: str, name: str) -> str | None:
        with self._transaction("read a setting") as conn:
            return conn.execute(
                select(user_settings.c.value).where(user_settings.c.identity == identity, user_settings.c.name == name)
            ).scalar()

    def set_user_setting(self, identity: str, name: str, value: str) -> None:
        with self._transaction("remember a setting", write=True) as conn:
            where = (user_settings.c.identity == identity, user_settings.c.name == name)
            if (
                conn.execute(update(user_settings).where(*where).values(value=value, updated_at=self._now())).rowcount
                == 0
            ):
                conn.execute(
                    insert(user_settings).values(identity=identity, name=name, value=value, updated_at=self._now())
                )


def _draft(row: Row) -> Draft:
    assessment = validated(lambda: Assessment.model_validate_json(row.data_json), f"draft {row.id}")
    return Draft(row.id, row.owner, row.situation_id, assessment, row.base_revision, row.updated_at)
