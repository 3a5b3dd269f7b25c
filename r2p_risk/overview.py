"""Score summaries: the few figures the watch list and Compare show of each saved assessment.

The Situations and Compare screens need, per assessment, its status, overall score and range, the
crime and risk-factor scores, never the ratings themselves. A `ScoreSummary` holds exactly that,
computed on the batch path; the database keeps one per revision under the `model_key` of the
framework and scoring model that computed it, so a change to either makes the stored summaries
stale and they are computed again. A summary also carries the dates the watch list shows of the
revision: its dossier's triggers and its review state and last sign-off (`watch_facts`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from r2p_risk import batch
from r2p_risk.assessment import Assessment, Situation
from r2p_risk.framework import CRIMES
from r2p_risk.models import StrictModel
from r2p_risk.schedule import TriggerMark

SUMMARY_FORMAT = "2"  # raised when ScoreSummary gains a field, so stored summaries are made again


class ScoreSummary(StrictModel):
    overall: float | None  # null while the overall risk is not determined
    level: str | None  # the risk level of the overall score
    range: tuple[float, float]  # of the overall score
    reliability: float | None
    status: str
    provisional: bool
    assessed: int  # indicators assessed
    crimes: dict[str, float | None]  # null where not determined
    crime_ranges: dict[str, tuple[float, float]]
    risk_factors: dict[str, float | None]  # by risk factor number, in framework order
    triggers: list[TriggerMark] = []  # of the revision's dossier
    review_state: str = "draft"
    signed_off_on: dt.date | None = None  # the revision's last sign-off


@dataclass(frozen=True)
class ScoredAssessment:
    assessment_id: str
    revision: int
    assessed_on: dt.date
    summary: ScoreSummary


@dataclass(frozen=True)
class SituationOverview:
    situation: Situation
    assessments: list[ScoredAssessment]  # the latest revision of each assessment, by assessed_on then id


class History(Protocol):
    situation: Situation
    assessments: list[Assessment]


def model_key(model) -> str:
    """What a summary depends on: the framework and the scoring model, by their versions and their content.

    A change to the model's code comes with a new scoring-model version (frameworks/README.md), so the key
    follows the data alone, never the bytes of a source file or the Python version.
    """
    digest = hashlib.sha256()
    for part in (
        SUMMARY_FORMAT,
        model.framework.id,
        model.framework.data_version,
        model.params.id,
        model.params.version,
    ):
        digest.update(part.encode() + b"\0")
    digest.update(model.framework.model_dump_json().encode())
    digest.update(model.params.model_dump_json().encode())
    return digest.hexdigest()


def summaries(scores: batch.BatchScores, model, facts: Sequence[dict] | None = None) -> list[ScoreSummary]:
    """The summary of each assessment of a batch: the figures `score_assessment` gives, with `facts[i]` (its
    `watch_facts`) when given."""
    figures, params = scores.figures, model.params
    overall, crimes, factors = figures.overall, figures.crimes, figures.factors
    numbers = [str(rf.number) for rf in model.framework.risk_factors]
    overall_scores = batch.optional(overall.score)
    crime_scores = [batch.optional(crimes.score[:, k]) for k in range(len(CRIMES))]
    factor_scores = [batch.optional(factors.score[:, k]) for k in range(len(numbers))]
    lows, highs = overall.low.tolist(), overall.high.tolist()
    crime_lows, crime_highs = crimes.low.tolist(), crimes.high.tolist()
    reliability, assessed = overall.reliability.astype(float).tolist(), overall.assessed.astype(int).tolist()
    status, provisional = scores.status.status.astype(str).tolist(), scores.status.provisional.astype(bool).tolist()
    return [
        ScoreSummary.model_construct(
            overall=overall_scores[i],
            level=params.risk_level(overall_scores[i]),
            range=(lows[i], highs[i]),
            reliability=reliability[i],
            status=status[i],
            provisional=provisional[i],
            assessed=assessed[i],
            crimes={crime: crime_scores[k][i] for k, crime in enumerate(CRIMES)},
            crime_ranges={crime: (crime_lows[i][k], crime_highs[i][k]) for k, crime in enumerate(CRIMES)},
            risk_factors={n: factor_scores[k][i] for k, n in enumerate(numbers)},
            **(facts[i] if facts is not None else {"triggers": [], "review_state": "draft", "signed_off_on": None}),
        )
        for i in range(len(scores))
    ]


def watch_facts(data: dict) -> dict:
    """The summary fields read from an assessment as JSON data (a stored revision, or `model_dump(mode="json")`)."""
    dossier, review = data.get("dossier") or {}, data.get("review") or {}
    triggers = [
        TriggerMark(date=dt.date.fromisoformat(t["date"]), title=t["title"], updated=bool(t.get("outcome")))
        for t in dossier.get("triggers") or []
    ]
    signed = review.get("signed_off_on")
    return {
        "triggers": triggers,
        "review_state": review.get("state") or "draft",
        "signed_off_on": dt.date.fromisoformat(signed) if signed else None,
    }


def summarise(assessments: Sequence[Assessment], model) -> list[ScoreSummary]:
    """The summary of each assessment, scored in one batch."""
    facts = [watch_facts(a.model_dump(mode="json", include={"dossier", "review"})) for a in assessments]
    return summaries(batch.score_many(assessments, model.framework, model.params), model, facts)


def overviews_from_histories(histories: Sequence[History], model) -> list[SituationOverview]:
    """Overviews of situations whose assessments are at hand (files, a test): all scored in one batch."""
    summaries = iter(summarise([a for h in histories for a in h.assessments], model))
    return [
        SituationOverview(
            h.situation,
            [ScoredAssessment(a.id or "", a.revision or 0, a.assessed_on, next(summaries)) for a in h.assessments],
        )
        for h in histories
    ]
