"""The status of a situation, from the rules in the scoring-model file, on arrays like the rest of the model.

The first rule (most severe first) whose conditions hold gives the status. An alarm that rests on
ratings while the overall risk is not determined is raised all the same, marked provisional. When
no rule holds, the status is monitoring if enough is assessed to determine the overall risk, and
"not enough assessed" otherwise: an empty form is never an all-clear.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from r2p_risk.framework import Framework
from r2p_risk.parameters import (
    ConductPresent,
    CrimeAtLeast,
    FindingIs,
    RiskFactorAtLeast,
    RiskFactorsMeanAtLeast,
    ScoringParameters,
    SpecificRiskFactorAtLeast,
)
from r2p_risk.rating_arrays import CONFIDENCE_CODES, UNKNOWN, RatingArrays
from r2p_risk.risk_model import Constants, Figures, constants, hundredths, round2

_CONFIDENCE_RANK = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class StatusFigures:
    status: np.ndarray  # status ids (object)
    rule: np.ndarray  # index of the rule that gave it, -1 when none held
    provisional: np.ndarray
    held: list[list[np.ndarray]]  # per rule, per condition: where it holds


def _confident(min_confidence: str) -> np.ndarray:
    """By confidence code: whether it is stated and at least `min_confidence`."""
    wanted = np.zeros(len(CONFIDENCE_CODES), dtype=bool)
    wanted[
        [
            code
            for name, code in CONFIDENCE_CODES.items()
            if name and _CONFIDENCE_RANK[name] >= _CONFIDENCE_RANK[min_confidence]
        ]
    ] = True
    return wanted


_CONFIDENT = {name: _confident(name) for name in _CONFIDENCE_RANK}


def condition_holds(condition, figures: Figures, ratings: RatingArrays, c: Constants) -> np.ndarray:
    """Where one status condition holds (n,); a score not assessed never reaches a threshold."""
    scores = figures.factors.score
    if isinstance(condition, FindingIs):
        return ratings.ongoing.any(axis=1)  # type: ignore[return-value]  # numpy's stubs: any(axis) of 2-D: an array
    if isinstance(condition, ConductPresent):
        levels = ratings.levels[:, c.conduct_columns]
        present = (
            (levels != UNKNOWN)
            & (levels >= condition.min_level)
            & _CONFIDENT[condition.min_confidence][ratings.confidences[:, c.conduct_columns]]
        )
        return present.any(axis=1)
    if isinstance(condition, RiskFactorAtLeast):
        high = scores[:, [c.factor_columns[n] for n in condition.risk_factors]] >= condition.score
        return high.any(axis=1) if condition.match == "any" else high.all(axis=1)  # type: ignore[return-value]  # numpy's stubs: of 2-D, arrays
    if isinstance(condition, RiskFactorsMeanAtLeast):
        return plain_mean(scores, [c.factor_columns[n] for n in condition.risk_factors]) >= condition.score
    if isinstance(condition, CrimeAtLeast):
        crimes = figures.crimes
        return (crimes.determined & ~crimes.capped & (crimes.score >= condition.score)).any(axis=1)
    assert isinstance(condition, SpecificRiskFactorAtLeast)  # noqa: S101 - a crime's specific factor reaches it, that crime not capped
    return ((((scores >= condition.score).astype(np.int64) @ c.specific_members) > 0) & ~figures.crimes.capped).any(
        axis=1
    )


def plain_mean(scores: np.ndarray, columns: list[int]) -> np.ndarray:
    """The unweighted mean of the assessed factor scores among `columns`, rounded; NaN when none is assessed."""
    values = scores[:, columns]
    assessed = ~np.isnan(values)
    total = hundredths(values).sum(axis=1)  # a NaN counts 0 hundredths
    with np.errstate(invalid="ignore", divide="ignore"):
        return round2(total / (assessed.sum(axis=1) * 100.0))


def decide_status(
    figures: Figures, ratings: RatingArrays, framework: Framework, params: ScoringParameters
) -> StatusFigures:
    c = constants(framework, params)
    n = len(ratings)
    held = [[condition_holds(cond, figures, ratings, c) for cond in rule.conditions] for rule in params.status_rules]
    holds = np.array(
        [
            checks[0]
            if len(checks) == 1
            else np.logical_or.reduce(checks)
            if rule.match == "any"
            else np.logical_and.reduce(checks)
            for rule, checks in zip(params.status_rules, held, strict=True)
        ]
    ).reshape(len(held), n)  # (rules, n)
    # the first rule that holds, -1 when none does
    rule_index = np.where(holds.any(axis=0), holds.argmax(axis=0), -1) if len(held) else np.full(n, -1)
    determined = figures.overall.determined
    fallback = np.where(determined, len(params.status_rules), len(params.status_rules) + 1)
    chosen = np.where(rule_index >= 0, rule_index, fallback)
    return StatusFigures(
        status=c.status_names[chosen],
        rule=rule_index,
        provisional=(rule_index >= 0) & ~c.rests_on_finding[chosen] & ~determined,
        held=held,
    )


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def describe_condition(condition) -> str:
    """A status condition in words, for the Framework screen and the methodology notes."""
    if isinstance(condition, FindingIs):
        return "an atrocity crime is recorded as ongoing"
    if isinstance(condition, ConductPresent):
        return (
            f"an indicator describing conduct (acts being committed) is rated at level {condition.min_level} or more "
            f"with at least {condition.min_confidence} confidence"
        )
    if isinstance(condition, RiskFactorsMeanAtLeast):
        return f"the mean of risk factors {_numbers(condition.risk_factors)} is at least {condition.score:.1f}"
    if isinstance(condition, CrimeAtLeast):
        return f"a determined crime risk, not capped for want of an armed conflict, is at least {condition.score:.1f}"
    if isinstance(condition, SpecificRiskFactorAtLeast):
        return (
            f"a risk factor specific to one crime scores at least {condition.score:.1f} "
            "(not for war crimes when there is no armed conflict)"
        )
    which = "any of" if condition.match == "any" else "each of"
    if len(condition.risk_factors) == 1:
        return f"risk factor {condition.risk_factors[0]} scores at least {condition.score:.1f}"
    return f"{which} risk factors {_numbers(condition.risk_factors)} scores at least {condition.score:.1f}"


def describe_rule(rule, params: ScoringParameters) -> str:
    joiner = " or " if rule.match == "any" else " and "
    return f"{params.status_label(rule.status)} when " + joiner.join(describe_condition(c) for c in rule.conditions)
