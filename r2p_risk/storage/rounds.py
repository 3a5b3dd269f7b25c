"""Rounds of independent ratings: several analysts rate one situation for one date, then a lead reconciles.

Mixed into `Database`. Each analyst's independent assessment is an ordinary assessment with its own
revisions (so the Assess screen edits it like any other), listed in `round_members` and kept out of
every list of assessments (the watch list, Compare, exports) until it becomes part of a reconciled
assessment's consensus record. Only its analyst saves it, until they submit it; then it is frozen.
Who sees which rating (blind until submitted) is decided in `user_rounds.py` with `rounds.py`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Row

from r2p_risk import review_rules
from r2p_risk.assessment import Assessment
from r2p_risk.errors import Problem, ReviewError
from r2p_risk.review import Review
from r2p_risk.rounds import RatingRound, RoundMember
from r2p_risk.storage.audit import record_event
from r2p_risk.storage.engine import not_found, storage_error
from r2p_risk.storage.parts import DatabasePart
from r2p_risk.storage.revisions import assessment_from_row, latest_revisions
from r2p_risk.storage.tables import rating_rounds, revisions, round_members

Reconcile = Callable[[RatingRound, list[tuple[RoundMember, Assessment]], Assessment | None], Assessment]


@dataclass(frozen=True)
class _Member:
    round_id: str
    analyst: str
    submitted: bool


class RatingRounds(DatabasePart):
    """Mixed into `Database`, which provides `_transaction`, `_now`, `_open_situation`, `_latest_row`,
    `_insert_revision`."""

    def open_round(self, situation_id: str, assessed_on: dt.date, lead: str) -> RatingRound:
        round_id, now = uuid.uuid4().hex, self._now()
        with self._transaction("open the round", write=True) as conn:
            self._open_situation(conn, situation_id)
            conn.execute(
                insert(rating_rounds).values(
                    id=round_id,
                    situation_id=situation_id,
                    assessed_on=assessed_on,
                    lead=lead,
                    opened_at=now,
                    state="open",
                )
            )
            record_event(
                conn,
                now,
                lead,
                "round.open",
                situation_id=situation_id,
                after={"round": round_id, "assessed_on": str(assessed_on)},
            )
            return self._round(conn, round_id)

    def list_rounds(self, situation_id: str) -> list[RatingRound]:
        """The situation's rounds, newest first, each with its analysts."""
        with self._transaction("list the rounds") as conn:
            ids = (
                conn.execute(
                    select(rating_rounds.c.id)
                    .where(rating_rounds.c.situation_id == situation_id)
                    .order_by(rating_rounds.c.opened_at.desc(), rating_rounds.c.id)
                )
                .scalars()
                .all()
            )
            return [self._round(conn, round_id) for round_id in ids]

    def get_round(self, round_id: str) -> RatingRound:
        with self._transaction("read the round") as conn:
            return self._round(conn, round_id)

    def round_of(self, assessment_id: str) -> RatingRound | None:
        """The round an independent assessment belongs to; None for any other assessment."""
        with self._transaction("read the round") as conn:
            member = self._member(conn, assessment_id)
            return None if member is None else self._round(conn, member.round_id)

    def join_round(self, round_id: str, analyst: str, name: str) -> Assessment:
        """Start `analyst`'s independent assessment of the round (an empty one, revision 1), or return theirs."""
        with self._transaction("join the round", write=True) as conn:
            found = self._round(conn, round_id, open_only=True)
            mine = next((m for m in found.members if m.analyst == analyst), None)
            if mine is not None:
                return assessment_from_row(self._latest_row(conn, mine.assessment_id, required=True, data=True))
            self._open_situation(conn, found.situation_id)
            blank = Assessment(
                id=uuid.uuid4().hex, assessed_on=found.assessed_on, analyst=name, review=Review(last_editor=analyst)
            )
            now = self._now()
            conn.execute(
                insert(round_members).values(round_id=round_id, analyst=analyst, assessment_id=blank.id, joined_at=now)
            )
            return self._insert_revision(
                conn, found.situation_id, blank, analyst, None, "independent rating", "round.join", now
            )

    def submit_rating(self, round_id: str, analyst: str) -> RatingRound:
        """`analyst` hands in their independent assessment: from now on it is frozen, and others who submitted see
        it."""
        with self._transaction("submit the rating", write=True) as conn:
            found = self._round(conn, round_id, open_only=True)
            mine = next((m for m in found.members if m.analyst == analyst), None)
            if mine is None:
                raise storage_error(
                    "not_in_round", f"round {round_id}", f"{analyst} has no independent rating in this round"
                )
            if mine.submitted_at is not None:
                return found
            now = self._now()
            conn.execute(
                update(round_members)
                .where(round_members.c.round_id == round_id, round_members.c.analyst == analyst)
                .values(submitted_at=now)
            )
            revision = self._latest_row(conn, mine.assessment_id, required=True).revision
            record_event(
                conn,
                now,
                analyst,
                "round.submit",
                situation_id=found.situation_id,
                assessment_id=mine.assessment_id,
                revision=revision,
                after={"round": round_id},
            )
            return self._round(conn, round_id)

    def member_ratings(self, round_id: str) -> list[tuple[RoundMember, Assessment]]:
        """Every analyst of the round with the latest revision of their independent assessment (no view applied)."""
        with self._transaction("read the independent ratings") as conn:
            found = self._round(conn, round_id)
            return [
                (m, assessment_from_row(self._latest_row(conn, m.assessment_id, required=True, data=True)))
                for m in found.members
            ]

    def reconcile_round(self, round_id: str, actor: str, reconcile: Reconcile) -> Assessment:
        """One assessment of the situation made by `reconcile(round, submitted ratings, latest assessment)`; the round
        closes."""
        with self._transaction("reconcile the round", write=True) as conn:
            found = self._round(conn, round_id, open_only=True)
            submitted = [
                (m, assessment_from_row(self._latest_row(conn, m.assessment_id, required=True, data=True)))
                for m in found.members
                if m.submitted_at is not None
            ]
            if len(submitted) < 2:
                raise ReviewError(
                    [
                        Problem(
                            "too_few_ratings",
                            f"round {round_id}",
                            f"{len(submitted)} analyst(s) submitted; "
                            "reconciling needs the independent ratings of at least two",
                        )
                    ],
                    "not reconciled",
                )
            self._open_situation(conn, found.situation_id)
            made = reconcile(found, submitted, self._latest_listed(conn, found.situation_id))
            made = made.model_copy(
                update={
                    "id": uuid.uuid4().hex,
                    "review": Review(last_editor=actor),
                    "status": review_rules.status_of(Review()),
                }
            )
            now = self._now()
            saved = self._insert_revision(
                conn, found.situation_id, made, actor, None, "reconciled from a round", "round.reconcile", now
            )
            conn.execute(
                update(rating_rounds)
                .where(rating_rounds.c.id == round_id)
                .values(state="reconciled", reconciled_assessment_id=saved.id, reconciled_at=now)
            )
            return saved

    # --- inside a transaction ---------------------------------------------------------------------
    def _round(self, conn: Connection, round_id: str, open_only: bool = False) -> RatingRound:
        row = conn.execute(select(rating_rounds).where(rating_rounds.c.id == round_id)).first()
        if row is None:
            raise not_found(f"round {round_id}", "no such round")
        if open_only and row.state != "open":
            raise storage_error(
                "round_closed", f"round {round_id}", "this round was reconciled already; open a new round"
            )
        members = conn.execute(
            select(round_members)
            .where(round_members.c.round_id == round_id)
            .order_by(round_members.c.joined_at, round_members.c.analyst)
        ).all()
        return _round(row, members)

    def _member(self, conn: Connection, assessment_id: str | None) -> _Member | None:
        if assessment_id is None:
            return None
        row = conn.execute(
            select(round_members.c.round_id, round_members.c.analyst, round_members.c.submitted_at).where(
                round_members.c.assessment_id == assessment_id
            )
        ).first()
        return None if row is None else _Member(row.round_id, row.analyst, row.submitted_at is not None)

    def _member_revision(
        self, member: _Member, stored: Assessment | None, incoming: Assessment, actor: str
    ) -> Assessment:
        """An independent rating is saved by its analyst only, until submitted, and is never final or reviewed."""
        where = f"assessment {incoming.id}"
        if actor != member.analyst:
            raise ReviewError(
                [
                    Problem(
                        "not_your_rating", where, f"this is {member.analyst}'s independent rating; only they change it"
                    )
                ],
                "not saved",
            )
        if member.submitted:
            raise ReviewError(
                [
                    Problem(
                        "rating_submitted",
                        where,
                        "this independent rating was submitted to its round and is frozen; "
                        "the lead reconciles the round into one assessment, which can be edited",
                    )
                ],
                "not saved",
            )
        if incoming.status == "final":
            raise ReviewError(
                [
                    Problem(
                        "independent_rating",
                        "status",
                        "an independent rating is submitted to its round (on the "
                        "Consensus screen), never made final; save it as a draft",
                    )
                ],
                "not saved",
            )
        review = stored.review if stored is not None else Review(last_editor=actor)
        return incoming.model_copy(update={"review": review, "consensus": None, "status": "draft"})

    def _latest_listed(self, conn: Connection, situation_id: str) -> Assessment | None:
        """The situation's latest assessment that is not an independent rating (by date, then revision time)."""
        rows = conn.execute(latest_revisions((revisions.c.situation_id == situation_id) & listed())).all()
        return assessment_from_row(rows[-1]) if rows else None


def listed():
    """The revisions shown in lists: those of assessments that are not independent ratings of a round."""
    return revisions.c.assessment_id.not_in(select(round_members.c.assessment_id))


def _round(row: Row, members: Sequence[Row]) -> RatingRound:
    return RatingRound(
        id=row.id,
        situation_id=row.situation_id,
        assessed_on=row.assessed_on,
        lead=row.lead,
        opened_at=row.opened_at,
        state=row.state,
        reconciled_assessment_id=row.reconciled_assessment_id,
        members=tuple(
            RoundMember(
                analyst=m.analyst, assessment_id=m.assessment_id, joined_at=m.joined_at, submitted_at=m.submitted_at
            )
            for m in members
        ),
    )
