"""The reasons behind the figures of one assessment, in words, from what risk_model.py computed.

Nothing is computed again here: every number in a reason is a figure of the model (row 0 of the
arrays), so a reason can never disagree with the figure it explains.
"""

from __future__ import annotations

import math

import numpy as np

from r2p_risk.assessment import LEVEL_LABELS
from r2p_risk.framework import CRIMES, Framework, RiskFactor
from r2p_risk.parameters import (
    ConductPresent,
    Crime,
    CrimeAtLeast,
    FindingIs,
    RiskFactorAtLeast,
    RiskFactorsMeanAtLeast,
    ScoringParameters,
    SpecificRiskFactorAtLeast,
)
from r2p_risk.rating_arrays import CONFIDENCE_CODES, UNKNOWN, RatingArrays
from r2p_risk.reasons import listing, reason_data
from r2p_risk.risk_model import Constants, Figures
from r2p_risk.status import plain_mean

PRESENT_NAMED = 3  # indicators named per risk factor among those clearly present or stronger; the drivers list has them all
CONFIDENCE_NAMES = {code: name for name, code in CONFIDENCE_CODES.items() if name}


def _f(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def first_row(figures) -> dict[str, list]:
    """Row 0 of every (1, risk factors) array of a FactorFigures, as Python lists (cheaper to read one by one)."""
    return {name: getattr(figures, name)[0].tolist() for name in figures.__dataclass_fields__}


def factor_reasons(k: int, rf: RiskFactor, f: dict[str, list], levels: list[int], whole_levels: list[int], c: Constants,
                   params: ScoringParameters) -> list[dict]:
    """Why risk factor `rf` (column k) scores what it does; `f` is `first_row` of the factor figures."""
    n, count, listed = rf.number, f["count"][k], len(rf.indicators)
    counted = c.counted_list[k]
    reasons = []
    if rf.indicators_complete:
        reasons.append(reason_data("factor_assessed", risk_factor=n, assessed=count, counted=counted))
    else:
        reasons.append(reason_data("factor_assessed_incomplete", risk_factor=n, assessed=count, listed=listed, counted=counted))
    indicator = _f(f["indicator_score"][k])
    if indicator is not None:
        mean, peak, method = f["mean"][k], f["peak"][k], params.aggregation.method
        if method == "blend":
            share = params.aggregation.peak_weight
            reasons.append(reason_data("factor_blend", risk_factor=n, rest=1 - share, mean=mean, share=share, peak=peak, score=indicator))
        else:
            reasons.append(reason_data(f"factor_{method}", risk_factor=n, mean=mean, peak=peak))
        present = sorted(((levels[i], c.indicators[i].id) for i in range(c.starts_list[k], c.ends_list[k]) if 2 <= levels[i] < UNKNOWN),
                         key=lambda p: -p[0])
        reasons += [reason_data("indicator_present", risk_factor=n, indicator=i, level=level, level_label=LEVEL_LABELS[level],
                           points=params.level_points[level]) for level, i in present[:PRESENT_NAMED]]
        if len(present) > PRESENT_NAMED:
            reasons.append(reason_data("indicators_present_more", risk_factor=n, count=len(present) - PRESENT_NAMED))
    if f["whole"][k]:
        level, points = whole_levels[k], f["whole_points"][k]
        if indicator is None:
            reasons.append(reason_data("factor_whole_only", risk_factor=n, level=level, level_label=LEVEL_LABELS[level], points=points))
        else:
            w = params.whole_factor_rating.weight
            reasons.append(reason_data("factor_whole_blend", risk_factor=n, level=level, rest=1 - w, indicators=indicator, weight=w,
                                  points=points, score=f["score"][k]))
    low, high = f["low"][k], f["high"][k]
    if not f["assessed"][k]:
        reasons.append(reason_data("factor_not_assessed", risk_factor=n, low=low, high=high))
    elif low == high:
        reasons.append(reason_data("factor_settled", risk_factor=n))
    else:
        reasons.append(reason_data("factor_range", risk_factor=n, low=low, high=high))
    if f["assessed"][k]:
        reasons.append(reason_data("factor_reliability", risk_factor=n, reliability=f["reliability"][k],
                              evidence=f["evidence"][k], confidence=f["confidence"][k]))
    return reasons


def crime_reasons(crime: Crime, figures: Figures, ratings: RatingArrays, framework: Framework,
                  params: ScoringParameters, c: Constants) -> list[dict]:
    k = CRIMES.index(crime)
    cf, f = figures.crimes.of(crime), figures.factors
    title = params.crime_label(crime).lower()
    numbers = params.crimes[crime].specific_risk_factors
    factors = ", ".join(str(n) for n in numbers)
    common_count = int(f.assessed[0, c.common].sum())
    specific_count = int(f.assessed[0, c.specific[k]].sum())
    common, specific = _f(cf.common[0]), _f(cf.specific[0])
    reasons = [
        reason_data("crime_common", crime=title, mean=common, count=common_count) if common is not None else reason_data("crime_common_none", crime=title),
        reason_data("crime_specific", crime=title, factors=factors, mean=specific, count=specific_count) if specific is not None
        else reason_data("crime_specific_none", crime=title, factors=factors),
    ]
    score = _f(cf.score[0])
    if cf.determined[0] and common is not None and specific is not None:
        combined = score if not cf.capped[0] else None
        if combined is not None:
            weight = float(c.specific_weight[k])
            reasons.append(reason_data("crime_combined", crime=title, common=common, specific=specific, rest=round(1 - weight, 2),
                                  weight=weight, score=combined))
    if c.requirement[k] >= 0:
        indicator = c.indicators[c.requirement[k]].id
        level = int(ratings.levels[0, c.requirement[k]])
        if cf.capped[0]:
            reasons.append(reason_data("crime_capped", crime=title, indicator=indicator, level=level, cap=float(c.cap[k])))
            if not cf.specific_assessed[0] and score is not None:
                weight = float(c.specific_weight[k])
                reasons.append(reason_data("crime_capped_without_specific", crime=title, factors=factors, common=common,
                                      rest=round(1 - weight, 2), weight=weight, score=score))
        elif level == UNKNOWN:
            reasons.append(reason_data("crime_cap_unknown", crime=title, indicator=indicator))
    if not cf.determined[0]:
        if not cf.specific_assessed[0] and not cf.capped[0]:
            reasons.append(reason_data("crime_undetermined_specific", crime=title, factors=factors))
        gate = params.evidence_gates.min_common_evidence
        if float(cf.common_evidence[0]) < gate or common is None:
            reasons.append(reason_data("crime_undetermined_common", crime=title, evidence=float(cf.common_evidence[0]), gate=gate))
    low, high = float(cf.low[0]), float(cf.high[0])
    reasons.append(reason_data("crime_settled", crime=title) if low == high else reason_data("crime_range", crime=title, low=low, high=high))
    return reasons


def undetermined_crimes(figures: Figures, params: ScoringParameters) -> list[str]:
    return [params.crime_label(crime).lower() for k, crime in enumerate(CRIMES) if not figures.crimes.determined[0, k]]


def overall_reasons(figures: Figures, params: ScoringParameters) -> list[dict]:
    o = figures.overall
    reasons = []
    if o.determined[0]:
        score = float(o.score[0])
        highest = [params.crime_label(crime).lower() for k, crime in enumerate(CRIMES) if float(figures.crimes.score[0, k]) == score]
        reasons.append(reason_data("overall_highest", crimes=listing(highest), score=score))
    else:
        reasons.append(reason_data("overall_undetermined", crimes=listing(undetermined_crimes(figures, params))))
    low, high = float(o.low[0]), float(o.high[0])
    reasons.append(reason_data("overall_settled") if low == high else reason_data("overall_range", low=low, high=high))
    return reasons


def condition_reasons(condition, figures: Figures, ratings: RatingArrays, framework: Framework, params: ScoringParameters,
                      c: Constants) -> list[dict]:
    """Why a condition that holds, holds: one reason per finding, indicator, risk factor or crime that meets it."""
    scores = figures.factors.score[0]
    numbers = [rf.number for rf in framework.risk_factors]
    if isinstance(condition, FindingIs):
        return [reason_data("finding_ongoing", crime=params.crime_label(crime).lower())
                for k, crime in enumerate(CRIMES) if ratings.ongoing[0, k]]
    if isinstance(condition, ConductPresent):
        found = []
        for i in np.flatnonzero(c.conduct):
            level, confidence = int(ratings.levels[0, i]), int(ratings.confidences[0, i])
            if condition.min_level <= level < UNKNOWN and confidence in CONFIDENCE_NAMES:
                indicator = c.indicators[i]
                found.append((level, confidence, indicator))
        minimum = CONFIDENCE_CODES[condition.min_confidence]
        return [reason_data("conduct_present", indicator=ind.id, risk_factor=ind.risk_factor, level=level, level_label=LEVEL_LABELS[level],
                       confidence=CONFIDENCE_NAMES[confidence], text=ind.text)
                for level, confidence, ind in found if confidence >= minimum]
    if isinstance(condition, RiskFactorAtLeast):
        return [reason_data("factor_at_least", risk_factor=n, title=framework.risk_factor(n).title, score=float(scores[numbers.index(n)]),
                       threshold=condition.score)
                for n in condition.risk_factors if scores[numbers.index(n)] >= condition.score]
    if isinstance(condition, RiskFactorsMeanAtLeast):
        mean = float(plain_mean(figures.factors.score, [numbers.index(n) for n in condition.risk_factors])[0])
        return [reason_data("factors_mean_at_least", factors=", ".join(str(n) for n in condition.risk_factors), mean=mean,
                       threshold=condition.score)]
    if isinstance(condition, CrimeAtLeast):
        crimes = figures.crimes
        return [reason_data("crime_at_least", crime=params.crime_label(crime).lower(), score=float(crimes.score[0, k]),
                       level_label=params.risk_level_label(params.risk_level(float(crimes.score[0, k]))), threshold=condition.score)
                for k, crime in enumerate(CRIMES)
                if crimes.determined[0, k] and not crimes.capped[0, k] and crimes.score[0, k] >= condition.score]
    assert isinstance(condition, SpecificRiskFactorAtLeast)  # noqa: S101 - narrows the closed union for the type checker
    return [reason_data("specific_factor_at_least", risk_factor=numbers[j], title=framework.risk_factors[j].title,
                   crime=params.crime_label(crime).lower(), score=float(scores[j]), threshold=condition.score)
            for k, crime in enumerate(CRIMES) if not figures.crimes.capped[0, k]
            for j in c.specific[k] if scores[j] >= condition.score]
