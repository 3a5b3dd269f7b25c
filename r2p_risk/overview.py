"""Score summaries: the few figures the watch list and Compare show of each saved assessment.

The Situations and Compare screens need, per assessment, its overall score, level, reliability,
status and the crime and risk-factor scores, never the ratings themselves. A `ScoreSummary` holds
exactly that, computed on the batch path; the database keeps one per revision under the
`model_key` of the framework, scoring model and scoring code that computed it, so a change to any
of them makes the stored summaries stale and they are computed again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Protocol

from r2p_risk import batch
from r2p_risk.assessment import Assessment, Situation
from r2p_risk.framework import CRIMES
from r2p_risk.models import StrictModel


class ScoreSummary(StrictModel):
    overall: float | None
    level: str | None  # the risk level of the overall score
    reliability: float | None
    status: str
    crimes: dict[str, float | None]
    risk_factors: dict[str, float | None]  # by risk factor number, in framework order


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
    """A fingerprint of what a summary depends on: the framework, the scoring parameters and the batch scoring code."""
    digest = hashlib.sha256()
    digest.update(model.framework.model_dump_json().encode())
    digest.update(model.params.model_dump_json().encode())
    digest.update(resources.files("r2p_risk").joinpath("batch.py").read_bytes())
    return digest.hexdigest()


def _value(x):
    """A figure of the batch tables (from `tolist()`) as the single path gives it: NaN becomes None."""
    return None if isinstance(x, float) and math.isnan(x) else x


def summarise(assessments: Sequence[Assessment], model) -> list[ScoreSummary]:
    """The summary of each assessment, scored in one batch: the figures `score_assessment` gives."""
    scores = batch.score_many(assessments, model.framework, model.params)
    overall = {name: scores.overall[name].tolist() for name in ("score", "level", "reliability", "status")}
    crimes = {crime: scores.crimes[("score", crime)].tolist() for crime in CRIMES}
    numbers = [str(rf.number) for rf in model.framework.risk_factors]
    factors = {n: scores.risk_factors[("score", n)].tolist() for n in numbers}
    return [
        ScoreSummary(
            overall=_value(overall["score"][i]), level=overall["level"][i], reliability=_value(overall["reliability"][i]),
            status=overall["status"][i],
            crimes={crime: _value(values[i]) for crime, values in crimes.items()},
            risk_factors={n: _value(values[i]) for n, values in factors.items()},
        )
        for i in range(len(scores))
    ]


def overviews_from_histories(histories: Sequence[History], model) -> list[SituationOverview]:
    """Overviews of situations whose assessments are at hand (files, a test): all scored in one batch."""
    summaries = iter(summarise([a for h in histories for a in h.assessments], model))
    return [
        SituationOverview(h.situation, [ScoredAssessment(a.id or "", a.revision or 0, a.assessed_on, next(summaries))
                                        for a in h.assessments])
        for h in histories
    ]
