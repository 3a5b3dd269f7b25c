"""Rounds of independent ratings, and who may see which rating: pure policy, no I/O.

Several analysts rate one situation for one date, each on their own, blind to the others: an
analyst's rating is seen by its analyst, and by others only once it is submitted and they have
submitted theirs (or have none in the round, e.g. a lead who does not rate). Then the lead
reconciles the submitted ratings into one assessment (`consensus.py`).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from r2p_risk.models import StrictModel


class RoundMember(StrictModel):
    analyst: str  # identity in a team; the typed name in single-user mode
    assessment_id: str
    joined_at: dt.datetime
    submitted_at: dt.datetime | None = None

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class RatingRound(StrictModel):
    id: str
    situation_id: str
    assessed_on: dt.date
    lead: str
    opened_at: dt.datetime
    state: Literal["open", "reconciled"]
    reconciled_assessment_id: str | None = None
    members: tuple[RoundMember, ...] = ()

    def member(self, analyst: str) -> RoundMember | None:
        return next((m for m in self.members if m.analyst == analyst), None)

    @property
    def submitted(self) -> list[RoundMember]:
        return [m for m in self.members if m.submitted]


def visible_members(found: RatingRound, viewer: str) -> list[RoundMember]:
    """The members whose ratings `viewer` may see: their own, and the submitted ones once theirs is submitted (if
    any)."""
    own = found.member(viewer)
    waiting = own is not None and not own.submitted
    return [m for m in found.members if m.analyst == viewer or (m.submitted and not waiting)]


def may_see_rating(found: RatingRound, viewer: str, assessment_id: str) -> bool:
    return any(m.assessment_id == assessment_id for m in visible_members(found, viewer))


def may_reconcile(found: RatingRound, viewer: str, is_admin: bool) -> bool:
    return found.state == "open" and (viewer == found.lead or is_admin)
