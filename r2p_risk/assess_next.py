"""What to assess next: the unassessed indicators whose rating would change the picture most.

An analyst with an hour should know where to spend it. First come the indicators that would let an
undetermined crime's risk be determined (its specific risk factors), then those describing conduct
(which could show atrocity crimes under way), then those that lift the common risk factors over the
evidence gate; within each, the ones that narrow the crime ranges most. How much an indicator
narrows them is the model itself applied to the two extreme answers (rated 0, rated 3): these
what-ifs are rows added to the assessment's own arrays, scored in the same pass as the assessment.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from r2p_risk.framework import CRIMES
from r2p_risk.parameters import ScoringParameters
from r2p_risk.rating_arrays import UNKNOWN, RatingArrays
from r2p_risk.reasons import reason_data
from r2p_risk.risk_model import Constants, Figures

LIMIT = 10
PER_RISK_FACTOR = 3  # at most this many of one risk factor before the others have had their turn


def with_what_ifs(ratings: RatingArrays) -> tuple[np.ndarray, RatingArrays]:
    """The candidates (unassessed columns of row 0) and the arrays with two rows added per candidate: rated 3 (the
    low end moves up), then rated 0 (the high end moves down). Scored in one pass with row 0, which they leave as
    it is."""
    candidates = np.flatnonzero(ratings.levels[0] == UNKNOWN)
    k = len(candidates)
    if not k:
        return candidates, ratings
    rows = np.zeros(1 + 2 * k, dtype=np.int64)  # row 0, then k copies for the answer 3, then k for the answer 0
    levels = ratings.levels[rows]
    levels[1 + np.arange(k), candidates] = 3
    levels[1 + k + np.arange(k), candidates] = 0
    return candidates, replace(
        ratings,
        levels=levels,
        **{
            name: getattr(ratings, name)[rows]
            for name in ("confidences", "whole_levels", "whole_confidences", "ongoing", "ended")
        },
    )


def _narrowing(k: int, figures: Figures) -> np.ndarray:
    """For each candidate: how much the three crime ranges shrink in all, averaged over the answers 0 and 3."""
    crimes = figures.crimes
    gained = (crimes.low[1 : 1 + k] - crimes.low[0]).sum(axis=1)
    lost = (crimes.high[0] - crimes.high[1 + k : 1 + 2 * k]).sum(axis=1)
    return (gained + lost) / 2


def assess_next(
    candidates: np.ndarray, figures: Figures, status: str, c: Constants, params: ScoringParameters
) -> list[dict]:
    """`candidates` and `figures` as `with_what_ifs` and the model give them: row 0 the assessment, then its
    what-ifs."""
    if not len(candidates):
        return []
    narrowing = _narrowing(len(candidates), figures)
    factor_of = np.searchsorted(c.ends, candidates, side="right")
    gate = params.evidence_gates.min_common_evidence
    crimes = figures.crimes
    undecided = {
        int(j): crime
        for k, crime in enumerate(CRIMES)
        if not crimes.determined[0, k] and not crimes.specific_assessed[0, k] and not crimes.capped[0, k]
        for j in c.specific[k]
    }
    common_evidence = float(crimes.common_evidence[0, 0])
    below_gate = common_evidence < gate and not crimes.determined[0].all()
    common = set(c.common.tolist())
    ranked = []
    for column, k, narrows in zip(candidates.tolist(), factor_of.tolist(), narrowing.tolist(), strict=True):
        if k in undecided:
            group = 0
        elif c.conduct[column] and status != "current_crisis":
            group = 1
        elif below_gate and k in common:
            group = 2
        else:
            group = 3
        ranked.append(((group, -bool(c.conduct[column]), -round(narrows, 2), column), column, k, narrows))
    ranked.sort(key=lambda item: item[0])

    def why(group: int, k: int, narrows: float) -> dict:
        if group == 0:
            numbers = params.crimes[undecided[k]].specific_risk_factors
            return reason_data(
                "next_decides_crime",
                crime=params.crime_label(undecided[k]).lower(),
                factors=" or ".join(str(n) for n in numbers),
                narrowing=narrows,
            )
        if group == 1:
            return reason_data("next_conduct", narrowing=narrows)
        if group == 2:
            return reason_data("next_common_gate", evidence=common_evidence, gate=gate, narrowing=narrows)
        return reason_data("next_narrows", narrowing=narrows)

    return [_entry(c.indicators[column], why(key[0], k, narrows)) for key, column, k, narrows in _diverse(ranked)]


def _diverse(ranked: list) -> list:
    """The first LIMIT, at most PER_RISK_FACTOR of one risk factor while others wait; then the rest in order."""
    chosen, waiting = [], []
    per_factor: dict[int, int] = {}
    for item in ranked:
        k = item[2]
        if per_factor.get(k, 0) < PER_RISK_FACTOR:
            per_factor[k] = per_factor.get(k, 0) + 1
            chosen.append(item)
        else:
            waiting.append(item)
    return (chosen + waiting)[:LIMIT]


def _entry(indicator, why: dict) -> dict:
    """An `AssessNext`, as data."""
    return {"indicator": indicator.id, "risk_factor": indicator.risk_factor, "text": indicator.text, "why": why}
