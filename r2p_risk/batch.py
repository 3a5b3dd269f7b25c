"""Scoring many assessments at once, for the watch list and Compare: the model of risk_model.py on many rows.

There is no second copy of the model here: `score_assessment` runs the same code on one row. This
module only turns many assessments (models, the JSON the database stored, or the model inputs stored
beside it) into arrays and back into the few figures the screens show. Reasons and what to assess
next come with one assessment's profile (`scoring.score_assessment`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from r2p_risk.framework import Framework
from r2p_risk.model_inputs import arrays_from_inputs, arrays_from_json, arrays_from_stored
from r2p_risk.parameters import ScoringParameters
from r2p_risk.rating_arrays import RatingArrays, arrays_from_assessments
from r2p_risk.risk_model import Figures, score_arrays
from r2p_risk.status import StatusFigures, decide_status


@dataclass(frozen=True)
class BatchScores:
    """The figures of n assessments, row i for the i-th given: see risk_model.Figures and status.StatusFigures."""

    figures: Figures
    status: StatusFigures

    def __len__(self) -> int:
        return len(self.status.status)


def score_rating_arrays(ratings: RatingArrays, framework: Framework, params: ScoringParameters) -> BatchScores:
    figures = score_arrays(ratings, framework, params)
    return BatchScores(figures=figures, status=decide_status(figures, ratings, framework, params))


def score_many(assessments: Sequence, framework: Framework, params: ScoringParameters) -> BatchScores:
    """Score validated `Assessment` models; row i holds the figures `score_assessment(assessments[i], ...)` gives."""
    return score_rating_arrays(arrays_from_assessments(assessments, framework), framework, params)


def score_stored(data: Sequence[dict], framework: Framework, params: ScoringParameters) -> BatchScores:
    """Score assessments as the database stores them (parsed JSON of validated assessments), without building models."""
    return score_rating_arrays(arrays_from_stored(data, framework), framework, params)


def score_json(texts: Iterable[str | bytes], framework: Framework, params: ScoringParameters) -> BatchScores:
    """Score assessments from the JSON text the database stores, without building models."""
    return score_rating_arrays(arrays_from_json(texts, framework), framework, params)


def score_inputs(inputs: Sequence[dict], framework: Framework, params: ScoringParameters) -> BatchScores:
    """Score assessments from the model inputs the database stores beside them (model_inputs.py)."""
    return score_rating_arrays(arrays_from_inputs(inputs, framework), framework, params)


def optional(values: np.ndarray) -> list:
    """A column of figures as Python values, NaN as None."""
    return [None if v != v else v for v in values.tolist()]
