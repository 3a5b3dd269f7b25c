"""The review record of an assessment: its state, who reviewed it, the comments, and the analysts' disagreement.

`Assessment.review` is written by the package only (`review_rules.py`), never by an edit: a save keeps
the stored record, so a stale copy on somebody's screen cannot undo a comment or a sign-off.
`Assessment.consensus` is set when a lead reconciles several analysts' independent ratings
(`consensus.py`) and keeps each analyst's levels, so the disagreement stays visible afterwards.
State labels live in `frameworks/dossier.yaml`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, get_args

from pydantic import Field, model_validator

from r2p_risk.dossier import DossierSection
from r2p_risk.models import ShortText, StrictModel, TextRules

ReviewState = Literal["draft", "in_review", "returned", "final"]
REVIEW_STATES: tuple[str, ...] = ("draft", "in_review", "returned", "final")
CommentTarget = Literal["indicator", "risk_factor", "dossier"]
Level = Annotated[int, Field(ge=0, le=3, strict=True)]
TARGET_WORDS = {
    "indicator": "an indicator id such as 7.14",
    "risk_factor": "a risk factor number such as 7",
    "dossier": "a section of the dossier, or empty for the whole dossier",
}


class ReviewComment(StrictModel):
    """A comment on an indicator (`target` "7.14"), a risk factor ("7") or the dossier (a section id, or "")."""

    id: Annotated[str, TextRules(64, min_length=1)]
    on: CommentTarget
    target: Annotated[str, TextRules(64)] = ""
    text: Annotated[str, TextRules(5_000, min_length=1)]
    author: ShortText
    at: dt.datetime
    resolved: bool = False
    resolved_by: ShortText | None = None
    resolved_at: dt.datetime | None = None

    @model_validator(mode="after")
    def _target_fits(self) -> ReviewComment:
        fits = {
            "indicator": lambda t: bool(re.fullmatch(r"\d{1,2}\.\d{1,2}", t)),
            "risk_factor": lambda t: bool(re.fullmatch(r"\d{1,2}", t)),
            "dossier": lambda t: t in ("", *get_args(DossierSection)),
        }
        if not fits[self.on](self.target):
            raise ValueError(f"target: {self.target!r} is not {TARGET_WORDS[self.on]}")
        return self

    @model_validator(mode="after")
    def _resolution_complete(self) -> ReviewComment:
        if self.resolved != (self.resolved_by is not None and self.resolved_at is not None):
            raise ValueError(
                "a resolved comment names who resolved it and when (resolved_by, resolved_at); an open one neither"
            )
        return self


class Review(StrictModel):
    state: ReviewState = "draft"
    reviewer: ShortText | None = None  # who last returned or signed off this assessment
    reviewed_at: dt.datetime | None = None
    submitted_by: ShortText | None = None  # who last submitted it for review
    signed_off_on: dt.date | None = None  # the last sign-off; kept when a later edit makes the assessment a draft again
    last_editor: ShortText | None = None  # who last changed what was assessed: the four-eyes rule reads it
    comments: list[ReviewComment] = Field(default_factory=list, max_length=500)

    def open_comments(self) -> list[ReviewComment]:
        return [c for c in self.comments if not c.resolved]

    def comment(self, comment_id: str) -> ReviewComment | None:
        return next((c for c in self.comments if c.id == comment_id), None)


class ConsensusRecord(StrictModel):
    """Each analyst's levels, kept in the assessment a lead reconciled from their independent ratings.

    `indicators` and `risk_factors` (whole-factor ratings, keyed "7") hold one level per analyst in the
    order of `analysts`; null where that analyst did not rate it or rated it unknown.
    """

    round_id: Annotated[str, TextRules(64)] | None = None
    analysts: list[ShortText] = Field(min_length=2, max_length=20)
    indicators: dict[Annotated[str, Field(pattern=r"^\d{1,2}\.\d{1,2}$")], list[Level | None]] = Field(
        default_factory=dict
    )
    risk_factors: dict[Annotated[str, Field(pattern=r"^\d{1,2}$")], list[Level | None]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_level_per_analyst(self) -> ConsensusRecord:
        if len(set(self.analysts)) != len(self.analysts):
            raise ValueError("analysts: each analyst is named once")
        for key, levels in [*self.indicators.items(), *self.risk_factors.items()]:
            if len(levels) != len(self.analysts):
                raise ValueError(f"{key}: {len(levels)} levels for {len(self.analysts)} analysts")
        return self
