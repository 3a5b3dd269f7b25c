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


def _column(framework: Framework, number: int) -> int:
    return [rf.number for rf in framework.risk_factors].index(number)


def condition_holds(condition, figures: Figures, ratings: RatingArrays, c: Constants, framework: Framework) -> np.ndarray:
    """Where one status condition holds (n,); a score not assessed never reaches a threshold."""
    scores = figures.factors.score
    if isinstance(condition, FindingIs):
        return ratings.ongoing.any(axis=1)  # type: ignore[return-value]  # numpy's stubs: any(axis) of 2-D: an array
    if isinstance(condition, ConductPresent):
        wanted = [code for name, code in CONFIDENCE_CODES.items() if name and _CONFIDENCE_RANK[name] >= _CONFIDENCE_RANK[condition.min_confidence]]
        present = (ratings.levels != UNKNOWN) & (ratings.levels >= condition.min_level) & np.isin(ratings.confidences, wanted)
        return (present & c.conduct).any(axis=1)
    if isinstance(condition, RiskFactorAtLeast):
        high = np.stack([scores[:, _column(framework, n)] >= condition.score for n in condition.risk_factors])
        return high.any(axis=0) if condition.match == "any" else high.all(axis=0)  # type: ignore[return-value]  # numpy's stubs: of 2-D, arrays
    if isinstance(condition, RiskFactorsMeanAtLeast):
        return plain_mean(scores, [_column(framework, n) for n in condition.risk_factors]) >= condition.score
    if isinstance(condition, CrimeAtLeast):
        crimes = figures.crimes
        return (crimes.determined & ~crimes.capped & (crimes.score >= condition.score)).any(axis=1)
    assert isinstance(condition, SpecificRiskFactorAtLeast)  # noqa: S101 - narrows the closed union for the type checker
    return np.logical_or.reduce([
        ~figures.crimes.capped[:, k] & (scores[:, columns] >= condition.score).any(axis=1) for k, columns in enumerate(c.specific)
    ])


def plain_mean(scores: np.ndarray, columns: list[int]) -> np.ndarray:
    """The unweighted mean of the assessed factor scores among `columns`, rounded; NaN when none is assessed."""
    assessed = ~np.isnan(scores[:, columns])
    total = np.where(assessed, hundredths(scores[:, columns]), 0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return round2(total / (assessed.sum(axis=1) * 100.0))


def decide_status(figures: Figures, ratings: RatingArrays, framework: Framework, params: ScoringParameters) -> StatusFigures:
    c = constants(framework, params)
    n = len(ratings)
    held = [[condition_holds(cond, figures, ratings, c, framework) for cond in rule.conditions] for rule in params.status_rules]
    rule_index = np.full(n, -1)
    for index in reversed(range(len(params.status_rules))):
        checks = held[index]
        holds = np.logical_or.reduce(checks) if params.status_rules[index].match == "any" else np.logical_and.reduce(checks)
        rule_index = np.where(holds, index, rule_index)
    determined = figures.overall.determined
    names = np.array([rule.status for rule in params.status_rules] + [params.no_alarm.determined, params.no_alarm.undetermined], dtype=object)
    fallback = np.where(determined, len(params.status_rules), len(params.status_rules) + 1)
    on_finding = np.array([rule.rests_on_finding for rule in params.status_rules] + [True, True])
    chosen = np.where(rule_index >= 0, rule_index, fallback)
    return StatusFigures(status=names[chosen], rule=rule_index, provisional=(rule_index >= 0) & ~on_finding[chosen] & ~determined, held=held)


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def describe_condition(condition) -> str:
    """A status condition in words, for the Framework screen and the methodology notes."""
    if isinstance(condition, FindingIs):
        return "an atrocity crime is recorded as ongoing"
    if isinstance(condition, ConductPresent):
        return (f"an indicator describing conduct (acts being committed) is rated at level {condition.min_level} or more "
                f"with at least {condition.min_confidence} confidence")
    if isinstance(condition, RiskFactorsMeanAtLeast):
        return f"the mean of risk factors {_numbers(condition.risk_factors)} is at least {condition.score:.1f}"
    if isinstance(condition, CrimeAtLeast):
        return f"a determined crime risk, not capped for want of an armed conflict, is at least {condition.score:.1f}"
    if isinstance(condition, SpecificRiskFactorAtLeast):
        return (f"a risk factor specific to one crime scores at least {condition.score:.1f} "
                "(not for war crimes when there is no armed conflict)")
    which = "any of" if condition.match == "any" else "each of"
    if len(condition.risk_factors) == 1:
        return f"risk factor {condition.risk_factors[0]} scores at least {condition.score:.1f}"
    return f"{which} risk factors {_numbers(condition.risk_factors)} scores at least {condition.score:.1f}"


def describe_rule(rule, params: ScoringParameters) -> str:
    joiner = " or " if rule.match == "any" else " and "
    return f"{params.status_label(rule.status)} when " + joiner.join(describe_condition(c) for c in rule.conditions)
