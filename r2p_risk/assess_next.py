"""What to assess next: the unassessed indicators whose rating would change the picture most.

An analyst with an hour should know where to spend it. First come the indicators that would let an
undetermined crime's risk be determined (its specific risk factors), then those describing conduct
(which could show atrocity crimes under way), then those that lift the common risk factors over the
evidence gate; within each, the ones that narrow the crime ranges most. How much an indicator
narrows them is the model itself applied to the two extreme answers (rated 0, rated 3), all
candidates scored at once on the same arrays.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from r2p_risk.framework import CRIMES, Framework
from r2p_risk.parameters import ScoringParameters
from r2p_risk.rating_arrays import UNKNOWN, RatingArrays
from r2p_risk.reasons import reason_data
from r2p_risk.risk_model import Constants, Figures, constants, crime_ranges, requirement_levels, score_factors

LIMIT = 10
PER_RISK_FACTOR = 3  # at most this many of one risk factor before the others have had their turn


def _narrowing(candidates: np.ndarray, ratings: RatingArrays, figures: Figures, framework: Framework,
               params: ScoringParameters) -> np.ndarray:
    """For each candidate column: how much the three crime ranges shrink in all, averaged over the answers 0 and 3."""
    k = len(candidates)
    levels = np.repeat(ratings.levels, 2 * k, axis=0)
    rows = np.arange(k)
    levels[rows, candidates] = 3  # the low end moves up
    levels[k + rows, candidates] = 0  # the high end moves down
    variants = replace(ratings, levels=levels, **{name: np.repeat(getattr(ratings, name), 2 * k, axis=0)
                                                  for name in ("confidences", "whole_levels", "whole_confidences", "ongoing", "ended")})
    c = constants(framework, params)
    factors = score_factors(variants, c, params)  # only the ranges are needed: the factors', then the crimes'
    low, high = crime_ranges(factors.low, factors.high, requirement_levels(variants.levels, c), c)
    gained = (low[:k] - figures.crimes.low[0]).sum(axis=1)
    lost = (figures.crimes.high[0] - high[k:]).sum(axis=1)
    return (gained + lost) / 2


def assess_next(figures: Figures, ratings: RatingArrays, status: str, c: Constants, framework: Framework,
                params: ScoringParameters) -> list[dict]:
    candidates = np.flatnonzero(ratings.levels[0] == UNKNOWN)
    if not len(candidates):
        return []
    narrowing = _narrowing(candidates, ratings, figures, framework, params)
    factor_of = np.searchsorted(c.ends, candidates, side="right")
    gate = params.evidence_gates.min_common_evidence
    crimes = figures.crimes
    undecided = {int(j): crime for k, crime in enumerate(CRIMES)
                 if not crimes.determined[0, k] and not crimes.specific_assessed[0, k] and not crimes.capped[0, k]
                 for j in c.specific[k]}
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
            return reason_data("next_decides_crime", crime=params.crime_label(undecided[k]).lower(),
                          factors=" or ".join(str(n) for n in numbers), narrowing=narrows)
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
