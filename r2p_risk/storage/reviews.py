"""Review steps in the database: each is a new revision (so it travels with the assessment) and an audit event.

Mixed into `Database` with `AssessmentRevisions` and `RatingRounds`. The rules are `review_rules.py`;
who may take a step is checked by `Database.as_user` (`user_reviews.py`), which passes `approve` and
`from_draft`. A review step never makes somebody's open edit stale: a save based on an older
revision goes through when only review steps came after it (`_past_review_steps`), and keeps the
review record they wrote.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from r2p_risk import review_rules
from r2p_risk.assessment import Assessment
from r2p_risk.errors import Problem, ReviewError, validate_model
from r2p_risk.review import Review, ReviewComment
from r2p_risk.storage.parts import DatabasePart
from r2p_risk.storage.revisions import assessment_from_row
from r2p_risk.storage.tables import revisions

Approve = Callable[[Assessment], None]


class AssessmentReviews(DatabasePart):
    """Mixed into `Database`, which provides `_transaction`, `_now`, `_latest_row`, `_insert_revision` and `_member`."""

    def submit_for_review(self, assessment_id: str, actor: str) -> Assessment:
        return self._review_step(
            assessment_id,
            actor,
            "review.submit",
            "submitted for review",
            lambda current, now: review_rules.submit(current.review, actor),
        )

    def return_assessment(self, assessment_id: str, actor: str, approve: Approve | None = None) -> Assessment:
        """Back to its editors with the open comments; `approve(current)` may refuse (four eyes)."""
        return self._review_step(
            assessment_id,
            actor,
            "review.return",
            "returned with comments",
            lambda current, now: review_rules.return_with_comments(current.review, actor, now),
            approve,
        )

    def sign_off(
        self, assessment_id: str, actor: str, approve: Approve | None = None, *, from_draft: bool = False
    ) -> Assessment:
        return self._review_step(
            assessment_id,
            actor,
            "review.sign_off",
            "signed off as final",
            lambda current, now: review_rules.sign_off(current.review, actor, now, from_draft=from_draft),
            approve,
        )

    def add_review_comment(self, assessment_id: str, actor: str, on: str, target: str, text: str) -> Assessment:
        """A comment on an indicator ("7.14"), a risk factor ("7") or the dossier (a section id, or "")."""

        def change(current: Assessment, now: dt.datetime) -> Review:
            comment = validate_model(
                ReviewComment,
                {"id": uuid.uuid4().hex, "on": on, "target": target, "text": text, "author": actor, "at": now},
                "comment",
                ReviewError,
            )
            return review_rules.add_comment(current.review, comment)

        section = f", {target.replace('_', ' ')}" if target else ""
        where = {
            "indicator": f"indicator {target}",
            "risk_factor": f"risk factor {target}",
            "dossier": f"the dossier{section}",
        }
        return self._review_step(assessment_id, actor, "review.comment", f"comment on {where.get(on, on)}", change)

    def resolve_review_comment(self, assessment_id: str, comment_id: str, actor: str) -> Assessment:
        return self._review_step(
            assessment_id,
            actor,
            "review.resolve",
            "comment resolved",
            lambda current, now: review_rules.resolve_comment(current.review, comment_id, actor, now),
        )

    def _review_step(
        self,
        assessment_id: str,
        actor: str,
        action: str,
        note: str,
        change: Callable[[Assessment, dt.datetime], Review],
        approve: Approve | None = None,
    ) -> Assessment:
        with self._transaction("record the review step", write=True) as conn:
            latest = self._latest_row(conn, assessment_id, required=True, data=True)
            if self._member(conn, assessment_id) is not None:
                raise ReviewError(
                    [
                        Problem(
                            "independent_rating",
                            f"assessment {assessment_id}",
                            "an independent rating of a round is "
                            "not reviewed; the assessment the lead reconciles from the round is",
                        )
                    ],
                    "not a reviewed assessment",
                )
            self._open_situation(conn, latest.situation_id)
            current = assessment_from_row(latest)
            if approve is not None:
                approve(current)
            now = self._now()
            review = change(current, now)
            updated = current.model_copy(update={"review": review, "status": review_rules.status_of(review)})
            return self._insert_revision(conn, latest.situation_id, updated, actor, latest, note, action, now)

    def _reviewed(
        self,
        conn: Connection,
        latest: Row | None,
        incoming: Assessment,
        actor: str,
        action: str,
        approve: Approve | None,
        now: dt.datetime,
    ) -> tuple[Assessment, bool]:
        """The revision to store under the review rules, and whether the save signed it off."""
        stored = assessment_from_row(latest) if latest is not None else None
        member = self._member(conn, incoming.id)
        if member is not None:
            return self._member_revision(member, stored, incoming, actor), False
        if action == "import":
            return review_rules.prepare_import(incoming), False
        prepared = review_rules.prepare_save(stored, incoming, actor)
        if not review_rules.wants_sign_off(stored, prepared, incoming):
            return prepared, False
        if approve is not None:
            approve(prepared)
        review = review_rules.sign_off(prepared.review, actor, now, from_draft=True)
        return prepared.model_copy(update={"review": review, "status": "final"}), True

    def _past_review_steps(
        self, conn: Connection, assessment_id: str, latest: Row | None, based_on: int | None
    ) -> int | None:
        """`based_on`, or the latest revision when everything saved since `based_on` was a review step (same
        content)."""
        if latest is None or based_on is None or based_on >= latest.revision:
            return based_on
        base = conn.execute(
            select(revisions.c.data_json).where(
                revisions.c.assessment_id == assessment_id, revisions.c.revision == based_on
            )
        ).scalar()
        if base is not None and _content(base) == _content(latest.data_json):
            return latest.revision
        return based_on


def _content(data_json: str) -> dict:
    data = json.loads(data_json)
    return {key: value for key, value in data.items() if key not in review_rules.NOT_CONTENT}
